//! The e-mail outbox: mails are written in the transaction that decided to send them and
//! delivered later by a worker with retries (DESIGN.md principle 5: nothing acknowledged is
//! lost, and a failing mail server never fails the request).

use async_trait::async_trait;
use jiff::Timestamp;

use crate::{
    codec::DbTime,
    db::{Db, dialect, with_tx},
    error::StoreResult,
};

/// A mail to send.
#[derive(Clone, PartialEq, Eq)]
pub struct NewMail {
    /// Id (UUIDv7).
    pub id: String,
    /// Recipient address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// When it was queued (and first due).
    pub created_at: Timestamp,
}

/// Mails carry addresses and secret links: `Debug` shows neither.
impl std::fmt::Debug for NewMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMail")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A mail claimed for delivery.
#[derive(Clone, PartialEq, Eq)]
pub struct QueuedMail {
    /// Id.
    pub id: String,
    /// Recipient address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// Delivery attempts so far, including this one.
    pub attempts: i64,
}

impl std::fmt::Debug for QueuedMail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueuedMail")
            .field("id", &self.id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// Queues a [`NewMail`] inside the caller's transaction (`$conn` is `&mut *tx`).
macro_rules! enqueue_mail {
    ($conn:expr, $mail:expr) => {{
        let mail: &$crate::outbox::NewMail = $mail;
        sqlx::query(
            "INSERT INTO mail_outbox (id, recipient, subject, body, created_at, attempts, \
             next_attempt_at) VALUES ($1, $2, $3, $4, $5, 0, $5)",
        )
        .bind(&mail.id)
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind($crate::codec::DbTime(mail.created_at))
        .execute($conn)
        .await?;
    }};
}
pub(crate) use enqueue_mail;

/// The outbox, as the delivery worker sees it.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queues a mail on its own (most mails are queued by the method that makes the change).
    async fn enqueue_mail(&self, mail: &NewMail) -> StoreResult<()>;

    /// Claims up to `limit` due mails until `lease_until` (another worker will not take them
    /// until the lease ends, so a crashed worker's mails are retried) and counts the attempt.
    /// Returned in id order (oldest first).
    async fn claim_mails(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<QueuedMail>>;

    /// Records a delivery and erases the body (it may contain a reset link).
    async fn mark_mail_sent(&self, id: &str, now: Timestamp) -> StoreResult<()>;

    /// Records a failed attempt: retry at `retry_at`, or give up when `None`.
    async fn mark_mail_failed(
        &self,
        id: &str,
        now: Timestamp,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<()>;

    /// Mails not yet sent nor abandoned (for monitoring and tests).
    async fn pending_mail_count(&self) -> StoreResult<i64>;
}

#[async_trait]
impl OutboxStore for Db {
    async fn enqueue_mail(&self, mail: &NewMail) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            enqueue_mail!(&mut *tx, mail);
        });
        Ok(())
    }

    async fn claim_mails(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<QueuedMail>> {
        // PostgreSQL: SKIP LOCKED lets several workers claim disjoint batches; SQLite has one
        // writer (BEGIN IMMEDIATE), so a plain subquery is already exclusive.
        let rows: Vec<(String, String, String, String, i64)> = with_tx!(self, |tx, e| {
            sqlx::query_as(dialect(
                e,
                "UPDATE mail_outbox SET locked_until = $2, attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL \
                 AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) \
                 ORDER BY next_attempt_at LIMIT $3) \
                 RETURNING id, recipient, subject, body, attempts",
                "UPDATE mail_outbox SET locked_until = $2, attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL \
                 AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) \
                 ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 RETURNING id, recipient, subject, body, attempts",
            ))
            .bind(DbTime(now))
            .bind(DbTime(lease_until))
            .bind(limit.clamp(1, 100))
            .fetch_all(&mut *tx)
            .await?
        });
        // RETURNING has no order; ids are UUIDv7, so sorting by id is oldest first.
        let mut rows = rows;
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(rows
            .into_iter()
            .map(|(id, recipient, subject, body, attempts)| QueuedMail {
                id,
                recipient,
                subject,
                body,
                attempts,
            })
            .collect())
    }

    async fn mark_mail_sent(&self, id: &str, now: Timestamp) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "UPDATE mail_outbox SET sent_at = $1, body = '', locked_until = NULL, \
                 last_error = NULL WHERE id = $2",
            )
            .bind(DbTime(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    async fn mark_mail_failed(
        &self,
        id: &str,
        now: Timestamp,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<()> {
        let error: String = error.chars().take(500).collect();
        with_tx!(self, |tx, _e| {
            match retry_at {
                Some(at) => {
                    sqlx::query(
                        "UPDATE mail_outbox SET next_attempt_at = $1, locked_until = NULL, \
                         last_error = $2 WHERE id = $3",
                    )
                    .bind(DbTime(at))
                    .bind(&error)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query(
                        "UPDATE mail_outbox SET failed_at = $1, body = '', locked_until = NULL, \
                         last_error = $2 WHERE id = $3",
                    )
                    .bind(DbTime(now))
                    .bind(&error)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        });
        Ok(())
    }

    async fn pending_mail_count(&self) -> StoreResult<i64> {
        Ok(crate::db::on_pool!(self, read, |p, _e| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL",
            )
            .fetch_one(p)
            .await?
        }))
    }
}
