// Package synth owns the deterministic synthetic incidents used for
// benchmarks and differential tests: a seeded Generator yields, one after
// another, the inputs a client would send, shaped like the records of a
// database of attacks on UN peacekeepers (mostly MINUSMA in central and
// northern Mali, some MINUSCA, MONUSCO, UNMISS and UNIFIL) so that loads
// and comparisons exercise the same paths as real data.
//
// Everything it makes is synthetic: places, forces and nationalities are
// real names so that the gazetteer and filters are exercised, but no
// incident, count, summary or source describes a real event. External ids
// start with "synth-" and source URLs point at example.org so that a
// synthetic record cannot be mistaken for evidence.
//
// The same seed gives the same sequence on every machine and Go version:
// every random decision is drawn from a PCG source (whose algorithm Go
// fixes) through integer arithmetic written here, never through floating
// point, which an architecture may fuse differently, nor through map order.
package synth
