//! `POST /api/v1/procedures/import`: the catalog import, for integrations (the national
//! database sync) and administrators, guarded by `catalog.import`.

use axum::{Json, extract::State};
use motcua_core::{audit::Outcome, identity::Permission};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use motcua_service::import::{ImportError, import};

use crate::{
    auth::{Principal, Target},
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
    principal
        .require(&state, Permission::CatalogImport, Target::Installation)
        .await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "empty_body",
            "Hãy gửi danh sách thủ tục: mỗi dòng một thủ tục dạng JSON.",
        ));
    }
    let now = state.clock.now();
    let reader: Box<dyn std::io::BufRead + Send> = Box::new(std::io::Cursor::new(body.to_vec()));
    let report = import(state.store.as_ref(), reader, params.valid_from, now, |_| {})
        .await
        .map_err(|e| match e {
            ImportError::Read { .. } => ApiError::bad_request("invalid_body", e.to_string()),
            ImportError::Unavailable(s) => ApiError::from(s),
        })?;
    if report.created + report.updated > 0 {
        state.catalog.reload(state.store.as_ref()).await?;
    }
    let event = principal
        .ctx()
        .event(
            now,
            principal.audit_id(),
            "catalog.import",
            Outcome::Success,
        )
        .with("created", report.created)
        .with("updated", report.updated)
        .with("unchanged", report.unchanged)
        .with("rejected", report.rejected.len());
    state.store.append_audit(&event).await?;
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
