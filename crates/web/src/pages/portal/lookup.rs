//! `GET /tra-cuu-ho-so?ma=CODE&k=FACTOR`: the public lookup — status and appointment only,
//! and only with the second factor printed on the receipt (or the last four digits of the
//! applicant's phone or ID number). A wrong pair reads exactly like an unknown code; failed
//! tries are throttled per client network by the service.

use axum::{
    extract::{RawQuery, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use motcua_service::ServiceError;
use serde_json::json;

use super::when_vi;
use crate::pages::problems::Problems;
use crate::{
    auth::principal::Client,
    dossier::view,
    pages::{PageError, form::FormData, login::render},
    state::AppState,
};

/// `GET /tra-cuu-ho-so`
pub async fn lookup(
    State(state): State<AppState>,
    Client(ctx): Client,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let q = FormData::parse(query.unwrap_or_default().as_bytes());
    let (code, factor) = (q.text("ma"), q.text("k"));
    let mut problems = Problems::default();
    let mut found = None;
    let mut status = StatusCode::OK;
    let asked = !code.is_empty() || !factor.is_empty();
    if asked {
        if code.is_empty() {
            problems.add("ma", "Hãy nhập mã hồ sơ in trên giấy tiếp nhận");
        }
        if factor.is_empty() {
            problems.add(
                "k",
                "Hãy nhập mã tra cứu in trên giấy tiếp nhận, hoặc 4 số cuối điện thoại hay số \
                 định danh của người nộp",
            );
        }
    }
    if asked && problems.is_empty() {
        match state
            .dossiers
            .lookup(&ctx, state.clock.now(), &code, &factor)
            .await
        {
            Ok(p) => {
                let v = view::public_lookup(p, &state.catalog.get());
                found = Some(json!({
                    "code": v.code,
                    "procedure": v.procedure_name,
                    "status_label": v.status_label,
                    "received": when_vi(v.received_at),
                    "appointment": v.appointment.map(when_vi),
                    "returned": v.returned_at.map(when_vi),
                }));
            }
            Err(ServiceError::NotFound(_) | ServiceError::BadRequest { .. }) => {
                status = StatusCode::NOT_FOUND;
                problems.add(
                    "ma",
                    "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Hãy kiểm tra lại \
                     hai mã trên giấy tiếp nhận.",
                );
            }
            Err(e) => return Err(e.into()),
        }
    } else if !problems.is_empty() {
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let mut ctx = json!({
        "nav": "lookup",
        "code": code.chars().take(60).collect::<String>(),
        "factor": factor.chars().take(64).collect::<String>(),
        "found": found,
    });
    if let (serde_json::Value::Object(a), serde_json::Value::Object(b)) =
        (&mut ctx, problems.context())
    {
        a.extend(b);
    }
    let html = render(&state, "portal/lookup.html", "Tra cứu hồ sơ", ctx)?;
    Ok((status, Html(html)).into_response())
}
