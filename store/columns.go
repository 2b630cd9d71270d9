package store

import (
	"database/sql"
	"fmt"
	"strings"

	"incidentdb/exchange"
)

// column is one column of the incidents table: where an incidentRow holds
// it, and what it is in our CSV. Every list of the table's columns (the
// reads' SELECT, the insert, the copy between engines, COPY, the stored
// CSV export) is derived from incidentTable, so a column is added in one
// place.
type column struct {
	name string
	// field points into the row: scanned into, and read for inserts.
	field func(r *incidentRow) any
	// key marks a folded key, written and filtered on but never read back.
	key bool
	// cell is the cell of exchange.Columns the column fills, or noCell.
	cell int
	// stored is the SQLite expression of the cell in storedSQL, when it is
	// not the column itself.
	stored string
}

const noCell = -1

var incidentTable = []column{
	{name: "id", field: func(r *incidentRow) any { return &r.ID }, cell: exchange.CellID},
	{name: "external_id", field: func(r *incidentRow) any { return &r.ExternalID }, cell: exchange.CellExternalID},
	{name: "dataset", field: func(r *incidentRow) any { return &r.Dataset }, cell: exchange.CellDataset},
	{name: "origin", field: func(r *incidentRow) any { return &r.Origin }, cell: exchange.CellOrigin},
	{name: "occurred_on", field: func(r *incidentRow) any { return &r.OccurredOn }, cell: exchange.CellOccurredOn},
	{name: "date_precision", field: func(r *incidentRow) any { return &r.DatePrecision }, cell: exchange.CellDatePrecision},
	{name: "mission", field: func(r *incidentRow) any { return &r.Mission }, cell: exchange.CellMission},
	{name: "mission_key", field: func(r *incidentRow) any { return &r.MissionKey }, key: true, cell: noCell},
	{name: "country", field: func(r *incidentRow) any { return &r.Country }, cell: exchange.CellCountry},
	{name: "region", field: func(r *incidentRow) any { return &r.Region }, cell: exchange.CellRegion},
	{name: "region_key", field: func(r *incidentRow) any { return &r.RegionKey }, key: true, cell: noCell},
	{name: "locality", field: func(r *incidentRow) any { return &r.Locality }, cell: exchange.CellLocality},
	{name: "latitude", field: func(r *incidentRow) any { return &r.Latitude }, cell: exchange.CellLatitude, stored: coordinateSQL("i.latitude")},
	{name: "longitude", field: func(r *incidentRow) any { return &r.Longitude }, cell: exchange.CellLongitude, stored: coordinateSQL("i.longitude")},
	{name: "type", field: func(r *incidentRow) any { return &r.Type }, cell: exchange.CellType},
	{name: "summary", field: func(r *incidentRow) any { return &r.Summary }, cell: exchange.CellSummary},
	{name: "killed", field: func(r *incidentRow) any { return &r.Killed }, cell: exchange.CellKilled, stored: figureSQL("killed")},
	{name: "wounded", field: func(r *incidentRow) any { return &r.Wounded }, cell: exchange.CellWounded, stored: figureSQL("wounded")},
	{name: "killed_known", field: func(r *incidentRow) any { return &r.KilledKnown }, cell: noCell},
	{name: "wounded_known", field: func(r *incidentRow) any { return &r.WoundedKnown }, cell: noCell},
	{name: "killed_low", field: func(r *incidentRow) any { return &r.KilledLow }, cell: exchange.CellKilledLow, stored: estimateSQL("killed", "low")},
	{name: "killed_high", field: func(r *incidentRow) any { return &r.KilledHigh }, cell: exchange.CellKilledHigh, stored: estimateSQL("killed", "high")},
	{name: "wounded_low", field: func(r *incidentRow) any { return &r.WoundedLow }, cell: exchange.CellWoundedLow, stored: estimateSQL("wounded", "low")},
	{name: "wounded_high", field: func(r *incidentRow) any { return &r.WoundedHigh }, cell: exchange.CellWoundedHigh, stored: estimateSQL("wounded", "high")},
	{name: "claims", field: func(r *incidentRow) any { return &r.Claims }, cell: exchange.CellClaims},
	{name: "conflict", field: func(r *incidentRow) any { return &r.Conflict }, cell: exchange.CellConflict, stored: "CASE WHEN i.conflict = 1 THEN 'true' ELSE 'false' END"},
	{name: "forces", field: func(r *incidentRow) any { return &r.Forces }, cell: exchange.CellForces},
	{name: "contributing_countries", field: func(r *incidentRow) any { return &r.ContributingCountries }, cell: exchange.CellContributingCountries},
	{name: "casualties", field: func(r *incidentRow) any { return &r.Casualties }, cell: exchange.CellCasualties},
	{name: "sources", field: func(r *incidentRow) any { return &r.Sources }, cell: exchange.CellSources},
	{name: "created_at", field: func(r *incidentRow) any { return &r.Created }, cell: exchange.CellCreatedAt},
	{name: "updated_at", field: func(r *incidentRow) any { return &r.Updated }, cell: exchange.CellUpdatedAt},
	{name: "deleted_at", field: func(r *incidentRow) any { return &r.Deleted }, cell: noCell},
	{name: "merged_into", field: func(r *incidentRow) any { return &r.MergedInto }, cell: noCell},
	{name: "version", field: func(r *incidentRow) any { return &r.Version }, cell: exchange.CellVersion},
}

// columnNames lists the names of the columns that keep passes, in table
// order, joined for SQL.
func columnNames(prefix string, keep func(column) bool) string {
	var names []string
	for _, c := range incidentTable {
		if keep(c) {
			names = append(names, prefix+c.name)
		}
	}
	return strings.Join(names, ", ")
}

func all(column) bool { return true }

// placeholders is "?, ?, ..." for the columns keep passes.
func placeholders(keep func(column) bool) string {
	n := 0
	for _, c := range incidentTable {
		if keep(c) {
			n++
		}
	}
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// insertedColumn is what a new incident is inserted with: everything but
// the id the engine assigns and the deletion a new one cannot have.
func insertedColumn(c column) bool {
	return c.name != "id" && c.name != "deleted_at" && c.name != "merged_into"
}

// copiedColumn is what COPY writes: the ids come reserved from the sequence.
func copiedColumn(c column) bool { return c.name != "deleted_at" && c.name != "merged_into" }

// updatedColumn is what a replace writes: all but the identity and the
// creation.
func updatedColumn(c column) bool { return c.name != "id" && c.name != "created_at" }

// updateIncidentSQL replaces a row at a version: the version is the
// guard against a writer that changed it since it was read.
var updateIncidentSQL = func() string {
	var set []string
	for _, c := range incidentTable {
		if updatedColumn(c) {
			set = append(set, c.name+" = ?")
		}
	}
	return "UPDATE incidents SET " + strings.Join(set, ", ") + " WHERE id = ? AND version = ?"
}()

var (
	// incidentColumns is what every read of incidents selects, in the
	// order scanIncident scans.
	incidentColumns = columnNames("i.", func(c column) bool { return !c.key })
	// allColumns is every column, as the copy between engines moves them.
	allColumns = columnNames("", all)
	// storedSQL selects an incident on SQLite as one text value: the cells
	// of exchange.StoredRow joined by NUL, which no stored text holds
	// (input validation refuses control characters in every text field).
	// One column crossing the driver per row instead of twenty-one is most
	// of an export's speed: the driver makes several cgo calls per column.
	storedSQL = storedExpression()
)

// values returns the row's values for the columns keep passes, in table
// order, as a statement takes them.
func (r *incidentRow) values(keep func(column) bool) []any {
	out := make([]any, 0, len(incidentTable))
	for _, c := range incidentTable {
		if keep(c) {
			out = append(out, value(c.field(r)))
		}
	}
	return out
}

// value is what a field holds, as a driver takes it: a nil pointer is NULL.
func value(field any) any {
	switch p := field.(type) {
	case *int64:
		return *p
	case *int:
		return *p
	case *string:
		return *p
	case **string:
		return *p
	case **float64:
		return *p
	case **int64:
		return *p
	}
	panic(fmt.Sprintf("store: a column of type %T", field))
}

// scanIncident scans a row selected with incidentColumns.
func scanIncident(rs rowScanner, r *incidentRow) error {
	dest := make([]any, 0, len(incidentTable))
	for _, c := range incidentTable {
		if c.key {
			continue
		}
		switch p := c.field(r).(type) {
		case **string:
			dest = append(dest, nullText{p})
		case **float64:
			dest = append(dest, nullFloat{p})
		case **int64:
			dest = append(dest, nullInt{p})
		default:
			dest = append(dest, p)
		}
	}
	return rs.Scan(dest...)
}

// nullText scans a text column that may be NULL into a *string field.
type nullText struct{ dst **string }

func (n nullText) Scan(src any) error {
	var s sql.NullString
	if err := s.Scan(src); err != nil {
		return err
	}
	*n.dst = nil
	if s.Valid {
		*n.dst = &s.String
	}
	return nil
}

// nullInt scans an id column that may be NULL into a *int64 field.
type nullInt struct{ dst **int64 }

func (n nullInt) Scan(src any) error {
	var i sql.NullInt64
	if err := i.Scan(src); err != nil {
		return err
	}
	*n.dst = nil
	if i.Valid {
		*n.dst = &i.Int64
	}
	return nil
}

// nullFloat scans a number column that may be NULL into a *float64 field.
type nullFloat struct{ dst **float64 }

func (n nullFloat) Scan(src any) error {
	var f sql.NullFloat64
	if err := f.Scan(src); err != nil {
		return err
	}
	*n.dst = nil
	if f.Valid {
		*n.dst = &f.Float64
	}
	return nil
}

// storedExpression builds storedSQL from the cells the columns fill; a
// cell no column fills is a fault in incidentTable, found at start.
func storedExpression() string {
	exprs := make([]string, exchange.NumColumns)
	for _, c := range incidentTable {
		if c.cell == noCell {
			continue
		}
		e := c.stored
		if e == "" {
			e = "i." + c.name
			if _, nullable := c.field(&incidentRow{}).(**string); nullable {
				e = "ifnull(i." + c.name + ", '')"
			}
		}
		exprs[c.cell] = e
	}
	for i, e := range exprs {
		if e == "" {
			panic(fmt.Sprintf("store: no column fills the CSV cell %s", exchange.Columns[i].Name))
		}
	}
	return "concat_ws(char(0), " + strings.Join(exprs, ", ") + ")"
}

// figureSQL is a figure in storedSQL: empty when it is not known.
func figureSQL(name string) string {
	return "CASE WHEN i." + name + "_known = 1 THEN i." + name + " ELSE '' END"
}

// estimateSQL is a figure's low or high in storedSQL, known as the figure is.
func estimateSQL(name, which string) string {
	return "CASE WHEN i." + name + "_known = 1 THEN i." + name + "_" + which + " ELSE '' END"
}

// coordinateSQL is a coordinate in storedSQL. SQLite's own text for a REAL
// keeps 15 significant digits and would not read back as the same number,
// so a coordinate comes as an integer count of ten-millionths of a degree
// when that is exact (as it is for every coordinate given with up to seven
// decimals), and otherwise, after a "g", with the 21 significant digits
// SQLite's quote() uses.
func coordinateSQL(col string) string {
	return `CASE WHEN ` + col + ` IS NULL THEN ''
		WHEN round(` + col + ` * 1e7) / 1e7 = ` + col + ` THEN CAST(round(` + col + ` * 1e7) AS INTEGER)
		ELSE 'g' || printf('%!.20e', ` + col + `) END`
}
