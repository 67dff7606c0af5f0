//! Instants and dates as the forms print them, in Vietnam time.
//!
//! Vietnam keeps UTC+07:00 all year (no daylight saving), so a fixed offset is exact and needs
//! no time-zone database. The wording decides the layout ("09 giờ 30 phút, ngày 26/11/2026");
//! this module only supplies the zero-padded pieces.

use jiff::{
    Timestamp,
    civil::{Date, DateTime},
    tz::{Offset, TimeZone},
};

use crate::{template::fill_plain, wording::Common};

fn vn(t: Timestamp) -> DateTime {
    let offset = Offset::from_seconds(7 * 3600).unwrap_or(Offset::UTC);
    t.to_zoned(TimeZone::fixed(offset)).datetime()
}

/// The Vietnamese calendar day of an instant.
pub(crate) fn vn_date(t: Timestamp) -> Date {
    vn(t).date()
}

fn date_values(d: Date) -> [(&'static str, String); 3] {
    [
        ("day", format!("{:02}", d.day())),
        ("month", format!("{:02}", d.month())),
        ("year", d.year().to_string()),
    ]
}

fn time_values(t: Timestamp) -> [(&'static str, String); 5] {
    let dt = vn(t);
    let [day, month, year] = date_values(dt.date());
    [
        ("hour", format!("{:02}", dt.hour())),
        ("minute", format!("{:02}", dt.minute())),
        day,
        month,
        year,
    ]
}

fn fill_owned(template: &str, values: &[(&'static str, String)], blank: &str) -> String {
    let v: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fill_plain(template, &v, blank)
}

/// An instant in the long form (`common.date_time`); `None` is the blank.
pub(crate) fn date_time(c: &Common, t: Option<Timestamp>) -> String {
    match t {
        Some(t) => fill_owned(&c.date_time, &time_values(t), &c.blank),
        None => c.blank.clone(),
    }
}

/// An instant in the short form (`common.short_time`); `None` is empty (ledger cells).
pub(crate) fn short_time(c: &Common, t: Option<Timestamp>) -> String {
    t.map(|t| fill_owned(&c.short_time, &time_values(t), &c.blank))
        .unwrap_or_default()
}

/// A date (`common.date`); `None` is the blank.
pub(crate) fn date(c: &Common, d: Option<Date>) -> String {
    match d {
        Some(d) => fill_owned(&c.date, &date_values(d), &c.blank),
        None => c.blank.clone(),
    }
}

/// The values of the place-and-date line; short blanks when there is no date.
pub(crate) fn place_date_values(c: &Common, d: Option<Date>) -> [(&'static str, String); 3] {
    match d {
        Some(d) => date_values(d),
        None => [
            ("day", c.blank_short.clone()),
            ("month", c.blank_short.clone()),
            ("year", c.blank_short.clone()),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Wording;

    #[test]
    fn prints_vietnam_time_whatever_the_offset_of_the_instant() {
        let w = Wording::shipped().unwrap();
        let t: Timestamp = "2026-11-26T02:30:00Z".parse().unwrap();
        assert_eq!(
            date_time(&w.common, Some(t)),
            "09 giờ 30 phút, ngày 26/11/2026"
        );
        // 18:05 UTC is already the next day in Vietnam.
        let late: Timestamp = "2026-12-31T18:05:00Z".parse().unwrap();
        assert_eq!(short_time(&w.common, Some(late)), "01:05 01/01/2027");
        assert_eq!(vn_date(late), jiff::civil::date(2027, 1, 1));
        assert_eq!(date_time(&w.common, None), w.common.blank);
        assert_eq!(short_time(&w.common, None), "");
        assert_eq!(
            date(&w.common, Some(jiff::civil::date(2026, 3, 5))),
            "05/03/2026"
        );
    }
}
