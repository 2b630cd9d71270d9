package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"incidentdb/models"
)

// CreateIncident stores a normalized incident as version 1 with its first
// revision, and returns it as stored. A taken external_id is a Conflict.
func (s *Store) CreateIncident(ctx context.Context, actor string, inc models.Incident) (models.Incident, error) {
	err := s.writing(ctx, func(w *writer) error {
		now := s.now()
		inc.ID, inc.CreatedAt, inc.UpdatedAt, inc.DeletedAt = 0, now, now, nil
		if err := w.insert(&inc, actor); err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return externalIDTaken(w.g, inc.ExternalID)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return models.Incident{}, internal("create incident", err)
	}
	return inc, nil
}

// externalIDTaken says which incident holds the external_id, deleted or
// not, so the client can update or restore it instead of guessing.
func externalIDTaken(tx *gorm.DB, id *string) error {
	v := ""
	if id != nil {
		v = *id
	}
	msg := fmt.Sprintf("%q is taken", v)
	var rows []struct {
		ID      int64
		Deleted *string
	}
	if err := tx.Raw("SELECT id, deleted_at AS deleted FROM incidents WHERE external_id = ? LIMIT 1", v).Scan(&rows).Error; err == nil && len(rows) == 1 {
		msg = fmt.Sprintf("%q is held by incident %d", v, rows[0].ID)
		if rows[0].Deleted != nil {
			msg += ", which is deleted; restore it instead of creating it again"
		}
	}
	return models.Conflictf("external_id", "%s", msg)
}

// writing runs fn in a write transaction with a writer, whose collected
// words, labels and totals are written before it commits.
func (s *Store) writing(ctx context.Context, fn func(w *writer) error) error {
	return s.writeTx(ctx, func(tx *gorm.DB) error {
		w, err := s.newWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		if err := fn(w); err != nil {
			return err
		}
		return w.flush()
	})
}

// GetIncident returns a live incident with its casualty lines and sources,
// or NotFound, also for a deleted one.
func (s *Store) GetIncident(ctx context.Context, id int64) (models.Incident, error) {
	inc, err := getRow(s.r.WithContext(ctx), id, false, "")
	return inc, internal("get incident", err)
}

// getForWrite reads an incident that the transaction is about to change.
// On PostgreSQL it locks the row, so a concurrent writer waits and then
// reads the new version instead of failing on a stale one.
func (s *Store) getForWrite(tx *gorm.DB, id int64, withDeleted bool) (models.Incident, error) {
	return getRow(tx, id, withDeleted, s.d.forUpdate())
}

func getRow(tx *gorm.DB, id int64, withDeleted bool, lock string) (models.Incident, error) {
	q := "SELECT " + incidentColumns + " FROM incidents i WHERE i.id = ?"
	if !withDeleted {
		q += " AND i.deleted_at IS NULL"
	}
	q += lock
	rows, err := queryIncidents(tx, q, id)
	if err != nil {
		return models.Incident{}, err
	}
	if len(rows) == 0 {
		return models.Incident{}, models.NotFoundf("id", "no incident %d, or it was deleted", id)
	}
	return fromRow(rows[0]), nil
}

// UpdateIncident changes a live incident inside one transaction: it loads
// the current state, checks it is at one of the versions in want (nil
// means any), lets
// change compute the new state from it, and writes it as the next version
// with a revision. When change returns the incident unaltered nothing is
// written and the version stays, so repeating a PUT is harmless.
func (s *Store) UpdateIncident(ctx context.Context, actor string, id int64, want []int,
	change func(current models.Incident) (models.Incident, error)) (models.Incident, error) {
	var out models.Incident
	err := s.writing(ctx, func(w *writer) error {
		cur, err := s.getForWrite(w.g, id, false)
		if err != nil {
			return err
		}
		if err := checkVersion(cur, want); err != nil {
			return err
		}
		next, err := change(cur)
		if err != nil {
			return err
		}
		out, err = s.updateTx(w, actor, cur, next, "update")
		return err
	})
	return out, internal("update incident", err)
}

// updateTx writes next over cur as the next version, unless it changes
// nothing, and returns what is stored. action is "update", or "restore"
// when cur was deleted.
func (s *Store) updateTx(w *writer, actor string, cur, next models.Incident, action string) (models.Incident, error) {
	next.ID, next.CreatedAt, next.Version, next.DeletedAt = cur.ID, cur.CreatedAt, cur.Version, nil
	next.UpdatedAt = cur.UpdatedAt
	// Where an incident came from is where it was created: an edit or a
	// later import changes what it says, not that.
	next.Origin = cur.Origin
	if cur.DeletedAt == nil {
		was, is := content(cur), content(next)
		if reflect.DeepEqual(was, is) {
			return cur, nil
		}
		if sameApartFromWords(was, is) {
			w.wordsOnly++
		}
	}
	next.Version = cur.Version + 1
	next.UpdatedAt = s.now()
	row := toRow(&next)
	n, err := w.exec(updateIncidentSQL, append(row.values(updatedColumn), cur.ID, cur.Version)...)
	if err != nil {
		if isUniqueViolation(err) {
			return models.Incident{}, externalIDTaken(w.g, next.ExternalID)
		}
		return models.Incident{}, err
	}
	if n != 1 {
		// Another writer changed it between our read and this write: only
		// possible where writers run side by side (PostgreSQL).
		return models.Incident{}, &models.Error{Code: models.Precondition, Current: cur.Version + 1,
			Message: fmt.Sprintf("incident %d changed while this change was applied: fetch it again", cur.ID),
			Fields:  []models.FieldError{{Field: "If-Match", Message: "the incident changed meanwhile"}}}
	}
	if err := w.replaceChildren(&cur, &next); err != nil {
		return models.Incident{}, err
	}
	if cur.DeletedAt == nil {
		w.addTotals(&cur, -1)
	}
	w.addTotals(&next, +1)
	return next, w.changed(&cur, &next, action, actor)
}

// sameApartFromWords says two contents differ at most in their summary and
// locality, which no count, sum or picker reads except through q's words.
func sameApartFromWords(was, is map[string]any) bool {
	for k, v := range is {
		if k != "summary" && k != "locality" && !reflect.DeepEqual(was[k], v) {
			return false
		}
	}
	for k := range was {
		if _, ok := is[k]; !ok && k != "summary" && k != "locality" {
			return false
		}
	}
	return true
}

func checkVersion(cur models.Incident, want []int) error {
	if want != nil && !slices.Contains(want, cur.Version) {
		return &models.Error{Code: models.Precondition, Current: cur.Version,
			Message: fmt.Sprintf("incident %d is at version %d, not %s: fetch it again and reapply your change", cur.ID, cur.Version, versions(want)),
			Fields:  []models.FieldError{{Field: "If-Match", Message: fmt.Sprintf("the current version is %d", cur.Version)}}}
	}
	return nil
}

// DeleteIncident soft-deletes a live incident: the row, its children and
// its history stay, it leaves lists and reports, and the deletion is a
// revision of its own.
func (s *Store) DeleteIncident(ctx context.Context, actor string, id int64, want []int) error {
	err := s.writing(ctx, func(w *writer) error {
		cur, err := s.getForWrite(w.g, id, false)
		if err != nil {
			return err
		}
		if err := checkVersion(cur, want); err != nil {
			return err
		}
		next := cur
		now := s.now()
		next.DeletedAt, next.UpdatedAt, next.Version = &now, now, cur.Version+1
		if _, err := w.exec(markSQL, formatTime(now), formatTime(now), next.Version, id); err != nil {
			return err
		}
		w.addTotals(&cur, -1)
		return w.changed(&cur, &next, "delete", actor)
	})
	return internal("delete incident", err)
}

// markSQL deletes or restores a row.
const markSQL = "UPDATE incidents SET deleted_at = ?, updated_at = ?, version = ? WHERE id = ?"

// RestoreIncident brings back a deleted incident as the next version, with
// a revision of its own. An incident that is not deleted is a Conflict.
func (s *Store) RestoreIncident(ctx context.Context, actor string, id int64, want []int) (models.Incident, error) {
	var out models.Incident
	err := s.writing(ctx, func(w *writer) error {
		cur, err := s.getForWrite(w.g, id, true)
		if err != nil {
			return err
		}
		if cur.DeletedAt == nil {
			return models.Conflictf("id", "incident %d is not deleted; only a deleted incident can be restored", id)
		}
		if err := checkVersion(cur, want); err != nil {
			return err
		}
		out = cur
		now := s.now()
		out.DeletedAt, out.UpdatedAt, out.Version = nil, now, cur.Version+1
		if _, err := w.exec(markSQL, nil, formatTime(now), out.Version, id); err != nil {
			return err
		}
		w.addTotals(&out, +1)
		return w.changed(&cur, &out, "restore", actor)
	})
	return out, internal("restore incident", err)
}

// indexedWords are the words q matches for an incident.
func indexedWords(inc *models.Incident) []string {
	text := inc.Summary
	if inc.Locality != nil {
		text += " " + *inc.Locality
	}
	return models.Words(text)
}

// versions lists the versions an If-Match asked for, as a reader says them.
func versions(want []int) string {
	parts := make([]string, len(want))
	for i, v := range want {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, " or ")
}
