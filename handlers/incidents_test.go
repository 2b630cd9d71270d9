package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"incidentdb/handlers"
	"incidentdb/models"
)

func TestSeedIncidentsPostAndReadBack(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		res := a.do(t, "POST", "/api/v1/incidents", a.editor, raw)
		if res.status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		var created models.Incident
		res.json(t, &created)
		if loc := res.header.Get("Location"); loc != fmt.Sprintf("/api/v1/incidents/%d", created.ID) {
			t.Errorf("Location = %q", loc)
		}
		if et := res.header.Get("ETag"); et != `"1"` {
			t.Errorf("ETag = %q, want \"1\"", et)
		}
		got := a.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", created.ID), "", nil)
		if got.status != http.StatusOK {
			t.Fatalf("get: %d %s", got.status, got.body)
		}
		var want, back map[string]any
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		got.json(t, &back)
		// Each line also shows its estimates, which are its figures here:
		// the seed has no claims.
		if lines, ok := back["casualties"].([]any); ok {
			for _, l := range lines {
				line := l.(map[string]any)
				for _, f := range []string{"killed", "wounded"} {
					if line[f+"_low"] != line[f] || line[f+"_high"] != line[f] {
						t.Errorf("a line without claims: %v", line)
					}
					delete(line, f+"_low")
					delete(line, f+"_high")
				}
			}
		}
		for k, v := range want {
			if fmt.Sprint(back[k]) != fmt.Sprint(v) {
				t.Errorf("%s: got %v, want %v", k, back[k], v)
			}
		}
	}
	var list struct {
		Items []models.Incident
		Total int
	}
	a.do(t, "GET", "/api/v1/incidents", "", nil).json(t, &list)
	killed, wounded := 0, 0
	for _, inc := range list.Items {
		killed += models.Value0(inc.Killed)
		wounded += models.Value0(inc.Wounded)
	}
	if list.Total != 2 || killed != 5 || wounded != 21 {
		t.Errorf("the statement's totals: %d incidents, %d killed, %d wounded; want 2, 5, 21", list.Total, killed, wounded)
	}
}

func TestRegionMatchesAccentAndCaseInsensitively(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	body := strings.Replace(string(seeds(t)[0]), `"Ménaka"`, `"MÉNAKA"`, 1)
	body = strings.Replace(body, "un-sg-2017-11-24-menaka", "second", 1)
	if inc := a.create(t, []byte(body)); *inc.Region != "Ménaka" {
		t.Errorf("region stored as %q, want Ménaka", *inc.Region)
	}
	for _, q := range []string{"menaka", "MENAKA", "Ménaka", "ML-9", "ml-9", "Menaka,Gao"} {
		var list struct{ Items []models.Incident }
		res := a.do(t, "GET", "/api/v1/incidents?region="+url.QueryEscape(q), "", nil)
		if res.status != 200 {
			t.Fatalf("region=%s: %d %s", q, res.status, res.body)
		}
		res.json(t, &list)
		if len(list.Items) != 2 {
			t.Errorf("region=%s found %d incidents, want 2", q, len(list.Items))
		}
		for _, inc := range list.Items {
			if *inc.Region != "Ménaka" {
				t.Errorf("region=%s returned %q", q, *inc.Region)
			}
		}
	}
}

func TestEveryFilterSelectsTheRightIncidents(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	ids := map[string]int64{}
	for _, raw := range seeds(t) {
		inc := a.create(t, raw)
		ids[*inc.Region] = inc.ID
	}
	other := a.create(t, []byte(`{"occurred_on":"2019-03-02","mission":"MINUSCA","country":"Central African Republic",
		"type":"ambush","summary":"Casques bleus pris en embuscade près de la rivière","locality":"Bambari",
		"casualties":[{"group":"peacekeeper","nationality":"Egypt","killed":2}]}`))
	cases := []struct {
		query string
		want  []int64
	}{
		{"", []int64{other.ID, ids["Mopti"], ids["Ménaka"]}},
		{"region=Mopti", []int64{ids["Mopti"]}},
		{"country=ML", []int64{ids["Mopti"], ids["Ménaka"]}},
		{"country=mali", []int64{ids["Mopti"], ids["Ménaka"]}},
		{"mission=minusca", []int64{other.ID}},
		{"type=complex_attack,ambush", []int64{other.ID, ids["Mopti"]}},
		{"type=complex_attack&type=ambush", []int64{other.ID, ids["Mopti"]}},
		{"force=fama", []int64{ids["Ménaka"]}},
		{"contributing_country=BF", []int64{ids["Mopti"]}},
		{"contributing_country=Egypt", []int64{other.ID}},
		{"nationality=NE", []int64{ids["Ménaka"]}},
		{"group=contractor", []int64{ids["Ménaka"]}},
		{"group=peacekeeper&nationality=BF", []int64{ids["Mopti"]}},
		{"from=2018-01-01", []int64{other.ID}},
		{"to=2017-11-24", []int64{ids["Mopti"], ids["Ménaka"]}},
		{"from=2017-11-24&to=2017-11-24", []int64{ids["Mopti"], ids["Ménaka"]}},
		{"min_killed=2", []int64{other.ID, ids["Ménaka"]}},
		{"min_wounded=3", []int64{ids["Mopti"], ids["Ménaka"]}},
		{"q=riviere", []int64{other.ID}},
		{"q=DOUENTZA", []int64{ids["Mopti"]}},
		{"q=convoy+douentza", []int64{ids["Mopti"]}},
		{"q=convoy+bambari", nil},
		{"q=attack", []int64{ids["Mopti"], ids["Ménaka"]}},
		{"q=assailants", []int64{ids["Ménaka"]}},
		{"region=Mopti&type=armed_attack", nil},
		{"sort=killed", []int64{ids["Mopti"], other.ID, ids["Ménaka"]}},
		{"sort=id", []int64{ids["Ménaka"], ids["Mopti"], other.ID}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			res := a.do(t, "GET", "/api/v1/incidents?"+tc.query, "", nil)
			if res.status != 200 {
				t.Fatalf("%d %s", res.status, res.body)
			}
			var list struct {
				Items []models.Incident
				Total int
			}
			res.json(t, &list)
			var got []int64
			for _, inc := range list.Items {
				got = append(got, inc.ID)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) || list.Total != len(tc.want) {
				t.Errorf("got %v (total %d), want %v", got, list.Total, tc.want)
			}
		})
	}
}

func TestPagingVisitsEachIncidentOnceInOrder(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	ctx := context.Background()
	const n = 1000
	for i := range n {
		day := fmt.Sprintf("20%02d-%02d-%02d", 13+i%10, 1+i%12, 1+i%28)
		in := models.IncidentInput{OccurredOn: &day, Type: ptr("ied"), Killed: models.Known(i % 5), Country: ptr("ML"), Region: ptr("Gao")}
		inc, err := in.Normalize(fixedNow)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.db.CreateIncident(ctx, "tester", inc); err != nil {
			t.Fatal(err)
		}
	}
	for _, sort := range []string{"-occurred_on", "occurred_on", "killed", "-wounded", "id"} {
		seen := map[int64]bool{}
		var prev *models.Incident
		path := "/api/v1/incidents?limit=7&region=gao&sort=" + sort
		pages := 0
		for path != "" {
			res := a.do(t, "GET", path, "", nil)
			if res.status != 200 {
				t.Fatalf("%s: %d %s", path, res.status, res.body)
			}
			var page struct {
				Items      []models.Incident
				Total      int
				NextCursor *string `json:"next_cursor"`
			}
			res.json(t, &page)
			if page.Total != n {
				t.Fatalf("total = %d", page.Total)
			}
			for i := range page.Items {
				inc := page.Items[i]
				if seen[inc.ID] {
					t.Fatalf("sort=%s: incident %d seen twice", sort, inc.ID)
				}
				seen[inc.ID] = true
				if prev != nil && !inOrder(sort, *prev, inc) {
					t.Fatalf("sort=%s: %d (%s, %v) before %d (%s, %v)", sort, prev.ID, prev.OccurredOn, prev.Killed, inc.ID, inc.OccurredOn, inc.Killed)
				}
				prev = &inc
			}
			path = ""
			if link := res.header.Get("Link"); link != "" {
				if page.NextCursor == nil {
					t.Fatal("Link header without next_cursor")
				}
				path = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
			}
			pages++
		}
		if len(seen) != n || pages != (n+6)/7 {
			t.Errorf("sort=%s: saw %d incidents in %d pages, want %d in %d", sort, len(seen), pages, n, (n+6)/7)
		}
	}
}

func inOrder(sort string, a, b models.Incident) bool {
	key := func(inc models.Incident) string {
		switch strings.TrimPrefix(sort, "-") {
		case "occurred_on":
			return fmt.Sprintf("%s/%012d", inc.OccurredOn, inc.ID)
		// A figure not known sorts by what is known of it (see the README).
		case "killed":
			k, _ := inc.Counted()
			return fmt.Sprintf("%09d/%012d", k, inc.ID)
		case "wounded":
			_, w := inc.Counted()
			return fmt.Sprintf("%09d/%012d", w, inc.ID)
		}
		return fmt.Sprintf("%012d", inc.ID)
	}
	if strings.HasPrefix(sort, "-") {
		return key(a) > key(b)
	}
	return key(a) < key(b)
}

func ptr[T any](v T) *T { return &v }

func TestConcurrentCreatesAllSucceed(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	body := []byte(`{"occurred_on":"2017-11-24","type":"ied","country":"ML","region":"Kidal","killed":1}`)
	var wg sync.WaitGroup
	statuses := make([]int, 50)
	bodies := make([]string, 50)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", a.srv.URL+"/api/v1/incidents", strings.NewReader(string(body)))
			req.Header.Set("Authorization", "Bearer "+a.editor)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			defer res.Body.Close()
			b := make([]byte, 512)
			nb, _ := res.Body.Read(b)
			statuses[i], bodies[i] = res.StatusCode, string(b[:nb])
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusCreated || strings.Contains(bodies[i], "locked") {
			t.Errorf("request %d: %d %s", i, st, bodies[i])
		}
	}
	if n := a.count(t); n != 50 {
		t.Errorf("stored %d incidents, want 50", n)
	}
}

func TestIfMatchRejectsStaleVersion(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, seeds(t)[0])
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	res := a.do(t, "PATCH", path, a.editor, []byte(`{"summary":"first edit"}`), "If-Match", `"1"`)
	if res.status != 200 || res.header.Get("ETag") != `"2"` {
		t.Fatalf("patch at version 1: %d %s etag %s", res.status, res.body, res.header.Get("ETag"))
	}
	res = a.do(t, "PATCH", path, a.editor, []byte(`{"summary":"lost edit"}`), "If-Match", `"1"`)
	if res.status != http.StatusPreconditionFailed {
		t.Fatalf("stale patch: %d %s", res.status, res.body)
	}
	var p struct {
		Current int `json:"current_version"`
	}
	res.json(t, &p)
	if p.Current != 2 {
		t.Errorf("problem current_version = %d, want 2", p.Current)
	}
	res = a.do(t, "PUT", path, a.editor, seeds(t)[0], "If-Match", `"1"`)
	if res.status != http.StatusPreconditionFailed {
		t.Errorf("stale put: %d", res.status)
	}
	res = a.do(t, "DELETE", path, a.editor, nil, "If-Match", `"1"`)
	if res.status != http.StatusPreconditionFailed {
		t.Errorf("stale delete: %d", res.status)
	}
	var got models.Incident
	a.do(t, "GET", path, "", nil).json(t, &got)
	if got.Summary != "first edit" || got.Version != 2 {
		t.Errorf("after stale writes: %q v%d", got.Summary, got.Version)
	}
	if res := a.do(t, "GET", path, "", nil, "If-None-Match", `"2"`); res.status != http.StatusNotModified {
		t.Errorf("If-None-Match current: %d", res.status)
	}
}

func TestPatchMergesAndPutReplaces(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, seeds(t)[0])
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)

	// A wounded peacekeeper dies: the breakdown and totals are revised together.
	patch := `{"killed":5,"wounded":17,"casualties":[
		{"group":"peacekeeper","force":"MINUSMA","nationality":"NE","killed":4,"wounded":0},
		{"group":"peacekeeper","force":"MINUSMA","killed":0,"wounded":15},
		{"group":"contractor","force":"MINUSMA","killed":0,"wounded":1},
		{"group":"national_forces","force":"FAMa","nationality":"ML","killed":1,"wounded":1}]}`
	res := a.do(t, "PATCH", path, a.editor, []byte(patch), "Content-Type", "application/merge-patch+json")
	var got models.Incident
	res.json(t, &got)
	if res.status != 200 || models.Value0(got.Killed) != 5 || models.Value0(got.Wounded) != 17 || *got.Region != "Ménaka" || got.Version != 2 {
		t.Fatalf("patch: %d %+v", res.status, got)
	}
	// null removes a value, but a null figure is one not known, as GET
	// shows it: not 0, and not the sum of the breakdown.
	res = a.do(t, "PATCH", path, a.editor, []byte(`{"killed":null,"locality":"Ménaka town"}`))
	res.json(t, &got)
	if res.status != 200 || got.Killed != nil || models.Value0(got.Wounded) != 17 || *got.Locality != "Ménaka town" {
		t.Fatalf("patch null: %d %s", res.status, res.body)
	}
	// Given again, it is known again.
	res = a.do(t, "PATCH", path, a.editor, []byte(`{"killed":5}`))
	res.json(t, &got)
	if res.status != 200 || got.Killed == nil || *got.Killed != 5 || got.Version != 4 {
		t.Fatalf("patch 5: %d %s", res.status, res.body)
	}
	// PUT replaces: what is left out is gone.
	res = a.do(t, "PUT", path, a.editor, []byte(`{"occurred_on":"2017-11-24","type":"armed_attack","country":"ML","region":"Menaka","killed":4}`))
	res.json(t, &got)
	if res.status != 200 || got.Locality != nil || len(got.Casualties) != 0 || models.Value0(got.Killed) != 4 || got.Version != 5 {
		t.Fatalf("put: %d %s", res.status, res.body)
	}
	// Read-only fields in a body are ignored, so GET-modify-PUT works.
	body := strings.Replace(string(a.do(t, "GET", path, "", nil).body), `"killed":4`, `"killed":6`, 1)
	res = a.do(t, "PUT", path, a.editor, []byte(body))
	res.json(t, &got)
	if res.status != 200 || got.ID != inc.ID || models.Value0(got.Killed) != 6 || got.Version != 6 || !got.CreatedAt.Equal(inc.CreatedAt) {
		t.Fatalf("put of a GET body: %d %s", res.status, res.body)
	}
	var hist struct {
		Revisions []struct {
			Version int
			Actor   string
		}
	}
	a.do(t, "GET", path+"/history", "", nil).json(t, &hist)
	if len(hist.Revisions) != 6 || hist.Revisions[5].Actor != "editor-key" {
		t.Errorf("history = %+v", hist)
	}
}

func TestWritesNeedAnEditorKey(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, seeds(t)[0])
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	body := seeds(t)[1]
	cases := []struct {
		method, path, key string
		want              int
	}{
		{"POST", "/api/v1/incidents", "", 401},
		{"POST", "/api/v1/incidents", a.reader, 403},
		{"POST", "/api/v1/incidents", "idb_not-a-key", 401},
		{"POST", "/api/v1/incidents", a.admin, 201},
		{"PUT", path, "", 401},
		{"PUT", path, a.reader, 403},
		{"PATCH", path, a.reader, 403},
		{"DELETE", path, "", 401},
		{"DELETE", path, a.reader, 403},
		{"GET", path, "", 200},
		{"GET", path, a.reader, 200},
		{"GET", path, "idb_not-a-key", 401},
		{"GET", "/api/v1/incidents", "", 200},
	}
	for _, tc := range cases {
		var b []byte
		if tc.method == "POST" || tc.method == "PUT" || tc.method == "PATCH" {
			b = body
		}
		res := a.do(t, tc.method, tc.path, tc.key, b)
		if res.status != tc.want {
			t.Errorf("%s %s with key %q: %d, want %d (%s)", tc.method, tc.path, tc.key, res.status, tc.want, res.body)
		}
		if res.status >= 400 && res.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s %s: error Content-Type %q", tc.method, tc.path, res.header.Get("Content-Type"))
		}
	}
}

func TestPrivateServerNeedsKeysForReads(t *testing.T) {
	a := newAPI(t, handlers.Config{Private: true})
	if res := a.do(t, "GET", "/api/v1/incidents", "", nil); res.status != 401 {
		t.Errorf("anonymous read: %d", res.status)
	}
	if res := a.do(t, "GET", "/api/v1/incidents", a.reader, nil); res.status != 200 {
		t.Errorf("reader: %d", res.status)
	}
	if res := a.do(t, "GET", "/healthz", "", nil); res.status != 200 {
		t.Errorf("healthz: %d", res.status)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, p := range []string{"/healthz", "/readyz"} {
		if res := a.do(t, "GET", p, "", nil); res.status != 200 {
			t.Errorf("%s: %d", p, res.status)
		}
	}
	a.db.Close()
	if res := a.do(t, "GET", "/readyz", "", nil); res.status != 503 {
		t.Errorf("readyz with the database closed: %d", res.status)
	}
}

func TestHeadAndIfMatchListsAndRegionCodes(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, seeds(t)[0])
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	if res := a.do(t, "HEAD", path, "", nil); res.status != 200 || len(res.body) != 0 || res.header.Get("ETag") != `"1"` {
		t.Errorf("HEAD: %d, %d bytes, ETag %q", res.status, len(res.body), res.header.Get("ETag"))
	}
	if res := a.do(t, "PATCH", path, a.editor, []byte(`{"summary":"x"}`), "If-Match", `"7", "1"`); res.status != 200 {
		t.Errorf("If-Match list holding the current version: %d %s", res.status, res.body)
	}
	res := a.do(t, "DELETE", path, a.editor, nil, "If-Match", `"1"`)
	var p handlers.Problem
	res.json(t, &p)
	if res.status != 412 || len(p.Errors) != 1 || p.Errors[0].Field != "If-Match" || *p.Current != 2 {
		t.Errorf("stale delete: %d %s", res.status, res.body)
	}
	// Punjab is a region of India and of Pakistan; its ISO code names one.
	a.create(t, []byte(`{"occurred_on":"2019-01-01","type":"other","country":"IN","region":"Punjab","killed":1}`))
	pk := a.create(t, []byte(`{"occurred_on":"2019-01-02","type":"other","country":"PK","region":"Punjab","killed":1}`))
	var list struct{ Items []models.Incident }
	a.do(t, "GET", "/api/v1/incidents?region=PK-PB", "", nil).json(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != pk.ID {
		t.Errorf("region=PK-PB found %d incidents", len(list.Items))
	}
	list.Items = nil
	a.do(t, "GET", "/api/v1/incidents?region=punjab", "", nil).json(t, &list)
	if len(list.Items) != 2 {
		t.Errorf("region=punjab found %d incidents, want both", len(list.Items))
	}
}
