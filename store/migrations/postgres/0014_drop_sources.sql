-- The PostgreSQL form of migrations/sqlite/0014_drop_sources.sql.
-- The sources table was only written: every read takes an incident's
-- sources from the JSON on its row (migration 0003), which keeps them all.
DROP TABLE sources;
