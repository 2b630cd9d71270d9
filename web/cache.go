package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"

	"incidentdb/handlers"
	"incidentdb/models"
)

// pageCache keeps drawn dashboards until the data changes. Dashboards on
// a wall ask the same question many times a minute; the store's
// generation says when an answer is stale, as for the API's reports.
type pageCache struct {
	mu    sync.Mutex
	gen   int64
	body  map[string]template.HTML
	bytes int
}

// The cache is bounded in entries and in bytes: every distinct filter is
// a key, a client can make up filters forever, and a daily series over
// decades is a large page. A page past maxCachedPage is drawn each time.
const (
	pageCacheSize  = 256
	pageCacheBytes = 32 << 20
	maxCachedPage  = 1 << 20
)

func newPageCache() *pageCache { return &pageCache{body: map[string]template.HTML{}} }

// errAnswered says a gate has already answered the request.
var errAnswered = errors.New("answered")

func (p *pageCache) page(c *gin.Context, db handlers.Store, key string, draw func() (template.HTML, error)) (template.HTML, error) {
	gen, err := db.Generation(c.Request.Context())
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	if p.gen != gen {
		p.gen, p.body, p.bytes = gen, map[string]template.HTML{}, 0
	}
	body, ok := p.body[key]
	p.mu.Unlock()
	if ok {
		return body, nil
	}
	body, err = draw()
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gen == gen && len(body) <= maxCachedPage {
		if len(p.body) >= pageCacheSize || p.bytes+len(body) > pageCacheBytes {
			p.body, p.bytes = map[string]template.HTML{}, 0
		}
		p.body[key] = body
		p.bytes += len(body)
	}
	return body, nil
}

// fragment draws one named template of a page.
func (a *App) fragment(page, name string, v view) (template.HTML, error) {
	var b bytes.Buffer
	if err := a.pages[page].ExecuteTemplate(&b, name, v); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil //nolint:gosec // drawn by html/template, which escaped it
}

func asModelError(err error, me **models.Error) bool { return errors.As(err, me) }

// asProblem turns a refused query into what the filter bar shows beside
// its fields.
func asProblem(err error) (*problemView, bool) {
	var me *models.Error
	if !errors.As(err, &me) || me.Code == models.Internal {
		return nil, false
	}
	pv := &problemView{Message: me.Message, Fields: map[string]string{}}
	for _, f := range me.Fields {
		if pv.Fields[f.Field] != "" {
			pv.Fields[f.Field] += "; "
		}
		pv.Fields[f.Field] += f.Message
	}
	return pv, true
}

// heavy takes a place in the API's heavy-read gate. A refusal is told as
// a page, not as the problem JSON the API gives a script, with the gate's
// Retry-After.
func (a *App) heavy(c *gin.Context) (func(), bool) {
	capture := &captured{ResponseWriter: c.Writer, header: http.Header{}}
	c.Writer = capture
	release, ok := a.shared.Heavy(c)
	c.Writer = capture.ResponseWriter
	if ok {
		return release, true
	}
	if c.Request.Context().Err() != nil {
		return nil, false
	}
	if v := capture.header.Get("Retry-After"); v != "" {
		c.Header("Retry-After", v)
	}
	status := capture.status
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	l := langOf(c)
	a.render(c, status, "error", a.view(c, "", l.T("error.busy.title"), struct {
		Status  int
		Message string
	}{status, l.T("error.busy")}))
	c.Abort()
	return nil, false
}
