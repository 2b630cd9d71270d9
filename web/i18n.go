package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"incidentdb/models"
)

// The languages of the app, English first: it is the fallback when a
// browser asks for neither.
var languages = []language.Tag{language.English, language.French}

var matcher = language.NewMatcher(languages)

// langCookie remembers the choice made with the switch; it outranks
// Accept-Language, since a person who chose French on a shared English
// machine meant it.
const langCookie = "incidentdb_lang"

// texts builds the catalog once: every label of every page, in both
// languages, keyed by a short name.
var texts = func() *catalog.Builder {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for key, m := range messages {
		if err := b.SetString(language.English, key, m[0]); err != nil {
			panic(err)
		}
		if err := b.SetString(language.French, key, m[1]); err != nil {
			panic(err)
		}
	}
	return b
}()

// lang formats a page's words, numbers and dates in one language.
type lang struct {
	Code string // "en" or "fr", the page's lang attribute
	p    *message.Printer
}

var langs = map[string]*lang{
	"en": {Code: "en", p: message.NewPrinter(language.English, message.Catalog(texts))},
	"fr": {Code: "fr", p: message.NewPrinter(language.French, message.Catalog(texts))},
}

// chooseLang reads the cookie, then Accept-Language.
func chooseLang(r *http.Request) *lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := langs[c.Value]; ok {
			return l
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, _ := matcher.Match(tags...)
	return langs[[]string{"en", "fr"}[i]]
}

// Other is the language the switch offers.
func (l *lang) Other() string {
	if l.Code == "fr" {
		return "en"
	}
	return "fr"
}

// T is a label; args fill its verbs, numbers grouped the language's way.
func (l *lang) T(key string, args ...any) string {
	if _, ok := messages[key]; !ok {
		// A missing label is a bug the tests catch; showing the key keeps
		// the page usable meanwhile.
		return key
	}
	return l.p.Sprintf(key, args...)
}

// N is a count: "1,234" in English, "1 234" in French.
func (l *lang) N(n any) string { return l.p.Sprintf("%d", n) }

// Figure is a casualty figure, or the word for unknown.
func (l *lang) Figure(p *int) string {
	if p == nil {
		return l.T("unknown")
	}
	return l.N(*p)
}

// Date writes a stored date (YYYY-MM-DD) to its precision: "24 novembre
// 2017", "November 2017", "2017".
func (l *lang) Date(s string, precision models.DatePrecision) string {
	t, err := time.Parse(models.DateLayout, s)
	if err != nil {
		return s
	}
	month := l.T(fmt.Sprintf("month.%d", int(t.Month())))
	switch precision {
	case models.PrecisionYear:
		return fmt.Sprint(t.Year())
	case models.PrecisionMonth:
		return month + " " + fmt.Sprint(t.Year())
	case models.PrecisionWeek:
		return l.T("week of", fmt.Sprintf("%d %s %d", t.Day(), month, t.Year()))
	}
	return fmt.Sprintf("%d %s %d", t.Day(), month, t.Year())
}

// Day writes a date given as text the way Date does, at day precision.
func (l *lang) Day(s string) string { return l.Date(s, models.PrecisionDay) }

// Time writes an instant as a date and a UTC time of day.
func (l *lang) Time(t time.Time) string {
	t = t.UTC()
	return l.Date(t.Format(models.DateLayout), models.PrecisionDay) + " " + t.Format("15:04") + " UTC"
}

// Period labels a time-series period ("2017-11", "2017", "2017-11-24").
func (l *lang) Period(p string) string {
	switch len(p) {
	case 4:
		return p
	case 7:
		if t, err := time.Parse("2006-01", p); err == nil {
			return l.T(fmt.Sprintf("mon.%d", int(t.Month()))) + " " + p[:4]
		}
	}
	return l.Day(p)
}

// Enum labels a value of one of the API's enumerations (type, group,
// date precision, origin, qualifier): "enum.type.ied".
func (l *lang) Enum(kind string, value any) string {
	v := fmt.Sprint(value)
	if v == "" {
		return "—"
	}
	key := "enum." + kind + "." + v
	if _, ok := messages[key]; !ok {
		return strings.ReplaceAll(v, "_", " ")
	}
	return l.T(key)
}

// Instant writes a stored instant (RFC 3339) as Time does.
func (l *lang) Instant(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return l.Time(t)
}
