package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
)

// KeyStore is what authentication needs from the database.
type KeyStore interface {
	Authenticate(ctx context.Context, key string) (name string, role models.Role, err error)
}

const (
	ctxKeyName = "incidentdb.key_name"
	ctxKeyRole = "incidentdb.key_role"
)

// authenticate reads a bearer key when one is sent. A request without one
// goes on as anonymous (reads are open unless the server is private); a
// request with a bad or revoked one is refused, since its sender believes
// it is acting as someone.
//
// Failed checks are counted by address (see authFailures), and an address
// past its limit gets 429 before its key is looked up.
func authenticate(keys KeyStore, failures *authFailures) gin.HandlerFunc {
	return func(c *gin.Context) {
		if n := len(c.Request.Header.Values("Authorization")); n > 1 {
			// Which key would act is not the sender's to guess.
			writeError(c, malformed("Authorization", "is given %d times; send one key", n))
			return
		}
		h := c.GetHeader("Authorization")
		if h == "" {
			c.Next()
			return
		}
		addr := "ip:" + remoteHost(c.Request)
		if wait := failures.blocked(addr, h); wait > 0 {
			tooMany(c, wait, "too many failed key checks from this address")
			return
		}
		scheme, key, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
			failures.failed(addr, h)
			writeError(c, models.FieldErrorf(models.Unauthorized, "the Authorization header must be 'Bearer <key>'", "Authorization", "must be 'Bearer <key>'"))
			return
		}
		name, role, err := keys.Authenticate(c.Request.Context(), strings.TrimSpace(key))
		if err != nil {
			var me *models.Error
			if errors.As(err, &me) && me.Code == models.Unauthorized {
				failures.failed(addr, h)
				me.Fields = []models.FieldError{{Field: "Authorization", Message: "the key is not valid or has been revoked"}}
			}
			writeError(c, err)
			return
		}
		failures.passed(h)
		c.Set(ctxKeyName, name)
		c.Set(ctxKeyRole, role)
		c.Next()
	}
}

// require lets the request through only with a key of at least role need.
func require(need models.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		v, ok := c.Get(ctxKeyRole)
		if !ok {
			writeError(c, models.FieldErrorf(models.Unauthorized, fmt.Sprintf("this needs an API key with the %s role: send 'Authorization: Bearer <key>'", need), "Authorization", "a key is required"))
			return
		}
		if role := v.(models.Role); !role.Allows(need) {
			writeError(c, models.FieldErrorf(models.Forbidden, fmt.Sprintf("this needs the %s role; the key has the %s role", need, role), "Authorization", "the key's role is %s; %s is needed", role, need))
			return
		}
		c.Next()
	}
}

// actor is the name recorded in revisions for the request's key.
func actor(c *gin.Context) string {
	if v, ok := c.Get(ctxKeyName); ok {
		return v.(string)
	}
	return "anonymous"
}

// roleOf is the role of the request's key; a request without one has none.
func roleOf(c *gin.Context) models.Role {
	if v, ok := c.Get(ctxKeyRole); ok {
		return v.(models.Role)
	}
	return ""
}
