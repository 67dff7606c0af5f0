//! `/api/v1/agencies/{id}/form-wording`: an agency's wording of the printed forms (its
//! override of the shipped wording), for administrators holding `catalog.import` over the
//! whole installation — the same service the command line (`motcua forms wording …`) calls.

use axum::{Json, extract::State, http::StatusCode};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    auth::Principal,
    error::{ApiError, ErrorBody},
    extract::{ApiJson, ApiPath},
    state::AppState,
};

/// An agency's form wording.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormWordingView {
    /// The agency.
    pub agency_id: String,
    /// Its override as it was set (TOML, only the entries it changes); `null` when its forms
    /// print the shipped wording.
    #[serde(rename = "override")]
    pub override_text: Option<String>,
    /// Who set it (`user:<id>`, `cli`).
    pub set_by: Option<String>,
    /// When.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub set_at: Option<Timestamp>,
    /// What its forms print: the whole wording, the shipped one with the override on top,
    /// as TOML.
    pub effective: String,
    /// Whether the effective wording says it was checked against the official text.
    pub verified: bool,
}

/// A new override.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetFormWording {
    /// TOML in the shape of the shipped wording file with only the entries to change, e.g.
    /// `[receipt]\ntitle = "GIẤY BIÊN NHẬN HỒ SƠ"`. At most 64 KiB.
    #[schema(example = "[receipt]\ntitle = \"GIẤY BIÊN NHẬN HỒ SƠ\"\n")]
    pub wording: String,
}

async fn view(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<FormWordingView, ApiError> {
    let now = state.clock.now();
    let stored = state.wording.override_of(&principal.actor, now, id).await?;
    let effective = state
        .wording
        .effective_for(&principal.actor, now, id)
        .await?;
    let text = effective
        .to_toml()
        .map_err(|e| ApiError::internal(format!("form wording as TOML: {e}")))?;
    Ok(FormWordingView {
        agency_id: id.to_owned(),
        set_by: stored.as_ref().map(|s| s.set_by.clone()),
        set_at: stored.as_ref().map(|s| s.set_at),
        override_text: stored.map(|s| s.wording),
        effective: text,
        verified: effective.meta.verified,
    })
}

/// An agency's form wording: its override, if any, and the whole wording its forms print.
#[utoipa::path(
    get,
    path = "/api/v1/agencies/{id}/form-wording",
    tag = "agencies",
    operation_id = "get_form_wording",
    security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "Agency id", example = "bn.x07210.tt")),
    responses(
        (status = 200, description = "The agency's wording", body = FormWordingView),
        (status = 403, description = "No `catalog.import` over the whole installation", body = ErrorBody),
        (status = 404, description = "No such agency", body = ErrorBody),
    )
)]
pub async fn get_form_wording(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<FormWordingView>, ApiError> {
    Ok(Json(view(&state, &principal, &id).await?))
}

/// Sets an agency's override of the form wording, replacing any earlier one. It must load
/// over the shipped wording: an unknown entry, a placeholder the entry does not offer, an
/// unpaired `**` or a value that is not text is refused (422) with the entry named. Forms
/// printed afterwards use it (other nodes within `server.refresh_seconds`).
#[utoipa::path(
    put,
    path = "/api/v1/agencies/{id}/form-wording",
    tag = "agencies",
    operation_id = "set_form_wording",
    security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "Agency id", example = "bn.x07210.tt")),
    request_body = SetFormWording,
    responses(
        (status = 200, description = "Set", body = FormWordingView),
        (status = 403, description = "No `catalog.import` over the whole installation", body = ErrorBody),
        (status = 404, description = "No such agency", body = ErrorBody),
        (status = 422, description = "The override does not load; the message names the entry", body = ErrorBody),
    )
)]
pub async fn set_form_wording(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<SetFormWording>,
) -> Result<Json<FormWordingView>, ApiError> {
    state
        .wording
        .set(&principal.actor, state.clock.now(), &id, &req.wording)
        .await?;
    Ok(Json(view(&state, &principal, &id).await?))
}

/// Removes an agency's override: its forms print the shipped wording again.
#[utoipa::path(
    delete,
    path = "/api/v1/agencies/{id}/form-wording",
    tag = "agencies",
    operation_id = "clear_form_wording",
    security(("bearer" = []), ("session" = [])),
    params(("id" = String, Path, description = "Agency id", example = "bn.x07210.tt")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "No `catalog.import` over the whole installation", body = ErrorBody),
        (status = 404, description = "No such agency, or it has no override", body = ErrorBody),
    )
)]
pub async fn clear_form_wording(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    state
        .wording
        .clear(&principal.actor, state.clock.now(), &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
