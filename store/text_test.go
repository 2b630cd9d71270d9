package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

// q on each engine's own text index gives the incidents a brute-force
// reading of every live incident's summary and locality gives: those in
// which every word of q starts a word, case and accents ignored. The
// queries are prefixes of words the incidents hold (so most match
// something), in other cases and with accents, one to three at a time,
// after edits, deletes and restores have changed which words are indexed.
func TestTextSearchMatchesABruteForceReading(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	if res, err := s.Import(ctx, "test", &sliceReader{items: synthInputs(300, 31)}, models.ImportOptions{}); err != nil || res.Created != 300 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	// Hand-written texts with what a tokenizer of its own would split
	// otherwise: apostrophes, accents, hyphens, digits, and words that
	// are operators of a full-text query language.
	for i, text := range []string{
		"L'embuscade près de Ménaka : trois Casques bleus tués",
		"Attaque au mortier contre le camp de Tessalit, NEAR the airstrip; NOT claimed",
		"IED strike on a convoy (MINUSMA) north-east of Aguelhok at km 12",
		"Œuvre des assaillants non identifiés à Ségou — AND OR",
	} {
		in := menaka()
		in.ExternalID = ptr(fmt.Sprintf("text-%d", i))
		in.Summary = ptr(text)
		in.Locality = ptr([]string{"Ménaka", "Tessalit", "Aguelhok", "Ségou"}[i])
		if _, err := s.CreateIncident(ctx, "tester", mustNormalize(t, in)); err != nil {
			t.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(31, 5))
	for id := int64(1); id <= 40; id++ {
		_, err := s.UpdateIncident(ctx, "tester", id, nil, func(cur models.Incident) (models.Incident, error) {
			cur.Summary = fmt.Sprintf("Patrouille de reconnaissance %d visée près de Douentza", id)
			return cur, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []int64{41, 42, 43, 44, 45} {
		if err := s.DeleteIncident(ctx, "tester", id, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RestoreIncident(ctx, "tester", 44, nil); err != nil {
		t.Fatal(err)
	}

	live := allIncidents(t, s)
	words := map[int64][]string{}
	var vocabulary []string
	for _, inc := range live {
		text := inc.Summary
		if inc.Locality != nil {
			text += " " + *inc.Locality
		}
		words[inc.ID] = models.Words(text)
		vocabulary = append(vocabulary, words[inc.ID]...)
	}
	slices.Sort(vocabulary)
	vocabulary = slices.Compact(vocabulary)
	queries := []string{"embuscade", "MENAKA", "ménaka", "tués", "NEAR airstrip", "not claimed", "AND Ségou", "oeuvre", "km 12", "douentza patrouille", "zzzz"}
	for len(queries) < 130 {
		var q []string
		// Most from one incident's words, so that several match together.
		from := words[live[r.IntN(len(live))].ID]
		if r.IntN(4) == 0 || len(from) == 0 {
			from = vocabulary
		}
		for range 1 + r.IntN(3) {
			w := from[r.IntN(len(from))]
			w = w[:min(len(w), 2+r.IntN(len(w)))]
			if len(models.Words(w)) == 0 {
				continue // a stop word: q refuses a query of only those
			}
			if r.IntN(3) == 0 {
				w = strings.ToUpper(w)
			}
			q = append(q, w)
		}
		if len(q) > 0 {
			queries = append(queries, strings.Join(q, " "))
		}
	}
	matched := 0
	t.Logf("%d queries", len(queries))
	for _, q := range queries {
		f, err := models.ParseFilter(map[string][]string{"q": {q}})
		if err != nil {
			t.Fatalf("q=%q: %v", q, err)
		}
		if len(f.Words) == 0 {
			continue
		}
		var want []int64
		for _, inc := range live {
			if everyPrefixed(f.Words, words[inc.ID]) {
				want = append(want, inc.ID)
			}
		}
		var got []int64
		page := models.Page{Sort: "id", Limit: 100}
		for {
			res, err := s.ListIncidents(ctx, f, page)
			if err != nil {
				t.Fatalf("q=%q: %v", q, err)
			}
			for _, inc := range res.Items {
				got = append(got, inc.ID)
			}
			if res.Total != int64(len(want)) {
				t.Errorf("q=%q: total %d, a reading of every incident finds %d", q, res.Total, len(want))
			}
			if res.Next == nil {
				break
			}
			page.Cursor = res.Next
		}
		if !slices.Equal(got, want) {
			t.Errorf("q=%q: the index finds %v, a reading of every incident %v", q, got, want)
		}
		if len(want) > 0 {
			matched++
		}
	}
	if matched < len(queries)/2 {
		t.Errorf("only %d of %d queries matched anything: the test tests too little", matched, len(queries))
	}
}

func everyPrefixed(query, words []string) bool {
	for _, q := range query {
		if !slices.ContainsFunc(words, func(w string) bool { return strings.HasPrefix(w, q) }) {
			return false
		}
	}
	return true
}

// allIncidents is every live incident, in id order.
func allIncidents(tb testing.TB, s interface {
	ListIncidents(context.Context, models.Filter, models.Page) (models.ListResult, error)
}) []models.Incident {
	tb.Helper()
	var out []models.Incident
	page := models.Page{Sort: "id", Limit: 500}
	for {
		res, err := s.ListIncidents(context.Background(), models.Filter{}, page)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, res.Items...)
		if res.Next == nil {
			return out
		}
		page.Cursor = res.Next
	}
}

// Migration 0015 moves the words of a database from before it, kept in
// the incident_words table, into the text index: q finds the same
// incidents after it as a reading of their words did before.
func TestMigrationMovesTheWordsIntoTheTextIndex(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	*store.MigrateUpTo = 14
	old := openAt(t, dsn)
	*store.MigrateUpTo = 0
	standInLaterTables(t, dsn)
	if res, err := old.Import(ctx, "test", &sliceReader{items: synthInputs(200, 32)}, models.ImportOptions{}); err != nil || res.Created != 200 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	live := allIncidents(t, old)
	old.Close()
	dropStandIns(t, dsn)
	// The words as the writers before 0015 stored them, a row each.
	db := rawDB(t, dsn)
	ins := rebindFor(dsn, "INSERT INTO incident_words (word, incident_id) VALUES (?, ?)")
	byWord := map[string][]int64{}
	for _, inc := range live {
		text := inc.Summary
		if inc.Locality != nil {
			text += " " + *inc.Locality
		}
		for _, w := range models.Words(text) {
			if _, err := db.Exec(ins, w, inc.ID); err != nil {
				t.Fatal(err)
			}
			byWord[w] = append(byWord[w], inc.ID)
		}
	}
	s := openAt(t, dsn)
	if tableExists(t, db, dsn, "incident_words") {
		t.Error("the incident_words table remains after migration 0015")
	}
	checked := 0
	for w, ids := range byWord {
		res, err := s.ListIncidents(ctx, models.Filter{Words: []string{w}}, models.Page{Sort: "id", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, inc := range res.Items {
			got = append(got, inc.ID)
		}
		// A word is also the prefix of longer words of other incidents.
		for _, id := range ids {
			if !slices.Contains(got, id) {
				t.Errorf("q=%s: incident %d held the word before the migration and is not found after it", w, id)
			}
		}
		checked++
	}
	if checked < 50 {
		t.Fatalf("only %d words: the data tests too little", checked)
	}
}
