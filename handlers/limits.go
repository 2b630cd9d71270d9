package handlers

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Limits bound what downloads and uploads may hold, so that no client,
// with or without a key, can stall the service by reading slowly or not
// at all. Zero values take the defaults below.
type Limits struct {
	// Exports is how many exports may stream at once in all, and
	// ExportsPerClient how many for one client (its key, or its address
	// without one). Past them an export is refused at once: 503 or 429,
	// with Retry-After.
	Exports, ExportsPerClient int
	// ExportIdle cuts an export whose client has taken nothing for that
	// long, and ExportMax one that has streamed for that long: an export
	// holds a read transaction (a snapshot) while it streams, and the
	// SQLite WAL cannot shrink past the oldest snapshot.
	ExportIdle, ExportMax time.Duration
	// Imports is how many imports may run at once, and Uploads how many
	// import bodies may be on their way in (UploadsPerClient for one
	// client), each at least 64 KiB every 30 seconds.
	Imports, Uploads, UploadsPerClient int
	// HeavyReads is how many reads that may take seconds (reports not
	// answered from the maintained totals or the cache, time series,
	// histories, old versions) run at once, HeavyReadsPerClient for one
	// client; others wait up to ten seconds for a place. Page reads, key
	// checks and /readyz never wait behind them.
	HeavyReads, HeavyReadsPerClient int
	// AnswerBytes bounds the bytes of large answers (list and history
	// pages, reports) held at once until their clients read them, and
	// AnswerBytesPerClient those of one client.
	AnswerBytes, AnswerBytesPerClient int64
	// SpoolDir is where import bodies are written before the import
	// starts; empty is the system's temporary directory.
	SpoolDir string
}

// The defaults of Limits.
const (
	DefaultExports          = 6
	DefaultExportsPerClient = 2
	DefaultExportIdle       = 30 * time.Second
	DefaultExportMax        = 15 * time.Minute
	DefaultImports          = 2
	DefaultUploads          = 8
	DefaultUploadsPerClient = 2
	DefaultHeavyReads       = 3
	DefaultHeavyPerClient   = 2
	heavyWait               = 10 * time.Second
)

func (l Limits) withDefaults() Limits {
	if l.Exports <= 0 {
		l.Exports = DefaultExports
	}
	if l.ExportsPerClient <= 0 {
		l.ExportsPerClient = DefaultExportsPerClient
	}
	if l.ExportIdle <= 0 {
		l.ExportIdle = DefaultExportIdle
	}
	if l.ExportMax <= 0 {
		l.ExportMax = DefaultExportMax
	}
	if l.Imports <= 0 {
		l.Imports = DefaultImports
	}
	if l.Uploads <= 0 {
		l.Uploads = DefaultUploads
	}
	if l.UploadsPerClient <= 0 {
		l.UploadsPerClient = DefaultUploadsPerClient
	}
	if l.AnswerBytes <= 0 {
		l.AnswerBytes = answerBudgetTotal
	}
	if l.AnswerBytesPerClient <= 0 {
		l.AnswerBytesPerClient = answerBudgetPerClient
	}
	if l.HeavyReads <= 0 {
		l.HeavyReads = DefaultHeavyReads
	}
	if l.HeavyReadsPerClient <= 0 {
		l.HeavyReadsPerClient = DefaultHeavyPerClient
	}
	return l
}

// LongReaders is how many database connections the long reads these
// limits admit can hold at once: a whole-table export reads on two, a dry
// run on one. The store's long-read pool is sized from it.
func (l Limits) LongReaders() int {
	l = l.withDefaults()
	return 2*l.Exports + l.Imports
}

// gate admits at most total requests at once, and at most perClient of
// one client. A request past either waits up to wait for a place (with no
// more than four times total others waiting), then is refused: 429 when
// its own client holds its share, 503 when the server is full.
type gate struct {
	what      string
	total     int
	perClient int
	wait      time.Duration
	mu        sync.Mutex
	running   int
	waiting   int
	byClient  map[string]int
	changed   chan struct{} // closed and replaced at every release
}

func newGate(what string, total, perClient int, wait time.Duration) *gate {
	return &gate{what: what, total: total, perClient: perClient, wait: wait, byClient: map[string]int{}, changed: make(chan struct{})}
}

// retryAfterSeconds is what a refused request is told to wait.
const retryAfterSeconds = 10

// enter admits the request or answers it itself; release must be called
// once the request is done with its place.
func (g *gate) enter(c *gin.Context) (release func(), ok bool) {
	client := clientOf(c)
	var timeout <-chan time.Time
	if g.wait > 0 {
		t := time.NewTimer(g.wait)
		defer t.Stop()
		timeout = t.C
	}
	for {
		g.mu.Lock()
		mine := g.byClient[client] >= g.perClient
		if !mine && g.running < g.total {
			g.running++
			g.byClient[client]++
			g.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { g.leave(client) }) }, true
		}
		if g.wait <= 0 || g.waiting >= 4*g.total {
			g.mu.Unlock()
			g.refuse(c, mine)
			return nil, false
		}
		g.waiting++
		changed := g.changed
		g.mu.Unlock()
		var gaveUp bool
		select {
		case <-changed:
		case <-timeout:
			gaveUp = true
		case <-c.Request.Context().Done():
			gaveUp = true
		}
		g.mu.Lock()
		g.waiting--
		g.mu.Unlock()
		if gaveUp {
			g.refuse(c, mine)
			return nil, false
		}
	}
}

func (g *gate) leave(client string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
	if g.byClient[client]--; g.byClient[client] <= 0 {
		delete(g.byClient, client)
	}
	close(g.changed)
	g.changed = make(chan struct{})
}

func (g *gate) refuse(c *gin.Context, mine bool) {
	c.Header("Retry-After", strconv.Itoa(retryAfterSeconds))
	if mine {
		writeProblem(c, Problem{Type: problemType + "rate_limited", Title: http.StatusText(http.StatusTooManyRequests),
			Status: http.StatusTooManyRequests,
			Detail: "this client has " + strconv.Itoa(g.perClient) + " " + g.what + " running, the most one client may; retry when one has finished"})
		return
	}
	writeProblem(c, Problem{Type: problemType + "unavailable", Title: http.StatusText(http.StatusServiceUnavailable),
		Status: http.StatusServiceUnavailable,
		Detail: "the server is running " + strconv.Itoa(g.total) + " " + g.what + ", as many as it takes at once; retry in a few seconds"})
}

// clientOf names the client of a request for limits: its key when it sent
// a valid one, else its address.
func clientOf(c *gin.Context) string {
	if name, ok := c.Get(ctxKeyName); ok {
		return "key:" + name.(string)
	}
	return "ip:" + remoteHost(c.Request)
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
