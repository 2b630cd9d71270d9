package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"incidentdb/handlers"
	"incidentdb/models"
)

func TestRoleMatrix(t *testing.T) {
	// The revoked key is sent many times in a row: past the default limit
	// of failed checks, which has a test of its own.
	a := newAPI(t, handlers.Config{RateLimit: handlers.RateLimit{FailedKeyBurst: 1000}})
	revoked, err := a.db.CreateKey(context.Background(), "gone", models.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.db.RevokeKey(context.Background(), "gone"); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"occurred_on":"2017-11-24","type":"complex_attack","country":"ML","region":"Mopti","killed":1}`)
	csvBody := []byte("occurred_on,type\n2017-01-01,ied\n")
	// fresh makes an incident for one request, deleted when the request
	// needs a deleted one, so no request depends on another's outcome.
	fresh := func(deleted bool) int64 {
		inc := a.create(t, []byte(`{"occurred_on":"2017-01-01","type":"ied"}`))
		if deleted {
			a.do(t, "DELETE", fmt.Sprintf("/api/v1/incidents/%d", inc.ID), a.editor, nil)
		}
		return inc.ID
	}
	type want struct{ none, reader, editor, admin, revoked int }
	open := want{200, 200, 200, 200, 401}
	edit := want{401, 403, 0, 0, 401}
	cases := []struct {
		method, path string
		body         []byte
		deleted      bool
		ok           int
		w            want
	}{
		{"GET", "/api/v1/incidents", nil, false, 200, open},
		{"GET", "/api/v1/incidents/%d", nil, false, 200, open},
		{"GET", "/api/v1/incidents/%d/history", nil, false, 200, open},
		{"GET", "/api/v1/incidents.csv", nil, false, 200, open},
		{"GET", "/api/v1/incidents.ndjson", nil, false, 200, open},
		{"GET", "/api/v1/incidents.geojson", nil, false, 200, open},
		{"GET", "/api/v1/casualties.csv", nil, false, 200, open},
		{"GET", "/api/v1/reports/casualties?group_by=region", nil, false, 200, open},
		{"GET", "/api/v1/reports/casualties.csv?group_by=region", nil, false, 200, open},
		{"GET", "/api/v1/reports/timeseries", nil, false, 200, open},
		{"GET", "/api/v1/regions", nil, false, 200, open},
		{"GET", "/api/v1/forces", nil, false, 200, open},
		{"GET", "/api/v1/countries", nil, false, 200, open},
		{"POST", "/api/v1/incidents", body, false, 201, edit},
		{"PUT", "/api/v1/incidents/%d", body, false, 200, edit},
		{"PATCH", "/api/v1/incidents/%d", []byte(`{"summary":"edited"}`), false, 200, edit},
		{"DELETE", "/api/v1/incidents/%d", nil, false, 204, edit},
		{"POST", "/api/v1/incidents/import", csvBody, false, 200, edit},
		{"POST", "/api/v1/incidents/%d/restore", nil, true, 200, want{401, 403, 403, 0, 401}},
	}
	for _, tc := range cases {
		for _, who := range []struct {
			name, key string
			status    func(want) int
		}{
			{"none", "", func(w want) int { return w.none }},
			{"reader", a.reader, func(w want) int { return w.reader }},
			{"editor", a.editor, func(w want) int { return w.editor }},
			{"admin", a.admin, func(w want) int { return w.admin }},
			{"revoked", revoked, func(w want) int { return w.revoked }},
		} {
			expect := who.status(tc.w)
			if expect == 0 {
				expect = tc.ok
			}
			path := tc.path
			if strings.Contains(path, "%d") {
				path = fmt.Sprintf(path, fresh(tc.deleted))
			}
			var headers []string
			if tc.method == "POST" && strings.HasSuffix(path, "import") {
				headers = []string{"Content-Type", "text/csv"}
			}
			res := a.do(t, tc.method, path, who.key, tc.body, headers...)
			if res.status != expect {
				t.Errorf("%s %s as %s: %d, want %d (%.200s)", tc.method, tc.path, who.name, res.status, expect, res.body)
			}
		}
	}
}

func TestConcurrentEditsFromOneVersionExactlyOneWins(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, seeds(t)[0])
	path := fmt.Sprintf("%s/api/v1/incidents/%d", a.srv.URL, inc.ID)
	var wg sync.WaitGroup
	statuses := make([]int, 12)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("PATCH", path, strings.NewReader(fmt.Sprintf(`{"summary":"editor %d"}`, i)))
			req.Header.Set("Authorization", "Bearer "+a.editor)
			req.Header.Set("If-Match", `"1"`)
			res, err := http.DefaultClient.Do(req)
			if err == nil {
				statuses[i] = res.StatusCode
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	won, lost := 0, 0
	for _, s := range statuses {
		switch s {
		case 200:
			won++
		case 412:
			lost++
		}
	}
	if won != 1 || lost != len(statuses)-1 {
		t.Errorf("statuses %v: %d won, %d got 412", statuses, won, lost)
	}
	var got models.Incident
	a.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", inc.ID), "", nil).json(t, &got)
	if got.Version != 2 {
		t.Errorf("version %d, want 2", got.Version)
	}
}

func TestRestoreAndTheSyncFeed(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	kept := a.create(t, seeds(t)[0])
	gone := a.create(t, seeds(t)[1])
	path := fmt.Sprintf("/api/v1/incidents/%d", gone.ID)
	if res := a.do(t, "DELETE", path, a.editor, nil); res.status != 204 {
		t.Fatalf("delete: %d", res.status)
	}
	var feed struct{ Items []models.Incident }
	a.do(t, "GET", "/api/v1/incidents?deleted=true&updated_since=2026-01-01T00:00:00Z&sort=updated_at", "", nil).json(t, &feed)
	if len(feed.Items) != 1 || feed.Items[0].ID != gone.ID || feed.Items[0].DeletedAt == nil {
		t.Errorf("deleted feed = %+v", feed.Items)
	}
	feed.Items = nil
	a.do(t, "GET", "/api/v1/incidents?updated_since=2030-01-01T00:00:00Z", "", nil).json(t, &feed)
	if len(feed.Items) != 0 {
		t.Errorf("nothing changed after 2030: %d", len(feed.Items))
	}
	if res := a.do(t, "POST", path+"/restore", a.editor, nil); res.status != 403 {
		t.Errorf("restore by an editor: %d", res.status)
	}
	if res := a.do(t, "POST", fmt.Sprintf("/api/v1/incidents/%d/restore", kept.ID), a.admin, nil); res.status != 409 {
		t.Errorf("restoring a live incident: %d", res.status)
	}
	res := a.do(t, "POST", path+"/restore", a.admin, nil)
	var back models.Incident
	res.json(t, &back)
	if res.status != 200 || back.Version != 3 || back.DeletedAt != nil || models.Value0(back.Killed) != 1 {
		t.Fatalf("restore: %d %s", res.status, res.body)
	}
	var rep reportBody
	a.do(t, "GET", "/api/v1/reports/casualties?group_by=region", "", nil).json(t, &rep)
	if rep.Totals["incidents"] != 2 || rep.Totals["killed"] != 5 {
		t.Errorf("totals after restore: %v", rep.Totals)
	}
	var hist struct {
		Revisions []struct{ Action, Actor string }
	}
	a.do(t, "GET", path+"/history", "", nil).json(t, &hist)
	if got := fmt.Sprint(hist.Revisions); got != "[{create editor-key} {delete editor-key} {restore admin-key}]" {
		t.Errorf("history = %s", got)
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	a := newAPI(t, handlers.Config{RateLimit: handlers.RateLimit{PerSecond: 0.5, Burst: 2, Loopback: true}})
	var last response
	for range 3 {
		last = a.do(t, "GET", "/api/v1/incidents", "", nil)
	}
	if last.status != 429 || last.header.Get("Retry-After") == "" {
		t.Fatalf("third request: %d, Retry-After %q", last.status, last.header.Get("Retry-After"))
	}
	// A key is its own client, apart from the address.
	if res := a.do(t, "GET", "/api/v1/incidents", a.reader, nil); res.status != 200 {
		t.Errorf("with a key: %d", res.status)
	}
	b := newAPI(t, handlers.Config{RateLimit: handlers.RateLimit{PerSecond: 0.5, Burst: 1}})
	for range 3 {
		if res := b.do(t, "GET", "/healthz", "", nil); res.status != 200 {
			t.Errorf("loopback is exempt by default: %d", res.status)
		}
		if res := b.do(t, "GET", "/api/v1/incidents", "", nil); res.status != 200 {
			t.Errorf("loopback is exempt by default: %d", res.status)
		}
	}
	_ = time.Second
}
