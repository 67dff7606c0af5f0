//! Reading dossiers: the aggregate by code, its history, the public status, an applicant's
//! own list. Lists read projected columns only; only the dossier screen decodes a body.

use jiff::Timestamp;
use motcua_core::dossier::{Dossier, HistoryEntry, Person, Status};

use super::{DossierSummary, PublicStatus};
use crate::{
    codec::DbTime,
    db::{Db, on_pool},
    error::{StoreError, StoreResult},
};

/// The summary columns, in the order of [`SummaryRow`]'s fields.
pub(super) const SUMMARY_COLUMNS: &str = "code, procedure_code, applicant_name, status, \
     national_status, current_agency, assignee_name, submitted_at, due_at, queue_at, finished_at";

fn status(s: &str) -> StoreResult<Status> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("dossier status {s:?}")))
}

/// A row of [`SUMMARY_COLUMNS`].
#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    code: String,
    procedure_code: String,
    applicant_name: String,
    status: String,
    national_status: i64,
    current_agency: String,
    assignee_name: Option<String>,
    submitted_at: DbTime,
    due_at: Option<DbTime>,
    queue_at: DbTime,
    finished_at: Option<DbTime>,
}

impl TryFrom<SummaryRow> for DossierSummary {
    type Error = StoreError;

    fn try_from(r: SummaryRow) -> StoreResult<Self> {
        Ok(Self {
            code: r.code,
            procedure_code: r.procedure_code,
            applicant_name: r.applicant_name,
            status: status(&r.status)?,
            national_status: r.national_status,
            current_agency: r.current_agency,
            assignee_name: r.assignee_name,
            submitted_at: r.submitted_at.0,
            due_at: r.due_at.map(|t| t.0),
            queue_at: r.queue_at.0,
            finished_at: r.finished_at.map(|t| t.0),
        })
    }
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    at: DbTime,
    actor_id: Option<String>,
    actor_name: Option<String>,
    action: String,
    status: String,
    summary: String,
    internal: bool,
}

#[derive(sqlx::FromRow)]
struct PublicRow {
    code: String,
    procedure_code: String,
    status: String,
    national_status: i64,
    submitted_at: DbTime,
    due_at: Option<DbTime>,
    returned_at: Option<DbTime>,
    lookup_key: Option<String>,
    phone_tail: Option<String>,
    id_tail: Option<String>,
}

pub(super) async fn dossier(db: &Db, code: &str) -> StoreResult<Option<Dossier>> {
    let row: Option<(String,)> = on_pool!(db, read, |p, _e| {
        sqlx::query_as("SELECT body FROM dossiers WHERE code = $1")
            .bind(code)
            .fetch_optional(p)
            .await?
    });
    row.map(|(body,)| super::body::decode(&body)).transpose()
}

pub(super) async fn history(db: &Db, id: &str) -> StoreResult<Vec<HistoryEntry>> {
    let rows: Vec<HistoryRow> = on_pool!(db, read, |p, _e| {
        sqlx::query_as(
            "SELECT at, actor_id, actor_name, action, status, summary, internal \
             FROM dossier_events WHERE dossier_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(p)
        .await?
    });
    rows.into_iter()
        .map(|r| {
            Ok(HistoryEntry {
                at: r.at.0,
                actor: r.actor_id.map(|user_id| Person {
                    user_id,
                    name: r.actor_name.unwrap_or_default(),
                }),
                action: r.action,
                status: status(&r.status)?,
                summary: r.summary,
                internal: r.internal,
            })
        })
        .collect()
}

pub(super) async fn public_status(db: &Db, code: &str) -> StoreResult<Option<PublicStatus>> {
    let row: Option<PublicRow> = on_pool!(db, read, |p, _e| {
        sqlx::query_as(
            "SELECT code, procedure_code, status, national_status, submitted_at, due_at, \
             returned_at, lookup_key, phone_tail, id_tail FROM dossiers WHERE code = $1",
        )
        .bind(code)
        .fetch_optional(p)
        .await?
    });
    row.map(|r| {
        Ok(PublicStatus {
            code: r.code,
            procedure_code: r.procedure_code,
            status: status(&r.status)?,
            national_status: r.national_status,
            submitted_at: r.submitted_at.0,
            due_at: r.due_at.map(|t| t.0),
            returned_at: r.returned_at.map(|t| t.0),
            secrets: super::LookupSecrets {
                key: r.lookup_key,
                phone_tail: r.phone_tail,
                id_tail: r.id_tail,
            },
        })
    })
    .transpose()
}

pub(super) async fn owned(db: &Db, owner_id: &str, limit: i64) -> StoreResult<Vec<DossierSummary>> {
    let rows: Vec<SummaryRow> = on_pool!(db, read, |p, _e| {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} FROM dossiers WHERE owner_id = $1 \
             ORDER BY submitted_at DESC, code DESC LIMIT $2"
        )))
        .bind(owner_id)
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await?
    });
    rows.into_iter().map(DossierSummary::try_from).collect()
}

/// Largest ledger a single read returns.
pub const MAX_DESK_DOSSIERS: i64 = 10_000;

pub(super) async fn desk_dossiers(
    db: &Db,
    agency: &str,
    from: Timestamp,
    to: Timestamp,
    limit: i64,
) -> StoreResult<Vec<Dossier>> {
    let rows: Vec<(String,)> = on_pool!(db, read, |p, _e| {
        sqlx::query_as(
            "SELECT body FROM dossiers WHERE receiving_agency = $1 AND submitted_at >= $2 \
             AND submitted_at < $3 ORDER BY submitted_at, code LIMIT $4",
        )
        .bind(agency)
        .bind(DbTime(from))
        .bind(DbTime(to))
        .bind(limit.clamp(1, MAX_DESK_DOSSIERS))
        .fetch_all(p)
        .await?
    });
    rows.into_iter()
        .map(|(body,)| super::body::decode(&body))
        .collect()
}

/// See [`super::DossierStore::desk_received`]. The status condition is the SQL spelling of
/// [`Dossier::is_received`] (see there why it needs no `accepted_at`); with the status in the
/// `(receiving_agency, submitted_at, status)` index the count reads the index only.
pub(super) async fn desk_received(
    db: &Db,
    agency: &str,
    from: Timestamp,
    to: Timestamp,
) -> StoreResult<i64> {
    let (n,): (i64,) = on_pool!(db, read, |p, _e| {
        sqlx::query_as(DESK_RECEIVED)
            .bind(agency)
            .bind(DbTime(from))
            .bind(DbTime(to))
            .fetch_one(p)
            .await?
    });
    Ok(n)
}

/// The count of [`desk_received`] (public for the contract test that checks its plan).
pub const DESK_RECEIVED: &str = "SELECT COUNT(*) FROM dossiers WHERE receiving_agency = $1 \
     AND submitted_at >= $2 AND submitted_at < $3 AND status <> 'submitted'";

pub(super) async fn count(db: &Db) -> StoreResult<i64> {
    let (n,): (i64,) = on_pool!(db, read, |p, _e| {
        sqlx::query_as("SELECT COUNT(*) FROM dossiers")
            .fetch_one(p)
            .await?
    });
    Ok(n)
}
