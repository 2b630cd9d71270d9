-- The words q matches move from a B-tree of (word, incident) to
-- PostgreSQL's own text search: one tsvector per incident under a GIN
-- index, whose posting lists are compressed where the B-tree repeated
-- every word for every incident. The lexemes are still ours (models.Words:
-- folded, split on what is not a letter or digit, stop words left out),
-- cast to tsvector as they are rather than parsed by a text search
-- configuration, so q means what it did on both engines: every word of q
-- starts a word of the summary or locality.
CREATE TABLE incident_text (
    incident_id BIGINT PRIMARY KEY,
    words       TSVECTOR NOT NULL
);
INSERT INTO incident_text (incident_id, words)
SELECT incident_id, array_to_tsvector(array_agg(word)) FROM incident_words GROUP BY incident_id;
CREATE INDEX incident_text_words ON incident_text USING gin (words);
DROP TABLE incident_words;
