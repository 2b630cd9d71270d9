package handlers_test

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"incidentdb/handlers"
)

// designPaths are the endpoints of DESIGN.md's HTTP API section, kept here
// too so that the test still holds where the shared folder is not beside
// the repository.
var designPaths = []string{
	"POST /api/v1/incidents",
	"GET /api/v1/incidents/{id}",
	"PUT /api/v1/incidents/{id}",
	"PATCH /api/v1/incidents/{id}",
	"DELETE /api/v1/incidents/{id}",
	"GET /api/v1/incidents",
	"GET /api/v1/incidents.csv",
	"GET /api/v1/incidents.ndjson",
	"GET /api/v1/incidents.geojson",
	"GET /api/v1/casualties.csv",
	"POST /api/v1/incidents/import",
	"GET /api/v1/incidents/{id}/history",
	"GET /api/v1/reports/casualties",
	"GET /api/v1/reports/casualties.csv",
	"GET /api/v1/reports/timeseries",
	"GET /api/v1/regions",
	"GET /api/v1/forces",
	"GET /api/v1/countries",
	"GET /api/v1/openapi.json",
	"GET /healthz",
	"GET /readyz",
	"GET /metrics",
	"GET /docs",
}

func TestOpenAPIDocument(t *testing.T) {
	a := newAPI(t, handlers.Config{})

	res := a.do(t, "GET", "/api/v1/openapi.json", "", nil)
	if res.status != http.StatusOK || !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
		t.Fatalf("openapi.json: %d %s", res.status, res.header.Get("Content-Type"))
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(res.body)
	if err != nil {
		t.Fatalf("the served document does not load: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("the served document is not valid OpenAPI: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}

	// The YAML and the JSON converted from it must say the same thing.
	yres := a.do(t, "GET", "/api/v1/openapi.yaml", "", nil)
	ydoc, err := openapi3.NewLoader().LoadFromData(yres.body)
	if err != nil {
		t.Fatalf("openapi.yaml: %d %v", yres.status, err)
	}
	fromJSON, _ := json.Marshal(doc)
	fromYAML, _ := json.Marshal(ydoc)
	if string(fromJSON) != string(fromYAML) {
		t.Error("openapi.json and openapi.yaml differ")
	}

	documented := func(method, path string) bool {
		item := doc.Paths.Value(path)
		return item != nil && item.GetOperation(method) != nil
	}

	t.Run("every route is documented and every documented operation routed", func(t *testing.T) {
		engine, ok := handlers.New(a.db, handlers.Config{}).(*gin.Engine)
		if !ok {
			t.Fatal("handlers.New no longer returns a *gin.Engine")
		}
		routed := map[string]bool{}
		for _, r := range engine.Routes() {
			path := ginToOpenAPI(r.Path)
			routed[r.Method+" "+path] = true
			if prefix, _, ok := strings.Cut(r.Path, "*"); ok {
				// A catch-all also answers its bare prefix.
				routed[r.Method+" "+prefix] = true
			}
			if !documented(r.Method, path) {
				t.Errorf("%s %s (%s) is routed but not in openapi.yaml", r.Method, path, r.Path)
			}
		}
		for path, item := range doc.Paths.Map() {
			for method := range item.Operations() {
				if !routed[method+" "+path] {
					t.Errorf("%s %s is in openapi.yaml but not routed", method, path)
				}
			}
		}
	})

	t.Run("every endpoint of DESIGN.md is documented", func(t *testing.T) {
		want := slices.Clone(designPaths)
		if design, err := os.ReadFile("../../shared/DESIGN.md"); err == nil {
			want = append(want, designEndpoints(t, string(design))...)
		} else {
			t.Logf("DESIGN.md not read (%v); checking the copied list only", err)
		}
		for _, ep := range want {
			method, path, _ := strings.Cut(ep, " ")
			if !documented(method, path) && !documented(method, handlers.BasePath+path) {
				t.Errorf("%s of DESIGN.md is not in openapi.yaml", ep)
			}
			if method == http.MethodGet && strings.HasPrefix(path, handlers.BasePath+"/") &&
				path != handlers.BasePath+"/openapi.json" && !documented(http.MethodHead, path) {
				t.Errorf("HEAD %s is not in openapi.yaml, though HEAD works wherever GET does", path)
			}
		}
	})

	t.Run("the docs page is served from the binary", func(t *testing.T) {
		page := a.do(t, "GET", handlers.DocsPath, "", nil)
		if page.status != http.StatusOK || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
			t.Fatalf("/docs: %d %s", page.status, page.header.Get("Content-Type"))
		}
		if !strings.Contains(string(page.body), handlers.BasePath+"/openapi.json") {
			t.Error("the page does not load /api/v1/openapi.json")
		}
		refs := regexp.MustCompile(`(?i)\b(?:src|href)\s*=\s*["']([^"']*)["']`).FindAllStringSubmatch(string(page.body), -1)
		if len(refs) < 3 {
			t.Fatalf("the page references %d assets: %s", len(refs), page.body)
		}
		for _, m := range refs {
			ref := m[1]
			if strings.Contains(ref, "://") || strings.HasPrefix(ref, "//") {
				t.Errorf("the page loads %q from elsewhere", ref)
				continue
			}
			if !strings.HasPrefix(ref, handlers.DocsPath+"/") {
				t.Errorf("the page references %q outside %s/", ref, handlers.DocsPath)
				continue
			}
			if res := a.do(t, "GET", ref, "", nil); res.status != http.StatusOK || len(res.body) == 0 {
				t.Errorf("%s: %d, %d bytes", ref, res.status, len(res.body))
			}
		}
		if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("Content-Security-Policy %q lets the page load from elsewhere", csp)
		}
		if res := a.do(t, "HEAD", handlers.DocsPath+"/", "", nil); res.status != http.StatusOK {
			t.Errorf("HEAD /docs/: %d", res.status)
		}
		if res := a.do(t, "GET", handlers.DocsPath+"/no-such-file.js", "", nil); res.status != http.StatusNotFound {
			t.Errorf("a missing asset: %d %s", res.status, res.body)
		}
	})

	t.Run("parameters are checked", func(t *testing.T) {
		if res := a.do(t, "GET", "/api/v1/openapi.json?format=xml", "", nil); res.status != http.StatusBadRequest {
			t.Errorf("unknown parameter: %d", res.status)
		}
		if res := a.do(t, "HEAD", "/api/v1/openapi.json", "", nil); res.status != http.StatusOK {
			t.Errorf("HEAD: %d", res.status)
		}
	})
}

// ginToOpenAPI turns Gin's :id and *file into OpenAPI's {id} and {file}.
func ginToOpenAPI(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// designEndpoints reads the endpoints out of DESIGN.md's HTTP API section:
// every `METHOD /path` in backticks, and in the table the shorthands that
// follow one (`.ndjson` for another extension of the same path, `/forces`
// for another path with the same method).
func designEndpoints(t *testing.T, design string) []string {
	t.Helper()
	_, section, ok := strings.Cut(design, "## HTTP API")
	if !ok {
		t.Error("DESIGN.md has no HTTP API section")
		return nil
	}
	section, _, _ = strings.Cut(section, "\n## ")
	code := regexp.MustCompile("`([^`]+)`")
	endpoint := regexp.MustCompile(`^(GET|HEAD|POST|PUT|PATCH|DELETE) (/[^?\s]*)`)
	var out []string
	for _, line := range strings.Split(section, "\n") {
		table := strings.HasPrefix(line, "| `")
		if table {
			line, _, _ = strings.Cut(strings.TrimPrefix(line, "|"), "|")
		}
		method, last := "", ""
		for _, m := range code.FindAllStringSubmatch(line, -1) {
			span := m[1]
			if e := endpoint.FindStringSubmatch(span); e != nil {
				method, last = e[1], e[2]
				out = append(out, method+" "+last)
				continue
			}
			if !table || method == "" {
				continue
			}
			switch {
			case strings.HasPrefix(span, "."):
				base := last
				if i := strings.LastIndex(base, "."); i > strings.LastIndex(base, "/") {
					base = base[:i]
				}
				out = append(out, method+" "+base+span)
			case strings.HasPrefix(span, "/"):
				last = span
				out = append(out, method+" "+span)
			}
		}
	}
	if len(out) < len(designPaths)-4 {
		t.Errorf("read only %d endpoints out of DESIGN.md: %v", len(out), out)
	}
	return out
}
