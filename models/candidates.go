package models

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"incidentdb/models/gazetteer"
)

// DefaultWindow is how many days apart two records of one attack may be
// dated by default: the UN's fatalities dataset dates a death by the day
// of death, which can come days after the attack.
const DefaultWindow = 3

// MaxWindow bounds the window a client may ask for.
const MaxWindow = 31

// Candidate is an incident that may be another record of the same attack
// as the one asked about, with how likely and why.
type Candidate struct {
	ID         int64    `json:"id"`
	ExternalID *string  `json:"external_id"`
	Dataset    *string  `json:"dataset"`
	OccurredOn string   `json:"occurred_on"`
	Mission    *string  `json:"mission"`
	Region     *string  `json:"region"`
	Killed     *int     `json:"killed"`
	Score      float64  `json:"score"`
	Reasons    []string `json:"reasons"`
}

// CandidateOf is inc as a candidate with its score and reasons.
func CandidateOf(inc *Incident, score float64, reasons []string) Candidate {
	return Candidate{ID: inc.ID, ExternalID: inc.ExternalID, Dataset: inc.Dataset, OccurredOn: inc.OccurredOn,
		Mission: inc.Mission, Region: inc.Region, Killed: inc.Killed, Score: math.Round(score*100) / 100, Reasons: reasons}
}

// CandidatePair is two incidents that may record the same attack.
type CandidatePair struct {
	IDs     [2]int64 `json:"incidents"`
	Score   float64  `json:"score"`
	Reasons []string `json:"reasons"`
}

// Linked is an imported record an import merged into the incident it
// records, with the score of the match.
type Linked struct {
	Incident int64   `json:"incident"`
	Into     int64   `json:"into"`
	Score    float64 `json:"score"`
}

// Ambiguous is an imported record left unlinked: its best candidates, and
// why none was taken.
type Ambiguous struct {
	Incident   int64       `json:"incident"`
	Candidates []Candidate `json:"candidates"`
	Reason     string      `json:"reason"`
}

// LinkScore is the score from which an import links a record to an
// incident, when no other candidate comes within LinkMargin of it.
const (
	LinkScore  = 6
	LinkMargin = 2
)

// MatchScore says how likely a and b record the same attack, and why. ok
// is false when they cannot: another host country, another region where
// both know theirs, neither the same mission nor the same host country,
// or dates further apart than window days. The score adds: the same
// mission (3) or host country (1); closeness in time (up to 2); the same
// region (2; 0.5 when one does not know its region); nationalities of the
// casualty lines in common (1.5 each, at most 3); forces in common other
// than the mission (0.5 each, at most 1); records from different datasets
// (1), while two records of one dataset are rarely one attack (-3).
func MatchScore(a, b *Incident, window int) (score float64, reasons []string, ok bool) {
	va, vb := Prepare(a), Prepare(b)
	return va.Score(vb, window)
}

// Prepared is an incident as MatchScore compares it, with its names folded
// and its lists gathered once: a month of pairs compares each incident with
// hundreds.
type Prepared struct {
	Inc             *Incident
	Day             int // days since 1970
	mission, region string
	nats, forces    []string
}

// Prepare readies inc for Score; Day is -1 when its date does not parse.
func Prepare(inc *Incident) *Prepared {
	p := &Prepared{Inc: inc, Day: -1, nats: nationalities(inc)}
	if d, err := time.Parse(DateLayout, inc.OccurredOn); err == nil {
		p.Day = int(d.Unix() / 86400)
	}
	if inc.Mission != nil {
		p.mission = gazetteer.Fold(*inc.Mission)
	}
	if inc.Region != nil {
		p.region = gazetteer.Fold(*inc.Region)
	}
	for _, f := range inc.Forces {
		if k := gazetteer.Fold(f); k != p.mission {
			p.forces = append(p.forces, k)
		}
	}
	return p
}

// Score is MatchScore of two prepared incidents.
func (pa *Prepared) Score(pb *Prepared, window int) (score float64, reasons []string, ok bool) {
	return pa.score(pb, window, true)
}

// QuickScore is Score without the reasons, for ranking many pairs before
// explaining the few kept.
func (pa *Prepared) QuickScore(pb *Prepared, window int) (float64, bool) {
	score, _, ok := pa.score(pb, window, false)
	return score, ok
}

func (pa *Prepared) score(pb *Prepared, window int, explain bool) (score float64, reasons []string, ok bool) {
	because := func(r string) {
		if explain {
			reasons = append(reasons, r)
		}
	}
	a, b := pa.Inc, pb.Inc
	if a.ID == b.ID || pa.Day < 0 || pb.Day < 0 {
		return 0, nil, false
	}
	if a.Country != nil && b.Country != nil && *a.Country != *b.Country {
		return 0, nil, false
	}
	sameMission := pa.mission != "" && pa.mission == pb.mission
	if !sameMission && (a.Country == nil || b.Country == nil) {
		return 0, nil, false
	}
	days := pb.Day - pa.Day
	if days < 0 {
		days = -days
	}
	if days > window {
		return 0, nil, false
	}
	if pa.region != "" && pb.region != "" && pa.region != pb.region {
		return 0, nil, false
	}
	if sameMission {
		score += 3
		because("the same mission, " + *a.Mission)
	} else {
		score++
		because("the same host country, " + *a.Country)
	}
	score += 2 * (1 - float64(days)/float64(window+1))
	if days == 0 {
		because("the same day")
	} else if explain {
		because(fmt.Sprintf("%d days apart", days))
	}
	switch {
	case pa.region != "" && pb.region != "":
		score += 2
		because("the same region, " + *a.Region)
	case pa.region != "" || pb.region != "":
		score += 0.5
		because("one does not know its region")
	}
	if shared := common(pa.nats, pb.nats); len(shared) > 0 {
		score += min(3, 1.5*float64(len(shared)))
		if explain {
			because("casualties of " + strings.Join(shared, ", ") + " on both")
		}
	}
	if shared := common(pa.forces, pb.forces); len(shared) > 0 {
		score += min(1, 0.5*float64(len(shared)))
		because("forces in common")
	}
	switch {
	case a.Dataset != nil && b.Dataset != nil && *a.Dataset == *b.Dataset:
		score -= 3
		because("two records of one dataset, " + *a.Dataset)
	case deref(a.Dataset) != deref(b.Dataset):
		score++
		because("records of different datasets")
	}
	return score, reasons, true
}

func nationalities(inc *Incident) []string {
	var out []string
	for _, c := range inc.Casualties {
		if c.Nationality != nil && !slices.Contains(out, *c.Nationality) {
			out = append(out, *c.Nationality)
		}
	}
	return out
}

func common(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

// RankCandidates scores the incidents of pool against inc, keeps those
// that may be the same attack, and sorts them best first.
func RankCandidates(inc *Incident, pool []Incident, window int) []Candidate {
	out := []Candidate{}
	p := Prepare(inc)
	for i := range pool {
		if score, reasons, ok := p.Score(Prepare(&pool[i]), window); ok {
			out = append(out, CandidateOf(&pool[i], score, reasons))
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		if a.Score != b.Score {
			if a.Score > b.Score {
				return -1
			}
			return 1
		}
		return int(a.ID - b.ID)
	})
	return out
}

// Clear says whether the best of ranked candidates stands clearly above
// the rest: at LinkScore or more, with no other within LinkMargin.
func Clear(ranked []Candidate) bool {
	return len(ranked) > 0 && ranked[0].Score >= LinkScore && (len(ranked) == 1 || ranked[1].Score <= ranked[0].Score-LinkMargin)
}

// Part is one part of a record split along its casualty lines, and the
// incident it belongs to.
type Part struct {
	Input IncidentInput
	Into  Candidate
}

// SplitByLines divides inc's casualty lines among the candidates (whose
// incidents are in pool) by nationality, when each line's nationality is
// on the lines of exactly one candidate and more than one candidate takes
// lines; otherwise nil. Each part keeps inc's fields with its own lines,
// its totals their sum; the parts after the first get inc's external id
// with their nationalities after a slash.
func SplitByLines(inc *Incident, close []Candidate, pool []Incident) []Part {
	byID := map[int64]*Incident{}
	for i := range pool {
		byID[pool[i].ID] = &pool[i]
	}
	lines := map[int64][]Casualty{}
	var order []int64
	for _, l := range inc.Casualties {
		if l.Nationality == nil {
			return nil
		}
		var owner int64
		for _, c := range close {
			if cand := byID[c.ID]; cand != nil && slices.Contains(nationalities(cand), *l.Nationality) {
				if owner != 0 {
					return nil
				}
				owner = c.ID
			}
		}
		if owner == 0 {
			return nil
		}
		if _, seen := lines[owner]; !seen {
			order = append(order, owner)
		}
		lines[owner] = append(lines[owner], l)
	}
	if len(order) < 2 {
		return nil
	}
	var parts []Part
	for i, owner := range order {
		part := *inc
		part.Casualties = lines[owner]
		part.Claims = nil
		part.Summary = strings.TrimSpace(part.Summary + " (The part of this record for " + strings.Join(nationalities(&part), ", ") +
			", split from it along its casualty lines to the attack it records.)")
		in := part.ToInput()
		in.Killed, in.Wounded = Figure{}, Figure{}
		if i > 0 && inc.ExternalID != nil {
			id := *inc.ExternalID + "/" + strings.Join(nationalities(&part), "+")
			in.ExternalID = &id
		}
		in.ContributingCountries = nil
		for _, c := range close {
			if c.ID == owner {
				parts = append(parts, Part{Input: in, Into: c})
			}
		}
	}
	return parts
}
