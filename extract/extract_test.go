package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"incidentdb/models"
)

type expectedLine struct {
	Group       string  `json:"group"`
	Nationality *string `json:"nationality"`
	Killed      *int    `json:"killed"`
	Wounded     *int    `json:"wounded"`
}

type expectedDraft struct {
	OccurredOn       string         `json:"occurred_on"`
	Country          string         `json:"country"`
	Region           string         `json:"region"`
	Locality         *string        `json:"locality"`
	Killed           *int           `json:"killed"`
	Wounded          *int           `json:"wounded"`
	KilledQualifier  string         `json:"killed_qualifier"`
	WoundedQualifier string         `json:"wounded_qualifier"`
	Provisional      bool           `json:"provisional"`
	Lines            []expectedLine `json:"lines"`
}

type expected struct {
	File     string          `json:"file"`
	Language string          `json:"language"`
	StatedOn string          `json:"stated_on"`
	Drafts   []expectedDraft `json:"drafts"`
	Combined *struct {
		Killed  *int           `json:"killed"`
		Wounded *int           `json:"wounded"`
		Lines   []expectedLine `json:"lines"`
	} `json:"combined"`
	Nationalities []string `json:"nationalities"`
	Earlier       int      `json:"earlier"`
	Assailants    int      `json:"assailants"`
	Translation   bool     `json:"translation_ignored"`
}

func linesOf(in []models.CasualtyInput) []expectedLine {
	out := []expectedLine{}
	for _, l := range in {
		out = append(out, expectedLine{Group: *l.Group, Nationality: l.Nationality, Killed: l.Killed.Value, Wounded: l.Wounded.Value})
	}
	return out
}

func orEmpty(l []expectedLine) []expectedLine {
	if l == nil {
		return []expectedLine{}
	}
	return l
}

// The committed statements, written in the style of UN statements, each
// with what must be drafted from it (testdata/statements/README.md).
func TestStatementsDraftWhatTheySay(t *testing.T) {
	dir := "../testdata/statements"
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []expected
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, want := range cases {
		t.Run(want.File, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join(dir, want.File))
			if err != nil {
				t.Fatal(err)
			}
			res := Extract(Statement{Text: string(text)}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
			if res.Language != want.Language || res.StatedOn == nil || *res.StatedOn != want.StatedOn {
				t.Errorf("language %s, stated on %v; want %s, %s", res.Language, res.StatedOn, want.Language, want.StatedOn)
			}
			if len(res.Drafts) != len(want.Drafts) {
				t.Fatalf("%d drafts, want %d", len(res.Drafts), len(want.Drafts))
			}
			for i, w := range want.Drafts {
				d := res.Drafts[i]
				in := d.Incident
				got := expectedDraft{OccurredOn: *in.OccurredOn, Country: deref(in.Country), Region: deref(in.Region), Locality: in.Locality,
					Killed: in.Killed.Value, Wounded: in.Wounded.Value, Provisional: d.Provisional, Lines: orEmpty(linesOf(in.Casualties)),
					KilledQualifier: qualifierOf(in.Claims, "killed"), WoundedQualifier: qualifierOf(in.Claims, "wounded")}
				w.Lines = orEmpty(w.Lines)
				if w.KilledQualifier == "" && w.Killed != nil {
					w.KilledQualifier = "exact"
				}
				if w.WoundedQualifier == "" && w.Wounded != nil {
					w.WoundedQualifier = "exact"
				}
				if !reflect.DeepEqual(got, w) {
					gj, _ := json.Marshal(got)
					wj, _ := json.Marshal(w)
					t.Errorf("draft %d:\n got %s\nwant %s", i, gj, wj)
				}
				// Every drafted field points at words of the statement.
				for field, ev := range d.Evidence {
					if ev.Start < 0 || ev.End > len(text) || ev.Start > ev.End || string(text[ev.Start:ev.End]) != ev.Text {
						t.Errorf("%s: evidence %+v is not the statement's words", field, ev)
					}
				}
				if _, ok := d.Evidence["occurred_on"]; !ok {
					t.Errorf("draft %d: the date has no evidence", i)
				}
				// The draft is a document the API takes as it is.
				body, _ := json.Marshal(in)
				dec, err := models.DecodeIncidentInput(body)
				if err == nil {
					_, err = dec.Normalize(time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
				}
				if err != nil {
					t.Errorf("draft %d is refused by the API's rules: %v", i, err)
				}
			}
			if (res.Combined != nil) != (want.Combined != nil) {
				t.Fatalf("combined %+v, want %+v", res.Combined, want.Combined)
			}
			if c := res.Combined; c != nil {
				var got []expectedLine
				for _, l := range c.Casualties {
					got = append(got, expectedLine{Group: string(l.Group), Nationality: l.Nationality, Killed: l.Killed, Wounded: l.Wounded})
				}
				if !reflect.DeepEqual(c.Killed, want.Combined.Killed) || !reflect.DeepEqual(c.Wounded, want.Combined.Wounded) || !reflect.DeepEqual(got, want.Combined.Lines) {
					gj, _ := json.Marshal(got)
					t.Errorf("combined %v/%v %s", deref(c.Killed), deref(c.Wounded), gj)
				}
			}
			gotN := slices.Clone(res.Nationalities)
			slices.Sort(gotN)
			if want.Nationalities == nil {
				want.Nationalities = []string{}
			}
			if !slices.Equal(gotN, want.Nationalities) {
				t.Errorf("nationalities %v, want %v", gotN, want.Nationalities)
			}
			if len(res.Assailants) != want.Assailants {
				t.Errorf("%d counts of assailants, want %d", len(res.Assailants), want.Assailants)
			}
			if len(res.Earlier) != want.Earlier {
				t.Errorf("%d earlier attacks, want %d", len(res.Earlier), want.Earlier)
			}
			if (res.Ignored != nil) != want.Translation {
				t.Errorf("translation set aside: %v, want %v", res.Ignored != nil, want.Translation)
			}
		})
	}
}

func qualifierOf(claims []models.ClaimInput, figure string) string {
	for _, c := range claims {
		if *c.Figure == figure && c.Group == nil && c.Qualifier != nil {
			return *c.Qualifier
		}
	}
	return ""
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
