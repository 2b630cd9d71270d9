package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/models/gazetteer/internal/geonames"
)

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const header = `# comment, kept
country,name,aliases,kind,cercle,regions,lat,lon,pos_source,pos_ref,admin_source,note
`

const placesIn = header + `ML,Tombouctou,Timbuktu,town,Tombouctou,Tombouctou:-,,,geonames-cities500,geonames:2449067,wp-cercles,
ML,Aguelhok,Aguel'hoc,town,Tessalit,Kidal:-,1,2,geonames-cities-json,Aguelhok/ML/10,wp-cercles,"a note, quoted"
ML,Konna,,town,Mopti,Mopti:-,14.94667,-3.89333,wikipedia-en,Konna,wikipedia-en:Konna,
ML,Ber,,town,Tombouctou,Tombouctou:-,,,,,wp-arrondissements,no position
`

const citiesJSON = `[{"name":"Aguelhok","lat":"19.46139","lng":"0.85889","country":"ML","admin1":"10","admin2":""},
{"name":"Aguelhok","lat":"0","lng":"0","country":"ML","admin1":"09","admin2":""}]`

func TestFillCopiesGeoNamesAndKeepsTheRest(t *testing.T) {
	dir := t.TempDir()
	dump := write(t, dir, "cities500.txt", strings.Join([]string{
		geonames.Line("2449067", "Timbuktu", "Timbuktu", "Tombouctou,Tumbutu", "16.77348", "-3.00742", "ML"),
		geonames.Line("1", "Elsewhere", "Elsewhere", "", "0", "0", "FR"),
	}, "\n")+"\n")
	cities := write(t, dir, "cities.json", citiesJSON)
	csvPath := write(t, dir, "places.csv", placesIn)
	if err := fill(dump, cities, csvPath, true); err == nil {
		t.Error("-check passed on a file with missing coordinates")
	}
	if err := fill(dump, cities, csvPath, false); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	want := header + `ML,Tombouctou,Timbuktu,town,Tombouctou,Tombouctou:-,16.77348,-3.00742,geonames-cities500,geonames:2449067,wp-cercles,
ML,Aguelhok,Aguel'hoc,town,Tessalit,Kidal:-,19.46139,0.85889,geonames-cities-json,Aguelhok/ML/10,wp-cercles,"a note, quoted"
ML,Konna,,town,Mopti,Mopti:-,14.94667,-3.89333,wikipedia-en,Konna,wikipedia-en:Konna,
ML,Ber,,town,Tombouctou,Tombouctou:-,,,,,wp-arrondissements,no position
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("places.csv (-want +got):\n%s", diff)
	}
	if err := fill(dump, cities, csvPath, true); err != nil {
		t.Errorf("-check after filling: %v", err)
	}
}

func TestFillRefusesAMistypedReference(t *testing.T) {
	for _, tc := range []struct{ name, dump, cities, want string }{
		{"another town", geonames.Line("2449067", "Gao", "Gao", "", "16.27", "-0.04", "ML"), citiesJSON, "is called Gao"},
		{"another country", geonames.Line("2449067", "Timbuktu", "Timbuktu", "", "16.7", "-3.0", "NE"), citiesJSON, "is in NE"},
		{"missing id", geonames.Line("7", "Timbuktu", "Timbuktu", "", "16.7", "-3.0", "ML"), citiesJSON, "not in"},
		{"missing city", geonames.Line("2449067", "Timbuktu", "Timbuktu", "", "16.7", "-3.0", "ML"), `[]`, "Aguelhok/ML/10 is not in"},
		{"two cities", geonames.Line("2449067", "Timbuktu", "Timbuktu", "", "16.7", "-3.0", "ML"),
			`[{"name":"Aguelhok","lat":"1","lng":"1","country":"ML","admin1":"10"},{"name":"Aguelhok","lat":"2","lng":"2","country":"ML","admin1":"10"}]`, "two records"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			dump := write(t, dir, "cities500.txt", tc.dump+"\n")
			cities := write(t, dir, "cities.json", tc.cities)
			csvPath := write(t, dir, "places.csv", placesIn)
			err := fill(dump, cities, csvPath, false)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("fill = %v, want an error with %q", err, tc.want)
			}
			if got, _ := os.ReadFile(csvPath); string(got) != placesIn {
				t.Error("the file was written despite the error")
			}
		})
	}
}

func TestRunNeedsBothFiles(t *testing.T) {
	var stderr strings.Builder
	if code := run([]string{"-geonames", "x"}, &stderr); code != 2 || !strings.Contains(stderr.String(), "-citiesjson") {
		t.Errorf("run = %d, %q", code, stderr.String())
	}
}

func TestSameNameIgnoresAccentsCaseAndSeparators(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"Bent Jbaïl", "Bent Jbail", true},
		{"Kaga-Bandoro", "kaga bandoro", true},
		{"N'Délé", "Ndele", true},
		{"Gao", "Timbuktu", false},
		{"", "", false},
		{"-", "'", false},
	} {
		if got := sameName(tc.a, tc.b); got != tc.want {
			t.Errorf("sameName(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
