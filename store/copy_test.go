package store_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

// TestCopyKeepsEverything copies a SQLite database with history, deletions
// and keys to a new database (PostgreSQL when the tests run there) and
// finds the same incidents, revisions, reports and keys.
func TestCopyKeepsEverything(t *testing.T) {
	ctx := context.Background()
	src, err := store.Open(ctx, filepath.Join(t.TempDir(), "src.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	r := rand.New(rand.NewPCG(3, 4))
	for range 120 {
		if _, err := src.CreateIncident(ctx, "t", mustNormalize(t, randomIncident(r))); err != nil {
			t.Fatal(err)
		}
	}
	for id := int64(1); id <= 30; id++ {
		next := mustNormalize(t, randomIncident(r))
		if _, err := src.UpdateIncident(ctx, "editor", id, nil, func(models.Incident) (models.Incident, error) { return next, nil }); err != nil {
			t.Fatal(err)
		}
	}
	for id := int64(31); id <= 40; id++ {
		if err := src.DeleteIncident(ctx, "editor", id, nil); err != nil {
			t.Fatal(err)
		}
	}
	key, err := src.CreateKey(ctx, "ana", models.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := store.Open(ctx, storetest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if err := src.CopyTo(ctx, dst, nil); err != nil {
		t.Fatal(err)
	}
	page := models.Page{Sort: "id", Limit: 1000}
	a, _ := src.ListIncidents(ctx, models.Filter{}, page)
	b, err := dst.ListIncidents(ctx, models.Filter{}, page)
	if err != nil || a.Total != 110 {
		t.Fatalf("lists: %d, %v", a.Total, err)
	}
	if diff := cmp.Diff(a.Items, b.Items); diff != "" {
		t.Errorf("incidents differ (-source +copy):\n%s", diff)
	}
	for _, id := range []int64{5, 35} {
		ha, _ := src.History(ctx, id, models.HistoryPage{})
		hb, err := dst.History(ctx, id, models.HistoryPage{})
		if err != nil || !cmp.Equal(ha, hb) {
			t.Errorf("history of %d differs: %v", id, err)
		}
	}
	dims := []models.Dimension{"region", "nationality"}
	ra, _ := src.CasualtyReport(ctx, models.Filter{}, dims)
	rb, err := dst.CasualtyReport(ctx, models.Filter{}, dims)
	if err != nil || !cmp.Equal(ra.Rows, rb.Rows) || ra.Totals != rb.Totals {
		t.Errorf("reports differ: %v", err)
	}
	if name, _, err := dst.Authenticate(ctx, key); err != nil || name != "ana" {
		t.Errorf("the key does not work on the copy: %q %v", name, err)
	}
	// New writes on the copy get fresh ids.
	inc, err := dst.CreateIncident(ctx, "t", mustNormalize(t, randomIncident(r)))
	if err != nil || inc.ID != 121 {
		t.Errorf("first new incident on the copy: id %d, %v", inc.ID, err)
	}
	if err := src.CopyTo(ctx, dst, nil); err == nil {
		t.Error("copying into a database that is not empty succeeded")
	}
}
