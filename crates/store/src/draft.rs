//! Drafts: a dossier being filled in by its applicant, saved at every step of the form so it
//! can be resumed on any device and survives an expired session. A draft is the applicant's
//! data only — it becomes a dossier in the dossier's own transaction
//! ([`crate::Accompanying::drafts`]), never half of one.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::{
    codec::DbTime,
    db::{Db, on_pool, with_tx},
    error::{StoreError, StoreResult},
    outbox::{NewMail, enqueue_mail},
};

/// A stored draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Id (UUIDv7).
    pub id: String,
    /// The applicant's account.
    pub owner_id: String,
    /// The procedure being applied for.
    pub procedure_code: String,
    /// What has been filled in (the service's JSON).
    pub data: String,
    /// Optimistic concurrency: two tabs saving the same draft do not overwrite each other.
    pub revision: i64,
    /// Created.
    pub created_at: Timestamp,
    /// Last saved.
    pub updated_at: Timestamp,
    /// Deleted after this instant.
    pub expires_at: Timestamp,
    /// When the owner was warned that it will expire.
    pub warned_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct DraftRow {
    id: String,
    owner_id: String,
    procedure_code: String,
    data: String,
    revision: i64,
    created_at: DbTime,
    updated_at: DbTime,
    expires_at: DbTime,
    warned_at: Option<DbTime>,
}

impl From<DraftRow> for Draft {
    fn from(r: DraftRow) -> Self {
        Self {
            id: r.id,
            owner_id: r.owner_id,
            procedure_code: r.procedure_code,
            data: r.data,
            revision: r.revision,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
            expires_at: r.expires_at.0,
            warned_at: r.warned_at.map(|t| t.0),
        }
    }
}

const COLUMNS: &str = "id, owner_id, procedure_code, data, revision, created_at, updated_at, \
     expires_at, warned_at";

/// Draft storage.
#[async_trait]
pub trait DraftStore: Send + Sync {
    /// Stores a new draft (revision 0).
    async fn create_draft(&self, draft: &Draft) -> StoreResult<()>;

    /// A draft by id.
    async fn draft(&self, id: &str) -> StoreResult<Option<Draft>>;

    /// An account's drafts, last saved first.
    async fn drafts_of(&self, owner_id: &str) -> StoreResult<Vec<Draft>>;

    /// Saves a draft's data if its revision is still `expected_revision`
    /// ([`StoreError::StaleRevision`] otherwise, also for another owner's draft), pushes its
    /// expiry to `expires_at` (and forgets an expiry warning), and marks `files` as held by it.
    #[expect(
        clippy::too_many_arguments,
        reason = "one save with everything it changes"
    )]
    async fn save_draft(
        &self,
        id: &str,
        owner_id: &str,
        expected_revision: i64,
        data: &str,
        files: &[String],
        now: Timestamp,
        expires_at: Timestamp,
    ) -> StoreResult<()>;

    /// Deletes an owner's draft; its files become loose (removed later unless attached
    /// elsewhere). Returns whether it existed.
    async fn delete_draft(&self, id: &str, owner_id: &str) -> StoreResult<bool>;

    /// Drafts expiring before `before` whose owner was not warned yet, oldest first.
    async fn drafts_to_warn(&self, before: Timestamp, limit: i64) -> StoreResult<Vec<Draft>>;

    /// Records the expiry warning of a draft with the mail that gives it, in one
    /// transaction (no mail without the mark, no mark without the mail); a draft already
    /// marked — by another node that read the same list — gets no second mail.
    async fn warn_draft(&self, id: &str, now: Timestamp, mail: Option<&NewMail>)
    -> StoreResult<()>;

    /// Deletes the drafts expired at `now`; returns how many.
    async fn purge_drafts(&self, now: Timestamp) -> StoreResult<u64>;
}

#[async_trait]
impl DraftStore for Db {
    async fn create_draft(&self, d: &Draft) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO dossier_drafts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            )))
            .bind(&d.id)
            .bind(&d.owner_id)
            .bind(&d.procedure_code)
            .bind(&d.data)
            .bind(d.revision)
            .bind(DbTime(d.created_at))
            .bind(DbTime(d.updated_at))
            .bind(DbTime(d.expires_at))
            .bind(d.warned_at.map(DbTime))
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    async fn draft(&self, id: &str) -> StoreResult<Option<Draft>> {
        let row: Option<DraftRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM dossier_drafts WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(Draft::from))
    }

    async fn drafts_of(&self, owner_id: &str) -> StoreResult<Vec<Draft>> {
        let rows: Vec<DraftRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM dossier_drafts WHERE owner_id = $1 \
                 ORDER BY updated_at DESC, id DESC LIMIT 100"
            )))
            .bind(owner_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(Draft::from).collect())
    }

    async fn save_draft(
        &self,
        id: &str,
        owner_id: &str,
        expected_revision: i64,
        data: &str,
        files: &[String],
        now: Timestamp,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            let n = sqlx::query(
                "UPDATE dossier_drafts SET data = $1, revision = revision + 1, updated_at = $2, \
                 expires_at = $3, warned_at = NULL WHERE id = $4 AND owner_id = $5 \
                 AND revision = $6",
            )
            .bind(data)
            .bind(DbTime(now))
            .bind(DbTime(expires_at))
            .bind(id)
            .bind(owner_id)
            .bind(expected_revision)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::StaleRevision);
            }
            for file in files {
                sqlx::query(
                    "UPDATE stored_files SET draft_id = $1 WHERE id = $2 AND owner_id = $3 \
                     AND dossier_id IS NULL",
                )
                .bind(id)
                .bind(file)
                .bind(owner_id)
                .execute(&mut *tx)
                .await?;
            }
        });
        Ok(())
    }

    async fn delete_draft(&self, id: &str, owner_id: &str) -> StoreResult<bool> {
        let n = with_tx!(self, |tx, _e| {
            sqlx::query("UPDATE stored_files SET draft_id = NULL WHERE draft_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM dossier_drafts WHERE id = $1 AND owner_id = $2")
                .bind(id)
                .bind(owner_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(n > 0)
    }

    async fn drafts_to_warn(&self, before: Timestamp, limit: i64) -> StoreResult<Vec<Draft>> {
        let rows: Vec<DraftRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {COLUMNS} FROM dossier_drafts WHERE expires_at < $1 \
                 AND warned_at IS NULL ORDER BY expires_at LIMIT $2"
            )))
            .bind(DbTime(before))
            .bind(limit.clamp(1, 1000))
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(Draft::from).collect())
    }

    async fn warn_draft(
        &self,
        id: &str,
        now: Timestamp,
        mail: Option<&NewMail>,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            // Only the first node to mark the draft sends the mail.
            let marked = sqlx::query(
                "UPDATE dossier_drafts SET warned_at = $1 WHERE id = $2 AND warned_at IS NULL",
            )
            .bind(DbTime(now))
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if let (1, Some(m)) = (marked, mail) {
                enqueue_mail!(&mut *tx, m);
            }
        });
        Ok(())
    }

    async fn purge_drafts(&self, now: Timestamp) -> StoreResult<u64> {
        let n = with_tx!(self, |tx, _e| {
            sqlx::query(
                "UPDATE stored_files SET draft_id = NULL WHERE draft_id IN \
                 (SELECT id FROM dossier_drafts WHERE expires_at < $1)",
            )
            .bind(DbTime(now))
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM dossier_drafts WHERE expires_at < $1")
                .bind(DbTime(now))
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        Ok(n)
    }
}
