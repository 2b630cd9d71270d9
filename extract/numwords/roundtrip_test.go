package numwords_test

import (
	"strconv"
	"strings"
	"testing"

	"incidentdb/extract/numwords"
)

// The spellers below write numbers the ways statements do, independently
// of the parser's tables, so that a round trip through them tests the
// grammar rather than repeating it.

var (
	enSmall = strings.Fields("zero one two three four five six seven eight nine ten eleven twelve thirteen " +
		"fourteen fifteen sixteen seventeen eighteen nineteen")
	enTens = strings.Fields("_ _ twenty thirty forty fifty sixty seventy eighty ninety")
)

// enStyle varies how English is written: British "and", "twenty one"
// without a hyphen, "a hundred" for "one hundred".
type enStyle struct{ and, space, article bool }

func spellEN(n int, st enStyle) string {
	if n == 0 {
		return "zero"
	}
	var parts []string
	th, rest := n/1000, n%1000
	switch {
	case th == 1 && st.article:
		parts = append(parts, "a thousand")
	case th > 0:
		parts = append(parts, spellEN1000(th, st, false)+" thousand")
	}
	if rest > 0 {
		if th > 0 && rest < 100 && st.and {
			parts = append(parts, "and")
		}
		parts = append(parts, spellEN1000(rest, st, th == 0))
	}
	return strings.Join(parts, " ")
}

func spellEN1000(n int, st enStyle, lead bool) string {
	var parts []string
	h, r := n/100, n%100
	switch {
	case h == 1 && lead && st.article:
		parts = append(parts, "a hundred")
	case h > 0:
		parts = append(parts, enSmall[h]+" hundred")
	}
	if r > 0 {
		if h > 0 && st.and {
			parts = append(parts, "and")
		}
		switch {
		case r < 20:
			parts = append(parts, enSmall[r])
		case r%10 == 0:
			parts = append(parts, enTens[r/10])
		case st.space:
			parts = append(parts, enTens[r/10]+" "+enSmall[r%10])
		default:
			parts = append(parts, enTens[r/10]+"-"+enSmall[r%10])
		}
	}
	return strings.Join(parts, " ")
}

type region int

const (
	france region = iota
	belgium
	switzerland
)

var frSmall = strings.Fields("zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize " +
	"quatorze quinze seize")

// frStyle is a region's tens and the spelling: traditional, or the 1990
// one with hyphens between all the words.
type frStyle struct {
	region region
	r1990  bool
}

func spellFR(n int, st frStyle) string {
	if n == 0 {
		return "zéro"
	}
	sep := " "
	if st.r1990 {
		sep = "-"
	}
	var parts []string
	th, rest := n/1000, n%1000
	switch {
	case th == 1:
		parts = append(parts, "mille")
	case th > 1:
		parts = append(parts, spellFR1000(th, st, false)+sep+"mille")
	}
	if rest > 0 {
		parts = append(parts, spellFR1000(rest, st, true))
	}
	return strings.Join(parts, sep)
}

func spellFR1000(n int, st frStyle, last bool) string {
	sep := " "
	if st.r1990 {
		sep = "-"
	}
	h, r := n/100, n%100
	var parts []string
	switch {
	case h == 1:
		parts = append(parts, "cent")
	case h > 1 && r == 0 && last:
		parts = append(parts, frSmall[h]+sep+"cents")
	case h > 1:
		parts = append(parts, frSmall[h]+sep+"cent")
	}
	if r > 0 {
		parts = append(parts, spellFR100(r, st, last))
	}
	return strings.Join(parts, sep)
}

func spellFR100(n int, st frStyle, last bool) string {
	if n < 17 {
		return frSmall[n]
	}
	if n < 20 {
		return "dix-" + frSmall[n-10]
	}
	t, u := n/10, n%10
	name, rem := "", u
	switch {
	case t == 7 && st.region != switzerland && st.region != belgium:
		name, rem = "soixante", 10+u
	case t == 8 && st.region != switzerland:
		name = "quatre-vingt"
	case t == 9 && st.region == france:
		name, rem = "quatre-vingt", 10+u
	default:
		name = strings.Fields("_ _ vingt trente quarante cinquante soixante septante huitante nonante")[t]
	}
	if rem == 0 {
		if name == "quatre-vingt" && last {
			return "quatre-vingts"
		}
		return name
	}
	if (rem == 1 || rem == 11) && name != "quatre-vingt" {
		if st.r1990 {
			return name + "-et-" + spellFR100(rem, st, last)
		}
		return name + " et " + spellFR100(rem, st, last)
	}
	return name + "-" + spellFR100(rem, st, last)
}

// TestRoundTrip writes every number from 0 to 10,000 in words, in every
// style of each language, and in figures, and reads it back with Parse
// and with Find in a sentence.
func TestRoundTrip(t *testing.T) {
	type speller struct {
		lang, name string
		spell      func(int) string
		noun       func(int) string
	}
	enNoun := func(n int) string {
		if n == 1 {
			return "peacekeeper was killed"
		}
		return "peacekeepers were killed"
	}
	frNoun := func(n int) string {
		if n <= 1 {
			return "casque bleu a été tué"
		}
		return "casques bleus ont été tués"
	}
	var spellers []speller
	for _, st := range []enStyle{{}, {and: true}, {space: true}, {and: true, space: true, article: true}, {article: true}} {
		spellers = append(spellers, speller{"en", "words", func(n int) string { return spellEN(n, st) }, enNoun})
	}
	for _, r := range []region{france, belgium, switzerland} {
		for _, r1990 := range []bool{false, true} {
			st := frStyle{r, r1990}
			spellers = append(spellers, speller{"fr", "words", func(n int) string { return spellFR(n, st) }, frNoun})
		}
	}
	spellers = append(spellers,
		speller{"en", "figures", func(n int) string { return group(n, ",") }, enNoun},
		speller{"fr", "figures", func(n int) string { return group(n, "\u202f") }, frNoun},
		speller{"fr", "upper", func(n int) string { return strings.ToUpper(spellFR(n, frStyle{})) }, frNoun},
	)
	for _, sp := range spellers {
		for n := 0; n <= 10000; n++ {
			phrase := sp.spell(n)
			got, ok := numwords.Parse(phrase, sp.lang)
			if !ok || got.Value != n || got.Qualifier != numwords.Exact {
				t.Fatalf("%s %s: Parse(%q) = %+v, %v; want %d", sp.lang, sp.name, phrase, got, ok, n)
			}
			text := "Le Bilan : " + phrase + " " + sp.noun(n) + "."
			if sp.lang == "en" {
				text = "In total " + phrase + " " + sp.noun(n) + "."
			}
			found := numwords.Find(text, sp.lang)
			if len(found) != 1 || found[0].Value != n || text[found[0].Start:found[0].End] != phrase {
				t.Fatalf("%s %s: Find(%q) = %s; want %d", sp.lang, sp.name, text, show(text, found), n)
			}
		}
	}
}

// group writes n in figures with sep between thousands.
func group(n int, sep string) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}
