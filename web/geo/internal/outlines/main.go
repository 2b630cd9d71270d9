// Command outlines writes web/geo/outlines.json, the country outlines the
// server draws its maps from, out of Natural Earth's 1:50m Admin 0
// boundaries as the npm package world-atlas ships them (TopoJSON,
// countries-50m.json, ids ISO 3166-1 numeric). Natural Earth is in the
// public domain.
//
// To rebuild the file, from the root of the module:
//
//	(cd /tmp && npm install world-atlas@2.0.2)
//	go run ./web/geo/internal/outlines \
//	    -atlas /tmp/node_modules/world-atlas/countries-50m.json \
//	    -out web/geo/outlines.json
//
// It keeps the countries that have regions in the gazetteer and every
// country sharing a border with one of them, so that a map of a host
// country can show its neighbours. Each arc of the topology is simplified
// once (Douglas–Peucker), so two neighbours keep exactly the same border
// and no sliver opens between them.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"

	"github.com/biter777/countries"

	"incidentdb/models/gazetteer"
)

// atlasVersion, atlasFile and naturalEarth say what -atlas must be; they are
// written into the output so that the file says where it comes from.
const (
	atlasVersion = "world-atlas@2.0.2"
	atlasFile    = "countries-50m.json"
	naturalEarth = "Natural Earth 4.1.0 Admin 0 countries, 1:50m"
)

// unnumbered gives a code to the features that world-atlas ships without an
// ISO numeric id. N. Cyprus is filed under CY because ISO 3166-2:CY, and so
// the gazetteer's districts, cover the whole island; Natural Earth's line
// between the two stays inside the outline. Siachen Glacier is left out:
// no code fits it.
var unnumbered = map[string]string{
	"N. Cyprus":  "CY",
	"Kosovo":     "XK",
	"Somaliland": "SO",
}

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("outlines", flag.ContinueOnError)
	fs.SetOutput(stderr)
	atlas := fs.String("atlas", "", "path to world-atlas's "+atlasFile)
	out := fs.String("out", "web/geo/outlines.json", "file to write")
	width := fs.Float64("width", 600, "map width in pixels the outlines must look right at")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *atlas == "" {
		fmt.Fprintln(stderr, "outlines: -atlas is required")
		return 2
	}
	if *width <= 0 {
		fmt.Fprintln(stderr, "outlines: -width must be positive")
		return 2
	}
	if err := convert(*atlas, *out, *width); err != nil {
		fmt.Fprintln(stderr, "outlines:", err)
		return 1
	}
	return 0
}

func convert(atlasPath, outPath string, width float64) error {
	data, err := os.ReadFile(atlasPath)
	if err != nil {
		return err
	}
	topo, err := decodeTopology(data)
	if err != nil {
		return err
	}
	feats, err := topo.countries()
	if err != nil {
		return err
	}
	hosts := map[string]bool{}
	for _, r := range gazetteer.Regions("") {
		hosts[r.Country] = true
	}
	keep := withNeighbours(feats, hosts)
	for c := range hosts {
		if !slices.ContainsFunc(keep, func(f feature) bool { return f.code == c }) {
			return fmt.Errorf("host country %s has no outline in %s", c, atlasPath)
		}
	}
	file := outlineFile{
		Source: source{
			Package: atlasVersion, File: atlasFile, Data: naturalEarth,
			License: "public domain (Natural Earth); world-atlas is ISC-licensed",
			Width:   width,
		},
		Countries: shapes(topo, keep, width),
	}
	b, err := json.Marshal(file)
	if err != nil {
		return err
	}
	return os.WriteFile(outPath, append(b, '\n'), 0o644)
}

// The output format is read by package geo; keep the two in step.
type outlineFile struct {
	Source source `json:"source"`
	// Countries maps alpha-2 codes to polygons, each a list of rings, each
	// ring a flat list lon, lat, lon, lat... implicitly closed. The first
	// ring of a polygon is its outer boundary, the others its holes.
	Countries map[string][][][]float64 `json:"countries"`
}

type source struct {
	Package string  `json:"package"`
	File    string  `json:"file"`
	Data    string  `json:"data"`
	License string  `json:"license"`
	Width   float64 `json:"width"`
}

type point struct{ x, y float64 }

// topology is a decoded TopoJSON file: arcs in absolute coordinates.
type topology struct {
	arcs    [][]point
	objects map[string]rawGeometry
}

type rawGeometry struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties struct {
		Name string `json:"name"`
	} `json:"properties"`
	Arcs       json.RawMessage `json:"arcs"`
	Geometries []rawGeometry   `json:"geometries"`
}

// decodeTopology reads a TopoJSON topology. With a transform, positions are
// quantized and each arc's positions after the first are deltas from the
// one before (TopoJSON specification, 2.1.2 and 2.2).
func decodeTopology(data []byte) (*topology, error) {
	var raw struct {
		Type      string `json:"type"`
		Transform *struct {
			Scale     [2]float64 `json:"scale"`
			Translate [2]float64 `json:"translate"`
		} `json:"transform"`
		Arcs    [][][]float64          `json:"arcs"`
		Objects map[string]rawGeometry `json:"objects"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	if raw.Type != "Topology" {
		return nil, fmt.Errorf("type %q, want Topology", raw.Type)
	}
	t := &topology{arcs: make([][]point, len(raw.Arcs)), objects: raw.Objects}
	for i, arc := range raw.Arcs {
		pts := make([]point, len(arc))
		var qx, qy float64
		for j, p := range arc {
			if len(p) < 2 {
				return nil, fmt.Errorf("arc %d: position %d has %d coordinates", i, j, len(p))
			}
			if raw.Transform == nil {
				pts[j] = point{p[0], p[1]}
				continue
			}
			qx, qy = qx+p[0], qy+p[1]
			pts[j] = point{
				qx*raw.Transform.Scale[0] + raw.Transform.Translate[0],
				qy*raw.Transform.Scale[1] + raw.Transform.Translate[1],
			}
		}
		if len(pts) < 2 {
			return nil, fmt.Errorf("arc %d has %d positions", i, len(pts))
		}
		t.arcs[i] = pts
	}
	return t, nil
}

// feature is one country: its code and its polygons as arc references.
type feature struct {
	code     string
	polygons [][][]int // polygon, ring, arc index (negative: ~index, reversed)
}

func (t *topology) countries() ([]feature, error) {
	obj, ok := t.objects["countries"]
	if !ok {
		return nil, errors.New(`no "countries" object`)
	}
	var feats []feature
	for _, g := range obj.Geometries {
		code, err := featureCode(g)
		if err != nil {
			return nil, err
		}
		if code == "" {
			continue
		}
		polys, err := polygons(g)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", code, err)
		}
		for _, p := range polys {
			for _, ring := range p {
				for _, a := range ring {
					if i := arcIndex(a); i >= len(t.arcs) {
						return nil, fmt.Errorf("%s: arc %d out of range", code, i)
					}
				}
			}
		}
		// A code met twice (N. Cyprus after Cyprus) adds its polygons.
		if i := slices.IndexFunc(feats, func(f feature) bool { return f.code == code }); i >= 0 {
			feats[i].polygons = append(feats[i].polygons, polys...)
			continue
		}
		feats = append(feats, feature{code: code, polygons: polys})
	}
	return feats, nil
}

func featureCode(g rawGeometry) (string, error) {
	if len(g.ID) == 0 || string(g.ID) == "null" {
		return unnumbered[g.Properties.Name], nil
	}
	var s string
	if err := json.Unmarshal(g.ID, &s); err != nil {
		s = string(g.ID) // a number rather than a string
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return "", fmt.Errorf("%s: id %s is not ISO 3166-1 numeric", g.Properties.Name, g.ID)
	}
	c := countries.ByNumeric(n)
	if c == countries.Unknown {
		return "", nil
	}
	return c.Alpha2(), nil
}

func polygons(g rawGeometry) ([][][]int, error) {
	switch g.Type {
	case "Polygon":
		var p [][]int
		if err := json.Unmarshal(g.Arcs, &p); err != nil {
			return nil, err
		}
		return [][][]int{p}, nil
	case "MultiPolygon":
		var mp [][][]int
		err := json.Unmarshal(g.Arcs, &mp)
		return mp, err
	case "":
		return nil, nil // a null geometry
	}
	return nil, fmt.Errorf("geometry type %q", g.Type)
}

func arcIndex(a int) int {
	if a < 0 {
		return ^a
	}
	return a
}

// withNeighbours keeps the features whose code is in hosts and those that
// share an arc, that is a stretch of border, with one of them.
func withNeighbours(feats []feature, hosts map[string]bool) []feature {
	hostArcs := map[int]bool{}
	for _, f := range feats {
		if hosts[f.code] {
			f.eachArc(func(i int) { hostArcs[i] = true })
		}
	}
	var keep []feature
	for _, f := range feats {
		touches := hosts[f.code]
		f.eachArc(func(i int) { touches = touches || hostArcs[i] })
		if touches {
			keep = append(keep, f)
		}
	}
	return keep
}

func (f feature) eachArc(fn func(int)) {
	for _, p := range f.polygons {
		for _, ring := range p {
			for _, a := range ring {
				fn(arcIndex(a))
			}
		}
	}
}

// shapes simplifies each arc the features use once, then joins arcs into
// rings rounded to 3 decimals (about 100 m). An arc's tolerance is one
// pixel of a map width pixels wide fitted to the smallest country it
// borders: Lebanon keeps its coast at a scale where China would waste
// thousands of points. A ring the simplification reduced below a
// triangle, an islet smaller than a pixel, is dropped.
func shapes(t *topology, feats []feature, width float64) map[string][][][]float64 {
	tol := map[int]float64{}
	for _, f := range feats {
		px := t.span(f) / width
		f.eachArc(func(i int) {
			if old, ok := tol[i]; !ok || px < old {
				tol[i] = px
			}
		})
	}
	simple := make(map[int][]point, len(tol))
	for i, d := range tol {
		simple[i] = simplify(t.arcs[i], d)
	}
	out := map[string][][][]float64{}
	for _, f := range feats {
		var polys [][][]float64
		for _, p := range f.polygons {
			var rings [][]float64
			for ri, ring := range p {
				flat := flatRing(joinRing(simple, ring))
				if flat == nil {
					if ri == 0 {
						break // no outer boundary left: the holes go with it
					}
					continue
				}
				rings = append(rings, flat)
			}
			if len(rings) > 0 {
				polys = append(polys, rings)
			}
		}
		if len(polys) > 0 {
			out[f.code] = polys
		}
	}
	return out
}

// span is the larger side of a feature's bounding box, east–west degrees
// shrunk by the cosine of its middle latitude as package geo draws them.
func (t *topology) span(f feature) float64 {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	f.eachArc(func(i int) {
		for _, p := range t.arcs[i] {
			minX, maxX = min(minX, p.x), max(maxX, p.x)
			minY, maxY = min(minY, p.y), max(maxY, p.y)
		}
	})
	mid := (minY + maxY) / 2 * math.Pi / 180
	return max((maxX-minX)*math.Cos(mid), maxY-minY)
}

// joinRing concatenates a ring's arcs; each arc starts where the one before
// ended, so that shared position is written once.
func joinRing(arcs map[int][]point, ring []int) []point {
	var pts []point
	for _, a := range ring {
		arc := arcs[arcIndex(a)]
		if a < 0 {
			arc = slices.Clone(arc)
			slices.Reverse(arc)
		}
		if len(pts) > 0 {
			arc = arc[1:]
		}
		pts = append(pts, arc...)
	}
	return pts
}

// flatRing rounds a ring, drops the positions rounding made repeat and the
// closing one, and returns nil when fewer than three are left.
func flatRing(pts []point) []float64 {
	var flat []float64
	var last point
	for i, p := range pts {
		p = point{round3(p.x), round3(p.y)}
		if i > 0 && p == last {
			continue
		}
		flat = append(flat, p.x, p.y)
		last = p
	}
	if n := len(flat); n >= 4 && flat[0] == flat[n-2] && flat[1] == flat[n-1] {
		flat = flat[:n-2]
	}
	if len(flat) < 6 {
		return nil
	}
	return flat
}

func round3(v float64) float64 {
	r := math.Round(v*1000) / 1000
	if r == 0 {
		return 0 // not -0, which would be written "-0"
	}
	return r
}

// simplify is Douglas–Peucker: it keeps both ends and, recursively, the
// position farthest from the chord while that distance exceeds tol. A
// closed arc (an island drawn as one arc) has no chord, so distances are
// measured from its start until the first split.
func simplify(pts []point, tol float64) []point {
	if len(pts) <= 2 {
		return pts
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	type span struct{ lo, hi int }
	stack := []span{{0, len(pts) - 1}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		far, farD := -1, tol
		for i := s.lo + 1; i < s.hi; i++ {
			if d := segDist(pts[i], pts[s.lo], pts[s.hi]); d > farD {
				far, farD = i, d
			}
		}
		if far < 0 {
			continue
		}
		keep[far] = true
		stack = append(stack, span{s.lo, far}, span{far, s.hi})
	}
	out := make([]point, 0, len(pts))
	for i, p := range pts {
		if keep[i] {
			out = append(out, p)
		}
	}
	return out
}

// segDist is the distance from p to the segment ab (to a, if a == b).
func segDist(p, a, b point) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = max(0, min(1, ((p.x-a.x)*dx+(p.y-a.y)*dy)/l2))
	}
	return math.Hypot(p.x-(a.x+t*dx), p.y-(a.y+t*dy))
}
