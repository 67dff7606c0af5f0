//! Per-agency wording of the printed forms: an agency's partial override of the shipped
//! wording (`data/forms/wording.toml`), stored as the TOML text it was given.
//!
//! The store keeps text and knows nothing of what a valid wording is: the service checks an
//! override loads over the shipped wording before it calls [`FormWordingStore::set_form_wording`].
//! Every change bumps [`FORM_WORDING_GENERATION`] in the change's transaction, so the nodes
//! that cache effective wordings in memory notice it and drop their copies.

use async_trait::async_trait;
use jiff::Timestamp;
use motcua_core::audit::AuditEvent;

use crate::{
    audit::append_audit,
    codec::DbTime,
    db::{Db, on_pool, with_tx},
    error::StoreResult,
    meta::bump_generation,
};

/// The `app_meta` counter that every override change bumps.
pub const FORM_WORDING_GENERATION: &str = "form_wording_generation";

/// An agency's override, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredWording {
    /// The agency whose forms it words.
    pub agency_id: String,
    /// The override, TOML in the wording file's syntax, exactly as given.
    pub wording: String,
    /// Who set it: the audit log's actor (`user:<id>`, `cli`).
    pub set_by: String,
    /// When.
    pub set_at: Timestamp,
}

/// Which agencies have an override, without the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordingInfo {
    /// The agency.
    pub agency_id: String,
    /// Who set it.
    pub set_by: String,
    /// When.
    pub set_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct WordingRow {
    agency_id: String,
    wording: String,
    set_by: String,
    set_at: DbTime,
}

/// Storage of per-agency form wordings.
#[async_trait]
pub trait FormWordingStore: Send + Sync {
    /// One agency's override, if it has one.
    async fn form_wording(&self, agency_id: &str) -> StoreResult<Option<StoredWording>>;

    /// Stores (or replaces) an agency's override, with its audit event, in one transaction.
    async fn set_form_wording(
        &self,
        wording: &StoredWording,
        event: &AuditEvent,
    ) -> StoreResult<()>;

    /// Removes an agency's override; returns whether there was one. The audit event is
    /// written only when something was removed (nothing happened otherwise).
    async fn clear_form_wording(&self, agency_id: &str, event: &AuditEvent) -> StoreResult<bool>;

    /// The agencies that have an override, ordered by agency id (bytewise).
    async fn form_wordings(&self) -> StoreResult<Vec<WordingInfo>>;
}

#[async_trait]
impl FormWordingStore for Db {
    async fn form_wording(&self, agency_id: &str) -> StoreResult<Option<StoredWording>> {
        let row: Option<WordingRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT agency_id, wording, set_by, set_at FROM form_wordings \
                 WHERE agency_id = $1",
            )
            .bind(agency_id)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|r| StoredWording {
            agency_id: r.agency_id,
            wording: r.wording,
            set_by: r.set_by,
            set_at: r.set_at.0,
        }))
    }

    async fn set_form_wording(&self, w: &StoredWording, event: &AuditEvent) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            // First, so that on PostgreSQL concurrent writers serialise on the counter's row
            // and a node reading the new generation also reads the new text.
            bump_generation!(&mut *tx, FORM_WORDING_GENERATION);
            sqlx::query(
                "INSERT INTO form_wordings (agency_id, wording, set_by, set_at) \
                 VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (agency_id) DO UPDATE SET wording = excluded.wording, \
                 set_by = excluded.set_by, set_at = excluded.set_at",
            )
            .bind(&w.agency_id)
            .bind(&w.wording)
            .bind(&w.set_by)
            .bind(DbTime(w.set_at))
            .execute(&mut *tx)
            .await?;
            append_audit!(&mut *tx, event);
        });
        Ok(())
    }

    async fn clear_form_wording(&self, agency_id: &str, event: &AuditEvent) -> StoreResult<bool> {
        Ok(with_tx!(self, |tx, _e| {
            let removed = sqlx::query("DELETE FROM form_wordings WHERE agency_id = $1")
                .bind(agency_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                > 0;
            if removed {
                bump_generation!(&mut *tx, FORM_WORDING_GENERATION);
                append_audit!(&mut *tx, event);
            }
            removed
        }))
    }

    async fn form_wordings(&self) -> StoreResult<Vec<WordingInfo>> {
        let rows: Vec<(String, String, DbTime)> = on_pool!(self, read, |p, _e| {
            sqlx::query_as("SELECT agency_id, set_by, set_at FROM form_wordings")
                .fetch_all(p)
                .await?
        });
        let mut rows = rows;
        // Sorted here, bytewise: PostgreSQL's collation would order some ids differently
        // from SQLite's.
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(rows
            .into_iter()
            .map(|(agency_id, set_by, set_at)| WordingInfo {
                agency_id,
                set_by,
                set_at: set_at.0,
            })
            .collect())
    }
}
