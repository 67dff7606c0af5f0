//! Identity and access control at the HTTP boundary: who is asking ([`Principal`]), whether
//! the route lets them in ([`routes`]), CSRF and session handling ([`guard`]), passwords,
//! second factors, OpenID Connect, and the audit events all of these write.
//!
//! The pure rules (roles, permissions, grants, scope) are in `motcua_core::identity`; storage
//! is in `motcua_store`. See `docs/ARCHITECTURE.md`, "Identity and access control".

pub mod client;
pub mod config;
pub mod cookies;
pub mod guard;
pub mod layout;
pub mod login;
pub mod oidc;
pub mod principal;
pub mod routes;
pub mod tokens;

use std::sync::Arc;

pub use config::{AuthConfig, Limits, OidcProviderConfig};
pub use principal::{PendingLogin, Principal, Refusal, RequestContext, Target, Via};
pub use routes::{Access, ROUTES};

/// The security services a handler may need, built once at start-up.
#[derive(Debug)]
pub struct Auth {
    /// Settings.
    pub config: AuthConfig,
    /// Password hashing.
    pub passwords: motcua_service::passwords::Passwords,
    /// Identity providers.
    pub oidc: oidc::Providers,
    /// Wakes the mail worker when a mail was queued (it also polls).
    pub mail_wake: Arc<tokio::sync::Notify>,
}

impl Auth {
    /// The services for `config`; at most `hash_concurrency` password hashes run at once.
    pub fn new(config: AuthConfig, hash_concurrency: usize) -> Result<Self, oidc::OidcError> {
        Ok(Self {
            oidc: oidc::Providers::new(config.oidc.clone())?,
            config,
            passwords: motcua_service::passwords::Passwords::new(hash_concurrency),
            mail_wake: Arc::new(tokio::sync::Notify::new()),
        })
    }
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    openidconnect::url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A local path to return to after logging in: only `/…` paths of this site (not `//host`,
/// not `/\host`), so the login page cannot be used to send people elsewhere.
pub fn safe_return_path(candidate: Option<&str>) -> String {
    candidate
        .filter(|p| {
            p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && p.len() <= 512
                && !p.chars().any(char::is_control)
        })
        .unwrap_or("/tai-khoan")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return_path(Some("/thu-tuc?q=a")), "/thu-tuc?q=a");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:x",
            "/a\nb",
        ] {
            assert_eq!(safe_return_path(Some(bad)), "/tai-khoan", "{bad}");
        }
        assert_eq!(safe_return_path(None), "/tai-khoan");
        assert_eq!(
            url_encode("/thu-tuc?q=đăng ký"),
            "%2Fthu-tuc%3Fq%3D%C4%91%C4%83ng+k%C3%BD"
        );
    }
}
