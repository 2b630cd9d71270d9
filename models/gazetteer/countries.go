package gazetteer

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/biter777/countries"
)

//go:embed countries.csv
var countriesCSV string

//go:embed former_countries.csv
var formerCSV string

//go:embed demonyms.csv
var demonymsCSV string

// Country is an ISO 3166-1 country, or XK for Kosovo, which ISO has not
// coded but the UN, the EU and most data sets use, or a former country of
// ISO 3166-3 (Yugoslavia, the USSR...) that was dissolved or merged, coded
// by its four letters (YUCS, SUHH...) because its two-letter code may
// since have been given to another.
type Country struct {
	Code   string // alpha-2, or the four letters of ISO 3166-3 for a former country
	Alpha3 string
	Name   string // English short name
	// Former marks a country of ISO 3166-3; Withdrawn is when ISO withdrew
	// its code.
	Former    bool
	Withdrawn string
}

type countryIndex struct {
	list   []Country // by code
	byCode map[string]int
	// keys maps countryKey forms of codes, names and aliases to alpha-2;
	// "" marks a form claimed by two countries, which must not resolve.
	keys map[string]string
}

var countryData = mustLoadCountries(countriesCSV)

// withdrawn codes are still in the library but no longer in ISO 3166-1
// (they moved to ISO 3166-3); resolving them would store a dead code.
var withdrawn = map[string]bool{"AN": true, "YU": true}

var countryHeader = []string{"country", "kind", "value", "source", "note"}

func mustLoadCountries(data string) *countryIndex {
	idx, err := loadCountries(data)
	if err != nil {
		panic("gazetteer: countries.csv: " + err.Error())
	}
	if err := idx.loadFormer(formerCSV); err != nil {
		panic("gazetteer: former_countries.csv: " + err.Error())
	}
	if err := idx.loadDemonyms(demonymsCSV); err != nil {
		panic("gazetteer: demonyms.csv: " + err.Error())
	}
	slices.SortFunc(idx.list, func(a, b Country) int { return strings.Compare(a.Code, b.Code) })
	for i, c := range idx.list {
		idx.byCode[c.Code] = i
	}
	return idx
}

// readTable reads one of the gazetteer's CSV files, comments aside, and
// checks its header.
func readTable(data string, header []string) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = len(header)
	rows, err := r.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 || !slices.Equal(rows[0], header) {
		return nil, fmt.Errorf("the header must be %q", header)
	}
	return rows[1:], nil
}

// loadFormer adds the countries of ISO 3166-3. A renamed or absorbed one
// is its successor under its old codes and names; a dissolved or merged
// one is a country of its own, marked Former. Codes and names a current
// country holds stay that country's.
func (idx *countryIndex) loadFormer(data string) error {
	rows, err := readTable(data, []string{"code", "alpha2", "alpha3", "name", "successor", "withdrawn", "aliases", "source"})
	if err != nil {
		return err
	}
	for _, row := range rows {
		code, a2, a3, name, successor, withdrawn, aliases := row[0], row[1], row[2], row[3], row[4], row[5], row[6]
		if len(code) != 4 || strings.TrimSpace(row[7]) == "" {
			return fmt.Errorf("%s: a four-letter code and a source are required", code)
		}
		target := successor
		if successor == "" {
			target = code
			idx.byCode[code] = len(idx.list)
			idx.list = append(idx.list, Country{Code: code, Alpha3: a3, Name: name, Former: true, Withdrawn: withdrawn})
		} else if _, ok := idx.byCode[successor]; !ok {
			return fmt.Errorf("%s: unknown successor %q", code, successor)
		}
		names := append([]string{code, a2, a3, name}, strings.Split(aliases, "|")...)
		for _, n := range names {
			idx.addFree(n, target)
		}
	}
	return nil
}

// loadDemonyms adds the words for each country's people, English and
// French, with the French feminine and plural forms.
func (idx *countryIndex) loadDemonyms(data string) error {
	rows, err := readTable(data, []string{"country", "en", "fr"})
	if err != nil {
		return err
	}
	for _, row := range rows {
		code := row[0]
		if _, ok := idx.byCode[code]; !ok {
			return fmt.Errorf("unknown country %q", code)
		}
		for _, w := range append(englishForms(row[1]), frenchForms(row[2])...) {
			idx.addFree(w, code)
		}
	}
	return nil
}

// addFree adds a lookup form unless a country has it already: a current
// country's names win over former ones and over demonyms.
func (idx *countryIndex) addFree(s, code string) {
	k := countryKey(s)
	if k == "" {
		return
	}
	if _, taken := idx.keys[k]; taken {
		return
	}
	idx.keys[k] = code
}

// englishForms are an English demonym and its plural ("Chadian",
// "Chadians"); words in -ese, -sh and -ch have none.
func englishForms(w string) []string {
	w = strings.TrimSpace(w)
	if w == "" {
		return nil
	}
	for _, end := range []string{"ese", "sh", "ch", "ss"} {
		if strings.HasSuffix(w, end) {
			return []string{w}
		}
	}
	return []string{w, w + "s"}
}

// frenchForms are a French demonym in the masculine singular and its
// feminine and plural forms: tchadien, tchadienne, tchadiens,
// tchadiennes; sénégalais, sénégalaise, sénégalaises; belge, belges.
func frenchForms(w string) []string {
	w = strings.TrimSpace(w)
	switch {
	case w == "":
		return nil
	case strings.HasSuffix(w, "e"), strings.HasSuffix(w, "è"), strings.HasSuffix(w, "é"):
		return []string{w, w + "s"}
	case strings.HasSuffix(w, "en"):
		return []string{w, w + "ne", w + "s", w + "nes"}
	case strings.HasSuffix(w, "s"):
		return []string{w, w + "e", w + "es"}
	case strings.HasSuffix(w, "c"):
		fem := strings.TrimSuffix(w, "c") + "que" // grec, grecque; turc, turque
		if w == "grec" {
			fem = "grecque"
		}
		return []string{w, w + "s", fem, fem + "s"}
	}
	return []string{w, w + "e", w + "s", w + "es"}
}

// Placeholder reports whether a country or nationality cell says it is
// not known: "ZZ", "Undetermined", "ZZ [Undetermined]", "Unknown", "N/A",
// as datasets write it. Such a value is an unknown country, not an error.
// "NA" is Namibia.
func Placeholder(s string) bool {
	return placeholders[strings.Join(strings.Fields(Fold(s)), " ")]
}

var placeholders = func() map[string]bool {
	out := map[string]bool{}
	for _, s := range []string{"ZZ", "XX", "Undetermined", "ZZ [Undetermined]", "ZZ - Undetermined", "Unknown", "Not known",
		"Not specified", "N/A", "None", "Null", "Inconnu", "Inconnue", "Indéterminé", "Indéterminée", "?", "-"} {
		out[strings.Join(strings.Fields(Fold(s)), " ")] = true
	}
	return out
}()

func loadCountries(data string) (*countryIndex, error) {
	idx := &countryIndex{byCode: map[string]int{}, keys: map[string]string{}}
	for _, c := range countries.All() {
		a2, a3 := c.Alpha2(), c.Alpha3()
		if len(a2) != 2 || withdrawn[a2] {
			continue
		}
		if _, dup := idx.byCode[a2]; dup {
			continue
		}
		idx.byCode[a2] = len(idx.list)
		idx.list = append(idx.list, Country{Code: a2, Alpha3: a3, Name: c.String()})
	}

	r := csv.NewReader(strings.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = len(countryHeader)
	header, err := r.Read()
	if err != nil {
		return nil, err
	}
	if !slices.Equal(header, countryHeader) {
		return nil, fmt.Errorf("header %q, want %q", header, countryHeader)
	}
	type alias struct{ code, value string }
	var aliases []alias
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		code, kind, value := row[0], row[1], strings.TrimSpace(row[2])
		i, ok := idx.byCode[code]
		if !ok {
			return nil, fmt.Errorf("line %d: unknown country %q", line, code)
		}
		if value == "" || strings.TrimSpace(row[3]) == "" {
			return nil, fmt.Errorf("line %d: empty value or source", line)
		}
		switch kind {
		case "name":
			// the library spelling stays findable: it is what older
			// records were written with
			aliases = append(aliases, alias{code, idx.list[i].Name})
			idx.list[i].Name = value
		case "alias":
			aliases = append(aliases, alias{code, value})
		default:
			return nil, fmt.Errorf("line %d: unknown kind %q", line, kind)
		}
	}
	slices.SortFunc(idx.list, func(a, b Country) int { return strings.Compare(a.Code, b.Code) })
	for i, c := range idx.list {
		idx.byCode[c.Code] = i
		idx.addKey(c.Code, c.Code)
		idx.addKey(c.Alpha3, c.Code)
		idx.addKey(c.Name, c.Code)
	}
	for _, a := range aliases {
		idx.addKey(a.value, a.code)
	}
	return idx, nil
}

func (idx *countryIndex) addKey(s, code string) {
	k := countryKey(s)
	if k == "" {
		return
	}
	if prev, ok := idx.keys[k]; ok && prev != code {
		idx.keys[k] = ""
		return
	}
	idx.keys[k] = code
}

// countryKey reduces a country name to its letters and digits, without a
// leading or trailing "the", so that "The Gambia", "Gambia, The",
// "Côte-d'Ivoire" and "COTE DIVOIRE" each meet their entry.
func countryKey(s string) string {
	f := Fold(s)
	f = strings.TrimPrefix(f, "the ")
	if t, ok := strings.CutSuffix(f, " the"); ok && t != "" {
		f = strings.TrimRight(t, ", ")
	}
	return compact(f)
}

// LookupCountry resolves an ISO 3166-1 alpha-2 or alpha-3 code or an English
// (or common French) name, official or short, in any case or accents, to
// alpha-2: "Niger" gives "NE", "Ivory Coast" and "Cote dIvoire" give "CI",
// "DRC" gives "CD", "Kosovo" gives "XK".
func LookupCountry(input string) (string, bool) {
	if len(input) == 2 {
		if _, ok := countryData.byCode[input]; ok {
			return input, true
		}
	}
	code, ok := countryData.keys[countryKey(input)]
	if !ok || code == "" {
		return "", false
	}
	return code, true
}

// IsFormer reports whether code is a former country (ISO 3166-3).
func IsFormer(code string) bool {
	i, ok := countryData.byCode[normCountry(code)]
	return ok && countryData.list[i].Former
}

// CountryName returns the English short name for an alpha-2 code (or the
// four letters of a former country), in any case, or "" if the code is
// unknown.
func CountryName(code string) string {
	i, ok := countryData.byCode[normCountry(code)]
	if !ok {
		return ""
	}
	return countryData.list[i].Name
}

// Countries lists every known alpha-2 code with its alpha-3 code and name,
// sorted by code.
func Countries() []Country {
	return slices.Clone(countryData.list)
}

// UnknownCountry says that input is not a country this service knows, with
// the closest known names when some are near: a message for the client.
func UnknownCountry(input string) string {
	msg := fmt.Sprintf("%q is not a known country: give an ISO 3166-1 code such as ML, a name such as Mali (former countries such as Yugoslavia too), or a word for its people such as Malian", input)
	if near := SuggestCountries(input, 3); len(near) > 0 {
		msg = fmt.Sprintf("%q is not a known country; did you mean %s?", input, strings.Join(near, ", "))
	}
	return msg
}

// SuggestCountries returns up to n country names (or the words for their
// people) that start with input or are within two edits of it, closest
// first; a long input is near none. Codes are not suggested: "Mal" is
// nearer Mali than AL.
func SuggestCountries(input string, n int) []string {
	k := []rune(countryKey(input))
	if len(k) == 0 || len(k) > 40 {
		return nil
	}
	type near struct {
		name string
		dist int // 0 for a name input begins
		more int // how much longer the name is
	}
	var buf distBuf
	best := map[string]near{}
	for key, code := range countryData.keys {
		kr := []rune(key)
		if code == "" || len(kr) <= 3 {
			continue
		}
		d := 0
		if !strings.HasPrefix(key, string(k)) {
			if abs(len(kr)-len(k)) > 2 {
				continue
			}
			if d = buf.distance(k, kr); d == 0 || d > 2 {
				continue
			}
		} else if len(kr) == len(k) {
			continue // the input itself, which did not resolve
		}
		name := CountryName(code)
		c := near{name, d, abs(len(kr) - len(k))}
		if b, ok := best[name]; !ok || c.dist < b.dist || c.dist == b.dist && c.more < b.more {
			best[name] = c
		}
	}
	list := make([]near, 0, len(best))
	for _, v := range best {
		list = append(list, v)
	}
	slices.SortFunc(list, func(a, b near) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		if a.more != b.more {
			return a.more - b.more
		}
		return strings.Compare(a.name, b.name)
	})
	out := []string{}
	for _, v := range list {
		if len(out) == n {
			break
		}
		out = append(out, v.name)
	}
	return out
}
