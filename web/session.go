package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"incidentdb/handlers"
	"incidentdb/models"
)

// A sign-in exchanges a key for a session cookie. The key stays on the
// server, in memory, and is checked again on every request, so that a
// revoked key ends its sessions at once.

const (
	sessionCookie = "incidentdb_session"
	csrfCookie    = "incidentdb_csrf"
	ctxUser       = "web.user"
	ctxLang       = "web.lang"
	ctxCSRF       = "web.csrf"
	ctxApp        = "web.app"
)

// maxSessions bounds the table: only a valid key makes a session, but a
// script with one could sign in forever.
const maxSessions = 10000

type user struct {
	Name string
	Role models.Role
}

// CanEdit and CanRestore say what the templates may offer.
func (u *user) CanEdit() bool    { return u != nil && u.Role.Allows(models.RoleEditor) }
func (u *user) CanRestore() bool { return u != nil && u.Role.Allows(models.RoleAdmin) }

type session struct {
	key     string
	expires time.Time
}

type sessions struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[string]*session
}

func newSessions(ttl time.Duration) *sessions {
	return &sessions{ttl: ttl, m: map[string]*session{}}
}

func (s *sessions) start(key string) string {
	id := randomToken()
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.m) >= maxSessions {
		for k, v := range s.m {
			if now.After(v.expires) {
				delete(s.m, k)
			}
		}
		if len(s.m) >= maxSessions {
			// The session nearest its end goes: a full table must not sign
			// everyone out, nor grow.
			oldest, at := "", time.Time{}
			for k, v := range s.m {
				if oldest == "" || v.expires.Before(at) {
					oldest, at = k, v.expires
				}
			}
			delete(s.m, oldest)
		}
	}
	s.m[id] = &session{key: key, expires: now.Add(s.ttl)}
	return id
}

// key gives the session's key and extends the session, or "" when there
// is none or it expired.
func (s *sessions) key(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	se, ok := s.m[id]
	if !ok {
		return ""
	}
	now := time.Now()
	if now.After(se.expires) {
		delete(s.m, id)
		return ""
	}
	se.expires = now.Add(s.ttl)
	return se.key
}

func (s *sessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, id)
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: c.Request.TLS != nil, SameSite: http.SameSiteStrictMode})
}

// session reads the language, the CSRF token and the signed-in key.
func (a *App) session(c *gin.Context) {
	c.Set(ctxLang, chooseLang(c.Request))
	token := ""
	if ck, err := c.Request.Cookie(csrfCookie); err == nil && len(ck.Value) == 64 {
		token = ck.Value
	} else {
		token = randomToken()
		setCookie(c, csrfCookie, token, 0)
	}
	c.Set(ctxCSRF, token)
	if ck, err := c.Request.Cookie(sessionCookie); err == nil {
		if key := a.sessions.key(ck.Value); key != "" {
			name, role, err := a.db.Authenticate(c.Request.Context(), key)
			switch {
			case err == nil:
				c.Set(ctxUser, &user{Name: name, Role: role})
				handlers.SignedIn(c, name, role)
			case models.ErrorCode(err) == models.Unauthorized:
				a.sessions.end(ck.Value)
				setCookie(c, sessionCookie, "", -1)
			default:
				a.fail(c, err)
				return
			}
		}
	}
	c.Next()
}

func userOf(c *gin.Context) *user {
	if v, ok := c.Get(ctxUser); ok {
		return v.(*user)
	}
	return nil
}

func langOf(c *gin.Context) *lang {
	if v, ok := c.Get(ctxLang); ok {
		return v.(*lang)
	}
	return langs["en"]
}

func csrfToken(c *gin.Context) string { return c.GetString(ctxCSRF) }

// checkCSRF refuses a form that does not carry the token of the
// browser's own cookie, or that another site posted: SameSite=Strict
// cookies already keep most of those out, the token keeps the rest.
func (a *App) checkCSRF(c *gin.Context) {
	if !sameOrigin(c) {
		a.refuseCSRF(c)
		return
	}
	// A form is one incident at most: the API's bound for one holds here.
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, handlers.DefaultMaxBody)
	err := c.Request.ParseForm()
	if err == nil {
		if err = c.Request.ParseMultipartForm(handlers.DefaultMaxBody); errors.Is(err, http.ErrNotMultipart) {
			err = nil
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		a.fail(c, models.FieldErrorf(models.TooLarge, langOf(c).T("error.formtoolarge", handlers.DefaultMaxBody), "body", "at most %d bytes", handlers.DefaultMaxBody))
		return
	case err != nil:
		a.fail(c, models.Malformedf("body", "the form cannot be read: %v", err))
		return
	}
	for name, vs := range c.Request.PostForm {
		for _, v := range vs {
			if !utf8.ValidString(v) || !utf8.ValidString(name) {
				a.fail(c, models.Malformedf(clipName(name, 40), "is not valid UTF-8"))
				return
			}
		}
	}
	got := c.Request.PostFormValue("csrf")
	if ck, err := c.Request.Cookie(csrfCookie); err != nil || len(got) != 64 ||
		subtle.ConstantTimeCompare([]byte(got), []byte(ck.Value)) != 1 {
		a.refuseCSRF(c)
		return
	}
	c.Next()
}

// sameOrigin refuses a form another site posted; a browser that sends no
// Origin is left to the token.
func sameOrigin(c *gin.Context) bool {
	origin := c.GetHeader("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == c.Request.Host
}

func (a *App) refuseCSRF(c *gin.Context) {
	a.fail(c, models.Errorf(models.Forbidden, langOf(c).T("error.csrf")))
}

// require sends a visitor without the role to the sign-in, and refuses a
// signed-in key whose role is too low.
func (a *App) require(need models.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := userOf(c)
		if u == nil {
			if c.Request.Method == http.MethodPost {
				a.fail(c, models.Errorf(models.Unauthorized, langOf(c).T("error.signin")))
				return
			}
			c.Redirect(http.StatusSeeOther, "/signin?next="+urlQueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return
		}
		if !u.Role.Allows(need) {
			a.fail(c, models.Errorf(models.Forbidden, langOf(c).T("error.role", string(need), string(u.Role))))
			return
		}
		c.Next()
	}
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

func (a *App) signinForm(c *gin.Context) {
	a.render(c, http.StatusOK, "signin", a.view(c, "signin", langOf(c).T("signin.title"), signinData{Next: localPath(c.Query("next"))}))
}

type signinData struct {
	Next  string
	Error string
}

func (a *App) signin(c *gin.Context) {
	next := localPath(c.PostForm("next"))
	l := langOf(c)
	name, role, err := a.shared.CheckKey(c, c.PostForm("key"))
	if err != nil {
		status, msg := http.StatusUnauthorized, l.T("signin.bad")
		switch {
		case errors.Is(err, handlers.ErrKeyChecksBlocked):
			status, msg = http.StatusTooManyRequests, l.T("signin.blocked")
			c.Header("Retry-After", "60")
		case models.ErrorCode(err) != models.Unauthorized:
			a.fail(c, err)
			return
		}
		a.render(c, status, "signin", a.view(c, "signin", l.T("signin.title"), signinData{Next: next, Error: msg}))
		return
	}
	if ck, err := c.Request.Cookie(sessionCookie); err == nil {
		a.sessions.end(ck.Value)
	}
	setCookie(c, sessionCookie, a.sessions.start(strings.TrimSpace(c.PostForm("key"))), 0)
	// A new token with the new session: one a page showed before the
	// sign-in must not carry over.
	setCookie(c, csrfCookie, randomToken(), 0)
	c.Set(ctxUser, &user{Name: name, Role: role})
	c.Redirect(http.StatusSeeOther, next)
}

func (a *App) signout(c *gin.Context) {
	if ck, err := c.Request.Cookie(sessionCookie); err == nil {
		a.sessions.end(ck.Value)
	}
	setCookie(c, sessionCookie, "", -1)
	c.Redirect(http.StatusSeeOther, "/")
}
