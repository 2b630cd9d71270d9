-- The PostgreSQL form of migrations/sqlite/0003_lists_on_row.sql.
ALTER TABLE incidents ADD COLUMN casualties TEXT NOT NULL DEFAULT '[]';
ALTER TABLE incidents ADD COLUMN sources TEXT NOT NULL DEFAULT '[]';
