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

// Country is an ISO 3166-1 country, or XK for Kosovo, which ISO has not
// coded but the UN, the EU and most data sets use.
type Country struct {
	Code   string // alpha-2
	Alpha3 string
	Name   string // English short name
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
	return idx
}

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

// CountryName returns the English short name for an alpha-2 code, in any
// case, or "" if the code is unknown.
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
