package store

import (
	"context"
	"database/sql"
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

// writer is the one write path of incidents and everything that depends
// on them (casualty lines, forces, countries, words, revisions, report
// totals, labels), with statements prepared once per transaction,
// on first use. Create, replace, patch, delete, restore and import all go
// through it, one incident at a time over HTTP or a million in an import.
// Totals and labels are collected and written at flush,
// which every transaction that used a writer ends with.
type writer struct {
	ctx   context.Context
	g     *gorm.DB             // the transaction, as GORM holds it
	tx    *sql.Tx              // the same, for the prepared statements
	stmts map[string]*sql.Stmt // by SQL
	// nextWords, when set, are the words of the next incident inserted,
	// split ahead by the import.
	nextWords []string
	// multi holds multi-row INSERTs by table and row count: one statement
	// step per child table per incident instead of one per row, which
	// matters most for the thirty-odd words of a summary.
	multi map[multiKey]*sql.Stmt
	args  []any
	d     dialect
	// totals collects the changes to the report totals, to be added in one
	// upsert per key at flush instead of two per incident; removed says
	// some went down, and rows may have emptied.
	totals  map[totalsKey]sums
	removed bool
	// labels collects the names the incidents wrote, recorded at flush.
	labels map[labelKey]string
	// states counts the incident states addTotals took away or added, and
	// wordsOnly the edits among them that changed a summary or a locality
	// and nothing else (two states each): when they are all such edits, no
	// count or sum moved, and flush leaves the counts' generation as it is.
	states, wordsOnly int
}

type totalsKey struct {
	table, period, regionKey, region, country, missionKey, mission, typ, dataset string
}

func sqlTx(tx *gorm.DB) (*sql.Tx, error) {
	t, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, errors.New("store: not inside a transaction")
	}
	return t, nil
}

func (s *Store) newWriter(ctx context.Context, tx *gorm.DB) (*writer, error) {
	t, err := sqlTx(tx)
	if err != nil {
		return nil, err
	}
	return &writer{ctx: ctx, g: tx, tx: t, d: s.d, stmts: map[string]*sql.Stmt{}, totals: map[totalsKey]sums{},
		multi: map[multiKey]*sql.Stmt{}, labels: map[labelKey]string{}}, nil
}

// The statements of the writer, in ? form.
var (
	insertIncidentSQL = "INSERT INTO incidents (" + columnNames("", insertedColumn) + ") VALUES (" + placeholders(insertedColumn) + ")"
	lookupSQL         = "SELECT id FROM incidents WHERE external_id = ?"
	revisionSQL       = "INSERT INTO revisions (incident_id, version, action, actor, changed_at, changes, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)"
)

// stmt is q prepared in the writer's transaction, once.
func (w *writer) stmt(q string) (*sql.Stmt, error) {
	if st, ok := w.stmts[q]; ok {
		return st, nil
	}
	st, err := w.tx.PrepareContext(w.ctx, w.d.rebind(q))
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	w.stmts[q] = st
	return st, nil
}

// exec runs q with args and returns how many rows it changed.
func (w *writer) exec(q string, args ...any) (int64, error) {
	st, err := w.stmt(q)
	if err != nil {
		return 0, err
	}
	res, err := st.ExecContext(w.ctx, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (w *writer) close() {
	for _, st := range w.stmts {
		st.Close()
	}
	for _, st := range w.multi {
		st.Close()
	}
}

type multiKey struct {
	table string
	rows  int
}

// The child tables and their columns, in the order insertRows takes values.
var casualtiesInsert = "casualties (" + strings.Join(casualtyColumns, ", ") + ")"

const (
	forcesInsert    = "incident_forces (incident_id, position, name, name_key)"
	countriesInsert = "incident_countries (incident_id, position, code)"
)

// casualtyColumns are the columns of the casualties table, in the order of
// casualtyValues: the writer, COPY and the copy between engines all take
// them from here. The table holds an incident's lines and, at position
// unattributedPosition, the part of its figures no line holds.
var casualtyColumns = []string{"incident_id", "position", "grp", "force", "force_key", "nationality", "killed", "killed_known", "wounded", "wounded_known",
	"killed_low", "killed_high", "wounded_low", "wounded_high"}

// unattributedPosition is where the unattributed part of an incident's
// figures is stored among its lines, with group ” and no nationality, so
// that a report by group or nationality counts it (as no group) with the
// same join as the lines (migration 0011).
const unattributedPosition = -1

// casualtyValues is line number position of incident id as stored: an
// unknown figure is 0 with its known flag 0, so sums need no NULL handling.
func casualtyValues(id int64, position int, c models.Casualty) []any {
	return []any{id, position, string(c.Group), c.Force, foldPtr(c.Force), c.Nationality,
		models.Value0(c.Killed), known(c.Killed), models.Value0(c.Wounded), known(c.Wounded),
		models.Value0(c.KilledLow), models.Value0(c.KilledHigh), models.Value0(c.WoundedLow), models.Value0(c.WoundedHigh)}
}

// unattributedValues is the casualties row of inc's unattributed part, when
// it has one (see models.Incident.Unattributed).
func unattributedValues(inc *models.Incident) ([]any, bool) {
	if !inc.HasUnattributed() {
		return nil, false
	}
	k, w := inc.UnattributedAs(models.Best)
	kl, wl := inc.UnattributedAs(models.Low)
	kh, wh := inc.UnattributedAs(models.High)
	return []any{inc.ID, unattributedPosition, "", nil, nil, nil, models.Value0(k), known(k), models.Value0(w), known(w),
		models.Value0(kl), models.Value0(kh), models.Value0(wl), models.Value0(wh)}, true
}

// insertRows inserts len(values)/cols rows into table, cols values a row,
// up to perStatement rows a statement. Tables with a foreign key take one
// row a statement: SQLite checks a multi-row insert's keys several times
// slower than single rows'.
func (w *writer) insertRows(table string, cols, perStatement int, values []any) error {
	for len(values) > 0 {
		n := min(len(values)/cols, perStatement)
		k := multiKey{table, n}
		st, ok := w.multi[k]
		if !ok {
			row := "(" + strings.Repeat("?, ", cols-1) + "?)"
			q := "INSERT INTO " + table + " VALUES " + strings.Repeat(row+", ", n-1) + row
			var err error
			if st, err = w.tx.PrepareContext(w.ctx, w.d.rebind(q)); err != nil {
				return err
			}
			w.multi[k] = st
		}
		if _, err := st.ExecContext(w.ctx, values[:n*cols]...); err != nil {
			return err
		}
		values = values[n*cols:]
	}
	return nil
}

// existing returns the id of the incident holding externalID, or 0.
func (w *writer) existing(externalID string) (int64, error) {
	st, err := w.stmt(lookupSQL)
	if err != nil {
		return 0, err
	}
	var id int64
	err = st.QueryRowContext(w.ctx, externalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// insert stores inc as version 1 with its children, words and first
// revision, and sets inc.ID. A taken external_id returns
// gorm.ErrDuplicatedKey for the caller to explain.
func (w *writer) insert(inc *models.Incident, actor string) error {
	inc.Version, inc.UpdatedAt = 1, inc.CreatedAt
	row := toRow(inc)
	st, err := w.stmt(insertIncidentSQL + w.d.insertSuffix())
	if err != nil {
		return err
	}
	id, err := w.d.insertIncident(w.ctx, st, row.values(insertedColumn))
	if err != nil {
		return err
	}
	inc.ID = id
	if err := w.writeChildren(inc); err != nil {
		return err
	}
	// A create records no changes: the history finds its fields by undoing
	// the later ones, which keeps an import from storing every incident
	// twice.
	if err := w.revision(inc, "create", actor, "[]", nil); err != nil {
		return err
	}
	w.addTotals(inc, +1)
	return nil
}

// writeChildren writes the rows that depend on an incident: its casualty
// lines and the part of its figures they leave unattributed, forces,
// contributing countries and words; and collects its labels. Sources live
// on the incident row alone (migration 0014 dropped their table, which
// nothing read).
func (w *writer) writeChildren(inc *models.Incident) error {
	a := casualtyRows(w.args[:0], inc)
	if err := w.insertRows(casualtiesInsert, len(casualtyColumns), 1, a); err != nil {
		return err
	}
	a = forceRows(a[:0], inc)
	if err := w.insertRows(forcesInsert, 4, 1, a); err != nil {
		return err
	}
	a = countryRows(a[:0], inc)
	if err := w.insertRows(countriesInsert, 3, 1, a); err != nil {
		return err
	}
	w.args = a[:0]
	addLabels(w.labels, inc)
	return w.insertWords(inc.ID, w.wordsOf(inc))
}

// wordsOf is inc's words for the text index: those the caller set in
// nextWords, or read from inc.
func (w *writer) wordsOf(inc *models.Incident) []string {
	words := w.nextWords
	if words == nil {
		words = indexedWords(inc)
	}
	w.nextWords = nil
	return words
}

// casualtyRows appends to a the values of inc's casualty lines and of the
// part of its figures they leave unattributed, a row after another.
func casualtyRows(a []any, inc *models.Incident) []any {
	for i, c := range inc.Casualties {
		a = append(a, casualtyValues(inc.ID, i, c)...)
	}
	if u, ok := unattributedValues(inc); ok {
		a = append(a, u...)
	}
	return a
}

// forceRows appends the values of inc's rows of incident_forces.
func forceRows(a []any, inc *models.Incident) []any {
	for i, f := range inc.Forces {
		a = append(a, inc.ID, i, f, gazetteer.Fold(f))
	}
	return a
}

// countryRows appends the values of inc's rows of incident_countries.
func countryRows(a []any, inc *models.Incident) []any {
	for i, code := range inc.ContributingCountries {
		a = append(a, inc.ID, i, code)
	}
	return a
}

// replaceChildren turns cur's child rows into next's, table by table, and
// leaves a table whose rows would be written again as they are: an edit
// of a summary or a locality changes the words alone, and deleting and
// inserting the rest again cost such an edit on PostgreSQL more round
// trips than everything else it does.
func (w *writer) replaceChildren(cur, next *models.Incident) error {
	for _, t := range []struct {
		table, insert string
		cols          int
		rows          func([]any, *models.Incident) []any
	}{
		{"casualties", casualtiesInsert, len(casualtyColumns), casualtyRows},
		{"incident_forces", forcesInsert, 4, forceRows},
		{"incident_countries", countriesInsert, 3, countryRows},
	} {
		rows := t.rows(nil, next)
		if reflect.DeepEqual(t.rows(nil, cur), rows) {
			continue
		}
		st, err := w.stmt("DELETE FROM " + t.table + " WHERE incident_id = ?")
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(w.ctx, cur.ID); err != nil {
			return err
		}
		if err := w.insertRows(t.insert, t.cols, 1, rows); err != nil {
			return err
		}
	}
	addLabels(w.labels, next)
	words := w.wordsOf(next)
	if slices.Equal(indexedWords(cur), words) {
		return nil
	}
	if _, err := w.exec(w.d.textDeleteSQL(), cur.ID); err != nil {
		return err
	}
	return w.insertWords(next.ID, words)
}

// revision records one version of inc: what the change changed (JSON
// changes), and on every snapshotEvery-th version the whole incident, so
// that reading an old version undoes at most that many.
func (w *writer) revision(inc *models.Incident, action, actor, changes string, snapshot *string) error {
	if snapshot == nil && inc.Version%snapshotEvery == 0 {
		b, err := json.Marshal(content(*inc))
		if err != nil {
			return err
		}
		snap := string(b)
		snapshot = &snap
	}
	st, err := w.stmt(revisionSQL)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(w.ctx, inc.ID, inc.Version, action, actor, formatTime(inc.UpdatedAt), changes, snapshot)
	return err
}

// insertWords indexes an incident's words for q, one row of the text
// index per incident.
func (w *writer) insertWords(id int64, words []string) error {
	if len(words) == 0 {
		return nil
	}
	_, err := w.exec(w.d.textInsertSQL(), id, w.d.textValue(words))
	return err
}

// addTotals adds (sign +1) or takes away (sign -1) a live incident's part
// of the report totals.
func (w *writer) addTotals(inc *models.Incident, sign int) {
	for _, t := range totalsTables {
		k := totalsKey{table: t.name}
		k.period, k.regionKey, k.region, k.country, k.missionKey, k.mission, k.typ, k.dataset = t.key(inc)
		c := w.totals[k]
		c.add(incidentSums(inc, sign))
		w.totals[k] = c
	}
	if sign < 0 {
		w.removed = true
	}
	w.states++
}

// flush writes the collected labels, adds the collected totals
// and marks the data changed: the last step of every transaction that
// used the writer.
func (w *writer) flush() error {
	if err := writeLabels(w.g, w.labels); err != nil {
		return err
	}
	clear(w.labels)
	// A fixed order: two writers updating the same rows in different orders
	// deadlock on PostgreSQL.
	keys := make([]totalsKey, 0, len(w.totals))
	for k := range w.totals {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b totalsKey) int {
		return strings.Compare(a.table+"|"+a.period+"|"+a.regionKey+"|"+a.country+"|"+a.missionKey+"|"+a.typ+"|"+a.dataset,
			b.table+"|"+b.period+"|"+b.regionKey+"|"+b.country+"|"+b.missionKey+"|"+b.typ+"|"+b.dataset)
	})
	for _, k := range keys {
		c := w.totals[k]
		if c == (sums{}) {
			// An edit that moves nothing between totals (a locality, a
			// summary) took its incident away and added it back: an
			// upsert of zeros would only lock the row and, on PostgreSQL,
			// leave a dead version of it for every edit.
			continue
		}
		args := []any{k.period, k.regionKey, k.region, k.country, k.missionKey, k.mission, k.typ, k.dataset}
		for _, n := range c {
			args = append(args, n)
		}
		if err := w.g.Exec(totalsUpsert(k.table), args...).Error; err != nil {
			return err
		}
		if w.removed && c[0] < 0 {
			err := w.g.Exec(`DELETE FROM `+k.table+` WHERE period = ? AND region_key = ? AND country = ? AND mission_key = ? AND type = ? AND dataset = ? AND incidents <= 0`,
				k.period, k.regionKey, k.country, k.missionKey, k.typ, k.dataset).Error
			if err != nil {
				return err
			}
		}
	}
	changed := len(w.totals) > 0
	countsMoved := w.states != 2*w.wordsOnly
	clear(w.totals)
	w.removed, w.states, w.wordsOnly = false, 0, 0
	if !changed {
		return nil // nothing written: pollers need not refetch
	}
	if err := w.g.Exec("UPDATE meta SET value = value + 1 WHERE key = 'generation'").Error; err != nil {
		return err
	}
	if !countsMoved {
		return nil
	}
	return w.g.Exec(bumpCountsGeneration).Error
}

// bumpCountsGeneration makes the counts' generation the data's, which the
// same transaction has just raised: the one is the other as of the last
// write that could move a count, so it never runs ahead of it, and a copy
// that sets both to one value starts them over together.
const bumpCountsGeneration = "UPDATE meta SET value = (SELECT value FROM meta WHERE key = 'generation') WHERE key = 'counts_generation'"

// totalsUpsert adds a row's sums to table, which totalsKey's columns key.
func totalsUpsert(table string) string {
	var set []string
	for _, c := range sumColumns {
		set = append(set, c+" = "+table+"."+c+" + excluded."+c)
	}
	return "INSERT INTO " + table + " (period, region_key, region, country, mission_key, mission, type, dataset, " +
		strings.Join(sumColumns, ", ") + ") VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", 8+len(sumColumns)), ", ") + ")" +
		" ON CONFLICT (period, region_key, country, mission_key, type, dataset) DO UPDATE SET " + strings.Join(set, ", ")
}
