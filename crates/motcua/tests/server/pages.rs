//! The portal pages, rendered by the real server.

use reqwest::StatusCode;

use crate::{Server, api::urlencode, client, on_both, support::page};

async fn main_pages_render(s: &Server) {
    let (status, home) = page(s, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("Cổng Dịch vụ công tỉnh Bắc Ninh"));
    assert!(home.contains("Bản trình diễn"), "demo banner");
    assert!(home.contains("lang=\"vi\""));
    let (status, results) = page(s, "/thu-tuc?q=dang+ky+khai+sinh").await;
    assert_eq!(status, StatusCode::OK);
    let first = results.find("/thu-tuc/1.001193").unwrap();
    assert!(
        results[..first].matches("class=\"result\"").count() <= 1,
        "first result"
    );
    // A listing with many pages, and a deep page.
    for path in [
        "/thu-tuc",
        "/thu-tuc?page=3",
        "/thu-tuc?q=dang+ky&level=commune&page=2",
    ] {
        let (status, html) = page(s, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains("class=\"pager\""), "{path} has paging");
    }
    let (status, agencies) = page(s, "/co-quan").await;
    assert_eq!(status, StatusCode::OK);
    assert!(agencies.contains("Ủy ban nhân dân tỉnh Bắc Giang"));
    let (status, _) = page(s, "/thu-tuc?page=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, html) = page(s, "/thu-tuc/9.999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Không có thủ tục"));
}
on_both!(main_pages_render);

/// Every procedure of the catalog renders: the national data is irregular, and a template
/// must cope with every record, not just the examples.
async fn every_procedure_page_renders(s: &Server) {
    let c = client();
    let mut codes = Vec::new();
    for p in 1..=27 {
        let r: serde_json::Value = c
            .get(format!("{}/api/v1/procedures?limit=100&page={p}", s.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for i in r["items"].as_array().unwrap() {
            codes.push(i["code"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(codes.len(), 2642);
    for code in codes {
        let r = c
            .get(format!("{}/thu-tuc/{code}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "/thu-tuc/{code}");
    }
    // And every field's listing.
    let fields: serde_json::Value = c
        .get(format!("{}/api/v1/fields", s.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for f in fields.as_array().unwrap() {
        let path = format!("/thu-tuc?field={}", urlencode(f["name"].as_str().unwrap()));
        let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
}
on_both!(every_procedure_page_renders);
