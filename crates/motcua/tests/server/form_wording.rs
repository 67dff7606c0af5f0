//! Per-agency form wording on both engines: an administrator words one desk's forms through
//! the API or the command line; that desk's papers print it, every other desk's keep the
//! shipped wording. On the shared servers, so the desk worded is one no other test prints
//! for (the ward desk `bn.x07210.tt`, whose forms other tests read, keeps the shipped
//! wording throughout).

use motcua_core::identity::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{
    Server,
    dossier_api::{call, ok, submission},
    office::{fetch, pdf_text},
    on_both,
    support::{api_token, audit, audit_by, motcua_in, official},
};

const SHIPPED_TITLE: &str = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ";
const DESK_TITLE: &str = "GIẤY BIÊN NHẬN HỒ SƠ CỦA PHƯỜNG";
const CLI_TITLE: &str = "GIẤY TIẾP NHẬN (ĐẶT TỪ DÒNG LỆNH)";
/// The desk worded here.
const DESK: &str = "bn.x07228.tt";

/// A received dossier of the ward `agency`, accepted by `receiver`: its code.
async fn received(s: &Server, citizen: &str, receiver: &str, agency: &str) -> String {
    let mut body = submission(s, citizen).await;
    body["agency"] = json!(agency);
    let (st, v) = call(s, Method::POST, "/api/v1/dossiers", citizen, Some(body)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    ok(s, receiver, &code, "accept", json!({})).await;
    code
}

/// The text of Form 01 of `code`.
async fn receipt(s: &Server, tok: &str, code: &str) -> String {
    let (st, _, pdf) = fetch(s, tok, &format!("/api/v1/dossiers/{code}/forms/01.pdf")).await;
    assert_eq!(st, StatusCode::OK);
    pdf_text(&pdf)
}

async fn an_agency_words_its_own_forms(s: &Server) {
    let admin = api_token(&s.base, "admin", None).await.0;
    let citizen = api_token(&s.base, "citizen1", None).await.0;
    let receiver = api_token(&s.base, "receiver1", None).await.0;
    let (desk_receiver, _) = official(
        s,
        "tn",
        "bn.x07228",
        Some((Role::ReceivingOfficer, "bn.x07228", true, None)),
    )
    .await;
    let desk_receiver = api_token(&s.base, &desk_receiver, None).await.0;
    let worded = received(s, &citizen, &desk_receiver, "bn.x07228").await;
    let ward = received(s, &citizen, &receiver, "bn.x07210").await;
    let path = format!("/api/v1/agencies/{DESK}/form-wording");

    // Nothing set: the shipped wording, said so.
    let (st, v) = call(s, Method::GET, &path, &admin, None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(v["override"], serde_json::Value::Null);
    assert!(v["effective"].as_str().unwrap().contains(SHIPPED_TITLE));
    assert_eq!(v["verified"], false);

    // The desk sets its title.
    let wording = format!("# Phường\n[receipt]\ntitle = \"{DESK_TITLE}\"\n");
    let (st, v) = call(
        s,
        Method::PUT,
        &path,
        &admin,
        Some(json!({"wording": wording})),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert_eq!(
        v["override"],
        wording.as_str(),
        "kept as given, comment included"
    );
    assert!(v["set_by"].as_str().unwrap().starts_with("user:"));
    assert!(v["effective"].as_str().unwrap().contains(DESK_TITLE));
    assert_eq!(audit(s, "form_wording.set", None).await.len(), 1);

    // Its receipts print it at once; the other ward's desk keeps the shipped title.
    let text = receipt(s, &desk_receiver, &worded).await;
    assert!(text.contains(DESK_TITLE), "{text}");
    assert!(!text.contains(SHIPPED_TITLE), "{text}");
    let text = receipt(s, &receiver, &ward).await;
    assert!(text.contains(SHIPPED_TITLE), "{text}");
    assert!(!text.contains(DESK_TITLE), "{text}");
    // The dossier screen's links read the same title (in sentence case).
    let (st, _, html) = fetch(s, &desk_receiver, &format!("/mot-cua/ho-so/{worded}")).await;
    assert_eq!(st, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.contains("Mẫu 01: Giấy biên nhận hồ sơ của phường"),
        "{html}"
    );

    // Refused: a placeholder the entry does not offer (named), a desk officer, an unknown
    // agency, a body that is not the documented one.
    let bad = json!({"wording": "[receipt]\ncode = \"Mã: {ma_ho_so}\"\n"});
    let (st, v) = call(s, Method::PUT, &path, &admin, Some(bad.clone())).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("receipt.code"), "{message}");
    let (st, _) = call(s, Method::PUT, &path, &receiver, Some(bad)).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = call(s, Method::GET, &path, &receiver, None).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = call(
        s,
        Method::GET,
        "/api/v1/agencies/bn.nowhere/form-wording",
        &admin,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = call(s, Method::PUT, &path, &admin, Some(json!({"text": "x"}))).await;
    assert!(st.is_client_error(), "{st}");
    let text = receipt(s, &desk_receiver, &worded).await;
    assert!(
        text.contains(DESK_TITLE),
        "refusals changed nothing: {text}"
    );

    // Cleared through the API: the desk prints the shipped wording again.
    let (st, _) = call(s, Method::DELETE, &path, &admin, None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let text = receipt(s, &desk_receiver, &worded).await;
    assert!(text.contains(SHIPPED_TITLE), "{text}");
    let (st, _) = call(s, Method::DELETE, &path, &admin, None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // The command line on the same database (another process): the server follows within
    // its refresh interval.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mau.toml");
    std::fs::write(&file, format!("[receipt]\ntitle = \"{CLI_TITLE}\"\n")).unwrap();
    let cli = |args: &[&str]| {
        let mut c = motcua_in(&s.data_dir);
        if let Some(url) = &s.db.postgres_url {
            c.env("MOTCUA_DATABASE_URL", url);
        }
        let out = c.args(args).output().unwrap();
        (
            out.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (code, out) = cli(&[
        "forms",
        "wording",
        "set",
        "--agency",
        DESK,
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(CLI_TITLE), "{out}");
    let (code, out) = cli(&["forms", "wording", "show", "--agency", DESK]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(CLI_TITLE) && out.contains("[ledger]"), "{out}");
    let (code, out) = cli(&["forms", "wording", "list"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(DESK), "{out}");
    let mut printed = String::new();
    for _ in 0..100 {
        printed = receipt(s, &desk_receiver, &worded).await;
        if printed.contains(CLI_TITLE) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(printed.contains(CLI_TITLE), "{printed}");
    let (code, out) = cli(&["forms", "wording", "clear", "--agency", DESK]);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = cli(&["forms", "wording", "show", "--override", "--agency", DESK]);
    assert_eq!(code, Some(2), "nothing left to show: {out}");
    assert_eq!(audit(s, "form_wording.clear", None).await.len(), 2);
    assert_eq!(
        audit_by(s, "cli", "form_wording.set").await.len(),
        1,
        "the command line acts as the operator"
    );
}
on_both!(an_agency_words_its_own_forms);
