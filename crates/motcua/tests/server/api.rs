//! The JSON API contract.

use reqwest::StatusCode;
use serde_json::Value;

use crate::{Server, client, on_both, support::get};

fn codes(body: &Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect()
}

async fn health_and_readiness(s: &Server) {
    let r = client()
        .get(format!("{}/healthz", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ok");
    let (status, body) = get(s, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ready");
    assert_eq!(body["engine"], s.engine);
    assert_eq!(body["procedures"], 2642, "all demo procedures are served");
}
on_both!(health_and_readiness);

async fn search_finds_birth_registration_however_it_is_typed(s: &Server) {
    for q in [
        "dang ky khai sinh",
        "đăng ký khai sinh",
        "ĐĂNG KÝ KHAI SINH",
        "  dang   ky  khai sinh ",
        // NFD: decomposed marks, as some keyboards send them.
        "\u{111}a\u{306}ng ky\u{301} khai sinh",
        "thủ tục đăng ký khai sinh",
    ] {
        let url = format!("/api/v1/procedures?q={}", urlencode(q));
        let (status, body) = get(s, &url).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert_eq!(
            codes(&body).first(),
            Some(&"1.001193"),
            "first result for {q:?}"
        );
        assert_eq!(body["items"][0]["name"], "Thủ tục đăng ký khai sinh");
        assert!(body["total"].as_u64().unwrap() >= 10, "{q}");
    }
    // Type-ahead: the last word matches as a prefix.
    let (_, body) = get(s, "/api/v1/procedures?q=dang%20ky%20khai%20s&limit=5").await;
    assert!(codes(&body).contains(&"1.001193"));
    // Tone placement either way: hoà / hòa give the same results.
    let (_, a) = get(
        s,
        &format!("/api/v1/procedures?q={}", urlencode("hòa giải thương mại")),
    )
    .await;
    let (_, b) = get(
        s,
        &format!("/api/v1/procedures?q={}", urlencode("hoà giải thương mại")),
    )
    .await;
    assert_eq!(codes(&a), codes(&b));
    assert!(!codes(&a).is_empty());
}
on_both!(search_finds_birth_registration_however_it_is_typed);

async fn filters_paging_and_facets(s: &Server) {
    let (_, all) = get(s, "/api/v1/procedures?q=dang%20ky").await;
    let (_, commune) = get(s, "/api/v1/procedures?q=dang%20ky&level=commune").await;
    let total = all["total"].as_u64().unwrap();
    let in_commune = commune["total"].as_u64().unwrap();
    assert!(in_commune > 0 && in_commune < total);
    // The level facet of the unfiltered search predicts the filtered total.
    let facet = all["facets"]["level"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["value"] == "commune")
        .unwrap();
    assert_eq!(facet["count"].as_u64().unwrap(), in_commune);
    // Paging: pages do not overlap and cover the results.
    let (_, p1) = get(s, "/api/v1/procedures?q=dang%20ky&limit=5&page=1").await;
    let (_, p2) = get(s, "/api/v1/procedures?q=dang%20ky&limit=5&page=2").await;
    assert_eq!(p1["items"].as_array().unwrap().len(), 5);
    assert!(codes(&p1).iter().all(|c| !codes(&p2).contains(c)));
    assert_eq!(p2["page"], 2);
    // Agency filter: procedures offered by one commune.
    let (status, body) = get(s, "/api/v1/procedures?agency=bn.x07210&q=khai%20sinh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(codes(&body).contains(&"1.001193"));
    // Online filter and browse without text.
    let (_, full) = get(s, "/api/v1/procedures?online=FULL&limit=1").await;
    assert!(full["total"].as_u64().unwrap() > 1000);
    assert_eq!(full["items"][0]["online_level"], "FULL");
    // Field filter.
    let (_, f) = get(
        s,
        &format!("/api/v1/procedures?field={}", urlencode("Hộ tịch")),
    )
    .await;
    let items = f["items"].as_array().unwrap();
    assert!(!items.is_empty(), "{f}");
    assert!(items.iter().all(|i| i["field"] == "Hộ tịch"));
}
on_both!(filters_paging_and_facets);

async fn procedure_detail_and_versions(s: &Server) {
    let (status, p) = get(s, "/api/v1/procedures/1.001193").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(p["code"], "1.001193");
    assert_eq!(p["version"], 1);
    assert_eq!(p["field"], "Hộ tịch");
    assert_eq!(p["methods"].as_array().unwrap().len(), 3);
    let documents: Vec<&str> = p["cases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["components"].as_array().unwrap())
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(documents.iter().any(|d| d.contains("Giấy chứng sinh")));
    assert_eq!(p["results"][0]["code"], "KQ.G15.000031");
    assert_eq!(
        p["offered_by"].as_array().unwrap().len(),
        99,
        "every commune offers it"
    );
    let (status, v) = get(s, "/api/v1/procedures/1.001193/versions").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 1);
    let (status, v1) = get(s, "/api/v1/procedures/1.001193?version=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v1["name"], p["name"]);
}
on_both!(procedure_detail_and_versions);

async fn fields_and_agencies(s: &Server) {
    let (_, fields) = get(s, "/api/v1/fields").await;
    let fields = fields.as_array().unwrap();
    assert_eq!(fields.len(), 140);
    let total: u64 = fields.iter().map(|f| f["count"].as_u64().unwrap()).sum();
    assert_eq!(total, 2642);

    let (_, tree) = get(s, "/api/v1/agencies").await;
    let roots = tree.as_array().unwrap();
    let bn = roots.iter().find(|a| a["id"] == "bn").unwrap();
    let communes = bn["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "commune_committee")
        .count();
    assert_eq!(communes, 99);
    let bg = roots.iter().find(|a| a["id"] == "bg").unwrap();
    assert_eq!(bg["valid_to"], "2025-06-30");
    assert_eq!(bg["successors"][0]["successor"], "bn");
    assert_eq!(bg["identifier_status"], "inferred");
    assert_eq!(bg["identifier_confirmed"], false);

    // As of a date before the merger: Bắc Giang exists, the new Bắc Ninh does not.
    let (_, before) = get(s, "/api/v1/agencies?at=2025-06-01").await;
    let ids: Vec<&str> = before
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"bg"));
    assert!(!ids.contains(&"bn"));
}
on_both!(fields_and_agencies);

/// Every bad input gets a 4xx with the JSON envelope naming the problem.
async fn bad_input_gets_a_clear_4xx(s: &Server) {
    let long = "a".repeat(201);
    let cases: Vec<(String, u16, &str)> = vec![
        ("/api/v1/procedures?page=0".into(), 400, "invalid_paging"),
        (
            "/api/v1/procedures?page=abc".into(),
            400,
            "invalid_parameter",
        ),
        (
            "/api/v1/procedures?page=-1".into(),
            400,
            "invalid_parameter",
        ),
        ("/api/v1/procedures?limit=0".into(), 400, "invalid_paging"),
        ("/api/v1/procedures?limit=101".into(), 400, "invalid_paging"),
        (
            "/api/v1/procedures?page=99999999999".into(),
            400,
            "invalid_parameter",
        ),
        (
            format!("/api/v1/procedures?q={long}"),
            400,
            "query_too_long",
        ),
        (
            "/api/v1/procedures?level=district".into(),
            400,
            "invalid_parameter",
        ),
        (
            "/api/v1/procedures?online=MAYBE".into(),
            400,
            "invalid_parameter",
        ),
        (
            "/api/v1/procedures?agency=nowhere".into(),
            400,
            "unknown_agency",
        ),
        ("/api/v1/procedures/9.999999".into(), 404, "not_found"),
        ("/api/v1/procedures/not-a-code".into(), 400, "invalid_code"),
        (
            "/api/v1/procedures/1.001193?version=0".into(),
            400,
            "invalid_parameter",
        ),
        (
            "/api/v1/procedures/1.001193?version=7".into(),
            404,
            "not_found",
        ),
        (
            "/api/v1/procedures/9.999999/versions".into(),
            404,
            "not_found",
        ),
        (
            "/api/v1/agencies?at=yesterday".into(),
            400,
            "invalid_parameter",
        ),
        ("/api/v1/no-such-thing".into(), 404, "not_found"),
    ];
    for (path, status, code) in cases {
        let (got, body) = get(s, &path).await;
        assert_eq!(got.as_u16(), status, "{path}: {body}");
        assert_eq!(body["error"]["code"], code, "{path}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(!message.is_empty(), "{path}");
    }
}
on_both!(bad_input_gets_a_clear_4xx);

/// Nothing a client sends causes a 5xx.
async fn hostile_input_never_causes_a_5xx(s: &Server) {
    let nasty = [
        "%00",
        "%FF%FE",
        "%C0%AF",
        "'; DROP TABLE procedures; --",
        "\u{202e}",
        "🤖🤖",
        "a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k%20l%20m%20n%20o%20p%20q%20r%20s%20t%20u%20v%20w",
        "%",
        "%%",
        "%zz",
        "\\",
        "..",
        "../../etc/passwd",
    ];
    let c = client();
    for n in nasty {
        for path in [
            format!("/api/v1/procedures?q={n}"),
            format!("/api/v1/procedures?field={n}&level={n}&online={n}&agency={n}"),
            format!("/api/v1/procedures/{n}"),
            format!("/api/v1/agencies?at={n}"),
            format!("/thu-tuc?q={n}&page={n}"),
            format!("/thu-tuc/{n}"),
            format!("/{n}"),
        ] {
            let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
            assert!(r.status().as_u16() < 500, "{path} → {}", r.status());
        }
    }
    // A wrong method is a 4xx; with an oversized body the server may also refuse before
    // reading it all (the client then sees the connection closed) — never a 5xx.
    let r = c
        .post(format!("{}/api/v1/procedures", s.base))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 405);
    match c
        .post(format!("{}/api/v1/procedures", s.base))
        .body(vec![b'x'; 2 * 1024 * 1024])
        .send()
        .await
    {
        Ok(r) => assert!(r.status().is_client_error(), "{}", r.status()),
        Err(e) => assert!(e.is_request(), "refused early, not failed: {e}"),
    }
    // A fresh client: the refusal above closed the pooled connection.
    let long_path = format!("{}/thu-tuc/{}", s.base, "x".repeat(10_000));
    let r = client().get(long_path).send().await.unwrap();
    assert!(r.status().as_u16() < 500);
}
on_both!(hostile_input_never_causes_a_5xx);

async fn openapi_document_is_served(s: &Server) {
    let (status, doc) = get(s, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/fields",
        "/api/v1/agencies",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
}
on_both!(openapi_document_is_served);

async fn security_headers_and_request_ids(s: &Server) {
    let r = client().get(format!("{}/", s.base)).send().await.unwrap();
    let h = r.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    assert!(h.contains_key("x-request-id"));
}
on_both!(security_headers_and_request_ids);

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
