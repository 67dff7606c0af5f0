//! Control characters at the boundary. A NUL cannot be stored in PostgreSQL text at all (the
//! query fails, which would be a 500), and no identifier, code, filter or single-line value
//! has a use for any control character; so they are refused, with a 400 naming the
//! parameter, before handlers and queries see them — on both engines alike. Form fields may
//! hold line breaks and tabs (a multi-line text area), nothing else.

use axum::{
    extract::{FromRequestParts, RawPathParams, Request},
    middleware::Next,
    response::Response,
};

use super::{is_api_path, respond};
use crate::error::ApiError;

/// Whether `s` holds a control character (Unicode `Cc`: C0, DEL, C1); `multi_line` allows
/// tab, line feed and carriage return.
pub fn has_control_characters(s: &str, multi_line: bool) -> bool {
    s.chars()
        .any(|c| c.is_control() && !(multi_line && matches!(c, '\t' | '\n' | '\r')))
}

fn refused(name: &str) -> ApiError {
    ApiError::BadParameter {
        name: printable(name),
        message: "chứa ký tự điều khiển (như NUL), không được chấp nhận.".to_owned(),
    }
}

/// A parameter name fit to be shown (its own control characters escaped).
fn printable(name: &str) -> String {
    if has_control_characters(name, false) {
        name.escape_debug().to_string()
    } else {
        name.to_owned()
    }
}

/// The first field of a urlencoded form with a control character where none belongs, as the
/// error to answer.
pub fn bad_form_field<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Option<ApiError> {
    fields
        .into_iter()
        .find(|(k, v)| has_control_characters(k, false) || has_control_characters(v, true))
        .map(|(k, _)| refused(k))
}

/// The first query parameter with a control character in its name or value.
fn bad_query_param(query: &str) -> Option<ApiError> {
    openidconnect::url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, v)| has_control_characters(k, false) || has_control_characters(v, false))
        .map(|(k, _)| refused(&k))
}

/// Route middleware (it needs the matched route to name path parameters): refuses control
/// characters in the query string and in path parameters.
pub async fn reject_control_characters(req: Request, next: Next) -> Response {
    let api = is_api_path(req.uri().path());
    if let Some(e) = req.uri().query().and_then(bad_query_param) {
        return respond(api, e);
    }
    let (mut parts, body) = req.into_parts();
    // A parameter that is not UTF-8 is left to the handler's extractor (a 400 of its own).
    if let Ok(params) = RawPathParams::from_request_parts(&mut parts, &()).await
        && let Some((name, _)) = params
            .iter()
            .find(|(_, v)| has_control_characters(v, false))
    {
        return respond(api, refused(name));
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_found_where_they_do_not_belong() {
        assert!(has_control_characters("a\0b", false));
        assert!(has_control_characters("\u{7f}", false));
        assert!(has_control_characters("\u{85}", true), "C1 too");
        assert!(has_control_characters("x\ny", false));
        assert!(!has_control_characters("x\r\ny\tz", true));
        assert!(has_control_characters("x\0", true));
        assert!(!has_control_characters("Nguyễn Văn A – 1.001193", false));
    }

    #[test]
    fn the_parameter_is_named() {
        let e = bad_query_param("page=1&procedure=%00").unwrap();
        assert!(matches!(&e, ApiError::BadParameter { name, .. } if name == "procedure"));
        assert!(bad_query_param("q=gi%E1%BA%A5y+ph%C3%A9p&page=2").is_none());
        let e = bad_query_param("a%01=1").unwrap();
        assert!(matches!(&e, ApiError::BadParameter { name, .. } if name == "a\\u{1}"));
        let e =
            bad_form_field([("csrf", "x"), ("note", "dòng 1\r\ndòng 2"), ("name", "a\0")]).unwrap();
        assert!(matches!(&e, ApiError::BadParameter { name, .. } if name == "name"));
        assert!(bad_form_field([("note", "dòng 1\r\n\tdòng 2")]).is_none());
    }
}
