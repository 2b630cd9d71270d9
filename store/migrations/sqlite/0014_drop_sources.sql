-- The sources table held each incident's sources again, row by row, beside
-- the JSON on the incident row (migration 0003). Since then every read
-- (pages, lists, exports, history, the copy between engines) takes them
-- from the row, no filter or report names a source, and the table was only
-- written: 7% of the file at a million incidents. The lists on the rows
-- are the incidents' sources, so nothing is lost. The pages it held are
-- free for later writes; VACUUM (or incidentdb backup, which writes with
-- VACUUM INTO) gives them back to the file system.
DROP TABLE sources;
