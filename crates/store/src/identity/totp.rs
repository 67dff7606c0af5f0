//! Two-factor authentication: the TOTP secret, accepted steps (no replay across nodes) and
//! recovery codes.

use async_trait::async_trait;
use jiff::Timestamp;
use motcua_core::audit::AuditEvent;

use crate::{
    audit::append_audit,
    codec::DbTime,
    db::{Db, on_pool, with_tx},
    error::{StoreError, StoreResult},
};

use super::TotpState;

/// Second factors of accounts.
#[async_trait]
pub trait TotpStore: Send + Sync {
    /// Two-factor state.
    async fn totp_state(&self, user_id: &str) -> StoreResult<TotpState>;

    /// Stores the secret shown during setup.
    async fn set_totp_pending(&self, user_id: &str, secret_b32: &str) -> StoreResult<()>;

    /// Turns two-factor authentication on with the pending secret (which must equal
    /// `secret_b32`, so a setup page opened twice cannot confirm the wrong one), replacing any
    /// recovery codes. Returns false when the pending secret differs.
    async fn enable_totp(
        &self,
        user_id: &str,
        secret_b32: &str,
        first_step: i64,
        recovery_code_hashes: &[String],
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    /// Turns two-factor authentication off and deletes the recovery codes.
    async fn disable_totp(
        &self,
        user_id: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Records an accepted TOTP step, atomically refusing a step at or before the last one
    /// (a code replayed on another node). Returns whether it was accepted.
    async fn accept_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool>;

    /// Uses a recovery code (single use). Returns whether it was valid.
    async fn use_recovery_code(
        &self,
        user_id: &str,
        code_hash: &str,
        now: Timestamp,
    ) -> StoreResult<bool>;
}

#[async_trait]
impl TotpStore for Db {
    async fn totp_state(&self, user_id: &str) -> StoreResult<TotpState> {
        let (row, left): (Option<(Option<String>, Option<String>, Option<i64>)>, i64) =
            on_pool!(self, read, |p, _e| {
                let row = sqlx::query_as(
                    "SELECT totp_secret, totp_pending, totp_last_step FROM users WHERE id = $1",
                )
                .bind(user_id)
                .fetch_optional(p)
                .await?;
                let left = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                )
                .bind(user_id)
                .fetch_one(p)
                .await?;
                (row, left)
            });
        let (secret, pending, last_step) = row.ok_or(StoreError::NotFound)?;
        Ok(TotpState {
            secret,
            pending,
            last_step,
            recovery_codes_left: left,
        })
    }

    async fn set_totp_pending(&self, user_id: &str, secret_b32: &str) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
                .bind(secret_b32)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    async fn enable_totp(
        &self,
        user_id: &str,
        secret_b32: &str,
        first_step: i64,
        recovery_code_hashes: &[String],
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let done = with_tx!(self, |tx, _e| {
            let n = sqlx::query(
                "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, \
                 totp_last_step = $1, updated_at = $2 WHERE id = $3 AND totp_pending = $4",
            )
            .bind(first_step)
            .bind(DbTime(now))
            .bind(user_id)
            .bind(secret_b32)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                for h in recovery_code_hashes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                        .bind(user_id)
                        .bind(h)
                        .execute(&mut *tx)
                        .await?;
                }
                append_audit!(&mut *tx, audit);
            }
            n == 1
        });
        Ok(done)
    }

    async fn disable_totp(
        &self,
        user_id: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL, \
                 updated_at = $1 WHERE id = $2",
            )
            .bind(DbTime(now))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn accept_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool> {
        let n = with_tx!(self, |tx, _e| {
            sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
                 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    async fn use_recovery_code(
        &self,
        user_id: &str,
        code_hash: &str,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let n = with_tx!(self, |tx, _e| {
            sqlx::query(
                "UPDATE recovery_codes SET used_at = $1 \
                 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            )
            .bind(DbTime(now))
            .bind(user_id)
            .bind(code_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }
}
