package handlers

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// MetricsStore is what the metrics need from the database.
type MetricsStore interface {
	Pools() map[string]*sql.DB
	LiveIncidents(ctx context.Context) (int64, error)
}

// metrics are the service's Prometheus metrics, on a registry of their
// own so that tests can build several routers in one process.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	durations *prometheus.HistogramVec
	rows      *prometheus.CounterVec
}

func newMetrics(db MetricsStore, version, commit string) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "incidentdb_http_requests_total",
		Help: "HTTP requests answered, by method, route template and status."}, []string{"method", "route", "status"})
	m.durations = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "incidentdb_http_request_duration_seconds",
		Help:    "Time to answer HTTP requests, by method and route template.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 10, 60}}, []string{"method", "route"})
	m.rows = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "incidentdb_exchange_rows_total",
		Help: "Incidents exported and imported, by direction and format."}, []string{"direction", "format"})
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "incidentdb_build_info",
		Help: "The running build; always 1."}, []string{"version", "commit"})
	build.WithLabelValues(version, commit).Set(1)
	stored := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "incidentdb_incidents",
		Help: "Live (not deleted) incidents stored."}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := db.LiveIncidents(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	m.reg.MustRegister(m.requests, m.durations, m.rows, build, stored,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewBuildInfoCollector())
	for name, pool := range db.Pools() {
		m.reg.MustRegister(collectors.NewDBStatsCollector(pool, name))
	}
	return m
}

func (m *metrics) handler() gin.HandlerFunc {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return func(c *gin.Context) { h.ServeHTTP(c.Writer, c.Request) }
}

// observe counts and times each request by its route template, never by
// its raw path, so an id in a URL cannot explode the label set.
func (m *metrics) observe() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		// Deferred: an export cut short ends in a panic that aborts the
		// connection, and it must be counted too.
		defer func() {
			route := routeOf(c)
			m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
			m.durations.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
		}()
		c.Next()
	}
}

const requestIDHeader = "X-Request-ID"

// requestID takes the id a proxy set when it is sane, else makes one, and
// returns it so a client can quote it and an operator find the log line.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(requestIDHeader)
		if !saneID(id) {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set("incidentdb.request_id", id)
		c.Header(requestIDHeader, id)
		c.Next()
	}
}

func saneID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' || r == ':') {
			return false
		}
	}
	return true
}

// accessLog writes one structured line per request.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		defer logRequest(log, c, start)
		c.Next()
	}
}

// logRequest writes the line of one request; deferred, so that an aborted
// export is logged too.
func logRequest(log *slog.Logger, c *gin.Context, start time.Time) {
	route := routeOf(c)
	attrs := []slog.Attr{
		slog.String("method", c.Request.Method), slog.String("route", route), slog.String("path", c.Request.URL.Path),
		slog.Int("status", c.Writer.Status()), slog.Duration("duration", time.Since(start)),
		slog.Int("bytes", max(0, c.Writer.Size())), slog.String("request_id", c.GetString("incidentdb.request_id")),
		slog.String("client", c.ClientIP()),
	}
	if name, ok := c.Get(ctxKeyName); ok {
		attrs = append(attrs, slog.String("key", name.(string)))
	}
	level := slog.LevelInfo
	if c.Writer.Status() >= 500 {
		level = slog.LevelError
	}
	log.LogAttrs(c.Request.Context(), level, "request", attrs...)
}

// routeOf is the route template of the request, or "unmatched".
func routeOf(c *gin.Context) string {
	if r := c.FullPath(); r != "" {
		return r
	}
	return "unmatched"
}
