package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// mixedClients and mixedTime are the load test of the trust issue: many
// clients reading and writing at once, for a minute, and not one 5xx or
// "database is locked" allowed.
const (
	mixedClients = 32
	mixedTime    = 60 * time.Second
)

// mixed runs mixedClients clients for mixedTime, each looping over: a get
// by id (most requests), a list page, a report, and a write: a PATCH of an
// incident's locality to a marker (or with -mixed-edit wounded, of its
// wounded to one more) and a second PATCH putting it back, so the cached
// data set ends as it began apart from versions. Writes that collide get
// 412 and count as answered.
func (m *measurer) mixed(ctx context.Context) ([]row, error) {
	logf("mixed load: %d clients, %s", mixedClients, mixedTime)
	ctx, cancel := context.WithTimeout(ctx, mixedTime)
	defer cancel()
	var mu sync.Mutex
	var all samples
	// The latencies by operation: a p99 of everything hides readers that
	// wait behind writers, which is what issue 18 asks about.
	byOp := map[string]samples{}
	var requests, fivexx, locked, other int
	var wg sync.WaitGroup
	for w := range mixedClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 99))
			var lat samples
			count := func(op string, status int, body string, d time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				requests++
				lat = append(lat, d)
				byOp[op] = append(byOp[op], d)
				switch {
				case status >= 500:
					fivexx++
				case status != http.StatusOK && status != http.StatusPreconditionFailed && status != http.StatusTooManyRequests:
					other++
				}
				if strings.Contains(body, "locked") {
					locked++
				}
			}
			send := func(op, method, path, body string, hdr map[string]string) (int, string) {
				var b strings.Builder
				start := time.Now()
				resp, err := m.api.do(ctx, method, path, body, hdr, &b)
				if err != nil {
					return 0, ""
				}
				count(op, resp.StatusCode, b.String(), time.Since(start))
				return resp.StatusCode, b.String()
			}
			editor := map[string]string{"Authorization": "Bearer " + m.api.key, "Content-Type": "application/merge-patch+json"}
			for i := 0; ctx.Err() == nil && i < 1_000_000; i++ {
				id := 1 + r.Int64N(max(1, m.live))
				switch n := r.IntN(100); {
				case n < 60:
					send("get", http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d", id), "", nil)
				case n < 75:
					send("list", http.MethodGet, "/api/v1/incidents?region=Gao&limit=20", "", nil)
				case n < 85:
					send("report", http.MethodGet, "/api/v1/reports/casualties?group_by=region,year&from=2017-01-01", "", nil)
				default:
					status, body := send("get", http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d", id), "", nil)
					if status != http.StatusOK {
						continue
					}
					var inc struct {
						Locality *string `json:"locality"`
						Wounded  *int    `json:"wounded"`
					}
					if json.Unmarshal([]byte(body), &inc) != nil {
						continue
					}
					back, _ := json.Marshal(map[string]any{"locality": inc.Locality})
					edit := `{"locality":"` + patchMarker + ` mixed"}`
					if m.cfg.mixedEdit == "wounded" {
						more := 0
						if inc.Wounded != nil {
							more = *inc.Wounded + 1
						}
						back, _ = json.Marshal(map[string]any{"wounded": inc.Wounded})
						edit = fmt.Sprintf(`{"wounded":%d}`, more)
					}
					send("write", http.MethodPatch, fmt.Sprintf("/api/v1/incidents/%d", id), edit, editor)
					// Put it back even when the minute is over.
					var b strings.Builder
					start := time.Now()
					if resp, err := m.api.do(context.WithoutCancel(ctx), http.MethodPatch, fmt.Sprintf("/api/v1/incidents/%d", id), string(back), editor, &b); err == nil {
						count("write", resp.StatusCode, b.String(), time.Since(start))
					}
				}
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r := latency(fmt.Sprintf("mixed load, %d clients for %s: 60%% get by id, 15%% list, 10%% report, 15%% edits (two PATCHes of the %s)", mixedClients, mixedTime, m.cfg.mixedEdit), all, nil)
	r.Note = fmt.Sprintf("%d requests, %.0f req/s; %d answered 5xx, %d said \"locked\", %d other errors", requests,
		float64(requests)/mixedTime.Seconds(), fivexx, locked, other)
	r.Target = "zero 5xx, zero \"database is locked\""
	r.Met = "yes"
	if fivexx > 0 || locked > 0 {
		r.Met = "**no**"
		r.miss = fmt.Sprintf("%d 5xx, %d locked", fivexx, locked)
	}
	rows := []row{r}
	for _, op := range []struct{ name, label string }{{"get", "get by id"}, {"list", "list page"}, {"report", "report"}, {"write", "PATCH"}} {
		o := latency(fmt.Sprintf("mixed load: %s", op.label), byOp[op.name], nil)
		o.Note = fmt.Sprintf("%d requests", len(byOp[op.name]))
		if op.name == "get" || op.name == "list" {
			p99 := byOp[op.name].pct(99)
			o.check("p99 < 25 ms", p99 < 25*time.Millisecond, fmt.Sprintf("p99 %.1f× the target", p99.Seconds()/0.025))
		}
		rows = append(rows, o)
	}
	return rows, nil
}
