package store

import (
	"strconv"

	"incidentdb/models"
)

// BulkStep lets tests reach the bulk-index path of an import with a few
// hundred incidents instead of tens of thousands.
var BulkStep = &bulkStep

// LimitPages caps the SQLite file at its current size plus extra pages on
// the writer's connection, as a full disk would.
func (s *Store) LimitPages(extra int) error {
	var n int
	if err := s.w.Raw("PRAGMA page_count").Scan(&n).Error; err != nil {
		return err
	}
	return s.w.Exec("PRAGMA max_page_count = " + strconv.Itoa(n+extra)).Error
}

// IncidentColumns is the column table's list of the incidents columns.
var IncidentColumns = allColumns

// MigrateUpTo stops the migrations after a version while set (0: all).
var MigrateUpTo = &migrateUpTo

// RebindPostgres writes ? placeholders as $1, $2...
func RebindPostgres(q string) string { return postgresDialect{}.rebind(q) }

// CopyTables names the tables CopyTo copies, in its order.
func CopyTables() []string {
	var names []string
	for _, t := range copyTables {
		names = append(names, t.name)
	}
	return append(names, "incident_text")
}

// CopiesExport says whether the PostgreSQL export of f streams with COPY,
// its filter written as literals, rather than through decoded rows.
func CopiesExport(f models.Filter) bool {
	cond, args := where(postgresDialect{}, f)
	_, ok := inlineLiterals(cond, args)
	return ok
}

// ChildRowPlaces says, table by table, where each of an incident's rows
// of the child tables is, such that a row deleted and inserted again
// moves: its ctid on PostgreSQL (with the text index's row); on SQLite,
// whose child tables have no rowid, how many of its rows were deleted
// since the first call, which installs triggers that count them.
func (s *Store) ChildRowPlaces(id int64) (map[string][]string, error) {
	tables := []string{"casualties", "incident_forces", "incident_countries"}
	out := map[string][]string{}
	if _, ok := s.d.(postgresDialect); ok {
		for _, table := range append(tables, "incident_text") {
			var places []string
			if err := s.r.Raw("SELECT CAST(ctid AS TEXT) FROM "+table+" WHERE incident_id = ? ORDER BY 1", id).Scan(&places).Error; err != nil {
				return nil, err
			}
			out[table] = places
		}
		return out, nil
	}
	if err := s.w.Exec("CREATE TABLE IF NOT EXISTS test_deleted_children (tbl TEXT, incident_id INTEGER)").Error; err != nil {
		return nil, err
	}
	for _, table := range tables {
		if err := s.w.Exec("CREATE TRIGGER IF NOT EXISTS test_deleted_" + table + " AFTER DELETE ON " + table +
			" BEGIN INSERT INTO test_deleted_children VALUES ('" + table + "', OLD.incident_id); END").Error; err != nil {
			return nil, err
		}
		var n int
		if err := s.w.Raw("SELECT count(*) FROM test_deleted_children WHERE tbl = ? AND incident_id = ?", table, id).Scan(&n).Error; err != nil {
			return nil, err
		}
		out[table] = []string{strconv.Itoa(n)}
	}
	return out, nil
}
