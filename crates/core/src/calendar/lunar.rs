//! The Vietnamese lunar calendar (âm lịch), computed astronomically for UTC+07:00.
//!
//! The rules are the published ones of the Chinese-Vietnamese lunisolar calendar:
//!
//! 1. A month begins on the local (UTC+7) day of a new moon.
//! 2. Month 11 is the month that contains the winter solstice (sun longitude 270°).
//! 3. If there are 13 new moons from one month 11 to the next, the first month after month 11
//!    that contains no major solar term (sun longitude a multiple of 30°) is a leap month and
//!    repeats the number of the month before it.
//!
//! The astronomy is Jean Meeus, *Astronomical Algorithms* (2nd ed.): chapter 49 for the instants
//! of new moon (with the periodic terms and the planetary arguments), chapter 25 for the apparent
//! longitude of the sun, and the Espenak–Meeus polynomials for ΔT (TT − UT). A month "contains"
//! a major term when the sun's 30° sector at the local midnight that starts the month differs from
//! the sector at the midnight that starts the next month.
//!
//! Vietnam's calendar is the same astronomy as China's at UTC+7 instead of UTC+8, which is why
//! Tết differs in some years (1985-01-21 in Vietnam, 1985-02-20 in China). Dates before 1968 are
//! computed at UTC+7 too, although North Vietnam used the UTC+8 calendar until then: the module
//! answers "what the rule gives", which is what holiday defaults need.
//!
//! Supported range: solar dates 1900-01-01 to 2100-12-31; every Tết and 10/3 of that range is
//! checked against independent tables in the tests.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::CalendarError;

/// A date in the Vietnamese lunar calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LunarDate {
    /// The lunar year, numbered like the solar year in which it starts (Tết Bính Ngọ 2026 starts
    /// lunar year 2026).
    pub year: i32,
    /// Month, 1–12 (month 11 holds the winter solstice; month 12 is tháng Chạp).
    pub month: u8,
    /// Day of the month, 1–30.
    pub day: u8,
    /// Whether this is the leap (nhuận) repetition of `month`.
    pub leap_month: bool,
}

impl std::fmt::Display for LunarDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let leap = if self.leap_month { " (nhuận)" } else { "" };
        write!(f, "{}/{}{}/{}", self.day, self.month, leap, self.year)
    }
}

/// First solar date converted.
const MIN_DATE: (i16, i8, i8) = (1900, 1, 1);
/// Last solar date converted.
const MAX_DATE: (i16, i8, i8) = (2100, 12, 31);
/// UTC+7, in days.
const TZ_DAYS: f64 = 7.0 / 24.0;
/// JDE of the mean new moon k = 0 (2000-01-06), Meeus (49.1).
const NEW_MOON_EPOCH: f64 = 2_451_550.097_66;
/// Mean synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530_588_861;
/// Julian Day Number of 1970-01-01.
const UNIX_EPOCH_JDN: i64 = 2_440_588;

/// Converts a solar date to the lunar calendar.
///
/// Errors when the date is outside 1900-01-01..=2100-12-31.
pub fn to_lunar(date: Date) -> Result<LunarDate, CalendarError> {
    check_solar_range(date)?;
    let jdn = jdn_of(date);
    let year = i32::from(date.year());
    let next = LunarYear::compute(year + 1)?;
    let layout = if jdn >= next.first_day() {
        next
    } else {
        LunarYear::compute(year)?
    };
    let index = layout
        .month_index_of(jdn)
        .ok_or(CalendarError::LunarComputation(year))?;
    let (month, leap_month) = layout.label(index);
    let start = layout
        .starts
        .get(index)
        .copied()
        .ok_or(CalendarError::LunarComputation(year))?;
    let day = u8::try_from(jdn - start + 1).map_err(|_| CalendarError::LunarComputation(year))?;
    let lunar_year = if month >= 11 {
        layout.year - 1
    } else {
        layout.year
    };
    Ok(LunarDate {
        year: lunar_year,
        month,
        day,
        leap_month,
    })
}

/// Converts a lunar date to the solar calendar.
///
/// Errors when the lunar date does not exist (a leap month the year does not have, day 30 of a
/// short month) or falls outside 1900-01-01..=2100-12-31.
pub fn from_lunar(lunar: LunarDate) -> Result<Date, CalendarError> {
    let (start, len) = month_bounds(lunar.year, lunar.month, lunar.leap_month)?;
    if lunar.day == 0 || i64::from(lunar.day) > len {
        return Err(CalendarError::NoSuchLunarDate(lunar.to_string()));
    }
    let date = date_of_jdn(start + i64::from(lunar.day) - 1).map_err(|_| {
        CalendarError::LunarOutOfRange {
            date: lunar.to_string(),
        }
    })?;
    check_solar_range(date).map_err(|_| CalendarError::LunarOutOfRange {
        date: lunar.to_string(),
    })?;
    Ok(date)
}

/// The number of days (29 or 30) of a lunar month.
pub fn month_length(year: i32, month: u8, leap_month: bool) -> Result<u8, CalendarError> {
    let (_, len) = month_bounds(year, month, leap_month)?;
    u8::try_from(len).map_err(|_| CalendarError::LunarComputation(year))
}

/// The leap month of a lunar year, if it has one (2025 → `Some(6)`, 2033 → `Some(11)`).
pub fn leap_month(year: i32) -> Result<Option<u8>, CalendarError> {
    check_lunar_year(year)?;
    // Months 11 and 12 of lunar year `year` belong to the layout of the next solar year.
    let this = LunarYear::compute(year)?;
    if let Some(i) = this.leap {
        let (month, _) = this.label(i);
        if month <= 10 {
            return Ok(Some(month));
        }
    }
    let next = LunarYear::compute(year + 1)?;
    if let Some(i) = next.leap {
        let (month, _) = next.label(i);
        if month >= 11 {
            return Ok(Some(month));
        }
    }
    Ok(None)
}

/// The solar date of Tết Nguyên đán (1/1 lunar) of a lunar year.
pub fn tet(year: i32) -> Result<Date, CalendarError> {
    from_lunar(LunarDate {
        year,
        month: 1,
        day: 1,
        leap_month: false,
    })
}

/// The sexagenary name (can chi) of a lunar year, e.g. 2026 → "Bính Ngọ". Occasion names such as
/// "Tết Nguyên đán Bính Ngọ" use it.
pub fn can_chi(year: i32) -> String {
    const STEMS: [&str; 10] = [
        "Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý",
    ];
    const BRANCHES: [&str; 12] = [
        "Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi",
    ];
    let stem = STEMS
        .get(usize::try_from((year + 6).rem_euclid(10)).unwrap_or(0))
        .copied()
        .unwrap_or("");
    let branch = BRANCHES
        .get(usize::try_from((year + 8).rem_euclid(12)).unwrap_or(0))
        .copied()
        .unwrap_or("");
    format!("{stem} {branch}")
}

/// The start (as a Julian Day Number) and length of a lunar month.
fn month_bounds(year: i32, month: u8, leap_month: bool) -> Result<(i64, i64), CalendarError> {
    let describe = || {
        LunarDate {
            year,
            month,
            day: 1,
            leap_month,
        }
        .to_string()
    };
    if !(1..=12).contains(&month) {
        return Err(CalendarError::NoSuchLunarDate(describe()));
    }
    check_lunar_year(year)?;
    // Months 11 and 12 of lunar year Y open the layout that runs up to month 11 of solar year Y+1.
    let layout = LunarYear::compute(if month >= 11 { year + 1 } else { year })?;
    let index = (0..layout.months)
        .find(|&i| layout.label(i) == (month, leap_month))
        .ok_or_else(|| CalendarError::NoSuchLunarDate(describe()))?;
    let start = layout
        .starts
        .get(index)
        .copied()
        .ok_or(CalendarError::LunarComputation(year))?;
    let end = layout
        .starts
        .get(index + 1)
        .copied()
        .ok_or(CalendarError::LunarComputation(year))?;
    Ok((start, end - start))
}

fn check_lunar_year(year: i32) -> Result<(), CalendarError> {
    // Lunar year 1899 still has days in January 1900; lunar year 2100 ends in 2101.
    if (1899..=2100).contains(&year) {
        Ok(())
    } else {
        Err(CalendarError::LunarOutOfRange {
            date: format!("năm âm lịch {year}"),
        })
    }
}

fn check_solar_range(date: Date) -> Result<(), CalendarError> {
    let key = (date.year(), date.month(), date.day());
    if key < MIN_DATE || key > MAX_DATE {
        return Err(CalendarError::LunarOutOfRange {
            date: date.to_string(),
        });
    }
    Ok(())
}

/// The months from month 11 of solar year `year - 1` up to (not including) month 11 of solar
/// year `year`: 12 or 13 lunations.
#[derive(Debug, Clone, Copy)]
struct LunarYear {
    /// The solar year whose December holds the closing month 11.
    year: i32,
    /// Julian Day Numbers of the first day of each month; `starts[months]` is the next month 11.
    starts: [i64; 14],
    /// 12 or 13.
    months: usize,
    /// Index (1..=12) of the leap month, if any.
    leap: Option<usize>,
}

impl LunarYear {
    fn compute(year: i32) -> Result<Self, CalendarError> {
        let k0 = month_11_lunation(year - 1);
        let k1 = month_11_lunation(year);
        let months = usize::try_from(k1 - k0).map_err(|_| CalendarError::LunarComputation(year))?;
        if months != 12 && months != 13 {
            return Err(CalendarError::LunarComputation(year));
        }
        let mut starts = [0_i64; 14];
        for (i, slot) in starts.iter_mut().enumerate().take(months + 1) {
            *slot = new_moon_day(k0 + i as i64);
        }
        let leap = if months == 13 {
            let sectors: Vec<i32> = starts
                .iter()
                .take(14)
                .map(|&d| sun_sector_at_day_start(d))
                .collect();
            let found = (1..13).find(|&i| sectors.get(i) == sectors.get(i + 1));
            Some(found.ok_or(CalendarError::LunarComputation(year))?)
        } else {
            None
        };
        Ok(Self {
            year,
            starts,
            months,
            leap,
        })
    }

    fn first_day(&self) -> i64 {
        self.starts[0]
    }

    /// The month holding `jdn`, if it is inside this layout.
    fn month_index_of(&self, jdn: i64) -> Option<usize> {
        let bounds = self.starts.get(..=self.months)?;
        if jdn < *bounds.first()? || jdn >= *bounds.last()? {
            return None;
        }
        Some(bounds.partition_point(|&s| s <= jdn) - 1)
    }

    /// Month number and leap flag of the month at `index` (0 = month 11).
    fn label(&self, index: usize) -> (u8, bool) {
        let number = |j: usize| ((10 + j) % 12 + 1) as u8;
        match self.leap {
            Some(leap) if index == leap => (number(index - 1), true),
            Some(leap) if index > leap => (number(index - 1), false),
            _ => (number(index), false),
        }
    }
}

/// The lunation index k whose new moon starts month 11 of solar year `year`: the last new moon
/// whose local day begins before the winter solstice.
fn month_11_lunation(year: i32) -> i64 {
    let dec31 = days_from_civil(i64::from(year), 12, 31) + UNIX_EPOCH_JDN;
    let k = lunation_on_or_before(dec31);
    // 270° is sector 9: if the sun has passed it when the month starts, the solstice fell in
    // the previous month.
    if sun_sector_at_day_start(new_moon_day(k)) >= 9 {
        k - 1
    } else {
        k
    }
}

/// The largest k whose new moon falls on or before local day `jdn`.
fn lunation_on_or_before(jdn: i64) -> i64 {
    let mut k = ((jdn as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH).floor() as i64;
    while new_moon_day(k + 1) <= jdn {
        k += 1;
    }
    while new_moon_day(k) > jdn {
        k -= 1;
    }
    k
}

/// The local (UTC+7) Julian Day Number of new moon k.
fn new_moon_day(k: i64) -> i64 {
    let jde = new_moon_jde(k as f64);
    let jd_ut = jde - delta_t_days(jde);
    (jd_ut + 0.5 + TZ_DAYS).floor() as i64
}

/// The sun's 30° sector (0–11) at the local midnight that begins day `jdn`.
fn sun_sector_at_day_start(jdn: i64) -> i32 {
    let jd_ut = jdn as f64 - 0.5 - TZ_DAYS;
    let jde = jd_ut + delta_t_days(jd_ut);
    (sun_apparent_longitude(jde) / 30.0).floor() as i32
}

/// Instant (JDE, Terrestrial Time) of the true new moon with lunation number `k`,
/// Meeus chapter 49.
fn new_moon_jde(k: f64) -> f64 {
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let t4 = t3 * t;
    let mean = NEW_MOON_EPOCH + SYNODIC_MONTH * k + 0.000_154_37 * t2 - 0.000_000_150 * t3
        + 0.000_000_000_73 * t4;
    let e = 1.0 - 0.002_516 * t - 0.000_007_4 * t2;
    let m = (2.5534 + 29.105_356_70 * k - 0.000_001_4 * t2 - 0.000_000_11 * t3).to_radians();
    let mp = (201.5643 + 385.816_935_28 * k + 0.010_758_2 * t2 + 0.000_012_38 * t3
        - 0.000_000_058 * t4)
        .to_radians();
    let f = (160.7108 + 390.670_502_84 * k - 0.001_611_8 * t2 - 0.000_002_27 * t3
        + 0.000_000_011 * t4)
        .to_radians();
    let om = (124.7746 - 1.563_755_88 * k + 0.002_067_2 * t2 + 0.000_002_15 * t3).to_radians();

    let periodic = -0.407_20 * mp.sin()
        + 0.172_41 * e * m.sin()
        + 0.016_08 * (2.0 * mp).sin()
        + 0.010_39 * (2.0 * f).sin()
        + 0.007_39 * e * (mp - m).sin()
        - 0.005_14 * e * (mp + m).sin()
        + 0.002_08 * e * e * (2.0 * m).sin()
        - 0.001_11 * (mp - 2.0 * f).sin()
        - 0.000_57 * (mp + 2.0 * f).sin()
        + 0.000_56 * e * (2.0 * mp + m).sin()
        - 0.000_42 * (3.0 * mp).sin()
        + 0.000_42 * e * (m + 2.0 * f).sin()
        + 0.000_38 * e * (m - 2.0 * f).sin()
        - 0.000_24 * e * (2.0 * mp - m).sin()
        - 0.000_17 * om.sin()
        - 0.000_07 * (mp + 2.0 * m).sin()
        + 0.000_04 * (2.0 * mp - 2.0 * f).sin()
        + 0.000_04 * (3.0 * m).sin()
        + 0.000_03 * (mp + m - 2.0 * f).sin()
        + 0.000_03 * (2.0 * mp + 2.0 * f).sin()
        - 0.000_03 * (mp + m + 2.0 * f).sin()
        + 0.000_03 * (mp - m + 2.0 * f).sin()
        - 0.000_02 * (mp - m - 2.0 * f).sin()
        - 0.000_02 * (3.0 * mp + m).sin()
        + 0.000_02 * (4.0 * mp).sin();

    // Planetary arguments A1..A14 and their coefficients (Meeus table 49.B).
    const PLANETARY: [(f64, f64, f64); 14] = [
        (299.77, 0.107_408, 0.000_325),
        (251.88, 0.016_321, 0.000_165),
        (251.83, 26.651_886, 0.000_164),
        (349.42, 36.412_478, 0.000_126),
        (84.66, 18.206_239, 0.000_110),
        (141.74, 53.303_771, 0.000_062),
        (207.14, 2.453_732, 0.000_060),
        (154.84, 7.306_860, 0.000_056),
        (34.52, 27.261_239, 0.000_047),
        (207.19, 0.121_824, 0.000_042),
        (291.34, 1.844_379, 0.000_040),
        (161.72, 24.198_154, 0.000_037),
        (239.56, 25.513_099, 0.000_035),
        (331.55, 3.592_518, 0.000_023),
    ];
    let planetary: f64 = PLANETARY
        .iter()
        .enumerate()
        .map(|(i, &(a0, rate, coeff))| {
            // A1 has a T² term.
            let extra = if i == 0 { -0.009_173 * t2 } else { 0.0 };
            coeff * (a0 + rate * k + extra).to_radians().sin()
        })
        .sum();

    mean + periodic + planetary
}

/// Apparent geocentric longitude of the sun in degrees [0, 360), Meeus chapter 25
/// (accuracy about 0.01°).
fn sun_apparent_longitude(jde: f64) -> f64 {
    let t = (jde - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let l0 = 280.466_46 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let m = (357.529_11 + 35_999.050_29 * t - 0.000_153_7 * t2).to_radians();
    let c = (1.914_602 - 0.004_817 * t - 0.000_014 * t2) * m.sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * m).sin()
        + 0.000_289 * (3.0 * m).sin();
    let omega = (125.04 - 1_934.136 * t).to_radians();
    let apparent = l0 + c - 0.005_69 - 0.004_78 * omega.sin();
    apparent.rem_euclid(360.0)
}

/// ΔT = TT − UT in days, from the Espenak–Meeus polynomials (NASA, "Polynomial expressions for
/// Delta T"). ΔT is about a minute in our range; the polynomials are good to seconds.
fn delta_t_days(jd: f64) -> f64 {
    let y = 2000.0 + (jd - 2_451_545.0) / 365.25;
    let seconds = if y < 1860.0 {
        let t = y - 1800.0;
        13.72 - 0.332_447 * t + 0.006_861_2 * t.powi(2) + 0.004_111_6 * t.powi(3)
            - 0.000_374_36 * t.powi(4)
            + 0.000_012_127_2 * t.powi(5)
            - 0.000_000_169_9 * t.powi(6)
            + 0.000_000_000_875 * t.powi(7)
    } else if y < 1900.0 {
        let t = y - 1860.0;
        7.62 + 0.573_7 * t - 0.251_754 * t.powi(2) + 0.016_806_68 * t.powi(3)
            - 0.000_447_362_4 * t.powi(4)
            + t.powi(5) / 233_174.0
    } else if y < 1920.0 {
        let t = y - 1900.0;
        -2.79 + 1.494_119 * t - 0.059_893_9 * t.powi(2) + 0.006_196_6 * t.powi(3)
            - 0.000_197 * t.powi(4)
    } else if y < 1941.0 {
        let t = y - 1920.0;
        21.20 + 0.844_93 * t - 0.076_100 * t.powi(2) + 0.002_093_6 * t.powi(3)
    } else if y < 1961.0 {
        let t = y - 1950.0;
        29.07 + 0.407 * t - t.powi(2) / 233.0 + t.powi(3) / 2547.0
    } else if y < 1986.0 {
        let t = y - 1975.0;
        45.45 + 1.067 * t - t.powi(2) / 260.0 - t.powi(3) / 718.0
    } else if y < 2005.0 {
        let t = y - 2000.0;
        63.86 + 0.334_5 * t - 0.060_374 * t.powi(2)
            + 0.001_727_5 * t.powi(3)
            + 0.000_651_814 * t.powi(4)
            + 0.000_023_735_99 * t.powi(5)
    } else if y < 2050.0 {
        let t = y - 2000.0;
        62.92 + 0.322_17 * t + 0.005_589 * t.powi(2)
    } else if y < 2150.0 {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u - 0.562_8 * (2150.0 - y)
    } else {
        let u = (y - 1820.0) / 100.0;
        -20.0 + 32.0 * u * u
    };
    seconds / 86_400.0
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian (year, month, day) of a count of days since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since 1970-01-01 of a jiff date.
pub(crate) fn unix_day(date: Date) -> i64 {
    days_from_civil(
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    )
}

/// The jiff date of a count of days since 1970-01-01.
pub(crate) fn date_of_unix_day(day: i64) -> Result<Date, jiff::Error> {
    let (y, m, d) = civil_from_days(day);
    // Out-of-range years become an error from `Date::new`, never a truncation.
    let y = i16::try_from(y).unwrap_or(i16::MAX);
    Date::new(y, m as i8, d as i8)
}

fn jdn_of(date: Date) -> i64 {
    unix_day(date) + UNIX_EPOCH_JDN
}

fn date_of_jdn(jdn: i64) -> Result<Date, jiff::Error> {
    date_of_unix_day(jdn - UNIX_EPOCH_JDN)
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;

    fn lunar(year: i32, month: u8, day: u8, leap_month: bool) -> LunarDate {
        LunarDate {
            year,
            month,
            day,
            leap_month,
        }
    }

    #[test]
    fn tet_golden_dates_including_years_where_vietnam_differs_from_china() {
        for (year, expected) in [
            (1985, date(1985, 1, 21)),
            (2007, date(2007, 2, 17)),
            (2024, date(2024, 2, 10)),
            (2025, date(2025, 1, 29)),
            (2026, date(2026, 2, 17)),
            (2030, date(2030, 2, 2)),
        ] {
            assert_eq!(tet(year).unwrap(), expected, "Tết {year}");
            assert_eq!(to_lunar(expected).unwrap(), lunar(year, 1, 1, false));
        }
    }

    #[test]
    fn hung_kings_2026_is_sunday_26_april() {
        let d = from_lunar(lunar(2026, 3, 10, false)).unwrap();
        assert_eq!(d, date(2026, 4, 26));
        assert_eq!(d.weekday(), jiff::civil::Weekday::Sunday);
    }

    /// Every row of `shared/data/lunar-calendar/tet_and_hung_kings_2020_2030.csv`
    /// (lunar_year, can_chi, tet_date, hung_kings_10_3_date, leap_month).
    const REFERENCE_2020_2030: [(i32, &str, &str, &str, u8); 11] = [
        (2020, "Canh Tý", "2020-01-25", "2020-04-02", 4),
        (2021, "Tân Sửu", "2021-02-12", "2021-04-21", 0),
        (2022, "Nhâm Dần", "2022-02-01", "2022-04-10", 0),
        (2023, "Quý Mão", "2023-01-22", "2023-04-29", 2),
        (2024, "Giáp Thìn", "2024-02-10", "2024-04-18", 0),
        (2025, "Ất Tỵ", "2025-01-29", "2025-04-07", 6),
        (2026, "Bính Ngọ", "2026-02-17", "2026-04-26", 0),
        (2027, "Đinh Mùi", "2027-02-06", "2027-04-16", 0),
        (2028, "Mậu Thân", "2028-01-26", "2028-04-04", 5),
        (2029, "Kỷ Dậu", "2029-02-13", "2029-04-23", 0),
        (2030, "Canh Tuất", "2030-02-02", "2030-04-12", 0),
    ];

    #[test]
    fn reference_table_2020_2030() {
        for (year, name, tet_date, hung, leap) in REFERENCE_2020_2030 {
            assert_eq!(can_chi(year), name);
            assert_eq!(tet(year).unwrap().to_string(), tet_date, "Tết {year}");
            assert_eq!(
                from_lunar(lunar(year, 3, 10, false)).unwrap().to_string(),
                hung,
                "10/3 {year}"
            );
            assert_eq!(
                leap_month(year).unwrap(),
                (leap != 0).then_some(leap),
                "leap month {year}"
            );
        }
    }

    #[test]
    fn leap_months() {
        assert_eq!(leap_month(2020).unwrap(), Some(4));
        assert_eq!(leap_month(2023).unwrap(), Some(2));
        assert_eq!(leap_month(2025).unwrap(), Some(6));
        assert_eq!(leap_month(2028).unwrap(), Some(5));
        assert_eq!(leap_month(2033).unwrap(), Some(11));
        assert_eq!(leap_month(2024).unwrap(), None);
        assert_eq!(
            from_lunar(lunar(2025, 6, 1, true)).unwrap(),
            date(2025, 7, 25)
        );
        assert_eq!(
            to_lunar(date(2025, 7, 25)).unwrap(),
            lunar(2025, 6, 1, true)
        );
        // The regular 6th month comes first.
        assert!(from_lunar(lunar(2025, 6, 1, false)).unwrap() < date(2025, 7, 25));
        // A leap month the year does not have.
        assert!(matches!(
            from_lunar(lunar(2024, 6, 1, true)),
            Err(CalendarError::NoSuchLunarDate(_))
        ));
        // 2033's leap 11th month lies in solar 2033/2034 and belongs to lunar year 2033.
        let leap11 = from_lunar(lunar(2033, 11, 1, true)).unwrap();
        assert_eq!(to_lunar(leap11).unwrap(), lunar(2033, 11, 1, true));
        assert!(leap11 > from_lunar(lunar(2033, 11, 1, false)).unwrap());
    }

    #[test]
    fn months_of_twelve_with_29_days_have_no_30_tet() {
        // Years whose tháng Chạp has 29 days (so there is no "30 Tết"): 2022, 2025, 2026.
        for tet_year in [2022, 2025, 2026] {
            assert_eq!(
                month_length(tet_year - 1, 12, false).unwrap(),
                29,
                "Chạp before Tết {tet_year}"
            );
            assert!(from_lunar(lunar(tet_year - 1, 12, 30, false)).is_err());
        }
        assert_eq!(month_length(2023, 12, false).unwrap(), 30);
    }

    #[test]
    fn range_limits_are_errors_not_panics() {
        assert!(matches!(
            to_lunar(date(1899, 12, 31)),
            Err(CalendarError::LunarOutOfRange { .. })
        ));
        assert!(matches!(
            to_lunar(date(2101, 1, 1)),
            Err(CalendarError::LunarOutOfRange { .. })
        ));
        assert!(to_lunar(date(1900, 1, 1)).is_ok());
        assert!(to_lunar(date(2100, 12, 31)).is_ok());
        assert!(from_lunar(lunar(2200, 1, 1, false)).is_err());
        assert!(from_lunar(lunar(2024, 13, 1, false)).is_err());
        assert!(from_lunar(lunar(2024, 1, 0, false)).is_err());
        assert!(from_lunar(lunar(2024, 1, 31, false)).is_err());
    }

    /// Tết and 10/3 for every year 1901–2100, encoded as `MMDD`, from independent tables
    /// (vacanza/holidays, MIT: the Chinese table with its Vietnamese corrections applied). A
    /// second implementation of the same astronomy, so an error in ours shows up here.
    const TET_1901_2100: &str = "\
        0219 0208 0128 0216 0204 0125 0213 0202 0122 0210 \
        0130 0218 0206 0126 0214 0203 0123 0211 0201 0220 \
        0208 0128 0216 0205 0124 0213 0202 0123 0210 0130 \
        0217 0206 0126 0214 0203 0124 0211 0131 0219 0208 \
        0127 0215 0205 0125 0213 0202 0122 0210 0129 0217 \
        0206 0127 0214 0203 0124 0212 0131 0218 0208 0128 \
        0215 0205 0125 0213 0201 0121 0209 0129 0216 0206 \
        0127 0215 0203 0123 0211 0131 0218 0207 0128 0216 \
        0205 0125 0213 0202 0121 0209 0129 0217 0206 0127 \
        0215 0204 0123 0210 0131 0219 0207 0128 0216 0205 \
        0124 0212 0201 0122 0209 0129 0217 0207 0126 0214 \
        0203 0123 0210 0131 0219 0208 0128 0216 0205 0125 \
        0212 0201 0122 0210 0129 0217 0206 0126 0213 0202 \
        0123 0211 0131 0219 0208 0128 0215 0204 0124 0212 \
        0201 0122 0210 0130 0217 0206 0126 0214 0202 0123 \
        0211 0201 0218 0208 0128 0215 0204 0124 0212 0202 \
        0121 0209 0129 0217 0205 0126 0214 0203 0123 0211 \
        0131 0219 0207 0127 0215 0205 0124 0212 0202 0122 \
        0209 0129 0217 0206 0126 0214 0203 0124 0210 0130 \
        0218 0207 0127 0215 0205 0125 0212 0201 0121 0209";

    const HUNG_KINGS_1901_2100: &str = "\
        0428 0417 0407 0425 0414 0403 0422 0410 0429 0419 \
        0408 0426 0416 0405 0423 0411 0401 0420 0410 0428 \
        0417 0406 0425 0413 0402 0421 0411 0429 0419 0408 \
        0427 0415 0404 0423 0412 0401 0420 0410 0428 0417 \
        0406 0424 0414 0402 0421 0411 0430 0418 0407 0426 \
        0415 0404 0423 0412 0402 0420 0409 0428 0417 0405 \
        0424 0414 0403 0421 0411 0331 0419 0407 0426 0415 \
        0405 0423 0412 0402 0420 0409 0427 0416 0406 0424 \
        0414 0403 0422 0410 0429 0418 0407 0425 0415 0405 \
        0424 0412 0401 0420 0409 0427 0416 0406 0425 0414 \
        0403 0422 0411 0428 0418 0407 0426 0415 0404 0423 \
        0412 0331 0419 0409 0428 0416 0406 0425 0414 0402 \
        0421 0410 0429 0418 0407 0426 0416 0404 0423 0412 \
        0401 0419 0409 0428 0417 0406 0424 0413 0403 0420 \
        0410 0429 0419 0407 0426 0415 0404 0422 0411 0401 \
        0420 0409 0428 0417 0406 0424 0413 0402 0421 0410 \
        0331 0419 0408 0426 0415 0404 0423 0411 0401 0420 \
        0409 0427 0416 0405 0424 0413 0402 0421 0411 0330 \
        0418 0407 0426 0414 0403 0422 0412 0401 0420 0409 \
        0428 0416 0405 0424 0413 0402 0421 0411 0429 0418";

    fn decode(table: &str) -> Vec<(i8, i8)> {
        table
            .split_whitespace()
            .map(|s| (s[..2].parse().unwrap(), s[2..].parse().unwrap()))
            .collect()
    }

    #[test]
    fn every_tet_and_hung_kings_1901_to_2100_matches_the_independent_table() {
        let tets = decode(TET_1901_2100);
        let hung = decode(HUNG_KINGS_1901_2100);
        assert_eq!(tets.len(), 200);
        assert_eq!(hung.len(), 200);
        let mut mismatches = Vec::new();
        for (i, year) in (1901..=2100).enumerate() {
            let (m, d) = tets[i];
            let expected = date(year as i16, m, d);
            let got = tet(year).unwrap();
            if got != expected {
                mismatches.push(format!("Tết {year}: got {got}, table {expected}"));
            }
            let (m, d) = hung[i];
            let expected = date(year as i16, m, d);
            let got = from_lunar(lunar(year, 3, 10, false)).unwrap();
            if got != expected {
                mismatches.push(format!("10/3 {year}: got {got}, table {expected}"));
            }
        }
        assert!(mismatches.is_empty(), "{mismatches:#?}");
    }

    #[test]
    fn every_year_has_12_or_13_months_and_every_month_29_or_30_days() {
        for year in 1900..=2100 {
            let mut months = 0;
            for month in 1..=12u8 {
                for leap in [false, true] {
                    match month_length(year, month, leap) {
                        Ok(len) => {
                            assert!(len == 29 || len == 30, "{year}/{month} leap={leap}: {len}");
                            months += 1;
                        }
                        Err(CalendarError::NoSuchLunarDate(_)) if leap => {}
                        Err(e) => panic!("{year}/{month} leap={leap}: {e}"),
                    }
                }
            }
            assert!(months == 12 || months == 13, "{year}: {months} months");
            assert_eq!(months == 13, leap_month(year).unwrap().is_some(), "{year}");
        }
    }

    #[test]
    fn civil_day_helpers_agree_with_jiff() {
        for d in [
            date(1900, 1, 1),
            date(1970, 1, 1),
            date(2000, 2, 29),
            date(2026, 12, 31),
            date(2100, 3, 1),
        ] {
            let n = unix_day(d);
            assert_eq!(date_of_unix_day(n).unwrap(), d);
            assert_eq!(
                n,
                i64::from(
                    d.since((jiff::Unit::Day, date(1970, 1, 1)))
                        .unwrap()
                        .get_days()
                )
            );
        }
    }

    proptest! {
        #[test]
        fn solar_lunar_round_trip(offset in 0i64..73_414) {
            // 1900-01-01 + [0, 73414) days covers 1900-01-01..=2100-12-31.
            let day = date_of_unix_day(unix_day(date(1900, 1, 1)) + offset).unwrap();
            let l = to_lunar(day).unwrap();
            prop_assert_eq!(from_lunar(l).unwrap(), day);
            let len = month_length(l.year, l.month, l.leap_month).unwrap();
            prop_assert!(len == 29 || len == 30);
            prop_assert!(l.day >= 1 && l.day <= len);
        }

        #[test]
        fn lunar_solar_round_trip(year in 1900i32..=2099, month in 1u8..=12, day in 1u8..=30, leap: bool) {
            let l = lunar(year, month, day, leap);
            if let Ok(solar) = from_lunar(l) {
                prop_assert_eq!(to_lunar(solar).unwrap(), l);
            } else {
                // Only non-existent dates may fail: day 30 of a short month or a missing leap month.
                let len = month_length(year, month, leap);
                prop_assert!(len.is_err() || day == 30 && len.unwrap() == 29);
            }
        }
    }
}
