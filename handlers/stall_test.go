package handlers_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"incidentdb/exchange"
	"incidentdb/handlers"
	"incidentdb/models"
	"incidentdb/models/synth"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

// fill imports n synthetic incidents straight into the store.
func fill(tb testing.TB, db *store.Store, n int) {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	g := synth.New(7)
	for range n {
		if err := enc.Encode(g.Next()); err != nil {
			tb.Fatal(err)
		}
	}
	r, err := exchange.NewReader("ndjson", &buf)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Import(context.Background(), "synthetic", r, models.ImportOptions{}); err != nil {
		tb.Fatal(err)
	}
}

// stalledGet sends a GET and never reads the answer, with a receive
// buffer as small as the kernel allows, so that the server's writes block
// after a few kilobytes. It returns the connection and the status line
// once the server has sent one.
func stalledGet(tb testing.TB, a *api, path string, headers ...string) (net.Conn, string) {
	tb.Helper()
	d := net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 2048) })
		return errors.Join(err, serr)
	}}
	u, _ := url.Parse(a.srv.URL)
	conn, err := d.Dial("tcp", u.Host)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", path, u.Host, strings.Join(headers, ""))
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	status, err := bufio.NewReaderSize(conn, 64).ReadString('\n')
	if err != nil {
		tb.Fatalf("no status line for %s: %v", path, err)
	}
	return conn, strings.TrimSpace(status)
}

// answers checks that the service goes on answering reads, key checks and
// writes. A client timeout stands for "stalled": without the fix these
// requests wait for as long as the stalled exports hold their
// connections.
func answers(tb testing.TB, a *api, id int64, heavyToo bool) {
	tb.Helper()
	client := &http.Client{Timeout: 20 * time.Second}
	type probe struct {
		method, path, key, body string
		want                    int
	}
	probes := []probe{
		{"GET", "/readyz", "", "", 200},
		{"GET", "/api/v1/incidents?limit=5", "", "", 200},
		{"GET", fmt.Sprintf("/api/v1/incidents/%d", id), a.reader, "", 200},
		{"PATCH", fmt.Sprintf("/api/v1/incidents/%d", id), a.editor, fmt.Sprintf(`{"summary":"edited at %d"}`, time.Now().UnixNano()), 200},
	}
	if heavyToo {
		probes = append(probes, probe{"GET", "/api/v1/reports/casualties?group_by=region", a.reader, "", 200})
	}
	for _, r := range probes {
		req, _ := http.NewRequest(r.method, a.srv.URL+r.path, strings.NewReader(r.body))
		if r.key != "" {
			req.Header.Set("Authorization", "Bearer "+r.key)
		}
		if r.body != "" {
			req.Header.Set("Content-Type", "application/merge-patch+json")
		}
		res, err := client.Do(req)
		if err != nil {
			tb.Fatalf("%s %s while exports stall: %v", r.method, r.path, err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != r.want {
			tb.Errorf("%s %s while exports stall: %d", r.method, r.path, res.StatusCode)
		}
	}
}

// Clients that ask for exports and never read them must not stop the
// service, and past the limits they are refused at once. (The idle time
// is long here, so that no stalled export is cut while the test counts
// them; TestACutExportIsVisiblyCut and the WAL test cover the cut.)
func TestStalledExportsDoNotStopTheService(t *testing.T) {
	a := newAPI(t, handlers.Config{Limits: handlers.Limits{Exports: 4, ExportsPerClient: 3, ExportIdle: 10 * time.Minute}})
	fill(t, a.db, stallRows)
	inc := a.create(t, seeds(t)[0])
	statuses := map[string]int{}
	var conns []net.Conn
	for _, path := range []string{"/api/v1/incidents.csv", "/api/v1/incidents.csv?country=ML", "/api/v1/incidents.ndjson",
		"/api/v1/casualties.csv", "/api/v1/incidents.geojson"} {
		conn, status := stalledGet(t, a, path)
		statuses[status]++
		conns = append(conns, conn)
	}
	// By key: a client of its own, up to the total.
	conn, status := stalledGet(t, a, "/api/v1/incidents.csv?nothing=1")
	conns = append(conns, conn)
	if !strings.Contains(status, "400") {
		t.Errorf("a bad parameter before the limits: %s", status)
	}
	if statuses["HTTP/1.1 200 OK"] != 3 || statuses["HTTP/1.1 429 Too Many Requests"] != 2 {
		t.Errorf("anonymous stalled exports from one address: %v, want three admitted and two refused", statuses)
	}
	res := a.do(t, "GET", "/api/v1/incidents.csv", a.reader, nil)
	if res.status != 200 {
		t.Fatalf("an export with a key while three stall: %d", res.status)
	}
	var keyed []net.Conn
	for range 2 {
		c, s := stalledKeyedGet(t, a, "/api/v1/incidents.csv", a.reader)
		keyed = append(keyed, c)
		statuses[s]++
	}
	if statuses["HTTP/1.1 503 Service Unavailable"] != 1 {
		t.Errorf("past the total: %v, want one 503", statuses)
	}
	answers(t, a, inc.ID, true)

	// A client that goes away frees its place at once.
	for _, c := range append(conns, keyed...) {
		c.Close()
	}
	var after response
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if after = a.do(t, "GET", "/api/v1/incidents.csv", "", nil); after.status != 429 {
			break
		}
	}
	if after.status != 200 || bytes.Count(after.body, []byte("\n")) < stallRows+1 {
		t.Errorf("an export once the stalled clients are gone: %d, %d lines", after.status, bytes.Count(after.body, []byte("\n")))
	}
}

// A client that stops reading for longer than the idle time finds, when
// it reads again, a body that ends in an error, not a file that looks
// whole.
func TestACutExportIsVisiblyCut(t *testing.T) {
	a := newAPI(t, handlers.Config{Limits: handlers.Limits{ExportIdle: time.Second}})
	fill(t, a.db, stallRows)
	for _, path := range []string{"/api/v1/incidents.csv", "/api/v1/incidents.ndjson"} {
		res, err := http.Get(a.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(3 * time.Second)
		n, err := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err == nil {
			t.Errorf("%s: read %d bytes and a clean end after a stall past the idle time", path, n)
		}
	}
}

func stalledKeyedGet(tb testing.TB, a *api, path, key string) (net.Conn, string) {
	tb.Helper()
	return stalledGet(tb, a, path, "Authorization: Bearer "+key+"\r\n")
}

// A long reader keeps SQLite from checkpointing past its snapshot, so the
// WAL grows while it stays; once it is cut, the WAL comes back to its
// limit without waiting for more writes.
func TestTheWALShrinksAfterAStalledExport(t *testing.T) {
	storetest.SkipOnPostgres(t, "the WAL is SQLite's")
	dsn := storetest.DSN(t)
	const limit = 512 << 10
	a := newAPIAt(t, dsn, handlers.Config{Limits: handlers.Limits{ExportIdle: 2 * time.Second}},
		store.WithWALLimit(limit, 100*time.Millisecond))
	walSize := func() int64 {
		st, err := os.Stat(dsn + "-wal")
		if err != nil {
			return 0
		}
		return st.Size()
	}
	fill(t, a.db, stallRows)
	inc := a.create(t, seeds(t)[0])
	for deadline := time.Now().Add(30 * time.Second); walSize() > limit && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond) // the import's own pages, checkpointed
	}
	conn, status := stalledGet(t, a, "/api/v1/incidents.csv")
	if !strings.Contains(status, "200") {
		t.Fatalf("export: %s", status)
	}
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	for i := 0; walSize() <= 4*limit && i < 2000; i++ {
		body := fmt.Sprintf(`{"summary":"edit %d of a long run of edits while an export stalls"}`, i)
		if res := a.do(t, "PATCH", path, a.editor, []byte(body), "Content-Type", "application/merge-patch+json"); res.status != 200 {
			t.Fatalf("patch %d: %d", i, res.status)
		}
	}
	grown := walSize()
	if grown <= 4*limit {
		t.Fatalf("the WAL is %d bytes after the edits; the stalled reader should have held it above %d", grown, 4*limit)
	}
	_ = conn
	deadline := time.Now().Add(30 * time.Second)
	for walSize() > limit && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if got := walSize(); got > limit {
		t.Errorf("the WAL is still %d bytes (limit %d, %d at its largest) after the reader left", got, limit, grown)
	}
}

// stallRows is enough incidents that an export does not fit in the
// socket buffers between a server and a client that reads nothing.
const stallRows = 40_000

// failingExports is the real store with a fault injected: its exports
// fail after a number of rows, as a disk error mid-read would.
type failingExports struct {
	*store.Store
	after int
}

var errInjected = errors.New("disk I/O error (injected by the test)")

func (f failingExports) EachStored(ctx context.Context, filter models.Filter, fn func(*exchange.StoredRow) error) error {
	n := 0
	return f.Store.EachStored(ctx, filter, func(r *exchange.StoredRow) error {
		if n++; n > f.after {
			return errInjected
		}
		return fn(r)
	})
}

func (f failingExports) Each(ctx context.Context, filter models.Filter, fn func(*models.Incident) error) error {
	n := 0
	return f.Store.Each(ctx, filter, func(inc *models.Incident) error {
		if n++; n > f.after {
			return errInjected
		}
		return fn(inc)
	})
}

// An export that fails once it has begun cannot change its status; the
// client must still be able to tell the file is cut, in every format.
func TestAFailedExportIsVisiblyCut(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	fill(t, a.db, 3000)
	srv := httptest.NewServer(handlers.New(failingExports{a.db, 2500}, handlers.Config{}))
	defer srv.Close()
	for _, path := range []string{"/api/v1/incidents.csv", "/api/v1/incidents.ndjson", "/api/v1/incidents.geojson", "/api/v1/casualties.csv"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || err == nil {
			t.Errorf("%s: %d, %d bytes, read error %v; want 200 and a body that ends in an error", path, res.StatusCode, n, err)
		}
	}
	res, err := http.Get(srv.URL + "/api/v1/incidents.csv?country=XK")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, res.Body); err != nil || res.StatusCode != 200 {
		t.Errorf("an export that fails nowhere: %d, %v", res.StatusCode, err)
	}
	res.Body.Close()
}

// slowReports is the real store with reports that hold until the test
// lets them go, as a report over a large table takes seconds.
type slowReports struct {
	*store.Store
	started chan struct{}
	release chan struct{}
}

func (s slowReports) CasualtyReport(ctx context.Context, f models.Filter, dims []models.Dimension) (models.Report, error) {
	s.started <- struct{}{}
	<-s.release
	return s.Store.CasualtyReport(ctx, f, dims)
}

// Reads that take seconds run a few at a time: while they run, page
// reads, key checks, /readyz and writes answer, and one client's extra
// heavy reads wait for a place.
func TestHeavyReadsDoNotStopTheService(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, seeds(t)[0])
	slow := slowReports{Store: a.db, started: make(chan struct{}, 8), release: make(chan struct{})}
	srv := httptest.NewServer(handlers.New(slow, handlers.Config{Limits: handlers.Limits{HeavyReads: 2, HeavyReadsPerClient: 2}}))
	defer srv.Close()
	results := make(chan int, 2)
	for i := range 2 {
		go func() {
			res, err := http.Get(fmt.Sprintf("%s/api/v1/reports/casualties?group_by=force,nationality&min_killed=%d", srv.URL, i))
			if err != nil {
				results <- 0
				return
			}
			res.Body.Close()
			results <- res.StatusCode
		}()
	}
	<-slow.started
	<-slow.started
	third := make(chan int, 1)
	go func() {
		res, err := http.Get(srv.URL + "/api/v1/reports/casualties?group_by=force,nationality&min_killed=5")
		if err != nil {
			third <- 0
			return
		}
		res.Body.Close()
		third <- res.StatusCode
	}()
	probe := &api{srv: srv, db: a.db, editor: a.editor, reader: a.reader, admin: a.admin}
	answers(t, probe, inc.ID, false)
	select {
	case st := <-third:
		t.Fatalf("a third heavy read from the same client did not wait for a place: %d", st)
	default:
	}
	close(slow.release)
	for range 2 {
		if st := <-results; st != 200 {
			t.Errorf("a heavy read once let go: %d", st)
		}
	}
	if st := <-third; st != 200 {
		t.Errorf("the third heavy read, once a place came free: %d", st)
	}
}

// An upload must come at a useful pace: one that trickles is cut with a
// 400, holding nothing meanwhile but its own place.
func TestATricklingUploadIsCut(t *testing.T) {
	defer func(d time.Duration) { *handlers.UploadChunkTime = d }(*handlers.UploadChunkTime)
	*handlers.UploadChunkTime = time.Second
	a := newAPI(t, handlers.Config{})
	pr, pw := io.Pipe()
	go func() {
		for range 10 {
			if _, err := pw.Write([]byte("x")); err != nil {
				return
			}
			time.Sleep(300 * time.Millisecond)
		}
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", a.srv.URL+"/api/v1/incidents/import", pr)
	req.Header.Set("Authorization", "Bearer "+a.editor)
	req.Header.Set("Content-Type", "text/csv")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	pw.CloseWithError(errors.New("done"))
	if res.StatusCode != 400 || !bytes.Contains(body, []byte("slower than")) {
		t.Errorf("a trickling upload: %d %s", res.StatusCode, body)
	}
}

// The idle time is time with nothing taken: a client that reads slowly
// but steadily gets the whole file, however long it takes.
func TestASlowSteadyReaderIsNotCut(t *testing.T) {
	a := newAPI(t, handlers.Config{Limits: handlers.Limits{ExportIdle: 500 * time.Millisecond}})
	fill(t, a.db, 5000)
	res, err := http.Get(a.srv.URL + "/api/v1/incidents.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	buf := make([]byte, 32<<10)
	total, lines := 0, 0
	for {
		n, err := io.ReadFull(res.Body, buf)
		total += n
		lines += bytes.Count(buf[:n], []byte("\n"))
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			t.Fatalf("cut after %d bytes: %v", total, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if lines < 5001 {
		t.Errorf("%d lines in %d bytes", lines, total)
	}
}
