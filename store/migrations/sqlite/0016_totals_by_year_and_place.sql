-- Totals by year and place alone, over every mission, type and dataset:
-- a report by region, country and year (the dashboards' commonest after
-- a write) reads a few hundred rows instead of the thousands of
-- totals_year, whose key also holds the mission, the type and the
-- dataset. Same columns as the other totals tables, with those keys left
-- '', so one upsert keeps all.
CREATE TABLE totals_year_place (
    period          TEXT    NOT NULL,
    region_key      TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    country         TEXT    NOT NULL,
    mission_key     TEXT    NOT NULL,
    mission         TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    dataset         TEXT    NOT NULL,
    incidents       INTEGER NOT NULL,
    killed          INTEGER NOT NULL,
    wounded         INTEGER NOT NULL,
    killed_unknown  INTEGER NOT NULL,
    wounded_unknown INTEGER NOT NULL,
    killed_low      INTEGER NOT NULL,
    killed_high     INTEGER NOT NULL,
    wounded_low     INTEGER NOT NULL,
    wounded_high    INTEGER NOT NULL,
    PRIMARY KEY (period, region_key, country, mission_key, type, dataset)
) WITHOUT ROWID;

INSERT INTO totals_year_place
SELECT period, region_key, min(region), country, '', '', '', '',
    sum(incidents), sum(killed), sum(wounded), sum(killed_unknown), sum(wounded_unknown),
    sum(killed_low), sum(killed_high), sum(wounded_low), sum(wounded_high)
FROM totals_year GROUP BY period, region_key, country;
