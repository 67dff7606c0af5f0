//! The working calendar page (`/lich-lam-viec`) and the due-date calculator
//! (`/lich-lam-viec/tinh-han`). Both are plain GET forms: they work without JavaScript, and a
//! result can be bookmarked or shared as a link.

use std::collections::BTreeSet;

use axum::{
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use jiff::{Timestamp, civil::Date};
use motcua_core::{
    calendar::{EntryStatus, weekday_vi},
    catalog::TimeUnit,
};
use motcua_service::{
    calendar::query::{self, YearAnswer},
    catalog::Catalog,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::PageResult;
use crate::{api::calendar::DueBody, extract::ApiQuery, present::number_vi, state::AppState};

fn today(state: &AppState) -> Date {
    state.clock.now().to_zoned(query::vn()).date()
}

/// The calendar page's parameters.
#[derive(Debug, Deserialize)]
pub struct CalendarParams {
    /// The year; default: this year.
    pub year: Option<String>,
    /// An agency id; default: the national calendar.
    pub agency: Option<String>,
}

/// `GET /lich-lam-viec`
pub async fn calendar_page(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<CalendarParams>,
) -> PageResult {
    let today = today(&state);
    let year = match params.year.as_deref().map(str::trim) {
        None | Some("") => i32::from(today.year()),
        Some(raw) => query::parse_year(raw)?,
    };
    let agency = params
        .agency
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let calendars = state.calendars.get();
    let catalog = state.catalog.get();
    let answer = query::year(&calendars, catalog.as_ref(), year, agency)?;

    // Years worth offering: the stored ones, and this year ± 2.
    let this_year = i32::from(today.year());
    let mut years: BTreeSet<i32> = calendars
        .stored_years()
        .iter()
        .map(|y| i32::from(y.year))
        .collect();
    years.extend(
        (this_year - 2..=this_year + 2)
            .filter(|y| (query::FIRST_YEAR..=query::LAST_YEAR).contains(y)),
    );
    years.insert(year);
    let link = |y: i32| match agency {
        Some(a) => format!("/lich-lam-viec?year={y}&agency={a}"),
        None => format!("/lich-lam-viec?year={y}"),
    };
    let html = state.templates.render(
        "calendar.html",
        json!({
            "page_title": format!("Lịch nghỉ lễ, tết năm {year} — {}", state.site.name),
            "year": year,
            "stored": answer.stored,
            "years": years.iter().map(|y| json!({"value": y, "selected": *y == year})).collect::<Vec<_>>(),
            "prev": (year > query::FIRST_YEAR).then(|| json!({"year": year - 1, "href": link(year - 1)})),
            "next": (year < query::LAST_YEAR).then(|| json!({"year": year + 1, "href": link(year + 1)})),
            "agency": answer.agency,
            "agencies": super::agencies::agency_options(&catalog, today, agency, |_| true),
            "working_days": answer.working_days,
            "weekday_days_off": answer.days.iter().filter(|d| d.entry.kind.is_day_off() && !is_weekend(d.entry.date)).count(),
            "make_up_days": answer.days.iter().filter(|d| !d.entry.kind.is_day_off()).count(),
            "has_reported": answer.days.iter().any(|d| d.entry.status == EntryStatus::Reported),
            "groups": groups_json(&answer, catalog.as_ref()),
            "calculator": match agency {
                Some(a) => format!("/lich-lam-viec/tinh-han?agency={a}"),
                None => "/lich-lam-viec/tinh-han".to_owned(),
            },
        }),
    )?;
    Ok(Html(html))
}

fn is_weekend(d: Date) -> bool {
    matches!(
        d.weekday(),
        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
    )
}

fn groups_json(answer: &YearAnswer, catalog: &Catalog) -> Vec<Value> {
    query::by_occasion(&answer.days)
        .iter()
        .map(|g| {
            let off: Vec<Date> = g.days_off().map(|d| d.entry.date).collect();
            let range = match (off.first(), off.last()) {
                (Some(a), Some(b)) if a == b => {
                    format!("Nghỉ 1 ngày: {}", query::date_vi(*a))
                }
                (Some(a), Some(b)) => format!(
                    "Nghỉ {} ngày: {} {} đến {} {}",
                    off.len(),
                    weekday_vi(a.weekday()),
                    query::dmy(*a),
                    weekday_vi(b.weekday()).to_lowercase(),
                    query::dmy(*b)
                ),
                _ => String::new(),
            };
            let mut sources: Vec<&str> = Vec::new();
            for d in &g.days {
                let s = d.entry.source.as_str();
                if !s.is_empty() && !sources.contains(&s) {
                    sources.push(s);
                }
            }
            let days: Vec<Value> = g
                .days
                .iter()
                .map(|d| {
                    let e = &d.entry;
                    json!({
                        "iso": e.date.to_string(),
                        "weekday": weekday_vi(e.date.weekday()),
                        "date": query::dmy(e.date),
                        "lunar": d.lunar.as_ref().map(query::lunar_text),
                        "what": query::day_description(e),
                        "off": e.kind.is_day_off(),
                        "status": match e.status {
                            EntryStatus::Reported => Some("Theo báo chí, chưa đối chiếu văn bản"),
                            EntryStatus::Default => Some("Dự kiến"),
                            _ => None,
                        },
                        "decided_by": d.decided_by.as_deref().map(|id| catalog.agency(id).map_or(id, |a| a.name.as_str())),
                        "note": e.note,
                    })
                })
                .collect();
            json!({
                "occasion": g.occasion,
                "range": range,
                "days": days,
                "sources": sources,
            })
        })
        .collect()
}

/// The calculator's fields as typed.
#[derive(Debug, Default, Deserialize)]
pub struct DueFormParams {
    /// Date received (YYYY-MM-DD from the date picker, or DD/MM/YYYY typed).
    pub date: Option<String>,
    /// Time received (HH:MM).
    pub time: Option<String>,
    /// The limit's amount.
    pub amount: Option<String>,
    /// The limit's unit.
    pub unit: Option<String>,
    /// An agency id.
    pub agency: Option<String>,
}

impl DueFormParams {
    fn is_empty(&self) -> bool {
        [&self.date, &self.time, &self.amount]
            .iter()
            .all(|f| f.as_deref().is_none_or(|s| s.trim().is_empty()))
    }
}

/// `GET /lich-lam-viec/tinh-han`
pub async fn due_page(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<DueFormParams>,
) -> Result<Response, super::PageError> {
    let now = state.clock.now().to_zoned(query::vn());
    let calendars = state.calendars.get();
    let catalog = state.catalog.get();
    let agency = params
        .agency
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    let unit = params
        .unit
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or("working_days");
    let mut form = json!({
        "date": params.date.as_deref().map_or_else(|| now.date().to_string(), str::to_owned),
        "time": params.time.as_deref().map_or_else(|| now.strftime("%H:%M").to_string(), str::to_owned),
        "amount": params.amount.clone().unwrap_or_default(),
        "unit": unit,
    });
    let mut errors: Vec<Value> = Vec::new();
    let mut result: Option<DueBody> = None;
    // Only a submitted form is checked: the first visit shows the form, prefilled with now.
    if !params.is_empty() || params.unit.is_some() {
        let date = query::parse_date("date", params.date.as_deref());
        let time = query::parse_time("time", params.time.as_deref());
        let amount = query::parse_amount(params.amount.as_deref());
        let unit = query::parse_unit(Some(unit));
        if let (Ok(d), Some(o)) = (&date, form.as_object_mut()) {
            // The date picker needs YYYY-MM-DD back, whatever was typed.
            o.insert("date".into(), json!(d.to_string()));
        }
        for (field, err) in [
            ("due-date", date.as_ref().err()),
            ("due-time", time.as_ref().err()),
            ("due-amount", amount.as_ref().err()),
            ("due-unit", unit.as_ref().err()),
        ] {
            if let Some(e) = err {
                errors.push(json!({"field": field, "message": form_message(field, e)}));
            }
        }
        if let (Ok(date), Ok(time), Ok(amount), Ok(unit)) = (date, time, amount, unit) {
            let computed =
                if (query::FIRST_YEAR..=query::LAST_YEAR).contains(&i32::from(date.year())) {
                    query::instant_from_local(date, time).and_then(|received| {
                        query::due(&calendars, catalog.as_ref(), received, amount, unit, agency)
                    })
                } else {
                    Err(motcua_service::ServiceError::bad_request(
                        "out_of_range",
                        String::new(),
                    ))
                };
            match computed {
                Ok(answer) => result = Some(DueBody::from(answer)),
                Err(e) => {
                    let field = match e.code() {
                        "unknown_agency" => "due-agency",
                        "invalid_amount" => "due-amount",
                        _ => "due-date",
                    };
                    errors.push(json!({"field": field, "message": form_message(field, &e)}));
                }
            }
        }
    }
    if let Some(o) = form.as_object_mut() {
        o.insert("units".into(), units_json(unit));
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let title = match &result {
        Some(r) => format!("Hạn dự kiến: {} — Tính hạn giải quyết hồ sơ", r.due_text),
        None if !errors.is_empty() => {
            "Lỗi: kiểm tra thông tin — Tính hạn giải quyết hồ sơ".to_owned()
        }
        None => format!("Tính hạn giải quyết hồ sơ — {}", state.site.name),
    };
    let html = state.templates.render(
        "due.html",
        json!({
            "page_title": title,
            "form": form,
            "agencies": super::agencies::agency_options(&catalog, now.date(), agency, |_| true),
            "errors": errors,
            "error_for": errors.iter().filter_map(|e| e["field"].as_str()).collect::<Vec<_>>(),
            "result": result.as_ref().map(result_json),
        }),
    )?;
    Ok((status, Html(html)).into_response())
}

/// What the form says about a field, in the citizen's words rather than the API's.
fn form_message(field: &str, e: &motcua_service::ServiceError) -> String {
    let code = e.code();
    match (field, code) {
        (_, "out_of_range") => format!(
            "Chỉ tính được hạn trong khoảng năm {} đến {}: hãy chọn ngày nhận khác hoặc thời hạn \
             ngắn hơn.",
            query::FIRST_YEAR,
            query::LAST_YEAR
        ),
        ("due-date", "missing_parameter") => "Hãy chọn ngày nhận hồ sơ.".to_owned(),
        ("due-date", _) => {
            "Ngày nhận chưa đúng: hãy chọn hoặc nhập một ngày có thật, ví dụ 13/02/2026.".to_owned()
        }
        ("due-time", "missing_parameter") => "Hãy nhập giờ nhận hồ sơ, ví dụ 16:30.".to_owned(),
        ("due-time", _) => "Giờ nhận chưa đúng: hãy nhập giờ và phút, ví dụ 16:30.".to_owned(),
        ("due-amount", "missing_parameter") => {
            "Hãy nhập thời hạn giải quyết, ví dụ 3 hoặc 0,5.".to_owned()
        }
        ("due-amount", _) => "Thời hạn phải là một số từ 0 đến 10000, ví dụ 3 hoặc 0,5; số \
                              tháng phải là số nguyên."
            .to_owned(),
        ("due-unit", _) => "Hãy chọn đơn vị của thời hạn.".to_owned(),
        ("due-agency", _) => "Không có cơ quan này; hãy chọn lại trong danh sách.".to_owned(),
        _ => e.public_message(),
    }
}

fn units_json(selected: &str) -> Value {
    let label = |u: TimeUnit| match u {
        TimeUnit::WorkingDays => "ngày làm việc",
        TimeUnit::WorkingHours => "giờ làm việc",
        TimeUnit::CalendarDays => "ngày (tính cả ngày nghỉ)",
        TimeUnit::Months => "tháng",
    };
    Value::Array(
        query::UNITS
            .iter()
            .map(|(u, id)| json!({"value": id, "label": label(*u), "selected": *id == selected}))
            .collect(),
    )
}

fn result_json(r: &DueBody) -> Value {
    let received: Option<Timestamp> = r.received.parse().ok();
    let day = |n: &crate::api::calendar::DayNoteBody| json!({"weekday": n.weekday, "date": query::dmy(n.date), "label": n.label});
    json!({
        "due_text": r.due_text,
        "due_iso": r.due,
        "received_text": received.map(query::instant_vi),
        "start_text": r.start.parse::<Timestamp>().ok().map(query::instant_vi),
        "start_deferred": r.start_deferred,
        "limit": format!("{} {}", number_vi(r.amount), r.unit.label_vi()),
        "agency": r.agency.as_ref().map(|a| a.name.clone()),
        "summary": r.summary,
        "skipped": r.explanation.iter().map(day).collect::<Vec<_>>(),
        "make_up": r.make_up_days.iter().map(day).collect::<Vec<_>>(),
        "adjustment": r.adjustment.as_ref().map(|a| a.label.clone()),
        "caveats": r.caveats,
    })
}
