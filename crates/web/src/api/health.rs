//! Liveness and readiness.

use axum::{Json, extract::State, http::StatusCode, response::IntoResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::AppState;

/// Liveness: the process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    operation_id = "get_health",
    responses((status = 200, description = "The process is alive", body = String, content_type = "text/plain"))
)]
pub async fn get_health() -> &'static str {
    "ok"
}

/// Readiness report.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ready` or `not_ready`.
    #[schema(example = "ready")]
    pub status: &'static str,
    /// Storage engine.
    #[schema(example = "sqlite")]
    pub engine: &'static str,
    /// Procedures in force in the in-memory catalog.
    pub procedures: usize,
}

/// Readiness: the database answers and the catalog is loaded.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    operation_id = "get_readiness",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "Not ready (database unreachable)", body = Readiness),
    )
)]
pub async fn get_readiness(State(state): State<AppState>) -> impl IntoResponse {
    let engine = state.store.engine().name();
    let procedures = state.catalog.get().len();
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Readiness {
                status: "ready",
                engine,
                procedures,
            }),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Readiness {
                    status: "not_ready",
                    engine,
                    procedures,
                }),
            )
        }
    }
}
