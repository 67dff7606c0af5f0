//! HTTP for motcua: the `/api/v1` JSON API (with its OpenAPI document) and the server-rendered
//! portal pages. Both are thin layers over the same services: the in-memory [`catalog`], the
//! storage contract and the pure core.

pub mod api;
mod assets;
pub mod auth;
pub mod dossier;
pub mod error;
pub mod extract;
pub mod mail;
pub mod mails;
pub mod pages;
pub mod present;
pub mod search;
pub mod state;

use std::time::Duration;

use axum::{
    Router,
    body::Body,
    http::{HeaderName, HeaderValue, Request, StatusCode, header},
    middleware,
    response::{IntoResponse, Response},
    routing::{MethodRouter, get, post},
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};

pub use error::ApiError;
pub use state::{AppState, Site};

/// Largest request body accepted by default (uploads get their own, larger limit).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A page route: its path, the methods it answers (each declared in
/// [`auth::routes::ROUTES`]), and its handlers.
pub type PageRoute = (
    &'static str,
    &'static [&'static str],
    MethodRouter<AppState>,
);

/// The portal's pages and assets.
pub fn page_routes() -> Vec<PageRoute> {
    use pages::{account, login};
    vec![
        ("/", &["GET"], get(pages::home::home)),
        ("/thu-tuc", &["GET"], get(pages::catalog::search)),
        ("/thu-tuc/{code}", &["GET"], get(pages::catalog::procedure)),
        ("/co-quan", &["GET"], get(pages::agencies::agencies)),
        (
            "/lich-lam-viec",
            &["GET"],
            get(pages::calendar::calendar_page),
        ),
        (
            "/lich-lam-viec/tinh-han",
            &["GET"],
            get(pages::calendar::due_page),
        ),
        ("/assets/style.css", &["GET"], get(assets::style)),
        ("/assets/app.js", &["GET"], get(assets::script)),
        ("/assets/favicon.svg", &["GET"], get(assets::favicon)),
        (
            "/dang-nhap",
            &["GET", "POST"],
            get(login::login_form).post(login::login_submit),
        ),
        (
            "/dang-nhap/xac-thuc",
            &["GET", "POST"],
            get(login::challenge_form).post(login::challenge_submit),
        ),
        (
            "/dang-nhap/oidc/{provider}",
            &["POST"],
            post(login::oidc_start),
        ),
        (
            "/dang-nhap/oidc/{provider}/callback",
            &["GET"],
            get(login::oidc_callback),
        ),
        ("/dang-xuat", &["POST"], post(login::logout)),
        (
            "/dang-ky",
            &["GET", "POST"],
            get(login::register_form).post(login::register_submit),
        ),
        (
            "/quen-mat-khau",
            &["GET", "POST"],
            get(login::forgot_form).post(login::forgot_submit),
        ),
        (
            "/dat-lai-mat-khau",
            &["GET", "POST"],
            get(login::reset_form).post(login::reset_submit),
        ),
        ("/xac-minh-email", &["GET"], get(login::verify_email)),
        ("/tai-khoan", &["GET"], get(account::account)),
        (
            "/tai-khoan/dang-xuat-tat-ca",
            &["POST"],
            post(account::logout_everywhere),
        ),
        (
            "/tai-khoan/ma-truy-cap",
            &["POST"],
            post(account::create_token),
        ),
        (
            "/tai-khoan/ma-truy-cap/{id}/thu-hoi",
            &["POST"],
            post(account::revoke_token),
        ),
        (
            "/tai-khoan/xac-thuc-hai-buoc",
            &["GET", "POST"],
            get(account::totp_setup).post(account::totp_enable),
        ),
        (
            "/tai-khoan/xac-thuc-hai-buoc/tat",
            &["POST"],
            post(account::totp_disable),
        ),
    ]
}

/// The whole HTTP application.
///
/// Every route passes through [`auth::guard::guard`] (as a route layer, so it knows which
/// route matched): undeclared routes are refused, credentials resolved, CSRF checked and the
/// route's access rule applied before any handler runs.
pub fn router(state: AppState) -> Router {
    let (api, mut doc) = api::router();
    auth::routes::annotate(&mut doc);
    let api = api::with_document(api, doc);
    let mut pages = Router::new();
    for (path, _, handlers) in page_routes() {
        pages = pages.route(path, handlers);
    }
    let request_id = HeaderName::from_static("x-request-id");
    let https = state.auth.config.https();
    api.merge(pages)
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::guard::guard))
        .fallback(not_found)
        .with_state(state)
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
                 browsing-topics=()",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            // Only over HTTPS (a header sent over plain HTTP is ignored anyway, and a local
            // installation must not pin browsers to HTTPS it does not serve).
            https.then(|| HeaderValue::from_static("max-age=31536000")),
        ))
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
        .layer(axum::middleware::from_fn(limit_body))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("handler panicked".to_owned()).into_response()
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            // Only the path: query strings may hold personal data.
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request.id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Largest uploaded file (a scan, an electronic result).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Caps request bodies: [`BODY_LIMIT`] everywhere but the upload route, which takes one file
/// of up to [`MAX_FILE_BYTES`]. A declared length over the cap is refused before reading; an
/// undeclared one is cut off while reading (the extractor then answers 413).
async fn limit_body(req: Request<Body>, next: axum::middleware::Next) -> Response {
    let limit = if req.uri().path() == "/api/v1/files" {
        MAX_FILE_BYTES
    } else {
        BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return ApiError::PayloadTooLarge.into_response();
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// Unknown paths: JSON under `/api/`, an HTML page elsewhere.
async fn not_found(req: Request<Body>) -> Response {
    if req.uri().path().starts_with("/api/") {
        ApiError::not_found("Không có đường dẫn API này; xem /api/v1/openapi.json.".to_owned())
            .into_response()
    } else {
        pages::error_page(
            StatusCode::NOT_FOUND,
            "Không tìm thấy trang",
            "Trang bạn tìm không tồn tại hoặc đã được chuyển đi.",
        )
    }
}
