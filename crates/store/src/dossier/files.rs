//! Uploaded files (in the database, so a database backup is a complete backup) and the
//! internal process templates per procedure and agency.

use jiff::Timestamp;
use motcua_core::dossier::ProcessTemplate;

use super::FileMeta;
use crate::{
    codec::DbTime,
    db::{Db, on_pool, with_tx},
    error::{StoreError, StoreResult},
};

#[derive(sqlx::FromRow)]
struct MetaRow {
    id: String,
    owner_id: String,
    name: String,
    media_type: String,
    size: i64,
    sha256: String,
}

impl From<MetaRow> for FileMeta {
    fn from(r: MetaRow) -> Self {
        Self {
            id: r.id,
            owner_id: r.owner_id,
            name: r.name,
            media_type: r.media_type,
            size: r.size,
            sha256: r.sha256,
        }
    }
}

pub(super) async fn put(
    db: &Db,
    meta: &FileMeta,
    content: &[u8],
    now: Timestamp,
) -> StoreResult<()> {
    with_tx!(db, |tx, _e| {
        sqlx::query(
            "INSERT INTO stored_files (id, owner_id, name, media_type, size, sha256, content, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&meta.id)
        .bind(&meta.owner_id)
        .bind(&meta.name)
        .bind(&meta.media_type)
        .bind(meta.size)
        .bind(&meta.sha256)
        .bind(content)
        .bind(DbTime(now))
        .execute(&mut *tx)
        .await?;
    });
    Ok(())
}

pub(super) async fn meta(db: &Db, id: &str) -> StoreResult<Option<FileMeta>> {
    let row: Option<MetaRow> = on_pool!(db, read, |p, _e| {
        sqlx::query_as(
            "SELECT id, owner_id, name, media_type, size, sha256 FROM stored_files \
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(p)
        .await?
    });
    Ok(row.map(FileMeta::from))
}

pub(super) async fn content(db: &Db, id: &str) -> StoreResult<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> = on_pool!(db, read, |p, _e| {
        sqlx::query_as("SELECT content FROM stored_files WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await?
    });
    Ok(row.map(|r| r.0))
}

pub(super) async fn process_template(
    db: &Db,
    procedure: &str,
    agency: &str,
) -> StoreResult<Option<ProcessTemplate>> {
    let row: Option<(String,)> = on_pool!(db, read, |p, _e| {
        sqlx::query_as(
            "SELECT template FROM process_templates WHERE procedure_code = $1 \
             AND agency_id = $2",
        )
        .bind(procedure)
        .bind(agency)
        .fetch_optional(p)
        .await?
    });
    row.map(|(t,)| serde_json::from_str(&t).map_err(StoreError::from))
        .transpose()
}

pub(super) async fn set_process_template(
    db: &Db,
    procedure: &str,
    agency: &str,
    template: &ProcessTemplate,
    now: Timestamp,
) -> StoreResult<()> {
    let json = serde_json::to_string(template)?;
    with_tx!(db, |tx, _e| {
        sqlx::query(
            "INSERT INTO process_templates (procedure_code, agency_id, template, updated_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (procedure_code, agency_id) \
             DO UPDATE SET template = excluded.template, updated_at = excluded.updated_at",
        )
        .bind(procedure)
        .bind(agency)
        .bind(&json)
        .bind(DbTime(now))
        .execute(&mut *tx)
        .await?;
    });
    Ok(())
}
