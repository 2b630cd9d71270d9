package exchange

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"incidentdb/models"
)

// Record is one incident read from a file: where it started, and either
// the input or why it could not be read.
type Record struct {
	Line  int
	Input models.IncidentInput
	Err   error
}

// Reader yields records until io.EOF. An error other than io.EOF means
// the file as a whole cannot be read further (truncated, wrong columns);
// a bad row is a Record with Err set, and reading goes on.
type Reader interface {
	Next() (Record, error)
}

// Formats are the import formats by name.
var Formats = []string{"csv", "ndjson", "json", "acled", "un-fatalities"}

// NewReader returns the reader for a format name.
func NewReader(format string, r io.Reader) (Reader, error) {
	switch format {
	case "csv":
		return NewCSVReader(r)
	case "ndjson":
		return NewNDJSONReader(r), nil
	case "json":
		return NewJSONArrayReader(r)
	case "acled":
		return NewACLEDReader(r)
	case "un-fatalities":
		return NewUNFatalitiesReader(r)
	}
	return nil, fmt.Errorf("unknown format %q; one of %s", format, strings.Join(Formats, ", "))
}

// Provenance is what an import of a file of format records on its
// incidents: the format as their origin, and the dataset label given
// (lower-cased), or else the format's own for the datasets it is the
// format of. A bad label is an error naming param.
func Provenance(format, dataset, param string) (models.Origin, *string, error) {
	d := strings.ToLower(strings.TrimSpace(dataset))
	if d == "" {
		switch format {
		case "acled", "un-fatalities":
			d = format
		default:
			return models.Origin(format), nil, nil
		}
	}
	if !models.ValidDataset(d) {
		return "", nil, models.Malformedf(param, "%q is not a dataset label: 1 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit", dataset)
	}
	return models.Origin(format), &d, nil
}

// fileError is an error with the whole file, named as a field for the
// problem response.
func fileError(format string, args ...any) error {
	return models.FieldErrorf(models.Invalid, "the file cannot be imported", "file", format, args...)
}

// rowError is a problem with one field of one row.
func rowError(field, format string, args ...any) error {
	return models.FieldErrorf(models.Invalid, "the row is not valid", field, format, args...)
}

// csvSource wraps encoding/csv with the line numbers, BOM and HXL handling
// that every CSV format here needs.
type csvSource struct {
	r      *csv.Reader
	limit  *recordLimit
	header []string
	index  map[string]int
	line   int // the line of the last record read
}

// errRecordTooLong is what recordLimit answers past its bound.
var errRecordTooLong = errors.New("record too long")

// recordLimit fails once more than max bytes were read since the last
// reset: encoding/csv and encoding/json hold a whole record in memory
// before they return it, so the bound must be on what they read.
type recordLimit struct {
	r      io.Reader
	max, n int
}

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.n >= l.max {
		return 0, errRecordTooLong
	}
	if len(p) > l.max-l.n {
		p = p[:l.max-l.n]
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}

func (l *recordLimit) reset() { l.n = 0 }

// readAhead is how far the buffered readers above a recordLimit may read
// past the record they return.
const readAhead = 64 << 10

func newCSVSource(r io.Reader, normalize func(string) string) (*csvSource, error) {
	lim := &recordLimit{r: r, max: MaxLine + readAhead}
	br := bufio.NewReaderSize(lim, readAhead)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = false
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fileError("the file is empty: a header row is required")
	}
	if errors.Is(err, errRecordTooLong) {
		return nil, fileError("the header is longer than %d bytes", MaxLine)
	}
	if err != nil {
		return nil, fileError("the header cannot be read: %v", err)
	}
	lim.reset()
	if len(header) > maxColumns {
		return nil, fileError("the header has %d columns; at most %d are read", len(header), maxColumns)
	}
	s := &csvSource{r: cr, limit: lim, index: map[string]int{}, line: 1}
	for i, h := range header {
		name := normalize(strings.TrimSpace(h))
		if _, dup := s.index[name]; dup {
			return nil, fileError("column %q appears twice", h)
		}
		s.index[name] = i
		s.header = append(s.header, name)
	}
	return s, nil
}

// read returns the next data row and its line, skipping an HXL hashtag row
// right under the header.
func (s *csvSource) read() ([]string, int, error) {
	for {
		rec, err := s.r.Read()
		s.limit.reset()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, pe.StartLine, fileError("line %d: %v", pe.StartLine, pe.Err)
			}
			if errors.Is(err, errRecordTooLong) {
				return nil, s.line + 1, fileError("the record after line %d is longer than %d bytes", s.line, MaxLine)
			}
			return nil, 0, err
		}
		line, _ := s.r.FieldPos(0)
		s.line = line
		if line == 2 && len(rec) > 0 && strings.HasPrefix(strings.TrimSpace(rec[0]), "#") {
			continue
		}
		if len(rec) != len(s.header) {
			return rec, line, rowError("row", "has %d cells; the header has %d", len(rec), len(s.header))
		}
		for _, cell := range rec {
			if !utf8.ValidString(cell) {
				return rec, line, rowError("row", "is not valid UTF-8")
			}
		}
		return rec, line, nil
	}
}

func (s *csvSource) get(rec []string, name string) (string, bool) {
	i, ok := s.index[name]
	if !ok || i >= len(rec) {
		return "", false
	}
	return rec[i], true
}

// CSVReader reads our CSV: columns by name in any order, as export writes
// them or a subset. occurred_on and type are required; a list column that
// is present but empty is an empty list, one that is absent is derived.
type CSVReader struct {
	src *csvSource
}

var serverColumns = []string{"id", "created_at", "updated_at", "version"}

// NewCSVReader reads and checks the header.
func NewCSVReader(r io.Reader) (*CSVReader, error) {
	src, err := newCSVSource(r, strings.ToLower)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, c := range Columns {
		known[c.Name] = true
	}
	var unknown []string
	for _, h := range src.header {
		if !known[h] {
			unknown = append(unknown, h)
		}
	}
	if len(unknown) > 0 {
		return nil, fileError("unknown columns %s; the columns are those of GET /api/v1/incidents.csv (give --format for other files)", strings.Join(unknown, ", "))
	}
	for _, need := range []string{"occurred_on", "type"} {
		if _, ok := src.index[need]; !ok {
			return nil, fileError("the column %q is required", need)
		}
	}
	return &CSVReader{src: src}, nil
}

// Next returns the next record.
func (cr *CSVReader) Next() (Record, error) {
	rec, line, err := cr.src.read()
	if err != nil {
		if rec == nil {
			return Record{Line: line}, err
		}
		return Record{Line: line, Err: err}, nil
	}
	in, err := cr.parse(rec)
	return Record{Line: line, Input: in, Err: err}, nil
}

func (cr *CSVReader) parse(rec []string) (models.IncidentInput, error) {
	var in models.IncidentInput
	var fe models.FieldErrors
	str := func(name string) *string {
		v, ok := cr.src.get(rec, name)
		if !ok || v == "" {
			return nil
		}
		v = models.UnguardCell(v)
		return &v
	}
	in.ExternalID = str("external_id")
	in.OccurredOn = str("occurred_on")
	in.DatePrecision = str("date_precision")
	in.Mission = str("mission")
	in.Country = str("country")
	in.Region = str("region")
	in.Locality = str("locality")
	in.Type = str("type")
	in.Summary = str("summary")
	in.Latitude = floatCell(&fe, "latitude", str("latitude"))
	in.Longitude = floatCell(&fe, "longitude", str("longitude"))
	in.Dataset = str("dataset")
	in.Killed = figureCell(&fe, cr.src, rec, "killed")
	in.Wounded = figureCell(&fe, cr.src, rec, "wounded")
	if v, ok := cr.src.get(rec, "forces"); ok {
		in.Forces = splitList(v)
	}
	if v, ok := cr.src.get(rec, "contributing_countries"); ok {
		in.ContributingCountries = splitList(v)
	}
	for _, cell := range []struct {
		column string
		into   any
	}{{"casualties", &in.Casualties}, {"sources", &in.Sources}, {"claims", &in.Claims}} {
		v := str(cell.column)
		if v == nil {
			continue
		}
		var e *models.Error
		if err := models.DecodeCell([]byte(*v), cell.column, cell.into); errors.As(err, &e) {
			for _, f := range e.Fields {
				fe.Add(f.Field, "%s (the cell holds a JSON array as export writes it)", f.Message)
			}
		} else if err != nil {
			fe.Add(cell.column, "must be a JSON array as export writes it")
		}
	}
	return in, fe.Err("the row is not valid")
}

func splitList(cell string) []string {
	out := []string{}
	if strings.TrimSpace(cell) == "" {
		return out
	}
	for _, it := range strings.Split(cell, ListSeparator) {
		out = append(out, models.UnguardCell(strings.TrimSpace(it)))
	}
	return out
}

// figureCell reads a count: a file without the column leaves it out (the
// server derives it), an empty cell is a figure not known.
func figureCell(fe *models.FieldErrors, src *csvSource, rec []string, name string) models.Figure {
	v, ok := src.get(rec, name)
	if !ok {
		return models.Figure{}
	}
	if strings.TrimSpace(v) == "" {
		return models.Unknown()
	}
	n := intCell(fe, name, &v)
	if n == nil {
		return models.Figure{} // the error is recorded
	}
	return models.Known(*n)
}

func intCell(fe *models.FieldErrors, field string, v *string) *int {
	if v == nil {
		return nil
	}
	t := strings.TrimSpace(*v)
	n, err := strconv.Atoi(t)
	if err != nil || !digitsOnly.MatchString(t) {
		fe.Add(field, "%q is not a whole number (digits only)", *v)
		return nil
	}
	return &n
}

func floatCell(fe *models.FieldErrors, field string, v *string) *float64 {
	if v == nil {
		return nil
	}
	t := strings.TrimSpace(*v)
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || !decimalNumber.MatchString(t) {
		fe.Add(field, "%q is not a decimal number", *v)
		return nil
	}
	return &f
}

// decimalNumber is what a number cell may hold: ParseFloat alone would
// also take 1_0, 0x1p-2, Inf and NaN, which no file means as coordinates.
// digitsOnly is what a count cell may hold: Atoi alone takes +1 and -0.
var digitsOnly = regexp.MustCompile(`^[0-9]+$`)

// decimalNumber also takes an exponent (1.5e-05), as some tools write
// small coordinates.
var decimalNumber = regexp.MustCompile(`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)

// maxColumns bounds a CSV header: the widest format read here (ACLED) has
// about thirty.
const maxColumns = 200

// NDJSONReader reads one JSON incident per line; blank lines are skipped.
type NDJSONReader struct {
	sc   *bufio.Scanner
	line int
}

// MaxLine bounds one NDJSON line, like the body limit of one incident.
const MaxLine = 4 << 20

// NewNDJSONReader returns a reader of newline-delimited JSON.
func NewNDJSONReader(r io.Reader) *NDJSONReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	return &NDJSONReader{sc: sc}
}

// Next returns the next record.
func (nr *NDJSONReader) Next() (Record, error) {
	for nr.sc.Scan() {
		nr.line++
		b := bytes.TrimSpace(nr.sc.Bytes())
		if nr.line == 1 {
			b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
		}
		if len(b) == 0 {
			continue
		}
		in, err := models.DecodeIncidentInput(b)
		return Record{Line: nr.line, Input: in, Err: err}, nil
	}
	if err := nr.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Record{}, fileError("line %d is longer than %d bytes", nr.line+1, MaxLine)
		}
		return Record{}, err
	}
	return Record{}, io.EOF
}

// JSONArrayReader reads a JSON array of incidents one element at a time,
// so a large array is never held whole in memory.
type JSONArrayReader struct {
	dec   *json.Decoder
	limit *recordLimit
	index int
}

// NewJSONArrayReader checks the opening bracket.
func NewJSONArrayReader(r io.Reader) (*JSONArrayReader, error) {
	lim := &recordLimit{r: r, max: MaxLine + readAhead}
	dec := json.NewDecoder(lim)
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, fileError("the file is empty: a JSON array is required")
	}
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '[' {
		return nil, fileError("a JSON array of incidents is required")
	}
	return &JSONArrayReader{dec: dec, limit: lim}, nil
}

// Next returns the next element; Line is its 1-based position in the array.
func (jr *JSONArrayReader) Next() (Record, error) {
	if !jr.dec.More() {
		if _, err := jr.dec.Token(); err != nil {
			return Record{}, fileError("the JSON array is not closed: %v", err)
		}
		if _, err := jr.dec.Token(); !errors.Is(err, io.EOF) {
			return Record{}, fileError("there is data after the JSON array")
		}
		return Record{}, io.EOF
	}
	jr.index++
	jr.limit.reset()
	var raw json.RawMessage
	if err := jr.dec.Decode(&raw); err != nil {
		if errors.Is(err, errRecordTooLong) {
			return Record{}, fileError("element %d is longer than %d bytes", jr.index, MaxLine)
		}
		return Record{}, fileError("element %d cannot be read: %v", jr.index, err)
	}
	in, err := models.DecodeIncidentInput(raw)
	return Record{Line: jr.index, Input: in, Err: err}, nil
}
