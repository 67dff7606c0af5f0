//! The back office's result and supplement forms on both engines: the clerk issues the result
//! with its signer and electronic file from the dossier screen, the desk records how and to
//! whom it was handed over, previews Form 02 before asking for a supplement (nothing saved),
//! and every PDF or image of the dossier is shown inline on its screen, to officials only.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{
    Server,
    dossier_api::{call, ok, submit},
    on_both,
    reception::multipart,
    support::{Browser, Page, api_token},
};

async fn signed_in(s: &Server, who: &str) -> (Browser, String) {
    let b = Browser::fresh();
    b.login(s, who, motcua::demo::DEMO_PASSWORD).await;
    let csrf = b.session_csrf(s).await;
    (b, csrf)
}

async fn post_files(
    s: &Server,
    b: &Browser,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, &[u8])],
) -> Page {
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let (kind, body) = multipart(&fields, files);
    let url = format!("{}{path}?csrf={csrf}", s.base);
    let req = crate::client()
        .post(&url)
        .header("content-type", kind)
        .body(body);
    b.request(&url, req).await
}

async fn the_result_is_issued_with_its_file_and_handed_over(s: &Server) {
    let citizen = api_token(&s.base, "citizen1", None).await.0;
    let receiver = api_token(&s.base, "receiver1", None).await.0;
    let code = submit(s, &citizen).await;
    let screen = format!("/mot-cua/ho-so/{code}");

    // Before asking for a supplement the desk previews Form 02: a PDF, and nothing changes.
    let (desk, csrf) = signed_in(s, "receiver1").await;
    let p = desk
        .post_form(
            &format!("{}{screen}/thao-tac/request_supplement", s.base),
            &[
                ("csrf", &csrf),
                ("items", "Tờ khai đăng ký khai sinh"),
                ("reason", "Thiếu chữ ký"),
                ("xem_truoc", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(p.headers["content-type"], "application/pdf");
    let (_, v) = call(
        s,
        Method::GET,
        &format!("/api/v1/dossiers/{code}"),
        &receiver,
        None,
    )
    .await;
    assert_eq!(
        v["dossier"]["status"], "submitted",
        "a preview saves nothing"
    );
    assert_eq!(v["dossier"]["supplements"], json!([]));
    // A preview with nothing ticked is the same error as the action.
    let p = desk
        .post_form(
            &format!("{}{screen}/thao-tac/request_supplement", s.base),
            &[("csrf", &csrf), ("xem_truoc", "1")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Through the process by the API, to the clerk's step.
    ok(s, &receiver, &code, "accept", json!({})).await;
    ok(s, &receiver, &code, "forward", json!({})).await;
    let unithead = api_token(&s.base, "unithead1", None).await.0;
    ok(
        s,
        &unithead,
        &code,
        "assign",
        json!({"assignee": "handler1"}),
    )
    .await;
    let handler = api_token(&s.base, "handler1", None).await.0;
    ok(s, &handler, &code, "forward", json!({})).await;
    // The leader's approval queue is one click from the approval form, opened on arrival.
    let (boss, _) = signed_in(s, "leader1").await;
    let queue = boss
        .get(&format!("{}/mot-cua?hang=cho-phe-duyet", s.base))
        .await;
    assert!(
        queue.body.contains("?mo=approve#tt-approve"),
        "{}",
        queue.body
    );
    // The leader's open dossiers by step: the approval step lists this one.
    let home = boss.get(&format!("{}/mot-cua", s.base)).await;
    assert!(home.body.contains("Theo bước:"), "{}", home.body);
    let at_step = boss
        .get(&format!("{}/mot-cua?hang=tat-ca&buoc=approve", s.base))
        .await;
    assert!(at_step.body.contains(&code), "{}", at_step.body);
    let handling = boss
        .get(&format!("{}/mot-cua?hang=tat-ca&buoc=handle", s.base))
        .await;
    assert!(
        !handling.body.contains(&format!(">{code}<")),
        "not at handling any more"
    );
    let bad = boss
        .get(&format!("{}/mot-cua?hang=tat-ca&buoc=khong-co", s.base))
        .await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("Chọn một bước trong danh sách."));
    // A desk officer has no such summary.
    assert!(
        !desk
            .get(&format!("{}/mot-cua", s.base))
            .await
            .body
            .contains("Theo bước:")
    );
    let form = boss.get(&format!("{}{screen}?mo=approve", s.base)).await;
    assert!(
        form.body
            .contains("<details class=\"action\" open>\n          <summary id=\"tt-approve\">"),
        "{}",
        form.body
    );
    let leader = api_token(&s.base, "leader1", None).await.0;
    ok(s, &leader, &code, "approve", json!({})).await;

    // The clerk issues it from the screen with a number, a signer and the signed PDF.
    let (clerk, csrf) = signed_in(s, "clerk1").await;
    let page = clerk.get(&format!("{}{screen}", s.base)).await;
    assert!(
        page.body.contains("Để trống: Hoàng Văn Đức"),
        "the approver is the default signer"
    );
    let r = post_files(
        s,
        &clerk,
        &format!("{screen}/thao-tac/issue_result"),
        &csrf,
        &[("number", "125/GKS"), ("signer", "Nguyễn Thị Lan")],
        &[("tep-0", "giay-khai-sinh.pdf", b"%PDF-1.4 ket qua")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (_, v) = call(
        s,
        Method::GET,
        &format!("/api/v1/dossiers/{code}"),
        &receiver,
        None,
    )
    .await;
    let result = &v["dossier"]["result"];
    assert_eq!(result["signer"], "Nguyễn Thị Lan", "{result}");
    assert_eq!(result["file"]["name"], "giay-khai-sinh.pdf");
    let file = result["file"]["id"].as_str().unwrap().to_owned();

    // The desk hands it over, saying how and to whom.
    let (desk, csrf) = signed_in(s, "receiver1").await;
    let r = desk
        .post_form(
            &format!("{}{screen}/thao-tac/return_result", s.base),
            &[
                ("csrf", &csrf),
                ("method", "tai-quay"),
                ("recipient", "Nguyễn Văn Bình (bố)"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = desk.get(&format!("{}{screen}", s.base)).await;
    assert!(page.body.contains("Nguyễn Văn Bình (bố)"), "{}", page.body);
    assert!(page.body.contains("Nguyễn Thị Lan"));

    // The result's PDF is shown inline, framable by this origin only; never to the applicant.
    let inline = format!("{}{screen}/tep/{file}", s.base);
    let r = desk.get(&inline).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/pdf");
    assert_eq!(r.headers["content-disposition"], "inline");
    assert_eq!(r.headers["x-frame-options"], "SAMEORIGIN");
    assert!(
        page.body.contains(&format!("tep&#x2f;{file}")),
        "the screen embeds it"
    );
    let (applicant, _) = signed_in(s, "citizen1").await;
    let r = applicant.get(&inline).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
on_both!(the_result_is_issued_with_its_file_and_handed_over);
