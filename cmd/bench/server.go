package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

type server struct {
	cmd     *exec.Cmd
	base    string
	logPath string
	once    sync.Once
	done    chan struct{}
}

func startServer(ctx context.Context, cfg config, db, logPath string) (*server, error) {
	port := cfg.port
	if port == 0 {
		// Asking the kernel for a free port and handing it on leaves a
		// small window for someone else to take it; the readiness wait
		// below notices if that happens.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	s := &server{base: "http://" + addr, logPath: logPath, done: make(chan struct{})}
	logFile, err := os.Create(s.logPath)
	if err != nil {
		return nil, err
	}
	// Not CommandContext: the server must get SIGTERM and time to
	// checkpoint, not SIGKILL, so stop does the ending.
	// Keys are rate-limited on loopback too, and the load's writers use
	// them: the bench measures the service, not its limiter. Its exports
	// run side by side with the load.
	s.cmd = exec.Command(cfg.bin, "serve", "--addr", addr, "--db", db, "--rate-limit", "0", "--max-exports", "16", "--max-exports-per-client", "16")
	s.cmd.Stdout, s.cmd.Stderr = logFile, logFile
	// Its own process group keeps a terminal's Ctrl-C from reaching it
	// before we have stopped it cleanly; Pdeathsig ends it if we are
	// killed outright and get no chance to.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	go func() {
		_ = s.cmd.Wait()
		logFile.Close()
		close(s.done)
	}()
	logf("server pid %d on %s (log %s)", s.cmd.Process.Pid, addr, s.logPath)
	if err := s.waitReady(ctx); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(2 * time.Minute)
	c := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return fmt.Errorf("the server exited during start; see %s", s.logPath)
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := c.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("the server was not ready within 2 minutes; see %s", s.logPath)
}

// stop ends the server with SIGTERM, so it checkpoints the WAL into the
// cached database (with SQLite) and closes its sessions, and kills it if it
// has not gone within 20 seconds.
func (s *server) stop() {
	s.once.Do(func() {
		if s.cmd.Process == nil {
			return
		}
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
}

func (s *server) pid() int { return s.cmd.Process.Pid }

// mem is what /proc/PID/status says of a process's memory, in KiB.
type mem struct {
	rss, hwm, anon int64
}

// memStatus reads VmRSS, VmHWM (the peak since the last reset) and
// RssAnon (the heap, Go's and SQLite's page caches, as opposed to mapped
// files).
func memStatus(pid int) (mem, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return mem{}, err
	}
	defer f.Close()
	var m mem
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			m.rss = n
		case "VmHWM":
			m.hwm = n
		case "RssAnon":
			m.anon = n
		}
	}
	return m, sc.Err()
}

// resetPeak makes VmHWM start again from the current RSS (Linux 4.0 and
// later), so the export's peak is not hidden under an earlier one.
func resetPeak(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// sampleRSS records the largest VmRSS seen every 20 ms until stop closes.
func sampleRSS(pid int, stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if m, err := memStatus(pid); err == nil && m.rss > peak {
				peak = m.rss
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}
