//! The shipped official calendar, and statutory defaults for years nobody has entered yet.
//!
//! # Default rules ([`default_year`])
//!
//! When a year has no official data (typically the next year before the Government's notice,
//! which comes in Q4), motcua proposes the days the law guarantees, every entry with status
//! [`EntryStatus::Default`]:
//!
//! * **Tết Dương lịch** 1/1.
//! * **Tết Nguyên đán**: 5 days (4 before the Labour Code 2012 took effect on 2013-05-01), which
//!   the Prime Minister picks each year. Default: **five consecutive days starting on 29 tháng
//!   Chạp** (the 29th of lunar month 12; when that month has 29 days this is "the last day of the
//!   old year + 1/1–4/1", otherwise "29 and 30 Chạp + 1/1–3/1"). This is what the official
//!   notices chose in 6 of the 7 years 2020–2026 (2025 started one day earlier). With 4 days:
//!   the last day of the old year + 1/1–3/1.
//! * **Giỗ Tổ Hùng Vương** 10/3 lunar (a paid holiday since 2007).
//! * **30/4** and **1/5**.
//! * **Quốc khánh** 2/9, plus from 2021 one adjacent day (Labour Code 2019 Art. 112.1.đ). Default:
//!   1/9, except 3/9 when 2/9 is a Monday or a Thursday, so the break touches a weekend. This
//!   matches every official choice 2021–2026.
//! * **Nghỉ bù** (Art. 111.3): each holiday falling on a Saturday or Sunday gives a compensatory
//!   day on the next working day after it that is not already off.
//! * Saturdays and Sundays touching a break are listed as [`DayKind::WeekendInBreak`] so the
//!   explanation reads like an official notice.
//!
//! Two holidays on the same date (10/3 lunar on 30/4) give one day off, named after both: the
//! Code's compensatory rule speaks only of weekly rest days. No swaps (hoán đổi) are invented:
//! they are a Government decision. The pending 24/11 "Ngày Văn hóa Việt Nam" is not law and is
//! not included. Public servants have worked Monday–Friday since Decree 188/1999, so defaults
//! start in 2000.

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday};

use super::lunar::{self, LunarDate, can_chi};
use super::{
    CalendarEntry, CalendarError, CalendarFileError, DayKind, EntryStatus, YearCalendar,
    parse_calendar_file,
};

/// The official public-sector calendar shipped with motcua (`data/calendar/vn-public-sector.csv`,
/// provenance in `data/calendar/PROVENANCE.md`). Embedded so a fresh installation computes correct
/// deadlines without any set-up.
pub const OFFICIAL_CALENDAR_CSV: &str =
    include_str!("../../../../data/calendar/vn-public-sector.csv");

/// First year [`default_year`] can compute.
pub const DEFAULT_YEAR_MIN: i32 = 2000;
/// Last year [`default_year`] can compute (the lunar conversion's range ends in 2100).
pub const DEFAULT_YEAR_MAX: i32 = 2100;
/// First year a standard [`super::WorkCalendar`] covers.
pub const DEFAULT_FIRST_YEAR: i32 = 2000;
/// Last year a standard [`super::WorkCalendar`] covers.
pub const DEFAULT_LAST_YEAR: i32 = 2100;

/// The shipped official years (2020–2026), parsed.
pub fn official_years() -> Result<Vec<YearCalendar>, CalendarFileError> {
    parse_calendar_file(OFFICIAL_CALENDAR_CSV)
}

/// Which Labour Code applied on a date.
fn law_on(date: Date) -> &'static str {
    if date < jiff::civil::date(2013, 5, 1) {
        "Bộ luật Lao động 1994 (sửa đổi 2007), Điều 73"
    } else if date.year() < 2021 {
        "Bộ luật Lao động 2012 (10/2012/QH13), Điều 115"
    } else {
        "Bộ luật Lao động 2019 (45/2019/QH14), Điều 112 và Điều 111 khoản 3"
    }
}

const DEFAULT_NOTE: &str = "Ngày nghỉ dự kiến do motcua tính theo Bộ luật Lao động; \
                            thay bằng thông báo chính thức của Chính phủ khi có.";

/// The statutory days off of `year` computed from the Labour Code (rules in the module
/// documentation), all with status [`EntryStatus::Default`].
pub fn default_year(year: i32) -> Result<YearCalendar, CalendarError> {
    if !(DEFAULT_YEAR_MIN..=DEFAULT_YEAR_MAX).contains(&year) {
        return Err(CalendarError::NoDefaultRules {
            year,
            min: DEFAULT_YEAR_MIN,
            max: DEFAULT_YEAR_MAX,
        });
    }
    let y = i16::try_from(year).map_err(|_| CalendarError::NoDefaultRules {
        year,
        min: DEFAULT_YEAR_MIN,
        max: DEFAULT_YEAR_MAX,
    })?;
    let solar =
        |m: i8, d: i8| Date::new(y, m, d).map_err(|_| CalendarError::LunarComputation(year));

    // Holidays, by date; two on one date share the day and both names.
    let mut holidays: BTreeMap<Date, String> = BTreeMap::new();
    let mut add = |date: Date, occasion: &str| {
        holidays
            .entry(date)
            .and_modify(|o| {
                if !o.contains(occasion) {
                    o.push_str(" + ");
                    o.push_str(occasion);
                }
            })
            .or_insert_with(|| occasion.to_owned());
    };

    add(solar(1, 1)?, "Tết Dương lịch");

    let tet = lunar::tet(year)?;
    let tet_name = format!("Tết Nguyên đán {}", can_chi(year));
    let chap_len = lunar::month_length(year - 1, 12, false)?;
    let tet_days: i64 = if tet < jiff::civil::date(2013, 5, 1) {
        4
    } else {
        5
    };
    // 5 days from 29 Chạp; 4 days from the last day of Chạp.
    let first = if tet_days == 5 {
        29
    } else {
        i64::from(chap_len)
    };
    let start = tet
        .checked_sub(jiff::Span::new().days(i64::from(chap_len) - first + 1))
        .map_err(|_| CalendarError::LunarComputation(year))?;
    for i in 0..tet_days {
        let d = start
            .checked_add(jiff::Span::new().days(i))
            .map_err(|_| CalendarError::LunarComputation(year))?;
        add(d, &tet_name);
    }

    if year >= 2007 {
        add(
            lunar::from_lunar(LunarDate {
                year,
                month: 3,
                day: 10,
                leap_month: false,
            })?,
            "Giỗ Tổ Hùng Vương (10/3 ÂL)",
        );
    }
    add(solar(4, 30)?, "30/4 & 1/5");
    add(solar(5, 1)?, "30/4 & 1/5");

    let national = solar(9, 2)?;
    add(national, "Quốc khánh");
    if year >= 2021 {
        let adjacent = match national.weekday() {
            Weekday::Monday | Weekday::Thursday => solar(9, 3)?,
            _ => solar(9, 1)?,
        };
        add(adjacent, "Quốc khánh");
    }

    let mut entries: BTreeMap<Date, CalendarEntry> = BTreeMap::new();
    let entry = |date: Date, kind: DayKind, occasion: &str| CalendarEntry {
        date,
        kind,
        occasion: occasion.to_owned(),
        status: EntryStatus::Default,
        replaces: None,
        source: format!("{} (quy tắc mặc định của motcua)", law_on(date)),
        note: DEFAULT_NOTE.to_owned(),
    };
    for (date, occasion) in &holidays {
        entries.insert(*date, entry(*date, DayKind::Holiday, occasion));
    }

    // Nghỉ bù: the next weekday after the holiday that is not already off.
    for (date, occasion) in &holidays {
        if !is_weekend(*date) {
            continue;
        }
        let mut d = *date;
        loop {
            d = d
                .tomorrow()
                .map_err(|_| CalendarError::LunarComputation(year))?;
            if !is_weekend(d) && !entries.contains_key(&d) {
                break;
            }
        }
        if d.year() == y {
            entries.insert(d, entry(d, DayKind::CompensatoryDayOff, occasion));
        }
    }

    // Weekends touching a break.
    let off: Vec<(Date, String)> = entries
        .values()
        .map(|e| (e.date, e.occasion.clone()))
        .collect();
    for (date, occasion) in off {
        for forward in [true, false] {
            let mut d = date;
            loop {
                let next = if forward { d.tomorrow() } else { d.yesterday() };
                let Ok(next) = next else { break };
                if next.year() != y || !is_weekend(next) || entries.contains_key(&next) {
                    break;
                }
                entries.insert(next, entry(next, DayKind::WeekendInBreak, &occasion));
                d = next;
            }
        }
    }

    Ok(YearCalendar {
        year: y,
        entries: entries.into_values().collect(),
    })
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn kinds(y: &YearCalendar) -> Vec<(String, DayKind)> {
        y.entries
            .iter()
            .map(|e| (e.date.to_string(), e.kind))
            .collect()
    }

    #[test]
    fn shipped_file_parses_and_covers_2020_to_2026() {
        let years = official_years().unwrap();
        assert_eq!(
            years.iter().map(|y| y.year).collect::<Vec<_>>(),
            (2020..=2026).collect::<Vec<_>>()
        );
        let rows: usize = years.iter().map(|y| y.entries.len()).sum();
        // 136 days off + 3 make-up Saturdays from the source data, + 5 reported National Day 2026 rows.
        assert_eq!(rows, 144);
        let y2026 = years.iter().find(|y| y.year == 2026).unwrap();
        let tet = y2026.entry(date(2026, 2, 16)).unwrap();
        assert_eq!(
            (tet.kind, tet.occasion.as_str()),
            (DayKind::Holiday, "Tết Nguyên đán Bính Ngọ")
        );
        let swap = y2026.entry(date(2026, 1, 2)).unwrap();
        assert_eq!(
            (swap.kind, swap.replaces),
            (DayKind::SwappedDayOff, Some(date(2026, 1, 10)))
        );
        assert_eq!(
            y2026.entry(date(2026, 1, 10)).unwrap().kind,
            DayKind::MakeUpWorkday
        );
        assert_eq!(
            y2026.entry(date(2026, 4, 27)).unwrap().kind,
            DayKind::CompensatoryDayOff
        );
        // National Day 2026: 2/9 is certain by law; the rest of the break is a press report.
        assert_eq!(
            y2026.entry(date(2026, 9, 2)).unwrap().status,
            EntryStatus::Statutory
        );
        for d in [date(2026, 8, 22), date(2026, 8, 31), date(2026, 9, 1)] {
            assert_eq!(y2026.entry(d).unwrap().status, EntryStatus::Reported, "{d}");
        }
        assert_eq!(
            y2026.entry(date(2026, 8, 22)).unwrap().kind,
            DayKind::MakeUpWorkday
        );
        // No 24/11 anywhere.
        assert!(
            years
                .iter()
                .flat_map(|y| &y.entries)
                .all(|e| (e.date.month(), e.date.day()) != (11, 24))
        );
    }

    #[test]
    fn default_2027_follows_the_labour_code() {
        // Tết Đinh Mùi 2027 = Sat 2027-02-06; Chạp of Bính Ngọ has 29 days, so 29 Chạp is the
        // last day of the year (Fri 02-05) and the break is 29 Chạp + 1/1–4/1.
        assert_eq!(lunar::month_length(2026, 12, false).unwrap(), 29);
        let y = default_year(2027).unwrap();
        assert!(y.entries.iter().all(|e| e.status == EntryStatus::Default));
        let got = kinds(&y);
        let expect = |d: &str, k: DayKind| {
            assert!(got.contains(&(d.to_owned(), k)), "{d} {k:?} in {got:#?}")
        };
        expect("2027-01-01", DayKind::Holiday); // Friday
        expect("2027-01-02", DayKind::WeekendInBreak);
        for d in [
            "2027-02-05",
            "2027-02-06",
            "2027-02-07",
            "2027-02-08",
            "2027-02-09",
        ] {
            expect(d, DayKind::Holiday);
        }
        expect("2027-02-10", DayKind::CompensatoryDayOff); // for Saturday 1/1 lunar
        expect("2027-02-11", DayKind::CompensatoryDayOff); // for Sunday 2/1 lunar
        assert!(y.entry(date(2027, 2, 4)).is_none() && y.entry(date(2027, 2, 12)).is_none());
        expect("2027-04-16", DayKind::Holiday); // 10/3 lunar, Friday
        expect("2027-04-30", DayKind::Holiday); // Friday
        expect("2027-05-01", DayKind::Holiday); // Saturday ...
        expect("2027-05-03", DayKind::CompensatoryDayOff); // ... compensated on Monday
        expect("2027-09-02", DayKind::Holiday); // Thursday → adjacent day 3/9 (Friday)
        expect("2027-09-03", DayKind::Holiday);
        let tet = y.entry(date(2027, 2, 6)).unwrap();
        assert_eq!(tet.occasion, "Tết Nguyên đán Đinh Mùi");
        assert!(tet.source.contains("Bộ luật Lao động 2019"));
        assert!(y.entries.iter().all(|e| e.check().is_ok()));
    }

    #[test]
    fn defaults_agree_with_the_official_years_except_documented_choices() {
        // Every default day off must be off in the official calendar, except the Government's
        // own choices: Tết 2025 started on 28 Chạp.
        let official = official_years().unwrap();
        let allowed_differences = [date(2025, 2, 3)];
        for year in &official {
            let default = default_year(i32::from(year.year)).unwrap();
            for e in default.days_off() {
                let off = year.entry(e.date).is_some_and(|o| o.kind.is_day_off());
                assert!(
                    off || allowed_differences.contains(&e.date),
                    "{} {:?} {}",
                    e.date,
                    e.kind,
                    e.occasion
                );
            }
        }
    }

    #[test]
    fn coinciding_holidays_share_a_day_and_older_laws_apply_before_2021() {
        // 2012: Tết had 4 days; National Day 1 day; 10/3 = 2012-03-31 (Saturday) → bù Monday 2/4.
        let y = default_year(2012).unwrap();
        assert_eq!(
            y.entries
                .iter()
                .filter(|e| e.occasion.starts_with("Tết Nguyên đán") && e.kind == DayKind::Holiday)
                .count(),
            4
        );
        assert_eq!(
            y.entry(date(2012, 4, 2)).unwrap().kind,
            DayKind::CompensatoryDayOff
        );
        assert!(
            y.entry(date(2012, 9, 3))
                .is_none_or(|e| e.kind != DayKind::Holiday)
        );
        // 2006: no Hùng Kings holiday yet.
        let y = default_year(2006).unwrap();
        assert!(y.entries.iter().all(|e| !e.occasion.contains("Hùng Vương")));
        assert!(default_year(1999).is_err());
        assert!(default_year(2101).is_err());
        // Every year in the supported range computes and passes the entry rules.
        for year in DEFAULT_YEAR_MIN..=DEFAULT_YEAR_MAX {
            let y = default_year(year).unwrap();
            assert!(
                y.entries
                    .iter()
                    .all(|e| e.check().is_ok() && i32::from(e.date.year()) == year),
                "{year}"
            );
            let holidays = y
                .entries
                .iter()
                .filter(|e| e.kind == DayKind::Holiday)
                .count();
            assert!((8..=11).contains(&holidays), "{year}: {holidays} holidays");
        }
    }
}
