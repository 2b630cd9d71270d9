package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Two unit squares side by side, quantized with a transform: Mali's ring
// is arc 0 (its west, north and south sides) then arc 1 (the border);
// Niger's is arc 1 reversed then arc 2. Arc 1 runs from (12, 20) to
// (12, 21) once decoded.
const tinyTopology = `{
  "type": "Topology",
  "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
  "arcs": [
    [[4, 0], [-4, 0], [0, 4], [4, 0]],
    [[4, 4], [0, -4]],
    [[4, 4], [4, 0], [0, -4], [-4, 0]]
  ],
  "objects": {"countries": {"type": "GeometryCollection", "geometries": [
    {"type": "Polygon", "id": "466", "properties": {"name": "Mali"}, "arcs": [[0, 1]]},
    {"type": "Polygon", "id": "562", "properties": {"name": "Niger"}, "arcs": [[-2, 2]]},
    {"type": "Polygon", "properties": {"name": "N. Cyprus"}, "arcs": [[2]]},
    {"type": "Polygon", "properties": {"name": "Siachen Glacier"}, "arcs": [[2]]}
  ]}}
}`

func TestDecodeTopologyUndoesQuantizationAndDeltas(t *testing.T) {
	topo, err := decodeTopology([]byte(tinyTopology))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]point{
		{{12, 20}, {10, 20}, {10, 21}, {12, 21}},
		{{12, 21}, {12, 20}},
		{{12, 21}, {14, 21}, {14, 20}, {12, 20}},
	}
	if diff := cmp.Diff(want, topo.arcs, cmp.AllowUnexported(point{})); diff != "" {
		t.Errorf("arcs (-want +got):\n%s", diff)
	}
}

func TestRingsJoinArcsAndReverseNegativeOnes(t *testing.T) {
	topo, err := decodeTopology([]byte(tinyTopology))
	if err != nil {
		t.Fatal(err)
	}
	feats, err := topo.countries()
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, f := range feats {
		codes = append(codes, f.code)
	}
	// Siachen Glacier has no id and no code, so it is dropped.
	if diff := cmp.Diff([]string{"ML", "NE", "CY"}, codes); diff != "" {
		t.Fatalf("codes (-want +got):\n%s", diff)
	}
	arcs := map[int][]point{0: topo.arcs[0], 1: topo.arcs[1], 2: topo.arcs[2]}
	mali := flatRing(joinRing(arcs, feats[0].polygons[0][0]))
	niger := flatRing(joinRing(arcs, feats[1].polygons[0][0]))
	if diff := cmp.Diff([]float64{12, 20, 10, 20, 10, 21, 12, 21}, mali); diff != "" {
		t.Errorf("Mali (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{12, 20, 12, 21, 14, 21, 14, 20}, niger); diff != "" {
		t.Errorf("Niger (-want +got):\n%s", diff)
	}
}

func TestNeighboursAreThoseSharingAnArc(t *testing.T) {
	topo, err := decodeTopology([]byte(tinyTopology))
	if err != nil {
		t.Fatal(err)
	}
	feats, err := topo.countries()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range withNeighbours(feats, map[string]bool{"ML": true}) {
		got = append(got, f.code)
	}
	// CY reuses Niger's arc 2, not Mali's, so it is no neighbour of Mali.
	if diff := cmp.Diff([]string{"ML", "NE"}, got); diff != "" {
		t.Errorf("kept (-want +got):\n%s", diff)
	}
}

func TestSimplifyKeepsEndsAndWhatStandsOut(t *testing.T) {
	line := []point{{0, 0}, {1, 0.001}, {2, 0}, {3, 0.5}, {4, 0}, {5, 0}}
	got := simplify(line, 0.01)
	want := []point{{0, 0}, {2, 0}, {3, 0.5}, {4, 0}, {5, 0}}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(point{})); diff != "" {
		t.Errorf("simplified (-want +got):\n%s", diff)
	}
	// A closed arc, an island, keeps a shape rather than collapsing onto
	// its start.
	island := []point{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	if got := simplify(island, 0.1); len(got) < 4 {
		t.Errorf("island simplified to %v", got)
	}
}

func TestFlatRingDropsClosureAndSlivers(t *testing.T) {
	got := flatRing([]point{{1.00001, 2}, {3, 4}, {3.0004, 4}, {5, 2}, {1, 2}})
	if diff := cmp.Diff([]float64{1, 2, 3, 4, 5, 2}, got); diff != "" {
		t.Errorf("ring (-want +got):\n%s", diff)
	}
	if got := flatRing([]point{{1, 2}, {1.0001, 2}, {3, 4}, {1, 2}}); got != nil {
		t.Errorf("two distinct positions kept as a ring: %v", got)
	}
}

func TestConvertRefusesAnAtlasWithoutTheHosts(t *testing.T) {
	dir := t.TempDir()
	atlas := filepath.Join(dir, "tiny.json")
	if err := os.WriteFile(atlas, []byte(tinyTopology), 0o644); err != nil {
		t.Fatal(err)
	}
	err := convert(atlas, filepath.Join(dir, "out.json"), 600)
	if err == nil || !strings.Contains(err.Error(), "has no outline") {
		t.Fatalf("convert = %v, want a host country without an outline", err)
	}
}
