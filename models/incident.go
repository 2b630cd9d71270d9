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
	Killed                int           `json:"killed"`
	Wounded               int           `json:"wounded"`
	Casualties            []Casualty    `json:"casualties"`
	Forces                []string      `json:"forces"`
	ContributingCountries []string      `json:"contributing_countries"`
	Sources               []Source      `json:"sources"`
	CreatedAt             time.Time     `json:"created_at"`
	UpdatedAt             time.Time     `json:"updated_at"`
	DeletedAt             *time.Time    `json:"deleted_at,omitempty"`
	Version               int           `json:"version"`
}

// Casualty is one line of an incident's breakdown: how many of one group,
// of one force and nationality, were killed and wounded. Lines may leave
// force or nationality unknown, and the breakdown may be partial.
type Casualty struct {
	Group       Group   `json:"group"`
	Force       *string `json:"force"`
	Nationality *string `json:"nationality"`
	Killed      int     `json:"killed"`
	Wounded     int     `json:"wounded"`
}

// Source is where the facts of an incident were published.
type Source struct {
	Title       string  `json:"title"`
	Publisher   *string `json:"publisher"`
	URL         *string `json:"url"`
	PublishedOn *string `json:"published_on"`
	Language    *string `json:"language"`
}
