package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// TestAcknowledgedWritesSurviveKill9 runs the real binary under concurrent
// writes, kills it with SIGKILL mid-flight, restarts it, and checks that
// every write that was answered 2xx is there with its history and that
// SQLite finds the file sound. Five times over the same database.
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	dir := t.TempDir()
	bin := binary(t)
	db := filepath.Join(dir, "crash.db")
	out, err := exec.Command(bin, "keys", "create", "--db", db, "--role", "editor", "--name", "crash").Output()
	if err != nil {
		t.Fatal(err)
	}
	key := strings.TrimSpace(string(out))
	acked := map[int64]string{} // id -> external_id
	for round := range 5 {
		addr := freeAddr(t)
		srv := exec.Command(bin, "serve", "--addr", addr, "--db", db)
		var logs bytes.Buffer
		srv.Stderr = &logs
		if err := srv.Start(); err != nil {
			t.Fatal(err)
		}
		waitReady(t, "http://"+addr)
		var mu sync.Mutex
		ctx, stop := context.WithTimeout(context.Background(), 700*time.Millisecond)
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := &http.Client{Timeout: 5 * time.Second}
				for i := 0; ctx.Err() == nil && i < 10_000; i++ {
					ext := fmt.Sprintf("crash-%d-%d-%d", round, w, i)
					body := fmt.Sprintf(`{"external_id":%q,"occurred_on":"2017-11-24","type":"ied","country":"ML","region":"Gao","killed":%d}`, ext, i%4)
					req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/incidents", strings.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+key)
					res, err := client.Do(req)
					if err != nil {
						return // the server is gone
					}
					var inc struct{ ID int64 }
					derr := json.NewDecoder(res.Body).Decode(&inc)
					res.Body.Close()
					if res.StatusCode == http.StatusCreated && derr == nil {
						mu.Lock()
						acked[inc.ID] = ext
						mu.Unlock()
					} else if res.StatusCode >= 500 {
						t.Errorf("round %d: %d", round, res.StatusCode)
					}
				}
			}()
		}
		<-ctx.Done()
		// Kill while the writers are still sending.
		if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		srv.Wait()
		stop()
		wg.Wait()
		if strings.Contains(logs.String(), "locked") {
			t.Errorf("round %d: database is locked in the log:\n%s", round, logs.String())
		}
	}
	if len(acked) < 50 {
		t.Fatalf("only %d writes were acknowledged; the test did not load the server", len(acked))
	}
	conn, err := sql.Open("sqlite3", "file:"+db+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var check string
	if err := conn.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	for id, ext := range acked {
		var got string
		var revisions int
		err := conn.QueryRow(`SELECT i.external_id, (SELECT count(*) FROM revisions r WHERE r.incident_id = i.id AND r.action = 'create')
			FROM incidents i WHERE i.id = ?`, id).Scan(&got, &revisions)
		if err != nil || got != ext || revisions != 1 {
			t.Errorf("acknowledged incident %d (%s): %q, %d revisions, %v", id, ext, got, revisions, err)
		}
	}
	var totals, live int64
	conn.QueryRow("SELECT coalesce(sum(incidents), 0) FROM totals_year").Scan(&totals)
	conn.QueryRow("SELECT count(*) FROM incidents WHERE deleted_at IS NULL").Scan(&live)
	if totals != live {
		t.Errorf("report totals count %d incidents, the table %d", totals, live)
	}
	t.Logf("%d acknowledged writes survived 5 kills", len(acked))
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	for range 200 {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("server did not become ready")
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// binary builds the command once for the tests that run it for real.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "incidentdb-bin")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "incidentdb")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// TestSIGTERMLetsASlowExportFinish starts an export that a slow client
// reads, sends SIGTERM, and checks the export arrives whole and the server
// exits 0.
func TestSIGTERMLetsASlowExportFinish(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	bin := binary(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "slow.db")
	data, err := exec.Command(bin, "gen", "--n", "3000", "--seed", "9").Output()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "g.csv")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "import", "--db", db, file).CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	addr := freeAddr(t)
	srv := exec.Command(bin, "serve", "--addr", addr, "--db", db, "--shutdown-timeout", "60s")
	var logs bytes.Buffer
	srv.Stderr = &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill()
	waitReady(t, "http://"+addr)
	res, err := http.Get("http://" + addr + "/api/v1/incidents.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var got bytes.Buffer
	buf := make([]byte, 4096)
	signalled := false
	for {
		n, err := res.Body.Read(buf)
		got.Write(buf[:n])
		if !signalled && got.Len() > 0 {
			if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			signalled = true
		}
		if err != nil {
			break
		}
		time.Sleep(2 * time.Millisecond) // a slow reader keeps the request in flight
	}
	if !signalled {
		t.Fatal("no bytes arrived")
	}
	recs, err := csv.NewReader(&got).ReadAll()
	if err != nil || len(recs) != 3001 {
		t.Errorf("the export was cut short after SIGTERM: %d rows, %v", len(recs), err)
	}
	if err := srv.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v\n%s", err, logs.String())
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", logs.String())
	}
}
