package main

import (
	"fmt"
	"strings"
)

// The psql baselines, the PostgreSQL form of scripts.go: the CSV goes into
// a temporary staging table with \copy (temporary, so its pages are never
// counted in the database compared), then into the tables with INSERT ...
// SELECT. They do what the sqlite3 scripts do, with PostgreSQL's means:
// jsonb_array_elements ... WITH ORDINALITY where SQLite has json_each and
// its key, string_to_array for the words (SQLite splits them by building a
// JSON array), chr() for char(), ON CONFLICT DO NOTHING for INSERT OR
// IGNORE. Types are those of our PostgreSQL migrations: integers cast from
// the CSV text, latitude and longitude as double precision.
//
// Two steps of the sqlite3 scripts have no counterpart and are left out
// rather than imitated: the pragmas (PostgreSQL runs with the server's
// settings, as the service's connections do) and the final WAL checkpoint
// (PostgreSQL checkpoints in the background; the database's size does not
// wait on it).

func pgMark(name string) string {
	return fmt.Sprintf("SELECT 'T', '%s', extract(epoch FROM clock_timestamp());\n", name)
}

// pgUnguard undoes the formula guard of our CSV, as unguard does.
func pgUnguard(col string) string {
	return fmt.Sprintf("CASE WHEN left(%[1]s, 1) = '''' AND substr(%[1]s, 2, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) "+
		"THEN substr(%[1]s, 2) ELSE %[1]s END", col)
}

// pgWords is the summary and locality of staging row s split into
// lower-cased words on the punctuation wordsJSON uses.
func pgWords() string {
	expr := "lower(s.summary || ' ' || s.locality)"
	for _, c := range []string{`\`, `"`, `.`, `,`, `;`, `:`, `!`, `?`, `(`, `)`, `''`, `’`, `-`, `/`, `«`, `»`} {
		expr = fmt.Sprintf("replace(%s, '%s', ' ')", expr, c)
	}
	return fmt.Sprintf("string_to_array(replace(replace(replace(%s, chr(10), ' '), chr(13), ' '), chr(9), ' '), ' ')", expr)
}

// pgStage copies the CSV into staging with an identity column standing in
// for SQLite's rowid. FORCE_NOT_NULL reads empty cells as empty strings
// rather than NULL, as the sqlite3 shell's .import does, so the expressions
// below are those of the sqlite3 scripts.
func pgStage(csvPath string, header []string) string {
	cols := make([]string, len(header))
	defs := make([]string, len(header))
	for i, h := range header {
		cols[i] = `"` + strings.ReplaceAll(h, `"`, `""`) + `"`
		defs[i] = cols[i] + " text"
	}
	list := strings.Join(cols, ", ")
	return fmt.Sprintf("CREATE TEMP TABLE staging (rid bigint GENERATED ALWAYS AS IDENTITY, %s);\n", strings.Join(defs, ", ")) +
		fmt.Sprintf("\\copy staging (%s) FROM '%s' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (%s))\n",
			list, strings.ReplaceAll(csvPath, "'", "''"), list) +
		pgMark("staging")
}

const pgNow = `to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

// pgBaselineScript loads csvPath into our schema; listsOnRow says the
// schema also keeps the casualty lines and sources on the incident row.
func pgBaselineScript(csvPath string, header []string, listsOnRow bool) string {
	var b strings.Builder
	b.WriteString(pgStage(csvPath, header))
	b.WriteString("BEGIN;\n")
	listCols, listVals := "", ""
	if listsOnRow {
		listCols = ", casualties, sources"
		listVals = ", CASE WHEN casualties = '' THEN '[]' ELSE casualties END, CASE WHEN sources = '' THEN '[]' ELSE sources END"
	}
	fmt.Fprintf(&b, `INSERT INTO incidents (id, external_id, occurred_on, date_precision, mission, mission_key, country, region, region_key,
	locality, latitude, longitude, type, summary, killed, wounded, killed_known, wounded_known, killed_low, killed_high, wounded_low, wounded_high,
	origin, forces, contributing_countries, created_at, updated_at, version%[9]s)
SELECT rid, nullif(%[1]s, ''), occurred_on, date_precision, nullif(%[2]s, ''), lower(nullif(%[2]s, '')), nullif(country, ''),
	nullif(%[3]s, ''), lower(nullif(%[3]s, '')), nullif(%[4]s, ''), nullif(latitude, '')::double precision, nullif(longitude, '')::double precision,
	type, %[5]s, k, w, (killed <> '')::int, (wounded <> '')::int, k, k, w, w, 'csv', %[6]s, %[7]s, %[8]s, %[8]s, 1%[10]s
FROM staging, LATERAL (SELECT coalesce(nullif(killed, '')::integer, 0) AS k, coalesce(nullif(wounded, '')::integer, 0) AS w) f ORDER BY rid;
`, pgUnguard("external_id"), pgUnguard("mission"), pgUnguard("region"), pgUnguard("locality"), pgUnguard("summary"),
		listJSON("forces"), listJSON("contributing_countries"), pgNow, listCols, listVals)
	// Explicit ids leave the identity behind; a later insert would collide.
	b.WriteString("SELECT setval(pg_get_serial_sequence('incidents', 'id'), (SELECT max(id) FROM incidents));\n")
	b.WriteString(pgMark("incidents"))
	b.WriteString(`INSERT INTO casualties (incident_id, position, grp, force, force_key, nationality, killed, killed_known, wounded, wounded_known,
	killed_low, killed_high, wounded_low, wounded_high)
SELECT s.rid, j.n - 1, j.v->>'group', j.v->>'force', lower(j.v->>'force'), j.v->>'nationality',
	coalesce((j.v->>'killed')::integer, 0), (j.v->>'killed' IS NOT NULL)::int, coalesce((j.v->>'wounded')::integer, 0), (j.v->>'wounded' IS NOT NULL)::int,
	coalesce((j.v->>'killed')::integer, 0), coalesce((j.v->>'killed')::integer, 0), coalesce((j.v->>'wounded')::integer, 0), coalesce((j.v->>'wounded')::integer, 0)
FROM staging s, jsonb_array_elements((CASE WHEN s.casualties = '' THEN '[]' ELSE s.casualties END)::jsonb) WITH ORDINALITY j(v, n);
`)
	b.WriteString(unattributedSQL)
	b.WriteString(pgMark("casualties"))
	b.WriteString(`INSERT INTO incident_forces (incident_id, position, name, name_key)
SELECT i.id, j.n - 1, j.v, lower(j.v) FROM incidents i, jsonb_array_elements_text(i.forces::jsonb) WITH ORDINALITY j(v, n);
INSERT INTO incident_countries (incident_id, position, code)
SELECT i.id, j.n - 1, j.v FROM incidents i, jsonb_array_elements_text(i.contributing_countries::jsonb) WITH ORDINALITY j(v, n);
`)
	b.WriteString(pgMark("forces+countries"))
	fmt.Fprintf(&b, `INSERT INTO incident_text (incident_id, words)
SELECT s.rid, array_to_tsvector(array_agg(DISTINCT w)) FROM staging s, unnest(%s) w
WHERE length(w) >= 2 AND w NOT IN (%s)
GROUP BY s.rid;
`, pgWords(), sqlList(stopWords))
	b.WriteString(pgMark("words"))
	b.WriteString(`INSERT INTO revisions (incident_id, version, action, actor, changed_at, changes)
SELECT id, 1, 'create', 'psql', created_at, '[]' FROM incidents;
`)
	b.WriteString(pgMark("revisions"))
	b.WriteString(totalsSQL())
	b.WriteString("UPDATE meta SET value = value + 1 WHERE key = 'generation';\nCOMMIT;\n")
	b.WriteString(pgMark("totals+commit"))
	return b.String()
}

// pgFlatScript is flatScript for PostgreSQL: one table with every column
// of the CSV and the server-owned ones, the key columns in the "C"
// collation our migrations give them, and the nine indexes of our
// incidents table built after the load.
func pgFlatScript(csvPath string, header []string) string {
	var b strings.Builder
	b.WriteString(pgStage(csvPath, header))
	b.WriteString(`CREATE TABLE flat (
	id bigint PRIMARY KEY, external_id text, occurred_on text COLLATE "C" NOT NULL, date_precision text NOT NULL, mission text COLLATE "C",
	country text COLLATE "C", region text COLLATE "C", locality text, latitude double precision, longitude double precision,
	type text COLLATE "C" NOT NULL, summary text NOT NULL, killed integer NOT NULL, wounded integer NOT NULL, forces text,
	contributing_countries text, casualties text, sources text, created_at text COLLATE "C" NOT NULL, updated_at text COLLATE "C" NOT NULL,
	deleted_at text COLLATE "C", version integer NOT NULL);
BEGIN;
`)
	fmt.Fprintf(&b, `INSERT INTO flat SELECT rid, nullif(external_id, ''), occurred_on, date_precision, nullif(mission, ''), nullif(country, ''),
	nullif(region, ''), nullif(locality, ''), nullif(latitude, '')::double precision, nullif(longitude, '')::double precision, type, summary,
	coalesce(nullif(killed, '')::integer, 0), coalesce(nullif(wounded, '')::integer, 0), forces, contributing_countries, casualties, sources, %[1]s, %[1]s, NULL, 1
FROM staging ORDER BY rid;
`, pgNow)
	b.WriteString(pgMark("rows"))
	b.WriteString(flatIndexes)
	b.WriteString(pgMark("indexes"))
	return b.String()
}
