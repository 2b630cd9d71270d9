package gazetteer_test

import (
	"math"
	"os"
	"strings"
	"testing"

	"incidentdb/models/gazetteer"
)

// withoutCapital lists the regions whose seat no source placed; SOURCES.md
// names them too. None today.
var withoutCapital = map[gazetteer.Region]bool{}

func TestEveryRegionHasACapitalWithASource(t *testing.T) {
	doc, err := os.ReadFile("SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range gazetteer.Regions("") {
		c, ok := gazetteer.CapitalOf(r.Country, r.Name)
		if ok == withoutCapital[r] {
			t.Errorf("%s, %s: CapitalOf = %v, yet listed without capital: %v", r.Country, r.Name, ok, withoutCapital[r])
			continue
		}
		if !ok {
			continue
		}
		if c.Region != r || c.Name == "" || c.Ref == "" {
			t.Errorf("%s, %s: %+v", r.Country, r.Name, c)
		}
		if !strings.Contains(string(doc), "`"+c.Source+"`") {
			t.Errorf("%s, %s: source %q is not described in SOURCES.md", r.Country, r.Name, c.Source)
		}
		if strings.HasPrefix(c.Source, "geonames-") && c.Source != "geonames-cities-json" && !strings.HasPrefix(c.Ref, "geonames:") {
			t.Errorf("%s, %s: GeoNames row with ref %q", r.Country, r.Name, c.Ref)
		}
	}
}

func TestCapitalRowsAreWellFormed(t *testing.T) {
	rows := readCSV(t, "capitals.csv", 8)
	if got, want := len(rows), len(gazetteer.Regions(""))-len(withoutCapital); got != want {
		t.Errorf("%d rows, want one per region with a capital: %d", got, want)
	}
	for _, row := range rows {
		c, ok := gazetteer.CapitalOf(row.fields[0], row.fields[1])
		if !ok || c.Name != row.fields[2] {
			t.Errorf("row %d (%s): CapitalOf gives %+v, %v", row.line, row.fields[1], c, ok)
		}
	}
}

func TestCapitalOfTheRegionsCreatedIn2016(t *testing.T) {
	for _, tc := range []struct {
		country, region, want string
		lat, lon              float64
	}{
		{"ML", "Ménaka", "Ménaka", 15.9182, 2.4022},
		{"ML", "Taoudénit", "Taoudéni", 22.67443, -3.97891},
	} {
		c, ok := gazetteer.CapitalOf(tc.country, tc.region)
		if !ok || c.Name != tc.want || c.Lat != tc.lat || c.Lon != tc.lon {
			t.Errorf("CapitalOf(%s, %s) = %+v, %v", tc.country, tc.region, c, ok)
		}
	}
}

func TestCapitalOfAcceptsWhatLookupRegionAccepts(t *testing.T) {
	for _, tc := range []struct{ country, input, want string }{
		{"ML", "Timbuktu", "Tombouctou"},
		{"ml", "MENAKA", "Ménaka"},
		{"", "ML-10", "Taoudéni"},
		{"CD", "Kasai", "Tshikapa"},
		{"PK", "Punjab", "Lahore"},
		{"IN", "Punjab", "Chandigarh"},
	} {
		c, ok := gazetteer.CapitalOf(tc.country, tc.input)
		if !ok || c.Name != tc.want {
			t.Errorf("CapitalOf(%q, %q) = %+v, %v, want %s", tc.country, tc.input, c, ok, tc.want)
		}
	}
	for _, tc := range []struct{ country, input string }{
		{"", "Punjab"},     // in India and in Pakistan
		{"ML", "Kinshasa"}, // another country's
		{"FR", "Bretagne"}, // a country without regions
		{"ML", ""},
	} {
		if c, ok := gazetteer.CapitalOf(tc.country, tc.input); ok {
			t.Errorf("CapitalOf(%q, %q) = %+v", tc.country, tc.input, c)
		}
	}
}

// secondSource holds positions of a few capitals read from another source
// than the one capitals.csv took them from (SOURCES.md, "Capitals checked
// against a second source").
var secondSource = []struct {
	country, region string
	lat, lon        float64
	source          string
}{
	{"ML", "Ménaka", 15 + 55.0/60, 2 + 24.0/60, `fr.wikipedia "Ménaka": 15° 55′ 00″ N, 2° 24′ 00″ E`},
	{"ML", "Taoudénit", 22 + 40.0/60, -(3 + 59.0/60), `en.wikipedia "Taoudenni": 22°40′N 3°59′W`},
	{"ML", "Mopti", 14.49583, -4.19861, `en.wikipedia "Mopti": 14°29′45″N 4°11′55″W`},
	{"CF", "Haute-Kotto", 6.53694, 21.99194, `en.wikipedia "Bria, Central African Republic": 6°32′13″N 21°59′31″E`},
	{"CD", "Kasaï", -(6 + 25.0/60), 20 + 48.0/60, `fr.wikipedia "Tshikapa": 6° 25′ 00″ S, 20° 48′ 00″ E`},
	{"SS", "Greater Pibor Administrative Area", 6.8, 33.13333, `en.wikipedia "Pibor": 06°48′00″N 33°08′00″E`},
	{"SD", "Abyei", 9.6, 28.43333, `en.wikipedia "Abyei (town)": 09°36′0″N 28°26′0″E`},
}

func TestCapitalsAgreeWithASecondSource(t *testing.T) {
	for _, s := range secondSource {
		c, ok := gazetteer.CapitalOf(s.country, s.region)
		if !ok {
			t.Errorf("%s, %s: no capital", s.country, s.region)
			continue
		}
		if d := km(c.Lat, c.Lon, s.lat, s.lon); d > 3 {
			t.Errorf("%s (%s): %.1f km from %s", c.Name, c.Ref, d, s.source)
		}
	}
}

// km is the great-circle distance (haversine, mean earth radius).
func km(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dLat, dLon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * 6371 * math.Asin(math.Sqrt(a))
}
