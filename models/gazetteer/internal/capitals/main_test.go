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

const capitalsIn = `# comment, kept
country,region,capital,lat,lon,source,ref,note
# --- Mali
ML,Ménaka,Ménaka,,,geonames-cities500,geonames:2453514,
ML,Mopti,Mopti,1,2,geonames-cities500,geonames:2453348,"a note, quoted"
CD,Kwango,Kenge,-4.80556,17.04167,wikipedia-en,"en.wikipedia.org, ""Kenge, Kwango""",
MA,Dakhla-Oued Ed-Dahab,Dakhla,,,geonames-cities500,geonames:2463447,
`

func TestFillCopiesGeoNamesAndKeepsTheRest(t *testing.T) {
	dir := t.TempDir()
	gn := write(t, dir, "cities500.txt", strings.Join([]string{
		geonames.Line("2453514", "Ménaka", "Menaka", "Menaka,Ménaka", "15.9182", "2.4022", "ML"),
		geonames.Line("2453348", "Mopti", "Mopti", "", "14.4843", "-4.18296", "ML"),
		geonames.Line("2463447", "Dakhla", "Dakhla", "Ad Dakhla,Villa Cisneros", "23.68477", "-15.95798", "EH"),
		geonames.Line("1", "Elsewhere", "Elsewhere", "", "0", "0", "FR"),
	}, "\n")+"\n")
	csvPath := write(t, dir, "capitals.csv", capitalsIn)
	if err := fill(gn, csvPath, true); err == nil {
		t.Error("-check passed on a file with missing coordinates")
	}
	if err := fill(gn, csvPath, false); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	want := `# comment, kept
country,region,capital,lat,lon,source,ref,note
# --- Mali
ML,Ménaka,Ménaka,15.9182,2.4022,geonames-cities500,geonames:2453514,
ML,Mopti,Mopti,14.4843,-4.18296,geonames-cities500,geonames:2453348,"a note, quoted"
CD,Kwango,Kenge,-4.80556,17.04167,wikipedia-en,"en.wikipedia.org, ""Kenge, Kwango""",
MA,Dakhla-Oued Ed-Dahab,Dakhla,23.68477,-15.95798,geonames-cities500,geonames:2463447,
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("capitals.csv (-want +got):\n%s", diff)
	}
	if err := fill(gn, csvPath, true); err != nil {
		t.Errorf("-check after filling: %v", err)
	}
}

func TestFillRefusesAMistypedID(t *testing.T) {
	for _, tc := range []struct{ name, geonames, want string }{
		{"another town", geonames.Line("2453514", "Gao", "Gao", "", "16.27", "-0.04", "ML"), "is called Gao"},
		{"another country", geonames.Line("2453514", "Ménaka", "Menaka", "", "15.9", "2.4", "NE"), "is in NE"},
		{"missing", geonames.Line("7", "Ménaka", "Menaka", "", "15.9", "2.4", "ML"), "not in the file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			gn := write(t, dir, "cities500.txt", tc.geonames+"\n")
			csvPath := write(t, dir, "capitals.csv", "country,region,capital,lat,lon,source,ref,note\nML,Ménaka,Ménaka,,,geonames-cities500,geonames:2453514,\n")
			err := fill(gn, csvPath, false)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("fill = %v, want an error saying %q", err, tc.want)
			}
		})
	}
}
