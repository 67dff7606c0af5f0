//! Dossiers: the aggregate stored whole (JSON) with the columns queries need, its history, the
//! daily code sequence, idempotency keys, uploaded files and internal process templates.
//!
//! Every change is one transaction with its history entry, its audit events and its outbox
//! mails (DESIGN.md principle 5); concurrent changes of one dossier are serialised by an
//! optimistic revision check, so a stale screen gets a conflict instead of overwriting.

mod body;
pub(crate) mod columns;
mod files;
mod inbox;
mod read;
pub(crate) mod write;

use async_trait::async_trait;
use jiff::{Timestamp, civil::Date};
use motcua_core::{
    audit::AuditEvent,
    dossier::{
        Dossier, DossierCode, HistoryEntry, ProcessTemplate, Status, StepKind, SubmissionChannel,
    },
    identity::Scope,
};

pub use body::{FORMAT as BODY_FORMAT, decode as decode_body, encode as encode_body};
pub use read::{DESK_RECEIVED, MAX_DESK_DOSSIERS};
pub(crate) use write::create_in;

use crate::{db::Db, error::StoreResult, outbox::NewMail};

/// What is written with a new dossier or a change.
#[derive(Debug, Clone, Default)]
pub struct Accompanying {
    /// History entries (a desk receipt writes "submitted" and "accepted").
    pub history: Vec<HistoryEntry>,
    /// Audit events.
    pub audit: Vec<AuditEvent>,
    /// Mails to the applicant.
    pub mails: Vec<NewMail>,
    /// Drafts that became this dossier: deleted in its transaction, so a draft never outlives
    /// the dossier it became, nor the other way round.
    pub drafts: Vec<String>,
}

/// A new dossier, built once its code is known.
#[derive(Debug, Clone)]
pub struct Creation {
    /// The dossier (its `code` is the one handed to the builder).
    pub dossier: Dossier,
    /// What goes with it.
    pub with: Accompanying,
}

/// Builds the dossier from its freshly issued code. Infallible by design: everything that can
/// be refused is decided before the store is called, so a code is never issued for a
/// submission that then fails its own rules.
pub type BuildDossier = Box<dyn FnOnce(DossierCode) -> Creation + Send>;

/// An idempotency key of a submission.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    /// Whose key (account id): keys of different clients never collide.
    pub owner: String,
    /// The client's key.
    pub key: String,
    /// SHA-256 of the request body: the same key with another body is a client error.
    pub request_hash: String,
}

/// How a submission ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    /// A new dossier, as written.
    New(Box<Dossier>),
    /// The key was seen before: the dossier made then, and whether the body matched.
    Replayed {
        /// Its code.
        code: DossierCode,
        /// Whether the request body was the same.
        same_request: bool,
    },
}

/// A row of the officer inbox or of an applicant's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierSummary {
    /// Code.
    pub code: String,
    /// Procedure.
    pub procedure_code: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Status.
    pub status: Status,
    /// National status code.
    pub national_status: i64,
    /// Where it is.
    pub current_agency: String,
    /// Handling officer.
    pub assignee_name: Option<String>,
    /// Submitted.
    pub submitted_at: Timestamp,
    /// Legal due.
    pub due_at: Option<Timestamp>,
    /// When it needs attention: the legal due, else the desk's intake deadline (the inbox's
    /// order; for a dossier waiting at the desk, the end of its 8 working hours).
    pub queue_at: Timestamp,
    /// Finished.
    pub finished_at: Option<Timestamp>,
}

/// What the public lookup shows: status and appointment, nothing personal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicStatus {
    /// Code.
    pub code: String,
    /// Procedure.
    pub procedure_code: String,
    /// Status.
    pub status: Status,
    /// National status code.
    pub national_status: i64,
    /// Received.
    pub submitted_at: Timestamp,
    /// Appointment.
    pub due_at: Option<Timestamp>,
    /// Returned.
    pub returned_at: Option<Timestamp>,
    /// What the second factor of a public lookup is checked against.
    pub secrets: LookupSecrets,
}

/// The second factors of a public lookup: the key printed on the receipt, the last four
/// digits of the applicant's phone and of their identity number (or tax code).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LookupSecrets {
    /// The lookup key (dossiers of the first release have none).
    pub key: Option<String>,
    /// Last four digits of the phone.
    pub phone_tail: Option<String>,
    /// Last four digits of the identity number or tax code.
    pub id_tail: Option<String>,
}

/// Inbox filters. The scope is the caller's `dossier.read` scope: the permission filter runs
/// inside the query.
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    /// Where the caller may read.
    pub scope: Scope,
    /// Only dossiers assigned to this account.
    pub assignee: Option<String>,
    /// Only dossiers now at this agency.
    pub agency: Option<String>,
    /// Only these statuses (empty: every status).
    pub statuses: Vec<Status>,
    /// Only open dossiers (submitted, processing, awaiting a supplement, done but not returned).
    pub open_only: bool,
    /// Only dossiers with a legal due at or before this instant.
    pub due_before: Option<Timestamp>,
    /// Only this procedure.
    pub procedure: Option<String>,
    /// Only one of these procedures (a field of the catalog); `None`: any, an empty list:
    /// none (a field without procedures).
    pub procedures: Option<Vec<String>>,
    /// Only dossiers whose applicant this is.
    pub applicant: Option<ApplicantSearch>,
    /// Only dossiers that arrived by this channel.
    pub channel: Option<SubmissionChannel>,
    /// Only dossiers in process at a step of this kind (approval, issuing…).
    pub step_kind: Option<StepKind>,
    /// Only dossiers submitted in `[from, to)`.
    pub submitted: (Option<Timestamp>, Option<Timestamp>),
    /// Only dossiers whose legal due (appointment) is in `[from, to)`.
    pub due: (Option<Timestamp>, Option<Timestamp>),
    /// The order.
    pub sort: InboxSort,
    /// Page size.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

/// Who an official looks for in the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplicantSearch {
    /// A name, folded (`motcua_core::text::fold`): matches the start of the full name or of
    /// the given name.
    Name(String),
    /// An identity number or tax code, as its letters and digits: matches exactly.
    Ident(String),
}

impl ApplicantSearch {
    /// What an official typed: with a digit in it, an identity number or tax code (spaces and
    /// dashes ignored); otherwise a name. `None` when nothing searchable is left.
    pub fn from_text(text: &str) -> Option<Self> {
        let search = if text.chars().any(|c| c.is_ascii_digit()) {
            Self::Ident(columns::ident_key(text))
        } else {
            Self::Name(motcua_core::text::fold(text))
        };
        match &search {
            Self::Name(s) | Self::Ident(s) if s.is_empty() => None,
            _ => Some(search),
        }
    }
}

/// The orders of an inbox page; every one ends with the code, so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InboxSort {
    /// What needs attention first (the legal due, else the intake deadline).
    #[default]
    Attention,
    /// Most recently submitted first.
    Newest,
    /// Earliest submitted first.
    Oldest,
}

/// A page of summaries with the total count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryPage {
    /// Rows.
    pub items: Vec<DossierSummary>,
    /// Rows matching the filters.
    pub total: i64,
}

/// A stored file's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMeta {
    /// Id.
    pub id: String,
    /// Who uploaded it.
    pub owner_id: String,
    /// Name.
    pub name: String,
    /// Media type.
    pub media_type: String,
    /// Size.
    pub size: i64,
    /// SHA-256, hex.
    pub sha256: String,
}

/// What an account keeps in uploaded files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileUsage {
    /// Bytes of every file it uploaded and that still exists.
    pub bytes: i64,
    /// Files held by neither a dossier nor a draft.
    pub loose: i64,
}

/// A file an account uploaded, for "my documents".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedFile {
    /// The file.
    pub meta: FileMeta,
    /// When it was uploaded.
    pub created_at: Timestamp,
    /// The dossier holding it, if any.
    pub dossier_id: Option<String>,
}

/// Dossier storage.
#[async_trait]
pub trait DossierStore: Send + Sync {
    /// Issues the next code for `prefix` on `day`, builds the dossier and writes it with what
    /// accompanies it, all in one transaction. With an idempotency key seen before — also
    /// when a concurrent request with the same key committed first — writes nothing and
    /// returns [`Created::Replayed`]. [`crate::StoreError::SequenceExhausted`] when the day's
    /// 9,999 codes of the prefix are used up.
    async fn create_dossier(
        &self,
        prefix: &str,
        day: Date,
        key: Option<IdempotencyKey>,
        build: BuildDossier,
    ) -> StoreResult<Created>;

    /// The dossier code an idempotency key of `owner` produced, if any.
    async fn replayed_submission(&self, owner: &str, key: &str)
    -> StoreResult<Option<DossierCode>>;

    /// Writes a changed dossier if its stored revision is still `expected_revision`
    /// ([`crate::StoreError::StaleRevision`] otherwise).
    async fn update_dossier(
        &self,
        dossier: &Dossier,
        expected_revision: i64,
        with: &Accompanying,
    ) -> StoreResult<()>;

    /// The dossier with this code.
    async fn dossier(&self, code: &str) -> StoreResult<Option<Dossier>>;

    /// Its history, oldest first.
    async fn dossier_history(&self, id: &str) -> StoreResult<Vec<HistoryEntry>>;

    /// Status and appointment only.
    async fn public_status(&self, code: &str) -> StoreResult<Option<PublicStatus>>;

    /// The officer inbox.
    async fn inbox(&self, query: &InboxQuery) -> StoreResult<SummaryPage>;

    /// How many dossiers the inbox query matches (its paging ignored): a queue's count. With
    /// `cap`, counting stops above it (the answer is then `cap + 1`): a province-wide scope
    /// holds a million dossiers, and "more than 10,000" is what a tab needs to say.
    async fn inbox_count(&self, query: &InboxQuery, cap: Option<i64>) -> StoreResult<i64>;

    /// An applicant's own dossiers, newest first.
    async fn owned_dossiers(&self, owner_id: &str, limit: i64) -> StoreResult<Vec<DossierSummary>>;

    /// Stores an uploaded file.
    async fn put_file(&self, meta: &FileMeta, content: &[u8], now: Timestamp) -> StoreResult<()>;

    /// A file's metadata.
    async fn file_meta(&self, id: &str) -> StoreResult<Option<FileMeta>>;

    /// A file's content.
    async fn file_content(&self, id: &str) -> StoreResult<Option<Vec<u8>>>;

    /// What an account keeps (for its quota).
    async fn file_usage(&self, owner_id: &str) -> StoreResult<FileUsage>;

    /// An account's uploads, newest first.
    async fn owned_files(&self, owner_id: &str, limit: i64) -> StoreResult<Vec<OwnedFile>>;

    /// The owner of the dossier whose electronic result `file_id` is (the applicant may reuse
    /// it in a later dossier).
    async fn result_holder(&self, file_id: &str) -> StoreResult<Option<String>>;

    /// Deletes the files uploaded before `before` that neither a dossier nor a draft holds;
    /// returns how many.
    async fn purge_loose_files(&self, before: Timestamp) -> StoreResult<u64>;

    /// The internal process configured for a procedure at an agency.
    async fn process_template(
        &self,
        procedure: &str,
        agency: &str,
    ) -> StoreResult<Option<ProcessTemplate>>;

    /// Configures an internal process, or with `None` removes it so the default applies
    /// again. Dossiers already received keep the process they were given.
    async fn set_process_template(
        &self,
        procedure: &str,
        agency: &str,
        template: Option<&ProcessTemplate>,
        now: Timestamp,
    ) -> StoreResult<()>;

    /// The procedure codes with a process configured at `agency`, ordered.
    async fn process_templates_at(&self, agency: &str) -> StoreResult<Vec<String>>;

    /// The dossiers submitted to the desk `agency` in `[from, to)`, oldest first, at most
    /// `limit` (capped at [`MAX_DESK_DOSSIERS`]): the tracking ledger (Form 06) of that desk.
    /// Whole bodies, because the ledger prints what only the body holds (address, timeliness).
    async fn desk_dossiers(
        &self,
        agency: &str,
        from: Timestamp,
        to: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<Dossier>>;

    /// How many dossiers submitted to the desk `agency` in `[from, to)` it has received
    /// ([`Dossier::is_received`]: not those online still waiting for its check): what numbers
    /// the ledger's rows over the calendar year. Answered from the `dossiers_desk` index.
    async fn desk_received(&self, agency: &str, from: Timestamp, to: Timestamp)
    -> StoreResult<i64>;

    /// Dossier count (for monitoring and benchmarks).
    async fn dossier_count(&self) -> StoreResult<i64>;

    /// Reserves `n` consecutive sequence numbers for `prefix` on `day`; returns the first.
    async fn reserve_codes(&self, prefix: &str, day: Date, n: u32) -> StoreResult<u32>;

    /// Writes dossiers made elsewhere (a migration from another system, synthetic load-test
    /// data) in one transaction, and moves the daily code sequences past their codes so that
    /// new submissions never collide with them.
    async fn insert_dossiers(&self, dossiers: &[Dossier]) -> StoreResult<()>;
}

#[async_trait]
impl DossierStore for Db {
    async fn create_dossier(
        &self,
        prefix: &str,
        day: Date,
        key: Option<IdempotencyKey>,
        build: BuildDossier,
    ) -> StoreResult<Created> {
        write::create(self, prefix, day, key, build).await
    }

    async fn replayed_submission(
        &self,
        owner: &str,
        key: &str,
    ) -> StoreResult<Option<DossierCode>> {
        write::replayed_code(self, owner, key).await
    }

    async fn update_dossier(
        &self,
        dossier: &Dossier,
        expected_revision: i64,
        with: &Accompanying,
    ) -> StoreResult<()> {
        write::update(self, dossier, expected_revision, with).await
    }

    async fn dossier(&self, code: &str) -> StoreResult<Option<Dossier>> {
        read::dossier(self, code).await
    }

    async fn dossier_history(&self, id: &str) -> StoreResult<Vec<HistoryEntry>> {
        read::history(self, id).await
    }

    async fn public_status(&self, code: &str) -> StoreResult<Option<PublicStatus>> {
        read::public_status(self, code).await
    }

    async fn inbox(&self, q: &InboxQuery) -> StoreResult<SummaryPage> {
        inbox::inbox(self, q).await
    }

    async fn inbox_count(&self, q: &InboxQuery, cap: Option<i64>) -> StoreResult<i64> {
        inbox::count(self, q, cap).await
    }

    async fn owned_dossiers(&self, owner_id: &str, limit: i64) -> StoreResult<Vec<DossierSummary>> {
        read::owned(self, owner_id, limit).await
    }

    async fn put_file(&self, meta: &FileMeta, content: &[u8], now: Timestamp) -> StoreResult<()> {
        files::put(self, meta, content, now).await
    }

    async fn file_meta(&self, id: &str) -> StoreResult<Option<FileMeta>> {
        files::meta(self, id).await
    }

    async fn file_content(&self, id: &str) -> StoreResult<Option<Vec<u8>>> {
        files::content(self, id).await
    }

    async fn file_usage(&self, owner_id: &str) -> StoreResult<FileUsage> {
        files::usage(self, owner_id).await
    }

    async fn owned_files(&self, owner_id: &str, limit: i64) -> StoreResult<Vec<OwnedFile>> {
        files::owned(self, owner_id, limit).await
    }

    async fn result_holder(&self, file_id: &str) -> StoreResult<Option<String>> {
        files::result_holder(self, file_id).await
    }

    async fn purge_loose_files(&self, before: Timestamp) -> StoreResult<u64> {
        files::purge_loose(self, before).await
    }

    async fn process_template(
        &self,
        procedure: &str,
        agency: &str,
    ) -> StoreResult<Option<ProcessTemplate>> {
        files::process_template(self, procedure, agency).await
    }

    async fn set_process_template(
        &self,
        procedure: &str,
        agency: &str,
        template: Option<&ProcessTemplate>,
        now: Timestamp,
    ) -> StoreResult<()> {
        files::set_process_template(self, procedure, agency, template, now).await
    }

    async fn process_templates_at(&self, agency: &str) -> StoreResult<Vec<String>> {
        files::process_templates_at(self, agency).await
    }

    async fn desk_dossiers(
        &self,
        agency: &str,
        from: Timestamp,
        to: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<Dossier>> {
        read::desk_dossiers(self, agency, from, to, limit).await
    }

    async fn desk_received(
        &self,
        agency: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<i64> {
        read::desk_received(self, agency, from, to).await
    }

    async fn dossier_count(&self) -> StoreResult<i64> {
        read::count(self).await
    }

    async fn reserve_codes(&self, prefix: &str, day: Date, n: u32) -> StoreResult<u32> {
        write::reserve_codes(self, prefix, day, n).await
    }

    async fn insert_dossiers(&self, dossiers: &[Dossier]) -> StoreResult<()> {
        write::insert_many(self, dossiers).await
    }
}
