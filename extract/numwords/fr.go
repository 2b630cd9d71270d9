package numwords

var french = buildFrench()

func buildFrench() *lexicon {
	lx := newLexicon()
	lx.chunk = chunkFR
	// Spaces (ordinary, non-breaking, narrow) are the French thousands
	// separator, the full stop an older one, the apostrophe the Swiss one.
	lx.groupSep = func(r rune) bool { return isSpaceSep(r) || r == '.' || r == '\'' || r == '\u2019' }
	// A full stop that does not group three digits is a decimal point
	// typed the English way.
	lx.decimalSep = func(r rune) bool { return r == ',' || r == '.' }
	lx.loneNeedsNoun = true
	lx.groupThousand = true

	lx.num(cZero, false, 0, 0, "zero")
	lx.num(cUnit, false, 1, 0, "un", "une")
	lx.num(cUnit, false, 2, 1, "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf")
	lx.num(cDix, false, 10, 0, "dix")
	lx.num(cTeen, false, 11, 1, "onze", "douze", "treize", "quatorze", "quinze", "seize")
	lx.num(cTens, false, 20, 10, "vingt", "trente", "quarante", "cinquante", "soixante")
	// Belgian and Swiss tens
	lx.num(cTens, false, 70, 0, "septante")
	lx.num(cTens, false, 80, 0, "huitante", "octante")
	lx.num(cTens, false, 90, 0, "nonante")
	lx.num(cVingts, false, 20, 0, "vingts")
	lx.num(cHundred, false, 100, 0, "cent", "cents")
	lx.num(cScale, false, 1000, 0, "mille")
	lx.num(cScale, false, 1000000, 0, "million", "millions")
	lx.num(cScale, false, 1000000000, 0, "milliard", "milliards")
	lx.mark(rBare, "mille")
	lx.num(cGroup, false, 10, 0, "dizaine", "dizaines")
	lx.num(cGroup, false, 12, 0, "douzaine", "douzaines")
	lx.num(cGroup, false, 15, 0, "quinzaine", "quinzaines")
	lx.num(cGroup, false, 20, 10, "vingtaine", "trentaine", "quarantaine", "cinquantaine", "soixantaine")
	lx.num(cGroup, false, 20, 0, "vingtaines")
	lx.num(cGroup, false, 100, 0, "centaine", "centaines")
	lx.num(cGroup, false, 1000, 0, "millier", "milliers")

	// Ordinals parse as the numbers they are built on, so that
	// "vingt-deuxième" and "quatre-vingt-dixième" are read whole and
	// dropped instead of leaving "vingt".
	lx.num(cUnit, true, 1, 0, "premier", "premiere", "unieme")
	lx.num(cUnit, true, 2, 0, "second", "seconde")
	lx.num(cUnit, true, 2, 1, "deuxieme", "troisieme", "quatrieme", "cinquieme", "sixieme", "septieme",
		"huitieme", "neuvieme")
	lx.num(cDix, true, 10, 0, "dixieme")
	lx.num(cTeen, true, 11, 1, "onzieme", "douzieme", "treizieme", "quatorzieme", "quinzieme", "seizieme")
	lx.num(cTens, true, 20, 10, "vingtieme", "trentieme", "quarantieme", "cinquantieme", "soixantieme")
	lx.num(cTens, true, 70, 0, "septantieme")
	lx.num(cTens, true, 80, 0, "huitantieme", "octantieme")
	lx.num(cTens, true, 90, 0, "nonantieme")
	lx.num(cHundred, true, 100, 0, "centieme")
	lx.num(cScale, true, 1000, 0, "millieme")
	lx.num(cScale, true, 1000000, 0, "millionieme")

	lx.magnitude(rMags, 10, "dizaines")
	lx.magnitude(rMags, 12, "douzaines")
	lx.magnitude(rMags, 20, "vingtaines")
	lx.magnitude(rMags, 100, "centaines")
	lx.magnitude(rMags, 1000, "milliers")
	lx.magnitude(rMags, 1000000, "millions")
	lx.magnitude(rMags, 1000000000, "milliards")

	lx.prefixes(AtLeast, 0, "au moins", "au minimum", "pas moins de", "un minimum de", "tout au moins")
	// L'usage de l'ONU : « plus de 20 », c'est au moins 21.
	lx.prefixes(AtLeast, 1, "plus de", "au dela de", "bien plus de")
	lx.prefixes(AtMost, 0, "au plus", "tout au plus", "au maximum", "un maximum de", "jusqu a", "pas plus de")
	lx.prefixes(AtMost, -1, "moins de")
	lx.prefixes(Approximate, 0, "environ", "pres de", "quelque", "quelques", "approximativement",
		"autour de", "aux alentours de", "a peu pres", "presque", "quasiment", "pas loin de")

	lx.add("entre", &pattern{kind: patRange, conn: "et"})
	lx.add("de", &pattern{kind: patRange, conn: "a"})
	lx.rangeConns = []string{"ou", "a"}
	lx.suffix(AtLeast, "ou plus", "et plus")
	lx.suffix(AtMost, "ou moins")

	lx.unknown(magOptional, "plusieurs", "quelques")
	lx.unknown(magRequired, "des")
	lx.unknown(magNone, "un certain nombre de", "de nombreux", "de nombreuses", "d innombrables")
	lx.add("une demi douzaine", &pattern{kind: patFixed, value: 6})

	lx.percentWords("pour cent", "pourcent")
	lx.mark(rFraction, "tiers quart quarts demi demie moitie cinquiemes sixiemes septiemes huitiemes "+
		"neuviemes dixiemes centiemes milliemes")
	lx.mark(rMonth, "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre "+
		"janv fevr avr juil oct nov dec")
	lx.mark(rTime, "h")
	lx.mark(rNo, "aucun aucune")
	lx.mark(rElides, "d l jusqu qu")
	lx.mark(rOneBefore, "pas")
	lx.mark(rAnd, "et ou au a")
	lx.mark(rStop, "de d du des la le les l a au aux en dans sur par pour contre avec et ou mais qui que "+
		"est sont ont ete etait etaient se sa son ses leur leurs ce cette ces")

	persons := "casque soldat militaire civil civile personne enfant femme homme policier policiere gendarme " +
		"agent membre employe employee travailleur travailleuse chauffeur observateur observatrice victime " +
		"blesse blessee mort morte tue tuee contractuel contractuelle fonctionnaire officier element " +
		"assaillant combattant combattante passager passagere journaliste eleve villageois villageoise " +
		"refugie refugiee habitant habitante individu bebe nourrisson garcon fille fillette mineur mineure " +
		"corps cadavre interprete infirmier infirmiere medecin humanitaire demineur gardien sentinelle " +
		"casques soldats militaires civils personnes enfants blesses morts victimes pertes perte deces " +
		"membres agents elements policiers gendarmes"
	lx.mark(rPerson|rCasualty, persons)
	return lx
}

// chunkFR reads a number below a thousand at j: "sept", "vingt et un",
// "soixante-dix-sept", "quatre-vingt-dix", "deux cent trente", "trois
// cents", and the Belgian and Swiss septante, huitante, nonante.
func chunkFR(s *scan, j int, first bool) (int64, int, bool, bool) {
	e := s.entry(j)
	if e == nil {
		return 0, 0, false, false
	}
	var v int64
	k := j
	switch {
	case e.class == cZero:
		if !first {
			return 0, 0, false, false
		}
		return 0, j + 1, false, true
	case e.class == cHundred:
		if e.text == "cents" {
			return 0, 0, false, false
		}
		if e.ordinal {
			return 100, j + 1, true, true
		}
		v, k = 100, j+1
	default:
		var ord, ok bool
		v, k, ord, ok = s.below100FR(j)
		if !ok || ord {
			return v, k, ord, ok
		}
		h := s.entry(k)
		// "dix-neuf cents" is old but still written
		if v < 2 || v > 19 || !s.numJoined(k) || h == nil || h.class != cHundred {
			return v, k, false, true
		}
		if h.ordinal {
			return v * 100, k + 1, true, true
		}
		v, k = v*100, k+1
	}
	if s.numJoined(k) {
		if w, m, ord, ok := s.below100FR(k); ok {
			return v + w, m, ord, true
		}
	}
	return v, k, false, true
}

func (s *scan) below100FR(k int) (int64, int, bool, bool) {
	e := s.entry(k)
	if e == nil {
		return 0, 0, false, false
	}
	switch e.class {
	case cUnit:
		if e.value == 4 && !e.ordinal && s.numJoined(k+1) {
			if t := s.entry(k + 1); t != nil && (t.class == cTens && t.value == 20 || t.class == cVingts) {
				switch {
				case t.ordinal:
					return 80, k + 2, true, true
				case t.class == cVingts:
					return 80, k + 2, false, true
				}
				return s.tensTailFR(80, k+2)
			}
		}
		return e.value, k + 1, e.ordinal, true
	case cTeen, cDix:
		return s.teenFR(k)
	case cTens:
		if e.ordinal {
			return e.value, k + 1, true, true
		}
		return s.tensTailFR(e.value, k+1)
	}
	return 0, 0, false, false
}

// teenFR reads ten to nineteen: "onze" to "seize", "dix", "dix-sept".
func (s *scan) teenFR(k int) (int64, int, bool, bool) {
	e := s.entry(k)
	switch {
	case e == nil:
		return 0, 0, false, false
	case e.class == cTeen:
		return e.value, k + 1, e.ordinal, true
	case e.class != cDix:
		return 0, 0, false, false
	case e.ordinal:
		return 10, k + 1, true, true
	}
	if s.numJoined(k + 1) {
		if u := s.entry(k + 1); u != nil && u.class == cUnit && u.value >= 7 {
			return 10 + u.value, k + 2, u.ordinal, true
		}
	}
	return 10, k + 1, false, true
}

// tensTailFR reads what follows a ten: "et un", "-deux", and after
// soixante and quatre-vingt the teens ("soixante-dix", "quatre-vingt-onze").
func (s *scan) tensTailFR(base int64, k int) (int64, int, bool, bool) {
	if !s.numJoined(k) {
		return base, k, false, true
	}
	teens := base == 60 || base == 80
	if s.is(k, "et") && s.numJoined(k+1) {
		if u := s.entry(k + 1); u != nil {
			switch {
			case u.class == cUnit && u.value == 1:
				return base + 1, k + 2, u.ordinal, true
			case teens && u.class == cTeen && u.value == 11:
				return base + 11, k + 2, u.ordinal, true
			}
		}
		return base, k, false, true
	}
	u := s.entry(k)
	switch {
	case u == nil:
	case u.class == cUnit:
		return base + u.value, k + 1, u.ordinal, true
	case teens && (u.class == cTeen || u.class == cDix):
		v, m, ord, _ := s.teenFR(k)
		return base + v, m, ord, true
	}
	return base, k, false, true
}
