-- Totals over all time, for the commonest dashboard question (totals by
-- region, country, mission or type with no date filter): a few thousand
-- rows instead of the yearly table's tens of thousands.
CREATE TABLE totals_all (
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

INSERT INTO totals_all
SELECT '', region_key, min(region), country, mission_key, min(mission), type, sum(incidents), sum(killed), sum(wounded)
FROM totals_year GROUP BY region_key, country, mission_key, type;
