// Package extract drafts incidents from UN statements and press releases,
// in English and French: the attack's date and place, who was killed and
// wounded, of which group and nationality. Each drafted field carries the
// words it came from (byte offsets into the statement) and a confidence;
// the statement becomes the draft's source and its figures the draft's
// claims. Nothing here stores anything: a draft is a proposal an editor
// corrects and posts.
package extract

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"incidentdb/extract/numwords"
	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// Statement is what the extractor reads.
type Statement struct {
	Text        string `json:"text"`
	URL         string `json:"url,omitempty"`
	PublishedOn string `json:"published_on,omitempty"` // YYYY-MM-DD
	Language    string `json:"language,omitempty"`     // en or fr; read from the text when empty
	Title       string `json:"title,omitempty"`
}

// Evidence is where a drafted value came from.
type Evidence struct {
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Text       string  `json:"text"`
	Confidence float64 `json:"confidence"`
}

// Draft is one incident the statement tells of.
type Draft struct {
	Incident models.IncidentInput `json:"incident"`
	// Evidence is keyed by the JSON path of the drafted field, as the
	// API names fields in its errors ("occurred_on", "casualties[1].killed").
	Evidence map[string]Evidence `json:"evidence"`
	// Provisional says the statement gives the toll as not final.
	Provisional bool `json:"provisional"`
}

// Mention is an attack named in passing, not drafted.
type Mention struct {
	Evidence
	Note string `json:"note"`
}

// Result is what a statement yields.
type Result struct {
	Language string  `json:"language"`
	StatedOn *string `json:"stated_on"`
	Drafts   []Draft `json:"drafts"`
	// Combined holds figures the statement gives for several drafts
	// together without saying how they split ("four peacekeepers were
	// killed in the attacks" on two places): each draft then leaves its
	// own figures unknown, and the editor splits them.
	Combined *Figures `json:"combined,omitempty"`
	// Nationalities are the countries the statement offers condolences
	// to, or names the casualties by, when no line could take them.
	Nationalities []string  `json:"nationalities"`
	Earlier       []Mention `json:"earlier"`
	// Assailants are the attackers' losses the statement tells of: read,
	// and kept apart from the drafts, whose figures are the attack's
	// casualties.
	Assailants []Mention `json:"assailants"`
	// Ignored is the part of the text left out as a translation of the
	// rest (a statement given in English and then in French).
	Ignored *Evidence `json:"ignored,omitempty"`
}

// Figures are killed and wounded with their lines.
type Figures struct {
	Killed     *int                `json:"killed"`
	Wounded    *int                `json:"wounded"`
	Casualties []models.Casualty   `json:"casualties"`
	Evidence   map[string]Evidence `json:"evidence"`
}

// count is one figure found in a sentence.
type count struct {
	n           numwords.Number
	group       models.Group
	nationality string
	outcome     outcome
	subset      bool // "including", "dont": part of the count before it
	groupSpan   span
}

// Extract drafts the incidents of a statement. now stands in for the
// statement's date when neither the text nor the caller gives one.
func Extract(st Statement, now time.Time) Result {
	text := st.Text
	paras := paragraphs(text)
	lang := st.Language
	body, ignored := oneLanguage(text, paras, lang)
	if lang == "" {
		lang = languageOf(text, body)
		if lang == "" {
			lang = "en"
		}
	}
	res := Result{Language: lang, Nationalities: []string{}, Earlier: []Mention{}, Assailants: []Mention{}, Drafts: []Draft{}}
	if ignored != nil {
		ev := evidence(text, *ignored, 1)
		res.Ignored = &ev
	}
	ft := foldText(text)
	stated := time.Time{}
	var dateline span
	if d, line, ok := datelineDate(text, ft, paras); ok {
		stated, dateline = d.date, line
	} else if t, err := time.Parse(models.DateLayout, st.PublishedOn); err == nil {
		stated = t
	}
	if !stated.IsZero() {
		s := stated.Format(models.DateLayout)
		res.StatedOn = &s
	}
	reference := stated
	if reference.IsZero() {
		reference = now
	}
	written := dates(ft, reference.Year())
	b := builder{text: text, ft: ft, lang: lang, stated: stated, reference: reference, written: written, res: &res, dateline: dateline}
	// The mission names the country whose places the statement is read
	// for: "South" is a region of Lebanon, not of every statement.
	for _, m := range missions {
		if i := strings.Index(text[body.start:body.end], m); i >= 0 && (b.mission == "" || i < strings.Index(text[body.start:body.end], b.mission)) {
			b.mission, b.mspan = m, span{body.start + i, body.start + i + len(m)}
		}
	}
	b.country = missionCountry[b.mission]
	if stated.IsZero() {
		if end, ok := missionYears[b.mission]; ok && end.Before(b.reference) {
			// A statement on a mission that has closed, with no date in it,
			// is read on the last day of the mission's use of its host's
			// old regions: the places then resolve to the regions its own
			// statements named.
			b.reference = end
		}
	}
	for _, s := range sentences(text, body) {
		b.sentence(s)
	}
	b.condolences(body)
	b.finish(st)
	return res
}

// oneLanguage keeps the paragraphs of the statement's first language when
// it is given twice: the drafts are of one statement, not two.
func oneLanguage(text string, paras []span, want string) (span, *span) {
	if body, ignored := splitLanguages(text, paras, want); ignored != nil {
		return body, ignored
	}
	// Some pages put both versions in one block, a line apart.
	return splitLanguages(text, textLines(text), want)
}

// textLines cuts text at line breaks.
func textLines(text string) []span {
	var out []span
	start := 0
	for i := 0; i <= len(text); i++ {
		if i == len(text) || text[i] == '\n' {
			if l := trim(text, span{start, i}); l.end > l.start {
				out = append(out, l)
			}
			start = i + 1
		}
	}
	return out
}

func splitLanguages(text string, paras []span, want string) (span, *span) {
	all := span{0, len(text)}
	if len(paras) < 2 {
		return all, nil
	}
	first := want
	langs := make([]string, len(paras))
	for i, p := range paras {
		langs[i] = languageOf(text, p)
		if first == "" && langs[i] != "" && p.end-p.start > 120 {
			first = langs[i]
		}
	}
	// The other language must hold a substantial paragraph of its own,
	// after the first: a French title in an English release is not a
	// translation.
	for i, l := range langs {
		if l != "" && l != first && paras[i].end-paras[i].start > 120 {
			firstOther := paras[i].start
			if slices.Contains(langs[:i], first) {
				return span{0, firstOther}, &span{firstOther, len(text)}
			}
			return all, nil
		}
	}
	return all, nil
}

func evidence(text string, s span, confidence float64) Evidence {
	return Evidence{Start: s.start, End: s.end, Text: text[s.start:s.end], Confidence: confidence}
}

// draftAt is a draft under way: where it is and what it counts.
type draftAt struct {
	country, region string
	regionSpan      span
	place           string
	placeSpan       span
	date            time.Time
	dateSpan        span
	counts          []count
	provisional     bool
}

type builder struct {
	text      string
	ft        foldedText
	lang      string
	stated    time.Time
	reference time.Time
	written   []dateMention
	res       *Result

	drafts  []*draftAt
	current []*draftAt // the drafts the last sentence with a place named
	// before holds what sentences told before any place was named: the
	// attack's date ("yesterday's attack") and figures, for the drafts the
	// first place makes.
	beforeDate     time.Time
	beforeDateSpan span
	combined       []count
	mission        string
	mspan          span
	nations        []string
	dateline       span
	country        string // the mission's host, when the statement names a mission
}

func (b *builder) sentence(s span) {
	fs, fe := foldedRange(b.ft, s)
	folded := b.ft.s[fs:fe]
	// "Today" and "Sunday" mean nothing without the statement's own date;
	// a date written out with its year still does.
	date, dateSpan, hasDate := attackDate(b.ft, s, b.stated, b.written)
	if hasDate && dateSpan.start >= b.dateline.start && dateSpan.end <= b.dateline.end && b.dateline.end > 0 {
		// The dateline's own date is the statement's, not an attack's.
		hasDate = false
		if rest := trim(b.text, span{b.dateline.end, s.end}); rest.end > rest.start {
			if d, ds, ok := attackDate(b.ft, rest, b.stated, b.written); ok {
				date, dateSpan, hasDate = d, ds, true
			}
		}
	}
	if containsAny(folded, runningTotals) {
		b.res.Earlier = append(b.res.Earlier, Mention{Evidence: evidence(b.text, s, 0.6), Note: "a running total, not the day's toll"})
		return
	}
	writtenEarlier := hasDate && b.writtenAt(dateSpan) && !b.stated.IsZero() && b.stated.Sub(date) > 72*time.Hour
	if writtenEarlier || containsAny(folded, earlierWords) {
		b.res.Earlier = append(b.res.Earlier, Mention{Evidence: evidence(b.text, s, 0.6), Note: "an earlier attack, named in passing"})
		return
	}
	places := b.oneAttackPlaces(s, gazetteer.FindPlaces(b.country, b.text[s.start:s.end], b.reference))
	attack := startsAnyWord(folded, attackWords)
	// A sentence about the attack or its toll: only one dates the attack
	// (a page's own date line under its title does not), and only one
	// makes a new draft of a place it names ("the killing of a staff
	// member in Ndélé").
	tells := attack || slices.ContainsFunc(outcomeAfter, func(o struct {
		words string
		o     outcome
	}) bool {
		return containsWord(folded, o.words)
	}) || slices.ContainsFunc(outcomeBefore, func(o struct {
		words string
		o     outcome
	}) bool {
		return containsWord(folded, o.words)
	})
	separate := containsAny(folded, []string{"separate", "distinct", "distincte", "separee", "separe", "another attack", "une autre attaque", "un autre convoi", "another convoy"})
	var here []*draftAt
	for i, p := range places {
		places[i].Place.Region = b.regionOn(p.Place)
	}
	if !slices.ContainsFunc(places, func(p gazetteer.PlaceMatch) bool { return p.Place.Region != "" }) {
		if region, at, ok := capitalIn(b.country, b.text[s.start:s.end]); ok {
			places = append(places, gazetteer.PlaceMatch{Start: at.start, End: at.end,
				Place: gazetteer.Place{Name: b.text[s.start+at.start : s.start+at.end], Kind: gazetteer.KindTown, Country: b.country, Region: region}})
		}
	}
	for _, p := range places {
		ps := span{s.start + p.Start, s.start + p.End}
		if p.Place.Region == "" || ps.start >= b.dateline.start && ps.end <= b.dateline.end && b.dateline.end > 0 {
			continue
		}
		d := b.draftFor(p.Place.Country, p.Place.Region)
		// "in a separate attack ... near Douentza yesterday": another
		// incident, though in the same region.
		if d != nil && separate && tells {
			d = nil
		}
		if d == nil {
			if !tells && len(b.drafts) > 0 {
				continue
			}
			d = &draftAt{country: p.Place.Country, region: p.Place.Region, regionSpan: ps}
			// "dans les régions de Ménaka et de Mopti": a town named like
			// its region stands for the region after such words.
			before := b.foldedBefore(s.start, ps.start, 30)
			asRegion := strings.Contains(before, "region") || strings.Contains(before, "prefecture")
			if p.Place.Kind != "region" && !asRegion {
				d.place, d.placeSpan = p.Place.Name, ps
			}
			b.drafts = append(b.drafts, d)
		}
		if !slices.Contains(here, d) {
			here = append(here, d)
		}
	}
	if len(here) > 0 {
		if len(b.current) == 0 && !b.beforeDate.IsZero() {
			for _, d := range here {
				if d.date.IsZero() {
					d.date, d.dateSpan = b.beforeDate, b.beforeDateSpan
				}
			}
		}
		b.current = here
	}
	if len(b.current) == 0 && hasDate && attack && b.beforeDate.IsZero() {
		b.beforeDate, b.beforeDateSpan = date, dateSpan
	}
	for _, d := range b.current {
		if hasDate && tells && d.date.IsZero() {
			d.date, d.dateSpan = date, dateSpan
		}
		if containsAny(folded, provisionalWords) {
			d.provisional = true
		}
	}
	counts := b.counts(s)
	if len(counts) == 0 {
		return
	}
	switch {
	case len(b.current) == 1:
		b.current[0].counts = append(b.current[0].counts, counts...)
	case len(b.current) > 1:
		b.combined = append(b.combined, counts...)
	default:
		// Figures before any place: they belong to the statement as a
		// whole until a place is named.
		b.combined = append(b.combined, counts...)
	}
}

// regionOn is the region a place was in on the statement's date. A
// region named as such that did not exist yet ("la région de Bandiagara"
// in 2021, before Mali's regions of 2023) is read as its seat, which was
// in an older region then.
func (b *builder) regionOn(p gazetteer.Place) string {
	if p.Kind != gazetteer.KindRegion || b.reference.IsZero() {
		return p.Region
	}
	r, ok := gazetteer.LookupRegion(p.Country, p.Region)
	if !ok {
		return p.Region
	}
	info, ok := gazetteer.Describe(r)
	if !ok || info.ValidFrom == 0 || info.ValidFrom <= b.reference.Year() {
		return p.Region
	}
	if town, ok := gazetteer.LookupPlace(p.Country, p.Region, b.reference); ok && town.Region != "" {
		return town.Region
	}
	return p.Region
}

// oneAttackPlaces keeps one place where a sentence names several for one
// attack: "between Douentza and Boni", "près de Tessalit, dans la région
// de Kidal". The region named as such wins over the towns; otherwise the
// first town does.
func (b *builder) oneAttackPlaces(s span, places []gazetteer.PlaceMatch) []gazetteer.PlaceMatch {
	if len(places) < 2 {
		return places
	}
	var regions []int
	for i, p := range places {
		if p.Place.Kind == gazetteer.KindRegion {
			regions = append(regions, i)
		}
	}
	between := b.foldedBetween(s.start+places[0].End, s.start+places[1].Start)
	fb := b.foldedBefore(s.start, s.start+places[0].Start, 12)
	if strings.HasSuffix(strings.TrimSpace(fb), "between") || strings.HasSuffix(strings.TrimSpace(fb), "entre") ||
		strings.HasSuffix(strings.TrimSpace(fb), "from") && strings.Contains(between, " to ") {
		if len(regions) == 1 && regions[0] > 1 {
			town := places[0]
			town.Place.Region = places[regions[0]].Place.Region
			return []gazetteer.PlaceMatch{town}
		}
		return places[:1]
	}
	if len(regions) == 1 && len(places) == 2 {
		// A town and the region it lies in.
		town, region := places[1-regions[0]], places[regions[0]]
		if len(b.foldedBetween(s.start+min(town.End, region.End), s.start+max(town.Start, region.Start))) < 40 {
			town.Place.Region = region.Place.Region
			return []gazetteer.PlaceMatch{town}
		}
	}
	return places
}

// writtenAt says a date span is one the text wrote out ("2 septembre
// 2014"), not a relative word or a weekday.
func (b *builder) writtenAt(sp span) bool {
	for _, d := range b.written {
		if d.span == sp {
			return true
		}
	}
	return false
}

func (b *builder) draftFor(country, region string) *draftAt {
	for _, d := range b.drafts {
		if d.country == country && d.region == region {
			return d
		}
	}
	return nil
}

// counts reads the figures of a sentence: each number, the group and
// nationality named after it, and whether it counts killed or wounded.
func (b *builder) counts(s span) []count {
	sentence := b.text[s.start:s.end]
	nums := numwords.Find(sentence, b.lang)
	for i := range nums {
		nums[i].Start += s.start
		nums[i].End += s.start
	}
	nums = b.articleCounts(s, nums)
	var out []count
	for _, n := range nums {
		c := count{n: n}
		// What the number counts: the group words right after it, with
		// any nationality adjective between or after ("two Egyptian
		// peacekeepers", "deux casques bleus égyptiens").
		after := b.foldedAfter(n.End, s.end, 100)
		c.group, c.nationality, c.groupSpan = b.groupAfter(n.End, s.end, after)
		before := b.foldedBefore(s.start, n.Start, 40)
		for _, o := range outcomeBefore {
			if strings.HasSuffix(strings.TrimSpace(before), o.words) {
				c.outcome = o.o
			}
		}
		if c.outcome == noOutcome && (strings.HasSuffix(strings.TrimSpace(before), " of") || strings.HasSuffix(strings.TrimSpace(before), " de") || strings.HasSuffix(before, " d'")) {
			// "the killing on 23 July by suspected militias of a
			// peacekeeper": the noun of the outcome opens the phrase.
			whole := b.foldedBefore(s.start, n.Start, 400)
			for _, w := range []string{"the killing", "the death", "the murder", "le meurtre", "la mort", "l'assassinat", "le deces"} {
				if strings.Contains(whole, w) {
					c.outcome = killedOutcome
				}
			}
		}
		if c.group == "" {
			// "killed two peacekeepers and injured one": a bare count right
			// after its verb is a count of the same people.
			if !looksLikeCount(after) && c.outcome == noOutcome {
				continue
			}
			// "two peacekeepers were killed and four seriously injured":
			// the count without its noun counts the same people.
			c.group = models.UnknownGroup
			if len(out) > 0 && out[len(out)-1].group != models.UnknownGroup {
				c.group, c.nationality = out[len(out)-1].group, out[len(out)-1].nationality
			}
		}
		tb := strings.TrimSpace(before)
		for _, w := range []string{"dont", "including", "among them", "parmi lesquels", "parmi eux", "among whom", "of whom"} {
			if strings.HasSuffix(tb, w) {
				c.subset = true
			}
		}
		// The next item of a list of subsets: "dont un sous-traitant et un
		// soldat".
		if len(out) > 0 && out[len(out)-1].subset {
			between := strings.TrimSpace(b.foldedBetween(out[len(out)-1].groupSpan.end, n.Start))
			if len(between) < 40 && (strings.HasSuffix(between, " et") || strings.HasSuffix(between, " and") || strings.HasSuffix(between, ",") || between == "et" || between == "and") {
				c.subset = true
			}
		}
		out = append(out, c)
	}
	// A count without its outcome before it takes the first outcome word
	// after it in the sentence: "four peacekeepers and one soldier were
	// killed and 21 others wounded".
	for i := range out {
		if out[i].outcome != noOutcome {
			continue
		}
		// Counts joined as a list ("four peacekeepers and one soldier were
		// killed") share the outcome after the last of them; a count
		// followed by other words before the next ("a dozen assailants
		// attacked the camp; one peacekeeper was killed") has its own
		// outcome before the next count, or none.
		end := s.end
		if i+1 < len(out) && !b.joined(out[i], out[i+1], false) {
			end = out[i+1].n.Start
		}
		out[i].outcome = b.outcomeAfter(out[i].n.End, end)
	}
	// A count that continues a list after its outcome ("qui a coûté la vie
	// à deux casques bleus et un contractuel", "ont été tués, ainsi que six
	// contractuels") has the outcome of the count before it.
	for i := 1; i < len(out); i++ {
		if out[i].outcome != noOutcome && !(out[i-1].outcome != noOutcome && out[i].outcome != out[i-1].outcome && b.joined(out[i-1], out[i], true)) {
			continue
		}
		if out[i].outcome == noOutcome && b.joined(out[i-1], out[i], false) {
			out[i].outcome = out[i-1].outcome
		}
	}
	// A subset ("dont un sous-traitant") has the outcome of the count it
	// is part of.
	for i := range out {
		if out[i].subset && i > 0 {
			out[i].outcome = out[i-1].outcome
			if out[i-1].subset {
				out[i].outcome = out[i-1].outcome
			}
		}
	}
	// The attackers' losses are not the attack's casualties, and a count
	// the text does not make ("a number of") is no figure: neither is
	// drafted.
	kept := out[:0]
	for _, c := range out {
		if c.outcome != noOutcome && c.group == models.Assailant {
			b.res.Assailants = append(b.res.Assailants, Mention{Evidence: evidence(b.text, span{c.n.Start, max(c.n.End, c.groupSpan.end)}, 0.7),
				Note: "the attackers' losses, not drafted as the attack's casualties"})
			continue
		}
		if c.outcome != noOutcome && c.n.Qualifier != numwords.Unknown {
			kept = append(kept, c)
		}
	}
	return kept
}

// joined says two counts are items of one list: only "et", "and", a
// comma, "ainsi que" or "as well as" (with, when after is set, the
// outcome words of the first) stand between them.
func (b *builder) joined(prev, next count, after bool) bool {
	end := prev.groupSpan.end
	if end < prev.n.End {
		end = prev.n.End
	}
	between := " " + strings.TrimSpace(b.foldedBetween(end, next.n.Start)) + " "
	for _, w := range []string{" ainsi que ", " as well as ", " along with ", " de meme que "} {
		if strings.HasSuffix(between, w) {
			return true
		}
	}
	if after {
		return false
	}
	t := strings.TrimSpace(between)
	return len(t) < 30 && (t == "et" || t == "and" || t == "," || strings.HasSuffix(t, " et") || strings.HasSuffix(t, " and") || strings.HasSuffix(t, ","))
}

// articleCounts adds the ones an article makes before a group this
// extractor knows ("un sous-traitant", "a contractor") that the number
// reader, which knows people in general, left out.
func (b *builder) articleCounts(s span, nums []numwords.Number) []numwords.Number {
	fs, fe := foldedRange(b.ft, s)
	sub := b.ft.s[fs:fe]
	// A sentence that ends on "another" still has a word after it here.
	// Punctuation after a word reads as the space it stands for here, so
	// that "the wounding of another." ends on a word.
	sub = strings.Map(func(r rune) rune {
		if r == '.' || r == ',' || r == ';' || r == ':' || r == ')' {
			return ' '
		}
		return r
	}, sub) + " "
	for _, art := range []string{"un autre ", "une autre ", "another ", "un ", "une ", "a ", "an ", "one "} {
		for i := 0; ; {
			j := strings.Index(sub[i:], art)
			if j < 0 {
				break
			}
			at := i + j
			i = at + 1
			if !boundary(sub, at-1) {
				continue
			}
			rest := sub[at+len(art):]
			if strings.HasSuffix(art, "autre ") || art == "another " {
				// "and another injured", "the wounding of another": one more
				// of the same people.
				after := strings.TrimSpace(sub[:at])
				verbBefore := slices.ContainsFunc(outcomeBefore, func(o struct {
					words string
					o     outcome
				}) bool {
					return strings.HasSuffix(after, o.words)
				})
				if looksLikeCount(rest) || verbBefore {
					sp := b.ft.back(fs+at, fs+at+len(art)-1)
					if !slices.ContainsFunc(nums, func(n numwords.Number) bool { return n.Start <= sp.start && sp.start < n.End }) {
						nums = append(nums, numwords.Number{Value: 1, Qualifier: numwords.Exact, Start: sp.start, End: sp.end})
					}
					continue
				}
			}
			for _, gw := range groupWords {
				if gw.group == models.UnknownGroup || !strings.HasPrefix(rest, gw.words) || !boundary(rest, len(gw.words)) {
					continue
				}
				sp := b.ft.back(fs+at, fs+at+len(art)-1)
				if !slices.ContainsFunc(nums, func(n numwords.Number) bool { return n.Start <= sp.start && sp.start < n.End }) {
					nums = append(nums, numwords.Number{Value: 1, Qualifier: numwords.Exact, Start: sp.start, End: sp.end})
				}
				break
			}
		}
	}
	slices.SortFunc(nums, func(x, y numwords.Number) int { return x.Start - y.Start })
	return nums
}

// looksLikeCount tells a bare number that counts people ("21 others",
// "at least 10 were killed") from a distance or an hour ("46 km").
func looksLikeCount(after string) bool {
	after = strings.TrimSpace(after)
	// Words that may stand between a bare count and what happened.
	for skipped := 0; skipped < 3; skipped++ {
		cut := false
		for _, w := range []string{"were ", "was ", "have been ", "has been ", "ont ete ", "a ete ", "sont ", "seriously ", "critically ",
			"slightly ", "severely ", "grievement ", "gravement ", "legerement ", "others ", "other ", "autres ", "more "} {
			if strings.HasPrefix(after, w) {
				after = strings.TrimSpace(after[len(w):])
				cut = true
				break
			}
		}
		if !cut {
			break
		}
	}
	for _, w := range []string{"km", "kilomet", "h ", "heures", "hours", "am", "pm", "miles", "metres", "meters", "%", "ans", "years", "jours", "days"} {
		if strings.HasPrefix(after, w) {
			return false
		}
	}
	for _, o := range outcomeAfter {
		if strings.HasPrefix(after, "were "+o.words) || strings.HasPrefix(after, "ont ete "+o.words) || strings.HasPrefix(after, o.words) {
			return true
		}
	}
	return false
}

func (b *builder) foldedAfter(from, limit, n int) string {
	fs, fe := foldedRange(b.ft, span{from, limit})
	return b.ft.s[fs:min(fe, fs+n)]
}

func (b *builder) foldedBetween(from, to int) string {
	if to <= from {
		return ""
	}
	fs, fe := foldedRange(b.ft, span{from, to})
	return b.ft.s[fs:fe]
}

func (b *builder) foldedBefore(limit, to, n int) string {
	fs, fe := foldedRange(b.ft, span{limit, to})
	return b.ft.s[max(fs, fe-n):fe]
}

// groupAfter finds the group words within the few words after a number.
func (b *builder) groupAfter(from, limit int, after string) (models.Group, string, span) {
	words := strings.FieldsFunc(after, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '\'' || r >= 0x80)
	})
	if len(words) > 12 {
		words = words[:12]
	}
	// The group is among the seven words after the number; the words after
	// it may name where they came from ("from the United Republic of
	// Tanzania").
	near := words[:min(7, len(words))]
	window := " " + strings.Join(words, " ") + " "
	nearWindow := " " + strings.Join(near, " ") + " "
	best, bestAt := groupWord{}, -1
	for _, gw := range groupWords {
		if i := strings.Index(nearWindow, " "+gw.words+" "); i >= 0 && (bestAt < 0 || i < bestAt) {
			best, bestAt = gw, i
		}
	}
	if bestAt < 0 {
		return "", "", span{}
	}
	// Only the words before the group and one after it may be its
	// nationality: "two Egyptian peacekeepers", "casques bleus tchadiens".
	nat := best.nationality
	before := strings.Fields(window[:bestAt])
	rest := strings.Fields(window[bestAt+len(best.words)+1:])
	var cands []string
	cands = append(cands, before...)
	if len(rest) > 0 {
		cands = append(cands, rest[0])
	}
	// "peacekeepers from Chad", "casques bleus originaires du Tchad".
	for i, w := range rest {
		if i > 0 {
			break
		}
		if (w == "from" || w == "originaires" || w == "originaire") && i+1 < len(rest) {
			tail := rest[i+1:]
			for len(tail) > 0 && (tail[0] == "du" || tail[0] == "de" || tail[0] == "the" || tail[0] == "la" || tail[0] == "des" || tail[0] == "d'") {
				tail = tail[1:]
			}
			for n := min(5, len(tail)); n >= 1; n-- {
				if code, ok := gazetteer.LookupCountry(strings.Join(tail[:n], " ")); ok {
					nat = code
					cands = nil
					break
				}
			}
			break
		}
	}
	for _, w := range cands {
		if len(w) < 4 {
			continue
		}
		if code, ok := gazetteer.LookupCountry(w); ok {
			nat = code
			break
		}
	}
	fs, _ := foldedRange(b.ft, span{from, limit})
	at := strings.Index(b.ft.s[fs:], best.words)
	gs := span{}
	if at >= 0 {
		gs = b.ft.back(fs+at, fs+at+len(best.words))
	}
	return best.group, nat, gs
}

func (b *builder) outcomeAfter(from, limit int) outcome {
	fs, fe := foldedRange(b.ft, span{from, limit})
	sub := b.ft.s[fs:fe]
	best, at := noOutcome, -1
	for _, o := range outcomeAfter {
		for i := 0; ; {
			j := strings.Index(sub[i:], o.words)
			if j < 0 {
				break
			}
			k := i + j
			if boundary(sub, k-1) && boundary(sub, k+len(o.words)) {
				if at < 0 || k < at {
					best, at = o.o, k
				}
				break
			}
			i = k + 1
		}
	}
	return best
}

// condolences reads the countries a statement sends condolences to: "aux
// Gouvernements du Burkina Faso, du Mali et du Niger", "to the Government
// and people of Egypt". It reads every name of a country in the sentences
// that offer condolences to a government or people.
func (b *builder) condolences(body span) {
	for _, s := range sentences(b.text, body) {
		fs, fe := foldedRange(b.ft, s)
		f := b.ft.s[fs:fe]
		if !strings.Contains(f, "condol") || !(strings.Contains(f, "government") || strings.Contains(f, "gouvernement") || strings.Contains(f, "people of") || strings.Contains(f, "peuple")) {
			continue
		}
		words := strings.FieldsFunc(b.text[s.start:s.end], func(r rune) bool {
			return !(unicode.IsLetter(r) || r == '-' || r == '\'' || r == '’')
		})
		// "l'Égypte" and "d'Ivoire": the elided article is dropped to see the
		// capital, and kept for the lookup ("Côte d'Ivoire").
		bare := make([]string, len(words))
		for i, w := range words {
			bare[i] = w
			for _, el := range []string{"d'", "l'", "d’", "l’"} {
				bare[i] = strings.TrimPrefix(bare[i], el)
			}
		}
		for i := 0; i < len(words); i++ {
			for n := min(3, len(words)-i); n >= 1; n-- {
				if bare[i] == "" || !unicode.IsUpper([]rune(bare[i])[0]) {
					break
				}
				name := bare[i]
				if n > 1 {
					name += " " + strings.Join(words[i+1:i+n], " ")
				}
				// "Il", "La": two letters are a code, never a name here.
				if utf8.RuneCountInString(name) < 3 {
					continue
				}
				if code, ok := gazetteer.LookupCountry(name); ok {
					if !slices.Contains(b.nations, code) {
						b.nations = append(b.nations, code)
					}
					i += n - 1
					break
				}
			}
		}
	}
}

// finish turns the drafts under way into incidents the API would take.
func (b *builder) finish(st Statement) {
	src := models.SourceInput{Title: ptr(firstNonEmpty(st.Title, "Statement"))}
	if st.URL != "" {
		src.URL = ptr(st.URL)
	}
	if b.res.StatedOn != nil {
		src.PublishedOn = ptr(*b.res.StatedOn)
	}
	src.Language = ptr(b.lang)
	hostNations := map[string]bool{}
	for _, d := range b.drafts {
		hostNations[d.country] = true
	}
	// Condolences to one country besides the host name the peacekeepers'
	// nationality; to several, they stay a list for the editor.
	var troop []string
	for _, n := range b.nations {
		if !hostNations[n] {
			troop = append(troop, n)
		}
	}
	// Figures told for the statement as a whole belong to its one draft;
	// with no place at all, the mission names the country.
	if len(b.drafts) == 0 && len(b.combined) > 0 {
		d := &draftAt{country: missionCountry[b.mission], date: b.beforeDate, dateSpan: b.beforeDateSpan}
		b.drafts = append(b.drafts, d)
	}
	if len(b.drafts) == 1 && len(b.combined) > 0 {
		b.drafts[0].counts = append(b.combined, b.drafts[0].counts...)
		b.combined = nil
	}
	for _, d := range b.drafts {
		dr := Draft{Evidence: map[string]Evidence{}, Provisional: d.provisional}
		in := &dr.Incident
		if d.country != "" {
			in.Country = ptr(d.country)
		}
		if d.region != "" {
			in.Region = ptr(d.region)
			dr.Evidence["region"] = evidence(b.text, d.regionSpan, 0.9)
		}
		if d.place != "" {
			in.Locality = ptr(d.place)
			dr.Evidence["locality"] = evidence(b.text, d.placeSpan, 0.8)
		}
		date := d.date
		conf := 0.9
		if date.IsZero() {
			date, conf = b.reference, 0.3
		}
		in.OccurredOn = ptr(date.Format(models.DateLayout))
		if !d.date.IsZero() {
			dr.Evidence["occurred_on"] = evidence(b.text, d.dateSpan, conf)
		}
		if b.mission != "" {
			in.Mission = ptr(b.mission)
			dr.Evidence["mission"] = evidence(b.text, b.mspan, 0.9)
		}
		in.Type = ptr(string(models.ArmedAttack))
		in.Summary = ptr(clipSentence(b.text, d.regionSpan))
		in.Sources = []models.SourceInput{src}
		if len(d.counts) > 0 {
			lines(d.counts, troop, &dr, b.text)
		} else {
			in.Killed, in.Wounded = models.Unknown(), models.Unknown()
		}
		b.res.Drafts = append(b.res.Drafts, dr)
	}
	if len(b.combined) > 0 {
		var fig Draft
		fig.Evidence = map[string]Evidence{}
		lines(b.combined, troop, &fig, b.text)
		c := &Figures{Evidence: fig.Evidence}
		c.Killed, c.Wounded = fig.Incident.Killed.Value, fig.Incident.Wounded.Value
		for _, l := range fig.Incident.Casualties {
			cs := models.Casualty{Group: models.Group(*l.Group), Nationality: l.Nationality, Killed: l.Killed.Value, Wounded: l.Wounded.Value}
			c.Casualties = append(c.Casualties, cs)
		}
		b.res.Combined = c
		for i := range b.res.Drafts {
			if len(b.res.Drafts[i].Incident.Casualties) == 0 {
				b.res.Drafts[i].Incident.Killed, b.res.Drafts[i].Incident.Wounded = models.Unknown(), models.Unknown()
			}
		}
	}
	b.res.Nationalities = append(b.res.Nationalities, b.nations...)
}

// lines sums counts into a draft's totals and casualty lines, and records
// each figure as a claim of the statement.
func lines(counts []count, troop []string, dr *Draft, text string) {
	type key struct {
		g   models.Group
		nat string
	}
	var order []key
	byKey := map[key]*models.CasualtyInput{}
	idx := map[key]int{}
	var killed, wounded *int
	var killedSpan, woundedSpan span
	add := func(p **int, v int) {
		if *p == nil {
			*p = new(int)
		}
		**p += v
	}
	// A figure told again later ("the families of the two peacekeepers
	// killed") is the same figure, not more casualties.
	// A title's "two peacekeepers" and the text's "two Egyptian
	// peacekeepers" are one figure, of Egyptians.
	type said struct {
		g models.Group
		o outcome
		v int
	}
	seen := map[said]int{}
	unique := counts[:0:0]
	for _, c := range counts {
		k := said{c.group, c.outcome, c.n.Value}
		if i, ok := seen[k]; ok && !c.subset {
			prev := &unique[i]
			switch {
			case prev.nationality == "":
				prev.nationality = c.nationality
				continue
			case c.nationality == "" || c.nationality == prev.nationality:
				continue
			}
		}
		seen[k] = len(unique)
		unique = append(unique, c)
	}
	counts = unique
	// A count with subsets after it ("21 wounded, including a contractor")
	// is a total; its subsets are lines, and the rest of it stays
	// unattributed.
	for i, c := range counts {
		hasSubsets := !c.subset && i+1 < len(counts) && counts[i+1].subset
		if c.group == models.UnknownGroup || hasSubsets {
			switch c.outcome {
			case killedOutcome:
				add(&killed, c.n.Value)
				killedSpan = span{c.n.Start, c.n.End}
			case woundedOutcome:
				add(&wounded, c.n.Value)
				woundedSpan = span{c.n.Start, c.n.End}
			}
			if c.group == models.UnknownGroup {
				continue
			}
		}
		k := key{c.group, c.nationality}
		if k.nat == "" && c.group == models.Peacekeeper && len(troop) == 1 {
			k.nat = troop[0]
		}
		l, ok := byKey[k]
		if !ok {
			l = &models.CasualtyInput{Group: ptr(string(c.group))}
			if k.nat != "" {
				l.Nationality = ptr(k.nat)
			}
			byKey[k] = l
			idx[k] = len(order)
			order = append(order, k)
		}
		i := idx[k]
		switch c.outcome {
		case killedOutcome:
			v := c.n.Value
			if l.Killed.Value != nil {
				v += *l.Killed.Value
			}
			l.Killed = models.Known(v)
			dr.Evidence[fmt.Sprintf("casualties[%d].killed", i)] = evidence(text, span{c.n.Start, c.n.End}, 0.8)
		case woundedOutcome:
			v := c.n.Value
			if l.Wounded.Value != nil {
				v += *l.Wounded.Value
			}
			l.Wounded = models.Known(v)
			dr.Evidence[fmt.Sprintf("casualties[%d].wounded", i)] = evidence(text, span{c.n.Start, c.n.End}, 0.8)
		}
		if c.groupSpan.end > c.groupSpan.start {
			dr.Evidence[fmt.Sprintf("casualties[%d].group", i)] = evidence(text, c.groupSpan, 0.8)
		}
		if !hasSubsets && !c.subset {
			switch c.outcome {
			case killedOutcome:
				add(&killed, c.n.Value)
			case woundedOutcome:
				add(&wounded, c.n.Value)
			}
		}
	}
	in := &dr.Incident
	for n, k := range order {
		l := byKey[k]
		if !l.Killed.Given {
			l.Killed = models.Known(0)
		}
		if !l.Wounded.Given {
			l.Wounded = models.Known(0)
		}
		in.Casualties = append(in.Casualties, *l)
		for _, fig := range []struct {
			name string
			v    *int
		}{{"killed", l.Killed.Value}, {"wounded", l.Wounded.Value}} {
			if _, ok := dr.Evidence[fmt.Sprintf("casualties[%d].%s", n, fig.name)]; !ok || fig.v == nil {
				continue
			}
			in.Claims = append(in.Claims, models.ClaimInput{Figure: ptr(fig.name), Group: l.Group, Nationality: l.Nationality,
				Source: &models.ClaimSourceInput{Source: ptr(0)}, Value: fig.v, Qualifier: ptr("exact")})
		}
	}
	in.Killed, in.Wounded = models.FigureOf(killed), models.FigureOf(wounded)
	if killed == nil {
		in.Killed = models.Figure{}
	} else {
		in.Claims = append(in.Claims, models.ClaimInput{Figure: ptr("killed"), Source: &models.ClaimSourceInput{Source: ptr(0)}, Value: killed, Qualifier: ptr("exact")})
		if killedSpan.end > 0 {
			dr.Evidence["killed"] = evidence(text, killedSpan, 0.8)
		}
	}
	if wounded == nil {
		in.Wounded = models.Figure{}
	} else {
		in.Claims = append(in.Claims, models.ClaimInput{Figure: ptr("wounded"), Source: &models.ClaimSourceInput{Source: ptr(0)}, Value: wounded, Qualifier: ptr("exact")})
		if woundedSpan.end > 0 {
			dr.Evidence["wounded"] = evidence(text, woundedSpan, 0.8)
		}
	}
	for _, c := range counts {
		if c.n.Qualifier == "at_least" {
			for i := range in.Claims {
				if in.Claims[i].Value != nil && *in.Claims[i].Value == c.n.Value {
					in.Claims[i].Qualifier = ptr("at_least")
				}
			}
		}
	}
}

func clipSentence(text string, at span) string {
	start := strings.LastIndexAny(text[:at.start], ".\n") + 1
	end := strings.IndexAny(text[at.end:], ".\n")
	if end < 0 {
		end = len(text)
	} else {
		end += at.end + 1
	}
	s := strings.TrimSpace(text[start:end])
	if len(s) > 400 {
		s = s[:400]
	}
	return s
}

func ptr[T any](v T) *T { return &v }

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// nationalities is the sorted set of the lines' nationalities, or nil.
func nationalities(lines []models.CasualtyInput) *string {
	var out []string
	for _, l := range lines {
		if l.Nationality != nil && !slices.Contains(out, *l.Nationality) {
			out = append(out, *l.Nationality)
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.Sort(out)
	s := strings.Join(out, ",")
	return &s
}
