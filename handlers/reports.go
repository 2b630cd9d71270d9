package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"incidentdb/exchange"
	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// ReportStore is what the report and reference handlers need.
type ReportStore interface {
	NameStore
	Generation(ctx context.Context) (int64, error)
	Generations(ctx context.Context) (data, counts int64, err error)
	CasualtyReport(ctx context.Context, f models.Filter, dims []models.Dimension) (models.Report, error)
	TimeSeries(ctx context.Context, f models.Filter, interval models.Interval) ([]models.Point, error)
	GroupedTimeSeries(ctx context.Context, f models.Filter, interval models.Interval, g models.SeriesGroup) (models.GroupedSeries, error)
	RegionCounts(ctx context.Context, country string) ([]models.RegionCount, error)
	ForceCounts(ctx context.Context) ([]models.NameCount, error)
	CountryCounts(ctx context.Context) ([]models.CountryCount, error)
}

// answerCache keeps rendered report bodies for the current data generation.
// Dashboards poll the same few URLs; between two writes every poll after
// the first costs one indexed read of the generation.
type answerCache struct {
	mu   sync.Mutex
	gen  int64
	body map[string][]byte
}

// answerCacheSize bounds each of the two caches (by the data's generation
// and by the counts'), together what one cache of 512 held.
const answerCacheSize = 256

func (c *answerCache) get(gen int64, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil, false
	}
	b, ok := c.body[key]
	return b, ok
}

// maxCachedAnswer is the largest answer kept: the cache holds the few
// answers dashboards poll, and must not hold hundreds of large ones.
const maxCachedAnswer = 256 << 10

func (c *answerCache) put(gen int64, key string, b []byte) {
	if len(b) > maxCachedAnswer {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || c.body == nil || len(c.body) >= answerCacheSize {
		c.gen, c.body = gen, map[string][]byte{}
	}
	c.body[key] = b
}

type reportHandlers struct {
	db ReportStore
	// cache keeps the answers to filters with q by the data's generation,
	// blind the rest by the counts': an edit of a summary or a locality
	// alone changes no count they give.
	cache, blind answerCache
	heavy        *gate
	answers      *answerBudget
}

// cached serves a read-only answer computed from the whole data set with an
// ETag of the data generation: If-None-Match gets a 304, and repeated polls
// are served from memory until the data changes, or for an answer that
// reads no summary or locality (f nil: no filter), until a count can have
// changed. The ETag still changes with every write, as documented: a
// client holding one learns nothing from which writes move counts.
func (h *reportHandlers) cached(c *gin.Context, contentType string, f *models.Filter, compute func() ([]byte, error)) {
	gen, countsGen, err := h.db.Generations(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	if notModified(c, fmt.Sprintf(`"g%d"`, gen)) {
		return
	}
	cache := &h.cache
	if f == nil || !f.SeesEveryEdit() {
		gen, cache = countsGen, &h.blind
	}
	key := c.Request.URL.Path + "?" + canonicalQuery(c)
	body, ok := cache.get(gen, key)
	if !ok {
		// Only what the cache cannot answer takes a place among the heavy
		// reads: a dashboard polling between writes never waits.
		release, admitted := h.heavy.enter(c)
		if !admitted {
			return
		}
		body, err = compute()
		release()
		if err != nil {
			writeError(c, err)
			return
		}
		cache.put(gen, key, body)
	}
	h.answers.sendLarge(c, contentType, body)
}

// notModified sends tag as the ETag and answers 304 when If-None-Match
// holds it.
func notModified(c *gin.Context, tag string) bool {
	c.Header("ETag", tag)
	if inm := c.GetHeader("If-None-Match"); inm != "" && (strings.TrimSpace(inm) == "*" || containsTag(inm, tag)) {
		c.Status(http.StatusNotModified)
		return true
	}
	return false
}

func containsTag(header, tag string) bool {
	for _, part := range strings.Split(header, ",") {
		if strings.TrimPrefix(strings.TrimSpace(part), "W/") == tag {
			return true
		}
	}
	return false
}

// canonicalQuery is the query with its parameters sorted, each name and
// value escaped: unescaped, q=x%26region%3DGao and q=x&region=Gao would be
// one key and share an answer.
func canonicalQuery(c *gin.Context) string {
	q, _ := queryValues(c)
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range q[k] {
			b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(v) + "&")
		}
	}
	return b.String()
}

func (h *reportHandlers) parseReport(c *gin.Context) (models.Filter, []models.Dimension, models.ReportOrder, error) {
	q, err := queryValues(c)
	if err != nil {
		return models.Filter{}, nil, models.ReportOrder{}, err
	}
	f, err := parseFilter(c, h.db, q, "group_by", "estimate", "sort", "limit")
	if err != nil {
		return f, nil, models.ReportOrder{}, err
	}
	dims, err := models.ParseGroupBy(q)
	if err != nil {
		return f, nil, models.ReportOrder{}, err
	}
	order, err := models.ParseReportOrder(q)
	return f, dims, order, err
}

// report is the report a request asks for, its rows ordered and cut as it
// says. The cache keys on the whole query, sort and limit included.
func (h *reportHandlers) report(c *gin.Context, f models.Filter, dims []models.Dimension, order models.ReportOrder) (models.Report, error) {
	rep, err := h.db.CasualtyReport(c.Request.Context(), f, dims)
	rep.Arrange(order)
	return rep, err
}

func (h *reportHandlers) casualties(c *gin.Context) {
	f, dims, order, err := h.parseReport(c)
	if err != nil {
		writeError(c, err)
		return
	}
	h.cached(c, "application/json; charset=utf-8", &f, func() ([]byte, error) {
		rep, err := h.report(c, f, dims, order)
		if err != nil {
			return nil, err
		}
		return rep.MarshalJSON()
	})
}

func (h *reportHandlers) casualtiesCSV(c *gin.Context) {
	f, dims, order, err := h.parseReport(c)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="casualties-report.csv"`)
	h.cached(c, "text/csv; charset=utf-8", &f, func() ([]byte, error) {
		rep, err := h.report(c, f, dims, order)
		if err != nil {
			return nil, err
		}
		var b bytes.Buffer
		err = exchange.WriteReportCSV(&b, rep)
		return b.Bytes(), err
	})
}

func (h *reportHandlers) timeseries(c *gin.Context) {
	q, err := queryValues(c)
	if err != nil {
		writeError(c, err)
		return
	}
	f, err := parseFilter(c, h.db, q, "interval", "estimate", "group_by", "limit")
	if err != nil {
		writeError(c, err)
		return
	}
	interval, err := models.ParseInterval(q)
	if err != nil {
		writeError(c, err)
		return
	}
	group, err := models.ParseSeriesGroup(q)
	if err != nil {
		writeError(c, err)
		return
	}
	h.cached(c, "application/json; charset=utf-8", &f, func() ([]byte, error) {
		if group.By != "" {
			series, err := h.db.GroupedTimeSeries(c.Request.Context(), f, interval, group)
			if err != nil {
				return nil, err
			}
			return series.MarshalJSON()
		}
		points, err := h.db.TimeSeries(c.Request.Context(), f, interval)
		if err != nil {
			return nil, err
		}
		return json.Marshal(gin.H{"interval": interval, "points": points})
	})
}

func (h *reportHandlers) regions(c *gin.Context) {
	err := onlyParams(c, "country")
	if err == nil {
		q, _ := queryValues(c)
		err = singleParams(q, "country")
	}
	if err != nil {
		writeError(c, err)
		return
	}
	country := ""
	if v := strings.TrimSpace(c.Query("country")); v != "" {
		code, ok := gazetteer.LookupCountry(v)
		if !ok {
			writeError(c, malformed("country", "%s", gazetteer.UnknownCountry(v)))
			return
		}
		country = code
	}
	h.cached(c, "application/json; charset=utf-8", nil, func() ([]byte, error) {
		list, err := h.db.RegionCounts(c.Request.Context(), country)
		if err != nil {
			return nil, err
		}
		return json.Marshal(gin.H{"items": list})
	})
}

func (h *reportHandlers) forces(c *gin.Context) {
	if err := onlyParams(c); err != nil {
		writeError(c, err)
		return
	}
	h.cached(c, "application/json; charset=utf-8", nil, func() ([]byte, error) {
		list, err := h.db.ForceCounts(c.Request.Context())
		if err != nil {
			return nil, err
		}
		return json.Marshal(gin.H{"items": list})
	})
}

func (h *reportHandlers) countries(c *gin.Context) {
	if err := onlyParams(c); err != nil {
		writeError(c, err)
		return
	}
	h.cached(c, "application/json; charset=utf-8", nil, func() ([]byte, error) {
		list, err := h.db.CountryCounts(c.Request.Context())
		if err != nil {
			return nil, err
		}
		return json.Marshal(gin.H{"items": list})
	})
}
