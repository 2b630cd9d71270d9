package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// dataset is the cached input of a run and what building it measured. The
// build figures are stored beside the database because the database is
// reused: a later run reports the import it did not repeat, with its date.
type dataset struct {
	// db, flat and baseline are files with SQLite and DSNs with
	// PostgreSQL.
	csv, db, flat, baseline string
	serverLog               string
	pg                      bool

	Engine     string    `json:"engine,omitempty"`
	Built      time.Time `json:"built"`
	N          int       `json:"n"`
	Seed       int       `json:"seed"`
	CSVBytes   int64     `json:"csv_bytes"`
	GenSeconds float64   `json:"gen_seconds"`

	ImportSeconds float64 `json:"import_seconds"`
	ImportMaxRSS  int64   `json:"import_max_rss_kb"`
	ImportSays    string  `json:"import_says"`
	DBBytes       int64   `json:"db_bytes"`
	DBObjects     []size  `json:"db_objects,omitempty"`
	// DBWholeBytes is pg_database_size, which also counts the system
	// catalogs; DBBytes is then the tables with their indexes.
	DBWholeBytes  int64   `json:"db_whole_bytes,omitempty"`
	VacuumSeconds float64 `json:"vacuum_seconds,omitempty"`

	SQLiteCLI        string  `json:"sqlite_cli,omitempty"`
	PSQL             string  `json:"psql,omitempty"`
	BaselineSkipped  string  `json:"baseline_skipped,omitempty"`
	BaselineSeconds  float64 `json:"baseline_seconds,omitempty"`
	BaselineSteps    []step  `json:"baseline_steps,omitempty"`
	BaselineBytes    int64   `json:"baseline_bytes,omitempty"`
	FlatSeconds      float64 `json:"flat_seconds,omitempty"`
	FlatBytes        int64   `json:"flat_bytes,omitempty"`
	FlatObjects      []size  `json:"flat_objects,omitempty"`
	BaselineIncident int64   `json:"baseline_incidents,omitempty"`
}

type step struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

type size struct {
	Name  string `json:"name"`
	Bytes int64  `json:"bytes"`
}

// names keeps the paths the issue names for the standard run, and gives
// other sizes files of their own so a quick run never evicts the big one.
func names(cfg config) (csv, db, flat, baseline, info string) {
	suffix := ""
	if cfg.n != 1_000_000 || cfg.seed != 1 {
		suffix = fmt.Sprintf("-%d-s%d", cfg.n, cfg.seed)
	}
	p := func(s string) string { return filepath.Join(cfg.dir, s) }
	return p("incidents" + suffix + ".csv"), p("bench" + suffix + ".db"), p("flat" + suffix + ".db"),
		p("baseline" + suffix + ".db"), p("build" + suffix + ".json")
}

func prepare(ctx context.Context, cfg config) (*dataset, error) {
	if cfg.pg != "" {
		return preparePG(ctx, cfg)
	}
	csvPath, dbPath, flatPath, basePath, infoPath := names(cfg)
	if err := os.MkdirAll(cfg.dir, 0o755); err != nil {
		return nil, err
	}
	if !cfg.rebuild {
		if ds, err := loadInfo(infoPath, cfg); err == nil && exists(dbPath) {
			ds.csv, ds.db, ds.flat, ds.baseline = csvPath, dbPath, flatPath, basePath
			ds.serverLog = dbPath + ".server.log"
			logf("reusing %s (%d incidents, built %s; -rebuild to build it again)", dbPath, ds.N, ds.Built.Format(time.DateTime))
			return ds, nil
		}
	}
	// The figures file goes first: a build cut short must not leave a
	// database that a later run takes for a finished one.
	_ = os.Remove(infoPath)
	ds := &dataset{csv: csvPath, db: dbPath, flat: flatPath, baseline: basePath, serverLog: dbPath + ".server.log",
		Built: time.Now().UTC(), N: cfg.n, Seed: cfg.seed}
	if err := ds.generate(ctx, cfg); err != nil {
		return nil, err
	}
	if err := ds.importCLI(ctx, cfg); err != nil {
		return nil, err
	}
	if err := ds.baselines(ctx, cfg); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(ds, "", "  ")
	if err != nil {
		return nil, err
	}
	return ds, os.WriteFile(infoPath, b, 0o644)
}

func loadInfo(path string, cfg config) (*dataset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ds dataset
	if err := json.Unmarshal(b, &ds); err != nil {
		return nil, err
	}
	if ds.N != cfg.n || ds.Seed != cfg.seed {
		return nil, errors.New("built for another size")
	}
	return &ds, nil
}

func (ds *dataset) generate(ctx context.Context, cfg config) error {
	logf("generating %d incidents into %s", cfg.n, ds.csv)
	tmp := ds.csv + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	cmd := exec.CommandContext(ctx, cfg.bin, "gen", "--n", strconv.Itoa(cfg.n), "--seed", strconv.Itoa(cfg.seed), "--format", "csv")
	cmd.Stdout, cmd.Stderr = f, os.Stderr
	start := time.Now()
	err = cmd.Run()
	ds.GenSeconds = time.Since(start).Seconds()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	if ds.CSVBytes, err = fileSize(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, ds.csv)
}

func (ds *dataset) importCLI(ctx context.Context, cfg config) error {
	if !ds.pg {
		removeDB(ds.db)
	}
	logf("importing %s through the CLI (the slow part at a million incidents)", ds.csv)
	cmd := exec.CommandContext(ctx, cfg.bin, "import", "--db", ds.db, ds.csv)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	ds.ImportSeconds = time.Since(start).Seconds()
	if err != nil {
		return fmt.Errorf("import: %w\n%s", err, tail(stderr.String(), 2000))
	}
	ds.ImportSays = strings.TrimSpace(tail(stderr.String(), 300))
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		ds.ImportMaxRSS = ru.Maxrss
	}
	logf("import took %.1f s: %s", ds.ImportSeconds, ds.ImportSays)
	if ds.pg {
		return nil
	}
	var err2 error
	ds.DBBytes, err2 = fileSize(ds.db)
	return err2
}

// baselines loads the same CSV with the sqlite3 shell twice: into our own
// schema (the import baseline), and into one flat table with the indexes
// of the incidents table (the size baseline).
func (ds *dataset) baselines(ctx context.Context, cfg config) error {
	if cfg.sqlite3 == "" {
		ds.BaselineSkipped = "skipped with -sqlite3 ''"
		return nil
	}
	cli, err := exec.LookPath(cfg.sqlite3)
	if err != nil {
		ds.BaselineSkipped = "the sqlite3 command-line tool is not installed (apt-get install sqlite3)"
		logf("no sqlite3 on PATH: skipping the import and size baselines")
		return nil
	}
	if v, err := exec.CommandContext(ctx, cli, "--version").Output(); err == nil {
		if f := strings.Fields(string(v)); len(f) > 0 {
			ds.SQLiteCLI = f[0]
		}
	}
	ds.DBObjects, _ = dbstat(ctx, cli, ds.db)

	// The schema is the one our migrations make: the binary migrates an
	// empty file when it opens it.
	removeDB(ds.baseline)
	// Any command that opens a database migrates it; reading commands refuse
	// a missing file, so a throwaway key makes the empty schema.
	if out, err := exec.CommandContext(ctx, cfg.bin, "keys", "create", "--db", ds.baseline, "--role", "reader", "--name", "schema").CombinedOutput(); err != nil {
		return fmt.Errorf("migrating %s: %w\n%s", ds.baseline, err, out)
	}
	out, err := exec.CommandContext(ctx, cli, "-readonly", ds.baseline, "SELECT name FROM pragma_table_info('incidents')").Output()
	if err != nil {
		return fmt.Errorf("reading the schema of %s: %w", ds.baseline, err)
	}
	cols := strings.Fields(string(out))
	listsOnRow := slices.Contains(cols, "casualties") && slices.Contains(cols, "sources")
	logf("baseline: sqlite3 %s loading the same CSV into the same schema", ds.SQLiteCLI)
	secs, steps, err := runScript(ctx, cli, ds.baseline, baselineScript(ds.csv, listsOnRow))
	if err != nil {
		return fmt.Errorf("sqlite3 baseline: %w", err)
	}
	textSecs, err := baselineText(ctx, ds.baseline)
	if err != nil {
		return fmt.Errorf("sqlite3 baseline, text index: %w", err)
	}
	secs += textSecs
	steps = append(steps, step{Name: "words (FTS5, by the bench's SQLite)", Seconds: textSecs})
	ds.BaselineSeconds, ds.BaselineSteps = secs, steps
	if ds.BaselineBytes, err = fileSize(ds.baseline); err != nil {
		return err
	}
	if out, err := exec.CommandContext(ctx, cli, "-readonly", ds.baseline, "SELECT count(*) FROM incidents").Output(); err == nil {
		ds.BaselineIncident, _ = strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	}
	logf("baseline took %.1f s", secs)

	removeDB(ds.flat)
	logf("flat table: sqlite3 loading the same CSV into one table")
	if ds.FlatSeconds, _, err = runScript(ctx, cli, ds.flat, flatScript(ds.csv)); err != nil {
		return fmt.Errorf("sqlite3 flat table: %w", err)
	}
	if ds.FlatBytes, err = fileSize(ds.flat); err != nil {
		return err
	}
	ds.FlatObjects, _ = dbstat(ctx, cli, ds.flat)
	logf("flat table took %.1f s, %s", ds.FlatSeconds, mib(ds.FlatBytes))
	return nil
}

// baselineText runs baselineTextSQL on db with the pragmas of the shell
// script, then checkpoints, and returns the seconds it took.
func baselineText(ctx context.Context, db string) (float64, error) {
	conn, err := sql.Open("sqlite3", "file:"+db+"?_journal_mode=WAL&_synchronous=NORMAL&_foreign_keys=1&_cache_size=-131072")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	start := time.Now()
	if _, err := conn.ExecContext(ctx, baselineTextSQL()); err != nil {
		return 0, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return 0, err
	}
	return time.Since(start).Seconds(), nil
}

// runScript feeds script to the sqlite3 shell on db and returns the wall
// time and the steps the script marked with "SELECT 'T', name, now".
func runScript(ctx context.Context, cli, db, script string) (float64, []step, error) {
	return runShell(exec.CommandContext(ctx, cli, "-batch", db), script)
}

// runShell feeds script to a database shell (sqlite3 or psql) printing
// "T|name|unix seconds" lines at its marks, and returns the wall time and
// the time between marks.
func runShell(cmd *exec.Cmd, script string) (float64, []step, error) {
	cmd.Stdin = strings.NewReader(script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	secs := time.Since(start).Seconds()
	if err != nil {
		return 0, nil, fmt.Errorf("%w\n%s", err, tail(stderr.String(), 2000))
	}
	var steps []step
	last := float64(start.UnixNano()) / 1e9
	for _, line := range strings.Split(stdout.String(), "\n") {
		parts := strings.Split(line, "|")
		if len(parts) != 3 || parts[0] != "T" {
			continue
		}
		at, err := strconv.ParseFloat(parts[2], 64)
		if err != nil {
			continue
		}
		steps = append(steps, step{Name: parts[1], Seconds: at - last})
		last = at
	}
	return secs, steps, nil
}

// dbstat sizes every table with its indexes, largest first.
func dbstat(ctx context.Context, cli, db string) ([]size, error) {
	out, err := exec.CommandContext(ctx, cli, "-readonly", db,
		"SELECT s.tbl_name, sum(d.pgsize) FROM dbstat d JOIN sqlite_master s ON s.name = d.name GROUP BY s.tbl_name ORDER BY 2 DESC").Output()
	if err != nil {
		return nil, err
	}
	var list []size
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, n, ok := strings.Cut(line, "|")
		if !ok {
			continue
		}
		b, _ := strconv.ParseInt(n, 10, 64)
		list = append(list, size{Name: name, Bytes: b})
	}
	return list, nil
}

// editorKey makes the key the uncached report rounds write with, under a
// name of its own for each run: key names are never used twice.
func editorKey(ctx context.Context, cfg config, db string) (string, error) {
	name := "bench-" + time.Now().UTC().Format("20060102T150405.000000000")
	out, err := exec.CommandContext(ctx, cfg.bin, "keys", "create", "--db", db, "--role", "editor", "--name", name).Output()
	if err != nil {
		return "", fmt.Errorf("keys create: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func removeDB(path string) {
	for _, s := range []string{"", "-wal", "-shm", "-journal"} {
		_ = os.Remove(path + s)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
