-- The citizen portal and the back office (issues 10 and 11).

-- The applicant sent a supplement online and the desk checks it: a new open status, so the
-- partial indexes on open dossiers are rebuilt with it (store::dossier::columns checks that
-- these predicates spell core::dossier::Status::OPEN).
DROP INDEX dossiers_open;
DROP INDEX dossiers_open_queue;
DROP INDEX dossiers_assignee;
CREATE INDEX dossiers_open ON dossiers (current_agency, queue_at)
    WHERE status IN ('submitted', 'processing', 'awaiting_supplement', 'supplemented', 'done');
CREATE INDEX dossiers_open_queue ON dossiers (queue_at)
    WHERE status IN ('submitted', 'processing', 'awaiting_supplement', 'supplemented', 'done');
CREATE INDEX dossiers_assignee ON dossiers (assignee_id, queue_at)
    WHERE assignee_id IS NOT NULL AND status IN ('submitted', 'processing', 'awaiting_supplement', 'supplemented', 'done');

-- The public lookup needs a second factor that the applicant has and an outsider does not:
-- the lookup key printed on the receipt, or the last four digits of the applicant's phone or
-- identity number (kept apart from the body so the lookup reads no personal data).
ALTER TABLE dossiers ADD COLUMN lookup_key TEXT;
ALTER TABLE dossiers ADD COLUMN phone_tail TEXT;
ALTER TABLE dossiers ADD COLUMN id_tail TEXT;
-- The electronic result, reusable by its applicant as a document of a later dossier.
ALTER TABLE dossiers ADD COLUMN result_file_id TEXT;
CREATE INDEX dossiers_result_file ON dossiers (result_file_id) WHERE result_file_id IS NOT NULL;

-- What the applicant's timeline leaves out: routing inside the agencies, consultations,
-- internal comments. Rows of the first release: the internal actions are marked.
ALTER TABLE dossier_events ADD COLUMN internal BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE dossier_events SET internal = TRUE
    WHERE action IN ('assign', 'forward', 'send_back', 'consult', 'reply', 'approve', 'comment');

-- Which dossier or draft holds an uploaded file: files held by neither are removed after a
-- while, and quotas count what each account keeps.
ALTER TABLE stored_files ADD COLUMN dossier_id TEXT;
ALTER TABLE stored_files ADD COLUMN draft_id TEXT;
CREATE INDEX stored_files_owner ON stored_files (owner_id, created_at);
CREATE INDEX stored_files_loose ON stored_files (created_at) WHERE dossier_id IS NULL AND draft_id IS NULL;

-- Drafts: a dossier being filled in, saved at every step, resumable on any device.
CREATE TABLE dossier_drafts (
    id             TEXT PRIMARY KEY,
    owner_id       TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    data           TEXT NOT NULL,
    revision       BIGINT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    warned_at      TIMESTAMPTZ
);
CREATE INDEX dossier_drafts_owner ON dossier_drafts (owner_id, updated_at);
CREATE INDEX dossier_drafts_expiry ON dossier_drafts (expires_at);
