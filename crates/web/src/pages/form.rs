//! Reading `application/x-www-form-urlencoded` bodies, repeated fields included (checkbox
//! groups), with rejections rendered as pages.

use std::collections::HashMap;

use axum::extract::{FromRequest, Request};

use super::PageError;
use crate::edge;

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

    /// Adds a value to a field (the multipart reader builds a form this way).
    pub fn push(&mut self, key: String, value: String) {
        self.0.entry(key).or_default().push(value);
    }

    /// Every `(field, value)` pair.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (k.as_str(), v.as_str())))
    }

    /// Every value of a repeated field.
    pub fn all(&self, key: &str) -> &[String] {
        self.0.get(key).map_or(&[], Vec::as_slice)
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = PageError;

    /// Reads the body (413, 408 and 400 as pages, see [`edge::read_body`]) and refuses a
    /// field with a control character other than a line break or a tab (see
    /// [`edge::bad_form_field`]).
    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let bytes = edge::read_body(req.into_body()).await?;
        let form = Self::parse(&bytes);
        match edge::bad_form_field(form.pairs()) {
            Some(e) => Err(PageError(e)),
            None => Ok(form),
        }
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
