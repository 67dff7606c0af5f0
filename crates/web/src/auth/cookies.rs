//! The three cookies motcua sets, and their attributes.
//!
//! Every cookie is `HttpOnly` (no script needs them) and `SameSite=Lax` (sent on top-level
//! navigations, including the return from an identity provider, but not on cross-site
//! sub-requests or form posts). Over HTTPS they are `Secure` and carry the `__Host-` prefix,
//! which browsers only accept from a secure origin, for path `/`, without a `Domain`: a
//! neighbouring subdomain cannot plant or overwrite them.

use axum::http::{HeaderMap, HeaderValue, header};

/// Which cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieName {
    /// The session id.
    Session,
    /// The CSRF token of a visitor without a session (double-submit).
    Csrf,
    /// An OpenID Connect login in progress.
    Oidc,
}

impl CookieName {
    /// The cookie's name, with the `__Host-` prefix when `secure`.
    pub fn name(self, secure: bool) -> &'static str {
        match (self, secure) {
            (Self::Session, true) => "__Host-motcua_session",
            (Self::Session, false) => "motcua_session",
            (Self::Csrf, true) => "__Host-motcua_csrf",
            (Self::Csrf, false) => "motcua_csrf",
            (Self::Oidc, true) => "__Host-motcua_oidc",
            (Self::Oidc, false) => "motcua_oidc",
        }
    }
}

/// The value of a cookie in the request (the first, if a client sent several).
pub fn get(headers: &HeaderMap, name: CookieName, secure: bool) -> Option<String> {
    let wanted = name.name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == wanted)
        .map(|(_, v)| v.trim_matches('"').to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 256)
}

/// A `Set-Cookie` value. `max_age_seconds = None` makes a browser-session cookie; `Some(0)`
/// deletes it.
pub fn set(
    name: CookieName,
    value: &str,
    secure: bool,
    max_age_seconds: Option<i64>,
) -> HeaderValue {
    let mut c = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax",
        name.name(secure)
    );
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age_seconds {
        c.push_str(&format!("; Max-Age={}", age.max(0)));
    }
    // Values are hex, names are constants: always a valid header value.
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static("invalid=; Max-Age=0"))
}

/// A `Set-Cookie` value that deletes the cookie.
pub fn clear(name: CookieName, secure: bool) -> HeaderValue {
    set(name, "", secure, Some(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; motcua_session=abc; __Host-motcua_session=def"),
        );
        assert_eq!(get(&h, CookieName::Session, false).as_deref(), Some("abc"));
        assert_eq!(get(&h, CookieName::Session, true).as_deref(), Some("def"));
        assert_eq!(get(&h, CookieName::Csrf, false), None);
        assert_eq!(
            set(CookieName::Session, "abc", true, Some(3600)),
            "__Host-motcua_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=3600"
        );
        assert_eq!(
            clear(CookieName::Csrf, false),
            "motcua_csrf=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
        );
    }
}
