//! Office hours (giờ làm việc) of an agency's one-stop desk.
//!
//! The law does not fix them (DOMAIN.md §17.8): provinces set their own, some with a summer and
//! a winter schedule. So they are configuration: a list of seasonal periods, each a month-day
//! range with a weekly schedule of a few intervals per weekday. The default is the common
//! Monday–Friday 07:30–11:30 and 13:00–17:00.
//!
//! Times are local Vietnam time. Vietnam has had a fixed UTC+07:00 offset with no daylight saving
//! time since 1975, so `Asia/Ho_Chi_Minh` is handled as the fixed offset
//! [`super::VN_OFFSET_SECONDS`] and a local time of day always exists exactly once.

use jiff::civil::{Time, Weekday};
use serde::{Deserialize, Serialize};

/// Most intervals in one day's schedule.
pub const MAX_INTERVALS_PER_DAY: usize = 6;
/// Most seasonal periods.
pub const MAX_PERIODS: usize = 24;

/// A weekday, named for configuration files (`monday` … `sunday`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekdayName {
    /// Thứ Hai.
    Monday,
    /// Thứ Ba.
    Tuesday,
    /// Thứ Tư.
    Wednesday,
    /// Thứ Năm.
    Thursday,
    /// Thứ Sáu.
    Friday,
    /// Thứ Bảy.
    Saturday,
    /// Chủ nhật.
    Sunday,
}

impl WeekdayName {
    /// Every weekday, Monday first.
    pub const ALL: [Self; 7] = [
        Self::Monday,
        Self::Tuesday,
        Self::Wednesday,
        Self::Thursday,
        Self::Friday,
        Self::Saturday,
        Self::Sunday,
    ];

    /// Vietnamese name ("Thứ Hai" … "Chủ nhật").
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Monday => "Thứ Hai",
            Self::Tuesday => "Thứ Ba",
            Self::Wednesday => "Thứ Tư",
            Self::Thursday => "Thứ Năm",
            Self::Friday => "Thứ Sáu",
            Self::Saturday => "Thứ Bảy",
            Self::Sunday => "Chủ nhật",
        }
    }

    /// Index from Monday = 0.
    pub fn index(self) -> usize {
        self as usize
    }

    /// From jiff's weekday.
    pub fn from_weekday(w: Weekday) -> Self {
        match w {
            Weekday::Monday => Self::Monday,
            Weekday::Tuesday => Self::Tuesday,
            Weekday::Wednesday => Self::Wednesday,
            Weekday::Thursday => Self::Thursday,
            Weekday::Friday => Self::Friday,
            Weekday::Saturday => Self::Saturday,
            Weekday::Sunday => Self::Sunday,
        }
    }
}

/// An opening interval, `start` inclusive and `end` exclusive: at 17:00 exactly an office open
/// 13:00–17:00 is closed, which is why a deadline that uses up the day ends *at* 17:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Interval {
    /// Opening time.
    pub start: Time,
    /// Closing time.
    pub end: Time,
}

impl Interval {
    /// An interval from hour:minute to hour:minute. Out-of-range values are clamped into the
    /// day and then rejected by [`OfficeHours::validate`] if empty.
    pub fn hm(start_h: i8, start_m: i8, end_h: i8, end_m: i8) -> Self {
        let t = |h: i8, m: i8| Time::new(h.clamp(0, 23), m.clamp(0, 59), 0, 0).unwrap_or(Time::MIN);
        Self {
            start: t(start_h, start_m),
            end: t(end_h, end_m),
        }
    }
}

/// Opening intervals for each day of the week. A weekday with no intervals is closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WeeklySchedule {
    /// Thứ Hai.
    pub monday: Vec<Interval>,
    /// Thứ Ba.
    pub tuesday: Vec<Interval>,
    /// Thứ Tư.
    pub wednesday: Vec<Interval>,
    /// Thứ Năm.
    pub thursday: Vec<Interval>,
    /// Thứ Sáu.
    pub friday: Vec<Interval>,
    /// Thứ Bảy.
    pub saturday: Vec<Interval>,
    /// Chủ nhật.
    pub sunday: Vec<Interval>,
}

impl WeeklySchedule {
    /// The same intervals Monday to Friday, closed at the weekend.
    pub fn weekdays(intervals: &[Interval]) -> Self {
        Self {
            monday: intervals.to_vec(),
            tuesday: intervals.to_vec(),
            wednesday: intervals.to_vec(),
            thursday: intervals.to_vec(),
            friday: intervals.to_vec(),
            saturday: Vec::new(),
            sunday: Vec::new(),
        }
    }

    /// The intervals of one weekday.
    pub fn day(&self, w: WeekdayName) -> &[Interval] {
        match w {
            WeekdayName::Monday => &self.monday,
            WeekdayName::Tuesday => &self.tuesday,
            WeekdayName::Wednesday => &self.wednesday,
            WeekdayName::Thursday => &self.thursday,
            WeekdayName::Friday => &self.friday,
            WeekdayName::Saturday => &self.saturday,
            WeekdayName::Sunday => &self.sunday,
        }
    }
}

/// A month and day, written `MM-DD` in configuration (`02-29` allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MonthDay {
    month: i8,
    day: i8,
}

impl MonthDay {
    /// A month-day; errors for a day that no year has (04-31, 02-30).
    pub fn new(month: i8, day: i8) -> Result<Self, OfficeHoursError> {
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month_leap(month) {
            return Err(OfficeHoursError::BadMonthDay(format!(
                "{month:02}-{day:02}"
            )));
        }
        Ok(Self { month, day })
    }

    /// Month, 1–12.
    pub fn month(self) -> i8 {
        self.month
    }

    /// Day, 1–31.
    pub fn day(self) -> i8 {
        self.day
    }

    /// Position in a leap year, 0 (01-01) to 365 (12-31).
    pub(crate) fn slot(self) -> usize {
        slot_of(self.month, self.day)
    }
}

impl std::fmt::Display for MonthDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

impl TryFrom<String> for MonthDay {
    type Error = OfficeHoursError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let bad = || OfficeHoursError::BadMonthDay(s.clone());
        let (m, d) = s.trim().split_once('-').ok_or_else(bad)?;
        Self::new(m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?)
    }
}

impl From<MonthDay> for String {
    fn from(md: MonthDay) -> Self {
        md.to_string()
    }
}

fn days_in_month_leap(month: i8) -> i8 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Position of a month-day in a leap year (0..366).
pub(crate) fn slot_of(month: i8, day: i8) -> usize {
    let before: i32 = (1..month).map(|m| i32::from(days_in_month_leap(m))).sum();
    usize::try_from(before + i32::from(day) - 1).unwrap_or(0)
}

/// One season's schedule, valid from `from` to `to` inclusive each year; `from` after `to`
/// wraps over New Year (e.g. `10-01` to `03-31`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeasonalPeriod {
    /// A name for administrators ("Giờ mùa hè").
    #[serde(default)]
    pub name: String,
    /// First day.
    pub from: MonthDay,
    /// Last day.
    pub to: MonthDay,
    /// The weekly schedule in this season.
    pub week: WeeklySchedule,
}

/// An agency's office hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeHours {
    /// Seasonal periods; together they must cover every day of the year exactly once.
    pub periods: Vec<SeasonalPeriod>,
    /// Working minutes in one "working day" of a time limit: a limit of N working days is
    /// N × this many working minutes (DOMAIN.md §7). 480 (8 hours, the civil-service working
    /// day) unless an agency's schedule says otherwise.
    pub working_day_minutes: u32,
    /// Which weekday's schedule a make-up working Saturday follows. Monday by default: the
    /// swap notices move a weekday's work to the Saturday, and every weekday has the same
    /// hours in the standard schedule.
    pub make_up_day_schedule: WeekdayName,
}

impl Default for OfficeHours {
    /// Monday–Friday 07:30–11:30 and 13:00–17:00 all year, 480-minute working day.
    fn default() -> Self {
        Self {
            periods: vec![SeasonalPeriod {
                name: "Cả năm".to_owned(),
                from: MonthDay { month: 1, day: 1 },
                to: MonthDay { month: 12, day: 31 },
                week: WeeklySchedule::weekdays(&[
                    Interval::hm(7, 30, 11, 30),
                    Interval::hm(13, 0, 17, 0),
                ]),
            }],
            working_day_minutes: 480,
            make_up_day_schedule: WeekdayName::Monday,
        }
    }
}

/// Office hours that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeHoursError {
    /// Not a month-day.
    #[error("'{0}' không phải ngày-tháng hợp lệ dạng MM-DD")]
    BadMonthDay(String),
    /// No periods, or too many.
    #[error("cần từ 1 đến {MAX_PERIODS} giai đoạn giờ làm việc, có {0}")]
    PeriodCount(usize),
    /// A day of the year belongs to no period.
    #[error("ngày {0} không thuộc giai đoạn giờ làm việc nào")]
    Uncovered(MonthDay),
    /// A day of the year belongs to two periods.
    #[error("ngày {day} thuộc cả giai đoạn '{first}' và '{second}'")]
    Overlap {
        /// The day.
        day: MonthDay,
        /// The first period's name.
        first: String,
        /// The second period's name.
        second: String,
    },
    /// An interval that ends before it starts, overlaps the previous one, or too many.
    #[error("giai đoạn '{period}', {weekday:?}: {problem}")]
    BadIntervals {
        /// The period's name.
        period: String,
        /// The weekday.
        weekday: WeekdayName,
        /// What is wrong.
        problem: &'static str,
    },
    /// The working-day length is zero or longer than a day.
    #[error("số phút của một ngày làm việc phải từ 1 đến 1440, có {0}")]
    BadDayLength(u32),
}

/// Office hours in the form the working calendar indexes: seconds of the day.
#[derive(Debug, Clone)]
pub(crate) struct CompiledHours {
    /// Period index for each slot of a leap year (see [`slot_of`]).
    pub period_of_slot: Vec<usize>,
    /// `week[period][weekday]`: intervals as (start, end) seconds of the day.
    pub week: Vec<[Vec<(u32, u32)>; 7]>,
    /// Seconds in one working day of a time limit.
    pub day_seconds: i64,
    /// Index of the weekday a make-up day follows.
    pub make_up: usize,
}

impl OfficeHours {
    /// Checks the configuration and returns it in indexed form.
    pub(crate) fn compile(&self) -> Result<CompiledHours, OfficeHoursError> {
        if self.periods.is_empty() || self.periods.len() > MAX_PERIODS {
            return Err(OfficeHoursError::PeriodCount(self.periods.len()));
        }
        if self.working_day_minutes == 0 || self.working_day_minutes > 1440 {
            return Err(OfficeHoursError::BadDayLength(self.working_day_minutes));
        }
        let mut owner: Vec<Option<usize>> = vec![None; 366];
        for (p, period) in self.periods.iter().enumerate() {
            let (a, b) = (period.from.slot(), period.to.slot());
            let slots: Vec<usize> = if a <= b {
                (a..=b).collect()
            } else {
                (a..366).chain(0..=b).collect()
            };
            for s in slots {
                let Some(slot) = owner.get_mut(s) else {
                    continue;
                };
                if let Some(first) = *slot {
                    return Err(OfficeHoursError::Overlap {
                        day: month_day_of_slot(s),
                        first: self
                            .periods
                            .get(first)
                            .map(|p| p.name.clone())
                            .unwrap_or_default(),
                        second: period.name.clone(),
                    });
                }
                *slot = Some(p);
            }
        }
        let mut period_of_slot = Vec::with_capacity(366);
        for (s, o) in owner.iter().enumerate() {
            period_of_slot
                .push(o.ok_or_else(|| OfficeHoursError::Uncovered(month_day_of_slot(s)))?);
        }
        let mut week = Vec::with_capacity(self.periods.len());
        for period in &self.periods {
            let mut days: [Vec<(u32, u32)>; 7] = Default::default();
            for (i, w) in [
                WeekdayName::Monday,
                WeekdayName::Tuesday,
                WeekdayName::Wednesday,
                WeekdayName::Thursday,
                WeekdayName::Friday,
                WeekdayName::Saturday,
                WeekdayName::Sunday,
            ]
            .into_iter()
            .enumerate()
            {
                let bad = |problem| OfficeHoursError::BadIntervals {
                    period: period.name.clone(),
                    weekday: w,
                    problem,
                };
                let intervals = period.week.day(w);
                if intervals.len() > MAX_INTERVALS_PER_DAY {
                    return Err(bad("quá nhiều khoảng giờ trong một ngày (tối đa 6)"));
                }
                let mut out: Vec<(u32, u32)> = Vec::with_capacity(intervals.len());
                for iv in intervals {
                    let (s, e) = (second_of_day(iv.start), second_of_day(iv.end));
                    if s >= e {
                        return Err(bad("giờ đóng cửa phải sau giờ mở cửa"));
                    }
                    if out.last().is_some_and(|&(_, prev_end)| s < prev_end) {
                        return Err(bad(
                            "các khoảng giờ phải theo thứ tự và không chồng lên nhau",
                        ));
                    }
                    out.push((s, e));
                }
                if let Some(slot) = days.get_mut(i) {
                    *slot = out;
                }
            }
            week.push(days);
        }
        Ok(CompiledHours {
            period_of_slot,
            week,
            day_seconds: i64::from(self.working_day_minutes) * 60,
            make_up: self.make_up_day_schedule.index(),
        })
    }

    /// Checks the configuration, for the admin screens and the config loader.
    pub fn validate(&self) -> Result<(), OfficeHoursError> {
        self.compile().map(|_| ())
    }
}

fn second_of_day(t: Time) -> u32 {
    u32::try_from(i32::from(t.hour()) * 3600 + i32::from(t.minute()) * 60 + i32::from(t.second()))
        .unwrap_or(0)
}

fn month_day_of_slot(slot: usize) -> MonthDay {
    let mut rest = i32::try_from(slot).unwrap_or(0);
    for month in 1..=12 {
        let len = i32::from(days_in_month_leap(month));
        if rest < len {
            return MonthDay {
                month,
                day: i8::try_from(rest + 1).unwrap_or(1),
            };
        }
        rest -= len;
    }
    MonthDay { month: 12, day: 31 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_eight_hours_monday_to_friday() {
        let c = OfficeHours::default().compile().unwrap();
        let total: u32 = c.week[0][0].iter().map(|(s, e)| e - s).sum();
        assert_eq!(total, 8 * 3600);
        assert!(c.week[0][5].is_empty() && c.week[0][6].is_empty());
        assert_eq!(c.day_seconds, 480 * 60);
    }

    #[test]
    fn seasons_must_cover_the_year_exactly_once() {
        let mut h = OfficeHours::default();
        h.periods[0].to = MonthDay::new(12, 30).unwrap();
        assert_eq!(
            h.validate(),
            Err(OfficeHoursError::Uncovered(MonthDay::new(12, 31).unwrap()))
        );

        let summer = SeasonalPeriod {
            name: "Hè".into(),
            from: MonthDay::new(5, 1).unwrap(),
            to: MonthDay::new(9, 30).unwrap(),
            week: WeeklySchedule::weekdays(&[
                Interval::hm(7, 0, 11, 0),
                Interval::hm(13, 30, 17, 30),
            ]),
        };
        let winter = SeasonalPeriod {
            name: "Đông".into(),
            from: MonthDay::new(10, 1).unwrap(),
            to: MonthDay::new(4, 30).unwrap(),
            week: WeeklySchedule::weekdays(&[
                Interval::hm(7, 30, 11, 30),
                Interval::hm(13, 0, 17, 0),
            ]),
        };
        let h = OfficeHours {
            periods: vec![summer.clone(), winter],
            ..OfficeHours::default()
        };
        let c = h.compile().unwrap();
        assert_eq!(c.period_of_slot[slot_of(2, 29)], 1);
        assert_eq!(c.period_of_slot[slot_of(5, 1)], 0);
        assert_eq!(c.period_of_slot[slot_of(12, 31)], 1);

        let h = OfficeHours {
            periods: vec![summer, OfficeHours::default().periods[0].clone()],
            ..OfficeHours::default()
        };
        assert!(matches!(
            h.validate(),
            Err(OfficeHoursError::Overlap { .. })
        ));
    }

    #[test]
    fn bad_intervals_and_month_days_are_rejected() {
        let mut h = OfficeHours::default();
        h.periods[0].week.monday = vec![Interval::hm(13, 0, 17, 0), Interval::hm(7, 30, 11, 30)];
        assert!(matches!(
            h.validate(),
            Err(OfficeHoursError::BadIntervals {
                weekday: WeekdayName::Monday,
                ..
            })
        ));
        h.periods[0].week.monday = vec![Interval::hm(11, 0, 7, 0)];
        assert!(h.validate().is_err());
        assert!(MonthDay::new(2, 30).is_err());
        assert!(MonthDay::try_from("02-29".to_owned()).is_ok());
        assert!(MonthDay::try_from("2-x".to_owned()).is_err());
        let h = OfficeHours {
            working_day_minutes: 0,
            ..OfficeHours::default()
        };
        assert_eq!(h.validate(), Err(OfficeHoursError::BadDayLength(0)));
    }

    #[test]
    fn serde_round_trip_uses_readable_forms() {
        let h = OfficeHours::default();
        let json = serde_json::to_string(&h).unwrap();
        assert!(
            json.contains("\"from\":\"01-01\"") && json.contains("\"07:30:00\""),
            "{json}"
        );
        let back: OfficeHours = serde_json::from_str(&json).unwrap();
        assert_eq!(back, h);
    }
}
