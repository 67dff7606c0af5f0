//! The account page: who you are, your sessions ("log out everywhere"), two-factor
//! authentication for officials, and API tokens.

use axum::{
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use jiff::{Timestamp, tz::TimeZone};
use motcua_core::{
    audit::Outcome,
    identity::{Permission, credentials::mask_tail, totp, vietnam_date},
};
use motcua_store::{SessionLevel, UserKind};
use serde_json::{Value, json};

use motcua_service::crypto::{random_bytes, recovery_code, recovery_code_hash};

use super::{PageError, form::FormData, login::render};
use crate::{
    auth::{
        Principal, Via,
        login::{SecondFactor, check_second_factor, start_session},
        tokens::{self, held_permissions},
    },
    error::ApiError,
    state::AppState,
};

/// Recovery codes issued when two-factor authentication is turned on.
const RECOVERY_CODES: usize = 10;

fn when(t: Timestamp) -> String {
    t.to_zoned(TimeZone::fixed(jiff::tz::offset(7)))
        .strftime("%H:%M %d/%m/%Y")
        .to_string()
}

fn internal(e: impl std::fmt::Display) -> PageError {
    PageError(ApiError::internal(e.to_string()))
}

/// The hash of the session the request came with (`None` for an API token).
fn session_hash(p: &Principal) -> Option<&str> {
    match &p.via {
        Via::Session { id_hash, .. } => Some(id_hash),
        Via::Token { .. } => None,
    }
}

/// Everything the account page shows, plus `extra` (a token just created, recovery codes).
async fn account_context(
    state: &AppState,
    p: &Principal,
    extra: Value,
) -> Result<Value, PageError> {
    let user = &p.user;
    let current = session_hash(p);
    let sessions: Vec<Value> = state
        .store
        .user_sessions(&user.id)
        .await?
        .into_iter()
        .map(|s| {
            json!({
                "current": current == Some(s.id_hash.as_str()),
                "created": when(s.created_at),
                "last_seen": when(s.last_seen_at),
                "ip": s.ip,
                "browser": s.user_agent.as_deref().map(browser_name),
            })
        })
        .collect();
    let other_sessions = sessions
        .iter()
        .filter(|s| s["current"] != Value::Bool(true))
        .count();
    let tokens: Vec<Value> = state
        .store
        .user_api_tokens(&user.id)
        .await?
        .into_iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "scopes": t.scopes.split_whitespace().collect::<Vec<_>>(),
                "created": when(t.created_at),
                "last_used": t.last_used_at.map(when),
                "expires": t.expires_at.map(when),
                "revoked": t.revoked_at.map(when),
                "expired": t.expires_at.is_some_and(|e| e <= state.clock.now()),
            })
        })
        .collect();
    let catalog = state.catalog.get();
    let today = vietnam_date(state.clock.now());
    let agency_name = |id: &str| {
        catalog
            .agency(id)
            .map_or_else(|| id.to_owned(), |a| a.name.clone())
    };
    let grants: Vec<Value> = p
        .actor
        .grants
        .iter()
        .map(|g| {
            let gr = &g.grant;
            json!({
                "role": gr.role.label_vi(),
                "agency": agency_name(&gr.agency_id),
                "subtree": gr.subtree,
                "procedure": gr.procedure.as_ref().map(|c| c.as_str().to_owned()),
                "from": gr.valid_from.strftime("%d/%m/%Y").to_string(),
                "to": gr.valid_to.map(|d| d.strftime("%d/%m/%Y").to_string()),
                "active": gr.is_active_on(today),
            })
        })
        .collect();
    let held = held_permissions(&p.actor.grants, today);
    let permissions: Vec<Value> = Permission::ALL
        .iter()
        .filter(|perm| held.contains(perm))
        .map(|perm| json!({"value": perm.as_str(), "label": perm.label_vi()}))
        .collect();
    let totp_left = if user.kind == UserKind::Official && user.totp_enabled {
        Some(state.store.totp_state(&user.id).await?.recovery_codes_left)
    } else {
        None
    };
    let mut ctx = json!({
        "user": {
            "name": user.display_name,
            "kind": if user.kind == UserKind::Official { "Cán bộ, công chức" } else { "Người dân, tổ chức" },
            "official": user.kind == UserKind::Official,
            "username": user.username,
            "email": user.email,
            "email_verified": user.email_verified,
            "phone": user.phone.as_deref().map(|p| mask_tail(p, 3)),
            "citizen_id": user.citizen_id.as_deref().map(|c| mask_tail(c, 3)),
            "agency": user.agency_id.as_deref().map(agency_name),
            "totp": user.totp_enabled,
            "recovery_codes_left": totp_left,
        },
        "sessions": sessions,
        "other_sessions": other_sessions,
        "tokens": tokens,
        "grants": grants,
        "permissions": permissions,
        "new_token": null,
        "notice": null,
    });
    if let (Value::Object(m), Value::Object(e)) = (&mut ctx, extra) {
        m.extend(e);
    }
    Ok(ctx)
}

/// A short name for a browser from its User-Agent.
fn browser_name(ua: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("CocCoc", "Cốc Cốc"),
        ("Zalo", "Zalo"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map_or("Trình duyệt khác", |(_, v)| v);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS", "macOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(k, _)| ua.contains(k))
    .map(|(_, v)| *v);
    match os {
        Some(os) => format!("{browser} trên {os}"),
        None => browser.to_owned(),
    }
}

fn page(state: &AppState, ctx: Value, cookie: Option<HeaderValue>) -> Result<Response, PageError> {
    let html = render(state, "account.html", "Tài khoản", ctx)?;
    let mut r = (StatusCode::OK, Html(html)).into_response();
    if let Some(c) = cookie {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(r)
}

/// `GET /tai-khoan`
pub async fn account(
    State(state): State<AppState>,
    principal: Principal,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let notice = match q.get("tb").map(String::as_str) {
        Some("dang-xuat") => Some("Đã đăng xuất khỏi các thiết bị khác."),
        Some("thu-hoi") => Some("Đã thu hồi mã truy cập."),
        Some("tat-2fa") => Some("Đã tắt xác thực hai bước."),
        _ => None,
    };
    let ctx = account_context(&state, &principal, json!({"notice": notice})).await?;
    page(&state, ctx, None)
}

/// `POST /tai-khoan/dang-xuat-tat-ca`: ends every other session of the account.
pub async fn logout_everywhere(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, PageError> {
    let keep = session_hash(&principal);
    let event = principal
        .ctx()
        .event(
            state.clock.now(),
            principal.audit_id(),
            "logout.everywhere",
            Outcome::Success,
        )
        .subject(principal.audit_id());
    state
        .store
        .delete_user_sessions(&principal.user.id, keep, &event)
        .await?;
    Ok(Redirect::to("/tai-khoan?tb=dang-xuat").into_response())
}

/// `POST /tai-khoan/ma-truy-cap`: creates an API token and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    principal: Principal,
    form: FormData,
) -> Result<Response, PageError> {
    let days = match form.text("days").as_str() {
        "" | "0" => None,
        d => Some(d.parse::<i64>().map_err(|_| {
            PageError(ApiError::bad_request(
                "invalid_parameter",
                "Thời hạn phải là số ngày.",
            ))
        })?),
    };
    let created = tokens::create(
        &state,
        principal.ctx(),
        &principal.user,
        &form.text("name"),
        Some(form.all("scope")),
        days,
    )
    .await?;
    let ctx = account_context(
        &state,
        &principal,
        json!({"new_token": {
            "token": created.token,
            "scopes": created.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            "expires": created.expires_at.map(when),
        }}),
    )
    .await?;
    page(&state, ctx, None)
}

/// `POST /tai-khoan/ma-truy-cap/{id}/thu-hoi`
pub async fn revoke_token(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let event = principal
        .ctx()
        .event(
            state.clock.now(),
            principal.audit_id(),
            "token.revoke",
            Outcome::Success,
        )
        .subject(format!("token:{id}"));
    if !state
        .store
        .revoke_api_token(&id, &principal.user.id, state.clock.now(), &event)
        .await?
    {
        return Err(PageError(ApiError::not_found(
            "Không có mã truy cập này, hoặc mã đã bị thu hồi.",
        )));
    }
    Ok(Redirect::to("/tai-khoan?tb=thu-hoi").into_response())
}

/// A QR code as inline SVG (no script, no image request; allowed by the CSP).
fn qr_svg(text: &str) -> Result<String, PageError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(internal)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build())
}

/// Groups a base32 secret in fours for reading aloud or typing.
fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn totp_page(
    state: &AppState,
    status: StatusCode,
    ctx: Value,
    cookie: Option<HeaderValue>,
) -> Result<Response, PageError> {
    let html = render(state, "totp_setup.html", "Xác thực hai bước", ctx)?;
    let mut r = (status, Html(html)).into_response();
    if let Some(c) = cookie {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(r)
}

async fn setup_context(
    state: &AppState,
    principal: &Principal,
    error: Option<&str>,
) -> Result<Value, PageError> {
    let secret = totp::base32_encode(&random_bytes(totp::SECRET_LEN).map_err(internal)?);
    state
        .store
        .set_totp_pending(&principal.user.id, &secret)
        .await?;
    let account = principal
        .user
        .username
        .clone()
        .or_else(|| principal.user.email.clone())
        .unwrap_or_else(|| principal.user.id.clone());
    let uri = totp::otpauth_uri(
        &totp::base32_decode(&secret).unwrap_or_default(),
        &state.site.name,
        &account,
    );
    Ok(json!({
        "enabled": false,
        "secret": secret,
        "secret_grouped": grouped(&secret),
        "qr": qr_svg(&uri)?,
        "error": error,
        "recovery_codes": null,
    }))
}

/// `GET /tai-khoan/xac-thuc-hai-buoc`: a fresh secret with its QR code, or the status.
pub async fn totp_setup(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, PageError> {
    if principal.user.totp_enabled {
        let left = state
            .store
            .totp_state(&principal.user.id)
            .await?
            .recovery_codes_left;
        return totp_page(
            &state,
            StatusCode::OK,
            json!({"enabled": true, "recovery_codes": null, "left": left, "error": null}),
            None,
        );
    }
    let ctx = setup_context(&state, &principal, None).await?;
    totp_page(&state, StatusCode::OK, ctx, None)
}

/// `POST /tai-khoan/xac-thuc-hai-buoc`: confirms the secret with a first code, turns
/// two-factor authentication on, shows the recovery codes once, and rotates the session.
pub async fn totp_enable(
    State(state): State<AppState>,
    principal: Principal,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let secret = form.text("secret");
    let step = totp::base32_decode(&secret)
        .filter(|s| s.len() == totp::SECRET_LEN)
        .and_then(|s| totp::verify(&s, &form.text("code"), now, None));
    let Some(step) = step else {
        let ctx = setup_context(
            &state,
            &principal,
            Some("Mã chưa đúng. Hãy quét mã QR mới dưới đây rồi nhập mã 6 số ứng dụng hiển thị."),
        )
        .await?;
        return totp_page(&state, StatusCode::BAD_REQUEST, ctx, None);
    };
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        codes.push(recovery_code().map_err(internal)?);
    }
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| recovery_code_hash(&principal.user.id, c))
        .collect();
    let event = principal
        .ctx()
        .event(now, principal.audit_id(), "totp.enable", Outcome::Success)
        .subject(principal.audit_id());
    if !state
        .store
        .enable_totp(&principal.user.id, &secret, step, &hashes, now, &event)
        .await?
    {
        let ctx = setup_context(
            &state,
            &principal,
            Some(
                "Mã QR này đã được thay bằng mã mới (có thể bạn mở trang ở hai nơi). Hãy quét lại.",
            ),
        )
        .await?;
        return totp_page(&state, StatusCode::CONFLICT, ctx, None);
    }
    let cookie = rotate_session(&state, &principal).await?;
    totp_page(
        &state,
        StatusCode::OK,
        json!({"enabled": true, "recovery_codes": codes, "left": RECOVERY_CODES, "error": null}),
        Some(cookie),
    )
}

/// A privilege change (two-factor authentication turned on or off): the session gets a new
/// id, so a session id seen before the change is worth nothing after it.
async fn rotate_session(state: &AppState, principal: &Principal) -> Result<HeaderValue, ApiError> {
    start_session(
        state,
        principal.ctx(),
        &principal.user,
        SessionLevel::Full,
        session_hash(principal),
        "session.rotate",
    )
    .await
}

/// `POST /tai-khoan/xac-thuc-hai-buoc/tat`: turning it off needs a current code.
pub async fn totp_disable(
    State(state): State<AppState>,
    principal: Principal,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    match check_second_factor(&state, principal.ctx(), &principal.user, &form.text("code")).await? {
        SecondFactor::Valid => {}
        SecondFactor::Invalid | SecondFactor::Locked { .. } => {
            let left = state
                .store
                .totp_state(&principal.user.id)
                .await?
                .recovery_codes_left;
            return totp_page(
                &state,
                StatusCode::UNAUTHORIZED,
                json!({"enabled": true, "recovery_codes": null, "left": left,
                       "error": "Mã xác thực không đúng, hoặc đã nhập sai quá nhiều lần."}),
                None,
            );
        }
    }
    let event = principal
        .ctx()
        .event(now, principal.audit_id(), "totp.disable", Outcome::Success)
        .subject(principal.audit_id());
    state
        .store
        .disable_totp(&principal.user.id, now, &event)
        .await?;
    let cookie = rotate_session(&state, &principal).await?;
    let mut r = Redirect::to("/tai-khoan?tb=tat-2fa").into_response();
    r.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browsers_are_named_plainly() {
        assert_eq!(
            browser_name(
                "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
            ),
            "Chrome trên Android"
        );
        assert_eq!(browser_name("curl/8.5.0"), "curl");
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }
}
