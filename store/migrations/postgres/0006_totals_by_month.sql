-- The PostgreSQL form of migrations/sqlite/0006_totals_by_month.sql.
CREATE TABLE totals_by_month (
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

INSERT INTO totals_by_month
SELECT period, '', '', '', '', '', '', sum(incidents), sum(killed), sum(wounded)
FROM totals_month GROUP BY period;
