package store

import (
	"context"
	"database/sql"
	"strconv"

	"gorm.io/gorm"

	"incidentdb/exchange"
	"incidentdb/models"
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

// EachStored calls fn for every live incident matching f, in id order, as
// the CSV export wants it (see exchange.StoredRow), inside one read
// transaction like Each. fn must not keep the row.
func (s *Store) EachStored(ctx context.Context, f models.Filter, fn func(*exchange.StoredRow) error) error {
	if !s.pg {
		return s.eachStoredSQLite(ctx, f, fn)
	}
	var row exchange.StoredRow
	return s.each(ctx, f, func(r *incidentRow) error {
		storedFromRow(r, &row)
		return fn(&row)
	})
}

// storedFromRow fills row from an incident read by scanIncident.
func storedFromRow(r *incidentRow, row *exchange.StoredRow) {
	*row = exchange.StoredRow{
		strconv.FormatInt(r.ID, 10), deref(r.ExternalID), r.OccurredOn, r.DatePrecision,
		deref(r.Mission), deref(r.Country), deref(r.Region), deref(r.Locality),
		coordinate(r.Latitude), coordinate(r.Longitude), r.Type, r.Summary,
		strconv.Itoa(r.Killed), strconv.Itoa(r.Wounded), r.Forces, r.ContributingCountries,
		r.Casualties, r.Sources, formatTime(parseTime(r.Created)), formatTime(parseTime(r.Updated)),
		strconv.Itoa(r.Version),
	}
}

func coordinate(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func (s *Store) each(ctx context.Context, f models.Filter, fn func(*incidentRow) error) error {
	// The queries run without the request's cancellation, which would make
	// the driver start a goroutine for every row; the request is checked
	// between chunks instead.
	err := s.long.WithContext(context.WithoutCancel(ctx)).Transaction(func(tx *gorm.DB) error {
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
