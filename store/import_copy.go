package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"incidentdb/models"
)

// On PostgreSQL an import writes new incidents with COPY, a batch at a
// time, instead of a statement per row: a round trip per row and table is
// what an import there costs otherwise.

// copyBatchSize is how many records a COPY batch holds.
const copyBatchSize = 2000

// copyBatch collects the records of an import on PostgreSQL. Records whose
// external_id is stored already go the row path (importRun.store), which
// knows what on_conflict means; the rest are copied. It is the import's
// sink there.
type copyBatch struct {
	run    *importRun
	conn   *sql.Conn // the connection under the import's transaction
	recs   []batchRecord
	ids    map[string]bool // the external ids in recs
	staged bool            // the staging table exists
	bulk   *bulkIndexes    // a first load's dropped indexes, or nil
}

func newCopyBatch(run *importRun, conn *sql.Conn) *copyBatch {
	return &copyBatch{run: run, conn: conn, ids: map[string]bool{}}
}

// holds reports whether the batch has a record with this external_id: the
// batch must be written before another one with it is handled.
func (b *copyBatch) holds(inc *models.Incident) bool {
	return inc.ExternalID != nil && b.ids[*inc.ExternalID]
}

func (b *copyBatch) add(rec batchRecord) error {
	b.recs = append(b.recs, rec)
	if rec.inc.ExternalID != nil {
		b.ids[*rec.inc.ExternalID] = true
	}
	if len(b.recs) >= copyBatchSize {
		return b.flush()
	}
	return nil
}

func (b *copyBatch) finish() error {
	if err := b.flush(); err != nil || b.bulk == nil {
		return err
	}
	return b.bulk.rebuild()
}

// flush stores the batch and counts what it copied.
func (b *copyBatch) flush() error {
	copied, err := b.write(b.run.ctx, b.run.ins, b.run.actor, b.run.store)
	b.run.res.Created += copied
	return err
}

// taken returns the external ids of the batch that are stored already.
func (b *copyBatch) taken(ctx context.Context, tx *sql.Tx) (map[string]bool, error) {
	ids := make([]string, 0, len(b.ids))
	for id := range b.ids {
		ids = append(ids, id)
	}
	taken := map[string]bool{}
	if len(ids) == 0 {
		return taken, nil
	}
	rows, err := tx.QueryContext(ctx, "SELECT external_id FROM incidents WHERE external_id = ANY($1)", ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		taken[id] = true
	}
	return taken, rows.Err()
}

func (b *copyBatch) reset() {
	b.recs = b.recs[:0]
	clear(b.ids)
}

// write writes the batch: the records whose external_id is taken through
// rowPath, the others with COPY. It returns how many it copied.
func (b *copyBatch) write(ctx context.Context, ins *writer, actor string, rowPath func(batchRecord) error) (int, error) {
	defer b.reset()
	if len(b.recs) == 0 {
		return 0, nil
	}
	taken, err := b.taken(ctx, ins.tx)
	if err != nil {
		return 0, err
	}
	fresh := b.recs[:0:0]
	for _, r := range b.recs {
		if r.inc.ExternalID != nil && taken[*r.inc.ExternalID] {
			if err := rowPath(r); err != nil {
				return 0, err
			}
			continue
		}
		fresh = append(fresh, r)
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	return b.copy(ctx, ins, actor, fresh, rowPath)
}

// copy writes recs with COPY and returns how many it stored. The incidents
// go through a staging table and INSERT ... ON CONFLICT DO NOTHING, so a
// record whose external_id another import stored since the batch looked
// is not an error but goes the row path like any taken one.
func (b *copyBatch) copy(ctx context.Context, ins *writer, actor string, recs []batchRecord, rowPath func(batchRecord) error) (int, error) {
	// COPY cannot return the ids it assigns: take them from the sequence
	// first.
	ids, err := queryInts(ctx, ins.tx, "SELECT nextval(pg_get_serial_sequence('incidents', 'id')) FROM generate_series(1, $1)", len(recs))
	if err != nil {
		return 0, err
	}
	if len(ids) != len(recs) {
		return 0, fmt.Errorf("store: %d ids reserved for %d incidents", len(ids), len(recs))
	}
	incidents := copyRows{name: "import_incidents", cols: strings.Split(columnNames("", copiedColumn), ", ")}
	for i := range recs {
		inc := &recs[i].inc
		inc.ID, inc.Version, inc.UpdatedAt = ids[i], 1, inc.CreatedAt
		row := toRow(inc)
		incidents.add(row.values(copiedColumn)...)
	}
	if !b.staged {
		// Dropped with the transaction, whatever its end.
		// The text index's words are staged as text too: pgx's COPY is
		// binary, and it has no encoder for tsvector.
		for _, q := range []string{
			"CREATE TEMP TABLE import_incidents (LIKE incidents INCLUDING DEFAULTS) ON COMMIT DROP",
			"CREATE TEMP TABLE import_text (incident_id BIGINT NOT NULL, words TEXT NOT NULL) ON COMMIT DROP",
		} {
			if _, err := ins.tx.ExecContext(ctx, q); err != nil {
				return 0, err
			}
		}
		b.staged = true
	} else if _, err := ins.tx.ExecContext(ctx, "TRUNCATE import_incidents, import_text"); err != nil {
		return 0, err
	}
	if err := b.copyFrom(ctx, incidents); err != nil {
		return 0, err
	}
	stored, err := queryInts(ctx, ins.tx, "INSERT INTO incidents ("+strings.Join(incidents.cols, ", ")+") SELECT "+strings.Join(incidents.cols, ", ")+
		" FROM import_incidents ORDER BY id ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING RETURNING id", nil)
	if err != nil {
		return 0, err
	}
	inserted := make(map[int64]bool, len(stored))
	for _, id := range stored {
		inserted[id] = true
	}
	children := []copyRows{
		{name: "casualties", cols: casualtyColumns},
		{name: "incident_forces", cols: []string{"incident_id", "position", "name", "name_key"}},
		{name: "incident_countries", cols: []string{"incident_id", "position", "code"}},
		{name: "import_text", cols: []string{"incident_id", "words"}},
		{name: "revisions", cols: []string{"incident_id", "version", "action", "actor", "changed_at", "changes"}},
	}
	var lost []batchRecord
	for i := range recs {
		inc := &recs[i].inc
		if !inserted[inc.ID] {
			lost = append(lost, recs[i])
			continue
		}
		b.run.created = append(b.run.created, inc.ID)
		for p, c := range inc.Casualties {
			children[0].add(casualtyValues(inc.ID, p, c)...)
		}
		if u, ok := unattributedValues(inc); ok {
			children[0].add(u...)
		}
		for p, f := range inc.Forces {
			children[1].add(inc.ID, p, f, *foldPtr(&f))
		}
		for p, code := range inc.ContributingCountries {
			children[2].add(inc.ID, p, code)
		}
		words := recs[i].words
		if words == nil {
			words = indexedWords(inc)
		}
		if len(words) > 0 {
			children[3].add(inc.ID, ins.d.textValue(words))
		}
		children[4].add(inc.ID, 1, "create", actor, formatTime(inc.CreatedAt), "[]")
		ins.addTotals(inc, +1)
		addLabels(ins.labels, inc)
	}
	for _, t := range children {
		if err := b.copyFrom(ctx, t); err != nil {
			return 0, err
		}
	}
	if _, err := ins.tx.ExecContext(ctx, "INSERT INTO incident_text (incident_id, words) SELECT incident_id, CAST(words AS tsvector) FROM import_text"); err != nil {
		return 0, fmt.Errorf("copy incident_text: %w", err)
	}
	for _, r := range lost {
		r.inc.ID, r.inc.Version = 0, 0
		if err := rowPath(r); err != nil {
			return 0, err
		}
	}
	return len(stored), nil
}

// copyFrom runs one COPY on the pgx connection under the transaction.
func (b *copyBatch) copyFrom(ctx context.Context, t copyRows) error {
	if len(t.rows) == 0 {
		return nil
	}
	return b.conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: COPY needs a pgx connection, not %T", dc)
		}
		if _, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
		return nil
	})
}

func queryInts(ctx context.Context, tx *sql.Tx, q string, arg any) ([]int64, error) {
	var args []any
	if arg != nil {
		args = append(args, arg)
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

type copyRows struct {
	name string
	cols []string
	rows [][]any
}

func (t *copyRows) add(values ...any) { t.rows = append(t.rows, values) }
