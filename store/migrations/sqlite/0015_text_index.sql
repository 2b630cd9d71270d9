-- The words q matches move from a B-tree of (word, incident) to SQLite's
-- own full-text index. The words are still ours (models.Words: folded,
-- split on what is not a letter or digit, stop words left out), written
-- as one space-separated text per incident, so the tokenizer only splits
-- on spaces and q means what it did: every word of q starts a word of the
-- summary or locality. Contentless (the text is on the incident row
-- already), with deletes by rowid, and without positions or columns, which
-- q never asks about: a fifth of the old table's size.
CREATE VIRTUAL TABLE incident_text USING fts5(
    words,
    content = '',
    contentless_delete = 1,
    detail = none,
    tokenize = "ascii separators ' '"
);
INSERT INTO incident_text (rowid, words)
SELECT incident_id, group_concat(word, ' ') FROM incident_words GROUP BY incident_id;
DROP TABLE incident_words;
