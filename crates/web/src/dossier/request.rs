//! What clients send, parsed from raw bytes so that every error names the field at fault
//! (`applicant.citizen_id`, `components[1].files[0]`). The request types themselves are the
//! service's ([`motcua_service::dossier::request`]).

use axum::http::HeaderMap;
pub use motcua_service::dossier::request::{ActionRequest, ComponentInput, SubmitRequest};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Parses a JSON body: 400 when it is not JSON, 422 naming the field when it does not fit.
pub fn parse_json<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    if !crate::extract::is_json(headers) {
        return Err(ApiError::bad_request(
            "unsupported_media_type",
            "Hãy gửi nội dung JSON với tiêu đề Content-Type: application/json.",
        ));
    }
    crate::extract::from_json(body).map_err(|e| match e {
        crate::extract::JsonError::Syntax(e) => {
            ApiError::bad_request("invalid_body", format!("Nội dung JSON không hợp lệ: {e}"))
        }
        crate::extract::JsonError::Data { path, error } => {
            let field = if path == "." { "body".to_owned() } else { path };
            ApiError::invalid(field, error.to_string())
        }
    })
}

/// Reads the `Idempotency-Key` header: 1–200 visible ASCII characters.
pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let s = v.to_str().unwrap_or("").trim();
    if s.is_empty() || s.len() > 200 || !s.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "invalid_idempotency_key",
            "Idempotency-Key gồm 1–200 ký tự ASCII in được (nên dùng một UUID).",
        ));
    }
    Ok(Some(s.to_owned()))
}

#[cfg(test)]
mod tests {
    use axum::http::header;

    use super::*;

    fn json_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        h
    }

    #[test]
    fn errors_name_the_field() {
        let e = parse_json::<SubmitRequest>(
            &json_headers(),
            br#"{"procedure":"1.001193","agency":"x","applicant":{"kind":"robot","name":"A"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.field_errors()[0].field, "applicant.kind", "{e:?}");
        let e = parse_json::<SubmitRequest>(&json_headers(), b"{not json").unwrap_err();
        assert_eq!(e.status_and_code().1, "invalid_body");
        let e = parse_json::<SubmitRequest>(&HeaderMap::new(), b"{}").unwrap_err();
        assert_eq!(e.status_and_code().1, "unsupported_media_type");
        let e = parse_json::<ActionRequest>(&json_headers(), br#"{"bogus": 1}"#).unwrap_err();
        assert!(!e.field_errors().is_empty());
    }
}
