package handlers_test

import (
	"fmt"
	"strings"
	"testing"

	"incidentdb/handlers"
)

// Regressions found by acceptance testing.
func TestAcceptanceRegressions(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, seeds(t)[0])
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)

	t.Run("a time series cannot be made unboundedly long", func(t *testing.T) {
		res := a.do(t, "GET", "/api/v1/reports/timeseries?interval=day&from=0001-01-01&to=9999-12-31", "", nil)
		if res.status != 400 || !strings.Contains(string(res.body), `"field":"interval"`) {
			t.Errorf("%d %.300s", res.status, res.body)
		}
	})
	t.Run("a weak ETag never matches If-Match", func(t *testing.T) {
		if res := a.do(t, "DELETE", path, a.editor, nil, "If-Match", `W/"1"`); res.status != 412 {
			t.Errorf("%d", res.status)
		}
	})
	t.Run("list items cannot hold the CSV list separator", func(t *testing.T) {
		res := a.do(t, "POST", "/api/v1/incidents", a.editor, []byte(`{"occurred_on":"2017-01-01","type":"ied","forces":["Group A; B","C"]}`))
		if res.status != 422 || !strings.Contains(string(res.body), `"field":"forces[0]"`) {
			t.Errorf("%d %s", res.status, res.body)
		}
	})
	t.Run("every conflicting external_id of an import is reported", func(t *testing.T) {
		file := ""
		for i := range 5 {
			file += fmt.Sprintf(`{"external_id":"dup-%d","occurred_on":"2017-01-01","type":"ied"}`+"\n", i)
		}
		if res := a.do(t, "POST", "/api/v1/incidents/import", a.editor, []byte(file), "Content-Type", "application/x-ndjson"); res.status != 200 {
			t.Fatalf("first import: %d %s", res.status, res.body)
		}
		var p handlers.Problem
		res := a.do(t, "POST", "/api/v1/incidents/import", a.editor, []byte(file), "Content-Type", "application/x-ndjson")
		res.json(t, &p)
		if res.status != 422 || len(p.Errors) != 5 || p.Errors[4].Line != 5 {
			t.Errorf("%d %s", res.status, res.body)
		}
	})
	t.Run("an import that changes nothing keeps the report ETag", func(t *testing.T) {
		before := a.do(t, "GET", "/api/v1/reports/casualties?group_by=year", "", nil).header.Get("ETag")
		file := `{"external_id":"dup-0","occurred_on":"2017-01-01","type":"ied"}`
		a.do(t, "POST", "/api/v1/incidents/import?on_conflict=skip", a.editor, []byte(file), "Content-Type", "application/x-ndjson")
		a.do(t, "POST", "/api/v1/incidents/import?on_conflict=update", a.editor, []byte(file), "Content-Type", "application/x-ndjson")
		if after := a.do(t, "GET", "/api/v1/reports/casualties?group_by=year", "", nil).header.Get("ETag"); after != before {
			t.Errorf("ETag moved from %s to %s", before, after)
		}
	})
	t.Run("regions of the same name in two countries are two rows", func(t *testing.T) {
		a.create(t, []byte(`{"occurred_on":"2019-01-01","type":"other","country":"IN","region":"Punjab","killed":5}`))
		a.create(t, []byte(`{"occurred_on":"2019-01-02","type":"other","country":"PK","region":"Punjab","killed":2}`))
		var rep reportBody
		a.do(t, "GET", "/api/v1/reports/casualties?group_by=region&country=IN,PK", "", nil).json(t, &rep)
		if len(rep.Rows) != 2 || rep.Rows[0]["killed"] == rep.Rows[1]["killed"] {
			t.Errorf("rows = %v", rep.Rows)
		}
	})
}

func TestConcurrentImportsOfTheSameRecords(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	file := ""
	for i := range 30 {
		file += fmt.Sprintf(`{"external_id":"conc-%d","occurred_on":"2017-01-01","type":"ied","killed":%d}`+"\n", i, i%3)
	}
	statuses := make(chan int, 4)
	// Two keys, two imports each: as many uploads as one client may have.
	for _, key := range []string{a.editor, a.editor, a.admin, a.admin} {
		go func() {
			res := a.do(t, "POST", "/api/v1/incidents/import?on_conflict=update", key, []byte(file), "Content-Type", "application/x-ndjson")
			statuses <- res.status
		}()
	}
	for range 4 {
		if st := <-statuses; st != 200 {
			t.Errorf("an import answered %d", st)
		}
	}
	if n := a.count(t); n != 30 {
		t.Errorf("%d incidents stored, want 30", n)
	}
}
