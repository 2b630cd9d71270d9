// Package models owns the domain of incidentdb: incidents and their
// casualty lines and sources, the enums, the rules that make an incident
// valid, the shared list/report filter, and (in gazetteer) the regions and
// countries that names are matched against.
package models

import "time"

// DateLayout is how calendar dates travel and are stored: the incident's own
// date has no time zone, so it is never a time.Time in the database.
const DateLayout = "2006-01-02"

// TimeLayout is how timestamps are stored and exported: RFC 3339 in UTC
// with all nine fractional digits, so that comparing two as text compares
// the instants ("08:45:39Z" trimmed of its zeros would sort after
// "08:45:39.7Z"). The JSON API may trim the zeros; both read as the same
// instant.
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// FormatTime renders t in UTC with TimeLayout.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// Incident is one event as stored and as served. Optional values are
// pointers so that "unknown" is null in JSON, never a zero that reads as a
// fact (a latitude of 0 is a place in the Gulf of Guinea).
type Incident struct {
	ID            int64         `json:"id"`
	ExternalID    *string       `json:"external_id"`
	Dataset       *string       `json:"dataset"`
	Origin        Origin        `json:"origin"`
	OccurredOn    string        `json:"occurred_on"`
	DatePrecision DatePrecision `json:"date_precision"`
	Mission       *string       `json:"mission"`
	Country       *string       `json:"country"`
	Region        *string       `json:"region"`
	Locality      *string       `json:"locality"`
	Latitude      *float64      `json:"latitude"`
	Longitude     *float64      `json:"longitude"`
	Type          IncidentType  `json:"type"`
	Summary       string        `json:"summary"`
	Killed        *int          `json:"killed"`
	Wounded       *int          `json:"wounded"`
	// The lowest and highest figures the claims allow; the figure itself
	// when there are none (see Claims).
	KilledLow             *int       `json:"killed_low"`
	KilledHigh            *int       `json:"killed_high"`
	WoundedLow            *int       `json:"wounded_low"`
	WoundedHigh           *int       `json:"wounded_high"`
	Casualties            []Casualty `json:"casualties"`
	Forces                []string   `json:"forces"`
	ContributingCountries []string   `json:"contributing_countries"`
	Sources               []Source   `json:"sources"`
	// Claims are what each source says of each figure; the figures are
	// their best. Conflict says some claims disagree and no editor has
	// ranked one preferred.
	Claims    []Claim    `json:"claims"`
	Conflict  bool       `json:"conflict"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
	// MergedInto is the incident a deleted one was merged into.
	MergedInto *int64 `json:"merged_into,omitempty"`
	Version    int    `json:"version"`
}

// Estimate names which figure of each claimed figure a sum takes: the
// best (the figures as shown), or the lowest or highest the claims allow.
type Estimate string

// The estimates.
const (
	Best Estimate = "best"
	Low  Estimate = "low"
	High Estimate = "high"
)

// Estimates lists every Estimate.
var Estimates = []Estimate{Best, Low, High}

// figures are the killed and wounded of an incident or a line as estimate e
// has them.
func figures(e Estimate, killed, killedLow, killedHigh, wounded, woundedLow, woundedHigh *int) (*int, *int) {
	switch e {
	case Low:
		return killedLow, woundedLow
	case High:
		return killedHigh, woundedHigh
	}
	return killed, wounded
}

// Figures are the incident's killed and wounded as e has them.
func (inc *Incident) Figures(e Estimate) (killed, wounded *int) {
	return figures(e, inc.Killed, inc.KilledLow, inc.KilledHigh, inc.Wounded, inc.WoundedLow, inc.WoundedHigh)
}

// Figures are the line's killed and wounded as e has them.
func (c Casualty) Figures(e Estimate) (killed, wounded *int) {
	return figures(e, c.Killed, c.KilledLow, c.KilledHigh, c.Wounded, c.WoundedLow, c.WoundedHigh)
}

// Counted is what the incident adds to a sum of killed and wounded: each
// total when it is known, and otherwise the part of it its casualty lines
// know (a lower bound, 0 without lines). Reports add these, so that the
// rows of a report by group, which add the lines, come to its totals.
func (inc *Incident) Counted() (killed, wounded int) { return inc.CountedAs(Best) }

// CountedAs is Counted for estimate e.
func (inc *Incident) CountedAs(e Estimate) (killed, wounded int) {
	k, w := inc.Figures(e)
	var lineK, lineW int
	for _, c := range inc.Casualties {
		ck, cw := c.Figures(e)
		lineK += Value0(ck)
		lineW += Value0(cw)
	}
	killed, wounded = lineK, lineW
	if k != nil {
		killed = *k
	}
	if w != nil {
		wounded = *w
	}
	return killed, wounded
}

// Unattributed is the part of the incident's figures that no casualty line
// holds: a known total less the known lines, or unknown when the total is.
// ok is false when there is no such part: every person counted is on a
// line. An incident without lines is all unattributed, even at 0 and 0, so
// that it still has a row in a report by group.
func (inc *Incident) Unattributed() (killed, wounded *int, ok bool) {
	killed, wounded = inc.UnattributedAs(Best)
	return killed, wounded, inc.HasUnattributed()
}

// UnattributedAs is the unattributed part as estimate e has it.
func (inc *Incident) UnattributedAs(e Estimate) (killed, wounded *int) {
	k, w := inc.CountedAs(e)
	tk, tw := inc.Figures(e)
	var lineK, lineW int
	for _, c := range inc.Casualties {
		ck, cw := c.Figures(e)
		lineK += Value0(ck)
		lineW += Value0(cw)
	}
	if tk != nil {
		killed = ptrInt(k - lineK)
	}
	if tw != nil {
		wounded = ptrInt(w - lineW)
	}
	return killed, wounded
}

// HasUnattributed reports whether the incident has a part no line holds,
// in any estimate: then it is stored and counted in every estimate, so
// that the rows of a report are the same whichever is asked.
func (inc *Incident) HasUnattributed() bool {
	if len(inc.Casualties) == 0 {
		return true
	}
	for _, e := range Estimates {
		k, w := inc.UnattributedAs(e)
		if k == nil || w == nil || *k > 0 || *w > 0 {
			return true
		}
	}
	return false
}

// Casualty is one line of an incident's breakdown: how many of one group,
// of one force and nationality, were killed and wounded. Lines may leave
// force or nationality unknown, and the breakdown may be partial.
type Casualty struct {
	Group       Group   `json:"group"`
	Force       *string `json:"force"`
	Nationality *string `json:"nationality"`
	Killed      *int    `json:"killed"`
	Wounded     *int    `json:"wounded"`
	KilledLow   *int    `json:"killed_low"`
	KilledHigh  *int    `json:"killed_high"`
	WoundedLow  *int    `json:"wounded_low"`
	WoundedHigh *int    `json:"wounded_high"`
}

// Source is where the facts of an incident were published.
type Source struct {
	Title       string  `json:"title"`
	Publisher   *string `json:"publisher"`
	URL         *string `json:"url"`
	PublishedOn *string `json:"published_on"`
	Language    *string `json:"language"`
}
