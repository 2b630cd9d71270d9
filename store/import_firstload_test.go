package store_test

import (
	"context"
	"database/sql"
	"maps"
	"net/url"
	"slices"
	"testing"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

// secondaryIndexes are the definitions of the non-unique indexes of the
// incidents and their child tables, by name, and the relation of each.
func secondaryIndexes(tb testing.TB, db *sql.DB) (defs map[string]string, rels map[string]int64) {
	tb.Helper()
	rows, err := db.Query(`SELECT c.relname, c.oid, pg_get_indexdef(x.indexrelid)
		FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND NOT x.indisunique
		AND t.relname IN ('incidents', 'casualties', 'incident_forces', 'incident_countries', 'incident_text')`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	defs, rels = map[string]string{}, map[string]int64{}
	for rows.Next() {
		var name, def string
		var oid int64
		if err := rows.Scan(&name, &oid, &def); err != nil {
			tb.Fatal(err)
		}
		defs[name], rels[name] = def, oid
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return defs, rels
}

// A first load into an empty PostgreSQL database builds the secondary
// indexes after the rows: every one comes back as it was defined, as a new
// relation, and the filters it serves answer as the row-by-row import's
// do. A first load that fails leaves the indexes untouched, and so does
// one into a table that holds incidents.
func TestFirstLoadBuildsTheIndexesAgainAsTheyWere(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("PostgreSQL's first load; SQLite builds its indexes at the end of any large import")
	}
	ctx := context.Background()
	items := synthInputs(400, 17)
	counts := func(s *store.Store) []int64 {
		var out []int64
		for _, q := range []string{"region=Gao", "force=MINUSMA", "group=peacekeeper", "nationality=TD", "type=ied",
			"country=ML&from=2016-01-01", "q=convoi", "min_killed=1"} {
			v, _ := url.ParseQuery(q)
			f, err := models.ParseFilter(v)
			if err != nil {
				t.Fatal(q, err)
			}
			res, err := s.ListIncidents(ctx, f, models.Page{Sort: "-occurred_on", Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, res.Total)
		}
		return out
	}

	rowByRow := mustOpen(t)
	if res, err := rowByRow.Import(ctx, "test", &sliceReader{items: items}, models.ImportOptions{}); err != nil || res.Created != len(items) {
		t.Fatalf("import: %+v, %v", res, err)
	}
	want := counts(rowByRow)

	dsn := storetest.DSN(t)
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	db := rawDB(t, dsn)
	defs, rels := secondaryIndexes(t, db)
	if len(defs) < 10 {
		t.Fatalf("only %d secondary indexes: %v", len(defs), defs)
	}

	// A bad record rolls the whole load back, the dropped indexes with it.
	bad := append(append([]models.IncidentInput{}, items[:50]...), models.IncidentInput{Summary: ptr("no date, no type")})
	if res, err := s.Import(ctx, "test", &sliceReader{items: bad}, models.ImportOptions{FirstLoad: true}); err == nil && len(res.Errors) == 0 {
		t.Fatalf("a load with a bad record stored: %+v", res)
	}
	if d, r := secondaryIndexes(t, db); !maps.Equal(d, defs) || !maps.Equal(r, rels) {
		t.Fatalf("a failed first load changed the indexes:\n%v\n%v", d, defs)
	}

	if res, err := s.Import(ctx, "test", &sliceReader{items: items}, models.ImportOptions{FirstLoad: true}); err != nil || res.Created != len(items) {
		t.Fatalf("first load: %+v, %v", res, err)
	}
	after, afterRels := secondaryIndexes(t, db)
	if !maps.Equal(after, defs) {
		t.Fatalf("the indexes after a first load differ:\n%v\nwant %v", after, defs)
	}
	for name, oid := range afterRels {
		if oid == rels[name] {
			t.Errorf("%s was not built again", name)
		}
	}
	if got := counts(s); !slices.Equal(got, want) || slices.Max(want) == 0 {
		t.Fatalf("filter totals after a first load %v, row by row %v", got, want)
	}

	// The table holds incidents now: a second load leaves its indexes be.
	more := synthInputs(30, 18)
	if res, err := s.Import(ctx, "test", &sliceReader{items: more}, models.ImportOptions{FirstLoad: true}); err != nil || res.Created != len(more) {
		t.Fatalf("second load: %+v, %v", res, err)
	}
	if _, r := secondaryIndexes(t, db); !maps.Equal(r, afterRels) {
		t.Fatal("a load into a table that holds incidents rebuilt its indexes")
	}
}
