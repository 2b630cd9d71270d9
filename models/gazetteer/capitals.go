package gazetteer

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

//go:embed capitals.csv
var capitalsCSV string

// Capital is the administrative seat of a region: where a map marks the
// region when all it knows of an incident is the region.
type Capital struct {
	Region   Region
	Name     string
	Lat, Lon float64 // WGS 84, decimal degrees
	// Source is a key described in SOURCES.md; Ref is the record in it,
	// such as geonames:2453514.
	Source, Ref string
}

type capitalKey struct{ country, region string }

var capitals = mustLoadCapitals(capitalsCSV)

var capitalHeader = []string{"country", "region", "capital", "lat", "lon", "source", "ref", "note"}

func mustLoadCapitals(data string) map[capitalKey]Capital {
	m, err := loadCapitals(data)
	if err != nil {
		panic("gazetteer: capitals.csv: " + err.Error())
	}
	return m
}

func loadCapitals(data string) (map[capitalKey]Capital, error) {
	r := csv.NewReader(strings.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = len(capitalHeader)
	header, err := r.Read()
	if err != nil {
		return nil, err
	}
	if !slices.Equal(header, capitalHeader) {
		return nil, fmt.Errorf("header %q, want %q", header, capitalHeader)
	}
	m := map[capitalKey]Capital{}
	for {
		row, err := r.Read()
		if err == io.EOF {
			return m, nil
		}
		if err != nil {
			return nil, err
		}
		line, _ := r.FieldPos(0)
		c, err := parseCapital(row)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		k := capitalKey{c.Region.Country, c.Region.Name}
		if _, dup := m[k]; dup {
			return nil, fmt.Errorf("line %d: %s, %s listed twice", line, k.country, k.region)
		}
		m[k] = c
	}
}

func parseCapital(row []string) (Capital, error) {
	for i, f := range row[:7] {
		if strings.TrimSpace(f) != f || f == "" {
			return Capital{}, fmt.Errorf("%s %q is empty or padded", capitalHeader[i], f)
		}
	}
	country, name := row[0], row[1]
	i := slices.IndexFunc(regions.byCountry[country], func(i int) bool {
		return regions.records[i].info.Name == name
	})
	if i < 0 {
		return Capital{}, fmt.Errorf("%s has no region named %q", country, name)
	}
	lat, err := parseDegrees(row[3], 90)
	if err != nil {
		return Capital{}, err
	}
	lon, err := parseDegrees(row[4], 180)
	if err != nil {
		return Capital{}, err
	}
	return Capital{
		Region: regions.records[regions.byCountry[country][i]].info.Region,
		Name:   row[2],
		Lat:    lat,
		Lon:    lon,
		Source: row[5],
		Ref:    row[6],
	}, nil
}

func parseDegrees(s string, limit float64) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.Abs(v) > limit {
		return 0, fmt.Errorf("bad coordinate %q", s)
	}
	return v, nil
}

// CapitalOf returns the capital of a region of country (alpha-2). The
// region is best given by its canonical name, as incidents store it, which
// costs one map lookup; any other form LookupRegion accepts works too. With
// country "" the region must be unambiguous ("Punjab" is not). It is false
// for an unknown region and for one whose seat no source placed
// (SOURCES.md lists them).
func CapitalOf(country, region string) (Capital, bool) {
	if country != "" {
		if c, ok := capitals[capitalKey{normCountry(country), region}]; ok {
			return c, true
		}
	}
	r, ok := LookupRegion(country, region)
	if !ok {
		return Capital{}, false
	}
	c, ok := capitals[capitalKey{r.Country, r.Name}]
	return c, ok
}
