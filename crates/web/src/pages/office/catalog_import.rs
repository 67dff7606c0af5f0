//! `/mot-cua/danh-muc`: the catalog import for those who hold `catalog.import` — a file of
//! procedures (motcua's JSON Lines or the national portal's export, one record a line) and
//! the report of what it did, line by line. The same [`motcua_service::import::import_by`] as
//! `POST /api/v1/procedures/import`: the permission, the audit and the reload of the catalog
//! are the service's.

use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use jiff::civil::Date;
use motcua_service::{ServiceError, import::import_by};
use serde_json::{Value, json};

use crate::{
    auth::Principal,
    pages::{PageError, login::render, problems::Problems, upload::FilesForm},
    state::AppState,
};

/// Rejected lines listed on the report (the rest are counted).
const LISTED: usize = 200;

/// The page, with the report of an import when there is one.
fn page(
    state: &AppState,
    problems: &Problems,
    report: Option<Value>,
    valid_from: &str,
    status: StatusCode,
) -> Result<Response, PageError> {
    let catalog = state.catalog.get();
    let problem_context = problems.context();
    let ctx = json!({
        "procedures": catalog.len(),
        "report": report,
        "valid_from": valid_from,
        "max_mb": crate::MAX_FILE_BYTES / (1024 * 1024),
        "errors": problem_context["errors"],
        "error_list": problem_context["error_list"],
    });
    let html = render(
        state,
        "mot-cua/catalog_import.html",
        "Nhập danh mục thủ tục",
        ctx,
    )?;
    Ok((status, Html(html)).into_response())
}

/// `GET /mot-cua/danh-muc`
pub async fn form(State(state): State<AppState>) -> Result<Response, PageError> {
    page(&state, &Problems::default(), None, "", StatusCode::OK)
}

/// `POST /mot-cua/danh-muc` (multipart: the file comes with the form)
pub async fn import(
    State(state): State<AppState>,
    principal: Principal,
    req: Request,
) -> Result<Response, PageError> {
    let upload = FilesForm::read(req).await?;
    let valid_from_text = upload.fields.text("hieu_luc");
    let mut problems = Problems::default();
    let valid_from = match valid_from_text.as_str() {
        "" => None,
        d => match d.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                problems.add("hieu_luc", "Nhập ngày có hiệu lực theo dạng ngày/tháng/năm");
                None
            }
        },
    };
    let file = upload.files.iter().find(|f| f.field == "tep");
    match file {
        None => problems.add("tep", "Chọn tệp danh mục thủ tục cần nhập"),
        Some(f) if f.bytes.len() > crate::MAX_FILE_BYTES => problems.add(
            "tep",
            format!(
                "Tệp lớn hơn {} MB; hãy chia nhỏ, hoặc nhập bằng lệnh `motcua import procedures`",
                crate::MAX_FILE_BYTES / (1024 * 1024)
            ),
        ),
        Some(_) => {}
    }
    let (Some(file), true) = (file, problems.is_empty()) else {
        return page(
            &state,
            &problems,
            None,
            &valid_from_text,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let report = match import_by(
        state.store.as_ref(),
        &state.catalog,
        &principal.actor,
        state.clock.now(),
        file.bytes.to_vec(),
        valid_from,
    )
    .await
    {
        Ok(r) => r,
        Err(ServiceError::BadRequest { message, .. }) => {
            problems.add("tep", message);
            return page(
                &state,
                &problems,
                None,
                &valid_from_text,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        Err(other) => return Err(other.into()),
    };
    let rejected: Vec<Value> = report
        .rejected
        .iter()
        .take(LISTED)
        .map(|r| json!({"line": r.line, "code": r.code, "reason": r.reason}))
        .collect();
    let summary = json!({
        "file": file.name,
        "total": report.total(),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected_count": report.rejected.len(),
        "rejected": rejected,
        "more": report.rejected.len().saturating_sub(LISTED),
        "uncertain_sections": report.uncertain_sections,
        "records_with_uncertain": report.records_with_uncertain,
    });
    page(
        &state,
        &Problems::default(),
        Some(summary),
        &valid_from_text,
        StatusCode::OK,
    )
}
