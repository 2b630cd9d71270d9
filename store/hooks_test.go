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
