package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
)

// The CORS answer for dashboards served from another origin: they read
// (GET and HEAD), send a key and poll with If-None-Match, and need to see
// the ETag, the next page and how long to wait when limited.
const (
	corsMethods = "GET, HEAD"
	corsHeaders = "Authorization, If-None-Match"
	corsExposed = "ETag, Link, Retry-After"
	// corsMaxAge lets a browser keep a preflight ten minutes: a dashboard
	// polling every few seconds then sends one preflight, not one a poll.
	corsMaxAge = "600"
)

// CheckCORSOrigin refuses what cannot be an origin a browser sends: an
// origin is a scheme, a host and maybe a port, without a path, and is
// matched exactly. "*" is refused too: reads may need a key, and a
// dashboard should be named.
func CheckCORSOrigin(origin string) error {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.ToLower(origin) != origin {
		return fmt.Errorf("%q is not an origin: give the scheme and host in lower case, and the port if not the default, without a path (https://dash.example.org)", origin)
	}
	return nil
}

// cors answers browsers on the origins given, for reads under BasePath
// only: writes carry a key an editor holds and stay same-origin. With no
// origins it changes nothing. It runs before authentication and rate
// limits, because a browser's preflight carries no key.
func cors(origins []string) gin.HandlerFunc {
	if len(origins) == 0 {
		return func(c *gin.Context) { c.Next() }
	}
	return func(c *gin.Context) {
		path := c.Request.URL.Path
		if path != BasePath && !strings.HasPrefix(path, BasePath+"/") {
			c.Next()
			return
		}
		h := c.Writer.Header()
		// The answer differs by origin whether or not this one is allowed,
		// so that no cache hands one origin's answer to another.
		h.Add("Vary", "Origin")
		origin := c.GetHeader("Origin")
		allowed := origin != "" && slices.Contains(origins, origin)
		method := c.Request.Method
		if method == http.MethodOptions && origin != "" && c.GetHeader("Access-Control-Request-Method") != "" {
			preflight(c, allowed, origin)
			return
		}
		if allowed && (method == http.MethodGet || method == http.MethodHead) {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Expose-Headers", corsExposed)
		}
		c.Next()
	}
}

// preflight answers a browser asking whether it may send a request: 204
// with what it may send, or a 403 problem saying why not, which the
// browser turns into a failed request and a person reading it with curl
// can understand.
func preflight(c *gin.Context, allowed bool, origin string) {
	h := c.Writer.Header()
	h.Add("Vary", "Access-Control-Request-Method")
	h.Add("Vary", "Access-Control-Request-Headers")
	asked := c.GetHeader("Access-Control-Request-Method")
	if !allowed {
		writeProblem(c, Problem{Type: problemType + string(models.Forbidden), Title: "Forbidden", Status: http.StatusForbidden,
			Detail: fmt.Sprintf("requests from %s are not allowed across origins; the server names the origins it answers (--cors-origin)", origin)})
		return
	}
	if asked != http.MethodGet && asked != http.MethodHead {
		writeProblem(c, Problem{Type: problemType + string(models.Forbidden), Title: "Forbidden", Status: http.StatusForbidden,
			Detail: fmt.Sprintf("%s is not allowed across origins; only GET and HEAD are", asked)})
		return
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Methods", corsMethods)
	h.Set("Access-Control-Allow-Headers", corsHeaders)
	h.Set("Access-Control-Max-Age", corsMaxAge)
	c.AbortWithStatus(http.StatusNoContent)
}
