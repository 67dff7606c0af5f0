//! Signing in through an OpenID Connect provider (VNeID, the national portal's SSO).

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use jiff::Timestamp;
use motcua_core::audit::Outcome;
use motcua_service::crypto::{constant_time_eq, random_token, sha256_hex};
use motcua_store::OidcFlow;
use serde::Deserialize;
use serde_json::json;

use super::{first_factor_passed, internal, message, minutes, presented_session, render, respond};
use crate::{
    auth::{
        cookies::{self, CookieName},
        oidc::OidcError,
        principal::{Client, record_event},
        safe_return_path,
    },
    error::ApiError,
    pages::{PageError, form::FormData},
    state::AppState,
};

fn plus_seconds(at: Timestamp, seconds: i64) -> Result<Timestamp, PageError> {
    Timestamp::from_second(at.as_second() + seconds).map_err(internal)
}

fn redirect_uri(state: &AppState, provider: &str) -> String {
    format!(
        "{}/dang-nhap/oidc/{provider}/callback",
        state.auth.config.public_url
    )
}

/// `POST /dang-nhap/oidc/{provider}`: starts a login at the provider.
pub async fn oidc_start(
    State(state): State<AppState>,
    Client(ctx): Client,
    Path(provider): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let Some(config) = state.auth.oidc.get(&provider) else {
        return Err(PageError(ApiError::not_found(
            "Không có nhà cung cấp định danh này.",
        )));
    };
    // Each start stores a flow row: a client may not start them without limit.
    let ip_key = format!("oidc:ip:{}", ctx.ip_key());
    if let Some(until) = state
        .store
        .locked_until(std::slice::from_ref(&ip_key), now)
        .await?
    {
        return message(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            "Vui lòng thử lại sau",
            &format!(
                "Có quá nhiều lần đăng nhập được bắt đầu từ mạng của bạn. Vui lòng thử lại sau {} phút.",
                minutes(until.as_second() - now.as_second())
            ),
            None,
        );
    }
    state
        .store
        .record_failure(&ip_key, &state.auth.config.limits.oidc_ip, now)
        .await?;
    let flow_id = random_token().map_err(internal)?;
    let flow_state = random_token().map_err(internal)?;
    let nonce = random_token().map_err(internal)?;
    let started = match state
        .auth
        .oidc
        .begin(
            &provider,
            &redirect_uri(&state, &provider),
            &flow_state,
            &nonce,
        )
        .await
    {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(provider = %provider, error = %e, "identity provider unavailable");
            return message(
                &state,
                StatusCode::SERVICE_UNAVAILABLE,
                "Chưa kết nối được",
                &format!(
                    "Hiện chưa kết nối được với {}. Vui lòng thử lại sau hoặc đăng nhập bằng mật khẩu.",
                    config.label
                ),
                Some(("/dang-nhap", "Về trang đăng nhập")),
            );
        }
    };
    let ttl = 600;
    state
        .store
        .create_oidc_flow(&OidcFlow {
            id_hash: sha256_hex(&flow_id),
            provider: provider.clone(),
            state: flow_state,
            nonce,
            pkce_verifier: started.pkce_verifier,
            return_to: Some(safe_return_path(Some(form.text("tiep").as_str()))),
            created_at: now,
            expires_at: plus_seconds(now, ttl)?,
        })
        .await?;
    let secure = state.auth.config.https();
    let mut r = Redirect::to(&started.url).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(CookieName::Oidc, &flow_id, secure, Some(ttl)),
    );
    Ok(r)
}

#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    /// RFC 9207: the issuer of the response, when the provider says (defeats mix-up attacks
    /// between several configured providers).
    iss: Option<String>,
}

/// `GET /dang-nhap/oidc/{provider}/callback`: the provider sends the browser back here.
///
/// The flow is found through the browser's cookie (not through `state` alone), taken once,
/// and must match the provider and the `state`; the ID token must carry the flow's `nonce`.
/// Any mismatch ends the login with an audit event.
pub async fn oidc_callback(
    State(state): State<AppState>,
    Client(ctx): Client,
    headers: HeaderMap,
    Path(provider): Path<String>,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let secure = state.auth.config.https();
    let clear = cookies::clear(CookieName::Oidc, secure);
    let fail = |reason: &'static str| {
        let event = ctx
            .event(now, "anonymous", "login.oidc_failed", Outcome::Failure)
            .with("provider", provider.clone())
            .with("reason", reason);
        let state = state.clone();
        let clear = clear.clone();
        async move {
            record_event(&state, &event).await;
            let html = render(
                &state,
                "message.html",
                "Đăng nhập không thành công",
                json!({
                    "title": "Đăng nhập không thành công",
                    "text": "Không hoàn tất được đăng nhập qua nhà cung cấp định danh. Hãy thử lại từ trang đăng nhập.",
                    "link": {"href": "/dang-nhap", "label": "Về trang đăng nhập"},
                }),
            )?;
            Ok::<Response, PageError>(respond(StatusCode::BAD_REQUEST, vec![clear], html))
        }
    };
    let Some(flow_cookie) = cookies::get(&headers, CookieName::Oidc, secure) else {
        return fail("no_flow_cookie").await;
    };
    let Some(flow) = state
        .store
        .take_oidc_flow(&sha256_hex(&flow_cookie), now)
        .await?
    else {
        return fail("unknown_or_expired_flow").await;
    };
    if flow.provider != provider {
        return fail("provider_mismatch").await;
    }
    if q.error.is_some() {
        return fail("provider_error").await;
    }
    if let (Some(iss), Some(config)) = (&q.iss, state.auth.oidc.get(&provider))
        && iss.trim_end_matches('/') != config.issuer.trim_end_matches('/')
    {
        return fail("issuer_mismatch").await;
    }
    let given_state = q.state.unwrap_or_default();
    if !constant_time_eq(given_state.as_bytes(), flow.state.as_bytes()) {
        return fail("state_mismatch").await;
    }
    let Some(code) = q.code else {
        return fail("no_code").await;
    };
    let identity = match state
        .auth
        .oidc
        .finish(
            &provider,
            &redirect_uri(&state, &provider),
            &code,
            &flow.pkce_verifier,
            &flow.nonce,
            now,
        )
        .await
    {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(provider = %provider, error = %e, "OpenID Connect login rejected");
            let reason = match e {
                OidcError::NonceMismatch => "nonce_mismatch",
                _ => "token_verification",
            };
            return fail(reason).await;
        }
    };
    let user = match state
        .accounts
        .external_account(&ctx, now, &provider, &identity.into())
        .await
        .map_err(ApiError::from)?
    {
        Ok(u) => u,
        Err(refusal) => return fail(refusal.as_str()).await,
    };
    let replaces = presented_session(&state, &headers);
    let return_to = safe_return_path(flow.return_to.as_deref());
    first_factor_passed(
        &state,
        &ctx,
        &user,
        replaces.as_deref(),
        &return_to,
        ("login.oidc_password", "login.oidc"),
        vec![clear],
    )
    .await
}
