//! Agencies: the dated tree with succession links.

use std::collections::HashMap;

use async_trait::async_trait;
use jiff::Timestamp;
use motcua_core::agency::{Agency, AgencyKind, IdentifierStatus, Succession, SuccessionKind};
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    codec::{DbDate, DbTime},
    db::{Db, on_pool, with_tx},
    error::{StoreError, StoreResult},
    meta::bump_generation,
};

/// Storage of the agency tree.
#[async_trait]
pub trait AgencyStore: Send + Sync {
    /// Inserts or replaces agencies (with their succession links), all in one transaction.
    async fn upsert_agencies(&self, agencies: &[Agency], now: Timestamp) -> StoreResult<()>;
    /// Every agency, current and expired, ordered by id.
    async fn agencies(&self) -> StoreResult<Vec<Agency>>;
}

/// Enums are stored by their serde name, so the database reads like the API.
fn enum_to_text<T: Serialize>(v: &T) -> StoreResult<String> {
    match serde_json::to_value(v)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(StoreError::Corrupt(format!(
            "enum did not serialise to a string: {other}"
        ))),
    }
}

fn text_to_enum<T: DeserializeOwned>(s: &str) -> StoreResult<T> {
    Ok(serde_json::from_value(serde_json::Value::String(
        s.to_owned(),
    ))?)
}

/// A row of `agencies`.
#[derive(sqlx::FromRow)]
struct AgencyRow {
    id: String,
    name: String,
    short_name: Option<String>,
    kind: String,
    parent_id: Option<String>,
    identifier: Option<String>,
    identifier_status: Option<String>,
    admin_unit_code: Option<String>,
    valid_from: DbDate,
    valid_to: Option<DbDate>,
    address: Option<String>,
}

#[async_trait]
impl AgencyStore for Db {
    async fn upsert_agencies(&self, agencies: &[Agency], now: Timestamp) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            for a in agencies {
                let status = a.identifier_status.as_ref().map(enum_to_text).transpose()?;
                sqlx::query(
                    "INSERT INTO agencies (id, name, short_name, kind, parent_id, identifier, \
                     identifier_status, admin_unit_code, valid_from, valid_to, address, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
                     short_name = excluded.short_name, kind = excluded.kind, \
                     parent_id = excluded.parent_id, identifier = excluded.identifier, \
                     identifier_status = excluded.identifier_status, \
                     admin_unit_code = excluded.admin_unit_code, valid_from = excluded.valid_from, \
                     valid_to = excluded.valid_to, address = excluded.address, \
                     updated_at = excluded.updated_at",
                )
                .bind(&a.id)
                .bind(&a.name)
                .bind(&a.short_name)
                .bind(enum_to_text(&a.kind)?)
                .bind(&a.parent)
                .bind(&a.identifier)
                .bind(status)
                .bind(&a.admin_unit_code)
                .bind(DbDate(a.valid_from))
                .bind(a.valid_to.map(DbDate))
                .bind(&a.address)
                .bind(DbTime(now))
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM agency_successions WHERE predecessor_id = $1")
                    .bind(&a.id)
                    .execute(&mut *tx)
                    .await?;
                for s in &a.successors {
                    sqlx::query(
                        "INSERT INTO agency_successions (predecessor_id, successor_id, effective, kind) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(&a.id)
                    .bind(&s.successor)
                    .bind(DbDate(s.effective))
                    .bind(enum_to_text(&s.kind)?)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            bump_generation!(&mut *tx, "agency_generation");
        });
        Ok(())
    }

    async fn agencies(&self) -> StoreResult<Vec<Agency>> {
        let (rows, links): (Vec<AgencyRow>, Vec<(String, String, DbDate, String)>) =
            on_pool!(self, read, |p, _e| {
                let rows = sqlx::query_as(
                    "SELECT id, name, short_name, kind, parent_id, identifier, identifier_status, \
                     admin_unit_code, valid_from, valid_to, address FROM agencies ORDER BY id",
                )
                .fetch_all(p)
                .await?;
                let links = sqlx::query_as(
                    "SELECT predecessor_id, successor_id, effective, kind FROM agency_successions \
                     ORDER BY predecessor_id, effective, successor_id",
                )
                .fetch_all(p)
                .await?;
                (rows, links)
            });
        let mut successors: HashMap<String, Vec<Succession>> = HashMap::new();
        for (pred, successor, effective, kind) in links {
            successors.entry(pred).or_default().push(Succession {
                successor,
                effective: effective.0,
                kind: text_to_enum::<SuccessionKind>(&kind)?,
            });
        }
        rows.into_iter()
            .map(|r| {
                Ok(Agency {
                    successors: successors.remove(&r.id).unwrap_or_default(),
                    id: r.id,
                    name: r.name,
                    short_name: r.short_name,
                    kind: text_to_enum::<AgencyKind>(&r.kind)?,
                    parent: r.parent_id,
                    identifier: r.identifier,
                    identifier_status: r
                        .identifier_status
                        .as_deref()
                        .map(text_to_enum::<IdentifierStatus>)
                        .transpose()?,
                    admin_unit_code: r.admin_unit_code,
                    valid_from: r.valid_from.0,
                    valid_to: r.valid_to.map(|d| d.0),
                    address: r.address,
                })
            })
            .collect()
    }
}
