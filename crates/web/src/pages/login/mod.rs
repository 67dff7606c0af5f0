//! Signing in and out (`signin`), registering (`register`), resetting a password
//! (`password`), verifying an e-mail address (`verify`), and signing in through an OpenID
//! Connect provider (`oidc`). Each flow is a thin page over
//! [`motcua_service::accounts`] or the session functions of [`crate::auth::login`].

mod oidc;
mod password;
mod register;
mod signin;
mod verify;

use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use motcua_service::{RequestContext, crypto::sha256_hex};
use motcua_store::{SessionLevel, User};
use serde::Deserialize;
use serde_json::{Value, json};

pub use oidc::{oidc_callback, oidc_start};
pub use password::{forgot_form, forgot_submit, reset_form, reset_submit};
pub use register::{register_form, register_submit};
pub use signin::{challenge_form, challenge_submit, login_form, login_submit, logout};
pub use verify::verify_email;

use super::PageError;
use crate::{
    auth::{
        cookies::{self, CookieName},
        login::start_session,
        url_encode,
    },
    error::ApiError,
    state::AppState,
};

/// Renders a page with the site frame (the site itself is a template global).
pub(crate) fn render(
    state: &AppState,
    template: &str,
    title: &str,
    mut ctx: Value,
) -> Result<String, PageError> {
    if let Value::Object(m) = &mut ctx {
        m.insert(
            "page_title".into(),
            json!(format!("{title} — {}", state.site.name)),
        );
    }
    state.templates.render(template, ctx)
}

/// A page rendered with the site frame, answered with `status`.
fn page(
    state: &AppState,
    status: StatusCode,
    template: &str,
    title: &str,
    ctx: Value,
) -> Result<Response, PageError> {
    Ok(respond(
        status,
        vec![],
        render(state, template, title, ctx)?,
    ))
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
    page(
        state,
        status,
        "message.html",
        title,
        json!({
            "title": title,
            "text": text,
            "link": link.map(|(href, label)| json!({"href": href, "label": label})),
        }),
    )
}

/// Where a first factor (a password, a provider's ID token) leads: with two-factor
/// authentication on, a partial session and the second-factor page, then `next`; else a full
/// session and `next` at once. `actions` are the audit actions of the two cases (partial,
/// full); `extra` cookies follow the session cookie.
async fn first_factor_passed(
    state: &AppState,
    ctx: &RequestContext,
    user: &User,
    replaces: Option<&str>,
    next: &str,
    (partial_action, full_action): (&str, &str),
    extra: Vec<HeaderValue>,
) -> Result<Response, PageError> {
    let (level, action, to) = if user.totp_enabled {
        let challenge = format!("/dang-nhap/xac-thuc?tiep={}", url_encode(next));
        (SessionLevel::Partial, partial_action, challenge)
    } else {
        (SessionLevel::Full, full_action, next.to_owned())
    };
    let cookie = start_session(state, ctx, user, level, replaces, action).await?;
    let mut cookies = vec![cookie];
    cookies.extend(extra);
    Ok(redirect(&to, cookies))
}

/// Seconds as whole minutes, rounded up (for "try again in N minutes").
fn minutes(seconds: i64) -> i64 {
    (seconds + 59) / 60
}

fn internal(e: impl std::fmt::Display) -> PageError {
    PageError(ApiError::internal(e.to_string()))
}

/// The session cookie's hash, if the browser sent one (to be replaced at login).
fn presented_session(state: &AppState, headers: &HeaderMap) -> Option<String> {
    cookies::get(headers, CookieName::Session, state.auth.config.https()).map(|c| sha256_hex(&c))
}

/// `?tiep=…`: where to go after signing in.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    tiep: Option<String>,
}

/// `?ma=…`: a link's token.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    ma: Option<String>,
}
