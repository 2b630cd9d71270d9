-- Index only the keys some query looks up. No filter asks for a dataset,
-- a nationality or a casualty group that is not there: every incident
-- without a dataset, every casualty line without a nationality and every
-- part of the figures that no line holds (its group is '') was an index
-- entry nothing read, and at a million incidents those are most of the
-- three indexes. Filters by dataset or nationality (IN with a value)
-- imply IS NOT NULL to both planners; the group filter says grp <> ''
-- itself, which no group name is.
DROP INDEX incidents_dataset;
CREATE INDEX incidents_dataset ON incidents (dataset, occurred_on, id) WHERE deleted_at IS NULL AND dataset IS NOT NULL;
DROP INDEX casualties_nationality;
CREATE INDEX casualties_nationality ON casualties (nationality, incident_id) WHERE nationality IS NOT NULL;
DROP INDEX casualties_group;
CREATE INDEX casualties_group ON casualties (grp, incident_id) WHERE grp <> '';
