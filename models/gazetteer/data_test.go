package gazetteer_test

import (
	"encoding/csv"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"incidentdb/models/gazetteer"
)

// The data files are read again here, independently of the package, so
// that a row the package silently ignored or mis-indexed is still caught.

type regionRow struct {
	line                             int
	country, code, name              string
	aliases                          []string
	validFrom, validTo, sourceColumn string
}

type csvRow struct {
	line   int
	fields []string
}

// readCSV returns the data rows of a file, header excluded, with the line
// each starts on.
func readCSV(t *testing.T, path string, fields int) []csvRow {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = fields
	if _, err := r.Read(); err != nil {
		t.Fatalf("%s: header: %v", path, err)
	}
	var rows []csvRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, csvRow{line, rec})
	}
	if len(rows) == 0 {
		t.Fatalf("%s: no data", path)
	}
	return rows
}

func readRegionRows(t *testing.T) []regionRow {
	t.Helper()
	var out []regionRow
	for _, row := range readCSV(t, "regions.csv", 7) {
		r := row.fields
		var aliases []string
		for _, a := range strings.Split(r[3], "|") {
			if a != "" {
				aliases = append(aliases, a)
			}
		}
		out = append(out, regionRow{
			line: row.line, country: r[0], code: r[1], name: r[2], aliases: aliases,
			validFrom: r[4], validTo: r[5], sourceColumn: r[6],
		})
	}
	return out
}

func sourceKeys(column string) []string {
	var keys []string
	for _, k := range strings.Split(column, ";") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	return keys
}

func TestRegionRowsAreWellFormed(t *testing.T) {
	doc, err := os.ReadFile("SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{}
	for _, r := range readRegionRows(t) {
		if got, ok := gazetteer.LookupCountry(r.country); !ok || got != r.country {
			t.Errorf("row %d: country %q is not a valid alpha-2 code (LookupCountry gives %q, %v)", r.line, r.country, got, ok)
		}
		if r.code != "" {
			if !strings.HasPrefix(r.code, r.country+"-") || len(r.code) <= 3 || strings.TrimSpace(r.code) != r.code {
				t.Errorf("row %d: code %q does not start with %s-", r.line, r.code, r.country)
			}
			if prev, dup := codes[r.code]; dup {
				t.Errorf("row %d: code %s already used on row %d", r.line, r.code, prev)
			}
			codes[r.code] = r.line
		}
		if r.name == "" || strings.TrimSpace(r.name) != r.name {
			t.Errorf("row %d: bad name %q", r.line, r.name)
		}
		keys := sourceKeys(r.sourceColumn)
		if len(keys) == 0 {
			t.Errorf("row %d (%s): no source", r.line, r.name)
		}
		for _, k := range keys {
			if !strings.Contains(string(doc), "`"+k+"`") {
				t.Errorf("row %d (%s): source %q is not described in SOURCES.md", r.line, r.name, k)
			}
		}
		var years [2]int
		for i, y := range []string{r.validFrom, r.validTo} {
			if y == "" {
				continue
			}
			n, err := strconv.Atoi(y)
			if err != nil || n < 1900 || n > 2100 {
				t.Errorf("row %d: bad year %q", r.line, y)
			}
			years[i] = n
		}
		if years[0] != 0 && years[1] != 0 && years[1] < years[0] {
			t.Errorf("row %d: valid_to before valid_from", r.line)
		}
		seen := map[string]bool{r.name: true}
		for _, a := range r.aliases {
			if strings.TrimSpace(a) != a || a == "" {
				t.Errorf("row %d: alias %q has stray spaces", r.line, a)
			}
			if seen[a] {
				t.Errorf("row %d: %q listed twice (as name or alias)", r.line, a)
			}
			seen[a] = true
		}
	}
}

// TestNoSharedNamesWithinCountry: a folded name, alias or code may belong
// to one region of a country only, or looking it up could not succeed.
// (An unaccented alias folding to its own region's name is expected: it is
// there for readers and for searches that do not fold.)
func TestNoSharedNamesWithinCountry(t *testing.T) {
	type owner struct {
		line int
		name string
	}
	byCountry := map[string]map[string]owner{}
	for _, r := range readRegionRows(t) {
		keys := byCountry[r.country]
		if keys == nil {
			keys = map[string]owner{}
			byCountry[r.country] = keys
		}
		forms := append([]string{r.name, r.code}, r.aliases...)
		for _, form := range forms {
			if form == "" {
				continue
			}
			for _, k := range []string{gazetteer.Fold(form), compactForm(form)} {
				if k == "" {
					continue
				}
				if prev, ok := keys[k]; ok && prev.name != r.name {
					t.Errorf("%s: %q (row %d, %s) matches the same key %q as row %d (%s)",
						r.country, form, r.line, r.name, k, prev.line, prev.name)
				}
				keys[k] = owner{r.line, r.name}
			}
		}
	}
}

// compactForm mirrors the package's fallback key: letters and digits only.
func compactForm(s string) string {
	var b strings.Builder
	b.WriteByte('~')
	for _, r := range gazetteer.Fold(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestEveryFormResolves: each name, alias and code on each row leads back
// to that row, with and without the country.
func TestEveryFormResolves(t *testing.T) {
	ambiguous := map[string]bool{}
	count := map[string]int{}
	for _, r := range readRegionRows(t) {
		for _, f := range append([]string{r.name}, r.aliases...) {
			count[gazetteer.Fold(f)]++
		}
	}
	for k, n := range count {
		if n > 1 {
			ambiguous[k] = true
		}
	}
	for _, r := range readRegionRows(t) {
		want := gazetteer.Region{Country: r.country, Code: r.code, Name: r.name}
		forms := append([]string{r.name}, r.aliases...)
		if r.code != "" {
			forms = append(forms, r.code)
		}
		for _, f := range forms {
			if got, ok := gazetteer.LookupRegion(r.country, f); !ok || got != want {
				t.Errorf("LookupRegion(%q, %q) = %v, %v; want %v", r.country, f, got, ok, want)
			}
			got, ok := gazetteer.LookupRegion("", f)
			if ambiguous[gazetteer.Fold(f)] && f != r.code {
				continue // shared with another country's region, e.g. Punjab
			}
			if !ok || got != want {
				t.Errorf("LookupRegion(\"\", %q) = %v, %v; want %v", f, got, ok, want)
			}
		}
	}
}

func TestCountryRowsAreWellFormed(t *testing.T) {
	doc, err := os.ReadFile("SOURCES.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range readCSV(t, "countries.csv", 5) {
		line, r := row.line, row.fields
		code, kind, value, source := r[0], r[1], r[2], r[3]
		if gazetteer.CountryName(code) == "" {
			t.Errorf("row %d: unknown country %q", line, code)
		}
		if source == "" || !strings.Contains(string(doc), "`"+source+"`") {
			t.Errorf("row %d: source %q is not described in SOURCES.md", line, source)
		}
		switch kind {
		case "name":
			if got := gazetteer.CountryName(code); got != value {
				t.Errorf("row %d: CountryName(%s) = %q, want %q", line, code, got, value)
			}
		case "alias":
		default:
			t.Errorf("row %d: unknown kind %q", line, kind)
		}
		if got, ok := gazetteer.LookupCountry(value); !ok || got != code {
			t.Errorf("row %d: LookupCountry(%q) = %q, %v; want %s", line, value, got, ok, code)
		}
	}
}
