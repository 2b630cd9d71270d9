package handlers_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"incidentdb/handlers"
)

// An import whose body trickles in holds nothing the others need: the
// body is spooled before the import reads it, and a dry run reads on a
// connection of its own. An editor's edit goes through meanwhile.
func TestATricklingImportHoldsNoWriter(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, seeds(t)[0])
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	for _, query := range []string{"?dry_run=true", ""} {
		pr, pw := io.Pipe()
		req, _ := http.NewRequest("POST", a.srv.URL+"/api/v1/incidents/import"+query, pr)
		req.Header.Set("Authorization", "Bearer "+a.editor)
		req.Header.Set("Content-Type", "application/x-ndjson")
		done := make(chan int, 1)
		go func() {
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				done <- 0
				return
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			done <- res.StatusCode
		}()
		fmt.Fprintln(pw, `{"external_id":"trickle-1","occurred_on":"2017-11-24","type":"ied","killed":1}`)
		fmt.Fprint(pw, `{"external_id":"trickle-2","occurred_on":"2017-11`)
		time.Sleep(200 * time.Millisecond) // the import is under way, its body unfinished
		res := a.do(t, "PATCH", path, a.editor, []byte(fmt.Sprintf(`{"summary":"edited beside an import%s"}`, query)),
			"Content-Type", "application/merge-patch+json")
		if res.status != 200 {
			t.Errorf("a PATCH beside a trickling import%s: %d %s", query, res.status, res.body)
		}
		fmt.Fprintln(pw, `-24","type":"ied","killed":1}`)
		pw.Close()
		if st := <-done; st != 200 {
			t.Errorf("the trickling import%s: %d", query, st)
		}
	}
	if n := a.count(t); n != 3 {
		t.Errorf("%d incidents, want the seed and two imported", n)
	}
}

// A declared length over the limit is refused before a byte of the body
// is read.
func TestAnOverlongImportIsRefusedAtOnce(t *testing.T) {
	a := newAPI(t, handlers.Config{MaxImport: 1 << 20})
	u, _ := url.Parse(a.srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/incidents/import HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n",
		u.Host, a.editor, 309<<20)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body: %v", err)
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode != 413 || !bytes.Contains(body, []byte("import limit")) {
		t.Errorf("%d %s", res.StatusCode, body)
	}
}

func gzipped(tb testing.TB, b []byte) []byte {
	tb.Helper()
	var out bytes.Buffer
	z := gzip.NewWriter(&out)
	z.Write(b)
	z.Close()
	return out.Bytes()
}

// Bodies may come gzip-encoded, and are then read decoded, within the
// limit after decoding; any other encoding is refused, not read as text.
func TestEncodedBodies(t *testing.T) {
	a := newAPI(t, handlers.Config{MaxImport: 1 << 20, MaxBody: 64 << 10})
	ndjson := []byte(`{"external_id":"gz-1","occurred_on":"2017-11-24","type":"ied","killed":1}` + "\n")
	res := a.do(t, "POST", "/api/v1/incidents/import", a.editor, gzipped(t, ndjson), "Content-Type", "application/x-ndjson", "Content-Encoding", "gzip")
	if res.status != 200 || !bytes.Contains(res.body, []byte(`"created":1`)) {
		t.Errorf("a gzip import: %d %s", res.status, res.body)
	}
	res = a.do(t, "POST", "/api/v1/incidents", a.editor, gzipped(t, seeds(t)[1]), "Content-Encoding", "gzip")
	if res.status != 201 {
		t.Errorf("a gzip create: %d %s", res.status, res.body)
	}
	bomb := gzipped(t, bytes.Repeat([]byte(" "), 8<<20))
	res = a.do(t, "POST", "/api/v1/incidents/import", a.editor, bomb, "Content-Type", "application/x-ndjson", "Content-Encoding", "gzip")
	if res.status != 413 {
		t.Errorf("a gzip body that decodes past the limit: %d %s", res.status, res.body)
	}
	before := a.count(t)
	for _, enc := range []string{"br", "deflate", "gzip, gzip"} {
		res = a.do(t, "POST", "/api/v1/incidents/import", a.editor, ndjson, "Content-Type", "application/x-ndjson", "Content-Encoding", enc)
		if res.status != 415 || !bytes.Contains(res.body, []byte("Content-Encoding")) {
			t.Errorf("Content-Encoding %s: %d %s", enc, res.status, res.body)
		}
	}
	res = a.do(t, "POST", "/api/v1/incidents/import", a.editor, []byte("not gzip"), "Content-Type", "application/x-ndjson", "Content-Encoding", "gzip")
	if res.status != 400 {
		t.Errorf("a body that says gzip and is not: %d %s", res.status, res.body)
	}
	if a.count(t) != before {
		t.Errorf("refused bodies stored incidents")
	}
}

// Requests a client may get wrong in small ways are refused, each with the
// field named, and change nothing.
func TestSmallHoles(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	inc := a.create(t, seeds(t)[0])
	other := a.create(t, seeds(t)[1])
	path := fmt.Sprintf("/api/v1/incidents/%d", inc.ID)
	for _, tc := range []struct {
		name, method, path, key string
		body                    []byte
		headers                 []string
		status                  int
		field                   string
	}{
		{"a CSV body for a create", "POST", "/api/v1/incidents", a.editor, seeds(t)[0], []string{"Content-Type", "text/csv"}, 415, "Content-Type"},
		{"a form body for a replace", "PUT", path, a.editor, seeds(t)[0], []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "Content-Type"},
		{"a null force", "POST", "/api/v1/incidents", a.editor, []byte(`{"occurred_on":"2017-11-24","type":"ied","forces":[null]}`), nil, 422, "forces[0]"},
		{"a repeated format", "POST", "/api/v1/incidents/import?format=csv&format=ndjson", a.editor, []byte("x"), nil, 400, "format"},
		{"a repeated dry_run", "POST", "/api/v1/incidents/import?dry_run=true&dry_run=false", a.editor, []byte("x"), []string{"Content-Type", "text/csv"}, 400, "dry_run"},
		{"a repeated hxl", "GET", "/api/v1/incidents.csv?hxl=true&hxl=false", "", nil, nil, 400, "hxl"},
		{"a repeated bom", "GET", "/api/v1/casualties.csv?bom=true&bom=true", "", nil, nil, 400, "bom"},
		{"an encoded slash in an id", "GET", fmt.Sprintf("/api/v1/incidents/%d%%2f..%%2f%d", inc.ID, other.ID), "", nil, nil, 400, "id"},
		{"a GET of the import", "GET", "/api/v1/incidents/import", "", nil, nil, 405, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := a.do(t, tc.method, tc.path, tc.key, tc.body, tc.headers...)
			if res.status != tc.status {
				t.Fatalf("%d %s, want %d", res.status, res.body, tc.status)
			}
			if tc.field != "" && !bytes.Contains(res.body, []byte(`"field":"`+tc.field+`"`)) {
				t.Errorf("the problem does not name %s: %s", tc.field, res.body)
			}
			if tc.status == 405 && res.header.Get("Allow") != "POST" {
				t.Errorf("Allow: %q", res.header.Get("Allow"))
			}
		})
	}
	if n := a.count(t); n != 2 {
		t.Errorf("%d incidents after refused requests, want 2", n)
	}
	two := a.do(t, "GET", "/api/v1/incidents", "", nil, "Authorization", "Bearer "+a.reader)
	req, _ := http.NewRequest("GET", a.srv.URL+"/api/v1/incidents", nil)
	req.Header.Add("Authorization", "Bearer "+a.reader)
	req.Header.Add("Authorization", "Bearer "+a.editor)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if two.status != 200 || res.StatusCode != 400 {
		t.Errorf("one Authorization header: %d; two: %d, want 400", two.status, res.StatusCode)
	}
	long := strings.Repeat("x", 1<<20)
	echo := a.do(t, "GET", "/api/v1/incidents?country="+long, "", nil)
	if echo.status != 400 || len(echo.body) > 4096 {
		t.Errorf("a long bad value: %d, %d bytes of answer", echo.status, len(echo.body))
	}
}

// A file that fails in its header says so, and quotes little of it: a
// 5 MB header line must not come back as a 5 MB answer.
func TestImportErrorsQuoteLittle(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for name, body := range map[string]string{
		"a header line past the record limit": strings.Repeat("x", 5<<20) + "\n2017-11-24,ied\n",
		"a long unknown column":               "occurred_on,type," + strings.Repeat("y", 1<<20) + "\n2017-11-24,ied,1\n",
		"a long bad cell":                     "occurred_on,type,latitude,longitude\n2017-11-24,ied," + strings.Repeat("9", 1<<20) + ",1\n",
	} {
		res := a.do(t, "POST", "/api/v1/incidents/import", a.editor, []byte(body), "Content-Type", "text/csv")
		if res.status != 422 || len(res.body) > 4096 || bytes.Contains(res.body, []byte("of 0 records")) {
			t.Errorf("%s: %d, %d bytes: %.300s", name, res.status, len(res.body), res.body)
		}
	}
	if n := a.count(t); n != 0 {
		t.Errorf("%d incidents stored", n)
	}
}
