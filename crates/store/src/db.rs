//! Connecting to an engine, migrating, and running one query body on either engine.
//!
//! Both engines speak the same SQL subset (`$n` placeholders, `ON CONFLICT`, `RETURNING`), so
//! each store method is written once and compiled for both pool types by [`on_pool!`] and
//! [`with_tx!`]. Where the engines genuinely differ (row locks, transaction start), the
//! difference is an explicit `match` on [`Engine`] inside the body — visible, and in one place.

use std::{path::PathBuf, str::FromStr, time::Duration};

use sqlx::{
    PgPool, SqlitePool,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::error::{StoreError, StoreResult};

/// Which engine a [`Db`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite (WAL).
    Sqlite,
    /// PostgreSQL (or Citus).
    Postgres,
}

impl Engine {
    /// Name for logs and health output.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// SQLite durability. `Full` survives power loss (DESIGN.md principle 5) and is the default;
/// `Normal` in WAL mode may lose the last transactions on power loss (not on a process crash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SqliteDurability {
    /// `PRAGMA synchronous = FULL`.
    #[default]
    Full,
    /// `PRAGMA synchronous = NORMAL`.
    Normal,
}

/// Where and how to connect.
#[derive(Clone)]
pub struct DbConfig {
    /// A `postgres://` URL selects PostgreSQL; `None` selects SQLite at [`Self::sqlite_path`].
    pub postgres_url: Option<String>,
    /// SQLite database file.
    pub sqlite_path: PathBuf,
    /// SQLite durability.
    pub sqlite_durability: SqliteDurability,
    /// Most connections to hold (readers on SQLite; all on PostgreSQL).
    pub max_connections: u32,
}

impl std::fmt::Debug for DbConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password: never print it.
        f.debug_struct("DbConfig")
            .field(
                "postgres_url",
                &self.postgres_url.as_deref().map(redact_url),
            )
            .field("sqlite_path", &self.sqlite_path)
            .field("sqlite_durability", &self.sqlite_durability)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// Replaces the password in a connection URL with `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".to_owned();
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

/// The connection pools of one engine.
#[derive(Debug, Clone)]
pub enum Pools {
    /// SQLite: many readers, one writer (SQLite serialises writers anyway; one connection
    /// avoids busy-waiting between our own writers).
    Sqlite {
        /// Read-only connections.
        read: SqlitePool,
        /// The single writer connection.
        write: SqlitePool,
    },
    /// PostgreSQL.
    Postgres(PgPool),
}

/// A handle on the database; cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    /// The pools (crate-visible so store modules can use [`on_pool!`]).
    pub(crate) pools: Pools,
    /// SQLite: submissions go through group commit (see [`crate::group`]).
    pub(crate) group: Option<crate::group::GroupCommit>,
}

/// Runs `$body` with `$p` bound to the engine's read pool (`read`) or write pool (`write`),
/// and `$e` to the [`Engine`]. PostgreSQL has one pool for both.
macro_rules! on_pool {
    ($db:expr, $pool:ident, |$p:ident, $e:ident| $body:expr) => {
        match &$db.pools {
            $crate::db::Pools::Sqlite { $pool: $p, .. } => {
                let $e = $crate::db::Engine::Sqlite;
                $body
            }
            $crate::db::Pools::Postgres($p) => {
                let $e = $crate::db::Engine::Postgres;
                $body
            }
        }
    };
}

/// Runs `$body` inside a write transaction bound to `$tx` and commits it. An early return
/// (`?`) drops the transaction, which rolls it back: nothing is half-written. On SQLite the
/// transaction starts with `BEGIN IMMEDIATE` so it holds the write lock from the start and
/// cannot fail later with `SQLITE_BUSY` on lock upgrade.
macro_rules! with_tx {
    ($db:expr, |$tx:ident, $e:ident| $body:block) => {
        match &$db.pools {
            $crate::db::Pools::Sqlite { write, .. } => {
                let mut $tx = write.begin_with("BEGIN IMMEDIATE").await?;
                let $e = $crate::db::Engine::Sqlite;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::db::Pools::Postgres(pg) => {
                let mut $tx = pg.begin().await?;
                let $e = $crate::db::Engine::Postgres;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

pub(crate) use on_pool;
pub(crate) use with_tx;

/// Chooses the SQL text for the engine where the two dialects differ.
pub(crate) fn dialect(e: Engine, sqlite: &'static str, postgres: &'static str) -> &'static str {
    match e {
        Engine::Sqlite => sqlite,
        Engine::Postgres => postgres,
    }
}

impl Db {
    /// Connects (creating the SQLite file if needed) and runs pending migrations.
    pub async fn connect(cfg: &DbConfig) -> StoreResult<Self> {
        let pools = match &cfg.postgres_url {
            Some(url) => {
                let opts = PgConnectOptions::from_str(url)?.application_name("motcua");
                let pool = PgPoolOptions::new()
                    .max_connections(cfg.max_connections.max(2))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?;
                Pools::Postgres(pool)
            }
            None => {
                if let Some(dir) = cfg.sqlite_path.parent()
                    && !dir.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| StoreError::Database(sqlx::Error::Io(e)))?;
                }
                let synchronous = match cfg.sqlite_durability {
                    SqliteDurability::Full => SqliteSynchronous::Full,
                    SqliteDurability::Normal => SqliteSynchronous::Normal,
                };
                let base = SqliteConnectOptions::new()
                    .filename(&cfg.sqlite_path)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(synchronous)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    .pragma("temp_store", "memory")
                    .pragma("cache_size", "-32000");
                // The writer is opened (and migrates) first so the WAL files exist before
                // read-only connections open.
                let write = SqlitePoolOptions::new()
                    .max_connections(1)
                    .min_connections(1)
                    .connect_with(base.clone().create_if_missing(true))
                    .await?;
                sqlx::migrate!("./migrations/sqlite").run(&write).await?;
                let read = SqlitePoolOptions::new()
                    .max_connections(cfg.max_connections.max(1))
                    .connect_with(base.read_only(true))
                    .await?;
                let group = Some(crate::group::GroupCommit::start(write.clone()));
                let db = Self {
                    pools: Pools::Sqlite { read, write },
                    group,
                };
                crate::dossier::write::reproject(&db).await?;
                return Ok(db);
            }
        };
        let db = Self { pools, group: None };
        db.migrate().await?;
        crate::dossier::write::reproject(&db).await?;
        Ok(db)
    }

    /// Runs pending migrations (idempotent).
    pub async fn migrate(&self) -> StoreResult<()> {
        match &self.pools {
            Pools::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Pools::Postgres(pg) => sqlx::migrate!("./migrations/postgres").run(pg).await?,
        }
        Ok(())
    }

    /// The engine.
    pub fn engine(&self) -> Engine {
        match self.pools {
            Pools::Sqlite { .. } => Engine::Sqlite,
            Pools::Postgres(_) => Engine::Postgres,
        }
    }

    /// Cheap liveness query, for `/readyz`.
    pub async fn ping(&self) -> StoreResult<()> {
        on_pool!(self, read, |p, _e| {
            sqlx::query("SELECT 1").execute(p).await?;
        });
        Ok(())
    }

    /// Refreshes the planner's statistics after a bulk load (`ANALYZE`; on PostgreSQL `VACUUM
    /// ANALYZE`, which also sets the visibility map so counts can be answered from indexes).
    pub async fn analyze(&self) -> StoreResult<()> {
        on_pool!(self, write, |p, e| {
            let sql = dialect(e, "ANALYZE", "VACUUM ANALYZE");
            sqlx::query(sql).execute(p).await?;
            if e == Engine::Sqlite {
                // Fold the bulk load's write-ahead log into the database now, not under load.
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(p)
                    .await?;
            }
        });
        Ok(())
    }

    /// Closes all connections (graceful shutdown: lets SQLite checkpoint the WAL).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(pg) => pg.close().await,
        }
    }

    /// The raw pools, for engine-specific maintenance and benchmarks.
    pub fn pools(&self) -> &Pools {
        &self.pools
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://motcua:s3cret@db.example:5432/motcua"),
            "postgres://motcua:***@db.example:5432/motcua"
        );
        assert_eq!(
            redact_url("postgres://localhost/motcua"),
            "postgres://localhost/motcua"
        );
        assert_eq!(redact_url("garbage"), "***");
    }
}
