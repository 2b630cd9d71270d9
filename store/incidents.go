package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gorm.io/gorm"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// CreateIncident stores a normalized incident as version 1 with its first
// revision, and returns it as stored. A taken external_id is a Conflict.
func (s *Store) CreateIncident(ctx context.Context, actor string, inc models.Incident) (models.Incident, error) {
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		ins, err := s.newInserter(ctx, tx)
		if err != nil {
			return err
		}
		defer ins.close()
		now := s.now()
		inc.ID, inc.CreatedAt, inc.UpdatedAt, inc.DeletedAt = 0, now, now, nil
		if err := ins.insert(&inc, actor); err != nil {
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				return externalIDTaken(tx, inc.ExternalID)
			}
			return err
		}
		return ins.flush(tx)
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
	var rows []incidentRow
	if err := tx.Select("id", "deleted_at").Where("external_id = ?", v).Limit(1).Find(&rows).Error; err == nil && len(rows) == 1 {
		msg = fmt.Sprintf("%q is held by incident %d", v, rows[0].ID)
		if rows[0].Deleted != nil {
			msg += ", which is deleted; restore it instead of creating it again"
		}
	}
	return &models.Error{Code: models.Conflict, Message: "an incident with this external_id exists already",
		Fields: []models.FieldError{{Field: "external_id", Message: msg}}}
}

// GetIncident returns a live incident with its casualty lines and sources,
// or NotFound, also for a deleted one.
func (s *Store) GetIncident(ctx context.Context, id int64) (models.Incident, error) {
	inc, err := getTx(s.r.WithContext(ctx), id, false)
	return inc, internal("get incident", err)
}

func getTx(tx *gorm.DB, id int64, withDeleted bool) (models.Incident, error) {
	return getRow(tx, id, withDeleted, "")
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
		return models.Incident{}, &models.Error{Code: models.NotFound, Message: fmt.Sprintf("incident %d does not exist", id),
			Fields: []models.FieldError{{Field: "id", Message: "no incident has this id, or it was deleted"}}}
	}
	list, err := withChildren(tx, rows)
	if err != nil {
		return models.Incident{}, err
	}
	return list[0], nil
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
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		cur, err := s.getForWrite(tx, id, false)
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
		out, err = s.updateTx(tx, actor, cur, next, "update")
		return err
	})
	return out, internal("update incident", err)
}

// updateTx writes next over cur as the next version, unless it changes
// nothing, and returns what is stored. action is "update", or "restore"
// when cur was deleted.
func (s *Store) updateTx(tx *gorm.DB, actor string, cur, next models.Incident, action string) (models.Incident, error) {
	next.ID, next.CreatedAt, next.Version, next.DeletedAt = cur.ID, cur.CreatedAt, cur.Version, nil
	next.UpdatedAt = cur.UpdatedAt
	if cur.DeletedAt == nil && reflect.DeepEqual(content(cur), content(next)) {
		return cur, nil
	}
	next.Version = cur.Version + 1
	next.UpdatedAt = s.now()
	row := toRow(&next)
	res := tx.Model(&incidentRow{}).Where("id = ? AND version = ?", cur.ID, cur.Version).
		Select("*").Omit("id", "created_at").Updates(&row)
	if res.Error != nil {
		if errors.Is(res.Error, gorm.ErrDuplicatedKey) {
			return models.Incident{}, externalIDTaken(tx, next.ExternalID)
		}
		return models.Incident{}, res.Error
	}
	if res.RowsAffected != 1 {
		// Another writer changed it between our read and this write: only
		// possible where writers run side by side (PostgreSQL).
		return models.Incident{}, &models.Error{Code: models.Precondition, Current: cur.Version + 1,
			Message: fmt.Sprintf("incident %d changed while this change was applied: fetch it again", cur.ID),
			Fields:  []models.FieldError{{Field: "If-Match", Message: "the incident changed meanwhile"}}}
	}
	if err := deleteChildren(tx, cur); err != nil {
		return models.Incident{}, err
	}
	if err := writeChildren(tx, &next); err != nil {
		return models.Incident{}, err
	}
	labels := map[labelKey]string{}
	addLabels(labels, &next)
	if err := writeLabels(tx, labels); err != nil {
		return models.Incident{}, err
	}
	if cur.DeletedAt == nil {
		if err := applyTotals(tx, &cur, -1); err != nil {
			return models.Incident{}, err
		}
	}
	if err := applyTotals(tx, &next, +1); err != nil {
		return models.Incident{}, err
	}
	if err := bumpGeneration(tx); err != nil {
		return models.Incident{}, err
	}
	return next, writeRevision(tx, action, actor, &cur, &next)
}

func checkVersion(cur models.Incident, want []int) error {
	if want != nil && !slices.Contains(want, cur.Version) {
		return &models.Error{Code: models.Precondition, Current: cur.Version,
			Message: fmt.Sprintf("incident %d is at version %d, not %v: fetch it again and reapply your change", cur.ID, cur.Version, want),
			Fields:  []models.FieldError{{Field: "If-Match", Message: fmt.Sprintf("the current version is %d", cur.Version)}}}
	}
	return nil
}

// DeleteIncident soft-deletes a live incident: the row, its children and
// its history stay, it leaves lists and reports, and the deletion is a
// revision of its own.
func (s *Store) DeleteIncident(ctx context.Context, actor string, id int64, want []int) error {
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		cur, err := s.getForWrite(tx, id, false)
		if err != nil {
			return err
		}
		if err := checkVersion(cur, want); err != nil {
			return err
		}
		next := cur
		now := s.now()
		next.DeletedAt, next.UpdatedAt, next.Version = &now, now, cur.Version+1
		if err := tx.Model(&incidentRow{}).Where("id = ?", id).Updates(map[string]any{
			"deleted_at": formatTime(now), "updated_at": formatTime(now), "version": next.Version,
		}).Error; err != nil {
			return err
		}
		if err := applyTotals(tx, &cur, -1); err != nil {
			return err
		}
		if err := bumpGeneration(tx); err != nil {
			return err
		}
		return writeRevision(tx, "delete", actor, &cur, &next)
	})
	return internal("delete incident", err)
}

// RestoreIncident brings back a deleted incident as the next version, with
// a revision of its own. An incident that is not deleted is a Conflict.
func (s *Store) RestoreIncident(ctx context.Context, actor string, id int64, want []int) (models.Incident, error) {
	var out models.Incident
	err := s.writeTx(ctx, func(tx *gorm.DB) error {
		cur, err := s.getForWrite(tx, id, true)
		if err != nil {
			return err
		}
		if cur.DeletedAt == nil {
			return &models.Error{Code: models.Conflict, Message: fmt.Sprintf("incident %d is not deleted", id),
				Fields: []models.FieldError{{Field: "id", Message: "only a deleted incident can be restored"}}}
		}
		if err := checkVersion(cur, want); err != nil {
			return err
		}
		out = cur
		now := s.now()
		out.DeletedAt, out.UpdatedAt, out.Version = nil, now, cur.Version+1
		if err := tx.Model(&incidentRow{}).Where("id = ?", id).Updates(map[string]any{
			"deleted_at": nil, "updated_at": formatTime(now), "version": out.Version,
		}).Error; err != nil {
			return err
		}
		if err := applyTotals(tx, &out, +1); err != nil {
			return err
		}
		if err := bumpGeneration(tx); err != nil {
			return err
		}
		return writeRevision(tx, "restore", actor, &cur, &out)
	})
	return out, internal("restore incident", err)
}

func deleteChildren(tx *gorm.DB, cur models.Incident) error {
	for _, table := range []string{"casualties", "incident_forces", "incident_countries", "sources"} {
		if err := tx.Exec("DELETE FROM "+table+" WHERE incident_id = ?", cur.ID).Error; err != nil {
			return err
		}
	}
	if words := indexedWords(&cur); len(words) > 0 {
		return tx.Exec("DELETE FROM incident_words WHERE incident_id = ? AND word IN ?", cur.ID, words).Error
	}
	return nil
}

// indexedWords are the words q matches for an incident.
func indexedWords(inc *models.Incident) []string {
	text := inc.Summary
	if inc.Locality != nil {
		text += " " + *inc.Locality
	}
	return models.Words(text)
}

func writeChildren(tx *gorm.DB, inc *models.Incident) error {
	if len(inc.Casualties) > 0 {
		rows := make([]casualtyRow, len(inc.Casualties))
		for i, c := range inc.Casualties {
			rows[i] = casualtyRow{IncidentID: inc.ID, Position: i, Group: string(c.Group), Force: c.Force,
				ForceKey: foldPtr(c.Force), Nationality: c.Nationality, Killed: c.Killed, Wounded: c.Wounded}
		}
		if err := tx.CreateInBatches(rows, 500).Error; err != nil {
			return err
		}
	}
	if len(inc.Forces) > 0 {
		rows := make([]forceRow, len(inc.Forces))
		for i, f := range inc.Forces {
			rows[i] = forceRow{IncidentID: inc.ID, Position: i, Name: f, NameKey: gazetteer.Fold(f)}
		}
		if err := tx.Create(rows).Error; err != nil {
			return err
		}
	}
	if len(inc.ContributingCountries) > 0 {
		rows := make([]countryRow, len(inc.ContributingCountries))
		for i, c := range inc.ContributingCountries {
			rows[i] = countryRow{IncidentID: inc.ID, Position: i, Code: c}
		}
		if err := tx.Create(rows).Error; err != nil {
			return err
		}
	}
	if len(inc.Sources) > 0 {
		rows := make([]sourceRow, len(inc.Sources))
		for i, src := range inc.Sources {
			rows[i] = sourceRow{IncidentID: inc.ID, Position: i, Title: src.Title, Publisher: src.Publisher,
				URL: src.URL, PublishedOn: src.PublishedOn, Language: src.Language}
		}
		if err := tx.Create(rows).Error; err != nil {
			return err
		}
	}
	if words := indexedWords(inc); len(words) > 0 {
		rows := make([]wordRow, len(words))
		for i, w := range words {
			rows[i] = wordRow{Word: w, IncidentID: inc.ID}
		}
		if err := tx.CreateInBatches(rows, 1000).Error; err != nil {
			return err
		}
	}
	return nil
}

// withChildren turns rows into incidents. The lists are on the row, so no
// child table is read.
func withChildren(_ *gorm.DB, rows []incidentRow) ([]models.Incident, error) {
	out := make([]models.Incident, len(rows))
	for i, r := range rows {
		out[i] = fromRow(r)
	}
	return out, nil
}

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
		if !contains(keys, k) {
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func writeRevision(tx *gorm.DB, action, actor string, old, next *models.Incident) error {
	changes := []models.Change{}
	if old != nil {
		changes = diff(old, next)
	}
	cb, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	row := revisionRow{IncidentID: next.ID, Version: next.Version, Action: action, Actor: actor,
		ChangedAt: formatTime(next.UpdatedAt), Changes: string(cb)}
	if next.Version%snapshotEvery == 0 {
		b, err := json.Marshal(content(*next))
		if err != nil {
			return err
		}
		snap := string(b)
		row.Snapshot = &snap
	}
	return tx.Create(&row).Error
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
		cur, err := getTx(tx, id, true)
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
		cur, err := getTx(tx, id, true)
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
