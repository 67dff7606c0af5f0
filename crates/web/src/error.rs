//! The web boundary's one error type, mapped to HTTP in exactly one place.
//!
//! A client can cause only 4xx answers: every handler validates its input into an
//! [`ApiError`] with a stable machine `code` and a Vietnamese `message` saying what to send
//! instead. A 5xx means a defect or an outage; its details are logged once here and never
//! shown to the client.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use motcua_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// The JSON error envelope: `{"error": {"code": "...", "message": "..."}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// One error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `invalid_parameter`, `not_found`.
    #[schema(example = "invalid_parameter")]
    pub code: String,
    /// Human-readable explanation (Vietnamese) of what was wrong and what to send.
    #[schema(example = "Tham số limit phải từ 1 đến 100.")]
    pub message: String,
    /// The request field at fault (422), e.g. `applicant.citizen_id`, or the query or path
    /// parameter (400).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "applicant.citizen_id")]
    pub field: Option<String>,
    /// For an action the dossier's state does not allow (409): the actions it allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Input that cannot be accepted (400).
    #[error("{code}: {message}")]
    BadRequest {
        /// Machine code.
        code: &'static str,
        /// What to send instead.
        message: String,
    },
    /// No credentials, or invalid ones (401).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Credentials were presented and are wrong (401), with a specific code such as
    /// `invalid_credentials` or `totp_required`.
    #[error("{code}")]
    BadCredentials {
        /// Machine code.
        code: &'static str,
        /// What to do.
        message: String,
    },
    /// Authenticated, but not allowed (403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Too many attempts; try again after the given number of seconds (429).
    #[error("too many attempts")]
    TooManyRequests {
        /// Seconds until a new attempt is accepted.
        retry_after: i64,
    },
    /// The addressed resource does not exist (404).
    #[error("not found: {0}")]
    NotFound(String),
    /// The request conflicts with the current state (409).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A field of a well-formed request is invalid (422), named so a client can show it.
    #[error("invalid {field}: {message}")]
    Invalid {
        /// The field's path, e.g. `applicant.citizen_id`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The object's state does not allow the action (409); lists what it allows.
    #[error("illegal transition: {message}")]
    IllegalTransition {
        /// Why.
        message: String,
        /// The actions allowed now.
        allowed: Vec<String>,
    },
    /// The route exists but not with this method (405).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The body is larger than allowed (413).
    #[error("payload too large")]
    PayloadTooLarge,
    /// A query or path parameter that cannot be accepted (400), named so a client can fix it.
    #[error("invalid parameter {name}: {message}")]
    BadParameter {
        /// The parameter's name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The client stopped sending its body before the end (408).
    #[error("request timeout")]
    RequestTimeout,
    /// The request line is longer than [`crate::edge::MAX_URI_BYTES`] (414).
    #[error("uri too long")]
    UriTooLong,
    /// More header bytes or headers than [`crate::edge::MAX_HEADER_BYTES`] /
    /// [`crate::edge::MAX_HEADERS`] (431).
    #[error("request headers too large")]
    HeadersTooLarge,
    /// An error status decided by the HTTP machinery rather than our code (a rejection axum
    /// or a layer answered without the envelope), re-dressed in it at the edge.
    #[error("http {status}: {message}")]
    Http {
        /// The status as decided.
        status: StatusCode,
        /// What the machinery said, if anything (never shown for a 5xx).
        message: String,
    },
    /// The service cannot answer right now, e.g. the database is unreachable (503).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A defect (500). The message is logged, not returned.
    #[error("internal: {0}")]
    Internal(String),
}

impl ApiError {
    /// A 422 naming the field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A 400 with a code and a message.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// The HTTP status and the machine code of this error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            Self::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            Self::BadCredentials { code, .. } => (StatusCode::UNAUTHORIZED, code),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field"),
            Self::IllegalTransition { .. } => (StatusCode::CONFLICT, "illegal_transition"),
            Self::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Self::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::BadParameter { .. } => (StatusCode::BAD_REQUEST, "invalid_parameter"),
            Self::RequestTimeout => (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            Self::UriTooLong => (StatusCode::URI_TOO_LONG, "uri_too_long"),
            Self::HeadersTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                "headers_too_large",
            ),
            Self::Http { status, .. } => (*status, http_code(*status)),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }

    /// The message a client may see (internal details are replaced by a generic sentence).
    pub fn public_message(&self) -> String {
        match self {
            Self::BadRequest { message, .. } => message.clone(),
            Self::Unauthorized(what) | Self::Forbidden(what) => what.clone(),
            Self::BadCredentials { message, .. } => message.clone(),
            Self::TooManyRequests { retry_after } => format!(
                "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau {} phút.",
                (retry_after + 59) / 60
            ),
            Self::NotFound(what) => what.clone(),
            Self::Conflict(what) => what.clone(),
            Self::Invalid { field, message } => format!("{field}: {message}"),
            Self::IllegalTransition { message, .. } => message.clone(),
            Self::MethodNotAllowed => "Đường dẫn này không nhận phương thức HTTP đó.".to_owned(),
            Self::PayloadTooLarge => "Nội dung gửi lên quá lớn.".to_owned(),
            Self::BadParameter { name, message } => format!("Tham số {name}: {message}"),
            Self::RequestTimeout => {
                "Máy chủ đã chờ quá lâu mà nội dung yêu cầu chưa gửi hết. Hãy gửi lại.".to_owned()
            }
            Self::UriTooLong => format!(
                "Địa chỉ yêu cầu quá dài (tối đa {} byte).",
                crate::edge::MAX_URI_BYTES
            ),
            Self::HeadersTooLarge => format!(
                "Phần tiêu đề của yêu cầu quá lớn (tối đa {} tiêu đề, {} byte).",
                crate::edge::MAX_HEADERS,
                crate::edge::MAX_HEADER_BYTES
            ),
            Self::Http { status, .. } if status.is_server_error() => {
                "Đã xảy ra lỗi hệ thống. Lỗi đã được ghi nhận để khắc phục.".to_owned()
            }
            Self::Http { message, .. } => message.clone(),
            Self::Unavailable(_) => {
                "Hệ thống tạm thời không phục vụ được, vui lòng thử lại sau ít phút.".to_owned()
            }
            Self::Internal(_) => {
                "Đã xảy ra lỗi hệ thống. Lỗi đã được ghi nhận để khắc phục.".to_owned()
            }
        }
    }

    /// Logs server-side failures once, at the boundary.
    pub(crate) fn log(&self) {
        match self {
            Self::Internal(detail) => tracing::error!(error.detail = %detail, "request failed"),
            Self::Unavailable(detail) => {
                tracing::warn!(error.detail = %detail, "service unavailable")
            }
            Self::Http { status, message } if status.is_server_error() => {
                tracing::error!(error.status = %status, error.detail = %message, "request failed");
            }
            _ => {}
        }
    }
}

/// The machine code of a status our own variants do not cover.
fn http_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        411 => "length_required",
        413 => "payload_too_large",
        414 => "uri_too_long",
        415 => "unsupported_media_type",
        417 => "expectation_failed",
        422 => "invalid_field",
        431 => "headers_too_large",
        503 => "unavailable",
        400..=499 => "bad_request",
        _ => "internal",
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound("Không tìm thấy.".to_owned()),
            StoreError::Conflict(c) => Self::Conflict(c),
            e if e.is_outage() => Self::Unavailable(e.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl ApiError {
    /// The envelope a client receives for this error.
    pub fn envelope(&self) -> ErrorBody {
        let (_, code) = self.status_and_code();
        let (field, allowed) = match self {
            Self::Invalid { field, .. } => (Some(field.clone()), None),
            Self::BadParameter { name, .. } => (Some(name.clone()), None),
            Self::IllegalTransition { allowed, .. } => (None, Some(allowed.clone())),
            _ => (None, None),
        };
        ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message: self.public_message(),
                field,
                allowed,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let (status, _) = self.status_and_code();
        let mut response = (status, Json(self.envelope())).into_response();
        match self {
            Self::Unauthorized(_) | Self::BadCredentials { .. } => {
                response.headers_mut().insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    axum::http::HeaderValue::from_static("Bearer realm=\"motcua\""),
                );
            }
            Self::TooManyRequests { retry_after } => {
                if let Ok(v) = axum::http::HeaderValue::from_str(&retry_after.max(1).to_string()) {
                    response
                        .headers_mut()
                        .insert(axum::http::header::RETRY_AFTER, v);
                }
            }
            _ => {}
        }
        response
    }
}
