//! HTTP for motcua: the `/api/v1` JSON API (with its OpenAPI document) and the server-rendered
//! portal pages. Both are thin layers over the same services: the in-memory [`catalog`], the
//! storage contract and the pure core.

pub mod api;
mod assets;
pub mod auth;
pub mod dossier;
pub mod edge;
pub mod error;
pub mod extract;
pub mod mail;
pub mod mails;
pub mod pages;
pub mod present;
pub mod search;
pub mod state;

use axum::{
    Router,
    body::Body,
    extract::DefaultBodyLimit,
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
    trace::TraceLayer,
};

pub use error::ApiError;
pub use state::{AppState, Site};

/// Largest request body accepted by default (uploads get [`MAX_FILE_BYTES`]); the edge
/// enforces both.
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
    let mut routes: Vec<PageRoute> = vec![
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
    ];
    routes.extend(pages::portal::routes());
    routes.extend(pages::office::routes());
    routes
}

/// The whole HTTP application, with the default [`edge::EdgeLimits`].
pub fn router(state: AppState) -> Router {
    router_with(state, edge::EdgeLimits::default())
}

/// The whole HTTP application.
///
/// Every request passes the [`edge`] (size limits, timeouts, the error envelope). Every route
/// then passes [`edge::reject_control_characters`] and [`auth::guard::guard`] (as route
/// layers, so they know which route matched): undeclared routes are refused, credentials
/// resolved, CSRF checked and the route's access rule applied before any handler runs.
pub fn router_with(state: AppState, limits: edge::EdgeLimits) -> Router {
    let (api, mut doc) = api::router();
    api::complete(&mut doc);
    let api = api::with_document(api, doc);
    let mut pages = Router::new();
    for (path, _, handlers) in page_routes() {
        pages = pages.route(path, handlers);
    }
    let request_id = HeaderName::from_static("x-request-id");
    let https = state.auth.config.https();
    api.merge(pages)
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::guard::guard))
        .route_layer(middleware::from_fn(edge::reject_control_characters))
        .fallback(not_found)
        .with_state(state)
        // The edge caps bodies per route; axum's own 2 MB default would cut uploads short.
        .layer(DefaultBodyLimit::disable())
        // A bare 500 that the edge dresses (and logs) for the side of the site it came from.
        .layer(CatchPanicLayer::custom(|_| {
            (StatusCode::INTERNAL_SERVER_ERROR, "handler panicked").into_response()
        }))
        // Inside the header layers below, so that what the edge answers carries them too.
        .layer(middleware::from_fn_with_state(limits, edge::edge))
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
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            // Only the path: query strings may hold personal data.
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request.id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}

/// Largest uploaded file (a scan, an electronic result); the README and the OpenAPI document
/// quote it.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Largest body of a page form that carries files (the documents step, a supplement): a few
/// files of [`MAX_FILE_BYTES`] at once; more are added by saving the step again.
pub const MAX_FORM_FILES_BYTES: usize = 3 * MAX_FILE_BYTES;

/// Unknown paths: JSON under `/api/`, an HTML page elsewhere.
async fn not_found(req: Request<Body>) -> Response {
    if edge::is_api_path(req.uri().path()) {
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
