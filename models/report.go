package models

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
)

// Dimension is what a casualty report groups by.
type Dimension string

// The report dimensions of DESIGN.md.
var Dimensions = []Dimension{"region", "country", "mission", "type", "year", "month",
	"force", "contributing_country", "group", "nationality", "dataset"}

// MaxDimensions bounds group_by: more than three makes a table nobody reads
// and a query that fans out.
const MaxDimensions = 3

// FromCasualtyLines reports whether killed and wounded for d come from the
// casualty lines rather than the incident totals.
func (d Dimension) FromCasualtyLines() bool { return d == "group" || d == "nationality" }

// IsCountry reports whether the values of d are country codes.
func (d Dimension) IsCountry() bool {
	return d == "country" || d == "nationality" || d == "contributing_country"
}

// MultiValued reports whether an incident can fall under several values of
// d at once, and so counts once in each.
func (d Dimension) MultiValued() bool { return d == "force" || d == "contributing_country" }

// ParseGroupBy reads group_by: comma-separated or repeated, at least one,
// at most MaxDimensions, each known and given once.
func ParseGroupBy(v url.Values) ([]Dimension, error) {
	var fe FieldErrors
	var dims []Dimension
	for _, raw := range v["group_by"] {
		for _, part := range strings.Split(raw, ",") {
			d := Dimension(strings.TrimSpace(part))
			switch {
			case d == "":
			case !slices.Contains(Dimensions, d):
				fe.Add("group_by", "%q is not a dimension; one of %s", d, strings.Join(Names(Dimensions), ", "))
			case slices.Contains(dims, d):
				fe.Add("group_by", "%q is given twice", d)
			default:
				dims = append(dims, d)
			}
		}
	}
	if len(dims) == 0 && len(fe) == 0 {
		fe.Add("group_by", "is required: one to %d of %s", MaxDimensions, strings.Join(Names(Dimensions), ", "))
	}
	if len(dims) > MaxDimensions {
		fe.Add("group_by", "has %d dimensions; at most %d are allowed", len(dims), MaxDimensions)
	}
	if err := fe.Err("the query is not valid"); err != nil {
		return nil, AsMalformed(err)
	}
	return dims, nil
}

// Interval is the bucket size of a time series.
type Interval string

// The time series intervals.
var Intervals = []Interval{"day", "week", "month", "year"}

// ParseInterval reads interval, which defaults to month.
func ParseInterval(v url.Values) (Interval, error) {
	var fe FieldErrors
	in := Interval("month")
	if s, ok := singleParam(&fe, v, "interval"); ok {
		in = Interval(s)
		if !slices.Contains(Intervals, in) {
			fe.Add("interval", "%q is not an interval; one of %s", s, strings.Join(Names(Intervals), ", "))
		}
	}
	if err := fe.Err("the query is not valid"); err != nil {
		return "", AsMalformed(err)
	}
	return in, nil
}

// ReportSort orders the rows of a report by one of their counts, spelt as
// the list's sort is: the count for ascending, with "-" for descending.
// Rows that tie keep the default order, by the dimensions.
type ReportSort string

// The report orders; without sort the rows are in the default order.
var ReportSorts = []ReportSort{"-killed", "killed", "-wounded", "wounded", "-incidents", "incidents"}

// MaxReportLimit is the most rows limit asks for: a report never has more
// (store.MaxReportRows).
const MaxReportLimit = 50_000

// ReportOrder is how a report's rows are ordered and how many are kept.
// The zero value keeps every row in the default order.
type ReportOrder struct {
	Sort  ReportSort
	Limit int // 0 keeps every row
}

// ParseReportOrder reads sort and limit of a report.
func ParseReportOrder(v url.Values) (ReportOrder, error) {
	var fe FieldErrors
	var o ReportOrder
	if s, ok := singleParam(&fe, v, "sort"); ok {
		if !slices.Contains(ReportSorts, ReportSort(s)) {
			fe.Add("sort", "%q is not a report order; one of %s (without sort, by the dimensions)", s, strings.Join(Names(ReportSorts), ", "))
		} else {
			o.Sort = ReportSort(s)
		}
	}
	if l := intParam(&fe, v, "limit", 1, MaxReportLimit); l != nil {
		o.Limit = *l
	}
	if err := fe.Err("the query is not valid"); err != nil {
		return ReportOrder{}, AsMalformed(err)
	}
	return o, nil
}

// count is the count a report order compares.
func (s ReportSort) count(c Counts) int64 {
	switch strings.TrimPrefix(string(s), "-") {
	case "killed":
		return c.Killed
	case "wounded":
		return c.Wounded
	}
	return c.Incidents
}

// Arrange orders rep's rows by o and keeps the first o.Limit. The totals
// and RowsTotal stay those of every row, so that a dashboard showing the
// top ten can still say what the whole is.
func (rep *Report) Arrange(o ReportOrder) {
	if o.Sort != "" {
		desc := strings.HasPrefix(string(o.Sort), "-")
		slices.SortStableFunc(rep.Rows, func(a, b ReportRow) int {
			c := cmp.Compare(o.Sort.count(a.Counts), o.Sort.count(b.Counts))
			if desc {
				return -c
			}
			return c
		})
	}
	if o.Limit > 0 && len(rep.Rows) > o.Limit {
		rep.Rows = rep.Rows[:o.Limit]
	}
}

// SeriesDimensions are the dimensions a time series may be grouped by:
// every report dimension but the periods themselves.
var SeriesDimensions = slices.DeleteFunc(slices.Clone(Dimensions), func(d Dimension) bool { return d == "year" || d == "month" })

// DefaultSeries and MaxSeries bound the series of a grouped time series:
// a chart shows a handful of lines, and each series is as long as the
// range, so their number multiplies the answer.
const (
	DefaultSeries = 10
	MaxSeries     = 100
)

// SeriesGroup is how a time series is split: by one dimension, into at
// most Limit series, the largest by killed.
type SeriesGroup struct {
	By    Dimension // "" for one series of everything
	Limit int
}

// ParseSeriesGroup reads group_by and limit of a time series. group_by is
// optional and names one dimension; limit needs group_by.
func ParseSeriesGroup(v url.Values) (SeriesGroup, error) {
	var fe FieldErrors
	g := SeriesGroup{Limit: DefaultSeries}
	if s, ok := singleParam(&fe, v, "group_by"); ok {
		g.By = Dimension(s)
		switch {
		case strings.Contains(s, ","):
			fe.Add("group_by", "%q: a series is split by one dimension at a time", s)
		case !slices.Contains(SeriesDimensions, g.By):
			fe.Add("group_by", "%q is not a dimension of a series; one of %s", s, strings.Join(Names(SeriesDimensions), ", "))
		}
	}
	if l := intParam(&fe, v, "limit", 1, MaxSeries); l != nil {
		g.Limit = *l
		if _, ok := v["group_by"]; !ok {
			fe.Add("limit", "bounds the series of a grouped time series; give group_by too")
		}
	}
	if err := fe.Err("the query is not valid"); err != nil {
		return SeriesGroup{}, AsMalformed(err)
	}
	return g, nil
}
