package handlers_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"incidentdb/handlers"
)

// A statement gives drafts and stores nothing; a draft posted by an
// editor is an incident.
func TestExtractDraftsAndStoresNothing(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	seed, err := os.ReadFile("../testdata/statements/seed-fr.txt")
	if err != nil {
		t.Fatal(err)
	}
	before := a.count(t)
	res := a.do(t, "POST", "/api/v1/extract", "", seed, "Content-Type", "text/plain; charset=utf-8")
	if res.status != http.StatusOK {
		t.Fatalf("%d %s", res.status, res.body)
	}
	var out struct {
		Drafts []struct {
			Incident json.RawMessage `json:"incident"`
		} `json:"drafts"`
		Combined struct {
			Killed  int `json:"killed"`
			Wounded int `json:"wounded"`
		} `json:"combined"`
		Nationalities []string `json:"nationalities"`
	}
	res.json(t, &out)
	if len(out.Drafts) != 2 || out.Combined.Killed != 5 || out.Combined.Wounded != 21 || strings.Join(out.Nationalities, ",") != "BF,ML,NE" {
		t.Fatalf("the seed statement gives %s", res.body)
	}
	if after := a.count(t); after != before {
		t.Fatalf("extracting stored %d incidents", after-before)
	}
	one, err := os.ReadFile("../testdata/statements/aguelhok-en.txt")
	if err != nil {
		t.Fatal(err)
	}
	res = a.do(t, "POST", "/api/v1/extract", "", mustJSON(t, map[string]string{"text": string(one), "url": "https://example.org/synthetic", "language": "en"}))
	res.json(t, &out)
	if res.status != 200 || len(out.Drafts) != 1 {
		t.Fatalf("%d %s", res.status, res.body)
	}
	created := a.do(t, "POST", "/api/v1/incidents", a.editor, out.Drafts[0].Incident)
	if created.status != http.StatusCreated {
		t.Fatalf("the draft is refused: %d %s", created.status, created.body)
	}
	var inc struct {
		Killed  int `json:"killed"`
		Sources []struct {
			URL string `json:"url"`
		} `json:"sources"`
		Claims []json.RawMessage `json:"claims"`
	}
	created.json(t, &inc)
	if inc.Killed != 10 || len(inc.Sources) != 1 || inc.Sources[0].URL != "https://example.org/synthetic" || len(inc.Claims) == 0 {
		t.Errorf("the posted draft: %s", created.body)
	}
}

func TestExtractRefusesWhatIsNotAStatement(t *testing.T) {
	a := newAPI(t, handlers.Config{})
	for _, c := range []struct {
		body        []byte
		contentType string
		status      int
		field       string
	}{
		{[]byte("   "), "text/plain", 422, "body"},
		{[]byte(`{"text":""}`), "application/json", 422, "text"},
		{[]byte(`{"text":"x","language":"de"}`), "application/json", 422, "language"},
		{[]byte(`{"text":"x","published_on":"24/11/2017"}`), "application/json", 422, "published_on"},
		{[]byte(`{"text":"x","colour":"red"}`), "application/json", 400, "colour"},
		{[]byte(`{"text":`), "application/json", 400, ""},
		{[]byte("caf\xe9"), "text/plain", 400, "body"},
		{[]byte("text"), "application/xml", 415, "Content-Type"},
		{[]byte(strings.Repeat("a", 300<<10)), "text/plain", 413, ""},
	} {
		res := a.do(t, "POST", "/api/v1/extract", "", c.body, "Content-Type", c.contentType)
		if res.status != c.status || !strings.Contains(string(res.body), c.field) {
			t.Errorf("%s %.30q: %d %s, want %d naming %s", c.contentType, c.body, res.status, res.body, c.status, c.field)
		}
	}
	if res := a.do(t, "POST", "/api/v1/extract?x=1", "", []byte("x"), "Content-Type", "text/plain"); res.status != 400 {
		t.Errorf("an unknown parameter: %d", res.status)
	}
}
