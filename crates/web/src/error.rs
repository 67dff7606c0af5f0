//! The web boundary's one error type, mapped to HTTP in exactly one place.
//!
//! A client can cause only 4xx answers: what the services refuse arrives as a
//! [`ServiceError`] (with a stable machine `code` and a Vietnamese `message` saying what to
//! send instead), and the refusals only HTTP knows (a method the route does not answer, a body
//! over the limit or too slow, a request line or headers too large, a parameter with control
//! characters — see [`crate::edge`]) are variants of their own. A 5xx means a defect or an outage; its
//! details are logged once here and never shown to the client.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use motcua_service::ServiceError;
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
    /// The request field at fault (422), e.g. `applicant.citizen_id`: the first of `errors`; or
    /// the query or path parameter at fault (400).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "applicant.citizen_id")]
    pub field: Option<String>,
    /// Every invalid field (422), so that a form can show them all at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldMessage>>,
    /// For an action the dossier's state does not allow (409): the actions it allows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
}

/// An invalid field and what is wrong with it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldMessage {
    /// The field's path, e.g. `components[1].files[0]`.
    pub field: String,
    /// What is wrong (Vietnamese).
    pub message: String,
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Refused or failed in a service (or while parsing what it would be given).
    #[error(transparent)]
    Service(#[from] ServiceError),
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
}

impl ApiError {
    /// A 422 naming the field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Service(ServiceError::invalid(field, message))
    }

    /// A 400 with a code and a message.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::Service(ServiceError::bad_request(code, message))
    }

    /// A 404 with what was not found.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::Service(ServiceError::NotFound(message.into()))
    }

    /// A 401: nobody is signed in.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Service(ServiceError::Unauthorized(message.into()))
    }

    /// A 403.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Service(ServiceError::Forbidden(message.into()))
    }

    /// A 409.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Service(ServiceError::Conflict(message.into()))
    }

    /// A 500: a defect, described for the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self::Service(ServiceError::internal(detail))
    }

    /// A 503: the service cannot answer now, described for the log only.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::Service(ServiceError::Unavailable(detail.into()))
    }

    /// The HTTP status and the machine code of this error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        let e = match self {
            Self::Service(e) => e,
            Self::MethodNotAllowed => {
                return (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
            }
            Self::PayloadTooLarge => return (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::BadParameter { .. } => return (StatusCode::BAD_REQUEST, "invalid_parameter"),
            Self::RequestTimeout => return (StatusCode::REQUEST_TIMEOUT, "request_timeout"),
            Self::UriTooLong => return (StatusCode::URI_TOO_LONG, "uri_too_long"),
            Self::HeadersTooLarge => {
                return (
                    StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "headers_too_large",
                );
            }
            Self::Http { status, .. } => return (*status, http_code(*status)),
        };
        let status = match e {
            ServiceError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ServiceError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ServiceError::Unauthorized(_) | ServiceError::BadCredentials { .. } => {
                StatusCode::UNAUTHORIZED
            }
            ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServiceError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
            ServiceError::Conflict(_) | ServiceError::IllegalTransition { .. } => {
                StatusCode::CONFLICT
            }
            ServiceError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ServiceError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        (status, e.code())
    }

    /// The message a client may see (internal details are replaced by a generic sentence).
    pub fn public_message(&self) -> String {
        match self {
            Self::Service(e) => e.public_message(),
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
                ServiceError::internal("").public_message()
            }
            Self::Http { message, .. } => message.clone(),
        }
    }

    /// The invalid fields, for a 422.
    pub fn field_errors(&self) -> &[motcua_core::dossier::FieldError] {
        match self {
            Self::Service(ServiceError::Invalid(errors)) => errors,
            _ => &[],
        }
    }

    /// Logs server-side failures once, at the boundary.
    pub(crate) fn log(&self) {
        match self {
            Self::Service(ServiceError::Internal(detail)) => {
                tracing::error!(error.detail = %detail, "request failed");
            }
            Self::Service(ServiceError::Unavailable(detail)) => {
                tracing::warn!(error.detail = %detail, "service unavailable");
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
        409 => "conflict",
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
        Self::Service(e.into())
    }
}

impl From<motcua_core::dossier::FieldError> for ApiError {
    fn from(e: motcua_core::dossier::FieldError) -> Self {
        Self::Service(e.into())
    }
}

impl ApiError {
    /// The envelope a client receives for this error.
    pub fn envelope(&self) -> ErrorBody {
        let (_, code) = self.status_and_code();
        let errors = self.field_errors();
        let allowed = match self {
            Self::Service(ServiceError::IllegalTransition { allowed, .. }) => Some(allowed.clone()),
            _ => None,
        };
        let field = match self {
            Self::BadParameter { name, .. } => Some(name.clone()),
            _ => errors.first().map(|e| e.field.clone()),
        };
        ErrorBody {
            error: ErrorDetail {
                code: code.to_owned(),
                message: self.public_message(),
                field,
                errors: (!errors.is_empty()).then(|| {
                    errors
                        .iter()
                        .map(|e| FieldMessage {
                            field: e.field.clone(),
                            message: e.message.clone(),
                        })
                        .collect()
                }),
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
            Self::Service(ServiceError::Unauthorized(_) | ServiceError::BadCredentials { .. }) => {
                response.headers_mut().insert(
                    axum::http::header::WWW_AUTHENTICATE,
                    axum::http::HeaderValue::from_static("Bearer realm=\"motcua\""),
                );
            }
            Self::Service(ServiceError::TooManyRequests { retry_after }) => {
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
