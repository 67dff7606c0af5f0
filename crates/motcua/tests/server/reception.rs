//! The desk's reception pages on both engines: a dossier brought to the desk is found by its
//! procedure, entered with the paper seen and a scan, and received (Form 01), handed back with
//! what is missing (Form 02) or refused (Form 03) — through the same service as the API, and
//! by no one without `dossier.receive`.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    Server,
    dossier_api::call,
    on_both,
    support::{Browser, Page, api_token},
};

const FORM: &str = "/mot-cua/tiep-nhan/1.001193";

/// The rows of the first case the catalog marks required.
async fn required_rows(s: &Server, tok: &str) -> Vec<usize> {
    let (st, p) = call(s, Method::GET, "/api/v1/procedures/1.001193", tok, None).await;
    assert_eq!(st, StatusCode::OK);
    p["documents"][0]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, r)| r["kind"] == "required")
        .map(|(i, _)| i)
        .collect()
}

/// A multipart body of text fields and one file per `(field, name, bytes)`.
pub(crate) fn multipart(
    fields: &[(String, String)],
    files: &[(&str, &str, &[u8])],
) -> (String, Vec<u8>) {
    let boundary = "motcua-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    for (field, name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts the reception form.
async fn enter(
    s: &Server,
    b: &Browser,
    csrf: &str,
    fields: &[(String, String)],
    files: &[(&str, &str, &[u8])],
) -> Page {
    let (kind, body) = multipart(fields, files);
    let url = format!("{}{FORM}?csrf={csrf}", s.base);
    let req = crate::client()
        .post(&url)
        .header("content-type", kind)
        .body(body);
    b.request(&url, req).await
}

fn applicant(name: &str, ident: &str) -> Vec<(String, String)> {
    [
        ("co_quan", "bn.x07210"),
        ("truong_hop", "0"),
        ("kenh", "truc-tiep"),
        ("kind", "ca-nhan"),
        ("name", name),
        ("citizen_id", ident),
        ("phone", "0912 345 678"),
        ("tra_kq", "tai-quay"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// The dossier code a reception redirect names.
fn code_of(p: &Page) -> String {
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let loc = p.location();
    loc.trim_start_matches("/mot-cua/ho-so/")
        .split(['?', '#'])
        .next()
        .unwrap()
        .to_owned()
}

async fn dossier(s: &Server, tok: &str, code: &str) -> Value {
    let (st, v) = call(
        s,
        Method::GET,
        &format!("/api/v1/dossiers/{code}"),
        tok,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v["dossier"].clone()
}

async fn the_desk_enters_a_dossier_brought_to_it(s: &Server) {
    let tok = api_token(&s.base, "receiver1", None).await.0;
    let rows = required_rows(s, &tok).await;
    let desk = Browser::fresh();
    desk.login(s, "receiver1", motcua::demo::DEMO_PASSWORD)
        .await;
    let csrf = desk.session_csrf(s).await;

    // The procedure is found by words without marks, among those the desk receives.
    let found = desk
        .get(&format!("{}/mot-cua/tiep-nhan?q=dang+ky+khai+sinh", s.base))
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found
            .body
            .contains("tiep-nhan&#x2f;1.001193\">Thủ tục đăng ký khai sinh</a>"),
        "{}",
        found.body
    );
    // A code typed goes straight to its form.
    let direct = desk
        .get(&format!("{}/mot-cua/tiep-nhan?q=1.001193", s.base))
        .await;
    assert_eq!(direct.status, StatusCode::SEE_OTHER);
    assert_eq!(direct.location(), FORM);
    let form = desk.get(&format!("{}{FORM}", s.base)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("Thành phần hồ sơ"));

    // Nothing ticked: the receipt is refused, at the document, and what was typed stays.
    let mut fields = applicant("Lê Thị Hoa", "024090005678");
    fields.push(("quyet_dinh".into(), "tiep-nhan".into()));
    let again = enter(s, &desk, &csrf, &fields, &[]).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.body
    );
    assert!(
        again.body.contains("Thiếu thành phần hồ sơ bắt buộc"),
        "{}",
        again.body
    );
    assert!(
        again.body.contains(&format!("href=\"#nhan-{}\"", rows[0])),
        "{}",
        again.body
    );
    assert!(again.body.contains("value=\"Lê Thị Hoa\""));

    // The paper seen for every required document and a scan of the first: received.
    for r in &rows {
        fields.push((format!("nhan-{r}"), "1".into()));
    }
    fields.push((format!("ban_sao-{}", rows[0]), "2".into()));
    fields.push(("khoa".into(), "k-1".into()));
    let scan_field = format!("tep-{}", rows[0]);
    let scan: &[(&str, &str, &[u8])] = &[(&scan_field, "giay-chung-sinh.pdf", b"%PDF-1.4 scan")];
    let done = enter(s, &desk, &csrf, &fields, scan).await;
    let code = code_of(&done);
    assert!(done.location().contains("nhap=tiep-nhan"));
    let d = dossier(s, &tok, &code).await;
    assert_eq!(d["status"], "processing", "{d}");
    assert_eq!(d["channel"], "desk");
    // (The dossier's components leave the catalog's notes out: found by the scan.)
    let first = d["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["files"].as_array().is_some_and(|f| !f.is_empty()))
        .unwrap_or_else(|| panic!("the scanned document: {d}"));
    assert_eq!(first["paper"]["copies"], 2, "{first}");
    assert_eq!(first["files"][0]["name"], "giay-chung-sinh.pdf");
    let screen = desk.get(&format!("{}{}", s.base, done.location())).await;
    assert!(screen.body.contains("In Mẫu 01"), "{}", screen.body);
    // A second press of the same form is the same dossier.
    let twice = enter(s, &desk, &csrf, &fields, scan).await;
    assert_eq!(code_of(&twice), code);

    // The returning applicant is found by their number.
    let known = desk
        .get(&format!("{}{FORM}?tim=0240+9000+5678", s.base))
        .await;
    assert!(
        known.body.contains("value=\"Lê Thị Hoa\""),
        "{}",
        known.body
    );
    assert!(known.body.contains(&code));

    // Incomplete: Form 02 lists the missing document, all at once.
    let mut fields = applicant("Phạm Văn Minh", "024090009999");
    fields.push((format!("thieu-{}", rows[0]), "1".into()));
    fields.push(("thieu_khac".into(), "Sổ hộ khẩu".into()));
    fields.push(("huong_dan".into(), "Mang bản chính".into()));
    fields.push(("quyet_dinh".into(), "bo-sung".into()));
    let code = code_of(&enter(s, &desk, &csrf, &fields, &[]).await);
    let d = dossier(s, &tok, &code).await;
    assert_eq!(d["status"], "awaiting_supplement", "{d}");
    assert_eq!(d["accepted_at"], Value::Null);
    let items = &d["supplements"][0]["items"];
    assert_eq!(items.as_array().unwrap().len(), 2, "{items}");
    assert_eq!(items[1]["component"], "Sổ hộ khẩu");
    // Asked for a supplement without naming anything: said at the checklist.
    let mut fields = applicant("Phạm Văn Minh", "024090009999");
    fields.push(("quyet_dinh".into(), "bo-sung".into()));
    let again = enter(s, &desk, &csrf, &fields, &[]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("href=\"#thieu\""), "{}", again.body);

    // Refused: a reason is needed, then Form 03.
    let mut fields = applicant("Đỗ Văn Nam", "024090007777");
    fields.push(("quyet_dinh".into(), "tu-choi".into()));
    let again = enter(s, &desk, &csrf, &fields, &[]).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.body
    );
    assert!(again.body.contains("href=\"#ly_do\""), "{}", again.body);
    fields.push(("ly_do".into(), "Không thuộc thẩm quyền của xã".into()));
    let code = code_of(&enter(s, &desk, &csrf, &fields, &[]).await);
    let d = dossier(s, &tok, &code).await;
    assert_eq!(d["status"], "refused", "{d}");

    // The API says the same about a decision an online dossier cannot carry.
    let citizen = api_token(&s.base, "citizen1", None).await.0;
    let mut body = crate::dossier_api::submission(s, &citizen).await;
    body["decision"] = json!({"kind": "refuse", "reason": "x"});
    let (st, v) = call(s, Method::POST, "/api/v1/dossiers", &citizen, Some(body)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v.to_string().contains("decision"), "{v}");
}
on_both!(the_desk_enters_a_dossier_brought_to_it);

async fn only_a_desk_receives(s: &Server) {
    for who in ["citizen1", "handler1"] {
        let b = Browser::fresh();
        b.login(s, who, motcua::demo::DEMO_PASSWORD).await;
        let csrf = b.session_csrf(s).await;
        for path in ["/mot-cua/tiep-nhan", FORM] {
            let r = b.get(&format!("{}{path}", s.base)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {path}");
        }
        let mut fields = applicant("Kẻ Lạ", "024090001111");
        fields.push(("quyet_dinh".into(), "tiep-nhan".into()));
        let r = enter(s, &b, &csrf, &fields, &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
    }
    // A procedure the desk does not receive is not there at all.
    let desk = Browser::fresh();
    desk.login(s, "receiver1", motcua::demo::DEMO_PASSWORD)
        .await;
    let r = desk
        .get(&format!("{}/mot-cua/tiep-nhan/9.999999", s.base))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
on_both!(only_a_desk_receives);
