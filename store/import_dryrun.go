package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"reflect"

	"gorm.io/gorm"

	"incidentdb/exchange"
	"incidentdb/models"
)

// restoreNeedsAdmin is the row error of a record that would bring back a
// deleted incident for a sender who may not restore.
func restoreNeedsAdmin(id int64, externalID string) error {
	return models.FieldErrorf(models.Forbidden, "restoring a deleted incident needs the admin role", "external_id", "%q is held by incident %d, which is deleted; restoring it needs the admin role (POST /incidents/%d/restore)", externalID, id, id)
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
		records := readAhead(r, s.now(), opts)
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
					res.Fail(line, models.FieldErrorf(models.Conflict, "duplicate external_id", "external_id", "%q is also on line %d of this file", ext, prev.line))
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
			inc.Origin = cur.Origin // as updateTx keeps it
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
