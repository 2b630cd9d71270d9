package handlers

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5/static"
	"github.com/swaggest/swgui/v5emb"

	"incidentdb/models"
)

// openapiYAML is the API contract. The handler tests validate every request
// and response they make against it, so it cannot drift from the code.
//
//go:embed openapi.yaml
var openapiYAML []byte

// DocsPath is where the documentation page lives.
const DocsPath = "/docs"

// openapiJSON is converted once: the document is fixed at build time, and
// converting on every request would cost a YAML parse per dashboard load.
var openapiJSON = sync.OnceValues(func() ([]byte, error) {
	doc, err := yaml.YAMLToJSON(openapiYAML)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = json.Compact(&b, doc)
	return b.Bytes(), err
})

// docsCSP keeps the page to what the binary serves: missions on closed
// networks must not depend on a CDN, and a browser then reports any asset
// that would have been fetched from elsewhere.
const docsCSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// registerDocs serves the OpenAPI document and the documentation page.
func registerDocs(r *gin.Engine) {
	doc, err := openapiJSON()
	if err != nil {
		// The file is embedded and checked by the tests; failing here means
		// the build itself is broken.
		panic(fmt.Sprintf("openapi.yaml: %v", err))
	}
	serveDoc := func(contentType string, body []byte) gin.HandlerFunc {
		return func(c *gin.Context) {
			if err := onlyParams(c); err != nil {
				writeError(c, err)
				return
			}
			c.Data(http.StatusOK, contentType, body)
		}
	}
	for path, h := range map[string]gin.HandlerFunc{
		BasePath + "/openapi.json": serveDoc("application/json; charset=utf-8", doc),
		BasePath + "/openapi.yaml": serveDoc("application/yaml; charset=utf-8", openapiYAML),
	} {
		r.GET(path, h)
		r.HEAD(path, h)
	}

	ui := v5emb.NewHandlerWithConfig(swgui.Config{
		Title:       "incidentdb API",
		SwaggerJSON: BasePath + "/openapi.json",
		BasePath:    DocsPath + "/",
		SettingsUI: map[string]string{
			// Schemas are half of what an analyst needs to read here.
			"defaultModelsExpandDepth": "1",
		},
	})
	page := func(c *gin.Context) {
		if err := onlyParams(c); err != nil {
			writeError(c, err)
			return
		}
		c.Header("Content-Security-Policy", docsCSP)
		ui.ServeHTTP(c.Writer, c.Request)
	}
	asset := func(c *gin.Context) {
		name := strings.TrimPrefix(c.Param("file"), "/")
		if name == "" {
			// The UI answers /docs/ with the page, as it does /docs.
			page(c)
			return
		}
		if err := onlyParams(c); err != nil {
			writeError(c, err)
			return
		}
		if !embedded(name) {
			writeProblem(c, Problem{Type: problemType + string(models.NotFound), Title: "Not Found", Status: http.StatusNotFound,
				Detail: fmt.Sprintf("no such file of the documentation page: %s", name)})
			return
		}
		c.Header("Content-Security-Policy", docsCSP)
		ui.ServeHTTP(c.Writer, c.Request)
	}
	r.GET(DocsPath, page)
	r.HEAD(DocsPath, page)
	r.GET(DocsPath+"/*file", asset)
	r.HEAD(DocsPath+"/*file", asset)
}

// embedded reports whether the page has an asset of that name, stored as
// is or gzipped. The asset server would otherwise answer a plain-text 404,
// where every other error of the service is problem JSON.
func embedded(name string) bool {
	if strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
		return false
	}
	for _, n := range []string{name, name + ".gz"} {
		if st, err := fs.Stat(static.FS, n); err == nil && !st.IsDir() {
			return true
		}
	}
	return false
}
