//! Extractors whose rejections are [`ApiError`]s, so malformed query strings, paths and
//! bodies get the same error envelope as every other bad input: JSON under `/api/`, an error
//! page on the pages (which use [`ApiQuery`] and [`ApiPath`] too).

use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Path, Query, Request},
    http::{HeaderMap, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::de::DeserializeOwned;

use crate::{edge, error::ApiError};

/// A rejection, answered the way the side of the site it happened on answers errors.
#[derive(Debug)]
pub struct Rejection {
    api: bool,
    /// The error.
    pub error: ApiError,
}

impl Rejection {
    fn new(parts: &Parts, error: ApiError) -> Self {
        Self {
            api: edge::is_api_path(parts.uri.path()),
            error,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        edge::respond(self.api, self.error)
    }
}

/// `Query<T>` with enveloped errors.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| Self(v))
            .map_err(|e| {
                Rejection::new(
                    parts,
                    ApiError::bad_request(
                        "invalid_parameter",
                        format!("Tham số truy vấn không hợp lệ: {}", e.body_text()),
                    ),
                )
            })
    }
}

/// `Path<T>` with enveloped errors.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| Self(v))
            .map_err(|e| {
                Rejection::new(
                    parts,
                    ApiError::bad_request(
                        "invalid_path",
                        format!("Đường dẫn không hợp lệ: {}", e.body_text()),
                    ),
                )
            })
    }
}

/// The raw request body, with JSON errors: 413 over the edge's cap, 408 when the client
/// stopped sending, 400 when the body broke off (see [`edge::read_body`]).
#[derive(Debug)]
pub struct ApiBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        edge::read_body(req.into_body()).await.map(Self)
    }
}

/// `Json<T>` with JSON errors (including 413 and 408 from the body, see [`ApiBody`]).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(ApiError::bad_request(
                "unsupported_media_type",
                "Hãy gửi nội dung JSON với tiêu đề Content-Type: application/json.",
            ));
        }
        let bytes = edge::read_body(req.into_body()).await?;
        axum::Json::<T>::from_bytes(&bytes)
            .map(|axum::Json(v)| Self(v))
            .map_err(|e| {
                ApiError::bad_request(
                    "invalid_body",
                    format!("Nội dung JSON không hợp lệ: {}", e.body_text()),
                )
            })
    }
}

/// Whether the request says its body is JSON (`application/json` or `application/…+json`).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn json_content_types() {
        let with = |ct: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            is_json(&h)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; charset=utf-8"));
        assert!(with("application/merge-patch+json"));
        assert!(!with("text/json+plain"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!is_json(&HeaderMap::new()));
    }
}
