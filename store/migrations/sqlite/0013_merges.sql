-- Merges: the records of one attack from several datasets become one
-- incident. The absorbed incident is kept, deleted, with merged_into naming
-- the survivor (reading it answers where it went); merges keeps what the
-- survivor was before (and after, to tell whether it changed since), so
-- that an unmerge restores both exactly.
ALTER TABLE incidents ADD COLUMN merged_into INTEGER;
CREATE TABLE merges (
    absorbed_id      INTEGER PRIMARY KEY REFERENCES incidents (id),
    survivor_id      INTEGER NOT NULL REFERENCES incidents (id),
    survivor_version INTEGER NOT NULL,
    survivor_before  TEXT    NOT NULL,
    survivor_after   TEXT    NOT NULL,
    merged_at        TEXT    NOT NULL,
    actor            TEXT    NOT NULL
);
CREATE INDEX merges_survivor ON merges (survivor_id);
