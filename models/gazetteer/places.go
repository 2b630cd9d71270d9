package gazetteer

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

//go:embed places.csv
var placesCSV string

// PlaceKind says what sort of place a Place is.
type PlaceKind string

// The kinds of place. A region is what FindPlaces and LookupPlace give for
// the name of a first-level region (regions.csv) where no smaller place
// bears it, or where the text says "région de", "region of" or "… region".
const (
	KindTown           PlaceKind = "town"
	KindVillage        PlaceKind = "village"
	KindCommune        PlaceKind = "commune"
	KindArrondissement PlaceKind = "arrondissement"
	KindCercle         PlaceKind = "cercle"
	KindCamp           PlaceKind = "camp"
	KindRegion         PlaceKind = "region"
)

var rowKinds = []PlaceKind{KindTown, KindVillage, KindCommune, KindArrondissement, KindCercle, KindCamp}

// Place is a place as it was on a given date.
type Place struct {
	Name    string // canonical
	Kind    PlaceKind
	Country string // ISO 3166-1 alpha-2
	// Region is the canonical name (as in regions.csv) of the first-level
	// region the place lay in on the date asked, or "" when no source gave
	// one for that date (PlaceInfo.Regions shows the years that are known).
	// A Place of kind region has its own name here whatever the date: the
	// text named it, and whether it existed then is for regions.csv to say.
	Region string
	// Cercle is the cercle (district) the place lay in before Mali's 2023
	// reorganisation (a cercle names itself), "" for the District of Bamako
	// and for regions.
	Cercle string
	// Lat and Lon are WGS 84 decimal degrees, meaningful only when Located:
	// a cercle or region is an area, and some villages have no sourced
	// position.
	Lat, Lon float64
	Located  bool
	// Source is the key in SOURCES.md the position comes from and Ref the
	// record in it (geonames:2455290, a Wikipedia page title); both "" when
	// not Located.
	Source, Ref string
}

// Assignment says that a place lay in Region from year From to year To,
// both inclusive; 0 leaves that end open.
type Assignment struct {
	Region   string
	From, To int
}

func (a Assignment) covers(year int) bool {
	return (a.From == 0 || a.From <= year) && (a.To == 0 || year <= a.To)
}

// PlaceInfo is everything places.csv records about a place. Its Place has
// no Region: Regions gives them by year.
type PlaceInfo struct {
	Place
	Aliases []string
	Regions []Assignment
	// AdminSources back the cercle and the regions: keys described in
	// SOURCES.md, "wikipedia-LL:Page title" or "url:ADDRESS".
	AdminSources []string
	Note         string
}

// RegionOn returns the region the place lay in during year, or "".
func (p *PlaceInfo) RegionOn(year int) string {
	for _, a := range p.Regions {
		if a.covers(year) {
			return a.Region
		}
	}
	return ""
}

// regionAt is RegionOn for a date; the zero time asks for the assignment
// still in force.
func (p *PlaceInfo) regionAt(on time.Time) string {
	if on.IsZero() {
		if n := len(p.Regions); n > 0 && p.Regions[n-1].To == 0 {
			return p.Regions[n-1].Region
		}
		return ""
	}
	return p.RegionOn(on.Year())
}

func (p *PlaceInfo) at(on time.Time) Place {
	pl := p.Place
	pl.Region = p.regionAt(on)
	return pl
}

// placeIndex is built once by init and only read afterwards.
type placeIndex struct {
	rows      []PlaceInfo
	byCountry map[string][]int
	// names maps a key (the folded words of a name or alias joined by one
	// space, see appendWords) to all that bear it, so that a window of
	// text costs one lookup.
	names map[string]*bearers
	// loose maps letters and digits alone to the same, for LookupPlace
	// only ("Aguelhoc" for "Aguel'hoc" when no alias spells it so).
	loose    map[string]*bearers
	maxWords int // words in the longest key
}

// bearers are the rows (towns and other points apart from cercles) and
// regions that bear one name.
type bearers struct {
	points, cercles []int
	regions         []Region
}

// placeKeys builds the maps of placeIndex.
type placeKeys map[string]*bearers

func (m placeKeys) add(key string, row int, cercle bool) {
	b := m.get(key)
	l := &b.points
	if cercle {
		l = &b.cercles
	}
	if !slices.Contains(*l, row) {
		*l = append(*l, row)
	}
}

func (m placeKeys) addRegion(key string, r Region) {
	if b := m.get(key); !slices.Contains(b.regions, r) {
		b.regions = append(b.regions, r)
	}
}

func (m placeKeys) get(key string) *bearers {
	b := m[key]
	if b == nil {
		b = &bearers{}
		m[key] = b
	}
	return b
}

var places = mustLoadPlaces(placesCSV)

var placeHeader = []string{"country", "name", "aliases", "kind", "cercle", "regions", "lat", "lon", "pos_source", "pos_ref", "admin_source", "note"}

// Column positions in places.csv, so that no cell is read by a bare number.
const (
	pcCountry = iota
	pcName
	pcAliases
	pcKind
	pcCercle
	pcRegions
	pcLat
	pcLon
	pcPosSource
	pcPosRef
	pcAdmin
	pcNote
)

func mustLoadPlaces(data string) *placeIndex {
	idx, err := loadPlaces(data)
	if err != nil {
		panic("gazetteer: places.csv: " + err.Error())
	}
	return idx
}

func loadPlaces(data string) (*placeIndex, error) {
	r := csv.NewReader(strings.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = len(placeHeader)
	header, err := r.Read()
	if err != nil {
		return nil, err
	}
	if !slices.Equal(header, placeHeader) {
		return nil, fmt.Errorf("header %q, want %q", header, placeHeader)
	}
	names, loose := placeKeys{}, placeKeys{}
	idx := &placeIndex{byCountry: map[string][]int{}, names: names, loose: loose}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		p, err := parsePlace(row)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		i := len(idx.rows)
		idx.rows = append(idx.rows, p)
		idx.byCountry[p.Country] = append(idx.byCountry[p.Country], i)
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			k := wordKey(n)
			if k == "" {
				return nil, fmt.Errorf("line %d: %q has no letters", line, n)
			}
			names.add(k, i, p.Kind == KindCercle)
			loose.add(compact(k), i, p.Kind == KindCercle)
			idx.maxWords = max(idx.maxWords, strings.Count(k, " ")+1)
		}
	}
	for _, reg := range Regions("") {
		info, _ := Describe(reg)
		for _, n := range append([]string{reg.Name}, info.Aliases...) {
			k := wordKey(n)
			if k == "" {
				continue
			}
			names.addRegion(k, reg)
			loose.addRegion(compact(k), reg)
			idx.maxWords = max(idx.maxWords, strings.Count(k, " ")+1)
		}
	}
	return idx, nil
}

func parsePlace(row []string) (PlaceInfo, error) {
	for i, f := range row {
		if strings.TrimSpace(f) != f {
			return PlaceInfo{}, fmt.Errorf("%s %q is padded", placeHeader[i], f)
		}
	}
	p := PlaceInfo{Place: Place{
		Name:    row[pcName],
		Kind:    PlaceKind(row[pcKind]),
		Country: row[pcCountry],
		Cercle:  row[pcCercle],
		Source:  row[pcPosSource],
		Ref:     row[pcPosRef],
	}, Note: row[pcNote]}
	if !Covers(p.Country) || p.Country != strings.ToUpper(p.Country) {
		return PlaceInfo{}, fmt.Errorf("country %q has no regions", p.Country)
	}
	if p.Name == "" {
		return PlaceInfo{}, fmt.Errorf("empty name")
	}
	if !slices.Contains(rowKinds, p.Kind) {
		return PlaceInfo{}, fmt.Errorf("%s: kind %q, want one of %v", p.Name, p.Kind, rowKinds)
	}
	for _, a := range strings.Split(row[pcAliases], "|") {
		if a != "" {
			p.Aliases = append(p.Aliases, a)
		}
	}
	var err error
	if p.Regions, err = parseAssignments(p.Country, row[pcRegions]); err != nil {
		return PlaceInfo{}, fmt.Errorf("%s: %w", p.Name, err)
	}
	if err := p.parsePosition(row[pcLat], row[pcLon]); err != nil {
		return PlaceInfo{}, fmt.Errorf("%s: %w", p.Name, err)
	}
	for _, s := range strings.Split(row[pcAdmin], ";") {
		if s != "" {
			p.AdminSources = append(p.AdminSources, s)
		}
	}
	if len(p.AdminSources) == 0 {
		return PlaceInfo{}, fmt.Errorf("%s has no admin_source", p.Name)
	}
	return p, nil
}

// parsePosition insists that a position and its source come together, so
// that no coordinate is without a record to check it against.
func (p *PlaceInfo) parsePosition(lat, lon string) error {
	if lat == "" && lon == "" {
		if p.Source != "" || p.Ref != "" {
			return fmt.Errorf("pos_source %q without a position: run internal/places", p.Source)
		}
		return nil
	}
	if p.Source == "" || p.Ref == "" {
		return fmt.Errorf("a position without pos_source and pos_ref")
	}
	var err error
	if p.Lat, err = parseDegrees(lat, 90); err != nil {
		return err
	}
	if p.Lon, err = parseDegrees(lon, 180); err != nil {
		return err
	}
	p.Located = true
	return nil
}

// parseAssignments reads "Gao:-2015|Ménaka:2016-". The periods must follow
// one another without overlap, so a year never has two regions.
func parseAssignments(country, s string) ([]Assignment, error) {
	if s == "" {
		return nil, fmt.Errorf("no regions")
	}
	var out []Assignment
	for _, part := range strings.Split(s, "|") {
		name, years, ok := strings.Cut(part, ":")
		from, to, ok2 := strings.Cut(years, "-")
		if !ok || !ok2 {
			return nil, fmt.Errorf("assignment %q is not REGION:FROM-TO", part)
		}
		a := Assignment{Region: name}
		var err error
		if a.From, err = parseYear(from); err != nil {
			return nil, err
		}
		if a.To, err = parseYear(to); err != nil {
			return nil, err
		}
		if a.From != 0 && a.To != 0 && a.To < a.From {
			return nil, fmt.Errorf("assignment %q ends before it starts", part)
		}
		if !slices.ContainsFunc(regions.byCountry[country], func(i int) bool { return regions.records[i].info.Name == name }) {
			return nil, fmt.Errorf("%s has no region named %q", country, name)
		}
		if n := len(out); n > 0 {
			prev := out[n-1]
			if prev.To == 0 || a.From == 0 || a.From <= prev.To {
				return nil, fmt.Errorf("assignment %q overlaps or precedes %s", part, prev.Region)
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// Places lists what places.csv records for one country (alpha-2), or for
// all when country is "", in file order. The slices are copies.
func Places(country string) []PlaceInfo {
	var ids []int
	if country == "" {
		ids = make([]int, len(places.rows))
		for i := range ids {
			ids[i] = i
		}
	} else {
		ids = places.byCountry[normCountry(country)]
	}
	out := make([]PlaceInfo, 0, len(ids))
	for _, i := range ids {
		p := places.rows[i]
		p.Aliases = slices.Clone(p.Aliases)
		p.Regions = slices.Clone(p.Regions)
		p.AdminSources = slices.Clone(p.AdminSources)
		out = append(out, p)
	}
	return out
}

// context is what the words around a name say it is.
type context int

const (
	ctxNone context = iota
	ctxRegion
	ctxCercle
)

// resolve finds what the bearers of a name are in country ("" for all) on
// the date. A name borne by several towns or villages is ambiguous: ok is
// false and candidates lists them. The order of preference (points, then
// cercles, then regions, unless the words around the name ask for a region
// or a cercle) is documented on FindPlaces.
func (idx *placeIndex) resolve(b *bearers, country string, ctx context, on time.Time) (p Place, candidates []Place, ok bool) {
	if b == nil {
		return Place{}, nil, false
	}
	switch ctx {
	case ctxRegion:
		if p, c, found := idx.pickRegion(b.regions, country); found {
			return p, c, c == nil
		}
	case ctxCercle:
		if p, c, found := idx.pickRow(b.cercles, country, on); found {
			return p, c, c == nil
		}
	}
	if p, c, found := idx.pickRow(b.points, country, on); found {
		return p, c, c == nil
	}
	if p, c, found := idx.pickRow(b.cercles, country, on); found {
		return p, c, c == nil
	}
	p, c, found := idx.pickRegion(b.regions, country)
	return p, c, found && c == nil
}

// pickRow returns the one row of ids in country, or, when there are
// several, all of them as candidates; found is false when there is none. The
// one-row case, the common one, allocates nothing.
func (idx *placeIndex) pickRow(ids []int, country string, on time.Time) (p Place, candidates []Place, found bool) {
	n := 0
	for _, i := range ids {
		if country == "" || idx.rows[i].Country == country {
			if n == 0 {
				p = idx.rows[i].at(on)
			}
			n++
		}
	}
	if n < 2 {
		return p, nil, n == 1
	}
	for _, i := range ids {
		if country == "" || idx.rows[i].Country == country {
			candidates = append(candidates, idx.rows[i].at(on))
		}
	}
	return Place{}, candidates, true
}

func (idx *placeIndex) pickRegion(rs []Region, country string) (p Place, candidates []Place, found bool) {
	for _, r := range rs {
		if country == "" || r.Country == country {
			candidates = append(candidates, Place{Name: r.Name, Kind: KindRegion, Country: r.Country, Region: r.Name})
		}
	}
	switch len(candidates) {
	case 0:
		return Place{}, nil, false
	case 1:
		return candidates[0], nil, true
	}
	return Place{}, candidates, true
}

// LookupPlace resolves name (a town, village, cercle or region, any case or
// accents, an alias or exonym: "Timbuktu", "AGUEL'HOC", "cercle de
// Douentza", "région de Mopti") within country (alpha-2; "" searches all and
// succeeds only when one place answers). Region in the answer is the region
// the place lay in on the date on (its year; the zero time asks for the
// assignment in force), and "" when no source gave one for that year.
//
// A name shared by two towns or villages answers false: the caller has to
// say which (Places lists them). A town and the cercle or region named after
// it are not ambiguous: the bare name is the town, and "cercle de …",
// "région de …", "… region" select the others. Failing an exact match of
// the folded words, the letters and digits alone are compared, so
// "Aguelhoc" meets "Aguel'hoc".
func LookupPlace(country, name string, on time.Time) (Place, bool) {
	if country != "" {
		country = normCountry(country)
	}
	key := wordKey(name)
	key, ctx := stripContext(key)
	if key == "" {
		return Place{}, false
	}
	if p, cands, ok := places.resolve(places.names[key], country, ctx, on); ok || len(cands) > 0 {
		return p, ok
	}
	p, _, ok := places.resolve(places.loose[compact(key)], country, ctx, on)
	return p, ok
}

// contextBefore and contextAfter are the words, folded, that say the name
// beside them is a region or a cercle.
var contextBefore = []struct {
	words string
	ctx   context
}{
	{"region de", ctxRegion}, {"region du", ctxRegion}, {"region d", ctxRegion}, {"region of", ctxRegion},
	{"cercle de", ctxCercle}, {"cercle du", ctxCercle}, {"cercle d", ctxCercle}, {"cercle of", ctxCercle},
}

var contextAfter = []struct {
	word string
	ctx  context
}{{"region", ctxRegion}, {"cercle", ctxCercle}}

func stripContext(key string) (string, context) {
	for _, c := range contextBefore {
		if rest, ok := strings.CutPrefix(key, c.words+" "); ok {
			return rest, c.ctx
		}
	}
	for _, c := range contextAfter {
		if rest, ok := strings.CutSuffix(key, " "+c.word); ok {
			return rest, c.ctx
		}
	}
	return key, ctxNone
}

// PlaceMatch is a place name found in a text. Start and End are byte
// offsets into the text (text[Start:End] is what was read, with "région
// de" or "cercle" around it when those words chose the kind). Place is the
// place as it was on the date given; when the name is ambiguous Place is
// zero and Candidates lists every place that bears it.
type PlaceMatch struct {
	Start, End int
	Place      Place
	Candidates []Place
}

// FindPlaces scans text once and returns, in order and without overlap,
// the names of places and regions of country ("" for all) it contains,
// resolved on the date on as LookupPlace does. At each word it tries the
// longest run of words first (up to the longest name), so "Nioro du Sahel"
// is one match and "Gourma-Rharous" is not read as "Gourma". A match must
// begin with an upper-case letter, as names do in running French and
// English: "dire" and "san" in a sentence are words, "Diré" and "San" are
// towns. "région de", "region of", "cercle de" before a name, or
// "region", "cercle" after it, make it the region or the cercle of that
// name where one exists. Each window costs one map lookup on a slice of
// one folded copy of the text, so the text is folded once and nothing is
// compiled per place.
func FindPlaces(country, text string, on time.Time) []PlaceMatch {
	if country != "" {
		country = normCountry(country)
	}
	sc := scanners.Get().(*scanner)
	defer scanners.Put(sc)
	sc.split(text)
	var out []PlaceMatch
	toks := sc.toks
	for i := 0; i < len(toks); i++ {
		if r, _ := utf8.DecodeRuneInString(text[toks[i].start:]); !unicode.IsUpper(r) {
			continue
		}
		for n := min(places.maxWords, len(toks)-i); n >= 1; n-- {
			b := places.names[string(sc.key(i, i+n))]
			if b == nil {
				continue
			}
			start, end, ctx := toks[i].start, toks[i+n-1].end, ctxNone
			if c, s, ok := sc.before(i); ok {
				start, ctx = s, c
			} else if c, e, ok := sc.after(i + n); ok {
				end, ctx = e, c
			}
			p, cands, ok := places.resolve(b, country, ctx, on)
			if ok || len(cands) > 0 {
				out = append(out, PlaceMatch{Start: start, End: end, Place: p, Candidates: cands})
				i += n - 1
				if ctx != ctxNone && end > toks[i].end {
					i++ // the context word after the name is consumed too
				}
				break
			}
		}
	}
	return out
}

// word is a run of letters, digits and marks: its bytes in the text and in
// the scanner's folded copy.
type word struct{ start, end, fstart, fend int }

// scanner holds the folded copy of a text and its words; scanners recycles
// them so that scanning allocates only the matches it returns.
type scanner struct {
	folded []byte
	toks   []word
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

func (sc *scanner) split(text string) {
	sc.folded, sc.toks = appendWords(sc.folded[:0], sc.toks[:0], text)
}

// key is the folded words i to j-1 joined by single spaces, as the index
// spells its keys. It shares the scanner's buffer.
func (sc *scanner) key(i, j int) []byte {
	return sc.folded[sc.toks[i].fstart:sc.toks[j-1].fend]
}

// isWord reports whether folded word i is w; comparing string(b) with a
// string does not copy b.
func (sc *scanner) isWord(i int, w string) bool {
	return string(sc.folded[sc.toks[i].fstart:sc.toks[i].fend]) == w
}

// before reports whether the words before word i are "région de" or the
// like, and where they start.
func (sc *scanner) before(i int) (context, int, bool) {
	for _, c := range contextBefore {
		first, second, _ := strings.Cut(c.words, " ")
		if i >= 2 && sc.isWord(i-2, first) && sc.isWord(i-1, second) {
			return c.ctx, sc.toks[i-2].start, true
		}
	}
	return ctxNone, 0, false
}

// after reports whether word j is "region" or "cercle", and where it ends.
func (sc *scanner) after(j int) (context, int, bool) {
	if j >= len(sc.toks) {
		return ctxNone, 0, false
	}
	for _, c := range contextAfter {
		if sc.isWord(j, c.word) {
			return c.ctx, sc.toks[j].end, true
		}
	}
	return ctxNone, 0, false
}

// wordKey is the key of a name: its folded words joined by single spaces.
// Names and texts go through the same appendWords, so they agree on what
// a word is.
func wordKey(s string) string {
	b, _ := appendWords(nil, nil, s)
	return string(b)
}

// appendWords appends to folded the Fold of each word of text (a run of
// letters, digits and combining marks), one space between words, and to
// toks where each word is. Everything else (spaces, hyphens, apostrophes,
// punctuation) separates words, so "Aguel'hoc," gives "aguel hoc".
func appendWords(folded []byte, toks []word, text string) ([]byte, []word) {
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start, ascii := i, true
		for i < len(text) {
			r, n = utf8.DecodeRuneInString(text[i:])
			if !isWordRune(r) {
				break
			}
			ascii = ascii && r < utf8.RuneSelf
			i += n
		}
		if len(toks) > 0 {
			folded = append(folded, ' ')
		}
		fstart := len(folded)
		if ascii {
			for k := start; k < i; k++ {
				c := text[k]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				folded = append(folded, c)
			}
		} else {
			folded = append(folded, Fold(text[start:i])...)
		}
		if len(folded) == fstart { // only marks: nothing to match
			if len(toks) > 0 {
				folded = folded[:fstart-1]
			}
			continue
		}
		toks = append(toks, word{start: start, end: i, fstart: fstart, fend: len(folded)})
	}
	return folded, toks
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// String writes an assignment in the notation of places.csv.
func (a Assignment) String() string {
	y := func(v int) string {
		if v == 0 {
			return ""
		}
		return strconv.Itoa(v)
	}
	return a.Region + ":" + y(a.From) + "-" + y(a.To)
}
