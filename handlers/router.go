// Package handlers owns the HTTP API: routes, request parsing, response
// encoding, authentication and the mapping of errors to RFC 9457 problem
// responses. It talks to the database only through the narrow interfaces it
// declares.
package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
)

// NameStore checks the names a filter gives against the data.
type NameStore interface {
	// CheckNames refuses a mission or force no incident names that is a
	// typo of one that some incident names.
	CheckNames(ctx context.Context, f models.Filter) error
}

// parseFilter reads the filter of a filtered endpoint (the parameters
// extra allows besides) and checks its names against the data.
func parseFilter(c *gin.Context, names NameStore, q url.Values, extra ...string) (models.Filter, error) {
	f, err := models.ParseFilter(q, extra...)
	if err == nil {
		err = names.CheckNames(c.Request.Context(), f)
	}
	return f, err
}

// Store is everything the API needs from the database; *store.Store
// satisfies it.
type Store interface {
	IncidentStore
	ReportStore
	ExchangeStore
	MetricsStore
	KeyStore
	Ping(ctx context.Context) error
}

// Config is how the router behaves.
type Config struct {
	// Private makes reads need a key too.
	Private bool
	// MaxBody bounds a single-incident request body.
	MaxBody int64
	// MaxImport bounds an import body.
	MaxImport int64
	// RateLimit limits requests per client.
	RateLimit RateLimit
	// Limits bound exports and imports.
	Limits Limits
	// Logger receives one line per request; nil logs nothing.
	Logger *slog.Logger
	// Version and Commit label the build in /metrics.
	Version, Commit string
	// Pages is the web app; nil serves the API alone.
	Pages Pages
	// CORSOrigins are the origins (https://dash.example.org) whose
	// browsers may read the API; none by default (see cors.go).
	CORSOrigins []string
}

// BasePath is where the API lives.
const BasePath = "/api/v1"

// DefaultMaxBody is generous for one incident with hundreds of casualty
// lines, and small enough that a hostile client cannot exhaust memory.
const DefaultMaxBody = 4 << 20

// New builds the whole HTTP API in one place.
func New(db Store, cfg Config) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.MaxImport == 0 {
		cfg.MaxImport = DefaultMaxImport
	}
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RemoveExtraSlash = true
	// Route on the path as sent: decoded first, /incidents/1%2f..%2f2 would
	// be cleaned into /incidents/2 and serve another incident.
	r.UseRawPath = true
	r.UnescapePathValues = true
	_ = r.SetTrustedProxies(nil)
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := newMetrics(db, cfg.Version, cfg.Commit)
	r.Use(requestID(), accessLog(cfg.Logger), m.observe(), recovery(), securityHeaders())
	r.Use(cors(cfg.CORSOrigins))
	r.NoRoute(func(c *gin.Context) {
		writeProblem(c, Problem{Type: problemType + string(models.NotFound), Title: "Not Found", Status: 404,
			Detail: fmt.Sprintf("no such endpoint: %s", c.Request.URL.Path)})
	})
	r.NoMethod(func(c *gin.Context) {
		writeProblem(c, Problem{Type: problemType + "method_not_allowed", Title: "Method Not Allowed", Status: 405,
			Detail: fmt.Sprintf("%s is not allowed on %s", c.Request.Method, c.Request.URL.Path)})
	})

	r.HEAD("/healthz", func(c *gin.Context) { c.Status(http.StatusOK) })
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	readyz := func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			slog.Error("readiness check failed", "error", err)
			writeProblem(c, Problem{Type: problemType + "unavailable", Title: "Service Unavailable", Status: 503,
				Detail: "the database does not answer"})
			return
		}
		c.JSON(http.StatusOK, gin.H{"status": "ready"})
	}
	r.GET("/readyz", readyz)
	r.HEAD("/readyz", readyz)

	failures := newAuthFailures(cfg.RateLimit)
	// On a private server the metrics tell how many incidents there are and
	// what is asked of the service: they need a key like any read.
	metricsChain := []gin.HandlerFunc{m.handler()}
	if cfg.Private {
		metricsChain = []gin.HandlerFunc{authenticate(db, failures), rateLimit(cfg.RateLimit), require(models.RoleReader), m.handler()}
	}
	r.GET("/metrics", metricsChain...)
	r.HEAD("/metrics", metricsChain...)
	registerDocs(r)

	api := r.Group(BasePath, authenticate(db, failures), rateLimit(cfg.RateLimit))
	read := require(models.RoleReader)
	if !cfg.Private {
		read = func(c *gin.Context) { c.Next() }
	}
	write := require(models.RoleEditor)

	// HEAD answers wherever GET does (RFC 9110); net/http drops the body.
	get := func(path string, hs ...gin.HandlerFunc) {
		api.GET(path, hs...)
		api.HEAD(path, hs...)
	}
	limits := cfg.Limits.withDefaults()
	heavy := newGate("heavy reads", limits.HeavyReads, limits.HeavyReadsPerClient, heavyWait)
	answers := newAnswerBudget(limits.AnswerBytes, limits.AnswerBytesPerClient)
	inc := &incidentHandlers{db: db, maxBody: cfg.MaxBody, basePath: BasePath, heavy: heavy, answers: answers}
	get("/incidents", read, inc.list)
	api.POST("/incidents", write, inc.create)
	get("/incidents/:id", read, inc.get)
	api.PUT("/incidents/:id", write, inc.replace)
	api.PATCH("/incidents/:id", write, inc.patch)
	api.DELETE("/incidents/:id", write, inc.remove)
	get("/incidents/:id/history", read, inc.history)
	api.POST("/incidents/:id/restore", require(models.RoleAdmin), inc.restore)
	api.POST("/incidents/:id/merge", require(models.RoleEditor), inc.merge)
	get("/incidents/:id/candidates", read, inc.candidates)
	get("/candidates", read, inc.candidatePairs)
	api.POST("/incidents/:id/unmerge", require(models.RoleEditor), inc.unmerge)

	ex := &exchangeHandlers{db: db, maxImport: cfg.MaxImport, rows: m.rows, limits: limits,
		exports: newGate("exports", limits.Exports, limits.ExportsPerClient, 0),
		uploads: newGate("uploads", limits.Uploads, limits.UploadsPerClient, 0),
		// Imports queue a while once their body is in: on SQLite they would
		// wait for the one writer anyway, and a script should not retry.
		imports: newGate("imports", limits.Imports, limits.Imports, importWait)}
	get("/incidents.csv", read, ex.incidentsCSV)
	get("/incidents.ndjson", read, ex.incidentsNDJSON)
	get("/incidents.geojson", read, ex.incidentsGeoJSON)
	get("/casualties.csv", read, ex.casualtiesCSV)
	get("/claims.csv", read, ex.claimsCSV)
	api.POST("/incidents/import", write, ex.importIncidents)

	// A statement is read, never stored: drafts go back to be corrected
	// and posted by an editor.
	ext := &extractHandlers{now: db.Now}
	api.POST("/extract", read, ext.statement)

	rep := &reportHandlers{db: db, heavy: heavy, answers: answers}
	get("/reports/casualties", read, rep.casualties)
	get("/reports/casualties.csv", read, rep.casualtiesCSV)
	get("/reports/timeseries", read, rep.timeseries)
	get("/regions", read, rep.regions)
	get("/forces", read, rep.forces)
	get("/countries", read, rep.countries)
	if cfg.Pages != nil {
		cfg.Pages.Register(r, sharedWithPages(db, failures, cfg.RateLimit, heavy, ex))
	}
	return r
}

// recovery turns a panic into a logged 500 problem instead of a dropped
// connection or a stack trace.
func recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				writeError(c, fmt.Errorf("panic: %v", v))
			}
		}()
		c.Next()
	}
}

func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-cache")
		c.Next()
	}
}
