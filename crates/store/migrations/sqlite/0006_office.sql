-- The back office's queues (issue 11): search by applicant, filter by channel, the approval
-- and issuing queues. New projections of the dossier body; rows written before this
-- migration carry `projection = 0` and are projected again from their body when the store
-- opens (store::dossier::reproject), since folding a Vietnamese name cannot be done in SQL.
ALTER TABLE dossiers ADD COLUMN projection INTEGER NOT NULL DEFAULT 0;
-- The applicant's name folded (no marks, lower case: "nguyen van an"), and the same from the
-- given name on ("an"), so that both "Nguyễn Văn An" and "An" find the dossier by prefix.
ALTER TABLE dossiers ADD COLUMN applicant_key TEXT;
ALTER TABLE dossiers ADD COLUMN given_key TEXT;
-- The identity number (or an organisation's tax code) the applicant gave, as digits/letters
-- without spaces.
ALTER TABLE dossiers ADD COLUMN applicant_ident TEXT;
ALTER TABLE dossiers ADD COLUMN channel TEXT;
-- The kind of the current process step while in process (approve, issue…).
ALTER TABLE dossiers ADD COLUMN step_kind TEXT;
CREATE INDEX dossiers_applicant_key ON dossiers (current_agency, applicant_key);
CREATE INDEX dossiers_given_key ON dossiers (current_agency, given_key);
CREATE INDEX dossiers_applicant_ident ON dossiers (applicant_ident) WHERE applicant_ident IS NOT NULL;
CREATE INDEX dossiers_step ON dossiers (current_agency, step_kind, queue_at) WHERE step_kind IS NOT NULL;
CREATE INDEX dossiers_projection ON dossiers (projection);
-- A province-wide list of one status walks that status in order instead of a range per
-- agency and a sort (store::dossier::inbox, "wide" scopes).
CREATE INDEX dossiers_status_queue ON dossiers (status, queue_at);
