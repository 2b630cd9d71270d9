package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

// rawDB opens the database behind dsn with database/sql directly, for
// tests that must write what the store itself never would.
func rawDB(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	driver := "sqlite3"
	if store.IsPostgres(dsn) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// openAt opens the store on dsn with the fixed clock, closed after the test.
func openAt(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), dsn, store.WithClock(func() time.Time { return fixedNow }))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// remigrate closes s, runs stmts on its database as it stands (to bring
// back what an older version wrote), and opens it again, which runs the
// migrations the statements un-recorded.
func remigrate(tb testing.TB, s *store.Store, dsn string, stmts ...string) (*store.Store, *sql.DB) {
	tb.Helper()
	s.Close()
	db := rawDB(tb, dsn)
	for _, q := range stmts {
		if !store.IsPostgres(dsn) {
			q = strings.ReplaceAll(q, "chr(", "char(")
		}
		if _, err := db.Exec(q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
	return openAt(tb, dsn), db
}

func updatedSince(tb testing.TB, s *store.Store, since string) []int64 {
	tb.Helper()
	f, err := models.ParseFilter(map[string][]string{"updated_since": {since}}, "updated_since")
	if err != nil {
		tb.Fatal(err)
	}
	res, err := s.ListIncidents(context.Background(), f, models.Page{Sort: "updated_at", Limit: 100})
	if err != nil {
		tb.Fatal(err)
	}
	var ids []int64
	for _, inc := range res.Items {
		ids = append(ids, inc.ID)
	}
	return ids
}

// A mirror polls with whole seconds; a change made a fraction of a second
// into that second must be in the answer.
func TestUpdatedSinceComparesInstants(t *testing.T) {
	at := time.Date(2026, 12, 1, 8, 45, 39, 794587509, time.UTC)
	s, err := store.Open(context.Background(), storetest.DSN(t), store.WithClock(func() time.Time { return at }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	inc, err := s.CreateIncident(context.Background(), "tester", mustNormalize(t, menaka()))
	if err != nil {
		t.Fatal(err)
	}
	for since, want := range map[string]bool{
		"2026-12-01T08:45:39Z":           true,
		"2026-12-01T08:45:39.7Z":         true,
		"2026-12-01T08:45:39.794587509Z": true,
		"2026-12-01T09:45:39.7+01:00":    true,
		"2026-12-01T08:45:39.8Z":         false,
		"2026-12-01T08:45:40Z":           false,
	} {
		got := updatedSince(t, s, since)
		if found := len(got) == 1 && got[0] == inc.ID; found != want {
			t.Errorf("updated_since=%s: %v, want found=%v", since, got, want)
		}
	}
}

// Rows written before timestamps had a fixed width are rewritten by the
// migration, so the feed finds them too.
func TestTrimmedTimestampsAreMigrated(t *testing.T) {
	dsn := storetest.DSN(t)
	s := openAt(t, dsn)
	inc, err := s.CreateIncident(context.Background(), "tester", mustNormalize(t, menaka()))
	if err != nil {
		t.Fatal(err)
	}
	s, db := remigrate(t, s, dsn,
		"UPDATE incidents SET created_at = '2026-12-01T08:45:39Z', updated_at = '2026-12-01T08:45:39.7945Z', deleted_at = NULL",
		"UPDATE revisions SET changed_at = '2026-12-01T08:45:39.7945Z'",
		"DELETE FROM schema_migrations WHERE version = 7")
	var created, updated, changed string
	if err := db.QueryRow("SELECT created_at, updated_at FROM incidents").Scan(&created, &updated); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT changed_at FROM revisions").Scan(&changed); err != nil {
		t.Fatal(err)
	}
	if created != "2026-12-01T08:45:39.000000000Z" || updated != "2026-12-01T08:45:39.794500000Z" || changed != updated {
		t.Errorf("after the migration: created %s, updated %s, changed %s", created, updated, changed)
	}
	if got := updatedSince(t, s, "2026-12-01T08:45:39Z"); len(got) != 1 || got[0] != inc.ID {
		t.Errorf("updated_since with whole seconds finds %v after the migration", got)
	}
}

// A write that finds the disk full says so (and stores nothing), rather
// than failing as if the server were broken.
func TestAFullDiskIsStorageFull(t *testing.T) {
	storetest.SkipOnPostgres(t, "the page limit is SQLite's")
	s := mustOpen(t)
	ctx := context.Background()
	if _, err := s.CreateIncident(ctx, "tester", mustNormalize(t, menaka())); err != nil {
		t.Fatal(err)
	}
	before, _ := s.CountIncidents(ctx)
	if err := s.LimitPages(0); err != nil {
		t.Fatal(err)
	}
	big := menaka()
	big.ExternalID = nil
	text := strings.Repeat("A long summary that needs pages the disk does not have. ", 150)
	big.Summary = &text
	var err error
	for range 50 {
		if _, err = s.CreateIncident(ctx, "tester", mustNormalize(t, big)); err != nil {
			break
		}
	}
	if models.ErrorCode(err) != models.StorageFull {
		t.Fatalf("creates on a full disk: %v, want storage_full", err)
	}
	if n, _ := s.CountIncidents(ctx); n < before {
		t.Errorf("%d incidents after, %d before", n, before)
	}
}

// A revoked key's name stays its own: history records names, and one
// name must always mean one key.
func TestKeyNamesAreNeverReused(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	if _, err := s.CreateKey(ctx, "field-office", models.RoleEditor); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeKey(ctx, "field-office"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateKey(ctx, "field-office", models.RoleAdmin); models.ErrorCode(err) != models.Conflict {
		t.Errorf("a revoked key's name taken again: %v", err)
	}
	if _, err := s.CreateKey(ctx, "field-office-2", models.RoleAdmin); err != nil {
		t.Errorf("another name: %v", err)
	}
}

// A database from before names were unique may hold a revoked key and a
// live one of the same name, and summaries with CRLF: the migration keeps
// every key (the revoked one renamed) and stores the line breaks as LF.
func TestMigrationOfKeyNamesAndLineBreaks(t *testing.T) {
	dsn := storetest.DSN(t)
	s := openAt(t, dsn)
	if _, err := s.CreateIncident(context.Background(), "tester", mustNormalize(t, menaka())); err != nil {
		t.Fatal(err)
	}
	s, db := remigrate(t, s, dsn,
		"DROP INDEX api_keys_name",
		"CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL",
		"INSERT INTO api_keys (name, role, hash, created_at, revoked_at) VALUES ('ops', 'admin', 'h1', '2026-01-01T00:00:00.000000000Z', '2026-02-01T00:00:00.000000000Z')",
		"INSERT INTO api_keys (name, role, hash, created_at) VALUES ('ops', 'editor', 'h2', '2026-03-01T00:00:00.000000000Z')",
		"UPDATE incidents SET summary = 'one' || chr(13) || chr(10) || 'two'",
		"DELETE FROM schema_migrations WHERE version = 8")
	keys, err := s.ListKeys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range keys {
		names = append(names, k.Name)
	}
	if got := strings.Join(names, " "); got != "ops ops#1" {
		t.Errorf("keys after the migration: %s", got)
	}
	var summary string
	if err := db.QueryRow("SELECT summary FROM incidents").Scan(&summary); err != nil || summary != "one\ntwo" {
		t.Errorf("summary after the migration: %q, %v", summary, err)
	}
}

// A database from before labels were recorded gets, for each key, its
// commonest spelling.
func TestMigrationLabelsTheCommonestSpelling(t *testing.T) {
	dsn := storetest.DSN(t)
	s := openAt(t, dsn)
	for _, force := range []string{"zz Garde", "Garde", "Garde", "GARDE"} {
		in := menaka()
		in.ExternalID, in.Forces = nil, []string{force}
		if _, err := s.CreateIncident(context.Background(), "tester", mustNormalize(t, in)); err != nil {
			t.Fatal(err)
		}
	}
	_, db := remigrate(t, s, dsn, "DROP TABLE name_labels", "DELETE FROM schema_migrations WHERE version = 9")
	var label string
	if err := db.QueryRow("SELECT label FROM name_labels WHERE kind = 'force' AND key = 'garde'").Scan(&label); err != nil || label != "Garde" {
		t.Errorf("label %q, %v; want the commonest spelling, Garde", label, err)
	}
}

// A report past its row limit is refused with the dimension named, not
// built whole.
func TestReportRowsAreBounded(t *testing.T) {
	defer func(n int) { store.MaxReportRows = n }(store.MaxReportRows)
	store.MaxReportRows = 3
	s := mustOpen(t)
	for _, day := range []string{"2017-01-05", "2017-02-05", "2017-03-05", "2017-04-05"} {
		in := menaka()
		in.ExternalID, in.OccurredOn = nil, ptr(day)
		if _, err := s.CreateIncident(context.Background(), "tester", mustNormalize(t, in)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.CasualtyReport(context.Background(), models.Filter{}, []models.Dimension{"month"})
	var me *models.Error
	if !errors.As(err, &me) || me.Code != models.Malformed || me.Fields[0].Field != "group_by" {
		t.Errorf("four months with a limit of three rows: %v", err)
	}
	if _, err := s.CasualtyReport(context.Background(), models.Filter{}, []models.Dimension{"year"}); err != nil {
		t.Errorf("one year: %v", err)
	}
}

// Every version reads back as the write returned it, whether it is found
// from a snapshot (every sixteenth revision holds one) or, for histories
// written before snapshots, by undoing every later change.
func TestEveryVersionFromSnapshots(t *testing.T) {
	dsn := storetest.DSN(t)
	s := openAt(t, dsn)
	ctx := context.Background()
	inc, err := s.CreateIncident(ctx, "tester", mustNormalize(t, menaka()))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]models.Incident{1: inc}
	for i := range 40 {
		switch i {
		case 17:
			if err := s.DeleteIncident(ctx, "tester", inc.ID, nil); err != nil {
				t.Fatal(err)
			}
			continue
		case 18:
			if _, err := s.RestoreIncident(ctx, "tester", inc.ID, nil); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := s.UpdateIncident(ctx, "tester", inc.ID, nil, func(cur models.Incident) (models.Incident, error) {
			cur.Summary = fmt.Sprintf("revision %d", i)
			n := 4 + i%3
			cur.Killed = &n
			return cur, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		seen[got.Version] = got
	}
	check := func(when string) {
		for v, want := range seen {
			got, err := s.IncidentAt(ctx, inc.ID, v)
			if err != nil {
				t.Fatal(err)
			}
			if got.Summary != want.Summary || !models.Same(got.Killed, want.Killed) || got.Version != v {
				t.Errorf("%s: version %d is %q/%d, want %q/%d", when, v, got.Summary, models.Value0(got.Killed), want.Summary, models.Value0(want.Killed))
			}
		}
	}
	check("with snapshots")
	var n int
	db := rawDB(t, dsn)
	if err := db.QueryRow("SELECT count(*) FROM revisions WHERE snapshot IS NOT NULL").Scan(&n); err != nil || n != 2 {
		t.Errorf("%d snapshots for 42 versions, %v", n, err)
	}
	if _, err := db.Exec("UPDATE revisions SET snapshot = NULL"); err != nil {
		t.Fatal(err)
	}
	check("without snapshots")
}

// The column table (columns.go) that every read, insert, update, copy and
// export derives from is the incidents table as the migrations built it,
// on each engine.
func TestTheColumnTableIsTheSchema(t *testing.T) {
	dsn := storetest.DSN(t)
	openAt(t, dsn)
	db := rawDB(t, dsn)
	q := "SELECT name FROM pragma_table_info('incidents') ORDER BY cid"
	if store.IsPostgres(dsn) {
		q = "SELECT column_name FROM information_schema.columns WHERE table_name = 'incidents' AND table_schema = current_schema() ORDER BY ordinal_position"
	}
	names := queryStrings(t, db, q)
	want := strings.Split(store.IncidentColumns, ", ")
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("the schema has %v, the column table %v", names, want)
	}
}

// queryStrings is the one text column of every row q selects.
func queryStrings(tb testing.TB, db *sql.DB, q string) []string {
	tb.Helper()
	rows, err := db.Query(q)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			tb.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}
