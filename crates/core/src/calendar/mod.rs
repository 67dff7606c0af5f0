//! The working-time calendar and statutory deadlines (DOMAIN.md §7, §13, §6.5, §10).
//!
//! How the pieces fit:
//!
//! * [`lunar`] converts between the solar and the Vietnamese lunar calendar. It is only used to
//!   *propose* holidays for years nobody has entered yet ([`default_year`]); deadlines never
//!   compute lunar dates.
//! * [`YearCalendar`] is one year of public-sector days off and make-up working days as dated
//!   data: each entry carries its kind, occasion, status and source. The official 2020–2026 data
//!   ships in `data/calendar/vn-public-sector.csv` ([`official_years`]); administrators add the
//!   next year with the same file format ([`parse_calendar_file`]).
//! * [`OfficeHours`] says when an agency's desk is open (seasonal weekly schedules).
//! * [`WorkCalendar`] compiles years + per-agency overrides + office hours into per-day tables,
//!   and answers deadline questions ([`WorkCalendar::due`], [`WorkCalendar::elapsed`], ...) in
//!   constant or logarithmic time, with a Vietnamese [`Explanation`] of every day it skipped.
//! * [`clocks`] runs a dossier's events through the legal clock (Decree 61) and the KPI clock
//!   (Decision 766), and classifies timeliness.
//!
//! ```
//! use motcua_core::calendar::WorkCalendar;
//! use motcua_core::catalog::TimeUnit;
//!
//! // Official 2020–2026 data, statutory defaults for 2000–2100, 07:30–11:30 / 13:00–17:00.
//! let calendar = WorkCalendar::standard()?;
//! // One working day, received the Friday before Tết Bính Ngọ: due after the nine-day break.
//! let received: jiff::Timestamp = "2026-02-13T09:00:00+07:00".parse()?;
//! let due = calendar.due(received, 1.0, TimeUnit::WorkingDays)?;
//! assert_eq!(due.at, "2026-02-23T09:00:00+07:00".parse()?);
//! assert_eq!(
//!     due.explanation.summary_vi(),
//!     "Không tính kỳ nghỉ Tết Nguyên đán Bính Ngọ (14/02–22/02/2026, 9 ngày)."
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Time zone: Vietnam has used UTC+07:00 all year round since 1975 and has no daylight saving
//! time, so the engine treats `Asia/Ho_Chi_Minh` as the fixed offset +07:00 ([`VN_OFFSET_SECONDS`]).
//! This keeps the hot path free of time-zone database look-ups.

pub mod clocks;
mod defaults;
mod explain;
pub mod lunar;
mod office_hours;
mod working_time;
mod year;

pub use clocks::{ClockEvent, ClockPhase, DossierClocks, Dues, Timeliness};
pub use defaults::{
    DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR, DEFAULT_YEAR_MAX, DEFAULT_YEAR_MIN,
    OFFICIAL_CALENDAR_CSV, default_year, official_years,
};
pub use explain::{DayNote, DayNoteKind, DueAdjustment, Explanation};
pub use lunar::{LunarDate, from_lunar, to_lunar};
pub use office_hours::{
    Interval, MonthDay, OfficeHours, OfficeHoursError, SeasonalPeriod, WeekdayName, WeeklySchedule,
};
pub use working_time::{Due, WorkCalendar, WorkingDuration};
pub use year::{
    CalendarEntry, CalendarFileError, DayKind, EntryProblem, EntryStatus, YearCalendar,
    format_calendar_file, parse_calendar_file, parse_override_file, weekday_vi,
};

/// Vietnam's offset from UTC, in seconds (+07:00, no daylight saving time since 1975).
pub const VN_OFFSET_SECONDS: i64 = 7 * 3600;

/// Why a calendar computation could not be done. Every failure is a value: the engine never
/// panics on odd input, because deadlines are computed inside request handlers.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalendarError {
    /// A solar date outside the range the lunar conversion is validated for.
    #[error("ngày {date} nằm ngoài phạm vi chuyển đổi âm lịch (1900-01-01 đến 2100-12-31)")]
    LunarOutOfRange {
        /// The date asked for (for a lunar date: the lunar date as written).
        date: String,
    },
    /// A lunar date that does not exist (day 30 of a 29-day month, a leap month in a year
    /// without one, month 13 ...).
    #[error("ngày âm lịch {0} không tồn tại")]
    NoSuchLunarDate(String),
    /// The astronomical computation did not produce a well-formed year. Never observed for
    /// 1900–2100 (tests cover every year); reported rather than panicking.
    #[error("không tính được năm âm lịch {0}")]
    LunarComputation(i32),
    /// A year outside the range the statutory defaults are defined for.
    #[error("không có quy tắc ngày nghỉ mặc định cho năm {year} (chỉ từ {min} đến {max})")]
    NoDefaultRules {
        /// The year asked for.
        year: i32,
        /// First supported year.
        min: i32,
        /// Last supported year.
        max: i32,
    },
    /// An instant or date outside the years the working calendar was compiled for.
    #[error("thời điểm {what} nằm ngoài phạm vi lịch làm việc đã lập ({first}–{last})")]
    OutOfRange {
        /// The instant, date or computation that fell outside.
        what: String,
        /// First compiled year.
        first: i32,
        /// Last compiled year.
        last: i32,
    },
    /// The years asked for are not a valid range.
    #[error("phạm vi năm {first}–{last} không hợp lệ")]
    BadYearRange {
        /// First year.
        first: i32,
        /// Last year.
        last: i32,
    },
    /// A time-limit amount that is negative, not a number, or absurdly large.
    #[error("thời hạn {amount} không hợp lệ: {reason}")]
    InvalidAmount {
        /// The amount given.
        amount: f64,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The office hours are not a valid configuration.
    #[error(transparent)]
    OfficeHours(#[from] OfficeHoursError),
    /// The calendar file embedded in the binary does not parse (a broken build; tests check it).
    #[error("lịch chính thức kèm theo phần mềm bị lỗi: {0}")]
    ShippedFile(CalendarFileError),
    /// A per-agency override entry is unusable.
    #[error("ngày điều chỉnh {date}: {problem}")]
    BadOverride {
        /// The override's date.
        date: jiff::civil::Date,
        /// What is wrong.
        problem: String,
    },
}
