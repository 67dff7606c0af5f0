//! Typed, layered configuration: built-in defaults, then a TOML file, then `MOTCUA_*`
//! environment variables, then command-line flags.
//!
//! Environment variables use `__` between sections, e.g. `MOTCUA_SERVER__ADDR=0.0.0.0:8080`;
//! `MOTCUA_DATABASE_URL=postgres://…` is accepted as the documented shorthand for
//! `MOTCUA_DATABASE__URL`. Secrets are [`SecretString`]s: they print as `[REDACTED]`.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use anyhow::Context;
use motcua_store::{DbConfig, SqliteDurability, db::redact_url};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Everything motcua can be configured with.
#[derive(Debug, Deserialize)]
pub struct Settings {
    /// Directory for the SQLite database and local files.
    pub data_dir: PathBuf,
    /// Load the demo data into an empty database on first start.
    pub demo: bool,
    /// HTTP server.
    pub server: ServerSettings,
    /// Database.
    pub database: DatabaseSettings,
    /// Logging.
    pub log: LogSettings,
    /// Presentation overrides (otherwise taken from the database, e.g. the demo data).
    #[serde(default)]
    pub site: SiteSettings,
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
        built.try_deserialize().context("invalid configuration")
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
    }
}
