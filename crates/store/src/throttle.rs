//! Failed-attempt counters with progressive lockout, kept in the database so that a lockout
//! holds on every node and across restarts (a per-process limiter would give an attacker a
//! fresh budget per node).

use async_trait::async_trait;
use jiff::Timestamp;

use crate::{
    codec::DbTime,
    db::{Db, dialect, on_pool, with_tx},
    error::StoreResult,
};

/// When failures lead to a lockout, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures that trigger the first lockout.
    pub threshold: i64,
    /// Failures are forgotten after this many seconds without a new one.
    pub forget_after_seconds: i64,
    /// First lockout length; each further failure doubles it.
    pub base_lock_seconds: i64,
    /// Longest lockout.
    pub max_lock_seconds: i64,
}

impl ThrottlePolicy {
    /// The lockout after `failures` failures, if any.
    pub fn lock_seconds(&self, failures: i64) -> Option<i64> {
        if failures < self.threshold {
            return None;
        }
        let doublings = u32::try_from(failures - self.threshold)
            .unwrap_or(u32::MAX)
            .min(30);
        Some(
            self.base_lock_seconds
                .saturating_mul(1i64 << doublings)
                .min(self.max_lock_seconds),
        )
    }
}

fn plus_seconds(at: Timestamp, seconds: i64) -> Timestamp {
    Timestamp::from_microsecond(
        at.as_microsecond()
            .saturating_add(seconds.saturating_mul(1_000_000)),
    )
    .unwrap_or(Timestamp::MAX)
}

/// Failed-attempt counters.
#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// The latest lockout end among `keys` that is still in the future.
    async fn locked_until(&self, keys: &[String], now: Timestamp)
    -> StoreResult<Option<Timestamp>>;

    /// Counts a failure for `key`; returns the lockout end when the key is now locked.
    async fn record_failure(
        &self,
        key: &str,
        policy: &ThrottlePolicy,
        now: Timestamp,
    ) -> StoreResult<Option<Timestamp>>;

    /// Forgets the failures of `key` (after a success).
    async fn clear_throttle(&self, key: &str) -> StoreResult<()>;
}

#[async_trait]
impl ThrottleStore for Db {
    async fn locked_until(
        &self,
        keys: &[String],
        now: Timestamp,
    ) -> StoreResult<Option<Timestamp>> {
        let mut latest: Option<Timestamp> = None;
        for key in keys {
            let until: Option<Option<DbTime>> = on_pool!(self, read, |p, _e| {
                sqlx::query_scalar("SELECT locked_until FROM auth_throttle WHERE key = $1")
                    .bind(key)
                    .fetch_optional(p)
                    .await?
            });
            if let Some(Some(DbTime(t))) = until
                && t > now
            {
                latest = Some(latest.map_or(t, |l| l.max(t)));
            }
        }
        Ok(latest)
    }

    async fn record_failure(
        &self,
        key: &str,
        policy: &ThrottlePolicy,
        now: Timestamp,
    ) -> StoreResult<Option<Timestamp>> {
        let locked = with_tx!(self, |tx, e| {
            sqlx::query(
                "INSERT INTO auth_throttle (key, failures, window_start, locked_until, updated_at) \
                 VALUES ($1, 0, $2, NULL, $2) ON CONFLICT (key) DO NOTHING",
            )
            .bind(key)
            .bind(DbTime(now))
            .execute(&mut *tx)
            .await?;
            let (failures, last): (i64, DbTime) = sqlx::query_as(dialect(
                e,
                "SELECT failures, updated_at FROM auth_throttle WHERE key = $1",
                "SELECT failures, updated_at FROM auth_throttle WHERE key = $1 FOR UPDATE",
            ))
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
            let quiet_for = now.as_second() - last.0.as_second();
            let (failures, window_start) =
                if failures == 0 || quiet_for > policy.forget_after_seconds {
                    (1, now)
                } else {
                    (failures + 1, last.0)
                };
            let until = policy.lock_seconds(failures).map(|s| plus_seconds(now, s));
            sqlx::query(
                "UPDATE auth_throttle SET failures = $1, window_start = $2, locked_until = $3, \
                 updated_at = $4 WHERE key = $5",
            )
            .bind(failures)
            .bind(DbTime(window_start))
            .bind(until.map(DbTime))
            .bind(DbTime(now))
            .bind(key)
            .execute(&mut *tx)
            .await?;
            until
        });
        Ok(locked)
    }

    async fn clear_throttle(&self, key: &str) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query("DELETE FROM auth_throttle WHERE key = $1")
                .bind(key)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockouts_double_up_to_the_maximum() {
        let p = ThrottlePolicy {
            threshold: 5,
            forget_after_seconds: 900,
            base_lock_seconds: 60,
            max_lock_seconds: 3600,
        };
        assert_eq!(p.lock_seconds(4), None);
        assert_eq!(p.lock_seconds(5), Some(60));
        assert_eq!(p.lock_seconds(6), Some(120));
        assert_eq!(p.lock_seconds(8), Some(480));
        assert_eq!(p.lock_seconds(12), Some(3600));
        assert_eq!(p.lock_seconds(i64::MAX), Some(3600));
    }
}
