package gazetteer

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/unicode/norm"
)

// marks are what canonical decomposition splits accents into; dropping
// them is what makes "Ménaka" and "Menaka" the same name.
var marks = runes.In(unicode.Mn)

// iters recycles decomposition iterators: a norm.Iter holds a buffer of
// several hundred bytes that would otherwise be allocated on every call.
var iters = sync.Pool{New: func() any { return new(norm.Iter) }}

// invisible runes (soft hyphens, zero-width joiners, byte-order marks,
// directional marks) are dropped: pasted text carries them unseen, and a
// name must not stop matching because of something nobody can see.
var invisible = runes.In(unicode.Cf)

// Fold returns the form of s used for matching: Unicode NFD, combining
// marks dropped, lower-cased, and every run of spaces, hyphens, underscores,
// apostrophes and dots collapsed to a single space, trimmed at both ends.
// "MÉNAKA" gives "menaka", "Nioro-du-Sahel" gives "nioro du sahel",
// "Côte d'Ivoire" gives "cote d ivoire".
//
// Beyond the literal ASCII characters, the typographic apostrophes and
// quotes used in transliterations (’ ‘ ʼ ʻ ʾ ʿ ` ´ ′) and the Unicode
// dashes count as separators, and the few Latin letters whose diacritic is
// not a separable mark (ø, đ, ł, ħ, ı, æ, œ, ß, þ, ð) are spelled with their
// base letters, because people type them that way.
// Control characters, invisible formatting characters and bytes that are
// not valid UTF-8 are dropped, so Fold is total, and Fold(Fold(s)) ==
// Fold(s) for every s.
func Fold(s string) string {
	if isFolded(s) {
		return s
	}
	f := folder{}
	f.b.Grow(len(s))
	if isASCII(s) {
		for i := 0; i < len(s); i++ {
			f.ascii(s[i])
		}
		return f.b.String()
	}
	it := iters.Get().(*norm.Iter)
	defer iters.Put(it)
	it.InitString(norm.NFD, s)
	for !it.Done() {
		seg := it.Next()
		for len(seg) > 0 {
			r, n := utf8.DecodeRune(seg)
			seg = seg[n:]
			if r == utf8.RuneError && n == 1 {
				continue
			}
			f.rune(r)
		}
	}
	return f.b.String()
}

// folder accumulates folded output. A separator is only written when a
// later rune needs it, which collapses runs and trims the end for free.
type folder struct {
	b   strings.Builder
	sep bool
}

func (f *folder) put(c byte) {
	if f.sep {
		if f.b.Len() > 0 {
			f.b.WriteByte(' ')
		}
		f.sep = false
	}
	f.b.WriteByte(c)
}

func (f *folder) putRune(r rune) {
	if r < utf8.RuneSelf {
		f.put(byte(r))
		return
	}
	if f.sep {
		if f.b.Len() > 0 {
			f.b.WriteByte(' ')
		}
		f.sep = false
	}
	f.b.WriteRune(r)
}

func (f *folder) putString(s string) {
	for i := 0; i < len(s); i++ {
		f.put(s[i])
	}
}

func (f *folder) ascii(c byte) {
	switch {
	case 'A' <= c && c <= 'Z':
		f.put(c + 'a' - 'A')
	case c == ' ' || c == '-' || c == '_' || c == '\'' || c == '.' || c == '`' ||
		('\t' <= c && c <= '\r'):
		f.sep = true
	case c < ' ' || c == 0x7f:
		// control characters carry no letters
	default:
		f.put(c)
	}
}

func (f *folder) rune(r rune) {
	if r < utf8.RuneSelf {
		f.ascii(byte(r))
		return
	}
	switch {
	case isSeparator(r):
		f.sep = true
		return
	case marks.Contains(r), invisible.Contains(r), unicode.IsControl(r):
		return
	}
	r = unicode.ToLower(r)
	if s, ok := baseLetters[r]; ok {
		f.putString(s)
		return
	}
	f.putRune(r)
}

// baseLetters spells letters whose diacritic survives NFD with the letters
// people substitute for them on a plain keyboard.
var baseLetters = map[rune]string{
	'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'ħ': "h", 'ı': "i",
	'æ': "ae", 'œ': "oe", 'ß': "ss", 'þ': "th",
}

func isSeparator(r rune) bool {
	switch r {
	case '\u2019', '\u2018', '\u02bc', '\u02bb', '\u02be', '\u02bf', '\u00b4', '\u2032', // apostrophes
		'\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\ufe58', '\ufe63', '\uff0d': // dashes
		return true
	}
	return unicode.IsSpace(r)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isFolded reports whether Fold would return s unchanged, so that already
// folded keys, the common case when matching stored names, cost nothing.
func isFolded(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, 'A' <= c && c <= 'Z', c < ' ', c == 0x7f,
			c == '-', c == '_', c == '\'', c == '.', c == '`':
			return false
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		default:
			prevSpace = false
		}
	}
	return true
}

// compact keeps only the letters and digits of a folded string, so that
// "M'Bomou" meets "Mbomou" and "Cote dIvoire" meets "Côte d'Ivoire".
func compact(folded string) string {
	for i := 0; i < len(folded); i++ {
		c := folded[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return compactSlow(folded)
		}
	}
	return folded
}

func compactSlow(folded string) string {
	var b strings.Builder
	b.Grow(len(folded))
	for _, r := range folded {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
