package store

import (
	"context"
	"database/sql"

	"gorm.io/gorm"

	"incidentdb/exchange"
	"incidentdb/models"
)

// dialect is everything that differs between SQLite and PostgreSQL, in
// one value per engine (sqliteDialect, postgresDialect): the rest of the
// store is the same code on both.
type dialect interface {
	// rebind turns ? placeholders into the engine's own, for statements
	// prepared on database/sql (GORM rebinds its own).
	rebind(q string) string
	// forUpdate is what a read that a write follows appends to lock the
	// row; SQLite's one writer needs none.
	forUpdate() string
	// insertSuffix ends the prepared insert of an incident, and
	// insertIncident runs it: the new id, or gorm.ErrDuplicatedKey when
	// the external_id is taken.
	insertSuffix() string
	insertIncident(ctx context.Context, st *sql.Stmt, args []any) (int64, error)
	// The text index of q (migration 0015): SQLite's FTS5, PostgreSQL's
	// tsvector under GIN, both holding the words of models.Words.
	// textInsertSQL takes an incident's id and textValue of its words;
	// textDeleteSQL its id; textMatch is the condition on i.id, with its
	// argument, that every word starts an indexed word.
	textInsertSQL() string
	textDeleteSQL() string
	textValue(words []string) string
	textMatch(words []string) (cond string, arg string)
	// snapshot is the read transaction of an export: one consistent view.
	snapshot() *sql.TxOptions
	// migrations is the folder of the engine's migrations; lockMigrations
	// keeps two servers starting at once from both running them.
	migrations() string
	lockMigrations(db *gorm.DB) (unlock func(), err error)
	// retryable says whether a write transaction that failed with err may
	// be run again (a serialisation failure or a deadlock).
	retryable(err error) bool
	// importTx runs an import's transaction, handing it the connection
	// under it when the engine's bulk path needs it.
	importTx(s *Store, ctx context.Context, fn func(tx *gorm.DB, conn *sql.Conn) error) error
	// newSink is how an import stores the records it has checked.
	newSink(run *importRun, conn *sql.Conn) (importSink, error)
	// collided says whether an import failed because another writer took
	// the same incidents meanwhile, which only sending it again can mend.
	collided(err error) bool
	// eachStored reads the stored rows of an export.
	eachStored(s *Store, ctx context.Context, f models.Filter, fn func(*exchange.StoredRow) error) error
	// afterCopy brings the engine's own bookkeeping (sequences) past the
	// rows a copy wrote with their ids.
	afterCopy(tx *gorm.DB) error
	// backup writes a consistent copy of the live database to path.
	backup(s *Store, ctx context.Context, path string) error
	// beforeClose is the last write of the writer (SQLite checkpoints).
	beforeClose(w *gorm.DB)
}
