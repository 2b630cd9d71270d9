package handlers

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

func budgetContext(remote string) (*gin.Context, *httptest.ResponseRecorder) {
	gin.SetMode(gin.ReleaseMode)
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/api/v1/incidents", nil)
	c.Request.RemoteAddr = remote
	return c, w
}

// Large answers held unread count against a budget in all and per
// client: past it a request waits, then is refused, and room given back
// lets the next one through.
func TestAnswerBudget(t *testing.T) {
	b := newAnswerBudget(300, 200)
	b.wait = 50 * time.Millisecond
	a1, _ := budgetContext("192.0.2.1:1")
	first := b.reserve(a1, 150)
	if first == nil {
		t.Fatal("the first reservation was refused")
	}
	a2, w := budgetContext("192.0.2.1:2")
	if r := b.reserve(a2, 100); r != nil || w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Fatalf("past the client's share: %v, %d", r, w.Code)
	}
	other, _ := budgetContext("192.0.2.2:1")
	second := b.reserve(other, 150)
	if second == nil {
		t.Fatal("another client within the total was refused")
	}
	third, w := budgetContext("192.0.2.3:1")
	if r := b.reserve(third, 100); r != nil || w.Code != http.StatusServiceUnavailable {
		t.Fatalf("past the total: %v, %d", r, w.Code)
	}
	b.wait = 5 * time.Second
	done := make(chan *reservation)
	go func() {
		c, _ := budgetContext("192.0.2.3:2")
		done <- b.reserve(c, 100)
	}()
	time.Sleep(20 * time.Millisecond)
	first.fit(a1, 40) // the answer turned out small
	if r := <-done; r == nil {
		t.Fatal("room given back did not let the waiting request through")
	} else {
		r.release()
	}
	first.release()
	second.release()
	if b.total != 0 || len(b.byClient) != 0 {
		t.Errorf("after every release: %d bytes held, %v", b.total, b.byClient)
	}
}
