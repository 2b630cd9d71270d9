package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
	"incidentdb/models/gazetteer"
)

// The dashboard's own parameters, beside the API's filters: the series'
// interval, the breakdown's dimension and how many of its rows to show,
// and the estimate summed. They are the API's names too (timeseries'
// interval, the report's group_by, limit and estimate), so that a URL
// reads the same on both.
var dashboardParams = []string{"interval", "group_by", "limit", "estimate"}

// breakdownDims are the dimensions the breakdown offers.
var breakdownDims = []models.Dimension{"region", "nationality", "mission", "type", "country", "group", "force", "dataset", "year"}

// exportKeep are what the download links keep of the page's query: the
// filter, without the dashboard's own parameters.
var exportKeep = models.FilterParams

type dashboardData struct {
	Form      filterForm
	Problem   *problemView
	Totals    models.Counts
	ByGroup   []groupRow
	Interval  string
	Intervals []string
	Series    template.HTML
	SeriesTab seriesTable
	Breakdown breakdownView
	Map       mapView
	Downloads []download
	Query     string // the filter as a query string, for links
	ListURL   string
}

type groupRow struct {
	Group string
	models.Counts
}

type seriesTable struct {
	Periods []string
	Rows    []series
}

type breakdownView struct {
	Dim    string
	Dims   []string
	Limit  int
	Chart  template.HTML
	Rows   []breakdownRow
	More   int
	CSVURL string
}

type breakdownRow struct {
	Label string
	Link  string // the dashboard filtered to this row, when the row is a filter value
	models.Counts
}

type download struct {
	Label, URL string
}

// problemView shows a refused filter in the filter bar.
type problemView struct {
	Message string
	Fields  map[string]string
}

func (a *App) dashboard(c *gin.Context) {
	l := langOf(c)
	q := c.Request.URL.Query()
	form := a.filterForm(c.Request.Context(), q)
	f, err := models.ParseFilter(q, dashboardParams...)
	if err == nil {
		err = a.db.CheckNames(c.Request.Context(), f)
	}
	if err != nil {
		if pv, ok := asProblem(err); ok {
			a.render(c, http.StatusBadRequest, "dashboard", a.view(c, "dashboard", l.T("dashboard.title"), cachedBody{Form: form, Problem: pv}))
			return
		}
		a.fail(c, err)
		return
	}
	d := dashboardData{Form: form, Interval: "month", Intervals: []string{"week", "month", "year"}}
	var fe models.FieldErrors
	if v := q.Get("interval"); v != "" {
		if !slices.Contains([]string{"day", "week", "month", "year"}, v) {
			fe.Add("interval", "%q is not an interval; one of day, week, month, year", v)
		}
		d.Interval = v
	}
	d.Breakdown = breakdownView{Dim: "region", Limit: 10}
	for _, dim := range breakdownDims {
		d.Breakdown.Dims = append(d.Breakdown.Dims, string(dim))
	}
	if v := q.Get("group_by"); v != "" {
		if !slices.Contains(breakdownDims, models.Dimension(v)) {
			fe.Add("group_by", "%q is not a dimension the breakdown offers; one of %s", v, strings.Join(d.Breakdown.Dims, ", "))
		}
		d.Breakdown.Dim = v
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 50 {
			fe.Add("limit", "must be a whole number from 1 to 50")
		}
		d.Breakdown.Limit = n
	}
	if err := fe.Err("the query is not valid"); err != nil {
		pv, _ := asProblem(err)
		a.render(c, http.StatusBadRequest, "dashboard", a.view(c, "dashboard", l.T("dashboard.title"), cachedBody{Form: form, Problem: pv}))
		return
	}
	filterQuery := keepParams(q, exportKeep)
	d.Query = filterQuery.Encode()
	d.ListURL = "/incidents"
	if d.Query != "" {
		d.ListURL += "?" + d.Query
	}
	body, err := a.cache.page(c, a.db, "dashboard|"+l.Code+"|"+c.Request.URL.RawQuery, func() (template.HTML, error) {
		if release, ok := a.heavy(c); ok {
			defer release()
		} else {
			return "", errAnswered
		}
		if err := a.fillDashboard(c.Request.Context(), l, f, q, &d); err != nil {
			return "", err
		}
		return a.fragment("dashboard", "body", a.view(c, "dashboard", "", d))
	})
	if err == errAnswered {
		return
	}
	if pv, ok := asProblem(err); ok && err != nil {
		a.render(c, http.StatusBadRequest, "dashboard", a.view(c, "dashboard", l.T("dashboard.title"), cachedBody{Form: form, Problem: pv}))
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render(c, http.StatusOK, "dashboard", a.view(c, "dashboard", l.T("dashboard.title"), cachedBody{Form: form, Body: body}))
}

// cachedBody is a dashboard whose figures come from the page cache; the
// filter bar is drawn fresh, since it carries the pickers and the token.
type cachedBody struct {
	Form    filterForm
	Problem *problemView
	Body    template.HTML
}

func (a *App) fillDashboard(ctx context.Context, l *lang, f models.Filter, q url.Values, d *dashboardData) error {
	groups, err := a.db.CasualtyReport(ctx, f, []models.Dimension{"group"})
	if err != nil {
		return err
	}
	for _, r := range groups.Rows {
		d.ByGroup = append(d.ByGroup, groupRow{Group: valueText(r.Values[0]), Counts: r.Counts})
	}
	// The totals are the incidents' own: a group filter picks the parts
	// counted, and then the groups' rows add up to them.
	totals, err := a.db.CasualtyReport(ctx, f, []models.Dimension{"type"})
	if err != nil {
		return err
	}
	d.Totals = totals.Totals
	if err := a.fillSeries(ctx, l, f, d); err != nil {
		return err
	}
	if err := a.fillBreakdown(ctx, l, f, q, d); err != nil {
		return err
	}
	if err := a.fillMap(ctx, l, f, d); err != nil {
		return err
	}
	base := "/api/v1/"
	qs := d.Query
	with := func(extra string) string {
		switch {
		case qs == "":
			return extra
		case extra == "":
			return "?" + qs
		}
		return extra + "&" + qs
	}
	d.Downloads = []download{
		{l.T("download.csv"), base + "incidents.csv" + with("")},
		{l.T("download.hxl"), base + "incidents.csv" + with("?hxl=true")},
		{l.T("download.ndjson"), base + "incidents.ndjson" + with("")},
		{l.T("download.geojson"), base + "incidents.geojson" + with("")},
		{l.T("download.casualties"), base + "casualties.csv" + with("")},
		{l.T("download.claims"), base + "claims.csv" + with("")},
	}
	return nil
}

// maxPeriods bounds the series: a line of more points than a screen has
// pixels says nothing more, and a daily series over decades would be a
// page of megabytes.
const maxPeriods = 1200

func (a *App) fillSeries(ctx context.Context, l *lang, f models.Filter, d *dashboardData) error {
	interval := models.Interval(d.Interval)
	if f.From != nil && f.To != nil {
		from, errFrom := time.Parse(models.DateLayout, *f.From)
		to, errTo := time.Parse(models.DateLayout, *f.To)
		per := map[models.Interval]float64{"day": 1, "week": 7, "month": 30.4, "year": 365.25}[interval]
		if errFrom == nil && errTo == nil && to.Sub(from).Hours()/24/per > maxPeriods {
			return models.Malformedf("interval", "gives more than %d periods from %s to %s; choose a longer interval or fewer dates", maxPeriods, *f.From, *f.To)
		}
	}
	// Several regions asked for at once get a line each, over the same
	// periods: the question is how they compare.
	if len(f.Regions) > 1 {
		gs, err := a.db.GroupedTimeSeries(ctx, f, interval, models.SeriesGroup{By: "region", Limit: len(f.Regions)})
		if err != nil {
			return err
		}
		var all []series
		for _, sr := range gs.Series {
			s := series{Name: valueText(sr.Value)}
			if sr.Value == nil {
				s.Name = l.T("unknown")
			}
			byPeriod := map[string]int64{}
			for _, p := range sr.Points {
				byPeriod[p.Period] = p.Killed
			}
			for _, p := range gs.Points {
				s.Values = append(s.Values, byPeriod[p.Period])
			}
			all = append(all, s)
		}
		var periods []string
		for _, p := range gs.Points {
			periods = append(periods, p.Period)
		}
		d.SeriesTab = seriesTable{Periods: labelled(l, periods), Rows: all}
		d.Series = svgLines(lineChart{Periods: d.SeriesTab.Periods, Series: all}, l.T("chart.series.regions"), l)
		return nil
	}
	points, err := a.db.TimeSeries(ctx, f, interval)
	if err != nil {
		return err
	}
	killed, wounded := series{Name: l.T("killed")}, series{Name: l.T("wounded")}
	var periods []string
	for _, p := range points {
		periods = append(periods, p.Period)
		killed.Values = append(killed.Values, p.Killed)
		wounded.Values = append(wounded.Values, p.Wounded)
	}
	d.SeriesTab = seriesTable{Periods: labelled(l, periods), Rows: []series{killed, wounded}}
	d.Series = svgLines(lineChart{Periods: d.SeriesTab.Periods, Series: d.SeriesTab.Rows}, l.T("chart.series"), l)
	return nil
}

func labelled(l *lang, periods []string) []string {
	out := make([]string, len(periods))
	for i, p := range periods {
		out[i] = l.Period(p)
	}
	return out
}

func (a *App) fillBreakdown(ctx context.Context, l *lang, f models.Filter, q url.Values, d *dashboardData) error {
	dim := models.Dimension(d.Breakdown.Dim)
	rep, err := a.db.CasualtyReport(ctx, f, []models.Dimension{dim})
	if err != nil {
		return err
	}
	rows := rep.Rows
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Killed != rows[j].Killed {
			return rows[i].Killed > rows[j].Killed
		}
		return rows[i].Incidents > rows[j].Incidents
	})
	if len(rows) > d.Breakdown.Limit {
		d.Breakdown.More = len(rows) - d.Breakdown.Limit
		rows = rows[:d.Breakdown.Limit]
	}
	// Years read in order; which years are shown is still the top ones.
	if dim == "year" {
		sort.SliceStable(rows, func(i, j int) bool { return valueText(rows[i].Values[0]) < valueText(rows[j].Values[0]) })
	}
	var bars []bar
	for _, r := range rows {
		label := a.dimLabel(l, dim, r.Values[0])
		row := breakdownRow{Label: label, Counts: r.Counts}
		if v := r.Values[0]; v != nil && filterParamOf(dim) != "" {
			nq := keepParams(q, append(slices.Clone(exportKeep), dashboardParams...))
			nq.Set(filterParamOf(dim), valueText(v))
			row.Link = "/?" + nq.Encode()
		}
		d.Breakdown.Rows = append(d.Breakdown.Rows, row)
		bars = append(bars, bar{Label: label, Killed: r.Killed, Wounded: r.Wounded})
	}
	d.Breakdown.Chart = svgBars(bars, l.T("chart.breakdown", l.T("dim."+string(dim))), l)
	csv := url.Values{}
	for k, v := range keepParams(q, exportKeep) {
		csv[k] = v
	}
	csv.Set("group_by", string(dim))
	d.Breakdown.CSVURL = "/api/v1/reports/casualties.csv?" + csv.Encode()
	return nil
}

// filterParamOf is the filter that picks one row of a breakdown.
func filterParamOf(d models.Dimension) string {
	switch d {
	case "region", "country", "mission", "type", "force", "nationality", "group", "dataset":
		return string(d)
	}
	return ""
}

// dimLabel shows a report value: a country by its name, a type or group in
// the page's language, an unknown as unknown.
func (a *App) dimLabel(l *lang, d models.Dimension, v any) string {
	if v == nil {
		if d == "group" {
			// The part of totals no line holds, as the table by group says.
			return l.T("unattributed")
		}
		return l.T("unknown")
	}
	s := valueText(v)
	switch d {
	case "country", "nationality", "contributing_country":
		if n := gazetteer.CountryName(s); n != "" {
			return n
		}
	case "type":
		return l.Enum("type", s)
	case "group":
		return l.Enum("group", s)
	}
	return s
}

func valueText(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// keepParams copies the named parameters of q.
func keepParams(q url.Values, names []string) url.Values {
	out := url.Values{}
	for _, n := range names {
		for _, v := range q[n] {
			if v != "" {
				out.Add(n, v)
			}
		}
	}
	return out
}
