package handlers

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"
)

// RateLimit configures the per-client request limit. A client is its key
// when it sends one, else its address.
type RateLimit struct {
	PerSecond float64 // 0 turns the limit off
	Burst     int
	// Loopback applies the limit to 127.0.0.1 and ::1 too; off by default,
	// so local scripts and benchmarks are not throttled.
	Loopback bool
}

type limiters struct {
	cfg RateLimit
	mu  sync.Mutex
	m   map[string]*rate.Limiter
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
		lim = rate.NewLimiter(rate.Limit(l.cfg.PerSecond), l.cfg.Burst)
		l.m[client] = lim
	}
	return lim
}

// rateLimit answers 429 with Retry-After when a client goes over its rate.
// It runs after authentication, so a key is limited as one client from
// wherever it calls.
func rateLimit(cfg RateLimit) gin.HandlerFunc {
	if cfg.PerSecond <= 0 {
		return func(c *gin.Context) { c.Next() }
	}
	if cfg.Burst < 1 {
		cfg.Burst = max(1, int(math.Ceil(cfg.PerSecond)))
	}
	l := &limiters{cfg: cfg, m: map[string]*rate.Limiter{}}
	return func(c *gin.Context) {
		host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
		if err != nil {
			host = c.Request.RemoteAddr
		}
		if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() && !cfg.Loopback {
			c.Next()
			return
		}
		client := "ip:" + host
		if name, ok := c.Get(ctxKeyName); ok {
			client = "key:" + name.(string)
		}
		r := l.get(client).Reserve()
		if d := r.Delay(); d > 0 {
			r.Cancel()
			secs := strconv.Itoa(int(math.Ceil(d.Seconds())))
			c.Header("Retry-After", secs)
			writeProblem(c, Problem{Type: problemType + "rate_limited", Title: http.StatusText(http.StatusTooManyRequests),
				Status: http.StatusTooManyRequests,
				Detail: "too many requests from this client; retry after " + secs + " s"})
			return
		}
		c.Next()
	}
}
