package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
)

type listData struct {
	Form    filterForm
	Problem *problemView
	Items   []models.Incident
	Total   int64
	Sort    string
	Sorts   []sortLink
	Next    string
	Deleted bool
}

type sortLink struct {
	Key, Label, URL string
	Current         bool
}

// listSorts are the orders the list's headers offer, each the API's.
var listSorts = []string{"-occurred_on", "occurred_on", "-killed", "-wounded", "updated_at"}

func (a *App) list(c *gin.Context) {
	l := langOf(c)
	q := c.Request.URL.Query()
	d := listData{Form: a.filterForm(c.Request.Context(), q), Sort: "-occurred_on"}
	f, err := models.ParseFilter(q, models.ListParams...)
	var p models.Page
	if err == nil {
		p, err = models.ParsePage(q)
	}
	if err == nil {
		err = a.db.CheckNames(c.Request.Context(), f)
	}
	if err == nil && q.Has("updated_since") {
		err = models.Malformedf("updated_since", "is for mirrors of the API; the list page does not take it")
	}
	if err != nil {
		pv, ok := asProblem(err)
		if !ok {
			a.fail(c, err)
			return
		}
		d.Problem = pv
		a.render(c, http.StatusBadRequest, "list", a.view(c, "incidents", l.T("list.title"), d))
		return
	}
	if f.Deleted && !userOf(c).CanRestore() {
		a.fail(c, models.Errorf(models.Forbidden, l.T("error.deleted")))
		return
	}
	d.Deleted = f.Deleted
	p.Limit = min(p.Limit, 100)
	if !q.Has("limit") {
		p.Limit = 50
	}
	res, err := a.db.ListIncidents(c.Request.Context(), f, p)
	if err != nil {
		a.fail(c, err)
		return
	}
	d.Items, d.Total, d.Sort = res.Items, res.Total, string(p.Sort)
	for _, s := range listSorts {
		d.Sorts = append(d.Sorts, sortLink{Key: s, Label: l.T("sort." + s), URL: withParam(c.Request.URL.RequestURI(), "sort", s), Current: s == d.Sort})
	}
	if res.Next != nil {
		d.Next = withParam(c.Request.URL.RequestURI(), "cursor", res.Next.Encode())
	}
	a.render(c, http.StatusOK, "list", a.view(c, "incidents", l.T("list.title"), d))
}

// withParam is uri with one parameter set, and the cursor dropped unless
// it is the one set: a cursor belongs to one sort and one filter.
func withParam(uri, name, value string) string {
	u, err := url.Parse(uri)
	if err != nil {
		return "/"
	}
	q := u.Query()
	if name != "cursor" {
		q.Del("cursor")
	}
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

type detailData struct {
	Inc       models.Incident
	Version   int // the version shown when it is not the current one
	Current   int
	Lines     []lineView
	Claims    []claimView
	History   []revisionView
	MoreAfter int
	Stale     *staleView
}

type lineView struct {
	models.Casualty
	Unattributed bool
}

type claimView struct {
	models.Claim
	SourceTitle string
	SourceURL   string
}

type revisionView struct {
	models.Revision
	Changes []changeView
}

type changeView struct {
	Field    string
	Old, New string
}

func (a *App) detail(c *gin.Context) {
	l := langOf(c)
	id, err := pathID(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	var inc models.Incident
	version := 0
	if v := c.Query("version"); v != "" {
		n, convErr := strconv.Atoi(v)
		if convErr != nil || n < 1 {
			a.fail(c, models.Malformedf("version", "must be a whole number from 1"))
			return
		}
		release, ok := a.heavy(c)
		if !ok {
			return
		}
		inc, err = a.db.IncidentAt(c.Request.Context(), id, n)
		release()
		version = n
	} else {
		inc, err = a.db.GetIncident(c.Request.Context(), id)
	}
	if models.ErrorCode(err) == models.NotFound {
		if into, merged, mErr := a.db.MergedInto(c.Request.Context(), id); mErr == nil && merged {
			c.Redirect(http.StatusSeeOther, fmt.Sprintf("/incidents/%d", into))
			return
		}
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	d := a.detailOf(c, inc)
	if c.IsAborted() {
		return
	}
	if version != 0 {
		d.Version = version
		if cur, err := a.db.GetIncident(c.Request.Context(), id); err == nil {
			d.Current = cur.Version
		}
	}
	a.render(c, http.StatusOK, "incident", a.view(c, "incidents", l.T("incident.title", inc.ID), d))
}

// detailOf gathers what the incident page shows; on a failure it has
// answered the request itself.
func (a *App) detailOf(c *gin.Context, inc models.Incident) detailData {
	d := detailData{Inc: inc, Current: inc.Version}
	d.Lines = linesOf(inc)
	for _, cl := range inc.Claims {
		cv := claimView{Claim: cl}
		if cl.Source.Source != nil && *cl.Source.Source < len(inc.Sources) {
			s := inc.Sources[*cl.Source.Source]
			cv.SourceTitle = s.Title
			if s.URL != nil {
				cv.SourceURL = *s.URL
			}
		}
		d.Claims = append(d.Claims, cv)
	}
	after, _ := strconv.Atoi(c.Query("history_after"))
	hist, err := a.db.History(c.Request.Context(), inc.ID, models.HistoryPage{After: max(after, 0), Limit: 50})
	if err != nil {
		a.fail(c, err)
		return d
	}
	d.History = revisionsOf(hist.Revisions)
	if hist.Next != nil {
		d.MoreAfter = *hist.Next
	}
	return d
}

// linesOf lists the casualty lines and, when the totals hold more than
// the lines, the part no line holds, as the reports count it.
func linesOf(inc models.Incident) []lineView {
	var out []lineView
	for _, cs := range inc.Casualties {
		out = append(out, lineView{Casualty: cs})
	}
	if len(inc.Casualties) > 0 && inc.HasUnattributed() {
		k, w := inc.UnattributedAs(models.Best)
		out = append(out, lineView{Casualty: models.Casualty{Killed: k, Wounded: w}, Unattributed: true})
	}
	return out
}

func revisionsOf(revs []models.Revision) []revisionView {
	out := make([]revisionView, 0, len(revs))
	for i := len(revs) - 1; i >= 0; i-- {
		rv := revisionView{Revision: revs[i]}
		for _, ch := range revs[i].Changes {
			rv.Changes = append(rv.Changes, changeView{Field: ch.Field, Old: shown(ch.Old), New: shown(ch.New)})
		}
		out = append(out, rv)
	}
	return out
}

// shown writes a changed value for a person: text as it is, anything
// else as compact JSON.
func shown(v any) string {
	switch t := v.(type) {
	case nil:
		return "—"
	case string:
		return t
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func pathID(c *gin.Context) (int64, error) {
	s := c.Param("id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 || strconv.FormatInt(id, 10) != s {
		return 0, models.Errorf(models.NotFound, "no incident has the id %q", clipName(s, 40))
	}
	return id, nil
}
