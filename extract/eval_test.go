package extract

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// The second test set is real statements read in public sources. Their
// wording is not ours to commit, so they stay outside the repository; a
// person who has them (texts and annotations.json, in the format
// docs/EXTRACTION.md describes) points INCIDENTDB_STATEMENTS at them and
// this test scores the extractor, field by field, and prints the table
// docs/EXTRACTION.md records.

type annotated struct {
	File        string `json:"file"`
	URL         string `json:"url"`
	Language    string `json:"language"`
	PublishedOn string `json:"published_on"`
	Complete    bool   `json:"complete"`
	Incidents   []struct {
		Date       *string         `json:"date"`
		Country    *string         `json:"country"`
		Region     *string         `json:"region"`
		Casualties []annotatedLine `json:"casualties"`
		Killed     *int            `json:"killed_total"`
		Wounded    *int            `json:"wounded_total"`
	} `json:"incidents"`
	Combined []annotatedLine `json:"combined_casualties"`
}

type annotatedLine struct {
	Group       string  `json:"group"`
	Nationality *string `json:"nationality"`
	Killed      *int    `json:"killed"`
	Wounded     *int    `json:"wounded"`
}

type score struct{ exact, wrong, missed, extra int }

func (s score) precision() float64 { return ratio(s.exact, s.exact+s.wrong+s.extra) }
func (s score) recall() float64    { return ratio(s.exact, s.exact+s.wrong+s.missed) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// compare scores one field: want is the annotation (nil: not stated).
func (s *score) compare(want, got *string) {
	switch {
	case want == nil && got == nil:
	case want == nil:
		s.extra++
	case got == nil:
		s.missed++
	case *want == *got:
		s.exact++
	default:
		s.wrong++
	}
}

func itoaPtr(p *int) *string {
	if p == nil {
		return nil
	}
	s := fmt.Sprint(*p)
	return &s
}

func TestRealStatements(t *testing.T) {
	dir := os.Getenv("INCIDENTDB_STATEMENTS")
	if dir == "" {
		t.Skip("set INCIDENTDB_STATEMENTS to a directory of statements and their annotations.json")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "annotations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all []annotated
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	fields := []string{"date", "region", "killed", "wounded", "nationality"}
	scores := map[string]*score{}
	for _, f := range fields {
		scores[f] = &score{}
	}
	var rows []string
	var doc strings.Builder
	doc.WriteString("| # | statement | lang | read in it (date · region · killed/wounded · nationalities) | drafted |\n| --- | --- | --- | --- | --- |\n")
	for _, a := range all {
		b, err := os.ReadFile(filepath.Join(dir, a.File))
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		// The files begin with URL:, LANG: and PUBLISHED: lines.
		if i := strings.Index(text, "\n\n"); strings.HasPrefix(text, "URL:") && i > 0 {
			text = text[i+2:]
		}
		res := Extract(Statement{Text: text, PublishedOn: a.PublishedOn, Language: a.Language}, time.Now())
		per := map[string]*score{}
		for _, f := range fields {
			per[f] = &score{}
		}
		used := map[int]bool{}
		for _, inc := range a.Incidents {
			di := -1
			for i, d := range res.Drafts {
				if !used[i] && inc.Region != nil && d.Incident.Region != nil && *d.Incident.Region == *inc.Region {
					di = i
					break
				}
			}
			if di < 0 && len(res.Drafts) == len(a.Incidents) {
				for i := range res.Drafts {
					if !used[i] {
						di = i
						break
					}
				}
			}
			var date, region, killed, wounded, nat *string
			if di >= 0 {
				used[di] = true
				d := res.Drafts[di].Incident
				if _, ok := res.Drafts[di].Evidence["occurred_on"]; ok {
					date = d.OccurredOn
				}
				region = d.Region
				killed, wounded = itoaPtr(d.Killed.Value), itoaPtr(d.Wounded.Value)
				nat = nationalities(d.Casualties)
			}
			wantNat := annotatedNationalities(inc.Casualties)
			show := func(p *string) string {
				if p == nil {
					return "–"
				}
				return *p
			}
			fmt.Fprintf(&doc, "| %s | <%s> | %s | %s · %s · %s/%s · %s | %s · %s · %s/%s · %s |\n", strings.TrimSuffix(a.File, ".txt"), a.URL, a.Language,
				show(inc.Date), show(inc.Region), show(itoaPtr(inc.Killed)), show(itoaPtr(inc.Wounded)), show(wantNat),
				show(date), show(region), show(killed), show(wounded), show(nat))
			if os.Getenv("INCIDENTDB_STATEMENTS_VERBOSE") != "" {
				show := func(p *string) string {
					if p == nil {
						return "-"
					}
					return *p
				}
				fmt.Printf("%s want %s %s k%s w%s %s | got %s %s k%s w%s %s\n", a.File, show(inc.Date), show(inc.Region), show(itoaPtr(inc.Killed)), show(itoaPtr(inc.Wounded)), show(wantNat),
					show(date), show(region), show(killed), show(wounded), show(nat))
			}
			per["date"].compare(inc.Date, date)
			per["region"].compare(inc.Region, region)
			per["killed"].compare(itoaPtr(inc.Killed), killed)
			per["wounded"].compare(itoaPtr(inc.Wounded), wounded)
			per["nationality"].compare(wantNat, nat)
		}
		for i := range res.Drafts {
			if !used[i] {
				per["region"].extra++
			}
		}
		if len(a.Combined) > 0 || res.Combined != nil {
			var wk, ww *int
			for _, l := range a.Combined {
				if l.Group == "assailant" {
					continue
				}
				addTo(&wk, l.Killed)
				addTo(&ww, l.Wounded)
			}
			var gk, gw *int
			if res.Combined != nil {
				gk, gw = res.Combined.Killed, res.Combined.Wounded
			}
			per["killed"].compare(itoaPtr(wk), itoaPtr(gk))
			per["wounded"].compare(itoaPtr(ww), itoaPtr(gw))
		}
		var line []string
		for _, f := range fields {
			s := per[f]
			scores[f].exact += s.exact
			scores[f].wrong += s.wrong
			scores[f].missed += s.missed
			scores[f].extra += s.extra
			line = append(line, fmt.Sprintf("%d/%d", s.exact, s.exact+s.wrong+s.missed))
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s |", a.File, a.Language, strings.Join(line, " | ")))
	}
	fmt.Println("| file | lang | " + strings.Join(fields, " | ") + " |")
	fmt.Println("|" + strings.Repeat(" --- |", len(fields)+2))
	for _, r := range rows {
		fmt.Println(r)
	}
	var exact, stated int
	fmt.Println("\n| field | exact | wrong | missed | extra | precision | recall |")
	fmt.Println("| --- | --- | --- | --- | --- | --- | --- |")
	for _, f := range fields {
		s := scores[f]
		exact += s.exact
		stated += s.exact + s.wrong + s.missed
		fmt.Printf("| %s | %d | %d | %d | %d | %.2f | %.2f |\n", f, s.exact, s.wrong, s.missed, s.extra, s.precision(), s.recall())
	}
	fmt.Printf("\nexact: %d of %d stated figures (%.1f%%)\n", exact, stated, 100*ratio(exact, stated))
	if out := os.Getenv("INCIDENTDB_STATEMENTS_DOC"); out != "" {
		var sum strings.Builder
		sum.WriteString("| field | exact | wrong | missed | extra | precision | recall |\n| --- | --- | --- | --- | --- | --- | --- |\n")
		for _, f := range fields {
			s := scores[f]
			fmt.Fprintf(&sum, "| %s | %d | %d | %d | %d | %.2f | %.2f |\n", f, s.exact, s.wrong, s.missed, s.extra, s.precision(), s.recall())
		}
		fmt.Fprintf(&sum, "\n**%d of %d stated figures exact (%.1f%%).**\n", exact, stated, 100*ratio(exact, stated))
		if err := os.WriteFile(out, []byte(sum.String()+"\n"+doc.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func addTo(dst **int, v *int) {
	if v == nil {
		return
	}
	if *dst == nil {
		*dst = new(int)
	}
	**dst += *v
}

func annotatedNationalities(lines []annotatedLine) *string {
	var out []string
	for _, l := range lines {
		if l.Nationality != nil && l.Group != "assailant" && !slices.Contains(out, *l.Nationality) {
			out = append(out, *l.Nationality)
		}
	}
	if len(out) == 0 {
		return nil
	}
	sort.Strings(out)
	s := strings.Join(out, ",")
	return &s
}
