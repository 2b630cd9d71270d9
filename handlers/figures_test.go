package handlers_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"strings"
	"testing"

	"incidentdb/handlers"
	"incidentdb/models"
)

// countsReport is a report as a test reads it: the rows, and the totals
// with their unknown counts.
type countsReport struct {
	Rows []struct {
		models.Counts
		Group       *string `json:"group"`
		Nationality *string `json:"nationality"`
		Region      *string `json:"region"`
		Dataset     *string `json:"dataset"`
	} `json:"rows"`
	Totals models.Counts `json:"totals"`
}

func (a *api) report(t *testing.T, query string) countsReport {
	t.Helper()
	res := a.do(t, "GET", "/api/v1/reports/casualties?"+query, "", nil)
	if res.status != 200 {
		t.Fatalf("%s: %d %s", query, res.status, res.body)
	}
	var rep countsReport
	res.json(t, &rep)
	return rep
}

// A figure nobody knows is null in JSON, an empty CSV cell, never matched
// by min_wounded, and counted apart in reports and series, which add only
// what is known.
func TestUnknownIsNotZeroEverywhere(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	unknown := a.create(t, []byte(`{"occurred_on":"2019-01-20","type":"ied","country":"ML","region":"Kidal","killed":3,"wounded":null}`))
	zero := a.create(t, []byte(`{"occurred_on":"2019-02-01","type":"ied","country":"ML","region":"Kidal","killed":2,"wounded":0}`))
	if unknown.Wounded != nil || zero.Wounded == nil || *zero.Wounded != 0 {
		t.Fatalf("created wounded %v and %v, want null and 0", unknown.Wounded, zero.Wounded)
	}
	var page struct {
		Total int
		Items []models.Incident
	}
	a.do(t, "GET", "/api/v1/incidents?min_wounded=0", "", nil).json(t, &page)
	if page.Total != 1 || page.Items[0].ID != zero.ID {
		t.Errorf("min_wounded=0 finds %+v; a figure not known is not at least 0", page.Items)
	}
	rep := a.report(t, "group_by=region")
	if len(rep.Rows) != 1 || rep.Rows[0].Counts != (models.Counts{Incidents: 2, Killed: 5, Wounded: 0, WoundedUnknown: 1}) || rep.Totals != rep.Rows[0].Counts {
		t.Errorf("by region: %+v", rep)
	}
	var series struct{ Points []models.Point }
	a.do(t, "GET", "/api/v1/reports/timeseries?from=2019-01&to=2019-02", "", nil).json(t, &series)
	if len(series.Points) != 2 || series.Points[0].WoundedUnknown != 1 || series.Points[1].WoundedUnknown != 0 || series.Points[1].Wounded != 0 {
		t.Errorf("series: %+v", series.Points)
	}
	nd := string(a.do(t, "GET", "/api/v1/incidents.ndjson", "", nil).body)
	if !strings.Contains(nd, `"killed":3,"wounded":null`) || !strings.Contains(nd, `"killed":2,"wounded":0`) {
		t.Errorf("ndjson:\n%s", nd)
	}
	recs, err := csv.NewReader(strings.NewReader(string(a.do(t, "GET", "/api/v1/incidents.csv", "", nil).body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	if len(recs) != 3 || recs[1][col["wounded"]] != "" || recs[2][col["wounded"]] != "0" {
		t.Errorf("csv wounded cells: %v", recs)
	}
	// A total left out of a breakdown whose line does not know it is not
	// known either; the lines' known part still counts.
	partial := a.create(t, []byte(`{"occurred_on":"2019-03-01","type":"ied","country":"ML","region":"Gao",
		"casualties":[{"group":"peacekeeper","killed":2,"wounded":null},{"group":"national_forces","killed":1}]}`))
	if partial.Killed == nil || *partial.Killed != 3 || partial.Wounded != nil {
		t.Errorf("derived totals: killed %v, wounded %v; want 3 and unknown", partial.Killed, partial.Wounded)
	}
	rep = a.report(t, "group_by=group&region=Gao")
	if rep.Totals != (models.Counts{Incidents: 1, Killed: 3, WoundedUnknown: 1}) {
		t.Errorf("Gao by group: totals %+v", rep.Totals)
	}
}

// "Peacekeepers killed in MINUSMA" is one number however the answer is
// grouped, and a report by group drops nobody: what no line attributes is
// a row of no group.
func TestOneQuestionOneTotal(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	a.create(t, []byte(`{"occurred_on":"2018-06-02","type":"ambush","mission":"MINUSMA","country":"ML","region":"Ménaka",
		"casualties":[{"group":"peacekeeper","nationality":"TD","killed":2},{"group":"national_forces","nationality":"ML","killed":5,"wounded":3}]}`))
	// As an ACLED event comes: a total and no lines.
	a.create(t, []byte(`{"occurred_on":"2019-05-05","type":"armed_attack","mission":"MINUSMA","country":"ML","region":"Ménaka","killed":7,"wounded":null}`))
	const peacekeepersKilled = 3 + 1 + 2 // Niger, Burkina Faso, Chad
	for _, dim := range []string{"nationality", "year", "month", "region", "mission", "type", "group", "force", "dataset"} {
		rep := a.report(t, "group=peacekeeper&mission=MINUSMA&group_by="+dim)
		var sum int64
		for _, r := range rep.Rows {
			sum += r.Killed
		}
		if rep.Totals.Killed != peacekeepersKilled || dim != "force" && sum != peacekeepersKilled {
			t.Errorf("peacekeepers killed in MINUSMA by %s: totals %d, rows add up to %d; want %d", dim, rep.Totals.Killed, sum, peacekeepersKilled)
		}
	}
	var series struct{ Points []models.Point }
	a.do(t, "GET", "/api/v1/reports/timeseries?group=peacekeeper&interval=year", "", nil).json(t, &series)
	var sum int64
	for _, p := range series.Points {
		sum += p.Killed
	}
	if sum != peacekeepersKilled {
		t.Errorf("the yearly series of peacekeepers killed adds up to %d, want %d", sum, peacekeepersKilled)
	}
	byRegion := a.report(t, "group_by=region&region=menaka")
	byGroup := a.report(t, "group_by=group&region=menaka")
	var unattributed int64 = -1
	for _, r := range byGroup.Rows {
		if r.Group == nil {
			unattributed = r.Killed
		}
	}
	// Ménaka: 1 FAMa soldier of 2017 is on a line; the 7 of 2019 are not.
	if byGroup.Totals != byRegion.Totals || unattributed != 7 {
		t.Errorf("Ménaka by group %+v (no group: %d killed) and by region %+v", byGroup.Totals, unattributed, byRegion.Totals)
	}
}

// Where each incident came from is kept, shown and asked for: origin is
// how it came in, dataset which collection it belongs to.
func TestWhereEachIncidentCameFrom(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	seed := a.create(t, seeds(t)[0])
	if seed.Origin != models.OriginAPI || seed.Dataset != nil {
		t.Errorf("an incident entered through the API: origin %q, dataset %v", seed.Origin, seed.Dataset)
	}
	importFile := func(query, file string) models.ImportResult {
		t.Helper()
		body, err := os.ReadFile("../testdata/" + file)
		if err != nil {
			t.Fatal(err)
		}
		res := a.do(t, "POST", "/api/v1/incidents/import?"+query, a.editor, body, "Content-Type", "text/csv")
		if res.status != 200 {
			t.Fatalf("import %s: %d %s", file, res.status, res.body)
		}
		var out models.ImportResult
		res.json(t, &out)
		return out
	}
	acled := importFile("format=acled", "acled_mali_synthetic.csv")
	un := importFile("format=un-fatalities&dataset=UN-Deaths.2024", "un_fatalities_historical_synthetic.csv")
	for _, tc := range []struct {
		dataset, origin string
		created         int
	}{{"acled", "acled", acled.Created}, {"un-deaths.2024", "un-fatalities", un.Created}} {
		var page struct {
			Total int
			Items []models.Incident
		}
		a.do(t, "GET", "/api/v1/incidents?limit=1000&dataset="+tc.dataset, "", nil).json(t, &page)
		if page.Total != tc.created || page.Total == 0 {
			t.Errorf("dataset=%s: %d incidents, %d imported", tc.dataset, page.Total, tc.created)
		}
		for _, inc := range page.Items {
			if string(inc.Origin) != tc.origin || inc.Dataset == nil || *inc.Dataset != tc.dataset {
				t.Fatalf("incident %d of dataset %s: origin %q, dataset %v", inc.ID, tc.dataset, inc.Origin, inc.Dataset)
			}
		}
	}
	rep := a.report(t, "group_by=dataset")
	got := map[string]int64{}
	for _, r := range rep.Rows {
		got[fmt.Sprint(deref(r.Dataset))] = r.Incidents
	}
	if got["acled"] != int64(acled.Created) || got["un-deaths.2024"] != int64(un.Created) || got[""] != 1 || len(got) != 3 {
		t.Errorf("by dataset: %v", got)
	}
	if res := a.do(t, "POST", "/api/v1/incidents/import?format=acled&dataset=no%20spaces", a.editor, []byte("x"), "Content-Type", "text/csv"); res.status != 400 ||
		!strings.Contains(string(res.body), `"field":"dataset"`) {
		t.Errorf("a bad dataset label: %d %s", res.status, res.body)
	}
	var page struct{ Total int }
	a.do(t, "GET", "/api/v1/incidents?external_id=un-sg-2017-11-24-menaka&external_id=none", "", nil).json(t, &page)
	if page.Total != 1 {
		t.Errorf("external_id finds %d", page.Total)
	}
	// An editor may label an incident; where it came from does not change.
	res := a.do(t, "PATCH", fmt.Sprintf("/api/v1/incidents/%d", seed.ID), a.editor, []byte(`{"dataset":"un-statements"}`))
	var patched models.Incident
	res.json(t, &patched)
	if res.status != 200 || patched.Dataset == nil || *patched.Dataset != "un-statements" || patched.Origin != models.OriginAPI {
		t.Errorf("patched dataset: %d %s", res.status, res.body)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
