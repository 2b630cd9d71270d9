package gazetteer_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/models/gazetteer"
)

// maliRegions is Mali as the gazetteer must know it: every region of the
// MINUSMA years (2013–2023) and every region of the 2023 reorganisation.
var maliRegions = []struct {
	name, code, plain string // plain: the name typed without accents
}{
	{"Bamako", "ML-BKO", "Bamako"},
	{"Kayes", "ML-1", "Kayes"},
	{"Koulikoro", "ML-2", "Koulikoro"},
	{"Sikasso", "ML-3", "Sikasso"},
	{"Ségou", "ML-4", "Segou"},
	{"Mopti", "ML-5", "Mopti"},
	{"Tombouctou", "ML-6", "Tombouctou"},
	{"Gao", "ML-7", "Gao"},
	{"Kidal", "ML-8", "Kidal"},
	{"Ménaka", "ML-9", "Menaka"},
	{"Taoudénit", "ML-10", "Taoudenit"},
	{"Nioro du Sahel", "", "Nioro du Sahel"},
	{"Kita", "", "Kita"},
	{"Dioïla", "", "Dioila"},
	{"Nara", "", "Nara"},
	{"Bougouni", "", "Bougouni"},
	{"Koutiala", "", "Koutiala"},
	{"San", "", "San"},
	{"Douentza", "", "Douentza"},
	{"Bandiagara", "", "Bandiagara"},
}

func TestMaliRegionsResolve(t *testing.T) {
	for _, m := range maliRegions {
		want := gazetteer.Region{Country: "ML", Code: m.code, Name: m.name}
		inputs := []string{m.name, m.plain, strings.ToUpper(m.name), strings.ToLower(m.plain)}
		if m.code != "" {
			inputs = append(inputs, m.code, strings.ToLower(m.code))
		}
		for _, in := range inputs {
			for _, country := range []string{"ML", "ml", ""} {
				got, ok := gazetteer.LookupRegion(country, in)
				if !ok || got != want {
					t.Errorf("LookupRegion(%q, %q) = %v, %v; want %v", country, in, got, ok, want)
				}
			}
		}
	}
}

func TestMaliRegionListIsComplete(t *testing.T) {
	var want []string
	for _, m := range maliRegions {
		want = append(want, m.name)
	}
	slices.SortFunc(want, func(a, b string) int { return strings.Compare(gazetteer.Fold(a), gazetteer.Fold(b)) })
	var got []string
	for _, r := range gazetteer.Regions("ML") {
		got = append(got, r.Name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Regions(ML) names (-want +got):\n%s", diff)
	}
}

func TestLookupRegion(t *testing.T) {
	menaka := gazetteer.Region{Country: "ML", Code: "ML-9", Name: "Ménaka"}
	tests := []struct {
		country, in string
		want        gazetteer.Region
		ok          bool
	}{
		{"ML", "menaka", menaka, true},
		{"ML", "MÉNAKA", menaka, true},
		{"ML", "ML-9", menaka, true},
		{"ML", "ml-9", menaka, true},
		{"ML", "ml 9", menaka, true},
		{"ML", "Ménaka", menaka, true},
		{"", "menaka", menaka, true},
		{"ML", "Taoudeni", gazetteer.Region{Country: "ML", Code: "ML-10", Name: "Taoudénit"}, true},
		{"ML", "Taoudenni", gazetteer.Region{Country: "ML", Code: "ML-10", Name: "Taoudénit"}, true},
		{"ML", "Timbuktu", gazetteer.Region{Country: "ML", Code: "ML-6", Name: "Tombouctou"}, true},
		{"ML", "Tomboctou", gazetteer.Region{Country: "ML", Code: "ML-6", Name: "Tombouctou"}, true},
		{"ML", "Segou", gazetteer.Region{Country: "ML", Code: "ML-4", Name: "Ségou"}, true},
		{"ML", "Région de Ségou", gazetteer.Region{Country: "ML", Code: "ML-4", Name: "Ségou"}, true},
		{"ML", "Kidal region", gazetteer.Region{Country: "ML", Code: "ML-8", Name: "Kidal"}, true},
		{"ML", "District de Bamako", gazetteer.Region{Country: "ML", Code: "ML-BKO", Name: "Bamako"}, true},
		{"ML", "Nioro-du-Sahel", gazetteer.Region{Country: "ML", Name: "Nioro du Sahel"}, true},
		{"ML", "Bandjagara", gazetteer.Region{Country: "ML", Name: "Bandiagara"}, true},
		{"ML", "Menaca", gazetteer.Region{}, false},
		{"ML", "", gazetteer.Region{}, false},
		{"ML", "CD-KN", gazetteer.Region{}, false},  // a code of another country
		{"NE", "Niamey", gazetteer.Region{}, false}, // country not covered
		{"XX", "Ménaka", gazetteer.Region{}, false},
		{"", "Ituri", gazetteer.Region{Country: "CD", Code: "CD-IT", Name: "Ituri"}, true},
		{"CD", "North Kivu", gazetteer.Region{Country: "CD", Code: "CD-NK", Name: "Nord-Kivu"}, true},
		{"CD", "Nord Kivu", gazetteer.Region{Country: "CD", Code: "CD-NK", Name: "Nord-Kivu"}, true},
		{"", "cd-kn", gazetteer.Region{Country: "CD", Code: "CD-KN", Name: "Kinshasa"}, true},
		{"CF", "préfecture de la Vakaga", gazetteer.Region{Country: "CF", Code: "CF-VK", Name: "Vakaga"}, true},
		{"CF", "Gribingui", gazetteer.Region{Country: "CF", Code: "CF-KB", Name: "Nana-Grébizi"}, true},
		{"CF", "MBomou", gazetteer.Region{Country: "CF", Code: "CF-MB", Name: "Mbomou"}, true},
		{"SS", "Central Equatoria", gazetteer.Region{Country: "SS", Code: "SS-EC", Name: "Central Equatoria"}, true},
		{"", "Unity State", gazetteer.Region{Country: "SS", Code: "SS-UY", Name: "Unity"}, true},
		{"LB", "Beirut", gazetteer.Region{Country: "LB", Code: "LB-BA", Name: "Beyrouth"}, true},
		{"LB", "LB-BA", gazetteer.Region{Country: "LB", Code: "LB-BA", Name: "Beyrouth"}, true},
		{"CY", "Nicosia", gazetteer.Region{Country: "CY", Code: "CY-01", Name: "Lefkosia"}, true},
		{"", "CY-01", gazetteer.Region{Country: "CY", Code: "CY-01", Name: "Lefkosia"}, true},
		{"SD", "Abyei", gazetteer.Region{Country: "SD", Name: "Abyei"}, true},
		{"SD", "Northern State", gazetteer.Region{Country: "SD", Code: "SD-NO", Name: "Northern"}, true},
		{"MA", "Oriental", gazetteer.Region{Country: "MA", Code: "MA-02", Name: "L'Oriental"}, true},
		{"IN", "IN-OR", gazetteer.Region{Country: "IN", Code: "IN-OD", Name: "Odisha"}, true},
		{"", "Punjab", gazetteer.Region{}, false}, // India and Pakistan
		{"", "Northern", gazetteer.Region{Country: "SD", Code: "SD-NO", Name: "Northern"}, true},
		{"IL", "Northern District", gazetteer.Region{Country: "IL", Code: "IL-Z", Name: "HaTsafon"}, true},
		{"LB", "North Governorate", gazetteer.Region{Country: "LB", Code: "LB-AS", Name: "Liban-Nord"}, true},
		{"LB", "Akkar Governorate", gazetteer.Region{Country: "LB", Code: "LB-AK", Name: "Aakkâr"}, true},
		{"EH", "Laâyoune", gazetteer.Region{}, false},
	}
	for _, tt := range tests {
		got, ok := gazetteer.LookupRegion(tt.country, tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("LookupRegion(%q, %q) = %v, %v; want %v, %v", tt.country, tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSuggest(t *testing.T) {
	got := gazetteer.Suggest("ML", "Menaca", 3)
	if len(got) != 3 || got[0] != "Ménaka" {
		t.Errorf(`Suggest("ML", "Menaca", 3) = %q, want "Ménaka" first of 3`, got)
	}
	if got := gazetteer.Suggest("ML", "Tombuctu", 1); !slices.Equal(got, []string{"Tombouctou"}) {
		t.Errorf("Suggest(ML, Tombuctu, 1) = %q", got)
	}
	// An alias counts: "Timbuktoo" is nearest to Tombouctou through "Timbuktu".
	if got := gazetteer.Suggest("ML", "Timbuktoo", 1); !slices.Equal(got, []string{"Tombouctou"}) {
		t.Errorf("Suggest(ML, Timbuktoo, 1) = %q", got)
	}
	if got := gazetteer.Suggest("ML", "zzzz", 100); len(got) != len(maliRegions) {
		t.Errorf("Suggest with a large n returned %d names, want all %d", len(got), len(maliRegions))
	}
	for _, tt := range []struct {
		country, in string
		n           int
	}{{"ML", "Menaca", 0}, {"ML", "Menaca", -1}, {"NE", "Niamey", 3}, {"ML", "", 3}} {
		if got := gazetteer.Suggest(tt.country, tt.in, tt.n); got != nil {
			t.Errorf("Suggest(%q, %q, %d) = %q, want nil", tt.country, tt.in, tt.n, got)
		}
	}
	// Ties are broken by name, so the answer does not depend on file order.
	a := gazetteer.Suggest("", "xq", 5)
	b := gazetteer.Suggest("", "xq", 5)
	if !slices.Equal(a, b) || len(a) != 5 {
		t.Errorf("Suggest is not deterministic: %q vs %q", a, b)
	}
}

func TestRegionsAndCovers(t *testing.T) {
	for _, c := range []string{"ML", "CF", "CD", "SS", "SD", "LB", "CY", "MA", "SY", "IL", "IN", "PK"} {
		if !gazetteer.Covers(c) || !gazetteer.Covers(strings.ToLower(c)) {
			t.Errorf("Covers(%q) = false", c)
		}
	}
	for _, c := range []string{"EH", "XK", "NE", "", "ZZ"} {
		if gazetteer.Covers(c) {
			t.Errorf("Covers(%q) = true", c)
		}
	}
	counts := map[string]int{"CD": 26, "SS": 12, "SD": 19, "CY": 6, "MA": 12, "CF": 20, "LB": 9, "SY": 14, "IL": 6, "PK": 7, "IN": 36}
	for c, n := range counts {
		if got := len(gazetteer.Regions(c)); got != n {
			t.Errorf("len(Regions(%q)) = %d, want %d", c, got, n)
		}
	}
	if gazetteer.Regions("EH") != nil {
		t.Errorf("Regions(EH) should be empty")
	}

	all := gazetteer.Regions("")
	total := 0
	for _, c := range gazetteer.Countries() {
		rs := gazetteer.Regions(c.Code)
		total += len(rs)
		if !slices.IsSortedFunc(rs, func(a, b gazetteer.Region) int {
			return strings.Compare(gazetteer.Fold(a.Name), gazetteer.Fold(b.Name))
		}) {
			t.Errorf("Regions(%q) not sorted by name", c.Code)
		}
	}
	if total != len(all) {
		t.Errorf("Regions(\"\") has %d regions, countries add up to %d", len(all), total)
	}
	if !slices.IsSortedFunc(all, func(a, b gazetteer.Region) int { return strings.Compare(a.Country, b.Country) }) {
		t.Errorf("Regions(\"\") not grouped by country")
	}
	// Callers get their own copy.
	rs := gazetteer.Regions("ML")
	rs[0].Name = "changed"
	if gazetteer.Regions("ML")[0].Name == "changed" {
		t.Errorf("Regions returns shared storage")
	}
}

func TestDescribe(t *testing.T) {
	r, _ := gazetteer.LookupRegion("ML", "Taoudeni")
	info, ok := gazetteer.Describe(r)
	if !ok {
		t.Fatalf("Describe(%v) failed", r)
	}
	if info.ValidFrom != 2016 || info.ValidTo != 0 || !slices.Contains(info.Aliases, "Taoudenni") || len(info.Sources) == 0 {
		t.Errorf("Describe(Taoudénit) = %+v", info)
	}
	r, _ = gazetteer.LookupRegion("ML", "Bougouni")
	if info, _ := gazetteer.Describe(r); info.ValidFrom != 2023 || info.Code != "" {
		t.Errorf("Describe(Bougouni) = %+v", info)
	}
	if _, ok := gazetteer.Describe(gazetteer.Region{Country: "ML", Name: "Nowhere"}); ok {
		t.Errorf("Describe of an unknown region succeeded")
	}
}

func TestConcurrentUse(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if _, ok := gazetteer.LookupRegion("", "Ménaka"); !ok {
					t.Error("lookup failed under concurrency")
				}
				_ = gazetteer.Suggest("ML", "Menaca", 3)
				_, _ = gazetteer.LookupCountry("Côte d'Ivoire")
				_ = gazetteer.Regions("CD")
			}
		})
	}
	wg.Wait()
}

func BenchmarkLookupRegion(b *testing.B) {
	for _, bm := range []struct{ name, country, in string }{
		{"folded", "ML", "menaka"},
		{"accented", "ML", "MÉNAKA"},
		{"code", "ML", "ML-9"},
		{"any-country", "", "Nord-Kivu"},
		{"generic-term", "ML", "Région de Ségou"},
		{"miss", "ML", "Menaca"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = gazetteer.LookupRegion(bm.country, bm.in)
			}
		})
	}
}

func BenchmarkSuggest(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = gazetteer.Suggest("ML", "Menaca", 3)
	}
}
