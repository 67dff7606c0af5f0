//! Static assets, embedded in the binary and served with long cache lifetimes.

use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

/// One embedded asset.
fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            // Assets change only with a new binary; an hour keeps pages fast without making
            // upgrades confusing.
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /assets/style.css`
pub async fn style() -> Response {
    asset(
        include_str!("../assets/style.css"),
        "text/css; charset=utf-8",
    )
}

/// `GET /assets/app.js`
pub async fn script() -> Response {
    asset(
        include_str!("../assets/app.js"),
        "text/javascript; charset=utf-8",
    )
}

/// `GET /assets/favicon.svg`
pub async fn favicon() -> Response {
    asset(include_str!("../assets/favicon.svg"), "image/svg+xml")
}

/// `GET /assets/office.css`: the officials' workspace only (dense tables, action panels), so
/// the portal's pages do not carry it.
pub async fn office_style() -> Response {
    asset(
        include_str!("../assets/office.css"),
        "text/css; charset=utf-8",
    )
}
