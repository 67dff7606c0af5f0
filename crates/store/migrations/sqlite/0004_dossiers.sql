-- Dossiers (hồ sơ): the aggregate is stored whole as JSON in `body`; the columns beside it are
-- the projections that queries filter and sort on (the inbox, the applicant's list, the public
-- lookup). Both are written by the same statement, so they cannot disagree.
-- Instants are INTEGER microseconds since the Unix epoch (UTC).
CREATE TABLE dossiers (
    id               TEXT PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    procedure_code   TEXT NOT NULL,
    receiving_agency TEXT NOT NULL,
    competent_agency TEXT NOT NULL,
    current_agency   TEXT NOT NULL,   -- whose inbox shows it
    status           TEXT NOT NULL,
    national_status  INTEGER NOT NULL, -- 1..10 (DOMAIN.md §6.6)
    owner_id         TEXT,             -- the applicant's account (online submissions)
    assignee_id      TEXT,
    assignee_name    TEXT,
    applicant_name   TEXT NOT NULL,
    submitted_at     INTEGER NOT NULL,
    due_at           INTEGER,          -- legal due (ngày hẹn trả)
    queue_at         INTEGER NOT NULL, -- when it needs attention: legal due, else intake due, else submission
    kpi_due_at       INTEGER,
    finished_at      INTEGER,
    returned_at      INTEGER,
    updated_at       INTEGER NOT NULL,
    revision         INTEGER NOT NULL,
    body             TEXT NOT NULL
);
-- The officer inbox: open dossiers in the order they need attention, per agency, per
-- assignee and province-wide (the partial indexes match the literal open-status predicate the
-- inbox query writes); one status at a time through dossiers_inbox.
CREATE INDEX dossiers_inbox ON dossiers (current_agency, status, queue_at, due_at);
CREATE INDEX dossiers_open ON dossiers (current_agency, queue_at)
    WHERE status IN ('submitted', 'processing', 'awaiting_supplement', 'done');
CREATE INDEX dossiers_open_queue ON dossiers (queue_at)
    WHERE status IN ('submitted', 'processing', 'awaiting_supplement', 'done');
CREATE INDEX dossiers_assignee ON dossiers (assignee_id, queue_at)
    WHERE assignee_id IS NOT NULL AND status IN ('submitted', 'processing', 'awaiting_supplement', 'done');
CREATE INDEX dossiers_owner ON dossiers (owner_id, submitted_at) WHERE owner_id IS NOT NULL;

-- History: one row per change.
CREATE TABLE dossier_events (
    dossier_id TEXT NOT NULL REFERENCES dossiers (id),
    seq        INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    actor_id   TEXT,
    actor_name TEXT,
    action     TEXT NOT NULL,
    status     TEXT NOT NULL,
    summary    TEXT NOT NULL,
    PRIMARY KEY (dossier_id, seq)
);

-- The daily sequence of dossier codes, per identifier prefix and receipt date.
CREATE TABLE dossier_sequences (
    prefix TEXT NOT NULL,
    day    TEXT NOT NULL,
    last   INTEGER NOT NULL,
    PRIMARY KEY (prefix, day)
);

-- Idempotency keys of submissions: a retried request finds its dossier instead of making a
-- second one. Written in the submission's transaction.
CREATE TABLE idempotency_keys (
    owner        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    dossier_code TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (owner, key)
);

-- Uploaded files (scans, attachments, electronic results), stored in the database so that a
-- backup of the database is a backup of everything.
CREATE TABLE stored_files (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL,
    name       TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    content    BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

-- Internal processes (quy trình nội bộ) per procedure and competent agency.
CREATE TABLE process_templates (
    procedure_code TEXT NOT NULL,
    agency_id      TEXT NOT NULL,
    template       TEXT NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (procedure_code, agency_id)
);
