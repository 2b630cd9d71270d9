package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v3"

	"incidentdb/handlers"
	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/web"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the HTTP API",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: ":8080", Usage: "address to listen on", Sources: cli.EnvVars("INCIDENTDB_ADDR")},
			dbFlag(),
			&cli.BoolFlag{Name: "private", Usage: "reads need a key too", Sources: cli.EnvVars("INCIDENTDB_PRIVATE")},
			&cli.StringFlag{Name: "seed", Usage: "JSON array of incidents to load when the database holds none", Sources: cli.EnvVars("INCIDENTDB_SEED")},
			&cli.StringFlag{Name: "sync", Value: "normal", Usage: "normal: an answered write survives a crash of the process; full: also a power cut, at the cost of write speed",
				Sources: cli.EnvVars("INCIDENTDB_SYNC")},
			&cli.Float64Flag{Name: "rate-limit", Value: 50, Usage: "requests per second per client (key, or address without one); 0 turns it off",
				Sources: cli.EnvVars("INCIDENTDB_RATE_LIMIT")},
			&cli.IntFlag{Name: "rate-burst", Value: 100, Usage: "requests a client may make at once above the rate", Sources: cli.EnvVars("INCIDENTDB_RATE_BURST")},
			&cli.BoolFlag{Name: "rate-limit-loopback", Usage: "limit clients on 127.0.0.1 and ::1 too", Sources: cli.EnvVars("INCIDENTDB_RATE_LIMIT_LOOPBACK")},
			&cli.IntFlag{Name: "max-exports", Value: handlers.DefaultExports, Usage: "exports streaming at once; past it, 503 with Retry-After",
				Sources: cli.EnvVars("INCIDENTDB_MAX_EXPORTS")},
			&cli.IntFlag{Name: "max-exports-per-client", Value: handlers.DefaultExportsPerClient,
				Usage: "exports one client (key, or address without one) may stream at once; past it, 429 with Retry-After", Sources: cli.EnvVars("INCIDENTDB_MAX_EXPORTS_PER_CLIENT")},
			&cli.DurationFlag{Name: "export-idle-timeout", Value: handlers.DefaultExportIdle, Usage: "an export whose client takes nothing for this long is cut",
				Sources: cli.EnvVars("INCIDENTDB_EXPORT_IDLE_TIMEOUT")},
			&cli.DurationFlag{Name: "export-timeout", Value: handlers.DefaultExportMax, Usage: "an export still streaming after this long is cut (it holds a snapshot of the database)",
				Sources: cli.EnvVars("INCIDENTDB_EXPORT_TIMEOUT")},
			&cli.IntFlag{Name: "max-imports", Value: handlers.DefaultImports, Usage: "imports (their uploads included) running at once; past it, 503 with Retry-After",
				Sources: cli.EnvVars("INCIDENTDB_MAX_IMPORTS")},
			&cli.DurationFlag{Name: "shutdown-timeout", Value: 30 * time.Second, Usage: "how long in-flight requests may run after SIGTERM",
				Sources: cli.EnvVars("INCIDENTDB_SHUTDOWN_TIMEOUT")},
			&cli.StringSliceFlag{Name: "cors-origin", Usage: "an origin (https://dash.example.org) whose browsers may read the API (GET and HEAD); repeat it or separate with commas; none by default",
				Sources: cli.EnvVars("INCIDENTDB_CORS_ORIGIN"), Validator: func(origins []string) error {
					for _, o := range origins {
						if err := handlers.CheckCORSOrigin(o); err != nil {
							return err
						}
					}
					return nil
				}},
		},
		Action: serve,
	}
}

func serve(ctx context.Context, cmd *cli.Command) error {
	log := newLogger(cmd.Root().ErrWriter)
	slog.SetDefault(log)
	var opts []store.Option
	switch cmd.String("sync") {
	case "normal":
	case "full":
		opts = append(opts, store.WithSyncFull())
	default:
		return fmt.Errorf("--sync must be normal or full, not %q", cmd.String("sync"))
	}
	limits := handlers.Limits{Exports: cmd.Int("max-exports"), ExportsPerClient: cmd.Int("max-exports-per-client"),
		ExportIdle: cmd.Duration("export-idle-timeout"), ExportMax: cmd.Duration("export-timeout"), Imports: cmd.Int("max-imports")}
	opts = append(opts, store.WithLongReaders(limits.LongReaders()))
	s, err := openStore(ctx, cmd, opts...)
	if err != nil {
		return err
	}
	// The database closes last, after every request has finished, so that
	// the WAL is checkpointed with nothing in flight.
	defer s.Close()
	if seed := cmd.String("seed"); seed != "" {
		if err := loadSeed(ctx, s, seed); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cmd.String("addr"))
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: handlers.New(s, handlers.Config{Private: cmd.Bool("private"), Logger: log, Version: version, Commit: commit,
			RateLimit: handlers.RateLimit{PerSecond: cmd.Float64("rate-limit"), Burst: cmd.Int("rate-burst"), Loopback: cmd.Bool("rate-limit-loopback")},
			Limits:    limits, Pages: web.New(s, web.Config{Private: cmd.Bool("private")}), CORSOrigins: cmd.StringSlice("cors-origin")}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // imports are large uploads
		// A client that does not read its answer holds a goroutine and the
		// answer's memory until this passes. Exports and imports set their
		// own deadlines (see handlers.Limits).
		WriteTimeout: 2 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		// Above the query's own bound (32 KiB, answered with a problem
		// naming it), so that a long query meets that and not net/http's
		// plain-text 431.
		MaxHeaderBytes: 256 << 10,
	}
	log.Info("serving", "addr", ln.Addr().String(), "db", cmd.String("db"), "version", version)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cmd.Duration("shutdown-timeout").String())
	sctx, cancel := context.WithTimeout(context.Background(), cmd.Duration("shutdown-timeout"))
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// loadSeed creates the incidents of a JSON array file when the database is
// empty, so "make run" shows real data on first start and never duplicates
// it on the next.
func loadSeed(ctx context.Context, s *store.Store, path string) error {
	n, err := s.CountIncidents(ctx)
	if err != nil || n > 0 {
		return err
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for i, item := range items {
		in, err := models.DecodeIncidentInput(item)
		if err != nil {
			return fmt.Errorf("%s: incident %d: %w", path, i, err)
		}
		inc, err := in.Normalize(s.Now())
		if err != nil {
			return fmt.Errorf("%s: incident %d: %w", path, i, err)
		}
		if _, err := s.CreateIncident(ctx, "seed", inc); err != nil {
			return fmt.Errorf("%s: incident %d: %w", path, i, err)
		}
	}
	slog.Info("loaded seed incidents", "file", path, "count", len(items))
	return nil
}

// newLogger writes JSON lines for log collectors, and readable text when a
// person watches the terminal.
func newLogger(w io.Writer) *slog.Logger {
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}
