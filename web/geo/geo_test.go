package geo_test

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"incidentdb/models/gazetteer"
	"incidentdb/web/geo"
)

func TestTheEmbeddedFileNamesItsSource(t *testing.T) {
	s := geo.Source()
	for _, want := range []string{"Natural Earth", "1:50m", "world-atlas@2.0.2", "countries-50m.json", "public domain"} {
		if !strings.Contains(s, want) {
			t.Errorf("Source() = %q, missing %q", s, want)
		}
	}
}

func TestEveryHostCountryHasAnOutline(t *testing.T) {
	codes := geo.Codes()
	for _, r := range gazetteer.Regions("") {
		if !slices.Contains(codes, r.Country) {
			t.Errorf("%s has regions but no outline", r.Country)
		}
	}
	// Natural Earth draws Western Sahara east of the berm apart from
	// Morocco; a map of Morocco shows it as a neighbour.
	if !slices.Contains(codes, "EH") {
		t.Error("no outline for EH")
	}
}

func TestMaliContainsMenakaAndMopti(t *testing.T) {
	for _, p := range []struct {
		name     string
		lon, lat float64
	}{
		{"Ménaka", 2.4022, 15.9182},
		{"Mopti", -4.18296, 14.4843},
		{"Taoudenni", -3.97891, 22.67443},
	} {
		if !geo.Inside("ML", p.lon, p.lat) {
			t.Errorf("%s (%v, %v) is not inside ML", p.name, p.lon, p.lat)
		}
		if geo.Inside("NE", p.lon, p.lat) {
			t.Errorf("%s (%v, %v) is inside NE", p.name, p.lon, p.lat)
		}
	}
	for _, p := range []struct {
		name     string
		lon, lat float64
	}{
		{"Niamey", 2.1098, 13.51366},
		{"Nouakchott", -15.9785, 18.08581},
		{"Dakar, on the coast", -17.44406, 14.6937},
	} {
		if geo.Inside("ML", p.lon, p.lat) {
			t.Errorf("%s (%v, %v) is inside ML", p.name, p.lon, p.lat)
		}
	}
}

func TestNeighboursShareABorderWithoutOverlapping(t *testing.T) {
	// Each arc is simplified once for both sides, so a point near a border
	// is in exactly one of the countries meeting there. Lake Victoria is
	// shared out between its shores in Natural Earth.
	for _, p := range []struct{ lon, lat float64 }{
		{33.0, -1.5}, {33.0, -0.9}, {31.8, -1.05}, {34.0, 0.5},
	} {
		var in []string
		for _, c := range []string{"TZ", "UG", "KE"} {
			if geo.Inside(c, p.lon, p.lat) {
				in = append(in, c)
			}
		}
		if len(in) != 1 {
			t.Errorf("(%v, %v) is inside %q, want exactly one of TZ, UG, KE", p.lon, p.lat, in)
		}
	}
}

func TestForCountriesRefusesWhatItCannotDraw(t *testing.T) {
	for _, tc := range []struct {
		name  string
		codes []string
		width float64
	}{
		{"no codes", nil, 600},
		{"no outline", []string{"FR", "XX"}, 600},
		{"lower case", []string{"ml"}, 600},
		{"zero width", []string{"ML"}, 0},
		{"negative width", []string{"ML"}, -1},
		{"NaN width", []string{"ML"}, math.NaN()},
		{"infinite width", []string{"ML"}, math.Inf(1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if m, ok := geo.ForCountries(tc.codes, tc.width); ok || m != nil {
				t.Errorf("ForCountries(%q, %v) = %v, %v", tc.codes, tc.width, m, ok)
			}
		})
	}
	if _, ok := geo.ForCountries([]string{"ML", "FR"}, 600); !ok {
		t.Error("a code without an outline spoils the others")
	}
	if got := mustMap(t, []string{"ML"}, 600).Outline("FR"); got != "" {
		t.Errorf("Outline(FR) = %q", got)
	}
}

func mustMap(t testing.TB, codes []string, width float64) *geo.Map {
	t.Helper()
	m, ok := geo.ForCountries(codes, width)
	if !ok {
		t.Fatalf("ForCountries(%q, %v) failed", codes, width)
	}
	return m
}

// pathPoints reads back the coordinates of an Outline.
func pathPoints(t *testing.T, d string) [][2]float64 {
	t.Helper()
	var pts [][2]float64
	for _, sub := range strings.Split(d, "Z") {
		if sub == "" {
			continue
		}
		if sub[0] != 'M' {
			t.Fatalf("subpath %.20q does not start with M", sub)
		}
		for _, pair := range strings.Fields(strings.NewReplacer("M", " ", "L", " ").Replace(sub)) {
			xs, ys, ok := strings.Cut(pair, ",")
			x, errx := strconv.ParseFloat(xs, 64)
			y, erry := strconv.ParseFloat(ys, 64)
			if !ok || errx != nil || erry != nil {
				t.Fatalf("bad pair %q", pair)
			}
			for _, s := range []string{xs, ys} {
				if _, frac, ok := strings.Cut(s, "."); ok && len(frac) != 1 {
					t.Fatalf("%q is not rounded to 0.1", s)
				}
			}
			pts = append(pts, [2]float64{x, y})
		}
	}
	return pts
}

func TestOutlinesOfTheMapsCountriesFitItsBox(t *testing.T) {
	hosts := map[string]bool{}
	for _, r := range gazetteer.Regions("") {
		hosts[r.Country] = true
	}
	sets := [][]string{{"ML", "NE", "BF"}, {"IL", "LB", "SY"}, {"SD", "SS"}, {"IN", "PK"}}
	for c := range hosts {
		sets = append(sets, []string{c})
	}
	for _, codes := range sets {
		for _, width := range []float64{120, 600, 1280} {
			m := mustMap(t, codes, width)
			if m.Width() != width || !(m.Height() > 0) {
				t.Fatalf("%q at %v: %v × %v", codes, width, m.Width(), m.Height())
			}
			for _, c := range codes {
				if !slices.Contains(m.Countries(), c) {
					t.Errorf("%q: Countries() = %q lacks %s", codes, m.Countries(), c)
				}
				d := m.Outline(c)
				if d == "" {
					t.Fatalf("%q at %v: no outline of %s", codes, width, c)
				}
				for _, p := range pathPoints(t, d) {
					if p[0] < 0 || p[0] > width || p[1] < 0 || p[1] > m.Height() {
						t.Fatalf("%q at %v: %s has %v outside %v × %v", codes, width, c, p, width, m.Height())
					}
				}
			}
		}
	}
}

func TestProjectedPointsStayInTheBox(t *testing.T) {
	m := mustMap(t, []string{"ML"}, 600)
	inside, outside := 0, 0
	for lat := 5.0; lat <= 30; lat += 0.25 {
		for lon := -15.0; lon <= 10; lon += 0.25 {
			x, y := m.Project(lon, lat)
			onMap := x >= 0 && x <= m.Width() && y >= 0 && y <= m.Height()
			if onMap != m.Contains(lon, lat) {
				t.Fatalf("(%v, %v) projects to (%v, %v) on a %v × %v map; Contains = %v",
					lon, lat, x, y, m.Width(), m.Height(), m.Contains(lon, lat))
			}
			if onMap {
				inside++
			} else {
				outside++
			}
			if geo.Inside("ML", lon, lat) && !onMap {
				t.Fatalf("(%v, %v) is in Mali but off its map", lon, lat)
			}
		}
	}
	if inside == 0 || outside == 0 {
		t.Fatalf("grid not spread around the map: %d on, %d off", inside, outside)
	}
	// North is up and east is right.
	xw, yn := m.Project(-5, 20)
	xe, ys := m.Project(0, 15)
	if !(xw < xe && yn < ys) {
		t.Errorf("(-5, 20) → (%v, %v), (0, 15) → (%v, %v)", xw, yn, xe, ys)
	}
}

func TestTheEastWestScaleShrinksWithLatitude(t *testing.T) {
	// Cyprus, at 35°N: a degree of longitude is cos(35°) of a degree of
	// latitude, give or take the spread of the island's latitudes.
	m := mustMap(t, []string{"CY"}, 600)
	x0, y0 := m.Project(33, 35)
	x1, _ := m.Project(34, 35)
	_, y1 := m.Project(33, 34)
	ratio := (x1 - x0) / (y1 - y0)
	if want := math.Cos(35 * math.Pi / 180); math.Abs(ratio-want) > 0.01 {
		t.Errorf("east–west over north–south scale = %v, want %v", ratio, want)
	}
}

func TestRepeatedRendersAllocateLittle(t *testing.T) {
	codes := []string{"ML", "NE"}
	m := mustMap(t, codes, 600)
	want := m.Outline("ML")
	allocs := testing.AllocsPerRun(100, func() {
		m, _ := geo.ForCountries(codes, 600)
		if m.Outline("ML") != want {
			t.Fatal("outline changed")
		}
	})
	if allocs > 4 {
		t.Errorf("a repeated map and outline cost %v allocations", allocs)
	}
}

func BenchmarkFreshMapOfMali(b *testing.B) {
	for i := range b.N {
		// A width never asked before misses the cache.
		m, _ := geo.ForCountries([]string{"ML"}, 600+float64(i%100000)/1000)
		_ = m.Outline("ML")
	}
}

func BenchmarkInside(b *testing.B) {
	for range b.N {
		geo.Inside("IN", 77.2, 28.6)
	}
}

// insideOrNear reports whether the point is inside the country or within
// about r km of it, trying eight points on a circle of that radius:
// coastal towns sit on a shoreline simplified to a pixel.
func insideOrNear(code string, lon, lat, r float64) bool {
	if geo.Inside(code, lon, lat) {
		return true
	}
	dLat := r / 111.2
	dLon := dLat / math.Cos(lat*math.Pi/180)
	for i := range 8 {
		a := float64(i) * math.Pi / 4
		if geo.Inside(code, lon+dLon*math.Cos(a), lat+dLat*math.Sin(a)) {
			return true
		}
	}
	return false
}

// offOutline lists the capitals known to fall outside their country's
// outline, and why. Natural Earth 4.1 draws the part of Western Sahara west
// of the berm inside Morocco, so Laâyoune and Dakhla need no entry.
var offOutline = map[string]string{
	"IN-LD": "Kavaratti island is not in Natural Earth 1:50m; the nearest Lakshadweep islets it has are smaller than a pixel and dropped",
}

func TestEveryCapitalLiesInItsCountry(t *testing.T) {
	for _, r := range gazetteer.Regions("") {
		c, ok := gazetteer.CapitalOf(r.Country, r.Name)
		if !ok {
			continue
		}
		near := insideOrNear(r.Country, c.Lon, c.Lat, 10)
		if why, listed := offOutline[r.Code]; listed == near {
			t.Errorf("%s (%s, %s) at %v, %v: within 10 km of the outline: %v; listed as off it: %q",
				c.Name, r.Country, r.Name, c.Lat, c.Lon, near, why)
		}
		m := mustMap(t, []string{r.Country}, 600)
		if x, y := m.Project(c.Lon, c.Lat); x < 0 || x > m.Width() || y < 0 || y > m.Height() {
			t.Errorf("%s projects to (%v, %v), off the %v × %v map of %s", c.Name, x, y, m.Width(), m.Height(), r.Country)
		}
	}
}
