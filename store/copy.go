package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// copyTables lists every table with its columns, parents before children,
// in the order CopyTo writes them.
var copyTables = []struct{ name, columns string }{
	{"incidents", allColumns},
	{"casualties", strings.Join(casualtyColumns, ", ")},
	{"incident_forces", "incident_id, position, name, name_key"},
	{"incident_countries", "incident_id, position, code"},
	{"incident_words", "word, incident_id"},
	{"revisions", "id, incident_id, version, action, actor, changed_at, changes, snapshot"},
	{"merges", "absorbed_id, survivor_id, survivor_version, survivor_before, survivor_after, merged_at, actor"},
	{"api_keys", "id, name, role, hash, created_at, last_used_at, revoked_at"},
	{"totals_all", totalsColumns},
	{"totals_year", totalsColumns},
	{"totals_month", totalsColumns},
	{"totals_by_month", totalsColumns},
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
		}
		// The generation goes on from the source's, so that no ETag a client
		// holds from the old database can match different data on the new.
		var gen int64
		if err := in.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'generation'").Scan(&gen); err != nil {
			return err
		}
		if err := tx.Exec("UPDATE meta SET value = ? WHERE key = 'generation'", gen+1).Error; err != nil {
			return err
		}
		return dst.d.afterCopy(tx)
	})
}

func copyTable(ctx context.Context, in *sql.Tx, out *sql.Tx, dst *Store, table, columns string) (int64, error) {
	rows, err := in.QueryContext(ctx, "SELECT "+columns+" FROM "+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	ncol := len(strings.Split(columns, ","))
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
			row := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncol), ", ") + ")"
			q := "INSERT INTO " + table + " (" + columns + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", n), ", ")
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
		cells := make([]any, ncol)
		ptrs := make([]any, ncol)
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
