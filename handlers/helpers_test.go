package handlers_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"incidentdb/handlers"
	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

var fixedNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

type api struct {
	srv    *httptest.Server
	db     *store.Store
	editor string
	reader string
	admin  string
}

// newAPI serves the real router over a fresh database file, with one key of
// each role.
func newAPI(tb testing.TB, cfg handlers.Config, opts ...store.Option) *api {
	tb.Helper()
	return newAPIAt(tb, storetest.DSN(tb), cfg, opts...)
}

// newAPIAt is newAPI on the database dsn, with more store options.
func newAPIAt(tb testing.TB, dsn string, cfg handlers.Config, opts ...store.Option) *api {
	tb.Helper()
	db, err := store.Open(context.Background(), dsn,
		append([]store.Option{store.WithClock(func() time.Time { return fixedNow })}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	a := &api{db: db}
	for role, dst := range map[models.Role]*string{models.RoleEditor: &a.editor, models.RoleReader: &a.reader, models.RoleAdmin: &a.admin} {
		if *dst, err = db.CreateKey(context.Background(), string(role)+"-key", role); err != nil {
			tb.Fatal(err)
		}
	}
	a.srv = httptest.NewServer(handlers.New(db, cfg))
	tb.Cleanup(func() {
		a.srv.Close()
		db.Close()
	})
	return a
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		tb.Fatalf("decode %s: %v", r.body, err)
	}
}

func (a *api) do(tb testing.TB, method, path, key string, body []byte, headers ...string) response {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, a.srv.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := a.srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	checkContract(tb, req, body, res, b)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// seeds returns the seed incidents of testdata as raw JSON objects.
func seeds(tb testing.TB) []json.RawMessage {
	tb.Helper()
	raw, err := os.ReadFile("../testdata/seed_incidents.json")
	if err != nil {
		tb.Fatal(err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		tb.Fatal(err)
	}
	return items
}

func (a *api) create(tb testing.TB, body []byte) models.Incident {
	tb.Helper()
	res := a.do(tb, "POST", "/api/v1/incidents", a.editor, body)
	if res.status != http.StatusCreated {
		tb.Fatalf("create: %d %s", res.status, res.body)
	}
	var inc models.Incident
	res.json(tb, &inc)
	return inc
}

func (a *api) count(tb testing.TB) int64 {
	tb.Helper()
	n, err := a.db.CountIncidents(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
