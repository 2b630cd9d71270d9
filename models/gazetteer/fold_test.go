package gazetteer_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"incidentdb/models/gazetteer"
)

func TestFold(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"menaka", "menaka"},
		{"MÉNAKA", "menaka"},
		{"Ménaka", "menaka"},
		{"Me\u0301naka", "menaka"}, // already decomposed
		{"Nioro-du-Sahel", "nioro du sahel"},
		{"Côte d'Ivoire", "cote d ivoire"},
		{"Côte d’Ivoire", "cote d ivoire"},
		{"  Ségou  ", "segou"},
		{"Dioïla", "dioila"},
		{"Taoudénit", "taoudenit"},
		{"ML-9", "ml 9"},
		{"ml_9", "ml 9"},
		{"St. Louis", "st louis"},
		{"a - _ ' . b", "a b"},
		{"a\t\n b", "a b"},
		{"a\u00a0b", "a b"},           // no-break space
		{"Kasa\u00ad\u00ef", "kasai"}, // soft hyphen is invisible
		{"Al Biqā‘", "al biqa"},
		{"Dar'ā", "dar a"},
		{"H̱efa", "hefa"},
		{"Ḩimş", "hims"},
		{"Lefkoşa", "lefkosa"},
		{"Gazimağusa", "gazimagusa"},
		{"İstanbul", "istanbul"},
		{"Łódź", "lodz"},
		{"Ærø", "aero"},
		{"Straße", "strasse"},
		{"Bandiagara—Douentza", "bandiagara douentza"},
		{"Congo, The Democratic Republic of the", "congo, the democratic republic of the"},
		{"Λευκωσία", "λευκωσια"},
		{"bad\xffbyte", "badbyte"},
		{"\x00ctrl\x7f", "ctrl"},
		{"'-._", ""},
	}
	for _, tt := range tests {
		if got := gazetteer.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// checkFolded asserts the properties every output of Fold has.
func checkFolded(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Fold(%q) = %q is not valid UTF-8", in, out)
	}
	if strings.HasPrefix(out, " ") || strings.HasSuffix(out, " ") || strings.Contains(out, "  ") {
		t.Fatalf("Fold(%q) = %q has stray spaces", in, out)
	}
	for _, r := range out {
		if unicode.Is(unicode.Mn, r) || strings.ContainsRune("-_.'’\t\n", r) || (unicode.IsSpace(r) && r != ' ') {
			t.Fatalf("Fold(%q) = %q keeps %U", in, out, r)
		}
	}
	if again := gazetteer.Fold(out); again != out {
		t.Fatalf("Fold not idempotent on %q: %q then %q", in, out, again)
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{
		"", "Ménaka", "MÉNAKA", "Nioro-du-Sahel", "Côte d'Ivoire", "Ḩimş", "H̱efa",
		"\xff\xfe", "a\u0301\u0301", "İ", "ẞ", "ǅ", "ﬁ", "\u00ad", " - ", "Ω\u2126", "\u0345",
		"\ufffd", "한국", "\U0010ffff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkFolded(t, s, gazetteer.Fold(s))
	})
}

// TestFoldAllRunes runs the fuzz property over every code point, alone and
// between letters, so the property holds for the whole of Unicode and not
// only for what the fuzzer happened to try.
func TestFoldAllRunes(t *testing.T) {
	if testing.Short() {
		t.Skip("walks all of Unicode")
	}
	var b strings.Builder
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		checkFolded(t, s, gazetteer.Fold(s))
		b.Reset()
		b.WriteString("A")
		b.WriteRune(r)
		b.WriteString("b")
		checkFolded(t, b.String(), gazetteer.Fold(b.String()))
	}
}

func TestFoldDoesNotAllocateWhenFolded(t *testing.T) {
	s := "nioro du sahel"
	if n := testing.AllocsPerRun(100, func() { _ = gazetteer.Fold(s) }); n != 0 {
		t.Errorf("Fold of a folded string allocates %v times", n)
	}
}

func BenchmarkFold(b *testing.B) {
	for _, bm := range []struct{ name, in string }{
		{"folded", "nioro du sahel"},
		{"ascii", "Nioro-du-Sahel"},
		{"accented", "Tanger-Tétouan-Al Hoceïma"},
		{"arabic-romanized", "Al Ḩasakah"},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = gazetteer.Fold(bm.in)
			}
		})
	}
}
