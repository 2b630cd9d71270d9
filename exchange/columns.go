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

// Columns is our incident CSV, in order. The server-owned columns (id,
// created_at, updated_at, version) are written for reference and ignored
// on import, where the receiving database assigns its own.
var Columns = []Column{
	{"id", "#meta+id"},
	{"external_id", "#meta+external_id"},
	{"occurred_on", "#date+occurred"},
	{"date_precision", "#date+precision"},
	{"mission", "#org+name"},
	{"country", "#country+code"},
	{"region", "#adm1+name"},
	{"locality", "#loc+name"},
	{"latitude", "#geo+lat"},
	{"longitude", "#geo+lon"},
	{"type", "#event+type"},
	{"summary", "#description"},
	{"killed", "#affected+killed"},
	{"wounded", "#affected+injured"},
	{"forces", "#org+forces+list"},
	{"contributing_countries", "#country+code+contributing+list"},
	{"casualties", "#affected+breakdown+json"},
	{"sources", "#meta+source+json"},
	{"created_at", "#date+created"},
	{"updated_at", "#date+updated"},
	{"version", "#meta+version"},
}

// CasualtyColumns is the long format of GET /casualties.csv: one row per
// casualty line with its incident's context, which is what R and pandas
// want for grouping.
var CasualtyColumns = []Column{
	{"incident_id", "#meta+id"},
	{"external_id", "#meta+external_id"},
	{"occurred_on", "#date+occurred"},
	{"country", "#country+code"},
	{"region", "#adm1+name"},
	{"mission", "#org+name"},
	{"type", "#event+type"},
	{"line", "#meta+line"},
	{"group", "#affected+group"},
	{"force", "#org+force"},
	{"nationality", "#country+code+nationality"},
	{"killed", "#affected+killed"},
	{"wounded", "#affected+injured"},
}

// ListSeparator joins the items of a list cell.
const ListSeparator = ";"
