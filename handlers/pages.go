package handlers

import (
	"errors"
	"strings"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
)

// Pages is the web app. It is mounted on the API's own router so that a
// person in a browser meets the same rate limits, key checks and gates as
// a script: a second door with laxer rules would be the one attacked.
type Pages interface {
	Register(r *gin.Engine, s Shared)
}

// Shared is what the API lends the web app.
type Shared struct {
	// RateLimit limits requests per client, as on the API.
	RateLimit gin.HandlerFunc
	// CheckKey checks a key typed into a sign-in form the way a bearer key
	// is checked: failures count against the address, and an address past
	// its limit is refused before the lookup.
	CheckKey func(c *gin.Context, key string) (name string, role models.Role, err error)
	// Heavy admits an uncached report into the heavy-read gate or answers
	// the request itself (429 or 503 with Retry-After).
	Heavy func(c *gin.Context) (release func(), ok bool)
	// Import is the API's import, run on the request as it stands: the
	// web app points the request's body at the uploaded file and its
	// query at the form's choices, so a file from a browser meets the
	// same upload pace, gates, roles and limits as one from a script.
	Import gin.HandlerFunc
	// WriteError answers with the API's problem JSON, for the few answers
	// of the web app that are not pages (a gate's refusal, a download).
	WriteError func(c *gin.Context, err error)
}

// SignedIn marks a request as made with a key, so that limits and gates
// count it under the key and not its address.
func SignedIn(c *gin.Context, name string, role models.Role) {
	c.Set(ctxKeyName, name)
	c.Set(ctxKeyRole, role)
}

// ErrKeyChecksBlocked is CheckKey's answer to an address past its limit
// of failed key checks.
var ErrKeyChecksBlocked = errors.New("too many failed key checks from this address; wait a minute")

func sharedWithPages(db KeyStore, failures *authFailures, rl RateLimit, heavy *gate, ex *exchangeHandlers) Shared {
	return Shared{
		RateLimit: rateLimit(rl),
		CheckKey: func(c *gin.Context, key string) (string, models.Role, error) {
			key = strings.TrimSpace(key)
			addr := "ip:" + remoteHost(c.Request)
			if wait := failures.blocked(addr, key); wait > 0 {
				return "", "", ErrKeyChecksBlocked
			}
			name, role, err := db.Authenticate(c.Request.Context(), key)
			if err != nil {
				if models.ErrorCode(err) == models.Unauthorized {
					failures.failed(addr, key)
				}
				return "", "", err
			}
			failures.passed(key)
			return name, role, nil
		},
		Heavy:      heavy.enter,
		Import:     ex.importIncidents,
		WriteError: writeError,
	}
}

// StatusOf is the HTTP status the API answers an error code with, so
// that a page says what the API would.
func StatusOf(code models.Code) int { return statusOf[code] }
