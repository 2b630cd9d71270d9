-- The PostgreSQL form of migrations/sqlite/0011_unknowns_origins_unattributed.sql.
-- Unknown is not zero, nothing is dropped, and each incident says where it
-- came from.
--
-- killed and wounded stay NOT NULL and hold what an incident adds to a sum
-- (its total, or when the total is unknown the part its lines know);
-- killed_known and wounded_known say whether that is the figure itself.
-- Rows written before this were all known.
ALTER TABLE incidents ADD COLUMN killed_known INTEGER NOT NULL DEFAULT 1;
ALTER TABLE incidents ADD COLUMN wounded_known INTEGER NOT NULL DEFAULT 1;
ALTER TABLE casualties ADD COLUMN killed_known INTEGER NOT NULL DEFAULT 1;
ALTER TABLE casualties ADD COLUMN wounded_known INTEGER NOT NULL DEFAULT 1;

-- origin is how the incident came in (api, or the import format); dataset a
-- label for the collection it belongs to. Before this neither was kept: the
-- UN importer's ids ("un-fatalities-...") and ACLED's event_id_cnty (three
-- capitals and digits) name theirs, the rest is "unrecorded".
ALTER TABLE incidents ADD COLUMN origin TEXT NOT NULL DEFAULT 'unrecorded';
ALTER TABLE incidents ADD COLUMN dataset TEXT;
UPDATE incidents SET origin = 'un-fatalities', dataset = 'un-fatalities' WHERE external_id LIKE 'un-fatalities-%';
UPDATE incidents SET origin = 'acled', dataset = 'acled' WHERE external_id ~ '^[A-Z]{3}[0-9]';
CREATE INDEX incidents_dataset ON incidents (dataset, occurred_on, id) WHERE deleted_at IS NULL;

-- The part of each incident's figures that no casualty line holds is a
-- row of casualties too, at position -1 with group '' (shown as no group)
-- and no nationality, so that a report by group or nationality counts it
-- instead of dropping it, with the same join as the lines. An incident
-- without lines is all unattributed.
INSERT INTO casualties (incident_id, position, grp, force, force_key, nationality, killed, killed_known, wounded, wounded_known)
SELECT i.id, -1, '', NULL, NULL, NULL, i.killed - coalesce(c.k, 0), 1, i.wounded - coalesce(c.w, 0), 1
FROM incidents i LEFT JOIN (SELECT incident_id, sum(killed) AS k, sum(wounded) AS w FROM casualties GROUP BY incident_id) c ON c.incident_id = i.id
WHERE c.incident_id IS NULL OR i.killed > c.k OR i.wounded > c.w;

-- The totals gain the unknown counts and the dataset in their key, so that
-- a dashboard of one dataset reads them too. They are sums of the live
-- incidents, rebuilt here from them.
DROP TABLE totals_all;
CREATE TABLE totals_all (
    period          TEXT COLLATE "C" NOT NULL,
    region_key      TEXT COLLATE "C" NOT NULL,
    region          TEXT    NOT NULL,
    country         TEXT COLLATE "C" NOT NULL,
    mission_key     TEXT COLLATE "C" NOT NULL,
    mission         TEXT    NOT NULL,
    type            TEXT COLLATE "C" NOT NULL,
    dataset         TEXT COLLATE "C" NOT NULL,
    incidents       BIGINT  NOT NULL,
    killed          BIGINT  NOT NULL,
    wounded         BIGINT  NOT NULL,
    killed_unknown  BIGINT  NOT NULL,
    wounded_unknown BIGINT  NOT NULL,
    PRIMARY KEY (period, region_key, country, mission_key, type, dataset)
);

INSERT INTO totals_all
SELECT '', coalesce(region_key, ''), coalesce(min(region), ''), coalesce(country, ''), coalesce(mission_key, ''), coalesce(min(mission), ''), type, coalesce(dataset, ''),
    count(*), sum(killed), sum(wounded), sum(1 - killed_known), sum(1 - wounded_known)
FROM incidents WHERE deleted_at IS NULL
GROUP BY coalesce(region_key, ''), coalesce(country, ''), coalesce(mission_key, ''), type, coalesce(dataset, '');

DROP TABLE totals_year;
CREATE TABLE totals_year (
    period          TEXT COLLATE "C" NOT NULL,
    region_key      TEXT COLLATE "C" NOT NULL,
    region          TEXT    NOT NULL,
    country         TEXT COLLATE "C" NOT NULL,
    mission_key     TEXT COLLATE "C" NOT NULL,
    mission         TEXT    NOT NULL,
    type            TEXT COLLATE "C" NOT NULL,
    dataset         TEXT COLLATE "C" NOT NULL,
    incidents       BIGINT  NOT NULL,
    killed          BIGINT  NOT NULL,
    wounded         BIGINT  NOT NULL,
    killed_unknown  BIGINT  NOT NULL,
    wounded_unknown BIGINT  NOT NULL,
    PRIMARY KEY (period, region_key, country, mission_key, type, dataset)
);

INSERT INTO totals_year
SELECT substr(occurred_on, 1, 4), coalesce(region_key, ''), coalesce(min(region), ''), coalesce(country, ''), coalesce(mission_key, ''), coalesce(min(mission), ''), type, coalesce(dataset, ''),
    count(*), sum(killed), sum(wounded), sum(1 - killed_known), sum(1 - wounded_known)
FROM incidents WHERE deleted_at IS NULL
GROUP BY substr(occurred_on, 1, 4), coalesce(region_key, ''), coalesce(country, ''), coalesce(mission_key, ''), type, coalesce(dataset, '');

DROP TABLE totals_month;
CREATE TABLE totals_month (
    period          TEXT COLLATE "C" NOT NULL,
    region_key      TEXT COLLATE "C" NOT NULL,
    region          TEXT    NOT NULL,
    country         TEXT COLLATE "C" NOT NULL,
    mission_key     TEXT COLLATE "C" NOT NULL,
    mission         TEXT    NOT NULL,
    type            TEXT COLLATE "C" NOT NULL,
    dataset         TEXT COLLATE "C" NOT NULL,
    incidents       BIGINT  NOT NULL,
    killed          BIGINT  NOT NULL,
    wounded         BIGINT  NOT NULL,
    killed_unknown  BIGINT  NOT NULL,
    wounded_unknown BIGINT  NOT NULL,
    PRIMARY KEY (period, region_key, country, mission_key, type, dataset)
);

INSERT INTO totals_month
SELECT substr(occurred_on, 1, 7), coalesce(region_key, ''), coalesce(min(region), ''), coalesce(country, ''), coalesce(mission_key, ''), coalesce(min(mission), ''), type, coalesce(dataset, ''),
    count(*), sum(killed), sum(wounded), sum(1 - killed_known), sum(1 - wounded_known)
FROM incidents WHERE deleted_at IS NULL
GROUP BY substr(occurred_on, 1, 7), coalesce(region_key, ''), coalesce(country, ''), coalesce(mission_key, ''), type, coalesce(dataset, '');

DROP TABLE totals_by_month;
CREATE TABLE totals_by_month (
    period          TEXT COLLATE "C" NOT NULL,
    region_key      TEXT COLLATE "C" NOT NULL,
    region          TEXT    NOT NULL,
    country         TEXT COLLATE "C" NOT NULL,
    mission_key     TEXT COLLATE "C" NOT NULL,
    mission         TEXT    NOT NULL,
    type            TEXT COLLATE "C" NOT NULL,
    dataset         TEXT COLLATE "C" NOT NULL,
    incidents       BIGINT  NOT NULL,
    killed          BIGINT  NOT NULL,
    wounded         BIGINT  NOT NULL,
    killed_unknown  BIGINT  NOT NULL,
    wounded_unknown BIGINT  NOT NULL,
    PRIMARY KEY (period, region_key, country, mission_key, type, dataset)
);

INSERT INTO totals_by_month
SELECT substr(occurred_on, 1, 7), '', '', '', '', '', '', '', count(*), sum(killed), sum(wounded), sum(1 - killed_known), sum(1 - wounded_known)
FROM incidents WHERE deleted_at IS NULL GROUP BY substr(occurred_on, 1, 7);
