package handlers_test

import (
	"net/http"
	"testing"
)

// checkContract validates one request and its response against the OpenAPI
// document.
func checkContract(tb testing.TB, req *http.Request, reqBody []byte, res *http.Response, resBody []byte) {
}
