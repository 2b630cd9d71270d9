package handlers

import (
	"context"
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
)

// IncidentStore is what the incident handlers need from the database.
type IncidentStore interface {
	NameStore
	Now() time.Time
	CreateIncident(ctx context.Context, actor string, inc models.Incident) (models.Incident, error)
	GetIncident(ctx context.Context, id int64) (models.Incident, error)
	IncidentAt(ctx context.Context, id int64, version int) (models.Incident, error)
	UpdateIncident(ctx context.Context, actor string, id int64, want []int,
		change func(models.Incident) (models.Incident, error)) (models.Incident, error)
	DeleteIncident(ctx context.Context, actor string, id int64, want []int) error
	RestoreIncident(ctx context.Context, actor string, id int64, want []int) (models.Incident, error)
	ListIncidents(ctx context.Context, f models.Filter, p models.Page) (models.ListResult, error)
	Generation(ctx context.Context) (int64, error)
	History(ctx context.Context, id int64, page models.HistoryPage) (models.HistoryResult, error)
	Merge(ctx context.Context, actor string, survivorID, absorbedID int64) (models.Incident, error)
	Unmerge(ctx context.Context, actor string, survivorID, absorbedID int64) (models.Incident, error)
	MergedInto(ctx context.Context, id int64) (int64, bool, error)
	Candidates(ctx context.Context, id int64, window int) ([]models.Candidate, error)
	CandidatePairs(ctx context.Context, f models.Filter, window, limit int) ([]models.CandidatePair, error)
}

type incidentHandlers struct {
	db       IncidentStore
	maxBody  int64
	basePath string
	heavy    *gate
	answers  *answerBudget
}

// listResponse is the body of GET /incidents.
type listResponse struct {
	Items      []models.Incident `json:"items"`
	Total      int64             `json:"total"`
	NextCursor *string           `json:"next_cursor"`
}

func (h *incidentHandlers) create(c *gin.Context) {
	err := onlyParams(c)
	if err == nil {
		err = requireJSON(c, "application/json")
	}
	if err != nil {
		writeError(c, err)
		return
	}
	body, err := readBody(c, h.maxBody)
	if err != nil {
		writeError(c, err)
		return
	}
	in, err := models.DecodeIncidentInput(body)
	if err != nil {
		writeError(c, err)
		return
	}
	inc, err := in.Normalize(h.db.Now())
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.db.CreateIncident(c.Request.Context(), actor(c), inc)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Location", h.basePath+"/incidents/"+strconv.FormatInt(out.ID, 10))
	c.Header("ETag", etag(out.Version))
	c.JSON(http.StatusCreated, out)
}

func (h *incidentHandlers) get(c *gin.Context) {
	id, err := pathID(c)
	if err == nil {
		err = onlyParams(c, "version")
	}
	if err != nil {
		writeError(c, err)
		return
	}
	var inc models.Incident
	q, _ := queryValues(c)
	if vs, ok := q["version"]; ok {
		if len(vs) > 1 {
			writeError(c, malformed("version", "is given %d times; give it once", len(vs)))
			return
		}
		n, convErr := strconv.Atoi(vs[0])
		if convErr != nil || n < 1 || !digitsOnly(vs[0]) {
			writeError(c, malformed("version", "must be a whole number from 1"))
			return
		}
		release, ok := h.heavy.enter(c)
		if !ok {
			return
		}
		inc, err = h.db.IncidentAt(c.Request.Context(), id, n)
		release()
	} else {
		inc, err = h.db.GetIncident(c.Request.Context(), id)
	}
	if models.ErrorCode(err) == models.NotFound {
		// A merged incident answers where it went.
		if into, merged, mergedErr := h.db.MergedInto(c.Request.Context(), id); mergedErr == nil && merged {
			c.Header("Location", fmt.Sprintf("%s/incidents/%d", h.basePath, into))
			writeProblem(c, Problem{Type: problemType + "merged", Title: http.StatusText(http.StatusSeeOther), Status: http.StatusSeeOther,
				Detail: fmt.Sprintf("incident %d was merged into incident %d", id, into)})
			return
		}
	}
	if err != nil {
		writeError(c, err)
		return
	}
	tag := etag(inc.Version)
	c.Header("ETag", tag)
	if match := c.GetHeader("If-None-Match"); match != "" && etagMatches(match, inc.Version) {
		c.Status(http.StatusNotModified)
		return
	}
	c.JSON(http.StatusOK, inc)
}

func (h *incidentHandlers) replace(c *gin.Context) {
	if err := requireJSON(c, "application/json"); err != nil {
		writeError(c, err)
		return
	}
	h.update(c, func(body []byte, now time.Time) func(models.Incident) (models.Incident, error) {
		return func(models.Incident) (models.Incident, error) {
			in, err := models.DecodeIncidentInput(body)
			if err != nil {
				return models.Incident{}, err
			}
			return in.Normalize(now)
		}
	})
}

func (h *incidentHandlers) patch(c *gin.Context) {
	if err := requireJSON(c, "application/merge-patch+json", "application/json"); err != nil {
		writeError(c, err)
		return
	}
	h.update(c, func(body []byte, now time.Time) func(models.Incident) (models.Incident, error) {
		return func(cur models.Incident) (models.Incident, error) {
			in, err := cur.MergePatch(body)
			if err != nil {
				return models.Incident{}, err
			}
			return in.Normalize(now)
		}
	})
}

// update is PUT and PATCH: the body is decoded inside the store's
// transaction, against the version it will replace, so a patch never
// applies to a stale copy.
func (h *incidentHandlers) update(c *gin.Context, build func([]byte, time.Time) func(models.Incident) (models.Incident, error)) {
	id, want, ok := targetVersion(c)
	if !ok {
		return
	}
	body, err := readBody(c, h.maxBody)
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := h.db.UpdateIncident(c.Request.Context(), actor(c), id, want, build(body, h.db.Now()))
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("ETag", etag(out.Version))
	c.JSON(http.StatusOK, out)
}

func (h *incidentHandlers) remove(c *gin.Context) {
	id, want, ok := targetVersion(c)
	if !ok {
		return
	}
	if err := h.db.DeleteIncident(c.Request.Context(), actor(c), id, want); err != nil {
		writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (h *incidentHandlers) restore(c *gin.Context) {
	id, want, ok := targetVersion(c)
	if !ok {
		return
	}
	out, err := h.db.RestoreIncident(c.Request.Context(), actor(c), id, want)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("ETag", etag(out.Version))
	c.JSON(http.StatusOK, out)
}

// mergeBody is the body of a merge or an unmerge: the other incident.
type mergeBody struct {
	Incident *int64 `json:"incident"`
}

// merge folds the incident of the body into the one of the path; unmerge
// undoes it.
func (h *incidentHandlers) merge(c *gin.Context) { h.mergeOrUnmerge(c, h.db.Merge) }

func (h *incidentHandlers) unmerge(c *gin.Context) { h.mergeOrUnmerge(c, h.db.Unmerge) }

func (h *incidentHandlers) mergeOrUnmerge(c *gin.Context, do func(context.Context, string, int64, int64) (models.Incident, error)) {
	id, err := pathID(c)
	var body []byte
	if err == nil {
		body, err = readBody(c, h.maxBody)
	}
	var in mergeBody
	if err == nil {
		err = models.DecodeStrict(body, &in)
	}
	if err == nil && (in.Incident == nil || *in.Incident < 1) {
		err = models.Malformedf("incident", "is required: the id of the other incident")
	}
	if err != nil {
		writeError(c, err)
		return
	}
	out, err := do(c.Request.Context(), actor(c), id, *in.Incident)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("ETag", etag(out.Version))
	c.JSON(http.StatusOK, out)
}

func (h *incidentHandlers) list(c *gin.Context) {
	q, err := queryValues(c)
	if err != nil {
		writeError(c, err)
		return
	}
	f, err := parseFilter(c, h.db, q, models.ListParams...)
	if err != nil {
		writeError(c, err)
		return
	}
	page, err := models.ParsePage(q)
	if err != nil {
		writeError(c, err)
		return
	}
	// The generation is read before the page: a write between the two
	// makes the tag older than the page, which costs a client one more
	// 200, never a 304 for a page it has not seen.
	gen, err := h.db.Generation(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	query := fnv.New64a()
	query.Write([]byte(canonicalQuery(c)))
	if notModified(c, fmt.Sprintf(`"g%d-%016x"`, gen, query.Sum64())) {
		return
	}
	room := h.answers.reserve(c, pageRoom(page.Limit))
	if room == nil {
		return
	}
	defer room.release()
	res, err := h.db.ListIncidents(c.Request.Context(), f, page)
	if err != nil {
		writeError(c, err)
		return
	}
	body := listResponse{Items: res.Items, Total: res.Total}
	if body.Items == nil {
		body.Items = []models.Incident{}
	}
	if res.Next != nil {
		cur := res.Next.Encode()
		body.NextCursor = &cur
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("cursor", cur)
		c.Header("Link", "<"+c.Request.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	}
	sendJSON(c, http.StatusOK, body, room)
}

// windowParam reads window, the days two records of one attack may be
// apart.
func windowParam(q url.Values) (int, error) {
	w := models.DefaultWindow
	if v, ok := q["window"]; ok {
		n, err := strconv.Atoi(v[0])
		if len(v) > 1 || err != nil || n < 0 || n > models.MaxWindow || !digitsOnly(v[0]) {
			return 0, malformed("window", "must be a whole number of days from 0 to %d, given once", models.MaxWindow)
		}
		w = n
	}
	return w, nil
}

// candidates lists the incidents that may record the same attack as the
// one of the path.
func (h *incidentHandlers) candidates(c *gin.Context) {
	id, err := pathID(c)
	if err == nil {
		err = onlyParams(c, "window")
	}
	q, _ := queryValues(c)
	var window int
	if err == nil {
		window, err = windowParam(q)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	release, ok := h.heavy.enter(c)
	if !ok {
		return
	}
	list, err := h.db.Candidates(c.Request.Context(), id, window)
	release()
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"incident": id, "window": window, "candidates": list})
}

// maxPairs bounds the pairs one answer lists.
const maxPairs = 1000

// candidatePairs lists the pairs of incidents matching the filters that
// may record the same attack, best first.
func (h *incidentHandlers) candidatePairs(c *gin.Context) {
	q, err := queryValues(c)
	var f models.Filter
	if err == nil {
		f, err = parseFilter(c, h.db, q, "window", "limit")
	}
	var window int
	if err == nil {
		window, err = windowParam(q)
	}
	limit := 100
	if err == nil && q.Has("limit") {
		n, convErr := strconv.Atoi(q.Get("limit"))
		if convErr != nil || n < 1 || n > maxPairs || len(q["limit"]) > 1 {
			err = malformed("limit", "must be a whole number from 1 to %d, given once", maxPairs)
		}
		limit = n
	}
	if err != nil {
		writeError(c, err)
		return
	}
	release, ok := h.heavy.enter(c)
	if !ok {
		return
	}
	pairs, err := h.db.CandidatePairs(c.Request.Context(), f, window, limit)
	release()
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"window": window, "pairs": pairs})
}

func (h *incidentHandlers) history(c *gin.Context) {
	id, err := pathID(c)
	if err == nil {
		err = onlyParams(c, "limit", "cursor")
	}
	var page models.HistoryPage
	if err == nil {
		page, err = historyPage(c)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	room := h.answers.reserve(c, pageRoom(page.Limit))
	if room == nil {
		return
	}
	defer room.release()
	release, ok := h.heavy.enter(c)
	if !ok {
		return
	}
	res, err := h.db.History(c.Request.Context(), id, page)
	release()
	if err != nil {
		writeError(c, err)
		return
	}
	var next *string
	if res.Next != nil {
		cur := historyCursor(*res.Next)
		next = &cur
		q, _ := queryValues(c)
		link := url.Values{}
		for k, v := range q {
			link[k] = v
		}
		link.Set("cursor", cur)
		c.Header("Link", "<"+c.Request.URL.Path+"?"+link.Encode()+`>; rel="next"`)
	}
	sendJSON(c, http.StatusOK, gin.H{"incident_id": id, "revisions": res.Revisions, "next_cursor": next}, room)
}

// historyPage reads the paging of a history: limit as for lists, and a
// cursor that historyCursor made.
func historyPage(c *gin.Context) (models.HistoryPage, error) {
	q, _ := queryValues(c)
	page := models.HistoryPage{Limit: models.DefaultLimit}
	var fe models.FieldErrors
	if vs, ok := q["limit"]; ok {
		n, err := strconv.Atoi(vs[0])
		if err != nil || n < 1 || n > models.MaxLimit || len(vs) > 1 {
			fe.Add("limit", "must be given once, a whole number from 1 to %d", models.MaxLimit)
		}
		page.Limit = n
	}
	if vs, ok := q["cursor"]; ok {
		raw, err := base64.RawURLEncoding.DecodeString(vs[0])
		v, ok := strings.CutPrefix(string(raw), "history|")
		n, convErr := strconv.Atoi(v)
		if err != nil || !ok || convErr != nil || n < 1 || len(vs) > 1 {
			fe.Add("cursor", "is not a history cursor this service issued")
		}
		page.After = n
	}
	if err := fe.Err("the query is not valid"); err != nil {
		return page, models.AsMalformed(err)
	}
	return page, nil
}

func historyCursor(after int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("history|" + strconv.Itoa(after)))
}

// targetVersion reads what every write to one incident starts with: the id,
// no query parameters, and the versions If-Match accepts. It answers the
// error itself and reports whether to go on.
func targetVersion(c *gin.Context) (int64, []int, bool) {
	id, err := pathID(c)
	if err == nil {
		err = onlyParams(c)
	}
	var want []int
	if err == nil {
		want, err = ifMatch(c)
	}
	if err != nil {
		writeError(c, err)
		return 0, nil, false
	}
	return id, want, true
}

func pathID(c *gin.Context) (int64, error) {
	raw := c.Param("id")
	if raw == "import" && c.FullPath() == BasePath+"/incidents/:id" {
		// /incidents/import is the import's own path, which only POST takes.
		c.Header("Allow", "POST")
		return 0, models.Errorf(models.MethodNotAllowed, "%s is not allowed on %s; it takes POST", c.Request.Method, c.Request.URL.Path)
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 || !digitsOnly(raw) || raw[0] == '0' {
		// One spelling per incident: /incidents/+1 and /incidents/01 are
		// not other names of /incidents/1.
		return 0, malformed("id", "must be a positive whole number, written without sign or leading zeros")
	}
	return id, nil
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// onlyParams rejects query parameters the endpoint does not take, so a
// misspelt one is an error rather than silently ignored.
func onlyParams(c *gin.Context, allowed ...string) error {
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	for name := range q {
		if !slices.Contains(allowed, name) {
			if len(allowed) == 0 {
				return malformed(name, "is not a parameter of this endpoint, which takes none")
			}
			return malformed(name, "is not a parameter of this endpoint; it takes %s", strings.Join(allowed, ", "))
		}
	}
	return nil
}

// ifMatch reads If-Match as the versions it accepts; nil means the header
// was absent or "*", which match any current version.
func ifMatch(c *gin.Context) ([]int, error) {
	h := strings.TrimSpace(c.GetHeader("If-Match"))
	if h == "" || h == "*" {
		return nil, nil
	}
	out := []int{}
	for _, part := range strings.Split(h, ",") {
		part = strings.TrimSpace(part)
		v, ok := parseETag(part)
		if !ok {
			return nil, malformed("If-Match", `must be an ETag this service sent, such as "3"`)
		}
		// If-Match compares strongly (RFC 9110): a weak tag matches nothing.
		if !strings.HasPrefix(part, "W/") {
			out = append(out, v)
		}
	}
	return out, nil
}

func parseETag(s string) (int, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "W/")
	s = strings.Trim(s, `"`)
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1
}

func etagMatches(header string, version int) bool {
	if strings.TrimSpace(header) == "*" {
		return true
	}
	for _, part := range strings.Split(header, ",") {
		if v, ok := parseETag(part); ok && v == version {
			return true
		}
	}
	return false
}

func readBody(c *gin.Context, limit int64) ([]byte, error) {
	r, err := requestBody(c, limit)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// maxQuery bounds a query string: a hundred region names fit in it many
// times over, and nothing parses or matches more.
const maxQuery = 32 << 10

// queryValues parses the query string strictly. URL.Query drops pairs it
// cannot parse ("region=Mopti;country=ML", "%ZZ"), which would answer an
// analyst with everything, labelled as filtered.
func queryValues(c *gin.Context) (url.Values, error) {
	if v, ok := c.Get("incidentdb.query"); ok {
		return v.(url.Values), nil
	}
	if n := len(c.Request.URL.RawQuery); n > maxQuery {
		return nil, malformed("query", "is %d bytes long; at most %d are read", n, maxQuery)
	}
	q, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		return nil, malformed("query", "cannot be read: %v (separate parameters with &, escape %% as %%25)", err)
	}
	c.Set("incidentdb.query", q)
	return q, nil
}
