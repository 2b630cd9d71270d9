package extract

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

var months = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
	"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
	"septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
	"dimanche": time.Sunday, "lundi": time.Monday, "mardi": time.Tuesday, "mercredi": time.Wednesday,
	"jeudi": time.Thursday, "vendredi": time.Friday, "samedi": time.Saturday,
}

const monthNames = `january|february|march|april|may|june|july|august|september|october|november|december|` +
	`janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre`

// The date patterns run on the folded text (lower case, no accents), so
// "Février" and "fevrier" are one; folding keeps byte offsets only for
// ASCII, so matches are mapped back through foldedText.
var (
	dayMonthYear = regexp.MustCompile(`\b(\d{1,2})(?:er|st|nd|rd|th)?\s+(` + monthNames + `)(?:\s+(\d{4}))?\b`)
	monthDayYear = regexp.MustCompile(`\b(` + monthNames + `)\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b`)
	relativeDay  = regexp.MustCompile(`\b(today|this morning|this afternoon|this evening|tonight|earlier today|yesterday|last night|the day before yesterday|aujourd'hui|ce matin|cet apres-midi|ce soir|cette nuit|hier soir|hier matin|hier|la nuit derniere|avant-hier)\b`)
	weekdayRe    = regexp.MustCompile(`\b(?:on|last|ce|le|dans la nuit de|dans la nuit du|the night of|dans la nuit de)?\s*(sunday|monday|tuesday|wednesday|thursday|friday|saturday|dimanche|lundi|mardi|mercredi|jeudi|vendredi|samedi)\b`)
)

// dateMention is a date the text gives, with where.
type dateMention struct {
	span
	date time.Time
	// yearGiven says the text wrote the year: a date without one takes
	// the statement's year.
	yearGiven bool
}

// foldedText is a statement folded for matching, with the way back to the
// original offsets: folding "é" to "e" shortens the text.
type foldedText struct {
	s    string
	orig []int // orig[i] is the offset in the original of folded byte i
}

func foldText(text string) foldedText {
	var b strings.Builder
	b.Grow(len(text))
	orig := make([]int, 0, len(text)+1)
	for i, r := range text {
		var f string
		switch {
		case r == '’' || r == 'ʼ':
			f = "'"
		case r < utf8.RuneSelf:
			f = strings.ToLower(string(r))
		case unicode.IsLetter(r):
			f = fold(string(r))
		default:
			// No-break spaces, dashes and quotes: one space keeps words
			// apart without a pattern having to know them.
			f = " "
		}
		for range len(f) {
			orig = append(orig, i)
		}
		b.WriteString(f)
	}
	orig = append(orig, len(text))
	return foldedText{s: b.String(), orig: orig}
}

func (f foldedText) back(start, end int) span { return span{f.orig[start], f.orig[end]} }

// dates finds every written date in the text.
func dates(ft foldedText, year int) []dateMention {
	var out []dateMention
	add := func(m []int, day, month, yr string) {
		d, _ := strconv.Atoi(day)
		mo := months[month]
		y, given := year, yr != ""
		if given {
			y, _ = strconv.Atoi(yr)
		}
		if d < 1 || d > 31 || mo == 0 || y == 0 {
			return
		}
		t := time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d {
			return
		}
		out = append(out, dateMention{span: ft.back(m[0], m[1]), date: t, yearGiven: given})
	}
	for _, m := range dayMonthYear.FindAllStringSubmatchIndex(ft.s, -1) {
		add(m, group(ft.s, m, 1), group(ft.s, m, 2), group(ft.s, m, 3))
	}
	for _, m := range monthDayYear.FindAllStringSubmatchIndex(ft.s, -1) {
		add(m, group(ft.s, m, 2), group(ft.s, m, 1), group(ft.s, m, 3))
	}
	return out
}

func group(s string, m []int, i int) string {
	if m[2*i] < 0 {
		return ""
	}
	return s[m[2*i]:m[2*i+1]]
}

// datelineDate is the statement's own date: a date with its year that
// opens a paragraph after a place at most ("New York, le 24 novembre
// 2017", "BAMAKO, 17 October 2022 –"), the last such one when there are
// several (a statement signs at its end what a page's header may date
// otherwise); failing that, a date with its year at the head of the first
// paragraph. The span is the whole dateline, place included, so that its
// city is not read as the attack's place.
func datelineDate(text string, ft foldedText, paras []span) (dateMention, span, bool) {
	all := dates(ft, 0)
	var found dateMention
	var line span
	ok := false
	// Each line is a possible dateline: a signature block puts a name on
	// the line before it.
	var lines []span
	for _, p := range paras {
		start := p.start
		for i := p.start; i <= p.end; i++ {
			if i == p.end || text[i] == '\n' {
				if l := trim(text, span{start, i}); l.end > l.start {
					lines = append(lines, l)
				}
				start = i + 1
			}
		}
	}
	for _, p := range lines {
		for _, d := range all {
			if !d.yearGiven || d.start < p.start || d.end > p.end {
				continue
			}
			head := text[p.start:d.start]
			// A place and a comma, at most: "New York, le ", "Bamako, ".
			if len(head) <= 40 && !strings.ContainsAny(strings.TrimRight(head, " ,"), ".;:") {
				found, ok = d, true
				end := d.end
				if rest := strings.TrimLeft(text[d.end:p.end], " "); strings.HasPrefix(rest, "–") || strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "—") {
					end = p.end - len(rest) + len(strings.SplitN(rest, " ", 2)[0])
				}
				line = span{p.start, end}
			}
			break
		}
	}
	return found, line, ok
}

// attackDate reads the date of the attack a sentence tells of, relative to
// the statement's date.
func attackDate(ft foldedText, s span, statement time.Time, written []dateMention) (time.Time, span, bool) {
	fs, fe := foldedRange(ft, s)
	sub := ft.s[fs:fe]
	if m := relativeDay.FindStringSubmatchIndex(sub); m != nil && !statement.IsZero() {
		word := sub[m[2]:m[3]]
		d := statement
		switch word {
		case "yesterday", "last night", "hier", "hier soir", "hier matin", "la nuit derniere":
			d = d.AddDate(0, 0, -1)
		case "the day before yesterday", "avant-hier":
			d = d.AddDate(0, 0, -2)
		}
		return d, ft.back(fs+m[2], fs+m[3]), true
	}
	for _, d := range written {
		if d.start >= s.start && d.end <= s.end {
			if !d.yearGiven && statement.IsZero() {
				// "On 10 April", in a statement whose own date is unknown.
				continue
			}
			t := d.date
			if !d.yearGiven {
				t = time.Date(statement.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
				if t.After(statement) {
					t = t.AddDate(-1, 0, 0)
				}
			}
			return t, d.span, true
		}
	}
	if m := weekdayRe.FindStringSubmatchIndex(sub); m != nil && !statement.IsZero() {
		wd := weekdays[sub[m[2]:m[3]]]
		back := (int(statement.Weekday()) - int(wd) + 7) % 7
		return statement.AddDate(0, 0, -back), ft.back(fs+m[2], fs+m[3]), true
	}
	return time.Time{}, span{}, false
}

// foldedRange finds the folded offsets of an original span.
func foldedRange(ft foldedText, s span) (int, int) {
	lo := sort.SearchInts(ft.orig, s.start)
	hi := sort.SearchInts(ft.orig, s.end)
	return lo, min(hi, len(ft.s))
}
