//! The back office on both engines: the printed forms of a dossier and a desk's ledger, for
//! those who may read them and for no one else.

use std::sync::Arc;

use motcua_core::clock::FixedClock;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{
    Server,
    dossier_api::{call, ok, submission, submit},
    on_both,
    security::bearer,
    start_server,
    support::{Browser, api_token, official},
};

/// GETs `path` with a token: the status, the content type and the body.
pub(crate) async fn fetch(s: &Server, tok: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    let r = bearer(Method::GET, &format!("{}{path}", s.base), tok)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, kind, r.bytes().await.unwrap().to_vec())
}

/// The text layer of a PDF, as `pdftotext` reads it.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

async fn forms_print_for_those_who_may_read_the_dossier(s: &Server) {
    let citizen = api_token(&s.base, "citizen1", None).await.0;
    let receiver = api_token(&s.base, "receiver1", None).await.0;
    let code = submit(s, &citizen).await;
    let form = |n: &str| format!("/api/v1/dossiers/{code}/forms/{n}");

    // Not received yet: nothing to print on a receipt.
    let (st, _, _) = fetch(s, &receiver, &form("01.pdf")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    ok(s, &receiver, &code, "accept", json!({})).await;

    let (st, kind, pdf) = fetch(s, &receiver, &form("01.pdf")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(kind, "application/pdf");
    let text = pdf_text(&pdf);
    assert!(text.contains(&code), "{text}");
    assert!(
        text.contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
        "{text}"
    );
    assert!(text.contains("Nguyễn Văn An"), "{text}");
    assert!(
        text.contains("Trần Thị Bình"),
        "the receiving officer: {text}"
    );
    // The applicant prints their own receipt.
    let (st, _, _) = fetch(s, &citizen, &form("01.pdf")).await;
    assert_eq!(st, StatusCode::OK);
    // Never refused, so no refusal; no Form 06 per dossier; no other extension.
    for other in ["03.pdf", "06.pdf", "01.docx", "1.pdf"] {
        let (st, _, _) = fetch(s, &receiver, &form(other)).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{other}");
    }

    // An official of another agency cannot read the dossier: 404, as for no dossier at all.
    let (outsider, _) = official(
        s,
        "ngoai",
        "bn.stp",
        Some((
            motcua_core::identity::Role::HandlingOfficer,
            "bn.stp",
            false,
            None,
        )),
    )
    .await;
    let outsider = api_token(&s.base, &outsider, None).await.0;
    let (st, _, _) = fetch(s, &outsider, &form("01.pdf")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    // The desk's ledger of the day lists the dossier, in each format.
    let ledger = |f: &str| {
        format!("/api/v1/ledger?agency=bn.x07210.tt&from=2026-11-25&to=2026-11-25&format={f}")
    };
    let (st, kind, csv) = fetch(s, &receiver, &ledger("csv")).await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&csv));
    assert!(kind.starts_with("text/csv"));
    assert!(String::from_utf8(csv).unwrap().contains(&code));
    let (st, kind, pdf) = fetch(s, &receiver, &ledger("pdf")).await;
    assert_eq!((st, kind.as_str()), (StatusCode::OK, "application/pdf"));
    let text = pdf_text(&pdf);
    assert!(text.contains("SỔ THEO DÕI HỒ SƠ"), "{text}");
    assert!(text.contains(&code), "{text}");
    let (st, _, xlsx) = fetch(s, &receiver, &ledger("xlsx")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"), "a zip container");
    // Someone else's desk, a bad format, a reversed period.
    let (st, _, _) = fetch(s, &outsider, &ledger("csv")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _, _) = fetch(s, &receiver, &ledger("doc")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _, _) = fetch(
        s,
        &receiver,
        "/api/v1/ledger?agency=bn.x07210.tt&from=2026-11-25&to=2026-11-01",
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    // Applicants have no ledger.
    let (st, _, _) = fetch(s, &citizen, &ledger("csv")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
}
on_both!(forms_print_for_those_who_may_read_the_dossier);

/// What an applicant may type as a name, and must only ever see as text.
const MARKUP: &str = "Nguyễn <script>alert(1)</script>\"><img src=x onerror=alert(1)>";

async fn the_workspace_lists_queues_and_acts_through_the_service(s: &Server) {
    let citizen = api_token(&s.base, "citizen1", None).await.0;
    let mut body = submission(s, &citizen).await;
    body["applicant"]["name"] = json!(MARKUP);
    let r = bearer(
        Method::POST,
        &format!("{}/api/v1/dossiers", s.base),
        &citizen,
    )
    .json(&body)
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let code = r.json::<serde_json::Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let demo = motcua::demo::DEMO_PASSWORD;

    // An official who signs in without a return path lands on the queues; one sent from a
    // page goes back to it.
    let desk = Browser::fresh();
    let login = desk.get(&format!("{}/dang-nhap", s.base)).await;
    let r = desk
        .post_form(
            &format!("{}/dang-nhap", s.base),
            &[
                ("csrf", &login.csrf()),
                ("login", "receiver1"),
                ("password", demo),
                ("tiep", ""),
            ],
        )
        .await;
    assert_eq!(
        (r.status, r.location()),
        (StatusCode::SEE_OTHER, "/mot-cua")
    );

    let queue = desk
        .get(&format!("{}/mot-cua?hang=cho-tiep-nhan", s.base))
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains(&format!(">{code}</a>")),
        "{}",
        queue.body
    );
    assert!(
        queue.body.contains("giờ làm việc"),
        "the time left of the 8 hours"
    );
    assert!(
        !queue.body.contains("<script>alert"),
        "escaped in the queue"
    );
    assert!(queue.body.len() < 50 * 1024, "{} bytes", queue.body.len());
    assert!(
        queue
            .body
            .contains("action=\"&#x2f;api&#x2f;v1&#x2f;ledger\"")
            || queue.body.contains("action=\"/api/v1/ledger\""),
        "the desk's ledger can be printed from the queues"
    );
    // A code typed in the search field opens the dossier.
    let r = desk.get(&format!("{}/mot-cua?q={code}", s.base)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let screen_url = format!("{}{}", s.base, r.location());
    let screen = desk.get(&screen_url).await;
    assert_eq!(screen.status, StatusCode::OK);
    assert!(!screen.body.contains("<script>alert") && !screen.body.contains("<img src=x"));
    assert!(screen.body.contains("&lt;script&gt;"), "shown as text");
    assert!(
        screen.body.contains("Tiếp nhận hồ sơ"),
        "the desk may accept"
    );
    assert!(screen.body.len() < 50 * 1024, "{} bytes", screen.body.len());
    let csrf = screen.csrf();
    let action = |a: &str| format!("{}/thao-tac/{a}", screen_url);

    // A missing reason is explained at the field; nothing changes.
    let r = desk
        .post_form(
            &action("refuse"),
            &[("csrf", &csrf), ("revision", "0"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("error-summary") && r.body.contains("href=\"#refuse-reason\""),
        "{}",
        r.body
    );
    // A form from an older screen: someone acted first, and the page says so.
    let r = desk
        .post_form(&action("accept"), &[("csrf", &csrf), ("revision", "7")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("Người khác đã thao tác"), "{}", r.body);
    // Accepted: back to the dossier with a banner, and the receipt to print.
    let r = desk
        .post_form(&action("accept"), &[("csrf", &csrf), ("revision", "0")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().ends_with("?xong=accept#thong-bao"),
        "{}",
        r.location()
    );
    let screen = desk.get(&format!("{screen_url}?xong=accept")).await.body;
    assert!(screen.contains("Đã thực hiện: Tiếp nhận hồ sơ"));
    assert!(screen.contains("01.pdf\">Mẫu 01"), "the receipt to print");
    // An internal comment by default; the checkbox shows it to the applicant.
    let r = desk
        .post_form(&action("comment"), &[("csrf", &csrf), ("text", "Nội bộ")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (st, _, seen) = fetch(s, &citizen, &format!("/api/v1/dossiers/{code}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        !String::from_utf8(seen).unwrap().contains("Nội bộ"),
        "an internal comment stays inside"
    );

    // An official of another agency sees neither the dossier nor any effect of posting.
    let (outsider, _) = official(
        s,
        "khac",
        "bn.stp",
        Some((
            motcua_core::identity::Role::ReceivingOfficer,
            "bn.stp",
            false,
            None,
        )),
    )
    .await;
    let other = Browser::fresh();
    other.login(s, &outsider, crate::support::PASSWORD).await;
    assert_eq!(other.get(&screen_url).await.status, StatusCode::NOT_FOUND);
    let csrf = other.get(&format!("{}/mot-cua", s.base)).await.csrf();
    let r = other
        .post_form(&action("forward"), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Applicants have no workspace.
    let applicant = Browser::fresh();
    applicant.login(s, "citizen1", demo).await;
    assert_eq!(
        applicant.get(&format!("{}/mot-cua", s.base)).await.status,
        StatusCode::FORBIDDEN
    );
}
on_both!(the_workspace_lists_queues_and_acts_through_the_service);

/// The queues find a dossier by its applicant's name (without marks, from the family or the
/// given name) or identity number, filter by channel and dates, and explain a bad filter;
/// `GET /api/v1/inbox` answers the same filters.
async fn the_queues_find_applicants_and_explain_bad_filters(s: &Server) {
    let citizen = api_token(&s.base, "citizen1", None).await.0;
    let mut body = submission(s, &citizen).await;
    // Unique on a server other tests share.
    let id = format!("0790{:08}", uuid::Uuid::now_v7().as_u128() % 100_000_000);
    body["applicant"]["name"] = json!("Khúc Thừa Dụ");
    body["applicant"]["citizen_id"] = json!(format!("{} {}", &id[..6], &id[6..]));
    let (st, v) = call(s, Method::POST, "/api/v1/dossiers", &citizen, Some(body)).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let code = v["code"].as_str().unwrap().to_owned();
    let desk = Browser::fresh();
    desk.login(s, "receiver1", motcua::demo::DEMO_PASSWORD)
        .await;
    let list = |query: &str| {
        let desk = &desk;
        let url = format!("{}/mot-cua?hang=tat-ca&{query}", s.base);
        async move { desk.get(&url).await }
    };
    for q in ["q=khuc+thua", "q=D%E1%BB%A5", "q=KHUC", &format!("q={id}")] {
        let r = list(q).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains(&format!(">{code}</a>")), "{q}: {}", r.body);
    }
    let r = list("q=thua+du").await;
    assert!(
        !r.body.contains(&format!(">{code}</a>")),
        "a middle name is not a start"
    );
    let r = list("q=khuc&kenh=online").await;
    assert!(r.body.contains(&format!(">{code}</a>")), "submitted online");
    assert!(r.body.contains("đang lọc"), "the filters say they are on");
    let r = list("q=khuc&kenh=desk").await;
    assert!(!r.body.contains(&format!(">{code}</a>")));
    assert!(r.body.contains("Không tìm thấy hồ sơ của"), "{}", r.body);
    // Bad values are explained at their fields, and the rest of the page still works.
    let r = list("kenh=fax&nop_tu=2026-13-01&don_vi=bn.stp&gio=7&linh_vuc=Kh%C3%B4ng").await;
    assert_eq!(r.status, StatusCode::OK);
    for field in ["kenh", "nop_tu", "don_vi", "gio", "linh_vuc"] {
        assert!(
            r.body.contains(&format!("href=\"#{field}\"")),
            "{field}: {}",
            r.body
        );
    }
    let r = list("nop_tu=2026-12-02&nop_den=2026-12-01").await;
    assert!(
        r.body.contains("href=\"#nop_den\""),
        "an end before its start"
    );

    // The API takes the same filters.
    let tok = api_token(&s.base, "receiver1", None).await.0;
    let (st, v) = call(
        s,
        Method::GET,
        "/api/v1/inbox?status=all&applicant=khuc%20thua&channel=online&sort=newest",
        &tok,
        None,
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["code"] == code.as_str()),
        "{v}"
    );
    let (st, v) = call(
        s,
        Method::GET,
        &format!("/api/v1/inbox?status=all&applicant={id}&submitted_to=2000-01-01"),
        &tok,
        None,
    )
    .await;
    assert_eq!((st, v["total"].as_i64()), (StatusCode::OK, Some(0)), "{v}");
    let (st, v) = call(s, Method::GET, "/api/v1/inbox?field=Kh%C3%B4ng", &tok, None).await;
    assert_eq!(
        (st, v["total"].as_i64()),
        (StatusCode::OK, Some(0)),
        "an unknown field holds nothing"
    );
    for bad in [
        "channel=fax",
        "sort=random",
        "step=sign",
        "submitted_from=2026-13-01",
    ] {
        let (st, v) = call(s, Method::GET, &format!("/api/v1/inbox?{bad}"), &tok, None).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{bad}: {v}");
    }
}
on_both!(the_queues_find_applicants_and_explain_bad_filters);

/// Several dossiers ticked in a queue move on with one press; each is decided by the service
/// as if forwarded from its screen, and what could not move is listed with the reason.
async fn a_desk_forwards_several_dossiers_at_once(s: &Server) {
    let citizen = api_token(&s.base, "citizen1", None).await.0;
    let tok = api_token(&s.base, "receiver1", None).await.0;
    let mut codes = Vec::new();
    for _ in 0..2 {
        let code = submit(s, &citizen).await;
        let (st, v) = call(
            s,
            Method::POST,
            &format!("/api/v1/dossiers/{code}/actions/accept"),
            &tok,
            None,
        )
        .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        codes.push(code);
    }
    // One not yet accepted: the desk cannot forward it.
    let waiting = submit(s, &citizen).await;
    let desk = Browser::fresh();
    desk.login(s, "receiver1", motcua::demo::DEMO_PASSWORD)
        .await;
    let queue = desk
        .get(&format!("{}/mot-cua?hang=dang-xu-ly", s.base))
        .await;
    assert!(
        queue
            .body
            .contains(&format!("name=\"ho_so\" value=\"{}\"", codes[0])),
        "the rows can be ticked: {}",
        queue.body
    );
    let r = desk
        .post_form(
            &format!("{}/mot-cua/chuyen-buoc", s.base),
            &[
                ("csrf", &queue.csrf()),
                ("hang", "dang-xu-ly"),
                ("ho_so", &codes[0]),
                ("ho_so", &codes[1]),
                ("ho_so", &codes[1]),
                ("ho_so", &waiting),
                ("ho_so", "not-a-code"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Đã chuyển bước 2 hồ sơ"), "{}", r.body);
    assert!(r.body.contains("Không chuyển được 2 hồ sơ"), "{}", r.body);
    assert!(r.body.contains(&format!(">{waiting}</a>:")), "{}", r.body);
    for code in &codes {
        let (_, v) = call(
            s,
            Method::GET,
            &format!("/api/v1/dossiers/{code}"),
            &tok,
            None,
        )
        .await;
        assert_eq!(v["dossier"]["step"], 1, "{code} moved on: {v}");
    }
    // Without the form token nothing moves.
    let r = desk
        .post_form(
            &format!("{}/mot-cua/chuyen-buoc", s.base),
            &[("hang", "dang-xu-ly"), ("ho_so", &waiting)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}
on_both!(a_desk_forwards_several_dossiers_at_once);

/// The transfer form offers the other agencies that offer the procedure, never the one that
/// has the dossier: before acceptance a dossier sits at its desk, and its ward — which the
/// service refuses as a destination — was offered first.
async fn a_transfer_offers_only_other_agencies(s: &Server) {
    let citizen = api_token(&s.base, "citizen1", None).await.0;
    let code = submit(s, &citizen).await;
    let desk = Browser::fresh();
    desk.login(s, "receiver1", motcua::demo::DEMO_PASSWORD)
        .await;
    let screen_url = format!("{}/mot-cua/ho-so/{code}", s.base);
    let screen = desk.get(&screen_url).await;
    assert_eq!(screen.status, StatusCode::OK);
    let form = screen
        .body
        .split("/thao-tac/transfer")
        .nth(1)
        .and_then(|rest| rest.split("</form>").next())
        .unwrap_or_default();
    assert!(
        form.contains("<optgroup label=\"Cơ quan có thẩm quyền"),
        "the wards are offered: {form}"
    );
    assert!(
        !form.contains("<option value=\"bn.x07210\""),
        "not the ward that has it: {form}"
    );
    // Another ward is, and the transfer to it goes through.
    let other = form
        .split("<option value=\"")
        .skip(2)
        .find_map(|o| o.split('"').next())
        .unwrap();
    let r = desk
        .post_form(
            &format!("{screen_url}/thao-tac/transfer"),
            &[
                ("csrf", &screen.csrf()),
                ("revision", "0"),
                ("agency", other),
                ("reason", "Người nộp thường trú tại phường khác"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}
on_both!(a_transfer_offers_only_other_agencies);

/// The (number, dossier code) rows of a ledger in CSV.
fn csv_rows(csv: &[u8]) -> Vec<(u32, String)> {
    let text = String::from_utf8(csv.to_vec()).unwrap();
    text.split("\r\n")
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut f = l.split(',');
            let n = f.next().unwrap().parse().unwrap();
            (n, f.next().unwrap().trim_matches('"').to_owned())
        })
        .collect()
}

/// A desk's ledger book numbers its entries over the calendar year: a ledger from 1 March goes
/// on from what the desk received since 1 January (an online dossier still waiting for the
/// desk's check is not received, so not counted), and a period across the new year starts
/// again at 1 on 1 January. On a server of its own, whose clock the test moves.
async fn a_ledger_numbers_its_rows_over_the_desk_year(engine: &'static str) {
    let clock = Arc::new(FixedClock::new(
        "2025-12-30T09:00:00+07:00".parse().unwrap(),
    ));
    // A small pool: the test suite's servers share one PostgreSQL server's connections.
    let s = &start_server(engine, None, clock.clone(), |settings| {
        settings.database.max_connections = 2;
    });
    let citizen = api_token(&s.base, "citizen1", None).await.0;
    let receiver = api_token(&s.base, "receiver1", None).await.0;
    let at = |when: &str| clock.set(when.parse().unwrap());
    let mut codes = Vec::new();
    for (when, accept) in [
        ("2025-12-30T09:00:00+07:00", true),
        ("2026-01-05T09:00:00+07:00", true),
        ("2026-02-10T09:00:00+07:00", true),
        // Submitted online and never checked by the desk: not in the ledger, not counted.
        ("2026-02-10T10:00:00+07:00", false),
        ("2026-03-02T09:00:00+07:00", true),
        ("2026-03-02T10:00:00+07:00", true),
    ] {
        at(when);
        let code = submit(s, &citizen).await;
        if accept {
            ok(s, &receiver, &code, "accept", json!({})).await;
        }
        codes.push(code);
    }
    at("2026-03-31T16:00:00+07:00");
    let ledger = |from: &str, to: &str| {
        format!("/api/v1/ledger?agency=bn.x07210.tt&from={from}&to={to}&format=csv")
    };

    let (st, _, csv) = fetch(s, &receiver, &ledger("2026-03-01", "2026-03-31")).await;
    assert_eq!(st, StatusCode::OK, "{}", String::from_utf8_lossy(&csv));
    assert_eq!(
        csv_rows(&csv),
        [(3, codes[4].clone()), (4, codes[5].clone())],
        "two received since 1 January before March"
    );
    let (_, _, csv) = fetch(s, &receiver, &ledger("2025-12-01", "2026-03-31")).await;
    assert_eq!(
        csv_rows(&csv),
        [
            (1, codes[0].clone()),
            (1, codes[1].clone()),
            (2, codes[2].clone()),
            (3, codes[4].clone()),
            (4, codes[5].clone()),
        ],
        "again from 1 on 1 January"
    );
    // A period from 1 January has nothing before it; a ledger of one day goes on from the
    // days before it.
    let (_, _, csv) = fetch(s, &receiver, &ledger("2026-01-01", "2026-02-28")).await;
    assert_eq!(
        csv_rows(&csv),
        [(1, codes[1].clone()), (2, codes[2].clone())]
    );
    let (_, _, csv) = fetch(s, &receiver, &ledger("2026-03-02", "2026-03-02")).await;
    assert_eq!(csv_rows(&csv)[0].0, 3);
}
on_both!(engine a_ledger_numbers_its_rows_over_the_desk_year);
