package models

import (
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
