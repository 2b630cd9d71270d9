package models_test

import (
	"net/url"
	"strings"
	"testing"

	"incidentdb/models"
)

// BenchmarkParseFilter measures the parsing every list, export and report
// request does before it touches the database.
func BenchmarkParseFilter(b *testing.B) {
	v, err := url.ParseQuery("region=menaka,ML-5&country=Mali&type=ied,ambush&from=2017-01-01&to=2019-12-31&force=FAMa&nationality=Niger&q=convoi+attaque&sort=-killed&limit=50")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := models.ParseFilter(v, models.ListParams...); err != nil {
			b.Fatal(err)
		}
		if _, err := models.ParsePage(v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeNormalize measures reading and checking one incident body,
// the work of every create and of every imported record.
func BenchmarkDecodeNormalize(b *testing.B) {
	body := []byte(`{"external_id":"x","occurred_on":"2017-11-24","mission":"MINUSMA","country":"Mali","region":"menaka","type":"armed_attack",
		"summary":"Peacekeepers repelled an attack by unidentified assailants.","casualties":[{"group":"peacekeeper","force":"MINUSMA","nationality":"NE","killed":3},
		{"group":"national_forces","force":"FAMa","nationality":"ML","killed":1,"wounded":1}],"sources":[{"title":"UN","url":"https://peacekeeping.un.org/"}]}`)
	for b.Loop() {
		in, err := models.DecodeIncidentInput(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := in.Normalize(fixedNow); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseFilterLongRegions is the costliest region filter a client
// may send: the most values, each of the longest allowed length, none a
// region. Before regions were matched with a length bound it took a
// quarter of a second of CPU.
func BenchmarkParseFilterLongRegions(b *testing.B) {
	var vals []string
	for i := range models.MaxFilterValues {
		vals = append(vals, strings.Repeat(string(rune('a'+i%26)), models.MaxShortRunes))
	}
	q := url.Values{"region": {strings.Join(vals, ",")}}
	for b.Loop() {
		models.ParseFilter(q)
	}
}
