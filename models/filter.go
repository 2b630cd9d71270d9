package models

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
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
	From, To              *string // inclusive YYYY-MM-DD
	MinKilled, MinWounded *int
	Words                 []string // folded words of q, each must match
	// Deleted selects deleted incidents instead of live ones, and
	// UpdatedSince those changed at or after a time (RFC 3339): together
	// they are the feed a mirror polls to stay in sync. List and exports
	// only.
	Deleted      bool
	UpdatedSince *string
}

// SyncParams are the list-and-export parameters of the sync feed.
var SyncParams = []string{"deleted", "updated_since"}

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
	"nationality", "group", "from", "to", "min_killed", "min_wounded", "q"}

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
				fe.Add("country", "%q is not a known country", c)
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
	for _, m := range listParam(&fe, v, "mission") {
		if k := gazetteer.Fold(m); k != "" {
			f.Missions = appendNew(f.Missions, k)
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
	f.From = dateParam(&fe, v, "from")
	f.To = dateParam(&fe, v, "to")
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
		e := err.(*Error)
		e.Code = Malformed
		return Filter{}, e
	}
	return f, nil
}

// Words splits text into the folded words that q matches against, so that
// the indexer and the query agree on what a word is. Single letters and
// the commonest English and French words are left out: they match nearly
// every incident, and they are a third of the index.
func Words(text string) []string {
	folded := gazetteer.Fold(text)
	fields := strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var out []string
	for _, w := range fields {
		if len(w) < 2 || stopWords[w] {
			continue
		}
		out = appendNew(out, w)
	}
	return out
}

var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the an of in on at to and or by with for from was were is are be been has have had
		it its as this that which who near after during into
		le la les de des du un une et ou au aux en dans sur par pour pres contre qui que est sont ete a ont avec lors`) {
		stopWords[w] = true
	}
}

// Values renders f back into query parameters in canonical form, used to
// build the next-page link so it carries exactly the filters that were
// applied.
func (f Filter) Values() url.Values {
	v := url.Values{}
	set := func(name string, items []string) {
		if len(items) > 0 {
			v.Set(name, strings.Join(items, ","))
		}
	}
	var regions []string
	for _, r := range f.Regions {
		if r.Code != "" {
			regions = append(regions, r.Code)
		} else {
			regions = append(regions, r.Key)
		}
	}
	set("region", regions)
	set("country", f.Countries)
	set("mission", f.Missions)
	set("type", Names(f.Types))
	set("force", f.Forces)
	set("contributing_country", f.ContributingCountries)
	set("nationality", f.Nationalities)
	set("group", Names(f.Groups))
	if f.From != nil {
		v.Set("from", *f.From)
	}
	if f.To != nil {
		v.Set("to", *f.To)
	}
	if f.MinKilled != nil {
		v.Set("min_killed", strconv.Itoa(*f.MinKilled))
	}
	if f.MinWounded != nil {
		v.Set("min_wounded", strconv.Itoa(*f.MinWounded))
	}
	if len(f.Words) > 0 {
		v.Set("q", strings.Join(f.Words, " "))
	}
	if f.Deleted {
		v.Set("deleted", "true")
	}
	if f.UpdatedSince != nil {
		v.Set("updated_since", *f.UpdatedSince)
	}
	return v
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
			fe.Add(name, "%q is not a known country", c)
		}
	}
	return out
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

func dateParam(fe *FieldErrors, v url.Values, name string) *string {
	s, ok := singleParam(fe, v, name)
	if !ok {
		return nil
	}
	if len(s) != len(DateLayout) {
		fe.Add(name, "%q must be a date as YYYY-MM-DD", s)
		return nil
	}
	if _, err := time.Parse(DateLayout, s); err != nil {
		fe.Add(name, "%q is not a real date (YYYY-MM-DD)", s)
		return nil
	}
	return &s
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

// Sort orders a list. The key is one indexed column plus id, so that keyset
// paging has a total order.
type Sort string

// The sort orders of DESIGN.md; the default is newest first.
var Sorts = []Sort{"-occurred_on", "occurred_on", "killed", "-killed", "wounded", "-wounded", "id", "updated_at"}

// Column is the sort key without its direction.
func (s Sort) Column() string { return strings.TrimPrefix(string(s), "-") }

// Desc reports whether the order is descending.
func (s Sort) Desc() bool { return strings.HasPrefix(string(s), "-") }

// Cursor is the position after the last row of a page: the sort key's value
// and the id. It is opaque to clients; the sort is part of it so that a
// cursor cannot be replayed under another order.
type Cursor struct {
	Sort  Sort
	Value string
	ID    int64
}

// Encode renders the cursor as an opaque URL-safe token.
func (c Cursor) Encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%s|%s|%d", c.Sort, c.Value, c.ID)))
}

// Page is the paging part of a list request.
type Page struct {
	Sort   Sort
	Limit  int
	Cursor *Cursor
}

// ListParams are the parameters the list takes on top of the filters.
var ListParams = []string{"sort", "limit", "cursor", "deleted", "updated_since"}

// ParsePage reads sort, limit and cursor; the filter parameters are read by
// ParseFilter.
func ParsePage(v url.Values) (Page, error) {
	var fe FieldErrors
	p := Page{Sort: Sorts[0], Limit: DefaultLimit}
	if s, ok := singleParam(&fe, v, "sort"); ok {
		if !slices.Contains(Sorts, Sort(s)) {
			fe.Add("sort", "%q is not a sort order; one of %s", s, strings.Join(Names(Sorts), ", "))
		} else {
			p.Sort = Sort(s)
		}
	}
	if l := intParam(&fe, v, "limit", 1, MaxLimit); l != nil {
		p.Limit = *l
	}
	if s, ok := singleParam(&fe, v, "cursor"); ok {
		c, err := decodeCursor(s)
		switch {
		case err != nil:
			fe.Add("cursor", "is not a cursor this service issued")
		case c.Sort != p.Sort:
			fe.Add("cursor", "was issued for sort=%s, not sort=%s", c.Sort, p.Sort)
		default:
			p.Cursor = &c
		}
	}
	if err := fe.Err("the query is not valid"); err != nil {
		e := err.(*Error)
		e.Code = Malformed
		return Page{}, e
	}
	return p, nil
}

func decodeCursor(s string) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, err
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 {
		return Cursor{}, fmt.Errorf("want 3 parts, got %d", len(parts))
	}
	c := Cursor{Sort: Sort(parts[0]), Value: parts[1]}
	if !slices.Contains(Sorts, c.Sort) {
		return Cursor{}, fmt.Errorf("unknown sort %q", parts[0])
	}
	if c.ID, err = strconv.ParseInt(parts[2], 10, 64); err != nil || c.ID < 0 {
		return Cursor{}, fmt.Errorf("bad id %q", parts[2])
	}
	switch c.Sort.Column() {
	case "occurred_on":
		if _, err := time.Parse(DateLayout, c.Value); err != nil {
			return Cursor{}, err
		}
	case "updated_at":
		t, err := time.Parse(time.RFC3339Nano, c.Value)
		if err != nil {
			return Cursor{}, err
		}
		// A cursor issued before timestamps were stored at a fixed width
		// still compares right.
		c.Value = FormatTime(t)
	case "killed", "wounded":
		if n, err := strconv.Atoi(c.Value); err != nil || n < 0 {
			return Cursor{}, fmt.Errorf("bad value %q", c.Value)
		}
	case "id":
		if c.Value != "" {
			return Cursor{}, fmt.Errorf("id cursor carries no value")
		}
	}
	return c, nil
}
