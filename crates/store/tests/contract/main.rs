//! The storage contract: every test here runs against SQLite and against PostgreSQL.
//!
//! PostgreSQL runs when `MOTCUA_TEST_PG_URL` is set at build time (for example
//! `postgres://postgres@127.0.0.1/postgres`); otherwise each PostgreSQL case is reported as
//! *ignored* with that instruction, so a run never silently claims to have covered it.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed step should fail the test loudly"
)]

mod agencies;
mod audit;
mod calendar;
mod catalog;
mod dossiers;
mod drafts;
mod form_wording;
mod identity;
mod meta;
mod outbox;
mod sessions;
mod throttle;

/// Declares a contract test: `$name(&Db)` runs once per engine.
macro_rules! contract {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let t = motcua_store::testkit::TestDb::sqlite().await;
                super::$name(&t.db).await;
            }

            #[tokio::test]
            #[cfg_attr(
                not(motcua_pg),
                ignore = "PostgreSQL skipped: set MOTCUA_TEST_PG_URL=postgres://… and rebuild to run"
            )]
            async fn postgres() {
                let t = motcua_store::testkit::TestDb::postgres().await;
                super::$name(&t.db).await;
            }
        }
    };
}
pub(crate) use contract;

/// Fixed instants for tests.
pub(crate) fn at(s: &str) -> jiff::Timestamp {
    s.parse().expect("test instant")
}
