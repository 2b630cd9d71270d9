package handlers_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"incidentdb/handlers"
	"incidentdb/models"
)

// valid is a minimal valid incident; each bad case breaks one thing in it.
const valid = `{"occurred_on":"2017-11-24","type":"armed_attack","country":"ML","region":"Ménaka","killed":1,"wounded":2,
	"casualties":[{"group":"peacekeeper","nationality":"NE","killed":1}],"sources":[{"title":"UN statement","url":"https://peacekeeping.un.org/"}]}`

func with(field, value string) string {
	return strings.Replace(valid, `{"occurred_on"`, `{"`+field+`":`+value+`,"occurred_on"`, 1)
}

func TestBadInputIsRejectedNamingTheFieldAndChangesNothing(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	existing := a.create(t, []byte(valid))
	item := fmt.Sprintf("/api/v1/incidents/%d", existing.ID)
	huge := `"` + strings.Repeat("a", 2<<20) + `"`
	cases := []struct {
		name, method, path, body string
		status                   int
		field                    string
	}{
		{"negative killed", "POST", "", strings.Replace(valid, `"killed":1,"wounded":2`, `"killed":-1,"wounded":2`, 1), 422, "killed"},
		{"negative wounded", "POST", "", strings.Replace(valid, `"wounded":2`, `"wounded":-2`, 1), 422, "wounded"},
		{"negative casualty", "POST", "", strings.Replace(valid, `"killed":1}]`, `"killed":-1}]`, 1), 422, "casualties[0].killed"},
		{"future date", "POST", "", strings.Replace(valid, "2017-11-24", "2031-01-01", 1), 422, "occurred_on"},
		{"impossible date", "POST", "", strings.Replace(valid, "2017-11-24", "2017-02-30", 1), 422, "occurred_on"},
		{"date with time", "POST", "", strings.Replace(valid, "2017-11-24", "2017-11-24T10:00:00Z", 1), 422, "occurred_on"},
		{"day-first date", "POST", "", strings.Replace(valid, "2017-11-24", "24/11/2017", 1), 422, "occurred_on"},
		{"ancient date", "POST", "", strings.Replace(valid, "2017-11-24", "0017-11-24", 1), 422, "occurred_on"},
		{"missing date", "POST", "", strings.Replace(valid, `"occurred_on":"2017-11-24",`, "", 1), 422, "occurred_on"},
		{"unknown region", "POST", "", strings.Replace(valid, "Ménaka", "Menaca", 1), 422, "region"},
		{"region of another country", "POST", "", strings.Replace(valid, "Ménaka", "Ituri", 1), 422, "region"},
		{"unknown type", "POST", "", strings.Replace(valid, "armed_attack", "skirmish", 1), 422, "type"},
		{"missing type", "POST", "", strings.Replace(valid, `"type":"armed_attack",`, "", 1), 422, "type"},
		{"unknown group", "POST", "", strings.Replace(valid, "peacekeeper", "soldier", 1), 422, "casualties[0].group"},
		{"unknown country", "POST", "", strings.Replace(valid, `"country":"ML"`, `"country":"Atlantis"`, 1), 422, "country"},
		{"unknown nationality", "POST", "", strings.Replace(valid, `"NE"`, `"QQ"`, 1), 422, "casualties[0].nationality"},
		{"totals below breakdown", "POST", "", strings.Replace(valid, `"killed":1,"wounded":2`, `"killed":0,"wounded":2`, 1), 422, "killed"},
		{"latitude without longitude", "POST", "", with("latitude", "15.9"), 422, "longitude"},
		{"longitude without latitude", "POST", "", with("longitude", "2.4"), 422, "latitude"},
		{"latitude out of range", "POST", "", with("latitude", "95, \"longitude\": 2"), 422, "latitude"},
		{"2 MB summary", "POST", "", with("summary", huge), 422, "summary"},
		{"bad precision", "POST", "", with("date_precision", `"decade"`), 422, "date_precision"},
		{"bad source url", "POST", "", strings.Replace(valid, "https://peacekeeping.un.org/", "javascript:alert(1)", 1), 422, "sources[0].url"},
		{"killed as string", "POST", "", strings.Replace(valid, `"killed":1,"wounded":2`, `"killed":"four","wounded":2`, 1), 422, "killed"},
		{"killed too large", "POST", "", strings.Replace(valid, `"killed":1,"wounded":2`, `"killed":1e30,"wounded":2`, 1), 422, "killed"},
		{"killed fractional", "POST", "", strings.Replace(valid, `"killed":1,"wounded":2`, `"killed":1.5,"wounded":2`, 1), 422, "killed"},
		{"field name in capitals", "POST", "", with("KILLED", "5"), 400, "KILLED"},
		{"nested field name in capitals", "POST", "", strings.Replace(valid, `"group":"peacekeeper"`, `"Group":"peacekeeper"`, 1), 400, "casualties[0].Group"},
		{"field given twice", "POST", "", with("type", `"ied"`), 400, "type"},
		{"lone surrogate", "POST", "", with("summary", `"half \ud800 a pair"`), 400, "body"},
		{"nested too deeply", "POST", "", with("external_id", strings.Repeat("[", 100)+strings.Repeat("]", 100)), 400, "external_id" + strings.Repeat("[0]", 32)},
		{"malformed query string", "GET", "/api/v1/incidents?region=Mopti;country=ML", "", 400, "query"},
		{"bad percent escape", "GET", "/api/v1/incidents?region=M%ZZenaka", "", 400, "query"},
		{"typo of a known region", "GET", "/api/v1/incidents?region=Menaca", "", 400, "region"},
		{"empty q", "GET", "/api/v1/incidents?q=", "", 400, "q"},
		{"q without words", "GET", "/api/v1/incidents?q=%25%25", "", 400, "q"},
		{"version twice", "GET", item + "?version=1&version=2", "", 400, "version"},
		{"forces not a list", "POST", "", with("forces", `"MINUSMA"`), 422, "forces"},
		{"control character", "POST", "", with("mission", `"MINU\u0000SMA"`), 422, "mission"},
		{"malformed JSON", "POST", "", `{"occurred_on": "2017-11-24",`, 400, "body"},
		{"not an object", "POST", "", `[1,2,3]`, 400, "body"},
		{"empty body", "POST", "", ``, 400, "body"},
		{"two objects", "POST", "", valid + valid, 400, "body"},
		{"unknown field", "POST", "", with("casualties_total", "5"), 400, "casualties_total"},
		{"invalid UTF-8", "POST", "", strings.Replace(valid, "Ménaka", "M\xe9naka", 1), 400, "body"},
		{"unknown filter", "GET", "/api/v1/incidents?regoin=Mopti", "", 400, "regoin"},
		{"bad from", "GET", "/api/v1/incidents?from=2017-13-01", "", 400, "from"},
		{"from after to", "GET", "/api/v1/incidents?from=2018-01-01&to=2017-01-01", "", 400, "from"},
		{"bad type filter", "GET", "/api/v1/incidents?type=skirmish", "", 400, "type"},
		{"bad group filter", "GET", "/api/v1/incidents?group=soldier", "", 400, "group"},
		{"bad country filter", "GET", "/api/v1/incidents?country=Atlantis", "", 400, "country"},
		{"bad min_killed", "GET", "/api/v1/incidents?min_killed=-1", "", 400, "min_killed"},
		{"bad limit", "GET", "/api/v1/incidents?limit=0", "", 400, "limit"},
		{"limit too large", "GET", "/api/v1/incidents?limit=1001", "", 400, "limit"},
		{"bad sort", "GET", "/api/v1/incidents?sort=summary", "", 400, "sort"},
		{"bad cursor", "GET", "/api/v1/incidents?cursor=bm90IGEgY3Vyc29y", "", 400, "cursor"},
		{"garbage cursor", "GET", "/api/v1/incidents?cursor=%25%25%25", "", 400, "cursor"},
		{"cursor of another sort", "GET", "/api/v1/incidents?sort=killed&cursor=" + models.Cursor{Sort: "id", ID: 3}.Encode(), "", 400, "cursor"},
		{"id not a number", "GET", "/api/v1/incidents/abc", "", 400, "id"},
		{"id with SQL", "GET", "/api/v1/incidents/1%3B%20DROP%20TABLE%20incidents", "", 400, "id"},
		{"id overflowing int64", "GET", "/api/v1/incidents/99999999999999999999", "", 400, "id"},
		{"negative id", "GET", "/api/v1/incidents/-1", "", 400, "id"},
		{"unknown param on get", "GET", item + "?expand=all", "", 400, "expand"},
		{"bad version", "GET", item + "?version=zero", "", 400, "version"},
		{"put with bad region", "PUT", item, strings.Replace(valid, "Ménaka", "Nowhere", 1), 422, "region"},
		{"patch with unknown field", "PATCH", item, `{"colour":"red"}`, 400, "colour"},
		{"patch with a field in capitals", "PATCH", item, `{"Summary":"changed?"}`, 400, "Summary"},
		{"patch with negative killed", "PATCH", item, `{"killed":-5}`, 422, "killed"},
		// A patch's numbers are read as a create reads them, not as floats.
		{"patch with killed as an exponent", "PATCH", item, `{"killed":1e3}`, 422, "killed"},
		{"patch with a fractional killed", "PATCH", item, `{"killed":1.000000000000000000001}`, 422, "killed"},
		{"patch with an overflowing latitude", "PATCH", item, `{"latitude":1e400,"longitude":2}`, 422, "latitude"},
		{"patch with a line's killed a float", "PATCH", item, `{"casualties":[{"group":"civilian","killed":1},{"group":"civilian","killed":2.0}]}`, 422, "casualties[1].killed"},
		{"a line's killed a string", "POST", "", strings.Replace(valid, `"killed":1}]`, `"killed":"3"}]`, 1), 422, "casualties[0].killed"},
		{"external_id with a NUL", "GET", "/api/v1/incidents?external_id=a%00b", "", 400, "external_id"},
		{"external_id with a NUL on a report", "GET", "/api/v1/reports/casualties?group_by=dataset&external_id=a%00b", "", 400, "external_id"},
		{"a weekly series of a millennium", "GET", "/api/v1/reports/timeseries?interval=week&from=1250&to=2019", "", 400, "interval"},
		{"a year before the first", "GET", "/api/v1/reports/timeseries?interval=week&from=0000&to=0001", "", 400, "from"},
		{"a placeholder as a country filter", "GET", "/api/v1/incidents?country=ZZ", "", 400, "country"},
		{"a bad dataset label", "GET", "/api/v1/incidents?dataset=a%20b", "", 400, "dataset"},
		{"a regions country with a slip", "GET", "/api/v1/regions?country=Mal", "", 400, "country"},
		{"merge without a body", "POST", item + "/merge", "", 400, "body"},
		{"merge without the other incident", "POST", item + "/merge", `{}`, 400, "incident"},
		{"merge with an id as text", "POST", item + "/merge", `{"incident":"2"}`, 422, "incident"},
		{"merge with an unknown field", "POST", item + "/merge", `{"incident":2,"into":1}`, 400, "into"},
		{"merge of no such incident", "POST", item + "/merge", `{"incident":999999}`, 422, "incident"},
		{"merge into itself", "POST", item + "/merge", fmt.Sprintf(`{"incident":%d}`, existing.ID), 422, "incident"},
		{"unmerge of what was not merged", "POST", item + "/unmerge", `{"incident":999999}`, 404, "incident"},
		{"candidates with a huge window", "GET", item + "/candidates?window=99", "", 400, "window"},
		{"candidates with a window as text", "GET", item + "/candidates?window=week", "", 400, "window"},
		{"candidate pairs with limit 0", "GET", "/api/v1/candidates?limit=0", "", 400, "limit"},
		{"candidate pairs with an unknown parameter", "GET", "/api/v1/candidates?windw=3", "", 400, "windw"},
		{"a report by an unknown estimate", "GET", "/api/v1/reports/casualties?group_by=year&estimate=median", "", 400, "estimate"},
		{"conflict neither true nor false", "GET", "/api/v1/incidents?conflict=maybe", "", 400, "conflict"},
		{"estimate on a list", "GET", "/api/v1/incidents?estimate=high", "", 400, "estimate"},
		{"link neither true nor false", "POST", "/api/v1/incidents/import?link=perhaps", "", 400, "link"},
		{"patch not an object", "PATCH", item, `"text"`, 400, "body"},
		{"bad If-Match", "PATCH", item, `{"summary":"x"}`, 400, "If-Match"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := a.count(t)
			path := tc.path
			if path == "" {
				path = "/api/v1/incidents"
			}
			var body []byte
			if tc.method != "GET" {
				body = []byte(tc.body)
			}
			var headers []string
			if tc.field == "If-Match" {
				headers = []string{"If-Match", "yesterday"}
			}
			res := a.do(t, tc.method, path, a.editor, body, headers...)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			var p handlers.Problem
			res.json(t, &p)
			named := false
			for _, e := range p.Errors {
				named = named || e.Field == tc.field
			}
			if !named || p.Status != tc.status || p.Type == "" || p.Title == "" {
				t.Errorf("problem does not name %q: %s", tc.field, res.body)
			}
			if after := a.count(t); after != before {
				t.Errorf("row count changed from %d to %d", before, after)
			}
		})
	}
	var got models.Incident
	a.do(t, "GET", item, "", nil).json(t, &got)
	if got.Version != 1 {
		t.Errorf("rejected updates changed the incident: version %d", got.Version)
	}
	if len(cases) < 30 {
		t.Errorf("only %d bad inputs", len(cases))
	}
	_ = http.StatusOK
}
