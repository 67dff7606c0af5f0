//! Calendar questions as a service: the parameters are validated once here for the JSON API,
//! the pages and the command line, the answers computed, and instants written the way a
//! Vietnamese notice writes them.

use jiff::{
    Timestamp,
    civil::{Date, DateTime, Time},
    tz::{TimeZone, offset},
};
use motcua_core::{
    calendar::{
        CalendarEntry, CalendarError, DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR, DayKind, Due,
        EntryStatus, LunarDate, WorkCalendar, lunar, to_lunar, weekday_vi,
    },
    catalog::{Channel, ExecutionMethod, ProcessingTime, TimeUnit, limits::MAX_AMOUNT},
    text::clean_line,
};

use super::{AgencyCalendar, AgencyLookup, Calendars};
use crate::error::ServiceError;

/// First year the calendars cover.
pub const FIRST_YEAR: i32 = DEFAULT_FIRST_YEAR;
/// Last year the calendars cover.
pub const LAST_YEAR: i32 = DEFAULT_LAST_YEAR;
/// First year the lunar conversion covers.
pub const LUNAR_FIRST_YEAR: i16 = 1900;
/// Last year the lunar conversion covers.
pub const LUNAR_LAST_YEAR: i16 = 2100;
/// Longest parameter text looked at; longer input is refused before any parsing.
const MAX_PARAM_CHARS: usize = 100;

/// Vietnam's fixed offset (+07:00, no daylight saving time since 1975).
pub fn vn() -> TimeZone {
    TimeZone::fixed(offset(7))
}

fn missing(name: &str, what: &str) -> ServiceError {
    ServiceError::bad_request(
        "missing_parameter",
        format!("Thiếu tham số {name}: {what}."),
    )
}

fn cleaned(raw: Option<&str>) -> Option<String> {
    raw.map(clean_line).filter(|s| !s.is_empty())
}

fn too_long(name: &str) -> ServiceError {
    ServiceError::bad_request(
        "invalid_parameter",
        format!("Tham số {name} dài quá {MAX_PARAM_CHARS} ký tự."),
    )
}

/// An instant with its UTC offset (RFC 3339), e.g. `2026-02-13T16:30:00+07:00`, inside the
/// calendar's years. A `+` decoded as a space by a query string (`…16:30:00 07:00`) is put back.
pub fn parse_instant(name: &str, raw: Option<&str>) -> Result<Timestamp, ServiceError> {
    const EXAMPLE: &str = "2026-02-13T16:30:00+07:00";
    let s = cleaned(raw).ok_or_else(|| {
        missing(
            name,
            &format!("thời điểm nhận hồ sơ theo RFC 3339, có múi giờ, ví dụ {EXAMPLE}"),
        )
    })?;
    if s.chars().count() > MAX_PARAM_CHARS {
        return Err(too_long(name));
    }
    let parsed = s.parse::<Timestamp>().ok().or_else(|| {
        // Only the offset position: "2026-02-13T16:30:00 07:00" → "…+07:00".
        let (head, tail) = s.rsplit_once(' ')?;
        format!("{head}+{tail}").parse::<Timestamp>().ok()
    });
    let t = match parsed {
        Some(t) => t,
        None if s.parse::<DateTime>().is_ok() => {
            return Err(ServiceError::bad_request(
                "invalid_instant",
                format!(
                    "Tham số {name} thiếu múi giờ: hãy ghi rõ, ví dụ {EXAMPLE} (giờ Việt Nam) \
                     hoặc 2026-02-13T09:30:00Z (giờ UTC); dấu + viết là %2B trong địa chỉ."
                ),
            ));
        }
        None => {
            return Err(ServiceError::bad_request(
                "invalid_instant",
                format!(
                    "Tham số {name} không phải thời điểm hợp lệ; hãy gửi dạng RFC 3339 có múi giờ, \
                     ví dụ {EXAMPLE}."
                ),
            ));
        }
    };
    let year = i32::from(t.to_zoned(vn()).year());
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(out_of_range(&format!("Tham số {name}")));
    }
    Ok(t)
}

/// A local Vietnam date and time (the due-date form's two fields) as an instant.
pub fn instant_from_local(date: Date, time: Time) -> Result<Timestamp, ServiceError> {
    date.to_datetime(time)
        .to_zoned(vn())
        .map(|z| z.timestamp())
        .map_err(|_| out_of_range("Ngày nhận hồ sơ"))
}

fn out_of_range(what: &str) -> ServiceError {
    ServiceError::bad_request(
        "out_of_range",
        format!(
            "{what} nằm ngoài phạm vi lịch làm việc ({FIRST_YEAR}–{LAST_YEAR}); hãy chọn một thời \
             điểm trong khoảng đó."
        ),
    )
}

/// A limit's amount: a finite number from 0 to 10,000, with a decimal point or a Vietnamese
/// decimal comma (`0.5` or `0,5`).
pub fn parse_amount(raw: Option<&str>) -> Result<f64, ServiceError> {
    const WHAT: &str = "một số không âm, tối đa 10000, ví dụ 3 hoặc 0.5";
    let s = cleaned(raw).ok_or_else(|| missing("amount", &format!("thời hạn là {WHAT}")))?;
    let bad =
        || ServiceError::bad_request("invalid_amount", format!("Tham số amount phải là {WHAT}."));
    if s.chars().count() > MAX_PARAM_CHARS {
        return Err(bad());
    }
    // Digits, one separator, nothing else: refuses "NaN", "inf", "1e400" and "-1".
    let normalised = s.replace(',', ".");
    let shape = normalised.chars().all(|c| c.is_ascii_digit() || c == '.')
        && normalised.matches('.').count() <= 1
        && normalised.chars().any(|c| c.is_ascii_digit());
    if normalised.starts_with('-') {
        return Err(ServiceError::bad_request(
            "invalid_amount",
            format!("Tham số amount không được âm; hãy gửi {WHAT}."),
        ));
    }
    if !shape {
        return Err(bad());
    }
    let x: f64 = normalised.parse().map_err(|_| bad())?;
    if !x.is_finite() || x > MAX_AMOUNT {
        return Err(bad());
    }
    Ok(x)
}

/// All units, with their identifiers.
pub const UNITS: [(TimeUnit, &str); 4] = [
    (TimeUnit::WorkingDays, "working_days"),
    (TimeUnit::WorkingHours, "working_hours"),
    (TimeUnit::CalendarDays, "calendar_days"),
    (TimeUnit::Months, "months"),
];

/// The identifier of a unit.
pub fn unit_str(unit: TimeUnit) -> &'static str {
    UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map_or("working_days", |(_, s)| s)
}

/// A limit's unit: `working_days`, `working_hours`, `calendar_days` or `months`.
pub fn parse_unit(raw: Option<&str>) -> Result<TimeUnit, ServiceError> {
    const WHAT: &str = "working_days, working_hours, calendar_days hoặc months";
    let s = cleaned(raw).ok_or_else(|| missing("unit", &format!("đơn vị thời hạn, {WHAT}")))?;
    UNITS
        .iter()
        .find(|(_, name)| *name == s)
        .map(|(u, _)| *u)
        .ok_or_else(|| {
            ServiceError::bad_request(
                "invalid_unit",
                format!("Tham số unit phải là một trong: {WHAT}."),
            )
        })
}

/// A date, `YYYY-MM-DD` (or `DD/MM/YYYY` as people type it).
pub fn parse_date(name: &str, raw: Option<&str>) -> Result<Date, ServiceError> {
    let s = cleaned(raw).ok_or_else(|| missing(name, "ngày dạng YYYY-MM-DD, ví dụ 2026-02-17"))?;
    let bad = || {
        ServiceError::bad_request(
            "invalid_date",
            format!("Tham số {name} phải là ngày có thật dạng YYYY-MM-DD, ví dụ 2026-02-17."),
        )
    };
    if s.chars().count() > MAX_PARAM_CHARS {
        return Err(bad());
    }
    let iso = s.len() == 10 && s.as_bytes().get(4) == Some(&b'-');
    let parsed = if iso {
        s.parse::<Date>().ok()
    } else {
        Date::strptime("%d/%m/%Y", &s).ok()
    };
    parsed.ok_or_else(bad)
}

/// A time of day, `HH:MM` (also `HHhMM`).
pub fn parse_time(name: &str, raw: Option<&str>) -> Result<Time, ServiceError> {
    let s = cleaned(raw).ok_or_else(|| missing(name, "giờ dạng HH:MM, ví dụ 16:30"))?;
    let bad = || {
        ServiceError::bad_request(
            "invalid_time",
            format!("Tham số {name} phải là giờ dạng HH:MM, ví dụ 16:30."),
        )
    };
    let s = s.to_lowercase().replace('h', ":");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    let m = m.get(..2).unwrap_or(m);
    let h: i8 = h.trim().parse().map_err(|_| bad())?;
    let m: i8 = if m.is_empty() {
        0
    } else {
        m.parse().map_err(|_| bad())?
    };
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

/// A calendar year the working calendar covers (2000–2100).
pub fn parse_year(raw: &str) -> Result<i32, ServiceError> {
    let bad = || {
        ServiceError::bad_request(
            "invalid_year",
            format!("Năm phải là số từ {FIRST_YEAR} đến {LAST_YEAR}, ví dụ 2026."),
        )
    };
    let s = raw.trim();
    if s.len() > 6 {
        return Err(bad());
    }
    let year: i32 = s.parse().map_err(|_| bad())?;
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(bad())
    }
}

/// An agency of the installation, by id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AgencyRef {
    /// Agency id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// The calendar for an optional agency parameter: the national one when absent, a 400 naming
/// the list of agencies when unknown.
pub fn calendar_for(
    calendars: &Calendars,
    agencies: &dyn AgencyLookup,
    raw: Option<&str>,
) -> Result<(AgencyCalendar, Option<AgencyRef>), ServiceError> {
    let Some(id) = cleaned(raw) else {
        return Ok((
            AgencyCalendar {
                calendar: calendars.national().clone(),
                hours_from: None,
                decided_by: Default::default(),
            },
            None,
        ));
    };
    let unknown = || {
        ServiceError::bad_request(
            "unknown_agency",
            "Không có cơ quan với mã này; xem danh sách tại /api/v1/agencies.",
        )
    };
    if id.chars().count() > MAX_PARAM_CHARS {
        return Err(unknown());
    }
    let name = agencies.name_of(&id).ok_or_else(unknown)?.to_owned();
    let calendar = calendars
        .for_agency(agencies, &id)
        .ok_or_else(unknown)?
        .map_err(|e| ServiceError::Internal(format!("compiling the calendar of {id}: {e}")))?;
    Ok((calendar, Some(AgencyRef { id, name })))
}

/// A computed deadline with what the applicant should know about its certainty.
#[derive(Debug, Clone)]
pub struct DueAnswer {
    /// The computation and its explanation.
    pub due: Due,
    /// The agency whose calendar was used; `None` for the national calendar.
    pub agency: Option<AgencyRef>,
    /// Sentences saying which parts rest on computed defaults or unverified reports.
    pub caveats: Vec<String>,
}

/// Computes a due instant (see [`motcua_core::calendar::WorkCalendar::due`]).
pub fn due(
    calendars: &Calendars,
    agencies: &dyn AgencyLookup,
    received: Timestamp,
    amount: f64,
    unit: TimeUnit,
    agency: Option<&str>,
) -> Result<DueAnswer, ServiceError> {
    let (cal, agency) = calendar_for(calendars, agencies, agency)?;
    let due = cal
        .calendar
        .due(received, amount, unit)
        .map_err(calendar_error)?;
    let caveats = caveats(calendars, &due);
    Ok(DueAnswer {
        due,
        agency,
        caveats,
    })
}

/// Engine errors a client can cause, as 400s that say what to send.
fn calendar_error(e: CalendarError) -> ServiceError {
    match e {
        CalendarError::InvalidAmount { reason, .. } => ServiceError::bad_request(
            "invalid_amount",
            format!(
                "Tham số amount không hợp lệ ({reason}): hãy gửi một số không âm, tối đa 10000; \
                 số tháng phải là số nguyên."
            ),
        ),
        CalendarError::OutOfRange { .. } => ServiceError::bad_request(
            "out_of_range",
            format!(
                "Hạn tính ra nằm ngoài phạm vi lịch làm việc ({FIRST_YEAR}–{LAST_YEAR}); hãy gửi \
                 thời hạn ngắn hơn hoặc thời điểm nhận sớm hơn."
            ),
        ),
        other => ServiceError::Internal(format!("calendar: {other}")),
    }
}

/// Which parts of a deadline are not official data: years only computed from the Labour Code,
/// and entries that are reported by the press or entered as defaults.
fn caveats(calendars: &Calendars, due: &Due) -> Vec<String> {
    let first = due.received.to_zoned(vn()).year();
    let last = due.at.to_zoned(vn()).year();
    let mut out = Vec::new();
    for year in i32::from(first)..=i32::from(last) {
        if !calendars.is_stored(year) {
            out.push(format!(
                "Lịch nghỉ năm {year} chưa được công bố chính thức: các ngày nghỉ lễ, tết của năm \
                 này được tính theo Bộ luật Lao động nên hạn có thể thay đổi."
            ));
        }
    }
    let mut unverified: Vec<(String, Vec<String>)> = Vec::new();
    for n in due
        .explanation
        .skipped
        .iter()
        .chain(&due.explanation.make_up_days)
    {
        let stored_year = calendars.is_stored(i32::from(n.date.year()));
        let uncertain = match n.status {
            Some(EntryStatus::Reported) => true,
            Some(EntryStatus::Default) => stored_year,
            _ => false,
        };
        if !uncertain {
            continue;
        }
        let occasion = n.occasion().unwrap_or("").to_owned();
        match unverified.iter_mut().find(|(o, _)| *o == occasion) {
            Some((_, dates)) => dates.push(dmy(n.date)),
            None => unverified.push((occasion, vec![dmy(n.date)])),
        }
    }
    for (occasion, dates) in unverified {
        out.push(format!(
            "Lịch dịp {occasion} ({}) chưa được đối chiếu với văn bản chính thức; hạn có thể \
             thay đổi.",
            dates.join(", ")
        ));
    }
    out
}

/// One entry of a year's calendar as shown: the entry, who decided it, its lunar date.
#[derive(Debug, Clone)]
pub struct YearDay {
    /// The entry.
    pub entry: CalendarEntry,
    /// The agency whose own decision this is; `None` for the national calendar.
    pub decided_by: Option<String>,
    /// The lunar date.
    pub lunar: Option<LunarDate>,
}

/// A year's calendar for an agency or the country.
#[derive(Debug, Clone)]
pub struct YearAnswer {
    /// The year.
    pub year: i32,
    /// Whether the national data for the year is stored (official) rather than computed.
    pub stored: bool,
    /// The agency asked for.
    pub agency: Option<AgencyRef>,
    /// Days off and make-up days, by date (agency decisions replace national ones).
    pub days: Vec<YearDay>,
    /// Days with office hours in the year.
    pub working_days: u32,
    /// The agency whose office hours apply, when not the standard ones.
    pub hours_from: Option<String>,
}

/// The days off and make-up working days of a year.
pub fn year(
    calendars: &Calendars,
    agencies: &dyn AgencyLookup,
    year: i32,
    agency: Option<&str>,
) -> Result<YearAnswer, ServiceError> {
    let (cal, agency) = calendar_for(calendars, agencies, agency)?;
    let (first, end) = year_bounds(year)?;
    let national = cal
        .calendar
        .year(year)
        .ok_or_else(|| ServiceError::bad_request("invalid_year", out_of_range_year()))?;
    let mut days: Vec<YearDay> = national
        .entries
        .iter()
        .filter(|e| !cal.decided_by.contains_key(&e.date))
        .map(|e| YearDay {
            entry: e.clone(),
            decided_by: None,
            lunar: to_lunar(e.date).ok(),
        })
        .collect();
    for (date, by) in cal.decided_by.range(first..=end) {
        if let Some(e) = cal.calendar.entry(*date) {
            days.push(YearDay {
                entry: e.clone(),
                decided_by: Some(by.clone()),
                lunar: to_lunar(*date).ok(),
            });
        }
    }
    days.sort_by_key(|d| d.entry.date);
    let mut working_days = 0;
    let mut d = first;
    while d <= end {
        if cal.calendar.is_working_day(d).unwrap_or(false) {
            working_days += 1;
        }
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    Ok(YearAnswer {
        year,
        stored: calendars.is_stored(year),
        agency,
        days,
        working_days,
        hours_from: cal.hours_from,
    })
}

fn out_of_range_year() -> String {
    format!("Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}.")
}

fn year_bounds(year: i32) -> Result<(Date, Date), ServiceError> {
    let bad = || ServiceError::bad_request("invalid_year", out_of_range_year());
    let y = i16::try_from(year).map_err(|_| bad())?;
    Ok((
        Date::new(y, 1, 1).map_err(|_| bad())?,
        Date::new(y, 12, 31).map_err(|_| bad())?,
    ))
}

/// The days of one occasion in a year ("Tết Nguyên đán Bính Ngọ"), in date order.
#[derive(Debug, Clone)]
pub struct OccasionGroup<'a> {
    /// The occasion's name.
    pub occasion: &'a str,
    /// Its days off and make-up days.
    pub days: Vec<&'a YearDay>,
}

impl OccasionGroup<'_> {
    /// The days off (not the make-up days).
    pub fn days_off(&self) -> impl Iterator<Item = &&YearDay> {
        self.days.iter().filter(|d| d.entry.kind.is_day_off())
    }
}

/// Groups a year's days by occasion, in the order each occasion first appears.
pub fn by_occasion(days: &[YearDay]) -> Vec<OccasionGroup<'_>> {
    let mut groups: Vec<OccasionGroup<'_>> = Vec::new();
    for d in days {
        match groups
            .iter_mut()
            .find(|g| g.occasion == d.entry.occasion.as_str())
        {
            Some(g) => g.days.push(d),
            None => groups.push(OccasionGroup {
                occasion: &d.entry.occasion,
                days: vec![d],
            }),
        }
    }
    groups
}

/// What a day is, for a listing: its kind, and the other day of a swap ("Nghỉ hoán đổi (làm
/// bù Thứ Bảy 10/01/2026)", "Làm việc bù cho ngày 02/01/2026").
pub fn day_description(e: &CalendarEntry) -> String {
    match (e.kind, e.replaces) {
        (DayKind::SwappedDayOff, Some(other)) => format!(
            "{} (làm bù {} {})",
            e.kind.label_vi(),
            weekday_vi(other.weekday()),
            dmy(other)
        ),
        (DayKind::MakeUpWorkday, Some(other)) => {
            format!("{} cho ngày {}", e.kind.label_vi(), dmy(other))
        }
        (kind, _) => kind.label_vi().to_owned(),
    }
}

/// "If you submit now": the expected due instant of one or more channels of a procedure.
#[derive(Debug, Clone)]
pub struct Estimate {
    /// The channels with this due instant, in display order (online, direct, postal).
    pub channels: Vec<Channel>,
    /// Their time limit.
    pub time: ProcessingTime,
    /// The computation, from `now` rounded up to the minute.
    pub due: Due,
}

/// For each channel with a time limit, the due instant if the dossier were received at `now`;
/// channels ending at the same instant are merged. Limits the calendar cannot compute (beyond
/// 2100, unreadable amounts) are left out rather than guessed.
pub fn estimates(
    calendar: &WorkCalendar,
    now: Timestamp,
    methods: &[ExecutionMethod],
) -> Vec<Estimate> {
    // Shown to the minute: round up so the time shown is never earlier than the exact due.
    let second = now.as_second() + i64::from(now.subsec_nanosecond() > 0);
    let received =
        Timestamp::from_second(second + (60 - second.rem_euclid(60)) % 60).unwrap_or(now);
    let order = |c: Channel| match c {
        Channel::Online => 0,
        Channel::Direct => 1,
        Channel::Postal => 2,
    };
    let mut methods: Vec<&ExecutionMethod> = methods.iter().filter(|m| m.time.is_some()).collect();
    methods.sort_by_key(|m| order(m.channel));
    let mut out: Vec<Estimate> = Vec::new();
    for m in methods {
        let Some(time) = m.time else { continue };
        let Ok(due) = calendar.due_for(received, time) else {
            continue;
        };
        match out
            .iter_mut()
            .find(|e| e.due.at == due.at && e.time == time)
        {
            Some(e) => {
                if !e.channels.contains(&m.channel) {
                    e.channels.push(m.channel);
                }
            }
            None => out.push(Estimate {
                channels: vec![m.channel],
                time,
                due,
            }),
        }
    }
    out
}

/// The lunar date of a solar date, or a 400 outside 1900–2100.
pub fn lunar_of(date: Date) -> Result<LunarDate, ServiceError> {
    to_lunar(date).map_err(|_| {
        ServiceError::bad_request(
            "out_of_range",
            format!(
                "Chỉ chuyển đổi được âm lịch cho ngày từ {LUNAR_FIRST_YEAR}-01-01 đến \
                 {LUNAR_LAST_YEAR}-12-31."
            ),
        )
    })
}

/// RFC 3339 at Vietnam's offset, e.g. `2026-02-25T16:30:00+07:00`.
pub fn rfc3339_vn(t: Timestamp) -> String {
    t.to_zoned(vn())
        .strftime("%Y-%m-%dT%H:%M:%S%.f%:z")
        .to_string()
}

/// `dd/mm/yyyy`.
pub fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// The weekday for the middle of a sentence: "thứ Sáu", "chủ nhật".
pub fn weekday_lower(d: Date) -> String {
    let w = weekday_vi(d.weekday());
    let mut chars = w.chars();
    match chars.next() {
        Some(c) => c
            .to_lowercase()
            .chain(chars)
            .collect::<String>()
            .replace("Nhật", "nhật"),
        None => String::new(),
    }
}

/// "Thứ Sáu, 27/02/2026".
pub fn date_vi(d: Date) -> String {
    format!("{}, {}", weekday_vi(d.weekday()), dmy(d))
}

/// An instant in plain Vietnamese: "17 giờ 00, thứ Sáu, ngày 27/02/2026".
pub fn instant_vi(t: Timestamp) -> String {
    let z = t.to_zoned(vn());
    let d = z.date();
    format!(
        "{:02} giờ {:02}, {}, ngày {}",
        z.hour(),
        z.minute(),
        weekday_lower(d),
        dmy(d)
    )
}

/// A lunar date as written on calendars: "27/12 năm Ất Tỵ", "15/6 nhuận năm Ất Tỵ".
pub fn lunar_text(l: &LunarDate) -> String {
    let leap = if l.leap_month { " nhuận" } else { "" };
    format!(
        "{}/{}{} năm {}",
        l.day,
        l.month,
        leap,
        lunar::can_chi(l.year)
    )
}

#[cfg(test)]
mod tests {
    use jiff::civil::{date, time};

    use super::*;

    fn code(r: Result<impl std::fmt::Debug, ServiceError>) -> &'static str {
        r.map_or_else(|e| e.code(), |_| "ok")
    }

    #[test]
    fn instants_need_an_offset_and_a_year_in_range() {
        let t = parse_instant("received", Some("2026-02-13T16:30:00+07:00")).unwrap();
        assert_eq!(rfc3339_vn(t), "2026-02-13T16:30:00+07:00");
        // A "+" the query string turned into a space is put back.
        assert_eq!(
            parse_instant("received", Some("2026-02-13T16:30:00 07:00")).unwrap(),
            t
        );
        assert_eq!(
            parse_instant("received", Some("2026-02-13T09:30:00Z")).unwrap(),
            t
        );
        let e = parse_instant("received", Some("2026-02-13T16:30:00")).unwrap_err();
        assert!(e.public_message().contains("thiếu múi giờ"), "{e}");
        assert_eq!(
            code(parse_instant("received", Some("hôm qua"))),
            "invalid_instant"
        );
        assert_eq!(code(parse_instant("received", None)), "missing_parameter");
        assert_eq!(
            code(parse_instant("received", Some("1999-12-31T10:00:00+07:00"))),
            "out_of_range"
        );
        assert_eq!(
            code(parse_instant("received", Some(&"9".repeat(500)))),
            "invalid_parameter"
        );
    }

    #[test]
    fn amounts_are_plain_non_negative_numbers() {
        assert_eq!(parse_amount(Some("3")).unwrap(), 3.0);
        assert_eq!(parse_amount(Some("0.5")).unwrap(), 0.5);
        assert_eq!(parse_amount(Some("0,5")).unwrap(), 0.5);
        assert_eq!(parse_amount(Some("10000")).unwrap(), 10_000.0);
        for bad in [
            "-1", "NaN", "inf", "1e3", "1.2.3", ".", "10000.5", "abc", "0x10",
        ] {
            assert_eq!(code(parse_amount(Some(bad))), "invalid_amount", "{bad}");
        }
        assert_eq!(code(parse_amount(Some("  "))), "missing_parameter");
    }

    #[test]
    fn units_dates_times_and_years() {
        assert_eq!(parse_unit(Some("months")).unwrap(), TimeUnit::Months);
        assert_eq!(code(parse_unit(Some("weeks"))), "invalid_unit");
        assert_eq!(
            parse_date("date", Some("2026-02-17")).unwrap(),
            date(2026, 2, 17)
        );
        assert_eq!(
            parse_date("date", Some("17/02/2026")).unwrap(),
            date(2026, 2, 17)
        );
        assert_eq!(code(parse_date("date", Some("2026-02-30"))), "invalid_date");
        assert_eq!(
            parse_time("time", Some("16:30")).unwrap(),
            time(16, 30, 0, 0)
        );
        assert_eq!(parse_time("time", Some("7h05")).unwrap(), time(7, 5, 0, 0));
        assert_eq!(code(parse_time("time", Some("25:00"))), "invalid_time");
        assert_eq!(parse_year("2026").unwrap(), 2026);
        for bad in ["1999", "2101", "x", "-2026", "99999999999"] {
            assert_eq!(code(parse_year(bad)), "invalid_year", "{bad}");
        }
    }

    #[test]
    fn estimates_for_submitting_now_cross_tet() {
        use motcua_core::catalog::{Channel, ExecutionMethod, ProcessingTime};
        let method = |channel, amount, unit| ExecutionMethod {
            channel,
            time: Some(ProcessingTime { amount, unit }),
            time_text: String::new(),
            fees: vec![],
            description: String::new(),
        };
        let methods = [
            method(Channel::Direct, 1.0, TimeUnit::WorkingDays),
            method(Channel::Online, 1.0, TimeUnit::WorkingDays),
            method(Channel::Postal, 5.0, TimeUnit::CalendarDays),
            ExecutionMethod {
                time: None,
                ..method(Channel::Postal, 1.0, TimeUnit::WorkingDays)
            },
        ];
        let cal = WorkCalendar::standard().unwrap();
        // Friday before Tết Bính Ngọ, 16:29:30: counted from 16:30, 30 minutes before the break.
        let now: Timestamp = "2026-02-13T16:29:30+07:00".parse().unwrap();
        let est = estimates(&cal, now, &methods);
        assert_eq!(est.len(), 2);
        assert_eq!(est[0].channels, [Channel::Online, Channel::Direct]);
        assert_eq!(
            instant_vi(est[0].due.at),
            "16 giờ 30, thứ Hai, ngày 23/02/2026"
        );
        assert_eq!(est[0].due.explanation.skipped.len(), 9);
        // Five calendar days land on Wednesday 18/2, a Tết holiday: the closing of Monday 23/2.
        assert_eq!(est[1].channels, [Channel::Postal]);
        assert_eq!(
            instant_vi(est[1].due.at),
            "17 giờ 00, thứ Hai, ngày 23/02/2026"
        );
        assert!(est[1].due.explanation.adjustment.is_some());
        // A whole minute is kept as it is.
        let on_the_minute: Timestamp = "2026-11-25T09:00:00+07:00".parse().unwrap();
        let est = estimates(&cal, on_the_minute, &methods[..1]);
        assert_eq!(
            instant_vi(est[0].due.at),
            "09 giờ 00, thứ Năm, ngày 26/11/2026"
        );
    }

    #[test]
    fn vietnamese_forms() {
        let t: Timestamp = "2026-02-27T17:00:00+07:00".parse().unwrap();
        assert_eq!(instant_vi(t), "17 giờ 00, thứ Sáu, ngày 27/02/2026");
        let sunday: Timestamp = "2026-03-01T07:05:00+07:00".parse().unwrap();
        assert_eq!(instant_vi(sunday), "07 giờ 05, chủ nhật, ngày 01/03/2026");
        assert_eq!(date_vi(date(2026, 2, 14)), "Thứ Bảy, 14/02/2026");
        let l = to_lunar(date(2026, 2, 14)).unwrap();
        assert_eq!(lunar_text(&l), "27/12 năm Ất Tỵ");
        let leap = to_lunar(date(2025, 7, 30)).unwrap();
        assert!(leap.leap_month);
        assert_eq!(lunar_text(&leap), "6/6 nhuận năm Ất Tỵ");
    }
}
