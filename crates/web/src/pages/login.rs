//! Signing in and out, registering, resetting a password, verifying an e-mail address, and
//! signing in through an OpenID Connect provider.

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use jiff::Timestamp;
use motcua_core::{
    audit::Outcome,
    identity::credentials::{LoginId, check_new_password, normalize_citizen_id},
    text::{char_len, clean_line},
};
use motcua_store::{
    ExternalIdentity, NewMail, NewOneTimeToken, NewUser, OidcFlow, SessionLevel, StoreError,
    TokenPurpose, User, UserKind,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{PageError, form::FormData};
use crate::{
    auth::{
        PendingLogin, Principal, RequestContext,
        cookies::{self, CookieName},
        crypto::{constant_time_eq, random_token, sha256_hex},
        login::{PasswordCheck, SecondFactor, check_password, check_second_factor, start_session},
        oidc::VerifiedIdentity,
        principal::record_event,
        safe_return_path, url_encode,
    },
    error::ApiError,
    state::AppState,
};

/// Renders a page with the site frame.
pub(crate) fn render(
    state: &AppState,
    template: &str,
    title: &str,
    mut ctx: Value,
) -> Result<String, PageError> {
    if let Value::Object(m) = &mut ctx {
        m.insert("site".into(), json!(state.site.as_ref()));
        m.insert(
            "page_title".into(),
            json!(format!("{title} — {}", state.site.name)),
        );
    }
    state.templates.render(template, ctx)
}

/// A rendered page with a status and extra headers.
fn respond(status: StatusCode, cookies: Vec<HeaderValue>, html: String) -> Response {
    let mut r = (status, Html(html)).into_response();
    for c in cookies {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    r
}

/// A 303 redirect with cookies.
fn redirect(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut r = Redirect::to(to).into_response();
    for c in cookies {
        r.headers_mut().append(header::SET_COOKIE, c);
    }
    r
}

/// A page saying one thing.
fn message(
    state: &AppState,
    status: StatusCode,
    title: &str,
    text: &str,
    link: Option<(&str, &str)>,
) -> Result<Response, PageError> {
    let html = render(
        state,
        "message.html",
        title,
        json!({
            "title": title,
            "text": text,
            "link": link.map(|(href, label)| json!({"href": href, "label": label})),
        }),
    )?;
    Ok(respond(status, vec![], html))
}

fn minutes(seconds: i64) -> i64 {
    (seconds + 59) / 60
}

fn internal(e: impl std::fmt::Display) -> PageError {
    PageError(ApiError::Internal(e.to_string()))
}

/// The session cookie's hash, if the browser sent one (to be replaced at login).
fn presented_session(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookies::get(headers, CookieName::Session, state.auth.config.https()).map(|c| sha256_hex(&c))
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    tiep: Option<String>,
}

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
    let html = render(
        state,
        "login.html",
        "Đăng nhập",
        json!({
            "next": next,
            "login": login,
            "error": error,
            "providers": providers,
        }),
    )?;
    Ok(respond(status, vec![], html))
}

/// `GET /dang-nhap`
pub async fn login_form(
    State(state): State<AppState>,
    principal: Option<Principal>,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    let next = safe_return_path(q.tiep.as_deref());
    if principal.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    login_page(&state, StatusCode::OK, &next, "", None)
}

/// `POST /dang-nhap`
pub async fn login_submit(
    State(state): State<AppState>,
    ctx: RequestContext,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, PageError> {
    let next = safe_return_path(Some(form.text("tiep").as_str()));
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
    let replaces = presented_session(&state, &headers);
    if user.totp_enabled {
        let cookie = start_session(
            &state,
            &ctx,
            &user,
            SessionLevel::Partial,
            replaces.as_deref(),
            "login.password",
        )
        .await?;
        return Ok(redirect(
            &format!("/dang-nhap/xac-thuc?tiep={}", url_encode(&next)),
            vec![cookie],
        ));
    }
    let cookie = start_session(
        &state,
        &ctx,
        &user,
        SessionLevel::Full,
        replaces.as_deref(),
        "login.success",
    )
    .await?;
    Ok(redirect(&next, vec![cookie]))
}

fn challenge_page(
    state: &AppState,
    status: StatusCode,
    next: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let html = render(
        state,
        "totp_challenge.html",
        "Xác thực hai bước",
        json!({"next": next, "error": error}),
    )?;
    Ok(respond(status, vec![], html))
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
    ctx: RequestContext,
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
    ctx: RequestContext,
    headers: HeaderMap,
    principal: Option<Principal>,
) -> Result<Response, PageError> {
    let secure = state.auth.config.https();
    if let Some(hash) = presented_session(&state, &headers) {
        let actor = principal
            .as_ref()
            .map_or_else(|| "anonymous".to_owned(), Principal::actor);
        let event = ctx.event(state.clock.now(), actor, "logout", Outcome::Success);
        state.store.delete_session(&hash, Some(&event)).await?;
    }
    Ok(redirect(
        "/",
        vec![cookies::clear(CookieName::Session, secure)],
    ))
}

fn register_page(
    state: &AppState,
    status: StatusCode,
    values: Value,
    errors: Value,
) -> Result<Response, PageError> {
    let html = render(
        state,
        "register.html",
        "Đăng ký tài khoản",
        json!({"values": values, "errors": errors}),
    )?;
    Ok(respond(status, vec![], html))
}

/// `GET /dang-ky`
pub async fn register_form(State(state): State<AppState>) -> Result<Response, PageError> {
    register_page(&state, StatusCode::OK, json!({}), json!({}))
}

/// A mail rendered from a text template.
fn mail(
    state: &AppState,
    template: &str,
    to: &str,
    subject: &str,
    ctx: Value,
    now: Timestamp,
) -> Result<NewMail, PageError> {
    let mut ctx = ctx;
    if let Value::Object(m) = &mut ctx {
        m.insert("site".into(), json!(state.site.as_ref()));
        m.insert("public_url".into(), json!(state.auth.config.public_url));
    }
    Ok(NewMail {
        id: uuid::Uuid::now_v7().to_string(),
        recipient: to.to_owned(),
        subject: format!("{subject} — {}", state.site.name),
        body: state.templates.render(template, ctx)?,
        created_at: now,
    })
}

fn plus_seconds(at: Timestamp, seconds: i64) -> Result<Timestamp, PageError> {
    Timestamp::from_second(at.as_second() + seconds).map_err(internal)
}

/// `POST /dang-ky`
///
/// With an e-mail address the answer is always "we sent you a mail", whether or not the
/// address already has an account (then the mail says so instead of creating one): the form
/// cannot be used to find out who is registered. Phone numbers have no such channel (no SMS
/// gateway yet), so a taken number is reported; registrations are rate-limited per client.
pub async fn register_submit(
    State(state): State<AppState>,
    ctx: RequestContext,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let name = clean_line(&form.text("name"));
    let contact = form.text("contact");
    let citizen_raw = form.text("citizen_id");
    let password = form.raw("password");
    let values = json!({"name": name, "contact": contact, "citizen_id": citizen_raw});
    let mut errors = serde_json::Map::new();
    if !(2..=100).contains(&char_len(&name)) {
        errors.insert(
            "name".into(),
            json!("Hãy nhập họ và tên (2 đến 100 ký tự)."),
        );
    }
    let login = LoginId::parse(&contact).filter(|l| !matches!(l, LoginId::Username(_)));
    if login.is_none() {
        errors.insert(
            "contact".into(),
            json!("Hãy nhập địa chỉ email hoặc số điện thoại di động (ví dụ 0912 345 678)."),
        );
    }
    let citizen_id = if citizen_raw.is_empty() {
        None
    } else {
        let c = normalize_citizen_id(&citizen_raw);
        if c.is_none() {
            errors.insert(
                "citizen_id".into(),
                json!("Số định danh cá nhân gồm đúng 12 chữ số."),
            );
        }
        c
    };
    if let Err(p) = check_new_password(password, login.as_ref()) {
        errors.insert("password".into(), json!(format!("Mật khẩu chưa đạt: {p}.")));
    } else if password != form.raw("password2") {
        errors.insert(
            "password2".into(),
            json!("Hai lần nhập mật khẩu không khớp."),
        );
    }
    if !errors.is_empty() {
        return register_page(
            &state,
            StatusCode::BAD_REQUEST,
            values,
            Value::Object(errors),
        );
    }
    let Some(login) = login else {
        return Err(internal("login vanished"));
    };
    let ip_key = format!("register:ip:{}", ctx.ip_key());
    let limits = state.auth.config.limits;
    if let Some(until) = state
        .store
        .locked_until(std::slice::from_ref(&ip_key), now)
        .await?
    {
        return message(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            "Tạm dừng đăng ký",
            &format!(
                "Có quá nhiều tài khoản được đăng ký từ mạng của bạn. Vui lòng thử lại sau {} phút.",
                minutes(until.as_second() - now.as_second())
            ),
            None,
        );
    }
    state
        .store
        .record_failure(&ip_key, &limits.register_ip, now)
        .await?;
    let password_hash = state
        .auth
        .passwords
        .hash(password)
        .await
        .map_err(internal)?;
    let id = uuid::Uuid::now_v7().to_string();
    let mut user = NewUser {
        id: id.clone(),
        kind: UserKind::Applicant,
        username: None,
        email: None,
        email_verified: false,
        phone: None,
        citizen_id,
        display_name: name,
        password_hash: Some(password_hash),
        agency_id: None,
        created_at: now,
    };
    let sent = || {
        message(
            &state,
            StatusCode::OK,
            "Kiểm tra hộp thư của bạn",
            "Chúng tôi đã gửi một thư tới địa chỉ email bạn nhập. Hãy mở thư và bấm vào liên kết để kích hoạt tài khoản. Liên kết có hiệu lực trong 48 giờ.",
            Some(("/dang-nhap", "Đến trang đăng nhập")),
        )
    };
    match login {
        LoginId::Email(email) => {
            let existing = state
                .store
                .user_by_login(&LoginId::Email(email.clone()))
                .await?;
            if let Some(existing) = existing {
                let m = mail(
                    &state,
                    "mail/already_registered.txt",
                    &email,
                    "Tài khoản đã tồn tại",
                    json!({}),
                    now,
                )?;
                state.store.enqueue_mail(&m).await?;
                let event = ctx
                    .event(
                        now,
                        "anonymous",
                        "account.register_existing",
                        Outcome::Failure,
                    )
                    .subject(format!("user:{}", existing.id));
                record_event(&state, &event).await;
                state.auth.mail_wake.notify_one();
                return sent();
            }
            user.email = Some(email.clone());
            let token = random_token().map_err(internal)?;
            let link = format!("{}/xac-minh-email?ma={token}", state.auth.config.public_url);
            let m = mail(
                &state,
                "mail/verify.txt",
                &email,
                "Kích hoạt tài khoản",
                json!({"link": link, "name": user.display_name}),
                now,
            )?;
            let ott = NewOneTimeToken {
                token_hash: sha256_hex(&token),
                user_id: id.clone(),
                purpose: TokenPurpose::VerifyEmail,
                created_at: now,
                expires_at: plus_seconds(now, state.auth.config.verify_token_hours * 3600)?,
            };
            let event = ctx
                .event(
                    now,
                    format!("user:{id}"),
                    "account.register",
                    Outcome::Success,
                )
                .subject(format!("user:{id}"))
                .with("channel", "email");
            match state
                .store
                .create_user(&user, Some((&ott, &m)), &event)
                .await
            {
                Ok(()) => {}
                Err(StoreError::Conflict(_)) => {
                    // The address was free a moment ago, so the identity number is what is
                    // taken. Say so by mail, to the address's owner only.
                    let m = mail(
                        &state,
                        "mail/already_registered.txt",
                        &email,
                        "Tài khoản đã tồn tại",
                        json!({"citizen_id_taken": true}),
                        now,
                    )?;
                    state.store.enqueue_mail(&m).await?;
                }
                Err(e) => return Err(e.into()),
            }
            state.auth.mail_wake.notify_one();
            sent()
        }
        LoginId::Phone(phone) => {
            user.phone = Some(phone);
            let event = ctx
                .event(
                    now,
                    format!("user:{id}"),
                    "account.register",
                    Outcome::Success,
                )
                .subject(format!("user:{id}"))
                .with("channel", "phone");
            match state.store.create_user(&user, None, &event).await {
                Ok(()) => {}
                Err(StoreError::Conflict(_)) => {
                    let mut errors = serde_json::Map::new();
                    errors.insert(
                        "contact".into(),
                        json!("Số điện thoại hoặc số định danh này đã được dùng cho một tài khoản. Hãy đăng nhập, hoặc liên hệ bộ phận một cửa nếu bạn không đăng ký."),
                    );
                    return register_page(
                        &state,
                        StatusCode::CONFLICT,
                        values,
                        Value::Object(errors),
                    );
                }
                Err(e) => return Err(e.into()),
            }
            let stored = state
                .store
                .user(&id)
                .await?
                .ok_or_else(|| internal("account vanished"))?;
            let cookie = start_session(
                &state,
                &ctx,
                &stored,
                SessionLevel::Full,
                presented_session(&state, &headers).as_deref(),
                "login.success",
            )
            .await?;
            Ok(redirect("/tai-khoan", vec![cookie]))
        }
        LoginId::Username(_) => Err(internal("user names are not offered at registration")),
    }
}

/// `GET /quen-mat-khau`
pub async fn forgot_form(State(state): State<AppState>) -> Result<Response, PageError> {
    let html = render(
        &state,
        "forgot.html",
        "Quên mật khẩu",
        json!({"email": "", "error": null}),
    )?;
    Ok(respond(StatusCode::OK, vec![], html))
}

/// `POST /quen-mat-khau` — the same answer whether or not the address has an account.
pub async fn forgot_submit(
    State(state): State<AppState>,
    ctx: RequestContext,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let input = form.text("email");
    let Some(email) = motcua_core::identity::credentials::normalize_email(&input) else {
        let html = render(
            &state,
            "forgot.html",
            "Quên mật khẩu",
            json!({"email": input, "error": "Hãy nhập địa chỉ email đã dùng để đăng ký."}),
        )?;
        return Ok(respond(StatusCode::BAD_REQUEST, vec![], html));
    };
    let limits = state.auth.config.limits;
    let acct_key = format!("reset:acct:{}", sha256_hex(&email));
    let ip_key = format!("reset:ip:{}", ctx.ip_key());
    if let Some(until) = state
        .store
        .locked_until(&[acct_key.clone(), ip_key.clone()], now)
        .await?
    {
        return message(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            "Vui lòng thử lại sau",
            &format!(
                "Đã có nhiều yêu cầu đặt lại mật khẩu. Vui lòng thử lại sau {} phút.",
                minutes(until.as_second() - now.as_second())
            ),
            None,
        );
    }
    // Every request counts, found or not.
    state
        .store
        .record_failure(&acct_key, &limits.reset_account, now)
        .await?;
    state
        .store
        .record_failure(&ip_key, &limits.reset_ip, now)
        .await?;
    let user = state
        .store
        .user_by_login(&LoginId::Email(email.clone()))
        .await?;
    match user.filter(|u| u.disabled_at.is_none()) {
        Some(user) => {
            let token = random_token().map_err(internal)?;
            let link = format!(
                "{}/dat-lai-mat-khau?ma={token}",
                state.auth.config.public_url
            );
            let m = mail(
                &state,
                "mail/reset.txt",
                &email,
                "Đặt lại mật khẩu",
                json!({"link": link, "name": user.display_name, "minutes": state.auth.config.reset_token_minutes}),
                now,
            )?;
            let ott = NewOneTimeToken {
                token_hash: sha256_hex(&token),
                user_id: user.id.clone(),
                purpose: TokenPurpose::PasswordReset,
                created_at: now,
                expires_at: plus_seconds(now, state.auth.config.reset_token_minutes * 60)?,
            };
            let event = ctx
                .event(
                    now,
                    "anonymous",
                    "password.reset_requested",
                    Outcome::Success,
                )
                .subject(format!("user:{}", user.id));
            state.store.issue_one_time_token(&ott, &m, &event).await?;
            state.auth.mail_wake.notify_one();
        }
        None => {
            let event = ctx
                .event(
                    now,
                    "anonymous",
                    "password.reset_requested",
                    Outcome::Failure,
                )
                .with("reason", "unknown_account");
            record_event(&state, &event).await;
        }
    }
    message(
        &state,
        StatusCode::OK,
        "Kiểm tra hộp thư của bạn",
        "Nếu địa chỉ email này có tài khoản, chúng tôi đã gửi thư hướng dẫn đặt lại mật khẩu. Liên kết trong thư chỉ dùng được một lần. Tài khoản đăng ký bằng số điện thoại xin liên hệ bộ phận một cửa.",
        Some(("/dang-nhap", "Về trang đăng nhập")),
    )
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    ma: Option<String>,
}

fn reset_page(
    state: &AppState,
    status: StatusCode,
    token: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let html = render(
        state,
        "reset.html",
        "Đặt lại mật khẩu",
        json!({"token": token, "error": error}),
    )?;
    Ok(respond(status, vec![], html))
}

/// `GET /dat-lai-mat-khau?ma=…`
pub async fn reset_form(
    State(state): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    reset_page(&state, StatusCode::OK, q.ma.as_deref().unwrap_or(""), None)
}

/// `POST /dat-lai-mat-khau`: consumes the link (single use), sets the password, ends every
/// session of the account.
pub async fn reset_submit(
    State(state): State<AppState>,
    ctx: RequestContext,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let token = form.text("ma");
    let password = form.raw("password");
    if let Err(p) = check_new_password(password, None) {
        return reset_page(
            &state,
            StatusCode::BAD_REQUEST,
            &token,
            Some(format!("Mật khẩu chưa đạt: {p}.")),
        );
    }
    if password != form.raw("password2") {
        return reset_page(
            &state,
            StatusCode::BAD_REQUEST,
            &token,
            Some("Hai lần nhập mật khẩu không khớp.".into()),
        );
    }
    let hash = state
        .auth
        .passwords
        .hash(password)
        .await
        .map_err(internal)?;
    let event = ctx.event(now, "anonymous", "password.reset", Outcome::Success);
    match state
        .store
        .reset_password_with_token(&sha256_hex(&token), &hash, now, &event)
        .await?
    {
        Some(_) => {
            let html = render(
                &state,
                "message.html",
                "Đã đặt lại mật khẩu",
                json!({
                    "title": "Đã đặt lại mật khẩu",
                    "text": "Mật khẩu mới đã có hiệu lực và mọi phiên đăng nhập cũ đã kết thúc. Hãy đăng nhập lại.",
                    "link": {"href": "/dang-nhap", "label": "Đăng nhập"},
                }),
            )?;
            Ok(respond(
                StatusCode::OK,
                vec![cookies::clear(
                    CookieName::Session,
                    state.auth.config.https(),
                )],
                html,
            ))
        }
        None => {
            let event = ctx
                .event(now, "anonymous", "password.reset", Outcome::Failure)
                .with("reason", "invalid_or_used_token");
            record_event(&state, &event).await;
            message(
                &state,
                StatusCode::BAD_REQUEST,
                "Liên kết không còn hiệu lực",
                "Liên kết đặt lại mật khẩu không đúng, đã hết hạn hoặc đã được dùng. Hãy yêu cầu một liên kết mới.",
                Some(("/quen-mat-khau", "Yêu cầu liên kết mới")),
            )
        }
    }
}

/// `GET /xac-minh-email?ma=…`
pub async fn verify_email(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let event = ctx.event(now, "anonymous", "email.verify", Outcome::Success);
    let token = q.ma.unwrap_or_default();
    match state
        .store
        .verify_email_with_token(&sha256_hex(&token), now, &event)
        .await?
    {
        Some(_) => message(
            &state,
            StatusCode::OK,
            "Đã kích hoạt tài khoản",
            "Địa chỉ email đã được xác minh. Bạn có thể đăng nhập.",
            Some(("/dang-nhap", "Đăng nhập")),
        ),
        None => message(
            &state,
            StatusCode::BAD_REQUEST,
            "Liên kết không còn hiệu lực",
            "Liên kết xác minh không đúng, đã hết hạn hoặc đã được dùng.",
            Some(("/dang-nhap", "Về trang đăng nhập")),
        ),
    }
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
    ctx: RequestContext,
    Path(provider): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let Some(config) = state.auth.oidc.get(&provider) else {
        return Err(PageError(ApiError::NotFound(
            "Không có nhà cung cấp định danh này.".into(),
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
    ctx: RequestContext,
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
            let reason = if e.to_string().contains("nonce") {
                "nonce_mismatch"
            } else {
                "token_verification"
            };
            return fail(reason).await;
        }
    };
    let user = match account_for(&state, &ctx, &provider, &identity).await? {
        Ok(u) => u,
        Err(reason) => return fail(reason).await,
    };
    let replaces = presented_session(&state, &headers);
    let return_to = safe_return_path(flow.return_to.as_deref());
    if user.totp_enabled {
        let cookie = start_session(
            &state,
            &ctx,
            &user,
            SessionLevel::Partial,
            replaces.as_deref(),
            "login.oidc_password",
        )
        .await?;
        return Ok(redirect(
            &format!("/dang-nhap/xac-thuc?tiep={}", url_encode(&return_to)),
            vec![cookie, clear],
        ));
    }
    let cookie = start_session(
        &state,
        &ctx,
        &user,
        SessionLevel::Full,
        replaces.as_deref(),
        "login.oidc",
    )
    .await?;
    Ok(redirect(&return_to, vec![cookie, clear]))
}

/// The account a verified provider identity signs into, linking or creating one.
///
/// Linking happens only on proof: an existing link (issuer + subject), or an e-mail address
/// that **both** the provider marks verified **and** the local account has verified. An
/// unverified claim is never used to link, and officials are never linked (they sign in with
/// their password and second factor). `Err(reason)` refuses the login.
async fn account_for(
    state: &AppState,
    ctx: &RequestContext,
    provider: &str,
    identity: &VerifiedIdentity,
) -> Result<Result<User, &'static str>, PageError> {
    let now = state.clock.now();
    let external = ExternalIdentity {
        issuer: identity.issuer.clone(),
        subject: identity.subject.clone(),
        provider: provider.to_owned(),
    };
    if let Some(user) = state
        .store
        .user_by_external(&identity.issuer, &identity.subject)
        .await?
    {
        if user.disabled_at.is_some() {
            return Ok(Err("account_disabled"));
        }
        return Ok(Ok(user));
    }
    let verified_email = identity
        .email
        .as_deref()
        .filter(|_| identity.email_verified)
        .and_then(motcua_core::identity::credentials::normalize_email);
    if let Some(email) = &verified_email
        && let Some(user) = state
            .store
            .user_by_login(&LoginId::Email(email.clone()))
            .await?
    {
        if user.kind == UserKind::Official {
            return Ok(Err("official_account"));
        }
        if !user.email_verified {
            // Someone registered this address without proving it: linking would hand that
            // account to whoever created it. The owner proves the address (password reset)
            // first.
            return Ok(Err("local_email_unverified"));
        }
        if user.disabled_at.is_some() {
            return Ok(Err("account_disabled"));
        }
        let event = ctx
            .event(
                now,
                format!("user:{}", user.id),
                "account.link",
                Outcome::Success,
            )
            .subject(format!("user:{}", user.id))
            .with("provider", provider)
            .with("by", "verified_email");
        state
            .store
            .link_external(&external, &user.id, false, now, &event)
            .await?;
        return Ok(Ok(user));
    }
    let id = uuid::Uuid::now_v7().to_string();
    let name = identity
        .name
        .as_deref()
        .map(clean_line)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Người dùng".to_owned());
    let new = NewUser {
        id: id.clone(),
        kind: UserKind::Applicant,
        username: None,
        email_verified: verified_email.is_some(),
        email: verified_email,
        phone: None,
        citizen_id: identity
            .citizen_id
            .as_deref()
            .and_then(normalize_citizen_id),
        display_name: name.chars().take(100).collect(),
        password_hash: None,
        agency_id: None,
        created_at: now,
    };
    let event = ctx
        .event(
            now,
            format!("user:{id}"),
            "account.register",
            Outcome::Success,
        )
        .subject(format!("user:{id}"))
        .with("channel", "oidc")
        .with("provider", provider);
    match state
        .store
        .create_user_with_external(&new, &external, &event)
        .await
    {
        Ok(()) => {}
        // The identity number already belongs to another account.
        Err(StoreError::Conflict(_)) => return Ok(Err("identity_conflict")),
        Err(e) => return Err(e.into()),
    }
    let user = state
        .store
        .user(&id)
        .await?
        .ok_or_else(|| internal("account vanished"))?;
    Ok(Ok(user))
}
