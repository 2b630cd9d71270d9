package exchange_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/exchange"
	"incidentdb/models"
)

// line is a casualty line as a test expects it.
type line struct {
	Group       models.Group
	Nationality string
	Killed      int
}

func linesOf(inc models.Incident) []line {
	var out []line
	for _, c := range inc.Casualties {
		out = append(out, line{c.Group, str(c.Nationality), models.Value0(c.Killed)})
		if c.Wounded != nil || str(c.Force) != str(inc.Mission) {
			out = append(out, line{"unexpected wounded or force", str(c.Force), models.Value0(c.Wounded)})
		}
	}
	return out
}

func TestUNFatalities(t *testing.T) {
	recs := readFixture(t, "un-fatalities", "un_fatalities_synthetic.csv")
	incs, lines := byExternalID(t, recs)
	tests := []struct {
		id           string
		line         int
		date         string
		typ          models.IncidentType
		mission      string
		country      string
		killed       int
		lines        []line
		contributing []string
		summary      string
	}{
		// four persons on rows 2, 3, 5 and 7, in four date spellings; row 6
		// repeats casualty 90001 and row 19 repeats 90002 as "90002.0"
		{"un-fatalities-2017-11-24-MINUSMA-malicious_act", 2, "2017-11-24", models.MaliciousAct, "MINUSMA", "ML", 4,
			[]line{{models.Peacekeeper, "NE", 3}, {models.Peacekeeper, "BF", 1}}, []string{"NE", "BF"},
			"4 peacekeeper fatalities recorded by the UN (Malicious Act)"},
		// "Cote dIvoire", no alpha-3
		{"un-fatalities-2017-11-24-MINUSMA-accident", 4, "2017-11-24", models.Accident, "MINUSMA", "ML", 1,
			[]line{{models.UNCivilian, "CI", 1}}, []string{"CI"},
			"1 UN civilian fatality recorded by the UN (Accident)"},
		// the local civilian's nationality comes from m49_code 466.0 alone,
		// and as the host's it is no contributing country
		{"un-fatalities-2019-01-20-MINUSMA-malicious_act", 8, "2019-01-20", models.MaliciousAct, "MINUSMA", "ML", 3,
			[]line{{models.Peacekeeper, "TD", 2}, {models.UNCivilian, "ML", 1}}, []string{"TD"},
			"3 fatalities recorded by the UN (Malicious Act): 2 peacekeepers, 1 UN civilian"},
		{"un-fatalities-2020-05-03-MONUSCO-illness", 11, "2020-05-03", models.Illness, "MONUSCO", "CD", 1,
			[]line{{models.UNCivilian, "CD", 1}}, []string{},
			"1 UN civilian fatality recorded by the UN (Illness)"},
		// a mission not in the table: no country
		{"un-fatalities-2015-07-01-UNSYNTH-self_inflicted", 12, "2015-07-01", models.SelfInflicted, "UNSYNTH", "<nil>", 1,
			[]line{{models.Peacekeeper, "BD", 1}}, []string{"BD"},
			"1 peacekeeper fatality recorded by the UN (Self-Inflicted)"},
		// "To Be Determined" and "Unknown" are one type; UNISFA has no single
		// host; no nationality at all; "Other" personnel
		{"un-fatalities-2012-03-10-UNISFA-unknown", 13, "2012-03-10", models.UnknownType, "UNISFA", "<nil>", 2,
			[]line{{models.Peacekeeper, "<nil>", 1}, {models.UnknownGroup, "<nil>", 1}}, []string{},
			"2 fatalities recorded by the UN (To Be Determined, Unknown): 1 peacekeeper, 1 of personnel type not stated"},
		// m49_code 250.0 alone; a row without casualty_id counts
		{"un-fatalities-2010-01-12-MINUSTAH-accident", 15, "2010-01-12", models.Accident, "MINUSTAH", "HT", 2,
			[]line{{models.Peacekeeper, "FR", 1}, {models.Peacekeeper, "KR", 1}}, []string{"FR", "KR"},
			"2 peacekeeper fatalities recorded by the UN (Accident)"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			inc, ok := incs[tt.id]
			if !ok {
				t.Fatalf("no valid incident %s", tt.id)
			}
			got := []any{lines[tt.id], inc.OccurredOn, inc.DatePrecision, inc.Type, str(inc.Mission), str(inc.Country), str(inc.Region), models.Value0(inc.Killed), inc.Wounded == nil, inc.Summary}
			// The dataset counts deaths: the wounded are unknown, not 0.
			want := []any{tt.line, tt.date, models.PrecisionDay, tt.typ, tt.mission, tt.country, "<nil>", tt.killed, true, tt.summary}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("line, date, precision, type, mission, country, region, killed, wounded unknown, summary (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.lines, linesOf(inc)); diff != "" {
				t.Errorf("casualties (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.contributing, inc.ContributingCountries); diff != "" {
				t.Errorf("contributing countries (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{tt.mission}, inc.Forces); diff != "" {
				t.Errorf("forces (-want +got):\n%s", diff)
			}
			if len(inc.Sources) != 1 || inc.Sources[0].Title != "UN Peacekeeping fatalities dataset" || str(inc.Sources[0].Publisher) != "United Nations" {
				t.Errorf("sources = %+v", inc.Sources)
			}
		})
	}

	// two rows that fit no incident, at their own lines, after the rest
	if len(recs) != len(tests)+2 {
		t.Fatalf("%d records, want %d", len(recs), len(tests)+2)
	}
	for i, want := range []struct {
		line  int
		field string
	}{{16, "incident_date"}, {17, "mission_acronym"}} {
		rec := recs[len(tests)+i]
		if rec.Line != want.line || fieldOf(rec.Err) != want.field {
			t.Errorf("line %d, err %v; want line %d naming %s", rec.Line, rec.Err, want.line, want.field)
		}
	}
}

func TestUNFatalitiesPlain(t *testing.T) {
	recs := readFixture(t, "un-fatalities", "un_fatalities_plain_synthetic.csv")
	var ids []string
	for _, r := range recs {
		ids = append(ids, str(r.Input.ExternalID))
	}
	want := []string{
		"un-fatalities-2013-07-02-UNMIL-illness",
		"un-fatalities-2013-07-02-UNIFIL-malicious_act",
		"un-fatalities-2014-02-03-UNFICYP-accident",
		"un-fatalities-2014-02-05-UNFICYP-accident",
		"un-fatalities-2014-02-04-UNMIK-other",
	}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Fatalf("external ids (-want +got):\n%s", diff)
	}
	incs, _ := byExternalID(t, recs)

	if diff := cmp.Diff([]line{{models.Peacekeeper, "LR", 1}, {models.Peacekeeper, "CI", 1}}, linesOf(incs[want[0]])); diff != "" {
		t.Errorf("UNMIL (-want +got):\n%s", diff)
	}
	if c := str(incs[want[1]].Country); c != "LB" {
		t.Errorf("UNIFIL country %s", c)
	}
	// a nationality nobody knows is passed on, and validation names it
	if _, err := recs[2].Input.Normalize(now); fieldOf(err) != "casualties[0].nationality" {
		t.Errorf("Atlantis: %v", err)
	}
	// N/A everywhere is no nationality
	if diff := cmp.Diff([]line{{models.UNCivilian, "<nil>", 1}}, linesOf(incs[want[3]])); diff != "" {
		t.Errorf("N/A (-want +got):\n%s", diff)
	}
	// an incident type outside the UN's list is "other", and the summary
	// keeps the UN's word for it
	kosovo := incs[want[4]]
	if kosovo.Type != models.OtherType || str(kosovo.Country) != "XK" || !strings.Contains(kosovo.Summary, "(Natural Disaster)") {
		t.Errorf("UNMIK: %s, %s, %q", kosovo.Type, str(kosovo.Country), kosovo.Summary)
	}
}

// unCSV builds a file with the dataset's columns from rows of
// incident_date, casualty_id, mission_acronym, casualty_nationality,
// casualty_personnel_type, type_of_incident, m49_code, isocode3.
func unCSV(rows ...[8]string) string {
	var b strings.Builder
	b.WriteString("incident_date,casualty_id,mission_acronym,casualty_nationality,casualty_personnel_type,type_of_incident,m49_code,isocode3\n")
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte(',')
			}
			if strings.ContainsAny(c, ",\"\n") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestUNFatalitiesDates(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2017-11-24", "2017-11-24"},
		{"2017-11-24T00:00:00", "2017-11-24"},
		{"2017-11-24 00:00:00", "2017-11-24"},
		{"11/24/2017", "2017-11-24"},
		{"1/5/2017", "2017-01-05"},
		{"11/24/2017 0:00", "2017-11-24"},
		{"24-Nov-2017", "2017-11-24"},
		{"24 November 2017", "2017-11-24"},
		{"24/11/2017", ""},
		{"24-Nov-17", ""},
		{"2017/11/24", ""},
		{"2/30/2017", ""},
		{"20171124", ""},
	}
	for _, tt := range tests {
		recs := readString(t, "un-fatalities", unCSV([8]string{tt.in, "1", "MINUSMA", "Niger", "Military", "Accident", "", ""}))
		rec := recs[0]
		if tt.want == "" {
			if fieldOf(rec.Err) != "incident_date" {
				t.Errorf("%q: err %v, want one naming incident_date", tt.in, rec.Err)
			}
			continue
		}
		if rec.Err != nil || str(rec.Input.OccurredOn) != tt.want {
			t.Errorf("%q: %s, %v; want %s", tt.in, str(rec.Input.OccurredOn), rec.Err, tt.want)
		}
	}
}

func TestUNFatalitiesTypesAndGroups(t *testing.T) {
	types := []struct {
		in   string
		want models.IncidentType
	}{
		{"Malicious Act", models.MaliciousAct},
		{"MALICIOUS  ACT ", models.MaliciousAct},
		{"Accident", models.Accident},
		{"Illness", models.Illness},
		{"Self-Inflicted", models.SelfInflicted},
		{"self inflicted", models.SelfInflicted},
		{"To Be Determined", models.UnknownType},
		{"Unknown", models.UnknownType},
		{"", models.UnknownType},
		{"Other", models.OtherType},
		{"Something new", models.OtherType},
	}
	for _, tt := range types {
		recs := readString(t, "un-fatalities", unCSV([8]string{"2017-11-24", "1", "MINUSMA", "", "", tt.in, "", ""}))
		if got := str(recs[0].Input.Type); got != string(tt.want) {
			t.Errorf("type %q: %s, want %s", tt.in, got, tt.want)
		}
	}
	groups := []struct {
		in   string
		want models.Group
	}{
		{"Military", models.Peacekeeper},
		{"Police", models.Peacekeeper},
		{"Military Observer", models.Peacekeeper},
		{"Military Observers", models.Peacekeeper},
		{"Troops", models.Peacekeeper},
		{"Staff Officer", models.Peacekeeper},
		{"International Civilian", models.UNCivilian},
		{"Local Civilian", models.UNCivilian},
		{"National Staff", models.UNCivilian},
		{"UN Volunteer", models.UNCivilian},
		{"Civilian", models.UNCivilian},
		// as the dataset writes local staff, with its trailing space
		{"Local ", models.UNCivilian},
		{"Local", models.UNCivilian},
		{"International", models.UNCivilian},
		{"Other", models.UnknownGroup},
		{"", models.UnknownGroup},
	}
	for _, tt := range groups {
		recs := readString(t, "un-fatalities", unCSV([8]string{"2017-11-24", "1", "MINUSMA", "", tt.in, "Accident", "", ""}))
		if got := str(recs[0].Input.Casualties[0].Group); got != string(tt.want) {
			t.Errorf("personnel %q: %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestUNFatalitiesNationality(t *testing.T) {
	tests := []struct{ name, iso3, m49, want string }{
		{"", "NER", "", "NE"},
		{"Niger", "", "", "NE"},
		{"Cote dIvoire ", "", "", "CI"},
		{"  Republic of Korea", "", "", "KR"},
		{"", "", "250.0", "FR"},
		{"", "", "250", "FR"},
		{"Niger", "TCD", "", "TD"}, // the code wins
		{"", "N/A", "N/A", "<nil>"},
		{"Unknown", "", "", "<nil>"},
		{"", "", "", "<nil>"},
		{"", "", "999.0", "<nil>"},
		{"Atlantis", "", "", "Atlantis"},
		{"", "XYZ", "", "XYZ"},
		// defunct states, as a file from 1948 on names them
		{"Yugoslavia", "YUG", "", "YUCS"},
		{"Yugoslavia ", "", "", "YUCS"},
		{"USSR", "SUN", "", "SUHH"},
		{"Czechoslovakia", "CSK", "", "CSHH"},
		{"Serbia and Montenegro", "SCG", "", "CSXX"},
		{"German Democratic Republic", "DDR", "", "DDDE"},
		{"Zaire", "ZAR", "", "CD"},
		// the dataset's own placeholder for an unknown nationality
		{"ZZ [Undetermined]", "", "", "<nil>"},
		{"Undetermined", "ZZ", "", "<nil>"},
	}
	for _, tt := range tests {
		recs := readString(t, "un-fatalities", unCSV([8]string{"2017-11-24", "1", "MINUSMA", tt.name, "Military", "Accident", tt.m49, tt.iso3}))
		if got := str(recs[0].Input.Casualties[0].Nationality); got != tt.want {
			t.Errorf("%q/%q/%q: %s, want %s", tt.name, tt.iso3, tt.m49, got, tt.want)
		}
	}
}

func TestUNFatalitiesPersons(t *testing.T) {
	data := unCSV(
		[8]string{"2017-11-24", "7", "MINUSMA", "Niger", "Military", "Accident", "", ""},
		[8]string{"2017-11-25", "8", "MINUSMA", "Niger", "Military", "Accident", "", ""},
		// the same person on another day: still one person, kept where first seen
		[8]string{"2017-11-25", "7", "MINUSMA", "Niger", "Military", "Accident", "", ""},
		[8]string{"2017-11-24", "7.0", "MINUSMA", "Chad", "Military", "Accident", "", ""},
		// without ids every row is a person
		[8]string{"2017-11-24", "", "MINUSMA", "Niger", "Military", "Accident", "", ""},
		[8]string{"2017-11-24", "", "MINUSMA", "Niger", "Military", "Accident", "", ""},
	)
	recs := readString(t, "un-fatalities", data)
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	if k := *recs[0].Input.Killed.Value; k != 3 {
		t.Errorf("24 November: killed %d, want 3", k)
	}
	if k := *recs[1].Input.Killed.Value; k != 1 || recs[1].Line != 3 {
		t.Errorf("25 November: killed %d at line %d, want 1 at line 3", k, recs[1].Line)
	}
}

func TestUNFatalitiesFileErrors(t *testing.T) {
	tests := []struct{ name, data string }{
		{"empty", ""},
		{"no mission", "incident_date,type_of_incident\n2017-11-24,Accident\n"},
		{"not CSV", "incident_date,mission_acronym,type_of_incident\n\"2017-11-24,MINUSMA,Accident\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := exchange.NewReader("un-fatalities", strings.NewReader(tt.data))
			if err == nil || fieldOf(err) != "file" {
				t.Errorf("err = %v; want a file-level error", err)
			}
		})
	}
}

func FuzzUNFatalitiesReader(f *testing.F) {
	for _, name := range []string{"un_fatalities_synthetic.csv", "un_fatalities_plain_synthetic.csv"} {
		b, err := os.ReadFile("../testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(unCSV([8]string{"1/1/2000", "1", "unef i", "Côte d’Ivoire", "Troops", "Illness", "384.0", ""})))
	f.Add([]byte("Incident_Date,Mission_Acronym,Type_Of_Incident\n,,\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzReader(t, "un-fatalities", data) })
}

// A file going back decades names states that no longer exist, writes an
// unknown nationality as "ZZ [Undetermined]" and local staff as "Local ":
// every record of it is valid.
func TestUNFatalitiesHistorical(t *testing.T) {
	recs := readFixture(t, "un-fatalities", "un_fatalities_historical_synthetic.csv")
	incs, _ := byExternalID(t, recs)
	if len(incs) != len(recs) {
		for _, r := range recs {
			if r.Err != nil {
				t.Errorf("line %d: %v", r.Line, r.Err)
			} else if _, err := r.Input.Normalize(now); err != nil {
				t.Errorf("line %d: %v", r.Line, err)
			}
		}
		t.Fatalf("%d of %d records are valid", len(incs), len(recs))
	}
	for id, want := range map[string]string{
		"un-fatalities-1992-09-08-UNPROFOR-malicious_act": "peacekeeper CSHH 1, peacekeeper SUHH 1",
		"un-fatalities-1993-05-11-UNPROFOR-accident":      "un_civilian YUCS 1",
		"un-fatalities-1961-09-17-ONUC-accident":          "peacekeeper <nil> 1",
		"un-fatalities-2005-02-25-MONUC-malicious_act":    "peacekeeper BD 1, un_civilian <nil> 1",
		"un-fatalities-2004-06-01-UNMIK-illness":          "un_civilian CSXX 1",
	} {
		inc, ok := incs[id]
		if !ok {
			t.Errorf("no incident %s", id)
			continue
		}
		var got []string
		for _, l := range linesOf(inc) {
			got = append(got, fmt.Sprintf("%s %s %d", l.Group, l.Nationality, l.Killed))
		}
		slices.Sort(got)
		if strings.Join(got, ", ") != want {
			t.Errorf("%s: %s, want %s", id, strings.Join(got, ", "), want)
		}
	}
}
