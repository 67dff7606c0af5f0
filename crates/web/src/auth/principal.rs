//! Who is making a request, and what they may do.
//!
//! # In a handler
//!
//! ```text
//! async fn approve(
//!     State(state): State<AppState>,
//!     principal: Principal,              // 401 if nobody is logged in
//!     ApiPath(code): ApiPath<String>,
//! ) -> Result<Json<Dossier>, ApiError> {
//!     let dossier = load(&state, &code).await?;
//!     // 403 and an audit event if the grants do not cover this agency and procedure today.
//!     principal
//!         .require(&state, Permission::DossierApprove,
//!                  Target::agency(&dossier.agency_id).procedure(&dossier.procedure))
//!         .await?;
//!     …
//! }
//!
//! async fn list(State(state): State<AppState>, principal: Principal) -> … {
//!     // The agencies (and procedure restrictions) where this user may read dossiers, for a
//!     // `WHERE` clause built by `motcua_store::access::push_scope`.
//!     let scope = principal.scope(&state, Permission::DossierRead);
//!     state.store.list_dossiers(&scope, …).await
//! }
//! ```
//!
//! `Option<Principal>` is the extractor for pages that anyone may see.

use std::{collections::BTreeSet, net::IpAddr, sync::Arc};

use axum::{extract::FromRequestParts, http::request::Parts};
use jiff::Timestamp;
use motcua_core::{
    audit::{AuditEvent, Outcome},
    catalog::ProcedureCode,
    identity::{
        Denial, Grant, Permission, Scope, check, check_installation_wide, scope, vietnam_date,
    },
};
use motcua_store::{StoredGrant, User, UserKind};

use crate::{error::ApiError, state::AppState};

/// Facts about the request, for audit events.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// Client address (see [`super::client`]).
    pub ip: Option<IpAddr>,
    /// `x-request-id`.
    pub request_id: Option<String>,
    /// Browser (shortened), remembered with sessions.
    pub user_agent: Option<String>,
}

impl RequestContext {
    /// An audit event from this request.
    pub fn event(
        &self,
        at: Timestamp,
        actor: impl Into<String>,
        action: &str,
        outcome: Outcome,
    ) -> AuditEvent {
        AuditEvent::new(at, actor, action, outcome)
            .client(self.ip.map(|ip| ip.to_string()), self.request_id.clone())
    }

    /// The client as a lockout key part: its network (see [`super::client::throttle_network`]),
    /// so that the addresses of one /24 or /64 share one budget.
    pub fn ip_key(&self) -> String {
        self.ip
            .map_or_else(|| "unknown".to_owned(), super::client::throttle_network)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .unwrap_or_default())
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

/// What an action is about.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// An object belonging to an agency (and possibly a procedure): a dossier, a grant.
    Agency {
        /// The agency.
        id: &'a str,
        /// The procedure, if the object is about one.
        procedure: Option<&'a ProcedureCode>,
    },
    /// The whole installation (catalog, calendar).
    Installation,
}

impl<'a> Target<'a> {
    /// An object of `agency_id`.
    pub fn agency(agency_id: &'a str) -> Self {
        Self::Agency {
            id: agency_id,
            procedure: None,
        }
    }

    /// The same target, about `procedure`.
    #[must_use]
    pub fn procedure(self, code: &'a ProcedureCode) -> Self {
        match self {
            Self::Agency { id, .. } => Self::Agency {
                id,
                procedure: Some(code),
            },
            Self::Installation => Self::Installation,
        }
    }
}

/// Why a [`Principal`] was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The grants do not allow it.
    Model(Denial),
    /// The grants would, but the API token in use was not given this permission.
    TokenScope,
}

impl Refusal {
    /// Stable code for the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Model(d) => d.as_str(),
            Self::TokenScope => "token_scope",
        }
    }
}

/// An authenticated user (full session or API token) and their grants.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The account.
    pub user: Arc<User>,
    /// Unrevoked grants (dates are judged by the access model).
    pub grants: Arc<[StoredGrant]>,
    /// How they authenticated.
    pub via: Via,
    /// The request.
    pub ctx: RequestContext,
}

impl Principal {
    /// The actor string of the audit log: `user:<id>`.
    pub fn actor(&self) -> String {
        format!("user:{}", self.user.id)
    }

    /// Whether this is an official.
    pub fn is_official(&self) -> bool {
        self.user.kind == UserKind::Official
    }

    fn grant_list(&self) -> Vec<Grant> {
        self.grants.iter().map(|g| g.grant.clone()).collect()
    }

    fn token_allows(&self, permission: Permission) -> bool {
        match &self.via {
            Via::Session { .. } => true,
            Via::Token { scopes, .. } => scopes.contains(&permission),
        }
    }

    /// The decision for `permission` on `target` today, with its reason.
    pub fn decide(
        &self,
        state: &AppState,
        permission: Permission,
        target: Target<'_>,
    ) -> Result<(), Refusal> {
        let today = vietnam_date(state.clock.now());
        let catalog = state.catalog.get();
        let hierarchy = catalog.hierarchy();
        let grants = self.grant_list();
        match target {
            Target::Installation => check_installation_wide(&grants, permission, hierarchy, today),
            Target::Agency { id, procedure } => check(
                &grants,
                permission,
                id,
                &hierarchy.ancestors(id),
                procedure,
                today,
            ),
        }
        .map_err(Refusal::Model)?;
        if self.token_allows(permission) {
            Ok(())
        } else {
            Err(Refusal::TokenScope)
        }
    }

    /// Requires `permission` on `target`: `Ok` when allowed; otherwise writes a
    /// `permission.denied` audit event and returns 403.
    pub async fn require(
        &self,
        state: &AppState,
        permission: Permission,
        target: Target<'_>,
    ) -> Result<(), ApiError> {
        match self.decide(state, permission, target) {
            Ok(()) => Ok(()),
            Err(refusal) => {
                let mut event = self
                    .ctx
                    .event(
                        state.clock.now(),
                        self.actor(),
                        "permission.denied",
                        Outcome::Denied,
                    )
                    .with("permission", permission.as_str())
                    .with("reason", refusal.as_str());
                if let Target::Agency { id, procedure } = target {
                    event.agency_id = Some(id.to_owned());
                    event.procedure_code = procedure.map(|p| p.as_str().to_owned());
                }
                record_event(state, &event).await;
                Err(ApiError::Forbidden(
                    "Tài khoản của bạn không có quyền thực hiện thao tác này.".to_owned(),
                ))
            }
        }
    }

    /// Where `permission` holds today: the agencies to filter list queries on.
    pub fn scope(&self, state: &AppState, permission: Permission) -> Scope {
        if !self.token_allows(permission) {
            return Scope::default();
        }
        let today = vietnam_date(state.clock.now());
        let catalog = state.catalog.get();
        scope(&self.grant_list(), permission, catalog.hierarchy(), today)
    }

    /// Whether `permission` holds anywhere (installation-wide permissions: over the whole
    /// installation). The coarse gate of [`super::routes::Access::Permission`].
    pub fn holds(&self, state: &AppState, permission: Permission) -> Result<(), Refusal> {
        if permission.is_installation_wide() {
            return self.decide(state, permission, Target::Installation);
        }
        let today = vietnam_date(state.clock.now());
        let catalog = state.catalog.get();
        let grants = self.grant_list();
        if scope(&grants, permission, catalog.hierarchy(), today).is_empty() {
            // The scope contains every active carrying grant's own agency, so an empty scope
            // means that no carrying grant is active today.
            let carrying: Vec<&Grant> = grants.iter().filter(|g| g.role.has(permission)).collect();
            let reason = if carrying.is_empty() {
                Denial::NoPermission
            } else if carrying.iter().all(|g| g.valid_from > today) {
                Denial::NotYetValid
            } else {
                Denial::Expired
            };
            return Err(Refusal::Model(reason));
        }
        if self.token_allows(permission) {
            Ok(())
        } else {
            Err(Refusal::TokenScope)
        }
    }
}

/// Writes a denial's audit event; a failure to write it is logged, never shown (the request
/// is refused either way).
pub(crate) async fn record_event(state: &AppState, event: &AuditEvent) {
    if let Err(e) = state.store.append_audit(event).await {
        tracing::error!(error = %e, action = %event.action, "could not record an audit event");
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| ApiError::Unauthorized("Bạn cần đăng nhập.".to_owned()))
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
            .ok_or_else(|| ApiError::Unauthorized("Bạn cần đăng nhập.".to_owned()))
    }
}
