//! The single place where motcua reads the system time.
//!
//! Domain functions take the instant they need as an argument (DESIGN.md, principle 2). Only
//! the outermost layers hold a [`Clock`]; tests give them a [`FixedClock`] so that deadlines
//! across Tết can be exercised on any day of the year.

use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

use jiff::Timestamp;

/// A source of "now".
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[expect(
        clippy::disallowed_methods,
        reason = "this is the one sanctioned read of the system clock"
    )]
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to; shared clones see the same time.
#[derive(Debug, Clone)]
pub struct FixedClock {
    micros: Arc<AtomicI64>,
}

impl FixedClock {
    /// A clock standing at `at`.
    pub fn new(at: Timestamp) -> Self {
        Self {
            micros: Arc::new(AtomicI64::new(at.as_microsecond())),
        }
    }

    /// Moves the clock to `at` (backwards too: tests decide).
    pub fn set(&self, at: Timestamp) {
        self.micros.store(at.as_microsecond(), Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        // The stored value always came from a valid Timestamp, so this cannot fail; fall back
        // to the epoch rather than panic if it ever did.
        Timestamp::from_microsecond(self.micros.load(Ordering::SeqCst))
            .unwrap_or(Timestamp::UNIX_EPOCH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_is_shared_between_clones() {
        let t0: Timestamp = "2026-02-13T09:00:00+07:00".parse().unwrap();
        let t1: Timestamp = "2026-02-23T07:30:00+07:00".parse().unwrap();
        let clock = FixedClock::new(t0);
        let other = clock.clone();
        assert_eq!(other.now(), t0);
        clock.set(t1);
        assert_eq!(other.now(), t1);
    }
}
