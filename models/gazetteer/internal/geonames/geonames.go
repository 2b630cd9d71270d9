// Package geonames reads what the gazetteer's copying programs share: a
// GeoNames dump, and the commented CSV files they fill in place.
package geonames

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// Column positions in a GeoNames dump (readme.txt of the GeoNames export).
const (
	ColID, ColName, ColASCII, ColAlternates, ColLat, ColLon, ColCountry = 0, 1, 2, 3, 4, 5, 8
	Columns                                                             = 19
)

// Record is a place as GeoNames gives it: its names (the first the main
// one), its position as written, and its country.
type Record struct {
	Names             []string
	Lat, Lon, Country string
}

// ReadDump reads the records of the ids wanted from a dump, and fails on
// an id the dump lacks: a position must never be left as it was by
// mistake.
func ReadDump(r io.Reader, want map[string]bool) (map[string]Record, error) {
	out := map[string]Record{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24) // alternate names make long lines
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) != Columns {
			return nil, fmt.Errorf("GeoNames line with %d columns, want %d", len(cols), Columns)
		}
		if !want[cols[ColID]] {
			continue
		}
		names := append([]string{cols[ColName], cols[ColASCII]}, strings.Split(cols[ColAlternates], ",")...)
		out[cols[ColID]] = Record{Names: names, Lat: cols[ColLat], Lon: cols[ColLon], Country: cols[ColCountry]}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for id := range want {
		if _, ok := out[id]; !ok {
			return nil, fmt.Errorf("geonames:%s is not in the file", id)
		}
	}
	return out, nil
}

// EachRow calls fn with every line of a commented CSV file and its fields;
// comments and the header are passed with a nil row. A data row must have
// more than minIndex fields.
func EachRow(data []byte, minIndex int, fn func(line string, row []string) error) error {
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
		if len(row) <= minIndex {
			return fmt.Errorf("%q: %d columns", line, len(row))
		}
		if err := fn(line, row); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Line writes a line of a dump, for the programs' tests.
func Line(id, name, ascii, alternates, lat, lon, country string) string {
	cols := make([]string, Columns)
	cols[ColID], cols[ColName], cols[ColASCII], cols[ColAlternates] = id, name, ascii, alternates
	cols[ColLat], cols[ColLon], cols[ColCountry] = lat, lon, country
	return strings.Join(cols, "\t")
}
