package handlers_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/handlers"
	"incidentdb/models"
)

// withClaims adds claims to a seed incident's JSON.
func withClaims(t *testing.T, raw json.RawMessage, claims string) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var cl any
	if err := json.Unmarshal([]byte(claims), &cl); err != nil {
		t.Fatal(err)
	}
	doc["claims"] = cl
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The seed day: the UN statement gives 3 Nigerien and 1 Burkinabè
// peacekeepers killed; the UN's fatalities dataset records 4 and 1. The
// figures are the most conservative exact claims, the highs the others,
// the Nigerien figure is flagged until an editor decides, and reports by
// any estimate come from the same summaries.
func TestClaimsOfTheSeedDay(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	const dataset = `{"dataset":"un-fatalities","external_id":"un-fatalities-2017-11-24-MINUSMA-malicious_act"}`
	menaka := a.create(t, withClaims(t, seeds(t)[0], `[
		{"figure":"killed","group":"peacekeeper","nationality":"NE","source":{"source":0},"value":3,"stated_on":"2017-11-24"},
		{"figure":"killed","group":"peacekeeper","nationality":"NE","source":`+dataset+`,"value":4,"note":"one row per death, by date of death"}]`))
	mopti := a.create(t, withClaims(t, seeds(t)[1], `[
		{"figure":"killed","group":"peacekeeper","nationality":"BF","source":{"source":0},"value":1},
		{"figure":"killed","group":"peacekeeper","nationality":"BF","source":`+dataset+`,"value":1}]`))
	ne := menaka.Casualties[0]
	if models.Value0(ne.Killed) != 3 || models.Value0(ne.KilledLow) != 3 || models.Value0(ne.KilledHigh) != 4 || !menaka.Conflict {
		t.Errorf("the Nigerien line: killed %v, low %v, high %v, conflict %v", ne.Killed, ne.KilledLow, ne.KilledHigh, menaka.Conflict)
	}
	if models.Value0(menaka.Killed) != 4 || models.Value0(menaka.KilledHigh) != 5 || models.Value0(menaka.KilledLow) != 4 {
		t.Errorf("Ménaka killed %v, low %v, high %v; want 4, 4, 5", menaka.Killed, menaka.KilledLow, menaka.KilledHigh)
	}
	if mopti.Conflict || models.Value0(mopti.KilledHigh) != 1 {
		t.Errorf("Mopti: the sources agree on 1, conflict %v, high %v", mopti.Conflict, mopti.KilledHigh)
	}
	for estimate, want := range map[string]int64{"best": 5, "low": 5, "high": 6} {
		for _, q := range []string{"group_by=region", "group_by=nationality", "group_by=group", "group_by=year&from=2017"} {
			rep := a.report(t, q+"&mission=MINUSMA&estimate="+estimate)
			if rep.Totals.Killed != want {
				t.Errorf("MINUSMA killed on the seed day, %s, estimate %s: %d, want %d", q, estimate, rep.Totals.Killed, want)
			}
		}
		var series struct{ Points []models.Point }
		a.do(t, "GET", "/api/v1/reports/timeseries?interval=month&from=2017-11&to=2017-11&estimate="+estimate, "", nil).json(t, &series)
		if len(series.Points) != 1 || series.Points[0].Killed != want {
			t.Errorf("series, estimate %s: %+v", estimate, series.Points)
		}
	}
	peacekeepers := a.report(t, "group_by=nationality&group=peacekeeper&estimate=high")
	if peacekeepers.Totals.Killed != 5 {
		t.Errorf("peacekeepers killed, high: %d, want 5 (4 of Niger, 1 of Burkina Faso)", peacekeepers.Totals.Killed)
	}
	// One row a claim, with the figure it is about as the incident has it.
	recs, err := csv.NewReader(strings.NewReader(string(a.do(t, "GET", "/api/v1/claims.csv?mission=MINUSMA", "", nil).body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || strings.Join(recs[2][7:], ",") != "killed,peacekeeper,NE,,,,un-fatalities,un-fatalities-2017-11-24-MINUSMA-malicious_act,4,,,exact,,normal,\"one row per death, by date of death\",3,3,4,true" &&
		strings.Join(recs[2][7:], ",") != "killed,peacekeeper,NE,,,,un-fatalities,un-fatalities-2017-11-24-MINUSMA-malicious_act,4,,,exact,,normal,one row per death, by date of death,3,3,4,true" {
		t.Errorf("claims.csv = %q", recs)
	}
	var page struct {
		Total int
		Items []models.Incident
	}
	a.do(t, "GET", "/api/v1/incidents?conflict=true", "", nil).json(t, &page)
	if page.Total != 1 || page.Items[0].ID != menaka.ID {
		t.Errorf("conflict=true lists %+v, want the Ménaka attack", page.Items)
	}
	// An editor decides for the dataset: its claim is preferred, the
	// conflict is resolved, the figures follow, and the history says so.
	path := fmt.Sprintf("/api/v1/incidents/%d", menaka.ID)
	res := a.do(t, "PATCH", path, a.editor, []byte(`{"claims":[
		{"figure":"killed","group":"peacekeeper","nationality":"NE","source":{"source":0},"value":3,"stated_on":"2017-11-24"},
		{"figure":"killed","group":"peacekeeper","nationality":"NE","source":`+dataset+`,"value":4,"rank":"preferred"}]}`))
	var decided models.Incident
	res.json(t, &decided)
	if res.status != 200 || decided.Conflict || models.Value0(decided.Casualties[0].Killed) != 4 || models.Value0(decided.Killed) != 5 {
		t.Fatalf("after ranking: %d %s", res.status, res.body)
	}
	hist := string(a.do(t, "GET", path+"/history", "", nil).body)
	if !strings.Contains(hist, `"field":"claims"`) || !strings.Contains(hist, `"preferred"`) {
		t.Errorf("the history does not record the claims: %s", hist)
	}
	// Claims travel in NDJSON and come back the same.
	nd := a.do(t, "GET", "/api/v1/incidents.ndjson", "", nil)
	b := newAPI(t, handlers.Config{})
	if res := b.do(t, "POST", "/api/v1/incidents/import?format=ndjson", b.editor, nd.body); res.status != 200 {
		t.Fatalf("import: %d %s", res.status, res.body)
	}
	var back models.Incident
	b.do(t, "GET", "/api/v1/incidents?external_id=un-sg-2017-11-24-menaka", "", nil).json(t, &struct{ Items *[]models.Incident }{&[]models.Incident{}})
	list := b.do(t, "GET", "/api/v1/incidents.ndjson?external_id=un-sg-2017-11-24-menaka", "", nil)
	if err := json.Unmarshal(list.body, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Claims) != 2 || back.Claims[1].Rank != models.Preferred || models.Value0(back.Casualties[0].Killed) != 4 {
		t.Errorf("claims after a round trip: %+v", back.Claims)
	}
}

// Claims are checked as everything else: each bad one is a 422 naming it.
func TestBadClaimsAreNamed(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for claims, field := range map[string]string{
		`[{"figure":"dead","source":{"source":0},"value":1}]`:                                         "claims[0].figure",
		`[{"figure":"killed","source":{"source":7},"value":1}]`:                                       "claims[0].source.source",
		`[{"figure":"killed","value":1}]`:                                                             "claims[0].source",
		`[{"figure":"killed","source":{"dataset":"acled"},"value":1}]`:                                "claims[0].source",
		`[{"figure":"killed","source":{"source":0},"low":5,"high":2}]`:                                "claims[0].low",
		`[{"figure":"killed","source":{"source":0},"value":1,"low":0,"high":2}]`:                      "claims[0].value",
		`[{"figure":"killed","source":{"source":0}}]`:                                                 "claims[0].value",
		`[{"figure":"killed","group":"civilian","nationality":"ML","source":{"source":0},"value":1}]`: "claims[0].group",
		`[{"figure":"killed","source":{"source":0},"value":1,"rank":"best"}]`:                         "claims[0].rank",
		`[{"figure":"killed","source":{"source":0},"value":1,"qualifier":"roughly"}]`:                 "claims[0].qualifier",
		`[{"figure":"killed","source":{"source":0},"value":9}]`:                                       "killed",
	} {
		res := a.do(t, "POST", "/api/v1/incidents", a.editor, withClaims(t, seeds(t)[0], claims))
		if res.status != 422 || !strings.Contains(string(res.body), `"field":"`+field+`"`) {
			t.Errorf("%s: %d %s, want 422 naming %s", claims, res.status, res.body, field)
		}
	}
	if n := a.count(t); n != 0 {
		t.Errorf("%d incidents stored from bad claims", n)
	}
}

// withoutVersion is an incident's JSON without what every write changes.
func withoutVersion(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "version")
	delete(doc, "updated_at")
	return doc
}

// The seed day again, as two databases' records of the same attacks: the
// UN's dataset rows, merged into the statement's incidents, become claims
// beside the statement's figures; nothing is counted twice; an unmerge
// gives both records back as they were.
func TestMergeAndUnmergeTheSeedDay(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	menaka := a.create(t, seeds(t)[0])
	mopti := a.create(t, seeds(t)[1])
	un := func(id, nationality string, killed int) models.Incident {
		return a.create(t, []byte(fmt.Sprintf(`{"external_id":%q,"dataset":"un-fatalities","occurred_on":"2017-11-24","type":"malicious_act",
			"mission":"MINUSMA","country":"ML","killed":%d,"wounded":null,
			"casualties":[{"group":"peacekeeper","force":"MINUSMA","nationality":%q,"killed":%d,"wounded":null}]}`, id, killed, nationality, killed)))
	}
	ne, bf := un("un-2017-11-24-NE", "NE", 4), un("un-2017-11-24-BF", "BF", 1)
	if rep := a.report(t, "group_by=year&mission=MINUSMA"); rep.Totals.Killed != 10 {
		t.Fatalf("before merging, the day counts %d killed (each death twice)", rep.Totals.Killed)
	}
	path := func(id int64) string { return fmt.Sprintf("/api/v1/incidents/%d", id) }
	menakaBefore, neBefore := a.do(t, "GET", path(menaka.ID), "", nil).body, a.do(t, "GET", path(ne.ID), "", nil).body
	merge := func(survivor, absorbed int64) models.Incident {
		t.Helper()
		res := a.do(t, "POST", path(survivor)+"/merge", a.editor, []byte(fmt.Sprintf(`{"incident":%d}`, absorbed)))
		if res.status != 200 {
			t.Fatalf("merge %d into %d: %d %s", absorbed, survivor, res.status, res.body)
		}
		var out models.Incident
		res.json(t, &out)
		return out
	}
	m := merge(menaka.ID, ne.ID)
	line := m.Casualties[0]
	if models.Value0(line.Killed) != 3 || models.Value0(line.KilledHigh) != 4 || !m.Conflict || len(m.Claims) < 2 {
		t.Errorf("the Nigerien line after the merge: %+v, conflict %v, claims %+v", line, m.Conflict, m.Claims)
	}
	var statement, dataset bool
	for _, c := range m.Claims {
		if c.Group != nil && *c.Group == models.Peacekeeper && c.Nationality != nil && *c.Nationality == "NE" {
			statement = statement || c.Source.Source != nil && *c.Source.Source == 0 && *c.Value == 3
			dataset = dataset || c.Source.ExternalID != nil && *c.Source.ExternalID == "un-2017-11-24-NE" && *c.Value == 4
		}
	}
	if !statement || !dataset {
		t.Errorf("the Nigerien figure's claims should name the statement (3) and the dataset row (4): %+v", m.Claims)
	}
	p := merge(mopti.ID, bf.ID)
	if p.Conflict || models.Value0(p.Killed) != 1 {
		t.Errorf("Mopti after the merge: killed %v, conflict %v", p.Killed, p.Conflict)
	}
	for estimate, want := range map[string]int64{"best": 5, "high": 6} {
		if rep := a.report(t, "group_by=nationality&mission=MINUSMA&estimate="+estimate); rep.Totals.Killed != want || rep.Totals.Incidents != 2 {
			t.Errorf("MINUSMA killed that day, %s: %+v, want %d in 2 incidents", estimate, rep.Totals, want)
		}
	}
	// The absorbed record answers where it went.
	req, _ := http.NewRequest("GET", a.srv.URL+path(ne.ID), nil)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != path(menaka.ID) {
		t.Errorf("GET the merged record: %d, Location %q", res.StatusCode, res.Header.Get("Location"))
	}
	// Unmerged, both are as they were.
	if res := a.do(t, "POST", path(menaka.ID)+"/unmerge", a.editor, []byte(fmt.Sprintf(`{"incident":%d}`, ne.ID))); res.status != 200 {
		t.Fatalf("unmerge: %d %s", res.status, res.body)
	}
	for name, tc := range map[string]struct {
		id     int64
		before []byte
	}{"Ménaka": {menaka.ID, menakaBefore}, "the dataset row": {ne.ID, neBefore}} {
		after := a.do(t, "GET", path(tc.id), "", nil)
		if diff := cmp.Diff(withoutVersion(t, tc.before), withoutVersion(t, after.body)); diff != "" {
			t.Errorf("%s after the unmerge (-before +after):\n%s", name, diff)
		}
	}
	hist := string(a.do(t, "GET", path(ne.ID)+"/history", "", nil).body)
	if !strings.Contains(hist, `"action":"merged"`) || !strings.Contains(hist, `"action":"unmerged"`) {
		t.Errorf("the absorbed record's history: %s", hist)
	}
	if res := a.do(t, "POST", path(menaka.ID)+"/unmerge", a.editor, []byte(fmt.Sprintf(`{"incident":%d}`, ne.ID))); res.status != 404 {
		t.Errorf("a second unmerge: %d %s", res.status, res.body)
	}
	if res := a.do(t, "POST", path(menaka.ID)+"/merge", a.editor, []byte(fmt.Sprintf(`{"incident":%d}`, menaka.ID))); res.status != 422 {
		t.Errorf("merging an incident into itself: %d %s", res.status, res.body)
	}
}

// The seed day as the issue puts it: the two seed incidents, then the UN
// dataset's rows of 24 November 2017 (four Nigeriens, one Burkinabè: one
// record of the day) imported with linking. The record is split along its
// lines, each part merged into its attack: two incidents, the Nigerien
// figure with the statement's 3 and the dataset's 4 in conflict, the
// Burkinabè 1 agreed, and MINUSMA killed that day 5 best and 6 high.
func TestLinkingTheSeedDay(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	menaka := a.create(t, seeds(t)[0])
	mopti := a.create(t, seeds(t)[1])
	file := "incident_date,casualty_id,mission_acronym,casualty_nationality,casualty_personnel_type,type_of_incident,m49_code,isocode3\n"
	for i, nat := range []string{"NER", "NER", "NER", "NER", "BFA"} {
		file += fmt.Sprintf("11/24/2017,SYNTH-%d,MINUSMA,,Military,Malicious Act,,%s\n", i, nat)
	}
	res := a.do(t, "POST", "/api/v1/incidents/import?format=un-fatalities&link=true", a.editor, []byte(file), "Content-Type", "text/csv")
	if res.status != 200 {
		t.Fatalf("import: %d %s", res.status, res.body)
	}
	var out models.ImportResult
	res.json(t, &out)
	into := map[int64]bool{}
	for _, l := range out.Linked {
		into[l.Into] = true
	}
	if len(out.Linked) != 2 || !into[menaka.ID] || !into[mopti.ID] || len(out.Ambiguous) != 0 {
		t.Fatalf("linked %+v, ambiguous %+v; want one part into each attack", out.Linked, out.Ambiguous)
	}
	var page struct{ Total int }
	a.do(t, "GET", "/api/v1/incidents", "", nil).json(t, &page)
	if page.Total != 2 {
		t.Errorf("%d incidents after linking, want the 2 attacks", page.Total)
	}
	var m, p models.Incident
	a.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", menaka.ID), "", nil).json(t, &m)
	a.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", mopti.ID), "", nil).json(t, &p)
	var values []int
	for _, c := range m.Claims {
		if c.Group != nil && c.Nationality != nil && *c.Nationality == "NE" {
			values = append(values, *c.Value)
		}
	}
	if fmt.Sprint(values) != "[3 4]" || !m.Conflict || models.Value0(m.Casualties[0].Killed) != 3 {
		t.Errorf("the Nigerien figure: claims %v, conflict %v, best %v", values, m.Conflict, m.Casualties[0].Killed)
	}
	if p.Conflict || models.Value0(p.Killed) != 1 {
		t.Errorf("the Burkinabè figure: conflict %v, killed %v", p.Conflict, p.Killed)
	}
	for estimate, want := range map[string]int64{"best": 5, "high": 6} {
		if rep := a.report(t, "group_by=region&mission=MINUSMA&from=2017-11-24&to=2017-11-24&estimate="+estimate); rep.Totals.Killed != want {
			t.Errorf("MINUSMA killed that day, %s: %d, want %d", estimate, rep.Totals.Killed, want)
		}
	}
	// An ACLED event of the next day in Ménaka is a candidate of the Ménaka
	// attack; the Mopti attack, in another region, is not.
	acled := a.create(t, []byte(`{"external_id":"MLI9999","dataset":"acled","occurred_on":"2017-11-25","type":"armed_attack",
		"mission":"MINUSMA","country":"ML","region":"Ménaka","killed":4,"wounded":null}`))
	var cands struct{ Candidates []models.Candidate }
	a.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d/candidates", menaka.ID), "", nil).json(t, &cands)
	if len(cands.Candidates) != 1 || cands.Candidates[0].ID != acled.ID || cands.Candidates[0].Score < models.LinkScore {
		t.Errorf("the candidates of the Ménaka attack: %+v", cands.Candidates)
	}
	var pairs struct {
		Pairs []struct {
			Incidents [2]int64
			Score     float64
		}
	}
	a.do(t, "GET", "/api/v1/candidates?from=2017-11&to=2017-11", "", nil).json(t, &pairs)
	if len(pairs.Pairs) != 1 || pairs.Pairs[0].Incidents != [2]int64{menaka.ID, acled.ID} {
		t.Errorf("the pairs of November 2017: %+v", pairs.Pairs)
	}
}
