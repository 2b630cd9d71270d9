package handlers_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"incidentdb/handlers"
)

// reportRows renders a report's rows as "value:incidents/killed/wounded" in
// order, the value being that of dim.
func reportRows(rep reportBody, dim string) string {
	var out []string
	for _, r := range rep.Rows {
		out = append(out, fmt.Sprintf("%v:%v/%v/%v", r[dim], r["incidents"], r["killed"], r["wounded"]))
	}
	return strings.Join(out, " ")
}

// getJSON reads the 200 answer to path into v.
func (a *api) getJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	res := a.do(tb, "GET", path, "", nil)
	if res.status != http.StatusOK {
		tb.Fatalf("%s: %d %s", path, res.status, res.body)
	}
	res.json(tb, v)
}

type topReport struct {
	reportBody
	RowsTotal *int `json:"rows_total"`
}

func TestReportTopRowsKeepTheTotals(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	get := func(query string) (rep topReport) {
		a.getJSON(t, "/api/v1/reports/casualties?"+query, &rep)
		return rep
	}
	all := get("group_by=nationality")
	if got := reportRows(all.reportBody, "nationality"); got != "BF:1/1/3 ML:1/1/1 NE:1/3/0 <nil>:1/0/17" {
		t.Fatalf("the default order changed: %s", got)
	}
	if all.RowsTotal == nil || *all.RowsTotal != 4 {
		t.Errorf("rows_total = %v, want 4", all.RowsTotal)
	}
	for query, want := range map[string]string{
		"group_by=nationality&sort=-killed&limit=1": "NE:1/3/0",
		// Ties keep the default order: BF before ML.
		"group_by=nationality&sort=-killed":          "NE:1/3/0 BF:1/1/3 ML:1/1/1 <nil>:1/0/17",
		"group_by=nationality&sort=killed&limit=2":   "<nil>:1/0/17 BF:1/1/3",
		"group_by=nationality&sort=-wounded&limit=2": "<nil>:1/0/17 BF:1/1/3",
		"group_by=nationality&sort=wounded":          "NE:1/3/0 ML:1/1/1 BF:1/1/3 <nil>:1/0/17",
		"group_by=nationality&sort=-incidents":       "BF:1/1/3 ML:1/1/1 NE:1/3/0 <nil>:1/0/17",
		"group_by=nationality&sort=incidents":        "BF:1/1/3 ML:1/1/1 NE:1/3/0 <nil>:1/0/17",
		"group_by=nationality&limit=3":               "BF:1/1/3 ML:1/1/1 NE:1/3/0",
		"group_by=nationality&limit=50000":           "BF:1/1/3 ML:1/1/1 NE:1/3/0 <nil>:1/0/17",
	} {
		rep := get(query)
		if got := reportRows(rep.reportBody, "nationality"); got != want {
			t.Errorf("%s: rows %s, want %s", query, got, want)
		}
		if fmt.Sprint(rep.Totals) != fmt.Sprint(all.Totals) || rep.RowsTotal == nil || *rep.RowsTotal != 4 {
			t.Errorf("%s: totals %v and rows_total %v, want %v and 4: a top-N must not change them", query, rep.Totals, rep.RowsTotal, all.Totals)
		}
	}
	// By region from the maintained totals, as dashboards ask.
	top := get("group_by=region&sort=-killed&limit=1")
	if got := reportRows(top.reportBody, "region"); got != "Ménaka:1/4/18" || *top.RowsTotal != 2 || top.Totals["killed"] != 5 {
		t.Errorf("top region: %s, rows_total %d, totals %v", got, *top.RowsTotal, top.Totals)
	}

	res := a.do(t, "GET", "/api/v1/reports/casualties.csv?group_by=nationality&sort=-killed&limit=2", "", nil)
	recs, err := csv.NewReader(strings.NewReader(string(res.body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(recs) != "[[nationality incidents killed wounded killed_unknown wounded_unknown] [NE 1 3 0 0 0] [BF 1 1 3 0 0]]" {
		t.Errorf("csv top 2 = %v", recs)
	}
}

func TestReportSortAndLimitAreCachedApart(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	// The same URLs in an order that would serve one answer for another if
	// the cache keyed on less than the whole query.
	var bodies []string
	for _, q := range []string{"", "&limit=1", "&sort=-killed&limit=1", "&sort=killed&limit=1", "&sort=-killed", ""} {
		res := a.do(t, "GET", "/api/v1/reports/casualties?group_by=nationality"+q, "", nil)
		var rep topReport
		res.json(t, &rep)
		bodies = append(bodies, reportRows(rep.reportBody, "nationality"))
	}
	want := []string{"BF:1/1/3 ML:1/1/1 NE:1/3/0 <nil>:1/0/17", "BF:1/1/3", "NE:1/3/0", "<nil>:1/0/17",
		"NE:1/3/0 BF:1/1/3 ML:1/1/1 <nil>:1/0/17", "BF:1/1/3 ML:1/1/1 NE:1/3/0 <nil>:1/0/17"}
	if fmt.Sprint(bodies) != fmt.Sprint(want) {
		t.Errorf("answers in turn:\n%q\nwant\n%q", bodies, want)
	}
	// A value holding & and = is one parameter, not two: its answer is
	// its own, not that of q=convoy&region=Mopti.
	var rep topReport
	a.do(t, "GET", "/api/v1/reports/casualties?group_by=region&q=convoy&region=Mopti", "", nil).json(t, &rep)
	if got := reportRows(rep.reportBody, "region"); got != "Mopti:1/1/3" {
		t.Fatalf("q=convoy&region=Mopti: %s", got)
	}
	rep = topReport{}
	a.do(t, "GET", "/api/v1/reports/casualties?group_by=region&q=convoy%26region%3DMopti", "", nil).json(t, &rep)
	if got := reportRows(rep.reportBody, "region"); got != "" {
		t.Errorf("q=convoy%%26region%%3DMopti was answered from the cache of another query: %s", got)
	}
}

func TestReportRowsNameTheirCountries(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	a.create(t, []byte(`{"occurred_on":"1995-07-11","type":"armed_attack","country":"Yugoslavia",
		"casualties":[{"group":"peacekeeper","nationality":"NL","killed":1}]}`))
	res := a.do(t, "GET", "/api/v1/reports/casualties?group_by=country,nationality", "", nil)
	if res.status != http.StatusOK {
		t.Fatalf("%d %s", res.status, res.body)
	}
	// The name follows its code, and the fields of before keep their place.
	for _, row := range []string{
		`{"country":"ML","country_name":"Mali","nationality":"NE","nationality_name":"Niger","incidents":1,"killed":3,`,
		`{"country":"ML","country_name":"Mali","nationality":null,"nationality_name":null,"incidents":1,"killed":0,"wounded":17,`,
		`{"country":"YUCS","country_name":"Yugoslavia","nationality":"NL","nationality_name":"Netherlands","incidents":1,`,
	} {
		if !strings.Contains(string(res.body), row) {
			t.Errorf("no row %s in %s", row, res.body)
		}
	}
	res = a.do(t, "GET", "/api/v1/reports/casualties?group_by=contributing_country,region", "", nil)
	if !strings.Contains(string(res.body), `{"contributing_country":"BF","contributing_country_name":"Burkina Faso","region":"Mopti","incidents":1`) {
		t.Errorf("by contributing country: %s", res.body)
	}
	// Other dimensions gain nothing.
	res = a.do(t, "GET", "/api/v1/reports/casualties?group_by=region", "", nil)
	if strings.Contains(string(res.body), "_name") {
		t.Errorf("by region: %s", res.body)
	}
}

type groupedSeries struct {
	Interval    string           `json:"interval"`
	GroupBy     string           `json:"group_by"`
	Series      []map[string]any `json:"series"`
	SeriesTotal int              `json:"series_total"`
	Points      []struct {
		Period                     string
		Incidents, Killed, Wounded int
	} `json:"points"`
}

// seriesText renders each series as "value=killed per period,...".
func seriesText(g groupedSeries) string {
	var out []string
	for _, s := range g.Series {
		var ks []string
		for _, p := range s["points"].([]any) {
			ks = append(ks, fmt.Sprint(p.(map[string]any)["killed"]))
		}
		out = append(out, fmt.Sprintf("%v=%s", s[g.GroupBy], strings.Join(ks, ",")))
	}
	return strings.Join(out, " ")
}

func TestTimeSeriesGroupedByADimension(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	a.create(t, []byte(`{"occurred_on":"2018-02-03","type":"ied","country":"ML","region":"Gao","killed":2,"mission":"MINUSMA",
		"casualties":[{"group":"peacekeeper","nationality":"TD","killed":2}]}`))
	get := func(query string) (g groupedSeries) {
		a.getJSON(t, "/api/v1/reports/timeseries?"+query, &g)
		return g
	}
	months := "interval=month&from=2017-10&to=2018-03"
	g := get(months + "&group_by=region")
	if got := seriesText(g); got != "Ménaka=0,4,0,0,0,0 Gao=0,0,0,0,2,0 Mopti=0,1,0,0,0,0" {
		t.Errorf("by region: %s", got)
	}
	if g.SeriesTotal != 3 || g.GroupBy != "region" || g.Interval != "month" || len(g.Points) != 6 || g.Points[1].Killed != 5 || g.Points[4].Killed != 2 {
		t.Errorf("by region: %+v", g)
	}
	if tot := g.Series[0]["totals"].(map[string]any); tot["killed"] != 4.0 || tot["wounded"] != 18.0 {
		t.Errorf("Ménaka's totals: %v", tot)
	}
	g = get(months + "&group_by=region&limit=1")
	if got := seriesText(g); got != "Ménaka=0,4,0,0,0,0" || g.SeriesTotal != 3 || g.Points[4].Killed != 2 {
		t.Errorf("the largest region: %s, of %d, points %+v", got, g.SeriesTotal, g.Points)
	}
	// Weeks and days come from the incidents; nationality counts the lines.
	g = get("interval=week&from=2017-11-20&to=2017-12-03&group_by=nationality")
	if got := seriesText(g); got != "NE=3,0 BF=1,0 ML=1,0 <nil>=0,0" || g.SeriesTotal != 4 {
		t.Errorf("by nationality and week: %s (%d)", got, g.SeriesTotal)
	}
	if g.Series[0]["nationality_name"] != "Niger" || g.Series[3]["nationality_name"] != nil {
		t.Errorf("names: %v", g.Series)
	}
	g = get("interval=day&from=2018-02-02&to=2018-02-04&group_by=mission&estimate=high")
	if got := seriesText(g); got != "MINUSMA=0,2,0" {
		t.Errorf("by mission and day: %s", got)
	}
	// Nothing matches: no series, and the periods of everything still there.
	g = get("interval=year&from=2010&to=2011&group_by=country")
	if len(g.Series) != 0 || g.SeriesTotal != 0 || len(g.Points) != 2 {
		t.Errorf("an empty range: %+v", g)
	}
	// Without group_by the answer is as it was.
	res := a.do(t, "GET", "/api/v1/reports/timeseries?"+months, "", nil)
	if !strings.HasPrefix(string(res.body), `{"interval":"month","points":[{"period":"2017-10",`) || strings.Contains(string(res.body), "series") {
		t.Errorf("ungrouped: %s", res.body)
	}
}

func TestGroupedTimeSeriesIsBounded(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, r := range []string{"Kayes", "Koulikoro", "Sikasso", "Ségou", "Mopti", "Tombouctou", "Gao", "Kidal", "Ménaka", "Bamako"} {
		a.create(t, []byte(`{"occurred_on":"2017-01-01","type":"ied","country":"ML","region":"`+r+`","killed":1}`))
	}
	// 10 series and everything, of 20,454 days: more than 200,000 points.
	res := a.do(t, "GET", "/api/v1/reports/timeseries?interval=day&from=1970-01-01&to=2025-12-31&group_by=region", "", nil)
	var p handlers.Problem
	res.json(t, &p)
	if res.status != http.StatusBadRequest || len(p.Errors) == 0 || p.Errors[0].Field != "limit" {
		t.Errorf("too many points: %d %s", res.status, res.body)
	}
	res = a.do(t, "GET", "/api/v1/reports/timeseries?interval=day&from=1970-01-01&to=2025-12-31&group_by=region&limit=5", "", nil)
	var g groupedSeries
	res.json(t, &g)
	if res.status != http.StatusOK || len(g.Series) != 5 || g.SeriesTotal != 10 {
		t.Errorf("5 series: %d, %d of %d", res.status, len(g.Series), g.SeriesTotal)
	}
}

func TestListETagAnswersIfNoneMatch(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	path := "/api/v1/incidents?region=menaka"
	first := a.do(t, "GET", path, "", nil)
	tag := first.header.Get("ETag")
	if first.status != http.StatusOK || tag == "" {
		t.Fatalf("%d, ETag %q", first.status, tag)
	}
	for _, inm := range []string{tag, `"other", ` + tag, "W/" + tag, "*"} {
		res := a.do(t, "GET", path, "", nil, "If-None-Match", inm)
		if res.status != http.StatusNotModified || len(res.body) != 0 || res.header.Get("ETag") != tag {
			t.Errorf("If-None-Match %s: %d, ETag %s, %d bytes", inm, res.status, res.header.Get("ETag"), len(res.body))
		}
	}
	if res := a.do(t, "HEAD", path, "", nil, "If-None-Match", tag); res.status != http.StatusNotModified {
		t.Errorf("HEAD: %d", res.status)
	}
	// Another query is another answer, with a tag of its own.
	other := a.do(t, "GET", "/api/v1/incidents?region=mopti", "", nil, "If-None-Match", tag)
	if other.status != http.StatusOK || other.header.Get("ETag") == tag {
		t.Errorf("another query: %d, ETag %s", other.status, other.header.Get("ETag"))
	}
	// A bad query is refused whatever the tag.
	if res := a.do(t, "GET", path+"&limit=0", "", nil, "If-None-Match", tag); res.status != http.StatusBadRequest {
		t.Errorf("a bad query with a current tag: %d", res.status)
	}

	// A listed incident changes: the old tag no longer holds.
	patch := a.do(t, "PATCH", "/api/v1/incidents/1", a.editor, []byte(`{"locality":"Ménaka town"}`), "Content-Type", "application/merge-patch+json")
	if patch.status != http.StatusOK {
		t.Fatalf("patch: %d %s", patch.status, patch.body)
	}
	res := a.do(t, "GET", path, "", nil, "If-None-Match", tag)
	if res.status != http.StatusOK || res.header.Get("ETag") == tag || !strings.Contains(string(res.body), "Ménaka town") {
		t.Errorf("after a change: %d, ETag %s (was %s)", res.status, res.header.Get("ETag"), tag)
	}
	tag = res.header.Get("ETag")
	if res := a.do(t, "DELETE", "/api/v1/incidents/1", a.editor, nil); res.status != http.StatusNoContent {
		t.Fatalf("delete: %d", res.status)
	}
	res = a.do(t, "GET", path, "", nil, "If-None-Match", tag)
	if res.status != http.StatusOK || !strings.Contains(string(res.body), `"items":[]`) {
		t.Errorf("after a delete: %d %s", res.status, res.body)
	}
}
