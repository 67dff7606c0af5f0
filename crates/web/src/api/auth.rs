//! `/api/v1/auth/token` and `/api/v1/me`: API tokens for integrations.

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use jiff::Timestamp;
use motcua_core::{
    audit::Outcome,
    identity::{Grant, Permission, vietnam_date},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use motcua_service::ServiceError;

use crate::{
    auth::{
        Principal, Via,
        login::{PasswordCheck, SecondFactor, check_password, check_second_factor},
        principal::Client,
        tokens::{self, held_permissions},
    },
    error::{ApiError, ErrorBody},
    extract::ApiJson,
    state::AppState,
};

/// Credentials exchanged for a token.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// User name, e-mail address or phone number.
    #[schema(example = "handler1")]
    pub username: String,
    /// Password.
    pub password: String,
    /// The current 6-digit code (or a recovery code), when two-factor authentication is on.
    pub totp: Option<String>,
    /// A label for the token (shown on the account page).
    #[schema(example = "Đồng bộ Cổng DVC quốc gia")]
    pub name: Option<String>,
    /// Permissions the token may exercise; default: every permission the account holds now.
    pub scopes: Option<Vec<String>>,
    /// Lifetime in days (1–366); default: until revoked.
    pub expires_in_days: Option<i64>,
}

/// A new token. The token is shown this once; only its hash is kept.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    /// Send as `Authorization: Bearer <token>`.
    #[schema(example = "mct_3f1c…")]
    pub token: String,
    /// Token id.
    pub id: String,
    /// Permissions it may exercise.
    pub scopes: Vec<Permission>,
    /// Expiry (RFC 3339), if any.
    #[schema(value_type = Option<String>)]
    pub expires_at: Option<Timestamp>,
}

/// Exchanges credentials for a bearer token.
///
/// Wrong credentials, unknown accounts and disabled accounts get the same 401; repeated
/// failures lock the identifier and the client address for a while (429, the same for every
/// identifier).
#[utoipa::path(
    post,
    path = "/api/v1/auth/token",
    tag = "auth",
    operation_id = "create_token",
    request_body = TokenRequest,
    responses(
        (status = 201, description = "Token created", body = TokenCreated),
        (status = 400, description = "Malformed request or scope not held", body = ErrorBody),
        (status = 401, description = "Invalid credentials (`invalid_credentials`), or a second factor is required (`totp_required`)", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody),
    )
)]
pub async fn create_token(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiJson(req): ApiJson<TokenRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let invalid = || {
        ApiError::from(ServiceError::BadCredentials {
            code: "invalid_credentials",
            message: "Thông tin đăng nhập không đúng.".to_owned(),
        })
    };
    let user = match check_password(&state, &ctx, &req.username, &req.password).await? {
        PasswordCheck::Valid(u) => u,
        PasswordCheck::Invalid | PasswordCheck::Unverified => return Err(invalid()),
        PasswordCheck::Locked { retry_after } => {
            return Err(ServiceError::TooManyRequests { retry_after }.into());
        }
    };
    if user.totp_enabled {
        let Some(code) = req.totp.as_deref().filter(|c| !c.trim().is_empty()) else {
            return Err(ServiceError::BadCredentials {
                code: "totp_required",
                message: "Tài khoản bật xác thực hai bước: hãy gửi kèm mã trong trường totp."
                    .to_owned(),
            }
            .into());
        };
        match check_second_factor(&state, &ctx, &user, code).await? {
            SecondFactor::Valid => {}
            SecondFactor::Invalid => return Err(invalid()),
            SecondFactor::Locked { retry_after } => {
                return Err(ServiceError::TooManyRequests { retry_after }.into());
            }
        }
    }
    let created = tokens::create(
        &state,
        &ctx,
        &user,
        req.name.as_deref().unwrap_or("API"),
        req.scopes.as_deref(),
        req.expires_in_days,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            token: created.token,
            id: created.id,
            scopes: created.scopes.into_iter().collect(),
            expires_at: created.expires_at,
        }),
    ))
}

/// Revokes the token this request is authenticated with.
#[utoipa::path(
    delete,
    path = "/api/v1/auth/token",
    tag = "auth",
    operation_id = "revoke_token",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked; further requests with it get 401"),
        (status = 400, description = "The request was not made with a token", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
    )
)]
pub async fn revoke_token(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<StatusCode, ApiError> {
    let Via::Token { id, .. } = &principal.via else {
        return Err(ApiError::bad_request(
            "not_a_token",
            "Yêu cầu này không dùng mã truy cập; thu hồi mã trên trang tài khoản.",
        ));
    };
    let now = state.clock.now();
    let event = principal
        .ctx()
        .event(now, principal.audit_id(), "token.revoke", Outcome::Success)
        .subject(format!("token:{id}"));
    state
        .store
        .revoke_api_token(id, &principal.user.id, now, &event)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The authenticated account.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Account id.
    pub id: String,
    /// `applicant` or `official`.
    #[schema(example = "official")]
    pub kind: String,
    /// Name.
    pub display_name: String,
    /// User name, if any.
    pub username: Option<String>,
    /// An official's home unit.
    pub agency_id: Option<String>,
    /// Whether two-factor authentication is on.
    pub totp_enabled: bool,
    /// `session` or `token`.
    pub via: String,
    /// With a token: its scopes.
    pub scopes: Option<Vec<Permission>>,
    /// Unrevoked grants.
    pub grants: Vec<Grant>,
    /// Permissions held through grants active today (before token scopes).
    pub permissions: Vec<Permission>,
}

/// Who am I?
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "auth",
    operation_id = "get_me",
    security(("bearer" = []), ("session" = [])),
    responses(
        (status = 200, description = "The account", body = Me),
        (status = 401, description = "Not authenticated", body = ErrorBody),
    )
)]
pub async fn me(State(state): State<AppState>, principal: Principal) -> Json<Me> {
    let today = vietnam_date(state.clock.now());
    let u = &principal.user;
    let (via, scopes) = match &principal.via {
        Via::Session { .. } => ("session", None),
        Via::Token { scopes, .. } => ("token", Some(scopes.iter().copied().collect())),
    };
    Json(Me {
        id: u.id.clone(),
        kind: u.kind.as_str().to_owned(),
        display_name: u.display_name.clone(),
        username: u.username.clone(),
        agency_id: u.agency_id.clone(),
        totp_enabled: u.totp_enabled,
        via: via.to_owned(),
        scopes,
        grants: principal
            .actor
            .grants
            .iter()
            .map(|g| g.grant.clone())
            .collect(),
        permissions: held_permissions(&principal.actor.grants, today)
            .into_iter()
            .collect(),
    })
}
