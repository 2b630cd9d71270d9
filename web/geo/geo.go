// Package geo owns the country outlines the web app draws its maps from and
// the arithmetic of drawing them: fitting a map to some countries,
// projecting a longitude and latitude onto it, writing an outline as an SVG
// path, and telling whether a point lies inside a country.
//
// The outlines are Natural Earth's (public domain), converted from the npm
// package world-atlas by ./internal/outlines and embedded, so a map needs
// no tile server and no request to another host. SOURCES.md beside this
// file says how to rebuild them. They cover the countries the gazetteer has
// regions for and their neighbours, simplified so that a map of one of
// them looks right at about 600 pixels wide.
//
// The projection is equirectangular, its east–west scale shrunk by the
// cosine of the map's middle latitude, which is close enough for a country
// and keeps projecting a point to two multiplications. No outline crosses
// the antimeridian, so none is handled.
//
// Everything is read once when the package is initialised and never
// written afterwards; a Map is safe for concurrent use.
package geo

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed outlines.json
var outlinesJSON []byte

// box is a longitude–latitude rectangle.
type box struct{ west, south, east, north float64 }

func emptyBox() box { return box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

func (b *box) add(lon, lat float64) {
	b.west, b.east = min(b.west, lon), max(b.east, lon)
	b.south, b.north = min(b.south, lat), max(b.north, lat)
}

func (b *box) union(o box) {
	b.west, b.east = min(b.west, o.west), max(b.east, o.east)
	b.south, b.north = min(b.south, o.south), max(b.north, o.north)
}

func (b box) has(lon, lat float64) bool {
	return b.west <= lon && lon <= b.east && b.south <= lat && lat <= b.north
}

func (b box) overlaps(o box) bool {
	return b.west <= o.east && o.west <= b.east && b.south <= o.north && o.south <= b.north
}

type polygon struct {
	rings [][]float64 // flat lon, lat pairs, implicitly closed; holes after the first
	box   box
}

type country struct {
	polygons []polygon
	box      box
	points   int // positions in all rings, to size a path's buffer
}

type outlineSet struct {
	source string
	byCode map[string]*country
	codes  []string // sorted
}

var outlines = mustLoad(outlinesJSON)

func mustLoad(data []byte) *outlineSet {
	set, err := load(data)
	if err != nil {
		panic("geo: outlines.json: " + err.Error())
	}
	return set
}

func load(data []byte) (*outlineSet, error) {
	var file struct {
		Source struct {
			Package string `json:"package"`
			File    string `json:"file"`
			Data    string `json:"data"`
			License string `json:"license"`
		} `json:"source"`
		Countries map[string][][][]float64 `json:"countries"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, err
	}
	s := file.Source
	if s.Package == "" || s.Data == "" || s.License == "" {
		return nil, errors.New("source not named")
	}
	set := &outlineSet{
		source: fmt.Sprintf("%s, from %s (%s), %s", s.Data, s.Package, s.File, s.License),
		byCode: make(map[string]*country, len(file.Countries)),
	}
	for code, polys := range file.Countries {
		c := &country{box: emptyBox()}
		for _, rings := range polys {
			p := polygon{rings: rings, box: emptyBox()}
			for i, r := range rings {
				if len(r) < 6 || len(r)%2 != 0 {
					return nil, fmt.Errorf("%s: ring of %d numbers", code, len(r))
				}
				if i == 0 {
					for j := 0; j < len(r); j += 2 {
						p.box.add(r[j], r[j+1])
					}
				}
				c.points += len(r) / 2
			}
			if len(rings) == 0 {
				return nil, fmt.Errorf("%s: polygon without rings", code)
			}
			c.polygons = append(c.polygons, p)
			c.box.union(p.box)
		}
		if len(c.polygons) == 0 {
			return nil, fmt.Errorf("%s: no polygon", code)
		}
		set.byCode[code] = c
		set.codes = append(set.codes, code)
	}
	slices.Sort(set.codes)
	return set, nil
}

// Source names where the outlines come from, for a map's credit line.
func Source() string { return outlines.source }

// Codes lists the countries (ISO 3166-1 alpha-2) that have an outline.
func Codes() []string { return slices.Clone(outlines.codes) }

// Inside reports whether the point lies inside the outline of the country
// (alpha-2, upper case). Outlines are simplified to about a pixel of a
// 600-pixel map, so a point within a few kilometres of a border or a coast
// may fall on the wrong side.
func Inside(code string, lon, lat float64) bool {
	c := outlines.byCode[code]
	if c == nil || !c.box.has(lon, lat) {
		return false
	}
	for i := range c.polygons {
		if p := &c.polygons[i]; p.box.has(lon, lat) && p.contains(lon, lat) {
			return true
		}
	}
	return false
}

// contains is the even-odd rule over all rings, so a hole takes its area
// back out of the outer ring.
func (p *polygon) contains(lon, lat float64) bool {
	in := false
	for _, r := range p.rings {
		n := len(r)
		x0, y0 := r[n-2], r[n-1]
		for i := 0; i < n; i += 2 {
			x1, y1 := r[i], r[i+1]
			if (y1 > lat) != (y0 > lat) && lon < x0+(lat-y0)*(x1-x0)/(y1-y0) {
				in = !in
			}
			x0, y0 = x1, y1
		}
	}
	return in
}

// Map is a rectangle of the earth fitted to some countries and scaled to a
// width in SVG user units (pixels). Its origin is the top left corner.
type Map struct {
	width, height float64
	view          box     // what the map shows, margin included
	kx, ky        float64 // units per degree of longitude and of latitude
	visible       []string

	mu    sync.Mutex
	paths map[string]string
}

// margin is the share of the width left empty around the countries, so
// that their outermost strokes are not cut by the edge.
const margin = 0.03

// maps keeps the Maps made, since a dashboard asks for the same few on
// every render. It is emptied when full rather than kept in order: the
// keys a server sees are few, and a Map is cheap to make again.
var maps = struct {
	sync.Mutex
	m map[string]*Map
}{m: map[string]*Map{}}

const mapCacheSize = 256

// ForCountries returns a map fitted to the bounding box of the outlines of
// codes (alpha-2, upper case; those without an outline are ignored),
// width units wide, its height following from the shape of the box. It is
// false when width is not positive or no code has an outline. The Map
// returned may be shared with other callers and must not be relied on to
// be a new one.
func ForCountries(codes []string, width float64) (*Map, bool) {
	if !(width > 0) || math.IsInf(width, 0) {
		return nil, false
	}
	key := cacheKey(codes, width)
	maps.Lock()
	m, ok := maps.m[key]
	maps.Unlock()
	if ok {
		return m, true
	}
	b, found := emptyBox(), false
	for _, c := range codes {
		if o := outlines.byCode[c]; o != nil {
			b.union(o.box)
			found = true
		}
	}
	if !found {
		return nil, false
	}
	m = fit(b, width)
	maps.Lock()
	if len(maps.m) >= mapCacheSize {
		clear(maps.m)
	}
	maps.m[key] = m
	maps.Unlock()
	return m, true
}

func cacheKey(codes []string, width float64) string {
	var sb strings.Builder
	sb.WriteString(strconv.FormatFloat(width, 'g', -1, 64))
	sorted := slices.Clone(codes)
	slices.Sort(sorted)
	for i, c := range sorted {
		if i > 0 && c == sorted[i-1] {
			continue
		}
		sb.WriteByte(' ')
		sb.WriteString(c)
	}
	return sb.String()
}

func fit(b box, width float64) *Map {
	mid := (b.south + b.north) / 2 * math.Pi / 180
	pad := margin * width
	lonSpan := max(b.east-b.west, 1e-6)
	// Both scales come from the width alone; a box taller than wide makes
	// a tall map rather than a squeezed one.
	ky := (width - 2*pad) / (lonSpan * math.Cos(mid))
	kx := ky * math.Cos(mid)
	m := &Map{
		width:  width,
		height: (b.north-b.south)*ky + 2*pad,
		kx:     kx,
		ky:     ky,
		paths:  map[string]string{},
	}
	m.view = box{b.west - pad/kx, b.south - pad/ky, b.east + pad/kx, b.north + pad/ky}
	for _, code := range outlines.codes {
		if outlines.byCode[code].box.overlaps(m.view) {
			m.visible = append(m.visible, code)
		}
	}
	return m
}

// Width is the map's width in SVG units, as asked of ForCountries.
func (m *Map) Width() float64 { return m.width }

// Height is the map's height in SVG units.
func (m *Map) Height() float64 { return m.height }

// Project returns where a longitude and latitude fall on the map; a point
// outside it (see Contains) projects outside 0..Width, 0..Height.
func (m *Map) Project(lon, lat float64) (x, y float64) {
	return (lon - m.view.west) * m.kx, (m.view.north - lat) * m.ky
}

// Contains reports whether a longitude and latitude fall on the map.
func (m *Map) Contains(lon, lat float64) bool { return m.view.has(lon, lat) }

// Countries lists the countries whose outline reaches into the map, those
// it was made for and their neighbours, sorted by code: what to draw.
func (m *Map) Countries() []string { return slices.Clone(m.visible) }

// Outline returns the SVG path data of the country's outline on this map,
// coordinates rounded to 0.1 unit, or "" when it has no outline or none of
// it is on the map. Parts wholly off the map and islets smaller than the
// rounding are left out. A hole (none of today's outlines has one) is one
// more subpath: fill with fill-rule="evenodd" to leave it empty.
func (m *Map) Outline(code string) string {
	m.mu.Lock()
	d, ok := m.paths[code]
	m.mu.Unlock()
	if ok {
		return d
	}
	d = m.path(outlines.byCode[code])
	m.mu.Lock()
	m.paths[code] = d
	m.mu.Unlock()
	return d
}

func (m *Map) path(c *country) string {
	if c == nil || !c.box.overlaps(m.view) {
		return ""
	}
	// Each position takes at most about 14 bytes ("L1234.5,678.9").
	buf := make([]byte, 0, 14*c.points)
	var xs, ys []float64
	for i := range c.polygons {
		p := &c.polygons[i]
		if !p.box.overlaps(m.view) {
			continue
		}
		for _, r := range p.rings {
			xs, ys = xs[:0], ys[:0]
			for j := 0; j < len(r); j += 2 {
				x, y := m.Project(r[j], r[j+1])
				x, y = round1(x), round1(y)
				if n := len(xs); n > 0 && xs[n-1] == x && ys[n-1] == y {
					continue
				}
				xs, ys = append(xs, x), append(ys, y)
			}
			if n := len(xs); n > 1 && xs[0] == xs[n-1] && ys[0] == ys[n-1] {
				xs, ys = xs[:n-1], ys[:n-1]
			}
			if len(xs) < 3 {
				continue
			}
			for j := range xs {
				switch j {
				case 0:
					buf = append(buf, 'M')
				case 1:
					buf = append(buf, 'L')
				default:
					buf = append(buf, ' ')
				}
				buf = appendCoord(buf, xs[j])
				buf = append(buf, ',')
				buf = appendCoord(buf, ys[j])
			}
			buf = append(buf, 'Z')
		}
	}
	return string(buf)
}

func round1(v float64) float64 {
	r := math.Round(v*10) / 10
	if r == 0 {
		return 0 // not -0
	}
	return r
}

// appendCoord writes a value already rounded to one decimal, without a
// trailing ".0".
func appendCoord(buf []byte, v float64) []byte {
	buf = strconv.AppendFloat(buf, v, 'f', 1, 64)
	if n := len(buf); buf[n-2] == '.' && buf[n-1] == '0' {
		buf = buf[:n-2]
	}
	return buf
}
