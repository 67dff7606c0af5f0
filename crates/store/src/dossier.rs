//! Dossiers: the aggregate stored whole (JSON) with the columns queries need, its history, the
//! daily code sequence, idempotency keys, uploaded files and internal process templates.
//!
//! Every change is one transaction with its history entry, its audit events and its outbox
//! mails (DESIGN.md principle 5); concurrent changes of one dossier are serialised by an
//! optimistic revision check, so a stale screen gets a conflict instead of overwriting.

use async_trait::async_trait;
use jiff::{Timestamp, civil::Date};
use motcua_core::{
    audit::AuditEvent,
    dossier::{Dossier, DossierCode, HistoryEntry, Person, ProcessTemplate, Status},
    identity::Scope,
};
use sqlx::QueryBuilder;

use crate::{
    access::push_scope,
    codec::DbTime,
    db::{Db, on_pool, with_tx},
    error::{StoreError, StoreResult},
    outbox::NewMail,
};

/// What is written with a new dossier or a change.
#[derive(Debug, Clone, Default)]
pub struct Accompanying {
    /// History entries (a desk receipt writes "submitted" and "accepted").
    pub history: Vec<HistoryEntry>,
    /// Audit events.
    pub audit: Vec<AuditEvent>,
    /// Mails to the applicant.
    pub mails: Vec<NewMail>,
}

/// A new dossier, built once its code is known.
#[derive(Debug, Clone)]
pub struct Creation {
    /// The dossier (its `code` is the one handed to the builder).
    pub dossier: Dossier,
    /// What goes with it.
    pub with: Accompanying,
}

/// Builds the dossier from its freshly issued code.
pub type BuildDossier = Box<dyn FnOnce(DossierCode) -> StoreResult<Creation> + Send>;

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Created {
    /// A new dossier.
    New(DossierCode),
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
    /// Page size.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
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

/// Dossier storage.
#[async_trait]
pub trait DossierStore: Send + Sync {
    /// Issues the next code for `prefix` on `day`, builds the dossier and writes it with what
    /// accompanies it, all in one transaction. With an idempotency key seen before, writes
    /// nothing and returns [`Created::Replayed`].
    async fn create_dossier(
        &self,
        prefix: &str,
        day: Date,
        key: Option<IdempotencyKey>,
        build: BuildDossier,
    ) -> StoreResult<Created>;

    /// The dossier code recorded for an idempotency key, with the request hash.
    async fn idempotent_submission(
        &self,
        owner: &str,
        key: &str,
    ) -> StoreResult<Option<(String, String)>>;

    /// Writes a changed dossier if its stored revision is still `expected_revision`
    /// ([`StoreError::Conflict`] otherwise).
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

    /// An applicant's own dossiers, newest first.
    async fn owned_dossiers(&self, owner_id: &str, limit: i64) -> StoreResult<Vec<DossierSummary>>;

    /// Stores an uploaded file.
    async fn put_file(&self, meta: &FileMeta, content: &[u8], now: Timestamp) -> StoreResult<()>;

    /// A file's metadata.
    async fn file_meta(&self, id: &str) -> StoreResult<Option<FileMeta>>;

    /// A file's content.
    async fn file_content(&self, id: &str) -> StoreResult<Option<Vec<u8>>>;

    /// The internal process configured for a procedure at an agency.
    async fn process_template(
        &self,
        procedure: &str,
        agency: &str,
    ) -> StoreResult<Option<ProcessTemplate>>;

    /// Configures an internal process.
    async fn set_process_template(
        &self,
        procedure: &str,
        agency: &str,
        template: &ProcessTemplate,
        now: Timestamp,
    ) -> StoreResult<()>;

    /// Dossier count (for monitoring and benchmarks).
    async fn dossier_count(&self) -> StoreResult<i64>;

    /// Reserves `n` consecutive sequence numbers for `prefix` on `day`; returns the first.
    async fn reserve_codes(&self, prefix: &str, day: Date, n: u32) -> StoreResult<u32>;

    /// Writes dossiers made elsewhere (a migration from another system, synthetic load-test
    /// data) in one transaction, and moves the daily code sequences past their codes so that
    /// new submissions never collide with them.
    async fn insert_dossiers(&self, dossiers: &[Dossier]) -> StoreResult<()>;
}

/// Above this many agencies a scope counts as wide (see `push_inbox_filters`).
const WIDE_SCOPE: usize = 32;

const SUMMARY_COLUMNS: &str = "code, procedure_code, applicant_name, status, national_status, \
     current_agency, assignee_name, submitted_at, due_at, finished_at";

type SummaryRow = (
    String,
    String,
    String,
    String,
    i64,
    String,
    Option<String>,
    DbTime,
    Option<DbTime>,
    Option<DbTime>,
);

fn status(s: &str) -> StoreResult<Status> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt(format!("dossier status {s:?}")))
}

fn summary(r: SummaryRow) -> StoreResult<DossierSummary> {
    Ok(DossierSummary {
        code: r.0,
        procedure_code: r.1,
        applicant_name: r.2,
        status: status(&r.3)?,
        national_status: r.4,
        current_agency: r.5,
        assignee_name: r.6,
        submitted_at: r.7.0,
        due_at: r.8.map(|t| t.0),
        finished_at: r.9.map(|t| t.0),
    })
}

/// Inserts history entries after the dossier's last one.
macro_rules! append_history {
    ($conn:expr, $dossier_id:expr, $entries:expr) => {{
        for h in $entries {
            let h: &motcua_core::dossier::HistoryEntry = h;
            sqlx::query(
                "INSERT INTO dossier_events (dossier_id, seq, at, actor_id, actor_name, action, \
                 status, summary) SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7 \
                 FROM dossier_events WHERE dossier_id = $1",
            )
            .bind($dossier_id)
            .bind($crate::codec::DbTime(h.at))
            .bind(
                h.actor
                    .as_ref()
                    .map(|p: &motcua_core::dossier::Person| p.user_id.clone()),
            )
            .bind(
                h.actor
                    .as_ref()
                    .map(|p: &motcua_core::dossier::Person| p.name.clone()),
            )
            .bind(&h.action)
            .bind(h.status.as_str())
            .bind(&h.summary)
            .execute(&mut *$conn)
            .await?;
        }
    }};
}

pub(crate) use append_history;

/// Audit events and mails.
macro_rules! append_accompanying {
    ($conn:expr, $with:expr) => {{
        let with: &$crate::dossier::Accompanying = $with;
        for e in &with.audit {
            $crate::audit::append_audit!(&mut *$conn, e);
        }
        for m in &with.mails {
            $crate::outbox::enqueue_mail!(&mut *$conn, m);
        }
    }};
}
pub(crate) use append_accompanying;

/// The body of a submission inside the transaction `$tx` (shared by the plain path and
/// SQLite's group commit). Evaluates to `Created`; errors return with `?`.
macro_rules! create_in {
    ($tx:ident, $prefix:expr, $day:expr, $key:expr, $build:expr) => {{
        let prefix: &str = $prefix;
        let day: jiff::civil::Date = $day;
        let key: Option<$crate::dossier::IdempotencyKey> = $key;
        let build: $crate::dossier::BuildDossier = $build;
        let seen: Option<(String, String)> = match &key {
            Some(k) => {
                sqlx::query_as(
                    "SELECT dossier_code, request_hash FROM idempotency_keys \
                         WHERE owner = $1 AND key = $2",
                )
                .bind(&k.owner)
                .bind(&k.key)
                .fetch_optional(&mut *$tx)
                .await?
            }
            None => None,
        };
        if let (Some((code, hash)), Some(k)) = (seen, &key) {
            let code = motcua_core::dossier::DossierCode::parse(&code).map_err(|_| {
                $crate::error::StoreError::Corrupt(format!("dossier code {code:?}"))
            })?;
            $crate::dossier::Created::Replayed {
                code,
                same_request: hash == k.request_hash,
            }
        } else {
            let (seq,): (i64,) = sqlx::query_as(
                "INSERT INTO dossier_sequences (prefix, day, last) VALUES ($1, $2, 1) \
                     ON CONFLICT (prefix, day) DO UPDATE SET last = dossier_sequences.last + 1 \
                     RETURNING last",
            )
            .bind(prefix)
            .bind(day.to_string())
            .fetch_one(&mut *$tx)
            .await?;
            let seq = u32::try_from(seq).unwrap_or(u32::MAX);
            let code = motcua_core::dossier::DossierCode::new(prefix, day, seq)
                .map_err(|e| $crate::error::StoreError::Conflict(e.to_string()))?;
            let $crate::dossier::Creation { dossier, with } = build(code.clone())?;
            $crate::dossier::insert_dossier!(&mut *$tx, &dossier);
            $crate::dossier::append_history!(&mut *$tx, &dossier.id, &with.history);
            $crate::dossier::append_accompanying!(&mut *$tx, &with);
            if let Some(k) = &key {
                sqlx::query(
                    "INSERT INTO idempotency_keys (owner, key, request_hash, dossier_code, \
                         created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&k.owner)
                .bind(&k.key)
                .bind(&k.request_hash)
                .bind(code.as_str())
                .bind($crate::codec::DbTime(dossier.submitted_at))
                .execute(&mut *$tx)
                .await?;
            }
            $crate::dossier::Created::New(code)
        }
    }};
}
pub(crate) use create_in;

#[async_trait]
impl DossierStore for Db {
    async fn create_dossier(
        &self,
        prefix: &str,
        day: Date,
        key: Option<IdempotencyKey>,
        build: BuildDossier,
    ) -> StoreResult<Created> {
        if let Some(group) = &self.group {
            return group.submit(prefix, day, key, build).await;
        }
        let out = with_tx!(self, |tx, _e| { create_in!(tx, prefix, day, key, build) });
        Ok(out)
    }

    async fn idempotent_submission(
        &self,
        owner: &str,
        key: &str,
    ) -> StoreResult<Option<(String, String)>> {
        Ok(on_pool!(self, write, |p, _e| {
            sqlx::query_as(
                "SELECT dossier_code, request_hash FROM idempotency_keys \
                 WHERE owner = $1 AND key = $2",
            )
            .bind(owner)
            .bind(key)
            .fetch_optional(p)
            .await?
        }))
    }

    async fn update_dossier(
        &self,
        dossier: &Dossier,
        expected_revision: i64,
        with: &Accompanying,
    ) -> StoreResult<()> {
        let body = serde_json::to_string(dossier)?;
        let updated_at = with.history.last().map_or(dossier.submitted_at, |h| h.at);
        with_tx!(self, |tx, _e| {
            let n = sqlx::query(
                "UPDATE dossiers SET current_agency = $1, competent_agency = $2, status = $3, \
                 national_status = $4, assignee_id = $5, assignee_name = $6, due_at = $7, \
                 kpi_due_at = $8, finished_at = $9, returned_at = $10, updated_at = $11, \
                 revision = $12, body = $13, queue_at = $16 WHERE id = $14 AND revision = $15",
            )
            .bind(&dossier.current_agency)
            .bind(&dossier.competent_agency)
            .bind(dossier.status.as_str())
            .bind(i64::from(dossier.national_status()))
            .bind(dossier.assignee.as_ref().map(|a| a.user_id.clone()))
            .bind(dossier.assignee.as_ref().map(|a| a.name.clone()))
            .bind(dossier.due.legal.map(DbTime))
            .bind(dossier.due.kpi.map(DbTime))
            .bind(dossier.finished_at.map(DbTime))
            .bind(dossier.returned_at.map(DbTime))
            .bind(DbTime(updated_at))
            .bind(dossier.revision)
            .bind(&body)
            .bind(&dossier.id)
            .bind(expected_revision)
            .bind(DbTime(dossier.queue_at()))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::Conflict("stale_revision".to_owned()));
            }
            append_history!(&mut *tx, &dossier.id, &with.history);
            append_accompanying!(&mut *tx, with);
        });
        Ok(())
    }

    async fn dossier(&self, code: &str) -> StoreResult<Option<Dossier>> {
        let row: Option<(String,)> = on_pool!(self, read, |p, _e| {
            sqlx::query_as("SELECT body FROM dossiers WHERE code = $1")
                .bind(code)
                .fetch_optional(p)
                .await?
        });
        row.map(|(body,)| serde_json::from_str(&body).map_err(StoreError::from))
            .transpose()
    }

    async fn dossier_history(&self, id: &str) -> StoreResult<Vec<HistoryEntry>> {
        type Row = (
            DbTime,
            Option<String>,
            Option<String>,
            String,
            String,
            String,
        );
        let rows: Vec<Row> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT at, actor_id, actor_name, action, status, summary FROM dossier_events \
                 WHERE dossier_id = $1 ORDER BY seq",
            )
            .bind(id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter()
            .map(|(at, actor_id, actor_name, action, st, summary)| {
                Ok(HistoryEntry {
                    at: at.0,
                    actor: actor_id.map(|user_id| Person {
                        user_id,
                        name: actor_name.unwrap_or_default(),
                    }),
                    action,
                    status: status(&st)?,
                    summary,
                })
            })
            .collect()
    }

    async fn public_status(&self, code: &str) -> StoreResult<Option<PublicStatus>> {
        type Row = (
            String,
            String,
            String,
            i64,
            DbTime,
            Option<DbTime>,
            Option<DbTime>,
        );
        let row: Option<Row> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT code, procedure_code, status, national_status, submitted_at, due_at, \
                 returned_at FROM dossiers WHERE code = $1",
            )
            .bind(code)
            .fetch_optional(p)
            .await?
        });
        row.map(|r| {
            Ok(PublicStatus {
                code: r.0,
                procedure_code: r.1,
                status: status(&r.2)?,
                national_status: r.3,
                submitted_at: r.4.0,
                due_at: r.5.map(|t| t.0),
                returned_at: r.6.map(|t| t.0),
            })
        })
        .transpose()
    }

    async fn inbox(&self, q: &InboxQuery) -> StoreResult<SummaryPage> {
        let limit = q.limit.clamp(1, 200);
        let offset = q.offset.max(0);
        let (rows, total): (Vec<SummaryRow>, i64) = on_pool!(self, read, |p, e| {
            let mut qb =
                QueryBuilder::new(format!("SELECT {SUMMARY_COLUMNS} FROM dossiers WHERE "));
            push_inbox_filters(&mut qb, q, e, false);
            qb.push(" ORDER BY queue_at, code LIMIT ")
                .push_bind(limit)
                .push(" OFFSET ")
                .push_bind(offset);
            let rows: Vec<SummaryRow> = qb.build_query_as().fetch_all(p).await?;
            let total = if offset == 0 && (rows.len() as i64) < limit {
                rows.len() as i64
            } else {
                let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM dossiers WHERE ");
                push_inbox_filters(&mut qb, q, e, true);
                let (n,): (i64,) = qb.build_query_as().fetch_one(p).await?;
                n
            };
            (rows, total)
        });
        Ok(SummaryPage {
            items: rows.into_iter().map(summary).collect::<StoreResult<_>>()?,
            total,
        })
    }

    async fn owned_dossiers(&self, owner_id: &str, limit: i64) -> StoreResult<Vec<DossierSummary>> {
        let rows: Vec<SummaryRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {SUMMARY_COLUMNS} FROM dossiers WHERE owner_id = $1 \
                 ORDER BY submitted_at DESC, code DESC LIMIT $2"
            )))
            .bind(owner_id)
            .bind(limit.clamp(1, 500))
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(summary).collect()
    }

    async fn put_file(&self, meta: &FileMeta, content: &[u8], now: Timestamp) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "INSERT INTO stored_files (id, owner_id, name, media_type, size, sha256, content, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&meta.id)
            .bind(&meta.owner_id)
            .bind(&meta.name)
            .bind(&meta.media_type)
            .bind(meta.size)
            .bind(&meta.sha256)
            .bind(content)
            .bind(DbTime(now))
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    async fn file_meta(&self, id: &str) -> StoreResult<Option<FileMeta>> {
        type Row = (String, String, String, String, i64, String);
        let row: Option<Row> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT id, owner_id, name, media_type, size, sha256 FROM stored_files \
                 WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|r| FileMeta {
            id: r.0,
            owner_id: r.1,
            name: r.2,
            media_type: r.3,
            size: r.4,
            sha256: r.5,
        }))
    }

    async fn file_content(&self, id: &str) -> StoreResult<Option<Vec<u8>>> {
        let row: Option<(Vec<u8>,)> = on_pool!(self, read, |p, _e| {
            sqlx::query_as("SELECT content FROM stored_files WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(|r| r.0))
    }

    async fn process_template(
        &self,
        procedure: &str,
        agency: &str,
    ) -> StoreResult<Option<ProcessTemplate>> {
        let row: Option<(String,)> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT template FROM process_templates WHERE procedure_code = $1 \
                 AND agency_id = $2",
            )
            .bind(procedure)
            .bind(agency)
            .fetch_optional(p)
            .await?
        });
        row.map(|(t,)| serde_json::from_str(&t).map_err(StoreError::from))
            .transpose()
    }

    async fn set_process_template(
        &self,
        procedure: &str,
        agency: &str,
        template: &ProcessTemplate,
        now: Timestamp,
    ) -> StoreResult<()> {
        let json = serde_json::to_string(template)?;
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "INSERT INTO process_templates (procedure_code, agency_id, template, updated_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (procedure_code, agency_id) \
                 DO UPDATE SET template = excluded.template, updated_at = excluded.updated_at",
            )
            .bind(procedure)
            .bind(agency)
            .bind(&json)
            .bind(DbTime(now))
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    async fn insert_dossiers(&self, dossiers: &[Dossier]) -> StoreResult<()> {
        let mut last: std::collections::BTreeMap<(String, String), i64> = Default::default();
        for d in dossiers {
            let day = d.code.day().map(|d| d.to_string()).unwrap_or_default();
            let e = last.entry((d.code.prefix().to_owned(), day)).or_default();
            *e = (*e).max(i64::from(d.code.sequence()));
        }
        with_tx!(self, |tx, e| {
            for d in dossiers {
                insert_dossier!(&mut *tx, d);
            }
            let sql = crate::db::dialect(
                e,
                "INSERT INTO dossier_sequences (prefix, day, last) VALUES ($1, $2, $3) \
                 ON CONFLICT (prefix, day) DO UPDATE SET last = max(last, excluded.last)",
                "INSERT INTO dossier_sequences (prefix, day, last) VALUES ($1, $2, $3) \
                 ON CONFLICT (prefix, day) DO UPDATE SET \
                 last = GREATEST(dossier_sequences.last, excluded.last)",
            );
            for ((prefix, day), n) in &last {
                sqlx::query(sql)
                    .bind(prefix)
                    .bind(day)
                    .bind(*n)
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }

    async fn reserve_codes(&self, prefix: &str, day: Date, n: u32) -> StoreResult<u32> {
        let (last,): (i64,) = with_tx!(self, |tx, _e| {
            sqlx::query_as(
                "INSERT INTO dossier_sequences (prefix, day, last) VALUES ($1, $2, $3) \
                 ON CONFLICT (prefix, day) DO UPDATE SET last = dossier_sequences.last + $3 \
                 RETURNING last",
            )
            .bind(prefix)
            .bind(day.to_string())
            .bind(i64::from(n))
            .fetch_one(&mut *tx)
            .await?
        });
        u32::try_from(last - i64::from(n) + 1).map_err(|_| StoreError::Corrupt("sequence".into()))
    }

    async fn dossier_count(&self) -> StoreResult<i64> {
        let (n,): (i64,) = on_pool!(self, read, |p, _e| {
            sqlx::query_as("SELECT COUNT(*) FROM dossiers")
                .fetch_one(p)
                .await?
        });
        Ok(n)
    }
}

/// Inserts a dossier row.
macro_rules! insert_dossier {
    ($conn:expr, $d:expr) => {{
        let d: &motcua_core::dossier::Dossier = $d;
        sqlx::query(
            "INSERT INTO dossiers (id, code, procedure_code, receiving_agency, competent_agency, \
             current_agency, status, national_status, owner_id, assignee_id, assignee_name, \
             applicant_name, submitted_at, due_at, kpi_due_at, finished_at, returned_at, \
             updated_at, revision, body, queue_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)",
        )
        .bind(&d.id)
        .bind(d.code.as_str())
        .bind(d.procedure.as_str())
        .bind(&d.receiving_agency)
        .bind(&d.competent_agency)
        .bind(&d.current_agency)
        .bind(d.status.as_str())
        .bind(i64::from(d.national_status()))
        .bind(&d.owner_id)
        .bind(d.assignee.as_ref().map(|a| a.user_id.clone()))
        .bind(d.assignee.as_ref().map(|a| a.name.clone()))
        .bind(&d.applicant.name)
        .bind($crate::codec::DbTime(d.submitted_at))
        .bind(d.due.legal.map($crate::codec::DbTime))
        .bind(d.due.kpi.map($crate::codec::DbTime))
        .bind(d.finished_at.map($crate::codec::DbTime))
        .bind(d.returned_at.map($crate::codec::DbTime))
        .bind($crate::codec::DbTime(d.submitted_at))
        .bind(d.revision)
        .bind(serde_json::to_string(d)?)
        .bind($crate::codec::DbTime(d.queue_at()))
        .execute(&mut *$conn)
        .await?;
    }};
}
pub(crate) use insert_dossier;

/// The inbox conditions; `counting` keeps the agency indexes usable (a count over a wide scope
/// is an index-only sum of one range per agency).
fn push_inbox_filters<DB>(
    qb: &mut QueryBuilder<DB>,
    q: &InboxQuery,
    engine: crate::db::Engine,
    counting: bool,
) where
    DB: sqlx::Database,
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> DbTime: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    // A wide scope (a province's procedure control office, hundreds of agencies) is better
    // served by walking the open-dossier queue in order than by one range per agency and a
    // sort: `+current_agency` tells SQLite not to use the agency indexes for it.
    let wide = !counting
        && q.scope.agencies.len() > WIDE_SCOPE
        && q.agency.is_none()
        && q.assignee.is_none();
    let agency_col = if wide && engine == crate::db::Engine::Sqlite {
        "+current_agency"
    } else {
        "current_agency"
    };
    push_scope(qb, &q.scope, agency_col, Some("procedure_code"));
    if let Some(a) = &q.assignee {
        qb.push(" AND assignee_id = ").push_bind(a.clone());
    }
    if let Some(a) = &q.agency {
        qb.push(" AND current_agency = ").push_bind(a.clone());
    }
    if q.open_only {
        // Literal, so both engines can use the partial indexes on open dossiers.
        qb.push(" AND status IN ('submitted', 'processing', 'awaiting_supplement', 'done')");
    }
    if !q.statuses.is_empty() {
        qb.push(" AND status IN (");
        let mut list = qb.separated(", ");
        for s in &q.statuses {
            list.push_bind(s.as_str().to_owned());
        }
        qb.push(")");
    }
    if let Some(t) = q.due_before {
        qb.push(" AND queue_at <= ")
            .push_bind(DbTime(t))
            .push(" AND due_at IS NOT NULL");
    }
    if let Some(p) = &q.procedure {
        qb.push(" AND procedure_code = ").push_bind(p.clone());
    }
}
