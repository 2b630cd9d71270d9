-- The PostgreSQL form of migrations/sqlite/0016_totals_by_year_and_place.sql.
CREATE TABLE totals_year_place (
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
    killed_low      BIGINT  NOT NULL,
    killed_high     BIGINT  NOT NULL,
    wounded_low     BIGINT  NOT NULL,
    wounded_high    BIGINT  NOT NULL,
    PRIMARY KEY (period, region_key, country, mission_key, type, dataset)
);

INSERT INTO totals_year_place
SELECT period, region_key, min(region), country, '', '', '', '',
    sum(incidents), sum(killed), sum(wounded), sum(killed_unknown), sum(wounded_unknown),
    sum(killed_low), sum(killed_high), sum(wounded_low), sum(wounded_high)
FROM totals_year GROUP BY period, region_key, country;
