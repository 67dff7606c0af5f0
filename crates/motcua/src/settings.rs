//! Typed, layered configuration: built-in defaults, then a TOML file, then `MOTCUA_*`
//! environment variables, then command-line flags.
//!
//! Environment variables use `__` between sections, e.g. `MOTCUA_SERVER__ADDR=0.0.0.0:8080`;
//! `MOTCUA_DATABASE_URL=postgres://…` is accepted as the documented shorthand for
//! `MOTCUA_DATABASE__URL`. Secrets are [`SecretString`]s: they print as `[REDACTED]`.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::Context;
use motcua_store::{DbConfig, RateLimit, SqliteDurability, ThrottlePolicy, db::redact_url};
use motcua_web::{
    auth::{AuthConfig, Limits, OidcProviderConfig, client::IpNet},
    edge::EdgeLimits,
    mail::{SmtpSecurity, TransportConfig},
};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Everything motcua can be configured with.
#[derive(Debug, Deserialize)]
pub struct Settings {
    /// Directory for the SQLite database and local files.
    pub data_dir: PathBuf,
    /// Load the demo data into an empty database on first start.
    pub demo: bool,
    /// How many demo dossiers to generate with the demo data (0: none).
    #[serde(default = "default_demo_dossiers")]
    pub demo_dossiers: u32,
    /// HTTP server.
    pub server: ServerSettings,
    /// Database.
    pub database: DatabaseSettings,
    /// Logging.
    pub log: LogSettings,
    /// Presentation overrides (otherwise taken from the database, e.g. the demo data).
    #[serde(default)]
    pub site: SiteSettings,
    /// Sessions, lockouts, identity providers.
    #[serde(default)]
    pub auth: AuthSettings,
    /// Outgoing e-mail.
    #[serde(default)]
    pub mail: MailSettings,
    /// The audit log.
    #[serde(default)]
    pub audit: AuditSettings,
    /// Dossier rules that are data.
    #[serde(default)]
    pub dossier: DossierSettings,
    /// Limits on uploaded files.
    #[serde(default)]
    pub files: FileSettings,
}

/// Dossier rules an installation may change (DOMAIN.md marks them as reported, not verified).
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DossierSettings {
    /// Working hours the desk has to accept an online dossier or ask for a supplement
    /// (Decree 45/2020 as reported: 8).
    pub online_check_hours: f64,
    /// Working days a consulted agency gets when the official names none.
    pub default_consult_days: f64,
    /// Calendar days during which an applicant may change their rating.
    pub rating_change_days: i64,
    /// Calendar days a draft is kept after it was last saved.
    pub draft_days: i64,
    /// Calendar days before a draft expires that its owner is warned.
    pub draft_warning_days: i64,
}

impl Default for DossierSettings {
    fn default() -> Self {
        let r = motcua_core::dossier::DossierRules::default();
        Self {
            online_check_hours: r.online_check_hours,
            default_consult_days: r.default_consult_days,
            rating_change_days: r.rating_change_days,
            draft_days: r.draft_days,
            draft_warning_days: r.draft_warning_days,
        }
    }
}

/// Limits on uploaded files.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileSettings {
    /// Megabytes an account may keep in its own uploads.
    pub max_megabytes_per_account: i64,
    /// Uploads held by no dossier and no draft an account may keep at once.
    pub max_loose_files: i64,
    /// Hours after which an upload held by no dossier and no draft is deleted.
    pub loose_file_hours: i64,
    /// clamd's TCP address (`127.0.0.1:3310`): when set, uploads are scanned for viruses and
    /// refused while clamd cannot answer.
    pub clamd: Option<std::net::SocketAddr>,
}

impl Default for FileSettings {
    fn default() -> Self {
        let r = motcua_service::dossier::FileRules::default();
        Self {
            max_megabytes_per_account: r.max_bytes_per_account / (1024 * 1024),
            max_loose_files: r.max_loose_files,
            loose_file_hours: r.loose_file_hours,
            clamd: None,
        }
    }
}

/// HTTP server settings.
#[derive(Debug, Deserialize)]
pub struct ServerSettings {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Directory with template overrides (a province re-brands without recompiling).
    pub templates_dir: Option<PathBuf>,
    /// How often (seconds) to check whether another node changed the catalog.
    pub refresh_seconds: u64,
    /// The public base URL, e.g. `https://dichvucong.bacninh.gov.vn`. Used in mails and
    /// identity-provider redirects; `https://` turns on `Secure`/`__Host-` cookies and HSTS.
    /// Default: `http://` and the listening address.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Reverse proxies (addresses or networks, e.g. `10.0.0.0/8`) whose `X-Forwarded-For` is
    /// believed. Empty (the default): the client is the TCP peer.
    #[serde(default)]
    pub trusted_proxies: Vec<String>,
    /// Connection and request limits.
    #[serde(flatten)]
    pub limits: ServerLimits,
}

/// Connection and request limits of `[server]` (see `serve` and `motcua_web::edge`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ServerLimits {
    /// Seconds a client has to send a request's headers (from their first byte; for a new
    /// connection, from its opening).
    pub header_timeout_seconds: u64,
    /// Seconds a keep-alive connection may sit idle between requests.
    pub idle_timeout_seconds: u64,
    /// Connections served at once.
    pub max_connections: usize,
    /// Milliseconds a connection over the limit waits for a place before it is closed.
    pub connection_wait_ms: u64,
    /// Seconds a request may take, from its headers to the answer.
    pub request_timeout_seconds: u64,
    /// Seconds the server waits for the next piece of a request body.
    pub body_timeout_seconds: u64,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_timeout_seconds: 10,
            idle_timeout_seconds: 75,
            max_connections: 4096,
            connection_wait_ms: 500,
            request_timeout_seconds: 30,
            body_timeout_seconds: 10,
        }
    }
}

impl ServerLimits {
    /// The connection layer's limits.
    pub fn serve(&self) -> crate::serve::ServeLimits {
        crate::serve::ServeLimits {
            header_timeout: Duration::from_secs(self.header_timeout_seconds.max(1)),
            idle_timeout: Duration::from_secs(self.idle_timeout_seconds.max(1)),
            max_connections: self.max_connections.max(1),
            connection_wait: Duration::from_millis(self.connection_wait_ms),
        }
    }

    /// The application edge's limits.
    pub fn edge(&self) -> EdgeLimits {
        EdgeLimits {
            request_timeout: Duration::from_secs(self.request_timeout_seconds.max(1)),
            body_timeout: Duration::from_secs(self.body_timeout_seconds.max(1)),
        }
    }
}

/// One OpenID Connect provider.
#[derive(Deserialize)]
pub struct OidcSettings {
    /// Short name used in URLs, e.g. `vneid`.
    pub name: String,
    /// Button text, e.g. "Đăng nhập bằng VNeID".
    pub label: String,
    /// Issuer URL (discovery at `{issuer}/.well-known/openid-configuration`).
    pub issuer: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: SecretString,
    /// Scopes besides `openid`.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Claim holding the personal identification number, if the provider sends one.
    #[serde(default)]
    pub citizen_id_claim: Option<String>,
}

fn default_scopes() -> Vec<String> {
    vec!["email".to_owned(), "profile".to_owned()]
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

/// Sessions and lockouts.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct AuthSettings {
    /// Minutes without activity after which a session ends.
    pub session_idle_minutes: i64,
    /// Hours after login after which a session ends regardless.
    pub session_absolute_hours: i64,
    /// Failed logins for one identifier from one client network before the identifier is
    /// locked for that network (other networks, the owner's among them, are not locked).
    pub lockout_threshold: i64,
    /// Failed logins from one client network (an IPv4 /24, an IPv6 /64) before it is locked.
    pub ip_lockout_threshold: i64,
    /// Login attempts for one identifier from all networks together admitted at once …
    pub account_attempts_burst: i64,
    /// … then one more every this many seconds (a wait, never a lockout).
    pub account_attempts_interval_seconds: i64,
    /// First lockout (seconds); each further failure doubles it.
    pub lockout_seconds: i64,
    /// Longest lockout (seconds).
    pub lockout_max_seconds: i64,
    /// Failures are forgotten after this many minutes without a new one.
    pub lockout_forget_minutes: i64,
    /// Minutes a password-reset link works.
    pub reset_token_minutes: i64,
    /// Password hashes computed at once (each takes ~19 MiB).
    pub hash_concurrency: usize,
    /// Identity providers (VNeID, the national portal's SSO …), as `[[auth.oidc]]` tables.
    pub oidc: Vec<OidcSettings>,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            lockout_threshold: 5,
            ip_lockout_threshold: 50,
            account_attempts_burst: 20,
            account_attempts_interval_seconds: 30,
            lockout_seconds: 60,
            lockout_max_seconds: 3600,
            lockout_forget_minutes: 15,
            reset_token_minutes: 30,
            hash_concurrency: 4,
            oidc: Vec::new(),
        }
    }
}

/// How mail leaves.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum MailTransportKind {
    /// Files in a maildir (default; the demo and tests read them).
    #[default]
    Maildir,
    /// An SMTP server (`[mail.smtp]`).
    Smtp,
}

/// SMTP server.
#[derive(Deserialize)]
pub struct SmtpSettings {
    /// Host name.
    pub host: String,
    /// Port (587 for STARTTLS, 465 for TLS).
    pub port: u16,
    /// `starttls` (default), `tls`, or `none` (local relay only).
    #[serde(default = "default_security")]
    pub security: SmtpSecurity,
    /// User name.
    pub username: Option<String>,
    /// Password.
    pub password: Option<SecretString>,
}

fn default_security() -> SmtpSecurity {
    SmtpSecurity::Starttls
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}

/// Outgoing e-mail.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    /// Sender, e.g. `Cổng Dịch vụ công <no-reply@dichvucong.bacninh.gov.vn>`.
    pub from: String,
    /// `maildir` or `smtp`.
    pub transport: MailTransportKind,
    /// Maildir location. Default: `<data_dir>/mail`.
    pub maildir: Option<PathBuf>,
    /// SMTP server, for `transport = "smtp"`.
    pub smtp: Option<SmtpSettings>,
    /// How often (seconds) to look for mail queued by other nodes and retries.
    pub poll_seconds: u64,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            from: "Cổng Dịch vụ công <no-reply@localhost>".to_owned(),
            transport: MailTransportKind::Maildir,
            maildir: None,
            smtp: None,
            poll_seconds: 30,
        }
    }
}

/// The audit log.
#[derive(Debug, Deserialize)]
#[serde(default)]
pub struct AuditSettings {
    /// How often (seconds) new events are sealed into the hash chain.
    pub seal_seconds: u64,
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self { seal_seconds: 5 }
    }
}

/// Database settings.
#[derive(Deserialize)]
pub struct DatabaseSettings {
    /// `postgres://…` selects PostgreSQL; absent selects SQLite in the data directory.
    pub url: Option<SecretString>,
    /// SQLite durability: `full` (default, survives power loss) or `normal`.
    pub sqlite_durability: SqliteDurability,
    /// Connection pool size.
    pub max_connections: u32,
}

impl std::fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field(
                "url",
                &self.url.as_ref().map(|u| redact_url(u.expose_secret())),
            )
            .field("sqlite_durability", &self.sqlite_durability)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// Log output format.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Logging settings.
#[derive(Debug, Deserialize)]
pub struct LogSettings {
    /// `pretty` or `json`.
    pub format: LogFormat,
    /// A tracing filter, e.g. `info,motcua_web=debug` (`RUST_LOG` wins when set).
    pub filter: String,
}

/// Optional presentation overrides.
#[derive(Debug, Default, Deserialize)]
pub struct SiteSettings {
    /// Portal name.
    pub name: Option<String>,
    /// Operating body.
    pub operator: Option<String>,
}

/// Command-line overrides.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--config`.
    pub config_file: Option<PathBuf>,
    /// `--data-dir`.
    pub data_dir: Option<PathBuf>,
    /// `--addr`.
    pub addr: Option<SocketAddr>,
    /// `--no-demo`.
    pub no_demo: bool,
}

fn default_demo_dossiers() -> u32 {
    300
}

const DEFAULTS: &str = r#"
data_dir = "./motcua-data"
demo = true

[server]
addr = "127.0.0.1:8080"
refresh_seconds = 30

[database]
sqlite_durability = "full"
max_connections = 8

[log]
format = "pretty"
filter = "info"
"#;

impl Settings {
    /// Loads settings. The file is `--config`, else `MOTCUA_CONFIG`, else `./motcua.toml` if
    /// it exists.
    pub fn load(o: &Overrides) -> anyhow::Result<Self> {
        let mut b = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml));
        let file = o
            .config_file
            .clone()
            .or_else(|| std::env::var_os("MOTCUA_CONFIG").map(PathBuf::from))
            .or_else(|| {
                Path::new("motcua.toml")
                    .exists()
                    .then(|| PathBuf::from("motcua.toml"))
            });
        if let Some(f) = &file {
            b = b.add_source(config::File::from(f.as_path()).required(true));
        }
        b = b.add_source(
            config::Environment::with_prefix("MOTCUA")
                .prefix_separator("_")
                .separator("__")
                .try_parsing(true)
                .ignore_empty(true),
        );
        if let Ok(url) = std::env::var("MOTCUA_DATABASE_URL")
            && !url.trim().is_empty()
        {
            b = b.set_override("database.url", url)?;
        }
        if let Some(d) = &o.data_dir {
            b = b.set_override("data_dir", d.to_string_lossy().into_owned())?;
        }
        if let Some(a) = o.addr {
            b = b.set_override("server.addr", a.to_string())?;
        }
        if o.no_demo {
            b = b.set_override("demo", false)?;
        }
        let built = b.build().with_context(|| match &file {
            Some(f) => format!("reading configuration (file {})", f.display()),
            None => "reading configuration".to_owned(),
        })?;
        let settings: Self = built.try_deserialize().context("invalid configuration")?;
        let d = &settings.dossier;
        anyhow::ensure!(
            d.online_check_hours.is_finite() && (0.5..=200.0).contains(&d.online_check_hours),
            "invalid configuration: dossier.online_check_hours must be between 0.5 and 200"
        );
        anyhow::ensure!(
            d.default_consult_days.is_finite() && (0.5..=30.0).contains(&d.default_consult_days),
            "invalid configuration: dossier.default_consult_days must be between 0.5 and 30"
        );
        anyhow::ensure!(
            (0..=365).contains(&d.rating_change_days)
                && (1..=365).contains(&d.draft_days)
                && (0..d.draft_days).contains(&d.draft_warning_days),
            "invalid configuration: dossier.rating_change_days 0–365, dossier.draft_days 1–365, \
             dossier.draft_warning_days below draft_days"
        );
        let f = &settings.files;
        anyhow::ensure!(
            (1..=100_000).contains(&f.max_megabytes_per_account)
                && (1..=10_000).contains(&f.max_loose_files)
                && (1..=24 * 365).contains(&f.loose_file_hours),
            "invalid configuration: files.max_megabytes_per_account 1–100000, \
             files.max_loose_files 1–10000, files.loose_file_hours 1–8760"
        );
        Ok(settings)
    }

    /// The intake rules (checked when the settings were loaded).
    pub fn intake_rules(&self) -> motcua_core::dossier::DossierRules {
        motcua_core::dossier::DossierRules {
            online_check_hours: self.dossier.online_check_hours,
            default_consult_days: self.dossier.default_consult_days,
            rating_change_days: self.dossier.rating_change_days,
            draft_days: self.dossier.draft_days,
            draft_warning_days: self.dossier.draft_warning_days,
        }
    }

    /// The limits on uploaded files.
    pub fn file_rules(&self) -> motcua_service::dossier::FileRules {
        motcua_service::dossier::FileRules {
            max_bytes_per_account: self
                .files
                .max_megabytes_per_account
                .saturating_mul(1024 * 1024),
            max_loose_files: self.files.max_loose_files,
            loose_file_hours: self.files.loose_file_hours,
            clamd: self.files.clamd,
        }
    }

    /// The web layer's security settings; `listening` is the bound address (the default public
    /// URL).
    pub fn auth_config(&self, listening: SocketAddr) -> anyhow::Result<AuthConfig> {
        let explicit = self
            .server
            .public_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty());
        if let Some(u) = explicit
            && !(u.starts_with("https://") || u.starts_with("http://"))
        {
            anyhow::bail!("server.public_url must start with https:// or http:// (got {u})");
        }
        let mut c = AuthConfig::new(explicit.unwrap_or(&format!("http://{listening}")));
        c.public_url_explicit = explicit.is_some();
        c.trusted_proxies = self
            .server
            .trusted_proxies
            .iter()
            .map(|p| {
                IpNet::parse(p).with_context(|| {
                    format!("server.trusted_proxies: {p:?} is not an address or network")
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let a = &self.auth;
        c.session_idle_seconds = a.session_idle_minutes.max(1) * 60;
        c.session_absolute_seconds = a.session_absolute_hours.max(1) * 3600;
        c.reset_token_minutes = a.reset_token_minutes.max(5);
        let lock = |threshold: i64| ThrottlePolicy {
            threshold: threshold.max(1),
            forget_after_seconds: a.lockout_forget_minutes.max(1) * 60,
            base_lock_seconds: a.lockout_seconds.max(1),
            max_lock_seconds: a.lockout_max_seconds.max(a.lockout_seconds.max(1)),
        };
        c.limits = Limits {
            login_account: lock(a.lockout_threshold),
            login_account_rate: RateLimit {
                burst: a.account_attempts_burst.max(1),
                interval_seconds: a.account_attempts_interval_seconds.max(1),
            },
            login_ip: lock(a.ip_lockout_threshold),
            otp: lock(a.lockout_threshold),
            ..Limits::default()
        };
        c.oidc = a
            .oidc
            .iter()
            .map(|o| OidcProviderConfig {
                name: o.name.clone(),
                label: o.label.clone(),
                issuer: o.issuer.clone(),
                client_id: o.client_id.clone(),
                client_secret: o.client_secret.expose_secret().to_owned(),
                scopes: o.scopes.clone(),
                citizen_id_claim: o.citizen_id_claim.clone(),
            })
            .collect();
        for o in &c.oidc {
            if o.name.is_empty()
                || !o
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                anyhow::bail!("auth.oidc name {:?}: use a-z, 0-9 and '-'", o.name);
            }
        }
        Ok(c)
    }

    /// Where mail goes.
    pub fn mail_transport(&self) -> anyhow::Result<TransportConfig> {
        Ok(match self.mail.transport {
            MailTransportKind::Maildir => TransportConfig::Maildir {
                dir: self.maildir(),
            },
            MailTransportKind::Smtp => {
                let s = self
                    .mail
                    .smtp
                    .as_ref()
                    .context("mail.transport = \"smtp\" needs a [mail.smtp] section")?;
                TransportConfig::Smtp {
                    host: s.host.clone(),
                    port: s.port,
                    security: s.security,
                    username: s.username.clone(),
                    password: s.password.as_ref().map(|p| p.expose_secret().to_owned()),
                }
            }
        })
    }

    /// The maildir of the maildir transport.
    pub fn maildir(&self) -> PathBuf {
        self.mail
            .maildir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("mail"))
    }

    /// The database connection settings.
    pub fn db_config(&self) -> anyhow::Result<DbConfig> {
        let postgres_url = self
            .database
            .url
            .as_ref()
            .map(|u| u.expose_secret().to_owned());
        if let Some(u) = &postgres_url
            && !(u.starts_with("postgres://") || u.starts_with("postgresql://"))
        {
            anyhow::bail!(
                "database URL must start with postgres:// (got {}); leave it unset for SQLite",
                redact_url(u)
            );
        }
        Ok(DbConfig {
            postgres_url,
            sqlite_path: self.data_dir.join("motcua.db"),
            sqlite_durability: self.database.sqlite_durability,
            max_connections: self.database.max_connections,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load_and_secrets_are_redacted() {
        let s = Settings::load(&Overrides {
            config_file: None,
            data_dir: Some("/tmp/x".into()),
            addr: Some("127.0.0.1:9999".parse().unwrap()),
            no_demo: true,
        })
        .unwrap();
        assert_eq!(s.server.addr.port(), 9999);
        assert!(!s.demo);
        assert_eq!(
            s.db_config().unwrap().sqlite_path,
            PathBuf::from("/tmp/x/motcua.db")
        );
        let db = DatabaseSettings {
            url: Some(SecretString::from("postgres://u:hunter2@h/db")),
            sqlite_durability: SqliteDurability::Full,
            max_connections: 4,
        };
        let printed = format!("{db:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("postgres://u:***@h/db"), "{printed}");
        assert_eq!(s.server.limits, ServerLimits::default());
    }

    #[test]
    fn connection_limits_are_read_from_the_server_section() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("motcua.toml");
        std::fs::write(
            &file,
            "[server]\nmax_connections = 10\nheader_timeout_seconds = 3\nbody_timeout_seconds = 0\n",
        )
        .unwrap();
        let s = Settings::load(&Overrides {
            config_file: Some(file),
            ..Overrides::default()
        })
        .unwrap();
        assert_eq!(s.server.limits.max_connections, 10);
        assert_eq!(
            s.server.limits.serve().header_timeout,
            Duration::from_secs(3)
        );
        assert_eq!(
            s.server.limits.idle_timeout_seconds, 75,
            "the rest keep their defaults"
        );
        // Zero would disable a timeout by accident: the least is one second.
        assert_eq!(s.server.limits.edge().body_timeout, Duration::from_secs(1));
    }
}
