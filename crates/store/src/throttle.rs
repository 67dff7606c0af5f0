//! Failed-attempt counters with progressive lockout, and attempt rates, kept in the database
//! so that a lockout or a slow-down holds on every node and across restarts (a per-process
//! limiter would give an attacker a fresh budget per node).

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

/// A rate of attempts: `burst` at once, then one more every `interval_seconds`. Not a lockout:
/// a refused caller may try again after at most `interval_seconds`, whatever happened before.
///
/// Kept as a "theoretical arrival time" (the generic cell rate algorithm): one timestamp per
/// key, `burst × interval` ahead of now when the budget is spent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Attempts admitted at once from an unused budget.
    pub burst: i64,
    /// Seconds after which one more attempt is admitted.
    pub interval_seconds: i64,
}

impl RateLimit {
    fn interval_micros(&self) -> i64 {
        self.interval_seconds.max(1).saturating_mul(1_000_000)
    }

    /// Decides an attempt at `now` given the stored arrival time (`None`: nothing stored).
    /// `Ok(new arrival time)` when admitted, `Err(when the next attempt is admitted)` when not.
    pub fn admit(&self, tat: Option<Timestamp>, now: Timestamp) -> Result<Timestamp, Timestamp> {
        let interval = self.interval_micros();
        let tat = tat.map_or(now, |t| t.max(now)).as_microsecond();
        let next = tat.saturating_add(interval);
        let admitted_from = next.saturating_sub(self.burst.max(1).saturating_mul(interval));
        if admitted_from > now.as_microsecond() {
            Err(micros(admitted_from))
        } else {
            Ok(micros(next))
        }
    }

    /// Gives back one admitted attempt (it turned out not to count, e.g. a right password).
    pub fn refund(&self, tat: Timestamp, now: Timestamp) -> Timestamp {
        micros(tat.as_microsecond().saturating_sub(self.interval_micros())).max(now)
    }
}

fn micros(us: i64) -> Timestamp {
    Timestamp::from_microsecond(us).unwrap_or(if us < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

fn plus_seconds(at: Timestamp, seconds: i64) -> Timestamp {
    Timestamp::from_microsecond(
        at.as_microsecond()
            .saturating_add(seconds.saturating_mul(1_000_000)),
    )
    .unwrap_or(Timestamp::MAX)
}

/// Creates a key's row (`$1`, at `$2`) if it has none, so that it can be read `FOR UPDATE`.
const ENSURE_ROW: &str = "INSERT INTO auth_throttle \
     (key, failures, window_start, locked_until, updated_at) \
     VALUES ($1, 0, $2, NULL, $2) ON CONFLICT (key) DO NOTHING";

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

    /// Takes one attempt from `key`'s rate, atomically (concurrent callers on every node each
    /// take their own); `Some(when)` refuses it until `when`.
    async fn take_attempt(
        &self,
        key: &str,
        limit: &RateLimit,
        now: Timestamp,
    ) -> StoreResult<Option<Timestamp>>;

    /// Gives back an attempt taken with [`ThrottleStore::take_attempt`].
    async fn give_back_attempt(
        &self,
        key: &str,
        limit: &RateLimit,
        now: Timestamp,
    ) -> StoreResult<()>;

    /// Deletes counters untouched since `idle_before` that no longer lock or slow anything at
    /// `now`; returns how many.
    async fn purge_throttle(&self, idle_before: Timestamp, now: Timestamp) -> StoreResult<u64>;
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
            sqlx::query(ENSURE_ROW)
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

    async fn take_attempt(
        &self,
        key: &str,
        limit: &RateLimit,
        now: Timestamp,
    ) -> StoreResult<Option<Timestamp>> {
        let refused = with_tx!(self, |tx, e| {
            // `window_start` holds the arrival time; `failures` counts admitted attempts.
            sqlx::query(ENSURE_ROW)
                .bind(key)
                .bind(DbTime(now))
                .execute(&mut *tx)
                .await?;
            let DbTime(tat): DbTime = sqlx::query_scalar(dialect(
                e,
                "SELECT window_start FROM auth_throttle WHERE key = $1",
                "SELECT window_start FROM auth_throttle WHERE key = $1 FOR UPDATE",
            ))
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
            match limit.admit(Some(tat), now) {
                Ok(next) => {
                    sqlx::query(
                        "UPDATE auth_throttle SET failures = failures + 1, window_start = $1, \
                         updated_at = $2 WHERE key = $3",
                    )
                    .bind(DbTime(next))
                    .bind(DbTime(now))
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
                    None
                }
                Err(until) => Some(until),
            }
        });
        Ok(refused)
    }

    async fn give_back_attempt(
        &self,
        key: &str,
        limit: &RateLimit,
        now: Timestamp,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, e| {
            let tat: Option<DbTime> = sqlx::query_scalar(dialect(
                e,
                "SELECT window_start FROM auth_throttle WHERE key = $1",
                "SELECT window_start FROM auth_throttle WHERE key = $1 FOR UPDATE",
            ))
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(DbTime(tat)) = tat {
                sqlx::query("UPDATE auth_throttle SET window_start = $1 WHERE key = $2")
                    .bind(DbTime(limit.refund(tat, now)))
                    .bind(key)
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }

    async fn purge_throttle(&self, idle_before: Timestamp, now: Timestamp) -> StoreResult<u64> {
        let n = on_pool!(self, write, |p, _e| {
            sqlx::query(
                "DELETE FROM auth_throttle WHERE updated_at <= $1 \
                 AND (locked_until IS NULL OR locked_until <= $2) AND window_start <= $2",
            )
            .bind(DbTime(idle_before))
            .bind(DbTime(now))
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(n)
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

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    #[test]
    fn a_rate_admits_its_burst_then_one_per_interval() {
        let r = RateLimit {
            burst: 3,
            interval_seconds: 10,
        };
        let mut tat = None;
        for _ in 0..3 {
            tat = Some(r.admit(tat, t(0)).unwrap());
        }
        assert_eq!(
            r.admit(tat, t(0)),
            Err(t(10)),
            "the fourth waits one interval"
        );
        assert_eq!(r.admit(tat, t(9)), Err(t(10)));
        tat = Some(r.admit(tat, t(10)).unwrap());
        assert_eq!(r.admit(tat, t(10)), Err(t(20)));
        // A refund makes room again, but never banks time in the past.
        let back = r.refund(tat.unwrap(), t(10));
        assert!(r.admit(Some(back), t(10)).is_ok());
        assert_eq!(r.refund(t(0), t(100)), t(100));
        // A long quiet period restores the whole burst, no more.
        let mut tat = Some(t(40));
        for _ in 0..3 {
            tat = Some(r.admit(tat, t(1000)).unwrap());
        }
        assert!(r.admit(tat, t(1000)).is_err());
    }

    proptest::proptest! {
        /// Whatever the attempts, a window of `w` seconds admits at most `burst + w / interval`
        /// of them (+1 for the window's edges), and a refused caller never waits longer than one
        /// interval.
        #[test]
        fn a_rate_bounds_every_window(
            burst in 1i64..20,
            interval in 1i64..120,
            gaps in proptest::collection::vec(0i64..200, 1..300),
        ) {
            let r = RateLimit { burst, interval_seconds: interval };
            let mut now = 0;
            let mut tat = None;
            let mut admitted = Vec::new();
            for g in gaps {
                now += g;
                match r.admit(tat, t(now)) {
                    Ok(next) => {
                        tat = Some(next);
                        admitted.push(now);
                    }
                    Err(until) => {
                        let wait = until.as_second() - t(now).as_second();
                        proptest::prop_assert!(wait >= 0 && wait <= interval, "wait {wait}");
                    }
                }
            }
            for (i, start) in admitted.iter().enumerate() {
                for (j, end) in admitted.iter().enumerate().skip(i) {
                    let w = end - start;
                    let count = i64::try_from(j - i + 1).unwrap();
                    proptest::prop_assert!(count <= burst + w / interval + 1,
                        "{count} admitted in {w} s");
                }
            }
        }
    }
}
