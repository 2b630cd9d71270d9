-- Totals by month alone, over every region, country, mission and type: the
-- monthly dashboard series and a month report with no place filter read
-- its hundred-odd rows instead of the tens of thousands of totals_month,
-- which after any write come from disk. Same columns as the other totals
-- tables, with the place and type keys left '', so one upsert keeps all.
CREATE TABLE totals_by_month (
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

INSERT INTO totals_by_month
SELECT period, '', '', '', '', '', '', sum(incidents), sum(killed), sum(wounded)
FROM totals_month GROUP BY period;
