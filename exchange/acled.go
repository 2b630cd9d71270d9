package exchange

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// NewACLEDReader reads a CSV export of the Armed Conflict Location & Event
// Data Project, dyadic (one row per event) or monadic (one row per actor,
// the event's fatalities repeated on each). Columns are matched by name in
// any case; columns it does not use are ignored, because ACLED adds some
// from one release to the next. event_id_cnty, event_date, country and
// fatalities are required, and event_type or sub_event_type.
//
// Rows are grouped by event_id_cnty wherever they are in the file, and each
// event becomes one incident at the line of its first row:
//
//   - external_id is event_id_cnty; killed is fatalities, counted once per
//     event, never summed over its rows; wounded and casualty lines are left
//     out, because ACLED does not record them.
//   - occurred_on is event_date written as 2017-11-24, 24 November 2017,
//     24 Nov 2017 or 24-November-2017. Numeric dates with slashes are
//     refused: a spreadsheet writes them in its own locale's order, and
//     03/04/2017 cannot be told from 04/03/2017.
//   - date_precision is time_precision: 1 day, 2 week, 3 month; empty is day.
//   - type comes from sub_event_type by acledSubEventTypes, or, when that is
//     empty or a sub-event type not in the table, from event_type by
//     acledEventTypes; unknown when neither is known.
//   - country is the code of the country name, or of iso3 (or the numeric
//     iso) when the name is not known; region is admin1 in the gazetteer's
//     spelling ("Menaka" becomes "Ménaka"). An admin1 that the gazetteer
//     does not know for a country it covers leaves region empty and is
//     kept after the location ("Nowhere, Atlantis"): one spelling we lack
//     must not stop the import of a whole file, nor lose what it says.
//   - locality is location; latitude and longitude are copied.
//   - forces are the actors of every row (actor1, assoc_actor_1, actor2,
//     assoc_actor_2; the assoc columns hold several, separated by ";"),
//     cleaned by acledActors.force, in order, without repeats, at most
//     models.MaxListItems. mission is the first UN operation among them.
//   - summary is notes, cut to models.MaxSummaryRunes with an ellipsis.
//   - sources are the names in source (separated by ";"), each as title
//     and publisher.
//
// A row whose cells cannot be read (fatalities not a whole number, a date
// in no accepted form) or that contradicts an earlier row of its event on
// event_date, fatalities or country makes the whole event a Record with
// Err, at the line of that row: importing the event from its other rows
// would store a count or a date the file does not agree on.
func NewACLEDReader(r io.Reader) (Reader, error) {
	src, err := newCSVSource(r, columnName)
	if err != nil {
		return nil, err
	}
	if err := requireColumns(src, "an ACLED export", "event_id_cnty", "event_date", "country", "fatalities"); err != nil {
		return nil, err
	}
	if !src.has("event_type") && !src.has("sub_event_type") {
		return nil, fileError("an ACLED export needs the column event_type or sub_event_type")
	}
	var (
		events = map[string]*acledEvent{}
		order  []*acledEvent
	)
	err = readRows(src, func(rec []string, line int) {
		row := parseACLEDRow(src, rec, line)
		key := strings.ToUpper(row.id)
		if row.id == "" {
			order = append(order, &acledEvent{errLine: line, err: row.err})
			return
		}
		ev, ok := events[key]
		if !ok {
			ev = &acledEvent{}
			events[key] = ev
			order = append(order, ev)
		}
		ev.add(row)
	}, func(line int, err error) {
		order = append(order, &acledEvent{errLine: line, err: err})
	})
	if err != nil {
		return nil, err
	}
	recs := make([]Record, len(order))
	actors := acledActors{}
	for i, ev := range order {
		if ev.err != nil {
			recs[i] = Record{Line: ev.errLine, Err: ev.err}
			continue
		}
		recs[i] = Record{Line: ev.rows[0].line, Input: ev.input(actors)}
	}
	return &batchReader{recs: recs}, nil
}

// acledSubEventTypes maps ACLED's sub-event types (the codebook in use
// since 2019) to incident types, matched after gazetteer.Fold:
//
//	Armed clash                          armed_attack
//	Government regains territory         armed_attack
//	Non-state actor overtakes territory  armed_attack
//	Attack                               armed_attack
//	Remote explosive/landmine/IED        ied
//	Shelling/artillery/missile attack    indirect_fire
//	Air/drone strike                     indirect_fire
//	Suicide bomb                         suicide_attack
//	Abduction/forced disappearance       abduction
//	Grenade, Chemical weapon,
//	Sexual violence, Looting/property
//	destruction, protests, riots and
//	strategic developments               other
//
// An air or drone strike is indirect fire here: like shelling, it strikes
// from out of sight of its target, and "other" would hide that the
// incident was an attack by fire. A grenade is "other" because ACLED does
// not say whether it was thrown in an assault or left as a booby trap.
var acledSubEventTypes = foldKeys(map[string]models.IncidentType{
	"Armed clash":                         models.ArmedAttack,
	"Government regains territory":        models.ArmedAttack,
	"Non-state actor overtakes territory": models.ArmedAttack,
	"Attack":                              models.ArmedAttack,
	"Remote explosive/landmine/IED":       models.IED,
	"Shelling/artillery/missile attack":   models.IndirectFire,
	"Air/drone strike":                    models.IndirectFire,
	"Suicide bomb":                        models.SuicideAttack,
	"Abduction/forced disappearance":      models.Abduction,
	"Grenade":                             models.OtherType,
	"Chemical weapon":                     models.OtherType,
	"Sexual violence":                     models.OtherType,
	"Looting/property destruction":        models.OtherType,
	"Peaceful protest":                    models.OtherType,
	"Protest with intervention":           models.OtherType,
	"Excessive force against protesters":  models.OtherType,
	"Violent demonstration":               models.OtherType,
	"Mob violence":                        models.OtherType,
	"Agreement":                           models.OtherType,
	"Arrests":                             models.OtherType,
	"Change to group/activity":            models.OtherType,
	"Disrupted weapons use":               models.OtherType,
	"Headquarters or base established":    models.OtherType,
	"Non-violent transfer of territory":   models.OtherType,
	"Other":                               models.OtherType,
})

// acledEventTypes maps event types, those of the 2019 codebook and those
// of older exports that have no sub-event type, for rows whose sub-event
// type is missing or not in acledSubEventTypes. Remote violence and
// violence against civilians are hostile acts of a kind the event type
// alone does not tell, which is what malicious_act means.
var acledEventTypes = foldKeys(map[string]models.IncidentType{
	"Battles":                    models.ArmedAttack,
	"Explosions/Remote violence": models.MaliciousAct,
	"Violence against civilians": models.MaliciousAct,
	"Protests":                   models.OtherType,
	"Riots":                      models.OtherType,
	"Strategic developments":     models.OtherType,
	// before 2019
	"Battle-No change of territory":              models.ArmedAttack,
	"Battle-Government regains territory":        models.ArmedAttack,
	"Battle-Non-state actor overtakes territory": models.ArmedAttack,
	"Remote violence":                            models.MaliciousAct,
	"Riots/Protests":                             models.OtherType,
	"Non-violent transfer of territory":          models.OtherType,
	"Headquarters or base established":           models.OtherType,
	"Strategic development":                      models.OtherType,
})

func acledType(subEvent, event string) models.IncidentType {
	if t, ok := acledSubEventTypes[gazetteer.Fold(subEvent)]; ok {
		return t
	}
	if t, ok := acledEventTypes[gazetteer.Fold(event)]; ok {
		return t
	}
	return models.UnknownType
}

// acledPrecisions maps time_precision.
var acledPrecisions = map[int]models.DatePrecision{
	1: models.PrecisionDay, 2: models.PrecisionWeek, 3: models.PrecisionMonth,
}

// acledNationalForces are the national armies whose ACLED actor name
// ("Military Forces of Mali (2013-2020)") is replaced by the name the
// incidents of this database use for them.
var acledNationalForces = []struct{ prefix, force string }{
	{"military forces of mali", "FAMa"},
}

// acledVictims are the actor names of people acted upon, not forces:
// ACLED names civilians, protesters and rioters as actors of the events
// they suffer or take part in, with the country in brackets.
var acledVictims = []string{"civilians", "protesters", "rioters"}

// yearRange is the period ACLED appends to a state actor's name.
var yearRange = regexp.MustCompile(`\s*\(\s*\d{4}\s*-\s*(\d{4})?\s*\)`)

// acledActor is what an actor name stands for: a force (empty for the
// people acted upon), and the UN operation it is, if one.
type acledActor struct {
	force, mission string
}

// acledActors remembers actors already read: an export names the same
// few hundred actors over and over.
type acledActors map[string]acledActor

// force cleans an actor name and says which UN operation it is, if any:
// the year ranges are dropped; an actor naming a UN operation by its
// acronym or full name is that acronym (in the spelling of Missions); the
// generic "UN: United Nations" is the force "United Nations", which can be
// any UN body, so no mission; civilians, protesters and rioters are no
// force at all; a national army in acledNationalForces gets its short
// name.
func (c acledActors) force(actor string) (force, mission string) {
	a, ok := c[actor]
	if !ok {
		a = readActor(actor)
		c[actor] = a
	}
	return a.force, a.mission
}

func readActor(actor string) acledActor {
	name := strings.Join(strings.Fields(yearRange.ReplaceAllString(actor, " ")), " ")
	f := gazetteer.Fold(name)
	for _, v := range acledVictims {
		if f == v || strings.HasPrefix(f, v+" ") {
			return acledActor{}
		}
	}
	if f == "un: united nations" || f == "un united nations" || f == "united nations" {
		return acledActor{force: "United Nations"}
	}
	if m, ok := missionIn(name); ok {
		return acledActor{force: m, mission: m}
	}
	for _, n := range acledNationalForces {
		if strings.HasPrefix(f, n.prefix) {
			return acledActor{force: n.force}
		}
	}
	return acledActor{force: name}
}

// missionIn finds a UN operation in an actor name: an upper-case word that
// is the acronym of one of Missions ("MINUSMA: United Nations ...") or,
// failing that, the operation's full name. Only upper-case words count, so
// that a word that happens to spell an acronym is not taken for one.
func missionIn(name string) (string, bool) {
	words := strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, w := range words {
		if w != strings.ToUpper(w) {
			continue
		}
		if m, ok := lookupMission(w); ok && missionKey(m.Acronym) == w {
			return m.Acronym, true
		}
	}
	// the longest name wins: MINURCA's is the start of MINURCAT's
	f, best := gazetteer.Fold(name), ""
	for _, m := range Missions {
		n := missionNames[m.Acronym]
		if n != "" && strings.Contains(f, n) && (best == "" || len(n) > len(missionNames[best])) {
			best = m.Acronym
		}
	}
	return best, best != ""
}

// missionNames holds the folded full name of every mission.
var missionNames = func() map[string]string {
	out := make(map[string]string, len(Missions))
	for _, m := range Missions {
		out[m.Acronym] = gazetteer.Fold(m.Name)
	}
	return out
}()

type acledRow struct {
	line       int
	id         string
	date       string // YYYY-MM-DD, or as given when it could not be read
	precision  models.DatePrecision
	typ        models.IncidentType
	country    string // alpha-2, or the name as given when unknown
	countryKey string // what rows of one event must agree on
	region     string
	locality   string
	lat, lon   *float64
	actors     []string
	notes      string
	fatalities int
	sources    []string
	err        error
}

var acledActorColumns = []string{"actor1", "assoc_actor_1", "actor2", "assoc_actor_2"}

func parseACLEDRow(src *csvSource, rec []string, line int) acledRow {
	var fe models.FieldErrors
	get := func(name string) string {
		v, _ := src.get(rec, name)
		return strings.TrimSpace(v)
	}
	row := acledRow{line: line, id: get("event_id_cnty")}
	if row.id == "" {
		fe.Add("event_id_cnty", "is required: it is what joins the rows of one event")
	}

	row.date = get("event_date")
	if d, ok := parseISODate(row.date); ok {
		row.date = d
	} else if d, ok := parseNamedDate(row.date); ok {
		row.date = d
	} else if row.date == "" {
		fe.Add("event_date", "is required")
	} else {
		fe.Add("event_date", "%q is not a date as 2017-11-24 or 24 November 2017", row.date)
	}

	row.precision = models.PrecisionDay
	if p := get("time_precision"); p != "" {
		n, ok := wholeNumber(p)
		if prec, known := acledPrecisions[n]; ok && known {
			row.precision = prec
		} else {
			fe.Add("time_precision", "%q is not one of 1 (day), 2 (week) or 3 (month)", p)
		}
	}

	row.typ = acledType(get("sub_event_type"), get("event_type"))

	name := get("country")
	code, ok := gazetteer.LookupCountry(name)
	if !ok {
		code, ok = gazetteer.LookupCountry(get("iso3"))
	}
	if !ok {
		code, ok = m49Country(get("iso"))
	}
	if ok {
		row.country, row.countryKey = code, code
	} else {
		row.country, row.countryKey = name, "?"+gazetteer.Fold(name)
	}

	row.region = get("admin1")
	row.locality = get("location")
	if row.region != "" && ok {
		if r, found := gazetteer.LookupRegion(code, row.region); found {
			row.region = r.Name
		} else if gazetteer.Covers(code) {
			if row.locality == "" {
				row.locality = row.region
			} else {
				row.locality += ", " + row.region
			}
			row.region = ""
		}
	}
	row.lat = floatCell(&fe, "latitude", nonEmpty(get("latitude")))
	row.lon = floatCell(&fe, "longitude", nonEmpty(get("longitude")))

	for _, col := range acledActorColumns {
		row.actors = append(row.actors, splitNames(get(col))...)
	}
	row.notes = get("notes")
	row.sources = splitNames(get("source"))

	switch v := get("fatalities"); {
	case v == "":
		fe.Add("fatalities", "is required; ACLED writes 0 when none were reported")
	default:
		n, ok := wholeNumber(v)
		if !ok {
			fe.Add("fatalities", "%q is not a whole number", v)
		}
		row.fatalities = n
	}
	row.err = fe.Err("the row is not valid")
	return row
}

// acledEvent is the rows of one event_id_cnty, or a row that could not
// be joined to any.
type acledEvent struct {
	rows    []acledRow
	errLine int
	err     error
}

func (ev *acledEvent) add(row acledRow) {
	if ev.err != nil {
		return
	}
	if row.err != nil {
		ev.errLine, ev.err = row.line, row.err
		return
	}
	if len(ev.rows) > 0 {
		first := ev.rows[0]
		var fe models.FieldErrors
		if row.date != first.date {
			fe.Add("event_date", "is %s but line %d gives %s for event %s: the rows of one event must agree", row.date, first.line, first.date, row.id)
		}
		if row.fatalities != first.fatalities {
			fe.Add("fatalities", "is %d but line %d gives %d for event %s: the rows of one event must agree", row.fatalities, first.line, first.fatalities, row.id)
		}
		if row.countryKey != first.countryKey {
			fe.Add("country", "is %q but line %d gives %q for event %s: the rows of one event must agree", row.country, first.line, first.country, row.id)
		}
		if err := fe.Err("the row is not valid"); err != nil {
			ev.errLine, ev.err = row.line, err
			return
		}
	}
	ev.rows = append(ev.rows, row)
}

func (ev *acledEvent) input(actors acledActors) models.IncidentInput {
	first := ev.rows[0]
	in := models.IncidentInput{
		ExternalID:    ptr(first.id),
		OccurredOn:    ptr(first.date),
		DatePrecision: ptr(string(first.precision)),
		Country:       nonEmpty(first.country),
		Type:          ptr(string(first.typ)),
		Killed:        models.Known(first.fatalities),
		// ACLED counts fatalities only: its wounded are not known, never 0.
		Wounded: models.Unknown(),
	}
	var mission, notes string
	var forces, sources []string
	for _, row := range ev.rows {
		if in.Region == nil {
			in.Region = nonEmpty(row.region)
		}
		if in.Locality == nil {
			in.Locality = nonEmpty(row.locality)
		}
		if in.Latitude == nil && in.Longitude == nil {
			in.Latitude, in.Longitude = row.lat, row.lon
		}
		if notes == "" {
			notes = row.notes
		}
		for _, a := range row.actors {
			f, m := actors.force(a)
			if f != "" {
				forces = append(forces, f)
			}
			if mission == "" {
				mission = m
			}
		}
		sources = append(sources, row.sources...)
	}
	in.Mission = nonEmpty(mission)
	in.Summary = nonEmpty(cutRunes(notes, models.MaxSummaryRunes))
	in.Forces = firstDistinct(forces, models.MaxListItems)
	in.Sources = []models.SourceInput{}
	for _, s := range firstDistinct(sources, models.MaxSources) {
		src := models.SourceInput{Title: ptr(s)}
		if utf8.RuneCountInString(s) <= models.MaxShortRunes {
			src.Publisher = ptr(s)
		}
		in.Sources = append(in.Sources, src)
	}
	return in
}

// The helpers below are shared with the UN fatalities reader.

// batchReader yields records prepared in advance, for formats whose rows
// of one incident may be anywhere in the file.
type batchReader struct {
	recs []Record
	next int
}

func (b *batchReader) Next() (Record, error) {
	if b.next >= len(b.recs) {
		return Record{}, io.EOF
	}
	r := b.recs[b.next]
	b.recs[b.next] = Record{} // let the input be collected once handed out
	b.next++
	return r, nil
}

// columnName matches the column names of other producers' files: any
// case, and a space where they meant an underscore.
func columnName(h string) string {
	return strings.Join(strings.Fields(strings.ToLower(h)), "_")
}

func (s *csvSource) has(name string) bool {
	_, ok := s.index[name]
	return ok
}

func requireColumns(src *csvSource, what string, names ...string) error {
	var missing []string
	for _, n := range names {
		if !src.has(n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fileError("%s needs the columns %s; missing: %s", what, strings.Join(names, ", "), strings.Join(missing, ", "))
	}
	return nil
}

// readRows hands every data row to row and every row csvSource rejects to
// bad, and returns a file-level error. Rows of empty cells are skipped:
// spreadsheets leave them at the end of a sheet.
func readRows(src *csvSource, row func(rec []string, line int), bad func(line int, err error)) error {
	for {
		rec, line, err := src.read()
		if rec != nil && blank(rec) {
			continue
		}
		if err != nil {
			if rec == nil {
				if errors.Is(err, io.EOF) {
					return nil
				}
				return err
			}
			bad(line, err)
			continue
		}
		row(rec, line)
	}
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// splitNames splits a list of names separated by ";", the separator of
// ACLED's assoc_actor and source columns.
func splitNames(cell string) []string {
	var out []string
	for _, s := range strings.Split(cell, ";") {
		if s = strings.Join(strings.Fields(s), " "); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// firstDistinct keeps the first of each name by folded form, at most max.
func firstDistinct(items []string, max int) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, it := range items {
		k := gazetteer.Fold(it)
		if seen[k] {
			continue
		}
		if len(out) == max {
			break
		}
		seen[k] = true
		out = append(out, it)
	}
	return out
}

// cutRunes shortens s to at most max runes, ending with an ellipsis when
// cut, so that a long text is kept in part instead of failing validation.
func cutRunes(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRightFunc(s[:i], unicode.IsSpace) + "…"
		}
		n++
	}
	return s
}

// wholeNumber reads a count of zero or more, also in the "3.0" form that
// spreadsheets and pandas write for whole numbers.
func wholeNumber(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '.'); i > 0 && strings.Trim(s[i+1:], "0") == "" {
		s = s[:i]
	}
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// parseISODate reads 2017-11-24, alone or followed by a time
// ("2017-11-24T00:00:00", "2017-11-24 00:00:00"), which is dropped.
func parseISODate(s string) (string, bool) {
	if len(s) < len(models.DateLayout) {
		return "", false
	}
	d, rest := s[:len(models.DateLayout)], s[len(models.DateLayout):]
	if rest != "" && rest[0] != 'T' && rest[0] != ' ' {
		return "", false
	}
	if _, err := time.Parse(models.DateLayout, d); err != nil {
		return "", false
	}
	return d, true
}

// parseNamedDate reads a day, an English month name or its abbreviation,
// and a four-digit year, separated by spaces or hyphens: "24 November
// 2017", "24-Nov-2017". A two-digit year is refused: its century is a guess.
func parseNamedDate(s string) (string, bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' })
	if len(parts) != 3 || len(parts[0]) > 2 || len(parts[2]) != 4 {
		return "", false
	}
	day, ok1 := wholeNumber(parts[0])
	year, ok2 := wholeNumber(parts[2])
	month, ok3 := monthNames[strings.ToLower(strings.TrimSuffix(parts[1], "."))]
	if !ok1 || !ok2 || !ok3 {
		return "", false
	}
	return calendarDate(year, month, day)
}

// parseUSDate reads month/day/year with a four-digit year, as the UN's
// CSV exports write dates, alone or followed by a time.
func parseUSDate(s string) (string, bool) {
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	parts := strings.Split(s, "/")
	if len(parts) != 3 || len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) != 4 {
		return "", false
	}
	month, ok1 := wholeNumber(parts[0])
	day, ok2 := wholeNumber(parts[1])
	year, ok3 := wholeNumber(parts[2])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 {
		return "", false
	}
	return calendarDate(year, time.Month(month), day)
}

func calendarDate(year int, month time.Month, day int) (string, bool) {
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	if t.Year() != year || t.Month() != month || t.Day() != day {
		return "", false
	}
	return t.Format(models.DateLayout), true
}

var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{"sept": time.September}
	for mo := time.January; mo <= time.December; mo++ {
		name := strings.ToLower(mo.String())
		m[name] = mo
		m[name[:3]] = mo
	}
	return m
}()

func foldKeys[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		f := gazetteer.Fold(k)
		if _, dup := out[f]; dup {
			panic(fmt.Sprintf("exchange: %q folds like another key", k))
		}
		out[f] = v
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
