-- The PostgreSQL form of migrations/sqlite/0008_key_names_and_line_breaks.sql.
UPDATE api_keys SET name = name || '#' || id
WHERE revoked_at IS NOT NULL AND EXISTS (SELECT 1 FROM api_keys b WHERE b.name = api_keys.name AND b.id <> api_keys.id);
DROP INDEX api_keys_active_name;
CREATE UNIQUE INDEX api_keys_name ON api_keys (name);

UPDATE incidents SET summary = replace(replace(summary, chr(13) || chr(10), chr(10)), chr(13), chr(10))
WHERE strpos(summary, chr(13)) > 0;
