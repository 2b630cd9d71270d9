package synth

import (
	"math/bits"
	"slices"
)

// choice is one option of a weighted draw.
type choice[T any] struct {
	v T
	w int
}

// weighted draws from fixed options in proportion to integer weights; a
// zero weight is never drawn.
type weighted[T any] struct {
	items []T
	cum   []int // running totals, so a draw is a binary search
}

func newWeighted[T any](cs ...choice[T]) *weighted[T] {
	w := &weighted[T]{items: make([]T, len(cs)), cum: make([]int, len(cs))}
	total := 0
	for i, c := range cs {
		if c.w < 0 {
			panic("synth: negative weight")
		}
		total += c.w
		w.items[i], w.cum[i] = c.v, total
	}
	if total == 0 {
		panic("synth: a weighted table with no weight")
	}
	return w
}

func (w *weighted[T]) pick(g *Generator) T {
	n := g.intn(w.cum[len(w.cum)-1])
	// The first running total above n: a zero-weight item repeats the
	// total before it, so it is never the first.
	i, _ := slices.BinarySearch(w.cum, n+1)
	return w.items[i]
}

// intn returns a number in [0, n) from the high bits of a 128-bit product
// (Lemire's method without the rejection step): the bias is below n/2⁶⁴,
// far under anything a test can see, and every draw uses exactly one value
// of the source, which keeps sequences easy to reason about.
func (g *Generator) intn(n int) int {
	if n <= 0 {
		panic("synth: intn of a non-positive bound")
	}
	hi, _ := bits.Mul64(g.src.Uint64(), uint64(n))
	return int(hi)
}

// between returns a number in [lo, hi].
func (g *Generator) between(lo, hi int) int { return lo + g.intn(hi-lo+1) }

// permille is true with probability p/1000.
func (g *Generator) permille(p int) bool { return g.intn(1000) < p }

func pickSlice[T any](g *Generator, s []T) T { return s[g.intn(len(s))] }

// skewed draws a count that is zero with probability zero/1000 and
// otherwise geometric (each further unit with probability more/1000),
// with one draw in a hundred a mass-casualty number of 10 to 50: the shape
// of casualty counts, where most lines are small and a few are not.
func (g *Generator) skewed(zero, more int) int {
	if g.permille(zero) {
		return 0
	}
	if g.permille(10) {
		return g.between(10, 50)
	}
	n := 1
	for n < 50 && g.permille(more) {
		n++
	}
	return n
}
