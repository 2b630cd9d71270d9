// Command bench measures incidentdb on a large synthetic data set and puts
// every figure beside what the database engine itself does with the same
// rows, in the same run: the CLI import beside the engine's own shell
// (sqlite3, or psql with -pg) loading the same rows into the same schema,
// each HTTP operation beside hand-written SQL through database/sql, and the
// database beside a flat table of the same rows. It prints one table and,
// with -doc, rewrites the generated part of docs/PERFORMANCE.md that
// belongs to the engine measured.
//
// It takes minutes at a million incidents and is never part of make test:
// run it with make bench, or go run -tags sqlite_fts5 ./cmd/bench -n 100000
// for a quick pass.
// The data set and the database are cached in -dir and reused until
// -rebuild. Every request goes to 127.0.0.1, every loop is bounded in count
// and in time, and the server it starts is stopped on every way out.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

type config struct {
	n, seed    int
	dir, bin   string
	sqlite3    string
	pg         string
	pgName     string
	psql       string
	doc        string
	rebuild    bool
	port       int
	requests   int
	opTime     time.Duration
	clients    int
	mixedEdit  string
	concurrent int
	uncached   int
	uncTime    time.Duration
	exportRuns int
	depth      int
	only       string
	cpuProfile string
	args       []string
}

func main() {
	var cfg config
	flag.IntVar(&cfg.n, "n", 1_000_000, "incidents to generate and import")
	flag.IntVar(&cfg.seed, "seed", 1, "generator seed")
	flag.StringVar(&cfg.dir, "dir", ".bench", "cache directory for the CSV and the databases")
	flag.StringVar(&cfg.bin, "bin", "bin/incidentdb", "the incidentdb binary to measure (make build writes it)")
	flag.StringVar(&cfg.sqlite3, "sqlite3", "sqlite3", `the sqlite3 command-line tool for the baselines; "" skips them`)
	flag.StringVar(&cfg.pg, "pg", "", "run against PostgreSQL: a postgres:// DSN of an existing database to connect to; "+
		"the bench creates and caches databases of its own beside it (see -pg-name)")
	flag.StringVar(&cfg.pgName, "pg-name", "incidentdb_bench", "with -pg, the name of the bench's database; the baselines get this name with _baseline and _flat")
	flag.StringVar(&cfg.psql, "psql", "psql", `with -pg, the psql command-line tool for the baselines; "" skips them`)
	flag.StringVar(&cfg.doc, "doc", "", "rewrite the generated part of this Markdown file (docs/PERFORMANCE.md)")
	flag.BoolVar(&cfg.rebuild, "rebuild", false, "generate, import and load the baselines again instead of reusing the cache")
	flag.IntVar(&cfg.port, "port", 0, "loopback port for the server (0 picks a free one)")
	flag.IntVar(&cfg.requests, "requests", 1000, "timed requests per operation, one client")
	flag.DurationVar(&cfg.opTime, "op-time", 15*time.Second, "time limit per operation and side (ours, raw SQL)")
	flag.IntVar(&cfg.clients, "clients", 16, "concurrent clients for the get-by-id throughput")
	flag.StringVar(&cfg.mixedEdit, "mixed-edit", "locality", `what the mixed load's edits change: "locality" (text, which no report or list total reads) or "wounded" (a figure, which every report of the incident's region and year reads)`)
	flag.IntVar(&cfg.concurrent, "concurrent-requests", 20000, "requests of the concurrent get-by-id run")
	flag.IntVar(&cfg.uncached, "uncached", 20, "write-then-read rounds per report, for the uncached figures")
	flag.DurationVar(&cfg.uncTime, "uncached-time", 60*time.Second, "time limit of the uncached rounds per report")
	flag.IntVar(&cfg.exportRuns, "export-runs", 3, "full CSV exports per side")
	flag.IntVar(&cfg.depth, "depth", 10000, "rows to skip by cursor for the deep page")
	flag.StringVar(&cfg.only, "only", "", "comma-separated steps to run (get, list, reports, export, web, mixed, build); default all")
	flag.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of this process (the load generator and the raw SQL side)")
	flag.Parse()
	cfg.args = os.Args[1:]
	if flag.NArg() > 0 || cfg.n < 1 || cfg.requests < 1 || cfg.clients < 1 || cfg.uncached < 1 || cfg.exportRuns < 1 || cfg.depth < 1 ||
		cfg.mixedEdit != "locality" && cfg.mixedEdit != "wounded" {
		flag.Usage()
		os.Exit(2)
	}
	if cfg.pg != "" {
		if err := checkPG(cfg); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(2)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	err := run(ctx, cfg)
	stop()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errors.New("interrupted")
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config) error {
	if _, err := os.Stat(cfg.bin); err != nil {
		return fmt.Errorf("%s: %w (run make build first)", cfg.bin, err)
	}
	started := time.Now()
	ds, err := prepare(ctx, cfg)
	if err != nil {
		return err
	}
	key, err := editorKey(ctx, cfg, ds.db)
	if err != nil {
		return err
	}
	srv, err := startServer(ctx, cfg, ds.db, ds.serverLog)
	if err != nil {
		return err
	}
	// Deferred as well as called below, so that an error or Ctrl-C in the
	// middle of a measurement still stops the server.
	defer srv.stop()
	raw, err := openRaw(ctx, ds)
	if err != nil {
		return err
	}
	defer raw.close()
	m := &measurer{cfg: cfg, api: newAPI(srv.base, key), raw: raw, srv: srv, ds: ds}
	res, err := m.all(ctx)
	srv.stop()
	if err != nil {
		return err
	}
	env := machine(raw)
	out := report{cfg: cfg, env: env, ds: ds, rows: res, date: started, took: time.Since(started),
		command: "go run -tags sqlite_fts5 ./cmd/bench " + shellJoin(cfg.args)}
	fmt.Println()
	fmt.Print(out.text())
	// The document holds the figures the targets are about; a quick or
	// partial run must not replace them.
	if cfg.doc != "" && (cfg.n != 1_000_000 || cfg.only != "" || cfg.mixedEdit != "locality") {
		fmt.Printf("\nnot writing %s: it holds a full run on 1,000,000 incidents\n", cfg.doc)
		cfg.doc = ""
	}
	if cfg.doc != "" {
		if err := out.writeDoc(cfg.doc); err != nil {
			return err
		}
		fmt.Printf("\nwrote %s\n", cfg.doc)
	}
	return nil
}

// shellJoin quotes the arguments that a shell would otherwise expand (a
// DSN's ? and &), so the command recorded in the document can be pasted.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if a == "" || strings.ContainsFunc(a, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+", r))
		}) {
			out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(out, " ")
}

// logf reports progress on stderr, so the table on stdout stays clean.
func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
