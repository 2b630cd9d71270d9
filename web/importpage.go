package web

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"

	"incidentdb/exchange"
	"incidentdb/models"
)

type importData struct {
	Formats    []string
	Format     string
	DryRun     bool
	OnConflict string
	Dataset    string
	Result     *models.ImportResult
	Problem    *problemView
	// Rows are the bad rows of a refused file, each with its line.
	Rows   []models.RowError
	Status int
}

func (a *App) importForm(c *gin.Context) {
	a.render(c, http.StatusOK, "import", a.view(c, "import", langOf(c).T("import.title"),
		importData{Formats: exchange.Formats, Format: "csv", DryRun: true, OnConflict: "fail"}))
}

// importFile reads the form's fields as they stream in, and hands the
// file part, still unread, to the API's import: the file is never held
// in memory here, and the CSRF token is checked before a byte of it is
// taken.
func (a *App) importFile(c *gin.Context) {
	l := langOf(c)
	d := importData{Formats: exchange.Formats, Format: "csv", OnConflict: "fail"}
	if c.Request.ContentLength > a.cfg.MaxImport {
		a.fail(c, models.FieldErrorf(models.TooLarge, l.T("import.toolarge", a.cfg.MaxImport), "file", "at most %d bytes", a.cfg.MaxImport))
		return
	}
	if !sameOrigin(c) {
		a.refuseCSRF(c)
		return
	}
	mr, err := c.Request.MultipartReader()
	if err != nil {
		a.fail(c, models.Malformedf("body", "must be a form with a file (multipart/form-data)"))
		return
	}
	fields := url.Values{}
	var file *multipart.Part
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			a.fail(c, models.Malformedf("body", "cannot be read as a form: %v", err))
			return
		}
		if part.FormName() == "file" {
			file = part
			break
		}
		// The form has five short fields before its file; anything more is
		// not this form's, and is not held.
		if len(fields) >= 8 {
			a.fail(c, models.Malformedf("body", "has more fields than the import form sends"))
			return
		}
		v, err := io.ReadAll(io.LimitReader(part, 4096))
		if err != nil {
			a.fail(c, models.Malformedf("body", "cannot be read as a form: %v", err))
			return
		}
		fields.Add(part.FormName(), string(v))
	}
	if !csrfMatches(c, fields.Get("csrf")) {
		a.refuseCSRF(c)
		return
	}
	d.Format, d.DryRun, d.OnConflict, d.Dataset = fields.Get("format"), fields.Get("dry_run") == "true", fields.Get("on_conflict"), fields.Get("dataset")
	if file == nil {
		d.Problem = &problemView{Message: l.T("import.nofile"), Fields: map[string]string{"file": l.T("import.nofile")}}
		a.render(c, http.StatusBadRequest, "import", a.view(c, "import", l.T("import.title"), d))
		return
	}
	q := url.Values{"format": {d.Format}, "dry_run": {"false"}}
	if d.DryRun {
		q.Set("dry_run", "true")
	}
	if slices.Contains([]string{"fail", "skip", "update"}, d.OnConflict) {
		q.Set("on_conflict", d.OnConflict)
	}
	if d.Dataset != "" {
		q.Set("dataset", d.Dataset)
	}
	c.Request.URL.RawQuery = q.Encode()
	c.Request.Body = io.NopCloser(file)
	c.Request.ContentLength = -1
	c.Request.Header.Del("Content-Encoding")
	capture := &captured{ResponseWriter: c.Writer, header: http.Header{}}
	c.Writer = capture
	a.shared.Import(c)
	c.Writer = capture.ResponseWriter
	// The API's answer was for a script; the page says the same in words.
	for _, k := range []string{"Retry-After"} {
		if v := capture.header.Get(k); v != "" {
			c.Header(k, v)
		}
	}
	d.Status = capture.status
	switch {
	case capture.status == http.StatusOK:
		var res models.ImportResult
		if err := json.Unmarshal(capture.body.Bytes(), &res); err != nil {
			a.fail(c, err)
			return
		}
		d.Result = &res
	default:
		var p struct {
			Detail string            `json:"detail"`
			Errors []models.RowError `json:"errors"`
		}
		_ = json.Unmarshal(capture.body.Bytes(), &p)
		d.Problem = &problemView{Message: p.Detail}
		for _, e := range p.Errors {
			if e.Line > 0 {
				d.Rows = append(d.Rows, e)
			} else {
				if d.Problem.Fields == nil {
					d.Problem.Fields = map[string]string{}
				}
				d.Problem.Fields[e.Field] = e.Message
			}
		}
	}
	status := capture.status
	if status == 0 {
		status = http.StatusOK
	}
	a.render(c, status, "import", a.view(c, "import", l.T("import.title"), d))
}

func csrfMatches(c *gin.Context, got string) bool {
	ck, err := c.Request.Cookie(csrfCookie)
	return err == nil && len(got) == 64 && subtle.ConstantTimeCompare([]byte(got), []byte(ck.Value)) == 1
}

// captured keeps an answer the API wrote, for the page to retell.
type captured struct {
	gin.ResponseWriter
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *captured) Header() http.Header { return w.header }
func (w *captured) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *captured) WriteHeaderNow() {}
func (w *captured) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	// The API's answers are small JSON; a bound keeps a surprise small too.
	if w.body.Len() < 8<<20 {
		w.body.Write(b)
	}
	return len(b), nil
}
func (w *captured) WriteString(s string) (int, error) { return w.Write([]byte(s)) }
func (w *captured) Status() int                       { return w.status }
func (w *captured) Written() bool                     { return w.status != 0 }
func (w *captured) Size() int                         { return w.body.Len() }

// Unwrap lets the import set its own deadlines on the connection.
func (w *captured) Unwrap() http.ResponseWriter { return w.ResponseWriter }
