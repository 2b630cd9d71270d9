package handlers_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// contract is openapi.yaml, loaded and validated once for the whole test
// binary: every HTTP test request goes through it.
var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func loadContract() (*openapi3.T, routers.Router, error) {
	contract.once.Do(func() {
		registerBodyDecoders()
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile("openapi.yaml")
		if err != nil {
			contract.err = fmt.Errorf("load openapi.yaml: %w", err)
			return
		}
		if err := doc.Validate(loader.Context); err != nil {
			contract.err = fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
			return
		}
		router, err := gorillamux.NewRouter(doc)
		if err != nil {
			contract.err = fmt.Errorf("route openapi.yaml: %w", err)
			return
		}
		contract.doc, contract.router = doc, router
	})
	return contract.doc, contract.router, contract.err
}

// registerBodyDecoders teaches the validator the media types the service
// streams: without a decoder it cannot check a body at all.
func registerBodyDecoders() {
	for _, ct := range []string{"text/csv", "application/csv"} {
		openapi3filter.RegisterBodyDecoder(ct, csvBodyDecoder)
	}
	for _, ct := range []string{"application/x-ndjson", "application/ndjson", "application/jsonl"} {
		openapi3filter.RegisterBodyDecoder(ct, ndjsonBodyDecoder)
	}
	for _, ct := range []string{"application/geo+json", "application/problem+json", "application/merge-patch+json"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.JSONBodyDecoder)
	}
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
}

// csvBodyDecoder checks that the body is well-formed CSV with the same
// number of fields on every row, and hands the text on unchanged so that
// the document's pattern can check the header line.
func csvBodyDecoder(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	raw, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(raw))
	for {
		if _, err := r.Read(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("not CSV: %w", err)
		}
	}
	return string(raw), nil
}

// ndjsonBodyDecoder reads one JSON value per line into an array, so that a
// schema of type array describes the lines. Blank lines and a byte-order
// mark are skipped, as the import reader skips them.
func ndjsonBodyDecoder(body io.Reader, h http.Header, schema *openapi3.SchemaRef, enc openapi3filter.EncodingFn) (any, error) {
	var items *openapi3.SchemaRef
	if schema != nil && schema.Value != nil {
		items = schema.Value.Items
	}
	out := []any{}
	br := bufio.NewReader(body)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		if len(bytes.TrimSpace(line)) > 0 {
			v, derr := openapi3filter.JSONBodyDecoder(bytes.NewReader(line), h, items, enc)
			if derr != nil {
				return nil, fmt.Errorf("line %d: %w", n, derr)
			}
			out = append(out, v)
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// checkContract validates one request and its response against the OpenAPI
// document.
func checkContract(tb testing.TB, req *http.Request, reqBody []byte, res *http.Response, resBody []byte) {
	tb.Helper()
	doc, router, err := loadContract()
	if err != nil {
		tb.Fatal(err)
	}
	status := res.StatusCode
	where := fmt.Sprintf("%s %s -> %d", req.Method, req.URL.RequestURI(), status)

	route, params, err := router.FindRoute(req)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed) && status == http.StatusMethodNotAllowed:
		// A method a path lacks has no operation to hold its answer; the
		// document promises a problem, so check that much.
		checkProblem(tb, doc, where, res, resBody)
		return
	case err != nil:
		tb.Errorf("openapi: %s: not in openapi.yaml: %v", where, err)
		return
	}

	ctx := context.Background()
	// The test client has sent and closed the original body.
	vreq := req.Clone(ctx)
	if strings.EqualFold(req.Header.Get("Content-Encoding"), "gzip") {
		// The document describes bodies as they are once decoded.
		if z, err := gzip.NewReader(bytes.NewReader(reqBody)); err == nil {
			if plain, err := io.ReadAll(z); err == nil {
				reqBody = plain
			}
		}
		vreq.Header.Del("Content-Encoding")
	}
	vreq.Body = io.NopCloser(bytes.NewReader(reqBody))
	vreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(reqBody)), nil }
	in := &openapi3filter.RequestValidationInput{
		Request:    vreq,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			// Authorization is the server's to judge; the tests check it.
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults: true,
			MultiError:          true,
		},
	}
	// The tests send bad requests on purpose; such a request must be
	// refused, and an accepted one must be what the document describes.
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil && (status < 400 || status > 499) {
		tb.Errorf("openapi: %s: the request does not match openapi.yaml but was not refused: %v", where, err)
	}

	resp := route.Operation.Responses.Status(status)
	if resp == nil || resp.Value == nil {
		tb.Errorf("openapi: %s: status %d is not documented for %s %s", where, status, route.Method, route.Path)
		return
	}
	noBody := req.Method == http.MethodHead || status == http.StatusNotModified || status == http.StatusNoContent
	if noBody && len(resBody) > 0 {
		tb.Errorf("openapi: %s: a body of %d bytes where there must be none", where, len(resBody))
	}
	if status == http.StatusNotModified {
		// The validator skips 304 altogether; its headers still matter.
		for name, h := range resp.Value.Headers {
			if h.Value != nil && h.Value.Required && res.Header.Get(name) == "" {
				tb.Errorf("openapi: %s: header %s is required", where, name)
			}
		}
		return
	}
	if req.Method == http.MethodHead {
		// The validator skips HEAD altogether; presented as GET against the
		// HEAD operation, its status and headers are still checked.
		in.Request = req.Clone(ctx)
		in.Request.Method = http.MethodGet
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 status,
		Header:                 res.Header,
		Body:                   io.NopCloser(bytes.NewReader(resBody)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			ExcludeResponseBody:   req.Method == http.MethodHead,
			MultiError:            true,
		},
	}
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		tb.Errorf("openapi: %s: the response does not match openapi.yaml: %v\nbody: %.600s", where, err, resBody)
	}
}

func checkProblem(tb testing.TB, doc *openapi3.T, where string, res *http.Response, body []byte) {
	tb.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		tb.Errorf("openapi: %s: Content-Type %q, want application/problem+json", where, ct)
		return
	}
	if res.Request != nil && res.Request.Method == http.MethodHead {
		return
	}
	schema := doc.Components.Schemas["Problem"]
	v, err := openapi3filter.JSONBodyDecoder(bytes.NewReader(body), res.Header, schema, nil)
	if err == nil {
		err = schema.Value.VisitJSON(v, openapi3.VisitAsResponse())
	}
	if err != nil {
		tb.Errorf("openapi: %s: not a problem as openapi.yaml describes it: %v", where, err)
	}
}
