package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// inserter writes new incidents with statements prepared once per
// transaction. Every create goes through it, one at a time over HTTP or a
// million in one import, so there is one write path to get right.
type inserter struct {
	ctx                     context.Context
	tx                      *sql.Tx
	incident, revis, lookup *sql.Stmt
	words                   *sql.Stmt // SQLite only, prepared on first use
	wordsJSON               []byte
	pendingWords            []wordRow
	// nextWords, when set, are the words of the next incident inserted,
	// split ahead by the import.
	nextWords []string
	// multi holds multi-row INSERTs by table and row count: one statement
	// step per child table per incident instead of one per row, which
	// matters most for the thirty-odd words of a summary.
	multi map[multiKey]*sql.Stmt
	args  []any
	d     dialect
	// totals collects the report totals of the incidents inserted, to be
	// added in one upsert per key at flush instead of two per incident.
	totals map[totalsKey]models.Counts
	// labels collects the names the incidents wrote, recorded at flush.
	labels map[labelKey]string
}

type totalsKey struct {
	table, period, regionKey, region, country, missionKey, mission, typ string
}

func sqlTx(tx *gorm.DB) (*sql.Tx, error) {
	t, ok := tx.Statement.ConnPool.(*sql.Tx)
	if !ok {
		return nil, errors.New("store: not inside a transaction")
	}
	return t, nil
}

func (s *Store) newInserter(ctx context.Context, tx *gorm.DB) (*inserter, error) {
	t, err := sqlTx(tx)
	if err != nil {
		return nil, err
	}
	ins := &inserter{ctx: ctx, tx: t, d: s.d, totals: map[totalsKey]models.Counts{}, multi: map[multiKey]*sql.Stmt{},
		labels: map[labelKey]string{}}
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&ins.incident, "INSERT INTO incidents (" + columnNames("", insertedColumn) + ") VALUES (" + placeholders(insertedColumn) + ")" + s.d.insertSuffix()},
		{&ins.lookup, `SELECT id FROM incidents WHERE external_id = ?`},
		{&ins.revis, `INSERT INTO revisions (incident_id, version, action, actor, changed_at, changes) VALUES (?, 1, 'create', ?, ?, '[]')`},
	} {
		if *p.dst, err = t.PrepareContext(ctx, s.d.rebind(p.sql)); err != nil {
			ins.close()
			return nil, fmt.Errorf("prepare: %w", err)
		}
	}
	return ins, nil
}

func (ins *inserter) close() {
	for _, st := range []*sql.Stmt{ins.incident, ins.revis, ins.lookup, ins.words} {
		if st != nil {
			st.Close()
		}
	}
	for _, st := range ins.multi {
		st.Close()
	}
}

type multiKey struct {
	table string
	rows  int
}

// The child tables and their columns, in the order insertRows takes values.
const (
	casualtiesInsert = "casualties (incident_id, position, grp, force, force_key, nationality, killed, wounded)"
	forcesInsert     = "incident_forces (incident_id, position, name, name_key)"
	countriesInsert  = "incident_countries (incident_id, position, code)"
	sourcesInsert    = "sources (incident_id, position, title, publisher, url, published_on, language)"
	wordsInsert      = "incident_words (word, incident_id)"
)

// maxRowsPerInsert keeps rows times columns far below SQLite's limit on
// host parameters.
const maxRowsPerInsert = 64

// insertRows inserts len(values)/cols rows into table, cols values a row,
// up to perStatement rows a statement. Tables with a foreign key take one
// row a statement: SQLite checks a multi-row insert's keys several times
// slower than single rows'.
func (ins *inserter) insertRows(table string, cols, perStatement int, values []any) error {
	for len(values) > 0 {
		n := min(len(values)/cols, perStatement)
		k := multiKey{table, n}
		st, ok := ins.multi[k]
		if !ok {
			row := "(" + strings.Repeat("?, ", cols-1) + "?)"
			q := "INSERT INTO " + table + " VALUES " + strings.Repeat(row+", ", n-1) + row
			var err error
			if st, err = ins.tx.PrepareContext(ins.ctx, ins.d.rebind(q)); err != nil {
				return err
			}
			ins.multi[k] = st
		}
		if _, err := st.ExecContext(ins.ctx, values[:n*cols]...); err != nil {
			return err
		}
		values = values[n*cols:]
	}
	return nil
}

// existing returns the id of the incident holding externalID, or 0.
func (ins *inserter) existing(externalID string) (int64, error) {
	var id int64
	err := ins.lookup.QueryRowContext(ins.ctx, externalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// insert stores inc as version 1 with its children, words and first
// revision, and sets inc.ID. A taken external_id returns
// gorm.ErrDuplicatedKey for the caller to explain.
func (ins *inserter) insert(inc *models.Incident, actor string) error {
	ctx := ins.ctx
	created := formatTime(inc.CreatedAt)
	inc.Version, inc.UpdatedAt = 1, inc.CreatedAt
	row := toRow(inc)
	args := row.values(insertedColumn)
	id, err := ins.d.insertIncident(ctx, ins.incident, args)
	if err != nil {
		return err
	}
	inc.ID = id
	a := ins.args[:0]
	for i, c := range inc.Casualties {
		a = append(a, inc.ID, i, string(c.Group), c.Force, foldPtr(c.Force), c.Nationality, c.Killed, c.Wounded)
	}
	if err := ins.insertRows(casualtiesInsert, 8, 1, a); err != nil {
		return err
	}
	a = a[:0]
	for i, f := range inc.Forces {
		a = append(a, inc.ID, i, f, gazetteer.Fold(f))
	}
	if err := ins.insertRows(forcesInsert, 4, 1, a); err != nil {
		return err
	}
	a = a[:0]
	for i, code := range inc.ContributingCountries {
		a = append(a, inc.ID, i, code)
	}
	if err := ins.insertRows(countriesInsert, 3, 1, a); err != nil {
		return err
	}
	a = a[:0]
	for i, s := range inc.Sources {
		a = append(a, inc.ID, i, s.Title, s.Publisher, s.URL, s.PublishedOn, s.Language)
	}
	if err := ins.insertRows(sourcesInsert, 7, 1, a); err != nil {
		return err
	}
	ins.args = a[:0]
	words := ins.nextWords
	if words == nil {
		words = indexedWords(inc)
	}
	ins.nextWords = nil
	if err := ins.insertWords(inc.ID, words); err != nil {
		return err
	}
	if _, err := ins.revis.ExecContext(ctx, inc.ID, actor, created); err != nil {
		return err
	}
	ins.addTotals(inc)
	addLabels(ins.labels, inc)
	return nil
}

// insertWords indexes an incident's words. On SQLite they are collected
// and written in word order by flushWords: the word index is a B-tree on
// (word, incident), and thirty-odd inserts per incident at random places
// in it were the largest part of an import.
func (ins *inserter) insertWords(id int64, words []string) error {
	if len(words) == 0 {
		return nil
	}
	if !ins.d.sortsWords() {
		a := ins.args[:0]
		for _, w := range words {
			a = append(a, w, id)
		}
		ins.args = a[:0]
		return ins.insertRows(wordsInsert, 2, maxRowsPerInsert, a)
	}
	for _, w := range words {
		ins.pendingWords = append(ins.pendingWords, wordRow{Word: w, IncidentID: id})
	}
	if len(ins.pendingWords) >= maxPendingWords {
		return ins.flushWords()
	}
	return nil
}

// maxPendingWords bounds the words held for flushWords: about ten thousand
// incidents' worth, a few megabytes.
const maxPendingWords = 300_000

// flushWords writes the collected words in index order, as one JSON array
// that json_each spreads into rows inside the engine rather than a bound
// parameter (a cgo call) per word. It must run before anything in the
// transaction reads or deletes words.
func (ins *inserter) flushWords() error {
	if len(ins.pendingWords) == 0 {
		return nil
	}
	slices.SortFunc(ins.pendingWords, func(a, b wordRow) int {
		if c := strings.Compare(a.Word, b.Word); c != 0 {
			return c
		}
		return cmp.Compare(a.IncidentID, b.IncidentID)
	})
	if ins.words == nil {
		var err error
		ins.words, err = ins.tx.PrepareContext(ins.ctx,
			"INSERT INTO incident_words (word, incident_id) SELECT value ->> 0, value ->> 1 FROM json_each(?)")
		if err != nil {
			return err
		}
	}
	// models.Words yields letters and digits only: nothing to escape.
	b := append(ins.wordsJSON[:0], '[')
	for i, w := range ins.pendingWords {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `["`...)
		b = append(b, w.Word...)
		b = append(b, `",`...)
		b = strconv.AppendInt(b, w.IncidentID, 10)
		b = append(b, ']')
	}
	b = append(b, ']')
	ins.wordsJSON = b[:0]
	ins.pendingWords = ins.pendingWords[:0]
	_, err := ins.words.ExecContext(ins.ctx, string(b))
	return err
}

func (ins *inserter) addTotals(inc *models.Incident) {
	for _, t := range totalsTables {
		k := totalsKey{table: t.name}
		k.period, k.regionKey, k.region, k.country, k.missionKey, k.mission, k.typ = t.key(inc)
		c := ins.totals[k]
		c.Incidents++
		c.Killed += int64(inc.Killed)
		c.Wounded += int64(inc.Wounded)
		ins.totals[k] = c
	}
}

// flush writes the collected words, adds the collected totals and marks
// the data changed.
func (ins *inserter) flush(tx *gorm.DB) error {
	if err := ins.flushWords(); err != nil {
		return err
	}
	if err := writeLabels(tx, ins.labels); err != nil {
		return err
	}
	clear(ins.labels)
	// A fixed order: two writers updating the same rows in different orders
	// deadlock on PostgreSQL.
	keys := make([]totalsKey, 0, len(ins.totals))
	for k := range ins.totals {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b totalsKey) int {
		return strings.Compare(a.table+"|"+a.period+"|"+a.regionKey+"|"+a.country+"|"+a.missionKey+"|"+a.typ,
			b.table+"|"+b.period+"|"+b.regionKey+"|"+b.country+"|"+b.missionKey+"|"+b.typ)
	})
	for _, k := range keys {
		c := ins.totals[k]
		err := tx.Exec(`INSERT INTO `+k.table+` (period, region_key, region, country, mission_key, mission, type, incidents, killed, wounded)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (period, region_key, country, mission_key, type) DO UPDATE SET
				incidents = `+k.table+`.incidents + excluded.incidents,
				killed = `+k.table+`.killed + excluded.killed,
				wounded = `+k.table+`.wounded + excluded.wounded`,
			k.period, k.regionKey, k.region, k.country, k.missionKey, k.mission, k.typ, c.Incidents, c.Killed, c.Wounded).Error
		if err != nil {
			return err
		}
	}
	changed := len(ins.totals) > 0
	ins.totals = map[totalsKey]models.Counts{}
	if !changed {
		return nil // nothing inserted: pollers need not refetch
	}
	return bumpGeneration(tx)
}
