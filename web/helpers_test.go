package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"incidentdb/handlers"
	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
	"incidentdb/web"
)

// site is the real router, API and pages, over a fresh database with
// the seed incidents and one key of each role.
type site struct {
	srv                   *httptest.Server
	db                    *store.Store
	reader, editor, admin string
}

func newSite(tb testing.TB, cfg web.Config) *site {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, storetest.DSN(tb))
	if err != nil {
		tb.Fatal(err)
	}
	s := &site{db: db}
	for role, dst := range map[models.Role]*string{models.RoleReader: &s.reader, models.RoleEditor: &s.editor, models.RoleAdmin: &s.admin} {
		if *dst, err = db.CreateKey(ctx, string(role)+"-key", role); err != nil {
			tb.Fatal(err)
		}
	}
	s.srv = httptest.NewServer(handlers.New(db, handlers.Config{Private: cfg.Private, Pages: web.New(db, cfg)}))
	tb.Cleanup(func() {
		s.srv.Close()
		db.Close()
	})
	raw, err := os.ReadFile("../testdata/seed_incidents.json")
	if err != nil {
		tb.Fatal(err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		tb.Fatal(err)
	}
	for _, it := range items {
		s.api(tb, "POST", "/api/v1/incidents", s.editor, it, http.StatusCreated)
	}
	return s
}

// api calls the JSON API and checks the status.
func (s *site) api(tb testing.TB, method, path, key string, body []byte, want int) []byte {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, s.srv.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		tb.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, out)
	}
	return out
}

// browser is a client with cookies that does not follow redirects, so
// that a test sees each answer.
type browser struct {
	tb   testing.TB
	s    *site
	c    *http.Client
	lang string
}

func (s *site) browser(tb testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{tb: tb, s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
	doc    *html.Node
}

func (b *browser) do(req *http.Request) page {
	b.tb.Helper()
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.tb.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	p := page{status: res.StatusCode, header: res.Header, body: string(raw)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if p.doc, err = html.Parse(bytes.NewReader(raw)); err != nil {
			b.tb.Fatalf("%s: not HTML: %v", req.URL, err)
		}
	}
	return p
}

func (b *browser) get(path string) page {
	b.tb.Helper()
	req, err := http.NewRequest("GET", b.s.srv.URL+path, nil)
	if err != nil {
		b.tb.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.tb.Helper()
	req, err := http.NewRequest("POST", b.s.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// csrf is the token the browser's cookie holds, as a form would carry it.
func (b *browser) csrf() string {
	u, _ := url.Parse(b.s.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "incidentdb_csrf" {
			return c.Value
		}
	}
	b.get("/signin")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "incidentdb_csrf" {
			return c.Value
		}
	}
	b.tb.Fatal("no CSRF cookie")
	return ""
}

func (b *browser) signIn(key string) {
	b.tb.Helper()
	p := b.post("/signin", url.Values{"csrf": {b.csrf()}, "key": {key}, "next": {"/"}})
	if p.status != http.StatusSeeOther {
		b.tb.Fatalf("sign-in: %d %s", p.status, p.body)
	}
}

// byID finds the element with the id.
func (p page) byID(id string) *html.Node {
	return find(p.doc, func(n *html.Node) bool { return attr(n, "id") == id })
}

// text is an element's text, with spaces (also no-break ones) made one.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(b.String())), " ")
}

func find(n *html.Node, match func(*html.Node) bool) *html.Node {
	if n == nil {
		return nil
	}
	if n.Type == html.ElementNode && match(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if m := find(c, match); m != nil {
			return m
		}
	}
	return nil
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	if n != nil {
		walk(n)
	}
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func tag(name string) func(*html.Node) bool {
	return func(n *html.Node) bool { return n.Data == name }
}

var digits = regexp.MustCompile(`[^0-9]`)

// number reads a figure as a page writes it ("1 234", "1,234").
func number(tb testing.TB, s string) int64 {
	tb.Helper()
	d := digits.ReplaceAllString(s, "")
	if d == "" {
		tb.Fatalf("no number in %q", s)
	}
	var n int64
	for _, r := range d {
		n = n*10 + int64(r-'0')
	}
	return n
}
