//! Integration tests that start the real server (the same `app::start` the binary runs) and
//! talk to it over HTTP. One server per engine is started lazily and shared by all tests of
//! this process; each runs on its own thread and runtime so it outlives individual tests.
//! Tests that need their own configuration or clock start a dedicated server
//! ([`start_server`]), possibly on the database of another one (a second "process").
//!
//! PostgreSQL cases run when `MOTCUA_TEST_PG_URL` is set when building; otherwise they are
//! reported as ignored with that instruction.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed step should fail the test loudly"
)]

mod account;
mod admin;
mod agency_cli;
mod agency_setup;
mod api;
mod calendar;
mod calendar_admin;
mod calendar_cli;
mod cli;
mod dossier_api;
mod durability;
mod edges;
mod form_wording;
mod import;
mod office;
mod officials;
mod oidc;
mod pages;
mod portal;
mod privacy;
mod reception;
mod results;
mod security;
mod support;

use std::{
    path::PathBuf,
    sync::{Arc, OnceLock},
};

use motcua::settings::{
    AuditSettings, AuthSettings, DatabaseSettings, LogFormat, LogSettings, MailSettings,
    ServerSettings, Settings,
};
use motcua_core::clock::{Clock, FixedClock};
use motcua_store::{DbConfig, testkit::TestDb};

/// The instant the shared servers live at.
pub const NOW: &str = "2026-11-25T09:00:00+07:00";

/// A running server.
#[derive(Debug, Clone)]
pub struct Server {
    pub base: String,
    pub engine: &'static str,
    /// Its database, to open another handle (a second process, or a direct look).
    pub db: DbConfig,
    /// Its data directory (the maildir is `mail/` inside).
    pub data_dir: PathBuf,
    /// Dropped with the last handle, which stops the server and closes its database pool. A
    /// PostgreSQL server allows 100 clients by default: the suite's dedicated servers, each
    /// holding up to 8 connections, would exhaust it if they outlived their tests.
    _stop: Arc<tokio::sync::oneshot::Sender<()>>,
}

/// The settings of a test server on `db`, with data in `data_dir`. The server trusts
/// 127.0.0.1 as a reverse proxy, so each test can present its own client address in
/// `X-Forwarded-For` (lockouts of one test never touch another's).
pub fn test_settings(db: &DbConfig, data_dir: PathBuf) -> Settings {
    Settings {
        data_dir,
        demo: true,
        demo_dossiers: 0,
        server: ServerSettings {
            addr: "127.0.0.1:0".parse().unwrap(),
            templates_dir: None,
            refresh_seconds: 1,
            public_url: None,
            trusted_proxies: vec!["127.0.0.1".to_owned()],
            limits: Default::default(),
        },
        database: DatabaseSettings {
            url: db.postgres_url.clone().map(Into::into),
            sqlite_durability: motcua_store::SqliteDurability::Normal,
            max_connections: 8,
        },
        log: LogSettings {
            format: LogFormat::Pretty,
            filter: "warn".into(),
        },
        site: Default::default(),
        auth: AuthSettings::default(),
        mail: MailSettings {
            poll_seconds: 1,
            ..MailSettings::default()
        },
        audit: AuditSettings { seal_seconds: 1 },
        dossier: Default::default(),
        files: Default::default(),
    }
}

/// Starts a server on its own thread and runtime. With `db = None` it gets a fresh database
/// of `engine`; otherwise it shares `db` with another server.
pub fn start_server(
    engine: &'static str,
    db: Option<DbConfig>,
    clock: Arc<dyn Clock>,
    customize: impl FnOnce(&mut Settings) + Send + 'static,
) -> Server {
    support::capture_logs();
    let (tx, rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let stop = Arc::new(stop);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let cfg = match db {
                Some(cfg) => cfg,
                None => TestDb::for_engine(engine).await.keep().1,
            };
            // SQLite: the database's own temporary directory. PostgreSQL: one directory per
            // database, so nodes started on another's database share its maildir — any node's
            // mail worker may deliver a mail from the shared outbox, and a test waiting in the
            // first node's maildir must find it there.
            let data_dir = match (cfg.sqlite_path.parent(), &cfg.postgres_url) {
                (Some(p), _) if !p.as_os_str().is_empty() => p.to_path_buf(),
                (_, Some(url)) => {
                    let name = url.rsplit('/').next().unwrap_or("db");
                    let name = name.split('?').next().unwrap_or(name);
                    std::env::temp_dir().join(format!("motcua-test-{name}"))
                }
                _ => tempfile::tempdir().unwrap().keep(),
            };
            let mut settings = test_settings(&cfg, data_dir.clone());
            customize(&mut settings);
            let data_dir = settings.data_dir.clone();
            let running = motcua::app::start(settings, clock).await.unwrap();
            tx.send(Server {
                base: format!("http://{}", running.addr),
                engine,
                db: cfg,
                data_dir,
                _stop: stop,
            })
            .unwrap();
            // Every handle gone: the sender is dropped and the receiver wakes with an error.
            let _ = stopped.await;
            running.shutdown().await.unwrap();
        });
    });
    rx.recv_timeout(std::time::Duration::from_secs(300))
        .expect("server started")
}

/// The shared server for an engine.
pub fn server(engine: &'static str) -> &'static Server {
    static SQLITE: OnceLock<Server> = OnceLock::new();
    static POSTGRES: OnceLock<Server> = OnceLock::new();
    let start = || {
        start_server(
            engine,
            None,
            Arc::new(FixedClock::new(NOW.parse().unwrap())),
            |_| {},
        )
    };
    match engine {
        "postgres" => POSTGRES.get_or_init(start),
        _ => SQLITE.get_or_init(start),
    }
}

/// An HTTP client.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Declares a test that runs against the server of each engine.
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(crate::server("sqlite")).await;
            }

            #[tokio::test]
            #[cfg_attr(
                not(motcua_pg),
                ignore = "PostgreSQL skipped: set MOTCUA_TEST_PG_URL=postgres://… and rebuild to run"
            )]
            async fn postgres() {
                super::$name(crate::server("postgres")).await;
            }
        }
    };
    // A test that starts what it needs itself (its own server, database or process), given
    // the engine's name.
    (engine $name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name("sqlite").await;
            }

            #[tokio::test]
            #[cfg_attr(
                not(motcua_pg),
                ignore = "PostgreSQL skipped: set MOTCUA_TEST_PG_URL=postgres://… and rebuild to run"
            )]
            async fn postgres() {
                super::$name("postgres").await;
            }
        }
    };
}
pub(crate) use on_both;
