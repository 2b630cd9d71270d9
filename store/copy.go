package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"incidentdb/models"
)

// copyTables lists every table with its columns, parents before children,
// in the order CopyTo writes them.
var copyTables = []struct{ name, columns string }{
	{"incidents", allColumns},
	{"casualties", strings.Join(casualtyColumns, ", ")},
	{"incident_forces", "incident_id, position, name, name_key"},
	{"incident_countries", "incident_id, position, code"},
	{"revisions", "id, incident_id, version, action, actor, changed_at, changes, snapshot"},
	{"merges", "absorbed_id, survivor_id, survivor_version, survivor_before, survivor_after, merged_at, actor"},
	{"api_keys", "id, name, role, hash, created_at, last_used_at, revoked_at"},
	{"totals_all", totalsColumns},
	{"totals_year", totalsColumns},
	{"totals_month", totalsColumns},
	{"totals_by_month", totalsColumns},
	{"totals_year_place", totalsColumns},
	{"name_labels", "kind, key, label"},
}

// totalsColumns are the columns of every totals table.
var totalsColumns = "period, region_key, region, country, mission_key, mission, type, dataset, " + strings.Join(sumColumns, ", ")

// CopyTo copies everything this database holds (incidents with their ids,
// every revision, keys, report totals) into dst, which must hold no
// incidents and no keys, in one transaction on dst. It is how a database
// moves between SQLite and PostgreSQL without losing its history.
// progress, when set, is called with each table's name and row count.
func (s *Store) CopyTo(ctx context.Context, dst *Store, progress func(table string, rows int64)) error {
	var n int64
	if err := dst.r.WithContext(ctx).Raw("SELECT (SELECT count(*) FROM incidents) + (SELECT count(*) FROM api_keys)").Scan(&n).Error; err != nil {
		return internal("copy", err)
	}
	if n > 0 {
		return fmt.Errorf("the target database is not empty (%d incidents and keys); copy into a new one", n)
	}
	src := s.Pools()["long"]
	return dst.w.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		out, err := sqlTx(tx)
		if err != nil {
			return err
		}
		// The source is read in one snapshot, so the copy is consistent even
		// while the source keeps serving.
		in, err := src.BeginTx(ctx, s.snapshot())
		if err != nil {
			return err
		}
		defer in.Rollback()
		for _, t := range copyTables {
			rows, err := copyTable(ctx, in, out, dst, t.name, t.columns)
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			if progress != nil {
				progress(t.name, rows)
			}
			if t.name != "incidents" {
				continue
			}
			if rows, err = copyText(ctx, in, out, dst); err != nil {
				return fmt.Errorf("copy incident_text: %w", err)
			}
			if progress != nil {
				progress("incident_text", rows)
			}
		}
		// The generation goes on from the source's, so that no ETag a client
		// holds from the old database can match different data on the new.
		var gen int64
		if err := in.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'generation'").Scan(&gen); err != nil {
			return err
		}
		if err := tx.Exec("UPDATE meta SET value = ? WHERE key IN ('generation', 'counts_generation')", gen+1).Error; err != nil {
			return err
		}
		return dst.d.afterCopy(tx)
	})
}

// copyTable copies the rows of table into dst, columns as they are.
func copyTable(ctx context.Context, in *sql.Tx, out *sql.Tx, dst *Store, table, columns string) (int64, error) {
	ncol := len(strings.Split(columns, ","))
	insert := "INSERT INTO " + table + " (" + columns + ") VALUES (" + strings.TrimSuffix(strings.Repeat("?, ", ncol), ", ") + ")"
	return copyRowsInto(ctx, in, out, dst, "SELECT "+columns+" FROM "+table, ncol, insert, ncol, nil)
}

// copyText writes the text index of dst from the incidents of the source:
// the engines keep it in forms of their own (a contentless FTS5 table, whose
// words cannot be read back, and a tsvector), so it is made again from
// the same words.
func copyText(ctx context.Context, in *sql.Tx, out *sql.Tx, dst *Store) (int64, error) {
	return copyRowsInto(ctx, in, out, dst, "SELECT id, summary, locality FROM incidents", 3, dst.d.textInsertSQL(), 2, func(cells []any) []any {
		inc := models.Incident{}
		inc.ID, _ = cells[0].(int64)
		inc.Summary, _ = cells[1].(string)
		if loc, ok := cells[2].(string); ok {
			inc.Locality = &loc
		}
		words := indexedWords(&inc)
		if len(words) == 0 {
			return nil
		}
		return []any{inc.ID, dst.d.textValue(words)}
	})
}

// copyRowsInto runs query (of cols columns) on the source and writes each
// row, through convert when set (nil leaves a row out), with insert: one
// row's INSERT ... VALUES (...) of ncol values, whose tuple is repeated to
// write many rows a statement.
func copyRowsInto(ctx context.Context, in *sql.Tx, out *sql.Tx, dst *Store, query string, cols int, insert string, ncol int, convert func([]any) []any) (int64, error) {
	head, tuple, ok := strings.Cut(insert, " VALUES ")
	if !ok {
		return 0, fmt.Errorf("store: %q has no VALUES", insert)
	}
	rows, err := in.QueryContext(ctx, query)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	const batch = 200
	stmts := map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	flush := func(vals []any) error {
		n := len(vals) / ncol
		st, ok := stmts[n]
		if !ok {
			q := head + " VALUES " + strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
			var err error
			if st, err = out.PrepareContext(ctx, dst.d.rebind(q)); err != nil {
				return err
			}
			stmts[n] = st
		}
		_, err := st.ExecContext(ctx, vals...)
		return err
	}
	var total int64
	vals := make([]any, 0, batch*ncol)
	for rows.Next() {
		cells := make([]any, cols)
		ptrs := make([]any, cols)
		for i := range cells {
			ptrs[i] = &cells[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return total, err
		}
		for i, c := range cells {
			if b, ok := c.([]byte); ok {
				cells[i] = string(b) // text comes back as bytes from SQLite
			}
		}
		if convert != nil {
			if cells = convert(cells); cells == nil {
				continue
			}
		}
		vals = append(vals, cells...)
		total++
		if len(vals) == batch*ncol {
			if err := flush(vals); err != nil {
				return total, err
			}
			vals = vals[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return total, err
	}
	if len(vals) > 0 {
		return total, flush(vals)
	}
	return total, nil
}
