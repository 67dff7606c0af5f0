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
        from_json(&bytes).map(Self).map_err(|e| {
            let detail = match e {
                JsonError::Syntax(e) => e.to_string(),
                JsonError::Data { path, error } => format!("{path}: {error}"),
            };
            ApiError::bad_request(
                "invalid_body",
                format!("Nội dung JSON không hợp lệ: {detail}"),
            )
        })
    }
}

/// Why a JSON body could not be read.
#[derive(Debug)]
pub enum JsonError {
    /// Not JSON at all.
    Syntax(serde_json::Error),
    /// JSON that does not fit the request: the field's path (`.` for the whole body) and why.
    Data {
        /// Where, as `applicant.citizen_id` or `components[1].files[0]`.
        path: String,
        /// What is wrong there.
        error: serde_json::Error,
    },
}

/// Reads a JSON body as `T`. A number with a zero fraction (`3.0`) counts as the integer it is:
/// JSON Schema — and so the API document — calls it an integer, while serde's integer types
/// refuse it, so a client that writes every number as a float would be refused for nothing.
pub fn from_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(JsonError::Syntax)?;
    whole_numbers(&mut value);
    serde_path_to_error::deserialize(value).map_err(|e| JsonError::Data {
        path: e.path().to_string(),
        error: e.into_inner(),
    })
}

/// Rewrites integral floats within the 64-bit integer range as integers, everywhere in `v`.
fn whole_numbers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 9.2e18
            {
                // In range and integral: the conversion is exact.
                *v = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// Whether the request says its body is JSON (`application/json` or `application/…+json`).
pub(crate) fn is_json(headers: &HeaderMap) -> bool {
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

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Sample {
        revision: i64,
        index: Vec<usize>,
        days: Option<f64>,
    }

    #[test]
    fn whole_numbers_written_as_floats_are_integers() {
        let s: Sample =
            from_json(br#"{"revision": 3.0, "index": [0, 2.0, 1e3], "days": 2.0}"#).unwrap();
        assert_eq!(
            s,
            Sample {
                revision: 3,
                index: vec![0, 2, 1000],
                days: Some(2.0)
            }
        );
        // A fraction stays a fraction, and is refused where an integer belongs, at its path.
        match from_json::<Sample>(br#"{"revision": 1, "index": [0.5]}"#) {
            Err(JsonError::Data { path, .. }) => assert_eq!(path, "index[0]"),
            other => panic!("{other:?}"),
        }
        // Beyond the 64-bit range a float is left as it is (and refused as an integer).
        assert!(matches!(
            from_json::<Sample>(br#"{"revision": 1e300, "index": []}"#),
            Err(JsonError::Data { .. })
        ));
        assert!(matches!(
            from_json::<Sample>(b"{"),
            Err(JsonError::Syntax(_))
        ));
    }
}
