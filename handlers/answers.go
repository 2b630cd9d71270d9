package handlers

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"incidentdb/models"
)

// An answer is built whole in memory and held until the client has read
// it, so many clients that ask for large pages and never read them would
// hold gigabytes between them. answerBudget bounds the bytes of large
// answers held at once, in all and per client: a request reserves room
// before it builds its answer, waits a while for room when there is none,
// and is refused with 503 (the server is full) or 429 (this client holds
// its share) after that.
type answerBudget struct {
	mu        sync.Mutex
	total     int64
	byClient  map[string]int64
	freed     chan struct{} // closed and replaced whenever room is given back
	max       int64
	perClient int64
	wait      time.Duration
}

// The bounds of answerBudget: a page of a list or a history is at most
// models.MaxPageBytes, and its JSON about as much again.
const (
	answerBudgetTotal     = 256 << 20
	answerBudgetPerClient = 64 << 20
	answerWait            = 10 * time.Second
	// smallAnswer is what an answer may weigh without a reservation.
	smallAnswer = 64 << 10
	// pageReservation is the most a list or history page reserves before
	// it is built, and perItemReservation what it reserves for each item
	// it may hold: a page of fifty holds less than a megabyte, a page of a
	// thousand the most.
	pageReservation    = 2 * models.MaxPageBytes
	perItemReservation = 16 << 10
)

// pageRoom is what a page of limit items reserves before it is built.
func pageRoom(limit int) int64 {
	return min(pageReservation, int64(limit)*perItemReservation+smallAnswer)
}

func newAnswerBudget(total, perClient int64) *answerBudget {
	return &answerBudget{byClient: map[string]int64{}, freed: make(chan struct{}),
		max: total, perClient: perClient, wait: answerWait}
}

// reservation is room held in the budget for one answer.
type reservation struct {
	b      *answerBudget
	client string
	n      int64
}

// reserve holds n bytes for the request's answer, or answers the request
// itself and returns nil.
func (b *answerBudget) reserve(c *gin.Context, n int64) *reservation {
	client := clientOf(c)
	deadline := time.NewTimer(b.wait)
	defer deadline.Stop()
	for {
		b.mu.Lock()
		if b.total+n <= b.max && b.byClient[client]+n <= b.perClient {
			b.total += n
			b.byClient[client] += n
			b.mu.Unlock()
			return &reservation{b: b, client: client, n: n}
		}
		mine := b.byClient[client]+n > b.perClient
		freed := b.freed
		b.mu.Unlock()
		select {
		case <-freed:
			continue
		case <-deadline.C:
		case <-c.Request.Context().Done():
		}
		c.Header("Retry-After", strconv.Itoa(retryAfterSeconds))
		if mine {
			writeProblem(c, Problem{Type: problemType + "rate_limited", Title: http.StatusText(http.StatusTooManyRequests),
				Status: http.StatusTooManyRequests,
				Detail: "this client holds as many large answers as one client may; read them, then retry"})
		} else {
			writeProblem(c, Problem{Type: problemType + "unavailable", Title: http.StatusText(http.StatusServiceUnavailable),
				Status: http.StatusServiceUnavailable,
				Detail: "the server holds as many large answers as it takes at once; retry in a few seconds"})
		}
		return nil
	}
}

// fit makes the reservation n bytes once the answer's size is known:
// it gives back what it holds over, or waits for what it lacks, and
// reports false (having answered the request) when that does not come.
func (r *reservation) fit(c *gin.Context, n int64) bool {
	if n <= r.n {
		r.b.give(r.client, r.n-n)
		r.n = n
		return true
	}
	more := r.b.reserve(c, n-r.n)
	if more == nil {
		return false
	}
	r.n += more.n
	return true
}

// release gives the room back; the answer has been written.
func (r *reservation) release() {
	r.b.give(r.client, r.n)
	r.n = 0
}

func (b *answerBudget) give(client string, n int64) {
	if n <= 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.total -= n
	if b.byClient[client] -= n; b.byClient[client] <= 0 {
		delete(b.byClient, client)
	}
	close(b.freed)
	b.freed = make(chan struct{})
}

// sendJSON answers with v as JSON, holding the reservation r (nil for an
// answer known to be small) until it is written.
func sendJSON(c *gin.Context, status int, v any, r *reservation) {
	body, err := json.Marshal(v)
	if err != nil {
		writeError(c, err)
		return
	}
	if r != nil {
		if !r.fit(c, int64(len(body))) {
			return
		}
	}
	c.Data(status, "application/json; charset=utf-8", body)
}

// sendLarge answers with body, reserving room for it first when it is
// large.
func (b *answerBudget) sendLarge(c *gin.Context, contentType string, body []byte) {
	if len(body) > smallAnswer {
		r := b.reserve(c, int64(len(body)))
		if r == nil {
			return
		}
		defer r.release()
	}
	c.Data(http.StatusOK, contentType, body)
}
