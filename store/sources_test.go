package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

// tableExists says whether the database behind dsn has a table of that name
// (on PostgreSQL, in the test's schema).
func tableExists(tb testing.TB, db *sql.DB, dsn, name string) bool {
	tb.Helper()
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if store.IsPostgres(dsn) {
		q = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1"
	}
	var n int
	if err := db.QueryRow(q, name).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n > 0
}

// sourcesByID reads the sources of every live incident of s.
func sourcesByID(tb testing.TB, s *store.Store) map[int64][]models.Source {
	tb.Helper()
	out := map[int64][]models.Source{}
	err := s.Each(context.Background(), models.Filter{}, func(inc *models.Incident) error {
		out[inc.ID] = inc.Sources
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// A database from before migration 0014 kept every incident's sources
// twice: as JSON on the incident row and row by row in the sources table,
// which nothing read. After the migration no table named sources remains,
// every incident, live or deleted, has each of its sources as before, and
// writes, imports and the copy between engines go on without the table.
func TestMigrationDropsTheSourcesTableAndKeepsEverySource(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	*store.MigrateUpTo = 13
	old := openAt(t, dsn)
	*store.MigrateUpTo = 0
	standInLaterTables(t, dsn)
	if res, err := old.Import(ctx, "test", &sliceReader{items: synthInputs(300, 14)}, models.ImportOptions{}); err != nil || res.Created != 300 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	in := menaka()
	in.Sources = []models.SourceInput{
		{Title: ptr(`Statement attributable to the Spokesperson, "Mali"`), Publisher: ptr("United Nations"),
			URL: ptr("https://www.un.org/sg/en/content/sg/statement/2017-11-24"), PublishedOn: ptr("2017-11-24"), Language: ptr("en")},
		{Title: ptr("Communiqué de la MINUSMA : attaque à Ménaka"), Language: ptr("fr")},
		{Title: ptr("Third source, no other field")},
	}
	hand, err := old.CreateIncident(ctx, "tester", mustNormalize(t, in))
	if err != nil {
		t.Fatal(err)
	}
	want := sourcesByID(t, old)
	deleted := []int64{7, 8, hand.ID}
	for _, id := range deleted {
		if err := old.DeleteIncident(ctx, "tester", id, nil); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	// What the writers of those versions also stored: the sources again,
	// row by row.
	db := rawDB(t, dsn)
	if !tableExists(t, db, dsn, "sources") {
		t.Fatal("no sources table before migration 0014")
	}
	ins := rebindFor(dsn, "INSERT INTO sources (incident_id, position, title, publisher, url, published_on, language) VALUES (?, ?, ?, ?, ?, ?, ?)")
	rows, several := 0, 0
	for id, srcs := range want {
		for p, src := range srcs {
			if _, err := db.Exec(ins, id, p, src.Title, src.Publisher, src.URL, src.PublishedOn, src.Language); err != nil {
				t.Fatal(err)
			}
			rows++
		}
		if len(srcs) > 1 {
			several++
		}
	}
	if rows < 200 || several == 0 {
		t.Fatalf("%d source rows, %d incidents with several: the data tests too little", rows, several)
	}

	dropStandIns(t, dsn)
	s := openAt(t, dsn)
	if tableExists(t, db, dsn, "sources") {
		t.Error("a table named sources remains after the migration")
	}
	names, err := s.Migrations(ctx)
	if err != nil || !slices.Contains(names, "0014_drop_sources.sql") {
		t.Errorf("migrations %v, %v: 0014 not recorded", names, err)
	}
	// Deleted incidents keep theirs too: restored, they have them.
	for _, id := range deleted {
		inc, err := s.RestoreIncident(ctx, "tester", id, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want[id], inc.Sources); diff != "" {
			t.Errorf("incident %d, deleted before the migration, restored after it: sources (-before +after):\n%s", id, diff)
		}
	}
	if diff := cmp.Diff(want, sourcesByID(t, s)); diff != "" {
		t.Errorf("sources before and after the migration (-before +after):\n%s", diff)
	}
	got, err := s.GetIncident(ctx, hand.ID)
	if err != nil || len(got.Sources) != 3 || got.Sources[1].Title != "Communiqué de la MINUSMA : attaque à Ménaka" {
		t.Errorf("incident %d after the migration: %+v, %v", hand.ID, got.Sources, err)
	}

	// Writes after it: a change of sources, a delete, an import.
	next := got
	next.Sources = next.Sources[:1]
	if _, err := s.UpdateIncident(ctx, "tester", hand.ID, nil, func(models.Incident) (models.Incident, error) { return next, nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteIncident(ctx, "tester", 9, nil); err != nil {
		t.Fatal(err)
	}
	if res, err := s.Import(ctx, "test", &sliceReader{items: synthInputs(40, 15)}, models.ImportOptions{}); err != nil || res.Created != 40 {
		t.Fatalf("import after the migration: %+v, %v", res, err)
	}
	after := sourcesByID(t, s)
	if len(after) != len(want)-1+40 || len(after[hand.ID]) != 1 {
		t.Errorf("after the writes: %d live incidents (want %d), %d sources on incident %d", len(after), len(want)-1+40, len(after[hand.ID]), hand.ID)
	}

	// The copy between engines has no sources table to copy, and loses none.
	dst := openAt(t, filepath.Join(t.TempDir(), "copy.db"))
	if err := s.CopyTo(ctx, dst, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(after, sourcesByID(t, dst)); diff != "" {
		t.Errorf("sources of the copy (-source +copy):\n%s", diff)
	}
}

// The tables the copy between engines writes are the tables the migrations
// build (but the migrations' own record and the generation, which the copy
// sets itself), on each engine: a table dropped or added is dropped from
// or added to the copy too.
func TestTheCopyTablesAreTheSchema(t *testing.T) {
	dsn := storetest.DSN(t)
	openAt(t, dsn)
	db := rawDB(t, dsn)
	// The text index's own tables (FTS5's shadow tables on SQLite) are
	// the index's: the copy writes the index through it.
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'incident\\_text\\_%' ESCAPE '\\'"
	if store.IsPostgres(dsn) {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	var names []string
	for _, n := range queryStrings(t, db, q) {
		if n != "schema_migrations" && n != "meta" {
			names = append(names, n)
		}
	}
	want := store.CopyTables()
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("the schema has the tables %v, the copy %v", names, want)
	}
}

// standInLaterTables gives a database migrated to before 0015 the tables
// today's writer also writes (the text index of 0015, the totals of 0016),
// so that a test can write it with today's code; dropStandIns takes them
// away before the migrations go on, which build them again from what the
// database holds (the incidents written meanwhile have no words until
// they are written again).
func standInLaterTables(tb testing.TB, dsn string) {
	tb.Helper()
	engine, text := "sqlite", "CREATE TABLE incident_text (words TEXT)"
	if store.IsPostgres(dsn) {
		engine, text = "postgres", "CREATE TABLE incident_text (incident_id BIGINT, words TSVECTOR)"
	}
	ddl, err := os.ReadFile(filepath.Join("migrations", engine, "0016_totals_by_year_and_place.sql"))
	if err != nil {
		tb.Fatal(err)
	}
	create, _, _ := strings.Cut(string(ddl), "INSERT INTO")
	db := rawDB(tb, dsn)
	for _, q := range []string{text, create} {
		if _, err := db.Exec(q); err != nil {
			tb.Fatal(err)
		}
	}
}

func dropStandIns(tb testing.TB, dsn string) {
	tb.Helper()
	for _, table := range []string{"incident_text", "totals_year_place"} {
		if _, err := rawDB(tb, dsn).Exec("DROP TABLE " + table); err != nil {
			tb.Fatal(err)
		}
	}
}
