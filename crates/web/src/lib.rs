//! HTTP for motcua: the `/api/v1` JSON API (with its OpenAPI document) and the server-rendered
//! portal pages. Both are thin layers over the same services: the in-memory [`catalog`], the
//! storage contract and the pure core.

pub mod api;
mod assets;
pub mod calendar;
pub mod catalog;
pub mod error;
pub mod extract;
pub mod pages;
pub mod present;
pub mod search;
pub mod state;

use std::time::Duration;

use axum::{
    Router,
    body::Body,
    http::{HeaderName, HeaderValue, Request, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

pub use error::ApiError;
pub use state::{AppState, Site};

/// Largest request body accepted by default (uploads get their own, larger limit).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let (api, doc) = api::router();
    let api = api::with_document(api, doc);
    let pages = Router::new()
        .route("/", get(pages::home::home))
        .route("/thu-tuc", get(pages::catalog::search))
        .route("/thu-tuc/{code}", get(pages::catalog::procedure))
        .route("/co-quan", get(pages::agencies::agencies))
        .route("/lich-lam-viec", get(pages::calendar::calendar_page))
        .route("/lich-lam-viec/tinh-han", get(pages::calendar::due_page))
        .route("/assets/style.css", get(assets::style))
        .route("/assets/app.js", get(assets::script))
        .route("/assets/favicon.svg", get(assets::favicon));
    let request_id = HeaderName::from_static("x-request-id");
    api.merge(pages)
        .fallback(not_found)
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
            ),
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal("handler panicked".to_owned()).into_response()
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            // Only the path: query strings may hold personal data.
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request.id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Unknown paths: JSON under `/api/`, an HTML page elsewhere.
async fn not_found(req: Request<Body>) -> Response {
    if req.uri().path().starts_with("/api/") {
        ApiError::NotFound("Không có đường dẫn API này; xem /api/v1/openapi.json.".to_owned())
            .into_response()
    } else {
        pages::error_page(
            StatusCode::NOT_FOUND,
            "Không tìm thấy trang",
            "Trang bạn tìm không tồn tại hoặc đã được chuyển đi.",
        )
    }
}
