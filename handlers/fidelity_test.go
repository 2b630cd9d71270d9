package handlers_test

import (
	"bytes"
	"strings"
	"testing"

	"incidentdb/handlers"
)

// A name typed with a slip gets the closest known names, for every kind
// of name a filter takes; a name near nothing is an honest empty answer.
func TestSuggestionsForEveryKindOfName(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	a.create(t, seeds(t)[0])
	for _, tc := range []struct {
		query, field, want string
	}{
		{"mission=MINUSAM", "mission", "MINUSMA"},
		{"force=famas", "force", "FAMa"},
		{"country=Mal", "country", "Mali"},
		{"nationality=Chadain", "nationality", "Chad"},
		{"contributing_country=Nigre", "contributing_country", "Niger"},
		{"region=Menaca", "region", "Ménaka"},
	} {
		for _, path := range []string{"/api/v1/incidents?", "/api/v1/reports/casualties?group_by=year&", "/api/v1/incidents.csv?"} {
			res := a.do(t, "GET", path+tc.query, "", nil)
			_, typed, _ := strings.Cut(tc.query, "=")
			// The message quotes the name as it was typed, and the closest.
			if res.status != 400 || !bytes.Contains(res.body, []byte(`"field":"`+tc.field+`"`)) || !bytes.Contains(res.body, []byte(tc.want)) ||
				!bytes.Contains(res.body, []byte(`\"`+typed+`\"`)) {
				t.Errorf("%s%s: %d %s", path, tc.query, res.status, res.body)
			}
		}
	}
	for _, q := range []string{"mission=Zzyzx", "nationality=Chadian", "nationality=tchadiens", "nationality=Burkinab%C3%A8", "nationality=ivoirien"} {
		if res := a.do(t, "GET", "/api/v1/incidents?"+q, "", nil); res.status != 200 {
			t.Errorf("%s: %d %s", q, res.status, res.body)
		}
	}
}

// Dates as people type them: a year or a month means its first day in
// from and its last in to.
func TestDatesAsPeopleTypeThem(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	a.create(t, seeds(t)[0]) // 2017-11-24
	for q, want := range map[string]int{
		"from=2017&to=2017": 1, "from=2017-11&to=2017-11": 1, "to=2017-10": 0, "from=2017-12": 0, "from=2017-11-24&to=2017-11": 1,
	} {
		var page struct{ Total int }
		res := a.do(t, "GET", "/api/v1/incidents?"+q, "", nil)
		if res.status != 200 {
			t.Errorf("%s: %d %s", q, res.status, res.body)
			continue
		}
		res.json(t, &page)
		if page.Total != want {
			t.Errorf("%s: %d incidents, want %d", q, page.Total, want)
		}
	}
	for _, q := range []string{"from=17", "from=2017-13", "to=2017-02-30", "from=2018&to=2017"} {
		if res := a.do(t, "GET", "/api/v1/incidents?"+q, "", nil); res.status != 400 {
			t.Errorf("%s: %d", q, res.status)
		}
	}
}
