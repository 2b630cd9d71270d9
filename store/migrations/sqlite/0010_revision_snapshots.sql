-- Every sixteenth revision also holds the whole incident as it stood at
-- that version (its content, as JSON), so that reading an old version or
-- the first page of a history undoes at most sixteen revisions instead of
-- every one since: an incident edited five hundred times made each such
-- read replay five hundred. Older revisions have none; reads from before
-- the first snapshot replay from the current state, as before.
ALTER TABLE revisions ADD COLUMN snapshot TEXT;
