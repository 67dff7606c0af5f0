//! The procedure catalog: versioned procedure records and which agency offers which.

use async_trait::async_trait;
use jiff::Timestamp;
use motcua_core::catalog::{OnlineLevel, Procedure, ProcedureCode};

use crate::{
    codec::DbTime,
    db::{Db, dialect, on_pool, with_tx},
    error::{StoreError, StoreResult},
    meta::bump_generation,
};

/// What an upsert did with one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    /// A new procedure; version 1 created.
    Created,
    /// The content changed; a new version was created and the old one closed.
    Updated {
        /// The new version number.
        version: i32,
    },
    /// Same content as the version in force; nothing written.
    Unchanged,
}

/// One stored version of a procedure.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredProcedure {
    /// The content.
    pub procedure: Procedure,
    /// Version number, from 1.
    pub version: i32,
    /// When this version took effect.
    pub valid_from: Timestamp,
    /// When it stopped being in force; `None` for the current version.
    pub valid_to: Option<Timestamp>,
}

/// A version's metadata, for history listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    /// Version number.
    pub version: i32,
    /// In force from.
    pub valid_from: Timestamp,
    /// In force until (exclusive); `None` for the current version.
    pub valid_to: Option<Timestamp>,
    /// Content hash.
    pub content_hash: String,
}

/// An agency offering a procedure, with the online level of that offer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AgencyProcedure {
    /// Agency id.
    pub agency_id: String,
    /// Procedure code.
    pub procedure_code: ProcedureCode,
    /// Online level at this agency.
    pub online_level: OnlineLevel,
}

/// Storage of the procedure catalog.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Creates, versions or leaves unchanged each record, in one transaction: either the whole
    /// batch is written or none of it. Records must already be normalised
    /// ([`Procedure::normalized`]). A changed record gets a new version in force from
    /// `valid_from` (never earlier than the version it replaces); the previous version is
    /// closed at that instant and stays readable.
    async fn upsert_procedures(
        &self,
        batch: &[Procedure],
        valid_from: Timestamp,
        now: Timestamp,
    ) -> StoreResult<Vec<UpsertOutcome>>;

    /// Every procedure's version in force, ordered by code.
    async fn current_procedures(&self) -> StoreResult<Vec<StoredProcedure>>;

    /// One procedure's version in force.
    async fn current_procedure(&self, code: &ProcedureCode)
    -> StoreResult<Option<StoredProcedure>>;

    /// The version that was in force at `at` (what a dossier received then must follow).
    async fn procedure_at(
        &self,
        code: &ProcedureCode,
        at: Timestamp,
    ) -> StoreResult<Option<StoredProcedure>>;

    /// A specific version.
    async fn procedure_version(
        &self,
        code: &ProcedureCode,
        version: i32,
    ) -> StoreResult<Option<StoredProcedure>>;

    /// All versions of a procedure, oldest first.
    async fn procedure_history(&self, code: &ProcedureCode) -> StoreResult<Vec<VersionInfo>>;

    /// Replaces the whole agency ↔ procedure table.
    async fn replace_agency_procedures(&self, links: &[AgencyProcedure]) -> StoreResult<()>;

    /// The agency ↔ procedure table.
    async fn agency_procedures(&self) -> StoreResult<Vec<AgencyProcedure>>;

    /// Sets an agency's offers of some procedures, each at a level or withdrawn with `None`, in
    /// one transaction. Returns how many offers changed (so an unchanged save neither bumps the
    /// catalog generation nor makes every node reload).
    async fn set_agency_procedures(
        &self,
        agency_id: &str,
        changes: &[(ProcedureCode, Option<OnlineLevel>)],
    ) -> StoreResult<u64>;
}

/// Inserts one version row; shared by the create and update paths.
macro_rules! insert_version {
    ($conn:expr, $code:expr, $version:expr, $from:expr, $hash:expr, $content:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO procedure_versions \
             (code, version, valid_from, valid_to, content_hash, content, imported_at) \
             VALUES ($1, $2, $3, NULL, $4, $5, $6)",
        )
        .bind($code)
        .bind($version)
        .bind($from)
        .bind($hash)
        .bind($content)
        .bind(DbTime($now))
        .execute($conn)
        .await?
    };
}

type VersionRow = (String, i32, DbTime, Option<DbTime>, String);

fn to_stored(row: VersionRow) -> StoreResult<StoredProcedure> {
    let (content, version, valid_from, valid_to, _hash) = row;
    Ok(StoredProcedure {
        procedure: serde_json::from_str(&content)?,
        version,
        valid_from: valid_from.0,
        valid_to: valid_to.map(|t| t.0),
    })
}

const SELECT_VERSION: &str =
    "SELECT content, version, valid_from, valid_to, content_hash FROM procedure_versions";

#[async_trait]
impl CatalogStore for Db {
    async fn upsert_procedures(
        &self,
        batch: &[Procedure],
        valid_from: Timestamp,
        now: Timestamp,
    ) -> StoreResult<Vec<UpsertOutcome>> {
        let mut outcomes = Vec::with_capacity(batch.len());
        with_tx!(self, |tx, e| {
            for p in batch {
                let code = p.code.as_str();
                let hash = p.content_hash();
                let current: Option<(i32, String, DbTime)> = sqlx::query_as(dialect(
                    e,
                    "SELECT v.version, v.content_hash, v.valid_from FROM procedures p \
                     JOIN procedure_versions v ON v.code = p.code AND v.version = p.current_version \
                     WHERE p.code = $1",
                    "SELECT v.version, v.content_hash, v.valid_from FROM procedures p \
                     JOIN procedure_versions v ON v.code = p.code AND v.version = p.current_version \
                     WHERE p.code = $1 FOR UPDATE OF p",
                ))
                .bind(code)
                .fetch_optional(&mut *tx)
                .await?;
                let content = serde_json::to_string(p)?;
                let outcome = match current {
                    Some((_, old_hash, _)) if old_hash == hash => UpsertOutcome::Unchanged,
                    Some((version, _, old_from)) => {
                        let from = DbTime(valid_from.max(old_from.0));
                        sqlx::query(
                            "UPDATE procedure_versions SET valid_to = $1 WHERE code = $2 AND version = $3",
                        )
                        .bind(from)
                        .bind(code)
                        .bind(version)
                        .execute(&mut *tx)
                        .await?;
                        let next = version + 1;
                        insert_version!(&mut *tx, code, next, from, &hash, &content, now);
                        sqlx::query(
                            "UPDATE procedures SET current_version = $1, name = $2, field = $3, \
                             online_level = $4, updated_at = $5 WHERE code = $6",
                        )
                        .bind(next)
                        .bind(&p.name)
                        .bind(&p.field)
                        .bind(p.online_level.as_str())
                        .bind(DbTime(now))
                        .bind(code)
                        .execute(&mut *tx)
                        .await?;
                        UpsertOutcome::Updated { version: next }
                    }
                    None => {
                        insert_version!(
                            &mut *tx,
                            code,
                            1,
                            DbTime(valid_from),
                            &hash,
                            &content,
                            now
                        );
                        sqlx::query(
                            "INSERT INTO procedures (code, current_version, name, field, online_level, updated_at) \
                             VALUES ($1, 1, $2, $3, $4, $5)",
                        )
                        .bind(code)
                        .bind(&p.name)
                        .bind(&p.field)
                        .bind(p.online_level.as_str())
                        .bind(DbTime(now))
                        .execute(&mut *tx)
                        .await?;
                        UpsertOutcome::Created
                    }
                };
                outcomes.push(outcome);
            }
            if outcomes.iter().any(|o| *o != UpsertOutcome::Unchanged) {
                bump_generation!(&mut *tx, "catalog_generation");
            }
        });
        Ok(outcomes)
    }

    async fn current_procedures(&self) -> StoreResult<Vec<StoredProcedure>> {
        let rows: Vec<VersionRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT v.content, v.version, v.valid_from, v.valid_to, v.content_hash \
                 FROM procedures p JOIN procedure_versions v \
                 ON v.code = p.code AND v.version = p.current_version ORDER BY p.code",
            )
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(to_stored).collect()
    }

    async fn current_procedure(
        &self,
        code: &ProcedureCode,
    ) -> StoreResult<Option<StoredProcedure>> {
        let row: Option<VersionRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT v.content, v.version, v.valid_from, v.valid_to, v.content_hash \
                 FROM procedures p JOIN procedure_versions v \
                 ON v.code = p.code AND v.version = p.current_version WHERE p.code = $1",
            )
            .bind(code.as_str())
            .fetch_optional(p)
            .await?
        });
        row.map(to_stored).transpose()
    }

    async fn procedure_at(
        &self,
        code: &ProcedureCode,
        at: Timestamp,
    ) -> StoreResult<Option<StoredProcedure>> {
        let row: Option<VersionRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT content, version, valid_from, valid_to, content_hash FROM procedure_versions \
                 WHERE code = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2) \
                 ORDER BY version DESC LIMIT 1",
            )
            .bind(code.as_str())
            .bind(DbTime(at))
            .fetch_optional(p)
            .await?
        });
        row.map(to_stored).transpose()
    }

    async fn procedure_version(
        &self,
        code: &ProcedureCode,
        version: i32,
    ) -> StoreResult<Option<StoredProcedure>> {
        let row: Option<VersionRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SELECT_VERSION} WHERE code = $1 AND version = $2"
            )))
            .bind(code.as_str())
            .bind(version)
            .fetch_optional(p)
            .await?
        });
        row.map(to_stored).transpose()
    }

    async fn procedure_history(&self, code: &ProcedureCode) -> StoreResult<Vec<VersionInfo>> {
        let rows: Vec<(i32, DbTime, Option<DbTime>, String)> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT version, valid_from, valid_to, content_hash FROM procedure_versions \
                 WHERE code = $1 ORDER BY version",
            )
            .bind(code.as_str())
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(version, from, to, content_hash)| VersionInfo {
                version,
                valid_from: from.0,
                valid_to: to.map(|t| t.0),
                content_hash,
            })
            .collect())
    }

    async fn replace_agency_procedures(&self, links: &[AgencyProcedure]) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query("DELETE FROM agency_procedures")
                .execute(&mut *tx)
                .await?;
            for l in links {
                sqlx::query(
                    "INSERT INTO agency_procedures (agency_id, procedure_code, online_level) \
                     VALUES ($1, $2, $3) ON CONFLICT (agency_id, procedure_code) \
                     DO UPDATE SET online_level = excluded.online_level",
                )
                .bind(&l.agency_id)
                .bind(l.procedure_code.as_str())
                .bind(l.online_level.as_str())
                .execute(&mut *tx)
                .await?;
            }
            bump_generation!(&mut *tx, "catalog_generation");
        });
        Ok(())
    }

    async fn set_agency_procedures(
        &self,
        agency_id: &str,
        changes: &[(ProcedureCode, Option<OnlineLevel>)],
    ) -> StoreResult<u64> {
        let changed = with_tx!(self, |tx, _e| {
            let mut n = 0;
            for (code, level) in changes {
                n += match level {
                    Some(l) => sqlx::query(
                        "INSERT INTO agency_procedures (agency_id, procedure_code, online_level) \
                         VALUES ($1, $2, $3) ON CONFLICT (agency_id, procedure_code) \
                         DO UPDATE SET online_level = excluded.online_level \
                         WHERE agency_procedures.online_level <> excluded.online_level",
                    )
                    .bind(agency_id)
                    .bind(code.as_str())
                    .bind(l.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
                    None => sqlx::query(
                        "DELETE FROM agency_procedures \
                         WHERE agency_id = $1 AND procedure_code = $2",
                    )
                    .bind(agency_id)
                    .bind(code.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected(),
                };
            }
            if n > 0 {
                bump_generation!(&mut *tx, "catalog_generation");
            }
            n
        });
        Ok(changed)
    }

    async fn agency_procedures(&self) -> StoreResult<Vec<AgencyProcedure>> {
        let rows: Vec<(String, String, String)> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT agency_id, procedure_code, online_level FROM agency_procedures \
                 ORDER BY agency_id, procedure_code",
            )
            .fetch_all(p)
            .await?
        });
        rows.into_iter()
            .map(|(agency_id, code, level)| {
                Ok(AgencyProcedure {
                    agency_id,
                    procedure_code: ProcedureCode::parse(&code)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    online_level: OnlineLevel::parse(&level)
                        .ok_or_else(|| StoreError::Corrupt(format!("online level {level:?}")))?,
                })
            })
            .collect()
    }
}
