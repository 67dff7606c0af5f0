//! The HTTP edge: what every request passes before it reaches a route, and the rule that every
//! error a client can provoke is answered in the error envelope — JSON under `/api/`, an HTML
//! page elsewhere.
//!
//! - The request line and the headers have limits ([`MAX_URI_BYTES`], [`MAX_HEADER_BYTES`],
//!   [`MAX_HEADERS`]) answered here with 414 and 431. The server's connection layer (hyper) is
//!   configured with larger hard limits, so that only a request beyond those gets hyper's own
//!   answer (see `motcua::serve`).
//! - Bodies are capped ([`crate::BODY_LIMIT`], [`crate::MAX_FILE_BYTES`] for uploads) whether
//!   declared or chunked, and time out when the client stops sending
//!   ([`EdgeLimits::body_timeout`]): 413 and 408 from every extractor ([`read_body`]).
//! - The whole request has a deadline ([`EdgeLimits::request_timeout`]): 408 when it was spent
//!   waiting for the client's body, 503 when the server was slow.
//! - Query and path values with control characters are refused with a 400 naming the
//!   parameter before any handler or query sees them ([`reject_control_characters`]).
//! - Anything that still leaves without the envelope (a rejection of an extractor we do not
//!   wrap, a panic) is re-dressed on its way out.

mod body;
mod controls;
mod envelope;

use std::{sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{HeaderMap, Uri, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

pub use body::{body_failure, read_body};
pub use controls::{bad_form_field, has_control_characters, reject_control_characters};

use crate::{error::ApiError, pages::PageError};

/// Longest request target (path and query) answered normally; longer ones are 414.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// Most header bytes (names and values) in a request; more is 431.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;
/// Most header lines in a request; more is 431.
pub const MAX_HEADERS: usize = 100;

/// The edge's timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EdgeLimits {
    /// The longest a request may take, from its headers to the handler's answer.
    pub request_timeout: Duration,
    /// The longest wait for the next piece of a request body.
    pub body_timeout: Duration,
}

impl Default for EdgeLimits {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(10),
        }
    }
}

/// Whether `path` belongs to the JSON API (errors as JSON) rather than the pages (HTML).
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/")
}

/// `e` answered the way its part of the site answers errors: the JSON envelope under `/api/`,
/// an error page elsewhere.
pub fn respond(api: bool, e: ApiError) -> Response {
    if api {
        e.into_response()
    } else {
        PageError(e).into_response()
    }
}

/// The JSON envelope for an error the connection layer answers before any request reaches
/// the application (a request it cannot parse: 400, 414, 431), for the server to send instead
/// of hyper's empty body.
pub fn connection_error_json(status: axum::http::StatusCode) -> Vec<u8> {
    let e = match status {
        axum::http::StatusCode::URI_TOO_LONG => ApiError::UriTooLong,
        axum::http::StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => ApiError::HeadersTooLarge,
        s => ApiError::Http {
            status: s,
            message: "Yêu cầu HTTP sai định dạng, không đọc được.".to_owned(),
        },
    };
    serde_json::to_vec(&e.envelope()).unwrap_or_default()
}

/// The edge middleware (outermost but for request ids and tracing).
pub async fn edge(State(limits): State<EdgeLimits>, req: Request, next: Next) -> Response {
    let api = is_api_path(req.uri().path());
    if uri_len(req.uri()) > MAX_URI_BYTES {
        return respond(api, ApiError::UriTooLong);
    }
    if headers_too_large(req.headers()) {
        return respond(api, ApiError::HeadersTooLarge);
    }
    let limit = if req.uri().path() == "/api/v1/files" {
        crate::MAX_FILE_BYTES
    } else if crate::pages::portal::takes_files(req.uri().path())
        || crate::pages::office::takes_files(req.uri().path())
    {
        crate::MAX_FORM_FILES_BYTES
    } else {
        crate::BODY_LIMIT
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return respond(api, ApiError::PayloadTooLarge);
    }
    // Capped (an undeclared, chunked body is cut off while reading), timed between pieces,
    // and watched for the deadline below.
    let progress = Arc::new(body::BodyProgress::default());
    let (parts, inner) = req.into_parts();
    let watched = body::Watched::new(inner, progress.clone());
    let timed = tower_http::timeout::TimeoutBody::new(limits.body_timeout, watched);
    let capped = Body::new(http_body_util::Limited::new(timed, limit));
    let req = Request::from_parts(parts, capped);
    match tokio::time::timeout(limits.request_timeout, next.run(req)).await {
        Ok(response) => envelope::ensure(api, response).await,
        Err(_) if progress.waiting_for_client() => respond(api, ApiError::RequestTimeout),
        Err(_) => respond(
            api,
            ApiError::unavailable(format!(
                "no answer within {} s",
                limits.request_timeout.as_secs()
            )),
        ),
    }
}

/// The request target's length as sent (an absolute-form target counts its scheme and host).
fn uri_len(uri: &Uri) -> usize {
    uri.path_and_query().map_or(0, |p| p.as_str().len())
        + uri.authority().map_or(0, |a| a.as_str().len())
        + uri.scheme_str().map_or(0, |s| s.len() + 3)
}

fn headers_too_large(headers: &HeaderMap) -> bool {
    // `HeaderMap::len` counts every value of a repeated header.
    headers.len() > MAX_HEADERS
        || headers
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len())
            .sum::<usize>()
            > MAX_HEADER_BYTES
}

#[cfg(test)]
mod tests {
    use std::{
        pin::Pin,
        task::{Context, Poll},
    };

    use axum::{
        Router,
        http::{HeaderValue, StatusCode},
        routing::{get, post},
    };
    use tower::ServiceExt;

    use super::*;

    /// A body whose client never sends anything.
    struct Silent;

    impl http_body::Body for Silent {
        type Data = axum::body::Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
            Poll::Pending
        }
    }

    async fn call(path: &str, body: Body) -> (StatusCode, String, String) {
        let slow = || async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            "late"
        };
        let app = Router::new()
            .route("/api/v1/slow", get(slow))
            .route("/trang-cham", get(slow))
            .route(
                "/api/v1/echo",
                post(|crate::extract::ApiBody(b): crate::extract::ApiBody| async move { b }),
            )
            .layer(axum::middleware::from_fn_with_state(
                EdgeLimits {
                    request_timeout: Duration::from_millis(300),
                    body_timeout: Duration::from_millis(100),
                },
                edge,
            ));
        let method = if path.contains("echo") { "POST" } else { "GET" };
        let req = Request::builder()
            .method(method)
            .uri(path)
            .body(body)
            .unwrap();
        let r = app.oneshot(req).await.unwrap();
        let status = r.status();
        let ct = r.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        let bytes = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, ct, String::from_utf8_lossy(&bytes).into_owned())
    }

    #[tokio::test]
    async fn timeouts_are_answered_in_the_envelope_and_blame_the_right_side() {
        // The server was slow: 503, JSON or a page.
        let (status, ct, body) = call("/api/v1/slow", Body::empty()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            ct.starts_with("application/json") && body.contains("\"unavailable\""),
            "{body}"
        );
        let (status, ct, _) = call("/trang-cham", Body::empty()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(ct.starts_with("text/html"), "{ct}");
        // The client stopped sending its body: 408.
        let (status, ct, body) = call("/api/v1/echo", Body::new(Silent)).await;
        assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
        assert!(
            ct.starts_with("application/json") && body.contains("\"request_timeout\""),
            "{body}"
        );
        // A body that arrives is read.
        let (status, _, body) = call("/api/v1/echo", Body::from("xin chào")).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "xin chào"));
    }

    #[test]
    fn limits_count_what_was_sent() {
        let uri: Uri = format!("/api/v1/procedures?q={}", "a".repeat(100))
            .parse()
            .unwrap();
        assert_eq!(uri_len(&uri), 121);
        let abs: Uri = "http://example.vn/a?b".parse().unwrap();
        assert_eq!(uri_len(&abs), "http://example.vn/a?b".len());
        let mut h = HeaderMap::new();
        h.insert("x-a", HeaderValue::from_static("1"));
        assert!(!headers_too_large(&h));
        for i in 0..MAX_HEADERS {
            h.append("x-many", HeaderValue::from_str(&i.to_string()).unwrap());
        }
        assert!(headers_too_large(&h), "repeated headers count one by one");
        let mut big = HeaderMap::new();
        big.insert(
            "cookie",
            HeaderValue::from_str(&"a".repeat(MAX_HEADER_BYTES)).unwrap(),
        );
        assert!(headers_too_large(&big));
    }
}
