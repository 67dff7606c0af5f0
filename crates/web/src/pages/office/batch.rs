//! `POST /mot-cua/chuyen-buoc`: forward several dossiers ticked in a queue at once. Each is
//! the same `DossierService::act("forward")` the dossier screen and the API call, decided
//! dossier by dossier: one the official may not move, or that moved meanwhile, is reported
//! with the service's reason and the others still go.

use axum::{
    extract::State,
    response::{Html, IntoResponse, Response},
};
use motcua_core::dossier::{ActionKind, DossierCode};
use motcua_service::dossier::ActionRequest;
use serde_json::{Value, json};

use super::dossier_path;
use crate::{
    auth::{Principal, url_encode},
    error::ApiError,
    pages::{PageError, form::FormData, login::render},
    state::AppState,
};

/// The most dossiers one press moves (a queue page holds 20).
pub(super) const MAX_BATCH: usize = 50;

/// `POST /mot-cua/chuyen-buoc`
pub async fn forward_many(
    State(state): State<AppState>,
    principal: Principal,
    form: FormData,
) -> Result<Response, PageError> {
    let queue = form.text("hang");
    let back = if queue.is_empty() {
        "/mot-cua".to_owned()
    } else {
        format!("/mot-cua?hang={}", url_encode(&queue))
    };
    let mut codes: Vec<String> = Vec::new();
    let mut failed: Vec<Value> = Vec::new();
    for raw in form.all("ho_so") {
        match DossierCode::parse(raw.trim()) {
            Ok(code) if !codes.iter().any(|c| c == code.as_str()) => {
                codes.push(code.as_str().to_owned());
            }
            Ok(_) => {}
            Err(_) => failed.push(json!({"code": raw, "href": null,
                "reason": "Mã hồ sơ không đúng dạng."})),
        }
    }
    let too_many = codes.len() > MAX_BATCH;
    codes.truncate(MAX_BATCH);
    let now = state.clock.now();
    let mut moved: Vec<Value> = Vec::new();
    for code in &codes {
        let result = state
            .dossiers
            .act(
                &principal.actor,
                now,
                code,
                ActionKind::Forward.as_str(),
                ActionRequest::default(),
            )
            .await;
        match result {
            Ok(d) => {
                let step = d.current_step().map(|s| s.name.clone());
                moved.push(json!({"code": code, "href": dossier_path(code), "step": step}));
            }
            Err(e) => failed.push(json!({"code": code, "href": dossier_path(code),
                "reason": ApiError::from(e).public_message()})),
        }
    }
    let ctx = json!({
        "moved": moved,
        "failed": failed,
        "none": codes.is_empty() && failed.is_empty(),
        "too_many": too_many,
        "max": MAX_BATCH,
        "back": back,
    });
    let html = render(&state, "mot-cua/batch.html", "Chuyển bước nhiều hồ sơ", ctx)?;
    Ok(Html(html).into_response())
}
