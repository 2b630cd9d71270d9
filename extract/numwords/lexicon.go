package numwords

import "strings"

// class is the part a word plays in a number written in words.
type class uint8

const (
	cNone    class = iota // not a number word (it may still have roles)
	cZero                 // zero, zéro
	cUnit                 // one to nine; un, une to neuf
	cTeen                 // ten to nineteen; onze to seize
	cDix                  // French dix, which takes sept, huit, neuf after it
	cTens                 // twenty to ninety; vingt to nonante
	cVingts               // French plural vingts, only in quatre-vingts
	cHundred              // hundred; cent, cents
	cScale                // thousand, million, billion; mille, million, milliard
	cGroup                // dozen; dizaine, centaine, millier: approximate multipliers
	cArticle              // English a, an
)

// role is what a word tells about a figure next to it.
type role uint32

const (
	rPerson    role = 1 << iota // a singular person: "a"/"un" before it is a count of one
	rCasualty                   // a person or a loss: "no"/"aucun" before it is a count of none
	rStop                       // may not stand between an article and its noun
	rMonth                      // a figure beside it is a date
	rFraction                   // "two thirds" is a share, not a count
	rElides                     // d', l', jusqu': the next word follows an apostrophe
	rMag                        // hundred, thousand after "several", "a few"
	rMags                       // dozens, hundreds, dizaines, milliers: counts nobody made
	rMagStart                   // a plural magnitude that is a count on its own ("dozens of")
	rNo                         // no, aucun, aucune
	rBare                       // mille: a scale that needs no number before it
	rOneBefore                  // "the one", "pas un": not a count
	rOneAfter                   // "one of", "one another": not a count
	rTime                       // "10 am", "10 h": a time
	rAge                        // "12-year-old": an age
	rAnd                        // and, or, to; et, ou, au, à: "3 and 4 June" is two dates
)

// entry is one folded spelling. A word can be a number and have roles at
// once: "cent" is a hundred and ends "pour cent".
type entry struct {
	text    string
	class   class
	value   int64
	ordinal bool
	roles   role
	starts  []*pattern // phrases that begin with this word, longest first
}

type patKind uint8

const (
	patRange   patKind = iota // between X and Y
	patPrefix                 // at least X
	patUnknown                // several, a number of
	patFixed                  // a couple of: a quantity on its own
)

// magMode says whether an unknown quantifier takes a magnitude after it:
// "several hundred", "des centaines".
type magMode uint8

const (
	magNone magMode = iota
	magOptional
	magRequired
)

type pattern struct {
	kind  patKind
	words []string
	q     Qualifier
	delta int64   // patPrefix: +1 for "more than", -1 for "fewer than"
	value int64   // patFixed
	conn  string  // patRange: the word between the ends
	mag   magMode // patUnknown
}

type suffix struct {
	words []string
	q     Qualifier
}

// lexicon is everything one language knows. The two differ in their
// grammar of hundreds and tens (chunk), their separators in figures, and
// in whether a lone "one" is a numeral (English) or first an article
// (French).
type lexicon struct {
	words         map[string]*entry
	shapes        shapes // a filter before the map: most words of a statement are in neither lexicon
	chunk         func(s *scan, j int, first bool) (v int64, end int, ord, ok bool)
	groupSep      func(r rune) bool
	decimalSep    func(r rune) bool
	rangeConns    []string
	suffixes      []suffix
	percent       [][]string
	loneNeedsNoun bool // French "un", "une" alone count only before a person
	groupThousand bool // French "une dizaine de milliers"
}

func newLexicon() *lexicon { return &lexicon{words: map[string]*entry{}} }

func (lx *lexicon) get(w string) *entry {
	e := lx.words[w]
	if e == nil {
		e = &entry{text: w}
		lx.words[w] = e
		lx.shapes.add(w)
	}
	return e
}

// shapes records, for each length, which first and last letters the
// lexicon's words have, so that most words are turned away in a few
// instructions instead of a hash.
type shapes struct {
	first, last [maxWord + 1]uint32
}

func (sh *shapes) add(w string) {
	if n := len(w); n > 0 && n <= maxWord {
		sh.first[n] |= 1 << (w[0] & 31)
		sh.last[n] |= 1 << (w[n-1] & 31)
	}
}

func (sh *shapes) may(w []byte) bool {
	n := len(w)
	return n > 0 && n <= maxWord && sh.first[n]&(1<<(w[0]&31)) != 0 && sh.last[n]&(1<<(w[n-1]&31)) != 0
}

// num adds words of one class; values follow the words' order from first.
func (lx *lexicon) num(c class, ordinal bool, value, step int64, words ...string) {
	for _, w := range words {
		e := lx.get(w)
		e.class, e.value, e.ordinal = c, value, ordinal
		value += step
	}
}

func (lx *lexicon) mark(r role, words string) {
	for _, w := range strings.Fields(words) {
		lx.get(w).roles |= r
	}
}

// magnitude marks plural magnitudes with the size each stands for, so
// "tens of thousands" can tell it grows.
func (lx *lexicon) magnitude(r role, value int64, words ...string) {
	for _, w := range words {
		e := lx.get(w)
		e.roles |= r
		if e.class == cNone {
			e.value = value
		}
	}
}

// add registers p, whose words are phrase, under its first word.
func (lx *lexicon) add(phrase string, p *pattern) {
	p.words = strings.Fields(phrase)
	first := p.words[0]
	lx.start(first, p)
	if first == "de" {
		lx.start("d", p) // d'une dizaine
	}
	for _, w := range p.words {
		lx.get(w)
	}
	if p.conn != "" {
		lx.get(p.conn)
	}
}

func (lx *lexicon) start(w string, p *pattern) {
	e := lx.get(w)
	i := 0
	// Longest first, so "no more than" is tried before "no" alone, and
	// range starters before prefixes.
	for i < len(e.starts) && (e.starts[i].kind < p.kind ||
		e.starts[i].kind == p.kind && len(e.starts[i].words) >= len(p.words)) {
		i++
	}
	e.starts = append(e.starts, nil)
	copy(e.starts[i+1:], e.starts[i:])
	e.starts[i] = p
}

func (lx *lexicon) prefixes(q Qualifier, delta int64, phrases ...string) {
	for _, ph := range phrases {
		lx.add(ph, &pattern{kind: patPrefix, q: q, delta: delta})
	}
}

func (lx *lexicon) unknown(mag magMode, phrases ...string) {
	for _, ph := range phrases {
		lx.add(ph, &pattern{kind: patUnknown, mag: mag})
	}
}

func (lx *lexicon) suffix(q Qualifier, phrases ...string) {
	for _, ph := range phrases {
		ws := strings.Fields(ph)
		for _, w := range ws {
			lx.get(w)
		}
		lx.suffixes = append(lx.suffixes, suffix{words: ws, q: q})
	}
}

func (lx *lexicon) percentWords(phrases ...string) {
	for _, ph := range phrases {
		ws := strings.Fields(ph)
		for _, w := range ws {
			lx.get(w)
		}
		lx.percent = append(lx.percent, ws)
	}
}

func isSpaceSep(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
}
