package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// postgresDialect is PostgreSQL: writers side by side (so row locks, and
// retries of transactions that lose a serialisation conflict or a
// deadlock), snapshots by repeatable read, and imports that COPY.
type postgresDialect struct{}

// rebind turns ? placeholders into $1, $2...
func (postgresDialect) rebind(q string) string {
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

// A concurrent writer waits for the row, then reads the new version
// instead of failing on a stale one.
func (postgresDialect) forUpdate() string { return " FOR UPDATE" }

// The driver has no LastInsertId: the id comes back with RETURNING. A
// concurrent writer may insert the same external_id first: the insert
// then waits for it, does nothing, and returns no row, which the caller
// handles as an existing incident instead of an error.
func (postgresDialect) insertSuffix() string {
	return " ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING id"
}

func (postgresDialect) insertIncident(ctx context.Context, st *sql.Stmt, args []any) (int64, error) {
	var id int64
	err := st.QueryRowContext(ctx, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || err != nil && isUniqueViolation(err) {
		return 0, gorm.ErrDuplicatedKey
	}
	return id, err
}

func (postgresDialect) textInsertSQL() string {
	return "INSERT INTO incident_text (incident_id, words) VALUES (?, CAST(? AS tsvector))"
}

func (postgresDialect) textDeleteSQL() string {
	return "DELETE FROM incident_text WHERE incident_id = ?"
}

// textValue is the tsvector's input form, each lexeme quoted as it is:
// models.Words yields letters and digits only, so nothing needs escaping,
// and no text search configuration parses, stems or drops them.
func (postgresDialect) textValue(words []string) string {
	return "'" + strings.Join(words, "' '") + "'"
}

// textMatch is a tsquery of prefixes, cast rather than parsed by
// to_tsquery for the same reason.
func (postgresDialect) textMatch(words []string) (string, string) {
	return "i.id IN (SELECT incident_id FROM incident_text WHERE words @@ CAST(? AS tsquery))", "'" + strings.Join(words, "':* & '") + "':*"
}

func (postgresDialect) snapshot() *sql.TxOptions {
	return &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
}

func (postgresDialect) migrations() string { return "migrations/postgres" }

// Two servers starting at once must not both migrate.
func (postgresDialect) lockMigrations(db *gorm.DB) (func(), error) {
	if err := db.Exec("SELECT pg_advisory_lock(728091)").Error; err != nil {
		return nil, err
	}
	return func() { db.Exec("SELECT pg_advisory_unlock(728091)") }, nil
}

func (postgresDialect) retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// A unique violation gets to an import's end only from a COPY that met an
// external_id another writer stored after the batch looked.
func (d postgresDialect) collided(err error) bool { return d.retryable(err) || pgUniqueViolation(err) }

// importTx runs the import on one connection of its own, and hands it
// that connection too, for COPY.
func (postgresDialect) importTx(s *Store, ctx context.Context, fn func(tx *gorm.DB, conn *sql.Conn) error) error {
	return s.w.WithContext(ctx).Connection(func(c *gorm.DB) error {
		conn, ok := c.Statement.ConnPool.(*sql.Conn)
		if !ok {
			return fmt.Errorf("store: no dedicated connection (%T)", c.Statement.ConnPool)
		}
		return c.Transaction(func(tx *gorm.DB) error { return fn(tx, conn) })
	})
}

func (postgresDialect) newSink(run *importRun, conn *sql.Conn) (importSink, error) {
	b := newCopyBatch(run, conn)
	if !run.opts.FirstLoad {
		return b, nil
	}
	var err error
	b.bulk, err = pgFirstLoad(run.tx)
	return b, err
}

// pgFirstLoad is bulkIndexes on PostgreSQL, for a first load only (see
// ImportOptions.FirstLoad): there a dropped index locks its table against
// every other session until the import commits, where SQLite's readers go
// on with their snapshots. Into an empty table it is what PostgreSQL's
// manual advises for a bulk load: the import takes less time, and indexes
// built from sorted rows are a quarter smaller than ones grown row by row
// in random order. nil when the incidents table holds anything.
func pgFirstLoad(tx *gorm.DB) (*bulkIndexes, error) {
	var empty bool
	if err := tx.Raw("SELECT NOT EXISTS (SELECT 1 FROM incidents)").Scan(&empty).Error; err != nil || !empty {
		return nil, err
	}
	b := &bulkIndexes{tx: tx, done: true}
	// Unique indexes stay, and with them every constraint: the import
	// looks external ids up as it goes.
	if err := tx.Raw(`SELECT c.relname AS name, pg_get_indexdef(x.indexrelid) AS sql
		FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND NOT x.indisunique
		AND t.relname IN ('incidents', 'casualties', 'incident_forces', 'incident_countries', 'incident_text')
		ORDER BY c.relname`).Scan(&b.dropped).Error; err != nil {
		return nil, err
	}
	// The sorts of the largest indexes fit in memory at a million rows.
	if err := tx.Exec("SET LOCAL maintenance_work_mem = '256MB'").Error; err != nil {
		return nil, err
	}
	for _, x := range b.dropped {
		if err := tx.Exec(`DROP INDEX "` + x.Name + `"`).Error; err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Identity columns do not follow explicit ids: move them past the copied
// ones, or the next create would collide.
func (postgresDialect) afterCopy(tx *gorm.DB) error {
	for _, t := range []string{"incidents", "revisions", "api_keys"} {
		if err := tx.Exec("SELECT setval(pg_get_serial_sequence('" + t + "', 'id'), coalesce((SELECT max(id) FROM " + t + "), 0) + 1, false)").Error; err != nil {
			return err
		}
	}
	return nil
}

func (postgresDialect) backup(*Store, context.Context, string) error {
	return errors.New("backup copies SQLite databases; for PostgreSQL use pg_dump")
}

func (postgresDialect) beforeClose(*gorm.DB) {}

func pgUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// openPostgres opens one pool for reads and writes: PostgreSQL runs
// writers side by side, and the store guards each read-then-write with a
// row lock and a version check.
// pgWriters is the size of the writers' pool. Two, not four: under the
// bench's mixed load on two cores the p99 of list pages fell from about
// 34 to 23 ms with as many requests a second answered and edits as fast,
// since fewer writing backends compete with the readers for the cores.
const pgWriters = 2

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
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("reach PostgreSQL: %w", err)
	}
	// Writers get a pool of their own: a write may wait on the row locks
	// of the totals it changes, and while it waits it holds a connection
	// that a page read would otherwise have had. Writes to the same
	// totals rows go one after another whatever the pool, so a few
	// connections are all they can use.
	w, err := gorm.Open(postgres.Open(dsn), cfg.gorm())
	if err == nil {
		err = limitPool(w, pgWriters)
	}
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open PostgreSQL for writes: %w", err)
	}
	s := &Store{d: postgresDialect{}, w: w, r: db, now: func() time.Time { return cfg.now().UTC() }}
	fail := func(err error) (*Store, error) {
		sqlDB.Close()
		if wdb, e := w.DB(); e == nil {
			wdb.Close()
		}
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		return fail(err)
	}
	long, err := openLongPostgres(dsn, cfg)
	if err == nil {
		err = limitPool(long, cfg.longReaders)
	}
	if err != nil {
		return fail(fmt.Errorf("open PostgreSQL for exports: %w", err))
	}
	s.long = long
	if s.ping, err = gorm.Open(postgres.Open(dsn), cfg.gorm()); err == nil {
		err = limitPool(s.ping, 1)
	}
	if err != nil {
		return fail(fmt.Errorf("open PostgreSQL for readiness: %w", err))
	}
	return s, nil
}

// longReadBuffer is what the connections of exports read from the socket
// at once. pgx reads 8 KiB at a time, enough for a page of rows, which for
// a COPY of a whole table is a system call every dozen incidents.
const longReadBuffer = 256 << 10

// openLongPostgres opens the pool of exports and dry runs, whose
// connections read the socket through a buffer of longReadBuffer.
func openLongPostgres(dsn string, cfg config) (*gorm.DB, error) {
	pc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	pc.BuildFrontend = func(r io.Reader, w io.Writer) *pgproto3.Frontend {
		return pgproto3.NewFrontend(bufio.NewReaderSize(r, longReadBuffer), w)
	}
	return gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDB(*pc)}), cfg.gorm())
}
