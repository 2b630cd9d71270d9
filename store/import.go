package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"gorm.io/gorm"

	"incidentdb/models"
	"incidentdb/store/exchange"
)

// What a re-import does with an external_id that is already stored.
const (
	OnConflictFail   = "fail"
	OnConflictSkip   = "skip"
	OnConflictUpdate = "update"
)

// MaxImportErrors bounds the row errors an import reports; past it the
// file is still read to the end, so the count is right, but not listed.
const MaxImportErrors = 1000

// ImportOptions steer an import.
type ImportOptions struct {
	OnConflict string // fail (default), skip or update
	DryRun     bool   // validate and count, then roll back
	// Progress, when set, is called now and then with the records read.
	Progress func(read int)
}

// RowError is one bad row of an import.
type RowError struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ImportResult counts what an import did (or, on a dry run or a failure,
// would have done).
type ImportResult struct {
	Read      int        `json:"read"`
	Created   int        `json:"created"`
	Updated   int        `json:"updated"`
	Skipped   int        `json:"skipped"`
	Unchanged int        `json:"unchanged"`
	DryRun    bool       `json:"dry_run"`
	Failed    int        `json:"failed"`
	Errors    []RowError `json:"errors"`
}

// Import stores every record of r in one transaction: all or nothing. Every
// bad row is reported (up to MaxImportErrors) with its line, field and
// reason; if there is any, nothing is stored and the error is Invalid. A
// record whose external_id is stored already is handled by OnConflict.
func (s *Store) Import(ctx context.Context, actor string, r exchange.Reader, opts ImportOptions) (ImportResult, error) {
	res := ImportResult{DryRun: opts.DryRun, Errors: []RowError{}}
	switch opts.OnConflict {
	case "":
		opts.OnConflict = OnConflictFail
	case OnConflictFail, OnConflictSkip, OnConflictUpdate:
	default:
		return res, &models.Error{Code: models.Malformed, Message: "on_conflict is not valid",
			Fields: []models.FieldError{{Field: "on_conflict", Message: "must be fail, skip or update"}}}
	}
	errRollback := errors.New("roll back")
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		ins, err := s.newInserter(ctx, tx)
		if err != nil {
			return err
		}
		defer ins.close()
		now := s.now()
		seen := map[string]int{} // external ids read after the first failure, by line
		fail := func(line int, err error) {
			res.Failed++
			var me *models.Error
			if !errors.As(err, &me) || len(me.Fields) == 0 {
				res.add(RowError{Line: line, Field: "row", Message: err.Error()})
				return
			}
			for _, f := range me.Fields {
				res.add(RowError{Line: line, Field: f.Field, Message: f.Message})
			}
		}
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
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
			inc, err := rec.Input.Normalize(now)
			if err != nil {
				fail(rec.Line, err)
				continue
			}
			if res.Failed > 0 {
				// Nothing will be stored: validate only, but still report every
				// external_id that would fail, not just the first.
				if opts.OnConflict == OnConflictFail && inc.ExternalID != nil {
					if line, dup := seen[*inc.ExternalID]; dup {
						fail(rec.Line, &models.Error{Code: models.Conflict, Message: "duplicate external_id",
							Fields: []models.FieldError{{Field: "external_id", Message: fmt.Sprintf("%q is also on line %d of this file", *inc.ExternalID, line)}}})
						continue
					}
					seen[*inc.ExternalID] = rec.Line
					if id, err := ins.existing(*inc.ExternalID); err == nil && id != 0 {
						fail(rec.Line, externalIDTaken(tx, inc.ExternalID))
					}
				}
				continue
			}
			if err := s.importOne(tx, ins, actor, inc, now, opts.OnConflict, &res, false); err != nil {
				var me *models.Error
				if !errors.As(err, &me) {
					return err
				}
				fail(rec.Line, err)
			}
		}
		if opts.Progress != nil {
			opts.Progress(res.Read)
		}
		if res.Failed > 0 || opts.DryRun {
			return errRollback
		}
		return ins.flush(tx)
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	if err != nil {
		return res, internal("import", err)
	}
	if res.Failed > 0 {
		res.Created, res.Updated, res.Skipped, res.Unchanged = 0, 0, 0, 0
		e := &models.Error{Code: models.Invalid,
			Message: fmt.Sprintf("%d of %d records are not valid; nothing was imported", res.Failed, res.Read)}
		for _, re := range res.Errors {
			e.Fields = append(e.Fields, models.FieldError{Field: re.Field, Message: re.Message, Line: re.Line})
		}
		return res, e
	}
	return res, nil
}

func (r *ImportResult) add(e RowError) {
	if len(r.Errors) < MaxImportErrors {
		r.Errors = append(r.Errors, e)
	}
}

func (s *Store) importOne(tx *gorm.DB, ins *inserter, actor string, inc models.Incident, now time.Time, onConflict string, res *ImportResult, retried bool) error {
	if inc.ExternalID != nil {
		id, err := ins.existing(*inc.ExternalID)
		if err != nil {
			return err
		}
		if id != 0 {
			switch onConflict {
			case OnConflictSkip:
				res.Skipped++
				return nil
			case OnConflictUpdate:
				cur, err := s.getForWrite(tx, id, true)
				if err != nil {
					return err
				}
				action := "update"
				if cur.DeletedAt != nil {
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
			return externalIDTaken(tx, inc.ExternalID)
		}
	}
	inc.CreatedAt, inc.UpdatedAt = now, now
	if err := ins.insert(&inc, actor); err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) && onConflict != OnConflictFail && !retried {
			// Another writer stored it between our look and our insert
			// (PostgreSQL): it exists now, so handle it as existing.
			return s.importOne(tx, ins, actor, inc, now, onConflict, res, true)
		}
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return externalIDTaken(tx, inc.ExternalID)
		}
		return err
	}
	res.Created++
	return nil
}
