//! Signing in with a password (and the second factor), and signing out.

use axum::{
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
};
use motcua_core::{audit::Outcome, identity::Permission};
use motcua_store::{SessionLevel, UserKind};
use serde_json::{Value, json};

use super::{NextQuery, first_factor_passed, minutes, page, presented_session, redirect};
use crate::{
    auth::{
        PendingLogin, Principal,
        cookies::{self, CookieName},
        login::{PasswordCheck, SecondFactor, check_password, check_second_factor, start_session},
        principal::Client,
        safe_return_path,
    },
    pages::{PageError, form::FormData},
    state::AppState,
};

fn login_page(
    state: &AppState,
    status: StatusCode,
    next: &str,
    login: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let providers: Vec<Value> = state
        .auth
        .oidc
        .list()
        .iter()
        .map(|p| json!({"name": p.name, "label": p.label}))
        .collect();
    page(
        state,
        status,
        "login.html",
        "Đăng nhập",
        json!({
            "next": next,
            "login": login,
            "error": error,
            "providers": providers,
        }),
    )
}

/// `GET /dang-nhap`
pub async fn login_form(
    State(state): State<AppState>,
    principal: Option<Principal>,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    if principal.is_some() {
        return Ok(Redirect::to(&safe_return_path(q.tiep.as_deref())).into_response());
    }
    // No return path: where to land is decided once the account is known (see `landing`).
    let next = q
        .tiep
        .as_deref()
        .map(|t| safe_return_path(Some(t)))
        .unwrap_or_default();
    login_page(&state, StatusCode::OK, &next, "", None)
}

/// Where someone who signed in without a return path lands: an official who works on
/// dossiers (holds `dossier.read` somewhere) in the one-stop workspace, one who administers
/// accounts (`user.manage`) on the officials' page, anyone else on the account page.
async fn landing(state: &AppState, user: &motcua_store::User) -> Result<String, PageError> {
    if user.kind == UserKind::Official {
        let grants = state.store.active_grants(&user.id).await?;
        let holds = |p: Permission| grants.iter().any(|g| g.grant.role.has(p));
        if holds(Permission::DossierRead) {
            return Ok("/mot-cua".to_owned());
        }
        if holds(Permission::UserManage) {
            return Ok("/mot-cua/can-bo".to_owned());
        }
    }
    Ok(safe_return_path(None))
}

/// `POST /dang-nhap`
pub async fn login_submit(
    State(state): State<AppState>,
    Client(ctx): Client,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, PageError> {
    let asked = form.text("tiep");
    let next = if asked.is_empty() {
        String::new()
    } else {
        safe_return_path(Some(asked.as_str()))
    };
    let login = form.text("login");
    let outcome = check_password(&state, &ctx, &login, form.raw("password")).await?;
    let user = match outcome {
        PasswordCheck::Valid(user) => user,
        PasswordCheck::Invalid => {
            return login_page(
                &state,
                StatusCode::UNAUTHORIZED,
                &next,
                &login,
                Some(
                    "Thông tin đăng nhập không đúng. Hãy kiểm tra lại tên đăng nhập và mật khẩu."
                        .into(),
                ),
            );
        }
        PasswordCheck::Locked { retry_after } => {
            return login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                &next,
                &login,
                Some(format!(
                    "Đã có quá nhiều lần đăng nhập không thành công. Vui lòng thử lại sau {} phút.",
                    minutes(retry_after)
                )),
            );
        }
        PasswordCheck::Unverified => {
            return login_page(
                &state,
                StatusCode::FORBIDDEN,
                &next,
                &login,
                Some("Tài khoản chưa được kích hoạt. Hãy mở thư xác minh chúng tôi đã gửi; nếu không thấy thư, dùng chức năng “Quên mật khẩu” để nhận thư mới.".into()),
            );
        }
    };
    let next = if next.is_empty() {
        landing(&state, &user).await?
    } else {
        next
    };
    let replaces = presented_session(&state, &headers);
    first_factor_passed(
        &state,
        &ctx,
        &user,
        replaces.as_deref(),
        &next,
        ("login.password", "login.success"),
        vec![],
    )
    .await
}

fn challenge_page(
    state: &AppState,
    status: StatusCode,
    next: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    page(
        state,
        status,
        "totp_challenge.html",
        "Xác thực hai bước",
        json!({"next": next, "error": error}),
    )
}

/// `GET /dang-nhap/xac-thuc`
pub async fn challenge_form(
    State(state): State<AppState>,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    challenge_page(
        &state,
        StatusCode::OK,
        &safe_return_path(q.tiep.as_deref()),
        None,
    )
}

/// `POST /dang-nhap/xac-thuc`
pub async fn challenge_submit(
    State(state): State<AppState>,
    Client(ctx): Client,
    pending: PendingLogin,
    form: FormData,
) -> Result<Response, PageError> {
    let next = safe_return_path(Some(form.text("tiep").as_str()));
    match check_second_factor(&state, &ctx, &pending.user, &form.text("code")).await? {
        SecondFactor::Valid => {
            // Rotation at privilege change: the full session gets a new id.
            let cookie = start_session(
                &state,
                &ctx,
                &pending.user,
                SessionLevel::Full,
                Some(&pending.id_hash),
                "login.success",
            )
            .await?;
            Ok(redirect(&next, vec![cookie]))
        }
        SecondFactor::Invalid => challenge_page(
            &state,
            StatusCode::UNAUTHORIZED,
            &next,
            Some("Mã xác thực không đúng hoặc đã được dùng. Hãy nhập mã mới trên ứng dụng.".into()),
        ),
        SecondFactor::Locked { retry_after } => challenge_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &next,
            Some(format!(
                "Đã nhập sai quá nhiều lần. Vui lòng thử lại sau {} phút.",
                minutes(retry_after)
            )),
        ),
    }
}

/// `POST /dang-xuat`
pub async fn logout(
    State(state): State<AppState>,
    Client(ctx): Client,
    headers: HeaderMap,
    principal: Option<Principal>,
) -> Result<Response, PageError> {
    let secure = state.auth.config.https();
    if let Some(hash) = presented_session(&state, &headers) {
        let actor = principal
            .as_ref()
            .map_or_else(|| "anonymous".to_owned(), Principal::audit_id);
        let event = ctx.event(state.clock.now(), actor, "logout", Outcome::Success);
        state.store.delete_session(&hash, Some(&event)).await?;
    }
    Ok(redirect(
        "/",
        vec![cookies::clear(CookieName::Session, secure)],
    ))
}
