//! Uploaded files (in the database, so a database backup is a complete backup) and the
//! internal process templates per procedure and agency.

use jiff::Timestamp;
use motcua_core::dossier::ProcessTemplate;

use super::{FileMeta, FileUsage, OwnedFile};
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

pub(super) async fn usage(db: &Db, owner_id: &str) -> StoreResult<FileUsage> {
    let (bytes, loose): (i64, i64) = on_pool!(db, read, |p, _e| {
        // PostgreSQL sums BIGINTs as NUMERIC: cast back.
        sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT), \
             COUNT(*) FILTER (WHERE dossier_id IS NULL AND draft_id IS NULL) \
             FROM stored_files WHERE owner_id = $1",
        )
        .bind(owner_id)
        .fetch_one(p)
        .await?
    });
    Ok(FileUsage { bytes, loose })
}

#[derive(sqlx::FromRow)]
struct OwnedRow {
    #[sqlx(flatten)]
    meta: MetaRow,
    created_at: DbTime,
    dossier_id: Option<String>,
}

pub(super) async fn owned(db: &Db, owner_id: &str, limit: i64) -> StoreResult<Vec<OwnedFile>> {
    let rows: Vec<OwnedRow> = on_pool!(db, read, |p, _e| {
        sqlx::query_as(
            "SELECT id, owner_id, name, media_type, size, sha256, created_at, dossier_id \
             FROM stored_files WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(owner_id)
        .bind(limit.clamp(1, 500))
        .fetch_all(p)
        .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| OwnedFile {
            meta: r.meta.into(),
            created_at: r.created_at.0,
            dossier_id: r.dossier_id,
        })
        .collect())
}

pub(super) async fn result_holder(db: &Db, file_id: &str) -> StoreResult<Option<String>> {
    let row: Option<(Option<String>,)> = on_pool!(db, read, |p, _e| {
        sqlx::query_as("SELECT owner_id FROM dossiers WHERE result_file_id = $1")
            .bind(file_id)
            .fetch_optional(p)
            .await?
    });
    Ok(row.and_then(|(o,)| o))
}

pub(super) async fn purge_loose(db: &Db, before: Timestamp) -> StoreResult<u64> {
    let n = with_tx!(db, |tx, _e| {
        sqlx::query(
            "DELETE FROM stored_files WHERE created_at < $1 AND dossier_id IS NULL \
             AND draft_id IS NULL",
        )
        .bind(DbTime(before))
        .execute(&mut *tx)
        .await?
        .rows_affected()
    });
    Ok(n)
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
    template: Option<&ProcessTemplate>,
    now: Timestamp,
) -> StoreResult<()> {
    let json = template.map(serde_json::to_string).transpose()?;
    with_tx!(db, |tx, _e| {
        match &json {
            Some(json) => sqlx::query(
                "INSERT INTO process_templates (procedure_code, agency_id, template, updated_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (procedure_code, agency_id) \
                 DO UPDATE SET template = excluded.template, updated_at = excluded.updated_at",
            )
            .bind(procedure)
            .bind(agency)
            .bind(json)
            .bind(DbTime(now))
            .execute(&mut *tx)
            .await?,
            None => {
                sqlx::query(
                    "DELETE FROM process_templates WHERE procedure_code = $1 AND agency_id = $2",
                )
                .bind(procedure)
                .bind(agency)
                .execute(&mut *tx)
                .await?
            }
        };
    });
    Ok(())
}

pub(super) async fn process_templates_at(db: &Db, agency: &str) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = on_pool!(db, read, |p, _e| {
        sqlx::query_as(
            "SELECT procedure_code FROM process_templates WHERE agency_id = $1 \
             ORDER BY procedure_code",
        )
        .bind(agency)
        .fetch_all(p)
        .await?
    });
    Ok(rows.into_iter().map(|(c,)| c).collect())
}
