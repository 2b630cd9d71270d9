package handlers_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"incidentdb/handlers"
)

const dashboard = "https://dash.example.org"

// preflight sends what a browser sends before a cross-origin request. It
// is not an operation of openapi.yaml, so it bypasses a.do's contract
// check.
func (a *api) preflight(tb testing.TB, path, origin, method string) response {
	tb.Helper()
	req, err := http.NewRequest(http.MethodOptions, a.srv.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	if method != "" {
		req.Header.Set("Access-Control-Request-Method", method)
		req.Header.Set("Access-Control-Request-Headers", "authorization,if-none-match")
	}
	res, err := a.srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func varies(h http.Header, name string) bool {
	for _, v := range h.Values("Vary") {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), name) {
				return true
			}
		}
	}
	return false
}

func corsHeaders(h http.Header) string {
	var out []string
	for name := range h {
		if strings.HasPrefix(name, "Access-Control-") {
			out = append(out, name+": "+h.Get(name))
		}
	}
	return strings.Join(out, "; ")
}

func TestCORSIsOffByDefault(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	a.create(t, seeds(t)[0])
	res := a.do(t, "GET", "/api/v1/reports/casualties?group_by=region", "", nil, "Origin", dashboard)
	if res.status != http.StatusOK || corsHeaders(res.header) != "" || varies(res.header, "Origin") {
		t.Errorf("GET from another origin: %d, %s, Vary %v", res.status, corsHeaders(res.header), res.header.Values("Vary"))
	}
	// A preflight meets what any OPTIONS met before: 405 with Allow.
	res = a.preflight(t, "/api/v1/incidents", dashboard, "GET")
	if res.status != http.StatusMethodNotAllowed || !strings.Contains(res.header.Get("Allow"), "GET") || corsHeaders(res.header) != "" {
		t.Errorf("preflight: %d, Allow %q, %s", res.status, res.header.Get("Allow"), corsHeaders(res.header))
	}
}

func TestCORSAnswersTheNamedOriginsReads(t *testing.T) {
	a := newAPI(t, handlers.Config{CORSOrigins: []string{dashboard, "http://localhost:3000"}})
	for _, raw := range seeds(t) {
		a.create(t, raw)
	}
	allowed := func(tb testing.TB, what string, res response, origin string) {
		tb.Helper()
		if res.header.Get("Access-Control-Allow-Origin") != origin || !varies(res.header, "Origin") {
			tb.Errorf("%s: %d, %s, Vary %v", what, res.status, corsHeaders(res.header), res.header.Values("Vary"))
		}
		for _, h := range []string{"ETag", "Link", "Retry-After"} {
			if !strings.Contains(res.header.Get("Access-Control-Expose-Headers"), h) {
				tb.Errorf("%s: %s is not exposed: %s", what, h, corsHeaders(res.header))
			}
		}
	}
	refused := func(tb testing.TB, what string, res response) {
		tb.Helper()
		if corsHeaders(res.header) != "" {
			tb.Errorf("%s: %d with %s", what, res.status, corsHeaders(res.header))
		}
	}

	report := "/api/v1/reports/casualties?group_by=region"
	res := a.do(t, "GET", report, "", nil, "Origin", dashboard)
	allowed(t, "a report", res, dashboard)
	tag := res.header.Get("ETag")
	allowed(t, "a 304", a.do(t, "GET", report, "", nil, "Origin", dashboard, "If-None-Match", tag), dashboard)
	allowed(t, "HEAD", a.do(t, "HEAD", "/api/v1/incidents", "", nil, "Origin", "http://localhost:3000"), "http://localhost:3000")
	allowed(t, "a list", a.do(t, "GET", "/api/v1/incidents?limit=1", a.reader, nil, "Origin", dashboard), dashboard)
	// A dashboard can read why it was refused.
	allowed(t, "a 400", a.do(t, "GET", "/api/v1/reports/casualties?group_by=colour", "", nil, "Origin", dashboard), dashboard)
	allowed(t, "a 404", a.do(t, "GET", "/api/v1/incidents/999", "", nil, "Origin", dashboard), dashboard)

	// Other origins, writes and paths outside the API get nothing. (A
	// write with a key is still done: a browser would have asked first and
	// been refused, and anything else could send it without an Origin.)
	res = a.do(t, "GET", report, "", nil, "Origin", "https://evil.example.org")
	refused(t, "another origin", res)
	if !varies(res.header, "Origin") {
		t.Errorf("another origin's answer does not vary by Origin: a cache could serve it to the dashboard")
	}
	refused(t, "an origin differing in case", a.do(t, "GET", report, "", nil, "Origin", "https://DASH.example.org"))
	refused(t, "a write", a.do(t, "POST", "/api/v1/incidents", a.editor, seeds(t)[0], "Origin", dashboard))
	refused(t, "a delete", a.do(t, "DELETE", "/api/v1/incidents/2", a.editor, nil, "Origin", dashboard))
	refused(t, "health", a.do(t, "GET", "/healthz", "", nil, "Origin", dashboard))

	for _, method := range []string{"GET", "HEAD"} {
		res = a.preflight(t, "/api/v1/reports/timeseries", dashboard, method)
		h := res.header
		if res.status != http.StatusNoContent || len(res.body) != 0 || h.Get("Access-Control-Allow-Origin") != dashboard ||
			h.Get("Access-Control-Allow-Methods") != "GET, HEAD" || h.Get("Access-Control-Max-Age") == "" ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "If-None-Match") ||
			!varies(h, "Origin") {
			t.Errorf("preflight of %s: %d %s, %s", method, res.status, res.body, corsHeaders(h))
		}
	}
	for what, res := range map[string]response{
		"a preflight of a write":           a.preflight(t, "/api/v1/incidents", dashboard, "POST"),
		"a preflight of a delete":          a.preflight(t, "/api/v1/incidents/1", dashboard, "DELETE"),
		"a preflight from another origin":  a.preflight(t, "/api/v1/incidents", "https://evil.example.org", "GET"),
		"a preflight from a null origin":   a.preflight(t, "/api/v1/incidents", "null", "GET"),
		"a preflight of a mis-cased GET":   a.preflight(t, "/api/v1/incidents", dashboard, "get"),
		"a preflight outside the API":      a.preflight(t, "/healthz", dashboard, "GET"),
		"OPTIONS that is not a preflight":  a.preflight(t, "/api/v1/incidents", dashboard, ""),
		"OPTIONS without an origin at all": a.preflight(t, "/api/v1/incidents", "", "GET"),
	} {
		refused(t, what, res)
		if res.status == http.StatusNoContent || res.status >= 500 {
			t.Errorf("%s: %d", what, res.status)
		}
		if res.status == http.StatusForbidden {
			var p handlers.Problem
			if err := json.Unmarshal(res.body, &p); err != nil || p.Status != 403 || p.Detail == "" ||
				!strings.HasPrefix(res.header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: not a problem: %s", what, res.body)
			}
		}
	}
}

func TestCORSOnAPrivateRateLimitedServer(t *testing.T) {
	a := newAPI(t, handlers.Config{Private: true, CORSOrigins: []string{dashboard},
		RateLimit: handlers.RateLimit{PerSecond: 0.01, Burst: 3, Loopback: true}})
	// A browser's preflight carries no key and costs no request of the
	// client's.
	for range 5 {
		if res := a.preflight(t, "/api/v1/incidents", dashboard, "GET"); res.status != http.StatusNoContent {
			t.Fatalf("preflight on a private server: %d %s", res.status, res.body)
		}
	}
	res := a.do(t, "GET", "/api/v1/incidents", "", nil, "Origin", dashboard)
	if res.status != http.StatusUnauthorized || res.header.Get("Access-Control-Allow-Origin") != dashboard {
		t.Errorf("no key: %d, %s", res.status, corsHeaders(res.header))
	}
	var last response
	for range 4 {
		last = a.do(t, "GET", "/api/v1/incidents", a.reader, nil, "Origin", dashboard)
	}
	if last.status != http.StatusTooManyRequests || last.header.Get("Retry-After") == "" ||
		last.header.Get("Access-Control-Allow-Origin") != dashboard || !strings.Contains(last.header.Get("Access-Control-Expose-Headers"), "Retry-After") {
		t.Errorf("over the limit: %d, Retry-After %q, %s", last.status, last.header.Get("Retry-After"), corsHeaders(last.header))
	}
}

func TestCheckCORSOrigin(t *testing.T) {
	for _, ok := range []string{"https://dash.example.org", "http://localhost:3000", "http://127.0.0.1:8081", "https://[::1]:8443"} {
		if err := handlers.CheckCORSOrigin(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "*", "null", "dash.example.org", "https://dash.example.org/", "https://dash.example.org/app",
		"https://Dash.example.org", "ftp://dash.example.org", "https://user@dash.example.org", "https://dash.example.org?x=1", "https://"} {
		if err := handlers.CheckCORSOrigin(bad); err == nil {
			t.Errorf("%q was taken for an origin", bad)
		}
	}
}
