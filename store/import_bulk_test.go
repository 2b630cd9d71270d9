package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

// A large import into SQLite drops the secondary indexes midway and builds
// them again before it commits; one that fails leaves them as they were.
// Either way the schema afterwards is the schema before, and filters find
// what they found.
func TestImportBuildsIndexesAfter(t *testing.T) {
	if storetest.Postgres() {
		t.Skip("the bulk-index path is SQLite's")
	}
	defer func(n int) { *store.BulkStep = n }(*store.BulkStep)
	*store.BulkStep = 50

	dsn := storetest.DSN(t)
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db, err := sql.Open("sqlite3", dsn+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	schema := func() map[string]string {
		rows, err := db.Query("SELECT name, ifnull(sql, '') FROM sqlite_master WHERE type = 'index'")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var name, q string
			if err := rows.Scan(&name, &q); err != nil {
				t.Fatal(err)
			}
			out[name] = q
		}
		return out
	}
	before := schema()
	if len(before) < 10 {
		t.Fatalf("only %d indexes before the import", len(before))
	}
	same := func(when string) {
		after := schema()
		if len(after) != len(before) {
			t.Fatalf("%s: %d indexes, %d before", when, len(after), len(before))
		}
		for name, q := range before {
			if after[name] != q {
				t.Fatalf("%s: index %s is %q, was %q", when, name, after[name], q)
			}
		}
	}

	items := synthInputs(240, 11)
	res, err := s.Import(context.Background(), "test", &sliceReader{items: items}, models.ImportOptions{})
	if err != nil || res.Created != 240 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	same("after a bulk import")
	var byIndex, byScan int
	if err := db.QueryRow("SELECT count(*) FROM incidents INDEXED BY incidents_region WHERE region_key = 'mopti' AND deleted_at IS NULL").Scan(&byIndex); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("SELECT count(*) FROM incidents NOT INDEXED WHERE region_key = 'mopti' AND deleted_at IS NULL").Scan(&byScan); err != nil {
		t.Fatal(err)
	}
	if byIndex != byScan || byScan == 0 {
		t.Fatalf("Mopti incidents: %d through the rebuilt index, %d by a scan", byIndex, byScan)
	}
	var texts int
	if err := db.QueryRow("SELECT count(*) FROM incident_text WHERE incident_text MATCH 'mission*'").Scan(&texts); err != nil || texts == 0 {
		t.Fatalf("text index: %d incidents say mission, %v", texts, err)
	}
	page, err := s.ListIncidents(context.Background(), models.Filter{Words: []string{"mission"}}, models.Page{Sort: "-occurred_on", Limit: 1000})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("q=mission: %d items, %v", len(page.Items), err)
	}

	// 200 new incidents, then a bad row: nothing stays, indexes included.
	more := synthInputs(201, 12)
	more[200].OccurredOn = ptr("not a date")
	_, err = s.Import(context.Background(), "test", &sliceReader{items: more}, models.ImportOptions{})
	var me *models.Error
	if !errors.As(err, &me) || me.Code != models.Invalid {
		t.Fatalf("import with a bad row: %v", err)
	}
	same("after a failed import")
	var n int
	if err := db.QueryRow("SELECT count(*) FROM incidents").Scan(&n); err != nil || n != 240 {
		t.Fatalf("%d incidents after the failed import, want 240 (%v)", n, err)
	}
}

// Imports larger than a batch, on either engine (PostgreSQL copies them in
// batches): every record is stored once with its words, lists and totals;
// a re-import skips what is there; a file naming an external_id twice
// creates it once and updates it once.
func TestImportAcrossBatches(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	items := synthInputs(4500, 21)
	res, err := s.Import(ctx, "test", &sliceReader{items: items}, models.ImportOptions{})
	if err != nil || res.Created != 4500 {
		t.Fatalf("first import: %+v, %v", res, err)
	}
	again := append(synthInputs(4500, 21)[2000:3000], synthInputs(1500, 22)...)
	res, err = s.Import(ctx, "test", &sliceReader{items: again}, models.ImportOptions{OnConflict: models.OnConflictSkip})
	if err != nil || res.Created != 1500 || res.Skipped != 1000 {
		t.Fatalf("re-import with skip: %+v, %v", res, err)
	}
	twice := synthInputs(2, 23)
	second := twice[0]
	second.Summary = ptr("Second version of the same record.")
	twice = append(twice, second)
	res, err = s.Import(ctx, "test", &sliceReader{items: twice}, models.ImportOptions{OnConflict: models.OnConflictUpdate})
	if err != nil || res.Created != 2 || res.Updated != 1 {
		t.Fatalf("a record twice in one file: %+v, %v", res, err)
	}
	page, err := s.ListIncidents(ctx, models.Filter{}, models.Page{Sort: "-occurred_on", Limit: 1})
	if err != nil || page.Total != 6002 {
		t.Fatalf("total %d, %v", page.Total, err)
	}
	page, err = s.ListIncidents(ctx, models.Filter{Words: []string{"second", "version"}}, models.Page{Sort: "-occurred_on", Limit: 10})
	if err != nil || page.Total != 1 || *page.Items[0].ExternalID != *second.ExternalID {
		t.Fatalf("q=second version: %+v, %v", page, err)
	}
	var killed int
	for _, in := range append(items, again[1000:]...) {
		inc, err := in.Normalize(fixedNow)
		if err != nil {
			t.Fatal(err)
		}
		killed += models.Value0(inc.Killed)
	}
	for _, in := range twice[1:] {
		inc, _ := in.Normalize(fixedNow)
		killed += models.Value0(inc.Killed)
	}
	rep, err := s.CasualtyReport(ctx, models.Filter{}, []models.Dimension{"year"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Totals.Incidents != 6002 || rep.Totals.Killed != int64(killed) {
		t.Fatalf("report totals %+v, want 6002 incidents and %d killed", rep.Totals, killed)
	}
}
