package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"incidentdb/models/gazetteer"
)

// span is a stretch of the statement, by byte offsets.
type span struct{ start, end int }

// sentences cuts text into sentences, keeping their offsets. A full stop
// ends a sentence when a space and an upper-case letter (or the end)
// follow and it does not close a short abbreviation ("M.", "St.").
func sentences(text string, within span) []span {
	var out []span
	start := within.start
	for i := within.start; i < within.end; {
		r, w := utf8.DecodeRuneInString(text[i:])
		next := i + w
		if r == '\n' && next < within.end && text[next] == '\n' || (r == '.' || r == '!' || r == '?' || r == ';') && endsSentence(text, start, i, next, within.end) {
			if s := trim(text, span{start, next}); s.end > s.start {
				out = append(out, s)
			}
			start = next
		}
		i = next
	}
	if s := trim(text, span{start, within.end}); s.end > s.start {
		out = append(out, s)
	}
	return out
}

func endsSentence(text string, start, dot, next, end int) bool {
	if text[dot] == ';' {
		return false
	}
	if next >= end {
		return true
	}
	rest := text[next:end]
	trimmed := strings.TrimLeft(rest, " \t\r\n")
	if len(trimmed) == len(rest) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(trimmed)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) && r != '"' && r != '«' {
		return false
	}
	// "M. Guterres", "St. Martin": one or two letters before the stop.
	word := lastWord(text[start:dot])
	return !(utf8.RuneCountInString(word) <= 2 && word != "" && unicode.IsUpper([]rune(word)[0]))
}

func lastWord(s string) string {
	i := strings.LastIndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	return s[i+1:]
}

func trim(text string, s span) span {
	for s.start < s.end {
		r, w := utf8.DecodeRuneInString(text[s.start:])
		if !unicode.IsSpace(r) {
			break
		}
		s.start += w
	}
	for s.end > s.start {
		r, w := utf8.DecodeLastRuneInString(text[:s.end])
		if !unicode.IsSpace(r) {
			break
		}
		s.end -= w
	}
	return s
}

// paragraphs cuts text at blank lines.
func paragraphs(text string) []span {
	var out []span
	start := 0
	for {
		i := strings.Index(text[start:], "\n\n")
		if i < 0 {
			if s := trim(text, span{start, len(text)}); s.end > s.start {
				out = append(out, s)
			}
			return out
		}
		if s := trim(text, span{start, start + i}); s.end > s.start {
			out = append(out, s)
		}
		start += i + 2
	}
}

// The commonest short words of each language: enough to tell a
// paragraph's language apart, and cheap.
var stopwords = map[string][2]int{
	"the": {1, 0}, "and": {1, 0}, "of": {1, 0}, "in": {1, 0}, "to": {1, 0}, "was": {1, 0}, "were": {1, 0},
	"has": {1, 0}, "have": {1, 0}, "by": {1, 0}, "on": {1, 0}, "with": {1, 0}, "their": {1, 0}, "that": {1, 0},
	"le": {0, 1}, "la": {0, 1}, "les": {0, 1}, "des": {0, 1}, "du": {0, 1}, "et": {0, 1}, "ont": {0, 1},
	"été": {0, 1}, "dans": {0, 1}, "une": {0, 1}, "aux": {0, 1}, "sur": {0, 1}, "pour": {0, 1}, "est": {0, 1}, "qui": {0, 1},
}

// languageOf says whether a stretch reads as English or French, or "" when
// it has too few common words to tell.
func languageOf(text string, s span) string {
	var en, fr int
	for _, w := range strings.FieldsFunc(strings.ToLower(text[s.start:s.end]), func(r rune) bool { return !unicode.IsLetter(r) && r != 'é' }) {
		if c, ok := stopwords[w]; ok {
			en += c[0]
			fr += c[1]
		}
	}
	switch {
	case en+fr < 3:
		return ""
	case en > fr:
		return "en"
	case fr > en:
		return "fr"
	}
	return ""
}

// fold is the gazetteer's folding: lower case, no accents, so that words
// compare however they were typed.
func fold(s string) string { return gazetteer.Fold(s) }
