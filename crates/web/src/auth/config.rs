//! Security settings the web layer needs, built by the binary from its configuration.

use motcua_store::{RateLimit, ThrottlePolicy};

use super::client::IpNet;

/// One OpenID Connect provider (VNeID, the national portal's SSO, …).
#[derive(Clone)]
pub struct OidcProviderConfig {
    /// Short name used in URLs and the database, e.g. `vneid`.
    pub name: String,
    /// Button text, e.g. "Đăng nhập bằng VNeID".
    pub label: String,
    /// Issuer URL; discovery reads `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// Client id registered with the provider.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Scopes to ask for besides `openid`.
    pub scopes: Vec<String>,
    /// The claim carrying the personal identification number, if the provider sends one
    /// (stored on the account, never logged).
    pub citizen_id_claim: Option<String>,
}

impl std::fmt::Debug for OidcProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProviderConfig")
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

/// Lockout policies per action.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failed logins per account from one client (keyed by the identifier typed, existing or
    /// not, and the client's network): a lockout for that client only.
    pub login_account: ThrottlePolicy,
    /// Login attempts per account from all clients together: a slow-down, never a lockout, so
    /// that a guessing attack spread over many networks gets no more than this rate.
    pub login_account_rate: RateLimit,
    /// Failed logins per client network (an IPv4 /24, an IPv6 /64).
    pub login_ip: ThrottlePolicy,
    /// Wrong one-time codes per account.
    pub otp: ThrottlePolicy,
    /// Password-reset requests per identifier (every request counts).
    pub reset_account: ThrottlePolicy,
    /// Password-reset requests per client address.
    pub reset_ip: ThrottlePolicy,
    /// Registrations per client address.
    pub register_ip: ThrottlePolicy,
    /// Identity-provider logins started per client address (each stores a flow).
    pub oidc_ip: ThrottlePolicy,
}

impl Default for Limits {
    fn default() -> Self {
        let p = |threshold, forget, base, max| ThrottlePolicy {
            threshold,
            forget_after_seconds: forget,
            base_lock_seconds: base,
            max_lock_seconds: max,
        };
        Self {
            login_account: p(5, 900, 60, 3600),
            login_account_rate: RateLimit {
                burst: 20,
                interval_seconds: 30,
            },
            login_ip: p(50, 900, 60, 3600),
            otp: p(5, 900, 60, 3600),
            reset_account: p(3, 3600, 900, 3600),
            reset_ip: p(20, 3600, 600, 3600),
            register_ip: p(20, 3600, 600, 3600),
            oidc_ip: p(30, 600, 300, 3600),
        }
    }
}

/// Security settings.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// The portal's public base URL without a trailing slash, e.g.
    /// `https://dichvucong.bacninh.gov.vn`: used in mails, OIDC redirect URIs, and the
    /// Origin check.
    pub public_url: String,
    /// Whether the operator set `public_url` (otherwise same-origin is judged by the `Host`
    /// header as well, so a default installation works under any host name).
    pub public_url_explicit: bool,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpNet>,
    /// Seconds without a request after which a session ends.
    pub session_idle_seconds: i64,
    /// Seconds after login after which a session ends whatever the activity.
    pub session_absolute_seconds: i64,
    /// Minutes a password-reset link works.
    pub reset_token_minutes: i64,
    /// Hours an e-mail verification link works.
    pub verify_token_hours: i64,
    /// Lockout policies.
    pub limits: Limits,
    /// Identity providers, in the order their buttons appear.
    pub oidc: Vec<OidcProviderConfig>,
}

impl AuthConfig {
    /// Settings for `public_url` with every other value at its default.
    pub fn new(public_url: &str) -> Self {
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            public_url_explicit: false,
            trusted_proxies: Vec::new(),
            session_idle_seconds: 30 * 60,
            session_absolute_seconds: 12 * 3600,
            reset_token_minutes: 30,
            verify_token_hours: 48,
            limits: Limits::default(),
            oidc: Vec::new(),
        }
    }

    /// Whether the portal is served over HTTPS: cookies get `Secure` and the `__Host-` prefix,
    /// and responses get HSTS.
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The origin (`scheme://host[:port]`) of the public URL.
    pub fn public_origin(&self) -> &str {
        let after_scheme = self.public_url.find("://").map_or(0, |i| i + 3);
        match self.public_url[after_scheme..].find('/') {
            Some(i) => &self.public_url[..after_scheme + i],
            None => &self.public_url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_and_https() {
        let c = AuthConfig::new("https://dichvucong.bacninh.gov.vn/portal/");
        assert_eq!(c.public_url, "https://dichvucong.bacninh.gov.vn/portal");
        assert_eq!(c.public_origin(), "https://dichvucong.bacninh.gov.vn");
        assert!(c.https());
        let c = AuthConfig::new("http://127.0.0.1:8080");
        assert_eq!(c.public_origin(), "http://127.0.0.1:8080");
        assert!(!c.https());
        let shown = format!(
            "{:?}",
            OidcProviderConfig {
                name: "vneid".into(),
                label: "VNeID".into(),
                issuer: "https://sso.example".into(),
                client_id: "portal".into(),
                client_secret: "hunter2".into(),
                scopes: vec![],
                citizen_id_claim: None,
            }
        );
        assert!(!shown.contains("hunter2"));
    }
}
