//! What the OpenAPI document says beyond each handler's own annotations: the answers the guard
//! and the edge give on every route, and the form of the parameters whose rules live in shared
//! parsers (dossier and procedure codes, action names, the control characters the edge
//! refuses). Written once here so the document states every rule the server enforces — the
//! outside check in `scripts/api-check` (Schemathesis) holds the server to it.

use utoipa::openapi::{
    ContentBuilder, OpenApi, Ref, ResponseBuilder, Type,
    path::{Operation, Parameter, ParameterIn},
    schema::{Schema, SchemaType},
};

use crate::auth::routes::{Access, lookup_declared, operations};

/// A procedure code, `d.dddddd`.
pub const PROCEDURE_CODE: &str = r"^[0-9]\.[0-9]{6}$";

/// A dossier code, `<identifier>-YYMMDD-NNNN` (a well-formed code no dossier can have, such as
/// 30 February, is "not found").
pub const DOSSIER_CODE: &str = r"^[0-9A-Z]{1,8}(\.[0-9A-Z]{1,8}){0,3}-[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])-[0-9]{4}$";

/// A printed form's file.
const FORM_FILE: &str = r"^0[1-5]\.pdf$";

/// Text without the control characters the edge refuses in paths and queries (Unicode `Cc`).
const NO_CONTROLS: &str = r"^[^\u0000-\u001F\u007F-\u009F]*$";

/// The same, for a path segment (never empty).
const NO_CONTROLS_SEGMENT: &str = r"^[^\u0000-\u001F\u007F-\u009F]+$";

/// Completes `doc`: every operation's edge answers and parameter forms.
pub fn complete(doc: &mut OpenApi) {
    for (path, method, op) in operations(doc) {
        declare_edge_answers(op, lookup_declared(method, path).map(|r| r.access));
        for p in op.parameters.iter_mut().flatten() {
            if let utoipa::openapi::RefOr::T(p) = p {
                constrain(path, p);
            }
        }
    }
}

/// Declares on `op` the answers that come from the guard and the edge rather than from the
/// handler, each in the JSON error envelope: a request that does not parse (400), credentials
/// missing or refused (401), a CSRF token or permission missing (403), a body too large, of
/// the wrong type or too slow (413, 415, 408), a path or headers too long (414, 431), and a
/// database that cannot answer now (503). A handler's own description of a status is kept.
fn declare_edge_answers(op: &mut Operation, access: Option<Access>) {
    let mut answers: Vec<(&str, &str)> = vec![
        (
            "400",
            "The request does not parse (query, path, headers or body).",
        ),
        ("408", "The request was not received in time."),
        ("414", "The request's path and query are too long."),
        ("431", "The request's headers are too large."),
        ("503", "The database cannot answer now; try again later."),
    ];
    if !matches!(access, None | Some(Access::Static | Access::Public)) {
        answers.push(("401", "No valid session or API token."));
        answers.push((
            "403",
            "Not allowed (permission, scope, or the session's CSRF token).",
        ));
    }
    if op.request_body.is_some() {
        answers.push(("413", "The request body is too large."));
        answers.push((
            "415",
            "The request body's Content-Type is not accepted here.",
        ));
    }
    for (status, description) in answers {
        if op.responses.responses.contains_key(status) {
            continue;
        }
        let answer = ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build();
        op.responses
            .responses
            .insert(status.to_owned(), answer.into());
    }
}

/// Gives a text parameter of `path` its form, unless its handler stated one.
fn constrain(path: &str, p: &mut Parameter) {
    let Some(utoipa::openapi::RefOr::T(Schema::Object(s))) = p.schema.as_mut() else {
        return;
    };
    let text = match &s.schema_type {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(ts) => ts.contains(&Type::String),
        SchemaType::AnyValue => false,
    };
    if !text || s.pattern.is_some() || s.enum_values.is_some() || s.format.is_some() {
        return;
    }
    let in_path = matches!(p.parameter_in, ParameterIn::Path);
    match (in_path, p.name.as_str()) {
        (true, "code") if path.starts_with("/api/v1/procedures/") => {
            s.pattern = Some(PROCEDURE_CODE.to_owned());
        }
        (true, "code") => s.pattern = Some(DOSSIER_CODE.to_owned()),
        (true, "form") => s.pattern = Some(FORM_FILE.to_owned()),
        (true, "action") => {
            s.enum_values = Some(
                motcua_core::dossier::ActionKind::ALL
                    .iter()
                    .map(|a| a.as_str().into())
                    .collect(),
            );
        }
        (true, _) => s.pattern = Some(NO_CONTROLS_SEGMENT.to_owned()),
        (false, "status") if path == "/api/v1/inbox" => {
            let names = motcua_core::dossier::Status::ALL.map(|st| st.as_str());
            s.enum_values = Some(
                ["open", "all"]
                    .into_iter()
                    .chain(names)
                    .map(Into::into)
                    .collect(),
            );
        }
        (false, _) => s.pattern = Some(NO_CONTROLS.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use motcua_core::{catalog::ProcedureCode, dossier::DossierCode};
    use regex::Regex;

    use super::*;

    /// The patterns describe what the parsers accept: every code they make matches, and a
    /// code that matches parses (or is an impossible day, answered as not found).
    #[test]
    fn code_patterns_agree_with_the_parsers() {
        let procedure = Regex::new(PROCEDURE_CODE).unwrap();
        for ok in ["1.001193", "2.002345"] {
            assert!(
                procedure.is_match(ok) && ProcedureCode::parse(ok).is_ok(),
                "{ok}"
            );
        }
        let dossier = Regex::new(DOSSIER_CODE).unwrap();
        let day = jiff::civil::date(2026, 11, 25);
        for prefix in ["000.00.00.H06", "G22.99", "X"] {
            let code = DossierCode::new(prefix, day, 42).unwrap();
            assert!(dossier.is_match(code.as_str()), "{code}");
        }
        for form in [
            "000.00.00.H06-261125-0001",
            "000.00.00.H06-260230-0001",
            "000.00.00.H06-261125-0000",
        ] {
            assert!(dossier.is_match(form));
            assert!(
                !matches!(
                    DossierCode::parse(form),
                    Err(motcua_core::dossier::DossierCodeError::Malformed)
                ),
                "{form} matches the pattern, so it must not be called malformed"
            );
        }
        assert!(!dossier.is_match("000.00.00.H06-261125-001"));
    }
}
