//! The storage contract and its two engines.
//!
//! Each aggregate has a narrow trait ([`CatalogStore`], [`AgencyStore`], [`CalendarStore`],
//! [`MetaStore`], [`FormWordingStore`] …).
//! [`Db`] implements all of them for both SQLite and PostgreSQL: the query bodies are written
//! once in the common SQL subset and compiled per engine (see [`db`]). One contract test suite
//! (`tests/contract`) runs every trait against both engines.

pub mod access;
pub mod agency;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod codec;
pub mod db;
pub mod dossier;
pub mod draft;
pub mod error;
pub mod form_wording;
pub mod group;
pub mod identity;
pub mod meta;
pub mod outbox;
pub mod session;
pub mod throttle;

pub use agency::AgencyStore;
pub use audit::{AuditFilter, AuditRecord, AuditStore, AuditVerification};
pub use calendar::{
    CalendarChange, CalendarDiff, CalendarStore, ChangeMeta, ChangeWhat, DayChange, StoredYear,
    diff_entries,
};
pub use catalog::{AgencyProcedure, CatalogStore, StoredProcedure, UpsertOutcome, VersionInfo};
pub use db::{Db, DbConfig, Engine, SqliteDurability};
pub use dossier::{
    Accompanying, ApplicantSearch, BuildDossier, Created, Creation, DossierStore, DossierSummary,
    FileMeta, FileUsage, IdempotencyKey, InboxQuery, InboxSort, LookupSecrets, MAX_DESK_DOSSIERS,
    OwnedFile, PublicStatus, SummaryPage,
};
pub use draft::{Draft, DraftStore};
pub use error::{Conflict, Identifier, StoreError, StoreResult};
pub use form_wording::{FORM_WORDING_GENERATION, FormWordingStore, StoredWording, WordingInfo};
pub use identity::{
    ExternalIdentity, GrantStore, NewOneTimeToken, NewUser, StoredGrant, TokenPurpose, TotpState,
    TotpStore, User, UserKind, UserStore,
};
pub use meta::MetaStore;
pub use outbox::{NewMail, OutboxStore, QueuedMail};
pub use session::{
    ApiTokenInfo, NewApiToken, NewSession, OidcFlow, SessionInfo, SessionLevel, SessionRecord,
    SessionStore,
};
pub use throttle::{RateLimit, ThrottlePolicy, ThrottleStore};

/// Everything the application needs from storage, as one object-safe bundle. The web layer
/// holds an `Arc<dyn Store>`, so it depends on the contract, not on an engine.
#[async_trait::async_trait]
pub trait Store:
    CatalogStore
    + AgencyStore
    + CalendarStore
    + MetaStore
    + UserStore
    + TotpStore
    + GrantStore
    + SessionStore
    + ThrottleStore
    + OutboxStore
    + AuditStore
    + DossierStore
    + DraftStore
    + FormWordingStore
    + Send
    + Sync
    + 'static
{
    /// Which engine serves this store.
    fn engine(&self) -> Engine;
    /// A cheap round trip, for readiness checks.
    async fn ping(&self) -> StoreResult<()>;
}

#[async_trait::async_trait]
impl Store for Db {
    fn engine(&self) -> Engine {
        Db::engine(self)
    }
    async fn ping(&self) -> StoreResult<()> {
        Db::ping(self).await
    }
}

#[cfg(any(test, feature = "testkit"))]
#[expect(
    clippy::expect_used,
    reason = "test support: failing loudly is the point"
)]
pub mod testkit;
