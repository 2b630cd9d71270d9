package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"incidentdb/models"
)

// Every label a template or the code asks for is in the catalog, in both
// languages; a missing one would show its key on the page.
func TestEveryLabelIsInBothLanguages(t *testing.T) {
	used := regexp.MustCompile(`(?:\.T|\bT)\(?\s*"([a-z][a-zA-Z0-9_.\-]*[a-zA-Z0-9])"`)
	files, _ := filepath.Glob("templates/*.html")
	gos, _ := filepath.Glob("*.go")
	for _, f := range append(files, gos...) {
		if strings.HasSuffix(f, "_test.go") || f == "messages.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := messages[m[1]]; !ok {
				t.Errorf("%s asks for %q, which the catalog lacks", f, m[1])
			}
		}
	}
	// The labels built from a value: every value of each enumeration.
	for _, key := range dynamicKeys() {
		if _, ok := messages[key]; !ok {
			t.Errorf("the catalog lacks %q", key)
		}
	}
	for key, m := range messages {
		if strings.TrimSpace(m[0]) == "" || strings.TrimSpace(m[1]) == "" {
			t.Errorf("%q is empty in a language", key)
		}
		if strings.Count(m[0], "%") != strings.Count(m[1], "%") {
			t.Errorf("%q has other verbs in English and French", key)
		}
	}
}

func dynamicKeys() []string {
	var keys []string
	for _, v := range models.IncidentTypes {
		keys = append(keys, "enum.type."+string(v))
	}
	for _, v := range models.Groups {
		keys = append(keys, "enum.group."+string(v))
	}
	for _, v := range models.DatePrecisions {
		keys = append(keys, "enum.precision."+string(v))
	}
	for _, v := range models.Origins {
		keys = append(keys, "enum.origin."+string(v))
	}
	for _, d := range breakdownDims {
		keys = append(keys, "dim."+string(d))
	}
	for _, s := range listSorts {
		keys = append(keys, "sort."+s)
	}
	for _, f := range []string{"occurred_on", "mission", "country", "region", "locality", "latitude", "longitude", "killed", "wounded",
		"forces", "contributing_countries", "external_id", "dataset", "date_precision", "type", "summary"} {
		keys = append(keys, "field."+f)
	}
	for _, i := range []string{"week", "month", "year"} {
		keys = append(keys, "interval."+i)
	}
	for m := 1; m <= 12; m++ {
		keys = append(keys, "month."+strconv.Itoa(m), "mon."+strconv.Itoa(m))
	}
	return keys
}
