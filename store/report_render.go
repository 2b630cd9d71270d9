package store

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"incidentdb/models"
)

// MarshalJSON writes rows as objects whose keys follow group_by order, then
// the counts, which is how a reader scans a table.
func (rep Report) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"group_by":`)
	gb, err := json.Marshal(models.Names(rep.GroupBy))
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
			k, _ := json.Marshal(string(d))
			v, err := json.Marshal(r.Values[j])
			if err != nil {
				return nil, err
			}
			b.Write(k)
			b.WriteByte(':')
			b.Write(v)
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"incidents":%d,"killed":%d,"wounded":%d}`, r.Incidents, r.Killed, r.Wounded)
	}
	t := rep.Totals
	fmt.Fprintf(&b, `],"totals":{"incidents":%d,"killed":%d,"wounded":%d}}`, t.Incidents, t.Killed, t.Wounded)
	return b.Bytes(), nil
}

// Header is the CSV header of the report: the dimensions, then the counts.
func (rep Report) Header() []string {
	return append(models.Names(rep.GroupBy), "incidents", "killed", "wounded")
}

// Records renders each row as text cells, unknown values as "", in Header
// order. Text cells are guarded against spreadsheet formulas.
func (rep Report) Records() [][]string {
	out := make([][]string, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		rec := make([]string, 0, len(rep.GroupBy)+3)
		for _, v := range r.Values {
			switch x := v.(type) {
			case nil:
				rec = append(rec, "")
			case string:
				rec = append(rec, models.GuardCell(x))
			default:
				rec = append(rec, fmt.Sprint(x))
			}
		}
		rec = append(rec, strconv.FormatInt(r.Incidents, 10), strconv.FormatInt(r.Killed, 10), strconv.FormatInt(r.Wounded, 10))
		out = append(out, rec)
	}
	return out
}

// WriteCSV writes the header and rows as CSV.
func (rep Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(rep.Header()); err != nil {
		return err
	}
	if err := cw.WriteAll(rep.Records()); err != nil {
		return err
	}
	return cw.Error()
}
