package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"incidentdb/models/gazetteer"
)

// The answers of the store that the HTTP layer and the command line show:
// pages, histories, reports, reference lists and import results. They are
// here, beside the incidents they describe, so that neither the handlers
// nor the store need the other's types.

// Counts are what every report row and total carries.
type Counts struct {
	Incidents int64 `json:"incidents"`
	Killed    int64 `json:"killed"`
	Wounded   int64 `json:"wounded"`
	// KilledUnknown and WoundedUnknown count the incidents (or, in a row
	// by group or nationality, the parts of incidents) whose figure is
	// not known: Killed and Wounded add only what is.
	KilledUnknown  int64 `json:"killed_unknown"`
	WoundedUnknown int64 `json:"wounded_unknown"`
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Incidents += o.Incidents
	c.Killed += o.Killed
	c.Wounded += o.Wounded
	c.KilledUnknown += o.KilledUnknown
	c.WoundedUnknown += o.WoundedUnknown
}

// ReportRow is one group of a casualty report: the dimension values in
// group_by order (nil for unknown) and the counts.
type ReportRow struct {
	Values []any
	Counts
}

// Report is a casualty report.
type Report struct {
	GroupBy []Dimension
	Rows    []ReportRow
	// RowsTotal is how many rows the report has before a limit keeps the
	// first few (Arrange); Totals are always those of every row.
	RowsTotal int
	Totals    Counts
	// Source says where the numbers came from ("totals_year",
	// "totals_month" or "incidents"), for benchmarks and curious operators.
	Source string
}

// Point is one period of a time series.
type Point struct {
	Period string `json:"period"`
	Counts
}

// Series is the time series of one value of a dimension: every period of
// the range, zero-filled, and their sum.
type Series struct {
	Value  any // nil for unknown
	Totals Counts
	Points []Point
}

// GroupedSeries is a time series split by one dimension: the largest
// series by killed, how many values there were, and the series of all of
// them together (Points), which the split never changes.
type GroupedSeries struct {
	Interval    Interval
	GroupBy     Dimension
	Series      []Series
	SeriesTotal int
	Points      []Point
}

// RegionCount is a region with the number of live incidents in it.
type RegionCount struct {
	Country   *string `json:"country"`
	Code      *string `json:"code"`
	Name      *string `json:"name"`
	Incidents int64   `json:"incidents"`
}

// NameCount is a name with the number of live incidents under it.
type NameCount struct {
	Name      string `json:"name"`
	Incidents int64  `json:"incidents"`
}

// CountryCount is a country with how many live incidents it hosted and in
// how many its personnel were among the contributing countries.
type CountryCount struct {
	Code         *string `json:"code"`
	Name         *string `json:"name"`
	Former       bool    `json:"former"`
	Incidents    int64   `json:"incidents"`
	Contributing int64   `json:"contributing"`
}

// ListResult is one page of a list.
type ListResult struct {
	Items []Incident
	Total int64
	Next  *Cursor
}

// Change is one field of a revision: its value before and after.
type Change struct {
	Field string `json:"field"`
	Old   any    `json:"old"`
	New   any    `json:"new"`
}

// Revision is one entry of an incident's history.
type Revision struct {
	Version   int      `json:"version"`
	Action    string   `json:"action"`
	Actor     string   `json:"actor"`
	ChangedAt string   `json:"changed_at"`
	Changes   []Change `json:"changes"`
}

// HistoryPage asks for part of a history: the revisions after version
// After, oldest first, at most Limit of them and no more than
// models.MaxPageBytes of changes past the first.
type HistoryPage struct {
	After int
	Limit int
}

// HistoryResult is one page of a history. Next is the version to ask
// after for the next page, nil on the last.
type HistoryResult struct {
	Revisions []Revision
	Next      *int
}

// What a re-import does with an external_id that is already stored.
const (
	OnConflictFail   = "fail"
	OnConflictSkip   = "skip"
	OnConflictUpdate = "update"
)

// MaxImportErrors bounds the row errors an import reports; past it the
// file is still read to the end, so the count is right, but not listed.
const MaxImportErrors = 1000

// ImportOptions steer an import.
type ImportOptions struct {
	OnConflict string // fail (default), skip or update
	// DryRun validates and counts without writing: it reads on a reader
	// connection and never takes the writer.
	DryRun bool
	// Restore lets on_conflict=update bring back a deleted incident, which
	// only an admin may do directly; without it such a record is a row
	// error, so that an import cannot do what its sender's role cannot.
	Restore bool
	// Progress, when set, is called now and then with the records read.
	Progress func(read int)
	// Origin is the format the file is in, recorded on the incidents it
	// creates; Dataset labels the records that carry no label of their own.
	Origin  Origin
	Dataset *string
	// Link merges each created record into the stored incident that
	// clearly records the same attack (see Store.Link), after the import
	// commits.
	Link bool
	// FirstLoad lets an import into an empty PostgreSQL database build the
	// secondary indexes once, after the rows, which holds the tables from
	// every other session until it commits: the command line's import,
	// never a request's.
	FirstLoad bool
}

// Stamp records where an imported incident came from.
func (o ImportOptions) Stamp(inc *Incident) {
	if o.Origin != "" {
		inc.Origin = o.Origin
	}
	if inc.Dataset == nil {
		inc.Dataset = o.Dataset
	}
}

// RowError is one bad row of an import.
type RowError struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ImportResult counts what an import did (or, on a dry run or a failure,
// would have done).
type ImportResult struct {
	Read      int        `json:"read"`
	Created   int        `json:"created"`
	Updated   int        `json:"updated"`
	Skipped   int        `json:"skipped"`
	Unchanged int        `json:"unchanged"`
	DryRun    bool       `json:"dry_run"`
	Failed    int        `json:"failed"`
	Errors    []RowError `json:"errors"`
	// Linked and Ambiguous are what a linking import did: the records it
	// merged into the incidents they record, and those it left, with their
	// candidates. Present only when the import links.
	Linked    []Linked    `json:"linked,omitzero"`
	Ambiguous []Ambiguous `json:"ambiguous,omitzero"`
}

// Outcome is the import's error when any record failed: nothing was
// stored, and no count but the failures stands.
func (r *ImportResult) Outcome() error {
	if r.Failed == 0 {
		return nil
	}
	r.Created, r.Updated, r.Skipped, r.Unchanged = 0, 0, 0, 0
	msg := fmt.Sprintf("%d of %d records are not valid; nothing was imported", r.Failed, r.Read)
	if r.Read == 0 {
		// The file failed before its first record: its header, or its
		// first line.
		msg = "the file cannot be read as records; nothing was imported"
	}
	e := &Error{Code: Invalid, Message: msg}
	for _, re := range r.Errors {
		e.Fields = append(e.Fields, FieldError{Field: re.Field, Message: re.Message, Line: re.Line})
	}
	return e
}

// Fail records that the record on line could not be stored, with every
// field error it carries.
func (r *ImportResult) Fail(line int, err error) {
	r.Failed++
	var me *Error
	if !errors.As(err, &me) || len(me.Fields) == 0 {
		r.add(RowError{Line: line, Field: "row", Message: err.Error()})
		return
	}
	for _, f := range me.Fields {
		r.add(RowError{Line: line, Field: f.Field, Message: f.Message})
	}
}

func (r *ImportResult) add(e RowError) {
	if len(r.Errors) < MaxImportErrors {
		r.Errors = append(r.Errors, e)
	}
}

// MarshalJSON writes rows as objects whose keys follow group_by order, then
// the counts, which is how a reader scans a table.
func (rep Report) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"group_by":`)
	gb, err := json.Marshal(Names(rep.GroupBy))
	if err != nil {
		return nil, err
	}
	b.Write(gb)
	b.WriteString(`,"rows":[`)
	for i, r := range rep.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		for j, d := range rep.GroupBy {
			if err := writeValue(&b, d, r.Values[j]); err != nil {
				return nil, err
			}
		}
		writeCounts(&b, r.Counts)
		b.WriteByte('}')
	}
	fmt.Fprintf(&b, `],"rows_total":%d,"totals":{`, rep.RowsTotal)
	writeCounts(&b, rep.Totals)
	b.WriteString(`}}`)
	return b.Bytes(), nil
}

// writeValue writes the value of d as a key and value followed by a
// comma, and for a country beside its code the English name, so that a
// dashboard elsewhere needs no table of codes (null when the code is
// unknown or the value is).
func writeValue(b *bytes.Buffer, d Dimension, v any) error {
	k, _ := json.Marshal(string(d))
	val, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(k)
	b.WriteByte(':')
	b.Write(val)
	b.WriteByte(',')
	if !d.IsCountry() {
		return nil
	}
	var name *string
	if code, ok := v.(string); ok && gazetteer.CountryName(code) != "" {
		n := gazetteer.CountryName(code)
		name = &n
	}
	k, _ = json.Marshal(string(d) + "_name")
	val, _ = json.Marshal(name)
	b.Write(k)
	b.WriteByte(':')
	b.Write(val)
	b.WriteByte(',')
	return nil
}

// MarshalJSON writes each series as its value (keyed by the dimension, as
// report rows are), its totals and its points.
func (g GroupedSeries) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"interval":%q,"group_by":%q,"series":[`, g.Interval, g.GroupBy)
	for i, s := range g.Series {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('{')
		if err := writeValue(&b, g.GroupBy, s.Value); err != nil {
			return nil, err
		}
		b.WriteString(`"totals":{`)
		writeCounts(&b, s.Totals)
		b.WriteString(`},"points":`)
		if err := writePoints(&b, s.Points); err != nil {
			return nil, err
		}
		b.WriteByte('}')
	}
	fmt.Fprintf(&b, `],"series_total":%d,"points":`, g.SeriesTotal)
	if err := writePoints(&b, g.Points); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writePoints(b *bytes.Buffer, points []Point) error {
	if points == nil {
		points = []Point{}
	}
	p, err := json.Marshal(points)
	b.Write(p)
	return err
}

func writeCounts(b *bytes.Buffer, c Counts) {
	fmt.Fprintf(b, `"incidents":%d,"killed":%d,"wounded":%d,"killed_unknown":%d,"wounded_unknown":%d`,
		c.Incidents, c.Killed, c.Wounded, c.KilledUnknown, c.WoundedUnknown)
}
