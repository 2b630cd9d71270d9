package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

// What an earlier version stored, written as it wrote it, comes through
// migration 0011 with every figure known, the part of each total that no
// line holds counted, the totals rebuilt with their unknown counts and the
// datasets that its ids name.
func TestIncidentsFromBeforeUnknownsAreMigrated(t *testing.T) {
	dsn := storetest.DSN(t)
	*store.MigrateUpTo = 10
	old := openAt(t, dsn)
	*store.MigrateUpTo = 0
	old.Close()
	db := rawDB(t, dsn)
	row := `INSERT INTO incidents (id, external_id, occurred_on, date_precision, mission, mission_key, country, region, region_key, type, summary,
		killed, wounded, forces, contributing_countries, casualties, sources, created_at, updated_at, version)
		VALUES (?, ?, ?, 'day', 'MINUSMA', 'minusma', 'ML', ?, ?, ?, '', ?, ?, '[]', '[]', ?, '[]', '2026-11-27T10:00:00.000000000Z', '2026-11-27T10:00:00.000000000Z', 1)`
	line := `INSERT INTO casualties (incident_id, position, grp, force, force_key, nationality, killed, wounded) VALUES (?, ?, ?, NULL, NULL, ?, ?, ?)`
	stmts := []struct {
		q    string
		args []any
	}{
		// The Ménaka attack: 4 killed and 18 wounded, a breakdown of 3 and 17.
		{row, []any{1, "un-sg-2017-11-24-menaka", "2017-11-24", "Ménaka", "menaka", "armed_attack", 4, 18,
			`[{"group":"peacekeeper","force":null,"nationality":"NE","killed":3,"wounded":0},{"group":"peacekeeper","force":null,"nationality":null,"killed":0,"wounded":17}]`}},
		{line, []any{1, 0, "peacekeeper", "NE", 3, 0}},
		{line, []any{1, 1, "peacekeeper", nil, 0, 17}},
		// An ACLED event and a UN record, by their ids; neither has lines.
		{row, []any{2, "MLI1234", "2019-01-20", "Kidal", "kidal", "ied", 10, 0, "[]"}},
		{row, []any{3, "un-fatalities-2019-01-20-MINUSMA-malicious_act", "2019-01-20", nil, nil, "malicious_act", 10, 0,
			`[{"group":"peacekeeper","force":null,"nationality":"TD","killed":10,"wounded":0}]`}},
		{line, []any{3, 0, "peacekeeper", "TD", 10, 0}},
	}
	for _, st := range stmts {
		if _, err := db.Exec(rebindFor(dsn, st.q), st.args...); err != nil {
			t.Fatalf("%s: %v", st.q, err)
		}
	}
	s := openAt(t, dsn)
	ctx := context.Background()
	inc, err := s.GetIncident(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Killed == nil || *inc.Killed != 4 || inc.Wounded == nil || *inc.Wounded != 18 || inc.Origin != models.OriginUnrecorded || inc.Dataset != nil {
		t.Errorf("the Ménaka attack after the migration: killed %v, wounded %v, origin %s, dataset %v", inc.Killed, inc.Wounded, inc.Origin, inc.Dataset)
	}
	for id, want := range map[int64]string{2: "acled", 3: "un-fatalities"} {
		inc, err := s.GetIncident(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if string(inc.Origin) != want || inc.Dataset == nil || *inc.Dataset != want {
			t.Errorf("incident %d: origin %s, dataset %v; want %s", id, inc.Origin, inc.Dataset, want)
		}
	}
	rep, err := s.CasualtyReport(ctx, models.Filter{}, []models.Dimension{"group"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[any]models.Counts{}
	for _, r := range rep.Rows {
		got[r.Values[0]] = r.Counts
	}
	want := map[any]models.Counts{
		"peacekeeper": {Incidents: 2, Killed: 13, Wounded: 17},
		// one killed and one wounded in Ménaka that no line names, and the
		// ACLED event that has no lines at all
		nil: {Incidents: 2, Killed: 11, Wounded: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("by group after the migration (-want +got):\n%s", diff)
	}
	total := models.Counts{Incidents: 3, Killed: 24, Wounded: 18}
	if rep.Totals != total {
		t.Errorf("totals by group %+v, want %+v", rep.Totals, total)
	}
	for _, dims := range [][]models.Dimension{{"region"}, {"year"}, {"dataset"}, {"month"}} {
		rep, err := s.CasualtyReport(ctx, models.Filter{}, dims)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Totals != total || rep.Source == "incidents" {
			t.Errorf("by %s from %s: totals %+v, want %+v from the rebuilt totals", dims[0], rep.Source, rep.Totals, total)
		}
	}
}

// rebindFor writes q's placeholders as the engine of dsn takes them.
func rebindFor(dsn, q string) string {
	if !store.IsPostgres(dsn) {
		return q
	}
	return store.RebindPostgres(q)
}

// The pairs over a range are those a brute force finds by scoring every
// pair, whatever the buckets by place that make the search fast.
func TestCandidatePairsEqualBruteForce(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 5))
	for range 250 {
		if _, err := s.CreateIncident(ctx, "tester", mustNormalize(t, randomIncident(r))); err != nil {
			t.Fatal(err)
		}
	}
	res, err := s.ListIncidents(ctx, models.Filter{}, models.Page{Sort: "id", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, window := range []int{0, 3, 10} {
		want := map[[2]int64]float64{}
		for i := range res.Items {
			for j := range res.Items {
				a, b := &res.Items[i], &res.Items[j]
				if a.OccurredOn > b.OccurredOn || a.OccurredOn == b.OccurredOn && a.ID >= b.ID {
					continue
				}
				if score, _, ok := models.MatchScore(a, b, window); ok && score > 0 {
					want[[2]int64{a.ID, b.ID}] = models.CandidateOf(a, score, nil).Score
				}
			}
		}
		pairs, err := s.CandidatePairs(ctx, models.Filter{}, window, 100_000)
		if err != nil {
			t.Fatal(err)
		}
		got := map[[2]int64]float64{}
		for _, p := range pairs {
			got[p.IDs] = p.Score
			if len(p.Reasons) == 0 {
				t.Fatalf("a pair without reasons: %+v", p)
			}
		}
		if len(want) == 0 {
			t.Fatalf("window %d: no pairs at all: the test tests nothing", window)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("window %d: pairs (-brute +store):\n%s", window, diff)
		}
		// Best first; a short limit keeps the best.
		for i := 1; i < len(pairs); i++ {
			if pairs[i].Score > pairs[i-1].Score {
				t.Fatalf("window %d: pair %d scores %v after %v", window, i, pairs[i].Score, pairs[i-1].Score)
			}
		}
		few, err := s.CandidatePairs(ctx, models.Filter{}, window, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(pairs) >= 5 && (len(few) != 5 || !cmp.Equal(few, pairs[:5])) {
			t.Errorf("window %d: the best 5 are %+v, want %+v", window, few, pairs[:5])
		}
	}
}

// A linking import takes its records by mission and date and shares the
// rows it compares them with: records of one mission a week apart each
// find their own attack, and records of another mission theirs.
func TestLinkingRecordsOfOneMission(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	stored := map[string]int64{}
	for name, body := range map[string]string{
		"menaka": `{"occurred_on":"2017-11-24","type":"armed_attack","mission":"MINUSMA","country":"ML","region":"Ménaka","killed":3,
			"casualties":[{"group":"peacekeeper","nationality":"NE","killed":3}]}`,
		"gao": `{"occurred_on":"2017-12-03","type":"ied","mission":"MINUSMA","country":"ML","region":"Gao","killed":2,
			"casualties":[{"group":"peacekeeper","nationality":"TD","killed":2}]}`,
		"kivu": `{"occurred_on":"2017-12-07","type":"ambush","mission":"MONUSCO","country":"CD","region":"Nord-Kivu","killed":5,
			"casualties":[{"group":"peacekeeper","nationality":"TZ","killed":5}]}`,
	} {
		in, err := models.DecodeIncidentInput([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		inc, err := s.CreateIncident(ctx, "tester", mustNormalize(t, in))
		if err != nil {
			t.Fatal(err)
		}
		stored[name] = inc.ID
	}
	record := func(id, day, mission, country, nat string, killed int) string {
		return fmt.Sprintf(`{"external_id":%q,"dataset":"un-fatalities","occurred_on":%q,"type":"malicious_act","mission":%q,"country":%q,"killed":%d,"wounded":null,`+
			`"casualties":[{"group":"peacekeeper","nationality":%q,"killed":%d,"wounded":null}]}`, id, day, mission, country, killed, nat, killed)
	}
	body := strings.Join([]string{
		record("u-kivu", "2017-12-08", "MONUSCO", "CD", "TZ", 5),
		record("u-gao", "2017-12-04", "MINUSMA", "ML", "TD", 2),
		record("u-menaka", "2017-11-25", "MINUSMA", "ML", "NE", 4),
	}, "\n") + "\n"
	res, err := importNDJSON(t, s, body, models.ImportOptions{Link: true, Origin: "ndjson"})
	if err != nil {
		t.Fatal(err)
	}
	into := map[int64]bool{}
	for _, l := range res.Linked {
		into[l.Into] = true
	}
	if len(res.Linked) != 3 || !into[stored["menaka"]] || !into[stored["gao"]] || !into[stored["kivu"]] || len(res.Ambiguous) != 0 {
		t.Errorf("linked %+v, ambiguous %+v", res.Linked, res.Ambiguous)
	}
	if n, _ := s.CountIncidents(ctx); n != 3 {
		t.Errorf("%d live incidents after linking, want 3", n)
	}
}
