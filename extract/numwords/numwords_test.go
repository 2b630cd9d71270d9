package numwords_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"incidentdb/extract/numwords"
)

// want is one count Find should report: the phrase as it stands in the
// text (which checks Start and End), its qualifier and values.
type want struct {
	phrase string
	q      numwords.Qualifier
	v      int
	lo, hi int
}

func exact(p string, v int) want        { return want{p, numwords.Exact, v, 0, 0} }
func atLeast(p string, v int) want      { return want{p, numwords.AtLeast, v, 0, 0} }
func atMost(p string, v int) want       { return want{p, numwords.AtMost, v, 0, 0} }
func approx(p string, v int) want       { return want{p, numwords.Approximate, v, 0, 0} }
func unknown(p string) want             { return want{p, numwords.Unknown, 0, 0, 0} }
func between(p string, lo, hi int) want { return want{p, numwords.Range, lo, lo, hi} }

type findCase struct {
	text string
	want []want
}

func checkFind(t *testing.T, lang string, cases []findCase) {
	t.Helper()
	for _, c := range cases {
		got := numwords.Find(c.text, lang)
		if msg := compare(c.text, got, c.want); msg != "" {
			t.Errorf("Find(%q, %q): %s\n got  %s\n want %s", c.text, lang, msg, show(c.text, got), showWant(c.want))
		}
	}
}

func compare(text string, got []numwords.Number, ws []want) string {
	if len(got) != len(ws) {
		return fmt.Sprintf("%d numbers, want %d", len(got), len(ws))
	}
	from := 0
	for i, n := range got {
		w := ws[i]
		// The phrase must be the first one at or after the previous
		// number, so a phrase that occurs twice is checked at the right
		// place.
		at := indexWord(text, from, w.phrase)
		if at < 0 || n.Start != at || n.End != at+len(w.phrase) {
			return fmt.Sprintf("number %d at [%d:%d], want %q", i, n.Start, n.End, w.phrase)
		}
		from = n.End
		if n.Qualifier != w.q || n.Value != w.v || n.Low != w.lo || n.High != w.hi {
			return fmt.Sprintf("number %d is %s", i, showOne(text, n))
		}
	}
	return ""
}

// indexWord finds phrase in text at or after from, not inside a word.
func indexWord(text string, from int, phrase string) int {
	for from <= len(text) {
		at := strings.Index(text[from:], phrase)
		if at < 0 {
			return -1
		}
		at += from
		before, _ := utf8.DecodeLastRuneInString(text[:at])
		after, _ := utf8.DecodeRuneInString(text[at+len(phrase):])
		if !unicode.IsLetter(before) && !unicode.IsDigit(before) && !unicode.IsLetter(after) && !unicode.IsDigit(after) {
			return at
		}
		from = at + 1
	}
	return -1
}

func showOne(text string, n numwords.Number) string {
	s := fmt.Sprintf("%q %s %d", text[n.Start:n.End], n.Qualifier, n.Value)
	if n.Qualifier == numwords.Range {
		s += fmt.Sprintf(" [%d-%d]", n.Low, n.High)
	}
	return s
}

func show(text string, ns []numwords.Number) string {
	var parts []string
	for _, n := range ns {
		parts = append(parts, showOne(text, n))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func showWant(ws []want) string {
	var parts []string
	for _, w := range ws {
		s := fmt.Sprintf("%q %s %d", w.phrase, w.q, w.v)
		if w.q == numwords.Range {
			s += fmt.Sprintf(" [%d-%d]", w.lo, w.hi)
		}
		parts = append(parts, s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func TestFindEnglish(t *testing.T) {
	checkFind(t, "en", []findCase{
		// figures
		{"21 peacekeepers were killed", []want{exact("21", 21)}},
		{"a total of 1,234 people", []want{exact("1,234", 1234)}},
		{"some 12 000 troops", []want{approx("some 12 000", 12000)}},
		{"1\u00a0234 civilians", []want{exact("1\u00a0234", 1234)}},
		{"2 million people displaced", []want{exact("2 million", 2000000)}},
		{"1.5 million people", []want{exact("1.5 million", 1500000)}},
		{"2.5 people", nil},
		{"1,234,567 rounds", []want{exact("1,234,567", 1234567)}},
		{"1,2345", nil},
		// words
		{"four soldiers", []want{exact("four", 4)}},
		{"Twenty-one peacekeepers", []want{exact("Twenty-one", 21)}},
		{"twenty one peacekeepers", []want{exact("twenty one", 21)}},
		{"a hundred and five civilians", []want{exact("a hundred and five", 105)}},
		{"one hundred five civilians", []want{exact("one hundred five", 105)}},
		{"twelve hundred refugees", []want{exact("twelve hundred", 1200)}},
		{"two thousand and five households", []want{exact("two thousand and five", 2005)}},
		{"two thousand three hundred and forty-five", []want{exact("two thousand three hundred and forty-five", 2345)}},
		{"a thousand and one nights", []want{exact("a thousand and one", 1001)}},
		{"three million", []want{exact("three million", 3000000)}},
		{"ZERO casualties", []want{exact("ZERO", 0)}},
		{"ten and five", []want{exact("ten", 10), exact("five", 5)}},
		{"four, five", []want{exact("four", 4), exact("five", 5)}},
		{"five four", []want{exact("five", 5), exact("four", 4)}},
		// qualifiers
		{"at least ten civilians", []want{atLeast("at least ten", 10)}},
		{"At least 21 killed", []want{atLeast("At least 21", 21)}},
		{"more than 20 peacekeepers", []want{atLeast("more than 20", 21)}},
		{"over a hundred people", []want{atLeast("over a hundred", 101)}},
		{"no fewer than six", []want{atLeast("no fewer than six", 6)}},
		{"more than a dozen", []want{atLeast("more than a dozen", 13)}},
		{"more than one", []want{atLeast("more than one", 2)}},
		{"up to 30 people", []want{atMost("up to 30", 30)}},
		{"as many as 30", []want{atMost("as many as 30", 30)}},
		{"no more than five", []want{atMost("no more than five", 5)}},
		{"fewer than 10", []want{atMost("fewer than 10", 9)}},
		{"less than one", []want{atMost("less than one", 0)}},
		{"about 20 attackers", []want{approx("about 20", 20)}},
		{"around forty", []want{approx("around forty", 40)}},
		{"an estimated 200 people", []want{approx("an estimated 200", 200)}},
		{"nearly 100 civilians", []want{approx("nearly 100", 100)}},
		{"20 or so", []want{approx("20 or so", 20)}},
		{"twenty-odd", []want{approx("twenty-odd", 20)}},
		{"20 or more", []want{atLeast("20 or more", 20)}},
		{"a dozen peacekeepers", []want{approx("a dozen", 12)}},
		{"two dozen", []want{approx("two dozen", 24)}},
		{"half a dozen", []want{approx("half a dozen", 6)}},
		{"a couple of soldiers", []want{approx("a couple of", 2)}},
		// unknown
		{"several peacekeepers", []want{unknown("several")}},
		{"several hundred people", []want{unknown("several hundred")}},
		{"a number of civilians", []want{unknown("a number of")}},
		{"a few soldiers", []want{unknown("a few")}},
		{"a handful of", []want{unknown("a handful of")}},
		{"dozens of civilians", []want{unknown("dozens")}},
		{"scores were injured", []want{unknown("scores")}},
		{"hundreds of thousands of people", []want{unknown("hundreds of thousands")}},
		{"tens of thousands", []want{unknown("tens of thousands")}},
		{"tens", nil},
		{"numerous attacks", []want{unknown("numerous")}},
		// ranges
		{"two or three peacekeepers", []want{between("two or three", 2, 3)}},
		{"10 to 12 civilians", []want{between("10 to 12", 10, 12)}},
		{"10-12 civilians", []want{between("10-12", 10, 12)}},
		{"10\u201312 civilians", []want{between("10\u201312", 10, 12)}},
		{"between 10 and 12", []want{between("between 10 and 12", 10, 12)}},
		{"between ten and fifteen", []want{between("between ten and fifteen", 10, 15)}},
		{"from 10 to 12", []want{between("from 10 to 12", 10, 12)}},
		{"one or two", []want{between("one or two", 1, 2)}},
		{"two to three million", []want{between("two to three million", 2000000, 3000000)}},
		{"about 10 to 15", []want{between("about 10 to 15", 10, 15)}},
		{"three or two", []want{exact("three", 3), exact("two", 2)}},
		{"from 3 to 5 November", nil},
		// one, a, an, no
		{"one peacekeeper was killed", []want{exact("one", 1)}},
		{"an attack in which one peacekeeper was killed", []want{exact("one", 1)}},
		{"reported that one peacekeeper died", []want{exact("one", 1)}},
		{"not one peacekeeper", nil},
		{"one of the peacekeepers", nil},
		{"the one who", nil},
		{"one another", nil},
		{"one's life", nil},
		{"one by one", nil},
		{"A peacekeeper was killed", []want{exact("A", 1)}},
		{"an Egyptian police officer", []want{exact("an", 1)}},
		{"a Chadian MINUSMA peacekeeper", []want{exact("a", 1)}},
		{"a convoy", nil},
		{"an attack on civilian targets", nil},
		{"not a single peacekeeper", nil},
		{"no casualties were reported", []want{exact("no", 0)}},
		{"no civilian casualties", []want{exact("no", 0)}},
		{"No one was injured", []want{exact("No one", 0)}},
		{"no longer", nil},
		{"no reports of casualties", nil},
		// not counts
		{"the first peacekeeper", nil},
		{"the twenty-first century", nil},
		{"the 21st attack", nil},
		{"one hundred and first", nil},
		{"the second convoy", nil},
		{"two second", []want{exact("two", 2)}},
		{"on 24 November 2017", nil},
		{"in May 2017", nil},
		{"November 24", nil},
		{"21 may have died", []want{exact("21", 21)}},
		{"on 21 May, two", []want{exact("21", 21), exact("two", 2)}},
		{"24/11/2017", nil},
		{"S/2017/123", nil},
		{"at 10:30", nil},
		{"at 10 a.m.", nil},
		{"at 10am", nil},
		{"20 per cent of", nil},
		{"20 percent", nil},
		{"20 %", nil},
		{"20%", nil},
		{"two thirds of", nil},
		{"one-third", nil},
		{"US$ 5 million", nil},
		{"$20", nil},
		{"a 12-year-old girl", nil},
		{"COVID-19", nil},
		{"G5 Sahel", nil},
		{"1,2", nil},
		{"on 3 and 4 June", nil},
		{"between 2 and 3 p.m.", nil},
		{"a five-year-old", nil},
		{"20 per cent", nil},
		// mixed
		{"Three peacekeepers were killed and 12 wounded, while 2 civilians died.",
			[]want{exact("Three", 3), exact("12", 12), exact("2", 2)}},
	})
}

func TestFindFrench(t *testing.T) {
	checkFind(t, "fr", []findCase{
		// chiffres
		{"21 casques bleus", []want{exact("21", 21)}},
		{"1 234 personnes", []want{exact("1 234", 1234)}},
		{"1\u202f234 personnes", []want{exact("1\u202f234", 1234)}},
		{"1.234 personnes", []want{exact("1.234", 1234)}},
		{"1'234 personnes", []want{exact("1'234", 1234)}},
		{"1,5 million de déplacés", []want{exact("1,5 million", 1500000)}},
		{"2,5 personnes", nil},
		{"3 000 000 d'habitants", []want{exact("3 000 000", 3000000)}},
		// lettres
		{"quatre soldats", []want{exact("quatre", 4)}},
		{"vingt et un casques bleus", []want{exact("vingt et un", 21)}},
		{"vingt-et-un casques bleus", []want{exact("vingt-et-un", 21)}},
		{"vingt et une victimes", []want{exact("vingt et une", 21)}},
		{"soixante-dix-sept", []want{exact("soixante-dix-sept", 77)}},
		{"soixante et onze", []want{exact("soixante et onze", 71)}},
		{"soixante-douze", []want{exact("soixante-douze", 72)}},
		{"quatre-vingts", []want{exact("quatre-vingts", 80)}},
		{"quatre-vingt-un", []want{exact("quatre-vingt-un", 81)}},
		{"quatre-vingt-dix", []want{exact("quatre-vingt-dix", 90)}},
		{"quatre-vingt-dix-neuf", []want{exact("quatre-vingt-dix-neuf", 99)}},
		{"quatre vingt onze", []want{exact("quatre vingt onze", 91)}},
		{"deux cent trente", []want{exact("deux cent trente", 230)}},
		{"trois cents", []want{exact("trois cents", 300)}},
		{"cent un", []want{exact("cent un", 101)}},
		{"mille", []want{exact("mille", 1000)}},
		{"deux mille trois cent quarante-cinq", []want{exact("deux mille trois cent quarante-cinq", 2345)}},
		{"deux-mille-trois-cent-quarante-et-un", []want{exact("deux-mille-trois-cent-quarante-et-un", 2341)}},
		{"un million de personnes", []want{exact("un million", 1000000)}},
		{"deux millions", []want{exact("deux millions", 2000000)}},
		{"Vingt casques bleus", []want{exact("Vingt", 20)}},
		{"DIX soldats", []want{exact("DIX", 10)}},
		{"zéro victime", []want{exact("zéro", 0)}},
		{"dix-sept", []want{exact("dix-sept", 17)}},
		{"dix sept", []want{exact("dix sept", 17)}},
		{"seize", []want{exact("seize", 16)}},
		// Belgique, Suisse
		{"septante", []want{exact("septante", 70)}},
		{"septante et un", []want{exact("septante et un", 71)}},
		{"septante-sept", []want{exact("septante-sept", 77)}},
		{"huitante-deux", []want{exact("huitante-deux", 82)}},
		{"octante", []want{exact("octante", 80)}},
		{"nonante-neuf", []want{exact("nonante-neuf", 99)}},
		{"deux cent nonante", []want{exact("deux cent nonante", 290)}},
		// accents, NFD, apostrophes
		{"ze\u0301ro", []want{exact("ze\u0301ro", 0)}},
		{"plus d\u2019une dizaine", []want{atLeast("plus d\u2019une dizaine", 11)}},
		// qualificatifs
		{"au moins dix civils", []want{atLeast("au moins dix", 10)}},
		{"Au moins 21 morts", []want{atLeast("Au moins 21", 21)}},
		{"plus de 20 casques bleus", []want{atLeast("plus de 20", 21)}},
		{"plus d'un casque bleu", []want{atLeast("plus d'un", 2)}},
		{"au moins un soldat", []want{atLeast("au moins un", 1)}},
		{"au-delà de 100", []want{atLeast("au-delà de 100", 101)}},
		{"pas moins de 30", []want{atLeast("pas moins de 30", 30)}},
		{"jusqu'à 30 personnes", []want{atMost("jusqu'à 30", 30)}},
		{"jusqu’à trente", []want{atMost("jusqu’à trente", 30)}},
		{"au plus cinq", []want{atMost("au plus cinq", 5)}},
		{"au plus tard le 24 novembre", nil},
		{"moins de 10", []want{atMost("moins de 10", 9)}},
		{"environ 200 assaillants", []want{approx("environ 200", 200)}},
		{"près de 100 personnes", []want{approx("près de 100", 100)}},
		{"près d'un millier", []want{approx("près d'un millier", 1000)}},
		{"quelque 200 personnes", []want{approx("quelque 200", 200)}},
		{"à peu près 50", []want{approx("à peu près 50", 50)}},
		{"une dizaine de blessés", []want{approx("une dizaine", 10)}},
		{"une douzaine", []want{approx("une douzaine", 12)}},
		{"une quinzaine", []want{approx("une quinzaine", 15)}},
		{"une vingtaine", []want{approx("une vingtaine", 20)}},
		{"une centaine", []want{approx("une centaine", 100)}},
		{"un millier de personnes", []want{approx("un millier", 1000)}},
		{"une dizaine de milliers de personnes", []want{approx("une dizaine de milliers", 10000)}},
		{"une demi-douzaine", []want{approx("une demi-douzaine", 6)}},
		{"20 ou plus", []want{atLeast("20 ou plus", 20)}},
		// inconnus
		{"plusieurs casques bleus", []want{unknown("plusieurs")}},
		{"plusieurs centaines de personnes", []want{unknown("plusieurs centaines")}},
		{"un certain nombre de civils", []want{unknown("un certain nombre de")}},
		{"un certain nombre d'enfants", []want{unknown("un certain nombre d")}},
		{"des dizaines de civils", []want{unknown("des dizaines")}},
		{"des dizaines de milliers de personnes", []want{unknown("des dizaines de milliers")}},
		{"des milliers", []want{unknown("des milliers")}},
		{"quelques soldats", []want{unknown("quelques")}},
		{"de nombreux civils", []want{unknown("de nombreux")}},
		{"des casques bleus", nil},
		// intervalles
		{"deux ou trois casques bleus", []want{between("deux ou trois", 2, 3)}},
		{"un ou deux", []want{between("un ou deux", 1, 2)}},
		{"entre 10 et 12", []want{between("entre 10 et 12", 10, 12)}},
		{"de 10 à 12 morts", []want{between("de 10 à 12", 10, 12)}},
		{"10 à 12", []want{between("10 à 12", 10, 12)}},
		{"entre deux et trois millions", []want{between("entre deux et trois millions", 2000000, 3000000)}},
		// un, une, aucun
		{"un casque bleu a été tué", []want{exact("un", 1)}},
		{"Un Casque bleu tchadien", []want{exact("Un", 1)}},
		{"une autre victime", []want{exact("une", 1)}},
		{"la mort d'un casque bleu", []want{exact("un", 1)}},
		{"l'un des casques bleus", nil},
		{"l’une des victimes", nil},
		{"un des soldats", nil},
		{"un engin explosif improvisé", nil},
		{"pas un soldat", nil},
		{"aucune victime", []want{exact("aucune", 0)}},
		{"aucun blessé", []want{exact("aucun", 0)}},
		{"aucun doute", nil},
		// pas des nombres
		{"le premier casque bleu", nil},
		{"la deuxième attaque", nil},
		{"le vingt et unième siècle", nil},
		{"vingt-deuxième", nil},
		{"quatre-vingt-dixième", nil},
		{"le 1er novembre", nil},
		{"la 2e compagnie", nil},
		{"le 24 novembre 2017", nil},
		{"en novembre 2017", nil},
		{"à 10 h 30", nil},
		{"20 %", nil},
		{"20\u00a0%", nil},
		{"vingt pour cent", nil},
		{"deux tiers", nil},
		{"10,5", nil},
		{"5 000 € volés", nil},
		{"les 3 et 4 juin", nil},
		{"dernières 24 heures", []want{exact("24", 24)}},
		{"dix-neuf cents", []want{exact("dix-neuf cents", 1900)}},
		{"moins d'une dizaine", []want{atMost("moins d'une dizaine", 9)}},
		{"entre un et trois", []want{between("entre un et trois", 1, 3)}},
		{"entre 10 et 12 h", nil},
		{"Trois casques bleus ont été tués et 12 blessés ; deux civils sont morts.",
			[]want{exact("Trois", 3), exact("12", 12), exact("deux", 2)}},
	})
}

func TestFindLanguage(t *testing.T) {
	for _, lang := range []string{"", "de", "e", "english", "EN"} {
		got := numwords.Find("21 peacekeepers", lang)
		if lang == "EN" {
			if len(got) != 1 {
				t.Errorf("Find in %q: %v", lang, got)
			}
			continue
		}
		if got != nil {
			t.Errorf("Find in %q: %v, want nil", lang, got)
		}
	}
	for _, lang := range []string{"fr-BE", "fr_CH", "en-GB"} {
		if got := numwords.Find("21", lang); len(got) != 1 {
			t.Errorf("Find in %q: %v", lang, got)
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		lang, phrase string
		ok           bool
		want         want
	}{
		{"en", "twenty-one", true, exact("twenty-one", 21)},
		{"en", "  more than twenty ", true, atLeast("more than twenty", 21)},
		{"en", "a", true, exact("a", 1)},
		{"en", "no", true, exact("no", 0)},
		{"en", "no one", true, exact("no one", 0)},
		{"en", "one", true, exact("one", 1)},
		{"en", "between 10 and 12", true, between("between 10 and 12", 10, 12)},
		{"en", "several", true, unknown("several")},
		{"en", "twenty-one peacekeepers", false, want{}},
		{"en", "21.", false, want{}},
		{"en", "first", false, want{}},
		{"en", "2.5", false, want{}},
		{"en", "", false, want{}},
		{"en", "five four", false, want{}},
		{"fr", "un", true, exact("un", 1)},
		{"fr", "quatre-vingt-dix", true, exact("quatre-vingt-dix", 90)},
		{"fr", "une dizaine", true, approx("une dizaine", 10)},
		{"fr", "aucune", true, exact("aucune", 0)},
		{"fr", "deuxième", false, want{}},
		{"de", "zwei", false, want{}},
	} {
		n, ok := numwords.Parse(c.phrase, c.lang)
		if ok != c.ok {
			t.Errorf("Parse(%q, %q) ok = %v, want %v (%+v)", c.phrase, c.lang, ok, c.ok, n)
			continue
		}
		if !ok {
			continue
		}
		if msg := compare(c.phrase, []numwords.Number{n}, []want{c.want}); msg != "" {
			t.Errorf("Parse(%q, %q): %s", c.phrase, c.lang, msg)
		}
	}
}
