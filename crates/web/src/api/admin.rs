//! Administration: officials, their grants, and the audit log. Every change is audited in the
//! transaction that makes it; every refusal is audited too.

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use jiff::{Timestamp, civil::Date};
use motcua_core::{
    audit::{AuditEvent, Outcome},
    catalog::ProcedureCode,
    identity::{Grant, Permission, Role, credentials, vietnam_date},
};
use motcua_store::{AuditFilter, NewUser, StoredGrant, User, UserKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    auth::{Principal, Target, principal::record_event},
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
    let scope = principal.scope(&state, Permission::UserManage);
    Ok(Json(
        state
            .store
            .officials()
            .await?
            .iter()
            .filter(|u| {
                u.agency_id
                    .as_deref()
                    .is_some_and(|a| scope.contains(a, None))
            })
            .map(Official::from)
            .collect(),
    ))
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
    let now = state.clock.now();
    if !state.catalog.get().hierarchy().contains(&req.agency_id) {
        return Err(ApiError::bad_request(
            "unknown_agency",
            "Không có cơ quan này.",
        ));
    }
    principal
        .require(
            &state,
            Permission::UserManage,
            Target::agency(&req.agency_id),
        )
        .await?;
    let username = credentials::normalize_username(&req.username).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_username",
            "Tên đăng nhập gồm 3–32 ký tự a-z, 0-9, '.', '_', '-', bắt đầu bằng chữ.",
        )
    })?;
    let email = match req.email.as_deref().filter(|e| !e.trim().is_empty()) {
        Some(e) => Some(credentials::normalize_email(e).ok_or_else(|| {
            ApiError::bad_request("invalid_email", "Địa chỉ email không hợp lệ.")
        })?),
        None => None,
    };
    let name = motcua_core::text::clean_line(&req.display_name);
    if !(2..=100).contains(&motcua_core::text::char_len(&name)) {
        return Err(ApiError::bad_request(
            "invalid_name",
            "Họ tên từ 2 đến 100 ký tự.",
        ));
    }
    credentials::check_new_password(
        &req.password,
        Some(&credentials::LoginId::Username(username.clone())),
    )
    .map_err(|p| ApiError::bad_request("weak_password", p.to_string()))?;
    let hash = state
        .auth
        .passwords
        .hash(&req.password)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let id = uuid::Uuid::now_v7().to_string();
    let user = NewUser {
        id: id.clone(),
        kind: UserKind::Official,
        username: Some(username),
        email_verified: email.is_some(),
        email,
        phone: None,
        citizen_id: None,
        display_name: name,
        password_hash: Some(hash),
        agency_id: Some(req.agency_id.clone()),
        created_at: now,
    };
    let event = principal
        .ctx
        .event(now, principal.actor(), "user.create", Outcome::Success)
        .agency(req.agency_id.clone())
        .subject(format!("user:{id}"));
    state
        .store
        .create_user(&user, None, &event)
        .await
        .map_err(|e| match e {
            motcua_store::StoreError::Conflict(_) => {
                ApiError::Conflict("Tên đăng nhập hoặc email đã được dùng.".to_owned())
            }
            other => other.into(),
        })?;
    let created = state
        .store
        .user(&id)
        .await?
        .ok_or_else(|| ApiError::Internal("account vanished".into()))?;
    Ok((StatusCode::CREATED, Json(Official::from(&created))))
}

/// The agency an account is managed at: an official's home unit; applicants belong to the
/// whole installation.
fn managed_at(user: &User) -> Target<'_> {
    match (&user.kind, &user.agency_id) {
        (UserKind::Official, Some(a)) => Target::agency(a),
        _ => Target::Installation,
    }
}

async fn load_user(state: &AppState, id: &str) -> Result<User, ApiError> {
    state
        .store
        .user(id)
        .await?
        .ok_or_else(|| ApiError::NotFound("Không có tài khoản này.".to_owned()))
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
    let user = load_user(&state, &id).await?;
    principal
        .require(&state, Permission::UserManage, managed_at(&user))
        .await?;
    let now = state.clock.now();
    let mut event = principal
        .ctx
        .event(now, principal.actor(), "user.disable", Outcome::Success)
        .subject(format!("user:{id}"));
    event.agency_id = user.agency_id.clone();
    state.store.set_disabled(&id, true, now, &event).await?;
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

/// Requires `grant.manage` over `agency` — and, for a subtree grant, over every agency below
/// it: nobody hands out rights beyond their own reach.
async fn require_grant_manage(
    state: &AppState,
    principal: &Principal,
    agency: &str,
    subtree: bool,
) -> Result<(), ApiError> {
    principal
        .require(state, Permission::GrantManage, Target::agency(agency))
        .await?;
    if !subtree {
        return Ok(());
    }
    let scope = principal.scope(state, Permission::GrantManage);
    let catalog = state.catalog.get();
    if let Some(outside) = catalog
        .hierarchy()
        .descendants(agency)
        .into_iter()
        .find(|a| !scope.contains(a, None))
    {
        let event = principal
            .ctx
            .event(
                state.clock.now(),
                principal.actor(),
                "permission.denied",
                Outcome::Denied,
            )
            .agency(outside)
            .with("permission", Permission::GrantManage.as_str())
            .with("reason", "outside_agency");
        record_event(state, &event).await;
        return Err(ApiError::Forbidden(
            "Quyền này bao gồm cả đơn vị nằm ngoài phạm vi bạn được phân quyền.".to_owned(),
        ));
    }
    Ok(())
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
    let user = load_user(&state, &id).await?;
    principal
        .require(&state, Permission::GrantManage, managed_at(&user))
        .await?;
    Ok(Json(
        state
            .store
            .grant_history(&id)
            .await?
            .into_iter()
            .map(GrantView::from)
            .collect(),
    ))
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
    let now = state.clock.now();
    let user = load_user(&state, &id).await?;
    if user.kind != UserKind::Official {
        return Err(ApiError::bad_request(
            "not_an_official",
            "Chỉ phân quyền cho tài khoản cán bộ, công chức.",
        ));
    }
    if !state.catalog.get().hierarchy().contains(&req.agency_id) {
        return Err(ApiError::bad_request(
            "unknown_agency",
            "Không có cơ quan này.",
        ));
    }
    let procedure = req
        .procedure
        .as_deref()
        .map(ProcedureCode::parse)
        .transpose()
        .map_err(|e| ApiError::bad_request("invalid_procedure", e.to_string()))?;
    let grant = Grant {
        role: req.role,
        agency_id: req.agency_id.clone(),
        subtree: req.subtree,
        procedure,
        valid_from: req.valid_from.unwrap_or_else(|| vietnam_date(now)),
        valid_to: req.valid_to,
    };
    if grant.valid_to.is_some_and(|to| to < grant.valid_from) {
        return Err(ApiError::bad_request(
            "invalid_dates",
            "Ngày hết hiệu lực phải sau ngày bắt đầu.",
        ));
    }
    require_grant_manage(&state, &principal, &grant.agency_id, grant.subtree).await?;
    let grant_id = uuid::Uuid::now_v7().to_string();
    let event = grant_event(&principal, now, "grant.create", &grant_id, &id, &grant);
    state
        .store
        .add_grant(&grant_id, &id, &grant, &principal.actor(), now, &event)
        .await?;
    let stored = state
        .store
        .grant(&grant_id)
        .await?
        .ok_or_else(|| ApiError::Internal("grant vanished".into()))?;
    Ok((StatusCode::CREATED, Json(GrantView::from(stored))))
}

/// The audit event of a grant change.
pub fn grant_event(
    principal: &Principal,
    now: Timestamp,
    action: &str,
    grant_id: &str,
    user_id: &str,
    grant: &Grant,
) -> AuditEvent {
    let mut e = principal
        .ctx
        .event(now, principal.actor(), action, Outcome::Success)
        .agency(grant.agency_id.clone())
        .subject(format!("grant:{grant_id}"))
        .with("user", format!("user:{user_id}"))
        .with("role", grant.role.as_str())
        .with("subtree", grant.subtree)
        .with("valid_from", grant.valid_from.to_string());
    if let Some(p) = &grant.procedure {
        e = e.procedure(p.as_str());
    }
    if let Some(to) = grant.valid_to {
        e = e.with("valid_to", to.to_string());
    }
    e
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
    let now = state.clock.now();
    let stored = state
        .store
        .grant(&id)
        .await?
        .filter(|g| g.revoked_at.is_none())
        .ok_or_else(|| ApiError::NotFound("Không có quyền này, hoặc đã bị thu hồi.".to_owned()))?;
    require_grant_manage(
        &state,
        &principal,
        &stored.grant.agency_id,
        stored.grant.subtree,
    )
    .await?;
    let event = grant_event(
        &principal,
        now,
        "grant.revoke",
        &id,
        &stored.user_id,
        &stored.grant,
    );
    if !state
        .store
        .revoke_grant(&id, &principal.actor(), now, &event)
        .await?
    {
        return Err(ApiError::NotFound("Quyền này vừa bị thu hồi.".to_owned()));
    }
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
    #[param(value_type = Option<String>)]
    pub since: Option<Timestamp>,
    /// At most this many (1–1000, default 100).
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
