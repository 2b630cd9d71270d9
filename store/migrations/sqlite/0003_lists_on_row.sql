-- Casualty lines and sources are also kept on the incident row as JSON, as
-- forces and contributing countries already are, so that reading an
-- incident (a page, an export) is one row and no join. The child tables
-- stay: filters and reports use their indexes.
ALTER TABLE incidents ADD COLUMN casualties TEXT NOT NULL DEFAULT '[]';
ALTER TABLE incidents ADD COLUMN sources TEXT NOT NULL DEFAULT '[]';

UPDATE incidents SET casualties = (
    SELECT json_group_array(json_object('group', grp, 'force', force, 'nationality', nationality, 'killed', killed, 'wounded', wounded))
    FROM (SELECT * FROM casualties c WHERE c.incident_id = incidents.id ORDER BY c.position))
WHERE EXISTS (SELECT 1 FROM casualties c WHERE c.incident_id = incidents.id);

UPDATE incidents SET sources = (
    SELECT json_group_array(json_object('title', title, 'publisher', publisher, 'url', url, 'published_on', published_on, 'language', language))
    FROM (SELECT * FROM sources s WHERE s.incident_id = incidents.id ORDER BY s.position))
WHERE EXISTS (SELECT 1 FROM sources s WHERE s.incident_id = incidents.id);
