package store_test

import (
	"context"
	"math/rand/v2"
	"net/url"
	"testing"
	"time"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
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

// The counts' generation stays across edits of a summary or a locality
// alone, and becomes the data's at every other write, however it is made;
// the data's grows with each. The list totals of filters that read the
// words or the time of a change follow every edit.
func TestTheCountsGenerationMovesWithCountsOnly(t *testing.T) {
	ctx := context.Background()
	now := fixedNow
	s, err := store.Open(ctx, storetest.DSN(t), store.WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	inc, err := s.CreateIncident(ctx, "test", mustNormalize(t, menaka()))
	if err != nil {
		t.Fatal(err)
	}
	total := func(query string) int64 {
		t.Helper()
		v, _ := url.ParseQuery(query)
		f, err := models.ParseFilter(v, "updated_since")
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.ListIncidents(ctx, f, models.Page{Sort: "-occurred_on", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	since := "updated_since=" + url.QueryEscape(fixedNow.Add(time.Hour).Format(time.RFC3339))
	if total("q=zebrawood") != 0 || total(since) != 0 || total("region=menaka") != 1 {
		t.Fatal("unexpected totals before the edits")
	}
	data, counts, err := s.Generations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts != data {
		t.Fatalf("after a create: counts' generation %d, data's %d", counts, data)
	}
	now = now.Add(2 * time.Hour)
	edit := func(what string, wordsOnly bool, change func(*models.Incident)) {
		t.Helper()
		if _, err := s.UpdateIncident(ctx, "test", inc.ID, nil, func(cur models.Incident) (models.Incident, error) {
			change(&cur)
			return cur, nil
		}); err != nil {
			t.Fatal(err)
		}
		d, c, err := s.Generations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case d != data+1:
			t.Fatalf("%s: data's generation %d, want %d", what, d, data+1)
		case wordsOnly && c != counts:
			t.Fatalf("%s: counts' generation %d, want it kept at %d", what, c, counts)
		case !wordsOnly && c != d:
			t.Fatalf("%s: counts' generation %d, want the data's %d", what, c, d)
		}
		data, counts = d, c
	}
	edit("a locality", true, func(inc *models.Incident) { inc.Locality = ptr("Zebrawood market") })
	if total("q=zebrawood") != 1 || total(since) != 1 || total("region=menaka") != 1 {
		t.Fatal("the totals did not follow an edit of the locality")
	}
	edit("a summary", true, func(inc *models.Incident) { inc.Summary = "Synthetic: a patrol." })
	edit("the same again", true, func(inc *models.Incident) { inc.Locality = nil })
	if total("q=zebrawood") != 0 {
		t.Fatal("the words' total did not follow")
	}
	edit("a figure", false, func(inc *models.Incident) { inc.Killed = ptr(9) })
	edit("a force", false, func(inc *models.Incident) { inc.Forces = append(inc.Forces, "Barkhane") })
	edit("a region and a locality", false, func(inc *models.Incident) {
		inc.Region, inc.Locality = ptr("Gao"), ptr("Ansongo")
	})
	if total("region=menaka") != 0 || total("region=gao") != 1 {
		t.Fatal("the region's totals did not follow")
	}
	if err := s.DeleteIncident(ctx, "test", inc.ID, nil); err != nil {
		t.Fatal(err)
	}
	if d, c, _ := s.Generations(ctx); d != data+1 || c != d {
		t.Fatalf("after a delete: data's %d, counts' %d", d, c)
	}
}
