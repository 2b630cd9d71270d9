package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
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
		return res, &models.Error{Code: models.Malformed, Message: "on_conflict is not valid",
			Fields: []models.FieldError{{Field: "on_conflict", Message: "must be fail, skip or update"}}}
	}
	if opts.DryRun {
		return s.dryRun(ctx, r, opts)
	}
	errRollback := errors.New("roll back")
	if !s.pg {
		// The writer is one connection: the cache set here is the import's,
		// and setting it back afterwards frees what the import filled.
		if err := s.w.WithContext(ctx).Exec("PRAGMA cache_size = -" + strconv.Itoa(importCacheKiB)).Error; err != nil {
			return res, internal("import", err)
		}
		defer s.w.Exec("PRAGMA cache_size = -" + strconv.Itoa(writerCacheKiB))
	}
	// Not writeTx: its retry would run again over a reader already read.
	run := func(fn func(tx *gorm.DB, conn *sql.Conn) error) error {
		return s.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error { return fn(tx, nil) })
	}
	if s.pg {
		run = func(fn func(tx *gorm.DB, conn *sql.Conn) error) error { return s.onConnection(ctx, fn) }
	}
	err := run(func(tx *gorm.DB, conn *sql.Conn) error {
		ins, err := s.newInserter(ctx, tx)
		if err != nil {
			return err
		}
		defer ins.close()
		bulk, err := s.newBulkIndexes(tx)
		if err != nil {
			return err
		}
		now := s.now()
		seen := map[string]int{} // external ids read after the first failure, by line
		fail := res.Fail
		var batch *copyBatch
		if conn != nil {
			batch = newCopyBatch(conn)
		}
		rowPath := func(br batchRecord) error {
			ins.nextWords = br.words
			err := s.importOne(tx, ins, actor, br.inc, now, opts, &res)
			var me *models.Error
			if err != nil && errors.As(err, &me) {
				fail(br.line, err)
				return nil
			}
			return err
		}
		flushBatch := func() error {
			copied, err := batch.flush(ctx, ins, actor, rowPath)
			res.Created += copied
			return err
		}
		records := readAhead(r, now)
		defer records.stop()
		for {
			p, ok, err := records.take(ctx)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			rec, err := p.rec, p.err
			if err != nil {
				var me *models.Error
				if !errors.As(err, &me) {
					return err // the body could not be read: too large, cut off
				}
				fail(rec.Line, err)
				return errRollback
			}
			res.Read++
			if opts.Progress != nil && res.Read%1000 == 0 {
				opts.Progress(res.Read)
			}
			if rec.Err != nil {
				fail(rec.Line, rec.Err)
				continue
			}
			inc, err := p.inc, p.normErr
			if err != nil {
				fail(rec.Line, err)
				continue
			}
			if batch != nil && batch.holds(&inc) {
				// The earlier record must meet this one as the row path
				// would, even once nothing will be stored.
				if err := flushBatch(); err != nil {
					return err
				}
			}
			if res.Failed > 0 {
				// Nothing will be stored: validate only, but still report every
				// external_id that would fail, not just the first.
				if opts.OnConflict == models.OnConflictFail && inc.ExternalID != nil {
					if line, dup := seen[*inc.ExternalID]; dup {
						fail(rec.Line, &models.Error{Code: models.Conflict, Message: "duplicate external_id",
							Fields: []models.FieldError{{Field: "external_id", Message: fmt.Sprintf("%q is also on line %d of this file", *inc.ExternalID, line)}}})
						continue
					}
					seen[*inc.ExternalID] = rec.Line
					if batch != nil && batch.holds(&inc) {
						// An earlier record of this file, waiting in the COPY batch.
						fail(rec.Line, &models.Error{Code: models.Conflict, Message: "duplicate external_id",
							Fields: []models.FieldError{{Field: "external_id", Message: fmt.Sprintf("%q is also earlier in this file", *inc.ExternalID)}}})
						continue
					}
					if id, err := ins.existing(*inc.ExternalID); err == nil && id != 0 {
						fail(rec.Line, externalIDTaken(tx, inc.ExternalID))
					}
				}
				continue
			}
			if batch != nil {
				inc.CreatedAt, inc.UpdatedAt = now, now
				batch.add(rec.Line, inc, p.words)
				if len(batch.recs) >= copyBatchSize {
					if err := flushBatch(); err != nil {
						return err
					}
				}
				continue
			}
			if err := rowPath(batchRecord{line: rec.Line, inc: inc, words: p.words}); err != nil {
				return err
			}
			if err := bulk.consider(res.Created); err != nil {
				return err
			}
		}
		if batch != nil && res.Failed == 0 {
			if err := flushBatch(); err != nil {
				return err
			}
		}
		if opts.Progress != nil {
			opts.Progress(res.Read)
		}
		if res.Failed > 0 {
			return errRollback
		}
		if err := bulk.rebuild(); err != nil {
			return err
		}
		return ins.flush(tx)
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil && (retryable(err) || s.pg && isUniqueViolation(err)) {
		// A unique violation gets here only from a COPY that met an
		// external_id another writer stored after the batch looked.
		return res, &models.Error{Code: models.Conflict,
			Message: "the import collided with another write to the same incidents; nothing was imported; send it again"}
	}
	if err != nil {
		return res, internal("import", err)
	}
	return res, res.Outcome()
}

// importOne stores one record. It inserts first and looks the external_id
// up only when the insert finds it taken: a lookup before every insert
// cost an import a query per record to find, nearly always, nothing.
func (s *Store) importOne(tx *gorm.DB, ins *inserter, actor string, inc models.Incident, now time.Time, opts models.ImportOptions, res *models.ImportResult) error {
	onConflict := opts.OnConflict
	inc.CreatedAt, inc.UpdatedAt = now, now
	err := ins.insert(&inc, actor)
	if err == nil {
		res.Created++
		return nil
	}
	if !errors.Is(err, gorm.ErrDuplicatedKey) || inc.ExternalID == nil {
		return err
	}
	if onConflict == models.OnConflictFail {
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
	if onConflict == models.OnConflictSkip {
		res.Skipped++
		return nil
	}
	// The update takes the incident's words and totals away and adds them
	// again: the ones collected so far (of an earlier record of this same
	// file, perhaps this very incident) must be written first.
	if err := ins.flush(tx); err != nil {
		return err
	}
	cur, err := s.getForWrite(tx, id, true)
	if err != nil {
		return err
	}
	action := "update"
	if cur.DeletedAt != nil {
		if !opts.Restore {
			return restoreNeedsAdmin(cur.ID, *inc.ExternalID)
		}
		action = "restore"
	}
	out, err := s.updateTx(tx, actor, cur, inc, action)
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

// restoreNeedsAdmin is the row error of a record that would bring back a
// deleted incident for a sender who may not restore.
func restoreNeedsAdmin(id int64, externalID string) error {
	return &models.Error{Code: models.Forbidden, Message: "restoring a deleted incident needs the admin role",
		Fields: []models.FieldError{{Field: "external_id", Message: fmt.Sprintf(
			"%q is held by incident %d, which is deleted; restoring it needs the admin role (POST /incidents/%d/restore)", externalID, id, id)}}}
}

// dryRun checks and counts what Import would do, inside one read
// transaction on a reader connection: the writer stays free for others
// however long the file takes to read. It decides each record as the real
// import would: a record whose external_id an earlier record of the file
// holds meets that record, not the stored one.
func (s *Store) dryRun(ctx context.Context, r exchange.Reader, opts models.ImportOptions) (models.ImportResult, error) {
	res := models.ImportResult{DryRun: true, Errors: []models.RowError{}}
	type earlier struct {
		line    int
		content string // what the record would leave stored, as JSON
	}
	inFile := map[string]earlier{}
	contentOf := func(inc models.Incident) string {
		b, _ := json.Marshal(content(inc))
		return string(b)
	}
	err := s.long.WithContext(context.WithoutCancel(ctx)).Transaction(func(tx *gorm.DB) error {
		records := readAhead(r, s.now())
		defer records.stop()
		for {
			p, ok, err := records.take(ctx)
			if !ok || err != nil {
				return err
			}
			if p.err != nil {
				var me *models.Error
				if !errors.As(p.err, &me) {
					return p.err
				}
				res.Fail(p.rec.Line, p.err)
				return nil
			}
			res.Read++
			if opts.Progress != nil && res.Read%1000 == 0 {
				opts.Progress(res.Read)
			}
			line, inc := p.rec.Line, p.inc
			switch {
			case p.rec.Err != nil:
				res.Fail(line, p.rec.Err)
				continue
			case p.normErr != nil:
				res.Fail(line, p.normErr)
				continue
			case inc.ExternalID == nil:
				res.Created++
				continue
			}
			ext := *inc.ExternalID
			if prev, dup := inFile[ext]; dup {
				switch opts.OnConflict {
				case models.OnConflictFail:
					res.Fail(line, &models.Error{Code: models.Conflict, Message: "duplicate external_id",
						Fields: []models.FieldError{{Field: "external_id", Message: fmt.Sprintf("%q is also on line %d of this file", ext, prev.line)}}})
				case models.OnConflictSkip:
					res.Skipped++
				default:
					next := contentOf(inc)
					if next == prev.content {
						res.Unchanged++
					} else {
						res.Updated++
					}
					inFile[ext] = earlier{line, next}
				}
				continue
			}
			rows, err := queryIncidents(tx, "SELECT "+incidentColumns+" FROM incidents i WHERE i.external_id = ?", ext)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				res.Created++
				inFile[ext] = earlier{line, contentOf(inc)}
				continue
			}
			cur := fromRow(rows[0])
			switch opts.OnConflict {
			case models.OnConflictFail:
				res.Fail(line, externalIDTaken(tx, inc.ExternalID))
			case models.OnConflictSkip:
				res.Skipped++
			default:
				switch {
				case cur.DeletedAt != nil && !opts.Restore:
					res.Fail(line, restoreNeedsAdmin(cur.ID, ext))
				case cur.DeletedAt == nil && reflect.DeepEqual(content(cur), content(inc)):
					res.Unchanged++
				default:
					res.Updated++
				}
				inFile[ext] = earlier{line, contentOf(inc)}
			}
		}
	}, &sql.TxOptions{ReadOnly: true})
	if opts.Progress != nil {
		opts.Progress(res.Read)
	}
	if err != nil {
		return res, internal("import dry run", err)
	}
	return res, res.Outcome()
}

// bulkIndexes lets a large import into SQLite build the secondary indexes
// of the incidents and their lists once at the end instead of row by row:
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

func (s *Store) newBulkIndexes(tx *gorm.DB) (*bulkIndexes, error) {
	if s.pg {
		return &bulkIndexes{done: true}, nil
	}
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

func readAhead(r exchange.Reader, now time.Time) *recordsAhead {
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
