-- The PostgreSQL form of migrations/sqlite/0005_totals_all.sql.
CREATE TABLE totals_all (
    period      TEXT COLLATE "C" NOT NULL,
    region_key  TEXT COLLATE "C" NOT NULL,
    region      TEXT    NOT NULL,
    country     TEXT COLLATE "C" NOT NULL,
    mission_key TEXT COLLATE "C" NOT NULL,
    mission     TEXT    NOT NULL,
    type        TEXT COLLATE "C" NOT NULL,
    incidents   BIGINT  NOT NULL,
    killed      BIGINT  NOT NULL,
    wounded     BIGINT  NOT NULL,
    PRIMARY KEY (period, region_key, country, mission_key, type)
);

INSERT INTO totals_all
SELECT '', region_key, min(region), country, mission_key, min(mission), type, sum(incidents), sum(killed), sum(wounded)
FROM totals_year GROUP BY region_key, country, mission_key, type;
