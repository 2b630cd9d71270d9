// Command incidentdb is the one binary of the service: it serves the API
// and runs the maintenance commands (keys, and more as they come) against
// the same database.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v3"

	"incidentdb/models"
	"incidentdb/store"
)

// version and commit are set at build time with -ldflags.
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program behind main, with its streams passed in so tests
// can run it in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := &cli.Command{
		Name:      "incidentdb",
		Usage:     "a database service for peacekeeping incidents",
		Version:   version + " (" + commit + ")",
		Writer:    stdout,
		ErrWriter: stderr,
		Commands:  []*cli.Command{serveCommand(), keysCommand(), reportCommand(), importCommand(), exportCommand(), genCommand(), backupCommand(), migrateCommand(), extractCommand()},
		ExitErrHandler: func(context.Context, *cli.Command, error) {
			// errors are printed once, below
		},
	}
	if err := cmd.Run(ctx, args); err != nil {
		var me *models.Error
		if errors.As(err, &me) && len(me.Fields) > 0 && me.Fields[0].Line > 0 {
			// The rows were listed one by one already.
			fmt.Fprintln(stderr, "incidentdb:", me.Message)
		} else {
			fmt.Fprintln(stderr, "incidentdb:", err)
		}
		if errors.As(err, &me) && me.Code != models.Internal {
			return 1
		}
		var exit cli.ExitCoder
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		return 1
	}
	return 0
}

func dbFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "db", Value: "incidents.db", Usage: "SQLite database file (created and migrated if missing)",
		Sources: cli.EnvVars("INCIDENTDB_DB")}
}

func openStore(ctx context.Context, cmd *cli.Command, opts ...store.Option) (*store.Store, error) {
	return store.Open(ctx, cmd.String("db"), opts...)
}

// openExisting opens the database of a command that only reads or
// maintains one: a misspelt --db must be an error, not a new empty
// database and a report of nothing.
func openExisting(ctx context.Context, dsn string) (*store.Store, error) {
	if !store.IsPostgres(dsn) {
		path, _, _ := strings.Cut(strings.TrimPrefix(dsn, "file:"), "?")
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no database at %s (give --db, or INCIDENTDB_DB)", path)
		}
	}
	return store.Open(ctx, dsn)
}

// openFiltered opens the database of a command that reads what f selects,
// and refuses a mission or force that is a slip of a known one, as the
// HTTP API does, rather than answer nothing.
func openFiltered(ctx context.Context, dsn string, f models.Filter) (*store.Store, error) {
	s, err := openExisting(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := s.CheckNames(ctx, f); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// onOneArg is the action of a command that takes one argument and works on
// an existing database: fn does the work and says what it did, which is
// written to standard error.
func onOneArg(usage string, fn func(ctx context.Context, s *store.Store, arg string) (string, error)) cli.ActionFunc {
	return func(ctx context.Context, cmd *cli.Command) error {
		if cmd.Args().Len() != 1 {
			return errors.New(usage)
		}
		s, err := openExisting(ctx, cmd.String("db"))
		if err != nil {
			return err
		}
		defer s.Close()
		done, err := fn(ctx, s, cmd.Args().First())
		if err != nil {
			return err
		}
		fmt.Fprintln(cmd.Root().ErrWriter, done)
		return nil
	}
}
