package store

import (
	"context"
	"database/sql"

	"gorm.io/gorm"

	"incidentdb/models"
	"incidentdb/store/exchange"
)

// exportChunk is how many incidents are read per query: enough to amortise
// the query, few enough that memory stays flat.
const exportChunk = 2000

// Each calls fn for every live incident matching f, in id order, reading
// chunk by chunk inside one read transaction: the export is a consistent
// snapshot and its memory does not grow with the result. fn must not keep
// the incident.
func (s *Store) Each(ctx context.Context, f models.Filter, fn func(*models.Incident) error) error {
	return s.each(ctx, f, func(r *incidentRow) error {
		inc := fromRow(*r)
		return fn(&inc)
	})
}

// EachRow is Each for writers that can use the casualty lines and sources
// as the JSON the row holds, without decoding them: the CSV export.
func (s *Store) EachRow(ctx context.Context, f models.Filter, fn func(*exchange.Row) error) error {
	var row exchange.Row
	return s.each(ctx, f, func(r *incidentRow) error {
		cas, src := r.Casualties, r.Sources
		r.Casualties, r.Sources = "", ""
		row.Incident = fromRow(*r)
		row.CasualtiesJSON, row.SourcesJSON = cas, src
		return fn(&row)
	})
}

func (s *Store) each(ctx context.Context, f models.Filter, fn func(*incidentRow) error) error {
	// The queries run without the request's cancellation, which would make
	// the driver start a goroutine for every row; the request is checked
	// between chunks instead.
	err := s.r.WithContext(context.WithoutCancel(ctx)).Transaction(func(tx *gorm.DB) error {
		cond, args := where(f)
		q := "SELECT " + incidentColumns + " FROM incidents i WHERE " + cond + " AND i.id > ? ORDER BY i.id LIMIT ?"
		var after int64
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			rows, err := tx.Raw(q, append(args, after, exportChunk)...).Rows()
			if err != nil {
				return err
			}
			n := 0
			var r incidentRow
			for rows.Next() {
				if err := scanIncident(rows, &r); err != nil {
					rows.Close()
					return err
				}
				n++
				after = r.ID
				if err := fn(&r); err != nil {
					rows.Close()
					return err
				}
			}
			err = rows.Err()
			rows.Close()
			if err != nil || n < exportChunk {
				return err
			}
		}
	}, s.snapshot())
	return internal("export", err)
}

// snapshot is the read transaction of an export: one consistent view of
// the data from the first row to the last. A SQLite read transaction is
// one already; PostgreSQL needs repeatable read for it.
func (s *Store) snapshot() *sql.TxOptions {
	if s.pg {
		return &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	return &sql.TxOptions{ReadOnly: true}
}
