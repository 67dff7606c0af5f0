//! Who is making a request, and what they may do.
//!
//! A [`Principal`] is the service [`Actor`] of the request (the account, its grants, the
//! client) plus how it authenticated. Access decisions are the actor's
//! ([`motcua_service::actor`]): the methods here only bind them to the application state's
//! catalog, clock and audit log.
//!
//! ```text
//! async fn approve(State(state): State<AppState>, principal: Principal, …) -> Result<…> {
//!     // 403 and an audit event if the grants do not cover this agency and procedure today.
//!     principal
//!         .require(&state, Permission::DossierApprove,
//!                  Target::agency(&dossier.current_agency).procedure(&dossier.procedure))
//!         .await?;
//!     …
//! }
//! ```
//!
//! `Option<Principal>` is the extractor for pages that anyone may see.

use std::{collections::BTreeSet, sync::Arc};

use axum::{extract::FromRequestParts, http::request::Parts};
use motcua_core::identity::{Permission, Scope};
pub use motcua_service::actor::{Actor, Refusal, RequestContext, Target};
use motcua_store::User;

use crate::{error::ApiError, state::AppState};

/// The request's context, as an extractor (set by the guard).
#[derive(Debug, Clone, Default)]
pub struct Client(pub RequestContext);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<RequestContext>()
                .cloned()
                .unwrap_or_default(),
        ))
    }
}

/// How the principal authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    /// A browser session.
    Session {
        /// SHA-256 of the session cookie.
        id_hash: String,
        /// The session's CSRF token.
        csrf: String,
    },
    /// An API token.
    Token {
        /// Token id.
        id: String,
        /// Permissions the token may exercise (within the owner's grants).
        scopes: BTreeSet<Permission>,
    },
}

/// An authenticated user (full session or API token) acting with their grants.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The actor the services see.
    pub actor: Actor,
    /// The account.
    pub user: Arc<User>,
    /// How they authenticated.
    pub via: Via,
}

impl Principal {
    /// The principal of an account with its grants, authenticated `via`.
    pub fn new(
        user: Arc<User>,
        grants: Arc<[motcua_store::StoredGrant]>,
        via: Via,
        ctx: RequestContext,
    ) -> Self {
        let mut actor = Actor::account(Arc::clone(&user), grants, ctx);
        if let Via::Token { scopes, .. } = &via {
            actor.token_scopes = Some(scopes.clone());
        }
        Self { actor, user, via }
    }

    /// The actor string of the audit log: `user:<id>`.
    pub fn audit_id(&self) -> String {
        self.actor.audit_id()
    }

    /// The request's context.
    pub fn ctx(&self) -> &RequestContext {
        &self.actor.ctx
    }

    /// Whether this is an official.
    pub fn is_official(&self) -> bool {
        self.actor.is_official()
    }

    /// The decision for `permission` on `target` now, with its reason.
    pub fn decide(
        &self,
        state: &AppState,
        permission: Permission,
        target: Target<'_>,
    ) -> Result<(), Refusal> {
        self.actor.decide(
            state.catalog.get().hierarchy(),
            state.clock.now(),
            permission,
            target,
        )
    }

    /// Requires `permission` on `target`: `Ok` when allowed; otherwise writes a
    /// `permission.denied` audit event and returns 403.
    pub async fn require(
        &self,
        state: &AppState,
        permission: Permission,
        target: Target<'_>,
    ) -> Result<(), ApiError> {
        Ok(self
            .actor
            .require(
                &*state.store,
                state.catalog.get().hierarchy(),
                state.clock.now(),
                permission,
                target,
            )
            .await?)
    }

    /// Where `permission` holds now: the agencies to filter list queries on.
    pub fn scope(&self, state: &AppState, permission: Permission) -> Scope {
        self.actor.scope(
            state.catalog.get().hierarchy(),
            state.clock.now(),
            permission,
        )
    }

    /// Whether `permission` holds anywhere (installation-wide permissions: over the whole
    /// installation). The coarse gate of [`super::routes::Access::Permission`].
    pub fn holds(&self, state: &AppState, permission: Permission) -> Result<(), Refusal> {
        self.actor.holds(
            state.catalog.get().hierarchy(),
            state.clock.now(),
            permission,
        )
    }
}

/// Writes an audit event that accompanies no change; a failure to write it is logged, never
/// shown (the request is refused either way).
pub(crate) async fn record_event(state: &AppState, event: &motcua_core::audit::AuditEvent) {
    motcua_service::actor::record(&*state.store, event).await;
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("Bạn cần đăng nhập."))
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for Principal {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _: &AppState,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Principal>().cloned())
    }
}

/// A session that passed the password but still owes its second factor.
#[derive(Debug, Clone)]
pub struct PendingLogin {
    /// The account.
    pub user: Arc<User>,
    /// SHA-256 of the session cookie.
    pub id_hash: String,
}

impl FromRequestParts<AppState> for PendingLogin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<PendingLogin>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("Bạn cần đăng nhập."))
    }
}
