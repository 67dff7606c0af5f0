//! The audit log: append-only, hash-chained, written in the transaction of the change.
//!
//! # Appending from a store method
//!
//! Any store method that changes something worth accounting for appends its event **inside
//! its own transaction** with [`append_audit!`], so the change and its record commit or roll
//! back together:
//!
//! ```text
//! with_tx!(self, |tx, e| {
//!     sqlx::query("UPDATE dossiers SET status = $1 WHERE code = $2")
//!         .bind(status).bind(code).execute(&mut *tx).await?;
//!     crate::audit::append_audit!(&mut *tx, &event);
//! });
//! ```
//!
//! `event` is a [`motcua_core::audit::AuditEvent`] built by the caller (who knows the actor,
//! the client address and the request id). The append is a plain `INSERT` of a row without a
//! sequence number or hash, so concurrent transactions never wait on each other for it.
//!
//! # Sealing and verification
//!
//! [`AuditStore::seal_audit`] (run by a background task every few seconds) takes the unsealed
//! rows in (occurred_at, id) order, numbers them after the chain head and links each to the
//! previous hash ([`motcua_core::audit::chain_hash`]). Sealers on several nodes serialise on
//! the single `audit_chain` row. [`AuditStore::verify_audit`] recomputes the whole chain.
//!
//! Assumptions, stated plainly:
//! - The chain proves that sealed rows were not changed, removed or reordered *unless the
//!   attacker can also rewrite every later hash and the head*. Anchoring the head hash outside
//!   the database (`motcua audit verify` prints it; operators record it) closes that gap.
//! - An event is protected from the moment it is sealed (seconds after commit), not before.
//! - The order of the chain is the order of sealing, which follows commit order closely but is
//!   not the order of `occurred_at` for transactions that committed late.

use async_trait::async_trait;
use jiff::Timestamp;
use motcua_core::audit::{AuditEvent, GENESIS_HASH, Outcome, StoredEvent, chain_hash};

use crate::{
    access::push_scope,
    codec::DbTime,
    db::{Db, Pools, dialect, on_pool, with_tx},
    error::{StoreError, StoreResult},
};
use motcua_core::identity::Scope;

/// Appends an [`AuditEvent`] inside the caller's transaction (see the module documentation).
///
/// `$conn` is `&mut *tx` inside [`with_tx!`]; `$event` is a `&AuditEvent`. Expands to an
/// `INSERT` and propagates errors with `?`, so it must be used where `?` converts into
/// [`StoreError`].
macro_rules! append_audit {
    ($conn:expr, $event:expr) => {{
        let event: &motcua_core::audit::AuditEvent = $event;
        sqlx::query(
            "INSERT INTO audit_events (id, occurred_at, actor, action, outcome, agency_id, \
             procedure_code, subject, ip, request_id, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind($crate::codec::DbTime(event.occurred_at))
        .bind(&event.actor)
        .bind(&event.action)
        .bind(event.outcome.as_str())
        .bind(&event.agency_id)
        .bind(&event.procedure_code)
        .bind(&event.subject)
        .bind(&event.ip)
        .bind(&event.request_id)
        .bind(serde_json::to_string(&event.detail)?)
        .execute($conn)
        .await?;
    }};
}
pub(crate) use append_audit;

/// An event as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Row id.
    pub id: String,
    /// Position in the chain, once sealed.
    pub seq: Option<i64>,
    /// The event.
    pub event: AuditEvent,
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only events about these agencies (an auditor's scope). `None`: every event.
    pub scope: Option<Scope>,
    /// With a scope: also events that concern no agency (logins, account changes). Only
    /// auditors of the whole installation see those.
    pub include_unscoped: bool,
    /// Only this action.
    pub action: Option<String>,
    /// Only this actor.
    pub actor: Option<String>,
    /// Only this subject.
    pub subject: Option<String>,
    /// Only events at or after this instant.
    pub since: Option<Timestamp>,
    /// At most this many, newest first (capped at 1000).
    pub limit: i64,
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditVerification {
    /// Sealed events checked.
    pub sealed: i64,
    /// Events not sealed yet.
    pub unsealed: i64,
    /// The head as stored: last sequence number and its hash.
    pub head_seq: i64,
    /// Head hash.
    pub head_hash: String,
    /// The first problem found, if any (a gap, a changed row, a head that does not match).
    pub problem: Option<String>,
}

/// The audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends one event in its own transaction (for events that accompany no state change:
    /// failed logins, denials).
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()>;

    /// Seals up to `batch` unsealed events; returns how many.
    async fn seal_audit(&self, now: Timestamp, batch: i64) -> StoreResult<usize>;

    /// Recomputes the chain from the first event to the head.
    async fn verify_audit(&self) -> StoreResult<AuditVerification>;

    /// Lists events, newest first.
    async fn audit_events(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>>;
}

/// A row of [`EVENT_COLUMNS`].
#[derive(sqlx::FromRow)]
struct EventRow {
    id: String,
    seq: Option<i64>,
    occurred_at: DbTime,
    actor: String,
    action: String,
    outcome: String,
    agency_id: Option<String>,
    procedure_code: Option<String>,
    subject: Option<String>,
    ip: Option<String>,
    request_id: Option<String>,
    detail: String,
}

/// A sealed event with its links, as the verification reads it.
#[derive(sqlx::FromRow)]
struct ChainedRow {
    #[sqlx(flatten)]
    event: EventRow,
    prev_hash: Option<String>,
    hash: Option<String>,
}

const EVENT_COLUMNS: &str = "id, seq, occurred_at, actor, action, outcome, agency_id, \
     procedure_code, subject, ip, request_id, detail";

fn to_record(r: EventRow) -> StoreResult<AuditRecord> {
    Ok(AuditRecord {
        event: AuditEvent {
            occurred_at: r.occurred_at.0,
            actor: r.actor,
            action: r.action,
            outcome: Outcome::parse(&r.outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("audit outcome {:?}", r.outcome)))?,
            agency_id: r.agency_id,
            procedure_code: r.procedure_code,
            subject: r.subject,
            ip: r.ip,
            request_id: r.request_id,
            detail: serde_json::from_str(&r.detail)?,
        },
        id: r.id,
        seq: r.seq,
    })
}

fn stored(r: &EventRow) -> StoredEvent<'_> {
    StoredEvent {
        id: &r.id,
        occurred_at: r.occurred_at.0,
        actor: &r.actor,
        action: &r.action,
        outcome: &r.outcome,
        agency_id: r.agency_id.as_deref(),
        procedure_code: r.procedure_code.as_deref(),
        subject: r.subject.as_deref(),
        ip: r.ip.as_deref(),
        request_id: r.request_id.as_deref(),
        detail: &r.detail,
    }
}

/// Rows fetched per round trip while verifying.
const VERIFY_PAGE: i64 = 2000;

#[async_trait]
impl AuditStore for Db {
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            append_audit!(&mut *tx, event);
        });
        Ok(())
    }

    async fn seal_audit(&self, now: Timestamp, batch: i64) -> StoreResult<usize> {
        let sealed = with_tx!(self, |tx, e| {
            // The head row is the chain's lock: one sealer at a time, on every node.
            let (mut seq, mut hash): (i64, String) = sqlx::query_as(dialect(
                e,
                "SELECT seq, hash FROM audit_chain WHERE id = 1",
                "SELECT seq, hash FROM audit_chain WHERE id = 1 FOR UPDATE",
            ))
            .fetch_one(&mut *tx)
            .await?;
            let rows: Vec<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {EVENT_COLUMNS} FROM audit_events WHERE seq IS NULL \
                 ORDER BY occurred_at, id LIMIT $1"
            )))
            .bind(batch.clamp(1, 10_000))
            .fetch_all(&mut *tx)
            .await?;
            for r in &rows {
                let next = seq + 1;
                let h = chain_hash(&hash, next, &stored(r));
                sqlx::query(
                    "UPDATE audit_events SET seq = $1, prev_hash = $2, hash = $3 \
                     WHERE id = $4 AND seq IS NULL",
                )
                .bind(next)
                .bind(&hash)
                .bind(&h)
                .bind(&r.id)
                .execute(&mut *tx)
                .await?;
                seq = next;
                hash = h;
            }
            if !rows.is_empty() {
                sqlx::query(
                    "UPDATE audit_chain SET seq = $1, hash = $2, sealed_at = $3 WHERE id = 1",
                )
                .bind(seq)
                .bind(&hash)
                .bind(DbTime(now))
                .execute(&mut *tx)
                .await?;
            }
            rows.len()
        });
        Ok(sealed)
    }

    async fn verify_audit(&self) -> StoreResult<AuditVerification> {
        let (head_seq, head_hash, unsealed): (i64, String, i64) = on_pool!(self, read, |p, _e| {
            let (s, h): (i64, String) =
                sqlx::query_as("SELECT seq, hash FROM audit_chain WHERE id = 1")
                    .fetch_one(p)
                    .await?;
            let u: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE seq IS NULL")
                .fetch_one(p)
                .await?;
            (s, h, u)
        });
        let mut prev = GENESIS_HASH.to_owned();
        let mut expected_seq = 1i64;
        let mut problem = None;
        'pages: loop {
            let rows: Vec<ChainedRow> = on_pool!(self, read, |p, _e| {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {EVENT_COLUMNS}, prev_hash, hash FROM audit_events \
                     WHERE seq >= $1 ORDER BY seq LIMIT $2"
                )))
                .bind(expected_seq)
                .bind(VERIFY_PAGE)
                .fetch_all(p)
                .await?
            });
            if rows.is_empty() {
                break;
            }
            for ChainedRow {
                event: row,
                prev_hash: stored_prev,
                hash: stored_hash,
            } in &rows
            {
                let seq = row.seq.unwrap_or_default();
                if seq != expected_seq {
                    problem = Some(format!(
                        "sequence gap: expected {expected_seq}, found {seq} (events removed?)"
                    ));
                    break 'pages;
                }
                if stored_prev.as_deref() != Some(prev.as_str()) {
                    problem = Some(format!("event {seq}: link to the previous event broken"));
                    break 'pages;
                }
                let h = chain_hash(&prev, seq, &stored(row));
                if stored_hash.as_deref() != Some(h.as_str()) {
                    problem = Some(format!(
                        "event {seq} (id {}): content does not match its hash (changed?)",
                        row.id
                    ));
                    break 'pages;
                }
                prev = h;
                expected_seq += 1;
            }
        }
        let sealed = expected_seq - 1;
        if problem.is_none() && (sealed != head_seq || prev != head_hash) {
            problem = Some(format!(
                "chain ends at event {sealed} but the head says {head_seq} (events removed at the end?)"
            ));
        }
        Ok(AuditVerification {
            sealed,
            unsealed,
            head_seq,
            head_hash,
            problem,
        })
    }

    async fn audit_events(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditRecord>> {
        let limit = filter.limit.clamp(1, 1000);
        macro_rules! build {
            ($db:ty) => {{
                let mut qb = sqlx::QueryBuilder::<$db>::new(format!(
                    "SELECT {EVENT_COLUMNS} FROM audit_events WHERE 1 = 1"
                ));
                if let Some(scope) = &filter.scope {
                    qb.push(" AND (");
                    push_scope(&mut qb, scope, "agency_id", Some("procedure_code"));
                    if filter.include_unscoped {
                        qb.push(" OR agency_id IS NULL");
                    }
                    qb.push(")");
                }
                if let Some(a) = &filter.action {
                    qb.push(" AND action = ").push_bind(a.clone());
                }
                if let Some(a) = &filter.actor {
                    qb.push(" AND actor = ").push_bind(a.clone());
                }
                if let Some(s) = &filter.subject {
                    qb.push(" AND subject = ").push_bind(s.clone());
                }
                if let Some(t) = filter.since {
                    qb.push(" AND occurred_at >= ").push_bind(DbTime(t));
                }
                qb.push(" ORDER BY occurred_at DESC, id DESC LIMIT ")
                    .push_bind(limit);
                qb
            }};
        }
        let rows: Vec<EventRow> = match &self.pools {
            Pools::Sqlite { read, .. } => {
                let mut qb = build!(sqlx::Sqlite);
                qb.build_query_as().fetch_all(read).await?
            }
            Pools::Postgres(pg) => {
                let mut qb = build!(sqlx::Postgres);
                qb.build_query_as().fetch_all(pg).await?
            }
        };
        rows.into_iter().map(to_record).collect()
    }
}
