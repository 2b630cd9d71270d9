package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"incidentdb/web"
)

// The browser tests drive Debian's Chromium, headless, over the real
// server. CI installs it (.ci/run) and sets INCIDENTDB_BROWSER=required,
// so that there a missing browser fails instead of skipping.

func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium here: install it with 'apt-get install chromium' (Debian) to run the browser tests"
	if os.Getenv("INCIDENTDB_BROWSER") == "required" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// tab is one headless Chromium tab that logs every request it makes.
type tab struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string
}

type step = chromedp.Action[chromedp.Void]

func newTab(t *testing.T, width, height int) *tab {
	path := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.WindowSize(width, height), chromedp.Flag("disable-gpu", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tb := &tab{}
	// The first call starts the browser and must not carry a deadline, or
	// the deadline ends the browser; the steps after it have one.
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			tb.mu.Lock()
			tb.requests = append(tb.requests, e.Request.URL)
			tb.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	tctx, cancelTime := context.WithTimeout(ctx, time.Minute)
	tb.ctx = tctx
	t.Cleanup(func() {
		cancelTime()
		cancel()
		cancelAlloc()
	})
	return tb
}

func (tb *tab) do(t *testing.T, steps ...step) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// text reads an element's text in the page as it is now. It asks the
// page itself: after a navigation that a click started, chromedp's own
// node queries can be left looking at the page before.
func (tb *tab) text(t *testing.T, css string) string {
	t.Helper()
	tb.waitFor(t, fmt.Sprintf(`document.querySelector(%q) !== null`, css))
	v := eval[string](t, tb, fmt.Sprintf(`document.querySelector(%q).innerText`, css))
	return strings.TrimSpace(v)
}

func eval[T any](t *testing.T, tb *tab, js string) T {
	t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitFor evaluates js until it is true: across a navigation an
// evaluation may fail, and is tried again.
func (tb *tab) waitFor(t *testing.T, js string) {
	t.Helper()
	for range 200 {
		if ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](js)); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	where, _ := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 600)`))
	t.Fatalf("never true: %s\nthe page: %s", js, where)
}

// elsewhere lists the requests made to any other host than base.
func (tb *tab) elsewhere(base string) []string {
	u, _ := url.Parse(base)
	tb.mu.Lock()
	defer tb.mu.Unlock()
	var out []string
	for _, r := range tb.requests {
		ru, err := url.Parse(r)
		if err != nil || ru.Scheme == "data" || ru.Scheme == "about" {
			continue
		}
		if ru.Host != u.Host {
			out = append(out, r)
		}
	}
	return out
}

func TestInABrowser(t *testing.T) {
	s := newSite(t, web.Config{})
	tb := newTab(t, 1280, 800)
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }

	// An analyst filters the dashboard to Ménaka and reads its toll.
	tb.do(t,
		chromedp.Navigate(s.srv.URL+"/"),
		chromedp.WaitVisible(css(`#total-killed`)),
		chromedp.Click(css(`select[name=region] option[value="Ménaka"]`)),
		chromedp.Click(css(`form.filters button[type=submit]`)),
	)
	// A click starts the navigation and returns; the new page is the one
	// whose address has the filter.
	tb.waitFor(t, `location.search.includes("region=") && document.readyState === "complete"`)
	if killed := tb.text(t, `#total-killed`); killed != "4" {
		t.Errorf("Ménaka's killed read %q, want 4", killed)
	}
	here, err := chromedp.Run(tb.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(here); u.Query().Get("region") != "Ménaka" {
		t.Errorf("the filter is not in the page's address: %s", here)
	}
	// The CSV behind the first download link, fetched as the browser
	// would, holds the incidents the API lists for the same filter.
	csvText := eval[string](t, tb, `fetch(document.querySelector('ul.downloads a').href).then(r => r.text())`)
	var list struct {
		Total int `json:"total"`
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(s.api(t, "GET", "/api/v1/incidents?region=menaka", "", nil, 200), &list); err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(csvText), "\n")
	if len(rows)-1 != list.Total || len(list.Items) == 0 || !strings.HasPrefix(rows[1], fmt.Sprint(list.Items[0].ID)+",") {
		t.Errorf("the CSV has %d rows, the API lists %d: %q", len(rows)-1, list.Total, rows)
	}
	shot(t, tb, "dashboard-en-1280")

	// An editor signs in, creates an incident and finds it in the list.
	tb.do(t,
		chromedp.Navigate(s.srv.URL+"/signin"),
		chromedp.SendKeys(css(`#key`), s.editor),
		chromedp.Submit(css(`#key`)),
	)
	tb.waitFor(t, `location.pathname === "/" && document.readyState === "complete" && document.querySelector("form[action='/signout']") !== null`)
	tb.do(t,
		chromedp.Navigate(s.srv.URL+"/incidents/new"),
		chromedp.SendKeys(css(`#f-occurred_on`), "2022-10-17"),
		chromedp.SendKeys(css(`#f-country`), "ML"),
		chromedp.SendKeys(css(`#f-region`), "Tombouctou"),
		chromedp.SendKeys(css(`#f-summary`), "Synthetic: entered in a browser"),
		chromedp.SendKeys(css(`input[name=line_killed]`), "2"),
		chromedp.Click(css(`button[value=save]`)),
	)
	tb.waitFor(t, `/^\/incidents\/[0-9]+$/.test(location.pathname) && document.readyState === "complete"`)
	if k := tb.text(t, `#killed`); k != "2" {
		t.Errorf("the new incident's killed: %q", k)
	}
	tb.do(t, chromedp.Navigate(s.srv.URL+"/incidents?q=browser"), chromedp.WaitVisible(css(`#list-total`)))
	if total := tb.text(t, `#list-total`); !strings.HasPrefix(total, "1 ") {
		t.Errorf("the new incident is not found in the list: %q", total)
	}

	// A stale edit is refused and says who changed the incident since.
	tb.do(t, chromedp.Navigate(s.srv.URL+"/incidents/1/edit"), chromedp.WaitVisible(css(`#f-summary`)))
	s.api(t, "PATCH", "/api/v1/incidents/1", s.admin, []byte(`{"locality":"Synthetic place"}`), 200)
	tb.do(t,
		chromedp.SendKeys(css(`#f-summary`), " (edited)"),
		chromedp.Click(css(`button[value=save]`)),
	)
	tb.waitFor(t, `document.querySelector("#stale") !== null`)
	if stale := tb.text(t, `#stale`); !strings.Contains(stale, "admin-key") {
		t.Errorf("the stale edit's refusal: %q", stale)
	}

	// The switch turns the app to French, and it stays French.
	tb.do(t,
		chromedp.Navigate(s.srv.URL+"/?region=menaka"),
		chromedp.Click(css(`a.lang`)),
	)
	tb.waitFor(t, `document.documentElement.lang === "fr" && document.readyState === "complete"`)
	lang := eval[string](t, tb, `document.documentElement.lang`)
	if label := tb.text(t, `dl.totals div:nth-child(2) dt`); lang != "fr" || label != "Tués" {
		t.Errorf("after the switch: lang %q, label %q", lang, label)
	}
	shot(t, tb, "dashboard-fr-1280")
	tb.do(t, chromedp.Navigate(s.srv.URL+"/incidents/1"), chromedp.WaitVisible(css(`#killed`)))
	shot(t, tb, "incident-fr-1280")
	if out := tb.elsewhere(s.srv.URL); len(out) > 0 {
		t.Errorf("requests to other hosts: %v", out)
	}
}

// At phone size every page fits the screen's width, in both languages.
func TestInABrowserAtPhoneSize(t *testing.T) {
	s := newSite(t, web.Config{})
	tb := newTab(t, 390, 844)
	for _, lang := range []string{"en", "fr"} {
		for _, p := range []struct{ name, path string }{{"dashboard", "/?region=menaka&region=mopti"}, {"incident", "/incidents/1"}, {"list", "/incidents"}, {"extract", "/extract"}} {
			tb.do(t,
				chromedp.Navigate(s.srv.URL+"/language?to="+lang+"&back="+url.QueryEscape(p.path)),
				chromedp.WaitVisible(chromedp.CSS(`main`)),
			)
			if !eval[bool](t, tb, `document.documentElement.scrollWidth <= window.innerWidth + 1`) {
				t.Errorf("%s in %s is wider than a phone", p.path, lang)
			}
			if p.name == "dashboard" || p.name == "incident" {
				shot(t, tb, p.name+"-"+lang+"-390")
			}
		}
	}
	if out := tb.elsewhere(s.srv.URL); len(out) > 0 {
		t.Errorf("requests to other hosts: %v", out)
	}
}

// shot saves a full-page screenshot when INCIDENTDB_SCREENSHOTS names a
// directory (make screenshots writes docs/screenshots).
func shot(t *testing.T, tb *tab, name string) {
	dir := os.Getenv("INCIDENTDB_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
