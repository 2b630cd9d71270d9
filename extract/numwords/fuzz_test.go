package numwords_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"incidentdb/extract/numwords"
)

// fuzzSeeds are phrases of both languages that reach every rule.
var fuzzSeeds = []string{
	"", "21", "1,234", "1 234", "1.234", "1\u202f234", "1,5 million", "2.5", "twenty-one", "a hundred and five",
	"more than 20", "at least ten", "a dozen", "dozens of", "two or three", "between 10 and 12", "10-12",
	"one of the", "a peacekeeper", "no casualties", "No one", "24 November 2017", "20 %", "21st",
	"vingt et un", "vingt-et-un", "soixante-dix-sept", "quatre-vingt-dix", "deux cent trente", "trois cents",
	"septante", "huitante", "nonante", "plus d'une dizaine", "jusqu’à 30", "l'un des", "un casque bleu",
	"aucune victime", "des dizaines de milliers", "un certain nombre de", "de 10 à 12", "vingt-deuxième",
	"ze\u0301ro", "DIX", "10 h 30", "vingt pour cent", "COVID-19", "S/2017/123", "US$ 5", "\xff21\xfe",
	"Trois casques bleus ont été tués et 12 blessés ; deux civils sont morts.",
	"At least 21 peacekeepers, some 12 000 civilians and a number of soldiers.",
}

// FuzzFind: Find never panics, its numbers are in order, apart, on rune
// boundaries, consistent, and each reads back the same through Parse.
func FuzzFind(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, fr bool) {
		lang := "en"
		if fr {
			lang = "fr"
		}
		checkFindReadsBack(t, text, lang)
	})
}

// FuzzParse: Parse never panics, and what it accepts is consistent and
// reads the same again from its own offsets.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, phrase string, fr bool) {
		lang := "en"
		if fr {
			lang = "fr"
		}
		n, ok := numwords.Parse(phrase, lang)
		if !ok {
			return
		}
		if n.Start < 0 || n.End <= n.Start || n.End > len(phrase) {
			t.Fatalf("Parse(%q): [%d:%d]", phrase, n.Start, n.End)
		}
		checkNumber(t, phrase, n)
		again, ok := numwords.Parse(phrase[n.Start:n.End], lang)
		if !ok || again.Value != n.Value || again.Qualifier != n.Qualifier || again.Low != n.Low || again.High != n.High {
			t.Fatalf("Parse(%q) = %+v, but Parse(%q) = %+v, %v", phrase, n, phrase[n.Start:n.End], again, ok)
		}
	})
}

// checkFindReadsBack checks what FuzzFind promises of Find(text, lang).
func checkFindReadsBack(t *testing.T, text, lang string) {
	t.Helper()
	boundary := map[int]bool{len(text): true}
	for i := range text {
		boundary[i] = true
	}
	prev := 0
	for _, n := range numwords.Find(text, lang) {
		if n.Start < prev || n.End <= n.Start || n.End > len(text) {
			t.Fatalf("Find(%q): [%d:%d] after %d", text, n.Start, n.End, prev)
		}
		if !boundary[n.Start] || !boundary[n.End] {
			t.Fatalf("Find(%q): [%d:%d] cuts a rune", text, n.Start, n.End)
		}
		prev = n.End
		checkNumber(t, text, n)
		phrase := text[n.Start:n.End]
		p, ok := numwords.Parse(phrase, lang)
		if !ok {
			t.Fatalf("Find(%q) found %q, which Parse refuses", text, phrase)
		}
		if p.Value != n.Value || p.Qualifier != n.Qualifier || p.Low != n.Low || p.High != n.High ||
			p.Start != 0 || p.End != len(phrase) {
			t.Fatalf("Find(%q) found %q as %+v, Parse reads %+v", text, phrase, n, p)
		}
	}
}

func checkNumber(t *testing.T, text string, n numwords.Number) {
	t.Helper()
	switch n.Qualifier {
	case numwords.Exact, numwords.AtLeast, numwords.AtMost, numwords.Approximate:
		if n.Low != 0 || n.High != 0 || n.Value < 0 {
			t.Fatalf("%q: %+v", text, n)
		}
	case numwords.Range:
		if n.Low >= n.High || n.Value != n.Low || n.Low < 0 {
			t.Fatalf("%q: range %+v", text, n)
		}
	case numwords.Unknown:
		if n.Value != 0 || n.Low != 0 || n.High != 0 {
			t.Fatalf("%q: unknown %+v", text, n)
		}
	default:
		t.Fatalf("%q: qualifier %q", text, n.Qualifier)
	}
}

// vocabulary is what TestWordSoup builds texts from: number words, their
// qualifiers and neighbours, in both languages, so that random texts reach
// the grammar that random bytes seldom do.
var vocabulary = strings.Fields(`zero one two three four five nine ten eleven twelve nineteen twenty
	thirty ninety hundred thousand million billion dozen dozens a an and or to of the no not by between
	from at least most more than over up as many fewer less about some nearly so odd several few number
	handful tens hundreds thousands first second twenty-first hundredth third thirds half per cent percent
	peacekeeper peacekeepers casualties one's May November am year old
	zéro un une deux trois quatre cinq six sept huit neuf dix onze seize vingt vingts trente soixante
	septante huitante nonante cent cents mille millions milliard dizaine dizaines douzaine centaine
	millier milliers et ou de d' des l' à au moins plus pas jusqu' près environ quelque quelques plusieurs
	certain nombre nombreux entre premier deuxième unième dixième tiers pour casque bleu victime aucun
	aucune novembre h 0 1 2 10 12 20 21 100 999 1000 1,234 1 234 1.5 2,5 1'000`)

var separators = []string{" ", " ", " ", "-", "-", ", ", ". ", "'", "’", "–", "/", "%", "", "\u00a0", " - "}

// TestWordSoup holds Find to FuzzFind's promises on texts made of number
// words.
func TestWordSoup(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	rounds := 200000
	if testing.Short() {
		rounds = 20000
	}
	for range rounds {
		b.Reset()
		for n := 1 + r.IntN(8); n > 0; n-- {
			w := vocabulary[r.IntN(len(vocabulary))]
			if r.IntN(8) == 0 {
				w = strings.ToUpper(w)
			}
			b.WriteString(w)
			b.WriteString(separators[r.IntN(len(separators))])
		}
		for _, lang := range []string{"en", "fr"} {
			checkFindReadsBack(t, b.String(), lang)
		}
	}
}
