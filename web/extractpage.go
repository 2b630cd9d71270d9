package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"incidentdb/extract"
	"incidentdb/models"
)

// maxStatementForm bounds a pasted statement, as the API bounds one sent.
const maxStatementForm = 256 << 10

type extractData struct {
	Text    string
	Result  *extract.Result
	Marked  template.HTML
	Drafts  []draftView
	Problem string
}

type draftView struct {
	N        int
	Incident models.IncidentInput
	JSON     string
	Evidence []evidenceView
}

type evidenceView struct {
	Field string
	extract.Evidence
}

func (a *App) extractForm(c *gin.Context) {
	a.render(c, http.StatusOK, "extract", a.view(c, "extract", langOf(c).T("extract.title"), extractData{}))
}

// extractStatement drafts the pasted statement and shows the drafts
// beside the text, each figure's words marked. Nothing is stored: a draft
// opens in the incident form, where an editor corrects and saves it.
func (a *App) extractStatement(c *gin.Context) {
	l := langOf(c)
	text := c.PostForm("text")
	d := extractData{Text: text}
	switch {
	case strings.TrimSpace(text) == "":
		d.Problem = l.T("extract.empty")
	case len(text) > maxStatementForm:
		d.Problem = l.T("extract.toolong", maxStatementForm)
	}
	if d.Problem != "" {
		a.render(c, http.StatusUnprocessableEntity, "extract", a.view(c, "extract", l.T("extract.title"), d))
		return
	}
	res := extract.Extract(extract.Statement{Text: text, URL: strings.TrimSpace(c.PostForm("url")), PublishedOn: strings.TrimSpace(c.PostForm("published_on"))}, a.db.Now())
	d.Result = &res
	var spans []markSpan
	for i, dr := range res.Drafts {
		b, _ := json.Marshal(dr.Incident)
		v := draftView{N: i + 1, Incident: dr.Incident, JSON: string(b)}
		for field, ev := range dr.Evidence {
			v.Evidence = append(v.Evidence, evidenceView{Field: field, Evidence: ev})
			spans = append(spans, markSpan{start: ev.Start, end: ev.End, title: l.T("extract.draftfield", i+1, field), figure: strings.HasSuffix(field, "killed") || strings.HasSuffix(field, "wounded")})
		}
		sort.Slice(v.Evidence, func(i, j int) bool { return v.Evidence[i].Start < v.Evidence[j].Start })
		d.Drafts = append(d.Drafts, v)
	}
	if res.Combined != nil {
		for field, ev := range res.Combined.Evidence {
			spans = append(spans, markSpan{start: ev.Start, end: ev.End, title: l.T("extract.combinedfield", field), figure: true})
		}
	}
	d.Marked = marked(text, spans)
	a.render(c, http.StatusOK, "extract", a.view(c, "extract", l.T("extract.title"), d))
}

type markSpan struct {
	start, end int
	title      string
	figure     bool
}

// marked is the text with each span of evidence in a <mark>, escaped;
// a span that overlaps one before it is left unmarked.
func marked(text string, spans []markSpan) template.HTML {
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	at := 0
	for _, s := range spans {
		if s.start < at || s.end > len(text) || s.start >= s.end {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[at:s.start]))
		class := "place"
		if s.figure {
			class = "figure"
		}
		b.WriteString(`<mark class="` + class + `" title="` + template.HTMLEscapeString(s.title) + `">`)
		b.WriteString(template.HTMLEscapeString(text[s.start:s.end]))
		b.WriteString(`</mark>`)
		at = s.end
	}
	b.WriteString(template.HTMLEscapeString(text[at:]))
	return template.HTML(b.String()) //nolint:gosec // every piece of text is escaped above
}

// openDraft shows a draft in the incident form, to be corrected and saved.
func (a *App) openDraft(c *gin.Context) {
	l := langOf(c)
	in, err := models.DecodeIncidentInput([]byte(c.PostForm("draft")))
	var inc models.Incident
	if err == nil {
		inc, err = in.Normalize(a.db.Now())
	}
	if err != nil {
		a.fail(c, err)
		return
	}
	d := formOf(inc)
	d.Action, d.ID, d.Version = "/incidents/new", 0, 0
	if len(d.Lines) == 0 {
		d.Lines = append(d.Lines, formLine{})
	}
	a.render(c, http.StatusOK, "edit", a.view(c, "new", l.T("edit.new"), d))
}
