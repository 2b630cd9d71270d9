package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
)

// The incident form posts to the API's own validation: the form becomes
// the JSON document a client would send, decoded and normalised by the
// same code, so a page refuses what the API refuses, with the same field
// names ("casualties[1].killed") shown beside the fields.

type formData struct {
	Action  string
	ID      int64
	Version int
	In      formIncident
	Lines   []formLine
	Sources []formSource
	Errors  map[string]string
	Problem string
	Stale   *staleView
	// Claims kept from the stored incident: the form does not edit them,
	// and a save must not drop them.
	Claims string
}

type formIncident struct {
	ExternalID, Dataset, OccurredOn, DatePrecision, Mission, Country, Region, Locality string
	Latitude, Longitude, Type, Summary, Killed, Wounded, Forces, Contributing          string
}

type formLine struct{ Group, Force, Nationality, Killed, Wounded string }

type formSource struct{ Title, Publisher, URL, PublishedOn, Language string }

// staleView says who changed an incident since the form was opened.
type staleView struct {
	Sent, Current int
	By            []models.Revision
}

// Err is the API's message for a field, for the template.
func (f formData) Err(field string) string { return f.Errors[field] }

// ErrAt is the message for a field of the i-th item of a list.
func (f formData) ErrAt(list string, i int, field string) string {
	return f.Errors[fmt.Sprintf("%s[%d].%s", list, i, field)]
}

func (a *App) newForm(c *gin.Context) {
	d := formData{Action: "/incidents/new", In: formIncident{DatePrecision: "day", Type: "armed_attack"}}
	d.Lines = append(d.Lines, formLine{})
	d.Sources = append(d.Sources, formSource{})
	a.render(c, http.StatusOK, "edit", a.view(c, "new", langOf(c).T("edit.new"), d))
}

func (a *App) editForm(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	inc, err := a.db.GetIncident(c.Request.Context(), id)
	if err != nil {
		a.fail(c, err)
		return
	}
	a.render(c, http.StatusOK, "edit", a.view(c, "incidents", langOf(c).T("edit.title", id), formOf(inc)))
}

func formOf(inc models.Incident) formData {
	d := formData{Action: fmt.Sprintf("/incidents/%d/edit", inc.ID), ID: inc.ID, Version: inc.Version}
	s := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	fl := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	d.In = formIncident{ExternalID: s(inc.ExternalID), Dataset: s(inc.Dataset), OccurredOn: inc.OccurredOn,
		DatePrecision: string(inc.DatePrecision), Mission: s(inc.Mission), Country: s(inc.Country), Region: s(inc.Region),
		Locality: s(inc.Locality), Latitude: fl(inc.Latitude), Longitude: fl(inc.Longitude), Type: string(inc.Type),
		Summary: inc.Summary, Killed: totalText(inc.Killed, inc.Casualties, func(c models.Casualty) *int { return c.Killed }),
		Wounded: totalText(inc.Wounded, inc.Casualties, func(c models.Casualty) *int { return c.Wounded }),
		Forces:  strings.Join(unlessDerived(inc.Forces, derivedForces(inc)), ", "), Contributing: strings.Join(unlessDerived(inc.ContributingCountries, derivedNations(inc)), ", ")}
	for _, cs := range inc.Casualties {
		d.Lines = append(d.Lines, formLine{Group: string(cs.Group), Force: s(cs.Force), Nationality: s(cs.Nationality),
			Killed: figureText(cs.Killed), Wounded: figureText(cs.Wounded)})
	}
	for _, src := range inc.Sources {
		d.Sources = append(d.Sources, formSource{Title: src.Title, Publisher: s(src.Publisher), URL: s(src.URL),
			PublishedOn: s(src.PublishedOn), Language: s(src.Language)})
	}
	if len(d.Sources) == 0 {
		d.Sources = append(d.Sources, formSource{})
	}
	if len(inc.Claims) > 0 {
		in := inc.ToInput()
		if b, err := json.Marshal(in.Claims); err == nil {
			d.Claims = string(b)
		}
	}
	return d
}

// The API derives a total from the lines when it is left out, and the
// forces and contributing countries from the mission and the lines. The
// form leaves a box empty when what is stored is what would be derived,
// so that removing a line changes the totals and lists it made.

func totalText(total *int, lines []models.Casualty, figure func(models.Casualty) *int) string {
	if total == nil || len(lines) == 0 {
		return figureText(total)
	}
	sum := 0
	for _, l := range lines {
		v := figure(l)
		if v == nil {
			return figureText(total)
		}
		sum += *v
	}
	if sum == *total {
		return ""
	}
	return figureText(total)
}

func derivedForces(inc models.Incident) []string {
	var out []string
	if inc.Mission != nil {
		out = append(out, *inc.Mission)
	}
	for _, l := range inc.Casualties {
		if l.Force != nil {
			out = append(out, *l.Force)
		}
	}
	return out
}

func derivedNations(inc models.Incident) []string {
	var out []string
	for _, l := range inc.Casualties {
		if l.Nationality != nil && (inc.Country == nil || *l.Nationality != *inc.Country) {
			out = append(out, *l.Nationality)
		}
	}
	return out
}

// unlessDerived is list, or nothing when it holds what the API would
// derive anyway.
func unlessDerived(list, derived []string) []string {
	derived = slices.Compact(derived)
	seen := map[string]bool{}
	var distinct []string
	for _, d := range derived {
		if !seen[strings.ToLower(d)] {
			seen[strings.ToLower(d)] = true
			distinct = append(distinct, d)
		}
	}
	if len(list) == len(distinct) && !slices.ContainsFunc(list, func(v string) bool { return !seen[strings.ToLower(v)] }) {
		return nil
	}
	return list
}

// unknownMark is how the form writes an unknown figure; an empty box is
// a figure left out (the sum of the lines), as in the API.
const unknownMark = "?"

func figureText(p *int) string {
	if p == nil {
		return unknownMark
	}
	return strconv.Itoa(*p)
}

// readForm reads the posted form, with lines and sources removed or
// added as its buttons asked.
func readForm(c *gin.Context) (formData, string) {
	pf := c.Request.PostForm
	d := formData{Claims: pf.Get("claims")}
	d.In = formIncident{ExternalID: pf.Get("external_id"), Dataset: pf.Get("dataset"), OccurredOn: pf.Get("occurred_on"),
		DatePrecision: pf.Get("date_precision"), Mission: pf.Get("mission"), Country: pf.Get("country"), Region: pf.Get("region"),
		Locality: pf.Get("locality"), Latitude: pf.Get("latitude"), Longitude: pf.Get("longitude"), Type: pf.Get("type"),
		Summary: pf.Get("summary"), Killed: pf.Get("killed"), Wounded: pf.Get("wounded"), Forces: pf.Get("forces"),
		Contributing: pf.Get("contributing_countries")}
	d.Version, _ = strconv.Atoi(pf.Get("version"))
	at := func(name string, i int) string {
		if vs := pf[name]; i < len(vs) {
			return vs[i]
		}
		return ""
	}
	removed := pf["remove_line"]
	for i := range pf["line_group"] {
		if slices.Contains(removed, strconv.Itoa(i)) {
			continue
		}
		d.Lines = append(d.Lines, formLine{Group: at("line_group", i), Force: at("line_force", i),
			Nationality: at("line_nationality", i), Killed: at("line_killed", i), Wounded: at("line_wounded", i)})
	}
	removedSources := pf["remove_source"]
	for i := range pf["source_title"] {
		if slices.Contains(removedSources, strconv.Itoa(i)) {
			continue
		}
		d.Sources = append(d.Sources, formSource{Title: at("source_title", i), Publisher: at("source_publisher", i),
			URL: at("source_url", i), PublishedOn: at("source_published_on", i), Language: at("source_language", i)})
	}
	action := pf.Get("action")
	switch action {
	case "add_line":
		d.Lines = append(d.Lines, formLine{})
	case "add_source":
		d.Sources = append(d.Sources, formSource{})
	}
	return d, action
}

// document is the form as the JSON body of a POST or PUT. Blank optional
// fields are left out; lines and sources left wholly blank are dropped.
func (d formData) document() ([]byte, models.FieldErrors) {
	var fe models.FieldErrors
	doc := map[string]any{}
	text := func(key, v string) {
		if v = strings.TrimSpace(v); v != "" {
			doc[key] = v
		}
	}
	text("external_id", d.In.ExternalID)
	text("dataset", d.In.Dataset)
	text("occurred_on", d.In.OccurredOn)
	text("date_precision", d.In.DatePrecision)
	text("mission", d.In.Mission)
	text("country", d.In.Country)
	text("region", d.In.Region)
	text("locality", d.In.Locality)
	text("type", d.In.Type)
	doc["summary"] = d.In.Summary
	for _, c := range []struct{ key, v string }{{"latitude", d.In.Latitude}, {"longitude", d.In.Longitude}} {
		if v := strings.TrimSpace(c.v); v != "" {
			n, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
			if err != nil {
				fe.Add(c.key, "must be a number")
				continue
			}
			doc[c.key] = n
		}
	}
	figure(&fe, doc, "killed", "killed", d.In.Killed)
	figure(&fe, doc, "wounded", "wounded", d.In.Wounded)
	if l := splitList(d.In.Forces); len(l) > 0 {
		doc["forces"] = l
	}
	if l := splitList(d.In.Contributing); len(l) > 0 {
		doc["contributing_countries"] = l
	}
	lines := []map[string]any{}
	for _, ln := range d.Lines {
		if ln == (formLine{}) {
			continue
		}
		m := map[string]any{}
		i := len(lines)
		for _, kv := range [][2]string{{"group", ln.Group}, {"force", ln.Force}, {"nationality", ln.Nationality}} {
			if v := strings.TrimSpace(kv[1]); v != "" {
				m[kv[0]] = v
			}
		}
		figure(&fe, m, "killed", fmt.Sprintf("casualties[%d].killed", i), ln.Killed)
		figure(&fe, m, "wounded", fmt.Sprintf("casualties[%d].wounded", i), ln.Wounded)
		lines = append(lines, m)
	}
	doc["casualties"] = lines
	sources := []map[string]any{}
	for _, s := range d.Sources {
		if s == (formSource{}) {
			continue
		}
		m := map[string]any{"title": s.Title}
		for _, kv := range [][2]string{{"publisher", s.Publisher}, {"url", s.URL}, {"published_on", s.PublishedOn}, {"language", s.Language}} {
			if v := strings.TrimSpace(kv[1]); v != "" {
				m[kv[0]] = v
			}
		}
		sources = append(sources, m)
	}
	doc["sources"] = sources
	if d.Claims != "" {
		doc["claims"] = json.RawMessage(d.Claims)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		fe.Add("claims", "cannot be read: %v", err)
	}
	return b, fe
}

// figure reads a figure box: empty is left out, "?" unknown, else a
// whole number.
func figure(fe *models.FieldErrors, m map[string]any, key, field, v string) {
	switch v = strings.TrimSpace(v); v {
	case "":
	case unknownMark:
		m[key] = nil
	default:
		n, err := strconv.Atoi(strings.ReplaceAll(v, " ", ""))
		if err != nil {
			fe.Add(field, "must be a whole number, or ? when it is not known")
			return
		}
		m[key] = n
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// normalize runs the document through the API's decoding and rules. A
// box the form could not read (a word where a number goes) is left out
// of the document and its error joins the API's, so that one save shows
// every error at once.
func (a *App) normalize(d formData) (models.Incident, error) {
	body, fe := d.document()
	in, err := models.DecodeIncidentInput(body)
	var inc models.Incident
	if err == nil {
		inc, err = in.Normalize(a.db.Now())
	}
	if len(fe) == 0 {
		return inc, err
	}
	var me *models.Error
	if err != nil && asModelError(err, &me) && me.Code == models.Invalid {
		fe = append(fe, me.Fields...)
	}
	return models.Incident{}, fe.Err("the incident is not valid")
}

// refused shows the form again with the API's field errors, or reports
// whether err was not about the input.
func (a *App) refused(c *gin.Context, d formData, err error, title string) bool {
	var me *models.Error
	if !asModelError(err, &me) || (me.Code != models.Invalid && me.Code != models.Malformed && me.Code != models.Conflict) {
		return false
	}
	d.Problem = me.Message
	d.Errors = map[string]string{}
	for _, f := range me.Fields {
		if d.Errors[f.Field] != "" {
			d.Errors[f.Field] += "; "
		}
		d.Errors[f.Field] += f.Message
	}
	status := http.StatusUnprocessableEntity
	if me.Code == models.Conflict {
		status = http.StatusConflict
	}
	a.render(c, status, "edit", a.view(c, "new", title, d))
	return true
}

func (a *App) create(c *gin.Context) {
	l := langOf(c)
	d, action := readForm(c)
	d.Action = "/incidents/new"
	if action == "add_line" || action == "add_source" {
		a.render(c, http.StatusOK, "edit", a.view(c, "new", l.T("edit.new"), d))
		return
	}
	inc, err := a.normalize(d)
	if err == nil {
		inc, err = a.db.CreateIncident(c.Request.Context(), userOf(c).Name, inc)
	}
	if err != nil {
		if !a.refused(c, d, err, l.T("edit.new")) {
			a.fail(c, err)
		}
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/incidents/%d", inc.ID))
}

func (a *App) edit(c *gin.Context) {
	l := langOf(c)
	id, err := pathID(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	d, action := readForm(c)
	d.Action, d.ID = fmt.Sprintf("/incidents/%d/edit", id), id
	title := l.T("edit.title", id)
	if action == "add_line" || action == "add_source" {
		a.render(c, http.StatusOK, "edit", a.view(c, "incidents", title, d))
		return
	}
	if d.Version < 1 {
		a.fail(c, models.Malformedf("version", "is missing: open the form again"))
		return
	}
	_, err = a.db.UpdateIncident(c.Request.Context(), userOf(c).Name, id, []int{d.Version}, func(models.Incident) (models.Incident, error) {
		return a.normalize(d)
	})
	var me *models.Error
	if asModelError(err, &me) && me.Code == models.Precondition {
		d.Stale = a.staleSince(c, id, d.Version, me.Current)
		a.render(c, http.StatusPreconditionFailed, "edit", a.view(c, "incidents", title, d))
		return
	}
	if err != nil {
		if !a.refused(c, d, err, title) {
			a.fail(c, err)
		}
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/incidents/%d", id))
}

// staleSince lists the revisions made after the version the form was
// opened at.
func (a *App) staleSince(c *gin.Context, id int64, sent, current int) *staleView {
	sv := &staleView{Sent: sent, Current: current}
	if hist, err := a.db.History(c.Request.Context(), id, models.HistoryPage{After: sent, Limit: 20}); err == nil {
		sv.By = hist.Revisions
	}
	return sv
}

func (a *App) remove(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	version, _ := strconv.Atoi(c.PostForm("version"))
	if version < 1 {
		a.fail(c, models.Malformedf("version", "is missing: open the incident again"))
		return
	}
	err = a.db.DeleteIncident(c.Request.Context(), userOf(c).Name, id, []int{version})
	var me *models.Error
	if asModelError(err, &me) && me.Code == models.Precondition {
		inc, gerr := a.db.GetIncident(c.Request.Context(), id)
		if gerr != nil {
			a.fail(c, gerr)
			return
		}
		d := a.detailOf(c, inc)
		d.Stale = a.staleSince(c, id, version, me.Current)
		a.render(c, http.StatusPreconditionFailed, "incident", a.view(c, "incidents", langOf(c).T("incident.title", id), d))
		return
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/incidents")
}

func (a *App) restore(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		a.fail(c, err)
		return
	}
	if _, err := a.db.RestoreIncident(c.Request.Context(), userOf(c).Name, id, nil); err != nil {
		a.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/incidents/%d", id))
}
