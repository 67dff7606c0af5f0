//! Reading `application/x-www-form-urlencoded` bodies, repeated fields included (checkbox
//! groups), with rejections rendered as pages.

use std::collections::HashMap;

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
};

use super::PageError;
use crate::error::ApiError;

/// A submitted form.
#[derive(Debug, Default)]
pub struct FormData(HashMap<String, Vec<String>>);

impl FormData {
    /// Parses a urlencoded body.
    pub fn parse(body: &[u8]) -> Self {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in openidconnect::url::form_urlencoded::parse(body) {
            map.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        Self(map)
    }

    /// The first value of a field, trimmed (empty when absent).
    pub fn text(&self, key: &str) -> String {
        self.raw(key).trim().to_owned()
    }

    /// The first value of a field exactly as sent (passwords: spaces are part of them).
    pub fn raw(&self, key: &str) -> &str {
        self.0
            .get(key)
            .and_then(|v| v.first())
            .map_or("", String::as_str)
    }

    /// Every value of a repeated field.
    pub fn all(&self, key: &str) -> &[String] {
        self.0.get(key).map_or(&[], Vec::as_slice)
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|_| {
            PageError(ApiError::bad_request(
                "invalid_body",
                "Không đọc được nội dung biểu mẫu.",
            ))
        })?;
        Ok(Self::parse(&bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_encoded_fields() {
        let f = FormData::parse(b"name=Nguy%E1%BB%85n+A&scope=a&scope=b&pw=+x+");
        assert_eq!(f.text("name"), "Nguyễn A");
        assert_eq!(f.all("scope"), ["a", "b"]);
        assert_eq!(f.raw("pw"), " x ");
        assert_eq!(f.text("missing"), "");
    }
}
