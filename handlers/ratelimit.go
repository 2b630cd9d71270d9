package handlers

import (
	"crypto/sha256"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// RateLimit configures the per-client request limit. A client is its key
// when it sends one, else its address. Failed key checks have a limit of
// their own, by address, that is always on.
type RateLimit struct {
	PerSecond float64 // 0 turns the limit off
	Burst     int
	// FailedKeys and FailedKeyBurst limit failed key checks per address
	// (defaults: one a second, bursts of ten); they cannot be turned off.
	FailedKeys     float64
	FailedKeyBurst int
	// Loopback applies the limit to requests without a key from 127.0.0.1
	// and ::1 too; off by default, so local scripts are not throttled.
	// Keys are limited wherever they come from.
	Loopback bool
}

type limiters struct {
	rate  rate.Limit
	burst int
	mu    sync.Mutex
	m     map[string]*rate.Limiter
}

// maxClients bounds the table of limiters; past it the table starts over,
// which forgives everyone once rather than growing without end.
const maxClients = 100_000

func (l *limiters) get(client string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.m[client]
	if !ok {
		if len(l.m) >= maxClients {
			l.m = map[string]*rate.Limiter{}
		}
		lim = rate.NewLimiter(l.rate, l.burst)
		l.m[client] = lim
	}
	return lim
}

// tooMany answers 429 with Retry-After.
func tooMany(c *gin.Context, wait time.Duration, why string) {
	secs := strconv.Itoa(max(1, int(math.Ceil(wait.Seconds()))))
	c.Header("Retry-After", secs)
	writeProblem(c, Problem{Type: problemType + "rate_limited", Title: http.StatusText(http.StatusTooManyRequests),
		Status: http.StatusTooManyRequests, Detail: why + "; retry after " + secs + " s"})
}

// rateLimit answers 429 with Retry-After when a client goes over its rate.
// It runs after authentication: a key is one client wherever it calls
// from, loopback included, so that the limit an operator sets per key
// holds behind a proxy too; a request without a key is its address's,
// and loopback addresses are exempt unless cfg.Loopback.
func rateLimit(cfg RateLimit) gin.HandlerFunc {
	if cfg.PerSecond <= 0 {
		return func(c *gin.Context) { c.Next() }
	}
	if cfg.Burst < 1 {
		cfg.Burst = max(1, int(math.Ceil(cfg.PerSecond)))
	}
	l := &limiters{rate: rate.Limit(cfg.PerSecond), burst: cfg.Burst, m: map[string]*rate.Limiter{}}
	return func(c *gin.Context) {
		client := "ip:" + remoteHost(c.Request)
		if name, ok := c.Get(ctxKeyName); ok {
			client = "key:" + name.(string)
		} else if ip := net.ParseIP(remoteHost(c.Request)); ip != nil && ip.IsLoopback() && !cfg.Loopback {
			c.Next()
			return
		}
		r := l.get(client).Reserve()
		if d := r.Delay(); d > 0 {
			r.Cancel()
			tooMany(c, d, "too many requests from this client")
			return
		}
		c.Next()
	}
}

// Failed key checks are limited by address, loopback included, before the
// key is looked up: a guess costs a hash and a query, and no honest client
// sends ten bad keys in a row.
const (
	DefaultFailedKeys     = 1
	DefaultFailedKeyBurst = 10
)

// authFailures counts failed key checks by address. An address over its
// limit is refused before any lookup, except for keys that passed a check
// lately: behind a proxy every client shares one address, and a stranger
// sending bad keys must not lock out the keys that work.
type authFailures struct {
	l    *limiters
	mu   sync.Mutex
	good map[[32]byte]time.Time // keys that passed, by hash, and when
}

// goodFor is how long a key that passed is let past a blocked address; it
// is still checked against the database, so a revocation holds at once.
const goodFor = 10 * time.Minute

func newAuthFailures(cfg RateLimit) *authFailures {
	if cfg.FailedKeys <= 0 {
		cfg.FailedKeys = DefaultFailedKeys
	}
	if cfg.FailedKeyBurst <= 0 {
		cfg.FailedKeyBurst = DefaultFailedKeyBurst
	}
	return &authFailures{l: &limiters{rate: rate.Limit(cfg.FailedKeys), burst: cfg.FailedKeyBurst, m: map[string]*rate.Limiter{}},
		good: map[[32]byte]time.Time{}}
}

// blocked reports how long the address must wait before it may have key
// checked, or 0.
func (a *authFailures) blocked(addr, key string) time.Duration {
	lim := a.l.get(addr)
	if lim.Tokens() >= 1 {
		return 0
	}
	a.mu.Lock()
	at, ok := a.good[sha256.Sum256([]byte(key))]
	a.mu.Unlock()
	if ok && time.Since(at) < goodFor {
		return 0
	}
	r := lim.Reserve()
	defer r.Cancel()
	return max(r.Delay(), time.Second)
}

// failed records a failed key check from addr.
func (a *authFailures) failed(addr, key string) {
	a.l.get(addr).Allow()
	a.mu.Lock()
	delete(a.good, sha256.Sum256([]byte(key)))
	a.mu.Unlock()
}

// passed records a key that passed its check.
func (a *authFailures) passed(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.good) >= maxClients {
		a.good = map[[32]byte]time.Time{}
	}
	a.good[sha256.Sum256([]byte(key))] = time.Now()
}
