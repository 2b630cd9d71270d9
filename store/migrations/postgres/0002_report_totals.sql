-- The PostgreSQL form of migrations/sqlite/0002_report_totals.sql.
CREATE TABLE totals_year (
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
CREATE INDEX totals_year_region ON totals_year (region_key, period);

CREATE TABLE totals_month (
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
CREATE INDEX totals_month_region ON totals_month (region_key, period);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('generation', 0);
