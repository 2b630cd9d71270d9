package handlers_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"incidentdb/handlers"
	"incidentdb/models"
)

// largeIncident is a synthetic incident near the size limits: a long
// summary, hundreds of casualty lines and dozens of sources.
func largeIncident(tb testing.TB, n int) []byte {
	tb.Helper()
	var lines []map[string]any
	for i := range models.MaxCasualties {
		lines = append(lines, map[string]any{"group": "civilian", "force": fmt.Sprintf("Synthetic force %03d of record %d", i, n), "killed": 1})
	}
	var sources []map[string]any
	for i := range models.MaxSources {
		sources = append(sources, map[string]any{"title": strings.Repeat(fmt.Sprintf("synthetic source %d ", i), 40),
			"url": fmt.Sprintf("https://example.org/synthetic/%d/%d", n, i)})
	}
	return mustJSON(tb, map[string]any{
		"occurred_on": "2017-11-24", "type": "armed_attack", "country": "ML", "region": "Mopti",
		"summary":    strings.Repeat(fmt.Sprintf("Synthetic record %d, written to be large. ", n), 400)[:models.MaxSummaryRunes],
		"casualties": lines, "sources": sources, "forces": []string{"MINUSMA"},
	})
}

// A history of large revisions comes a page at a time, each page bounded
// in size whatever the limit, and the pages together are the whole
// history in order.
func TestHistoryPagesAreBounded(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, largeIncident(t, 0))
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	const puts = 40
	for i := 1; i <= puts; i++ {
		if res := a.do(t, "PUT", path, a.editor, largeIncident(t, i)); res.status != 200 {
			t.Fatalf("put %d: %d %s", i, res.status, res.body)
		}
	}
	next := path + "/history?limit=1000"
	var versions []int
	pages := 0
	for next != "" {
		res := a.do(t, "GET", next, "", nil)
		if res.status != 200 {
			t.Fatalf("%s: %d %s", next, res.status, res.body)
		}
		if len(res.body) > models.MaxPageBytes+1<<20 {
			t.Errorf("a history page of %d bytes", len(res.body))
		}
		var page struct {
			Revisions  []struct{ Version int }
			NextCursor *string `json:"next_cursor"`
		}
		res.json(t, &page)
		for _, r := range page.Revisions {
			versions = append(versions, r.Version)
		}
		pages++
		next = ""
		if page.NextCursor != nil {
			next = path + "/history?limit=1000&cursor=" + url.QueryEscape(*page.NextCursor)
			if link := res.header.Get("Link"); !strings.Contains(link, "cursor=") {
				t.Errorf("Link header %q", link)
			}
		}
	}
	if pages < 3 {
		t.Errorf("%d pages for %d large revisions", pages, puts+1)
	}
	for i, v := range versions {
		if v != i+1 {
			t.Fatalf("versions across the pages: %v", versions)
		}
	}
	if len(versions) != puts+1 {
		t.Errorf("%d versions, want %d", len(versions), puts+1)
	}
	var small struct {
		Revisions  []json.RawMessage
		NextCursor *string `json:"next_cursor"`
	}
	a.do(t, "GET", path+"/history?limit=2", "", nil).json(t, &small)
	if len(small.Revisions) != 2 || small.NextCursor == nil {
		t.Errorf("limit=2: %d revisions, next %v", len(small.Revisions), small.NextCursor)
	}
	for _, bad := range []string{"?limit=0", "?limit=1001", "?cursor=abc", "?limit=1&limit=2"} {
		if res := a.do(t, "GET", path+"/history"+bad, "", nil); res.status != 400 {
			t.Errorf("history%s: %d", bad, res.status)
		}
	}
}

// A list page of large incidents stops early instead of building a
// thousand of them in memory, and paging still reaches every one once.
func TestListPagesAreBounded(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	const n = 60
	for i := range n {
		a.create(t, largeIncident(t, i))
	}
	seen := map[int64]bool{}
	next, pages := "/api/v1/incidents?limit=1000", 0
	for next != "" {
		res := a.do(t, "GET", next, "", nil)
		if res.status != 200 {
			t.Fatalf("%s: %d", next, res.status)
		}
		if len(res.body) > models.MaxPageBytes+1<<20 {
			t.Errorf("a list page of %d bytes", len(res.body))
		}
		var page struct {
			Items      []models.Incident
			Total      int
			NextCursor *string `json:"next_cursor"`
		}
		res.json(t, &page)
		if page.Total != n {
			t.Errorf("total %d", page.Total)
		}
		for _, inc := range page.Items {
			if seen[inc.ID] {
				t.Errorf("incident %d on two pages", inc.ID)
			}
			seen[inc.ID] = true
		}
		pages++
		next = ""
		if page.NextCursor != nil {
			next = "/api/v1/incidents?limit=1000&cursor=" + url.QueryEscape(*page.NextCursor)
		}
	}
	if len(seen) != n || pages < 2 {
		t.Errorf("%d incidents in %d pages, want %d in several", len(seen), pages, n)
	}
}

// Guessing keys is limited by address before any lookup, loopback
// included; a key that worked lately still works from that address, and
// the limit on keys holds wherever a key comes from.
func TestKeyChecksAndKeysAreRateLimited(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	if res := a.do(t, "GET", "/api/v1/incidents", a.reader, nil); res.status != 200 {
		t.Fatalf("a good key: %d", res.status)
	}
	statuses := map[int]int{}
	var retry string
	for i := range 30 {
		res := a.do(t, "GET", "/api/v1/incidents", "", nil, "Authorization", fmt.Sprintf("Bearer idb_guess%d", i))
		statuses[res.status]++
		if res.status == 429 {
			retry = res.header.Get("Retry-After")
		}
	}
	if statuses[401] != handlers.DefaultFailedKeyBurst || statuses[429] != 30-handlers.DefaultFailedKeyBurst || retry == "" {
		t.Errorf("30 bad keys from one address: %v (Retry-After %q)", statuses, retry)
	}
	if res := a.do(t, "GET", "/api/v1/incidents", a.reader, nil); res.status != 200 {
		t.Errorf("a key that passed before, from the blocked address: %d", res.status)
	}
	if res := a.do(t, "GET", "/api/v1/incidents", "", nil); res.status != 200 {
		t.Errorf("no key, from the blocked address: %d", res.status)
	}

	b := newAPI(t, handlers.Config{RateLimit: handlers.RateLimit{PerSecond: 0.5, Burst: 2}})
	keyed := map[int]int{}
	for range 4 {
		keyed[b.do(t, "GET", "/api/v1/incidents", b.reader, nil).status]++
		if res := b.do(t, "GET", "/api/v1/incidents", "", nil); res.status != 200 {
			t.Errorf("no key on loopback is exempt by default: %d", res.status)
		}
	}
	if keyed[200] != 2 || keyed[429] != 2 {
		t.Errorf("a key on loopback: %v, want two answered and two limited", keyed)
	}
}

// A private server's metrics need a key too: they count its incidents.
func TestPrivateMetricsNeedAKey(t *testing.T) {
	a := newAPI(t, handlers.Config{Private: true})
	if res := a.do(t, "GET", "/metrics", "", nil); res.status != 401 {
		t.Errorf("metrics without a key on a private server: %d", res.status)
	}
	if res := a.do(t, "GET", "/metrics", a.reader, nil); res.status != 200 || !strings.Contains(string(res.body), "incidentdb_incidents") {
		t.Errorf("metrics with a key: %d", res.status)
	}
	b := newAPI(t, handlers.Config{})
	if res := b.do(t, "GET", "/metrics", "", nil); res.status != 200 {
		t.Errorf("metrics on an open server: %d", res.status)
	}
}

// Reports and pickers show one spelling of a name, whatever spellings
// later writes bring: a known mission by its acronym, any other name as
// first written.
func TestNamesShownAreCanonical(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, body := range []string{
		`{"occurred_on":"2017-11-24","type":"ied","mission":"minusma","country":"ML","region":"Mopti","forces":["Garde nationale","minusma"],"killed":1}`,
		`{"occurred_on":"2017-11-25","type":"ied","mission":"MINUSMA","country":"ML","region":"Mopti","forces":["Garde nationale"],"killed":1}`,
		`{"occurred_on":"2017-11-26","type":"ied","mission":"-MINUSMA","country":"ML","region":"Mopti","forces":["-GARDE NATIONALE","-MINUSMA"],"killed":1}`,
	} {
		a.create(t, []byte(body))
	}
	for _, path := range []string{"/api/v1/reports/casualties?group_by=mission", "/api/v1/reports/casualties?group_by=mission&min_killed=1",
		"/api/v1/reports/casualties?group_by=mission,year&from=2017-11-01&to=2017-11-30"} {
		var rep struct{ Rows []map[string]any }
		a.do(t, "GET", path, "", nil).json(t, &rep)
		if len(rep.Rows) != 1 || rep.Rows[0]["mission"] != "MINUSMA" {
			t.Errorf("%s: %v", path, rep.Rows)
		}
	}
	var byForce struct{ Rows []map[string]any }
	a.do(t, "GET", "/api/v1/reports/casualties?group_by=force", "", nil).json(t, &byForce)
	var forces []any
	for _, r := range byForce.Rows {
		forces = append(forces, r["force"])
	}
	if fmt.Sprint(forces) != "[Garde nationale MINUSMA]" {
		t.Errorf("forces in the report: %v", forces)
	}
	var picker struct{ Items []struct{ Name string } }
	a.do(t, "GET", "/api/v1/forces", "", nil).json(t, &picker)
	if fmt.Sprint(picker.Items) != "[{Garde nationale} {MINUSMA}]" {
		t.Errorf("forces picker: %v", picker)
	}
}
