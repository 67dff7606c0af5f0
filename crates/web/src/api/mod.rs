//! The JSON API under `/api/v1`. The router *is* the OpenAPI document: every route is
//! registered through `utoipa-axum`, so an undocumented route cannot exist.

use axum::{Json, Router, routing::get};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

pub mod admin;
pub mod agencies;
pub mod auth;
pub mod calendar;
pub mod document;
pub mod dossiers;
pub mod form_wording;
pub mod forms;
pub mod health;
pub mod import;
pub mod procedures;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "motcua API",
        version = "1",
        description = "Public service portal and electronic one-stop back office for Vietnamese \
administrative procedures. Errors are `{\"error\": {\"code\", \"message\"}}` with a 4xx status \
for bad input; a 5xx is always a defect. Instants are RFC 3339 with an offset.",
        license(name = "AGPL-3.0-or-later")
    ),
    tags(
        (name = "catalog", description = "Administrative procedures (thủ tục hành chính)"),
        (name = "agencies", description = "Agencies as dated data"),
        (name = "calendar", description = "Working-time calendar, statutory due dates, lunar calendar"),
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "API tokens and the authenticated account"),
        (name = "admin", description = "Officials, grants and the audit log"),
        (name = "dossiers", description = "Dossiers (hồ sơ): submission, actions, inbox, lookup"),
    )
)]
struct ApiDoc;

/// The API routes and their OpenAPI document.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::get_health))
        .routes(routes!(health::get_readiness))
        .routes(routes!(procedures::list_procedures))
        .routes(routes!(procedures::get_procedure))
        .routes(routes!(procedures::list_procedure_versions))
        .routes(routes!(procedures::list_fields))
        .routes(routes!(agencies::list_agencies))
        .routes(routes!(
            form_wording::get_form_wording,
            form_wording::set_form_wording,
            form_wording::clear_form_wording
        ))
        .routes(routes!(calendar::get_lunar_date))
        .routes(routes!(calendar::get_due))
        .routes(routes!(calendar::get_calendar_year))
        .routes(routes!(import::import_procedures))
        .routes(routes!(auth::create_token, auth::revoke_token))
        .routes(routes!(auth::me))
        .routes(routes!(admin::list_officials, admin::create_official))
        .routes(routes!(admin::disable_user))
        .routes(routes!(admin::list_grants, admin::create_grant))
        .routes(routes!(admin::revoke_grant))
        .routes(routes!(admin::list_audit))
        .routes(routes!(dossiers::submit_dossier))
        .routes(routes!(dossiers::get_dossier))
        .routes(routes!(dossiers::act_on_dossier))
        .routes(routes!(dossiers::inbox))
        .routes(routes!(dossiers::my_dossiers))
        .routes(routes!(dossiers::lookup_dossier))
        .routes(routes!(dossiers::upload_file))
        .routes(routes!(dossiers::get_dossier_file))
        .routes(routes!(forms::get_dossier_form))
        .routes(routes!(forms::get_ledger))
        .split_for_parts()
}

/// The OpenAPI document as served at `/api/v1/openapi.json`, with each operation's access
/// rule (`x-permission`) from [`crate::auth::routes`], and the answers and parameter forms of
/// [`document`].
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = router().1;
    complete(&mut doc);
    doc
}

/// Completes the document the router produced (what [`openapi`] serves).
pub fn complete(doc: &mut utoipa::openapi::OpenApi) {
    crate::auth::routes::annotate(doc);
    document::complete(doc);
}

/// Adds the document route to the API router.
pub fn with_document(router: Router<AppState>, doc: utoipa::openapi::OpenApi) -> Router<AppState> {
    let doc = std::sync::Arc::new(doc);
    router.route(
        "/api/v1/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { Json(doc.as_ref().clone()) }
        }),
    )
}
