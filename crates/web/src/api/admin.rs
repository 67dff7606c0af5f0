//! Administration: officials, their grants, and the audit log. Every change is audited in the
//! transaction that makes it; every refusal is audited too.

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use jiff::{Timestamp, civil::Date};
use motcua_core::{
    audit::AuditEvent,
    identity::{Grant, Permission, Role},
};
use motcua_store::{AuditFilter, StoredGrant, User};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    auth::{Principal, Target},
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath, ApiQuery},
    state::AppState,
};

/// An official account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Official {
    /// Account id.
    pub id: String,
    /// User name.
    pub username: Option<String>,
    /// Name.
    pub display_name: String,
    /// Home unit.
    pub agency_id: Option<String>,
    /// Whether the account is disabled.
    pub disabled: bool,
    /// Whether two-factor authentication is on.
    pub totp_enabled: bool,
}

impl From<&User> for Official {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            agency_id: u.agency_id.clone(),
            disabled: u.disabled_at.is_some(),
            totp_enabled: u.totp_enabled,
        }
    }
}

/// Lists the officials whose home unit is within the caller's `user.manage` scope.
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "admin",
    operation_id = "list_officials",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "Officials", body = Vec<Official>),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 403, description = "No `user.manage` permission", body = ErrorBody),
    )
)]
pub async fn list_officials(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<Official>>, ApiError> {
    let officials = state
        .admin
        .officials(&principal.actor, state.clock.now())
        .await?;
    Ok(Json(officials.iter().map(Official::from).collect()))
}

/// A new official.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOfficial {
    /// User name (3–32 of `a-z 0-9 . _ -`).
    #[schema(example = "handler3")]
    pub username: String,
    /// Name.
    #[schema(example = "Trần Thị B")]
    pub display_name: String,
    /// Home unit.
    #[schema(example = "bn.stp")]
    pub agency_id: String,
    /// E-mail address (for password resets).
    pub email: Option<String>,
    /// Initial password (the policy applies).
    pub password: String,
}

/// Creates an official at an agency within the caller's `user.manage` scope.
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "admin",
    operation_id = "create_official",
    security(("bearer" = []), ("session" = [])),
    request_body = NewOfficial,
    responses(
        (status = 201, description = "Created", body = Official),
        (status = 400, description = "Invalid data", body = ErrorBody),
        (status = 403, description = "Agency outside the caller's scope", body = ErrorBody),
        (status = 409, description = "User name or e-mail taken", body = ErrorBody),
    )
)]
pub async fn create_official(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(req): ApiJson<NewOfficial>,
) -> Result<impl IntoResponse, ApiError> {
    let created = state
        .admin
        .create_official(
            &principal.actor,
            state.clock.now(),
            motcua_service::admin::NewOfficial {
                username: req.username,
                display_name: req.display_name,
                agency_id: req.agency_id,
                email: req.email,
                password: req.password,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(Official::from(&created))))
}

/// Disables an account: its sessions end and its API tokens are revoked.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/disable",
    tag = "admin",
    operation_id = "disable_user",
    security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 204, description = "Disabled"),
        (status = 403, description = "Outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
    )
)]
pub async fn disable_user(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state
        .admin
        .disable(&principal.actor, state.clock.now(), &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A grant as shown by the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantView {
    /// Grant id.
    pub id: String,
    /// To whom.
    pub user_id: String,
    /// The grant.
    #[serde(flatten)]
    pub grant: Grant,
    /// When it was made.
    #[schema(value_type = String)]
    pub created_at: Timestamp,
    /// By whom.
    pub created_by: String,
    /// When it was revoked.
    #[schema(value_type = Option<String>)]
    pub revoked_at: Option<Timestamp>,
}

impl From<StoredGrant> for GrantView {
    fn from(g: StoredGrant) -> Self {
        Self {
            id: g.id,
            user_id: g.user_id,
            grant: g.grant,
            created_at: g.created_at,
            created_by: g.created_by,
            revoked_at: g.revoked_at,
        }
    }
}

/// An official's grants, revoked ones included.
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}/grants",
    tag = "admin",
    operation_id = "list_grants",
    security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, description = "Grants, newest first", body = Vec<GrantView>),
        (status = 403, description = "Outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
    )
)]
pub async fn list_grants(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<GrantView>>, ApiError> {
    let grants = state
        .admin
        .grants_of(&principal.actor, state.clock.now(), &id)
        .await?;
    Ok(Json(grants.into_iter().map(GrantView::from).collect()))
}

/// A grant to make.
#[derive(Debug, Deserialize, ToSchema)]
pub struct GrantRequest {
    /// The role.
    pub role: Role,
    /// The agency.
    #[schema(example = "bn.stp")]
    pub agency_id: String,
    /// Whether it covers the agencies below too.
    #[serde(default)]
    pub subtree: bool,
    /// Only dossiers of this procedure.
    #[schema(example = "1.001193")]
    pub procedure: Option<String>,
    /// First day (YYYY-MM-DD); default today.
    #[schema(value_type = Option<String>, example = "2026-01-01")]
    pub valid_from: Option<Date>,
    /// Last day (inclusive); default: until revoked.
    #[schema(value_type = Option<String>)]
    pub valid_to: Option<Date>,
}

/// Grants a role to an official.
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/grants",
    tag = "admin",
    operation_id = "create_grant",
    security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "Account id of an official")),
    request_body = GrantRequest,
    responses(
        (status = 201, description = "Granted", body = GrantView),
        (status = 400, description = "Invalid grant", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such account", body = ErrorBody),
    )
)]
pub async fn create_grant(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<GrantRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let stored = state
        .admin
        .grant(
            &principal.actor,
            state.clock.now(),
            &id,
            motcua_service::admin::GrantRequest {
                role: req.role,
                agency_id: req.agency_id,
                subtree: req.subtree,
                procedure: req.procedure,
                valid_from: req.valid_from,
                valid_to: req.valid_to,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(GrantView::from(stored))))
}

/// Revokes a grant (it stays on record).
#[utoipa::path(
    delete,
    path = "/api/v1/grants/{id}",
    tag = "admin",
    operation_id = "revoke_grant",
    security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "Grant id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Outside the caller's scope", body = ErrorBody),
        (status = 404, description = "No such grant, or already revoked", body = ErrorBody),
    )
)]
pub async fn revoke_grant(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state
        .admin
        .revoke(&principal.actor, state.clock.now(), &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which audit events to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this action, e.g. `permission.denied`.
    pub action: Option<String>,
    /// Only this actor, e.g. `user:0195…`.
    pub actor: Option<String>,
    /// Only this subject, e.g. `grant:0195…`.
    pub subject: Option<String>,
    /// Only events at or after this instant (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub since: Option<Timestamp>,
    /// At most this many (1–1000, default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<i64>,
}

/// One audit event.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    /// Event id.
    pub id: String,
    /// Position in the hash chain, once sealed.
    pub seq: Option<i64>,
    /// The event.
    #[serde(flatten)]
    pub event: AuditEvent,
}

/// The audit log within the caller's `audit.read` scope (events about agencies in the scope;
/// events about no agency — logins, accounts — only for auditors of the whole installation).
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "admin",
    operation_id = "list_audit_events",
    security(("bearer" = []), ("session" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "Events, newest first", body = Vec<AuditEntry>),
        (status = 403, description = "No `audit.read` permission", body = ErrorBody),
    )
)]
pub async fn list_audit(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let scope = principal.scope(&state, Permission::AuditRead);
    let whole = principal
        .decide(&state, Permission::AuditRead, Target::Installation)
        .is_ok();
    let records = state
        .store
        .audit_events(&AuditFilter {
            scope: Some(scope),
            include_unscoped: whole,
            action: params.action,
            actor: params.actor,
            subject: params.subject,
            since: params.since,
            limit: params.limit.unwrap_or(100),
        })
        .await?;
    Ok(Json(
        records
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                seq: r.seq,
                event: r.event,
            })
            .collect(),
    ))
}
