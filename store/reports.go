package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// dimSQL is how one dimension reads from the incidents table (aliased i)
// and its joins: key groups, label is what is shown.
type dimSQL struct {
	key, label string
	join       string
}

var baseDims = map[models.Dimension]dimSQL{
	"region":  {key: "i.region_key", label: labelSQL(labelRegion, "i.region_key", "min(i.region)")},
	"country": {key: "i.country", label: "i.country"},
	"mission": {key: "i.mission_key", label: labelSQL(labelMission, "i.mission_key", "min(i.mission)")},
	"type":    {key: "i.type", label: "i.type"},
	"year":    {key: "substr(i.occurred_on, 1, 4)", label: "substr(i.occurred_on, 1, 4)"},
	"month":   {key: "substr(i.occurred_on, 1, 7)", label: "substr(i.occurred_on, 1, 7)"},
	// LEFT JOINs: an incident with no force or no contributing country is a
	// null row, never dropped.
	"force":                {key: "f.name_key", label: labelSQL(labelForce, "f.name_key", "min(f.name)"), join: "LEFT JOIN incident_forces f ON f.incident_id = i.id"},
	"contributing_country": {key: "cc.code", label: "cc.code", join: "LEFT JOIN incident_countries cc ON cc.incident_id = i.id"},
	// The part no line holds is stored with group '' and shown as none.
	"group":       {key: "c.grp", label: "nullif(c.grp, '')"},
	"nationality": {key: "c.nationality", label: "c.nationality"},
	"dataset":     {key: "i.dataset", label: "i.dataset"},
}

// The counts of a report row, summed over incidents or over the parts of
// incidents (casualty lines and unattributed parts), of the estimate f
// asks for. An unknown figure is stored as what is known of it, so the
// sums are the sums of known values.
func incidentCountsSQL(f models.Filter) string {
	k, w := estimateColumns(f)
	return "count(*), sum(i." + k + "), sum(i." + w + "), sum(1 - i.killed_known), sum(1 - i.wounded_known)"
}

func partCountsSQL(f models.Filter) string {
	k, w := estimateColumns(f)
	return "count(DISTINCT i.id), sum(c." + k + "), sum(c." + w + "), " +
		"count(DISTINCT CASE WHEN c.killed_known = 0 THEN i.id END), count(DISTINCT CASE WHEN c.wounded_known = 0 THEN i.id END)"
}

// estimateColumns are the columns of killed and wounded that f's estimate
// sums, in incidents, casualties and the totals tables alike.
func estimateColumns(f models.Filter) (killed, wounded string) {
	switch f.Estimate {
	case models.Low:
		return "killed_low", "wounded_low"
	case models.High:
		return "killed_high", "wounded_high"
	}
	return "killed", "wounded"
}

// countsByParts reports whether a report or series with f and dims adds
// the parts of incidents rather than their totals: when it groups by group
// or nationality, and when f names groups or nationalities, which then
// choose the parts that count ("peacekeepers killed in MINUSMA" must not
// count the Malian soldier killed in the same attack, however the answer
// is grouped).
func countsByParts(f models.Filter, dims []models.Dimension) bool {
	return len(f.Groups)+len(f.Nationalities) > 0 || slices.ContainsFunc(dims, models.Dimension.FromCasualtyLines)
}

// partsJoin joins the parts of each incident that f counts.
func partsJoin(f models.Filter) (string, []any) {
	join := "JOIN casualties c ON c.incident_id = i.id"
	var args []any
	if len(f.Groups) > 0 {
		join += " AND c.grp IN ?"
		args = append(args, models.Names(f.Groups))
	}
	if len(f.Nationalities) > 0 {
		join += " AND c.nationality IN ?"
		args = append(args, f.Nationalities)
	}
	return join, args
}

// CasualtyReport totals the incidents matching f by the dimensions dims.
// It reads the maintained totals tables when every filter and dimension is
// one they keep, and the incidents table otherwise; both give the same
// answer, which the differential tests check.
func (s *Store) CasualtyReport(ctx context.Context, f models.Filter, dims []models.Dimension) (models.Report, error) {
	var rep models.Report
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if table := totalsTableFor(f, dims); table != "" {
			rep, err = reportFromTotals(tx, table, f, dims)
		} else {
			rep, err = reportFromIncidents(tx, f, dims)
		}
		return err
	}, &sql.TxOptions{ReadOnly: true})
	rep.GroupBy = dims
	return rep, internal("casualty report", err)
}

// totalsTableFor picks the coarsest totals table that can answer, or "".
func totalsTableFor(f models.Filter, dims []models.Dimension) string {
	if len(f.Forces)+len(f.ContributingCountries)+len(f.Nationalities)+len(f.Groups)+len(f.Words)+len(f.ExternalIDs) > 0 ||
		f.MinKilled != nil || f.MinWounded != nil || f.Conflict != nil {
		return ""
	}
	for _, d := range dims {
		if !slices.Contains([]models.Dimension{"region", "country", "mission", "type", "year", "month", "dataset"}, d) {
			return ""
		}
	}
	if f.From == nil && f.To == nil && !slices.Contains(dims, "year") && !slices.Contains(dims, "month") {
		return "totals_all"
	}
	yearAligned := (f.From == nil || strings.HasSuffix(*f.From, "-01-01")) && (f.To == nil || strings.HasSuffix(*f.To, "-12-31"))
	if yearAligned && !slices.Contains(dims, "month") {
		return "totals_year"
	}
	if (f.From == nil || strings.HasSuffix(*f.From, "-01")) && (f.To == nil || isMonthEnd(*f.To)) {
		if len(f.Regions)+len(f.Countries)+len(f.Missions)+len(f.Types)+len(f.Datasets) == 0 && !slices.ContainsFunc(dims, func(d models.Dimension) bool {
			return d != "year" && d != "month"
		}) {
			return "totals_by_month"
		}
		return "totals_month"
	}
	return ""
}

func isMonthEnd(day string) bool {
	t, err := time.Parse(models.DateLayout, day)
	return err == nil && t.AddDate(0, 0, 1).Day() == 1
}

func reportFromTotals(tx *gorm.DB, table string, f models.Filter, dims []models.Dimension) (models.Report, error) {
	conds := []string{"1 = 1"}
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	placeConds("t", f, add)
	size := periodSize(table)
	if f.From != nil && size > 0 {
		add("t.period >= ?", (*f.From)[:size])
	}
	if f.To != nil && size > 0 {
		add("t.period <= ?", (*f.To)[:size])
	}
	cols := map[models.Dimension]dimSQL{
		"region":  {key: "CASE WHEN t.region_key = '' THEN '' ELSE t.country END, t.region_key", label: "nullif(" + labelSQL(labelRegion, "t.region_key", "min(t.region)") + ", '')"},
		"country": {key: "t.country", label: "nullif(t.country, '')"},
		"mission": {key: "t.mission_key", label: "nullif(" + labelSQL(labelMission, "t.mission_key", "min(t.mission)") + ", '')"},
		"type":    {key: "t.type", label: "t.type"},
		"year":    {key: "substr(t.period, 1, 4)", label: "substr(t.period, 1, 4)"},
		"month":   {key: "t.period", label: "t.period"},
		"dataset": {key: "t.dataset", label: "nullif(t.dataset, '')"},
	}
	where := strings.Join(conds, " AND ")
	var keys, labels []string
	for _, d := range dims {
		keys = append(keys, cols[d].key)
		labels = append(labels, cols[d].label)
	}
	killed, wounded := estimateColumns(f)
	var sums []string
	for _, c := range []string{"incidents", killed, wounded, "killed_unknown", "wounded_unknown"} {
		sums = append(sums, "CAST(coalesce(sum(t."+c+"), 0) AS BIGINT)")
	}
	counts := strings.Join(sums, ", ")
	q := "SELECT " + strings.Join(labels, ", ") + ", " + counts + " FROM " + table +
		" t WHERE " + where + " GROUP BY " + strings.Join(keys, ", ") + " HAVING sum(t.incidents) > 0"
	rep := models.Report{Source: table}
	var err error
	if rep.Rows, err = scanReport(tx, q, args, dims); err != nil {
		return rep, err
	}
	err = scanCounts(tx.Raw("SELECT "+counts+" FROM "+table+" t WHERE "+where, args...).Row(), &rep.Totals)
	return rep, err
}

func reportFromIncidents(tx *gorm.DB, f models.Filter, dims []models.Dimension) (models.Report, error) {
	cond, args := where(f)
	parts := countsByParts(f, dims)
	var joins, keys, labels []string
	var joinArgs []any
	for _, d := range dims {
		ds := baseDims[d]
		if ds.join != "" {
			joins = append(joins, ds.join)
		}
		keys = append(keys, ds.key)
		labels = append(labels, ds.label)
	}
	counts := incidentCountsSQL(f)
	if parts {
		join, a := partsJoin(f)
		joins = append(joins, join)
		joinArgs = a
		counts = partCountsSQL(f)
	}
	from := "FROM incidents i " + strings.Join(joins, " ") + " WHERE " + cond
	all := append(joinArgs, args...)
	q := "SELECT " + strings.Join(labels, ", ") + ", " + counts + " " + from + " GROUP BY " + strings.Join(keys, ", ")
	rep := models.Report{Source: "incidents"}
	var err error
	if rep.Rows, err = scanReport(tx, q, all, dims); err != nil {
		return rep, err
	}
	if !parts && !slices.ContainsFunc(dims, models.Dimension.MultiValued) {
		// Every incident is in exactly one row: the totals are the rows'
		// sums, and a second pass over the table would double the cost.
		for _, r := range rep.Rows {
			rep.Totals.Add(r.Counts)
		}
		return rep, nil
	}
	// Without a group or nationality filter every part of a matching
	// incident counts, and the totals are the incidents' own: the same
	// unknown counts as a report by year gives. With one, they are the
	// sums of the chosen parts.
	total := "SELECT " + incidentCountsSQL(f) + " FROM incidents i WHERE " + cond
	totalArgs := args
	if parts && len(f.Groups)+len(f.Nationalities) > 0 {
		total = "SELECT " + partCountsSQL(f) + " FROM incidents i " + joins[len(joins)-1] + " WHERE " + cond
		totalArgs = all
	}
	err = scanCounts(tx.Raw(total, totalArgs...).Row(), &rep.Totals)
	return rep, err
}

// scanCounts scans the five counts of a total, which are NULL (no rows
// summed) as 0.
func scanCounts(row *sql.Row, c *models.Counts) error {
	var n [5]sql.NullInt64
	if err := row.Scan(&n[0], &n[1], &n[2], &n[3], &n[4]); err != nil {
		return err
	}
	*c = models.Counts{Incidents: n[0].Int64, Killed: n[1].Int64, Wounded: n[2].Int64, KilledUnknown: n[3].Int64, WoundedUnknown: n[4].Int64}
	return nil
}

// scanReport runs a grouped query whose columns are the dimension labels
// then the five counts, and returns rows sorted by the dimensions with
// unknown values last.
func scanReport(tx *gorm.DB, q string, args []any, dims []models.Dimension) ([]models.ReportRow, error) {
	rows, err := tx.Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []models.ReportRow{}
	for rows.Next() {
		if len(out) == MaxReportRows {
			return nil, models.FieldErrorf(models.Malformed, "the report would be too long", "group_by", "these dimensions make more than %d rows; narrow the filters or group by fewer", MaxReportRows)
		}
		labels := make([]sql.NullString, len(dims))
		dest := make([]any, 0, len(dims)+5)
		for i := range labels {
			dest = append(dest, &labels[i])
		}
		var r models.ReportRow
		dest = append(dest, &r.Incidents, &r.Killed, &r.Wounded, &r.KilledUnknown, &r.WoundedUnknown)
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r.Values = make([]any, len(dims))
		for i, l := range labels {
			if !l.Valid {
				continue
			}
			r.Values[i] = l.String
			if dims[i] == "mission" || dims[i] == "force" {
				r.Values[i] = shownName(l.String)
			}
			if dims[i] == "year" {
				y, _ := strconv.Atoi(l.String)
				r.Values[i] = y
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b models.ReportRow) int { return compareValues(a.Values, b.Values) })
	return out, nil
}

func compareValues(a, b []any) int {
	for i := range a {
		switch {
		case a[i] == nil && b[i] == nil:
			continue
		case a[i] == nil:
			return 1
		case b[i] == nil:
			return -1
		}
		if x, ok := a[i].(int); ok {
			if c := cmp.Compare(x, b[i].(int)); c != 0 {
				return c
			}
			continue
		}
		// Readers expect "Ménaka" between "Kidal" and "Mopti", not after
		// every unaccented name, so names compare folded first.
		as, bs := fmt.Sprint(a[i]), fmt.Sprint(b[i])
		if c := strings.Compare(gazetteer.Fold(as), gazetteer.Fold(bs)); c != 0 {
			return c
		}
		if c := strings.Compare(as, bs); c != 0 {
			return c
		}
	}
	return 0
}

// TimeSeries counts incidents matching f per period of interval, with every
// period from f.From to f.To present (zero where nothing happened). Without
// From or To the range is that of the matching incidents. Weeks are ISO
// weeks ("2017-W47").
func (s *Store) TimeSeries(ctx context.Context, f models.Filter, interval models.Interval) ([]models.Point, error) {
	var points []models.Point
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var byPeriod map[string]models.Counts
		var err error
		dims := []models.Dimension{"month"}
		if interval == "year" {
			dims = []models.Dimension{"year"}
		}
		if (interval == "month" || interval == "year") && totalsTableFor(f, dims) != "" {
			rep, err := reportFromTotals(tx, totalsTableFor(f, dims), f, dims)
			if err != nil {
				return err
			}
			byPeriod = map[string]models.Counts{}
			for _, r := range rep.Rows {
				byPeriod[fmt.Sprint(r.Values[0])] = r.Counts
			}
		} else if byPeriod, err = dailyCounts(tx, f, interval); err != nil {
			return err
		}
		first, last := f.From, f.To
		if first == nil || last == nil {
			cond, args := where(f)
			var lo, hi sql.NullString
			// Two subqueries: SQLite answers a lone min() or max() from the
			// index, but both in one query scan every row.
			if err := tx.Raw("SELECT (SELECT min(i.occurred_on) FROM incidents i WHERE "+cond+"), (SELECT max(i.occurred_on) FROM incidents i WHERE "+cond+")",
				append(append([]any{}, args...), args...)...).Row().Scan(&lo, &hi); err != nil {
				return err
			}
			if !lo.Valid {
				points = []models.Point{}
				if first == nil || last == nil {
					return nil
				}
			}
			if first == nil {
				first = &lo.String
			}
			if last == nil {
				last = &hi.String
			}
		}
		if n := periods(*first, *last, interval); n > MaxPoints {
			return models.FieldErrorf(models.Malformed, "the time series would be too long", "interval", "%s to %s is %d periods of a %s; at most %d: narrow from and to, or take a longer interval", *first, *last, n, interval, MaxPoints)
		}
		points = fill(byPeriod, *first, *last, interval)
		return nil
	}, &sql.TxOptions{ReadOnly: true})
	return points, internal("time series", err)
}

// dailyCounts groups by day in SQL and folds days into periods in Go: ISO
// weeks are awkward in SQLite, and there are at most a few thousand days.
func dailyCounts(tx *gorm.DB, f models.Filter, interval models.Interval) (map[string]models.Counts, error) {
	cond, args := where(f)
	from, counts := "FROM incidents i", incidentCountsSQL(f)
	if countsByParts(f, nil) {
		join, joinArgs := partsJoin(f)
		from, counts, args = from+" "+join, partCountsSQL(f), append(joinArgs, args...)
	}
	rows, err := tx.Raw("SELECT i.occurred_on, "+counts+" "+from+" WHERE "+cond+" GROUP BY i.occurred_on", args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]models.Counts{}
	for rows.Next() {
		var day string
		var c models.Counts
		if err := rows.Scan(&day, &c.Incidents, &c.Killed, &c.Wounded, &c.KilledUnknown, &c.WoundedUnknown); err != nil {
			return nil, err
		}
		t, err := time.Parse(models.DateLayout, day)
		if err != nil {
			return nil, err
		}
		p := period(t, interval)
		sum := out[p]
		sum.Add(c)
		out[p] = sum
	}
	return out, rows.Err()
}

func period(t time.Time, interval models.Interval) string {
	switch interval {
	case "day":
		return t.Format(models.DateLayout)
	case "week":
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case "year":
		return t.Format("2006")
	}
	return t.Format("2006-01")
}

// MaxReportRows bounds a report: a table nobody reads past, and a bound on
// what one request can make the server build (a few megabytes of JSON).
var MaxReportRows = 50_000

// MaxPoints bounds a time series: a century of days, enough for any chart,
// and a bound on what one request can make the server build.
const MaxPoints = 40_000

// periods counts the periods of a series from first to last, roughly
// enough to enforce MaxPoints before building it.
func periods(first, last string, interval models.Interval) int {
	a, err1 := time.Parse(models.DateLayout, first)
	b, err2 := time.Parse(models.DateLayout, last)
	if err1 != nil || err2 != nil || b.Before(a) {
		return 0
	}
	// By calendar days, not b.Sub(a): a Duration saturates at 292 years,
	// which let a weekly series of a millennium past the bound.
	days := int(b.Unix()/86400-a.Unix()/86400) + 1
	switch interval {
	case "week":
		return days/7 + 2
	case "month":
		return (b.Year()-a.Year())*12 + int(b.Month()-a.Month()) + 1
	case "year":
		return b.Year() - a.Year() + 1
	}
	return days
}

// fill lists every period from first to last, inclusive.
func fill(by map[string]models.Counts, first, last string, interval models.Interval) []models.Point {
	start, err1 := time.Parse(models.DateLayout, first)
	end, err2 := time.Parse(models.DateLayout, last)
	out := []models.Point{}
	if err1 != nil || err2 != nil || end.Before(start) {
		return out
	}
	switch interval {
	case "week":
		start = start.AddDate(0, 0, -((int(start.Weekday()) + 6) % 7)) // the Monday of its ISO week
	case "month":
		start = time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, time.UTC)
	case "year":
		start = time.Date(start.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	for t := start; !t.After(end); {
		p := period(t, interval)
		out = append(out, models.Point{Period: p, Counts: by[p]})
		switch interval {
		case "day":
			t = t.AddDate(0, 0, 1)
		case "week":
			t = t.AddDate(0, 0, 7)
		case "month":
			t = t.AddDate(0, 1, 0)
		default:
			t = t.AddDate(1, 0, 0)
		}
	}
	return out
}
