//! Small key/value facts about the installation (demo data loaded, change generations).

use async_trait::async_trait;

use crate::{
    db::{Db, on_pool, with_tx},
    error::StoreResult,
};

/// Increments a generation counter in `app_meta` inside the caller's transaction.
///
/// Every node caches the catalog in memory (DESIGN.md, scale plan); a node polls the counter
/// and reloads when another node changed the data.
macro_rules! bump_generation {
    ($conn:expr, $key:expr) => {
        sqlx::query(
            "INSERT INTO app_meta (key, value) VALUES ($1, '1') \
             ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(app_meta.value AS BIGINT) + 1 AS TEXT)",
        )
        .bind($key)
        .execute($conn)
        .await?
    };
}
pub(crate) use bump_generation;

/// Installation facts.
#[async_trait]
pub trait MetaStore: Send + Sync {
    /// Reads a fact.
    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;
    /// Writes a fact.
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;
    /// Reads a generation counter (0 when never bumped).
    async fn generation(&self, key: &str) -> StoreResult<i64> {
        Ok(self
            .meta(key)
            .await?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }
}

#[async_trait]
impl MetaStore for Db {
    async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(on_pool!(self, read, |p, _e| {
            sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
                .bind(key)
                .fetch_optional(p)
                .await?
        }))
    }

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "INSERT INTO app_meta (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }
}
