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
	ID                    int64         `json:"id"`
	ExternalID            *string       `json:"external_id"`
	Dataset               *string       `json:"dataset"`
	Origin                Origin        `json:"origin"`
	OccurredOn            string        `json:"occurred_on"`
	DatePrecision         DatePrecision `json:"date_precision"`
	Mission               *string       `json:"mission"`
	Country               *string       `json:"country"`
	Region                *string       `json:"region"`
	Locality              *string       `json:"locality"`
	Latitude              *float64      `json:"latitude"`
	Longitude             *float64      `json:"longitude"`
	Type                  IncidentType  `json:"type"`
	Summary               string        `json:"summary"`
	Killed                *int          `json:"killed"`
	Wounded               *int          `json:"wounded"`
	Casualties            []Casualty    `json:"casualties"`
	Forces                []string      `json:"forces"`
	ContributingCountries []string      `json:"contributing_countries"`
	Sources               []Source      `json:"sources"`
	CreatedAt             time.Time     `json:"created_at"`
	UpdatedAt             time.Time     `json:"updated_at"`
	DeletedAt             *time.Time    `json:"deleted_at,omitempty"`
	Version               int           `json:"version"`
}

// Counted is what the incident adds to a sum of killed and wounded: each
// total when it is known, and otherwise the part of it its casualty lines
// know (a lower bound, 0 without lines). Reports add these, so that the
// rows of a report by group, which add the lines, come to its totals.
func (inc *Incident) Counted() (killed, wounded int) {
	return counted(inc.Killed, inc.Casualties, func(c Casualty) *int { return c.Killed }),
		counted(inc.Wounded, inc.Casualties, func(c Casualty) *int { return c.Wounded })
}

func counted(total *int, lines []Casualty, figure func(Casualty) *int) int {
	if total != nil {
		return *total
	}
	n := 0
	for _, c := range lines {
		n += Value0(figure(c))
	}
	return n
}

// Unattributed is the part of the incident's figures that no casualty line
// holds: a known total less the known lines, or unknown when the total is.
// ok is false when there is no such part: every person counted is on a
// line. An incident without lines is all unattributed, even at 0 and 0, so
// that it still has a row in a report by group.
func (inc *Incident) Unattributed() (killed, wounded *int, ok bool) {
	k, w := inc.Counted()
	var lineK, lineW int
	for _, c := range inc.Casualties {
		lineK += Value0(c.Killed)
		lineW += Value0(c.Wounded)
	}
	if inc.Killed != nil {
		n := k - lineK
		killed = &n
	}
	if inc.Wounded != nil {
		n := w - lineW
		wounded = &n
	}
	ok = len(inc.Casualties) == 0 || killed == nil || wounded == nil || *killed > 0 || *wounded > 0
	return killed, wounded, ok
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
}

// Source is where the facts of an incident were published.
type Source struct {
	Title       string  `json:"title"`
	Publisher   *string `json:"publisher"`
	URL         *string `json:"url"`
	PublishedOn *string `json:"published_on"`
	Language    *string `json:"language"`
}
