package gazetteer

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

//go:embed regions.csv
var regionsCSV string

// Region is a first-level administrative division of a country.
type Region struct {
	Country string // ISO 3166-1 alpha-2
	Code    string // ISO 3166-2, "" when none
	Name    string // canonical
}

// RegionInfo is everything the gazetteer records about a region besides its
// identity: what else it is called, when it existed and who says so.
type RegionInfo struct {
	Region
	Aliases []string
	// ValidFrom and ValidTo are years; 0 means not recorded (ValidFrom) or
	// still in force (ValidTo).
	ValidFrom, ValidTo int
	// Sources are keys described in SOURCES.md.
	Sources []string
}

type regionRecord struct {
	info RegionInfo
	// sortKey orders "Ségou" between "San" and "Sikasso", as a reader
	// expects, where byte order would put accented names last.
	sortKey string
	// keys are the folded name and aliases, kept as runes for Suggest.
	keys [][]rune
}

// regionIndex is built once by init and only read afterwards.
type regionIndex struct {
	records   []regionRecord // by country, then sortKey
	byCountry map[string][]int
	byRegion  map[Region]int
	exact     map[string][]int // Fold of name, alias or code
	loose     map[string][]int // compact form of the same, a fallback
	all       []int            // every record
	longest   int              // runes of the longest folded name or alias
}

var regions = mustLoadRegions(regionsCSV)

var regionHeader = []string{"country", "code", "name", "aliases", "valid_from", "valid_to", "source"}

func mustLoadRegions(data string) *regionIndex {
	idx, err := loadRegions(data)
	if err != nil {
		panic("gazetteer: regions.csv: " + err.Error())
	}
	return idx
}

func loadRegions(data string) (*regionIndex, error) {
	r := csv.NewReader(strings.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = len(regionHeader)
	header, err := r.Read()
	if err != nil {
		return nil, err
	}
	if !slices.Equal(header, regionHeader) {
		return nil, fmt.Errorf("header %q, want %q", header, regionHeader)
	}
	var recs []regionRecord
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		rec, err := parseRegion(row)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		recs = append(recs, rec)
	}
	slices.SortStableFunc(recs, func(a, b regionRecord) int {
		if c := strings.Compare(a.info.Country, b.info.Country); c != 0 {
			return c
		}
		if c := strings.Compare(a.sortKey, b.sortKey); c != 0 {
			return c
		}
		return strings.Compare(a.info.Name, b.info.Name)
	})

	idx := &regionIndex{
		records:   recs,
		byCountry: map[string][]int{},
		byRegion:  map[Region]int{},
		exact:     map[string][]int{},
		loose:     map[string][]int{},
	}
	for i := range recs {
		info := &recs[i].info
		if _, dup := idx.byRegion[info.Region]; dup {
			return nil, fmt.Errorf("region %v listed twice", info.Region)
		}
		idx.byRegion[info.Region] = i
		idx.byCountry[info.Country] = append(idx.byCountry[info.Country], i)
		idx.all = append(idx.all, i)
		for _, k := range recs[i].keys {
			idx.longest = max(idx.longest, len(k))
		}
		names := append([]string{info.Name}, info.Aliases...)
		if info.Code != "" {
			names = append(names, info.Code)
		}
		for _, n := range names {
			f := Fold(n)
			addKey(idx.exact, f, i)
			addKey(idx.loose, compact(f), i)
		}
	}
	return idx, nil
}

func parseRegion(row []string) (regionRecord, error) {
	country, code, name := strings.TrimSpace(row[0]), strings.TrimSpace(row[1]), strings.TrimSpace(row[2])
	if CountryName(country) == "" || country != strings.ToUpper(country) {
		return regionRecord{}, fmt.Errorf("unknown country %q", country)
	}
	if code != "" && (!strings.HasPrefix(code, country+"-") || len(code) == len(country)+1) {
		return regionRecord{}, fmt.Errorf("code %q is not an ISO 3166-2 code of %s", code, country)
	}
	if name == "" || Fold(name) == "" {
		return regionRecord{}, fmt.Errorf("empty name")
	}
	var aliases []string
	for _, a := range strings.Split(row[3], "|") {
		if a = strings.TrimSpace(a); a != "" {
			aliases = append(aliases, a)
		}
	}
	from, err := parseYear(row[4])
	if err != nil {
		return regionRecord{}, err
	}
	to, err := parseYear(row[5])
	if err != nil {
		return regionRecord{}, err
	}
	if from != 0 && to != 0 && to < from {
		return regionRecord{}, fmt.Errorf("valid_to %d before valid_from %d", to, from)
	}
	var sources []string
	for _, s := range strings.Split(row[6], ";") {
		if s = strings.TrimSpace(s); s != "" {
			sources = append(sources, s)
		}
	}
	if len(sources) == 0 {
		return regionRecord{}, fmt.Errorf("%s has no source", name)
	}
	rec := regionRecord{
		info: RegionInfo{
			Region:    Region{Country: country, Code: code, Name: name},
			Aliases:   aliases,
			ValidFrom: from,
			ValidTo:   to,
			Sources:   sources,
		},
		sortKey: Fold(name),
	}
	for _, n := range append([]string{name}, aliases...) {
		rec.keys = append(rec.keys, []rune(Fold(n)))
	}
	return rec, nil
}

func parseYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1800 || y > 2200 {
		return 0, fmt.Errorf("bad year %q", s)
	}
	return y, nil
}

func addKey(m map[string][]int, key string, i int) {
	if key == "" || slices.Contains(m[key], i) {
		return
	}
	m[key] = append(m[key], i)
}

// normCountry accepts an alpha-2 code in any case without allocating in the
// usual, already upper-case, case.
func normCountry(country string) string {
	if len(country) == 2 && 'A' <= country[0] && country[0] <= 'Z' && 'A' <= country[1] && country[1] <= 'Z' {
		return country
	}
	return strings.ToUpper(strings.TrimSpace(country))
}

// Covers reports whether the gazetteer has regions for this country
// (alpha-2, any case).
func Covers(country string) bool {
	return len(regions.byCountry[normCountry(country)]) > 0
}

// LookupRegion resolves input (name, alias or ISO 3166-2 code, any case or
// accents: "menaka", "MÉNAKA", "ML-9", "ml-9", "Timbuktu") within country
// (alpha-2). If country is "", it searches all countries and succeeds only
// when the match is unambiguous.
//
// Matching is on Fold; failing that, on the letters and digits alone
// ("M'Bomou" for "Mbomou"); failing that, once more after dropping a generic
// term people add around a name ("Région de Ségou", "Unity State",
// "préfecture de la Vakaga").
func LookupRegion(country, input string) (Region, bool) {
	if country != "" {
		country = normCountry(country)
		if !Covers(country) {
			return Region{}, false
		}
	}
	f := Fold(input)
	if f == "" {
		return Region{}, false
	}
	if r, st := regions.find(country, f); st != notFound {
		return r, st == found
	}
	if s := stripGeneric(f); s != f && s != "" {
		if r, st := regions.find(country, s); st != notFound {
			return r, st == found
		}
	}
	return Region{}, false
}

type matchState int

const (
	notFound matchState = iota
	found
	ambiguous
)

func (idx *regionIndex) find(country, folded string) (Region, matchState) {
	if r, st := idx.match(idx.exact[folded], country); st != notFound {
		return r, st
	}
	return idx.match(idx.loose[compact(folded)], country)
}

func (idx *regionIndex) match(cands []int, country string) (Region, matchState) {
	hit := -1
	for _, i := range cands {
		if country != "" && idx.records[i].info.Country != country {
			continue
		}
		if hit >= 0 && hit != i {
			return Region{}, ambiguous
		}
		hit = i
	}
	if hit < 0 {
		return Region{}, notFound
	}
	return idx.records[hit].info.Region, found
}

// genericPrefixes and genericSuffixes are the words that name the kind of
// division rather than the division, in the languages of the data.
var genericPrefixes = []string{
	"region de ", "region du ", "region des ", "region d ", "region of ", "region ",
	"province de ", "province du ", "province des ", "province d ", "province of ", "province ",
	"prefecture de ", "prefecture du ", "prefecture des ", "prefecture d ", "prefecture of ", "prefecture ",
	"gouvernorat de ", "gouvernorat du ", "gouvernorat d ", "governorate of ", "mohafazat ",
	"district de ", "district du ", "district d ", "district of ",
	"etat de ", "etat du ", "state of ", "wilayat ",
}

var genericArticles = []string{"la ", "le ", "les ", "l ", "the "}

var genericSuffixes = []string{
	" region", " province", " prefecture", " governorate", " district", " state",
}

func stripGeneric(f string) string {
	for _, p := range genericPrefixes {
		if s, ok := strings.CutPrefix(f, p); ok {
			f = s
			break
		}
	}
	for _, a := range genericArticles {
		if s, ok := strings.CutPrefix(f, a); ok {
			f = s
			break
		}
	}
	for _, x := range genericSuffixes {
		if s, ok := strings.CutSuffix(f, x); ok {
			f = s
			break
		}
	}
	return f
}

// Regions lists the regions of one country (alpha-2) sorted by name, or of
// all countries, by country then name, when country is "". Names are
// ordered by their folded form, so accents do not push a name to the end.
func Regions(country string) []Region {
	var ids []int
	if country == "" {
		ids = make([]int, len(regions.records))
		for i := range ids {
			ids[i] = i
		}
	} else {
		ids = regions.byCountry[normCountry(country)]
	}
	if len(ids) == 0 {
		return nil
	}
	out := make([]Region, len(ids))
	for i, id := range ids {
		out[i] = regions.records[id].info.Region
	}
	return out
}

// Describe returns what the gazetteer records about r, which must be a
// Region it returned.
func Describe(r Region) (RegionInfo, bool) {
	i, ok := regions.byRegion[r]
	if !ok {
		return RegionInfo{}, false
	}
	info := regions.records[i].info
	info.Aliases = slices.Clone(info.Aliases)
	info.Sources = slices.Clone(info.Sources)
	return info, true
}

// Suggest returns up to n canonical names of the country's regions closest
// to input, for error messages: the edit distance (with transpositions)
// between folded forms, taking each region's nearest name or alias, ties
// broken by name. With country "" it considers every region.
func Suggest(country, input string, n int) []string {
	if n <= 0 {
		return nil
	}
	f := []rune(Fold(input))
	if len(f) == 0 || len(f) > 2*regions.longest {
		// Twice the longest name is near none of them, and scoring every
		// region against a long input is what makes it costly.
		return nil
	}
	var ids []int
	if country == "" {
		ids = make([]int, len(regions.records))
		for i := range ids {
			ids[i] = i
		}
	} else {
		ids = regions.byCountry[normCountry(country)]
	}
	if len(ids) == 0 {
		return nil
	}
	type scored struct {
		dist int
		rec  *regionRecord
	}
	var buf distBuf
	all := make([]scored, 0, len(ids))
	for _, id := range ids {
		rec := &regions.records[id]
		best := -1
		for _, k := range rec.keys {
			if d := buf.distance(f, k); best < 0 || d < best {
				best = d
			}
		}
		all = append(all, scored{best, rec})
	}
	slices.SortStableFunc(all, func(a, b scored) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		if c := strings.Compare(a.rec.sortKey, b.rec.sortKey); c != 0 {
			return c
		}
		return strings.Compare(a.rec.info.Name, b.rec.info.Name)
	})
	out := make([]string, 0, min(n, len(all)))
	for _, s := range all {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, s.rec.info.Name) {
			out = append(out, s.rec.info.Name)
		}
	}
	return out
}

// Near returns the known region whose name or alias is closest to input,
// when it is at least 1 and at most maxDist edits away: a typo of a known
// name rather than the name or another name. Names whose length differs
// by more than maxDist are never scored, so a long input costs nothing.
func Near(country, input string, maxDist int) (string, bool) {
	f := []rune(Fold(input))
	if len(f) == 0 {
		return "", false
	}
	ids := regions.byCountry[normCountry(country)]
	if country == "" {
		ids = regions.all
	}
	var buf distBuf
	best, name := maxDist+1, ""
	for _, id := range ids {
		rec := &regions.records[id]
		for _, k := range rec.keys {
			if abs(len(k)-len(f)) >= best {
				continue
			}
			d := buf.distance(f, k)
			if d < best || d == best && rec.info.Name < name {
				best, name = d, rec.info.Name
			}
		}
	}
	if best == 0 || best > maxDist {
		return "", false
	}
	return name, true
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// distBuf holds the three rows of the distance table so that scoring every
// region of a country allocates them once.
type distBuf struct{ prev2, prev, cur []int }

// distance is the optimal string alignment distance: Levenshtein plus the
// transposition of two adjacent letters, the commonest typing slip.
func (b *distBuf) distance(a, c []rune) int {
	n := len(c)
	if cap(b.cur) < n+1 {
		b.prev2, b.prev, b.cur = make([]int, n+1), make([]int, n+1), make([]int, n+1)
	}
	prev2, prev, cur := b.prev2[:n+1], b.prev[:n+1], b.cur[:n+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= n; j++ {
			cost := 1
			if a[i-1] == c[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == c[j-2] && a[i-2] == c[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[n]
}

// Closest returns up to n of candidates within maxDist edits of input
// (compared folded), closest first, the exact one excluded: the names to
// suggest for a typo. Candidates whose length rules them out are never
// scored.
func Closest(input string, candidates []string, maxDist, n int) []string {
	f := []rune(Fold(input))
	if len(f) == 0 {
		return nil
	}
	type scored struct {
		name string
		dist int
	}
	var buf distBuf
	var hits []scored
	for _, c := range candidates {
		k := []rune(Fold(c))
		if abs(len(k)-len(f)) > maxDist {
			continue
		}
		if d := buf.distance(f, k); d > 0 && d <= maxDist {
			hits = append(hits, scored{c, d})
		}
	}
	slices.SortFunc(hits, func(a, b scored) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return strings.Compare(a.name, b.name)
	})
	var out []string
	for _, h := range hits {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, h.name) {
			out = append(out, h.name)
		}
	}
	return out
}
