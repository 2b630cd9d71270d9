package store

import (
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// incidentRow is a row of the incidents table; incidentTable (columns.go)
// says which column each field is. It is kept apart from models.Incident
// so that the folded keys and text timestamps never leak into the API,
// and the API's shape never dictates the schema.
type incidentRow struct {
	ID            int64
	ExternalID    *string
	Dataset       *string
	Origin        string
	OccurredOn    string
	DatePrecision string
	Mission       *string
	MissionKey    *string
	Country       *string
	Region        *string
	RegionKey     *string
	Locality      *string
	Latitude      *float64
	Longitude     *float64
	Type          string
	Summary       string
	Killed        int // what the incident adds to a sum: see models.Incident.Counted
	Wounded       int
	KilledKnown   int // 1 when Killed is the figure itself, 0 when it is unknown
	WoundedKnown  int
	// The estimates as Killed is: what the incident adds to a sum of lows
	// or highs (models.Incident.CountedAs).
	KilledLow, KilledHigh, WoundedLow, WoundedHigh int
	Claims                                         string
	Conflict                                       int
	Forces                                         string
	ContributingCountries                          string
	Casualties                                     string
	Sources                                        string
	Created                                        string
	Updated                                        string
	Deleted                                        *string
	MergedInto                                     *int64
	Version                                        int
}

// size is about what the row takes as JSON: its text, which is all but a
// few hundred bytes of it.
func (r *incidentRow) size() int {
	n := 300 + len(r.Summary) + len(r.Forces) + len(r.ContributingCountries) + len(r.Casualties) + len(r.Sources)
	for _, p := range []*string{r.ExternalID, r.Mission, r.Country, r.Region, r.Locality} {
		if p != nil {
			n += len(*p)
		}
	}
	return n
}

func formatTime(t time.Time) string { return models.FormatTime(t) }

// parseTime reads a stored timestamp; RFC3339Nano reads the fixed width
// of models.TimeLayout and the trimmed text of rows written before it.
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t.UTC()
}

func foldPtr(s *string) *string {
	if s == nil {
		return nil
	}
	k := gazetteer.Fold(*s)
	return &k
}

func jsonList(items []string) string {
	if len(items) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(items)
	return string(b)
}

func parseList(s string) []string {
	out := []string{}
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

func toRow(inc *models.Incident) incidentRow {
	killed, wounded := inc.Counted()
	killedLow, woundedLow := inc.CountedAs(models.Low)
	killedHigh, woundedHigh := inc.CountedAs(models.High)
	r := incidentRow{
		KilledLow: killedLow, KilledHigh: killedHigh, WoundedLow: woundedLow, WoundedHigh: woundedHigh,
		Claims: jsonArray(inc.Claims), Conflict: flag(inc.Conflict), MergedInto: inc.MergedInto,
		ID: inc.ID, ExternalID: inc.ExternalID, Dataset: inc.Dataset, Origin: string(inc.Origin), OccurredOn: inc.OccurredOn,
		DatePrecision: string(inc.DatePrecision), Mission: inc.Mission, MissionKey: foldPtr(inc.Mission),
		Country: inc.Country, Region: inc.Region, RegionKey: foldPtr(inc.Region), Locality: inc.Locality,
		Latitude: inc.Latitude, Longitude: inc.Longitude, Type: string(inc.Type), Summary: inc.Summary,
		Killed: killed, Wounded: wounded, KilledKnown: known(inc.Killed), WoundedKnown: known(inc.Wounded),
		Forces: jsonList(inc.Forces), ContributingCountries: jsonList(inc.ContributingCountries),
		Casualties: jsonArray(inc.Casualties), Sources: jsonArray(inc.Sources),
		Created: formatTime(inc.CreatedAt), Updated: formatTime(inc.UpdatedAt), Version: inc.Version,
	}
	if inc.DeletedAt != nil {
		d := formatTime(*inc.DeletedAt)
		r.Deleted = &d
	}
	return r
}

func fromRow(r incidentRow) models.Incident {
	inc := models.Incident{
		ID: r.ID, ExternalID: r.ExternalID, Dataset: r.Dataset, Origin: models.Origin(r.Origin), OccurredOn: r.OccurredOn,
		DatePrecision: models.DatePrecision(r.DatePrecision), Mission: r.Mission, Country: r.Country,
		Region: r.Region, Locality: r.Locality, Latitude: r.Latitude, Longitude: r.Longitude,
		Type: models.IncidentType(r.Type), Summary: r.Summary, Killed: figure(r.Killed, r.KilledKnown), Wounded: figure(r.Wounded, r.WoundedKnown),
		Forces: parseList(r.Forces), ContributingCountries: parseList(r.ContributingCountries),
		Casualties: parseCasualties(r.Casualties), Sources: parseSources(r.Sources),
		CreatedAt: parseTime(r.Created), UpdatedAt: parseTime(r.Updated), Version: r.Version,
		KilledLow: figure(r.KilledLow, r.KilledKnown), KilledHigh: figure(r.KilledHigh, r.KilledKnown),
		WoundedLow: figure(r.WoundedLow, r.WoundedKnown), WoundedHigh: figure(r.WoundedHigh, r.WoundedKnown),
		Claims: parseClaims(r.Claims), Conflict: r.Conflict == 1, MergedInto: r.MergedInto,
	}
	if r.Deleted != nil {
		d := parseTime(*r.Deleted)
		inc.DeletedAt = &d
	}
	return inc
}

// known is a figure's known flag as stored.
func known(figure *int) int {
	if figure == nil {
		return 0
	}
	return 1
}

// figure is a stored figure as the API shows it: nil when not known.
func figure(n, known int) *int {
	if known == 0 {
		return nil
	}
	return &n
}

func jsonArray[T any](items []T) string {
	if len(items) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(items)
	return string(b)
}

func parseCasualties(s string) []models.Casualty {
	out := []models.Casualty{}
	if s != "[]" && s != "" {
		_ = json.Unmarshal([]byte(s), &out)
	}
	return out
}

func parseClaims(s string) []models.Claim {
	out := []models.Claim{}
	if s != "[]" && s != "" {
		_ = json.Unmarshal([]byte(s), &out)
	}
	return out
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

func parseSources(s string) []models.Source {
	out := []models.Source{}
	if s != "[]" && s != "" {
		_ = json.Unmarshal([]byte(s), &out)
	}
	return out
}

type rowScanner interface{ Scan(dest ...any) error }

// queryIncidents runs a query selecting incidentColumns and returns the rows.
func queryIncidents(tx *gorm.DB, q string, args ...any) ([]incidentRow, error) {
	rows, err := tx.Raw(q, args...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []incidentRow
	for rows.Next() {
		var r incidentRow
		if err := scanIncident(rows, &r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
