//! The service boundary's one error type.
//!
//! Every refusal a caller (the JSON API, a page, the CLI, the demo) must show is a variant
//! with a stable machine code and a Vietnamese message that says what to do instead; storage
//! outcomes are translated here, in one place ([`From<StoreError>`]). The web crate maps
//! these variants to HTTP statuses in its own one place.

use motcua_core::dossier::FieldError;
use motcua_store::{Conflict, Identifier, StoreError};

/// Why a service operation was refused or failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ServiceError {
    /// Input that cannot be accepted at all (a malformed parameter).
    #[error("{code}: {message}")]
    BadRequest {
        /// Machine code.
        code: &'static str,
        /// What to send instead.
        message: String,
    },
    /// One or more fields of a well-formed request are invalid, each named so that a form
    /// can show every message at once (the error summary) and an API client can point at the
    /// field.
    #[error("invalid: {}", .0.first().map_or("", |e| e.field.as_str()))]
    Invalid(Vec<FieldError>),
    /// Nobody is signed in, or the credentials are invalid.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Credentials were presented and are wrong, with a specific code (`invalid_credentials`).
    #[error("{code}")]
    BadCredentials {
        /// Machine code.
        code: &'static str,
        /// What to do.
        message: String,
    },
    /// The actor may not do this (the refusal is already audited).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Too many attempts; retry after this many seconds.
    #[error("too many attempts")]
    TooManyRequests {
        /// Seconds until a new attempt is accepted.
        retry_after: i64,
    },
    /// The addressed object does not exist (or is not visible to the actor).
    #[error("not found: {0}")]
    NotFound(String),
    /// The request conflicts with the current state of the data.
    #[error("conflict: {0}")]
    Conflict(String),
    /// The object's state does not allow the action; lists what it allows.
    #[error("illegal transition: {message}")]
    IllegalTransition {
        /// Why.
        message: String,
        /// The actions allowed now.
        allowed: Vec<String>,
    },
    /// The service cannot answer now (database unreachable, daily codes used up).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A defect. The message is for the log only.
    #[error("internal: {0}")]
    Internal(String),
}

/// Shorthand.
pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    /// One invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// A malformed parameter.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    /// A defect, with what went wrong for the log.
    pub fn internal(e: impl std::fmt::Display) -> Self {
        Self::Internal(e.to_string())
    }

    /// The stable machine code clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. } | Self::BadCredentials { code, .. } => code,
            Self::Invalid(_) => "invalid_field",
            Self::Unauthorized(_) => "unauthenticated",
            Self::Forbidden(_) => "forbidden",
            Self::TooManyRequests { .. } => "too_many_attempts",
            Self::NotFound(_) => "not_found",
            Self::Conflict(_) => "conflict",
            Self::IllegalTransition { .. } => "illegal_transition",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// The message a client may see: what was wrong and what to do. Internal details are
    /// replaced by a generic sentence (they are for the log).
    pub fn public_message(&self) -> String {
        match self {
            Self::BadRequest { message, .. } | Self::BadCredentials { message, .. } => {
                message.clone()
            }
            Self::Invalid(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            Self::Unauthorized(what)
            | Self::Forbidden(what)
            | Self::NotFound(what)
            | Self::Conflict(what) => what.clone(),
            Self::TooManyRequests { retry_after } => format!(
                "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau {} phút.",
                (retry_after + 59) / 60
            ),
            Self::IllegalTransition { message, .. } => message.clone(),
            Self::Unavailable(_) => {
                "Hệ thống tạm thời không phục vụ được, vui lòng thử lại sau ít phút.".to_owned()
            }
            Self::Internal(_) => {
                "Đã xảy ra lỗi hệ thống. Lỗi đã được ghi nhận để khắc phục.".to_owned()
            }
        }
    }
}

impl From<FieldError> for ServiceError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(vec![e])
    }
}

impl From<Vec<FieldError>> for ServiceError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self::Invalid(errors)
    }
}

impl From<StoreError> for ServiceError {
    /// The one mapping of storage outcomes to meanings. A unique constraint's name is logged
    /// and never shown: the client learns what is taken, not how the schema is spelled.
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound("Không tìm thấy.".to_owned()),
            StoreError::StaleRevision => Self::Conflict(
                "Bản ghi vừa được người khác cập nhật; hãy tải lại rồi thực hiện lại.".to_owned(),
            ),
            StoreError::Conflict(Conflict::Taken(what)) => Self::Conflict(taken(what).to_owned()),
            StoreError::Conflict(Conflict::IdempotencyKey) => Self::Conflict(
                "Yêu cầu với Idempotency-Key này đang được xử lý; hãy gửi lại sau giây lát."
                    .to_owned(),
            ),
            StoreError::Conflict(Conflict::Unique { constraint }) => {
                tracing::debug!(%constraint, "a unique constraint refused a write");
                Self::Conflict("Bản ghi này đã tồn tại.".to_owned())
            }
            StoreError::SequenceExhausted { prefix, day } => Self::Unavailable(format!(
                "the daily dossier sequence of {prefix} is exhausted on {day}"
            )),
            e if e.is_outage() => Self::Unavailable(e.to_string()),
            other => Self::Internal(other.to_string()),
        }
    }
}

/// What the applicant or official is told when an identifier is taken.
pub fn taken(what: Identifier) -> &'static str {
    match what {
        Identifier::Username => "Tên đăng nhập này đã được dùng.",
        Identifier::Email => "Địa chỉ email này đã được dùng cho một tài khoản khác.",
        Identifier::Phone => "Số điện thoại này đã được dùng cho một tài khoản khác.",
        Identifier::CitizenId => "Số định danh cá nhân này đã được dùng cho một tài khoản khác.",
        Identifier::ExternalIdentity => "Danh tính này đã được liên kết với một tài khoản khác.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constraint_name_never_reaches_the_message() {
        let e = ServiceError::from(StoreError::Conflict(Conflict::Unique {
            constraint: "dossiers_code_key".into(),
        }));
        let ServiceError::Conflict(m) = e else {
            panic!("{e:?}")
        };
        assert!(!m.contains("dossiers"), "{m}");
        assert!(matches!(
            ServiceError::from(StoreError::StaleRevision),
            ServiceError::Conflict(_)
        ));
        assert!(matches!(
            ServiceError::from(StoreError::SequenceExhausted {
                prefix: "000.00.00.H06".into(),
                day: jiff::civil::date(2026, 12, 2),
            }),
            ServiceError::Unavailable(_)
        ));
    }
}
