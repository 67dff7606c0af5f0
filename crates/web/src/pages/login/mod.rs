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
use motcua_service::crypto::sha256_hex;
use serde::Deserialize;
use serde_json::{Value, json};

pub use oidc::{oidc_callback, oidc_start};
pub use password::{forgot_form, forgot_submit, reset_form, reset_submit};
pub use register::{register_form, register_submit};
pub use signin::{challenge_form, challenge_submit, login_form, login_submit, logout};
pub use verify::verify_email;

use super::PageError;
use crate::{
    auth::cookies::{self, CookieName},
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
