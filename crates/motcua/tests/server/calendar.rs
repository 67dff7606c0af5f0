//! The working-time calendar over HTTP: statutory due dates across Tết, swaps and
//! compensatory days, the year listing, the lunar calendar, agency overrides reaching a running
//! server, and the calendar pages. The server's clock stands at 2026-11-25T09:00:00+07:00.

use std::time::{Duration, Instant};

use motcua_service::calendar::{
    AgencyMap,
    admin::{ImportRequest, import_calendar},
};
use motcua_store::{AgencyStore, ChangeMeta, Db};
use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    Server,
    api::urlencode,
    client, on_both,
    support::{self, get},
};

async fn due(s: &Server, received: &str, amount: &str, unit: &str, agency: Option<&str>) -> Value {
    let mut path = format!(
        "/api/v1/calendar/due?received={}&amount={}&unit={unit}",
        urlencode(received),
        urlencode(amount)
    );
    if let Some(a) = agency {
        path.push_str(&format!("&agency={a}"));
    }
    let (status, body) = get(s, &path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

fn days(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_owned(),
                d["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(d, k)| ((*d).to_owned(), (*k).to_owned()))
        .collect()
}

/// Received Friday 13/2/2026 at 16:30, three working days: 30 minutes on Friday, the nine-day
/// Tết break skipped, then Monday and Tuesday in full and Wednesday until 16:30.
async fn due_across_tet_2026(s: &Server) {
    let body = due(s, "2026-02-13T16:30:00+07:00", "3", "working_days", None).await;
    assert_eq!(body["due"], "2026-02-25T16:30:00+07:00");
    assert_eq!(body["due_text"], "16 giờ 30, thứ Tư, ngày 25/02/2026");
    assert_eq!(body["received"], "2026-02-13T16:30:00+07:00");
    assert_eq!(body["unit"], "working_days");
    assert_eq!(body["agency"], Value::Null);
    assert_eq!(body["start_deferred"], false);
    assert_eq!(
        days(&body["explanation"]),
        pairs(&[
            ("2026-02-14", "weekend_in_break"),
            ("2026-02-15", "weekend_in_break"),
            ("2026-02-16", "holiday"),
            ("2026-02-17", "holiday"),
            ("2026-02-18", "holiday"),
            ("2026-02-19", "holiday"),
            ("2026-02-20", "holiday"),
            ("2026-02-21", "weekend_in_break"),
            ("2026-02-22", "weekend_in_break"),
        ])
    );
    let tet = &body["explanation"][2];
    assert_eq!(tet["label"], "Nghỉ Tết Nguyên đán Bính Ngọ");
    assert_eq!(tet["occasion"], "Tết Nguyên đán Bính Ngọ");
    assert_eq!(tet["status"], "confirmed");
    assert_eq!(tet["weekday"], "Thứ Hai");
    assert_eq!(
        body["summary"],
        "Không tính kỳ nghỉ Tết Nguyên đán Bính Ngọ (14/02–22/02/2026, 9 ngày)."
    );
    assert_eq!(body["caveats"], Value::Array(vec![]));
    // The same instant in UTC gives the same answer, written at +07:00; a "+" the URL turned
    // into a space is understood.
    let utc = due(s, "2026-02-13T09:30:00Z", "3", "working_days", None).await;
    assert_eq!(utc["due"], "2026-02-25T16:30:00+07:00");
    let (status, spaced) = get(
        s,
        "/api/v1/calendar/due?received=2026-02-13T16:30:00+07:00&amount=3&unit=working_days",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(spaced["due"], "2026-02-25T16:30:00+07:00");
}
on_both!(due_across_tet_2026);

/// The New Year 2026 swap (Friday 2/1 off, Saturday 10/1 worked) and the compensatory Monday
/// 27/4/2026 for Giỗ Tổ on a Sunday.
async fn swapped_saturday_and_compensatory_day(s: &Server) {
    // Friday 9/1 08:00 + 1 day: 450 minutes on Friday, 30 on the make-up Saturday.
    let body = due(s, "2026-01-09T08:00:00+07:00", "1", "working_days", None).await;
    assert_eq!(body["due"], "2026-01-10T08:00:00+07:00");
    assert_eq!(
        days(&body["make_up_days"]),
        pairs(&[("2026-01-10", "make_up_workday")])
    );
    assert_eq!(
        body["make_up_days"][0]["label"],
        "Thứ Bảy làm việc bù cho ngày 02/01/2026 (dịp Tết Dương lịch)"
    );
    assert_eq!(body["explanation"], Value::Array(vec![]));
    // Over the New Year break: the swapped Friday is skipped.
    let body = due(s, "2025-12-31T14:00:00+07:00", "2", "working_days", None).await;
    assert_eq!(body["due"], "2026-01-06T14:00:00+07:00");
    assert_eq!(
        days(&body["explanation"]),
        pairs(&[
            ("2026-01-01", "holiday"),
            ("2026-01-02", "swapped_day_off"),
            ("2026-01-03", "weekend_in_break"),
            ("2026-01-04", "weekend_in_break"),
        ])
    );
    // Giỗ Tổ: Saturday 25/4 to Monday 27/4 (nghỉ bù).
    let body = due(s, "2026-04-24T15:00:00+07:00", "1", "working_days", None).await;
    assert_eq!(body["due"], "2026-04-28T15:00:00+07:00");
    assert_eq!(
        days(&body["explanation"]),
        pairs(&[
            ("2026-04-25", "weekend_in_break"),
            ("2026-04-26", "holiday"),
            ("2026-04-27", "compensatory_day_off"),
        ])
    );
    assert_eq!(
        body["explanation"][2]["label"],
        "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 ÂL)"
    );
    // The National Day 2026 swap is only reported by the press: the answer says so.
    let body = due(s, "2026-08-21T10:00:00+07:00", "1", "working_days", None).await;
    assert_eq!(body["due"], "2026-08-22T10:00:00+07:00");
    assert_eq!(body["make_up_days"][0]["status"], "reported");
    let caveat = body["caveats"][0].as_str().unwrap();
    assert!(
        caveat.contains("Quốc khánh") && caveat.contains("22/08/2026"),
        "{caveat}"
    );
}
on_both!(swapped_saturday_and_compensatory_day);

async fn fractions_units_and_defaults(s: &Server) {
    let half = due(s, "2026-03-10T09:00:00+07:00", "0.5", "working_days", None).await;
    assert_eq!(half["due"], "2026-03-10T14:30:00+07:00");
    assert_eq!(half["amount"], 0.5);
    let comma = due(s, "2026-03-10T09:00:00+07:00", "0,5", "working_days", None).await;
    assert_eq!(comma["due"], half["due"]);
    let hours = due(s, "2026-03-10T09:00:00+07:00", "1.5", "working_hours", None).await;
    assert_eq!(hours["due"], "2026-03-10T10:30:00+07:00");
    // A zero limit is due at once (the next opening when received outside hours).
    let zero = due(s, "2026-03-08T09:00:00+07:00", "0", "working_days", None).await;
    assert_eq!(zero["due"], "2026-03-09T07:30:00+07:00");
    assert_eq!(zero["start_deferred"], true);
    // Five calendar days from Thursday 12/2 end on a Tết holiday: the closing of Monday 23/2.
    let cal = due(s, "2026-02-12T10:00:00+07:00", "5", "calendar_days", None).await;
    assert_eq!(cal["due"], "2026-02-23T17:00:00+07:00");
    assert_eq!(cal["adjustment"]["from"], "2026-02-17T10:00:00+07:00");
    assert!(
        cal["adjustment"]["label"]
            .as_str()
            .unwrap()
            .contains("Điều 148")
    );
    let month = due(s, "2026-01-30T10:00:00+07:00", "1", "months", None).await;
    assert_eq!(month["due"], "2026-03-02T17:00:00+07:00");
    // 2027 has no official data yet: the answer is computed and says so.
    let next = due(s, "2027-02-04T10:00:00+07:00", "1", "working_days", None).await;
    assert_eq!(next["due"], "2027-02-12T10:00:00+07:00");
    assert!(
        next["caveats"][0]
            .as_str()
            .unwrap()
            .starts_with("Lịch nghỉ năm 2027 chưa được công bố chính thức")
    );
    assert_eq!(next["explanation"][0]["status"], "default");
}
on_both!(fractions_units_and_defaults);

async fn year_listing_and_lunar_dates(s: &Server) {
    let (status, y) = get(s, "/api/v1/calendar/2026").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(y["year"], 2026);
    assert_eq!(y["source"], "official");
    assert_eq!(y["working_days"], 250);
    let make_up: Vec<&str> = y["make_up_workdays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    assert_eq!(make_up, ["2026-01-10", "2026-08-22"]);
    assert_eq!(y["make_up_workdays"][1]["status"], "reported");
    let compensatory = y["days_off"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-04-27")
        .unwrap();
    assert_eq!(compensatory["kind"], "compensatory_day_off");
    assert_eq!(compensatory["kind_label"], "Nghỉ bù");
    assert_eq!(compensatory["occasion"], "Giỗ Tổ Hùng Vương (10/3 ÂL)");
    assert_eq!(compensatory["lunar"]["text"], "11/3 năm Bính Ngọ");
    let tet = y["days_off"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-02-17")
        .unwrap();
    assert_eq!(tet["lunar"]["month"], 1);
    assert_eq!(tet["lunar"]["day"], 1);
    assert_eq!(tet["status_label"], "đã có văn bản");
    let (_, next) = get(s, "/api/v1/calendar/2027").await;
    assert_eq!(next["source"], "default");
    assert_eq!(next["days_off"][0]["status"], "default");

    let (status, l) = get(s, "/api/v1/calendar/lunar?date=2026-02-17").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (&l["year"], &l["month"], &l["day"], &l["leap_month"]),
        (
            &Value::from(2026),
            &Value::from(1),
            &Value::from(1),
            &Value::from(false)
        )
    );
    assert_eq!(l["can_chi"], "Bính Ngọ");
    assert_eq!(l["weekday"], "Thứ Ba");
    let (_, leap) = get(s, "/api/v1/calendar/lunar?date=2025-07-30").await;
    assert_eq!(leap["leap_month"], true);
    assert_eq!(leap["text"], "6/6 nhuận năm Ất Tỵ");
}
on_both!(year_listing_and_lunar_dates);

/// Every bad input is a 400 with the JSON envelope naming the problem.
async fn bad_calendar_input_is_a_clear_400(s: &Server) {
    let ok = "received=2026-02-13T16:30:00%2B07:00&amount=3&unit=working_days";
    let cases: Vec<(String, &str)> = vec![
        ("/api/v1/calendar/due".into(), "missing_parameter"),
        (
            "/api/v1/calendar/due?amount=3&unit=working_days".into(),
            "missing_parameter",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&unit=working_days".into(),
            "missing_parameter",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13T16:30:00&amount=3&unit=working_days".into(),
            "invalid_instant",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13&amount=3&unit=working_days".into(),
            "invalid_instant",
        ),
        (
            "/api/v1/calendar/due?received=yesterday&amount=3&unit=working_days".into(),
            "invalid_instant",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-30T16:30:00%2B07:00&amount=3&unit=working_days"
                .into(),
            "invalid_instant",
        ),
        (
            "/api/v1/calendar/due?received=1999-02-13T16:30:00%2B07:00&amount=3&unit=working_days"
                .into(),
            "out_of_range",
        ),
        (
            "/api/v1/calendar/due?received=2100-12-30T16:30:00%2B07:00&amount=30&unit=working_days"
                .into(),
            "out_of_range",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&amount=-1&unit=working_days"
                .into(),
            "invalid_amount",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&amount=NaN&unit=working_days"
                .into(),
            "invalid_amount",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&amount=inf&unit=working_days"
                .into(),
            "invalid_amount",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&amount=1e308&unit=working_days"
                .into(),
            "invalid_amount",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&amount=10001&unit=working_days"
                .into(),
            "invalid_amount",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&amount=1.5&unit=months"
                .into(),
            "invalid_amount",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&amount=3&unit=weeks".into(),
            "invalid_unit",
        ),
        (
            "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&amount=3".into(),
            "missing_parameter",
        ),
        (format!("/api/v1/calendar/due?{ok}&agency=nowhere"), "unknown_agency"),
        ("/api/v1/calendar/lunar".into(), "missing_parameter"),
        ("/api/v1/calendar/lunar?date=17/13/2026".into(), "invalid_date"),
        ("/api/v1/calendar/lunar?date=2026-02-30".into(), "invalid_date"),
        ("/api/v1/calendar/lunar?date=1899-12-31".into(), "out_of_range"),
        ("/api/v1/calendar/1999".into(), "invalid_year"),
        ("/api/v1/calendar/2101".into(), "invalid_year"),
        ("/api/v1/calendar/abc".into(), "invalid_year"),
        ("/api/v1/calendar/99999999999999999999".into(), "invalid_year"),
        ("/api/v1/calendar/2026?agency=nowhere".into(), "unknown_agency"),
    ];
    for (path, code) in cases {
        let (status, body) = get(s, &path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["error"]["code"], code, "{path}: {body}");
        assert!(
            !body["error"]["message"].as_str().unwrap().is_empty(),
            "{path}"
        );
    }
    // The message says what to send.
    let (_, body) = get(
        s,
        "/api/v1/calendar/due?received=2026-02-13T16:30:00&amount=3&unit=working_days",
    )
    .await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("2026-02-13T16:30:00+07:00"), "{message}");
}
on_both!(bad_calendar_input_is_a_clear_400);

/// Nothing a client sends to the calendar routes or pages causes a 5xx.
async fn hostile_calendar_input_never_causes_a_5xx(s: &Server) {
    let nasty = [
        "%00",
        "%FF%FE",
        "'; DROP TABLE calendar_days; --",
        "\u{202e}",
        "🤖",
        "-0",
        "1e-400",
        "0x1F",
        "9999999999999999999999999",
        "-9223372036854775808",
        "+infinity",
        "%",
        "..%2F..%2Fetc%2Fpasswd",
        "2026-02-13T16:30:00%2B99:00",
        "2026-02-13T25:61:00%2B07:00",
        "-002026-02-13T16:30:00Z",
        "%2B002026-02-13T16:30:00Z",
        "9999-12-31T23:59:59Z",
    ];
    let c = client();
    for n in nasty {
        for path in [
            format!("/api/v1/calendar/due?received={n}&amount={n}&unit={n}&agency={n}"),
            format!("/api/v1/calendar/due?received={n}&amount=3&unit=working_days"),
            format!(
                "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&amount={n}&unit=working_days"
            ),
            format!(
                "/api/v1/calendar/due?received=2026-02-13T16:30:00%2B07:00&amount=3&unit=months&agency={n}"
            ),
            format!("/api/v1/calendar/lunar?date={n}"),
            format!("/api/v1/calendar/{n}"),
            format!("/api/v1/calendar/2026?agency={n}"),
            format!("/lich-lam-viec?year={n}&agency={n}"),
            format!("/lich-lam-viec/tinh-han?date={n}&time={n}&amount={n}&unit={n}&agency={n}"),
            format!("/lich-lam-viec/tinh-han?date=2026-02-13&time=16:30&amount={n}&unit=months"),
        ] {
            let r = c.get(format!("{}{path}", s.base)).send().await.unwrap();
            assert!(r.status().as_u16() < 500, "{path} → {}", r.status());
        }
    }
    // The largest amount from the last day the calendar covers.
    for unit in ["working_days", "working_hours", "calendar_days", "months"] {
        let (status, body) = get(
            s,
            &format!(
                "/api/v1/calendar/due?received=2100-12-31T23:59:59%2B07:00&amount=10000&unit={unit}"
            ),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{unit}: {body}");
    }
}
on_both!(hostile_calendar_input_never_causes_a_5xx);

/// An agency's own day off changes its due dates (and those of the units under it), not
/// other agencies'; the running server picks the change up from the database like a second
/// node would.
async fn agency_override_changes_only_that_agency(s: &Server) {
    const RECEIVED: &str = "2026-12-03T10:00:00+07:00";
    let before = due(s, RECEIVED, "1", "working_days", Some("bn.x07228")).await;
    assert_eq!(before["due"], "2026-12-04T10:00:00+07:00");

    let db = Db::connect(&s.db).await.unwrap();
    let agencies = AgencyMap::from_agencies(&db.agencies().await.unwrap());
    let file = "date,kind,occasion,status,source\n\
                2026-12-04,holiday,Ngày truyền thống phường Đa Mai,confirmed,Quyết định 1/QĐ-UBND\n";
    let outcome = import_calendar(
        &db,
        &agencies,
        &ImportRequest {
            text: file,
            agency: Some("bn.x07228"),
            years: None,
        },
        &ChangeMeta {
            by: "test".into(),
            at: "2026-11-25T09:00:00+07:00".parse().unwrap(),
            note: "Quyết định 1/QĐ-UBND".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(outcome.diff.added(), 1);
    db.close().await;

    // The server polls the generation every second.
    let deadline = Instant::now() + Duration::from_secs(30);
    let after = loop {
        let body = due(s, RECEIVED, "1", "working_days", Some("bn.x07228")).await;
        if body["due"] != before["due"] {
            break body;
        }
        assert!(
            Instant::now() < deadline,
            "the override never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(after["due"], "2026-12-07T10:00:00+07:00");
    assert_eq!(after["agency"]["id"], "bn.x07228");
    assert_eq!(
        days(&after["explanation"]),
        pairs(&[
            ("2026-12-04", "holiday"),
            ("2026-12-05", "weekend"),
            ("2026-12-06", "weekend"),
        ])
    );
    assert_eq!(
        after["explanation"][0]["label"],
        "Nghỉ Ngày truyền thống phường Đa Mai"
    );
    // The ward's service centre inherits; another ward and the national calendar do not.
    let child = due(s, RECEIVED, "1", "working_days", Some("bn.x07228.tt")).await;
    assert_eq!(child["due"], "2026-12-07T10:00:00+07:00");
    let other = due(s, RECEIVED, "1", "working_days", Some("bn.x07210")).await;
    assert_eq!(other["due"], "2026-12-04T10:00:00+07:00");
    let national = due(s, RECEIVED, "1", "working_days", None).await;
    assert_eq!(national["due"], "2026-12-04T10:00:00+07:00");

    let (_, year) = get(s, "/api/v1/calendar/2026?agency=bn.x07228.tt").await;
    let own = year["days_off"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == "2026-12-04")
        .unwrap();
    assert_eq!(own["decided_by"], "bn.x07228");
    assert_eq!(year["working_days"], 249);
    let (_, other_year) = get(s, "/api/v1/calendar/2026?agency=bn.x07210").await;
    assert_eq!(other_year["working_days"], 250);
    let html = client()
        .get(format!(
            "{}/lich-lam-viec?year=2026&agency=bn.x07228",
            s.base
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Ngày truyền thống phường Đa Mai"), "{html}");
    assert!(html.contains("riêng của Ủy ban nhân dân phường Đa Mai"));
}
on_both!(agency_override_changes_only_that_agency);

/// A page, with "/" unescaped: the templates escape it in text, and the tests compare with
/// dates as people read them.
async fn page(s: &Server, path: &str) -> (StatusCode, String) {
    let (status, html) = support::page(s, path).await;
    (status, html.replace("&#x2f;", "/"))
}

async fn calendar_pages_render(s: &Server) {
    // This year by default (the clock says 2026), grouped by occasion, with lunar dates.
    let (status, html) = page(s, "/lich-lam-viec").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Lịch nghỉ lễ, tết năm 2026"));
    assert!(html.contains("Tết Nguyên đán Bính Ngọ"));
    assert!(html.contains("Nghỉ 9 ngày: Thứ Bảy 14/02/2026 đến chủ nhật 22/02/2026"));
    assert!(html.contains("Âm lịch: 1/1 năm Bính Ngọ"));
    assert!(html.contains("Làm việc bù cho ngày 02/01/2026"));
    assert!(html.contains("Theo báo chí, chưa đối chiếu văn bản"));
    assert!(html.contains("aria-current=\"page\">Lịch làm việc</a>"));
    assert!(!html.contains("chưa có lịch nghỉ chính thức"));
    let (status, html) = page(s, "/lich-lam-viec?year=2027").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Năm 2027 chưa có lịch nghỉ chính thức"));
    assert!(html.contains("Dự kiến"));
    let (status, _) = page(s, "/lich-lam-viec?year=1990").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The calculator: an empty form first, prefilled with now.
    let (status, html) = page(s, "/lich-lam-viec/tinh-han").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("value=\"2026-11-25\""));
    assert!(html.contains("value=\"09:00\""));
    assert!(!html.contains("Hạn trả kết quả dự kiến"));
    let (status, html) = page(
        s,
        "/lich-lam-viec/tinh-han?date=13%2F02%2F2026&time=16%3A30&amount=3&unit=working_days&agency=",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("16 giờ 30, thứ Tư, ngày 25/02/2026"));
    assert!(html.contains("Các ngày không tính (9)"));
    assert!(html.contains("Nghỉ Tết Nguyên đán Bính Ngọ"));
    let (status, html) = page(
        s,
        "/lich-lam-viec/tinh-han?date=2026-02-30&time=16%3A30&amount=-1&unit=working_days",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("Ngày nhận chưa đúng"));
    assert!(html.contains("Thời hạn phải là một số"));
    assert!(html.contains("aria-invalid=\"true\""));

    // The procedure page: submitting now (Wednesday 25/11 09:00), one working day.
    let (status, html) = page(s, "/thu-tuc/1.001193").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Nếu nộp ngay bây giờ, dự kiến có kết quả: <strong><time datetime=\"2026-11-26T09:00:00+07:00\">09 giờ 00, thứ Năm, ngày 26/11/2026</time></strong>"),
        "the estimate is shown"
    );
}
on_both!(calendar_pages_render);

async fn calendar_routes_are_documented(s: &Server) {
    let (_, doc) = get(s, "/api/v1/openapi.json").await;
    for path in [
        "/api/v1/calendar/due",
        "/api/v1/calendar/lunar",
        "/api/v1/calendar/{year}",
    ] {
        assert!(doc["paths"][path]["get"].is_object(), "{path} documented");
    }
    // Read-only: no write route exists until authentication does.
    for path in ["/api/v1/calendar/2026", "/api/v1/calendar/due"] {
        let r = client()
            .put(format!("{}{path}", s.base))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
    }
}
on_both!(calendar_routes_are_documented);

/// The official calendar is not demo data: a database opened without demo data still gets
/// the shipped years, exactly once.
async fn official_years_are_stored_without_demo_data(engine: &'static str) {
    use motcua_core::clock::FixedClock;
    use motcua_store::{CalendarStore, CatalogStore, testkit::TestDb};

    let test_db = TestDb::for_engine(engine).await;
    let data_dir = test_db
        .config
        .sqlite_path
        .parent()
        .map(Into::into)
        .unwrap_or_default();
    let mut settings = crate::test_settings(&test_db.config, data_dir);
    settings.demo = false;
    settings.database.max_connections = 2;
    let clock = FixedClock::new("2026-11-25T09:00:00+07:00".parse().unwrap());
    let db = motcua::app::open_store(&settings, &clock).await.unwrap();
    assert!(
        db.current_procedures().await.unwrap().is_empty(),
        "no demo data"
    );
    let years: Vec<i16> = db
        .calendar_years()
        .await
        .unwrap()
        .iter()
        .map(|y| y.calendar.year)
        .collect();
    assert_eq!(years, (2020..=2026).collect::<Vec<_>>());
    // A second start adds nothing.
    let again = motcua::app::open_store(&settings, &clock).await.unwrap();
    assert_eq!(again.calendar_changes(10).await.unwrap().len(), 1);
    again.close().await;
    db.close().await;
}

on_both!(engine official_years_are_stored_without_demo_data);
