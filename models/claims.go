package models

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Qualifier says how a claim states its figure.
type Qualifier string

// The qualifiers: a figure as stated, a lower bound ("at least ten"), or
// an estimate ("about ten").
const (
	Exact       Qualifier = "exact"
	AtLeast     Qualifier = "at_least"
	Approximate Qualifier = "approximate"
)

// Qualifiers lists every Qualifier.
var Qualifiers = []Qualifier{Exact, AtLeast, Approximate}

// Rank is an editor's judgement of a claim: preferred decides the best
// figure, deprecated is kept for the record and counts for nothing.
type Rank string

// The ranks, as Wikidata has them.
const (
	Preferred  Rank = "preferred"
	Normal     Rank = "normal"
	Deprecated Rank = "deprecated"
)

// Ranks lists every Rank.
var Ranks = []Rank{Preferred, Normal, Deprecated}

// MaxClaims bounds an incident's claims, as its lines are bounded.
const MaxClaims = 500

// Claim is what one source says of one figure: an incident's killed or
// wounded, or a casualty line's (the line of its group and nationality).
type Claim struct {
	Figure      string      `json:"figure"`
	Group       *Group      `json:"group"`
	Nationality *string     `json:"nationality"`
	Source      ClaimSource `json:"source"`
	Value       *int        `json:"value"`
	Low         *int        `json:"low"`
	High        *int        `json:"high"`
	Qualifier   Qualifier   `json:"qualifier"`
	StatedOn    *string     `json:"stated_on"`
	Note        *string     `json:"note"`
	Rank        Rank        `json:"rank"`
}

// ClaimSource is who makes a claim: one of the incident's sources (by its
// place in the list), or a record of a dataset.
type ClaimSource struct {
	Source     *int    `json:"source"`
	Dataset    *string `json:"dataset"`
	ExternalID *string `json:"external_id"`
}

// ClaimInput is a claim as a client sends it.
type ClaimInput struct {
	Figure      *string           `json:"figure"`
	Group       *string           `json:"group"`
	Nationality *string           `json:"nationality"`
	Source      *ClaimSourceInput `json:"source"`
	Value       *int              `json:"value"`
	Low         *int              `json:"low"`
	High        *int              `json:"high"`
	Qualifier   *string           `json:"qualifier"`
	StatedOn    *string           `json:"stated_on"`
	Note        *string           `json:"note"`
	Rank        *string           `json:"rank"`
}

// ClaimSourceInput is a claim's source as a client sends it.
type ClaimSourceInput struct {
	Source     *int    `json:"source"`
	Dataset    *string `json:"dataset"`
	ExternalID *string `json:"external_id"`
}

// lineKey names the line a claim is about.
func lineKey(g Group, nationality *string) string {
	return string(g) + "|" + deref(nationality)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func normalizeClaims(fe *FieldErrors, given []ClaimInput, sources int, lines []Casualty, now time.Time) []Claim {
	if len(given) > MaxClaims {
		fe.Add("claims", "has %d items; at most %d are allowed", len(given), MaxClaims)
		return nil
	}
	lineAt := map[string]int{}
	for _, l := range lines {
		lineAt[lineKey(l.Group, l.Nationality)]++
	}
	out := make([]Claim, 0, len(given))
	for i, c := range given {
		p := fmt.Sprintf("claims[%d].", i)
		cl := Claim{Qualifier: Exact, Rank: Normal}
		switch f := strings.ToLower(strings.TrimSpace(deref(c.Figure))); f {
		case "killed", "wounded":
			cl.Figure = f
		default:
			fe.Add(p+"figure", "must be killed or wounded")
		}
		if c.Group != nil {
			g := Group(strings.ToLower(strings.TrimSpace(*c.Group)))
			if !g.Valid() {
				fe.Add(p+"group", "must be one of %s", strings.Join(Names(Groups), ", "))
			}
			cl.Group = &g
			cl.Nationality = optCountry(fe, p+"nationality", c.Nationality)
			switch n := lineAt[lineKey(g, cl.Nationality)]; {
			case !g.Valid():
			case n == 0:
				fe.Add(p+"group", "the incident has no casualty line of group %s and nationality %s for the claim to be about", g, orNone(cl.Nationality))
			case n > 1:
				fe.Add(p+"group", "%d casualty lines have group %s and nationality %s: a claim cannot tell which it is about (give them different forces' lines one nationality each, or merge them)", n, g, orNone(cl.Nationality))
			}
		} else if c.Nationality != nil {
			fe.Add(p+"nationality", "a claim about a line names its group too; without a group it is about the incident's total")
		}
		cl.Source = normalizeClaimSource(fe, p+"source", c.Source, sources)
		cl.Value, cl.Low, cl.High = claimCount(fe, p+"value", c.Value), claimCount(fe, p+"low", c.Low), claimCount(fe, p+"high", c.High)
		switch {
		case cl.Value != nil && (cl.Low != nil || cl.High != nil):
			fe.Add(p+"value", "a claim gives a value or a range (low and high), not both")
		case cl.Value == nil && (cl.Low == nil || cl.High == nil):
			fe.Add(p+"value", "a claim gives a value, or both low and high")
		case cl.Low != nil && cl.High != nil && *cl.Low > *cl.High:
			fe.Add(p+"low", "is above high (%d > %d)", *cl.Low, *cl.High)
		}
		if c.Qualifier != nil {
			cl.Qualifier = Qualifier(strings.ToLower(strings.TrimSpace(*c.Qualifier)))
			if !contains(Qualifiers, cl.Qualifier) {
				fe.Add(p+"qualifier", "must be one of %s", strings.Join(Names(Qualifiers), ", "))
			}
		}
		if cl.Qualifier == AtLeast && cl.Value == nil {
			fe.Add(p+"qualifier", "at_least takes a value, the lower bound")
		}
		if c.Rank != nil {
			cl.Rank = Rank(strings.ToLower(strings.TrimSpace(*c.Rank)))
			if !contains(Ranks, cl.Rank) {
				fe.Add(p+"rank", "must be one of %s", strings.Join(Names(Ranks), ", "))
			}
		}
		if d := optText(fe, p+"stated_on", c.StatedOn, 10); d != nil {
			if norm, msg := parseDate(*d, now); msg != "" {
				fe.Add(p+"stated_on", "%s", msg)
			} else {
				cl.StatedOn = &norm
			}
		}
		cl.Note = optText(fe, p+"note", c.Note, MaxSummaryRunes)
		out = append(out, cl)
	}
	return out
}

func orNone(s *string) string {
	if s == nil {
		return "(none)"
	}
	return *s
}

func claimCount(fe *FieldErrors, field string, v *int) *int {
	if v == nil {
		return nil
	}
	if *v < 0 || *v > MaxCount {
		fe.Add(field, "must be from 0 to %d", MaxCount)
		return nil
	}
	return v
}

func normalizeClaimSource(fe *FieldErrors, field string, s *ClaimSourceInput, sources int) ClaimSource {
	if s == nil {
		fe.Add(field, "is required: {\"source\": N}, the place of one of the incident's sources (from 0), or {\"dataset\": ..., \"external_id\": ...}")
		return ClaimSource{}
	}
	out := ClaimSource{Source: s.Source}
	out.Dataset = optDataset(fe, field+".dataset", s.Dataset)
	out.ExternalID = optText(fe, field+".external_id", s.ExternalID, MaxShortRunes)
	switch {
	case s.Source != nil && (s.Dataset != nil || s.ExternalID != nil):
		fe.Add(field, "is one of the incident's sources or a dataset record, not both")
	case s.Source != nil && (*s.Source < 0 || *s.Source >= sources):
		fe.Add(field+".source", "is %d, but the incident has %d sources (counted from 0)", *s.Source, sources)
	case s.Source == nil && (out.Dataset == nil || out.ExternalID == nil):
		fe.Add(field, "names one of the incident's sources (source) or a dataset record (dataset and external_id)")
	}
	return out
}

// estimate is what a figure's claims say together: the best figure by the
// rule of the README, the lowest and highest figures any claim allows, and
// whether they disagree with no editor's decision.
type estimate struct {
	best, low, high int
	conflict        bool
}

// estimateOf applies the best-figure rule to the claims of one figure: a
// preferred claim decides; otherwise the most conservative exact figure
// (the smallest, as ACLED keeps); without an exact one the largest lower
// bound; then the smallest approximate figure or range. Deprecated claims
// count for nothing. ok is false when no claim counts.
func estimateOf(claims []Claim) (e estimate, ok bool) {
	// A claim without a figure (refused by normalizeClaims, which reports
	// it) counts for nothing either.
	live := slices.DeleteFunc(slices.Clone(claims), func(c Claim) bool {
		return c.Rank == Deprecated || c.Value == nil && (c.Low == nil || c.High == nil) || c.Qualifier == AtLeast && c.Value == nil
	})
	if len(live) == 0 {
		return e, false
	}
	lower := func(c Claim) int {
		if c.Value != nil {
			return *c.Value
		}
		return *c.Low
	}
	upper := func(c Claim) int {
		if c.Value != nil {
			return *c.Value
		}
		return *c.High
	}
	pick := func(keep func(Claim) bool, better func(a, b int) bool) (int, bool) {
		found, v := false, 0
		for _, c := range live {
			if keep(c) && (!found || better(lower(c), v)) {
				found, v = true, lower(c)
			}
		}
		return v, found
	}
	less := func(a, b int) bool { return a < b }
	more := func(a, b int) bool { return a > b }
	preferred := false
	if v, found := pick(func(c Claim) bool { return c.Rank == Preferred }, less); found {
		e.best, preferred = v, true
	} else if v, found := pick(func(c Claim) bool { return c.Qualifier == Exact && c.Value != nil }, less); found {
		e.best = v
	} else if v, found := pick(func(c Claim) bool { return c.Qualifier == AtLeast }, more); found {
		e.best = v
	} else {
		e.best, _ = pick(func(Claim) bool { return true }, less)
	}
	e.low, e.high = e.best, e.best
	for _, c := range live {
		e.low, e.high = min(e.low, lower(c)), max(e.high, upper(c))
		if !preferred && !agrees(c, e.best) {
			e.conflict = true
		}
	}
	return e, true
}

// agrees reports whether claim c allows the figure best.
func agrees(c Claim, best int) bool {
	switch {
	case c.Qualifier == AtLeast:
		return *c.Value <= best
	case c.Value != nil:
		return *c.Value == best
	}
	return *c.Low <= best && best <= *c.High
}

// claimsOf are the claims about one figure of one target (nil: the
// incident's total).
func claimsOf(claims []Claim, figure string, line *Casualty) []Claim {
	var out []Claim
	for _, c := range claims {
		if c.Figure != figure {
			continue
		}
		if line == nil && c.Group == nil || line != nil && c.Group != nil && *c.Group == line.Group && deref(c.Nationality) == deref(line.Nationality) {
			out = append(out, c)
		}
	}
	return out
}

// settle decides one figure from its claims: with claims about it, the
// figure is their best (a figure also given must be that one), and low and
// high are theirs; without, low and high are the figure itself. floor is
// what the figure's lines add up to, for each estimate: a total is at
// least its breakdown in every estimate.
func settle(fe *FieldErrors, field string, given Figure, value *int, claims []Claim, floor *[3]int) (v, low, high *int, conflict bool) {
	e, ok := estimateOf(claims)
	if !ok {
		if value == nil {
			return nil, nil, nil, false
		}
		// A copy: value may point into the input, which is not ours to
		// change (an import normalizes records on another goroutine).
		v, low, high = ptrInt(*value), ptrInt(*value), ptrInt(*value)
	} else {
		if given.Given && given.Value != nil && *given.Value != e.best {
			fe.Add(field, "is %d but its claims give %d as the best figure; leave it out, or rank the claim you trust preferred", *given.Value, e.best)
		}
		v, low, high, conflict = ptrInt(e.best), ptrInt(e.low), ptrInt(e.high), e.conflict
	}
	if floor != nil {
		*v, *low, *high = max(*v, floor[0]), max(*low, floor[1]), max(*high, floor[2])
	}
	return v, low, high, conflict
}

// settleLines applies the claims about casualty lines to them.
func settleLines(fe *FieldErrors, in IncidentInput, out *Incident) {
	for i := range out.Casualties {
		c := &out.Casualties[i]
		p := fmt.Sprintf("casualties[%d].", i)
		var k, w bool
		c.Killed, c.KilledLow, c.KilledHigh, k = settle(fe, p+"killed", in.Casualties[i].Killed, c.Killed, claimsOf(out.Claims, "killed", c), nil)
		c.Wounded, c.WoundedLow, c.WoundedHigh, w = settle(fe, p+"wounded", in.Casualties[i].Wounded, c.Wounded, claimsOf(out.Claims, "wounded", c), nil)
		out.Conflict = out.Conflict || k || w
	}
}

// settleTotals applies the claims about the incident's totals, once the
// lines are settled, and holds each estimate of a total to at least its
// lines'.
func settleTotals(fe *FieldErrors, in IncidentInput, out *Incident) {
	for _, f := range []struct {
		name                  string
		given                 Figure
		value, low, high      **int
		line, lineLow, lineHi func(Casualty) *int
	}{
		{"killed", in.Killed, &out.Killed, &out.KilledLow, &out.KilledHigh,
			func(c Casualty) *int { return c.Killed }, func(c Casualty) *int { return c.KilledLow }, func(c Casualty) *int { return c.KilledHigh }},
		{"wounded", in.Wounded, &out.Wounded, &out.WoundedLow, &out.WoundedHigh,
			func(c Casualty) *int { return c.Wounded }, func(c Casualty) *int { return c.WoundedLow }, func(c Casualty) *int { return c.WoundedHigh }},
	} {
		var floor [3]int
		for _, c := range out.Casualties {
			floor[0] += Value0(f.line(c))
			floor[1] += Value0(f.lineLow(c))
			floor[2] += Value0(f.lineHi(c))
		}
		var conflict bool
		*f.value, *f.low, *f.high, conflict = settle(fe, f.name, f.given, *f.value, claimsOf(out.Claims, f.name, nil), &floor)
		out.Conflict = out.Conflict || conflict
	}
}

// input is the claim as a client would send it.
func (c Claim) input() ClaimInput {
	figure, q, r := c.Figure, string(c.Qualifier), string(c.Rank)
	in := ClaimInput{Figure: &figure, Nationality: c.Nationality, Value: c.Value, Low: c.Low, High: c.High,
		Qualifier: &q, StatedOn: c.StatedOn, Note: c.Note, Rank: &r,
		Source: &ClaimSourceInput{Source: c.Source.Source, Dataset: c.Source.Dataset, ExternalID: c.Source.ExternalID}}
	if c.Group != nil {
		g := string(*c.Group)
		in.Group = &g
	}
	return in
}
