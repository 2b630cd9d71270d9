package models

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"incidentdb/models/gazetteer"
)

// Filter selects incidents. The list, the exports and the reports all take
// the same Filter, parsed once by ParseFilter, so they can never disagree.
// Empty slices and nil pointers mean "don't filter"; within a slice values
// are ORed, across fields ANDed. Name-like values are held folded (see
// gazetteer.Fold) because that is how the store indexes them.
type Filter struct {
	Regions               []RegionRef
	Countries             []string // ISO 3166-1 alpha-2
	Missions              []string // folded
	Types                 []IncidentType
	Forces                []string // folded
	ContributingCountries []string // alpha-2
	Nationalities         []string // alpha-2
	Groups                []Group
	Datasets              []string // dataset labels
	Conflict              *bool    // incidents whose claims disagree, or do not
	ExternalIDs           []string // exact
	From, To              *string  // inclusive YYYY-MM-DD
	MinKilled, MinWounded *int
	Words                 []string // folded words of q, each must match
	// Deleted selects deleted incidents instead of live ones, and
	// UpdatedSince those changed at or after a time (RFC 3339): together
	// they are the feed a mirror polls to stay in sync. List and exports
	// only.
	Deleted      bool
	UpdatedSince *string
	// Typed holds each folded mission and force as the client wrote it,
	// for messages about it.
	Typed map[string]string
	// Estimate is which figure reports and series sum (reports only;
	// empty is best).
	Estimate Estimate
}

// SeesEveryEdit says f reads what an edit of a summary or a locality
// alone changes: q's words, or the time of the last change. What answers
// other filters stays right across such edits.
func (f Filter) SeesEveryEdit() bool { return len(f.Words) > 0 || f.UpdatedSince != nil }

// RegionRef is one region a filter asks for: its folded name, and its
// country when that is known (the region was given as an ISO 3166-2 code,
// or with a single country filter), so that "PK-PB" does not also find
// India's Punjab.
type RegionRef struct {
	Country string
	Key     string
	Code    string // ISO 3166-2, for the canonical form
}

// FilterParams are the query parameters every filtered endpoint takes.
var FilterParams = []string{"region", "country", "mission", "type", "force", "contributing_country",
	"nationality", "group", "dataset", "external_id", "conflict", "from", "to", "min_killed", "min_wounded", "q"}

// Query limits that keep one request from asking for unbounded work.
const (
	MaxFilterValues = 100
	MaxQueryWords   = 10
	DefaultLimit    = 50
	MaxLimit        = 1000
	// MaxPageBytes bounds what one page of a list or a history holds,
	// whatever its limit: a page stops early once its items pass it (it
	// always holds one), and next_cursor goes on from there. A thousand
	// incidents of the largest size allowed would otherwise be gigabytes.
	MaxPageBytes = 4 << 20
)

// ParseFilter reads the filter parameters from v. Any parameter that is
// neither a filter nor in extra is an error naming it, so a typo such as
// "regoin=Mopti" is not silently ignored and answered with everything.
func ParseFilter(v url.Values, extra ...string) (Filter, error) {
	var f Filter
	var fe FieldErrors
	for name := range v {
		if !slices.Contains(FilterParams, name) && !slices.Contains(extra, name) {
			fe.Add(name, "is not a known parameter; known: %s", strings.Join(append(slices.Clone(FilterParams), extra...), ", "))
		}
	}
	country := ""
	if cs := listParam(&fe, v, "country"); len(cs) > 0 {
		for _, c := range cs {
			if code, ok := gazetteer.LookupCountry(c); ok {
				f.Countries = appendNew(f.Countries, code)
			} else {
				fe.Add("country", "%s", notACountry(c))
			}
		}
		if len(f.Countries) == 1 {
			country = f.Countries[0]
		}
	}
	for _, r := range listParam(&fe, v, "region") {
		ref := RegionRef{Country: country, Key: gazetteer.Fold(r)}
		if ref.Key == "" {
			fe.Add("region", "%q has no letters or digits", r)
			continue
		}
		if reg, ok := gazetteer.LookupRegion(country, r); ok {
			ref.Key, ref.Code = gazetteer.Fold(reg.Name), reg.Code
			if reg.Code != "" && strings.EqualFold(strings.TrimSpace(r), reg.Code) {
				ref.Country = reg.Country
			}
		} else if near, ok := gazetteer.Near(country, r, 2); ok {
			// Close to a known name but not it: a typo, not a region kept
			// as free text. Answering "nothing found" would mislead.
			fe.Add("region", "%q is not a known region; did you mean %s?", r, near)
			continue
		}
		if ref.Country == "" || ref.Code == "" {
			ref.Code = ""
		}
		f.Regions = appendNew(f.Regions, ref)
	}
	typed := func(key, as string) {
		if f.Typed == nil {
			f.Typed = map[string]string{}
		}
		f.Typed[key] = as
	}
	for _, m := range listParam(&fe, v, "mission") {
		if k := gazetteer.Fold(m); k != "" {
			f.Missions = appendNew(f.Missions, k)
			typed(k, m)
		} else {
			fe.Add("mission", "%q has no letters or digits", m)
		}
	}
	for _, t := range listParam(&fe, v, "type") {
		it := IncidentType(strings.ToLower(t))
		if !it.Valid() {
			fe.Add("type", "%q is not a type; one of %s", t, strings.Join(Names(IncidentTypes), ", "))
			continue
		}
		f.Types = appendNew(f.Types, it)
	}
	for _, force := range listParam(&fe, v, "force") {
		if k := gazetteer.Fold(force); k != "" {
			f.Forces = appendNew(f.Forces, k)
			typed(k, force)
		} else {
			fe.Add("force", "%q has no letters or digits", force)
		}
	}
	f.ContributingCountries = countryList(&fe, v, "contributing_country")
	f.Nationalities = countryList(&fe, v, "nationality")
	for _, g := range listParam(&fe, v, "group") {
		gr := Group(strings.ToLower(g))
		if !gr.Valid() {
			fe.Add("group", "%q is not a group; one of %s", g, strings.Join(Names(Groups), ", "))
			continue
		}
		f.Groups = appendNew(f.Groups, gr)
	}
	for _, d := range listParam(&fe, v, "dataset") {
		if k := strings.ToLower(d); ValidDataset(k) {
			f.Datasets = appendNew(f.Datasets, k)
		} else {
			fe.Add("dataset", "%q is not a dataset label (a-z, 0-9, '.', '_', '-')", d)
		}
	}
	// External ids are matched exactly, commas and all: an id is the
	// dataset's own, and some hold commas. Each value is one id.
	if ids, given := v["external_id"]; given {
		if len(ids) > MaxFilterValues {
			fe.Add("external_id", "has %d values; at most %d are allowed", len(ids), MaxFilterValues)
		}
		for _, id := range ids {
			id = strings.TrimSpace(id)
			switch n := utf8.RuneCountInString(id); {
			case n == 0:
				fe.Add("external_id", "is empty")
			case n > MaxShortRunes:
				fe.Add("external_id", "has a value %d characters long; at most %d are allowed", n, MaxShortRunes)
			case hasControl(id, false):
				fe.Add("external_id", "must not contain control characters (no stored id does)")
			case len(ids) <= MaxFilterValues:
				f.ExternalIDs = appendNew(f.ExternalIDs, id)
			}
		}
	}
	if c, ok := singleParam(&fe, v, "conflict"); ok {
		b, err := strconv.ParseBool(c)
		if err != nil {
			fe.Add("conflict", "must be true or false")
		}
		f.Conflict = &b
	}
	if slices.Contains(extra, "estimate") {
		if e, ok := singleParam(&fe, v, "estimate"); ok {
			f.Estimate = Estimate(strings.ToLower(e))
			if !contains(Estimates, f.Estimate) {
				fe.Add("estimate", "%q is not an estimate; one of %s", e, strings.Join(Names(Estimates), ", "))
			}
		}
	}
	f.From = dateParam(&fe, v, "from", false)
	f.To = dateParam(&fe, v, "to", true)
	if f.From != nil && f.To != nil && *f.From > *f.To {
		fe.Add("from", "is after to (%s > %s)", *f.From, *f.To)
	}
	if slices.Contains(extra, "deleted") {
		if d, ok := singleParam(&fe, v, "deleted"); ok {
			b, err := strconv.ParseBool(d)
			if err != nil {
				fe.Add("deleted", "must be true or false")
			}
			f.Deleted = b
		}
	}
	if slices.Contains(extra, "updated_since") {
		if u, ok := singleParam(&fe, v, "updated_since"); ok {
			t, err := time.Parse(time.RFC3339Nano, u)
			if err != nil {
				fe.Add("updated_since", "%q must be a time as RFC 3339, such as 2017-11-24T00:00:00Z", u)
			} else {
				norm := FormatTime(t)
				f.UpdatedSince = &norm
			}
		}
	}
	f.MinKilled = intParam(&fe, v, "min_killed", 0, MaxCount)
	f.MinWounded = intParam(&fe, v, "min_wounded", 0, MaxCount)
	if qs, ok := v["q"]; ok {
		if n := utf8.RuneCountInString(strings.Join(qs, " ")); n > MaxShortRunes {
			fe.Add("q", "is %d characters long; at most %d are allowed", n, MaxShortRunes)
		}
		words := Words(strings.Join(qs, " "))
		if len(words) == 0 {
			fe.Add("q", "has no words to search for (single letters and the commonest words such as \"the\" or \"de\" are not indexed)")
		}
		if len(words) > MaxQueryWords {
			fe.Add("q", "has %d words; at most %d are allowed", len(words), MaxQueryWords)
		}
		f.Words = words
	}
	if err := fe.Err("the query is not valid"); err != nil {
		return Filter{}, AsMalformed(err)
	}
	return f, nil
}

func listParam(fe *FieldErrors, v url.Values, name string) []string {
	var out []string
	for _, raw := range v[name] {
		for _, part := range strings.Split(raw, ",") {
			p := strings.TrimSpace(part)
			if n := utf8.RuneCountInString(p); n > MaxShortRunes {
				// Before any matching: a suggestion for a 60,000-letter name
				// costs a second of CPU.
				fe.Add(name, "has a value %d characters long; at most %d are allowed", n, MaxShortRunes)
				return nil
			}
			if p != "" {
				out = append(out, p)
			}
		}
	}
	if _, given := v[name]; given && len(out) == 0 {
		fe.Add(name, "is empty")
	}
	if len(out) > MaxFilterValues {
		fe.Add(name, "has %d values; at most %d are allowed", len(out), MaxFilterValues)
		return nil
	}
	return out
}

func countryList(fe *FieldErrors, v url.Values, name string) []string {
	var out []string
	for _, c := range listParam(fe, v, name) {
		if code, ok := gazetteer.LookupCountry(c); ok {
			out = appendNew(out, code)
		} else {
			fe.Add(name, "%s", notACountry(c))
		}
	}
	return out
}

// notACountry explains a country filter that names none: a placeholder
// for an unknown country is stored as no country, which no filter value
// selects.
func notACountry(c string) string {
	if gazetteer.Placeholder(c) {
		return fmt.Sprintf("%q stands for a country not known, which is stored as none: no filter selects it (leave the filter out, or group a report by it to see the unknown row)", c)
	}
	return gazetteer.UnknownCountry(c)
}

func singleParam(fe *FieldErrors, v url.Values, name string) (string, bool) {
	vals, ok := v[name]
	if !ok {
		return "", false
	}
	if len(vals) > 1 {
		fe.Add(name, "is given %d times; give it once", len(vals))
		return "", false
	}
	if n := utf8.RuneCountInString(vals[0]); n > MaxShortRunes {
		fe.Add(name, "is %d characters long; at most %d are allowed", n, MaxShortRunes)
		return "", false
	}
	return strings.TrimSpace(vals[0]), true
}

// dateParam reads a day as YYYY-MM-DD, or a year (2019) or a month
// (2019-03) as people type them: the first day of it for from, the last
// for to (end).
func dateParam(fe *FieldErrors, v url.Values, name string, end bool) *string {
	s, ok := singleParam(fe, v, name)
	if !ok {
		return nil
	}
	var t time.Time
	var err error
	switch len(s) {
	case len("2006"):
		if t, err = time.Parse("2006", s); err == nil && end {
			t = t.AddDate(1, 0, -1)
		}
	case len("2006-01"):
		if t, err = time.Parse("2006-01", s); err == nil && end {
			t = t.AddDate(0, 1, -1)
		}
	case len(DateLayout):
		t, err = time.Parse(DateLayout, s)
	default:
		fe.Add(name, "%q must be a date as YYYY-MM-DD, a month as YYYY-MM or a year as YYYY", s)
		return nil
	}
	if err != nil {
		fe.Add(name, "%q is not a real date (YYYY-MM-DD, YYYY-MM or YYYY)", s)
		return nil
	}
	if t.Year() < 1 {
		// Year 0 has no ISO week of its own; nothing here is that old.
		fe.Add(name, "%q is before the year 1", s)
		return nil
	}
	d := t.Format(DateLayout)
	return &d
}

func intParam(fe *FieldErrors, v url.Values, name string, min, max int) *int {
	s, ok := singleParam(fe, v, name)
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		fe.Add(name, "%q must be a whole number from %d to %d", s, min, max)
		return nil
	}
	return &n
}

func appendNew[T comparable](list []T, v T) []T {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
