package store_test

import (
	"context"
	"slices"
	"testing"

	"incidentdb/models"
)

// An edit rewrites the child rows of the tables it changes and leaves the
// others where they are; whatever it rewrites or leaves, the incident's
// filters, words and figures answer for what it now says.
func TestAnEditRewritesOnlyTheChildRowsItChanges(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	in := menaka()
	in.Forces, in.ContributingCountries = []string{"MINUSMA", "Barkhane"}, []string{"NE", "TD"}
	inc, err := s.CreateIncident(ctx, "tester", mustNormalize(t, in))
	if err != nil {
		t.Fatal(err)
	}
	version := inc.Version
	edit := func(change func(*models.Incident)) map[string][]string {
		t.Helper()
		before, err := s.ChildRowPlaces(inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.UpdateIncident(ctx, "tester", inc.ID, []int{version}, func(cur models.Incident) (models.Incident, error) {
			change(&cur)
			return cur, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		version = got.Version
		after, err := s.ChildRowPlaces(inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		moved := map[string][]string{}
		for table, places := range after {
			if !slices.Equal(before[table], places) {
				moved[table] = places
			}
		}
		return moved
	}
	finds := func(f models.Filter) bool {
		t.Helper()
		res, err := s.ListIncidents(ctx, f, models.Page{Sort: "id", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total == 1 && len(res.Items) == 1 && res.Items[0].ID == inc.ID
	}
	killedOfNiger := func() int {
		t.Helper()
		rep, err := s.CasualtyReport(ctx, models.Filter{Nationalities: []string{"NE"}}, []models.Dimension{"type"})
		if err != nil {
			t.Fatal(err)
		}
		return int(rep.Totals.Killed)
	}

	moved := edit(func(cur *models.Incident) { cur.Locality = ptr("Tinzaouatène") })
	for _, table := range []string{"casualties", "incident_forces", "incident_countries"} {
		if _, ok := moved[table]; ok {
			t.Errorf("a new locality rewrote the rows of %s", table)
		}
	}
	if !finds(models.Filter{Words: models.Words("tinzaouatene")}) || finds(models.Filter{Words: models.Words("nothere")}) {
		t.Error("q does not answer for the new locality")
	}
	if !finds(models.Filter{Forces: []string{"barkhane"}, ContributingCountries: []string{"TD"}}) || killedOfNiger() != 3 {
		t.Error("the rows left in place no longer answer for the incident")
	}

	moved = edit(func(cur *models.Incident) {
		cur.Casualties = slices.Clone(cur.Casualties)
		cur.Casualties[0].Killed = ptr(4)
	})
	if _, ok := moved["casualties"]; !ok || len(moved) != 1 {
		t.Errorf("a changed casualty line moved %v, want the casualties alone", moved)
	}
	if killedOfNiger() != 4 {
		t.Errorf("killed of Niger's peacekeepers = %d after the edit, want 4", killedOfNiger())
	}

	moved = edit(func(cur *models.Incident) {
		cur.Forces = []string{"MINUSMA"}
		cur.ContributingCountries = []string{"NE"}
	})
	if _, ok := moved["casualties"]; ok || len(moved) != 2 {
		t.Errorf("new forces and countries moved %v, want those two tables", moved)
	}
	if finds(models.Filter{Forces: []string{"barkhane"}}) || finds(models.Filter{ContributingCountries: []string{"TD"}}) ||
		!finds(models.Filter{Forces: []string{"minusma"}, ContributingCountries: []string{"NE"}}) {
		t.Error("filters by force and country do not answer for the new lists")
	}
}
