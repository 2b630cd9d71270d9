-- Incidents and their child tables. Dates are YYYY-MM-DD text and
-- timestamps RFC 3339 UTC text, so that text comparison is date order.
-- *_key columns hold names folded in Go (NFD, marks dropped, lower case):
-- SQLite's own lower() and NOCASE fold ASCII only.
CREATE TABLE incidents (
    id                     INTEGER PRIMARY KEY,
    external_id            TEXT,
    occurred_on            TEXT    NOT NULL,
    date_precision         TEXT    NOT NULL,
    mission                TEXT,
    mission_key            TEXT,
    country                TEXT,
    region                 TEXT,
    region_key             TEXT,
    locality               TEXT,
    latitude               REAL,
    longitude              REAL,
    type                   TEXT    NOT NULL,
    summary                TEXT    NOT NULL DEFAULT '',
    killed                 INTEGER NOT NULL CHECK (killed >= 0),
    wounded                INTEGER NOT NULL CHECK (wounded >= 0),
    -- copies of the child tables' lists, so a page or an export reads one
    -- row instead of rebuilding lists from joins
    forces                 TEXT    NOT NULL DEFAULT '[]',
    contributing_countries TEXT    NOT NULL DEFAULT '[]',
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    deleted_at             TEXT,
    version                INTEGER NOT NULL CHECK (version >= 1)
);

-- external_id stays unique across deleted rows too: re-importing a deleted
-- record must find it, not duplicate it.
CREATE UNIQUE INDEX incidents_external_id ON incidents (external_id) WHERE external_id IS NOT NULL;

-- Every list query carries "deleted_at IS NULL", so live-row indexes are
-- partial. Each ends in the sort key and id for keyset paging.
CREATE INDEX incidents_date     ON incidents (occurred_on, id)                 WHERE deleted_at IS NULL;
CREATE INDEX incidents_region   ON incidents (region_key, occurred_on, id)     WHERE deleted_at IS NULL;
CREATE INDEX incidents_country  ON incidents (country, occurred_on, id)        WHERE deleted_at IS NULL;
CREATE INDEX incidents_mission  ON incidents (mission_key, occurred_on, id)    WHERE deleted_at IS NULL;
CREATE INDEX incidents_type     ON incidents (type, occurred_on, id)           WHERE deleted_at IS NULL;
CREATE INDEX incidents_killed   ON incidents (killed, id)                      WHERE deleted_at IS NULL;
CREATE INDEX incidents_wounded  ON incidents (wounded, id)                     WHERE deleted_at IS NULL;
CREATE INDEX incidents_updated  ON incidents (updated_at, id);

CREATE TABLE casualties (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    grp         TEXT    NOT NULL,
    force       TEXT,
    force_key   TEXT,
    nationality TEXT,
    killed      INTEGER NOT NULL CHECK (killed >= 0),
    wounded     INTEGER NOT NULL CHECK (wounded >= 0),
    PRIMARY KEY (incident_id, position)
) WITHOUT ROWID;
CREATE INDEX casualties_nationality ON casualties (nationality, incident_id);
CREATE INDEX casualties_group       ON casualties (grp, incident_id);

CREATE TABLE incident_forces (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,
    PRIMARY KEY (incident_id, position)
) WITHOUT ROWID;
CREATE INDEX incident_forces_key ON incident_forces (name_key, incident_id);

CREATE TABLE incident_countries (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    code        TEXT    NOT NULL,
    PRIMARY KEY (incident_id, position)
) WITHOUT ROWID;
CREATE INDEX incident_countries_code ON incident_countries (code, incident_id);

CREATE TABLE sources (
    incident_id  INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    title        TEXT    NOT NULL,
    publisher    TEXT,
    url          TEXT,
    published_on TEXT,
    language     TEXT,
    PRIMARY KEY (incident_id, position)
) WITHOUT ROWID;

-- The folded words of summary and locality, for q: a prefix range on this
-- index costs the same at a million incidents as at ten. There is no index
-- by incident: an update knows the old words and deletes them by key.
CREATE TABLE incident_words (
    word        TEXT    NOT NULL,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    PRIMARY KEY (word, incident_id)
) WITHOUT ROWID;

-- One row per change, written in the same transaction as the change.
-- changes holds each changed field's old and new value, so any earlier
-- version is the current one with later changes undone; a create records no
-- changes, which keeps a bulk import from storing every incident twice.
CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    version     INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    changed_at  TEXT    NOT NULL,
    changes     TEXT    NOT NULL,
    UNIQUE (incident_id, version)
);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
-- A name is reused only after its key is revoked.
CREATE UNIQUE INDEX api_keys_active_name ON api_keys (name) WHERE revoked_at IS NULL;
