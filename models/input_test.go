package models_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/models"
)

func decodeNormalize(t *testing.T, body string) (models.Incident, error) {
	t.Helper()
	in, err := models.DecodeIncidentInput([]byte(body))
	if err != nil {
		return models.Incident{}, err
	}
	return in.Normalize(fixedNow)
}

func TestNormalizeFillsTotalsAndSets(t *testing.T) {
	inc, err := decodeNormalize(t, `{"occurred_on":"2017-11-24","type":"ARMED_ATTACK","mission":" MINUSMA ","country":"mali","region":"menaka",
		"casualties":[{"group":"peacekeeper","force":"MINUSMA","nationality":"Niger","killed":3},
		{"group":"national_forces","force":"FAMa","nationality":"ML","killed":1,"wounded":1},
		{"group":"peacekeeper","nationality":"Burkina Faso","wounded":2}],
		"forces":[" MINUSMA","FAMa","minusma",""]}`)
	if err != nil {
		t.Fatal(err)
	}
	if models.Value0(inc.Killed) != 4 || models.Value0(inc.Wounded) != 3 {
		t.Errorf("totals %d/%d, want 4/3", inc.Killed, inc.Wounded)
	}
	if diff := cmp.Diff([]string{"MINUSMA", "FAMa"}, inc.Forces); diff != "" {
		t.Errorf("forces (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"NE", "BF"}, inc.ContributingCountries); diff != "" {
		t.Errorf("contributing countries (-want +got):\n%s", diff)
	}
	if *inc.Region != "Ménaka" || *inc.Country != "ML" || *inc.Mission != "MINUSMA" || inc.Type != models.ArmedAttack {
		t.Errorf("canonical forms: %v %v %v %v", *inc.Region, *inc.Country, *inc.Mission, inc.Type)
	}
	if inc.DatePrecision != models.PrecisionDay {
		t.Errorf("date_precision default %q", inc.DatePrecision)
	}
}

func TestNormalizeReportsEveryFailingField(t *testing.T) {
	_, err := decodeNormalize(t, `{"occurred_on":"2017-02-30","type":"x","killed":-1,"region":"Atlantis","country":"ML",
		"casualties":[{"group":"y","killed":1}]}`)
	e, ok := err.(*models.Error)
	if !ok || e.Code != models.Invalid {
		t.Fatalf("err = %v", err)
	}
	got := map[string]bool{}
	for _, f := range e.Fields {
		got[f.Field] = true
	}
	for _, want := range []string{"occurred_on", "type", "killed", "region", "casualties[0].group"} {
		if !got[want] {
			t.Errorf("no error for %s in %+v", want, e.Fields)
		}
	}
}

func TestRegionOfUncoveredCountryIsKeptAsGiven(t *testing.T) {
	inc, err := decodeNormalize(t, `{"occurred_on":"2017-11-24","type":"ied","country":"Somalia","region":"Lower Shabelle"}`)
	if err != nil {
		t.Fatal(err)
	}
	if *inc.Region != "Lower Shabelle" {
		t.Errorf("region = %q", *inc.Region)
	}
}

func TestRegionWithoutCountryMustResolve(t *testing.T) {
	inc, err := decodeNormalize(t, `{"occurred_on":"2017-11-24","type":"ied","region":"Taoudeni"}`)
	if err != nil || *inc.Region != "Taoudénit" || inc.Country == nil || *inc.Country != "ML" {
		t.Fatalf("Taoudeni without country: %v %v %v; want Taoudénit in ML", inc.Region, inc.Country, err)
	}
	if _, err := decodeNormalize(t, `{"occurred_on":"2017-11-24","type":"ied","region":"Nowhere at all"}`); models.ErrorCode(err) != models.Invalid {
		t.Errorf("unknown region without country: %v", err)
	}
}

func TestRegionErrorSuggestsClosestNames(t *testing.T) {
	_, err := decodeNormalize(t, `{"occurred_on":"2017-11-24","type":"ied","country":"ML","region":"Menaca"}`)
	e, ok := err.(*models.Error)
	if !ok || len(e.Fields) != 1 || e.Fields[0].Field != "region" {
		t.Fatalf("err = %v", err)
	}
	if want := "Ménaka"; !contains(e.Fields[0].Message, want) {
		t.Errorf("message %q does not suggest %s", e.Fields[0].Message, want)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestPatchOfLinesMovesDerivedValues(t *testing.T) {
	inc, err := decodeNormalize(t, `{"occurred_on":"2017-11-24","type":"ied","country":"ML","mission":"MINUSMA",
		"casualties":[{"group":"peacekeeper","force":"MINUSMA","nationality":"TD","killed":1}]}`)
	if err != nil {
		t.Fatal(err)
	}
	in, err := inc.MergePatch([]byte(`{"casualties":[{"group":"peacekeeper","force":"MINUSMA","nationality":"TD","killed":1},
		{"group":"national_forces","force":"FAMa","nationality":"ML","killed":2},{"group":"peacekeeper","nationality":"SN","wounded":1}]}`))
	if err != nil {
		t.Fatal(err)
	}
	next, err := in.Normalize(fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if models.Value0(next.Killed) != 3 || models.Value0(next.Wounded) != 1 {
		t.Errorf("totals %d/%d, want 3/1", next.Killed, next.Wounded)
	}
	if diff := cmp.Diff([]string{"TD", "SN"}, next.ContributingCountries); diff != "" {
		t.Errorf("contributing countries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"MINUSMA", "FAMa"}, next.Forces); diff != "" {
		t.Errorf("forces (-want +got):\n%s", diff)
	}
	// A total that was given above the breakdown stays given.
	ten := 10
	inc.Killed = &ten
	in, _ = inc.MergePatch([]byte(`{"summary":"x"}`))
	if next, err = in.Normalize(fixedNow); err != nil || models.Value0(next.Killed) != 10 {
		t.Errorf("given total: %d, %v", next.Killed, err)
	}
}

// A total derived from the lines is held to the same cap as a given one:
// otherwise the stored incident could not be sent back as it is.
func TestDerivedTotalsAreCapped(t *testing.T) {
	var lines []models.CasualtyInput
	k := 999_999
	g := "civilian"
	for range models.MaxCasualties {
		lines = append(lines, models.CasualtyInput{Group: &g, Killed: models.FigureOf(&k)})
	}
	d, typ := "2017-11-24", "ied"
	_, err := models.IncidentInput{OccurredOn: &d, Type: &typ, Casualties: lines}.Normalize(fixedNow)
	var me *models.Error
	if !errors.As(err, &me) || len(me.Fields) != 1 || me.Fields[0].Field != "killed" {
		t.Fatalf("lines adding up to %d: %v", k*models.MaxCasualties, err)
	}
	one := lines[:1]
	if inc, err := (models.IncidentInput{OccurredOn: &d, Type: &typ, Casualties: one}).Normalize(fixedNow); err != nil || models.Value0(inc.Killed) != k {
		t.Errorf("one line of %d: %+v, %v", k, inc.Killed, err)
	}
}

// Line breaks are stored as LF, whatever a client sent: a CSV reader
// turns CRLF into LF, and the round trip must give back the same text.
func TestSummaryLineBreaksAreLF(t *testing.T) {
	inc, err := decodeNormalize(t, `{"occurred_on":"2017-11-24","type":"ied","summary":"first\r\nsecond\rthird\nfourth"}`)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Summary != "first\nsecond\nthird\nfourth" {
		t.Errorf("summary %q", inc.Summary)
	}
}

// A list of names may be left out (null) but may not hold a null, which
// would otherwise vanish as an empty name.
func TestNullInsideAListIsRefused(t *testing.T) {
	for _, body := range []string{
		`{"occurred_on":"2017-11-24","type":"ied","forces":[null]}`,
		`{"occurred_on":"2017-11-24","type":"ied","contributing_countries":["NE",null]}`,
	} {
		if _, err := models.DecodeIncidentInput([]byte(body)); models.ErrorCode(err) != models.Invalid {
			t.Errorf("%s: %v", body, err)
		}
	}
	if _, err := decodeNormalize(t, `{"occurred_on":"2017-11-24","type":"ied","forces":null,"casualties":null}`); err != nil {
		t.Errorf("null lists: %v", err)
	}
}

// A long filter value is refused before any name is matched against it
// (BenchmarkParseFilterLongRegions measures what the longest allowed cost).
func TestLongFilterValuesAreRefusedBeforeMatching(t *testing.T) {
	long := strings.Repeat("menaka", 10_000)
	_, err := models.ParseFilter(url.Values{"region": {long}})
	var me *models.Error
	if !errors.As(err, &me) || me.Fields[0].Field != "region" || len(me.Error()) > 1000 {
		t.Errorf("a 60,000-letter region: %v", err)
	}
	if _, err := models.ParseFilter(url.Values{"region": {"Menaca"}}); err == nil || !strings.Contains(err.Error(), "Ménaka") {
		t.Errorf("a typo: %v", err)
	}
}
