package exchange

import (
	"bufio"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"incidentdb/models"
)

// CSVOptions are the switches of a CSV export.
type CSVOptions struct {
	HXL bool // a row of HXL hashtags under the header
	BOM bool // a UTF-8 byte-order mark first, so Excel reads UTF-8
	// DataOnly leaves out the columns the database assigns (id,
	// created_at, updated_at, version): a file to load elsewhere.
	DataOnly bool
}

// CSVWriter writes incidents as our CSV. Text cells are guarded against
// spreadsheet formulas with models.GuardCell, which our reader undoes.
type CSVWriter struct {
	buf  *bufio.Writer
	line []byte // the record being encoded
	rec  []string
	keep []int    // columns written, when not all
	out  []string // the kept cells
}

// NewCSVWriter writes the header (and the HXL row and BOM if asked) and
// returns a writer for the rows.
func NewCSVWriter(w io.Writer, opts CSVOptions) (*CSVWriter, error) {
	return newCSV(w, opts, Columns[:])
}

func newCSV(w io.Writer, opts CSVOptions, cols []Column) (*CSVWriter, error) {
	buf := bufio.NewWriterSize(w, 64<<10)
	if opts.BOM {
		if _, err := buf.WriteString("\uFEFF"); err != nil {
			return nil, err
		}
	}
	cw := &CSVWriter{buf: buf, rec: make([]string, len(cols))}
	var names, tags []string
	for i, c := range cols {
		if opts.DataOnly && slices.Contains(serverColumns, c.Name) {
			continue
		}
		cw.keep = append(cw.keep, i)
		names, tags = append(names, c.Name), append(tags, c.HXL)
	}
	if len(cw.keep) == len(cols) {
		cw.keep = nil
	} else {
		cw.out = make([]string, len(cw.keep))
	}
	if err := cw.writeRecord(names); err != nil {
		return nil, err
	}
	if opts.HXL {
		if err := cw.writeRecord(tags); err != nil {
			return nil, err
		}
	}
	return cw, nil
}

// StoredRow is an incident as an export reads it from the database: the
// cells of Columns in order, before the CSV writer's work. Text cells are
// as stored (not yet guarded against formulas), forces and contributing
// countries are the JSON arrays the row holds, casualty lines and sources
// their JSON (written as they are), numbers, dates, timestamps and
// coordinates already in the text our CSV uses. Reading this instead of a
// decoded models.Incident is what makes a large export fast: nothing is
// decoded only to be encoded again.
type StoredRow [NumColumns]string

// textCells are the free-text cells a spreadsheet could take for formulas.
var textCells = [...]int{CellExternalID, CellMission, CellCountry, CellRegion, CellLocality, CellSummary}

// WriteStored writes one row read by the store.
func (cw *CSVWriter) WriteStored(row *StoredRow) error {
	copy(cw.rec, row[:])
	for _, i := range textCells {
		cw.rec[i] = models.GuardCell(row[i])
	}
	cw.rec[CellForces] = listCell(row[CellForces])
	cw.rec[CellContributingCountries] = listCell(row[CellContributingCountries])
	return cw.write()
}

// listCell turns a stored JSON array of strings into a list cell. Arrays
// as the store writes them (no escapes, no spaces) are split as text;
// anything else goes through a JSON decoder, so the result is the same.
func listCell(stored string) string {
	if stored == "[]" || stored == "" {
		return ""
	}
	if len(stored) >= 4 && stored[:2] == `["` && stored[len(stored)-2:] == `"]` && !strings.Contains(stored, `\`) {
		inner := stored[2 : len(stored)-2]
		items := strings.Count(inner, `","`) + 1
		if strings.Count(inner, `"`) == 2*(items-1) {
			if !listNeedsGuard(inner) {
				return strings.ReplaceAll(inner, `","`, ListSeparator)
			}
			return list(strings.Split(inner, `","`))
		}
	}
	var items []string
	if err := json.Unmarshal([]byte(stored), &items); err != nil {
		return ""
	}
	return list(items)
}

// listNeedsGuard reports whether an item of a list joined by "," needs
// GuardCell: what it checks is each item's first characters.
func listNeedsGuard(inner string) bool {
	for {
		if models.GuardCell(inner) != inner {
			return true
		}
		i := strings.Index(inner, `","`)
		if i < 0 {
			return false
		}
		inner = inner[i+3:]
	}
}

// Write writes one incident.
func (cw *CSVWriter) Write(inc *models.Incident) error {
	if err := cw.fill(inc); err != nil {
		return err
	}
	return cw.write()
}

func (cw *CSVWriter) fill(inc *models.Incident) error {
	r := cw.rec
	r[CellID] = strconv.FormatInt(inc.ID, 10)
	r[CellExternalID] = text(inc.ExternalID)
	r[CellOccurredOn] = inc.OccurredOn
	r[CellDatePrecision] = string(inc.DatePrecision)
	r[CellMission] = text(inc.Mission)
	r[CellCountry] = text(inc.Country)
	r[CellRegion] = text(inc.Region)
	r[CellLocality] = text(inc.Locality)
	r[CellLatitude] = float(inc.Latitude)
	r[CellLongitude] = float(inc.Longitude)
	r[CellType] = string(inc.Type)
	r[CellSummary] = models.GuardCell(inc.Summary)
	r[CellKilled] = figure(inc.Killed)
	r[CellWounded] = figure(inc.Wounded)
	r[CellKilledLow], r[CellKilledHigh] = figure(inc.KilledLow), figure(inc.KilledHigh)
	r[CellWoundedLow], r[CellWoundedHigh] = figure(inc.WoundedLow), figure(inc.WoundedHigh)
	r[CellClaims] = jsonCell(inc.Claims)
	r[CellConflict] = strconv.FormatBool(inc.Conflict)
	r[CellForces] = list(inc.Forces)
	r[CellContributingCountries] = list(inc.ContributingCountries)
	r[CellCasualties] = jsonCell(inc.Casualties)
	r[CellSources] = jsonCell(inc.Sources)
	r[CellDataset] = text(inc.Dataset)
	r[CellOrigin] = string(inc.Origin)
	r[CellCreatedAt] = models.FormatTime(inc.CreatedAt)
	r[CellUpdatedAt] = models.FormatTime(inc.UpdatedAt)
	r[CellVersion] = strconv.Itoa(inc.Version)
	return nil
}

func (cw *CSVWriter) write() error {
	if cw.keep == nil {
		return cw.writeRecord(cw.rec)
	}
	for i, k := range cw.keep {
		cw.out[i] = cw.rec[k]
	}
	return cw.writeRecord(cw.out)
}

// writeRecord writes what encoding/csv's Writer writes for rec with its
// defaults (comma, "\n" line ends), which the tests hold it to. It is
// written out here because a large export spends most of its time in
// this loop, where the standard one rebuilds a character set for every
// quoted cell.
func (cw *CSVWriter) writeRecord(rec []string) error {
	b := cw.line[:0]
	for i, field := range rec {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCSVField(b, field)
	}
	b = append(b, '\n')
	cw.line = b
	_, err := cw.buf.Write(b)
	return err
}

func appendCSVField(b []byte, field string) []byte {
	// Most cells are short and need no quotes: one pass of a byte table
	// settles them, where a vector scan costs more to start than it saves.
	// A long cell is looked at for its quotes first: JSON cells hold one
	// every few bytes, and are most of the bytes of an export.
	var first int
	if len(field) < 16 {
		if !shortNeedsQuotes(field) {
			return append(b, field...)
		}
		first = strings.IndexByte(field, '"')
	} else if first = strings.IndexByte(field, '"'); first < 0 && !quoteFreeNeedsQuotes(field) {
		return append(b, field...)
	}
	b = append(b, '"')
	if first < 0 {
		b = append(b, field...)
		return append(b, '"')
	}
	// A byte loop costs less than a call to strings.IndexByte per quote
	// where they are this close together.
	start := 0
	for i := first; i < len(field); i++ {
		if field[i] == '"' {
			b = append(b, field[start:i+1]...)
			b = append(b, '"')
			start = i + 1
		}
	}
	b = append(b, field[start:]...)
	return append(b, '"')
}

// csvSpecial marks the bytes that make encoding/csv quote a field
// wherever they are in it.
var csvSpecial = [256]bool{',': true, '"': true, '\n': true, '\r': true}

// asciiSpace is unicode.IsSpace for the bytes under utf8.RuneSelf.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// shortNeedsQuotes is encoding/csv's rule: a separator, a quote or a line
// break anywhere, a leading space of any kind, or PostgreSQL's end-of-data
// marker.
func shortNeedsQuotes(field string) bool {
	if field == "" {
		return false
	}
	if field == `\.` {
		return true
	}
	for i := 0; i < len(field); i++ {
		if csvSpecial[field[i]] {
			return true
		}
	}
	return leadingSpace(field)
}

// quoteFreeNeedsQuotes is the same rule for a field of 16 bytes or more
// with no quote in it, where three vector scans cost less than a byte loop.
func quoteFreeNeedsQuotes(field string) bool {
	return strings.IndexByte(field, ',') >= 0 || strings.IndexByte(field, '\n') >= 0 ||
		strings.IndexByte(field, '\r') >= 0 || leadingSpace(field)
}

// leadingSpace is whether a non-empty field starts with a space of any
// kind, as unicode.IsSpace says.
func leadingSpace(field string) bool {
	if c := field[0]; c < utf8.RuneSelf {
		return asciiSpace[c]
	}
	r, _ := utf8.DecodeRuneInString(field)
	return unicode.IsSpace(r)
}

// WriteCasualties writes one row per casualty line of inc, in the long
// format of CasualtyColumns, and then the part of its figures no line
// holds (when it holds anyone, or is not known) as a row with no line
// number and no group: the killed column of the file adds up to the
// incidents' totals.
func (cw *CSVWriter) WriteCasualties(inc *models.Incident) error {
	for i, c := range inc.Casualties {
		if err := cw.writeCasualty(inc, strconv.Itoa(i+1), string(c.Group), text(c.Force), text(c.Nationality), c.Killed, c.Wounded); err != nil {
			return err
		}
	}
	if k, w, ok := inc.Unattributed(); ok && (k == nil || w == nil || *k > 0 || *w > 0) {
		return cw.writeCasualty(inc, "", "", "", "", k, w)
	}
	return nil
}

func (cw *CSVWriter) writeCasualty(inc *models.Incident, line, group, force, nationality string, killed, wounded *int) error {
	// In the order of CasualtyColumns.
	cw.rec = append(cw.rec[:0], strconv.FormatInt(inc.ID, 10), text(inc.ExternalID), inc.OccurredOn,
		text(inc.Country), text(inc.Region), text(inc.Mission), string(inc.Type), line,
		group, force, nationality, figure(killed), figure(wounded), text(inc.Dataset), string(inc.Origin))
	return cw.write()
}

// NewCasualtyCSVWriter writes the header of the long casualty format.
func NewCasualtyCSVWriter(w io.Writer, opts CSVOptions) (*CSVWriter, error) {
	return newCSV(w, opts, CasualtyColumns)
}

// NewClaimCSVWriter writes GET /claims.csv: ClaimColumns, one row per claim.
func NewClaimCSVWriter(w io.Writer, opts CSVOptions) (*CSVWriter, error) {
	return newCSV(w, opts, ClaimColumns)
}

// WriteClaims writes one row per claim of inc, in the order of
// ClaimColumns, with the figure it is about as the incident has it.
func (cw *CSVWriter) WriteClaims(inc *models.Incident) error {
	for _, c := range inc.Claims {
		best, low, high := inc.Killed, inc.KilledLow, inc.KilledHigh
		if c.Figure == "wounded" {
			best, low, high = inc.Wounded, inc.WoundedLow, inc.WoundedHigh
		}
		group := ""
		if c.Group != nil {
			group = string(*c.Group)
			for _, l := range inc.Casualties {
				if l.Group == *c.Group && text(l.Nationality) == text(c.Nationality) {
					best, low, high = l.Killed, l.KilledLow, l.KilledHigh
					if c.Figure == "wounded" {
						best, low, high = l.Wounded, l.WoundedLow, l.WoundedHigh
					}
				}
			}
		}
		index, title, url := "", "", ""
		if i := c.Source.Source; i != nil && *i < len(inc.Sources) {
			index, title, url = strconv.Itoa(*i), inc.Sources[*i].Title, text(inc.Sources[*i].URL)
		}
		cw.rec = append(cw.rec[:0], strconv.FormatInt(inc.ID, 10), text(inc.ExternalID), inc.OccurredOn,
			text(inc.Country), text(inc.Region), text(inc.Mission), text(inc.Dataset),
			c.Figure, group, text(c.Nationality), index, models.GuardCell(title), url,
			text(c.Source.Dataset), text(c.Source.ExternalID), figure(c.Value), figure(c.Low), figure(c.High),
			string(c.Qualifier), text(c.StatedOn), string(c.Rank), models.GuardCell(text(c.Note)),
			figure(best), figure(low), figure(high), strconv.FormatBool(inc.Conflict))
		if err := cw.write(); err != nil {
			return err
		}
	}
	return nil
}

// Flush writes out what is buffered; call it at the end, and between rows
// when the reader should see progress.
func (cw *CSVWriter) Flush() error {
	return cw.buf.Flush()
}

func text(s *string) string {
	if s == nil {
		return ""
	}
	return models.GuardCell(*s)
}

// figure is a count's cell: empty when it is not known.
func figure(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func float(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return models.GuardCell(items[0])
	}
	guarded := make([]string, len(items))
	for i, it := range items {
		guarded[i] = models.GuardCell(it)
	}
	return strings.Join(guarded, ListSeparator)
}

func jsonCell(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// NDJSONWriter writes one incident per line, as GET /incidents/{id} does.
type NDJSONWriter struct {
	buf *bufio.Writer
	enc *json.Encoder
}

// NewNDJSONWriter returns a writer of newline-delimited JSON.
func NewNDJSONWriter(w io.Writer) *NDJSONWriter {
	buf := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &NDJSONWriter{buf: buf, enc: enc}
}

// Write writes one incident and a newline.
func (nw *NDJSONWriter) Write(inc *models.Incident) error { return nw.enc.Encode(inc) }

// Flush writes out what is buffered.
func (nw *NDJSONWriter) Flush() error { return nw.buf.Flush() }

// GeoJSONWriter writes a FeatureCollection: incidents with coordinates as
// Point features, the rest with a null geometry (RFC 7946 allows it), and
// the CSV columns as properties.
type GeoJSONWriter struct {
	buf   *bufio.Writer
	first bool
}

// NewGeoJSONWriter opens the FeatureCollection.
func NewGeoJSONWriter(w io.Writer) (*GeoJSONWriter, error) {
	buf := bufio.NewWriterSize(w, 64<<10)
	_, err := buf.WriteString(`{"type":"FeatureCollection","features":[`)
	return &GeoJSONWriter{buf: buf, first: true}, err
}

type feature struct {
	Type       string           `json:"type"`
	ID         int64            `json:"id"`
	Geometry   *point           `json:"geometry"`
	Properties *models.Incident `json:"properties"`
}

type point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// Write writes one feature.
func (gw *GeoJSONWriter) Write(inc *models.Incident) error {
	f := feature{Type: "Feature", ID: inc.ID, Properties: inc}
	if inc.Latitude != nil && inc.Longitude != nil {
		// GeoJSON puts longitude first.
		f.Geometry = &point{Type: "Point", Coordinates: [2]float64{*inc.Longitude, *inc.Latitude}}
	}
	if !gw.first {
		if err := gw.buf.WriteByte(','); err != nil {
			return err
		}
	}
	gw.first = false
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	_, err = gw.buf.Write(b)
	return err
}

// Close ends the FeatureCollection and flushes.
func (gw *GeoJSONWriter) Close() error {
	if _, err := gw.buf.WriteString("]}\n"); err != nil {
		return err
	}
	return gw.buf.Flush()
}

// Flush writes out what is buffered.
func (gw *GeoJSONWriter) Flush() error { return gw.buf.Flush() }
