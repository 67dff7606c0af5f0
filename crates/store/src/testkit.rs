//! Disposable databases for tests: a SQLite file in a temporary directory, or a fresh
//! PostgreSQL database (created on the server named by `MOTCUA_TEST_PG_URL`, dropped when the
//! [`TestDb`] is dropped).

use std::path::PathBuf;

use sqlx::{Connection, PgConnection};

use crate::{Db, DbConfig, SqliteDurability};

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDb {
    /// The handle.
    pub db: Db,
    /// Connection settings (to open a second handle on the same database, e.g. a restart).
    pub config: DbConfig,
    dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

/// The PostgreSQL server for tests, when configured.
pub fn pg_url() -> Option<String> {
    std::env::var("MOTCUA_TEST_PG_URL")
        .ok()
        .filter(|v| !v.is_empty())
}

impl TestDb {
    /// A fresh SQLite database.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let config = DbConfig {
            postgres_url: None,
            sqlite_path: dir.path().join("motcua.db"),
            // Tests do not need power-loss durability; NORMAL keeps them fast.
            sqlite_durability: SqliteDurability::Normal,
            max_connections: 4,
        };
        let db = Db::connect(&config).await.expect("open SQLite");
        Self {
            db,
            config,
            dir: Some(dir),
            pg_drop: None,
        }
    }

    /// A fresh PostgreSQL database; panics with instructions when none is configured.
    pub async fn postgres() -> Self {
        let admin = pg_url().expect(
            "set MOTCUA_TEST_PG_URL=postgres://user@host/db to run the PostgreSQL contract tests",
        );
        let mut conn = PgConnection::connect(&admin)
            .await
            .expect("connect to MOTCUA_TEST_PG_URL");
        drop_stale_databases(&mut conn).await;
        let name = format!(
            "motcua_test_{}_{}",
            unix_seconds(),
            uuid::Uuid::now_v7().simple()
        );
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create test database");
        conn.close().await.ok();
        let url = with_database(&admin, &name);
        let config = DbConfig {
            postgres_url: Some(url),
            sqlite_path: PathBuf::new(),
            sqlite_durability: SqliteDurability::Full,
            max_connections: 8,
        };
        let db = Db::connect(&config)
            .await
            .expect("open PostgreSQL test database");
        Self {
            db,
            config,
            dir: None,
            pg_drop: Some((admin, name)),
        }
    }

    /// The engine named by `engine` (`"sqlite"` or `"postgres"`).
    pub async fn for_engine(engine: &str) -> Self {
        if engine == "postgres" {
            Self::postgres().await
        } else {
            Self::sqlite().await
        }
    }
}

fn unix_seconds() -> u64 {
    #[expect(
        clippy::disallowed_methods,
        reason = "test databases are named by creation time"
    )]
    let now = std::time::SystemTime::now();
    now.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Drops test databases left behind by earlier runs that were killed (or that shared a server
/// for the whole process): older than an hour and with nobody connected. `DROP DATABASE`
/// without `FORCE` refuses a database in use, so a concurrent run is never disturbed.
async fn drop_stale_databases(conn: &mut PgConnection) {
    let names: Vec<String> =
        sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'motcua_test_%'")
            .fetch_all(&mut *conn)
            .await
            .unwrap_or_default();
    let cutoff = unix_seconds().saturating_sub(3600);
    for name in names {
        let created = name
            .split('_')
            .nth(2)
            .and_then(|t| t.parse::<u64>().ok())
            .unwrap_or(0);
        if created < cutoff {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name}"
            )))
            .execute(&mut *conn)
            .await;
        }
    }
}

/// Keeps the database after this handle is dropped (for servers shared by a whole test
/// process; [`drop_stale_databases`] removes it on a later run).
impl TestDb {
    /// Leaks the temporary resources so they outlive the handle.
    pub fn keep(mut self) -> (Db, DbConfig) {
        self.pg_drop = None;
        if let Some(dir) = self.dir.take() {
            let _ = dir.keep();
        }
        (self.db.clone(), self.config.clone())
    }
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let base = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, name)) = self.pg_drop.take() else {
            return;
        };
        // Drop may run inside the test's runtime, which must not be blocked on work that needs
        // it (closing the pool would): use a private runtime on a thread, and let `FORCE` end
        // the test's connections server-side.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(rt) = rt {
                rt.block_on(async move {
                    if let Ok(mut c) = PgConnection::connect(&admin).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut c)
                        .await;
                    }
                });
            }
        })
        .join();
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://u@h/postgres", "x"),
            "postgres://u@h/x"
        );
        assert_eq!(
            with_database("postgres://u@h:5432", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
    }
}
