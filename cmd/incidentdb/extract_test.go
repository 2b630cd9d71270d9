package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

func TestExtractCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"incidentdb", "extract", "--url", "https://example.org/s", "../../testdata/statements/two-places-en.txt"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var res struct {
		Drafts []struct {
			Incident struct {
				Region  string `json:"region"`
				Sources []struct {
					URL string `json:"url"`
				} `json:"sources"`
			} `json:"incident"`
		} `json:"drafts"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Drafts) != 2 || res.Drafts[0].Incident.Region != "Tombouctou" || res.Drafts[1].Incident.Region != "Kidal" || res.Drafts[0].Incident.Sources[0].URL != "https://example.org/s" {
		t.Errorf("%s", out.String())
	}
	for _, args := range [][]string{{"extract"}, {"extract", "--language", "de", "x"}, {"extract", "--published-on", "24/11/2017", "x"}, {"extract", "/nonexistent"}} {
		if code := run(context.Background(), append([]string{"incidentdb"}, args...), &out, &errOut); code == 0 {
			t.Errorf("%v: no error", args)
		}
	}
}
