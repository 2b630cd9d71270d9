package handlers_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"incidentdb/handlers"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

type reportBody struct {
	GroupBy []string         `json:"group_by"`
	Rows    []map[string]any `json:"rows"`
	Totals  map[string]int   `json:"totals"`
}

func TestSeedReportsOverHTTP(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	var rep reportBody
	res := a.do(t, "GET", "/api/v1/reports/casualties?group_by=nationality&mission=minusma", "", nil)
	if res.status != 200 {
		t.Fatalf("%d %s", res.status, res.body)
	}
	res.json(t, &rep)
	got := map[string]string{}
	for _, r := range rep.Rows {
		got[fmt.Sprint(r["nationality"])] = fmt.Sprintf("%v/%v/%v", r["incidents"], r["killed"], r["wounded"])
	}
	want := map[string]string{"NE": "1/3/0", "BF": "1/1/3", "ML": "1/1/1", "<nil>": "1/0/17"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("by nationality = %v, want %v", got, want)
	}
	if rep.Totals["incidents"] != 2 || rep.Totals["killed"] != 5 || rep.Totals["wounded"] != 21 {
		t.Errorf("totals = %v", rep.Totals)
	}

	res = a.do(t, "GET", "/api/v1/reports/casualties?group_by=region,year&from=2017-01-01", "", nil)
	res.json(t, &rep)
	if len(rep.Rows) != 2 || rep.Rows[0]["region"] != "Ménaka" || rep.Rows[0]["year"] != 2017.0 || rep.Rows[0]["killed"] != 4.0 ||
		rep.Rows[1]["region"] != "Mopti" || rep.Rows[1]["wounded"] != 3.0 {
		t.Errorf("by region and year: %s", res.body)
	}
	if !strings.HasPrefix(string(res.body), `{"group_by":["region","year"],"rows":[{"region":"Ménaka","year":2017,"incidents":1`) {
		t.Errorf("row keys should follow group_by: %s", res.body)
	}

	// CSV carries the same rows, dimensions first.
	csvRes := a.do(t, "GET", "/api/v1/reports/casualties.csv?group_by=region,year&from=2017-01-01", "", nil)
	recs, err := csv.NewReader(strings.NewReader(string(csvRes.body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(recs) != "[[region year incidents killed wounded killed_unknown wounded_unknown] [Ménaka 2017 1 4 18 0 0] [Mopti 2017 1 1 3 0 0]]" {
		t.Errorf("csv = %v", recs)
	}

	// A force counts each incident once in each of its forces.
	res = a.do(t, "GET", "/api/v1/reports/casualties?group_by=force", "", nil)
	rep = reportBody{}
	res.json(t, &rep)
	if fmt.Sprint(rep.Rows) != "[map[force:FAMa incidents:1 killed:4 killed_unknown:0 wounded:18 wounded_unknown:0] map[force:MINUSMA incidents:2 killed:5 killed_unknown:0 wounded:21 wounded_unknown:0]]" {
		t.Errorf("by force = %v", rep.Rows)
	}
}

func TestReportETagChangesWithData(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	a.create(t, seeds(t)[0])
	path := "/api/v1/reports/casualties?group_by=region"
	first := a.do(t, "GET", path, "", nil)
	tag := first.header.Get("ETag")
	if tag == "" {
		t.Fatal("no ETag")
	}
	if res := a.do(t, "GET", path, "", nil, "If-None-Match", tag); res.status != 304 {
		t.Errorf("same data: %d, want 304", res.status)
	}
	a.create(t, seeds(t)[1])
	res := a.do(t, "GET", path, "", nil, "If-None-Match", tag)
	if res.status != 200 || res.header.Get("ETag") == tag || string(res.body) == string(first.body) {
		t.Errorf("after a write: %d, ETag %s (was %s)", res.status, res.header.Get("ETag"), tag)
	}
}

func TestTimeSeriesIsZeroFilled(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	a.create(t, []byte(`{"occurred_on":"2018-02-03","type":"ied","country":"ML","region":"Gao","killed":2}`))
	var ts struct {
		Interval string
		Points   []struct {
			Period                     string
			Incidents, Killed, Wounded int
		}
	}
	res := a.do(t, "GET", "/api/v1/reports/timeseries?interval=month&from=2017-10-01&to=2018-03-31", "", nil)
	if res.status != 200 {
		t.Fatalf("%d %s", res.status, res.body)
	}
	res.json(t, &ts)
	var periods []string
	for _, p := range ts.Points {
		periods = append(periods, fmt.Sprintf("%s:%d/%d/%d", p.Period, p.Incidents, p.Killed, p.Wounded))
	}
	want := "2017-10:0/0/0 2017-11:2/5/21 2017-12:0/0/0 2018-01:0/0/0 2018-02:1/2/0 2018-03:0/0/0"
	if strings.Join(periods, " ") != want {
		t.Errorf("months = %v\nwant     %s", periods, want)
	}
	res = a.do(t, "GET", "/api/v1/reports/timeseries?interval=week&region=menaka,gao", "", nil)
	res.json(t, &ts)
	if len(ts.Points) == 0 || ts.Points[0].Period != "2017-W47" || ts.Points[len(ts.Points)-1].Period != "2018-W05" {
		t.Errorf("weeks span %v", ts.Points)
	}
	total := 0
	for _, p := range ts.Points {
		total += p.Incidents
	}
	if total != 2 || len(ts.Points) != 11 { // 2017 has 52 ISO weeks
		t.Errorf("weeks: %d points holding %d incidents", len(ts.Points), total)
	}
	res = a.do(t, "GET", "/api/v1/reports/timeseries?interval=day&from=2017-11-23&to=2017-11-25", "", nil)
	res.json(t, &ts)
	if len(ts.Points) != 3 || ts.Points[1].Incidents != 2 {
		t.Errorf("days = %+v", ts.Points)
	}
}

func TestReferenceLists(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	var regions struct {
		Items []struct {
			Country, Code, Name *string
			Incidents           int
		}
	}
	a.do(t, "GET", "/api/v1/regions?country=Mali", "", nil).json(t, &regions)
	found := map[string]int{}
	for _, r := range regions.Items {
		found[*r.Name] = r.Incidents
	}
	if found["Ménaka"] != 1 || found["Mopti"] != 1 || found["Taoudénit"] != 0 || len(found) < 11 {
		t.Errorf("regions of Mali = %v", found)
	}
	res := a.do(t, "GET", "/api/v1/forces", "", nil)
	if !strings.Contains(string(res.body), `{"name":"MINUSMA","incidents":2}`) {
		t.Errorf("forces = %s", res.body)
	}
	res = a.do(t, "GET", "/api/v1/countries", "", nil)
	if !strings.Contains(string(res.body), `"code":"ML","name":"Mali","former":false,"incidents":2`) || !strings.Contains(string(res.body), `"code":"NE"`) {
		t.Errorf("countries = %s", res.body)
	}
}

func TestBadReportParametersAreNamed(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	a.create(t, seeds(t)[0])
	for path, field := range map[string]string{
		"/api/v1/reports/casualties":                                            "group_by",
		"/api/v1/reports/casualties?group_by=colour":                            "group_by",
		"/api/v1/reports/casualties?group_by=region,region":                     "group_by",
		"/api/v1/reports/casualties?group_by=region,year,type,mission":          "group_by",
		"/api/v1/reports/casualties?group_by=region&sort=colour":                "sort",
		"/api/v1/reports/casualties.csv?group_by=year&from=yesterday":           "from",
		"/api/v1/reports/timeseries?interval=fortnight":                         "interval",
		"/api/v1/reports/timeseries?interval=month&regoin=Gao":                  "regoin",
		"/api/v1/regions?country=Atlantis":                                      "country",
		"/api/v1/forces?limit=3":                                                "limit",
		"/api/v1/reports/casualties?group_by=region&sort=-region":               "sort",
		"/api/v1/reports/casualties?group_by=region&sort=killed&sort=-killed":   "sort",
		"/api/v1/reports/casualties?group_by=region&sort=":                      "sort",
		"/api/v1/reports/casualties?group_by=region&limit=0":                    "limit",
		"/api/v1/reports/casualties?group_by=region&limit=50001":                "limit",
		"/api/v1/reports/casualties?group_by=region&limit=ten":                  "limit",
		"/api/v1/reports/casualties?group_by=region&limit=99999999999999999999": "limit",
		"/api/v1/reports/casualties.csv?group_by=region&limit=-1":               "limit",
		"/api/v1/reports/timeseries?group_by=year":                              "group_by",
		"/api/v1/reports/timeseries?group_by=month":                             "group_by",
		"/api/v1/reports/timeseries?group_by=region,country":                    "group_by",
		"/api/v1/reports/timeseries?group_by=region&group_by=country":           "group_by",
		"/api/v1/reports/timeseries?group_by=colour":                            "group_by",
		"/api/v1/reports/timeseries?group_by=":                                  "group_by",
		"/api/v1/reports/timeseries?group_by=region&limit=0":                    "limit",
		"/api/v1/reports/timeseries?group_by=region&limit=101":                  "limit",
		"/api/v1/reports/timeseries?limit=5":                                    "limit",
		"/api/v1/reports/timeseries?group_by=region&sort=-killed":               "sort",
		"/api/v1/incidents?limit=5&sort=-incidents":                             "sort",
	} {
		res := a.do(t, "GET", path, "", nil)
		var p handlers.Problem
		res.json(t, &p)
		if res.status != 400 || len(p.Errors) == 0 || p.Errors[0].Field != field {
			t.Errorf("%s: %d %s, want 400 naming %s", path, res.status, res.body, field)
		}
	}
	if a.count(t) != 1 {
		t.Error("a refused request changed the data")
	}
}

// Reports, pickers and list totals that read no summary or locality are
// kept across edits of those alone. After every kind of edit, each answer
// must be what a server that kept nothing gives on the same database, and
// the ETag must still change with every write, as documented.
func TestKeptAnswersMatchAFreshServerAfterEveryEdit(t *testing.T) {
	dsn := storetest.DSN(t)
	a := newAPIAt(t, dsn, handlers.Config{})
	var ids []int64
	for _, raw := range seeds(t) {
		ids = append(ids, a.create(t, raw).ID)
	}
	paths := []string{
		"/api/v1/reports/casualties?group_by=region",
		"/api/v1/reports/casualties?group_by=force&q=zebrawood",
		"/api/v1/reports/casualties.csv?group_by=type",
		"/api/v1/reports/timeseries?interval=year",
		"/api/v1/reports/timeseries?interval=year&q=zebrawood",
		"/api/v1/regions", "/api/v1/forces", "/api/v1/countries",
		"/api/v1/incidents?country=ML&limit=1",
		"/api/v1/incidents?q=zebrawood&limit=1",
		"/api/v1/incidents?force=minusma&limit=1",
	}
	fresh := func(path string) []byte {
		db, err := store.Open(context.Background(), dsn, store.WithClock(func() time.Time { return fixedNow }))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rec := httptest.NewRecorder()
		handlers.New(db, handlers.Config{}).ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Body.Bytes()
	}
	tags := map[string]string{}
	check := func(step string) {
		t.Helper()
		for _, path := range paths {
			want := fresh(path)
			for range 2 { // the second answer is the kept one
				res := a.do(t, "GET", path, "", nil)
				if res.status != http.StatusOK {
					t.Fatalf("%s: %s: %d %s", step, path, res.status, res.body)
				}
				if string(res.body) != string(want) {
					t.Fatalf("%s: %s answers\n%s\na server that kept nothing\n%s", step, path, res.body, want)
				}
				if tag := res.header.Get("ETag"); tag == tags[path] && step != "at first" {
					t.Errorf("%s: %s kept its ETag %s across a write", step, path, tag)
				}
			}
			tags[path] = a.do(t, "GET", path, "", nil).header.Get("ETag")
		}
	}
	check("at first")
	patch := func(step string, id int64, body string) {
		t.Helper()
		res := a.do(t, "PATCH", fmt.Sprintf("/api/v1/incidents/%d", id), a.editor, []byte(body), "Content-Type", "application/merge-patch+json")
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d %s", step, res.status, res.body)
		}
		check(step)
	}
	patch("a locality alone", ids[0], `{"locality":"Zebrawood market"}`)
	patch("a summary alone", ids[1], `{"summary":"Synthetic: a patrol near the zebrawood stand."}`)
	patch("the locality again", ids[0], `{"locality":null}`)
	patch("a figure", ids[1], `{"killed":9}`)
	patch("a locality and a type", ids[0], `{"locality":"Zebrawood","type":"ied"}`)
	patch("a country", ids[1], `{"country":"NE","region":null}`)
	if res := a.do(t, "DELETE", fmt.Sprintf("/api/v1/incidents/%d", ids[0]), a.editor, nil); res.status != http.StatusNoContent {
		t.Fatalf("delete: %d", res.status)
	}
	check("a delete")
	if res := a.do(t, "POST", fmt.Sprintf("/api/v1/incidents/%d/restore", ids[0]), a.admin, nil); res.status != http.StatusOK {
		t.Fatalf("restore: %d %s", res.status, res.body)
	}
	check("a restore")
}
