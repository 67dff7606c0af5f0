//! `/api/v1/calendar`: the working-time calendar, statutory due dates and the lunar calendar.
//!
//! Read-only on purpose: changing the calendar needs an authenticated administrator, and those
//! routes will call [`motcua_service::calendar::admin`], the same functions the command line uses.

use axum::{Json, extract::State};
use jiff::civil::Date;
use motcua_core::{
    calendar::{DayKind, DayNote, DayNoteKind, EntryStatus, LunarDate, lunar::can_chi, weekday_vi},
    catalog::TimeUnit,
};
use motcua_service::calendar::query::{self, AgencyRef, DueAnswer, YearAnswer, YearDay};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::{ApiError, ErrorBody},
    extract::{ApiPath, ApiQuery},
    state::AppState,
};

/// An agency of this installation.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyBody {
    /// Agency id.
    #[schema(example = "bn.x07210")]
    pub id: String,
    /// Name.
    #[schema(example = "Ủy ban nhân dân phường Bắc Giang")]
    pub name: String,
}

impl From<AgencyRef> for AgencyBody {
    fn from(a: AgencyRef) -> Self {
        Self {
            id: a.id,
            name: a.name,
        }
    }
}

/// A date of the Vietnamese lunar calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct LunarBody {
    /// Lunar year, numbered like the solar year in which it starts.
    #[schema(example = 2026)]
    pub year: i32,
    /// Month, 1–12.
    #[schema(example = 1)]
    pub month: u8,
    /// Day, 1–30.
    #[schema(example = 1)]
    pub day: u8,
    /// Whether the month is the leap (nhuận) repetition.
    pub leap_month: bool,
    /// The year's sexagenary name.
    #[schema(example = "Bính Ngọ")]
    pub can_chi: String,
    /// As written on calendars.
    #[schema(example = "1/1 năm Bính Ngọ")]
    pub text: String,
}

impl From<&LunarDate> for LunarBody {
    fn from(l: &LunarDate) -> Self {
        Self {
            year: l.year,
            month: l.month,
            day: l.day,
            leap_month: l.leap_month,
            can_chi: can_chi(l.year),
            text: query::lunar_text(l),
        }
    }
}

/// The lunar date of a solar date.
#[derive(Debug, Serialize, ToSchema)]
pub struct LunarAnswer {
    /// The solar date asked for.
    #[schema(value_type = String, example = "2026-02-17")]
    pub date: Date,
    /// Its weekday.
    #[schema(example = "Thứ Ba")]
    pub weekday: String,
    /// The lunar date.
    #[serde(flatten)]
    pub lunar: LunarBody,
}

/// Which date to convert.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LunarParams {
    /// Solar date, YYYY-MM-DD, 1900-01-01 to 2100-12-31.
    #[param(value_type = String, format = Date, pattern = "^(19[0-9]{2}|20[0-9]{2}|2100)-", required = true, example = "2026-02-17")]
    pub date: Option<String>,
}

/// The Vietnamese lunar date of a solar date (computed for UTC+07:00).
#[utoipa::path(
    get,
    path = "/api/v1/calendar/lunar",
    tag = "calendar",
    operation_id = "get_lunar_date",
    params(LunarParams),
    responses(
        (status = 200, description = "The lunar date", body = LunarAnswer,
         example = json!({"date": "2026-02-17", "weekday": "Thứ Ba", "year": 2026, "month": 1, "day": 1,
                          "leap_month": false, "can_chi": "Bính Ngọ", "text": "1/1 năm Bính Ngọ"})),
        (status = 400, description = "Missing or malformed date, or outside 1900–2100", body = ErrorBody),
    )
)]
pub async fn get_lunar_date(
    ApiQuery(params): ApiQuery<LunarParams>,
) -> Result<Json<LunarAnswer>, ApiError> {
    let date = query::parse_date("date", params.date.as_deref())?;
    let lunar = query::lunar_of(date)?;
    Ok(Json(LunarAnswer {
        date,
        weekday: weekday_vi(date.weekday()).to_owned(),
        lunar: LunarBody::from(&lunar),
    }))
}

/// One day in a deadline's explanation.
#[derive(Debug, Serialize, ToSchema)]
pub struct DayNoteBody {
    /// The day.
    #[schema(value_type = String, example = "2026-02-16")]
    pub date: Date,
    /// Its weekday.
    #[schema(example = "Thứ Hai")]
    pub weekday: String,
    /// Why it was skipped (or, for `make_up_workday`, counted).
    pub kind: DayNoteKind,
    /// In Vietnamese, for the applicant.
    #[schema(example = "Nghỉ Tết Nguyên đán Bính Ngọ")]
    pub label: String,
    /// The occasion of a calendar entry; null for ordinary weekends.
    #[schema(example = "Tết Nguyên đán Bính Ngọ")]
    pub occasion: Option<String>,
    /// How sure the calendar is of it; null for ordinary weekends.
    pub status: Option<EntryStatus>,
}

impl From<&DayNote> for DayNoteBody {
    fn from(n: &DayNote) -> Self {
        Self {
            date: n.date,
            weekday: weekday_vi(n.date.weekday()).to_owned(),
            kind: n.kind,
            label: n.label().to_owned(),
            occasion: n.occasion().map(str::to_owned),
            status: n.status,
        }
    }
}

/// A due instant moved by a rule rather than counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct AdjustmentBody {
    /// Where plain counting ended.
    #[schema(example = "2026-02-17T10:00:00+07:00")]
    pub from: String,
    /// The rule, in Vietnamese.
    pub label: String,
}

/// A statutory due instant with its explanation.
#[derive(Debug, Serialize, ToSchema)]
pub struct DueBody {
    /// The receipt instant, at Vietnam's offset.
    #[schema(example = "2026-02-13T16:30:00+07:00")]
    pub received: String,
    /// Where counting began: the receipt, or the next opening when received outside office hours.
    #[schema(example = "2026-02-13T16:30:00+07:00")]
    pub start: String,
    /// The due instant (ngày hẹn trả kết quả), RFC 3339 at +07:00.
    #[schema(example = "2026-02-25T16:30:00+07:00")]
    pub due: String,
    /// The due instant in plain Vietnamese.
    #[schema(example = "16 giờ 30, thứ Tư, ngày 25/02/2026")]
    pub due_text: String,
    /// The limit's amount.
    #[schema(example = 3)]
    pub amount: f64,
    /// The limit's unit.
    pub unit: TimeUnit,
    /// The agency whose calendar was used; null for the national calendar.
    pub agency: Option<AgencyBody>,
    /// Whether the receipt was outside office hours (counting began at the next opening).
    pub start_deferred: bool,
    /// One-paragraph summary in Vietnamese.
    #[schema(example = "Không tính kỳ nghỉ Tết Nguyên đán Bính Ngọ (14/02–22/02/2026, 9 ngày).")]
    pub summary: String,
    /// Every day without working time between the receipt and the due instant, in date order.
    pub explanation: Vec<DayNoteBody>,
    /// Make-up working Saturdays counted as working days.
    pub make_up_days: Vec<DayNoteBody>,
    /// Set when a calendar-day or month limit ended on a day off and moved to the next working
    /// day's closing time (Civil Code 2015 Art. 148.5).
    pub adjustment: Option<AdjustmentBody>,
    /// What rests on computed defaults or unverified reports, in Vietnamese; empty when the
    /// whole computation uses confirmed data.
    pub caveats: Vec<String>,
}

impl From<DueAnswer> for DueBody {
    fn from(a: DueAnswer) -> Self {
        let d = &a.due;
        Self {
            received: query::rfc3339_vn(d.received),
            start: query::rfc3339_vn(d.start),
            due: query::rfc3339_vn(d.at),
            due_text: query::instant_vi(d.at),
            amount: d.amount,
            unit: d.unit,
            agency: a.agency.map(AgencyBody::from),
            start_deferred: d.explanation.start_deferred,
            summary: d.explanation.summary_vi(),
            explanation: d
                .explanation
                .skipped
                .iter()
                .map(DayNoteBody::from)
                .collect(),
            make_up_days: d
                .explanation
                .make_up_days
                .iter()
                .map(DayNoteBody::from)
                .collect(),
            adjustment: d.explanation.adjustment.as_ref().map(|adj| AdjustmentBody {
                from: query::rfc3339_vn(adj.from),
                label: adj.label.clone(),
            }),
            caveats: a.caveats,
        }
    }
}

/// The limit to compute.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueParams {
    /// When the dossier was received: RFC 3339 with an offset (`+` written `%2B` in a URL).
    #[param(value_type = String, format = DateTime, required = true, example = "2026-02-13T16:30:00+07:00")]
    pub received: Option<String>,
    /// The limit's amount, 0 to 10000; fractions allowed (0.5), whole numbers for months.
    #[param(value_type = f64, required = true, minimum = 0, maximum = 10000, example = 3)]
    pub amount: Option<String>,
    /// `working_days`, `working_hours`, `calendar_days` or `months`.
    #[param(value_type = TimeUnit, required = true, example = "working_days")]
    pub unit: Option<String>,
    /// Use this agency's calendar (its own and inherited days off and office hours).
    #[param(example = "bn.x07210")]
    pub agency: Option<String>,
}

/// The statutory due instant of a time limit, with every skipped day explained.
///
/// Working days and hours count office hours (07:30–11:30, 13:00–17:00 unless the agency set
/// others) from the receipt, or from the next opening when received outside them; weekends,
/// holidays, compensatory and swapped days are skipped and make-up Saturdays counted.
#[utoipa::path(
    get,
    path = "/api/v1/calendar/due",
    tag = "calendar",
    operation_id = "get_due",
    params(DueParams),
    responses(
        (status = 200, description = "The due instant and its explanation", body = DueBody,
         example = json!({
            "received": "2026-02-13T16:30:00+07:00", "start": "2026-02-13T16:30:00+07:00",
            "due": "2026-02-25T16:30:00+07:00", "due_text": "16 giờ 30, thứ Tư, ngày 25/02/2026",
            "amount": 3.0, "unit": "working_days", "agency": null, "start_deferred": false,
            "summary": "Không tính kỳ nghỉ Tết Nguyên đán Bính Ngọ (14/02–22/02/2026, 9 ngày).",
            "explanation": [
                {"date": "2026-02-14", "weekday": "Thứ Bảy", "kind": "weekend_in_break", "label": "Thứ Bảy trong kỳ nghỉ Tết Nguyên đán Bính Ngọ",
                 "occasion": "Tết Nguyên đán Bính Ngọ", "status": "confirmed"},
                {"date": "2026-02-15", "weekday": "Chủ nhật", "kind": "weekend_in_break", "label": "Chủ nhật trong kỳ nghỉ Tết Nguyên đán Bính Ngọ",
                 "occasion": "Tết Nguyên đán Bính Ngọ", "status": "confirmed"},
                {"date": "2026-02-16", "weekday": "Thứ Hai", "kind": "holiday", "label": "Nghỉ Tết Nguyên đán Bính Ngọ",
                 "occasion": "Tết Nguyên đán Bính Ngọ", "status": "confirmed"},
                {"date": "2026-02-17", "weekday": "Thứ Ba", "kind": "holiday", "label": "Nghỉ Tết Nguyên đán Bính Ngọ",
                 "occasion": "Tết Nguyên đán Bính Ngọ", "status": "confirmed"},
                {"date": "2026-02-18", "weekday": "Thứ Tư", "kind": "holiday", "label": "Nghỉ Tết Nguyên đán Bính Ngọ",
                 "occasion": "Tết Nguyên đán Bính Ngọ", "status": "confirmed"},
                {"date": "2026-02-19", "weekday": "Thứ Năm", "kind": "holiday", "label": "Nghỉ Tết Nguyên đán Bính Ngọ",
                 "occasion": "Tết Nguyên đán Bính Ngọ", "status": "confirmed"},
                {"date": "2026-02-20", "weekday": "Thứ Sáu", "kind": "holiday", "label": "Nghỉ Tết Nguyên đán Bính Ngọ",
                 "occasion": "Tết Nguyên đán Bính Ngọ", "status": "confirmed"},
                {"date": "2026-02-21", "weekday": "Thứ Bảy", "kind": "weekend_in_break", "label": "Thứ Bảy trong kỳ nghỉ Tết Nguyên đán Bính Ngọ",
                 "occasion": "Tết Nguyên đán Bính Ngọ", "status": "confirmed"},
                {"date": "2026-02-22", "weekday": "Chủ nhật", "kind": "weekend_in_break", "label": "Chủ nhật trong kỳ nghỉ Tết Nguyên đán Bính Ngọ",
                 "occasion": "Tết Nguyên đán Bính Ngọ", "status": "confirmed"}
            ],
            "make_up_days": [], "adjustment": null, "caveats": []
         })),
        (status = 400, description = "A parameter is missing or invalid; the message says what to send", body = ErrorBody),
    )
)]
pub async fn get_due(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<DueParams>,
) -> Result<Json<DueBody>, ApiError> {
    let received = query::parse_instant("received", params.received.as_deref())?;
    let amount = query::parse_amount(params.amount.as_deref())?;
    let unit = query::parse_unit(params.unit.as_deref())?;
    let calendars = state.calendars.get();
    let catalog = state.catalog.get();
    let answer = query::due(
        &calendars,
        catalog.as_ref(),
        received,
        amount,
        unit,
        params.agency.as_deref(),
    )?;
    Ok(Json(DueBody::from(answer)))
}

/// A day off or a make-up working day.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDayBody {
    /// The day.
    #[schema(value_type = String, example = "2026-02-16")]
    pub date: Date,
    /// Its weekday.
    #[schema(example = "Thứ Hai")]
    pub weekday: String,
    /// What kind of day it is.
    pub kind: DayKind,
    /// The kind in Vietnamese.
    #[schema(example = "Nghỉ lễ, tết")]
    pub kind_label: String,
    /// The occasion.
    #[schema(example = "Tết Nguyên đán Bính Ngọ")]
    pub occasion: String,
    /// How sure the calendar is of it.
    pub status: EntryStatus,
    /// The status in Vietnamese.
    #[schema(example = "đã có văn bản")]
    pub status_label: String,
    /// For a swap: the other day of the pair.
    #[schema(value_type = Option<String>, example = json!(null))]
    pub replaces: Option<Date>,
    /// The notice or law.
    #[schema(example = "Thông báo 9441/TB-BNV (16/10/2025)")]
    pub source: String,
    /// Anything else.
    pub note: String,
    /// The lunar date.
    pub lunar: Option<LunarBody>,
    /// The agency whose own decision this is; null for the national calendar.
    #[schema(example = json!(null))]
    pub decided_by: Option<String>,
}

impl From<&YearDay> for CalendarDayBody {
    fn from(d: &YearDay) -> Self {
        let e = &d.entry;
        Self {
            date: e.date,
            weekday: weekday_vi(e.date.weekday()).to_owned(),
            kind: e.kind,
            kind_label: e.kind.label_vi().to_owned(),
            occasion: e.occasion.clone(),
            status: e.status,
            status_label: e.status.label_vi().to_owned(),
            replaces: e.replaces,
            source: e.source.clone(),
            note: e.note.clone(),
            lunar: d.lunar.as_ref().map(LunarBody::from),
            decided_by: d.decided_by.clone(),
        }
    }
}

/// One year's days off and make-up working days.
#[derive(Debug, Serialize, ToSchema)]
pub struct YearBody {
    /// The year.
    #[schema(example = 2026)]
    pub year: i32,
    /// `official` when the national data for the year is stored (maintained by the
    /// administrator from the Government's notices), `default` when it is computed from the
    /// Labour Code because nothing was entered yet.
    #[schema(example = "official")]
    pub source: String,
    /// The agency asked for; null for the national calendar.
    pub agency: Option<AgencyBody>,
    /// Days with office hours in the year.
    #[schema(example = 247)]
    pub working_days: u32,
    /// The agency whose office hours apply; null for the standard 07:30–11:30, 13:00–17:00.
    pub office_hours_from: Option<String>,
    /// Days off besides ordinary weekends, by date.
    pub days_off: Vec<CalendarDayBody>,
    /// Saturdays (or other rest days) worked, by date.
    pub make_up_workdays: Vec<CalendarDayBody>,
}

impl From<YearAnswer> for YearBody {
    fn from(a: YearAnswer) -> Self {
        let (off, make_up): (Vec<&YearDay>, Vec<&YearDay>) =
            a.days.iter().partition(|d| d.entry.kind.is_day_off());
        Self {
            year: a.year,
            source: if a.stored { "official" } else { "default" }.to_owned(),
            agency: a.agency.map(AgencyBody::from),
            working_days: a.working_days,
            office_hours_from: a.hours_from,
            days_off: off.into_iter().map(CalendarDayBody::from).collect(),
            make_up_workdays: make_up.into_iter().map(CalendarDayBody::from).collect(),
        }
    }
}

/// Whose calendar.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// An agency id: its own and inherited days are included.
    #[param(example = "bn.x07210")]
    pub agency: Option<String>,
}

/// A year's public-sector days off and make-up working days, with their names, kinds and status.
#[utoipa::path(
    get,
    path = "/api/v1/calendar/{year}",
    tag = "calendar",
    operation_id = "get_calendar_year",
    params(("year" = i32, Path, description = "The year, 2000–2100", minimum = 2000, maximum = 2100, example = 2026), YearParams),
    responses(
        (status = 200, description = "The year's calendar", body = YearBody,
         example = json!({
            "year": 2026, "source": "official", "agency": null, "working_days": 247,
            "office_hours_from": null,
            "days_off": [{"date": "2026-04-27", "weekday": "Thứ Hai", "kind": "compensatory_day_off",
                          "kind_label": "Nghỉ bù", "occasion": "Giỗ Tổ Hùng Vương (10/3 ÂL)",
                          "status": "confirmed", "status_label": "đã có văn bản", "replaces": null,
                          "source": "thanhnien.vn (23/02/2026)", "note": "",
                          "lunar": {"year": 2026, "month": 3, "day": 11, "leap_month": false,
                                    "can_chi": "Bính Ngọ", "text": "11/3 năm Bính Ngọ"},
                          "decided_by": null}],
            "make_up_workdays": []
         })),
        (status = 400, description = "Year outside 2000–2100 or unknown agency", body = ErrorBody),
    )
)]
pub async fn get_calendar_year(
    State(state): State<AppState>,
    ApiPath(year): ApiPath<String>,
    ApiQuery(params): ApiQuery<YearParams>,
) -> Result<Json<YearBody>, ApiError> {
    let year = query::parse_year(&year)?;
    let calendars = state.calendars.get();
    let catalog = state.catalog.get();
    let answer = query::year(&calendars, catalog.as_ref(), year, params.agency.as_deref())?;
    Ok(Json(YearBody::from(answer)))
}
