-- The counts' generation is the data generation as of the last write that
-- could move a count or a sum: every write but an edit of a summary or a
-- locality alone. Reports, pickers and list totals not filtered by q or
-- updated_since are kept by it, so that edits of the text do not throw
-- them away. It starts where the data's is.
INSERT INTO meta (key, value) SELECT 'counts_generation', value FROM meta WHERE key = 'generation';
