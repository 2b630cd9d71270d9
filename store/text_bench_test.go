package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"incidentdb/models"
	"incidentdb/store"
	"incidentdb/store/storetest"
)

// BenchmarkTextSearch puts the engine's own text index (migration 0015)
// side by side with the word table it replaced, on the same incidents in
// the same database: a count and a first page of 50 for each query, and
// the size of each (MiB, reported as a metric). The word table is built
// here as migration 0004 made it, from the same words.
//
//	go test -tags sqlite_fts5 -run '^$' -bench TextSearch ./store
//	INCIDENTDB_TEST_POSTGRES=postgres://... go test -tags sqlite_fts5 -run '^$' -bench TextSearch ./store
func BenchmarkTextSearch(b *testing.B) {
	ctx := context.Background()
	dsn := storetest.DSN(b)
	s, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const n = 50_000
	if res, err := s.Import(ctx, "bench", &sliceReader{items: synthInputs(n, 41)}, models.ImportOptions{}); err != nil || res.Created != n {
		b.Fatalf("import: %+v, %v", res, err)
	}
	db := rawDB(b, dsn)
	pg := store.IsPostgres(dsn)
	create := "CREATE TABLE bench_words (word TEXT NOT NULL, incident_id INTEGER NOT NULL, PRIMARY KEY (word, incident_id)) WITHOUT ROWID"
	if pg {
		create = `CREATE TABLE bench_words (word TEXT COLLATE "C" NOT NULL, incident_id BIGINT NOT NULL, PRIMARY KEY (word, incident_id))`
	}
	if _, err := db.Exec(create); err != nil {
		b.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	ins, err := tx.Prepare(rebindFor(dsn, "INSERT INTO bench_words (word, incident_id) VALUES (?, ?)"))
	if err != nil {
		b.Fatal(err)
	}
	for _, inc := range allIncidents(b, s) {
		text := inc.Summary
		if inc.Locality != nil {
			text += " " + *inc.Locality
		}
		for _, w := range models.Words(text) {
			if _, err := ins.Exec(w, inc.ID); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if pg {
		if _, err := db.Exec("VACUUM ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	sizes := map[string]float64{}
	for layout, table := range map[string]string{"index": "incident_text", "words": "bench_words"} {
		var bytes int64
		if pg {
			if err := db.QueryRow("SELECT pg_total_relation_size('" + table + "')").Scan(&bytes); err != nil {
				b.Fatal(err)
			}
		} else {
			bytes = sqliteTableSize(b, db, table)
		}
		sizes[layout] = float64(bytes) / (1 << 20)
	}
	for _, q := range [][]string{{"convoy"}, {"menaka", "convoi"}, {"att"}} {
		for _, layout := range []string{"index", "words"} {
			cond, arg := "", []any{}
			switch {
			case layout == "words":
				for _, w := range q {
					cond += " AND id IN (SELECT incident_id FROM bench_words WHERE word >= ? AND word < ?)"
					arg = append(arg, w, w+"\U0010FFFF")
				}
			case pg:
				cond = " AND id IN (SELECT incident_id FROM incident_text WHERE words @@ CAST(? AS tsquery))"
				arg = append(arg, "'"+strings.Join(q, "':* & '")+"':*")
			default:
				cond = " AND id IN (SELECT rowid FROM incident_text WHERE incident_text MATCH ?)"
				arg = append(arg, `"`+strings.Join(q, `"* AND "`)+`"*`)
			}
			count := prepare(b, db, rebindFor(dsn, "SELECT count(*) FROM incidents WHERE deleted_at IS NULL"+cond))
			page := prepare(b, db, rebindFor(dsn, "SELECT id FROM incidents WHERE deleted_at IS NULL"+cond+" ORDER BY occurred_on DESC, id DESC LIMIT 50"))
			b.Run(strings.Join(q, "+")+"/"+layout, func(b *testing.B) {
				var total int64
				for b.Loop() {
					if err := count.QueryRow(arg...).Scan(&total); err != nil {
						b.Fatal(err)
					}
					rows, err := page.Query(arg...)
					if err != nil {
						b.Fatal(err)
					}
					for rows.Next() {
					}
					rows.Close()
				}
				b.ReportMetric(float64(total), "matches")
				b.ReportMetric(sizes[layout], "MiB")
			})
		}
	}
}

// sqliteTableSize is what table adds to a vacuumed copy of the database
// (the driver is built without the dbstat table).
func sqliteTableSize(tb testing.TB, db *sql.DB, table string) int64 {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "copy.db")
	if _, err := db.Exec("VACUUM INTO ?", path); err != nil {
		tb.Fatal(err)
	}
	copyDB, err := sql.Open("sqlite3", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer copyDB.Close()
	size := func() int64 {
		var pages, pageSize int64
		if err := copyDB.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
			tb.Fatal(err)
		}
		if err := copyDB.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
			tb.Fatal(err)
		}
		return pages * pageSize
	}
	with := size()
	if _, err := copyDB.Exec("DROP TABLE " + table); err != nil {
		tb.Fatal(err)
	}
	if _, err := copyDB.Exec("VACUUM"); err != nil {
		tb.Fatal(err)
	}
	return with - size()
}

func prepare(tb testing.TB, db *sql.DB, q string) *sql.Stmt {
	tb.Helper()
	st, err := db.Prepare(q)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st
}
