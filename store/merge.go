package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"incidentdb/models"
)

// Merge folds the incident absorbed into survivor, two records of one
// attack: survivor becomes models.MergedInput of both (every figure of
// absorbed a claim beside its own), and absorbed is deleted with
// merged_into naming survivor, so that it leaves lists, reports and
// exports, and its id and external id lead to survivor. Both histories
// record it, and what survivor was is kept for Unmerge.
func (s *Store) Merge(ctx context.Context, actor string, survivorID, absorbedID int64) (models.Incident, error) {
	var out models.Incident
	err := s.writing(ctx, func(w *writer) error {
		if survivorID == absorbedID {
			return models.Invalidf("incident", "an incident cannot be merged into itself")
		}
		survivor, err := s.getForWrite(w.g, survivorID, false)
		if err != nil {
			return err
		}
		absorbed, err := s.getForWrite(w.g, absorbedID, false)
		if err != nil {
			return models.Invalidf("incident", "no live incident %d to merge", absorbedID)
		}
		next, err := models.MergedInput(survivor, absorbed).Normalize(s.now())
		if err != nil {
			return err
		}
		before, err := json.Marshal(content(survivor))
		if err != nil {
			return err
		}
		if out, err = s.updateTx(w, actor, survivor, next, "merge"); err != nil {
			return err
		}
		now := s.now()
		gone := absorbed
		gone.DeletedAt, gone.UpdatedAt, gone.Version, gone.MergedInto = &now, now, absorbed.Version+1, &survivorID
		if _, err := w.exec("UPDATE incidents SET deleted_at = ?, updated_at = ?, version = ?, merged_into = ? WHERE id = ?",
			formatTime(now), formatTime(now), gone.Version, survivorID, absorbedID); err != nil {
			return err
		}
		w.addTotals(&absorbed, -1)
		if err := w.changed(&absorbed, &gone, "merged", actor); err != nil {
			return err
		}
		after, err := json.Marshal(content(out))
		if err != nil {
			return err
		}
		_, err = w.exec("INSERT INTO merges (absorbed_id, survivor_id, survivor_version, survivor_before, survivor_after, merged_at, actor) VALUES (?, ?, ?, ?, ?, ?, ?)",
			absorbedID, survivorID, out.Version, string(before), string(after), formatTime(now), actor)
		return err
	})
	return out, internal("merge incidents", err)
}

// Unmerge undoes the merge of absorbed into survivor: survivor gets back
// what it was before and absorbed comes back as it was, each as a new
// version with a revision of its own. A survivor changed since the merge
// is a Conflict: undoing the merge would undo those changes too.
func (s *Store) Unmerge(ctx context.Context, actor string, survivorID, absorbedID int64) (models.Incident, error) {
	var out models.Incident
	err := s.writing(ctx, func(w *writer) error {
		var rec struct {
			SurvivorVersion int    `gorm:"column:survivor_version"`
			SurvivorBefore  string `gorm:"column:survivor_before"`
			SurvivorAfter   string `gorm:"column:survivor_after"`
		}
		res := w.g.Raw("SELECT survivor_version, survivor_before, survivor_after FROM merges WHERE absorbed_id = ? AND survivor_id = ?", absorbedID, survivorID).Scan(&rec)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return models.NotFoundf("incident", "incident %d was not merged into incident %d", absorbedID, survivorID)
		}
		survivor, err := s.getForWrite(w.g, survivorID, false)
		if err != nil {
			return err
		}
		// Changed since the merge, it would lose those changes; as it was
		// right after (a later merge into it undone), it is the same.
		now, err := json.Marshal(content(survivor))
		if err != nil {
			return err
		}
		if string(now) != rec.SurvivorAfter {
			return models.Conflictf("incident", "incident %d changed after the merge (now version %d, merged at version %d): unmerging would undo those changes; undo them, or the merges into it since, first", survivorID, survivor.Version, rec.SurvivorVersion)
		}
		var before models.Incident
		if err := json.Unmarshal([]byte(rec.SurvivorBefore), &before); err != nil {
			return err
		}
		if out, err = s.updateTx(w, actor, survivor, before, "unmerge"); err != nil {
			return err
		}
		absorbed, err := s.getForWrite(w.g, absorbedID, true)
		if err != nil {
			return err
		}
		back := absorbed
		at := s.now()
		back.DeletedAt, back.MergedInto, back.UpdatedAt, back.Version = nil, nil, at, absorbed.Version+1
		if _, err := w.exec("UPDATE incidents SET deleted_at = NULL, merged_into = NULL, updated_at = ?, version = ? WHERE id = ?",
			formatTime(at), back.Version, absorbedID); err != nil {
			return err
		}
		w.addTotals(&back, +1)
		if err := w.changed(&absorbed, &back, "unmerged", actor); err != nil {
			return err
		}
		_, err = w.exec("DELETE FROM merges WHERE absorbed_id = ?", absorbedID)
		return err
	})
	return out, internal("unmerge incidents", err)
}

// MergedInto says which incident id was merged into, if it was.
func (s *Store) MergedInto(ctx context.Context, id int64) (int64, bool, error) {
	var into sql.NullInt64
	err := s.r.WithContext(ctx).Raw("SELECT merged_into FROM incidents WHERE id = ?", id).Row().Scan(&into)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return into.Int64, into.Valid, internal("merged into", err)
}
