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
	"net/url"
	"os"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
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
	pg     bool   // PostgreSQL rather than SQLite
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

// Open opens (creating if needed) the SQLite database at dsn, a file path or
// a file: URI, and applies pending migrations. All database policy lives
// here: pragmas are in the DSN so they reach every pooled connection, not
// just the one an Exec happens to use.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	cfg := config{now: time.Now, longReaders: DefaultLongReaders, walLimit: DefaultWALLimit, walEvery: 10 * time.Second}
	for _, o := range opts {
		o(&cfg)
	}
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn, cfg)
	}
	file, err := sqliteFile(dsn)
	if err != nil {
		return nil, err
	}
	sync := "NORMAL"
	if cfg.syncFull {
		sync = "FULL"
	}
	common := "_journal_mode=WAL&_busy_timeout=10000&_foreign_keys=1&_synchronous=" + sync
	gcfg := cfg.gorm
	// The writer's page cache is modest outside imports, which raise it for
	// their transaction (importCacheKiB): a server's resident memory is
	// mostly its page caches, and edits touch a few pages each.
	w, err := gorm.Open(sqlite.New(sqlite.Config{DriverName: writerDriver,
		DSN: "file:" + file + "?" + common + "&_txlock=immediate&_cache_size=-" + strconv.Itoa(writerCacheKiB)}), gcfg())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", file, err)
	}
	wdb, err := w.DB()
	if err != nil {
		return nil, err
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	s := &Store{file: file, path: unescapedPath(dsn), w: w, now: func() time.Time { return cfg.now().UTC() }}
	if err := s.migrate(ctx); err != nil {
		wdb.Close()
		return nil, err
	}
	// Readers keep small page caches (2 MiB): there are several, an export
	// streams the whole table through them, any write empties them (WAL),
	// and the operating system caches the file for all of them anyway. At
	// 8 MiB they were most of a busy server's resident memory.
	r, err := gorm.Open(sqlite.Open("file:"+file+"?"+common+"&_query_only=1&_cache_size=-2048"), gcfg())
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open %s for reading: %w", file, err)
	}
	rdb, err := r.DB()
	if err != nil {
		wdb.Close()
		return nil, err
	}
	// Readers are cheap in SQLite; more of them than cores lets page reads
	// and key checks go on beside the few heavy reads the HTTP layer lets
	// through at once.
	readers := max(8, 4*runtime.NumCPU())
	rdb.SetMaxOpenConns(readers)
	rdb.SetMaxIdleConns(readers)
	s.r = r
	long, err := gorm.Open(sqlite.Open("file:"+file+"?"+common+"&_query_only=1&_cache_size=-2048"), gcfg())
	if err != nil {
		wdb.Close()
		rdb.Close()
		return nil, fmt.Errorf("open %s for exports: %w", file, err)
	}
	if err := limitPool(long, cfg.longReaders); err != nil {
		wdb.Close()
		rdb.Close()
		return nil, err
	}
	s.long = long
	if s.ping, err = gorm.Open(sqlite.Open("file:"+file+"?"+common+"&_query_only=1&_cache_size=-64"), gcfg()); err == nil {
		err = limitPool(s.ping, 1)
	}
	if err != nil {
		wdb.Close()
		rdb.Close()
		return nil, err
	}
	s.watchWAL(cfg.walLimit, cfg.walEvery)
	return s, nil
}

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

// watchWAL keeps the SQLite WAL near limit. The writer's own checkpoints
// cannot get past a reader's snapshot, so while an export holds one the
// WAL grows with every write; once it is gone this checkpoints on a
// connection of its own (PASSIVE: writers go on) and then truncates the
// file, without waiting for anyone (a busy timeout of zero), every tick
// the file is over limit. The writer's journal_size_limit also cuts the
// file back to limit whenever it starts the WAL over.
func (s *Store) watchWAL(limit int64, every time.Duration) {
	if limit <= 0 || every <= 0 {
		return
	}
	db, err := sql.Open("sqlite3", "file:"+s.file+"?_busy_timeout=0")
	if err != nil {
		return
	}
	db.SetMaxOpenConns(1)
	s.stopWAL = make(chan struct{})
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer db.Close()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-s.stopWAL:
				return
			case <-tick.C:
			}
			if st, err := os.Stat(s.path + "-wal"); err != nil || st.Size() <= limit {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), every)
			_, _ = db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)")
			_, _ = db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
			cancel()
		}
	}()
}

// unescapedPath is the file path of a SQLite dsn, for the operating system.
func unescapedPath(dsn string) string {
	if rest, ok := strings.CutPrefix(dsn, "file:"); ok {
		p, _, _ := strings.Cut(rest, "?")
		if u, err := url.PathUnescape(p); err == nil {
			return u
		}
		return p
	}
	return dsn
}

// Page cache sizes of the SQLite writer, in KiB: for single writes, and
// for an import, whose inserts land all over the child and word indexes
// of a large table.
const (
	writerCacheKiB = 8 << 10
	importCacheKiB = 256 << 10
)

func (cfg config) gorm() *gorm.Config {
	return &gorm.Config{
		Logger:                 logger.Discard,
		TranslateError:         true,
		SkipDefaultTransaction: true,
		NowFunc:                func() time.Time { return cfg.now().UTC() },
	}
}

// writerDriver is mattn/go-sqlite3 with a hook for the pragmas its DSN
// cannot carry: temp_store=MEMORY keeps the statement journals of a large
// transaction (an import) in memory instead of hundreds of thousands of
// small writes to temporary files.
const writerDriver = "sqlite3_incidentdb_writer"

// journal_size_limit makes the writer cut the WAL back to DefaultWALLimit
// each time it starts it over, instead of keeping a file that a long
// reader once let grow.
func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec("PRAGMA temp_store = MEMORY; PRAGMA journal_size_limit = "+strconv.Itoa(DefaultWALLimit), nil)
		return err
	}})
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openPostgres opens one pool for reads and writes: PostgreSQL runs
// writers side by side, and the store guards each read-then-write with a
// row lock and a version check.
func openPostgres(ctx context.Context, dsn string, cfg config) (*Store, error) {
	db, err := gorm.Open(postgres.Open(dsn), cfg.gorm())
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(16)
	sqlDB.SetMaxIdleConns(16)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{pg: true, w: db, r: db, now: func() time.Time { return cfg.now().UTC() }}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("reach PostgreSQL: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	long, err := gorm.Open(postgres.Open(dsn), cfg.gorm())
	if err == nil {
		err = limitPool(long, cfg.longReaders)
	}
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open PostgreSQL for exports: %w", err)
	}
	s.long = long
	if s.ping, err = gorm.Open(postgres.Open(dsn), cfg.gorm()); err == nil {
		err = limitPool(s.ping, 1)
	}
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open PostgreSQL for readiness: %w", err)
	}
	return s, nil
}

// sqliteFile accepts "incidents.db", "/abs/path.db" or "file:path.db?..."
// and returns the path; query options of our own are not accepted, because
// the pragmas are policy set here.
func sqliteFile(dsn string) (string, error) {
	if dsn == "" {
		return "", errors.New("no database given")
	}
	if rest, ok := strings.CutPrefix(dsn, "file:"); ok {
		p, _, _ := strings.Cut(rest, "?")
		dsn = p
	}
	if strings.ContainsAny(dsn, "?#") {
		return "", fmt.Errorf("database path %q must not contain ? or #", dsn)
	}
	return (&url.URL{Path: dsn}).EscapedPath(), nil
}

// Close closes the reader pool, then the writer, whose last close
// checkpoints the WAL into the main file.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.stopWAL != nil {
			close(s.stopWAL)
		}
	})
	s.bg.Wait()
	var errs []error
	for _, g := range []*gorm.DB{s.long, s.ping} {
		if g != nil {
			if db, err := g.DB(); err == nil {
				errs = append(errs, db.Close())
			}
		}
	}
	if s.pg {
		if db, err := s.w.DB(); err == nil {
			errs = append(errs, db.Close())
		}
		return errors.Join(errs...)
	}
	if s.r != nil {
		if db, err := s.r.DB(); err == nil {
			errs = append(errs, db.Close())
		}
	}
	if db, err := s.w.DB(); err == nil {
		s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		errs = append(errs, db.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers a query, for /readyz, on a
// connection of its own: busy readers are not an unready database.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.ping.WithContext(ctx).Raw("SELECT 1").Scan(&one).Error
}

// Backup writes a consistent copy of the live database to path with
// VACUUM INTO: a snapshot as of one moment, compacted, while readers and
// writers go on. path must not exist.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.pg {
		return errors.New("backup copies SQLite databases; for PostgreSQL use pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists already; backup does not overwrite", path)
	}
	// A connection of its own: the readers are query-only, which VACUUM INTO
	// refuses, and the writer must stay free for writes meanwhile.
	db, err := sql.Open("sqlite3", "file:"+s.file+"?_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", path)
	return err
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

// migrate applies, in order and each in its own transaction, the embedded
// migrations not yet recorded in schema_migrations.
func (s *Store) migrate(ctx context.Context) error {
	db := s.w.WithContext(ctx)
	if err := db.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`).Error; err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	dir := "migrations/sqlite"
	if s.pg {
		dir = "migrations/postgres"
		// Two servers starting at once must not both migrate.
		if err := db.Exec("SELECT pg_advisory_lock(728091)").Error; err != nil {
			return err
		}
		defer db.Exec("SELECT pg_advisory_unlock(728091)")
	}
	list, err := loadMigrations(migrations, dir)
	if err != nil {
		return err
	}
	for _, m := range list {
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
	if !s.pg {
		add("reader", s.r)
	}
	add("long", s.long)
	return out
}

// rebind turns ? placeholders into PostgreSQL's $1, $2... for statements
// prepared on database/sql directly (GORM rebinds its own).
func (s *Store) rebind(q string) string {
	if !s.pg {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeTx runs fn in a write transaction. On PostgreSQL, where writers run
// side by side, a transaction that lost a serialisation conflict or a
// deadlock is rolled back and run again, a few times, before giving up.
func (s *Store) writeTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	for attempt := 0; ; attempt++ {
		err := s.w.WithContext(ctx).Transaction(fn)
		if !s.pg || attempt >= 8 || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(1+attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}
