// Package store owns everything that touches the database: opening it with
// the right pragmas and pools, the versioned migrations, incidents and
// their child tables, revisions, API keys, and the queries behind lists,
// exports and reports. Every exported write is one transaction.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"incidentdb/models"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Store is the one handle on the database. SQLite allows one writer at a
// time, so writes go through a single-connection pool (they queue in Go
// instead of failing with "database is locked") and reads through a pool of
// their own that WAL lets run beside the writer.
//
// Long reads (exports, dry runs) have a pool of their own: a client that
// stalls an export holds a connection and a read transaction for as long
// as it is allowed to, and must not take a connection that page reads and
// key checks need.
type Store struct {
	d      dialect
	file   string // the SQLite database path, URI-escaped
	path   string // the SQLite database path, as given
	w, r   *gorm.DB
	long   *gorm.DB // exports and dry runs
	ping   *gorm.DB // one connection of its own, so /readyz never queues
	now    func() time.Time
	keyUse sync.Map       // key id -> when its use was last recorded
	bg     sync.WaitGroup // background writes, finished before Close
	// stopWAL ends the goroutine that keeps the SQLite WAL bounded.
	stopWAL   chan struct{}
	closeOnce sync.Once
	counts    countCache
	// blindCounts are those of filters that read no summary or locality,
	// kept by the counts' generation.
	blindCounts countCache
}

// Option changes how Open sets up the Store.
type Option func(*config)

type config struct {
	now         func() time.Time
	syncFull    bool
	longReaders int
	walLimit    int64
	walEvery    time.Duration
}

// DefaultLongReaders is how many exports and dry runs can read at once
// unless WithLongReaders says otherwise: a whole-table export reads on two
// connections.
const DefaultLongReaders = 16

// WithLongReaders sets the size of the pool that exports and dry-run
// imports read on, apart from the pool of page reads and key checks. The
// HTTP layer admits no more long reads than it holds.
func WithLongReaders(n int) Option { return func(c *config) { c.longReaders = max(1, n) } }

// DefaultWALLimit is the size the SQLite WAL is brought back to once no
// reader holds an older snapshot.
const DefaultWALLimit = 64 << 20

// WithWALLimit sets the size past which the SQLite WAL is checkpointed and
// truncated, and how often that is checked.
func WithWALLimit(bytes int64, every time.Duration) Option {
	return func(c *config) { c.walLimit, c.walEvery = bytes, every }
}

// WithClock sets the clock used for timestamps and "not in the future"; tests
// pass a fixed one.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithSyncFull makes every commit wait for the disk (synchronous=FULL), so a
// write that was answered survives a power cut, not only a crash of the
// process. It costs write throughput.
func WithSyncFull() Option { return func(c *config) { c.syncFull = true } }

// limitPool bounds a pool and lets its idle connections go: a burst of
// exports should not keep a dozen connections and their caches open.
func limitPool(db *gorm.DB, n int) error {
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(min(n, 2))
	sqlDB.SetConnMaxIdleTime(time.Minute)
	return nil
}

// Open opens (creating if needed) the database at dsn, a SQLite file path
// or file: URI, or a postgres:// URL, and applies pending migrations.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	cfg := config{now: time.Now, longReaders: DefaultLongReaders, walLimit: DefaultWALLimit, walEvery: 10 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn, cfg)
	}
	return openSQLite(ctx, dsn, cfg)
}

func (cfg config) gorm() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return cfg.now().UTC() },
	}
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Close closes the pools, the writer last (on SQLite its last close
// checkpoints the WAL into the main file).
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.stopWAL != nil {
			close(s.stopWAL)
		}
	})
	s.bg.Wait()
	var errs []error
	for _, g := range []*gorm.DB{s.long, s.ping, s.r} {
		if g != nil && g != s.w {
			if db, err := g.DB(); err == nil {
				errs = append(errs, db.Close())
			}
		}
	}
	if db, err := s.w.DB(); err == nil {
		s.d.beforeClose(s.w)
		errs = append(errs, db.Close())
	}
	return errors.Join(errs...)
}

// Backup writes a consistent copy of the live database to path, which
// must not exist: a snapshot as of one moment, while readers and writers
// go on. SQLite only.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists already; backup does not overwrite", path)
	}
	return s.d.backup(s, ctx, path)
}

// Ping checks that the database answers a query, for /readyz, on a
// connection of its own: busy readers are not an unready database.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.ping.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", e.Name())
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrateUpTo, when set by a test, stops the migrations after that
// version, so that the test can write what an older version stored.
var migrateUpTo int

// migrate applies, in order and each in its own transaction, the embedded
// migrations not yet recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	db := s.w.WithContext(ctx)
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`).Error; err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	dir := s.d.migrations()
	unlock, err := s.d.lockMigrations(db)
	if err != nil {
		return err
	}
	defer unlock()
	list, err := loadMigrations(migrations, dir)
	if err != nil {
		return err
	}
	for _, m := range list {
		if migrateUpTo > 0 && m.version > migrateUpTo {
			break
		}
		err := db.Transaction(func(tx *gorm.DB) error {
			var n int64
			if err := tx.Raw("SELECT count(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if err := tx.Exec(m.sql).Error; err != nil {
				return err
			}
			return tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.version, m.name, s.now().Format(time.RFC3339Nano)).Error
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// Migrations lists the applied migrations, oldest first, for operators.
func (s *Store) Migrations(ctx context.Context) ([]string, error) {
	var names []string
	err := s.r.WithContext(ctx).Raw("SELECT name FROM schema_migrations ORDER BY version").Scan(&names).Error
	return names, err
}

// internal wraps an unexpected database error so the HTTP layer logs it and
// answers 500 without sending its text.
func internal(op string, err error) error {
	if err == nil {
		return nil
	}
	var me *models.Error
	if errors.As(err, &me) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if storageFull(err) {
		return &models.Error{Code: models.StorageFull,
			Message: "the database has no room left on its disk; nothing was stored (an operator must free space)"}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Pools returns the connection pools by name (writer, reader, long), for
// metrics; on PostgreSQL the writer and the readers are one pool, named
// writer.
func (s *Store) Pools() map[string]*sql.DB {
	out := map[string]*sql.DB{}
	add := func(name string, g *gorm.DB) {
		if g == nil {
			return
		}
		if db, err := g.DB(); err == nil {
			out[name] = db
		}
	}
	add("writer", s.w)
	if s.r != s.w {
		add("reader", s.r)
	}
	add("long", s.long)
	return out
}

// writeTx runs fn in a write transaction. Where writers run side by side
// (PostgreSQL), a transaction that lost a serialisation conflict or a
// deadlock is rolled back and run again, a few times, before giving up.
func (s *Store) writeTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	for attempt := 0; ; attempt++ {
		err := s.w.WithContext(ctx).Transaction(fn)
		if attempt >= 8 || !s.d.retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(1+attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

// storageFull recognises a write that failed for want of space: SQLite's
// SQLITE_FULL (the disk, or max_page_count), PostgreSQL's disk_full.
func storageFull(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrFull {
		return true
	}
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "53100"
}
