package numwords

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

// gap is what separates a token from the one before it. Number words join
// only across spaces and hyphens, so a comma or a full stop always ends a
// phrase: "four, five" is two counts.
type gap uint8

const (
	gapNone   gap = iota // touching: "21st", "S2", or the first token
	gapSpace             // white space only, line breaks included
	gapHyphen            // one hyphen and no space: "twenty-one"
	gapApos              // one apostrophe and no space: "l'un", "d'une"
	gapDash              // a dash, or a hyphen with spaces: "10–12", "10 - 12"
	gapOther             // anything else
)

// token is a word or a figure. Words are looked up once, when the text is
// cut, so that matching compares pointers and short strings, never text.
type token struct {
	start, end int
	gap        gap
	e          *entry // the word's entry; nil for figures and for words no rule knows
	digits     bool
	big        bool  // more digits than any count has
	val        int64 // figures: the integer part, separators dropped
	frac       int64 // figures: the decimals as written ("5" in "2.5")
	fracLen    int   // figures: how many decimals; 0 for an integer
}

// scan is one text cut into tokens. ctx is false in Parse, which has no
// surrounding text to judge a phrase by.
type scan struct {
	text string
	lx   *lexicon
	ctx  bool
	toks []token
	out  []Number

	// what has been seen since the last token, to make the next one's gap
	ws, hy, ap, da, ot int
}

// scans recycles token buffers: a statement has a few hundred tokens, and
// allocating them afresh would cost more than reading them.
var scans = sync.Pool{New: func() any { return &scan{toks: make([]token, 0, 256)} }}

func newScan(text string, lx *lexicon, ctx bool) *scan {
	s := scans.Get().(*scan)
	s.text, s.lx, s.ctx = text, lx, ctx
	s.toks = s.toks[:0]
	s.tokenize()
	return s
}

func (s *scan) release() {
	s.text = ""
	// A book-length text should not pin its buffer in the pool for ever.
	if cap(s.toks) > 1<<14 {
		s.toks = make([]token, 0, 256)
	}
	if cap(s.out) > 1<<10 {
		s.out = nil
	}
	scans.Put(s)
}

func (s *scan) tokenize() {
	text := s.text
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case '0' <= c && c <= '9':
				i = s.figure(i)
				continue
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
				i = s.word(i)
				continue
			case c == ' ', '\t' <= c && c <= '\r':
				s.ws++
			case c == '-':
				s.hy++
			case c == '\'':
				s.ap++
			default:
				s.ot++
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsLetter(r):
			i = s.word(i)
			continue
		case isApostrophe(r):
			s.ap++
		case r == '\u2010' || r == '\u2011':
			s.hy++
		case isDash(r):
			s.da++
		case unicode.IsSpace(r):
			s.ws++
		case unicode.Is(unicode.Cf, r), unicode.Is(unicode.Mn, r):
			// invisible: soft hyphens, zero-width spaces, stray accents
		default:
			s.ot++
		}
		i += n
	}
}

func (s *scan) push(t token) {
	switch {
	case len(s.toks) == 0:
		t.gap = gapNone
	case s.ot > 0:
		t.gap = gapOther
	case s.hy+s.ap+s.da == 0:
		if s.ws == 0 {
			t.gap = gapNone
		} else {
			t.gap = gapSpace
		}
	case s.ap == 1 && s.hy+s.da+s.ws == 0:
		t.gap = gapApos
	case s.hy == 1 && s.ap+s.da+s.ws == 0:
		t.gap = gapHyphen
	case s.ap == 0 && s.hy+s.da == 1:
		t.gap = gapDash
	default:
		t.gap = gapOther
	}
	s.ws, s.hy, s.ap, s.da, s.ot = 0, 0, 0, 0, 0
	s.toks = append(s.toks, t)
}

// maxWord is longer than any word in either lexicon; longer words are
// read to their end but not looked up.
const maxWord = 24

// word reads a run of letters from i, folded to lower-case ASCII without
// accents ("Vingt", "DIX", "deuxième", "zéro" in NFC or NFD), and looks it
// up.
func (s *scan) word(i int) int {
	var buf [maxWord]byte
	n := 0
	known := true
	put := func(b byte) {
		if n < maxWord {
			buf[n] = b
		}
		n++
	}
	text := s.text
	j := i
	for j < len(text) {
		c := text[j]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z':
				put(c)
			case 'A' <= c && c <= 'Z':
				put(c + 'a' - 'A')
			default:
				goto done
			}
			j++
			continue
		}
		r, w := utf8.DecodeRuneInString(text[j:])
		switch {
		case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Cf, r):
			// a combining accent (NFD input) or an invisible character
		case unicode.IsLetter(r):
			a, b := foldLatin(r)
			switch {
			case a == 0:
				known = false
			case b == 0:
				put(a)
			default:
				put(a)
				put(b)
			}
		default:
			goto done
		}
		j += w
	}
done:
	t := token{start: i, end: j}
	if known && n <= maxWord && s.lx.shapes.may(buf[:n]) {
		t.e = s.lx.words[string(buf[:n])]
	}
	s.push(t)
	return j
}

// foldLatin spells a Latin letter outside ASCII with the lower-case ASCII
// letters it is matched as; 0 for a letter no number word has.
func foldLatin(r rune) (byte, byte) {
	if 0xC0 <= r && r <= 0xDE && r != 0xD7 {
		r += 0x20
	}
	switch {
	case r == 0xDF:
		return 's', 's'
	case 0xE0 <= r && r <= 0xE5:
		return 'a', 0
	case r == 0xE6:
		return 'a', 'e'
	case r == 0xE7:
		return 'c', 0
	case 0xE8 <= r && r <= 0xEB:
		return 'e', 0
	case 0xEC <= r && r <= 0xEF:
		return 'i', 0
	case r == 0xF1:
		return 'n', 0
	case 0xF2 <= r && r <= 0xF6, r == 0xF8:
		return 'o', 0
	case 0xF9 <= r && r <= 0xFC:
		return 'u', 0
	case r == 0xFD, r == 0xFF, r == 0x178:
		return 'y', 0
	case r == 0x152, r == 0x153:
		return 'o', 'e'
	}
	return 0, 0
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '\u2019' || r == '\u2018' || r == '\u02bc'
}

func isDash(r rune) bool {
	return r == '\u2012' || r == '\u2013' || r == '\u2014' || r == '\u2015' || r == '\u2212'
}

// maxDigits is more than a count has; longer runs of digits are serial
// numbers or noise, and refusing them keeps the arithmetic in int64.
const maxDigits = 15

// figure reads digits from i: thousands grouped with the language's
// separators ("1,234", "1 234", "1.234", "1'234"), then decimals, which
// only a following "million" makes a count of ("1.5 million").
func (s *scan) figure(i int) int {
	text := s.text
	t := token{start: i, digits: true}
	j, v, nd := readDigits(text, i)
	if nd <= 3 {
		var sep rune = -1
		for j < len(text) {
			r, w := utf8.DecodeRuneInString(text[j:])
			if !s.lx.groupSep(r) || (sep >= 0 && r != sep) {
				break
			}
			k := j + w
			if k+3 > len(text) || !isDigit(text[k]) || !isDigit(text[k+1]) || !isDigit(text[k+2]) ||
				(k+3 < len(text) && isDigit(text[k+3])) {
				break
			}
			v = v*1000 + int64(text[k]-'0')*100 + int64(text[k+1]-'0')*10 + int64(text[k+2]-'0')
			nd += 3
			j, sep = k+3, r
			if nd > maxDigits {
				break
			}
		}
	}
	if j < len(text) {
		r, w := utf8.DecodeRuneInString(text[j:])
		if s.lx.decimalSep(r) && j+w < len(text) && isDigit(text[j+w]) {
			k, f, fd := readDigits(text, j+w)
			if fd > 9 {
				t.big = true
			}
			t.frac, t.fracLen = f, fd
			j = k
		}
	}
	t.val, t.end = v, j
	if nd > maxDigits {
		t.big = true
	}
	s.push(t)
	return j
}

func readDigits(text string, i int) (end int, v int64, n int) {
	for end = i; end < len(text) && isDigit(text[end]); end++ {
		if n < 18 {
			v = v*10 + int64(text[end]-'0')
		}
		n++
	}
	return end, v, n
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// runeBefore and runeAfter look at the raw text around a figure, for the
// signs that make it a date, a time, a share or a sum of money.
func runeBefore(text string, i int) (rune, int) {
	if i <= 0 {
		return -1, 0
	}
	r, w := utf8.DecodeLastRuneInString(text[:i])
	return r, i - w
}

func runeAfter(text string, i int) (rune, int) {
	if i >= len(text) {
		return -1, i
	}
	r, w := utf8.DecodeRuneInString(text[i:])
	return r, i + w
}
