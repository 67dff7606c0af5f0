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
