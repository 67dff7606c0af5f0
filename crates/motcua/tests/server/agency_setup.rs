//! Each agency's setup from the pages (`/mot-cua/don-vi`), on both engines: the offers and
//! their online levels reach the portal at once, a process saved there is the one the next
//! dossier follows, office hours are checked as the command line checks them, and nobody
//! without the permission changes anything, even posting by hand.

use std::sync::Arc;

use motcua_core::{clock::FixedClock, identity::Role};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::{
    Server,
    dossier_api::{call, ok, submit},
    on_both,
    support::{Browser, PASSWORD, api_token, audit_by, field_value, official},
};

const WARD: &str = "bn.x07210";
const BIRTH: &str = "1.001193";

/// A server of its own: these tests change the catalog's offers and the processes.
fn own_server(s: &Server) -> Server {
    crate::start_server(
        s.engine,
        None,
        Arc::new(FixedClock::new(crate::NOW.parse().unwrap())),
        |_| {},
    )
}

async fn administrator(s: &Server) -> (Browser, String, String) {
    let (name, id) = official(s, "dv", "bn", Some((Role::Administrator, "bn", true, None))).await;
    let b = Browser::fresh();
    b.login(s, &name, PASSWORD).await;
    let csrf = b.session_csrf(s).await;
    (b, id, csrf)
}

/// The agencies offering a procedure, as the public API says.
async fn offered_by(s: &Server, code: &str) -> Vec<(String, String)> {
    let (status, v) = crate::support::get(s, &format!("/api/v1/procedures/{code}")).await;
    assert_eq!(status, StatusCode::OK);
    v["offered_by"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| {
                    (
                        o["agency_id"].as_str().unwrap_or_default().to_owned(),
                        o["online_level"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn offers_are_changed_from_the_agency_page(s: &Server) {
    let s = &own_server(s);
    let url = |p: &str| format!("{}{p}", s.base);
    let (admin, admin_id, csrf) = administrator(s).await;
    let list = admin.get(&url("/mot-cua/don-vi")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(WARD), "{}", list.body);
    let page = admin.get(&url(&format!("/mot-cua/don-vi/{WARD}"))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("trang 1/"),
        "a ward's 300 offers are paged"
    );
    let page = admin
        .get(&url(&format!("/mot-cua/don-vi/{WARD}?loc={BIRTH}")))
        .await;
    assert!(page.body.contains("1 thủ tục"), "{}", page.body);
    let level = field_value(&page.body, &format!("cu.{BIRTH}")).expect("the ward offers births");
    assert!(
        offered_by(s, BIRTH)
            .await
            .contains(&(WARD.into(), level.clone())),
        "{level}"
    );

    // A level that is none of the list is said at its row; nothing changes.
    let r = admin
        .post_form(
            &url(&format!("/mot-cua/don-vi/{WARD}/thu-tuc")),
            &[
                ("csrf", &csrf),
                (&format!("muc.{BIRTH}"), "FULLY"),
                (&format!("cu.{BIRTH}"), &level),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains(&format!("href=\"#muc.{BIRTH}\"")),
        "{}",
        r.body
    );

    // Withdrawn: the portal no longer lists the ward for births, at once.
    let r = admin
        .post_form(
            &url(&format!("/mot-cua/don-vi/{WARD}/thu-tuc")),
            &[
                ("csrf", &csrf),
                (&format!("muc.{BIRTH}"), "-"),
                (&format!("cu.{BIRTH}"), &level),
                ("loc", BIRTH),
                ("trang", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location()
            .contains(&format!("tb=luu&n=1&loc={BIRTH}&trang=1")),
        "back where the administrator was: {}",
        r.location()
    );
    assert!(
        !offered_by(s, BIRTH).await.iter().any(|(a, _)| a == WARD),
        "withdrawn"
    );
    // Found again by the Vietnamese search, and added back at another level.
    let found = admin
        .get(&url(&format!(
            "/mot-cua/don-vi/{WARD}?tim=dang+ky+khai+sinh"
        )))
        .await;
    assert!(
        found.body.contains(&format!("value=\"{BIRTH}\"")),
        "{}",
        found.body
    );
    let r = admin
        .post_form(
            &url(&format!("/mot-cua/don-vi/{WARD}/them")),
            &[("csrf", &csrf), ("ma", BIRTH), ("muc", "PARTIAL")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        offered_by(s, BIRTH)
            .await
            .contains(&(WARD.into(), "PARTIAL".into()))
    );
    // A code that names no procedure is said at the search field.
    let r = admin
        .post_form(
            &url(&format!("/mot-cua/don-vi/{WARD}/them")),
            &[("csrf", &csrf), ("ma", "9.999999"), ("muc", "FULL")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Không có thủ tục mã 9.999999"),
        "{}",
        r.body
    );
    // Rows not changed are not written: saving the page as shown changes nothing.
    let r = admin
        .post_form(
            &url(&format!("/mot-cua/don-vi/{WARD}/thu-tuc")),
            &[
                ("csrf", &csrf),
                (&format!("muc.{BIRTH}"), "PARTIAL"),
                (&format!("cu.{BIRTH}"), "PARTIAL"),
            ],
        )
        .await;
    assert!(r.location().contains("n=0"), "{}", r.location());
    let audited = audit_by(s, &format!("user:{admin_id}"), "catalog.offer").await;
    assert_eq!(audited.len(), 2, "{audited:?}");
}
on_both!(offers_are_changed_from_the_agency_page);

/// The five default steps as the editor posts them, with `times` and the second step's name.
fn process_form<'a>(
    csrf: &'a str,
    times: &'a [String],
    handle_name: &'a str,
    kinds: [&'a str; 5],
) -> Vec<(String, String)> {
    let agencies = [
        "receiving",
        "competent",
        "competent",
        "competent",
        "receiving",
    ];
    let roles = [
        "receiving_officer",
        "handling_officer",
        "agency_leader",
        "clerk",
        "receiving_officer",
    ];
    let names = [
        "Tiếp nhận",
        handle_name,
        "Phê duyệt",
        "Phát hành",
        "Trả kết quả",
    ];
    let mut f = vec![
        ("csrf".to_owned(), csrf.to_owned()),
        ("so-dong".to_owned(), "7".to_owned()),
    ];
    for i in 0..5 {
        f.push((format!("ten-{i}"), names[i].to_owned()));
        f.push((format!("loai-{i}"), kinds[i].to_owned()));
        f.push((format!("co-quan-{i}"), agencies[i].to_owned()));
        f.push((format!("vai-tro-{i}"), roles[i].to_owned()));
        f.push((format!("thoi-gian-{i}"), times[i].clone()));
        f.push((format!("phoi-hop-{i}"), String::new()));
    }
    // The two blank rows the editor offers are sent empty.
    for i in 5..7 {
        f.push((format!("ten-{i}"), String::new()));
        f.push((format!("thoi-gian-{i}"), String::new()));
    }
    f
}

const ORDER: [&str; 5] = ["receive", "handle", "approve", "issue", "return"];

async fn a_process_saved_on_the_page_is_the_one_the_next_dossier_follows(s: &Server) {
    let s = &own_server(s);
    let url = |p: &str| format!("{}{p}", s.base);
    let (admin, admin_id, csrf) = administrator(s).await;
    let editor = url(&format!("/mot-cua/don-vi/{WARD}/quy-trinh/{BIRTH}"));
    let page = admin.get(&editor).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Quy trình mặc định"));
    // The default's times, in the procedure's unit, as the editor shows them.
    let times: Vec<String> = (0..5)
        .map(|i| field_value(&page.body, &format!("thoi-gian-{i}")).unwrap())
        .collect();

    // Times that overrun the legal limit: refused, the total named.
    let mut over = times.clone();
    over[1] = format!("{}9", over[1]);
    let form = process_form(&csrf, &over, "Thẩm định", ORDER);
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = admin.post_form(&editor, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("phải bằng đúng"), "{}", r.body);
    assert!(r.body.contains("href=\"#cac-buoc\""), "{}", r.body);
    // Issue before approval: refused, with the shape the law asks for.
    let swapped = ["receive", "handle", "issue", "approve", "return"];
    let form = process_form(&csrf, &times, "Thẩm định", swapped);
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = admin.post_form(&editor, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Quy trình phải có bước phê duyệt"),
        "{}",
        r.body
    );

    // Saved with a name of its own (markup in it shows escaped).
    let name = "Thẩm định, xác minh <script>alert(1)</script>";
    let form = process_form(&csrf, &times, name, ORDER);
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = admin.post_form(&editor, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get(&editor).await;
    assert!(page.body.contains("Quy trình riêng của đơn vị"));
    assert!(!page.body.contains("<script>alert"));
    assert_eq!(
        audit_by(s, &format!("user:{admin_id}"), "catalog.process")
            .await
            .len(),
        1
    );

    // The next dossier received follows it.
    let citizen = api_token(&s.base, "citizen1", None).await.0;
    let receiver = api_token(&s.base, "receiver1", None).await.0;
    let code = submit(s, &citizen).await;
    ok(s, &receiver, &code, "accept", json!({"revision": 0})).await;
    let (status, v) = call(
        s,
        Method::GET,
        &format!("/api/v1/dossiers/{code}"),
        &receiver,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let steps = v["dossier"]["process"]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(steps[1]["name"], name, "{v}");

    // Back to the default.
    let r = admin
        .post_form(&editor, &[("csrf", &csrf), ("mac_dinh", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(admin.get(&editor).await.body.contains("Quy trình mặc định"));
}
on_both!(a_process_saved_on_the_page_is_the_one_the_next_dossier_follows);

async fn office_hours_are_checked_and_saved(s: &Server) {
    let s = &own_server(s);
    let url = |p: &str| format!("{}{p}", s.base);
    let (admin, _, csrf) = administrator(s).await;
    let form_url = url(&format!("/mot-cua/don-vi/{WARD}/gio-lam-viec"));
    let page = admin.get(&form_url).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("working_day_minutes"),
        "the editor starts from the hours"
    );
    // Broken JSON: the line and column are named, the text kept.
    let r = admin
        .post_form(&form_url, &[("csrf", &csrf), ("gio", "{\"periods\": [")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Dòng 1, cột 13"), "{}", r.body);
    // Summer hours from 7:00 (all year, for the test): saved, shown on the agency's page.
    let mut hours = motcua_core::calendar::OfficeHours::default();
    hours.periods[0].week.saturday = vec![motcua_core::calendar::Interval::hm(7, 30, 11, 30)];
    let text = serde_json::to_string(&hours).unwrap();
    let r = admin
        .post_form(
            &form_url,
            &[("csrf", &csrf), ("gio", &text), ("can_cu", "QĐ 1/QĐ-UBND")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get(&url(&format!("/mot-cua/don-vi/{WARD}"))).await;
    assert!(
        page.body.contains("Đơn vị có giờ làm việc riêng"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<th scope=\"row\">Thứ Bảy</th><td>07:30–11:30</td>")
    );
    // Removed again: the standard hours.
    let r = admin
        .post_form(&form_url, &[("csrf", &csrf), ("bo", "1")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = admin.get(&url(&format!("/mot-cua/don-vi/{WARD}"))).await;
    assert!(!page.body.contains("Đơn vị có giờ làm việc riêng"));
}
on_both!(office_hours_are_checked_and_saved);

async fn agency_setup_refuses_those_without_the_permission(s: &Server) {
    let url = |p: &str| format!("{}{p}", s.base);
    let (handler, handler_id) = official(
        s,
        "dvx",
        WARD,
        Some((Role::HandlingOfficer, WARD, false, None)),
    )
    .await;
    let b = Browser::fresh();
    b.login(s, &handler, PASSWORD).await;
    let csrf = b.session_csrf(s).await;
    assert!(
        !b.get(&url("/mot-cua"))
            .await
            .body
            .contains("/mot-cua/don-vi")
    );
    for path in [
        "/mot-cua/don-vi".to_owned(),
        format!("/mot-cua/don-vi/{WARD}"),
        format!("/mot-cua/don-vi/{WARD}/quy-trinh/{BIRTH}"),
        format!("/mot-cua/don-vi/{WARD}/gio-lam-viec"),
    ] {
        assert_eq!(
            b.get(&url(&path)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let before = offered_by(s, BIRTH).await;
    let r = b
        .post_form(
            &url(&format!("/mot-cua/don-vi/{WARD}/thu-tuc")),
            &[
                ("csrf", &csrf),
                (&format!("muc.{BIRTH}"), "-"),
                (&format!("cu.{BIRTH}"), "FULL"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .post_form(
            &url(&format!("/mot-cua/don-vi/{WARD}/quy-trinh/{BIRTH}")),
            &[("csrf", &csrf), ("mac_dinh", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(offered_by(s, BIRTH).await, before, "no effect");
    assert!(
        !audit_by(s, &format!("user:{handler_id}"), "permission.denied")
            .await
            .is_empty()
    );
    // An unknown agency is a 404 for one who may.
    let (admin, _, _) = administrator(s).await;
    assert_eq!(
        admin.get(&url("/mot-cua/don-vi/bn.khong-co")).await.status,
        StatusCode::NOT_FOUND
    );
}
on_both!(agency_setup_refuses_those_without_the_permission);
