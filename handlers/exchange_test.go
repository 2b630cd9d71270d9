package handlers_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"incidentdb/handlers"
	"incidentdb/models"
)

// tricky incidents: accents, commas, quotes, newlines and formula-like text
// in every kind of text field.
var tricky = []string{
	`{"external_id":"=cmd|' /C calc'!A0","occurred_on":"2017-11-24","type":"armed_attack","country":"ML","region":"Ménaka","locality":"Inékar, \"east\"",
	  "summary":"=HYPERLINK(\"http://x\")\nline two, with commas; and semicolons","latitude":15.9,"longitude":-2.45,
	  "casualties":[{"group":"peacekeeper","force":"+MINUSMA","nationality":"NE","killed":3}],"forces":["+MINUSMA","@FAMa","-x"],
	  "sources":[{"title":"Déclaration, \"officielle\"","url":"https://peacekeeping.un.org/fr","language":"fr"}]}`,
	`{"occurred_on":"2018-01-02","type":"ied","country":"CF","region":"Ouaka","summary":"'=already quoted","killed":0,"forces":[]}`,
	`{"occurred_on":"2016-05-29","type":"complex_attack","mission":"MINUSMA","country":"ML","region":"Mopti","summary":"-3 degrees\ttab",
	  "killed":5,"wounded":1,"casualties":[{"group":"peacekeeper","nationality":"TG","killed":5}],"contributing_countries":[]}`,
	`{"occurred_on":"2019-03-03","type":"other","summary":"no place at all","killed":null,
	  "casualties":[{"group":"civilian","killed":null,"wounded":2}]}`,
}

func TestExportImportRoundTripIsByteIdentical(t *testing.T) {
	for _, format := range []string{"csv", "ndjson"} {
		t.Run(format, func(t *testing.T) {
			src := newAPI(t, handlers.Config{})
			for _, raw := range append(tricky, string(seeds(t)[0]), string(seeds(t)[1])) {
				src.create(t, []byte(raw))
			}
			path := "/api/v1/incidents." + format
			first := src.do(t, "GET", path, "", nil)
			if first.status != 200 {
				t.Fatalf("export: %d %s", first.status, first.body)
			}
			dst := newAPI(t, handlers.Config{})
			res := dst.do(t, "POST", "/api/v1/incidents/import?format="+format, dst.editor, first.body)
			if res.status != 200 {
				t.Fatalf("import: %d %s", res.status, res.body)
			}
			second := dst.do(t, "GET", path, "", nil)
			// Everything comes back as it was, figures not known included,
			// but where each incident came from: this database read it
			// from a file.
			from, to := []byte(",api,2026"), []byte(",csv,2026")
			if format == "ndjson" {
				from, to = []byte(`"origin":"api"`), []byte(`"origin":"ndjson"`)
			}
			n := len(tricky) + 2
			if c := bytes.Count(first.body, from); c != n {
				t.Fatalf("%d incidents of origin api in the first export, want %d:\n%s", c, n, first.body)
			}
			if want := bytes.ReplaceAll(first.body, from, to); !bytes.Equal(want, second.body) {
				t.Errorf("round trip differs:\n%s\n---\n%s", want, second.body)
			}
		})
	}
}

func TestCSVExportNeutralisesFormulasAndMatchesTheList(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, raw := range tricky {
		a.create(t, []byte(raw))
	}
	res := a.do(t, "GET", "/api/v1/incidents.csv?hxl=true&bom=true&country=ML", "", nil)
	if !bytes.HasPrefix(res.body, []byte("\uFEFFid,external_id")) {
		t.Errorf("no BOM or header: %q", res.body[:20])
	}
	if cd := res.header.Get("Content-Disposition"); !strings.Contains(cd, "incidents.csv") {
		t.Errorf("Content-Disposition %q", cd)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(res.body, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[1][6] != "#adm1+name" || recs[1][2] != "#date+occurred" {
		t.Errorf("HXL row = %v", recs[1])
	}
	for _, rec := range recs[2:] {
		for i, cell := range rec {
			if cell != "" && strings.ContainsRune("=+@\t\r", rune(cell[0])) || (strings.HasPrefix(cell, "-") && i != 9) {
				t.Errorf("column %s starts a formula: %q", recs[0][i], cell)
			}
		}
	}
	var list struct{ Total int }
	a.do(t, "GET", "/api/v1/incidents?country=ML", "", nil).json(t, &list)
	if len(recs)-2 != list.Total {
		t.Errorf("csv has %d rows, the list %d", len(recs)-2, list.Total)
	}
	geo := a.do(t, "GET", "/api/v1/incidents.geojson", "", nil)
	var fc struct {
		Type     string
		Features []struct {
			Geometry *struct{ Coordinates []float64 }
		}
	}
	if err := json.Unmarshal(geo.body, &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) != len(tricky) {
		t.Fatalf("geojson: %v %s", err, geo.body)
	}
	if g := fc.Features[0].Geometry; g == nil || g.Coordinates[0] != -2.45 || g.Coordinates[1] != 15.9 || fc.Features[1].Geometry != nil {
		t.Errorf("geometries: %+v %+v", fc.Features[0].Geometry, fc.Features[1].Geometry)
	}
	cas := a.do(t, "GET", "/api/v1/casualties.csv?region=mopti", "", nil)
	if got := string(cas.body); got != "incident_id,external_id,occurred_on,country,region,mission,type,line,group,force,nationality,killed,wounded,dataset,origin\n"+
		"3,,2016-05-29,ML,Mopti,MINUSMA,complex_attack,1,peacekeeper,,TG,5,0,,api\n"+
		// the wounded no line names, as a row of no line and no group
		"3,,2016-05-29,ML,Mopti,MINUSMA,complex_attack,,,,,0,1,,api\n" {
		t.Errorf("casualties.csv =\n%s", got)
	}
	// A figure not known is an empty cell, never 0; the total killed is
	// not known either, so what no line holds of it is not known.
	cas = a.do(t, "GET", "/api/v1/casualties.csv?q=place", "", nil)
	if got := string(cas.body); !strings.HasSuffix(got, "\n4,,2019-03-03,,,,other,1,civilian,,,,2,,api\n4,,2019-03-03,,,,other,,,,,,0,,api\n") {
		t.Errorf("casualties.csv with a figure not known =\n%s", got)
	}
}

func TestImportIsAllOrNothing(t *testing.T) {
	a := newAPI(t, handlers.Config{MaxImport: 64 << 10})
	var good strings.Builder
	good.WriteString("occurred_on,type,country,region,killed\n")
	for i := range 50 {
		fmt.Fprintf(&good, "2017-%02d-10,ied,ML,Gao,%d\n", 1+i%12, i%3)
	}
	body := good.String()
	bad := strings.Replace(body, "2017-05-10,ied,ML,Gao,1", "2017-05-10,ied,ML,Atlantis,1", 1)
	bad = strings.Replace(bad, "2017-07-10,ied,ML,Gao,0", "2017-07-10,ied,ML,Gao,-4", 1)
	cases := []struct {
		name, query, contentType, body string
		status                         int
		field                          string
		line                           int
	}{
		{"bad rows", "", "text/csv", bad, 422, "region", 6},
		{"truncated csv", "", "text/csv", body + `2017-01-01,ied,"ML`, 422, "file", 52},
		{"wrong columns", "", "text/csv", "date,kind\n2017-01-01,ied\n", 422, "file", 0},
		{"empty file", "", "text/csv", "", 422, "file", 0},
		{"too large", "", "text/csv", body + strings.Repeat("2017-01-10,ied,ML,Gao,1\n", 4000), 413, "body", 0},
		{"bad json element", "?format=json", "", `[{"occurred_on":"2017-01-01","type":"ied"},{"occurred_on":"2017-13-01","type":"ied"}]`, 422, "occurred_on", 2},
		{"bad ndjson line", "", "application/x-ndjson", "{\"occurred_on\":\"2017-01-01\",\"type\":\"ied\"}\n\n{\"type\":\"ied\",\"colour\":1}\n", 422, "colour", 3},
		{"no format", "", "text/plain", body, 400, "Content-Type", 0},
		{"bad on_conflict", "?on_conflict=merge", "text/csv", body, 400, "on_conflict", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := a.do(t, "POST", "/api/v1/incidents/import"+tc.query, a.editor, []byte(tc.body), "Content-Type", tc.contentType)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %.400s", res.status, tc.status, res.body)
			}
			var p handlers.Problem
			res.json(t, &p)
			found := false
			for _, e := range p.Errors {
				found = found || (e.Field == tc.field && e.Line == tc.line)
			}
			if !found {
				t.Errorf("no error for line %d field %s: %s", tc.line, tc.field, res.body)
			}
			if n := a.count(t); n != 0 {
				t.Errorf("%d incidents stored", n)
			}
		})
	}
	res := a.do(t, "POST", "/api/v1/incidents/import", a.editor, []byte(bad), "Content-Type", "text/csv")
	var p handlers.Problem
	res.json(t, &p)
	if len(p.Errors) != 2 || p.Errors[1].Line != 8 || p.Errors[1].Field != "killed" {
		t.Errorf("every bad row is reported: %s", res.body)
	}
	if res := a.do(t, "POST", "/api/v1/incidents/import?dry_run=true", a.editor, []byte(body), "Content-Type", "text/csv"); res.status != 200 || a.count(t) != 0 {
		t.Errorf("dry run: %d, %d stored", res.status, a.count(t))
	}
	if res := a.do(t, "POST", "/api/v1/incidents/import", a.reader, []byte(body), "Content-Type", "text/csv"); res.status != 403 {
		t.Errorf("reader import: %d", res.status)
	}
	if res := a.do(t, "POST", "/api/v1/incidents/import", a.editor, []byte(body), "Content-Type", "text/csv"); res.status != 200 || a.count(t) != 50 {
		t.Errorf("good import: %d %s, %d stored", res.status, res.body, a.count(t))
	}
}

func TestReimportByExternalID(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	file := `{"external_id":"e1","occurred_on":"2017-01-01","type":"ied","killed":1}
{"external_id":"e2","occurred_on":"2017-01-02","type":"ied","killed":2}
`
	post := func(query, body string) (int, map[string]any) {
		res := a.do(t, "POST", "/api/v1/incidents/import"+query, a.editor, []byte(body), "Content-Type", "application/x-ndjson")
		var out map[string]any
		res.json(t, &out)
		return res.status, out
	}
	if st, out := post("", file); st != 200 || out["created"] != 2.0 {
		t.Fatalf("first import: %d %v", st, out)
	}
	if st, _ := post("", file); st != 422 || a.count(t) != 2 {
		t.Errorf("default on_conflict=fail: %d, %d stored", st, a.count(t))
	}
	if st, out := post("?on_conflict=skip", file); st != 200 || out["skipped"] != 2.0 || a.count(t) != 2 {
		t.Errorf("skip: %d %v", st, out)
	}
	changed := strings.Replace(file, `"killed":2`, `"killed":3`, 1)
	if st, out := post("?on_conflict=update", changed); st != 200 || out["updated"] != 1.0 || out["unchanged"] != 1.0 {
		t.Errorf("update: %d %v", st, out)
	}
	var list struct{ Items []models.Incident }
	a.do(t, "GET", "/api/v1/incidents?sort=id", "", nil).json(t, &list)
	if len(list.Items) != 2 || models.Value0(list.Items[1].Killed) != 3 || list.Items[1].Version != 2 || list.Items[0].Version != 1 {
		t.Errorf("after update: %+v", list.Items)
	}
}
