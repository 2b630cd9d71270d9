package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// samples are the latencies of one operation.
type samples []time.Duration

// pct is the nearest-rank percentile p (0 to 100).
func (s samples) pct(p float64) time.Duration {
	if len(s) == 0 {
		return 0
	}
	c := slices.Clone(s)
	slices.Sort(c)
	i := int(math.Ceil(p/100*float64(len(c)))) - 1
	return c[max(0, min(i, len(c)-1))]
}

func (s samples) median() time.Duration { return s.pct(50) }

// budget bounds a loop: at most n timed calls and at most max of wall
// time, whichever ends first, but never fewer than min calls so that a
// slow operation still gets a median. warm calls go first, untimed.
type budget struct {
	n, min, warm int
	max          time.Duration
}

func (m *measurer) budget() budget {
	return budget{n: m.cfg.requests, min: 5, warm: min(5, m.cfg.requests), max: m.cfg.opTime}
}

// loop times fn sequentially within b.
func loop(ctx context.Context, b budget, fn func() error) (samples, error) {
	for range b.warm {
		if err := fn(); err != nil {
			return nil, err
		}
	}
	out := make(samples, 0, b.n)
	start := time.Now()
	for len(out) < b.n && (len(out) < b.min || time.Since(start) < b.max) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t := time.Now()
		if err := fn(); err != nil {
			return nil, err
		}
		out = append(out, time.Since(t))
	}
	return out, nil
}

// loopConcurrent runs fn from clients goroutines until n calls are done or
// max has passed, and returns every latency and the wall time, from which
// the throughput follows.
func loopConcurrent(ctx context.Context, clients, n int, max time.Duration, fn func(worker int) error) (samples, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, max)
	defer cancel()
	var left atomic.Int64
	left.Store(int64(n))
	per := make([]samples, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range clients {
		wg.Go(func() {
			for left.Add(-1) >= 0 && ctx.Err() == nil {
				t := time.Now()
				if err := fn(w); err != nil {
					if ctx.Err() == nil {
						errs[w] = err
					}
					cancel()
					return
				}
				per[w] = append(per[w], time.Since(t))
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	var all samples
	for w := range clients {
		if errs[w] != nil {
			return nil, 0, errs[w]
		}
		all = append(all, per[w]...)
	}
	return all, took, nil
}

// api is a small HTTP client of the service, on loopback only.
type api struct {
	base, key string
	c         *http.Client
}

func newAPI(base, key string) *api {
	return &api{base: base, key: key, c: &http.Client{
		// Exports run for as long as they need; everything else is far
		// below this.
		Timeout: 10 * time.Minute,
		Transport: &http.Transport{
			MaxIdleConns: 64, MaxIdleConnsPerHost: 64, IdleConnTimeout: time.Minute,
			// Bodies are measured as the server writes them.
			DisableCompression: true,
		},
	}}
}

func (a *api) do(ctx context.Context, method, path, body string, hdr map[string]string, w io.Writer) (*http.Response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := a.c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(w, resp.Body); err != nil {
		return resp, fmt.Errorf("%s %s: reading the body: %w", method, path, err)
	}
	return resp, nil
}

// get fetches path and fails on anything but a 200, so that a benchmark
// of error answers cannot pass for a fast one.
func (a *api) get(ctx context.Context, path string, w io.Writer) error {
	var errBody strings.Builder
	resp, err := a.do(ctx, http.MethodGet, path, "", nil, &teeOnError{w: w, err: &errBody})
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, tail(errBody.String(), 500))
	}
	return nil
}

func (a *api) getJSON(ctx context.Context, path string, v any) error {
	var b strings.Builder
	if err := a.get(ctx, path, &b); err != nil {
		return err
	}
	return json.Unmarshal([]byte(b.String()), v)
}

// patch sends a merge patch with the editor key. The service limits keyed
// clients, loopback or not, so a 429 is waited out as it asks.
func (a *api) patch(ctx context.Context, path, body string) error {
	for range 10 {
		var b strings.Builder
		resp, err := a.do(ctx, http.MethodPatch, path, body, map[string]string{
			"Authorization": "Bearer " + a.key, "Content-Type": "application/merge-patch+json"}, &b)
		if err != nil {
			return err
		}
		switch resp.StatusCode {
		case http.StatusOK:
			return nil
		case http.StatusTooManyRequests:
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(max(1, wait)) * time.Second):
			}
			continue
		}
		return fmt.Errorf("PATCH %s: %s: %s", path, resp.Status, tail(b.String(), 500))
	}
	return fmt.Errorf("PATCH %s: still rate limited after 10 tries", path)
}

// teeOnError keeps a copy of the start of the body, to explain a failure.
type teeOnError struct {
	w   io.Writer
	err *strings.Builder
}

func (t *teeOnError) Write(p []byte) (int, error) {
	if t.err.Len() < 1000 {
		t.err.Write(p[:min(len(p), 1000)])
	}
	return t.w.Write(p)
}

// csvCounter is an io.Writer that counts bytes and CSV records: newlines
// outside quoted cells, since summaries may hold line breaks. Whether a
// newline is inside a cell is the parity of the quotes before it (a
// doubled quote flips it twice), so each line is one count of its quotes.
// It runs on the machine it measures: looking at each quote of the JSON
// cells one call at a time cost it 1.5 s of CPU per million incidents,
// time the server then had to share its two cores with.
type csvCounter struct {
	bytes, records int64
	quoted         bool
}

func (c *csvCounter) Write(p []byte) (int, error) {
	c.bytes += int64(len(p))
	for rest := p; ; {
		i := bytes.IndexByte(rest, '\n')
		line := rest
		if i >= 0 {
			line = rest[:i]
		}
		if bytes.Count(line, quote)%2 == 1 {
			c.quoted = !c.quoted
		}
		if i < 0 {
			break
		}
		if !c.quoted {
			c.records++
		}
		rest = rest[i+1:]
	}
	return len(p), nil
}

var quote = []byte{'"'}
