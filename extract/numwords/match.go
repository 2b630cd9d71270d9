package numwords

import (
	"math"
	"unicode/utf8"
)

// status is what a token turned out to start.
type status uint8

const (
	none  status = iota // nothing: try the next token
	found               // a count
	skip                // a number that is no count (an ordinal, a date, a share): step over all of it
)

// quantity is a number before qualifiers: "21", "twenty-one", "une dizaine".
type quantity struct {
	value  int64
	end    int // the token after it
	st     status
	approx bool  // "a dozen", "une dizaine"
	lone   bool  // a single "one", "un", "une", which may be an article or a pronoun
	digits bool  // one token of figures: the only kind "10-12" joins
	scale  int64 // the scale word it ends with ("three million"), for "two to three million"
}

// maxValue keeps every sum in int64 and every Value in an int.
const maxValue = min(int64(1e15), int64(math.MaxInt))

func (s *scan) entry(i int) *entry {
	if i < 0 || i >= len(s.toks) {
		return nil
	}
	return s.toks[i].e
}

func (s *scan) is(i int, w string) bool {
	e := s.entry(i)
	return e != nil && e.text == w
}

func (s *scan) has(i int, r role) bool {
	e := s.entry(i)
	return e != nil && e.roles&r != 0
}

// numJoined reports whether token i continues a number in words.
func (s *scan) numJoined(i int) bool {
	if i <= 0 || i >= len(s.toks) {
		return false
	}
	g := s.toks[i].gap
	return g == gapSpace || g == gapHyphen
}

// joined reports whether token i continues a phrase, which may also
// follow an elided word: "plus d'une", "jusqu'à".
func (s *scan) joined(i int) bool {
	if i <= 0 || i >= len(s.toks) {
		return false
	}
	switch s.toks[i].gap {
	case gapSpace, gapHyphen:
		return true
	case gapApos:
		return s.has(i-1, rElides)
	}
	return false
}

// seq matches words from token i and returns the token after them, or -1.
// "de" also matches the elided "d'" of "plus d'une".
func (s *scan) seq(i int, words []string) int {
	j := i
	for n, w := range words {
		if n > 0 && !s.joined(j) {
			return -1
		}
		if !s.is(j, w) && (w != "de" || !s.is(j, "d") || j+1 >= len(s.toks) || s.toks[j+1].gap != gapApos) {
			return -1
		}
		j++
	}
	return j
}

func (s *scan) number(i, end int, q Qualifier, v int64) Number {
	return Number{Value: int(v), Qualifier: q, Start: s.toks[i].start, End: s.toks[end-1].end}
}

// at reads what starts at token i. Phrases are tried from the most
// specific: ranges, then qualified numbers, then unknown counts, then a
// number on its own, so that "a number of" never becomes "a" and "more
// than 20" never 20.
func (s *scan) at(i int) (Number, int, status) {
	t := &s.toks[i]
	if t.digits {
		return s.plain(i)
	}
	e := t.e
	// most known words are prepositions, months or nouns, which start nothing
	if e == nil || e.class == cNone && len(e.starts) == 0 && e.roles&(rMagStart|rNo) == 0 {
		return Number{}, 0, none
	}
	for _, p := range e.starts {
		var n Number
		var end int
		st := none
		switch p.kind {
		case patRange:
			n, end, st = s.between(i, p)
		case patPrefix:
			n, end, st = s.prefixed(i, p)
		case patUnknown:
			n, end, st = s.unknownAt(i, p)
		}
		if st != none {
			return n, end, st
		}
	}
	if e.roles&rMagStart != 0 {
		if end := s.magnitudes(i); end > i {
			return s.number(i, end, Unknown, 0), end, found
		}
	}
	if e.roles&rNo != 0 {
		if end := s.zero(i); end > i {
			return s.number(i, end, Exact, 0), end, found
		}
	}
	n, end, st := s.plain(i)
	if st == none && e.class == cArticle && s.articleCounts(i) {
		return s.number(i, i+1, Exact, 1), i + 1, found
	}
	return n, end, st
}

// plain reads a number with no qualifier before it, and what may follow:
// "two or three", "20 or more".
func (s *scan) plain(i int) (Number, int, status) {
	q := s.quantity(i)
	if q.st != found {
		return Number{}, q.end, q.st
	}
	if n, end, st := s.rangeAfter(i, q); st != none {
		return n, end, st
	}
	if n, end, ok := s.suffixAfter(i, q); ok {
		return n, end, found
	}
	if q.lone && s.ctx && !s.loneCounts(i) {
		return Number{}, q.end, skip
	}
	qual := Exact
	if q.approx {
		qual = Approximate
	}
	return s.number(i, q.end, qual, q.value), q.end, found
}

// prefixed reads "at least", "more than", "environ" and the like, then a
// number. The prefix decides the qualifier even of "a dozen": "more than
// a dozen" is at least 13.
func (s *scan) prefixed(i int, p *pattern) (Number, int, status) {
	j := s.seq(i, p.words)
	if j < 0 || !s.joined(j) {
		return Number{}, 0, none
	}
	q := s.quantity(j)
	if q.st != found {
		return Number{}, q.end, q.st
	}
	if n, end, st := s.rangeAfter(i, q); st != none {
		return n, end, st
	}
	v := max(0, min(maxValue, q.value+p.delta))
	return s.number(i, q.end, p.q, v), q.end, found
}

// between reads "between 10 and 12", "from two to three", "entre 10 et
// 12", "de 10 à 12".
func (s *scan) between(i int, p *pattern) (Number, int, status) {
	j := i + 1
	if !s.joined(j) {
		return Number{}, 0, none
	}
	x := s.quantity(j)
	switch {
	case x.st == skip:
		return Number{}, x.end, skip
	case x.st != found || x.approx:
		return Number{}, 0, none
	}
	k := x.end
	if !s.joined(k) || !s.is(k, p.conn) || !s.joined(k+1) {
		return Number{}, 0, none
	}
	return s.rangeTo(i, x, k+1)
}

// rangeAfter reads the upper end after a number: "two or three", "10 to
// 12", "deux ou trois", "10 à 12", and between figures "10-12", "10–12".
func (s *scan) rangeAfter(start int, x quantity) (Number, int, status) {
	k := x.end
	if k >= len(s.toks) || x.approx {
		return Number{}, 0, none
	}
	t := &s.toks[k]
	switch {
	case x.digits && t.digits && (t.gap == gapHyphen || t.gap == gapDash):
		return s.rangeTo(start, x, k)
	case t.e != nil && s.joined(k) && s.joined(k+1):
		for _, c := range s.lx.rangeConns {
			if t.e.text == c {
				return s.rangeTo(start, x, k+1)
			}
		}
	}
	return Number{}, 0, none
}

// rangeTo reads the upper end of a range at token k. An upper end that is
// no count makes the whole range none: "from 3 to 5 November" is two
// dates, not the count 3.
func (s *scan) rangeTo(start int, x quantity, k int) (Number, int, status) {
	y := s.quantity(k)
	if y.st == skip {
		return Number{}, y.end, skip
	}
	if y.st != found || y.approx {
		return Number{}, 0, none
	}
	low := x.value
	// "two to three million" is two million to three million
	if x.scale == 0 && y.scale > 1 && low <= maxValue/y.scale && low*y.scale < y.value {
		low *= y.scale
	}
	if y.value <= low {
		return Number{}, 0, none
	}
	return Number{
		Value: int(low), Low: int(low), High: int(y.value), Qualifier: Range,
		Start: s.toks[start].start, End: s.toks[y.end-1].end,
	}, y.end, found
}

func (s *scan) suffixAfter(start int, q quantity) (Number, int, bool) {
	if !s.joined(q.end) {
		return Number{}, 0, false
	}
	for _, sf := range s.lx.suffixes {
		if j := s.seq(q.end, sf.words); j >= 0 {
			return s.number(start, j, sf.q, q.value), j, true
		}
	}
	return Number{}, 0, false
}

// unknownAt reads "several", "a number of", "plusieurs centaines", "des
// dizaines de milliers": counts that were not made.
func (s *scan) unknownAt(i int, p *pattern) (Number, int, status) {
	j := s.seq(i, p.words)
	if j < 0 {
		return Number{}, 0, none
	}
	if p.mag != magNone {
		switch {
		case s.joined(j) && (s.has(j, rMags) || p.mag == magOptional && s.has(j, rMag)):
			j = s.chain(j)
		case p.mag == magRequired:
			return Number{}, 0, none
		}
	}
	return s.number(i, j, Unknown, 0), j, found
}

// magnitudes reads an English plural magnitude on its own: "dozens",
// "hundreds of thousands". "tens" needs what it counts: "tens of thousands".
func (s *scan) magnitudes(i int) int {
	j := s.chain(i)
	if s.is(i, "tens") && j == i+1 {
		return i
	}
	return j
}

// chain reads a magnitude at j and the larger ones that follow it:
// "hundreds of thousands", "several hundred thousand", "des dizaines de
// milliers".
func (s *scan) chain(j int) int {
	cur := s.toks[j].e.value
	j++
	for {
		k := j
		if s.joined(k) && (s.is(k, "of") || s.is(k, "de")) {
			k++
		}
		if !s.joined(k) || !s.has(k, rMag|rMags) {
			return j
		}
		v := s.toks[k].e.value
		if v <= cur || v < 1000 {
			return j
		}
		cur, j = v, k+1
	}
}

// zero reads "no one" and, before a casualty, "no" and "aucun": "no
// casualties", "aucune victime".
func (s *scan) zero(i int) int {
	if s.is(i, "no") && s.numJoined(i+1) && s.is(i+1, "one") {
		return i + 2
	}
	if !s.ctx || s.nounAfter(i, rCasualty, 1) {
		return i + 1
	}
	return i
}

// loneCounts decides whether a lone "one", "un" or "une" is a count.
// English "one" is a numeral unless a pronoun ("one of", "the one",
// "one another", "one's"); French "un" is first an article, so it counts
// only before a person ("un casque bleu"), never in "l'un des", "un des"
// or "pas un".
func (s *scan) loneCounts(i int) bool {
	if i > 0 && s.toks[i].gap == gapSpace && s.has(i-1, rOneBefore) {
		return false
	}
	if i > 0 && s.toks[i].gap == gapApos && s.is(i-1, "l") {
		return false
	}
	if s.lx.loneNeedsNoun {
		return s.nounAfter(i, rPerson, 2)
	}
	if i > 1 && s.is(i-1, "by") && s.is(i-2, "one") {
		return false // one by one
	}
	if next := i + 1; next < len(s.toks) {
		switch t := &s.toks[next]; {
		case t.gap == gapApos:
			return false
		case t.gap == gapSpace && s.has(next, rOneAfter):
			return false
		}
	}
	return true
}

// articleCounts decides whether "a" or "an" is a count of one: before a
// person ("a peacekeeper", "an Egyptian police officer"), and not after
// "not" ("not a single one").
func (s *scan) articleCounts(i int) bool {
	if !s.ctx {
		return true
	}
	if i > 0 && s.is(i-1, "not") {
		return false
	}
	return s.nounAfter(i, rPerson, 2)
}

// nounAfter reports whether a noun with role r follows token i, with at
// most between words (adjectives, names) before it: "a Chadian
// peacekeeper", "un casque bleu", "no civilian casualties". A figure,
// punctuation, another number word or a preposition ends the search.
func (s *scan) nounAfter(i int, r role, between int) bool {
	for k := i + 1; k <= i+1+between && k < len(s.toks); k++ {
		t := &s.toks[k]
		if t.digits || (t.gap != gapSpace && t.gap != gapHyphen) {
			return false
		}
		if t.e != nil {
			if t.e.roles&r != 0 {
				return true
			}
			if t.e.roles&rStop != 0 || t.e.class != cNone {
				return false
			}
		}
	}
	return false
}

// quantity reads a number at token i in figures or words, with its
// approximate multiplier ("a dozen", "une dizaine de milliers").
func (s *scan) quantity(i int) quantity {
	if i >= len(s.toks) {
		return quantity{}
	}
	t := &s.toks[i]
	if t.digits {
		return s.figures(i)
	}
	e := t.e
	if e == nil {
		return quantity{}
	}
	for _, p := range e.starts {
		if p.kind == patFixed {
			if j := s.seq(i, p.words); j >= 0 {
				return s.check(i, quantity{value: p.value, end: j, st: found, approx: true})
			}
		}
	}
	if e.class == cNone {
		return quantity{}
	}
	v, end, ord, scale, ok := s.words(i)
	if !ok {
		return quantity{}
	}
	if ord {
		return quantity{end: end, st: skip}
	}
	q := quantity{value: v, end: end, st: found, scale: scale,
		lone: end == i+1 && e.class == cUnit && e.value == 1}
	return s.check(i, s.groups(q))
}

// words reads a number in words: chunks below a thousand, each followed
// by a smaller scale than the last ("two million three hundred thousand
// and five"). An ordinal anywhere makes the whole an ordinal.
func (s *scan) words(i int) (v int64, end int, ord bool, scale int64, ok bool) {
	var total int64
	last := int64(math.MaxInt64)
	j := i
	for {
		if j > i && !s.numJoined(j) {
			return total, j, false, scale, true
		}
		c, k, cord, cok := s.lx.chunk(s, j, j == i)
		if !cok {
			// French "mille" needs no number before it
			if !s.has(j, rBare) {
				if j == i {
					return 0, 0, false, 0, false
				}
				return total, j, false, scale, true
			}
			c, k = 1, j
		}
		if cord {
			return total + c, k, true, 0, true
		}
		e := s.entry(k)
		if e == nil || e.class != cScale || e.value >= last || (k > j && !s.numJoined(k)) {
			if k == j {
				if j == i {
					return 0, 0, false, 0, false
				}
				return total, j, false, scale, true
			}
			return total + c, k, false, 0, true
		}
		if e.ordinal {
			return total + c*e.value, k + 1, true, 0, true
		}
		total += c * e.value
		last, scale = e.value, e.value
		j = k + 1
	}
}

// groups applies an approximate multiplier after a small number: "a
// dozen", "two dozen", "une dizaine", "une centaine de milliers".
func (s *scan) groups(q quantity) quantity {
	k := q.end
	g := s.entry(k)
	if g == nil || g.class != cGroup || g.ordinal || !s.numJoined(k) || q.value < 1 || q.value > 99 || q.scale != 0 {
		return q
	}
	q.value *= g.value
	q.approx, q.lone, q.digits = true, false, false
	q.end = k + 1
	if s.lx.groupThousand && g.value < 1000 {
		m := k + 1
		if s.is(m, "de") && s.joined(m) && s.joined(m+1) && s.is(m+1, "milliers") {
			q.value *= 1000
			q.end = m + 2
		}
	}
	return q
}

// figures reads a number in figures at token i, with a scale word after
// it ("2 million", "1,5 million").
func (s *scan) figures(i int) quantity {
	t := &s.toks[i]
	q := quantity{end: i + 1, st: skip, digits: true}
	if t.big {
		return q
	}
	v := t.val
	if e := s.entry(i + 1); e != nil && e.class == cScale && !e.ordinal && s.numJoined(i+1) {
		sc := e.value
		q.end, q.digits, q.scale = i+2, false, sc
		if v > maxValue/sc {
			return q
		}
		v *= sc
		if t.fracLen > 0 {
			p := pow10(t.fracLen)
			f := t.frac * sc
			if f%p != 0 {
				return q
			}
			v += f / p
		}
	} else if t.fracLen > 0 {
		// 2.5 people is no count
		return q
	}
	if v > maxValue || s.ctx && s.figureExcluded(i) {
		return q
	}
	q.value, q.st = v, found
	return s.check(i, q)
}

func pow10(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}

// figureExcluded reports whether the characters around figures make them
// something other than a count: glued to letters ("21st", "1er", "S2",
// "COVID-19"), a date or reference ("24/11/2017", "S/2017/123"), a time
// ("10:30", "10 a.m."), a share ("20 %"), a sum ("US$ 5", "5 000 €"), or one of a
// list of figures written without spaces ("1,2").
func (s *scan) figureExcluded(i int) bool {
	t := &s.toks[i]
	if i > 0 && t.gap == gapNone {
		return true
	}
	if i+1 < len(s.toks) && s.toks[i+1].gap == gapNone {
		return true
	}
	if i > 0 && t.gap == gapHyphen && !s.toks[i-1].digits {
		if e := s.toks[i-1].e; e == nil || e.class == cNone {
			return true
		}
	}
	text := s.text
	b, bi := runeBefore(text, t.start)
	a, ai := runeAfter(text, t.end)
	if b == '/' || a == '/' {
		return true
	}
	if b == ':' || b == '.' || b == ',' {
		if c, _ := runeBefore(text, bi); '0' <= c && c <= '9' {
			return true
		}
	}
	if a == ':' || a == '.' || a == ',' {
		if c, _ := runeAfter(text, ai); '0' <= c && c <= '9' {
			return true
		}
	}
	j := skipSpaces(text, t.end)
	if rest := text[j:]; rest != "" {
		if r, _ := utf8.DecodeRuneInString(rest); r == '%' || r == '\u2030' || isCurrency(r) {
			return true
		}
		// "10 a.m.", "10 p.m."
		if len(rest) >= 3 && (rest[0]|0x20 == 'a' || rest[0]|0x20 == 'p') && rest[1] == '.' && rest[2]|0x20 == 'm' {
			return true
		}
	}
	for b != -1 && isSpaceSep(b) {
		b, bi = runeBefore(text, bi)
	}
	return isCurrency(b)
}

func isCurrency(r rune) bool {
	return r == '$' || r == '\u20ac' || r == '\u00a3' || r == '\u00a5'
}

// skipSpaces returns where the first rune at or after i that is not a
// space is.
func skipSpaces(text string, i int) int {
	for i < len(text) {
		r, w := utf8.DecodeRuneInString(text[i:])
		if !isSpaceSep(r) {
			break
		}
		i += w
	}
	return i
}

// check drops a number that the words beside it make no count: a share
// ("two thirds", "20 per cent"), a date ("24 November", "novembre 2017",
// "3 and 4 June"), a time ("10 h", "between 2 and 3 p.m."), an age
// ("12-year-old").
func (s *scan) check(i int, q quantity) quantity {
	if !s.ctx || q.st != found {
		return q
	}
	k := q.end
	n := len(s.toks)
	if end := s.percentAt(k); end > k {
		// step over "pour cent" too, or "cent" would be a hundred
		q.st, q.end = skip, end
		return q
	}
	switch {
	case s.numJoined(k) && s.has(k, rFraction),
		k < n && s.toks[k].gap == gapSpace && (s.monthAt(k) || s.has(k, rTime)),
		i > 0 && s.toks[i].gap == gapSpace && (s.monthAt(i-1) || s.has(i-1, rTime)),
		s.joined(k) && s.has(k, rAnd) && k+2 < n && s.toks[k+1].digits && s.toks[k+1].gap == gapSpace &&
			s.toks[k+2].gap == gapSpace && (s.monthAt(k+2) || s.has(k+2, rTime)),
		k+1 < n && s.toks[k].gap == gapHyphen && s.has(k, rAge) && s.toks[k+1].gap == gapHyphen && s.is(k+1, "old"):
		q.st = skip
	}
	return q
}

// percentAt returns the token after "per cent" or "pour cent" at k, or k.
func (s *scan) percentAt(k int) int {
	if !s.numJoined(k) {
		return k
	}
	for _, p := range s.lx.percent {
		if j := s.seq(k, p); j >= 0 {
			return j
		}
	}
	return k
}

// monthAt reports whether token k is a month. English "may" is one only
// before figures: "21 May 2017", but "21 may have died".
func (s *scan) monthAt(k int) bool {
	if !s.has(k, rMonth) {
		return false
	}
	if !s.is(k, "may") {
		return true
	}
	return k+1 < len(s.toks) && s.toks[k+1].digits && s.toks[k+1].gap == gapSpace
}
