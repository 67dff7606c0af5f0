//! The last line of the error envelope: an error response that leaves without it — a rejection
//! answered by axum or a layer in plain text or with no body at all — is re-dressed as the
//! envelope of its part of the site, keeping its status.

use axum::{
    http::{HeaderName, StatusCode, header},
    response::Response,
};

use super::respond;
use crate::error::ApiError;

/// Headers of the original answer that still hold for the re-dressed one.
const KEPT: [HeaderName; 3] = [header::ALLOW, header::RETRY_AFTER, header::WWW_AUTHENTICATE];

/// Longest plain-text reason kept (axum's rejections are one sentence).
const REASON_BYTES: usize = 1024;

/// `response`, or its re-dressed equivalent when it is an error without the envelope.
pub(super) async fn ensure(api: bool, response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // JSON is the API's envelope, and also what the few JSON routes outside `/api/` answer
    // (readiness); HTML is the pages'.
    if content_type.starts_with("application/json")
        || (!api && content_type.starts_with("text/html"))
    {
        return response;
    }
    let plain = content_type.starts_with("text/plain");
    let (parts, body) = response.into_parts();
    let reason = if plain {
        axum::body::to_bytes(body, REASON_BYTES)
            .await
            .ok()
            .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
            .filter(|r| !r.is_empty())
    } else {
        None
    };
    let mut out = respond(api, redress(status, reason));
    for name in KEPT {
        if let Some(v) = parts.headers.get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

/// The error a bare status (and the machinery's reason, if any) stands for.
fn redress(status: StatusCode, reason: Option<String>) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => {
            ApiError::not_found("Không tìm thấy đường dẫn hoặc đối tượng này.")
        }
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::REQUEST_TIMEOUT => ApiError::RequestTimeout,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::URI_TOO_LONG => ApiError::UriTooLong,
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => ApiError::HeadersTooLarge,
        s if s.is_server_error() => ApiError::Http {
            status: s,
            message: reason.unwrap_or_else(|| "an error status without a body".to_owned()),
        },
        s => {
            let said = match s {
                StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                    "Kiểu nội dung (Content-Type) không được hỗ trợ."
                }
                StatusCode::LENGTH_REQUIRED => "Hãy gửi kèm độ dài nội dung (Content-Length).",
                StatusCode::UNPROCESSABLE_ENTITY => "Nội dung yêu cầu không hợp lệ.",
                _ => "Yêu cầu không hợp lệ.",
            };
            ApiError::Http {
                status: s,
                message: match reason {
                    Some(r) => format!("{said} ({r})"),
                    None => said.to_owned(),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::{body::Body, response::IntoResponse};

    use super::*;

    async fn redressed(api: bool, r: Response) -> (StatusCode, String, String) {
        let out = ensure(api, r).await;
        let ct = out
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let status = out.status();
        let body = axum::body::to_bytes(out.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, ct, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn bare_and_plain_errors_get_the_envelope_of_their_side() {
        let plain = (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Expected request with `Content-Type: application/json`",
        )
            .into_response();
        let (status, ct, body) = redressed(true, plain).await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(ct.starts_with("application/json"), "{ct}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["code"], "unsupported_media_type");
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("Content-Type")
        );

        let bare = Response::builder()
            .status(StatusCode::SERVICE_UNAVAILABLE)
            .body(Body::empty())
            .unwrap();
        let (status, ct, body) = redressed(false, bare).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(ct.starts_with("text/html"), "{ct}");
        assert!(
            body.contains("<html") || body.contains("<!doctype"),
            "{body}"
        );

        // A server error's text is never shown.
        let leak = (StatusCode::INTERNAL_SERVER_ERROR, "secret detail").into_response();
        let (_, _, body) = redressed(true, leak).await;
        assert!(!body.contains("secret"), "{body}");
        assert!(body.contains("\"internal\""), "{body}");
    }

    #[tokio::test]
    async fn enveloped_and_successful_answers_pass_untouched() {
        let ok = (StatusCode::OK, "ok").into_response();
        let (status, _, body) = redressed(true, ok).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
        let json = ApiError::conflict("x").into_response();
        let (status, _, body) = redressed(false, json).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body.contains("\"conflict\""), "{body}");
        let mut limited = (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response();
        limited
            .headers_mut()
            .insert(header::RETRY_AFTER, "7".parse().unwrap());
        let out = ensure(true, limited).await;
        assert_eq!(
            out.headers()[header::RETRY_AFTER],
            "7",
            "Retry-After is kept"
        );
    }
}
