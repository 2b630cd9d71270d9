-- The word index is ours to keep right (its rows are written and deleted in
-- the same transactions as their incidents, which are never removed), and a
-- foreign-key check on each of its thirty-odd rows per incident was most of
-- an import's time. SQLite cannot drop a constraint, so the table is built
-- again.
CREATE TABLE incident_words_new (
    word        TEXT    NOT NULL,
    incident_id INTEGER NOT NULL,
    PRIMARY KEY (word, incident_id)
) WITHOUT ROWID;
INSERT INTO incident_words_new SELECT word, incident_id FROM incident_words;
DROP TABLE incident_words;
ALTER TABLE incident_words_new RENAME TO incident_words;
