package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
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
	// Not a dimension clients name: the days a series folds into periods.
	"day": {key: "i.occurred_on", label: "i.occurred_on"},
}

// totalsDims is how the dimensions the totals tables keep read from them
// (aliased t).
var totalsDims = map[models.Dimension]dimSQL{
	"region":  {key: "CASE WHEN t.region_key = '' THEN '' ELSE t.country END, t.region_key", label: "nullif(" + labelSQL(labelRegion, "t.region_key", "min(t.region)") + ", '')"},
	"country": {key: "t.country", label: "nullif(t.country, '')"},
	"mission": {key: "t.mission_key", label: "nullif(" + labelSQL(labelMission, "t.mission_key", "min(t.mission)") + ", '')"},
	"type":    {key: "t.type", label: "t.type"},
	"year":    {key: "substr(t.period, 1, 4)", label: "substr(t.period, 1, 4)"},
	"month":   {key: "t.period", label: "t.period"},
	"dataset": {key: "t.dataset", label: "nullif(t.dataset, '')"},
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
			rep, err = reportFromIncidents(s.d, tx, f, dims)
		}
		return err
	}, &sql.TxOptions{ReadOnly: true})
	rep.GroupBy = dims
	rep.RowsTotal = len(rep.Rows)
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
		if len(f.Missions)+len(f.Types)+len(f.Datasets) == 0 && !slices.ContainsFunc(dims, func(d models.Dimension) bool {
			return d != "region" && d != "country" && d != "year"
		}) {
			return "totals_year_place"
		}
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

// totalsQuery is a report by dims over a totals table: the grouped query
// (the dimensions' labels then the five counts), and the query of its
// totals, both with args.
func totalsQuery(table string, f models.Filter, dims []models.Dimension) (grouped, total string, args []any) {
	conds := []string{"1 = 1"}
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	placeConds("t", f, add)
	size := periodSize(table)
	if f.From != nil && size > 0 {
		add("t.period >= ?", (*f.From)[:size])
	}
	if f.To != nil && size > 0 {
		add("t.period <= ?", (*f.To)[:size])
	}
	where := strings.Join(conds, " AND ")
	var keys, labels []string
	for _, d := range dims {
		keys = append(keys, totalsDims[d].key)
		labels = append(labels, totalsDims[d].label)
	}
	killed, wounded := estimateColumns(f)
	var sums []string
	for _, c := range []string{"incidents", killed, wounded, "killed_unknown", "wounded_unknown"} {
		sums = append(sums, "CAST(coalesce(sum(t."+c+"), 0) AS BIGINT)")
	}
	counts := strings.Join(sums, ", ")
	grouped = "SELECT " + strings.Join(labels, ", ") + ", " + counts + " FROM " + table +
		" t WHERE " + where + " GROUP BY " + strings.Join(keys, ", ") + " HAVING sum(t.incidents) > 0"
	return grouped, "SELECT " + counts + " FROM " + table + " t WHERE " + where, args
}

func reportFromTotals(tx *gorm.DB, table string, f models.Filter, dims []models.Dimension) (models.Report, error) {
	q, total, args := totalsQuery(table, f, dims)
	rep := models.Report{Source: table}
	var err error
	if rep.Rows, err = scanReport(tx, q, args, dims); err != nil {
		return rep, err
	}
	err = scanCounts(tx.Raw(total, args...).Row(), &rep.Totals)
	return rep, err
}

// incidentsQuery is a report by dims over the incidents table.
type incidentsQuery struct {
	// grouped selects the dimensions' labels then the five counts, with
	// args.
	grouped string
	args    []any
	// parts says whether the counts are of the parts of incidents; cond
	// and condArgs are f's filter alone, partsJoin the join of the parts
	// (whose arguments, when parts, are the first of args).
	parts     bool
	cond      string
	condArgs  []any
	partsJoin string
}

func newIncidentsQuery(d dialect, f models.Filter, dims []models.Dimension) incidentsQuery {
	q := incidentsQuery{parts: countsByParts(f, dims)}
	q.cond, q.condArgs = where(d, f)
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
	if q.parts {
		q.partsJoin, joinArgs = partsJoin(f)
		joins = append(joins, q.partsJoin)
		counts = partCountsSQL(f)
	}
	q.args = append(joinArgs, q.condArgs...)
	q.grouped = "SELECT " + strings.Join(labels, ", ") + ", " + counts + " FROM incidents i " + strings.Join(joins, " ") +
		" WHERE " + q.cond + " GROUP BY " + strings.Join(keys, ", ")
	return q
}

func reportFromIncidents(d dialect, tx *gorm.DB, f models.Filter, dims []models.Dimension) (models.Report, error) {
	q := newIncidentsQuery(d, f, dims)
	rep := models.Report{Source: "incidents"}
	var err error
	if rep.Rows, err = scanReport(tx, q.grouped, q.args, dims); err != nil {
		return rep, err
	}
	if !q.parts && !slices.ContainsFunc(dims, models.Dimension.MultiValued) {
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
	total := "SELECT " + incidentCountsSQL(f) + " FROM incidents i WHERE " + q.cond
	totalArgs := q.condArgs
	if q.parts && len(f.Groups)+len(f.Nationalities) > 0 {
		total = "SELECT " + partCountsSQL(f) + " FROM incidents i " + q.partsJoin + " WHERE " + q.cond
		totalArgs = q.args
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
	out := []models.ReportRow{}
	err := eachGroup(tx, q, args, len(dims), func(labels []sql.NullString, c models.Counts) error {
		if len(out) == MaxReportRows {
			return models.FieldErrorf(models.Malformed, "the report would be too long", "group_by", "these dimensions make more than %d rows; narrow the filters or group by fewer", MaxReportRows)
		}
		r := models.ReportRow{Values: make([]any, len(dims)), Counts: c}
		for i, l := range labels {
			r.Values[i] = valueOf(dims[i], l)
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortReportRows(out)
	return out, nil
}

// sortReportRows puts rows in the order of compareValues, with each row's
// values folded once: a sort compares every row many times, and folding
// its names at each comparison was most of what a report cost.
func sortReportRows(rows []models.ReportRow) {
	type keyed struct {
		key []valueKey
		row models.ReportRow
	}
	ks := make([]keyed, len(rows))
	for i, r := range rows {
		ks[i] = keyed{keysOf(r.Values), r}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return compareKeys(a.key, b.key) })
	for i := range ks {
		rows[i] = ks[i].row
	}
}

// eachGroup runs a grouped query whose columns are n labels then the five
// counts, and calls fn with each row's.
func eachGroup(tx *gorm.DB, q string, args []any, n int, fn func(labels []sql.NullString, c models.Counts) error) error {
	rows, err := tx.Raw(q, args...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		labels := make([]sql.NullString, n)
		dest := make([]any, 0, n+5)
		for i := range labels {
			dest = append(dest, &labels[i])
		}
		var c models.Counts
		dest = append(dest, &c.Incidents, &c.Killed, &c.Wounded, &c.KilledUnknown, &c.WoundedUnknown)
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := fn(labels, c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// valueOf is the value a report shows for label of d: nil when unknown, a
// mission or force by its shown name, a year as a number.
func valueOf(d models.Dimension, l sql.NullString) any {
	switch {
	case !l.Valid:
		return nil
	case d == "mission" || d == "force":
		return shownName(l.String)
	case d == "year":
		y, _ := strconv.Atoi(l.String)
		return y
	}
	return l.String
}

// compareValues orders report values: an unknown last, numbers as
// numbers, names folded and then as written.
func compareValues(a, b []any) int { return compareKeys(keysOf(a), keysOf(b)) }

// valueKey is a report value as compareValues orders it.
type valueKey struct {
	null, isInt  bool
	n            int
	folded, text string
}

func keysOf(values []any) []valueKey {
	keys := make([]valueKey, len(values))
	for i, v := range values {
		switch x := v.(type) {
		case nil:
			keys[i].null = true
		case int:
			keys[i].n, keys[i].isInt = x, true
		default:
			// Readers expect "Ménaka" between "Kidal" and "Mopti", not
			// after every unaccented name, so names compare folded first.
			keys[i].text = fmt.Sprint(v)
			keys[i].folded = gazetteer.Fold(keys[i].text)
		}
	}
	return keys
}

func compareKeys(a, b []valueKey) int {
	for i := range a {
		switch {
		case a[i].null && b[i].null:
			continue
		case a[i].null:
			return 1
		case b[i].null:
			return -1
		case a[i].isInt:
			if c := cmp.Compare(a[i].n, b[i].n); c != 0 {
				return c
			}
			continue
		}
		if c := strings.Compare(a[i].folded, b[i].folded); c != 0 {
			return c
		}
		if c := strings.Compare(a[i].text, b[i].text); c != 0 {
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
		first, last, err := seriesRange(s.d, tx, f, interval)
		if err != nil || first == "" {
			points = []models.Point{}
			return err
		}
		byPeriod, err := periodCounts(s.d, tx, f, interval)
		points = fill(byPeriod, first, last, interval)
		return err
	}, &sql.TxOptions{ReadOnly: true})
	return points, internal("time series", err)
}

// periodCounts counts what matches f per period of interval: from the
// maintained totals when they can say, else from the incidents by day.
func periodCounts(d dialect, tx *gorm.DB, f models.Filter, interval models.Interval) (map[string]models.Counts, error) {
	byPeriod := map[string]models.Counts{}
	err := eachCell(d, tx, f, interval, "", func(_ sql.NullString, p string, c models.Counts) {
		sum := byPeriod[p]
		sum.Add(c)
		byPeriod[p] = sum
	})
	return byPeriod, err
}

// eachCell calls fn with the counts of each value of dim (none when dim is
// "") and period of interval that has any. Months and years come from the
// totals tables when every filter and dim is one they keep; otherwise the
// incidents are grouped by day in SQL and days folded into periods in Go:
// ISO weeks are awkward in SQLite, and there are at most a few thousand
// days. A value and period may come more than once; fn adds them.
func eachCell(d dialect, tx *gorm.DB, f models.Filter, interval models.Interval, dim models.Dimension, fn func(value sql.NullString, period string, c models.Counts)) error {
	var dims []models.Dimension
	if dim != "" {
		dims = append(dims, dim)
	}
	n := len(dims)
	at := func(labels []sql.NullString) sql.NullString {
		if n == 0 {
			return sql.NullString{}
		}
		return labels[0]
	}
	if interval == "month" || interval == "year" {
		byPeriod := append(slices.Clone(dims), models.Dimension(interval))
		if table := totalsTableFor(f, byPeriod); table != "" {
			q, _, args := totalsQuery(table, f, byPeriod)
			return eachGroup(tx, q, args, n+1, func(labels []sql.NullString, c models.Counts) error {
				fn(at(labels), labels[n].String, c)
				return nil
			})
		}
	}
	q := newIncidentsQuery(d, f, append(dims, "day"))
	return eachGroup(tx, q.grouped, q.args, n+1, func(labels []sql.NullString, c models.Counts) error {
		t, err := time.Parse(models.DateLayout, labels[n].String)
		if err != nil {
			return err
		}
		fn(at(labels), period(t, interval), c)
		return nil
	})
}

// seriesRange is the first and last day of a series of f: f's from and
// to, or without them the matching incidents' first and last; "" when
// there are none. A range longer than MaxPoints periods is refused.
func seriesRange(d dialect, tx *gorm.DB, f models.Filter, interval models.Interval) (first, last string, err error) {
	if f.From != nil {
		first = *f.From
	}
	if f.To != nil {
		last = *f.To
	}
	if first == "" || last == "" {
		cond, args := where(d, f)
		var lo, hi sql.NullString
		// Two subqueries: SQLite answers a lone min() or max() from the
		// index, but both in one query scan every row.
		if err := tx.Raw("SELECT (SELECT min(i.occurred_on) FROM incidents i WHERE "+cond+"), (SELECT max(i.occurred_on) FROM incidents i WHERE "+cond+")",
			append(append([]any{}, args...), args...)...).Row().Scan(&lo, &hi); err != nil {
			return "", "", err
		}
		if !lo.Valid {
			return "", "", nil
		}
		if first == "" {
			first = lo.String
		}
		if last == "" {
			last = hi.String
		}
	}
	if n := periods(first, last, interval); n > MaxPoints {
		return "", "", models.FieldErrorf(models.Malformed, "the time series would be too long", "interval", "%s to %s is %d periods of a %s; at most %d: narrow from and to, or take a longer interval", first, last, n, interval, MaxPoints)
	}
	return first, last, nil
}

// MaxGroupedPoints bounds the points of a grouped time series, all its
// series together: ten series of fifty years of days.
const MaxGroupedPoints = 200_000

// GroupedTimeSeries is TimeSeries split by the values of g.By: the
// g.Limit largest series by killed (ties in the order of a report's rows),
// each over the whole range and zero-filled, how many values there were,
// and the series of everything, which is TimeSeries' answer. For a
// dimension an incident has one value of (region, country, mission, type,
// dataset), the series of every value add up to it period by period.
func (s *Store) GroupedTimeSeries(ctx context.Context, f models.Filter, interval models.Interval, g models.SeriesGroup) (models.GroupedSeries, error) {
	out := models.GroupedSeries{Interval: interval, GroupBy: g.By, Series: []models.Series{}, Points: []models.Point{}}
	err := s.r.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		first, last, err := seriesRange(s.d, tx, f, interval)
		if err != nil || first == "" {
			return err
		}
		type cells struct {
			value  any
			totals models.Counts
			by     map[string]models.Counts
		}
		byValue := map[sql.NullString]*cells{}
		err = eachCell(s.d, tx, f, interval, g.By, func(v sql.NullString, p string, c models.Counts) {
			cs := byValue[v]
			if cs == nil {
				cs = &cells{value: valueOf(g.By, v), by: map[string]models.Counts{}}
				byValue[v] = cs
			}
			sum := cs.by[p]
			sum.Add(c)
			cs.by[p] = sum
			cs.totals.Add(c)
		})
		if err != nil {
			return err
		}
		if len(byValue) > MaxReportRows {
			return models.FieldErrorf(models.Malformed, "the time series would be too long", "group_by", "%s has more than %d values; narrow the filters", g.By, MaxReportRows)
		}
		ranked := slices.Collect(maps.Values(byValue))
		slices.SortFunc(ranked, func(a, b *cells) int {
			if c := cmp.Compare(b.totals.Killed, a.totals.Killed); c != 0 {
				return c
			}
			return compareValues([]any{a.value}, []any{b.value})
		})
		out.SeriesTotal = len(ranked)
		ranked = ranked[:min(len(ranked), g.Limit)]
		n := periods(first, last, interval)
		if total := n * (len(ranked) + 1); total > MaxGroupedPoints {
			return models.FieldErrorf(models.Malformed, "the time series would be too long", "limit", "%d series of %d periods are %d points; at most %d: a smaller limit, a narrower from and to, or a longer interval", len(ranked), n, total, MaxGroupedPoints)
		}
		for _, cs := range ranked {
			out.Series = append(out.Series, models.Series{Value: cs.value, Totals: cs.totals, Points: fill(cs.by, first, last, interval)})
		}
		byPeriod, err := periodCounts(s.d, tx, f, interval)
		out.Points = fill(byPeriod, first, last, interval)
		return err
	}, &sql.TxOptions{ReadOnly: true})
	return out, internal("time series", err)
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
