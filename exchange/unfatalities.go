package exchange

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/biter777/countries"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// NewUNFatalitiesReader reads the UN's dataset of fatalities among the
// personnel of its peace operations: one row per death, with the columns
// incident_date, casualty_id, mission_acronym, type_of_casualty, gender,
// casualty_nationality, casualty_personnel_type, type_of_incident,
// m49_code, isocode3 and last_update, matched in any case ("Incident_Date"
// as the UN's exports write it); other columns, such as id, are ignored.
// incident_date, mission_acronym and type_of_incident are required.
//
// The dataset has no incident identifier, so deaths on the same date, in
// the same mission and of the same type of incident are taken to be one
// incident, wherever their rows are in the file, at the line of its first
// row. Its external_id is built from those three,
// "un-fatalities-2017-11-24-MINUSMA-malicious_act" (spaces in an acronym
// become "_"), so that importing a newer release of the dataset finds the
// same incidents again.
//
//   - occurred_on is incident_date written as 2017-11-24, optionally
//     followed by a time (2017-11-24T00:00:00), as 11/24/2017 (month first,
//     the order of the UN's CSV export), or as 24-Nov-2017 or 24 November
//     2017. A two-digit year is refused. date_precision is day.
//   - type is type_of_incident by unIncidentTypes; any other value is
//     "other" (the UN's categories are few and stable, and a new one is
//     better imported as "other" than not at all), an empty one "unknown".
//   - mission is mission_acronym, trimmed, in the spelling of Missions
//     when it is one of them and as written otherwise; forces are the
//     mission alone; country is MissionHost of the mission, left out for a
//     mission that is not in Missions or has no single host; region is
//     left out, because the dataset does not say where in the country.
//   - casualty lines count the dead by group (casualty_personnel_type by
//     unPersonnelGroups) and nationality; killed is the number of persons,
//     wounded 0. A casualty_id seen before is the same person and is
//     counted once, at its first row. See unNationality for nationalities.
//   - summary is built from the counts ("3 peacekeeper fatalities recorded
//     by the UN (Malicious Act)"); the one source is the dataset itself.
//
// A row with no readable incident_date or no mission_acronym cannot be put
// in any incident: it is a Record with Err at its own line.
func NewUNFatalitiesReader(r io.Reader) (Reader, error) {
	src, err := newCSVSource(r, columnName)
	if err != nil {
		return nil, err
	}
	if err := requireColumns(src, "the UN fatalities dataset", "incident_date", "mission_acronym", "type_of_incident"); err != nil {
		return nil, err
	}
	var (
		incidents = map[string]*unIncident{}
		persons   = map[string]bool{}
		order     []*unIncident
	)
	err = readRows(src, func(rec []string, line int) {
		row := parseUNRow(src, rec, line)
		if row.err != nil {
			order = append(order, &unIncident{line: line, err: row.err})
			return
		}
		if row.person != "" {
			if persons[row.person] {
				return
			}
			persons[row.person] = true
		}
		key := row.date + "\x00" + row.mission + "\x00" + string(row.typ)
		inc, ok := incidents[key]
		if !ok {
			inc = &unIncident{line: line, date: row.date, mission: row.mission, typ: row.typ}
			incidents[key] = inc
			order = append(order, inc)
		}
		inc.add(row)
	}, func(line int, err error) {
		order = append(order, &unIncident{line: line, err: err})
	})
	if err != nil {
		return nil, err
	}
	recs := make([]Record, len(order))
	for i, inc := range order {
		if inc.err != nil {
			recs[i] = Record{Line: inc.line, Err: inc.err}
			continue
		}
		recs[i] = Record{Line: inc.line, Input: inc.input()}
	}
	return &batchReader{recs: recs}, nil
}

// unIncidentTypes maps type_of_incident, compared on its letters alone
// so that "Self-Inflicted", "self inflicted" and "SELF INFLICTED " agree:
//
//	Malicious Act     malicious_act
//	Accident          accident
//	Illness           illness
//	Self-Inflicted    self_inflicted
//	To Be Determined  unknown
//	Unknown           unknown
//	Other             other
var unIncidentTypes = map[string]models.IncidentType{
	"maliciousact":   models.MaliciousAct,
	"accident":       models.Accident,
	"illness":        models.Illness,
	"selfinflicted":  models.SelfInflicted,
	"tobedetermined": models.UnknownType,
	"unknown":        models.UnknownType,
	"other":          models.OtherType,
}

// unPersonnelGroups maps casualty_personnel_type, compared on its letters
// alone. Uniformed personnel (troops, staff officers, military observers
// and experts, police) are peacekeepers; civilian staff, international or
// local, and UN Volunteers are UN civilians. Any other value, "Other"
// among them, and an empty one are "unknown": the dataset does not say who
// they were, and the group must not claim more than it does.
var unPersonnelGroups = map[string]models.Group{
	"military":                models.Peacekeeper,
	"troop":                   models.Peacekeeper,
	"troops":                  models.Peacekeeper,
	"militarycontingent":      models.Peacekeeper,
	"militaryobserver":        models.Peacekeeper,
	"militaryobservers":       models.Peacekeeper,
	"staffofficer":            models.Peacekeeper,
	"staffofficers":           models.Peacekeeper,
	"militarystaffofficer":    models.Peacekeeper,
	"militaryexpertonmission": models.Peacekeeper,
	"police":                  models.Peacekeeper,
	"policeofficer":           models.Peacekeeper,
	"individualpoliceofficer": models.Peacekeeper,
	"formedpoliceunit":        models.Peacekeeper,
	"unpolice":                models.Peacekeeper,
	"civilian":                models.UNCivilian,
	"international":           models.UNCivilian,
	"local":                   models.UNCivilian,
	"internationalcivilian":   models.UNCivilian,
	"internationalstaff":      models.UNCivilian,
	"localcivilian":           models.UNCivilian,
	"localstaff":              models.UNCivilian,
	"nationalstaff":           models.UNCivilian,
	"nationalcivilian":        models.UNCivilian,
	"unvolunteer":             models.UNCivilian,
	"unvolunteers":            models.UNCivilian,
	"unitednationsvolunteer":  models.UNCivilian,
	"contractor":              models.Contractor,
	"contractors":             models.Contractor,
}

// letters reduces a label to its lower-case letters, for the tables above.
func letters(s string) string {
	var b strings.Builder
	for _, r := range gazetteer.Fold(s) {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// placeholders are what the dataset and the tools that re-save it write
// for "no value"; "NA" is one of them here, not Namibia.
var placeholders = map[string]bool{
	"": true, "na": true, "nan": true, "null": true, "none": true, "unknown": true,
	"notavailable": true, "notknown": true, "notspecified": true, "notapplicable": true,
}

// placeholder says a cell holds no nationality: the dataset's own
// placeholders ("ZZ [Undetermined]" with empty codes) and those of the
// tools that re-save it.
func placeholder(v string) bool { return placeholders[letters(v)] || gazetteer.Placeholder(v) }

// unNationality resolves a casualty's nationality: from isocode3 (ISO
// alpha-3), else from casualty_nationality (a name, in the gazetteer's
// loose matching, so that "Cote dIvoire " is CI), else from m49_code (the
// UN's numeric code, often written 250.0). When none resolves but a name
// or code was given, it is passed on unchanged, so that validation names
// it instead of the nationality disappearing; placeholders such as "N/A"
// and a row with nothing count as no nationality. key groups casualty
// lines.
func unNationality(iso3, name, m49 string) (nat *string, key string) {
	for _, v := range []string{iso3, name} {
		if placeholder(v) {
			continue
		}
		if code, ok := gazetteer.LookupCountry(v); ok {
			return &code, code
		}
	}
	if code, ok := m49Country(m49); ok {
		return &code, code
	}
	for _, v := range []string{name, iso3} {
		if !placeholder(v) {
			v = strings.Join(strings.Fields(v), " ")
			return &v, "?" + gazetteer.Fold(v)
		}
	}
	return nil, ""
}

// m49Country resolves a UN M49 (ISO 3166-1 numeric) country code, in the
// "250" or "250.0" form, to alpha-2 through the country library the
// gazetteer is built on, keeping only codes the gazetteer knows.
func m49Country(s string) (string, bool) {
	n, ok := wholeNumber(s)
	if !ok || n <= 0 || n > 999 {
		return "", false
	}
	a2 := countries.ByNumeric(n).Alpha2()
	if len(a2) != 2 || gazetteer.CountryName(a2) == "" {
		return "", false
	}
	return a2, true
}

type unRow struct {
	date, mission string
	typ           models.IncidentType
	typeLabel     string
	person        string
	group         models.Group
	nat           *string
	natKey        string
	err           error
}

func parseUNRow(src *csvSource, rec []string, line int) unRow {
	var fe models.FieldErrors
	get := func(name string) string {
		v, _ := src.get(rec, name)
		return strings.Join(strings.Fields(v), " ")
	}
	var row unRow
	d := get("incident_date")
	switch {
	case d == "":
		fe.Add("incident_date", "is required")
	default:
		var ok bool
		if row.date, ok = parseISODate(d); ok {
			break
		}
		if row.date, ok = parseUSDate(d); ok {
			break
		}
		if row.date, ok = parseNamedDate(d); ok {
			break
		}
		fe.Add("incident_date", "%q is not a date as 2017-11-24, 11/24/2017 or 24-Nov-2017", d)
	}
	// A known operation as Missions spells it; any other as the file does
	// (upper-casing made "OSESyria" OSESYRIA).
	row.mission = get("mission_acronym")
	if acronym, ok := CanonicalMission(row.mission); ok {
		row.mission = acronym
	}
	if row.mission == "" {
		fe.Add("mission_acronym", "is required: it is part of what makes an incident")
	}
	if err := fe.Err("the row is not valid"); err != nil {
		return unRow{err: err}
	}

	// the label goes into the summary, where a control character would
	// fail validation of a field the file does not have
	row.typeLabel = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, get("type_of_incident"))
	row.typ = models.UnknownType
	if row.typeLabel != "" {
		t, ok := unIncidentTypes[letters(row.typeLabel)]
		if !ok {
			t = models.OtherType
		}
		row.typ = t
	}
	row.person = personKey(get("casualty_id"))
	row.group = models.UnknownGroup
	if g, ok := unPersonnelGroups[letters(get("casualty_personnel_type"))]; ok {
		row.group = g
	}
	row.nat, row.natKey = unNationality(get("isocode3"), get("casualty_nationality"), get("m49_code"))
	return row
}

// personKey reads casualty_id so that "1234" and the "1234.0" of a
// re-saved file are one person.
func personKey(id string) string {
	if n, ok := wholeNumber(id); ok {
		return fmt.Sprint(n)
	}
	return id
}

// unIncident is the deaths of one date, mission and type of incident, or
// a row that could not be put in one.
type unIncident struct {
	line          int
	date, mission string
	typ           models.IncidentType
	labels        []string
	persons       int
	lines         []*unLine
	err           error
}

type unLine struct {
	group  models.Group
	nat    *string
	key    string
	killed int
}

func (inc *unIncident) add(row unRow) {
	inc.persons++
	if row.typeLabel != "" {
		inc.labels = append(inc.labels, row.typeLabel)
	}
	key := string(row.group) + "\x00" + row.natKey
	for _, l := range inc.lines {
		if l.key == key {
			l.killed++
			return
		}
	}
	inc.lines = append(inc.lines, &unLine{group: row.group, nat: row.nat, key: key, killed: 1})
}

func (inc *unIncident) input() models.IncidentInput {
	mission := inc.mission
	in := models.IncidentInput{
		ExternalID:    ptr("un-fatalities-" + inc.date + "-" + strings.ReplaceAll(mission, " ", "_") + "-" + string(inc.typ)),
		OccurredOn:    ptr(inc.date),
		DatePrecision: ptr(string(models.PrecisionDay)),
		Mission:       ptr(mission),
		Type:          ptr(string(inc.typ)),
		Killed:        models.Known(inc.persons),
		// The dataset counts deaths only: its wounded are not known.
		Wounded: models.Unknown(),
		Forces:  []string{mission},
		Summary: ptr(inc.summary()),
		Sources: []models.SourceInput{{
			Title:     ptr("UN Peacekeeping fatalities dataset"),
			Publisher: ptr("United Nations"),
		}},
	}
	if host, ok := MissionHost(mission); ok && host != "" {
		in.Country = ptr(host)
	}
	for _, l := range inc.lines {
		in.Casualties = append(in.Casualties, models.CasualtyInput{
			Group:       ptr(string(l.group)),
			Force:       ptr(mission),
			Nationality: l.nat,
			Killed:      models.Known(l.killed),
			Wounded:     models.Unknown(),
		})
	}
	return in
}

// groupNouns name the groups in the summary, singular and plural.
var groupNouns = map[models.Group][2]string{
	models.Peacekeeper:  {"peacekeeper", "peacekeepers"},
	models.UNCivilian:   {"UN civilian", "UN civilians"},
	models.Contractor:   {"contractor", "contractors"},
	models.UnknownGroup: {"of personnel type not stated", "of personnel type not stated"},
}

// summary says what the rows say and no more: "3 peacekeeper fatalities
// recorded by the UN (Malicious Act)", or, for several groups, "4
// fatalities recorded by the UN (Accident): 3 peacekeepers, 1 UN
// civilian".
func (inc *unIncident) summary() string {
	var groups []models.Group
	counts := map[models.Group]int{}
	for _, l := range inc.lines {
		if counts[l.group] == 0 {
			groups = append(groups, l.group)
		}
		counts[l.group] += l.killed
	}
	noun := "fatalities"
	if inc.persons == 1 {
		noun = "fatality"
	}
	label := strings.Join(firstDistinct(inc.labels, 5), ", ")
	if label == "" {
		label = "type of incident not stated"
	}
	if len(groups) == 1 && groups[0] != models.UnknownGroup {
		return fmt.Sprintf("%d %s %s recorded by the UN (%s)", inc.persons, groupNouns[groups[0]][0], noun, label)
	}
	s := fmt.Sprintf("%d %s recorded by the UN (%s)", inc.persons, noun, label)
	if len(groups) == 1 {
		return s
	}
	parts := make([]string, len(groups))
	for i, g := range groups {
		n := groupNouns[g][1]
		if counts[g] == 1 {
			n = groupNouns[g][0]
		}
		parts[i] = fmt.Sprintf("%d %s", counts[g], n)
	}
	return s + ": " + strings.Join(parts, ", ")
}
