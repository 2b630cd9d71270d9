package exchange

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"incidentdb/models"
)

// CountNames are the columns of the counts of a report row, in the order
// of CountCells.
var CountNames = []string{"incidents", "killed", "wounded", "killed_unknown", "wounded_unknown"}

// CountCells are the counts as cells.
func CountCells(c models.Counts) []string {
	return []string{strconv.FormatInt(c.Incidents, 10), strconv.FormatInt(c.Killed, 10), strconv.FormatInt(c.Wounded, 10),
		strconv.FormatInt(c.KilledUnknown, 10), strconv.FormatInt(c.WoundedUnknown, 10)}
}

// ReportHeader is the CSV header of the report: the dimensions, then the counts.
func ReportHeader(rep models.Report) []string {
	return append(models.Names(rep.GroupBy), CountNames...)
}

// ReportRecords renders each row as text cells, unknown values as "", in Header
// order. Text cells are guarded against spreadsheet formulas.
func ReportRecords(rep models.Report) [][]string {
	out := make([][]string, 0, len(rep.Rows))
	for _, r := range rep.Rows {
		rec := make([]string, 0, len(rep.GroupBy)+len(CountNames))
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
		rec = append(rec, CountCells(r.Counts)...)
		out = append(out, rec)
	}
	return out
}

// WriteReportCSV writes the header and rows as CSV.
func WriteReportCSV(w io.Writer, rep models.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(ReportHeader(rep)); err != nil {
		return err
	}
	if err := cw.WriteAll(ReportRecords(rep)); err != nil {
		return err
	}
	return cw.Error()
}
