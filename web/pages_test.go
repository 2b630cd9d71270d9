package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"incidentdb/web"
)

type apiTotals struct {
	Totals struct {
		Incidents, Killed, Wounded, KilledUnknown, WoundedUnknown int64
	} `json:"totals"`
}

func (s *site) totals(t *testing.T, query string) apiTotals {
	t.Helper()
	var out struct {
		Totals struct {
			Incidents      int64 `json:"incidents"`
			Killed         int64 `json:"killed"`
			Wounded        int64 `json:"wounded"`
			KilledUnknown  int64 `json:"killed_unknown"`
			WoundedUnknown int64 `json:"wounded_unknown"`
		} `json:"totals"`
	}
	sep := "?"
	if query != "" {
		sep = "?" + query + "&"
	}
	if err := json.Unmarshal(s.api(t, "GET", "/api/v1/reports/casualties"+sep+"group_by=type", "", nil, 200), &out); err != nil {
		t.Fatal(err)
	}
	var at apiTotals
	at.Totals.Incidents, at.Totals.Killed, at.Totals.Wounded = out.Totals.Incidents, out.Totals.Killed, out.Totals.Wounded
	at.Totals.KilledUnknown, at.Totals.WoundedUnknown = out.Totals.KilledUnknown, out.Totals.WoundedUnknown
	return at
}

// Every total on the dashboard is the API's for the same filter, in both
// languages, including the unknowns.
func TestDashboardTotalsAreTheAPIs(t *testing.T) {
	s := newSite(t, web.Config{})
	// An incident whose killed nobody knows must show as unknown, not 0.
	s.api(t, "POST", "/api/v1/incidents", s.editor, []byte(`{"occurred_on":"2019-01-20","country":"ML","region":"Kidal","type":"complex_attack","summary":"Synthetic: a toll nobody knows.","killed":null,"wounded":null}`), 201)
	for _, lang := range []string{"en", "fr"} {
		b := s.browser(t)
		b.lang = lang
		for _, q := range []string{"", "region=menaka", "region=Mopti", "group=peacekeeper", "region=kidal", "from=2017-11-24&to=2017-11-24", "nationality=TG", "region=menaka&region=mopti"} {
			p := b.get("/?" + q)
			if p.status != 200 {
				t.Fatalf("%s /?%s: %d %s", lang, q, p.status, p.body)
			}
			want := s.totals(t, q).Totals
			for id, w := range map[string]int64{"total-incidents": want.Incidents, "total-killed": want.Killed, "total-wounded": want.Wounded} {
				if got := number(t, text(p.byID(id))); got != w {
					t.Errorf("%s /?%s: #%s = %d, the API says %d", lang, q, id, got, w)
				}
			}
			unknown := p.byID("total-killed-unknown")
			if (unknown != nil) != (want.KilledUnknown > 0) || unknown != nil && number(t, text(unknown)) != want.KilledUnknown {
				t.Errorf("%s /?%s: killed unknown shown as %q, the API counts %d", lang, q, text(unknown), want.KilledUnknown)
			}
		}
	}
	p := s.browser(t).get("/?region=kidal")
	if !strings.Contains(text(p.byID("total-killed-unknown")), "1 with the figure unknown") {
		t.Errorf("Kidal's unknown toll reads %q", text(p.byID("total-killed-unknown")))
	}
}

func TestDashboardRefusesABadFilterNamingTheField(t *testing.T) {
	s := newSite(t, web.Config{})
	b := s.browser(t)
	for q, field := range map[string]string{"regoin=mopti": "regoin", "from=2017-13-01": "from", "group_by=colour": "group_by", "interval=hour": "interval", "limit=0": "limit", "region=Mopit": "region"} {
		p := b.get("/?" + q)
		if p.status != http.StatusBadRequest {
			t.Errorf("/?%s: %d, want 400", q, p.status)
			continue
		}
		alert := find(p.doc, func(n *html.Node) bool { return attr(n, "role") == "alert" })
		if !strings.Contains(text(alert), field) {
			t.Errorf("/?%s: the alert %q does not name %s", q, text(alert), field)
		}
		if p.byID("total-killed") != nil {
			t.Errorf("/?%s: figures shown for a refused filter", q)
		}
	}
}

// The download links carry the filter, and the CSV they give holds the
// incidents the API lists for it.
func TestDownloadsCarryTheFilter(t *testing.T) {
	s := newSite(t, web.Config{})
	p := s.browser(t).get("/?region=menaka&interval=year")
	links := findAll(p.doc, func(n *html.Node) bool {
		return n.Data == "a" && attr(n, "download") != "" || n.Data == "a" && attr(n, "download") == "" && hasAttr(n, "download")
	})
	if len(links) < 6 {
		t.Fatalf("%d download links", len(links))
	}
	var list struct {
		Total int `json:"total"`
	}
	if err := json.Unmarshal(s.api(t, "GET", "/api/v1/incidents?region=menaka", "", nil, 200), &list); err != nil {
		t.Fatal(err)
	}
	for _, a := range links {
		u, err := url.Parse(attr(a, "href"))
		if err != nil || u.Query().Get("region") != "menaka" || u.Query().Has("interval") {
			t.Errorf("download %q does not carry the filter alone", attr(a, "href"))
		}
		if strings.HasSuffix(u.Path, "/incidents.csv") && !u.Query().Has("hxl") {
			body := s.api(t, "GET", u.RequestURI(), "", nil, 200)
			rows := strings.Count(strings.TrimSpace(string(body)), "\n")
			if rows != list.Total || rows == 0 {
				t.Errorf("the CSV has %d rows, the API lists %d", rows, list.Total)
			}
		}
	}
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

func TestIncidentPageShowsLinesSourcesClaimsAndHistory(t *testing.T) {
	s := newSite(t, web.Config{})
	body := `{"occurred_on":"2017-11-24","country":"ML","region":"Mopti","type":"ied","summary":"Synthetic: two figures from two sources.",
	  "sources":[{"title":"Statement A","url":"https://example.org/a"},{"title":"Statement B","url":"https://example.org/b"}],
	  "claims":[{"figure":"killed","source":{"source":0},"value":2},{"figure":"killed","source":{"source":1},"value":3}],
	  "casualties":[{"group":"peacekeeper","nationality":"TG","killed":2,"wounded":1}]}`
	var inc struct {
		ID      int64 `json:"id"`
		Version int   `json:"version"`
	}
	if err := json.Unmarshal(s.api(t, "POST", "/api/v1/incidents", s.editor, []byte(body), 201), &inc); err != nil {
		t.Fatal(err)
	}
	req := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	s.api(t, "PATCH", req, s.editor, []byte(`{"summary":"Synthetic: the summary, corrected."}`), 200)
	b := s.browser(t)
	p := b.get(fmt.Sprintf("/incidents/%d", inc.ID))
	if p.status != 200 {
		t.Fatalf("%d %s", p.status, p.body)
	}
	claims := findAll(p.byID("claims"), tag("tr"))
	if len(claims) != 3 { // the header and two claims
		t.Errorf("%d claim rows, want 2", len(claims)-1)
	}
	for _, want := range []string{"Statement A", "Statement B"} {
		if find(p.doc, func(n *html.Node) bool {
			return n.Data == "a" && text(n) == want && strings.HasPrefix(attr(n, "href"), "https://example.org/")
		}) == nil {
			t.Errorf("no link to the source %q", want)
		}
	}
	if !strings.Contains(text(p.byID("lines")), "Togo") {
		t.Errorf("the casualty line does not name Togo: %q", text(p.byID("lines")))
	}
	diff := findAll(p.doc, func(n *html.Node) bool { return n.Data == "ins" })
	if len(diff) == 0 || !strings.Contains(text(diff[0]), "corrected") {
		t.Errorf("the history does not show the change: %v", len(diff))
	}
	old := b.get(fmt.Sprintf("/incidents/%d?version=1", inc.ID))
	if !strings.Contains(old.body, "two figures from two sources") || strings.Contains(text(find(old.doc, func(n *html.Node) bool { return attr(n, "class") == "summary" })), "corrected") {
		t.Errorf("version 1 does not show the first summary")
	}
	for path, want := range map[string]int{"/incidents/0": 404, "/incidents/abc": 404, "/incidents/99999": 404, fmt.Sprintf("/incidents/%d?version=x", inc.ID): 400, fmt.Sprintf("/incidents/%d?version=99", inc.ID): 404} {
		if got := b.get(path).status; got != want {
			t.Errorf("%s: %d, want %d", path, got, want)
		}
	}
}

func TestSignInSessionsAndCSRF(t *testing.T) {
	s := newSite(t, web.Config{})
	b := s.browser(t)
	if p := b.get("/incidents/new"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/signin") {
		t.Fatalf("an anonymous form: %d %s", p.status, p.header.Get("Location"))
	}
	if p := b.post("/signin", url.Values{"key": {s.editor}}); p.status != http.StatusForbidden {
		t.Errorf("a sign-in without the token: %d", p.status)
	}
	if p := b.post("/signin", url.Values{"csrf": {b.csrf()}, "key": {"nope"}}); p.status != http.StatusUnauthorized || p.byID("key-error") == nil {
		t.Errorf("a bad key: %d", p.status)
	}
	p := b.post("/signin", url.Values{"csrf": {b.csrf()}, "key": {s.editor}, "next": {"//evil.example/"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/" {
		t.Fatalf("sign-in: %d to %q", p.status, p.header.Get("Location"))
	}
	var session *http.Cookie
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == "incidentdb_session" {
			session = c
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Fatalf("the session cookie: %+v", session)
	}
	if p := b.get("/incidents/new"); p.status != 200 {
		t.Fatalf("the form for an editor: %d", p.status)
	}
	form := url.Values{"occurred_on": {"2020-02-02"}, "country": {"ML"}, "region": {"Gao"}, "type": {"ied"}, "summary": {"Synthetic: made in the form."},
		"killed": {""}, "wounded": {"?"}, "line_group": {"peacekeeper"}, "line_nationality": {"Chad"}, "line_killed": {"2"}, "line_wounded": {""}, "line_force": {""}}
	if p := b.post("/incidents/new", form); p.status != http.StatusForbidden {
		t.Errorf("a form without the token: %d", p.status)
	}
	form.Set("csrf", strings.Repeat("0", 64))
	if p := b.post("/incidents/new", form); p.status != http.StatusForbidden {
		t.Errorf("a form with another token: %d", p.status)
	}
	form.Set("csrf", b.csrf())
	p = b.post("/incidents/new", form)
	if p.status != http.StatusSeeOther {
		t.Fatalf("create: %d %s", p.status, p.body)
	}
	var inc struct {
		Killed  *int    `json:"killed"`
		Wounded *int    `json:"wounded"`
		Region  *string `json:"region"`
		Lines   []struct {
			Nationality *string `json:"nationality"`
		} `json:"casualties"`
	}
	loc := p.header.Get("Location")
	if err := json.Unmarshal(s.api(t, "GET", "/api/v1"+loc, "", nil, 200), &inc); err != nil {
		t.Fatal(err)
	}
	if inc.Killed == nil || *inc.Killed != 2 || inc.Wounded != nil || len(inc.Lines) != 1 || *inc.Lines[0].Nationality != "TD" {
		t.Errorf("the form stored %+v", inc)
	}
	// The API's field errors, beside the fields.
	bad := url.Values{"csrf": {b.csrf()}, "occurred_on": {"2020-02-30"}, "type": {"ied"}, "summary": {"x"}, "country": {"ML"},
		"line_group": {"peacekeeper"}, "line_killed": {"two"}, "line_force": {""}, "line_nationality": {""}, "line_wounded": {""}}
	p = b.post("/incidents/new", bad)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad form: %d", p.status)
	}
	if f := p.byID("f-occurred_on"); f == nil || attr(f, "aria-invalid") != "true" || p.byID("e-occurred_on") == nil {
		t.Errorf("the date's error is not beside it")
	}
	if !strings.Contains(p.body, "casualties[0].killed") && !strings.Contains(text(p.doc), "Line 1, killed") {
		t.Errorf("the line's error is not shown")
	}
	// Adding a line re-draws the form with what was typed, storing nothing.
	add := url.Values{"csrf": {b.csrf()}, "action": {"add_line"}, "summary": {"kept"}, "line_group": {"civilian"}, "line_killed": {"1"}, "line_force": {""}, "line_nationality": {""}, "line_wounded": {""}}
	p = b.post("/incidents/new", add)
	if p.status != 200 || len(findAll(p.doc, func(n *html.Node) bool { return attr(n, "name") == "line_group" })) != 2 || !strings.Contains(p.body, "kept") {
		t.Errorf("add a line: %d", p.status)
	}
	// A reader signs in but may not edit.
	r := s.browser(t)
	r.signIn(s.reader)
	if p := r.get("/incidents/new"); p.status != http.StatusForbidden {
		t.Errorf("a reader's form: %d", p.status)
	}
	// Signing out ends the session on the server.
	if p := b.post("/signout", url.Values{"csrf": {b.csrf()}}); p.status != http.StatusSeeOther {
		t.Errorf("sign-out: %d", p.status)
	}
	b.c.Jar.SetCookies(mustURL(s.srv.URL), []*http.Cookie{session})
	if p := b.get("/incidents/new"); p.status != http.StatusSeeOther {
		t.Errorf("an ended session still opens the form: %d", p.status)
	}
	// A revoked key ends its sessions at once.
	k := s.browser(t)
	key, err := s.db.CreateKey(t.Context(), "short-lived", "editor")
	if err != nil {
		t.Fatal(err)
	}
	k.signIn(key)
	if err := s.db.RevokeKey(t.Context(), "short-lived"); err != nil {
		t.Fatal(err)
	}
	if p := k.get("/incidents/new"); p.status != http.StatusSeeOther {
		t.Errorf("a revoked key's session: %d", p.status)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestAStaleEditSaysWhoChangedIt(t *testing.T) {
	s := newSite(t, web.Config{})
	b := s.browser(t)
	b.signIn(s.editor)
	p := b.get("/incidents/1/edit")
	if p.status != 200 {
		t.Fatalf("%d", p.status)
	}
	form := url.Values{"csrf": {b.csrf()}}
	for _, in := range findAll(p.doc, func(n *html.Node) bool { return n.Data == "input" || n.Data == "textarea" || n.Data == "select" }) {
		name := attr(in, "name")
		switch {
		case name == "" || name == "csrf" || attr(in, "type") == "checkbox":
		case in.Data == "textarea":
			form.Add(name, text(in))
		case in.Data == "select":
			if o := find(in, func(n *html.Node) bool { return n.Data == "option" && hasAttr(n, "selected") }); o != nil {
				form.Add(name, attr(o, "value"))
			} else if o := find(in, tag("option")); o != nil {
				form.Add(name, attr(o, "value"))
			}
		default:
			form.Add(name, attr(in, "value"))
		}
	}
	s.api(t, "PATCH", "/api/v1/incidents/1", s.admin, []byte(`{"locality":"Synthetic place"}`), 200)
	form.Set("summary", "Synthetic: my edit")
	p = b.post("/incidents/1/edit", form)
	if p.status != http.StatusPreconditionFailed {
		t.Fatalf("a stale edit: %d", p.status)
	}
	if !strings.Contains(text(p.byID("stale")), "admin-key") {
		t.Errorf("the refusal does not say who changed it: %q", text(p.byID("stale")))
	}
	if !strings.Contains(p.body, "Synthetic: my edit") {
		t.Errorf("the edit was lost from the form")
	}
	// Sent again at the current version, the same form saves.
	form.Set("version", "2")
	if p = b.post("/incidents/1/edit", form); p.status != http.StatusSeeOther {
		t.Fatalf("a fresh edit: %d %s", p.status, p.body)
	}
	var inc struct {
		Summary  string  `json:"summary"`
		Locality *string `json:"locality"`
		Killed   *int    `json:"killed"`
	}
	if err := json.Unmarshal(s.api(t, "GET", "/api/v1/incidents/1", "", nil, 200), &inc); err != nil {
		t.Fatal(err)
	}
	if inc.Summary != "Synthetic: my edit" || inc.Killed == nil || *inc.Killed != 4 {
		t.Errorf("after the edit: %+v", inc)
	}
}

func TestDeleteAndRestoreAsTheRoleAllows(t *testing.T) {
	s := newSite(t, web.Config{})
	e := s.browser(t)
	e.signIn(s.editor)
	if p := e.post("/incidents/2/delete", url.Values{"csrf": {e.csrf()}, "version": {"1"}}); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.status)
	}
	if p := e.get("/incidents/2"); p.status != 404 {
		t.Errorf("a deleted incident: %d", p.status)
	}
	if p := e.post("/incidents/2/restore", url.Values{"csrf": {e.csrf()}}); p.status != http.StatusForbidden {
		t.Errorf("an editor restores: %d", p.status)
	}
	if p := e.get("/incidents?deleted=true"); p.status != http.StatusForbidden {
		t.Errorf("an editor lists deleted incidents: %d", p.status)
	}
	a := s.browser(t)
	a.signIn(s.admin)
	p := a.get("/incidents?deleted=true")
	if find(p.byID("incidents"), func(n *html.Node) bool { return attr(n, "data-id") == "2" }) == nil {
		t.Fatalf("the deleted incident is not listed")
	}
	if p := a.post("/incidents/2/restore", url.Values{"csrf": {a.csrf()}}); p.status != http.StatusSeeOther {
		t.Fatalf("restore: %d %s", p.status, p.body)
	}
	if p := a.get("/incidents/2"); p.status != 200 {
		t.Errorf("a restored incident: %d", p.status)
	}
}

func TestImportPageDryRunThenImport(t *testing.T) {
	s := newSite(t, web.Config{})
	b := s.browser(t)
	b.signIn(s.editor)
	send := func(dry bool, csv string, token string) page {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		_ = w.WriteField("csrf", token)
		_ = w.WriteField("format", "csv")
		if dry {
			_ = w.WriteField("dry_run", "true")
		}
		f, _ := w.CreateFormFile("file", "incidents.csv")
		_, _ = io.WriteString(f, csv)
		_ = w.Close()
		req, _ := http.NewRequest("POST", s.srv.URL+"/import", &buf)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return b.do(req)
	}
	header := string(s.api(t, "GET", "/api/v1/incidents.csv?external_id=none", "", nil, 200))
	good := "2021-03-03,ML,Gao,ied,Synthetic: imported from the page"
	csv := header + buildRow(t, header, map[string]string{"occurred_on": "2021-03-03", "country": "ML", "region": "Gao", "type": "ied", "summary": "Synthetic: imported from the page", "killed": "1", "wounded": "0"}) +
		buildRow(t, header, map[string]string{"occurred_on": "2021-13-03", "country": "ML", "type": "ied", "summary": "Synthetic: a bad date"})
	_ = good
	if p := send(true, csv, "wrong"+strings.Repeat("0", 59)); p.status != http.StatusForbidden {
		t.Errorf("an import without the token: %d", p.status)
	}
	p := send(true, csv, b.csrf())
	if p.status != http.StatusUnprocessableEntity || p.byID("bad-rows") == nil || !strings.Contains(text(p.byID("bad-rows")), "occurred_on") {
		t.Fatalf("a dry run with a bad row: %d %s", p.status, text(p.byID("problem")))
	}
	before := s.totals(t, "").Totals.Incidents
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	p = send(false, strings.Join(lines[:2], "\n")+"\n", b.csrf())
	if p.status != 200 || number(t, text(p.byID("created"))) != 1 {
		t.Fatalf("the import: %d %s", p.status, text(p.doc))
	}
	if after := s.totals(t, "").Totals.Incidents; after != before+1 {
		t.Errorf("%d incidents after the import, %d before", after, before)
	}
	r := s.browser(t)
	r.signIn(s.reader)
	if p := r.get("/import"); p.status != http.StatusForbidden {
		t.Errorf("a reader's import page: %d", p.status)
	}
}

// buildRow writes a CSV row under the export's header.
func buildRow(t *testing.T, header string, cells map[string]string) string {
	t.Helper()
	cols := strings.Split(strings.TrimSpace(strings.TrimPrefix(header, "\ufeff")), ",")
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = cells[c]
	}
	return strings.Join(out, ",") + "\n"
}

func TestLanguageBySwitchAndAcceptLanguage(t *testing.T) {
	s := newSite(t, web.Config{})
	b := s.browser(t)
	b.lang = "fr-FR,fr;q=0.9"
	p := b.get("/incidents/1")
	if attr(find(p.doc, tag("html")), "lang") != "fr" || !strings.Contains(text(p.byID("occurred-on")), "24 novembre 2017") {
		t.Errorf("French from Accept-Language: %q", text(p.byID("occurred-on")))
	}
	p = b.get("/language?to=en&back=/incidents/1")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/incidents/1" {
		t.Fatalf("switch: %d %s", p.status, p.header.Get("Location"))
	}
	if p = b.get("/incidents/1"); !strings.Contains(text(p.byID("occurred-on")), "24 November 2017") {
		t.Errorf("the switch is not remembered over Accept-Language: %q", text(p.byID("occurred-on")))
	}
	for _, back := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		if p := b.get("/language?to=fr&back=" + url.QueryEscape(back)); p.header.Get("Location") != "/" {
			t.Errorf("back=%s goes to %q", back, p.header.Get("Location"))
		}
	}
	// Numbers are grouped the language's way.
	for i := 0; i < 3; i++ {
		s.api(t, "POST", "/api/v1/incidents", s.editor, []byte(`{"occurred_on":"2019-01-20","country":"ML","region":"Gao","type":"other","summary":"Synthetic: a large toll.","killed":1000,"wounded":234}`), 201)
	}
	b.lang = ""
	fr := s.browser(t)
	fr.lang = "fr"
	if got := fr.get("/?region=gao").byID("total-killed"); !strings.Contains(text(got), "3 000") {
		t.Errorf("French killed: %q", text(got))
	}
	if got := s.browser(t).get("/?region=gao").byID("total-killed"); !strings.Contains(text(got), "3,000") {
		t.Errorf("English killed: %q", text(got))
	}
}

func TestPagesAskNothingOfAnotherHost(t *testing.T) {
	s := newSite(t, web.Config{})
	b := s.browser(t)
	b.signIn(s.admin)
	for _, path := range []string{"/", "/?region=menaka&region=mopti&interval=week", "/incidents", "/incidents/1", "/incidents/1/edit", "/incidents/new", "/import", "/signin"} {
		p := b.get(path)
		if p.status != 200 {
			t.Errorf("%s: %d", path, p.status)
			continue
		}
		if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		for _, n := range findAll(p.doc, func(n *html.Node) bool {
			return n.Data == "script" || n.Data == "link" || n.Data == "img" || hasAttr(n, "style")
		}) {
			src := attr(n, "src") + attr(n, "href")
			if hasAttr(n, "style") || strings.Contains(src, "//") || n.Data == "script" && src == "" {
				t.Errorf("%s: <%s %s> would load from elsewhere or inline", path, n.Data, src)
			}
		}
		if find(p.doc, func(n *html.Node) bool { return n.Data == "main" }) == nil {
			t.Errorf("%s: no main landmark", path)
		}
		for _, in := range findAll(p.doc, func(n *html.Node) bool {
			return (n.Data == "input" && attr(n, "type") != "hidden" || n.Data == "select" || n.Data == "textarea")
		}) {
			if !labelled(p.doc, in) {
				t.Errorf("%s: the control %q has no label", path, attr(in, "name"))
			}
		}
	}
	for _, asset := range []string{"/static/style.css", "/static/favicon.svg"} {
		if p := b.get(asset); p.status != 200 {
			t.Errorf("%s: %d", asset, p.status)
		}
	}
}

// labelled reports whether a form control has a label: around it, or
// naming its id.
func labelled(doc, in *html.Node) bool {
	for p := in.Parent; p != nil; p = p.Parent {
		if p.Data == "label" {
			return true
		}
	}
	id := attr(in, "id")
	return id != "" && find(doc, func(n *html.Node) bool { return n.Data == "label" && attr(n, "for") == id }) != nil
}

func TestAPrivateServerShowsOnlyTheSignIn(t *testing.T) {
	s := newSite(t, web.Config{Private: true})
	b := s.browser(t)
	for _, path := range []string{"/", "/incidents", "/incidents/1"} {
		if p := b.get(path); p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/signin") {
			t.Errorf("%s: %d %s", path, p.status, p.header.Get("Location"))
		}
	}
	if p := b.get("/signin"); p.status != 200 {
		t.Errorf("the sign-in: %d", p.status)
	}
	b.signIn(s.reader)
	if p := b.get("/"); p.status != 200 {
		t.Errorf("a reader's dashboard: %d", p.status)
	}
}

// The map draws a circle for each region with incidents, at its capital,
// whose title gives the API's figures for it.
func TestTheMapDrawsEachRegionsFigures(t *testing.T) {
	s := newSite(t, web.Config{})
	s.api(t, "POST", "/api/v1/incidents", s.editor, []byte(`{"occurred_on":"2019-01-20","country":"ML","region":"Kidal","latitude":18.44,"longitude":1.41,"type":"complex_attack","summary":"Synthetic: a located attack.","killed":10,"wounded":25}`), 201)
	p := s.browser(t).get("/")
	svg := find(p.byID("map"), tag("svg"))
	if svg == nil {
		t.Fatal("no map")
	}
	var rep struct {
		Rows []struct {
			Region  *string `json:"region"`
			Killed  int64   `json:"killed"`
			Wounded int64   `json:"wounded"`
		} `json:"rows"`
	}
	if err := json.Unmarshal(s.api(t, "GET", "/api/v1/reports/casualties?group_by=region&country=ML", "", nil, 200), &rep); err != nil {
		t.Fatal(err)
	}
	circles := findAll(svg, func(n *html.Node) bool { return n.Data == "circle" && attr(n, "class") == "region" })
	if len(circles) != len(rep.Rows) {
		t.Fatalf("%d region circles, the API has %d regions", len(circles), len(rep.Rows))
	}
	for _, row := range rep.Rows {
		want := fmt.Sprintf("%s: %d killed, %d wounded", *row.Region, row.Killed, row.Wounded)
		if find(svg, func(n *html.Node) bool { return n.Data == "title" && strings.HasPrefix(text(n), want) }) == nil {
			t.Errorf("no circle says %q", want)
		}
	}
	if len(findAll(svg, func(n *html.Node) bool { return n.Data == "circle" && attr(n, "class") == "incident" })) != 1 {
		t.Errorf("the located incident is not a point")
	}
	if find(svg, tag("path")) == nil {
		t.Errorf("no outline")
	}
}

// Each of these was found by a hostile or careless client.
func TestWhatAReviewFound(t *testing.T) {
	s := newSite(t, web.Config{})
	for _, body := range []string{
		`{"occurred_on":"2015-03-01","country":"ML","region":"Tombouctou","type":"ied","summary":"Synthetic: an older attack.","killed":14,"wounded":2}`,
		`{"occurred_on":"2019-06-01","country":"ML","region":"Mopti","type":"ied","summary":"Synthetic: a later attack.","killed":2,"wounded":1}`,
	} {
		s.api(t, "POST", "/api/v1/incidents", s.editor, []byte(body), 201)
	}
	b := s.browser(t)
	// Several regions: one line each, over the same years, each year's
	// figure the API's.
	p := b.get("/?region=mopti&region=tombouctou&interval=year")
	if p.status != 200 {
		t.Fatalf("two regions: %d", p.status)
	}
	var gs struct {
		Series []struct {
			Region string `json:"region"`
			Points []struct {
				Period string `json:"period"`
				Killed int64  `json:"killed"`
			} `json:"points"`
		} `json:"series"`
	}
	if err := json.Unmarshal(s.api(t, "GET", "/api/v1/reports/timeseries?region=mopti,tombouctou&interval=year&group_by=region", "", nil, 200), &gs); err != nil {
		t.Fatal(err)
	}
	table := find(p.doc, func(n *html.Node) bool { return n.Data == "table" && strings.Contains(text(n), "Period") })
	rows := findAll(table, tag("tr"))
	header := findAll(rows[0], tag("th"))
	for col, sr := range gs.Series {
		if text(header[col+1]) != sr.Region {
			t.Fatalf("column %d is %q, the API's series %q", col+1, text(header[col+1]), sr.Region)
		}
		for i, pt := range sr.Points {
			cells := findAll(rows[i+1], tag("td"))
			if text(findAll(rows[i+1], tag("th"))[0]) != pt.Period || number(t, text(cells[col])) != pt.Killed {
				t.Errorf("%s %s: the page says %s", sr.Region, pt.Period, text(rows[i+1]))
			}
		}
	}
	// A tab or a NUL in a redirect is refused: a browser drops the tab and
	// goes to another host.
	for _, back := range []string{"/\t/evil.example/x", "/\x00/evil", "/a\\b"} {
		if p := b.get("/language?to=fr&back=" + url.QueryEscape(back)); p.header.Get("Location") != "/" {
			t.Errorf("back=%q goes to %q", back, p.header.Get("Location"))
		}
	}
	p = b.get("/signin?next=" + url.QueryEscape("/\t/evil.example/x"))
	if n := find(p.doc, func(n *html.Node) bool { return attr(n, "name") == "next" }); n == nil || attr(n, "value") != "/" {
		t.Errorf("the sign-in keeps a next that leaves the site")
	}
	// The list link keeps the filter as parameters, not one escaped value.
	p = b.get("/?region=menaka&type=armed_attack")
	link := find(p.doc, func(n *html.Node) bool { return n.Data == "a" && strings.HasPrefix(attr(n, "href"), "/incidents?") })
	if u, _ := url.Parse(attr(link, "href")); u == nil || u.Query().Get("region") != "menaka" || u.Query().Get("type") != "armed_attack" {
		t.Errorf("the list link is %q", attr(link, "href"))
	}
	if p := b.get("/incidents?sort=updated_at"); p.status != 200 {
		t.Errorf("sort by last change: %d", p.status)
	}
	// A query Go cannot read whole must not read as no filter at all.
	many := url.Values{"region": {"menaka"}}
	for i := range 10001 {
		many.Set(fmt.Sprintf("z%d", i), "1")
	}
	if p := b.get("/?" + many.Encode()); p.status != http.StatusBadRequest {
		t.Errorf("10,001 parameters: %d", p.status)
	}
	if p := b.get("/?interval=week&interval=year"); p.status != http.StatusBadRequest {
		t.Errorf("a repeated interval: %d", p.status)
	}
	if p := b.get("/?interval=day&from=1950-01-01&to=2024-12-31"); p.status != http.StatusBadRequest {
		t.Errorf("a daily series over 75 years: %d", p.status)
	}
	// The breakdown by year keeps the years with the most killed, in order.
	p = b.get("/?group_by=year&limit=2")
	if got := text(p.byID("breakdown")); !strings.Contains(got, "2015") || !strings.Contains(got, "2017") || strings.Contains(got, "2019") {
		t.Errorf("the top two years: %q", got)
	}
	e := s.browser(t)
	e.signIn(s.editor)
	form := url.Values{"csrf": {e.csrf()}, "occurred_on": {"2020-02-02"}, "type": {"ied"}, "summary": {"caf\xe9"}}
	if p := e.post("/incidents/new", form); p.status != http.StatusBadRequest {
		t.Errorf("invalid UTF-8 in a form: %d", p.status)
	}
	form.Set("summary", strings.Repeat("x", 5<<20))
	if p := e.post("/incidents/new", form); p.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 5 MB form: %d", p.status)
	}
	// An error the form has no box for is still shown.
	form = url.Values{"csrf": {e.csrf()}, "occurred_on": {"2020-02-02"}, "country": {"ML"}, "type": {"ied"}, "summary": {"Synthetic"},
		"contributing_countries": {"Chad, Atlantis"}}
	p = e.post("/incidents/new", form)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(text(p.byID("problem")), "contributing_countries[1]") {
		t.Errorf("an error without its box: %d %q", p.status, text(p.byID("problem")))
	}
}

// A pasted statement shows its drafts beside its text, each figure's
// words marked; an editor opens a draft in the form and saves it.
func TestAStatementBecomesDrafts(t *testing.T) {
	s := newSite(t, web.Config{})
	statement, err := os.ReadFile("../testdata/statements/aguelhok-en.txt")
	if err != nil {
		t.Fatal(err)
	}
	r := s.browser(t)
	if p := r.post("/extract", url.Values{"text": {string(statement)}}); p.status != http.StatusForbidden {
		t.Errorf("without the token: %d", p.status)
	}
	p := r.post("/extract", url.Values{"csrf": {r.csrf()}, "text": {string(statement)}})
	if p.status != 200 {
		t.Fatalf("%d", p.status)
	}
	marks := findAll(p.byID("statement"), func(n *html.Node) bool { return n.Data == "mark" && attr(n, "class") == "figure" })
	if len(marks) < 2 || text(marks[0]) != "Ten" {
		t.Errorf("the figures' words are not marked: %d marks", len(marks))
	}
	if got := text(find(p.byID("draft-1"), func(n *html.Node) bool { return attr(n, "class") == "killed" })); got != "10" {
		t.Errorf("the draft's killed: %q", got)
	}
	if find(p.doc, func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == "/extract/open" }) != nil {
		t.Errorf("an anonymous visitor is offered to save")
	}
	before := s.totals(t, "").Totals.Incidents
	e := s.browser(t)
	e.signIn(s.editor)
	p = e.post("/extract", url.Values{"csrf": {e.csrf()}, "text": {string(statement)}})
	draft := find(p.doc, func(n *html.Node) bool { return attr(n, "name") == "draft" })
	if draft == nil {
		t.Fatal("no draft to open")
	}
	p = e.post("/extract/open", url.Values{"csrf": {e.csrf()}, "draft": {attr(draft, "value")}})
	if p.status != 200 || attr(p.byID("f-region"), "value") != "Kidal" {
		t.Fatalf("the draft in the form: %d region %q", p.status, attr(p.byID("f-region"), "value"))
	}
	if after := s.totals(t, "").Totals.Incidents; after != before {
		t.Errorf("opening a draft stored %d incidents", after-before)
	}
	if p := r.post("/extract/open", url.Values{"csrf": {r.csrf()}, "draft": {attr(draft, "value")}}); p.status != http.StatusUnauthorized {
		t.Errorf("an anonymous visitor opens a draft: %d", p.status)
	}
	if p := r.post("/extract", url.Values{"csrf": {r.csrf()}, "text": {"  "}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("an empty statement: %d", p.status)
	}
}
