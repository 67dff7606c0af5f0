//! Integration tests that start the real server (the same `app::start` the binary runs) and
//! talk to it over HTTP. One server per engine is started lazily and shared by all tests of
//! this process; each runs on its own thread and runtime so it outlives individual tests.
//!
//! PostgreSQL cases run when `MOTCUA_TEST_PG_URL` is set when building; otherwise they are
//! reported as ignored with that instruction.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed step should fail the test loudly"
)]

mod api;
mod calendar;
mod calendar_cli;
mod cli;
mod import;
mod pages;

use std::sync::{Arc, OnceLock};

use motcua::settings::{DatabaseSettings, LogFormat, LogSettings, ServerSettings, Settings};
use motcua_core::clock::FixedClock;
use motcua_store::testkit::TestDb;

/// A running server.
#[derive(Debug)]
pub struct Server {
    pub base: String,
    pub engine: &'static str,
    /// The server's database, for tests that change data behind it (as another node would).
    pub db: motcua_store::DbConfig,
}

fn start(engine: &'static str) -> Server {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let test_db = TestDb::for_engine(engine).await;
            let (_db, cfg) = test_db.keep();
            let db_config = cfg.clone();
            let data_dir = tempfile::tempdir().unwrap().keep();
            let settings = Settings {
                data_dir: data_dir.clone(),
                demo: true,
                server: ServerSettings {
                    addr: "127.0.0.1:0".parse().unwrap(),
                    templates_dir: None,
                    refresh_seconds: 1,
                },
                database: DatabaseSettings {
                    url: cfg.postgres_url.clone().map(Into::into),
                    sqlite_durability: motcua_store::SqliteDurability::Normal,
                    max_connections: 8,
                },
                log: LogSettings {
                    format: LogFormat::Pretty,
                    filter: "warn".into(),
                },
                site: Default::default(),
            };
            // The SQLite test database lives in its own temporary directory; point the server
            // at that file.
            let settings = Settings {
                data_dir: cfg.sqlite_path.parent().map(Into::into).unwrap_or(data_dir),
                ..settings
            };
            let clock = Arc::new(FixedClock::new(
                "2026-11-25T09:00:00+07:00".parse().unwrap(),
            ));
            let running = motcua::app::start(settings, clock).await.unwrap();
            tx.send((format!("http://{}", running.addr), db_config))
                .unwrap();
            running.wait().await.unwrap();
        });
    });
    let (base, db) = rx
        .recv_timeout(std::time::Duration::from_secs(300))
        .expect("server started");
    Server { base, engine, db }
}

/// The shared server for an engine.
pub fn server(engine: &'static str) -> &'static Server {
    static SQLITE: OnceLock<Server> = OnceLock::new();
    static POSTGRES: OnceLock<Server> = OnceLock::new();
    match engine {
        "postgres" => POSTGRES.get_or_init(|| start("postgres")),
        _ => SQLITE.get_or_init(|| start("sqlite")),
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
}
pub(crate) use on_both;
