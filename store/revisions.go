package store

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"strings"

	"gorm.io/gorm"

	"incidentdb/models"
)

// content is the part of an incident a client controls: what a revision
// diffs and what decides whether an update changed anything.
func content(inc models.Incident) map[string]any {
	inc.ID, inc.Version, inc.DeletedAt = 0, 0, nil
	b, _ := json.Marshal(inc)
	m := map[string]any{}
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"id", "version", "created_at", "updated_at", "deleted_at"} {
		delete(m, k)
	}
	return m
}

type revisionRow struct {
	ID         int64  `gorm:"column:id;primaryKey"`
	IncidentID int64  `gorm:"column:incident_id"`
	Version    int    `gorm:"column:version"`
	Action     string `gorm:"column:action"`
	Actor      string `gorm:"column:actor"`
	ChangedAt  string `gorm:"column:changed_at"`
	Changes    string `gorm:"column:changes"`
	// Snapshot is the incident's content at this version, on every
	// snapshotEvery-th version (see migration 0010).
	Snapshot *string `gorm:"column:snapshot"`
}

func (revisionRow) TableName() string { return "revisions" }

// snapshotEvery is how often a revision holds the whole incident: reading
// any version undoes at most this many revisions.
const snapshotEvery = 16

func diff(old, next *models.Incident) []models.Change {
	var before map[string]any
	if old != nil {
		before = content(*old)
	}
	after := content(*next)
	keys := make([]string, 0, len(after))
	for k := range after {
		keys = append(keys, k)
	}
	// Field order follows the JSON document, which is what a reader expects.
	order := fieldOrder()
	out := []models.Change{}
	for _, k := range order {
		if !slices.Contains(keys, k) {
			continue
		}
		if old != nil && reflect.DeepEqual(before[k], after[k]) {
			continue
		}
		var was any
		if old != nil {
			was = before[k]
		}
		out = append(out, models.Change{Field: k, Old: was, New: after[k]})
	}
	return out
}

func fieldOrder() []string {
	t := reflect.TypeOf(models.Incident{})
	out := make([]string, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out = append(out, name)
	}
	return out
}

// changed records the revision of a change from old to next: each changed
// field's old and new value.
func (w *writer) changed(old, next *models.Incident, action, actor string) error {
	b, err := json.Marshal(diff(old, next))
	if err != nil {
		return err
	}
	return w.revision(next, action, actor, string(b), nil)
}

// History lists a page of the revisions of an incident, deleted or not,
// oldest first. The create lists every field the incident was created
// with. Neither the page nor the work behind it holds more than one
// revision beyond the page's size: the create's fields are found by
// undoing the later changes one revision at a time.
func (s *Store) History(ctx context.Context, id int64, page models.HistoryPage) (models.HistoryResult, error) {
	var out models.HistoryResult
	limit := page.Limit
	if limit <= 0 {
		limit = models.DefaultLimit
	}
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := getRow(tx, id, true, "")
		if err != nil {
			return err
		}
		rows, err := tx.Raw("SELECT version, action, actor, changed_at, changes FROM revisions WHERE incident_id = ? AND version > ? ORDER BY version LIMIT ?",
			id, page.After, limit+1).Rows()
		if err != nil {
			return err
		}
		defer rows.Close()
		out.Revisions = []models.Revision{}
		size := 0
		for rows.Next() {
			var r revisionRow
			if err := rows.Scan(&r.Version, &r.Action, &r.Actor, &r.ChangedAt, &r.Changes); err != nil {
				return err
			}
			if len(out.Revisions) == limit || len(out.Revisions) > 0 && size+len(r.Changes) > models.MaxPageBytes {
				next := out.Revisions[len(out.Revisions)-1].Version
				out.Next = &next
				break
			}
			size += len(r.Changes)
			rev := models.Revision{Version: r.Version, Action: r.Action, Actor: r.Actor, ChangedAt: r.ChangedAt, Changes: []models.Change{}}
			if err := json.Unmarshal([]byte(r.Changes), &rev.Changes); err != nil {
				return err
			}
			out.Revisions = append(out.Revisions, rev)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(out.Revisions) > 0 && out.Revisions[0].Action == "create" {
			first, err := undo(tx, cur, out.Revisions[0].Version)
			if err != nil {
				return err
			}
			out.Revisions[0].Changes = diff(nil, &first)
		}
		return nil
	})
	return out, internal("history", err)
}

// IncidentAt returns the incident as it stood at one version: the current
// state with every later change undone.
func (s *Store) IncidentAt(ctx context.Context, id int64, version int) (models.Incident, error) {
	var out models.Incident
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		cur, err := getRow(tx, id, true, "")
		if err != nil {
			return err
		}
		if version < 1 || version > cur.Version {
			return models.Errorf(models.NotFound, "incident %d has no version %d; its latest is %d", id, version, cur.Version)
		}
		out, err = undo(tx, cur, version)
		return err
	})
	return out, internal("incident at version", err)
}

// undo rolls cur back to version: from the nearest snapshot at or after
// version (or from cur when there is none), it applies the old values of
// each later revision, newest first, read one at a time.
func undo(tx *gorm.DB, cur models.Incident, version int) (models.Incident, error) {
	doc := content(cur)
	upTo := cur.Version
	var snaps []revisionRow
	if err := tx.Raw("SELECT version, snapshot FROM revisions WHERE incident_id = ? AND version >= ? AND snapshot IS NOT NULL ORDER BY version LIMIT 1",
		cur.ID, version).Scan(&snaps).Error; err != nil {
		return models.Incident{}, err
	}
	if len(snaps) == 1 && snaps[0].Snapshot != nil {
		doc = map[string]any{}
		if err := json.Unmarshal([]byte(*snaps[0].Snapshot), &doc); err != nil {
			return models.Incident{}, err
		}
		upTo = snaps[0].Version
	}
	rows, err := tx.Raw("SELECT version, action, changed_at, changes FROM revisions WHERE incident_id = ? AND version >= ? AND version <= ? ORDER BY version DESC",
		cur.ID, version, upTo).Rows()
	if err != nil {
		return models.Incident{}, err
	}
	defer rows.Close()
	var at revisionRow
	for rows.Next() {
		var r revisionRow
		if err := rows.Scan(&r.Version, &r.Action, &r.ChangedAt, &r.Changes); err != nil {
			return models.Incident{}, err
		}
		if r.Version == version {
			at = r
			continue
		}
		var changes []models.Change
		if err := json.Unmarshal([]byte(r.Changes), &changes); err != nil {
			return models.Incident{}, err
		}
		for _, c := range changes {
			doc[c.Field] = c.Old
		}
	}
	if err := rows.Err(); err != nil {
		return models.Incident{}, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return models.Incident{}, err
	}
	var out models.Incident
	if err := json.Unmarshal(b, &out); err != nil {
		return models.Incident{}, err
	}
	out.ID, out.CreatedAt, out.Version = cur.ID, cur.CreatedAt, version
	out.DeletedAt = nil
	if at.Version == version {
		out.UpdatedAt = parseTime(at.ChangedAt)
		if at.Action == "delete" {
			out.DeletedAt = &out.UpdatedAt
		}
	}
	return out, nil
}
