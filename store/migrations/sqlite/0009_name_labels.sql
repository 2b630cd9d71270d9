-- The name shown for a mission, a force or a region, by folded key. Reports
-- and pickers group names by their folded key and took min(name) as the
-- label, so one incident spelt "-MINUSMA" renamed the MINUSMA row for
-- everyone. A label is now recorded once, when its key is first written
-- (known missions by their acronym), and never changed by a later write.
CREATE TABLE name_labels (
    kind  TEXT NOT NULL,
    key   TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

-- The labels of the data already stored: each key's commonest spelling
-- (the first in code-point order among equals).
INSERT INTO name_labels (kind, key, label)
SELECT 'mission', mission_key, mission FROM (
    SELECT mission_key, mission, row_number() OVER (PARTITION BY mission_key ORDER BY count(*) DESC, mission) AS rn
    FROM incidents WHERE mission_key IS NOT NULL AND mission_key <> '' GROUP BY mission_key, mission)
WHERE rn = 1;

INSERT INTO name_labels (kind, key, label)
SELECT 'region', region_key, region FROM (
    SELECT region_key, region, row_number() OVER (PARTITION BY region_key ORDER BY count(*) DESC, region) AS rn
    FROM incidents WHERE region_key IS NOT NULL AND region_key <> '' GROUP BY region_key, region)
WHERE rn = 1;

INSERT INTO name_labels (kind, key, label)
SELECT 'force', name_key, name FROM (
    SELECT name_key, name, row_number() OVER (PARTITION BY name_key ORDER BY count(*) DESC, name) AS rn
    FROM (SELECT name_key, name FROM incident_forces
          UNION ALL SELECT force_key, force FROM casualties WHERE force_key IS NOT NULL)
    WHERE name_key <> '' GROUP BY name_key, name)
WHERE rn = 1;
