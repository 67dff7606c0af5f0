//! Every route declares who may call it (`auth::routes::ROUTES`), and every declaration names a
//! real route: a route added without a rule fails here (and is refused at run time).

#![expect(
    clippy::expect_used,
    reason = "test code: a failed step should fail the test loudly"
)]

use std::collections::BTreeSet;

use motcua_web::auth::routes::{ROUTES, lookup};

fn api_operations() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(motcua_web::api::openapi()).expect("serialisable");
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_route_declares_its_access_rule() {
    let mut routes = api_operations();
    for (path, methods, _) in motcua_web::page_routes() {
        for m in methods {
            routes.insert(((*m).to_owned(), path.to_owned()));
        }
    }
    routes.insert(("GET".to_owned(), "/api/v1/openapi.json".to_owned()));
    for (method, path) in &routes {
        let m = axum::http::Method::from_bytes(method.as_bytes()).expect("method");
        assert!(
            lookup(&m, path).is_some(),
            "{method} {path} has no access rule in motcua_web::auth::routes::ROUTES"
        );
    }
    for r in ROUTES {
        assert!(
            routes.contains(&(r.method.to_owned(), r.path.to_owned())),
            "ROUTES declares {} {}, which is not a route",
            r.method,
            r.path
        );
    }
}

#[test]
fn the_api_document_shows_each_rule() {
    let doc = serde_json::to_value(motcua_web::api::openapi()).expect("serialisable");
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("operations") {
            let rule = op["x-permission"].as_str().unwrap_or("missing");
            assert_ne!(rule, "missing", "{method} {path}");
            assert_ne!(rule, "undeclared", "{method} {path}");
        }
    }
    assert_eq!(
        doc["paths"]["/api/v1/procedures/import"]["post"]["x-permission"],
        "catalog.import"
    );
    assert_eq!(
        doc["paths"]["/api/v1/procedures"]["get"]["x-permission"],
        "public"
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
