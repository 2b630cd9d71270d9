-- Totals that reports read instead of the incidents table when the filters
-- and dimensions allow: per year and per month, by region, country, mission
-- and type. They are kept up to date in the same transaction as every
-- write. Unknown values are '' here, not NULL, because NULLs never collide
-- in a unique key and the upserts below rely on collisions.
CREATE TABLE totals_year (
    period      TEXT    NOT NULL,
    region_key  TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    country     TEXT    NOT NULL,
    mission_key TEXT    NOT NULL,
    mission     TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    incidents   INTEGER NOT NULL,
    killed      INTEGER NOT NULL,
    wounded     INTEGER NOT NULL,
    PRIMARY KEY (period, region_key, country, mission_key, type)
) WITHOUT ROWID;
CREATE INDEX totals_year_region ON totals_year (region_key, period);

CREATE TABLE totals_month (
    period      TEXT    NOT NULL,
    region_key  TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    country     TEXT    NOT NULL,
    mission_key TEXT    NOT NULL,
    mission     TEXT    NOT NULL,
    type        TEXT    NOT NULL,
    incidents   INTEGER NOT NULL,
    killed      INTEGER NOT NULL,
    wounded     INTEGER NOT NULL,
    PRIMARY KEY (period, region_key, country, mission_key, type)
) WITHOUT ROWID;
CREATE INDEX totals_month_region ON totals_month (region_key, period);

-- generation grows with every committed write, so a report's ETag (and
-- the server's cache of report answers) changes exactly when data does,
-- also when the writer is another process such as a CLI import.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('generation', 0);

INSERT INTO totals_year
SELECT substr(occurred_on, 1, 4), coalesce(region_key, ''), coalesce(min(region), ''), coalesce(country, ''),
       coalesce(mission_key, ''), coalesce(min(mission), ''), type, count(*), sum(killed), sum(wounded)
FROM incidents WHERE deleted_at IS NULL
GROUP BY 1, 2, 4, 5, 7;

INSERT INTO totals_month
SELECT substr(occurred_on, 1, 7), coalesce(region_key, ''), coalesce(min(region), ''), coalesce(country, ''),
       coalesce(mission_key, ''), coalesce(min(mission), ''), type, count(*), sum(killed), sum(wounded)
FROM incidents WHERE deleted_at IS NULL
GROUP BY 1, 2, 4, 5, 7;
