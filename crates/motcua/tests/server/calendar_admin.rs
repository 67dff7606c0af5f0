//! The calendar's administration page on both engines: a file's difference is shown day by
//! day and nothing is saved until the second, confirmed step; then deadlines use it at once.

use std::sync::Arc;

use motcua_core::{clock::FixedClock, identity::Role};
use reqwest::StatusCode;

use crate::{
    Server, on_both,
    reception::multipart,
    support::{Browser, PASSWORD, get, official},
};

/// The shipped file's 2026 rows, with the second National Day holiday's status `confirmed`
/// (the press report checked against the notice, as the file's note asks).
fn year_2026_confirmed() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/calendar/vn-public-sector.csv");
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| l.starts_with("date,") || l.starts_with("2026-"))
        .map(|l| {
            if l.starts_with("2026-09-01,") {
                l.replacen(",reported,", ",confirmed,", 1)
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn preview(
    s: &Server,
    b: &Browser,
    csrf: &str,
    fields: &[(&str, &str)],
    file: Option<&str>,
) -> crate::support::Page {
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let files: Vec<(&str, &str, &[u8])> = file
        .map(|f| ("tep", "lich-2026.csv", f.as_bytes()))
        .into_iter()
        .collect();
    let (kind, body) = multipart(&fields, &files);
    let url = format!("{}/mot-cua/lich?csrf={csrf}", s.base);
    let req = crate::client()
        .post(&url)
        .header("content-type", kind)
        .body(body);
    b.request(&url, req).await
}

async fn the_calendar_is_saved_after_its_difference_is_shown(engine: &'static str) {
    // A server of its own: the shared servers' deadlines rely on the shipped calendar.
    let s = &crate::start_server(
        engine,
        None,
        Arc::new(FixedClock::new(crate::NOW.parse().unwrap())),
        |_| {},
    );
    let url = |p: &str| format!("{}{p}", s.base);

    // A handler has no calendar.edit: no page, nothing posted by hand is read.
    let (handler, _) = official(
        s,
        "lh",
        "bn.x07210",
        Some((Role::HandlingOfficer, "bn.x07210", false, None)),
    )
    .await;
    let b = Browser::fresh();
    b.login(s, &handler, PASSWORD).await;
    assert_eq!(
        b.get(&url("/mot-cua/lich")).await.status,
        StatusCode::FORBIDDEN
    );
    let csrf = b.session_csrf(s).await;
    let r = preview(s, &b, &csrf, &[], Some(&year_2026_confirmed())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let (admin, _) = official(
        s,
        "lq",
        "bn.vp",
        Some((Role::Administrator, "bn", true, None)),
    )
    .await;
    let b = Browser::fresh();
    b.login(s, &admin, PASSWORD).await;
    let csrf = b.session_csrf(s).await;
    let form = b.get(&url("/mot-cua/lich")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("Năm 2026"),
        "the stored years: {}",
        form.body
    );

    // Mistakes are named at their fields.
    let r = preview(s, &b, &csrf, &[("nam", "hai nghìn")], None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("href=\"#tep\"") && r.body.contains("href=\"#nam\""),
        "{}",
        r.body
    );
    let r = preview(
        s,
        &b,
        &csrf,
        &[],
        Some("date,kind,occasion,status\n2026-02-30,holiday,Tết,confirmed\n"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("error-summary"), "{}", r.body);

    // The preview: one day changed, shown before and after; nothing saved yet.
    let file = year_2026_confirmed();
    let r = preview(s, &b, &csrf, &[], Some(&file)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Xem trước, chưa lưu"), "{}", r.body);
    assert!(
        r.body.contains("0 ngày thêm, 0 ngày bỏ, 1 ngày sửa"),
        "{}",
        r.body
    );
    assert!(r.body.contains("01&#x2f;09&#x2f;2026"), "{}", r.body);
    assert!(
        r.body
            .contains("(theo báo chí, chưa đối chiếu văn bản)</div>"),
        "before: {}",
        r.body
    );
    assert!(
        r.body.contains("(đã có văn bản)</div>"),
        "after: {}",
        r.body
    );
    let (_, year) = get(s, "/api/v1/calendar/2026").await;
    let status_of = |year: &serde_json::Value| {
        year["days_off"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["date"] == "2026-09-01")
            .map(|d| d["status"].clone())
    };
    assert_eq!(
        status_of(&year),
        Some("reported".into()),
        "saved at the preview"
    );

    // Saved from the confirmation form, with the text the preview carried.
    let text = crate::support::field_value(&r.body, "co_quan").unwrap_or_default();
    let r = b
        .post_form(
            &url("/mot-cua/lich/luu"),
            &[
                ("csrf", &csrf),
                ("co_quan", &text),
                ("nam", ""),
                ("noi_dung", &file),
                ("can_cu", "Thông báo 9441/TB-BNV"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Đã lưu"), "{}", r.body);
    let (_, year) = get(s, "/api/v1/calendar/2026").await;
    assert_eq!(status_of(&year), Some("confirmed".into()), "served at once");
    // The same file again: nothing to save.
    let r = preview(s, &b, &csrf, &[], Some(&file)).await;
    assert!(r.body.contains("Không có thay đổi"), "{}", r.body);
}
on_both!(engine the_calendar_is_saved_after_its_difference_is_shown);
