package store_test

import (
	"context"
	"database/sql"
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
	s, err := store.Open(context.Background(), dsn, store.WithClock(func() time.Time { return fixedNow }))
	if err != nil {
		t.Fatal(err)
	}
	inc, err := s.CreateIncident(context.Background(), "tester", mustNormalize(t, menaka()))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, dsn)
	for _, q := range []string{
		"UPDATE incidents SET created_at = '2026-12-01T08:45:39Z', updated_at = '2026-12-01T08:45:39.7945Z', deleted_at = NULL",
		"UPDATE revisions SET changed_at = '2026-12-01T08:45:39.7945Z'",
		"DELETE FROM schema_migrations WHERE version = 7",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s, err = store.Open(context.Background(), dsn, store.WithClock(func() time.Time { return fixedNow }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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
