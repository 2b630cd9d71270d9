package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"incidentdb/exchange"
	"incidentdb/models"
)

// sqliteDialect is SQLite: one file, one writer at a time (so no row
// locks and no retries), WAL for readers beside it, and imports that
// insert row by row into a large page cache and build the secondary
// indexes once at the end.
type sqliteDialect struct{}

func (sqliteDialect) rebind(q string) string { return q }
func (sqliteDialect) forUpdate() string      { return "" }

// SQLite's RETURNING costs several times a plain insert: the id comes
// from LastInsertId.
func (sqliteDialect) insertSuffix() string { return "" }

func (sqliteDialect) insertIncident(ctx context.Context, st *sql.Stmt, args []any) (int64, error) {
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		if isUniqueViolation(err) {
			return 0, gorm.ErrDuplicatedKey
		}
		return 0, err
	}
	return res.LastInsertId()
}

func (sqliteDialect) textInsertSQL() string {
	return "INSERT INTO incident_text (rowid, words) VALUES (?, ?)"
}

func (sqliteDialect) textDeleteSQL() string { return "DELETE FROM incident_text WHERE rowid = ?" }

// textValue is the words as the index's tokenizer splits them: on spaces.
func (sqliteDialect) textValue(words []string) string { return strings.Join(words, " ") }

// textMatch is an FTS5 query of quoted prefixes, all required: quoted so
// that a word such as "near" or "not" is a word and not an operator
// (models.Words yields letters and digits only, never a quote).
func (sqliteDialect) textMatch(words []string) (string, string) {
	return "i.id IN (SELECT rowid FROM incident_text WHERE incident_text MATCH ?)", `"` + strings.Join(words, `"* AND "`) + `"*`
}

// A SQLite read transaction is one consistent view already.
func (sqliteDialect) snapshot() *sql.TxOptions { return &sql.TxOptions{ReadOnly: true} }

func (sqliteDialect) migrations() string { return "migrations/sqlite" }

// The one writer connection runs migrations one process at a time.
func (sqliteDialect) lockMigrations(*gorm.DB) (func(), error) { return func() {}, nil }

func (sqliteDialect) retryable(error) bool { return false }
func (sqliteDialect) collided(error) bool  { return false }

// The writer is one connection: the cache set here is the import's, and
// setting it back afterwards frees what the import filled.
func (sqliteDialect) importTx(s *Store, ctx context.Context, fn func(tx *gorm.DB, conn *sql.Conn) error) error {
	if err := s.w.WithContext(ctx).Exec("PRAGMA cache_size = -" + strconv.Itoa(importCacheKiB)).Error; err != nil {
		return err
	}
	defer s.w.Exec("PRAGMA cache_size = -" + strconv.Itoa(writerCacheKiB))
	// Not writeTx: its retry would run again over a reader already read.
	return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return fn(tx, nil) })
}

func (sqliteDialect) newSink(run *importRun, _ *sql.Conn) (importSink, error) {
	bulk, err := newBulkIndexes(run.tx)
	if err != nil {
		return nil, err
	}
	return &rowSink{run: run, bulk: bulk}, nil
}

func (sqliteDialect) eachStored(s *Store, ctx context.Context, f models.Filter, fn func(*exchange.StoredRow) error) error {
	return s.eachStoredSQLite(ctx, f, fn)
}

func (sqliteDialect) afterCopy(*gorm.DB) error { return nil }

// backup writes the copy with VACUUM INTO: a snapshot as of one moment,
// compacted, while readers and writers go on, on a connection of its own
// (the readers are query-only, which VACUUM INTO refuses, and the writer
// must stay free for writes meanwhile).
func (sqliteDialect) backup(s *Store, ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+s.file+"?_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", path)
	return err
}

// The writer's last close checkpoints the WAL into the main file.
func (sqliteDialect) beforeClose(w *gorm.DB) { w.Exec("PRAGMA wal_checkpoint(TRUNCATE)") }

// isUniqueViolation recognises a unique-constraint failure from either
// engine on statements that bypass GORM's error translation.
func isUniqueViolation(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return pgUniqueViolation(err)
}

// openSQLite opens the SQLite database at dsn, a file path or a file:
// URI. All its policy lives here: pragmas are in the DSN so they reach
// every pooled connection, not just the one an Exec happens to use.
// errNoFTS5 says the program was built without SQLite's full-text index,
// which the driver compiles in only when asked: the text index of q
// (migration 0015) needs it.
var errNoFTS5 = errors.New("this build of SQLite has no FTS5, which the text index needs: build with -tags sqlite_fts5 (make build, make run and make test do)")

func openSQLite(ctx context.Context, dsn string, cfg config) (*Store, error) {
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
	s := &Store{d: sqliteDialect{}, file: file, path: unescapedPath(dsn), w: w, now: func() time.Time { return cfg.now().UTC() }}
	var fts5 bool
	if err := w.Raw("SELECT sqlite_compileoption_used('ENABLE_FTS5')").Scan(&fts5).Error; err != nil || !fts5 {
		wdb.Close()
		return nil, errNoFTS5
	}
	if err := s.migrate(ctx); err != nil {
		wdb.Close()
		return nil, err
	}
	// Page readers keep small page caches (1 MiB): there are many, any
	// write empties them (WAL), and the operating system caches the file
	// for all of them anyway. At 8 MiB they were most of a busy server's
	// resident memory. Long reads, which stream a table, keep 2 MiB.
	r, err := gorm.Open(sqlite.Open("file:"+file+"?"+common+"&_query_only=1&_cache_size=-1024"), gcfg())
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
