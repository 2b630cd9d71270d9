// Package numwords reads counts as UN statements and press releases write
// them, in English and French, in figures or in words: "21", "1 234",
// "twenty-one", "a hundred and five", "soixante-dix-sept", "nonante",
// "at least ten", "plus de 20", "une dizaine", "two or three", "entre 10 et
// 12", "several", "no casualties". It owns the wording of counts and
// nothing else: which noun a count belongs to, and whether it is a
// casualty figure, is for the extractor that drafts incidents from
// statements to decide.
//
// It is written for speed: one pass over the text, a map look-up per word,
// no allocation but the result, a few microseconds for a statement.
package numwords

import (
	"strings"
	"unicode"
)

// Qualifier says how the text states a count.
type Qualifier string

const (
	// Exact: "21", "twenty-one", "no casualties" (0).
	Exact Qualifier = "exact"
	// AtLeast: "at least ten", "au moins dix", "20 or more". Strict
	// comparisons are turned into bounds, as UN usage reads them: "more
	// than 20", "over 20", "plus de 20" are at least 21.
	AtLeast Qualifier = "at_least"
	// AtMost: "up to 30", "as many as 30", "jusqu'à 30"; "fewer than 30",
	// "moins de 30" are at most 29.
	AtMost Qualifier = "at_most"
	// Approximate: "about 20", "some 20", "nearly 20", "environ 20", "près
	// de 20", "20 or so", and the approximate nouns "a dozen" (12), "half a
	// dozen" (6), "a couple of" (2), "une dizaine" (10), "une douzaine"
	// (12), "une quinzaine" (15), "une vingtaine" to "une soixantaine",
	// "une centaine" (100), "un millier" (1,000).
	Approximate Qualifier = "approximate"
	// Range: "two or three", "10 to 12", "10-12", "between 10 and 12",
	// "from 10 to 12", "deux ou trois", "10 à 12", "entre 10 et 12", "de 10
	// à 12". Low and High are its ends and Value is Low: a draft that needs
	// one figure should not count more casualties than the text vouches for.
	Range Qualifier = "range"
	// Unknown: a count is stated but not made, and Value is 0: "several",
	// "a number of", "a few", "a handful of", "numerous", "plusieurs", "un
	// certain nombre de", "quelques", "de nombreux", and the plural
	// magnitudes "dozens", "scores", "hundreds", "thousands", "tens of
	// thousands", "several hundred", "des dizaines", "des centaines", "des
	// milliers", "plusieurs centaines de milliers". A draft should flag
	// them for a person rather than guess: "dozens of civilians" may be 20
	// or 90.
	Unknown Qualifier = "unknown"
)

// Number is a count found in text.
type Number struct {
	// Value is the count, or the bound that Qualifier names; 0 when
	// Qualifier is Unknown.
	Value int
	// Low and High are the ends of a Range; both 0 otherwise.
	Low, High int
	Qualifier Qualifier
	// Start and End are the byte offsets in the text of the whole
	// phrase, qualifier words included: text[Start:End] is "more than
	// twenty", "une dizaine", "between 10 and 12".
	Start, End int
}

// Find returns every count in text, in order and not overlapping. lang is
// "en" or "fr" (a region such as "fr-BE" is allowed); for any other, Find
// returns nil.
//
// Figures: "21", "1,234" (English), "1 234" with an ordinary,
// non-breaking or narrow space (both languages), "1.234" and "1'234"
// (French), and decimals only before a scale: "1.5 million", "1,5
// million". Words: "four", "twenty-one", "twenty one", "a hundred and
// five", "twelve hundred", "two thousand and five", "quatre", "vingt et
// un", "soixante-dix-sept", "quatre-vingts", "quatre-vingt-dix", "deux
// cent trente", "trois cents", "mille", "deux millions", the Belgian and
// Swiss septante, huitante, octante and nonante, and the 1990 spelling
// with hyphens everywhere ("deux-cent-vingt-et-un"). Case, accents (in
// NFC or NFD) and the apostrophes ' and ’ are ignored.
//
// Not counts, and skipped whole: ordinals ("first", "twenty-first",
// "21st", "premier", "deuxième", "vingt et unième", "1er", "2e"); dates
// ("24 November 2017", "novembre 2017", "3 and 4 June", "24/11/2017";
// English "May" is a month only before figures, so "21 may have died" is
// 21); times ("10:30", "10 a.m.", "10 h 30", "between 2 and 3 p.m.");
// shares ("20 %", "20 per cent", "vingt pour cent", "two thirds", "deux
// tiers"); sums ("US$ 5", "5 000 €"); ages ("12-year-old", "a
// five-year-old"); figures glued to letters or to other figures ("S2",
// "COVID-19", "1,2", "10.30"); decimals without a scale ("2.5"). Years
// and reference numbers standing alone ("in 2017", "resolution 2391") are
// returned: only the noun after a count says what it counts.
//
// "One" and "un": English "one" is a count unless it is a pronoun ("one
// of", "one another", "one's", "one by one", "the one", "each one", "not
// one"). French "un" and "une" are first articles, so alone they count
// only before a person noun of a short list (casque, soldat, civil,
// victime, blessé, mort, enfant, femme...), with at most two other words
// between: "un casque bleu", "un soldat malien", "une autre victime", "la
// mort d'un casque bleu" are 1; "l'un des", "un des", "un engin explosif",
// "pas un" are not counts. English "a" and "an" follow the French rule:
// "a peacekeeper", "an Egyptian police officer" are 1 (and so, wrongly,
// is the "a" of "a civilian vehicle"). After a qualifier or in a range
// they are always numerals: "au moins un", "plus d'un" (at least 2), "un
// ou deux".
//
// "no", "aucun" and "aucune" are 0 before a casualty or a person, with at
// most one other word between ("no casualties", "no civilian casualties",
// "no peacekeepers", "aucune victime", "aucun blessé"), and "no one" is
// 0; elsewhere ("no longer", "no reports of") they are nothing.
func Find(text, lang string) []Number {
	lx := lexiconFor(lang)
	if lx == nil || text == "" {
		return nil
	}
	s := newScan(text, lx, true)
	defer s.release()
	// Numbers gather in the pooled buffer and are copied out once, so a
	// statement costs one allocation, not one per doubling.
	s.out = s.out[:0]
	for i := 0; i < len(s.toks); {
		n, next, st := s.at(i)
		switch st {
		case found:
			s.out = append(s.out, n)
			i = next
		case skip:
			i = next
		default:
			i++
		}
	}
	if len(s.out) == 0 {
		return nil
	}
	return append([]Number(nil), s.out...)
}

// Parse reads phrase as one count, the whole of it but for white space
// around it, for tests and for callers that already cut the phrase out.
// It reads what Find reads, with no surrounding text to judge by: "un",
// "a" and "no" alone are 1, 1 and 0, since Find reports them only where
// they count. Start and End are offsets in phrase.
func Parse(phrase, lang string) (Number, bool) {
	lx := lexiconFor(lang)
	if lx == nil {
		return Number{}, false
	}
	start := len(phrase) - len(strings.TrimLeftFunc(phrase, unicode.IsSpace))
	end := len(strings.TrimRightFunc(phrase, unicode.IsSpace))
	if start >= end {
		return Number{}, false
	}
	s := newScan(phrase, lx, false)
	defer s.release()
	if len(s.toks) == 0 || s.toks[0].start != start || s.toks[len(s.toks)-1].end != end {
		return Number{}, false
	}
	n, next, st := s.at(0)
	if st != found || next != len(s.toks) {
		return Number{}, false
	}
	return n, true
}

func lexiconFor(lang string) *lexicon {
	if len(lang) < 2 || len(lang) > 2 && lang[2] != '-' && lang[2] != '_' {
		return nil
	}
	switch strings.ToLower(lang[:2]) {
	case "en":
		return english
	case "fr":
		return french
	}
	return nil
}
