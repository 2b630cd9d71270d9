package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"incidentdb/exchange"
	"incidentdb/models"
)

// ExchangeStore is what exports and imports need.
type ExchangeStore interface {
	NameStore
	Each(ctx context.Context, f models.Filter, fn func(*models.Incident) error) error
	EachStored(ctx context.Context, f models.Filter, fn func(*exchange.StoredRow) error) error
	Import(ctx context.Context, actor string, r exchange.Reader, opts models.ImportOptions) (models.ImportResult, error)
}

type exchangeHandlers struct {
	db        ExchangeStore
	maxImport int64
	rows      *prometheus.CounterVec
	limits    Limits
	exports   *gate
	uploads   *gate
	imports   *gate
}

// An upload must bring at least uploadChunk every uploadChunkTime (a
// variable for the tests' sake).
const uploadChunk = 64 << 10

var uploadChunkTime = 30 * time.Second

// importWait is how long an import waits for a place before a 503.
const importWait = 30 * time.Second

// DefaultMaxImport bounds an import body; the CLI has no such limit.
const DefaultMaxImport = 256 << 20

// flushEvery rows, an export pushes what it has to the client, so a slow
// consumer sees progress and the server holds little.
const flushEvery = 500

func (h *exchangeHandlers) exportParams(c *gin.Context, extra ...string) (models.Filter, exchange.CSVOptions, bool) {
	q, err := queryValues(c)
	if err == nil {
		err = singleParams(q, "hxl", "bom")
	}
	if err == nil {
		var f models.Filter
		if f, err = parseFilter(c, h.db, q, extra...); err == nil {
			opts := exchange.CSVOptions{}
			if opts.HXL, err = boolParam(q.Get("hxl"), "hxl"); err == nil {
				if opts.BOM, err = boolParam(q.Get("bom"), "bom"); err == nil {
					return f, opts, true
				}
			}
		}
	}
	writeError(c, err)
	return models.Filter{}, exchange.CSVOptions{}, false
}

func boolParam(v, name string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, malformed(name, "must be true or false")
	}
	return b, nil
}

// stream runs an export.
func (h *exchangeHandlers) stream(c *gin.Context, format, contentType, filename string, f models.Filter,
	write func(*models.Incident) error, flush func() error, finish func() error) {
	h.streamRows(c, format, contentType, filename, f, nil, write, flush, finish)
}

// streamRows is stream for a writer of raw rows (writeRow), or of decoded
// incidents (write) when writeRow is nil.
//
// An export is admitted only within the limits (see Limits), and every
// write to the client has a deadline: ExportIdle from the last flush, and
// never past ExportMax from the start. A client that stops reading is cut
// when the deadline passes, which ends the export's read transaction.
// Once the first byte is out, a failure can only cut the response short:
// the connection is then closed without the end of the body, so that the
// client sees a truncated file rather than a complete-looking one.
func (h *exchangeHandlers) streamRows(c *gin.Context, format, contentType, filename string, f models.Filter,
	writeRow func(*exchange.StoredRow) error, write func(*models.Incident) error, flush func() error, finish func() error) {
	release, ok := h.exports.enter(c)
	if !ok {
		return
	}
	defer release()
	out := c.Writer.(*exportWriter)
	out.extend()
	c.Header("Content-Type", contentType)
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Status(http.StatusOK)
	n := 0
	step := func() error {
		if n++; n%flushEvery == 0 {
			if err := flush(); err != nil {
				return err
			}
			if err := out.rc.Flush(); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	if writeRow != nil {
		err = h.db.EachStored(c.Request.Context(), f, func(r *exchange.StoredRow) error {
			if err := writeRow(r); err != nil {
				return err
			}
			return step()
		})
	} else {
		err = h.db.Each(c.Request.Context(), f, func(inc *models.Incident) error {
			if err := write(inc); err != nil {
				return err
			}
			return step()
		})
	}
	if err == nil {
		err = finish()
	}
	h.rows.WithLabelValues("export", format).Add(float64(n))
	if err != nil {
		if c.Request.Context().Err() == nil {
			slog.ErrorContext(c.Request.Context(), "export cut short", "path", c.FullPath(), "rows", n,
				"seconds", time.Since(out.start).Seconds(), "error", err)
		}
		// The status line is gone; only a broken connection can say so.
		release()
		panic(http.ErrAbortHandler)
	}
}

// exportWriter is the response of an export: every write has a deadline
// of ExportIdle from when it starts, never past ExportMax from the start
// of the export, so a client that takes nothing for the idle time is cut
// whatever it took before.
type exportWriter struct {
	gin.ResponseWriter
	rc         *http.ResponseController
	start      time.Time
	idle, most time.Duration
}

// exporting puts an exportWriter under c's response for the encoders.
func (h *exchangeHandlers) exporting(c *gin.Context) {
	c.Writer = &exportWriter{ResponseWriter: c.Writer, rc: http.NewResponseController(c.Writer), start: time.Now(),
		idle: h.limits.ExportIdle, most: h.limits.ExportMax}
}

func (w *exportWriter) extend() {
	d := time.Now().Add(w.idle)
	if end := w.start.Add(w.most); end.Before(d) {
		d = end
	}
	_ = w.rc.SetWriteDeadline(d)
}

func (w *exportWriter) Write(p []byte) (int, error) {
	w.extend()
	return w.ResponseWriter.Write(p)
}

func (w *exportWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (h *exchangeHandlers) incidentsCSV(c *gin.Context) {
	f, opts, ok := h.exportParams(c, "hxl", "bom", "deleted", "updated_since")
	if !ok {
		return
	}
	h.exporting(c)
	w, err := exchange.NewCSVWriter(c.Writer, opts)
	if err != nil {
		writeError(c, err)
		return
	}
	h.streamRows(c, "csv", "text/csv; charset=utf-8", "incidents.csv", f, w.WriteStored, nil, w.Flush, w.Flush)
}

func (h *exchangeHandlers) casualtiesCSV(c *gin.Context) {
	h.longCSV(c, "casualties", exchange.NewCasualtyCSVWriter, (*exchange.CSVWriter).WriteCasualties)
}

func (h *exchangeHandlers) claimsCSV(c *gin.Context) {
	h.longCSV(c, "claims", exchange.NewClaimCSVWriter, (*exchange.CSVWriter).WriteClaims)
}

// longCSV streams a long-format CSV (rows of the incidents' lines or
// claims), named name, written by newWriter and write.
func (h *exchangeHandlers) longCSV(c *gin.Context, name string, newWriter func(io.Writer, exchange.CSVOptions) (*exchange.CSVWriter, error),
	write func(*exchange.CSVWriter, *models.Incident) error) {
	f, opts, ok := h.exportParams(c, "hxl", "bom", "deleted", "updated_since")
	if !ok {
		return
	}
	h.exporting(c)
	w, err := newWriter(c.Writer, opts)
	if err != nil {
		writeError(c, err)
		return
	}
	h.stream(c, name+"-csv", "text/csv; charset=utf-8", name+".csv", f, func(inc *models.Incident) error { return write(w, inc) }, w.Flush, w.Flush)
}

func (h *exchangeHandlers) incidentsNDJSON(c *gin.Context) {
	f, _, ok := h.exportParams(c, "deleted", "updated_since")
	if !ok {
		return
	}
	h.exporting(c)
	w := exchange.NewNDJSONWriter(c.Writer)
	h.stream(c, "ndjson", "application/x-ndjson", "incidents.ndjson", f, w.Write, w.Flush, w.Flush)
}

func (h *exchangeHandlers) incidentsGeoJSON(c *gin.Context) {
	f, _, ok := h.exportParams(c, "deleted", "updated_since")
	if !ok {
		return
	}
	h.exporting(c)
	w, err := exchange.NewGeoJSONWriter(c.Writer)
	if err != nil {
		writeError(c, err)
		return
	}
	h.stream(c, "geojson", "application/geo+json", "incidents.geojson", f, w.Write, w.Flush, w.Close)
}

// importFormat is the format parameter, or else what the Content-Type says.
func importFormat(c *gin.Context, given string) (string, error) {
	if given != "" {
		for _, f := range exchange.Formats {
			if f == given {
				return f, nil
			}
		}
		return "", malformed("format", "must be one of %s", strings.Join(exchange.Formats, ", "))
	}
	switch c.ContentType() {
	case "text/csv", "application/csv":
		return "csv", nil
	case "application/x-ndjson", "application/ndjson", "application/jsonl":
		return "ndjson", nil
	case "application/json":
		return "json", nil
	}
	return "", malformed("Content-Type", "must be text/csv, application/x-ndjson or application/json, or give ?format=")
}

func (h *exchangeHandlers) importIncidents(c *gin.Context) {
	q, err := queryValues(c)
	if err == nil {
		err = onlyParams(c, "format", "on_conflict", "dry_run", "dataset", "link")
	}
	if err == nil {
		err = singleParams(q, "format", "on_conflict", "dry_run", "dataset", "link")
	}
	var link bool
	if err == nil {
		link, err = boolParam(q.Get("link"), "link")
	}
	var format string
	if err == nil {
		format, err = importFormat(c, q.Get("format"))
	}
	var origin models.Origin
	var dataset *string
	if err == nil {
		origin, dataset, err = exchange.Provenance(format, q.Get("dataset"), "dataset")
	}
	var dry bool
	if err == nil {
		dry, err = boolParam(q.Get("dry_run"), "dry_run")
	}
	if err == nil && c.Request.ContentLength > h.maxImport {
		err = importTooLarge(h.maxImport)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	// The body comes in first, holding an upload place (there are more of
	// them than imports, and a client has few), and only then takes one of
	// the few imports, which it holds for as long as the disk takes to
	// read: an upload that trickles keeps no import waiting.
	leaveUploads, ok := h.uploads.enter(c)
	if !ok {
		return
	}
	defer leaveUploads()
	// The import may take longer than the server's write timeout; the
	// answer gets its own deadline once it is ready.
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetWriteDeadline(time.Time{})
	spool, err := h.spool(c, rc)
	if err != nil {
		if models.ErrorCode(err) == models.TooLarge {
			err = importTooLarge(h.maxImport)
		}
		writeError(c, err)
		return
	}
	defer spool.Close()
	leaveImports, ok := h.imports.enter(c)
	if !ok {
		return
	}
	defer leaveImports()
	r, err := exchange.NewReader(format, spool)
	if err == nil {
		var res models.ImportResult
		res, err = h.db.Import(c.Request.Context(), actor(c), r, models.ImportOptions{OnConflict: q.Get("on_conflict"), DryRun: dry,
			Restore: roleOf(c).Allows(models.RoleAdmin), Origin: origin, Dataset: dataset, Link: link})
		if err == nil {
			if !res.DryRun {
				h.rows.WithLabelValues("import", format).Add(float64(res.Created + res.Updated))
			}
			_ = rc.SetWriteDeadline(time.Now().Add(time.Minute))
			c.JSON(http.StatusOK, res)
			return
		}
	}
	_ = rc.SetWriteDeadline(time.Now().Add(time.Minute))
	writeError(c, err)
}

// spool copies the request body (decoded, within the import limit) to a
// temporary file and returns it, read from the start. The import then
// reads at disk speed: a client uploading slowly holds no database
// connection, no transaction and, on SQLite, not the one writer. The file
// has no name once opened, so nothing is left behind whatever happens.
//
// The body must come at a useful pace: each uploadChunk within
// uploadChunkTime, or the upload is cut with a 400.
func (h *exchangeHandlers) spool(c *gin.Context, rc *http.ResponseController) (*os.File, error) {
	// gzip reads its header at once: the pace holds from the first byte.
	_ = rc.SetReadDeadline(time.Now().Add(uploadChunkTime))
	body, err := requestBody(c, h.maxImport)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(h.limits.SpoolDir, "incidentdb-import-*")
	if err != nil {
		return nil, fmt.Errorf("import spool: %w", err)
	}
	os.Remove(f.Name())
	buf := make([]byte, uploadChunk)
	for {
		_ = rc.SetReadDeadline(time.Now().Add(uploadChunkTime))
		n, err := io.ReadFull(body, buf)
		if _, werr := f.Write(buf[:n]); werr != nil {
			f.Close()
			return nil, fmt.Errorf("import spool: %w", werr)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			f.Close()
			if errors.Is(err, os.ErrDeadlineExceeded) || strings.Contains(err.Error(), "i/o timeout") {
				return nil, malformed("body", "came slower than %d KiB in %s; nothing was imported", uploadChunk>>10, uploadChunkTime)
			}
			var me *models.Error
			if errors.As(err, &me) {
				return nil, err
			}
			return nil, fmt.Errorf("import spool: %w", err)
		}
	}
	_ = rc.SetReadDeadline(time.Time{})
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func importTooLarge(limit int64) error {
	return models.FieldErrorf(models.TooLarge, fmt.Sprintf("the file is larger than the import limit of %d bytes; nothing was imported (the command-line import has no limit)", limit), "body", "at most %d bytes", limit)
}

// singleParams refuses a parameter given more than once among names:
// which of two values would win is not the client's to guess.
func singleParams(q url.Values, names ...string) error {
	for _, name := range names {
		if n := len(q[name]); n > 1 {
			return malformed(name, "is given %d times; give it once", n)
		}
	}
	return nil
}
