package store_test

import (
	"context"
	"math/rand/v2"
	"net/url"
	"testing"

	"incidentdb/models"
)

// A list's total comes from a cache between writes; every write, of any
// kind, must show in the next total, and each total must equal a count
// of the incidents themselves.
func TestListTotalsFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	r := rand.New(rand.NewPCG(7, 8))
	// Filters the totals tables count and filters they do not.
	var filters []models.Filter
	for _, q := range []string{"", "country=ML", "type=ied", "region=Gao", "from=2018&to=2019", "from=2018-03&to=2018-10",
		"mission=MINUSMA", "type=ied&country=ML", "group=peacekeeper", "min_killed=1", "from=2018-03-15"} {
		v, err := url.ParseQuery(q)
		if err != nil {
			t.Fatal(err)
		}
		f, err := models.ParseFilter(v)
		if err != nil {
			t.Fatal(err)
		}
		filters = append(filters, f)
	}
	brute := func(f models.Filter) int64 {
		var n int64
		if err := s.Each(ctx, f, func(*models.Incident) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	check := func(step string) {
		t.Helper()
		for _, f := range filters {
			for range 2 { // the second answer is the cached one
				res, err := s.ListIncidents(ctx, f, models.Page{Sort: "-occurred_on", Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				if want := brute(f); res.Total != want {
					t.Fatalf("%s: total %d, the incidents count %d (filter %+v)", step, res.Total, want, f)
				}
			}
		}
	}
	var ids []int64
	for i := range 20 {
		inc, err := s.CreateIncident(ctx, "test", mustNormalize(t, randomIncident(r)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inc.ID)
		if i%5 == 0 {
			check("after a create")
		}
	}
	check("after creates")
	if _, err := s.UpdateIncident(ctx, "test", ids[0], nil, func(cur models.Incident) (models.Incident, error) {
		cur.Type = models.IED
		return cur, nil
	}); err != nil {
		t.Fatal(err)
	}
	check("after an update")
	if err := s.DeleteIncident(ctx, "test", ids[1], nil); err != nil {
		t.Fatal(err)
	}
	check("after a delete")
	if _, err := s.RestoreIncident(ctx, "test", ids[1], nil); err != nil {
		t.Fatal(err)
	}
	check("after a restore")
	if _, err := importNDJSON(t, s, ndjsonRecord("count-1", "Synthetic: imported.")+"\n"+ndjsonRecord("count-2", "Synthetic: imported too.")+"\n", models.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	check("after an import")
	a, err := s.CreateIncident(ctx, "test", mustNormalize(t, menaka()))
	if err != nil {
		t.Fatal(err)
	}
	second := menaka()
	second.ExternalID = ptr("count-second-record")
	b, err := s.CreateIncident(ctx, "test", mustNormalize(t, second))
	if err != nil {
		t.Fatal(err)
	}
	check("after two more")
	if _, err := s.Merge(ctx, "test", a.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	check("after a merge")
}
