//! `POST /api/v1/procedures/import`: the catalog import, for integrations (the national
//! database sync) and administrators, guarded by `catalog.import`.

use axum::{Json, extract::State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use motcua_service::import::import_by;

use crate::{
    auth::Principal,
    error::{ApiError, ErrorBody},
    extract::{ApiBody, ApiQuery},
    state::AppState,
};

/// Import options.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Date the imported versions take effect (YYYY-MM-DD); default: now.
    #[param(value_type = Option<String>, format = Date, example = "2026-01-01")]
    pub valid_from: Option<jiff::civil::Date>,
}

/// A rejected line.
#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedLine {
    /// 1-based line number.
    pub line: usize,
    /// Procedure code, when it could be read.
    pub code: Option<String>,
    /// Why (Vietnamese).
    pub reason: String,
}

/// What the import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// New procedures.
    pub created: usize,
    /// Procedures that got a new version.
    pub updated: usize,
    /// Procedures already in force with the same content.
    pub unchanged: usize,
    /// Lines not imported.
    pub rejected: Vec<RejectedLine>,
}

/// Imports procedures (motcua's JSON Lines format or the national portal export, one record
/// per line; at most 1 MiB per request — larger files go through `motcua import procedures`).
/// The catalog served by this node is reloaded at once; other nodes follow within
/// `server.refresh_seconds`.
#[utoipa::path(
    post,
    path = "/api/v1/procedures/import",
    tag = "catalog",
    operation_id = "import_procedures",
    security(("bearer" = []), ("session" = [])),
    params(ImportParams),
    request_body(content = String, content_type = "application/x-ndjson", description = "One procedure per line"),
    responses(
        (status = 200, description = "Imported (possibly with rejected lines)", body = ImportResult),
        (status = 400, description = "An empty body, or a body that is not text", body = ErrorBody),
        (status = 401, description = "Not authenticated", body = ErrorBody),
        (status = 403, description = "No `catalog.import` permission over the whole installation", body = ErrorBody),
        (status = 413, description = "Body larger than 1 MiB", body = ErrorBody),
    )
)]
pub async fn import_procedures(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(params): ApiQuery<ImportParams>,
    ApiBody(body): ApiBody,
) -> Result<Json<ImportResult>, ApiError> {
    let report = import_by(
        state.store.as_ref(),
        &state.catalog,
        &principal.actor,
        state.clock.now(),
        body.to_vec(),
        params.valid_from,
    )
    .await?;
    Ok(Json(ImportResult {
        created: report.created,
        updated: report.updated,
        unchanged: report.unchanged,
        rejected: report
            .rejected
            .into_iter()
            .map(|r| RejectedLine {
                line: r.line,
                code: r.code,
                reason: r.reason,
            })
            .collect(),
    }))
}
