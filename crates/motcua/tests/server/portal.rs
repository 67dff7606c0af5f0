//! The citizen portal's pages over the real server, on both engines: a draft filled step by
//! step and submitted (twice: one dossier), who may open a draft, the public lookup's second
//! factor, and what the applicant's page keeps internal or escapes.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    Server, client, on_both,
    security::bearer,
    support::{Browser, api_token},
};

const PROCEDURE: &str = "1.001193"; // Đăng ký khai sinh
const AGENCY: &str = "bn.x07210"; // UBND phường Bắc Giang

/// A minimal PDF (the service checks the bytes, not only the declared type).
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

async fn citizen(s: &Server) -> (Browser, String) {
    let b = Browser::fresh();
    b.login(s, "citizen1", "motcua-demo").await;
    let csrf = b.session_csrf(s).await;
    (b, csrf)
}

/// Posts one step of the draft; returns where it went.
async fn step(s: &Server, b: &Browser, draft: &str, slug: &str, fields: &[(&str, &str)]) -> String {
    let url = format!("{}{draft}/{slug}", s.base);
    let page = b.get(&url).await;
    assert_eq!(page.status, StatusCode::OK, "{slug}: {}", page.body);
    let revision = crate::support::field_value(&page.body, "revision").unwrap_or_default();
    let mut all = vec![("revision", revision.as_str())];
    let csrf = page.csrf();
    all.push(("csrf", &csrf));
    all.extend_from_slice(fields);
    let r = b.post_form(&url, &all).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{slug}: {}", r.body);
    r.location().to_owned()
}

/// Starts and fills a draft up to the check page; returns its path (`/ho-so-dang-soan/ID`).
async fn filled_draft(s: &Server, b: &Browser, csrf: &str) -> String {
    let r = b
        .post_form(
            &format!("{}/nop-ho-so/{PROCEDURE}", s.base),
            &[("csrf", csrf), ("agency", AGENCY)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let draft = r
        .location()
        .strip_suffix("/truong-hop")
        .expect("the case comes first")
        .to_owned();
    assert!(
        step(s, b, &draft, "truong-hop", &[("case", "0")])
            .await
            .ends_with("/nguoi-nop")
    );
    let to = step(
        s,
        b,
        &draft,
        "nguoi-nop",
        &[
            ("kind", "ca-nhan"),
            ("name", "Nguyễn Văn An"),
            ("citizen_id", "024090001234"),
            ("phone", "0912345678"),
        ],
    )
    .await;
    assert!(to.ends_with("/uy-quyen"), "{to}");
    assert!(
        step(s, b, &draft, "uy-quyen", &[("for_other", "khong")])
            .await
            .ends_with("/giay-to")
    );
    // A file uploaded through the API (the session's token in the query), reused on the page.
    let up = b
        .request(
            &s.base,
            client()
                .post(format!(
                    "{}/api/v1/files?name=giay-chung-sinh.pdf&csrf={csrf}",
                    s.base
                ))
                .header("content-type", "application/pdf")
                .header("origin", &s.base)
                .body(PDF),
        )
        .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.body);
    let file: Value = serde_json::from_str(&up.body).unwrap();
    let id = file["id"].as_str().unwrap().to_owned();
    let docs = b.get(&format!("{}{draft}/giay-to", s.base)).await;
    let mut fields: Vec<(String, String)> = Vec::new();
    for i in 0..5 {
        if docs.body.contains(&format!("name=\"hoi-{i}\"")) {
            fields.push((format!("hoi-{i}"), "khong".to_owned()));
        }
        if docs.body.contains(&format!("name=\"tep-{i}\"")) && docs.body.contains("Bắt buộc") {
            fields.push((format!("dung-{i}"), id.clone()));
        }
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let to = step(s, b, &draft, "giay-to", &fields).await;
    assert!(to.ends_with("/nhan-ket-qua"), "{to}");
    let to = step(s, b, &draft, "nhan-ket-qua", &[("method", "truc-tuyen")]).await;
    assert!(to.ends_with("/kiem-tra"), "{to}");
    draft
}

/// Fills and submits a draft; returns the dossier's code.
async fn submitted(s: &Server, b: &Browser, csrf: &str) -> String {
    let draft = filled_draft(s, b, csrf).await;
    let done = b
        .post_form(&format!("{}{draft}/nop", s.base), &[("csrf", csrf)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    done.location()
        .trim_start_matches("/ho-so-cua-toi/")
        .trim_end_matches("/da-nop")
        .to_owned()
}

async fn a_draft_becomes_one_dossier(s: &Server) {
    let (b, csrf) = citizen(s).await;
    let token = api_token(&s.base, "citizen1", None).await.0;
    let count = |t: String| async move {
        let r = bearer(
            reqwest::Method::GET,
            &format!("{}/api/v1/me/dossiers", s.base),
            &t,
        )
        .send()
        .await
        .unwrap();
        r.json::<Value>().await.unwrap()["total"].as_i64().unwrap()
    };
    let before = count(token.clone()).await;
    let draft = filled_draft(s, &b, &csrf).await;
    let check = b.get(&format!("{}{draft}/kiem-tra", s.base)).await;
    assert!(
        check.body.contains("giay-chung-sinh.pdf"),
        "the check page lists the file"
    );
    let url = format!("{}{draft}/nop", s.base);
    let first = b.post_form(&url, &[("csrf", &csrf)]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let again = b.post_form(&url, &[("csrf", &csrf)]).await;
    assert_eq!(
        again.location(),
        first.location(),
        "a second click answers with the same dossier"
    );
    assert_eq!(count(token).await, before + 1, "one dossier");
    let done = b.get(&format!("{}{}", s.base, first.location())).await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("Đã nộp hồ sơ"));
    // The draft is gone: opening it again is "not found".
    let gone = b.get(&format!("{}{draft}/kiem-tra", s.base)).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}
on_both!(a_draft_becomes_one_dossier);

async fn a_draft_is_only_its_owners(s: &Server) {
    let (b, csrf) = citizen(s).await;
    let r = b
        .post_form(
            &format!("{}/nop-ho-so/{PROCEDURE}", s.base),
            &[("csrf", &csrf), ("agency", AGENCY)],
        )
        .await;
    let draft_step = r.location().to_owned();
    // An official has no drafts and cannot start one.
    let official = Browser::fresh();
    official.login(s, "receiver1", "motcua-demo").await;
    let other = official.get(&format!("{}{draft_step}", s.base)).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let start = official
        .get(&format!("{}/nop-ho-so/{PROCEDURE}", s.base))
        .await;
    assert_eq!(start.status, StatusCode::FORBIDDEN);
    // Anonymous: sent to sign in, and back here afterwards.
    let anon = Browser::fresh()
        .get(&format!("{}{draft_step}", s.base))
        .await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert!(
        anon.location().starts_with("/dang-nhap?tiep="),
        "{}",
        anon.location()
    );
    // An agency that does not offer the procedure online is refused with a message.
    let bad = b
        .post_form(
            &format!("{}/nop-ho-so/{PROCEDURE}", s.base),
            &[("csrf", &csrf), ("agency", "bn.nowhere")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("error-summary"), "{}", bad.body);
}
on_both!(a_draft_is_only_its_owners);

async fn the_lookup_needs_its_second_factor(s: &Server) {
    let (b, csrf) = citizen(s).await;
    let code = submitted(s, &b, &csrf).await;
    let token = api_token(&s.base, "citizen1", None).await.0;
    let d: Value = bearer(
        reqwest::Method::GET,
        &format!("{}/api/v1/dossiers/{code}", s.base),
        &token,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let key = d["dossier"]["lookup_key"].as_str().unwrap().to_owned();
    let anon = Browser::fresh();
    let url = |k: &str| format!("{}/tra-cuu-ho-so?ma={code}&k={k}", s.base);
    let without = anon
        .get(&format!("{}/tra-cuu-ho-so?ma={code}", s.base))
        .await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = anon.get(&url("ZZZZ9999")).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let unknown = anon
        .get(&format!(
            "{}/tra-cuu-ho-so?ma=000.00.00.H06-200101-0001&k=ZZZZ9999",
            s.base
        ))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let strip = |body: &str| {
        body.replace(&code, "CODE")
            .replace("000.00.00.H06-200101-0001", "CODE")
    };
    let main = |body: String| {
        let start = body.find("<main").unwrap();
        let end = body.find("</main>").unwrap();
        body[start..end].to_owned()
    };
    assert_eq!(
        strip(&main(wrong.body)),
        strip(&main(unknown.body)),
        "a wrong pair reads exactly like an unknown code"
    );
    let right = anon.get(&url(&key)).await;
    assert_eq!(right.status, StatusCode::OK);
    assert!(right.body.contains("Chờ tiếp nhận"), "{}", right.body);
    assert!(!right.body.contains("Nguyễn Văn An"), "nothing personal");
    let tail = anon.get(&url("1234")).await;
    assert_eq!(
        tail.status,
        StatusCode::OK,
        "the ID number's last four digits do too"
    );
}
on_both!(the_lookup_needs_its_second_factor);

async fn internal_comments_stay_internal_and_markup_is_escaped(s: &Server) {
    let (b, csrf) = citizen(s).await;
    let code = submitted(s, &b, &csrf).await;
    let desk = api_token(&s.base, "receiver1", None).await.0;
    for (text, public) in [
        ("Nội bộ: hồ sơ này cần xem kỹ", false),
        (
            "\"><img src=x onerror=alert(1)><script>alert(2)</script>",
            true,
        ),
    ] {
        let r = bearer(
            reqwest::Method::POST,
            &format!("{}/api/v1/dossiers/{code}/actions/comment", s.base),
            &desk,
        )
        .json(&json!({"text": text, "public": public}))
        .send()
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    }
    let page = b.get(&format!("{}/ho-so-cua-toi/{code}", s.base)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("Nội bộ: hồ sơ này"),
        "internal comments stay internal"
    );
    assert!(!page.body.contains("<img src=x"), "markup is escaped");
    assert!(!page.body.contains("<script>alert"), "markup is escaped");
    assert!(
        page.body.contains("&lt;script&gt;alert(2)"),
        "the public comment is shown"
    );
}
on_both!(internal_comments_stay_internal_and_markup_is_escaped);

async fn a_session_that_ends_mid_form_loses_nothing(s: &Server) {
    let (b, csrf) = citizen(s).await;
    let r = b
        .post_form(
            &format!("{}/nop-ho-so/{PROCEDURE}", s.base),
            &[("csrf", &csrf), ("agency", AGENCY)],
        )
        .await;
    let draft = r.location().trim_end_matches("/truong-hop").to_owned();
    assert!(
        step(s, &b, &draft, "truong-hop", &[("case", "0")])
            .await
            .ends_with("/nguoi-nop")
    );
    // The session ends (idle timeout, another device's "log out everywhere") while the page is
    // open; the applicant presses "Lưu và tiếp tục".
    b.set_cookie(&s.base, "motcua_session", "ended");
    let url = format!("{}{draft}/nguoi-nop", s.base);
    let r = b
        .post_form(&url, &[("csrf", &csrf), ("name", "Nguyễn Văn An")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let tiep = format!(
        "/dang-nhap?tiep={}",
        crate::api::urlencode(&format!("{draft}/nguoi-nop"))
    );
    assert_eq!(r.location(), tiep, "sent to sign in and back");
    // Signed in again, the draft is where it was.
    b.login(s, "citizen1", "motcua-demo").await;
    let page = b.get(&url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Bước 2/"), "{}", page.body);
    let check = b.get(&format!("{}{draft}/kiem-tra", s.base)).await;
    assert!(
        check.body.contains("Giấy tờ phải nộp"),
        "the case chosen before is kept"
    );
}
on_both!(a_session_that_ends_mid_form_loses_nothing);

async fn registering_on_the_way_comes_back_to_the_procedure(s: &Server) {
    let b = Browser::fresh();
    let next = format!("/nop-ho-so/{PROCEDURE}");
    let login = b
        .get(&format!(
            "{}/dang-nhap?tiep={}",
            s.base,
            crate::api::urlencode(&next)
        ))
        .await;
    assert!(
        login
            .body
            .contains("/dang-ky?tiep=&#x2f;nop-ho-so&#x2f;1.001193"),
        "the register link keeps the way back"
    );
    let form = b
        .get(&format!(
            "{}/dang-ky?tiep={}",
            s.base,
            crate::api::urlencode(&next)
        ))
        .await;
    assert!(
        form.body
            .contains("name=\"tiep\" value=\"&#x2f;nop-ho-so&#x2f;1.001193\"")
    );
    let n = uuid::Uuid::now_v7().as_u128() % 100_000_000;
    let phone = format!("09{n:08}");
    let r = b
        .post_form(
            &format!("{}/dang-ky", s.base),
            &[
                ("csrf", &form.csrf()),
                ("tiep", &next),
                ("name", "Trần Thị Mới"),
                ("contact", &phone),
                ("password", "mùa thu hà nội 1945"),
                ("password2", "mùa thu hà nội 1945"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        next,
        "the new account continues where it was going"
    );
    let page = b.get(&format!("{}{next}", s.base)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Bạn nộp hồ sơ ở đâu?"));
}
on_both!(registering_on_the_way_comes_back_to_the_procedure);

/// A clamd that answers `INSTREAM`: "FOUND" when the stream holds the EICAR test string.
async fn fake_clamd() -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut data = Vec::new();
            let mut buf = [0u8; 8192];
            // Read until the zero-length chunk that ends the stream.
            while !data.ends_with(&[0, 0, 0, 0]) || data.len() < 14 {
                let n = s.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                data.extend_from_slice(&buf[..n]);
            }
            assert!(data.starts_with(b"zINSTREAM\0"));
            let found = data.windows(EICAR.len()).any(|w| w == EICAR);
            let answer: &[u8] = if found {
                b"stream: Win.Test.EICAR_HDB-1 FOUND\0"
            } else {
                b"stream: OK\0"
            };
            s.write_all(answer).await.unwrap();
        }
    });
    addr
}

/// The EICAR anti-virus test string (harmless; every scanner reports it).
const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

async fn uploads_are_scanned_when_clamd_is_configured(engine: &'static str) {
    let clamd = fake_clamd().await;
    let upload = |s: &Server, token: String, body: Vec<u8>| {
        let url = format!("{}/api/v1/files?name=scan.pdf", s.base);
        async move {
            let r = bearer(reqwest::Method::POST, &url, &token)
                .header("content-type", "application/pdf")
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let s = &crate::start_server(
        engine,
        None,
        std::sync::Arc::new(motcua_core::clock::FixedClock::new(
            crate::NOW.parse().unwrap(),
        )),
        move |settings| settings.files.clamd = Some(clamd),
    );
    let token = api_token(&s.base, "citizen1", None).await.0;
    let (status, _) = upload(s, token.clone(), PDF.to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "a clean file is stored");
    let infected = [PDF, EICAR].concat();
    let (status, body) = upload(s, token.clone(), infected).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.contains("mã độc"), "{body}");
    // Without an answer from clamd nothing is stored unscanned.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let gone = closed.local_addr().unwrap();
    drop(closed);
    let s = &crate::start_server(
        engine,
        None,
        std::sync::Arc::new(motcua_core::clock::FixedClock::new(
            crate::NOW.parse().unwrap(),
        )),
        move |settings| settings.files.clamd = Some(gone),
    );
    let token = api_token(&s.base, "citizen1", None).await.0;
    let (status, body) = upload(s, token, PDF.to_vec()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
}
on_both!(engine uploads_are_scanned_when_clamd_is_configured);

/// A draft left alone is first warned about by mail, then deleted: three servers on one
/// database, at the draft's start, inside the warning window and past its expiry (each runs
/// its housekeeping when it starts).
async fn a_forgotten_draft_is_warned_about_then_deleted(engine: &'static str) {
    let at = |days: i64| -> std::sync::Arc<dyn motcua_core::clock::Clock> {
        let t = crate::support::now() + jiff::SignedDuration::from_hours(24 * days);
        std::sync::Arc::new(motcua_core::clock::FixedClock::new(t))
    };
    let rules = motcua_core::dossier::DossierRules::default();
    let first = crate::start_server(engine, None, at(0), |_| {});
    let (b, csrf) = citizen(&first).await;
    let r = b
        .post_form(
            &format!("{}/nop-ho-so/{PROCEDURE}", first.base),
            &[("csrf", &csrf), ("agency", AGENCY)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let draft = r.location().to_owned();
    assert!(
        crate::support::mails_to(&first, "citizen1@example.vn")
            .iter()
            .all(|m| !m.contains("chưa được nộp")),
        "no warning for a fresh draft"
    );

    let warned = crate::start_server(
        engine,
        Some(first.db.clone()),
        at(rules.draft_days - rules.draft_warning_days + 1),
        |_| {},
    );
    // The nodes share one data directory (and so one maildir) on both engines.
    let warnings = || {
        crate::support::mails_to(&first, "citizen1@example.vn")
            .into_iter()
            .filter(|m| m.contains("chưa được nộp"))
            .collect::<Vec<_>>()
    };
    let mail =
        crate::support::wait_for_mail_containing(&first, "citizen1@example.vn", "chưa được nộp")
            .await;
    assert!(mail.contains("Hồ sơ của tôi"), "{mail}");
    let (b, _) = citizen(&warned).await;
    let page = b.get(&format!("{}{draft}", warned.base)).await;
    assert_eq!(page.status, StatusCode::OK, "still there when warned");

    let expired = crate::start_server(
        engine,
        Some(first.db.clone()),
        at(rules.draft_days + 1),
        |_| {},
    );
    let (b, _) = citizen(&expired).await;
    let mut gone = false;
    for _ in 0..100 {
        if b.get(&format!("{}{draft}", expired.base)).await.status == StatusCode::NOT_FOUND {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gone, "an expired draft is deleted");
    assert_eq!(
        warnings().len(),
        1,
        "one warning, however many nodes ran the housekeeping"
    );
}
on_both!(engine a_forgotten_draft_is_warned_about_then_deleted);
