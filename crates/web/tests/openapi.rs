//! The OpenAPI document is part of the public contract: any change to it must show up in a
//! reviewed snapshot diff (`tests/snapshots/openapi__openapi_document.snap`).

#[test]
fn openapi_document() {
    let doc = serde_json::to_value(motcua_web::api::openapi()).expect("serialisable");
    insta::assert_json_snapshot!(doc);
}

/// Every `$ref` points at a schema that is in the document (a missing `ToSchema` registration
/// would otherwise only show up in a client generator).
#[test]
fn every_reference_resolves() {
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if k == "$ref" {
                        if let Some(s) = x.as_str() {
                            out.push(s.to_owned());
                        }
                    } else {
                        refs(x, out);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let doc = serde_json::to_value(motcua_web::api::openapi()).expect("serialisable");
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "unresolved {r}"
        );
    }
}

/// The limits a client reads about (the README, the OpenAPI document) are the constants the
/// server enforces.
#[test]
fn documented_limits_are_the_enforced_ones() {
    use motcua_web::{
        BODY_LIMIT, MAX_FILE_BYTES,
        edge::{MAX_HEADER_BYTES, MAX_HEADERS, MAX_URI_BYTES},
    };
    let mib = |n: usize| {
        assert_eq!(n % (1 << 20), 0, "a whole number of MiB");
        format!("{} MiB", n >> 20)
    };
    let readme = include_str!("../../../README.md");
    for stated in [
        format!("≤ {}", mib(MAX_FILE_BYTES)),
        format!("(413, {}, uploads {}", mib(BODY_LIMIT), mib(MAX_FILE_BYTES)),
        format!("over {} KiB (414)", MAX_URI_BYTES >> 10),
        format!(
            "more than {MAX_HEADERS} headers or {} KiB of them",
            MAX_HEADER_BYTES >> 10
        ),
    ] {
        assert!(readme.contains(&stated), "README should say {stated:?}");
    }
    let doc = serde_json::to_value(motcua_web::api::openapi()).expect("serialisable");
    let upload = &doc["paths"]["/api/v1/files"]["post"];
    for text in [
        &upload["summary"],
        &upload["responses"]["413"]["description"],
    ] {
        let text = text.as_str().expect("a description").replace('\n', " ");
        assert!(text.contains(&mib(MAX_FILE_BYTES)), "{text}");
    }
    let submit = &doc["paths"]["/api/v1/dossiers"]["post"]["responses"]["413"]["description"];
    assert!(
        submit
            .as_str()
            .is_some_and(|t| t.contains(&mib(BODY_LIMIT))),
        "{submit}"
    );
}

/// The ranges the document states are the validators' own: a limit changed in the code and
/// not in an attribute (or the other way round) fails here, not in a client.
#[test]
fn stated_ranges_are_the_validators() {
    let doc = serde_json::to_value(motcua_web::api::openapi()).expect("serialisable");
    let schema = |path: &str, name: &str| {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name))
            .map(|p| p["schema"].clone())
            .unwrap_or_else(|| panic!("{path} has no parameter {name}"))
    };
    use motcua_service::dossier::inbox;
    use motcua_web::search;
    assert_eq!(
        schema("/api/v1/procedures", "page")["maximum"],
        search::MAX_PAGE
    );
    assert_eq!(
        schema("/api/v1/procedures", "limit")["maximum"],
        search::MAX_LIMIT
    );
    assert_eq!(schema("/api/v1/inbox", "page")["maximum"], inbox::MAX_PAGE);
    assert_eq!(
        schema("/api/v1/inbox", "limit")["maximum"],
        inbox::MAX_LIMIT
    );
    assert_eq!(
        schema("/api/v1/inbox", "due_within_hours")["maximum"].as_f64(),
        Some(inbox::MAX_DUE_WITHIN_HOURS)
    );
}
