-- The PostgreSQL form of migrations/sqlite/0004_words_without_fk.sql.
ALTER TABLE incident_words DROP CONSTRAINT IF EXISTS incident_words_incident_id_fkey;
