-- A key's name is what revisions record as who made a change, so a name
-- names one key forever: a revoked key's name is no longer free for a new
-- one. Revoked keys that share a name with another key are renamed NAME#ID
-- first, so that the unique index can be built.
UPDATE api_keys SET name = name || '#' || id
WHERE revoked_at IS NOT NULL AND EXISTS (SELECT 1 FROM api_keys b WHERE b.name = api_keys.name AND b.id <> api_keys.id);
DROP INDEX api_keys_active_name;
CREATE UNIQUE INDEX api_keys_name ON api_keys (name);

-- Summaries keep their line breaks as LF, as input now stores them: a CSV
-- round trip turns CRLF into LF, and must give back the stored text.
UPDATE incidents SET summary = replace(replace(summary, char(13) || char(10), char(10)), char(13), char(10))
WHERE instr(summary, char(13)) > 0;
