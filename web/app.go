// Package web owns the web app: server-rendered pages for analysts (the
// dashboard, the incident list and each incident with its claims and
// history) and for editors (sign-in, the incident form, deletion and
// restoration, imports), in English and French. Charts and maps are SVG
// drawn here; templates, styles and the map data are embedded, so the app
// needs no other host. It reads and writes through the same store and the
// same validation as the API, and is mounted on the API's router
// (handlers.Pages) to share its limits.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"incidentdb/handlers"
	"incidentdb/models"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Config is how the app behaves.
type Config struct {
	// SessionTTL is how long a sign-in lasts without use.
	SessionTTL time.Duration
	// MaxImport bounds an uploaded file.
	MaxImport int64
	// Private makes every page need a signed-in key, as reads on the API.
	Private bool
}

// App is the web app; handlers.Config.Pages mounts it.
type App struct {
	db       handlers.Store
	cfg      Config
	shared   handlers.Shared
	pages    map[string]*template.Template
	sessions *sessions
	cache    *pageCache
	pickerCache
}

// New builds the app over a store.
func New(db handlers.Store, cfg Config) *App {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 8 * time.Hour
	}
	if cfg.MaxImport == 0 {
		cfg.MaxImport = handlers.DefaultMaxImport
	}
	a := &App{db: db, cfg: cfg, sessions: newSessions(cfg.SessionTTL), cache: newPageCache(), pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		if name == "templates/layout.html" || name == "templates/partials.html" {
			continue
		}
		a.pages[strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")] =
			template.Must(template.New("layout.html").Funcs(templateFuncs).ParseFS(templateFiles, "templates/layout.html", "templates/partials.html", name))
	}
	return a
}

// pageCSP keeps every page to what this server sends: no inline script
// or style, no other host, forms posting only here.
const pageCSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Register mounts the pages on the API's router.
func (a *App) Register(r *gin.Engine, s handlers.Shared) {
	a.shared = s
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err)
	}
	assets := http.StripPrefix("/static/", http.FileServer(http.FS(static)))
	compressed := compressStatic(static)
	serveStatic := func(c *gin.Context) {
		// The files change only with the binary; a day keeps a mission's
		// slow link from fetching them on every page.
		c.Header("Cache-Control", "public, max-age=86400")
		if f, ok := compressed[strings.TrimPrefix(c.Param("file"), "/")]; ok && acceptsGzip(c.Request) {
			c.Header("Content-Encoding", "gzip")
			c.Header("Vary", "Accept-Encoding")
			c.Data(http.StatusOK, f.contentType, f.body)
			return
		}
		assets.ServeHTTP(c.Writer, c.Request)
	}
	r.GET("/static/*file", serveStatic)
	r.HEAD("/static/*file", serveStatic)

	p := r.Group("/", a.headers, s.RateLimit, a.session, a.private)
	get := func(path string, hs ...gin.HandlerFunc) {
		p.GET(path, hs...)
		p.HEAD(path, hs...)
	}
	editor := a.require(models.RoleEditor)
	get("/", cleanQuery, a.dashboard)
	get("/incidents", cleanQuery, a.list)
	get("/incidents/new", editor, a.newForm)
	p.POST("/incidents/new", a.checkCSRF, editor, a.create)
	get("/incidents/:id", a.detail)
	get("/incidents/:id/edit", editor, a.editForm)
	p.POST("/incidents/:id/edit", a.checkCSRF, editor, a.edit)
	p.POST("/incidents/:id/delete", a.checkCSRF, editor, a.remove)
	p.POST("/incidents/:id/restore", a.checkCSRF, a.require(models.RoleAdmin), a.restore)
	get("/import", editor, a.importForm)
	// The import checks its token itself, from the stream, before the file.
	p.POST("/import", editor, a.importFile)
	get("/extract", a.extractForm)
	p.POST("/extract", a.checkCSRF, a.extractStatement)
	p.POST("/extract/open", a.checkCSRF, editor, a.openDraft)
	get("/signin", a.signinForm)
	p.POST("/signin", a.checkCSRF, a.signin)
	p.POST("/signout", a.checkCSRF, a.signout)
	get("/language", a.switchLanguage)
}

func (a *App) headers(c *gin.Context) {
	c.Set(ctxApp, a)
	c.Header("Content-Security-Policy", pageCSP)
	// The API's no-referrer would make a browser send "Origin: null" with
	// the pages' own forms; same-origin still tells a source's site
	// nothing when a reader follows its link.
	c.Header("Referrer-Policy", "same-origin")
	c.Header("Vary", "Cookie, Accept-Language")
	c.Next()
}

// private keeps a private server's pages, but the sign-in, to keys.
func (a *App) private(c *gin.Context) {
	if a.cfg.Private && userOf(c) == nil && c.FullPath() != "/signin" && c.FullPath() != "/language" {
		c.Redirect(http.StatusSeeOther, "/signin?next="+urlQueryEscape(c.Request.URL.RequestURI()))
		c.Abort()
		return
	}
	c.Next()
}

// view is what every template gets: the page's own data in Data.
type view struct {
	L     *lang
	Title string
	User  *user
	CSRF  string
	// Here is the page's path and query, for the language switch and the
	// sign-in to come back to.
	Here string
	Nav  string
	Data any
}

func (a *App) view(c *gin.Context, nav, title string, data any) view {
	return view{L: langOf(c), Title: title, User: userOf(c), CSRF: csrfToken(c), Here: c.Request.URL.RequestURI(), Nav: nav, Data: data}
}

// render writes a page whole: a template that fails halfway must not
// leave half a page with a 200.
func (a *App) render(c *gin.Context, status int, page string, v view) {
	var b bytes.Buffer
	if err := a.pages[page].Execute(&b, v); err != nil {
		slog.ErrorContext(c.Request.Context(), "page failed", "page", page, "error", err)
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("the page could not be drawn; it has been logged"))
		return
	}
	if v.User != nil {
		// A signed-in page carries its key's name and a form token.
		c.Header("Cache-Control", "private, no-store")
	}
	writeCompressed(c, status, "text/html; charset=utf-8", b.Bytes())
}

// fail shows an error as a page, with the API's words for it.
func (a *App) fail(c *gin.Context, err error) {
	status := http.StatusInternalServerError
	msg := ""
	var me *models.Error
	switch {
	case c.Request.Context().Err() != nil:
		c.Abort()
		return
	case asModelError(err, &me) && me.Code != models.Internal:
		status = handlers.StatusOf(me.Code)
		msg = me.Message
		for _, f := range me.Fields {
			msg += "; " + f.Field + ": " + f.Message
		}
	default:
		slog.ErrorContext(c.Request.Context(), "page failed", "path", c.FullPath(), "error", err)
	}
	l := langOf(c)
	a.render(c, status, "error", a.view(c, "", l.T("error.title"), struct {
		Status  int
		Message string
	}{status, msg}))
	c.Abort()
}

func (a *App) switchLanguage(c *gin.Context) {
	to := c.Query("to")
	if _, ok := langs[to]; !ok {
		to = "en"
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: to, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: c.Request.TLS != nil, SameSite: http.SameSiteStrictMode})
	c.Redirect(http.StatusSeeOther, localPath(c.Query("back")))
}

// cleanQuery sends a query with empty parameters, as a form submits its
// blank boxes, to the same query without them: the API refuses an empty
// filter, and the address a person bookmarks or shares should be one the
// API reads as it is.
func cleanQuery(c *gin.Context) {
	// Go drops a whole query it cannot read (one with more than its limit
	// of parameters, or a bad escape): answered as it stands, the page
	// would show every incident as if the filter were not there.
	q, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		a := c.MustGet(ctxApp).(*App)
		a.fail(c, models.Malformedf("query", "cannot be read: %v", err))
		return
	}
	for _, name := range dashboardParams {
		if len(q[name]) > 1 {
			a := c.MustGet(ctxApp).(*App)
			a.fail(c, models.Malformedf(name, "is given %d times; give it once", len(q[name])))
			return
		}
	}
	dirty := false
	for k, vs := range q {
		kept := vs[:0]
		for _, v := range vs {
			if strings.TrimSpace(v) != "" {
				kept = append(kept, v)
			}
		}
		if len(kept) != len(vs) {
			dirty = true
		}
		if len(kept) == 0 {
			delete(q, k)
		} else {
			q[k] = kept
		}
	}
	if dirty {
		u := *c.Request.URL
		u.RawQuery = q.Encode()
		c.Redirect(http.StatusSeeOther, u.RequestURI())
		c.Abort()
		return
	}
	c.Next()
}

// localPath keeps a redirect on this site: "//evil.example" and
// "https://..." become "/".
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	// Browsers drop tabs and other controls from a URL before reading it,
	// so "/\t/host" would become "//host": another site.
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return "/"
		}
	}
	return p
}
