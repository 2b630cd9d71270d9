package exchange_test

import (
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"incidentdb/exchange"
	"incidentdb/models"
)

// now is after every date of the fixtures, so that "not in the future"
// never fails them.
var now = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)

// readAll reads every record of a reader, failing on a file-level error.
func readAll(t *testing.T, r exchange.Reader) []exchange.Record {
	t.Helper()
	var out []exchange.Record
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, rec)
	}
}

func readFixture(t *testing.T, format, name string) []exchange.Record {
	t.Helper()
	f, err := os.Open("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := exchange.NewReader(format, f)
	if err != nil {
		t.Fatalf("NewReader(%s, %s): %v", format, name, err)
	}
	return readAll(t, r)
}

func readString(t *testing.T, format, data string) []exchange.Record {
	t.Helper()
	r, err := exchange.NewReader(format, strings.NewReader(data))
	if err != nil {
		t.Fatalf("NewReader(%s): %v", format, err)
	}
	return readAll(t, r)
}

// byExternalID normalizes the good records and indexes them, with the line
// each came from.
func byExternalID(t *testing.T, recs []exchange.Record) (map[string]models.Incident, map[string]int) {
	t.Helper()
	incs, lines := map[string]models.Incident{}, map[string]int{}
	for _, rec := range recs {
		if rec.Err != nil || rec.Input.ExternalID == nil {
			continue
		}
		inc, err := rec.Input.Normalize(now)
		if err != nil {
			continue
		}
		incs[*inc.ExternalID] = inc
		lines[*inc.ExternalID] = rec.Line
	}
	return incs, lines
}

// fieldOf returns the first field an error names.
func fieldOf(err error) string {
	var e *models.Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return e.Fields[0].Field
	}
	return ""
}

func str(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestACLEDDyadic(t *testing.T) {
	incs, lines := byExternalID(t, readFixture(t, "acled", "acled_synthetic.csv"))
	tests := []struct {
		id        string
		line      int
		date      string
		precision models.DatePrecision
		typ       models.IncidentType
		country   string
		region    string
		mission   string
		killed    int
		forces    []string
		sources   int
	}{
		{"MLI1234", 2, "2017-11-24", models.PrecisionDay, models.ArmedAttack, "ML", "Ménaka", "MINUSMA", 4,
			[]string{"JNIM: Group for Support of Islam and Muslims", "MINUSMA", "Military Forces of Niger", "FAMa"}, 2},
		// the generic UN actor is the force United Nations, not MINUSMA
		{"MLI1235", 3, "2017-11-24", models.PrecisionWeek, models.IED, "ML", "Mopti", "<nil>", 1,
			[]string{"Unidentified Armed Group (Mali)", "United Nations"}, 1},
		{"MLI1236", 4, "2019-03-03", models.PrecisionMonth, models.IndirectFire, "ML", "Tombouctou", "MINUSMA", 0,
			[]string{"Unidentified Armed Group (Mali)", "MINUSMA"}, 1},
		{"MLI1237", 5, "2020-01-12", models.PrecisionDay, models.IndirectFire, "ML", "Ségou", "<nil>", 2,
			[]string{"FAMa"}, 1}, // civilians are the people struck, not a force
		{"MLI1238", 6, "2021-06-05", models.PrecisionDay, models.SuicideAttack, "ML", "Tombouctou", "MINUSMA", 3,
			[]string{"ISGS: Islamic State (Greater Sahara)", "FAMa", "MINUSMA"}, 1},
		{"CAF555", 7, "2020-02-14", models.PrecisionDay, models.Abduction, "CF", "Ouham-Pendé", "MINUSCA", 0,
			[]string{"3R: Return, Reclamation, Rehabilitation", "MINUSCA"}, 1},
		{"DRC777", 8, "2022-07-26", models.PrecisionDay, models.OtherType, "CD", "Nord-Kivu", "MONUSCO", 0,
			[]string{"MONUSCO"}, 1},
		{"SSD888", 9, "2019-10-10", models.PrecisionDay, models.OtherType, "SS", "Unity", "UNMISS", 0,
			[]string{"Unidentified Armed Group (South Sudan)", "UNMISS"}, 1},
		// a sub-event type not in the table, and no event type
		{"MLI1240", 11, "2018-08-08", models.PrecisionDay, models.UnknownType, "ML", "Gao", "<nil>", 0,
			[]string{"Unidentified Armed Group (Mali)"}, 1},
		// a sub-event type not in the table under a known event type
		{"MLI1241", 12, "2018-09-09", models.PrecisionDay, models.MaliciousAct, "ML", "Gao", "<nil>", 1,
			[]string{"Unidentified Armed Group (Mali)"}, 1},
		// empty country cell, iso3 NER; the gazetteer has no regions for
		// Niger, so admin1 is kept as written
		{"NER999", 13, "2019-05-15", models.PrecisionDay, models.ArmedAttack, "NE", "Tillaberi", "<nil>", 5,
			[]string{"Military Forces of Niger", "ISGS: Islamic State (Greater Sahara)"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			inc, ok := incs[tt.id]
			if !ok {
				t.Fatalf("no valid incident %s", tt.id)
			}
			got := []any{lines[tt.id], inc.OccurredOn, inc.DatePrecision, inc.Type, str(inc.Country), str(inc.Region), str(inc.Mission), models.Value0(inc.Killed), inc.Wounded == nil, len(inc.Sources)}
			// ACLED counts no wounded: they are unknown, not 0.
			want := []any{tt.line, tt.date, tt.precision, tt.typ, tt.country, tt.region, tt.mission, tt.killed, true, tt.sources}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("line, date, precision, type, country, region, mission, killed, wounded unknown, sources (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.forces, inc.Forces); diff != "" {
				t.Errorf("forces (-want +got):\n%s", diff)
			}
			if len(inc.Casualties) != 0 {
				t.Errorf("casualties = %v, want none", inc.Casualties)
			}
			if !strings.HasPrefix(inc.Summary, "Synthetic test record") {
				t.Errorf("summary = %q", inc.Summary)
			}
		})
	}
}

func TestACLEDDyadicSources(t *testing.T) {
	incs, _ := byExternalID(t, readFixture(t, "acled", "acled_synthetic.csv"))
	got := incs["MLI1234"].Sources
	if len(got) != 2 {
		t.Fatalf("sources = %+v", got)
	}
	for i, name := range []string{"Synthetic Wire", "Synthetic Daily"} {
		s := got[i]
		if s.Title != name || str(s.Publisher) != name || s.URL != nil || s.Language != nil {
			t.Errorf("source %d = %+v, want title and publisher %q", i, s, name)
		}
	}
}

func TestACLEDDyadicErrors(t *testing.T) {
	recs := readFixture(t, "acled", "acled_synthetic.csv")
	if len(recs) != 13 {
		t.Fatalf("%d records, want one per event (13)", len(recs))
	}
	for i := 1; i < len(recs); i++ {
		if recs[i].Line <= recs[i-1].Line {
			t.Errorf("record %d at line %d after line %d: want file order", i, recs[i].Line, recs[i-1].Line)
		}
	}
	// line 10: fatalities "two"
	if rec := recs[8]; rec.Line != 10 || fieldOf(rec.Err) != "fatalities" {
		t.Errorf("record 8 = line %d, err %v; want line 10 naming fatalities", rec.Line, rec.Err)
	}
	// line 14: admin1 "Atlantis" is no region of Mali: the region is left
	// empty and the name kept in the locality, and the record is valid.
	rec := recs[12]
	if rec.Line != 14 || rec.Err != nil {
		t.Fatalf("record 12 = line %d, err %v", rec.Line, rec.Err)
	}
	if rec.Input.Region != nil || str(rec.Input.Locality) != "Nowhere, Atlantis" {
		t.Errorf("region = %s, locality = %s; want none and \"Nowhere, Atlantis\"", str(rec.Input.Region), str(rec.Input.Locality))
	}
	if _, err := rec.Input.Normalize(now); err != nil {
		t.Errorf("Normalize: %v", err)
	}
}

func TestACLEDMonadic(t *testing.T) {
	recs := readFixture(t, "acled", "acled_monadic_synthetic.csv")
	type got struct {
		Line  int
		ID    string
		Field string
	}
	var all []got
	for _, r := range recs {
		all = append(all, got{r.Line, str(r.Input.ExternalID), fieldOf(r.Err)})
	}
	want := []got{
		{2, "MLI2001", ""},
		{3, "MLI2002", ""},
		{6, "<nil>", "fatalities"},    // MLI2003: line 6 says 5, line 5 said 2
		{7, "<nil>", "event_id_cnty"}, // no event id; the blank row after it is skipped
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}

	inc, err := recs[0].Input.Normalize(now)
	if err != nil {
		t.Fatal(err)
	}
	if models.Value0(inc.Killed) != 3 {
		t.Errorf("killed = %d; the event's 3 fatalities are on both of its rows and count once", inc.Killed)
	}
	if diff := cmp.Diff([]string{"MINUSMA", "Military Forces of Chad", "JNIM: Group for Support of Islam and Muslims"}, inc.Forces); diff != "" {
		t.Errorf("forces (-want +got):\n%s", diff)
	}
	var titles []string
	for _, s := range inc.Sources {
		titles = append(titles, s.Title)
	}
	if diff := cmp.Diff([]string{"Synthetic Wire", "Synthetic Daily", "Synthetic Agency"}, titles); diff != "" {
		t.Errorf("sources (-want +got):\n%s", diff)
	}
	if str(inc.Region) != "Ménaka" || str(inc.Mission) != "MINUSMA" || inc.OccurredOn != "2017-11-24" {
		t.Errorf("region %s, mission %s, date %s", str(inc.Region), str(inc.Mission), inc.OccurredOn)
	}
}

// acledCSV builds an ACLED export with the columns of acledHeader; each
// row sets some of them.
var acledHeader = []string{"event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type",
	"actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "country", "admin1", "location", "latitude", "longitude",
	"source", "notes", "fatalities", "iso3"}

func acledCSV(rows ...map[string]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(acledHeader)
	for _, r := range rows {
		rec := make([]string, len(acledHeader))
		for i, h := range acledHeader {
			rec[i] = r[h]
		}
		w.Write(rec)
	}
	w.Flush()
	return b.String()
}

// acledRow is a valid row to vary.
func acledRow(kv ...string) map[string]string {
	r := map[string]string{"event_id_cnty": "TST1", "event_date": "2017-11-24", "event_type": "Battles",
		"sub_event_type": "Armed clash", "country": "Mali", "fatalities": "0"}
	for i := 0; i+1 < len(kv); i += 2 {
		r[kv[i]] = kv[i+1]
	}
	return r
}

func TestACLEDTypes(t *testing.T) {
	tests := []struct {
		event, sub string
		want       models.IncidentType
	}{
		{"Battles", "Armed clash", models.ArmedAttack},
		{"Battles", "Government regains territory", models.ArmedAttack},
		{"Battles", "Non-state actor overtakes territory", models.ArmedAttack},
		{"Violence against civilians", "Attack", models.ArmedAttack},
		{"Explosions/Remote violence", "Remote explosive/landmine/IED", models.IED},
		{"Explosions/Remote violence", "REMOTE EXPLOSIVE/LANDMINE/IED", models.IED},
		{"Explosions/Remote violence", "Shelling/artillery/missile attack", models.IndirectFire},
		{"Explosions/Remote violence", "Air/drone strike", models.IndirectFire},
		{"Explosions/Remote violence", "Suicide bomb", models.SuicideAttack},
		{"Explosions/Remote violence", "Grenade", models.OtherType},
		{"Violence against civilians", "Abduction/forced disappearance", models.Abduction},
		{"Strategic developments", "Looting/property destruction", models.OtherType},
		{"Protests", "Peaceful protest", models.OtherType},
		{"Riots", "Mob violence", models.OtherType},
		{"Strategic developments", "Arrests", models.OtherType},
		{"Battles", "", models.ArmedAttack},
		{"Remote violence", "", models.MaliciousAct},
		{"Battle-No change of territory", "", models.ArmedAttack},
		{"Explosions/Remote violence", "Something new", models.MaliciousAct},
		{"", "Something new", models.UnknownType},
		{"Something else", "", models.UnknownType},
		{"", "", models.UnknownType},
	}
	for _, tt := range tests {
		checkACLEDType(t, tt.event, tt.sub, tt.want)
	}
}

// checkACLEDType reads one row of event and sub-event type and holds its
// incident type to want.
func checkACLEDType(t *testing.T, event, sub string, want models.IncidentType) {
	t.Helper()
	recs := readString(t, "acled", acledCSV(acledRow("event_type", event, "sub_event_type", sub)))
	if len(recs) != 1 || recs[0].Err != nil {
		t.Fatalf("%q/%q: %+v", event, sub, recs)
	}
	if got := str(recs[0].Input.Type); got != string(want) {
		t.Errorf("%q/%q: type %s, want %s", event, sub, got, want)
	}
}

// Every sub-event type of ACLED's codebook (2023 edition) under its event
// type, as written and with the trailing space some exports carry.
func TestACLEDCodebookSubEventTypes(t *testing.T) {
	codebook := []struct {
		event, sub string
		want       models.IncidentType
	}{
		{"Battles", "Government regains territory", models.ArmedAttack},
		{"Battles", "Non-state actor overtakes territory", models.ArmedAttack},
		{"Battles", "Armed clash", models.ArmedAttack},
		{"Explosions/Remote violence", "Chemical weapon", models.OtherType},
		{"Explosions/Remote violence", "Air/drone strike", models.IndirectFire},
		{"Explosions/Remote violence", "Suicide bomb", models.SuicideAttack},
		{"Explosions/Remote violence", "Shelling/artillery/missile attack", models.IndirectFire},
		{"Explosions/Remote violence", "Remote explosive/landmine/IED", models.IED},
		{"Explosions/Remote violence", "Grenade", models.OtherType},
		{"Violence against civilians", "Sexual violence", models.OtherType},
		{"Violence against civilians", "Attack", models.ArmedAttack},
		{"Violence against civilians", "Abduction/forced disappearance", models.Abduction},
		{"Protests", "Peaceful protest", models.OtherType},
		{"Protests", "Protest with intervention", models.OtherType},
		{"Protests", "Excessive force against protesters", models.OtherType},
		{"Riots", "Violent demonstration", models.OtherType},
		{"Riots", "Mob violence", models.OtherType},
		{"Strategic developments", "Agreement", models.OtherType},
		{"Strategic developments", "Arrests", models.OtherType},
		{"Strategic developments", "Change to group/activity", models.OtherType},
		{"Strategic developments", "Disrupted weapons use", models.OtherType},
		{"Strategic developments", "Headquarters or base established", models.OtherType},
		{"Strategic developments", "Looting/property destruction", models.OtherType},
		{"Strategic developments", "Non-violent transfer of territory", models.OtherType},
		{"Strategic developments", "Other", models.OtherType},
	}
	for _, tt := range codebook {
		checkACLEDType(t, tt.event, tt.sub, tt.want)
		checkACLEDType(t, tt.event+" ", tt.sub+" ", tt.want)
	}
}

func TestACLEDActors(t *testing.T) {
	const minusma = "MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali (2013-2023)"
	tests := []struct {
		name    string
		row     map[string]string
		forces  []string
		mission string
	}{
		{"year ranges dropped, Malian army is FAMa",
			acledRow("actor1", "Military Forces of Mali (2013-2020)", "actor2", "Police Forces of Mali (2021-)"),
			[]string{"FAMa", "Police Forces of Mali"}, "<nil>"},
		{"assoc actors split, repeats removed",
			acledRow("actor1", minusma, "assoc_actor_1", "Military Forces of Chad (2021-); Military Forces of Togo (2005-)",
				"actor2", "Military Forces of Mali (2021-)", "assoc_actor_2", "Military Forces of Mali (2013-2020); "+minusma),
			[]string{"MINUSMA", "Military Forces of Chad", "Military Forces of Togo", "FAMa"}, "MINUSMA"},
		// "UN: United Nations" can be any UN body, in Mali during MINUSMA too:
		// the force United Nations, no mission.
		{"generic UN actor in Mali while MINUSMA served",
			acledRow("actor2", "UN: United Nations (1945-)", "event_date", "2015-06-01"),
			[]string{"United Nations"}, "<nil>"},
		{"generic UN actor elsewhere",
			acledRow("actor2", "UN: United Nations", "country", "South Sudan"),
			[]string{"United Nations"}, "<nil>"},
		{"civilians are no force", acledRow("actor1", "JNIM: Group for Support of Islam and Muslims", "actor2", "Civilians (Mali)"),
			[]string{"JNIM: Group for Support of Islam and Muslims"}, "<nil>"},
		{"protesters and rioters are no force", acledRow("actor1", "Protesters (Mali)", "actor2", "Rioters (Mali)", "assoc_actor_1", "Civilians (International)"),
			[]string{}, "<nil>"},
		{"acronym anywhere in the name",
			acledRow("actor1", "Military Forces of Senegal (2012-) MINUSMA Contingent"),
			[]string{"MINUSMA"}, "MINUSMA"},
		{"UNIFIL", acledRow("country", "Lebanon", "actor2", "UNIFIL: United Nations Interim Force in Lebanon (1978-)"),
			[]string{"UNIFIL"}, "UNIFIL"},
		{"full name without acronym", acledRow("country", "South Sudan", "actor2", "United Nations Mission in the Republic of South Sudan (2011-)"),
			[]string{"UNMISS"}, "UNMISS"},
		{"the longest full name wins", acledRow("country", "Chad", "actor2", "United Nations Mission in the Central African Republic and Chad"),
			[]string{"MINURCAT"}, "MINURCAT"},
		{"acronym in lower case is not taken", acledRow("actor1", "Minusma Watchers"),
			[]string{"Minusma Watchers"}, "<nil>"},
		{"first mission is the mission", acledRow("actor1", "UNISFA: x", "actor2", "UNMISS: y"),
			[]string{"UNISFA", "UNMISS"}, "UNISFA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := readString(t, "acled", acledCSV(tt.row))
			if len(recs) != 1 || recs[0].Err != nil {
				t.Fatalf("%+v", recs)
			}
			in := recs[0].Input
			if diff := cmp.Diff(tt.forces, in.Forces); diff != "" {
				t.Errorf("forces (-want +got):\n%s", diff)
			}
			if got := str(in.Mission); got != tt.mission {
				t.Errorf("mission = %s, want %s", got, tt.mission)
			}
		})
	}
}

func TestACLEDForcesCapped(t *testing.T) {
	var names []string
	for i := range 80 {
		names = append(names, "Militia "+string(rune('A'+i/26))+string(rune('a'+i%26)))
	}
	recs := readString(t, "acled", acledCSV(acledRow("assoc_actor_1", strings.Join(names, "; "))))
	inc, err := recs[0].Input.Normalize(now)
	if err != nil {
		t.Fatal(err)
	}
	if len(inc.Forces) != models.MaxListItems || inc.Forces[0] != "Militia Aa" {
		t.Errorf("%d forces starting %q; want the first %d", len(inc.Forces), inc.Forces[0], models.MaxListItems)
	}
}

func TestACLEDDates(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2017-11-24", "2017-11-24"},
		{"24 November 2017", "2017-11-24"},
		{"4 November 2017", "2017-11-04"},
		{"24 november 2017", "2017-11-24"},
		{"24 Nov 2017", "2017-11-24"},
		{"24 Sept 2017", "2017-09-24"},
		{"24-November-2017", "2017-11-24"},
		{"24-Nov-2017", "2017-11-24"},
		{" 24 November 2017 ", "2017-11-24"},
		{"29 February 2016", "2016-02-29"},
		{"29 February 2017", ""},
		{"24/11/2017", ""}, // day or month first cannot be told in general
		{"11/24/2017", ""},
		{"24 Nov 17", ""},
		{"November 24, 2017", ""},
		{"2017-13-01", ""},
		{"", ""},
	}
	for _, tt := range tests {
		recs := readString(t, "acled", acledCSV(acledRow("event_date", tt.in)))
		rec := recs[0]
		if tt.want == "" {
			if fieldOf(rec.Err) != "event_date" {
				t.Errorf("%q: err %v, want one naming event_date", tt.in, rec.Err)
			}
			continue
		}
		if rec.Err != nil || str(rec.Input.OccurredOn) != tt.want {
			t.Errorf("%q: %s, %v; want %s", tt.in, str(rec.Input.OccurredOn), rec.Err, tt.want)
		}
	}
}

func TestACLEDRowErrors(t *testing.T) {
	tests := []struct {
		name  string
		row   map[string]string
		field string
	}{
		{"fatalities not a number", acledRow("fatalities", "two"), "fatalities"},
		{"fatalities negative", acledRow("fatalities", "-1"), "fatalities"},
		{"fatalities a fraction", acledRow("fatalities", "1.5"), "fatalities"},
		{"fatalities empty", acledRow("fatalities", ""), "fatalities"},
		{"time precision out of range", acledRow("time_precision", "4"), "time_precision"},
		{"latitude not a number", acledRow("latitude", "north", "longitude", "2"), "latitude"},
		{"no event id", acledRow("event_id_cnty", " "), "event_id_cnty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := acledCSV(tt.row, acledRow("event_id_cnty", "TST2"))
			recs := readString(t, "acled", data)
			if len(recs) != 2 {
				t.Fatalf("%d records, want 2: the file goes on after a bad row", len(recs))
			}
			if recs[0].Line != 2 || fieldOf(recs[0].Err) != tt.field {
				t.Errorf("line %d, err %v; want line 2 naming %s", recs[0].Line, recs[0].Err, tt.field)
			}
			if recs[1].Err != nil || str(recs[1].Input.ExternalID) != "TST2" {
				t.Errorf("second record %+v", recs[1])
			}
		})
	}
}

func TestACLEDGoodValues(t *testing.T) {
	recs := readString(t, "acled", acledCSV(acledRow("fatalities", "3.0", "time_precision", "2.0", "iso3", "MLI", "country", "Malli")))
	rec := recs[0]
	if rec.Err != nil {
		t.Fatal(rec.Err)
	}
	if *rec.Input.Killed.Value != 3 || str(rec.Input.DatePrecision) != "week" || str(rec.Input.Country) != "ML" {
		t.Errorf("killed %d, precision %s, country %s", *rec.Input.Killed.Value, str(rec.Input.DatePrecision), str(rec.Input.Country))
	}
}

func TestACLEDDisagreeingRows(t *testing.T) {
	tests := []struct {
		name  string
		kv    []string
		field string
	}{
		{"date", []string{"event_date", "25 November 2017"}, "event_date"},
		{"fatalities", []string{"fatalities", "7"}, "fatalities"},
		{"country", []string{"country", "Niger"}, "country"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := acledCSV(acledRow(), acledRow("event_id_cnty", "TST9"), acledRow(tt.kv...))
			recs := readString(t, "acled", data)
			if len(recs) != 2 {
				t.Fatalf("%d records, want 2", len(recs))
			}
			if recs[0].Line != 4 || fieldOf(recs[0].Err) != tt.field {
				t.Errorf("line %d, err %v; want the later row, line 4, naming %s", recs[0].Line, recs[0].Err, tt.field)
			}
		})
	}
	// the same date written two ways is the same date
	recs := readString(t, "acled", acledCSV(acledRow(), acledRow("event_date", "24 November 2017", "country", "MALI")))
	if len(recs) != 1 || recs[0].Err != nil {
		t.Errorf("%+v", recs)
	}
}

func TestACLEDLongNotes(t *testing.T) {
	notes := strings.Repeat("é", models.MaxSummaryRunes+500)
	recs := readString(t, "acled", acledCSV(acledRow("notes", notes)))
	inc, err := recs[0].Input.Normalize(now)
	if err != nil {
		t.Fatal(err)
	}
	if n := utf8.RuneCountInString(inc.Summary); n != models.MaxSummaryRunes || !strings.HasSuffix(inc.Summary, "é…") {
		t.Errorf("summary of %d runes ending %q", n, inc.Summary[len(inc.Summary)-8:])
	}
}

func TestACLEDHeader(t *testing.T) {
	// any case, surrounding spaces, a BOM, unknown columns, no actor2
	data := "\xEF\xBB\xBF EVENT_ID_CNTY ,Event_Date,Country,FATALITIES,Sub_Event_Type,tags,Actor1\n" +
		"TST1,24 November 2017,Mali,2,Armed clash,x,Military Forces of Mali (2013-2020)\n"
	recs := readString(t, "acled", data)
	if len(recs) != 1 || recs[0].Err != nil {
		t.Fatalf("%+v", recs)
	}
	inc, err := recs[0].Input.Normalize(now)
	if err != nil {
		t.Fatal(err)
	}
	if models.Value0(inc.Killed) != 2 || inc.Type != models.ArmedAttack || !cmp.Equal(inc.Forces, []string{"FAMa"}) {
		t.Errorf("%+v", inc)
	}
	// a header alone is a file of no incidents
	if recs := readString(t, "acled", "event_id_cnty,event_date,country,fatalities,event_type\n"); len(recs) != 0 {
		t.Errorf("%+v", recs)
	}
}

func TestACLEDFileErrors(t *testing.T) {
	tests := []struct{ name, data string }{
		{"empty", ""},
		{"missing fatalities", "event_id_cnty,event_date,country,event_type\nX,2017-11-24,Mali,Battles\n"},
		{"no event type column", "event_id_cnty,event_date,country,fatalities\nX,2017-11-24,Mali,1\n"},
		{"duplicate column", "event_id_cnty,event_date,country,fatalities,event_type,Event_Type\n"},
		{"bare quote", "event_id_cnty,event_date,country,fatalities,event_type\nX,2017-11-24,Ma\"li,1,Battles\n"},
		{"unclosed quote", "event_id_cnty,event_date,country,fatalities,event_type\nX,2017-11-24,\"Mali,1,Battles\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := exchange.NewReader("acled", strings.NewReader(tt.data))
			if err == nil || fieldOf(err) != "file" {
				t.Errorf("err = %v; want a file-level error", err)
			}
		})
	}
}

func TestACLEDShortRow(t *testing.T) {
	data := acledCSV(acledRow()) + "TST3,2017-11-24\n" + strings.TrimPrefix(acledCSV(acledRow("event_id_cnty", "TST4")), strings.Join(acledHeader, ",")+"\n")
	recs := readString(t, "acled", data)
	if len(recs) != 3 || recs[1].Line != 3 || fieldOf(recs[1].Err) != "row" || recs[2].Err != nil {
		t.Errorf("%+v", recs)
	}
}

func fuzzReader(t *testing.T, format string, data []byte) {
	r, err := exchange.NewReader(format, strings.NewReader(string(data)))
	if err != nil {
		return
	}
	for i := 0; ; i++ {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("Next after a successful constructor: %v", err)
		}
		if rec.Line < 1 {
			t.Fatalf("record %d at line %d", i, rec.Line)
		}
		if rec.Err == nil {
			if rec.Input.ExternalID == nil {
				t.Fatalf("record %d has no external_id", i)
			}
			rec.Input.Normalize(now)
		}
		if i > len(data)+1 {
			t.Fatalf("more records than bytes")
		}
	}
}

func FuzzACLEDReader(f *testing.F) {
	for _, name := range []string{"acled_synthetic.csv", "acled_monadic_synthetic.csv"} {
		b, err := os.ReadFile("../testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(acledCSV(acledRow(), acledRow("fatalities", "x"), acledRow("event_date", "7 Sept 2019"))))
	f.Add([]byte("event_id_cnty,event_date,country,fatalities,sub_event_type\n#x,#date,#country,#affected,#event\nA,1 Jan 2020,Mali,1,Attack\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, "acled", data) })
}

// A file as a Mali export comes, every row valid: victims and crowds are
// no force, the generic UN actor is the force "United Nations" and no
// mission, regions resolve through the gazetteer (with a trailing space,
// and by exonym), and the wounded, which ACLED does not count, are unknown.
func TestACLEDMaliFile(t *testing.T) {
	recs := readFixture(t, "acled", "acled_mali_synthetic.csv")
	type event struct {
		Region, Mission string
		Type            models.IncidentType
		Killed          int
		Forces          []string
	}
	got := map[string]event{}
	for _, r := range recs {
		if r.Err != nil {
			t.Fatalf("line %d: %v", r.Line, r.Err)
		}
		inc, err := r.Input.Normalize(now)
		if err != nil {
			t.Fatalf("line %d: %v", r.Line, err)
		}
		if inc.Wounded != nil {
			t.Errorf("%s: wounded %d, want unknown", *inc.ExternalID, *inc.Wounded)
		}
		got[*inc.ExternalID] = event{str(inc.Region), str(inc.Mission), inc.Type, models.Value0(inc.Killed), inc.Forces}
	}
	want := map[string]event{
		"MLI3001": {"Ménaka", "MINUSMA", models.ArmedAttack, 3, []string{"JNIM: Group for Support of Islam and Muslims", "MINUSMA"}},
		"MLI3002": {"Mopti", "<nil>", models.ArmedAttack, 2, []string{"Unidentified Armed Group (Mali)"}},
		"MLI3003": {"Bamako", "<nil>", models.OtherType, 0, []string{}},
		"MLI3004": {"Gao", "<nil>", models.OtherType, 0, []string{"United Nations"}},
		"MLI3005": {"Tombouctou", "MINUSMA", models.IED, 1, []string{"Unidentified Armed Group (Mali)", "MINUSMA", "FAMa"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}
