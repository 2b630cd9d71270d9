// Package exchange owns the file formats incidents travel in: our CSV
// (with optional HXL tags), NDJSON, JSON arrays and GeoJSON, and the
// formats researchers already hold (ACLED exports, the UN's peacekeeper
// fatalities). Writers take models.Incident; readers yield records of
// models.IncidentInput with the line they came from, so that import can
// report every bad row by line and field.
package exchange

// Column is one column of our incident CSV.
type Column struct {
	Name string
	HXL  string
}

// The cells of our incident CSV, in order: a StoredRow and a written
// record are read and filled by these names, never by bare positions.
const (
	CellID = iota
	CellExternalID
	CellOccurredOn
	CellDatePrecision
	CellMission
	CellCountry
	CellRegion
	CellLocality
	CellLatitude
	CellLongitude
	CellType
	CellSummary
	CellKilled
	CellWounded
	CellKilledLow
	CellKilledHigh
	CellWoundedLow
	CellWoundedHigh
	CellForces
	CellContributingCountries
	CellCasualties
	CellSources
	CellClaims
	CellConflict
	CellDataset
	CellOrigin
	CellCreatedAt
	CellUpdatedAt
	CellVersion
	// NumColumns is how many cells a row has.
	NumColumns
)

// Columns is our incident CSV, by cell. The server-owned columns (id,
// killed_low, killed_high, wounded_low, wounded_high, conflict, origin,
// created_at, updated_at, version) are written for reference and
// ignored on import, where the receiving database assigns its own. An
// empty killed or wounded cell is a figure not known.
var Columns = [NumColumns]Column{
	CellID:                    {"id", "#meta+id"},
	CellExternalID:            {"external_id", "#meta+external_id"},
	CellOccurredOn:            {"occurred_on", "#date+occurred"},
	CellDatePrecision:         {"date_precision", "#date+precision"},
	CellMission:               {"mission", "#org+name"},
	CellCountry:               {"country", "#country+code"},
	CellRegion:                {"region", "#adm1+name"},
	CellLocality:              {"locality", "#loc+name"},
	CellLatitude:              {"latitude", "#geo+lat"},
	CellLongitude:             {"longitude", "#geo+lon"},
	CellType:                  {"type", "#event+type"},
	CellSummary:               {"summary", "#description"},
	CellKilled:                {"killed", "#affected+killed"},
	CellWounded:               {"wounded", "#affected+injured"},
	CellKilledLow:             {"killed_low", "#affected+killed+min"},
	CellKilledHigh:            {"killed_high", "#affected+killed+max"},
	CellWoundedLow:            {"wounded_low", "#affected+injured+min"},
	CellWoundedHigh:           {"wounded_high", "#affected+injured+max"},
	CellForces:                {"forces", "#org+forces+list"},
	CellContributingCountries: {"contributing_countries", "#country+code+contributing+list"},
	CellCasualties:            {"casualties", "#affected+breakdown+json"},
	CellSources:               {"sources", "#meta+source+json"},
	CellClaims:                {"claims", "#meta+claims+json"},
	CellConflict:              {"conflict", "#meta+conflict"},
	CellDataset:               {"dataset", "#meta+dataset"},
	CellOrigin:                {"origin", "#meta+origin"},
	CellCreatedAt:             {"created_at", "#date+created"},
	CellUpdatedAt:             {"updated_at", "#date+updated"},
	CellVersion:               {"version", "#meta+version"},
}

// CasualtyColumns is the long format of GET /casualties.csv: one row per
// casualty line with its incident's context, which is what R and pandas
// want for grouping.
var CasualtyColumns = []Column{
	{"incident_id", "#meta+id"}, {"external_id", "#meta+external_id"}, {"occurred_on", "#date+occurred"},
	{"country", "#country+code"}, {"region", "#adm1+name"}, {"mission", "#org+name"}, {"type", "#event+type"},
	{"line", "#meta+line"}, {"group", "#affected+group"}, {"force", "#org+force"},
	{"nationality", "#country+code+nationality"}, {"killed", "#affected+killed"}, {"wounded", "#affected+injured"},
	{"dataset", "#meta+dataset"}, {"origin", "#meta+origin"},
}

// ClaimColumns is the long format of GET /claims.csv: one row per claim
// with its incident and its source, and the figure it is about as the
// incident shows it (best, low, high).
var ClaimColumns = []Column{
	{"incident_id", "#meta+id"}, {"external_id", "#meta+external_id"}, {"occurred_on", "#date+occurred"},
	{"country", "#country+code"}, {"region", "#adm1+name"}, {"mission", "#org+name"}, {"dataset", "#meta+dataset"},
	{"figure", "#meta+figure"}, {"group", "#affected+group"}, {"nationality", "#country+code+nationality"},
	{"source", "#meta+source+index"}, {"source_title", "#meta+source+title"}, {"source_url", "#meta+source+url"},
	{"source_dataset", "#meta+source+dataset"}, {"source_external_id", "#meta+source+external_id"},
	{"value", "#affected+num"}, {"low", "#affected+num+min"}, {"high", "#affected+num+max"},
	{"qualifier", "#meta+qualifier"}, {"stated_on", "#date+stated"}, {"rank", "#meta+rank"}, {"note", "#description"},
	{"best", "#affected+num+best"}, {"best_low", "#affected+num+best+min"}, {"best_high", "#affected+num+best+max"},
	{"conflict", "#meta+conflict"},
}

// ListSeparator joins the items of a list cell.
const ListSeparator = ";"
