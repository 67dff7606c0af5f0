-- Catalog and agencies. Keys are natural text keys that distribute well on Citus
-- (DESIGN.md principle 4); no triggers, no extensions.

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
    valid_from        DATE NOT NULL,
    valid_to          DATE,
    address           TEXT,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX agencies_parent ON agencies (parent_id);

CREATE TABLE agency_successions (
    predecessor_id TEXT NOT NULL,
    successor_id   TEXT NOT NULL,
    effective      DATE NOT NULL,
    kind           TEXT NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id)
);

CREATE TABLE procedures (
    code            TEXT PRIMARY KEY,
    current_version INTEGER NOT NULL,
    name            TEXT NOT NULL,
    field           TEXT NOT NULL,
    online_level    TEXT NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE TABLE procedure_versions (
    code         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    valid_from   TIMESTAMPTZ NOT NULL,
    valid_to     TIMESTAMPTZ,
    content_hash TEXT NOT NULL,
    content      TEXT NOT NULL,
    imported_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE TABLE agency_procedures (
    agency_id      TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    online_level   TEXT NOT NULL,
    PRIMARY KEY (agency_id, procedure_code)
);
CREATE INDEX agency_procedures_code ON agency_procedures (procedure_code);
