package main

import (
	"fmt"
	"strings"
)

// The sqlite3 shell baselines. Both read the CSV into a temporary staging
// table (in the temp database, so its pages never land in the file whose
// size is compared) and turn it into rows with INSERT ... SELECT, the way
// someone loading this file by hand would.
//
// The import baseline fills our schema completely, so that it does the
// work our import does: the incidents with their JSON list columns, the
// casualty, force, country and source rows from the JSON and list cells
// (json_each), the word index of summary and locality, one revision per
// incident, the totals tables and the generation. Two approximations make
// it cheaper than ours, and the comparison is stated with them: the folded
// key columns are lower(), which folds ASCII only (we fold accents in Go),
// and words are split on a fixed set of punctuation with lower() instead
// of Unicode letter classes.

// unguard undoes the apostrophe export puts before a cell a spreadsheet
// would run as a formula, as our reader does.
func unguard(col string) string {
	return fmt.Sprintf("CASE WHEN substr(%[1]s, 1, 1) = '''' AND substr(%[1]s, 2, 1) IN ('=', '+', '-', '@', char(9), char(13)) "+
		"THEN substr(%[1]s, 2) ELSE %[1]s END", col)
}

// listJSON turns a ;-joined list cell into the JSON array the incidents
// table keeps.
func listJSON(col string) string {
	return fmt.Sprintf(`CASE WHEN %[1]s = '' THEN '[]' ELSE '["' || replace(%[1]s, ';', '","') || '"]' END`, col)
}

// wordsJSON splits text (an SQL expression) into a JSON array of
// lower-cased words, for json_each: punctuation and quotes become spaces,
// spaces become array separators, and the empty strings this leaves are
// filtered out afterwards.
func wordsJSON(text string) string {
	expr := "lower(" + text + ")"
	for _, c := range []string{`\`, `"`, `.`, `,`, `;`, `:`, `!`, `?`, `(`, `)`, `''`, `’`, `-`, `/`, `«`, `»`} {
		expr = fmt.Sprintf("replace(%s, '%s', ' ')", expr, c)
	}
	expr = fmt.Sprintf("replace(replace(replace(%s, char(10), ' '), char(13), ' '), char(9), ' ')", expr)
	return `'["' || replace(` + expr + `, ' ', '","') || '"]'`
}

// stopWords are the words our index leaves out (models.Words).
const stopWords = `the an of in on at to and or by with for from was were is are be been has have had
	it its as this that which who near after during into
	le la les de des du un une et ou au aux en dans sur par pour pres contre qui que est sont ete a ont avec lors`

func sqlList(words string) string {
	f := strings.Fields(words)
	for i, w := range f {
		f[i] = "'" + w + "'"
	}
	return strings.Join(f, ", ")
}

func mark(name string) string {
	return fmt.Sprintf("SELECT 'T', '%s', printf('%%.3f', (julianday('now') - 2440587.5) * 86400.0);\n", name)
}

// common matches the pragmas of our own writer connection.
const common = `.bail on
.mode list
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = ON;
PRAGMA cache_size = -131072;
`

func stage(csvPath string) string {
	return fmt.Sprintf(".import --csv --schema temp '%s' staging\n", strings.ReplaceAll(csvPath, "'", "''")) + mark("staging")
}

// baselineScript loads csvPath into our schema; listsOnRow says the
// schema also keeps the casualty lines and sources on the incident row.
// The text index is left to baselineTextSQL, which the shell cannot run.
func baselineScript(csvPath string, listsOnRow bool) string {
	var b strings.Builder
	b.WriteString(common)
	b.WriteString(stage(csvPath))
	b.WriteString("BEGIN;\n")
	now := "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
	listCols, listVals := "", ""
	if listsOnRow {
		listCols = ", casualties, sources"
		listVals = ", CASE WHEN casualties = '' THEN '[]' ELSE casualties END, CASE WHEN sources = '' THEN '[]' ELSE sources END"
	}
	fmt.Fprintf(&b, `INSERT INTO incidents (id, external_id, occurred_on, date_precision, mission, mission_key, country, region, region_key,
	locality, latitude, longitude, type, summary, killed, wounded, killed_known, wounded_known, killed_low, killed_high, wounded_low, wounded_high,
	origin, forces, contributing_countries, created_at, updated_at, version%[9]s)
SELECT rowid, nullif(%[1]s, ''), occurred_on, date_precision, nullif(%[2]s, ''), lower(nullif(%[2]s, '')), nullif(country, ''),
	nullif(%[3]s, ''), lower(nullif(%[3]s, '')), nullif(%[4]s, ''), CAST(nullif(latitude, '') AS REAL), CAST(nullif(longitude, '') AS REAL),
	type, %[5]s, CAST(killed AS INTEGER), CAST(wounded AS INTEGER), killed <> '', wounded <> '',
	CAST(killed AS INTEGER), CAST(killed AS INTEGER), CAST(wounded AS INTEGER), CAST(wounded AS INTEGER),
	'csv', %[6]s, %[7]s, %[8]s, %[8]s, 1%[10]s
FROM temp.staging ORDER BY rowid;
`, unguard("external_id"), unguard("mission"), unguard("region"), unguard("locality"), unguard("summary"),
		listJSON("forces"), listJSON("contributing_countries"), now, listCols, listVals)
	b.WriteString(mark("incidents"))
	b.WriteString(`INSERT INTO casualties (incident_id, position, grp, force, force_key, nationality, killed, killed_known, wounded, wounded_known,
	killed_low, killed_high, wounded_low, wounded_high)
SELECT incident_id, position, grp, force, lower(force), nationality, coalesce(k, 0), k IS NOT NULL, coalesce(w, 0), w IS NOT NULL,
	coalesce(k, 0), coalesce(k, 0), coalesce(w, 0), coalesce(w, 0)
FROM (SELECT s.rowid AS incident_id, j.key AS position, json_extract(j.value, '$.group') AS grp, json_extract(j.value, '$.force') AS force,
	json_extract(j.value, '$.nationality') AS nationality, json_extract(j.value, '$.killed') AS k, json_extract(j.value, '$.wounded') AS w
	FROM temp.staging s, json_each(CASE WHEN s.casualties = '' THEN '[]' ELSE s.casualties END) j);
`)
	b.WriteString(unattributedSQL)
	b.WriteString(mark("casualties"))
	b.WriteString(`INSERT INTO incident_forces (incident_id, position, name, name_key)
SELECT i.id, j.key, j.value, lower(j.value) FROM incidents i, json_each(i.forces) j;
INSERT INTO incident_countries (incident_id, position, code)
SELECT i.id, j.key, j.value FROM incidents i, json_each(i.contributing_countries) j;
`)
	b.WriteString(mark("forces+countries"))
	fmt.Fprintf(&b, `INSERT INTO revisions (incident_id, version, action, actor, changed_at, changes)
SELECT id, 1, 'create', 'sqlite3', created_at, '[]' FROM incidents;
`)
	b.WriteString(mark("revisions"))
	b.WriteString(totalsSQL())
	b.WriteString("UPDATE meta SET value = value + 1 WHERE key = 'generation';\nCOMMIT;\n")
	b.WriteString(mark("totals+commit"))
	b.WriteString("PRAGMA wal_checkpoint(TRUNCATE);\n")
	b.WriteString(mark("checkpoint"))
	return b.String()
}

// baselineTextSQL fills the text index (migration 0015) from the
// incidents the shell loaded, in the shell's way of splitting words. It
// runs through the SQLite compiled into the bench, the service's: FTS5's
// contentless_delete, which the index uses, came in SQLite 3.43, after the
// Debian shell's 3.40.
func baselineTextSQL() string {
	return fmt.Sprintf(`INSERT INTO incident_text (rowid, words)
SELECT s.id, group_concat(j.value, ' ') FROM incidents s, json_each(%s) j
WHERE length(j.value) >= 2 AND j.value NOT IN (%s) GROUP BY s.id;
`, wordsJSON("s.summary || ' ' || coalesce(s.locality, '')"), sqlList(stopWords))
}

// flatScript loads the rows into one table holding every column of the
// CSV and the server-owned ones, lists and JSON cells as text, with the
// indexes of our incidents table built after the load. It has no folded
// columns, child tables, word index, revisions or totals: it is the
// smallest honest file for the same rows and the same lookups.
func flatScript(csvPath string) string {
	var b strings.Builder
	b.WriteString(common)
	b.WriteString(stage(csvPath))
	b.WriteString(`CREATE TABLE flat (
	id INTEGER PRIMARY KEY, external_id TEXT, occurred_on TEXT NOT NULL, date_precision TEXT NOT NULL, mission TEXT,
	country TEXT, region TEXT, locality TEXT, latitude REAL, longitude REAL, type TEXT NOT NULL, summary TEXT NOT NULL,
	killed INTEGER NOT NULL, wounded INTEGER NOT NULL, forces TEXT, contributing_countries TEXT, casualties TEXT, sources TEXT,
	created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT, version INTEGER NOT NULL);
BEGIN;
`)
	fmt.Fprintf(&b, `INSERT INTO flat SELECT rowid, nullif(external_id, ''), occurred_on, date_precision, nullif(mission, ''), nullif(country, ''),
	nullif(region, ''), nullif(locality, ''), CAST(nullif(latitude, '') AS REAL), CAST(nullif(longitude, '') AS REAL), type, summary,
	CAST(killed AS INTEGER), CAST(wounded AS INTEGER), forces, contributing_countries, casualties, sources, %[1]s, %[1]s, NULL, 1
FROM temp.staging ORDER BY rowid;
`, "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')")
	b.WriteString(mark("rows"))
	b.WriteString(flatIndexes)
	b.WriteString(mark("indexes"))
	b.WriteString("PRAGMA wal_checkpoint(TRUNCATE);\n")
	return b.String()
}

// unattributedSQL writes the part of each incident's figures that no
// casualty line holds, as our writer does (position -1), in SQL both
// shells run alike.
const unattributedSQL = `INSERT INTO casualties (incident_id, position, grp, killed, killed_known, wounded, wounded_known,
	killed_low, killed_high, wounded_low, wounded_high)
SELECT id, -1, '', k, killed_known, w, wounded_known, k, k, w, w FROM (
	SELECT i.id, i.killed_known, i.wounded_known, c.incident_id AS lines,
		CASE WHEN i.killed_known = 1 AND i.killed > coalesce(c.k, 0) THEN i.killed - coalesce(c.k, 0) ELSE 0 END AS k,
		CASE WHEN i.wounded_known = 1 AND i.wounded > coalesce(c.w, 0) THEN i.wounded - coalesce(c.w, 0) ELSE 0 END AS w
	FROM incidents i LEFT JOIN (SELECT incident_id, sum(killed) AS k, sum(wounded) AS w FROM casualties GROUP BY incident_id) c
		ON c.incident_id = i.id) u
WHERE lines IS NULL OR k > 0 OR w > 0 OR killed_known = 0 OR wounded_known = 0;
`

// totalsSQL fills the report totals tables our import maintains, in SQL
// both shells run alike.
func totalsSQL() string {
	const sums = `count(*), sum(killed), sum(wounded), sum(1 - killed_known), sum(1 - wounded_known),
	sum(killed_low), sum(killed_high), sum(wounded_low), sum(wounded_high)`
	const cols = `(period, region_key, region, country, mission_key, mission, type, dataset, incidents, killed, wounded,
	killed_unknown, wounded_unknown, killed_low, killed_high, wounded_low, wounded_high)`
	var b strings.Builder
	for _, t := range []struct {
		table string
		size  int
	}{{"totals_all", 0}, {"totals_year", 4}, {"totals_month", 7}} {
		fmt.Fprintf(&b, `INSERT INTO %s %s
SELECT substr(occurred_on, 1, %d), coalesce(region_key, ''), coalesce(min(region), ''), coalesce(country, ''),
	coalesce(mission_key, ''), coalesce(min(mission), ''), type, coalesce(dataset, ''), %s
FROM incidents WHERE deleted_at IS NULL GROUP BY 1, 2, 4, 5, 7, 8;
`, t.table, cols, t.size, sums)
	}
	fmt.Fprintf(&b, `INSERT INTO totals_by_month %s
SELECT substr(occurred_on, 1, 7), '', '', '', '', '', '', '', %s
FROM incidents WHERE deleted_at IS NULL GROUP BY 1;
`, cols, sums)
	fmt.Fprintf(&b, `INSERT INTO totals_year_place %s
SELECT substr(occurred_on, 1, 4), coalesce(region_key, ''), coalesce(min(region), ''), coalesce(country, ''), '', '', '', '', %s
FROM incidents WHERE deleted_at IS NULL GROUP BY 1, 2, 4;
`, cols, sums)
	return b.String()
}

// flatIndexes are the indexes of the flat size baseline, the same on both
// engines: those of the incidents table, by plain names.
const flatIndexes = `CREATE UNIQUE INDEX flat_external_id ON flat (external_id) WHERE external_id IS NOT NULL;
CREATE INDEX flat_date    ON flat (occurred_on, id)          WHERE deleted_at IS NULL;
CREATE INDEX flat_region  ON flat (region, occurred_on, id)  WHERE deleted_at IS NULL;
CREATE INDEX flat_country ON flat (country, occurred_on, id) WHERE deleted_at IS NULL;
CREATE INDEX flat_mission ON flat (mission, occurred_on, id) WHERE deleted_at IS NULL;
CREATE INDEX flat_type    ON flat (type, occurred_on, id)    WHERE deleted_at IS NULL;
CREATE INDEX flat_killed  ON flat (killed, id)               WHERE deleted_at IS NULL;
CREATE INDEX flat_wounded ON flat (wounded, id)              WHERE deleted_at IS NULL;
CREATE INDEX flat_updated ON flat (updated_at, id);
COMMIT;
`
