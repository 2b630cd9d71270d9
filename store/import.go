package store

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"time"

	"gorm.io/gorm"

	"incidentdb/exchange"
	"incidentdb/models"
)

// Import stores every record of r in one transaction: all or nothing. Every
// bad row is reported (up to MaxImportErrors) with its line, field and
// reason; if there is any, nothing is stored and the error is Invalid. A
// record whose external_id is stored already is handled by OnConflict.
func (s *Store) Import(ctx context.Context, actor string, r exchange.Reader, opts models.ImportOptions) (models.ImportResult, error) {
	res := models.ImportResult{DryRun: opts.DryRun, Errors: []models.RowError{}}
	switch opts.OnConflict {
	case "":
		opts.OnConflict = models.OnConflictFail
	case models.OnConflictFail, models.OnConflictSkip, models.OnConflictUpdate:
	default:
		return res, models.Malformedf("on_conflict", "must be fail, skip or update")
	}
	if opts.DryRun {
		return s.dryRun(ctx, r, opts)
	}
	run := &importRun{s: s, ctx: ctx, actor: actor, opts: opts, res: res, now: s.now(), seen: map[string]int{}}
	err := s.d.importTx(s, ctx, func(tx *gorm.DB, conn *sql.Conn) error { return run.all(tx, conn, r) })
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil && s.d.collided(err) {
		return run.res, &models.Error{Code: models.Conflict,
			Message: "the import collided with another write to the same incidents; nothing was imported; send it again"}
	}
	if err != nil {
		return run.res, internal("import", err)
	}
	if err := run.res.Outcome(); err != nil || !opts.Link {
		return run.res, err
	}
	linked, ambiguous, err := s.Link(ctx, actor, run.created, models.DefaultWindow)
	run.res.Linked, run.res.Ambiguous = linked, ambiguous
	return run.res, err
}

// errRollback ends an import's transaction without storing anything.
var errRollback = errors.New("roll back")

// importRun is one import under way: its steps are read (all), record,
// fail and finish, and what it has checked goes to a sink, which is the
// engine's bulk path (see dialect.newSink).
type importRun struct {
	s     *Store
	ctx   context.Context
	actor string
	opts  models.ImportOptions
	res   models.ImportResult
	now   time.Time
	tx    *gorm.DB
	ins   *writer
	sink  importSink
	// seen holds the external ids read since the first failure, by line:
	// nothing is stored then, and a repeated one must still be reported.
	seen map[string]int
	// created are the ids of the incidents the import created, for the
	// linking that may follow it.
	created []int64
}

// importSink takes the records an import has checked, to be stored.
type importSink interface {
	// add takes one record.
	add(rec batchRecord) error
	// holds says whether a record with inc's external_id waits in the
	// sink: it must be stored before another record meets it.
	holds(inc *models.Incident) bool
	// flush stores what waits.
	flush() error
	// finish ends a run that stored everything it read.
	finish() error
}

// batchRecord is a record checked and waiting to be stored.
type batchRecord struct {
	line  int
	inc   models.Incident
	words []string
}

// all reads every record of r and stores it, or rolls back.
func (run *importRun) all(tx *gorm.DB, conn *sql.Conn, r exchange.Reader) error {
	ins, err := run.s.newWriter(run.ctx, tx)
	if err != nil {
		return err
	}
	defer ins.close()
	run.tx, run.ins = tx, ins
	if run.sink, err = run.s.d.newSink(run, conn); err != nil {
		return err
	}
	records := readAhead(r, run.now, run.opts)
	defer records.stop()
	for {
		p, ok, err := records.take(run.ctx)
		if err != nil {
			return err
		}
		if !ok {
			return run.finish()
		}
		if p.err != nil {
			var me *models.Error
			if !errors.As(p.err, &me) {
				return p.err // the body could not be read: too large, cut off
			}
			run.fail(p.rec.Line, p.err)
			return errRollback
		}
		if err := run.record(p); err != nil {
			return err
		}
	}
}

// record handles one record read from the file.
func (run *importRun) record(p parsedRecord) error {
	run.res.Read++
	if run.opts.Progress != nil && run.res.Read%1000 == 0 {
		run.opts.Progress(run.res.Read)
	}
	line := p.rec.Line
	if p.rec.Err != nil {
		run.fail(line, p.rec.Err)
		return nil
	}
	if p.normErr != nil {
		run.fail(line, p.normErr)
		return nil
	}
	inc := p.inc
	if run.sink.holds(&inc) {
		// The earlier record must meet this one as the row path would,
		// even once nothing will be stored.
		if err := run.sink.flush(); err != nil {
			return err
		}
	}
	if run.res.Failed > 0 {
		run.check(line, &inc)
		return nil
	}
	inc.CreatedAt, inc.UpdatedAt = run.now, run.now
	return run.sink.add(batchRecord{line: line, inc: inc, words: p.words})
}

// check reports, once nothing will be stored, every external_id that
// would fail, not just the first.
func (run *importRun) check(line int, inc *models.Incident) {
	if run.opts.OnConflict != models.OnConflictFail || inc.ExternalID == nil {
		return
	}
	ext := *inc.ExternalID
	if first, dup := run.seen[ext]; dup {
		run.fail(line, models.Conflictf("external_id", "%q is also on line %d of this file", ext, first))
		return
	}
	run.seen[ext] = line
	if run.sink.holds(inc) {
		run.fail(line, models.Conflictf("external_id", "%q is also earlier in this file", ext))
		return
	}
	if id, err := run.ins.existing(ext); err == nil && id != 0 {
		run.fail(line, externalIDTaken(run.tx, inc.ExternalID))
	}
}

// fail records that the record on line cannot be stored.
func (run *importRun) fail(line int, err error) { run.res.Fail(line, err) }

// finish stores what the sink holds, or rolls back after a failure.
func (run *importRun) finish() error {
	if run.opts.Progress != nil {
		run.opts.Progress(run.res.Read)
	}
	if run.res.Failed > 0 {
		return errRollback
	}
	if err := run.sink.finish(); err != nil {
		return err
	}
	if run.res.Failed > 0 {
		return errRollback
	}
	return run.ins.flush()
}

// store stores one record the row way. It inserts first and looks the
// external_id up only when the insert finds it taken: a lookup before
// every insert cost an import a query per record to find, nearly always,
// nothing. A record that cannot be stored is a failure, not an error.
func (run *importRun) store(br batchRecord) error {
	run.ins.nextWords = br.words
	err := run.storeOne(br.inc)
	var me *models.Error
	if err != nil && errors.As(err, &me) {
		run.fail(br.line, err)
		return nil
	}
	return err
}

func (run *importRun) storeOne(inc models.Incident) error {
	tx, ins, res := run.tx, run.ins, &run.res
	err := ins.insert(&inc, run.actor)
	if err == nil {
		res.Created++
		run.created = append(run.created, inc.ID)
		return nil
	}
	if !errors.Is(err, gorm.ErrDuplicatedKey) || inc.ExternalID == nil {
		return err
	}
	if run.opts.OnConflict == models.OnConflictFail {
		return externalIDTaken(tx, inc.ExternalID)
	}
	id, err := ins.existing(*inc.ExternalID)
	if err != nil {
		return err
	}
	if id == 0 {
		// Taken by a write this transaction cannot see (PostgreSQL).
		return externalIDTaken(tx, inc.ExternalID)
	}
	if run.opts.OnConflict == models.OnConflictSkip {
		res.Skipped++
		return nil
	}
	cur, err := run.s.getForWrite(tx, id, true)
	if err != nil {
		return err
	}
	action := "update"
	if cur.DeletedAt != nil {
		if !run.opts.Restore {
			return restoreNeedsAdmin(cur.ID, *inc.ExternalID)
		}
		action = "restore"
	}
	out, err := run.s.updateTx(ins, run.actor, cur, inc, action)
	if err != nil {
		return err
	}
	if out.Version == cur.Version {
		res.Unchanged++
	} else {
		res.Updated++
	}
	return nil
}

// rowSink stores each record as it comes, and on SQLite lets a large
// import build the secondary indexes once at the end (bulkIndexes).
type rowSink struct {
	run  *importRun
	bulk *bulkIndexes
}

func (k *rowSink) add(rec batchRecord) error {
	if err := k.run.store(rec); err != nil {
		return err
	}
	if k.bulk == nil {
		return nil
	}
	return k.bulk.consider(k.run.res.Created)
}

func (k *rowSink) holds(*models.Incident) bool { return false }
func (k *rowSink) flush() error                { return nil }

func (k *rowSink) finish() error {
	if k.bulk == nil {
		return nil
	}
	return k.bulk.rebuild()
}

// bulkIndexes lets a large import into SQLite (and a first load into
// PostgreSQL, see pgFirstLoad) build the secondary indexes of the
// incidents and their lists once at the end instead of row by row:
// an index built from sorted rows costs a fraction of as many inserts at
// random places. It happens inside the import's transaction, so a failure
// or a rollback leaves the indexes as they were, and readers, on their own
// snapshots, never see a table without them.
type bulkIndexes struct {
	tx       *gorm.DB
	existing int64 // incidents when the import started, about
	dropped  []indexDef
	done     bool
}

type indexDef struct{ Name, SQL string }

// bulkStep is how often, in incidents created, an import reconsiders.
var bulkStep = 10_000

func newBulkIndexes(tx *gorm.DB) (*bulkIndexes, error) {
	b := &bulkIndexes{tx: tx}
	err := tx.Raw("SELECT coalesce(max(id), 0) FROM incidents").Scan(&b.existing).Error
	return b, err
}

// consider drops the indexes once the import has created at least half as
// many incidents as the table held: from then on building them again at
// the end is cheaper than keeping them up to date.
func (b *bulkIndexes) consider(created int) error {
	if b.done || created%bulkStep != 0 || int64(created)*2 < b.existing {
		return nil
	}
	b.done = true
	// The unique index on external_id stays: the import looks records up
	// by it. Indexes behind constraints have no SQL and cannot be dropped.
	if err := b.tx.Raw(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('incidents', 'casualties', 'incident_forces', 'incident_countries')
		AND name <> 'incidents_external_id' ORDER BY name`).Scan(&b.dropped).Error; err != nil {
		return err
	}
	for _, x := range b.dropped {
		if err := b.tx.Exec(`DROP INDEX "` + x.Name + `"`).Error; err != nil {
			return err
		}
	}
	return nil
}

func (b *bulkIndexes) rebuild() error {
	for _, x := range b.dropped {
		if err := b.tx.Exec(x.SQL).Error; err != nil {
			return err
		}
	}
	b.dropped = nil
	return nil
}

// parsedRecord is a record read and checked ahead of the transaction.
type parsedRecord struct {
	rec     exchange.Record
	err     error // from the reader: the last record
	inc     models.Incident
	normErr error
	words   []string
}

// recordsAhead reads, normalizes and splits into words on a goroutine of
// its own while the import's transaction writes the records before: on two
// cores an import is then bound by the database alone.
type recordsAhead struct {
	ch   chan parsedRecord
	quit chan struct{}
	done bool
}

func readAhead(r exchange.Reader, now time.Time, opts models.ImportOptions) *recordsAhead {
	ra := &recordsAhead{ch: make(chan parsedRecord, 256), quit: make(chan struct{})}
	go func() {
		defer close(ra.ch)
		for {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			p := parsedRecord{rec: rec, err: err}
			if err == nil && rec.Err == nil {
				if p.inc, p.normErr = rec.Input.Normalize(now); p.normErr == nil {
					opts.Stamp(&p.inc)
					p.words = indexedWords(&p.inc)
				}
			}
			select {
			case ra.ch <- p:
			case <-ra.quit:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ra
}

// take returns the next record, false at the end of the file, or the
// error of a cancelled request.
func (ra *recordsAhead) take(ctx context.Context) (parsedRecord, bool, error) {
	if err := ctx.Err(); err != nil {
		return parsedRecord{}, false, err
	}
	p, ok := <-ra.ch
	return p, ok, nil
}

// stop ends the reading and waits for it, so nothing reads r after Import
// returns.
func (ra *recordsAhead) stop() {
	if ra.done {
		return
	}
	ra.done = true
	close(ra.quit)
	for range ra.ch {
	}
}
