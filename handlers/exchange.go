package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/exchange"
)

// ExchangeStore is what exports and imports need.
type ExchangeStore interface {
	Each(ctx context.Context, f models.Filter, fn func(*models.Incident) error) error
	EachStored(ctx context.Context, f models.Filter, fn func(*exchange.StoredRow) error) error
	Import(ctx context.Context, actor string, r exchange.Reader, opts store.ImportOptions) (store.ImportResult, error)
}

type exchangeHandlers struct {
	db        ExchangeStore
	maxImport int64
	rows      *prometheus.CounterVec
}

// DefaultMaxImport bounds an import body; the CLI has no such limit.
const DefaultMaxImport = 256 << 20

// flushEvery rows, an export pushes what it has to the client, so a slow
// consumer sees progress and the server holds little.
const flushEvery = 500

func (h *exchangeHandlers) exportParams(c *gin.Context, extra ...string) (models.Filter, exchange.CSVOptions, bool) {
	q, err := queryValues(c)
	if err == nil {
		var f models.Filter
		if f, err = models.ParseFilter(q, extra...); err == nil {
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

// stream runs an export. Once the first byte is out, a failure can only cut
// the response short; it is logged, and the client sees a truncated file
// rather than a misleading 200 with a complete-looking one.
func (h *exchangeHandlers) stream(c *gin.Context, format, contentType, filename string, f models.Filter,
	write func(*models.Incident) error, flush func() error, finish func() error) {
	h.streamRows(c, format, contentType, filename, f, nil, write, flush, finish)
}

// streamRows is stream for a writer of raw rows (writeRow), or of decoded
// incidents (write) when writeRow is nil.
func (h *exchangeHandlers) streamRows(c *gin.Context, format, contentType, filename string, f models.Filter,
	writeRow func(*exchange.StoredRow) error, write func(*models.Incident) error, flush func() error, finish func() error) {
	c.Header("Content-Type", contentType)
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Status(http.StatusOK)
	n := 0
	step := func() error {
		if n++; n%flushEvery == 0 {
			if err := flush(); err != nil {
				return err
			}
			c.Writer.Flush()
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
	if err != nil && c.Request.Context().Err() == nil {
		// The status line is gone: only the log can know.
		slog.ErrorContext(c.Request.Context(), "export failed", "path", c.FullPath(), "rows", n, "error", err)
		c.Abort()
	}
}

func (h *exchangeHandlers) incidentsCSV(c *gin.Context) {
	f, opts, ok := h.exportParams(c, "hxl", "bom", "deleted", "updated_since")
	if !ok {
		return
	}
	w, err := exchange.NewCSVWriter(c.Writer, opts)
	if err != nil {
		writeError(c, err)
		return
	}
	h.streamRows(c, "csv", "text/csv; charset=utf-8", "incidents.csv", f, w.WriteStored, nil, w.Flush, w.Flush)
}

func (h *exchangeHandlers) casualtiesCSV(c *gin.Context) {
	f, opts, ok := h.exportParams(c, "hxl", "bom", "deleted", "updated_since")
	if !ok {
		return
	}
	w, err := exchange.NewCasualtyCSVWriter(c.Writer, opts)
	if err != nil {
		writeError(c, err)
		return
	}
	h.stream(c, "casualties-csv", "text/csv; charset=utf-8", "casualties.csv", f, w.WriteCasualties, w.Flush, w.Flush)
}

func (h *exchangeHandlers) incidentsNDJSON(c *gin.Context) {
	f, _, ok := h.exportParams(c, "deleted", "updated_since")
	if !ok {
		return
	}
	w := exchange.NewNDJSONWriter(c.Writer)
	h.stream(c, "ndjson", "application/x-ndjson", "incidents.ndjson", f, w.Write, w.Flush, w.Flush)
}

func (h *exchangeHandlers) incidentsGeoJSON(c *gin.Context) {
	f, _, ok := h.exportParams(c, "deleted", "updated_since")
	if !ok {
		return
	}
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
	if err := onlyParams(c, "format", "on_conflict", "dry_run"); err != nil {
		writeError(c, err)
		return
	}
	q, _ := queryValues(c)
	format, err := importFormat(c, q.Get("format"))
	if err != nil {
		writeError(c, err)
		return
	}
	dry, err := boolParam(q.Get("dry_run"), "dry_run")
	if err != nil {
		writeError(c, err)
		return
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, h.maxImport)
	r, err := exchange.NewReader(format, body)
	if err == nil {
		var res store.ImportResult
		res, err = h.db.Import(c.Request.Context(), actor(c), r, store.ImportOptions{OnConflict: q.Get("on_conflict"), DryRun: dry,
			Restore: roleOf(c).Allows(models.RoleAdmin)})
		if err == nil {
			if !res.DryRun {
				h.rows.WithLabelValues("import", format).Add(float64(res.Created + res.Updated))
			}
			c.JSON(http.StatusOK, res)
			return
		}
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		err = &models.Error{Code: models.TooLarge,
			Message: fmt.Sprintf("the file is larger than the import limit of %d bytes; nothing was imported (the command-line import has no limit)", h.maxImport),
			Fields:  []models.FieldError{{Field: "body", Message: fmt.Sprintf("at most %d bytes", h.maxImport)}}}
	}
	writeError(c, err)
}
