package handlers_test

import (
	"net/url"
	"strings"
	"testing"

	"incidentdb/handlers"
	"incidentdb/models"
)

// q reaches each engine's full-text index, whose query languages have
// operators, quotes, prefixes and column filters. Whatever a client puts
// in q, it is words or nothing: a list answer or a 400 naming q, never a
// 5xx; and the answer is that of its words, as models.Words reads them.
func TestHostileTextQueriesAreWordsOrNothing(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	const summary = "Peacekeepers repelled an attack"
	a.create(t, []byte(with("summary", `"`+summary+`"`)))
	plain := a.do(t, "GET", "/api/v1/incidents?q="+url.QueryEscape("repelled"), "", nil)
	if plain.status != 200 || !strings.Contains(string(plain.body), `"total":1`) {
		t.Fatalf("q=repelled: %d %s", plain.status, plain.body)
	}
	for _, q := range []string{
		`"repelled`, `repelled*`, `repelled"*`, `"repelled" OR "x"`, `NEAR(repelled attack)`, `summary:repelled`, `repelled:*`,
		`'repelled'`, `repelled & !attack`, `repelled | x`, `(repelled`, `repelled)`, `\repelled\`, `^repelled`, `-repelled`,
		`repelled AND NOT`, "repelled\x00", strings.Repeat("\"*:&|!()", 500), `"`, `*`, `:*`, `'`, `&`, `!`, `()`,
	} {
		r := a.do(t, "GET", "/api/v1/incidents?q="+url.QueryEscape(q), "", nil)
		switch {
		case r.status >= 500:
			t.Errorf("q=%q: %d %s", q, r.status, r.body)
		case r.status == 400 && !strings.Contains(string(r.body), `"q"`):
			t.Errorf("q=%q: a 400 that does not name q: %s", q, r.body)
		case r.status != 200 && r.status != 400:
			t.Errorf("q=%q: %d %s", q, r.status, r.body)
		case r.status == 200:
			want := `"total":0`
			if everyWordStartsOneOf(models.Words(q), models.Words(summary)) {
				want = `"total":1`
			}
			if !strings.Contains(string(r.body), want) {
				t.Errorf("q=%q: %s, want %s", q, r.body, want)
			}
		}
	}
	if n := a.count(t); n != 1 {
		t.Errorf("%d incidents after the queries, want 1", n)
	}
}

func everyWordStartsOneOf(query, words []string) bool {
	for _, q := range query {
		found := false
		for _, w := range words {
			found = found || strings.HasPrefix(w, q)
		}
		if !found {
			return false
		}
	}
	return true
}
