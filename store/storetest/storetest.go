// Package storetest owns the choice of database engine for tests: a fresh
// SQLite file by default, or, when INCIDENTDB_TEST_POSTGRES holds a
// connection string, a fresh schema in that PostgreSQL database, so the
// same tests run on both engines.
package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvPostgres names the variable that selects PostgreSQL for tests.
const EnvPostgres = "INCIDENTDB_TEST_POSTGRES"

// Postgres reports whether the tests run on PostgreSQL.
func Postgres() bool { return os.Getenv(EnvPostgres) != "" }

// DSN returns a database for one test, empty, and removed afterwards.
func DSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		return filepath.Join(tb.TempDir(), "test.db")
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(`CREATE SCHEMA "` + schema + `"`); err != nil {
		db.Close()
		tb.Fatalf("create schema on %s: %v", EnvPostgres, err)
	}
	tb.Cleanup(func() {
		db.Exec(`DROP SCHEMA "` + schema + `" CASCADE`)
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// SkipOnPostgres skips a test that is about SQLite itself.
func SkipOnPostgres(tb testing.TB, why string) {
	tb.Helper()
	if Postgres() {
		tb.Skip("SQLite only: " + why)
	}
}
