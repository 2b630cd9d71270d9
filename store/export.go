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
// the query, few enough that memory stays flat. At 2,000 a SQLite export,
// whose readers keep chunks in flight, held 10 MiB more at its peak than
// at 1,000, and streamed no faster.
const exportChunk = 1000

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
	return s.d.eachStored(s, ctx, f, fn)
}

// storedFromRow fills row from an incident read by scanIncident.
func storedFromRow(r *incidentRow, row *exchange.StoredRow) {
	*row = exchange.StoredRow{
		exchange.CellID: strconv.FormatInt(r.ID, 10), exchange.CellExternalID: deref(r.ExternalID),
		exchange.CellOccurredOn: r.OccurredOn, exchange.CellDatePrecision: r.DatePrecision,
		exchange.CellMission: deref(r.Mission), exchange.CellCountry: deref(r.Country), exchange.CellRegion: deref(r.Region),
		exchange.CellLocality: deref(r.Locality), exchange.CellLatitude: coordinate(r.Latitude), exchange.CellLongitude: coordinate(r.Longitude),
		exchange.CellType: r.Type, exchange.CellSummary: r.Summary, exchange.CellKilled: storedFigure(r.Killed, r.KilledKnown),
		exchange.CellWounded: storedFigure(r.Wounded, r.WoundedKnown), exchange.CellForces: r.Forces, exchange.CellContributingCountries: r.ContributingCountries,
		exchange.CellCasualties: r.Casualties, exchange.CellSources: r.Sources,
		exchange.CellDataset: deref(r.Dataset), exchange.CellOrigin: r.Origin,
		exchange.CellKilledLow: storedFigure(r.KilledLow, r.KilledKnown), exchange.CellKilledHigh: storedFigure(r.KilledHigh, r.KilledKnown),
		exchange.CellWoundedLow: storedFigure(r.WoundedLow, r.WoundedKnown), exchange.CellWoundedHigh: storedFigure(r.WoundedHigh, r.WoundedKnown),
		exchange.CellClaims: r.Claims, exchange.CellConflict: strconv.FormatBool(r.Conflict == 1),
		exchange.CellCreatedAt: formatTime(parseTime(r.Created)), exchange.CellUpdatedAt: formatTime(parseTime(r.Updated)),
		exchange.CellVersion: strconv.Itoa(r.Version),
	}
}

// storedFigure is a figure's cell: empty when it is not known.
func storedFigure(n, known int) string {
	if known == 0 {
		return ""
	}
	return strconv.Itoa(n)
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
		cond, args := where(s.d, f)
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
// the data from the first row to the last.
func (s *Store) snapshot() *sql.TxOptions { return s.d.snapshot() }
