package numwords

var english = buildEnglish()

func buildEnglish() *lexicon {
	lx := newLexicon()
	lx.chunk = chunkEN
	// UN English groups thousands with commas; figures pasted from French
	// drafts use spaces, which no English sentence puts between a number
	// of one to three digits and one of exactly three.
	lx.groupSep = func(r rune) bool { return r == ',' || isSpaceSep(r) }
	lx.decimalSep = func(r rune) bool { return r == '.' }

	lx.num(cZero, false, 0, 0, "zero")
	lx.num(cUnit, false, 1, 1, "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
	lx.num(cTeen, false, 10, 1, "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
		"sixteen", "seventeen", "eighteen", "nineteen")
	lx.num(cTens, false, 20, 10, "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
	lx.num(cTens, false, 40, 0, "fourty")
	lx.num(cHundred, false, 100, 0, "hundred")
	lx.num(cScale, false, 1000, 0, "thousand")
	lx.num(cScale, false, 1000000, 0, "million")
	lx.num(cScale, false, 1000000000, 0, "billion")
	lx.num(cGroup, false, 12, 0, "dozen")
	lx.num(cArticle, false, 1, 0, "a", "an")

	// Ordinals parse as the numbers they are built on, so "twenty-first"
	// is read whole and dropped instead of leaving "twenty".
	lx.num(cUnit, true, 1, 1, "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
	lx.num(cTeen, true, 10, 1, "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
		"sixteenth", "seventeenth", "eighteenth", "nineteenth")
	lx.num(cTens, true, 20, 10, "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth",
		"eightieth", "ninetieth")
	lx.num(cHundred, true, 100, 0, "hundredth")
	lx.num(cScale, true, 1000, 0, "thousandth")
	lx.num(cScale, true, 1000000, 0, "millionth")

	lx.mark(rMag, "hundred thousand million billion dozen")
	lx.magnitude(rMags|rMagStart, 10, "tens")
	lx.magnitude(rMags|rMagStart, 12, "dozens")
	lx.magnitude(rMags|rMagStart, 20, "scores")
	lx.magnitude(rMags|rMagStart, 100, "hundreds")
	lx.magnitude(rMags|rMagStart, 1000, "thousands")
	lx.magnitude(rMags|rMagStart, 1000000, "millions")
	lx.magnitude(rMags|rMagStart, 1000000000, "billions")

	lx.prefixes(AtLeast, 0, "at least", "no fewer than", "not fewer than", "no less than", "not less than",
		"a minimum of")
	// UN usage: "more than 20" is at least 21.
	lx.prefixes(AtLeast, 1, "more than", "over", "well over", "in excess of", "upwards of", "upward of")
	lx.prefixes(AtMost, 0, "at most", "up to", "no more than", "not more than", "a maximum of", "as many as")
	lx.prefixes(AtMost, -1, "fewer than", "less than")
	lx.prefixes(Approximate, 0, "about", "around", "some", "approximately", "roughly", "nearly", "almost",
		"close to", "an estimated", "estimated", "approx", "circa", "in the region of")

	lx.add("between", &pattern{kind: patRange, conn: "and"})
	lx.add("from", &pattern{kind: patRange, conn: "to"})
	lx.rangeConns = []string{"or", "to"}
	lx.suffix(Approximate, "or so", "odd")
	lx.suffix(AtLeast, "or more")
	lx.suffix(AtMost, "or fewer", "or less")

	lx.unknown(magOptional, "several", "a few")
	lx.unknown(magNone, "a number of", "a handful of", "numerous", "countless")
	lx.add("a couple of", &pattern{kind: patFixed, value: 2})
	lx.add("half a dozen", &pattern{kind: patFixed, value: 6})

	lx.percentWords("per cent", "percent", "per centum")
	lx.mark(rFraction, "half halves third thirds quarter quarters fourth fourths fifth fifths sixth sixths "+
		"seventh sevenths eighth eighths ninth ninths tenth tenths hundredth hundredths thousandth thousandths")
	// "may" is a month only before a figure: "21 May 2017", never "21 may have died".
	lx.mark(rMonth, "january february march april may june july august september october november december "+
		"jan feb mar apr jun jul aug sep sept oct nov dec")
	lx.mark(rTime, "am pm")
	lx.mark(rAge, "year month week day")
	lx.get("old")
	lx.mark(rNo, "no")
	lx.mark(rAnd, "and or to")
	// not "that", "which": "reported that one peacekeeper", "in which one peacekeeper"
	lx.mark(rOneBefore, "the any each every not")
	lx.mark(rOneAfter, "of another by")
	lx.mark(rStop, "of in on at to by for with from against into near and or but the this that these those "+
		"who which was were is are be been being has have had its their his her")

	persons := "peacekeeper soldier civilian person child boy girl woman man officer policeman policewoman " +
		"gendarme member contractor worker driver observer staffer national victim casualty attacker " +
		"assailant fighter militant passenger interpreter journalist villager herder farmer refugee " +
		"resident volunteer individual infant baby teenager minor body deminer medic guard trooper " +
		"serviceman servicewoman employee humanitarian"
	lx.mark(rPerson|rCasualty, persons)
	lx.mark(rCasualty, "peacekeepers soldiers civilians people persons children women men officers members "+
		"personnel staff casualties injuries injury deaths death fatalities fatality victims lives loss losses "+
		"troops fighters attackers assailants workers")
	return lx
}

// chunkEN reads a number below a thousand at j: "seven", "twenty-one",
// "a hundred and five", "twelve hundred". After a scale word (first is
// false) it takes the British "and" of "two thousand and five".
func chunkEN(s *scan, j int, first bool) (int64, int, bool, bool) {
	k := j
	and := false
	if !first && s.is(k, "and") {
		if !s.numJoined(k + 1) {
			return 0, 0, false, false
		}
		k++
		and = true
	}
	e := s.entry(k)
	if e == nil {
		return 0, 0, false, false
	}
	var v int64
	switch {
	case e.class == cZero:
		if !first {
			return 0, 0, false, false
		}
		return 0, k + 1, false, true
	case e.class == cArticle:
		if !first || e.text != "a" || !s.numJoined(k+1) {
			return 0, 0, false, false
		}
		n := s.entry(k + 1)
		switch {
		case n == nil:
			return 0, 0, false, false
		case n.class == cHundred:
			if n.ordinal {
				return 100, k + 2, true, true
			}
			v, k = 100, k+2
		case n.class == cScale || n.class == cGroup:
			return 1, k + 1, false, true
		default:
			return 0, 0, false, false
		}
	default:
		var ord, ok bool
		v, k, ord, ok = s.below100EN(k)
		if !ok {
			return 0, 0, false, false
		}
		if ord {
			return v, k, true, true
		}
		h := s.entry(k)
		if !s.numJoined(k) || h == nil || h.class != cHundred {
			return v, k, false, !and || v < 100
		}
		v *= 100
		if h.ordinal {
			return v, k + 1, true, true
		}
		k++
	}
	if and {
		return 0, 0, false, false
	}
	// after "hundred": "and five", "five", or nothing
	if s.numJoined(k) {
		m := k
		if s.is(m, "and") {
			m++
			if !s.numJoined(m) {
				return v, k, false, true
			}
		}
		if w, m2, ord, ok := s.below100EN(m); ok {
			return v + w, m2, ord, true
		}
	}
	return v, k, false, true
}

func (s *scan) below100EN(k int) (int64, int, bool, bool) {
	e := s.entry(k)
	if e == nil {
		return 0, 0, false, false
	}
	switch e.class {
	case cUnit, cTeen:
		return e.value, k + 1, e.ordinal, true
	case cTens:
		if e.ordinal {
			return e.value, k + 1, true, true
		}
		if s.numJoined(k + 1) {
			if u := s.entry(k + 1); u != nil && u.class == cUnit {
				return e.value + u.value, k + 2, u.ordinal, true
			}
		}
		return e.value, k + 1, false, true
	}
	return 0, 0, false, false
}
