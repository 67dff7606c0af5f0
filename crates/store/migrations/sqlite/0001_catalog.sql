-- Catalog and agencies. Instants are INTEGER microseconds since the Unix epoch (UTC);
-- dates are 'YYYY-MM-DD' text. See crates/store/src/codec.rs.

CREATE TABLE app_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE agencies (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    short_name        TEXT,
    kind              TEXT NOT NULL,
    parent_id         TEXT,
    identifier        TEXT,
    identifier_status TEXT,
    admin_unit_code   TEXT,
    valid_from        TEXT NOT NULL,
    valid_to          TEXT,
    address           TEXT,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_id);

CREATE TABLE agency_successions (
    predecessor_id TEXT NOT NULL,
    successor_id   TEXT NOT NULL,
    effective      TEXT NOT NULL,
    kind           TEXT NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id)
);

-- One row per procedure: its current version and the columns lists need.
CREATE TABLE procedures (
    code            TEXT PRIMARY KEY,
    current_version INTEGER NOT NULL,
    name            TEXT NOT NULL,
    field           TEXT NOT NULL,
    online_level    TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- Every version ever imported. valid_to is NULL for the version in force.
CREATE TABLE procedure_versions (
    code         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    valid_from   INTEGER NOT NULL,
    valid_to     INTEGER,
    content_hash TEXT NOT NULL,
    content      TEXT NOT NULL,
    imported_at  INTEGER NOT NULL,
    PRIMARY KEY (code, version)
);

-- Which agency offers which procedure, with the online level of that offer
-- (DOMAIN.md §5.3: the level is per procedure and agency).
CREATE TABLE agency_procedures (
    agency_id      TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    online_level   TEXT NOT NULL,
    PRIMARY KEY (agency_id, procedure_code)
);
CREATE INDEX agency_procedures_code ON agency_procedures (procedure_code);
