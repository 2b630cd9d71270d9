package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"
)

// The PostgreSQL mode (-pg). The server named by -pg is only connected to
// in order to create, drop and size the bench's own databases: the bench's
// database (-pg-name, the cache, as .bench/bench.db is for SQLite), and the
// two baselines psql loads (_baseline, our schema; _flat, one table). The
// database -pg names itself is never written to.

var pgNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,40}$`)

// pgNames gives the database names of a run; other sizes get their own
// databases, as they get their own files with SQLite.
func pgNames(cfg config) (db, baseline, flat string) {
	name := cfg.pgName
	if cfg.n != 1_000_000 || cfg.seed != 1 {
		name += fmt.Sprintf("_%d_s%d", cfg.n, cfg.seed)
	}
	return name, name + "_baseline", name + "_flat"
}

// pgDSN is the -pg DSN pointed at another database on the same server.
func pgDSN(cfg config, name string) string {
	u, err := url.Parse(cfg.pg)
	if err != nil {
		return cfg.pg
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// checkPG refuses a DSN that is not PostgreSQL's and bench databases that
// would be the very database -pg names, which the bench must not touch.
func checkPG(cfg config) error {
	u, err := url.Parse(cfg.pg)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return fmt.Errorf("-pg %q: want postgres://user@host:port/database?sslmode=disable", cfg.pg)
	}
	if !pgNameRE.MatchString(cfg.pgName) {
		return fmt.Errorf("-pg-name %q: lower-case letters, digits and _ only", cfg.pgName)
	}
	own := strings.TrimPrefix(u.Path, "/")
	db, baseline, flat := pgNames(cfg)
	for _, n := range []string{db, baseline, flat} {
		if n == own {
			return fmt.Errorf("-pg names the database %q, which the bench would drop and recreate; connect through another one (-pg-name)", own)
		}
	}
	return nil
}

// pgAdmin is the connection to the database -pg names, for CREATE and
// DROP DATABASE, which cannot run inside the database they act on.
type pgAdmin struct{ db *sql.DB }

func openPGAdmin(ctx context.Context, dsn string) (*pgAdmin, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("reach PostgreSQL at -pg: %w", err)
	}
	return &pgAdmin{db: db}, nil
}

func (a *pgAdmin) close() { a.db.Close() }

func (a *pgAdmin) exists(ctx context.Context, name string) (bool, error) {
	var n int
	err := a.db.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n)
	return n > 0, err
}

// recreate drops name (ending the sessions still on it, such as a server
// left behind by a killed run) and creates it empty.
func (a *pgAdmin) recreate(ctx context.Context, name string) error {
	id := pgx.Identifier{name}.Sanitize()
	if _, err := a.db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	if _, err := a.db.ExecContext(ctx, "CREATE DATABASE "+id); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// pgOpen is a short-lived connection to one of the bench's databases.
func pgOpen(ctx context.Context, dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// pgSizes sizes every table of the public schema with its indexes, TOAST
// and free-space and visibility maps, largest first, and the database as
// a whole (which also counts the system catalogs of an empty database).
func pgSizes(ctx context.Context, dsn string) (tables []size, sum, whole int64, err error) {
	db, err := pgOpen(ctx, dsn)
	if err != nil {
		return nil, 0, 0, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c
WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY 2 DESC, 1`)
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var s size
		if err := rows.Scan(&s.Name, &s.Bytes); err != nil {
			return nil, 0, 0, err
		}
		tables = append(tables, s)
		sum += s.Bytes
	}
	if err := rows.Err(); err != nil {
		return nil, 0, 0, err
	}
	err = db.QueryRowContext(ctx, "SELECT pg_database_size(current_database())").Scan(&whole)
	return tables, sum, whole, err
}

// pgVacuum runs VACUUM (ANALYZE) on a freshly loaded database and returns
// how long it took. Autovacuum would otherwise start on its own a little
// after a large load and run during the measurements; doing it here makes
// every database measured the same way: statistics present, visibility map
// set, hint bits written.
func pgVacuum(ctx context.Context, dsn string) (float64, error) {
	db, err := pgOpen(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	start := time.Now()
	_, err = db.ExecContext(ctx, "VACUUM (ANALYZE)")
	return time.Since(start).Seconds(), err
}

func pgCount(ctx context.Context, dsn, q string) (int64, error) {
	db, err := pgOpen(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	err = db.QueryRowContext(ctx, q).Scan(&n)
	return n, err
}

// preparePG is prepare for PostgreSQL: the cache is the bench's database
// with the figures file beside the CSV.
func preparePG(ctx context.Context, cfg config) (*dataset, error) {
	suffix := ""
	if cfg.n != 1_000_000 || cfg.seed != 1 {
		suffix = fmt.Sprintf("-%d-s%d", cfg.n, cfg.seed)
	}
	// A CSV of its own, although it is the same bytes as SQLite's (the
	// generator is deterministic): two runs building at the same time must
	// not write one file.
	p := func(s string) string { return filepath.Join(cfg.dir, s) }
	csvPath, infoPath := p("pg-incidents"+suffix+".csv"), p("pg-build"+suffix+".json")
	dbName, baseName, flatName := pgNames(cfg)
	if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
		return nil, err
	}
	admin, err := openPGAdmin(ctx, cfg.pg)
	if err != nil {
		return nil, err
	}
	defer admin.close()
	set := func(ds *dataset) {
		ds.pg = true
		ds.csv, ds.db, ds.baseline, ds.flat = csvPath, pgDSN(cfg, dbName), pgDSN(cfg, baseName), pgDSN(cfg, flatName)
		ds.serverLog = p("pg-server" + suffix + ".log")
	}
	if !cfg.rebuild {
		if ds, err := loadInfo(infoPath, cfg); err == nil && ds.Engine == "postgres" {
			if ok, err := admin.exists(ctx, dbName); err == nil && ok {
				set(ds)
				logf("reusing database %s (%d incidents, built %s; -rebuild to build it again)", dbName, ds.N, ds.Built.Format(time.DateTime))
				return ds, nil
			}
		}
	}
	_ = os.Remove(infoPath)
	ds := &dataset{Built: time.Now().UTC(), N: cfg.n, Seed: cfg.seed, Engine: "postgres"}
	set(ds)
	if err := ds.generate(ctx, cfg); err != nil {
		return nil, err
	}
	if err := admin.recreate(ctx, dbName); err != nil {
		return nil, err
	}
	if err := ds.importCLI(ctx, cfg); err != nil {
		return nil, err
	}
	logf("VACUUM (ANALYZE) of %s", dbName)
	if ds.VacuumSeconds, err = pgVacuum(ctx, ds.db); err != nil {
		return nil, fmt.Errorf("vacuum: %w", err)
	}
	if ds.DBObjects, ds.DBBytes, ds.DBWholeBytes, err = pgSizes(ctx, ds.db); err != nil {
		return nil, fmt.Errorf("sizing %s: %w", dbName, err)
	}
	if err := ds.baselinesPG(ctx, cfg, admin, baseName, flatName); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(ds, "", "  ")
	if err != nil {
		return nil, err
	}
	return ds, os.WriteFile(infoPath, b, 0o644)
}

// baselinesPG loads the same CSV with psql twice: into our schema, migrated
// by our binary (the import baseline), and into one flat table with the
// indexes of the incidents table (the size baseline).
func (ds *dataset) baselinesPG(ctx context.Context, cfg config, admin *pgAdmin, baseName, flatName string) error {
	if cfg.psql == "" {
		ds.BaselineSkipped = "skipped with -psql ''"
		return nil
	}
	cli, err := exec.LookPath(cfg.psql)
	if err != nil {
		ds.BaselineSkipped = "the psql command-line tool is not installed (apt-get install postgresql-client)"
		logf("no psql on PATH: skipping the import and size baselines")
		return nil
	}
	// "psql (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)": the first
	// field that starts with a digit.
	if v, err := exec.CommandContext(ctx, cli, "--version").Output(); err == nil {
		for _, f := range strings.Fields(string(v)) {
			if f[0] >= '0' && f[0] <= '9' {
				ds.PSQL = f
				break
			}
		}
	}
	header, err := csvHeaderOf(ds.csv)
	if err != nil {
		return err
	}

	if err := admin.recreate(ctx, baseName); err != nil {
		return err
	}
	// Any command that opens a database migrates it; a throwaway key is
	// the cheapest one that writes.
	if out, err := exec.CommandContext(ctx, cfg.bin, "keys", "create", "--db", ds.baseline, "--role", "reader", "--name", "schema").CombinedOutput(); err != nil {
		return fmt.Errorf("migrating %s: %w\n%s", baseName, err, out)
	}
	cols, err := pgColumns(ctx, ds.baseline, "incidents")
	if err != nil {
		return err
	}
	listsOnRow := cols["casualties"] && cols["sources"]
	logf("baseline: psql %s loading the same CSV into the same schema", ds.PSQL)
	secs, steps, err := runPSQL(ctx, cli, ds.baseline, pgBaselineScript(ds.csv, header, listsOnRow))
	if err != nil {
		return fmt.Errorf("psql baseline: %w", err)
	}
	ds.BaselineSeconds, ds.BaselineSteps = secs, steps
	logf("baseline took %.1f s", secs)
	if _, err := pgVacuum(ctx, ds.baseline); err != nil {
		return err
	}
	if _, ds.BaselineBytes, _, err = pgSizes(ctx, ds.baseline); err != nil {
		return err
	}
	if ds.BaselineIncident, err = pgCount(ctx, ds.baseline, "SELECT count(*) FROM incidents"); err != nil {
		return err
	}

	if err := admin.recreate(ctx, flatName); err != nil {
		return err
	}
	logf("flat table: psql loading the same CSV into one table")
	if ds.FlatSeconds, _, err = runPSQL(ctx, cli, ds.flat, pgFlatScript(ds.csv, header)); err != nil {
		return fmt.Errorf("psql flat table: %w", err)
	}
	if _, err := pgVacuum(ctx, ds.flat); err != nil {
		return err
	}
	if ds.FlatObjects, ds.FlatBytes, _, err = pgSizes(ctx, ds.flat); err != nil {
		return err
	}
	logf("flat table took %.1f s, %s", ds.FlatSeconds, mib(ds.FlatBytes))
	return nil
}

func pgColumns(ctx context.Context, dsn, table string) (map[string]bool, error) {
	db, err := pgOpen(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return columnsOf(ctx, db, `SELECT column_name FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = $1`, table)
}

func columnsOf(ctx context.Context, db *sql.DB, q, table string) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, q, table)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out[name] = true
	}
	return out, rows.Err()
}

// csvHeaderOf reads the column names of the generated CSV: psql's \copy
// needs them spelled out, where the sqlite3 shell takes them from the file.
func csvHeaderOf(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	header, err := csv.NewReader(bufio.NewReader(f)).Read()
	if err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	for _, want := range []string{"external_id", "occurred_on", "date_precision", "mission", "country", "region", "locality",
		"latitude", "longitude", "type", "summary", "killed", "wounded", "forces", "contributing_countries", "casualties", "sources"} {
		found := false
		for _, h := range header {
			found = found || h == want
		}
		if !found {
			return nil, fmt.Errorf("%s: no %s column in the header", path, want)
		}
	}
	return header, nil
}

// runPSQL feeds script to psql on dsn and returns the wall time and the
// steps the script marked (pgMark), as runScript does for sqlite3.
func runPSQL(ctx context.Context, cli, dsn, script string) (float64, []step, error) {
	return runShell(exec.CommandContext(ctx, cli, "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-f", "-"), script)
}
