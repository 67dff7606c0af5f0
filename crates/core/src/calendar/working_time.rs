//! Working-time arithmetic over a compiled calendar.
//!
//! # The counting rule ([`WorkCalendar::due`])
//!
//! * **Working days / working hours.** A limit of N working days is N × the working-day length
//!   ([`OfficeHours::working_day_minutes`], 480 minutes by default) of *working time*, counted
//!   along office hours from the receipt instant, or from the next opening when the receipt is
//!   outside office hours (DOMAIN.md §7: `receipt_time = max(submitted_at, next_office_open)`).
//!   The due instant is the moment the last working second is used up, so a count that ends
//!   exactly at a closing time is due **at that closing time** (17:00), not at the next opening.
//!   Working hours count 60 minutes each the same way. Fractions are allowed (0.5 day = 240
//!   minutes).
//! * **Calendar days.** Due = start + N × 24 h, where start is the same effective receipt instant.
//!   If that instant falls on a day without office hours (weekend, holiday, compensatory or
//!   swapped day), the limit ends at the **closing time of the next working day** — the Civil
//!   Code 2015 Art. 148.5 rule for a period whose last day is a day off. The move is recorded in
//!   [`Explanation::adjustment`]. An instant on a working day is kept as is, even outside hours.
//! * **Months.** Same day of the month N months later at the same time of day, clamped to the
//!   month's last day (31/1 + 1 month = 28/2), then the same day-off rule. Only whole months.
//!
//! Amounts must be finite, non-negative and at most [`MAX_AMOUNT`] (10,000) units.
//!
//! # Resolution and range
//!
//! Instants are handled to the second. A receipt with a fractional second is rounded **up** to
//! the next whole second, so a deadline is never earlier than the exact computation would give.
//! An instant outside the compiled years is an error ([`CalendarError::OutOfRange`]), never a
//! panic.
//!
//! # How it is fast
//!
//! Compilation builds, for each day of the range, the index of its opening intervals and a
//! prefix sum of working seconds before it. Working time before an instant is then one table
//! read plus at most a few intervals; finding a due instant is a galloping search on the prefix
//! sums from the receipt day. No loop runs per minute or per day on the hot path (the
//! explanation walks the days between receipt and due once, reading one word per day).

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::explain::{PlainLabels, dmy};
use super::lunar::{civil_from_days, date_of_unix_day, days_from_civil, unix_day};
use super::office_hours::slot_of;
use super::year::weekday_vi;
use super::{
    CalendarEntry, CalendarError, DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR, DayNote, DayNoteKind,
    DueAdjustment, Explanation, OfficeHours, VN_OFFSET_SECONDS, YearCalendar, default_year,
    official_years,
};
use crate::catalog::{ProcessingTime, TimeUnit};

pub use crate::catalog::limits::MAX_AMOUNT;

const DAY: i64 = 86_400;
const NO_NOTE: u32 = u32::MAX;
/// Most years one calendar may span.
const MAX_SPAN_YEARS: i32 = 400;

/// An amount of working time (second resolution).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct WorkingDuration {
    seconds: i64,
}

impl WorkingDuration {
    /// No time.
    pub const ZERO: Self = Self { seconds: 0 };

    /// From seconds.
    pub const fn from_seconds(seconds: i64) -> Self {
        Self { seconds }
    }

    /// From minutes.
    pub const fn from_minutes(minutes: i64) -> Self {
        Self {
            seconds: minutes * 60,
        }
    }

    /// Whole seconds.
    pub const fn as_seconds(self) -> i64 {
        self.seconds
    }

    /// Whole minutes, rounded toward zero.
    pub const fn as_minutes(self) -> i64 {
        self.seconds / 60
    }

    /// Hours as a fraction.
    pub fn as_hours_f64(self) -> f64 {
        self.seconds as f64 / 3600.0
    }
}

/// A computed deadline with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Due {
    /// The receipt instant as given.
    pub received: Timestamp,
    /// Where counting began: the receipt, or the next opening when received outside office hours.
    pub start: Timestamp,
    /// The due instant (ngày hẹn trả).
    pub at: Timestamp,
    /// The limit's amount.
    pub amount: f64,
    /// The limit's unit.
    pub unit: TimeUnit,
    /// Skipped days, counted make-up Saturdays and any rule-based move, for the applicant.
    pub explanation: Explanation,
}

/// What one day of the range looks like in the tables.
#[derive(Debug, Clone, Copy)]
struct DayRec {
    /// Index into `schedules`; 0 is "closed".
    schedule: u32,
    /// Index into `notes`, or [`NO_NOTE`].
    note: u32,
}

/// A compiled working calendar: years of days off + per-agency overrides + office hours, as
/// per-day tables. Build one per agency (or share one between agencies with the same data) with
/// [`WorkCalendar::compile`] and keep it: it is immutable, `Send + Sync`, and every query is a
/// few table reads.
#[derive(Clone)]
pub struct WorkCalendar {
    first_year: i32,
    last_year: i32,
    /// Local-time second (unix seconds + 7 h) of the first day's midnight.
    epoch_second: i64,
    /// Unix day of the first day.
    epoch_day: i64,
    days: Vec<DayRec>,
    /// `cum[i]` = working seconds before day i; `cum[days.len()]` = total.
    cum: Vec<i64>,
    /// Opening intervals as (start, end) seconds of the day; index 0 is empty.
    schedules: Vec<Vec<(i64, i64)>>,
    notes: Vec<DayNote>,
    day_seconds: i64,
    years: Vec<YearCalendar>,
    overrides: Vec<CalendarEntry>,
}

impl WorkCalendar {
    /// Compiles a calendar for `first_year..=last_year`.
    ///
    /// * `years`: the base data (e.g. [`official_years`] plus years an administrator imported).
    ///   A year present here is used as is (if it appears twice, the later one wins); every
    ///   other year of the range gets [`default_year`]. Years outside the range are ignored.
    /// * `overrides`: one agency's own entries (an extra day off, or a day it works although the
    ///   national calendar has it off). An override replaces whatever the base says for its
    ///   date; it must lie inside the range. Overrides are not held to the national file's
    ///   weekday rules: a `make_up_workday` on a holiday means the agency works that day.
    /// * `hours`: the agency's office hours.
    pub fn compile(
        years: &[YearCalendar],
        overrides: &[CalendarEntry],
        hours: &OfficeHours,
        first_year: i32,
        last_year: i32,
    ) -> Result<Self, CalendarError> {
        if first_year > last_year
            || last_year - first_year >= MAX_SPAN_YEARS
            || first_year < -9000
            || last_year > 9000
        {
            return Err(CalendarError::BadYearRange {
                first: first_year,
                last: last_year,
            });
        }
        let compiled = hours.compile()?;

        let mut base: BTreeMap<i32, &YearCalendar> = BTreeMap::new();
        for y in years {
            base.insert(i32::from(y.year), y);
        }
        let mut resolved = Vec::new();
        for year in first_year..=last_year {
            match base.get(&year) {
                Some(y) => {
                    // Data from the store may come unsorted; lookups binary-search it.
                    let mut y = (*y).clone();
                    y.entries.sort_by_key(|e| e.date);
                    resolved.push(y);
                }
                None => resolved.push(default_year(year)?),
            }
        }

        let epoch_day = days_from_civil(i64::from(first_year), 1, 1);
        let end_day = days_from_civil(i64::from(last_year) + 1, 1, 1);
        let n = usize::try_from(end_day - epoch_day).map_err(|_| CalendarError::BadYearRange {
            first: first_year,
            last: last_year,
        })?;

        // The entry that decides each day: base data, then overrides on top.
        let mut entry_of: Vec<Option<&CalendarEntry>> = vec![None; n];
        for entry in resolved.iter().flat_map(|y| &y.entries) {
            let idx = unix_day(entry.date) - epoch_day;
            if let Some(slot) = usize::try_from(idx).ok().and_then(|i| entry_of.get_mut(i)) {
                *slot = Some(entry);
            }
        }
        let mut sorted_overrides = overrides.to_vec();
        sorted_overrides.sort_by_key(|e| e.date);
        for pair in sorted_overrides.windows(2) {
            if let [a, b] = pair
                && a.date == b.date
            {
                return Err(CalendarError::BadOverride {
                    date: a.date,
                    problem: "ngày bị lặp".to_owned(),
                });
            }
        }
        for entry in &sorted_overrides {
            let idx = unix_day(entry.date) - epoch_day;
            let slot = usize::try_from(idx)
                .ok()
                .and_then(|i| entry_of.get_mut(i))
                .ok_or_else(|| CalendarError::BadOverride {
                    date: entry.date,
                    problem: format!("nằm ngoài phạm vi lịch {first_year}–{last_year}"),
                })?;
            *slot = Some(entry);
        }

        // Distinct day schedules, interned; (period, weekday) -> schedule id.
        let mut schedules: Vec<Vec<(i64, i64)>> = vec![Vec::new()];
        let mut id_of: Vec<[u32; 7]> = Vec::with_capacity(compiled.week.len());
        for week in &compiled.week {
            let mut ids = [0_u32; 7];
            for (w, intervals) in week.iter().enumerate() {
                let intervals: Vec<(i64, i64)> = intervals
                    .iter()
                    .map(|&(s, e)| (i64::from(s), i64::from(e)))
                    .collect();
                if intervals.is_empty() {
                    continue;
                }
                let id = match schedules.iter().position(|s| *s == intervals) {
                    Some(id) => id,
                    None => {
                        schedules.push(intervals);
                        schedules.len() - 1
                    }
                };
                if let Some(slot) = ids.get_mut(w) {
                    *slot = u32::try_from(id).unwrap_or(0);
                }
            }
            id_of.push(ids);
        }
        let totals: Vec<i64> = schedules
            .iter()
            .map(|s| s.iter().map(|(a, b)| b - a).sum())
            .collect();

        let labels = PlainLabels::default();
        let mut days = Vec::with_capacity(n);
        let mut cum = Vec::with_capacity(n + 1);
        let mut notes = Vec::new();
        let mut total = 0_i64;
        cum.push(0);
        for (i, entry) in entry_of.iter().enumerate() {
            let unix = epoch_day + i as i64;
            let (_, m, d) = civil_from_days(unix);
            let weekday = usize::try_from((unix + 3).rem_euclid(7)).unwrap_or(0);
            let period = compiled
                .period_of_slot
                .get(slot_of(m as i8, d as i8))
                .copied()
                .unwrap_or(0);
            let ids = id_of.get(period).copied().unwrap_or([0; 7]);
            let pick = |w: usize| ids.get(w).copied().unwrap_or(0);
            let schedule = match entry {
                Some(e) if e.kind.is_day_off() => 0,
                Some(_) => pick(compiled.make_up),
                None => pick(weekday),
            };
            let date = date_of_unix_day(unix).map_err(|_| CalendarError::BadYearRange {
                first: first_year,
                last: last_year,
            })?;
            let note = match entry {
                Some(e) => Some(DayNote::for_entry(e)),
                None if schedule == 0 => Some(DayNote::for_plain_day(date, &labels)),
                None => None,
            };
            let note = match note {
                Some(n) => {
                    notes.push(n);
                    u32::try_from(notes.len() - 1).unwrap_or(NO_NOTE)
                }
                None => NO_NOTE,
            };
            days.push(DayRec { schedule, note });
            total += totals.get(schedule as usize).copied().unwrap_or(0);
            cum.push(total);
        }

        Ok(Self {
            first_year,
            last_year,
            epoch_second: epoch_day * DAY,
            epoch_day,
            days,
            cum,
            schedules,
            notes,
            day_seconds: compiled.day_seconds,
            years: resolved,
            overrides: sorted_overrides,
        })
    }

    /// The national public-sector calendar with standard office hours: the shipped official
    /// years, statutory defaults for all other years of 2000–2100, no overrides.
    pub fn standard() -> Result<Self, CalendarError> {
        let years = official_years().map_err(CalendarError::ShippedFile)?;
        Self::compile(
            &years,
            &[],
            &OfficeHours::default(),
            DEFAULT_FIRST_YEAR,
            DEFAULT_LAST_YEAR,
        )
    }

    /// First year covered.
    pub fn first_year(&self) -> i32 {
        self.first_year
    }

    /// Last year covered.
    pub fn last_year(&self) -> i32 {
        self.last_year
    }

    /// The working time one "working day" of a limit stands for (480 minutes by default).
    pub fn working_day(&self) -> WorkingDuration {
        WorkingDuration::from_seconds(self.day_seconds)
    }

    /// The year's calendar as compiled (official or default), before agency overrides.
    pub fn year(&self, year: i32) -> Option<&YearCalendar> {
        let offset = usize::try_from(year - self.first_year).ok()?;
        self.years.get(offset)
    }

    /// This agency's overrides, sorted by date.
    pub fn overrides(&self) -> &[CalendarEntry] {
        &self.overrides
    }

    /// The entry that decides a date, override first.
    pub fn entry(&self, date: Date) -> Option<&CalendarEntry> {
        if let Ok(i) = self.overrides.binary_search_by_key(&date, |e| e.date) {
            return self.overrides.get(i);
        }
        self.year(i32::from(date.year()))?.entry(date)
    }

    /// Working time the office is open on a date (0 on days off).
    pub fn working_time_on(&self, date: Date) -> Result<WorkingDuration, CalendarError> {
        let d = self.day_index_of_date(date)?;
        Ok(WorkingDuration::from_seconds(
            self.cum_at(d + 1)? - self.cum_at(d)?,
        ))
    }

    /// Whether a date has any office hours.
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        Ok(self.working_time_on(date)? > WorkingDuration::ZERO)
    }

    /// The explanation note of a date (why it is off, or that it is a make-up day).
    pub fn day_note(&self, date: Date) -> Result<Option<DayNote>, CalendarError> {
        let d = self.day_index_of_date(date)?;
        Ok(self.note_of(d).cloned())
    }

    /// Whether the office is open at `t` (opening inclusive, closing exclusive).
    pub fn is_working(&self, t: Timestamp) -> Result<bool, CalendarError> {
        let rel = self.rel_of(t)?;
        let (d, sod) = split(rel);
        Ok(self.intervals(d)?.iter().any(|&(s, e)| s <= sod && sod < e))
    }

    /// The first instant at or after `t` when the office is open (`t` itself when open).
    pub fn next_opening(&self, t: Timestamp) -> Result<Timestamp, CalendarError> {
        let rel = self.rel_of(t)?;
        self.ts_of(self.next_open_rel(rel)?)
    }

    /// Working time between two instants; negative when `to` is before `from`.
    pub fn elapsed(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<WorkingDuration, CalendarError> {
        let a = self.worked_before(self.rel_of(from)?)?;
        let b = self.worked_before(self.rel_of(to)?)?;
        Ok(WorkingDuration::from_seconds(b - a))
    }

    /// The instant at which `amount` of working time, counted from `start`, is used up (`start`
    /// itself, moved to the next opening, for zero). The primitive the dossier clocks build on.
    pub fn add_working_time(
        &self,
        start: Timestamp,
        amount: WorkingDuration,
    ) -> Result<Timestamp, CalendarError> {
        let rel = self.rel_of(start)?;
        self.ts_of(self.advance(rel, amount.as_seconds().max(0))?)
    }

    /// The due instant of a limit received at `received`, with its explanation. See the module
    /// documentation for the rule of each unit.
    pub fn due(
        &self,
        received: Timestamp,
        amount: f64,
        unit: TimeUnit,
    ) -> Result<Due, CalendarError> {
        let computed = self.compute(received, amount, unit)?;
        let mut explanation = self.explain_rel(computed.received, computed.start, computed.at)?;
        explanation.adjustment = computed
            .adjusted_from
            .map(|from| self.adjustment(from, computed.at))
            .transpose()?;
        Ok(Due {
            received,
            start: self.ts_of(computed.start)?,
            at: self.ts_of(computed.at)?,
            amount,
            unit,
            explanation,
        })
    }

    /// [`Self::due`] for a catalog processing time.
    pub fn due_for(
        &self,
        received: Timestamp,
        limit: ProcessingTime,
    ) -> Result<Due, CalendarError> {
        self.due(received, limit.amount, limit.unit)
    }

    /// Only the due instant of [`Self::due`], without building the explanation: for bulk work
    /// (recomputing every open dossier, sorting by deadline).
    pub fn due_instant(
        &self,
        received: Timestamp,
        amount: f64,
        unit: TimeUnit,
    ) -> Result<Timestamp, CalendarError> {
        let computed = self.compute(received, amount, unit)?;
        self.ts_of(computed.at)
    }

    /// The explanation of the days between two instants, as [`Due`] carries it: non-working days
    /// from `from`'s day to `to`'s day, and make-up days with working time in that span.
    pub fn explain(&self, from: Timestamp, to: Timestamp) -> Result<Explanation, CalendarError> {
        let a = self.rel_of(from)?;
        let b = self.rel_of(to)?.max(a);
        let start = self.next_open_rel(a).unwrap_or(a);
        self.explain_rel(a, start, b)
    }

    /// The due instant before the day-off rule of calendar-day and month limits (equal to the
    /// due for working-time limits). The clocks extend this raw instant by pauses.
    pub(crate) fn raw_due(
        &self,
        received: Timestamp,
        amount: f64,
        unit: TimeUnit,
    ) -> Result<Timestamp, CalendarError> {
        let computed = self.compute(received, amount, unit)?;
        self.ts_of(computed.adjusted_from.unwrap_or(computed.at))
    }

    /// `t` if its day has office hours, else the closing time of the next working day: the
    /// day-off rule of calendar-day limits, for the clocks' extensions.
    pub(crate) fn settle_on_working_day(&self, t: Timestamp) -> Result<Timestamp, CalendarError> {
        let rel = self.rel_of(t)?;
        let computed = self.calendar_limit(rel, rel, rel)?;
        self.ts_of(computed.at)
    }

    // ---- internals -------------------------------------------------------------------------

    fn compute(
        &self,
        received: Timestamp,
        amount: f64,
        unit: TimeUnit,
    ) -> Result<Computed, CalendarError> {
        check_amount(amount, unit)?;
        let rel = self.rel_of(received)?;
        let start = self.next_open_rel(rel)?;
        match unit {
            TimeUnit::WorkingDays | TimeUnit::WorkingHours => {
                let per_unit = if unit == TimeUnit::WorkingDays {
                    self.day_seconds
                } else {
                    3600
                };
                let seconds = (amount * per_unit as f64).round() as i64;
                let at = self.advance(start, seconds)?;
                Ok(Computed {
                    received: rel,
                    start,
                    at,
                    adjusted_from: None,
                })
            }
            TimeUnit::CalendarDays => {
                let tentative = start + (amount * DAY as f64).round() as i64;
                self.calendar_limit(rel, start, tentative)
            }
            TimeUnit::Months => {
                let (d, sod) = split(start);
                let (y, m, day) = civil_from_days(self.epoch_day + d as i64);
                let months = m - 1 + amount as i64;
                let (ny, nm) = (y + months.div_euclid(12), months.rem_euclid(12) + 1);
                let last = days_from_civil(
                    ny + i64::from(nm == 12),
                    if nm == 12 { 1 } else { nm + 1 },
                    1,
                ) - days_from_civil(ny, nm, 1);
                let target_day = days_from_civil(ny, nm, day.min(last)) - self.epoch_day;
                self.calendar_limit(rel, start, target_day * DAY + sod)
            }
        }
    }

    /// Applies the day-off rule to a calendar-day or month limit ending at `tentative`.
    fn calendar_limit(
        &self,
        received: i64,
        start: i64,
        tentative: i64,
    ) -> Result<Computed, CalendarError> {
        let (d, _) = split(tentative);
        if tentative >= self.end() {
            return Err(self.out_of_range_rel(tentative));
        }
        if self.day_total(d)? > 0 {
            return Ok(Computed {
                received,
                start,
                at: tentative,
                adjusted_from: None,
            });
        }
        let next = self.next_working_day_after(d)?;
        let close = self.intervals(next)?.last().map_or(0, |&(_, e)| e);
        Ok(Computed {
            received,
            start,
            at: next as i64 * DAY + close,
            adjusted_from: Some(tentative),
        })
    }

    fn adjustment(&self, from: i64, at: i64) -> Result<DueAdjustment, CalendarError> {
        let (fd, _) = split(from);
        let (ad, asod) = split(at);
        let from_date = self.date_of(fd)?;
        let at_date = self.date_of(ad)?;
        Ok(DueAdjustment {
            from: self.ts_of(from)?,
            label: format!(
                "Ngày cuối của thời hạn ({} {}) là ngày nghỉ: thời hạn kết thúc lúc {:02}:{:02} {} {}, \
                 cuối giờ làm việc của ngày làm việc tiếp theo (Bộ luật Dân sự 2015, Điều 148 khoản 5)",
                weekday_vi(from_date.weekday()),
                dmy(from_date),
                asod / 3600,
                asod % 3600 / 60,
                weekday_vi(at_date.weekday()),
                dmy(at_date),
            ),
        })
    }

    fn explain_rel(
        &self,
        received: i64,
        start: i64,
        at: i64,
    ) -> Result<Explanation, CalendarError> {
        let (d0, _) = split(received);
        let (ds, _) = split(start);
        let (d1, _) = split(at);
        let range = self
            .days
            .get(d0..=d1.max(d0))
            .ok_or_else(|| self.out_of_range_rel(at))?;
        let (mut n_skipped, mut n_made_up) = (0, 0);
        for (i, rec) in range.iter().enumerate() {
            if rec.note != NO_NOTE {
                if rec.schedule == 0 {
                    n_skipped += 1;
                } else if d0 + i >= ds {
                    n_made_up += 1;
                }
            }
        }
        let mut explanation = Explanation {
            start_deferred: start != received,
            skipped: Vec::with_capacity(n_skipped),
            make_up_days: Vec::with_capacity(n_made_up),
            adjustment: None,
        };
        if n_skipped + n_made_up == 0 {
            return Ok(explanation);
        }
        for (i, rec) in range.iter().enumerate() {
            let Some(note) = self.notes.get(rec.note as usize) else {
                continue;
            };
            if rec.schedule == 0 {
                explanation.skipped.push(note.clone());
            } else if d0 + i >= ds && note.kind == DayNoteKind::MakeUpWorkday {
                explanation.make_up_days.push(note.clone());
            }
        }
        Ok(explanation)
    }

    /// Local seconds since the first day's midnight; the instant is rounded up to the second.
    #[inline]
    fn rel_of(&self, t: Timestamp) -> Result<i64, CalendarError> {
        let second = t.as_second() + i64::from(t.subsec_nanosecond() > 0);
        let rel = second + VN_OFFSET_SECONDS - self.epoch_second;
        if rel < 0 || rel >= self.end() {
            return Err(self.out_of_range(t.to_string()));
        }
        Ok(rel)
    }

    #[inline]
    fn ts_of(&self, rel: i64) -> Result<Timestamp, CalendarError> {
        Timestamp::from_second(rel + self.epoch_second - VN_OFFSET_SECONDS)
            .map_err(|_| self.out_of_range_rel(rel))
    }

    #[inline]
    fn end(&self) -> i64 {
        self.days.len() as i64 * DAY
    }

    fn date_of(&self, d: usize) -> Result<Date, CalendarError> {
        date_of_unix_day(self.epoch_day + d as i64)
            .map_err(|_| self.out_of_range_rel(d as i64 * DAY))
    }

    fn day_index_of_date(&self, date: Date) -> Result<usize, CalendarError> {
        usize::try_from(unix_day(date) - self.epoch_day)
            .ok()
            .filter(|&d| d < self.days.len())
            .ok_or_else(|| self.out_of_range(date.to_string()))
    }

    #[inline]
    fn intervals(&self, d: usize) -> Result<&[(i64, i64)], CalendarError> {
        let rec = self
            .days
            .get(d)
            .ok_or_else(|| self.out_of_range_rel(d as i64 * DAY))?;
        Ok(self
            .schedules
            .get(rec.schedule as usize)
            .map_or(&[], Vec::as_slice))
    }

    #[inline]
    fn cum_at(&self, d: usize) -> Result<i64, CalendarError> {
        self.cum
            .get(d)
            .copied()
            .ok_or_else(|| self.out_of_range_rel(d as i64 * DAY))
    }

    fn day_total(&self, d: usize) -> Result<i64, CalendarError> {
        Ok(self.cum_at(d + 1)? - self.cum_at(d)?)
    }

    fn note_of(&self, d: usize) -> Option<&DayNote> {
        self.days
            .get(d)
            .and_then(|rec| self.notes.get(rec.note as usize))
    }

    /// Working seconds from the start of the range to `rel`.
    #[inline]
    fn worked_before(&self, rel: i64) -> Result<i64, CalendarError> {
        let (d, sod) = split(rel);
        let mut acc = self.cum_at(d)?;
        for &(s, e) in self.intervals(d)? {
            if sod <= s {
                break;
            }
            acc += sod.min(e) - s;
        }
        Ok(acc)
    }

    /// The first open instant at or after `rel`.
    fn next_open_rel(&self, rel: i64) -> Result<i64, CalendarError> {
        let (d, sod) = split(rel);
        if let Some(&(s, _)) = self.intervals(d)?.iter().find(|&&(_, e)| sod < e) {
            return Ok(d as i64 * DAY + s.max(sod));
        }
        let next = self.next_working_day_after(d)?;
        let open = self.intervals(next)?.first().map_or(0, |&(s, _)| s);
        Ok(next as i64 * DAY + open)
    }

    /// The first day after `d` with working time.
    fn next_working_day_after(&self, d: usize) -> Result<usize, CalendarError> {
        let base = self.cum_at(d + 1)?;
        // First index k > d + 1 with cum[k] > base: day k - 1 is the next working day.
        let tail = self
            .cum
            .get(d + 1..)
            .ok_or_else(|| self.out_of_range_rel(d as i64 * DAY))?;
        let k = d + 1 + tail.partition_point(|&c| c <= base);
        if k >= self.cum.len() {
            return Err(self.out_of_range_rel(self.end()));
        }
        Ok(k - 1)
    }

    /// The instant at which `seconds` of working time after `rel` are used up.
    #[inline]
    fn advance(&self, rel: i64, seconds: i64) -> Result<i64, CalendarError> {
        if seconds <= 0 {
            return self.next_open_rel(rel);
        }
        let (d, _) = split(rel);
        let target = self.worked_before(rel)? + seconds;
        let n = self.days.len();
        if self.cum_at(n)? < target {
            return Err(self.out_of_range_rel(self.end()));
        }
        // Galloping search for the first j > d with cum[j] >= target.
        let mut lo = d + 1;
        let mut hi = lo;
        let mut step = 1;
        while self.cum_at(hi)? < target {
            lo = hi + 1;
            hi = (hi + step).min(n);
            step *= 2;
        }
        let window = self
            .cum
            .get(lo..=hi)
            .ok_or_else(|| self.out_of_range_rel(self.end()))?;
        let day = lo + window.partition_point(|&c| c < target) - 1;
        let mut rest = target - self.cum_at(day)?;
        for &(s, e) in self.intervals(day)? {
            if rest <= e - s {
                return Ok(day as i64 * DAY + s + rest);
            }
            rest -= e - s;
        }
        Err(self.out_of_range_rel(day as i64 * DAY))
    }

    fn out_of_range(&self, what: String) -> CalendarError {
        CalendarError::OutOfRange {
            what,
            first: self.first_year,
            last: self.last_year,
        }
    }

    fn out_of_range_rel(&self, rel: i64) -> CalendarError {
        let what = Timestamp::from_second(rel + self.epoch_second - VN_OFFSET_SECONDS)
            .map_or_else(|_| "ngoài phạm vi".to_owned(), |t| t.to_string());
        self.out_of_range(what)
    }
}

impl std::fmt::Debug for WorkCalendar {
    /// A summary: the per-day tables would flood any log they were printed to.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkCalendar")
            .field("first_year", &self.first_year)
            .field("last_year", &self.last_year)
            .field("days", &self.days.len())
            .field("working_day_seconds", &self.day_seconds)
            .field("overrides", &self.overrides.len())
            .finish_non_exhaustive()
    }
}

/// A due computation in table coordinates.
#[derive(Debug, Clone, Copy)]
struct Computed {
    received: i64,
    start: i64,
    at: i64,
    adjusted_from: Option<i64>,
}

/// (day index, second of day) of a non-negative relative second.
#[inline]
fn split(rel: i64) -> (usize, i64) {
    (
        usize::try_from(rel.div_euclid(DAY)).unwrap_or(usize::MAX),
        rel.rem_euclid(DAY),
    )
}

fn check_amount(amount: f64, unit: TimeUnit) -> Result<(), CalendarError> {
    let reason = if amount.is_nan() {
        "không phải là số"
    } else if amount < 0.0 {
        "không được âm"
    } else if amount > MAX_AMOUNT {
        "vượt quá 10000 đơn vị"
    } else if unit == TimeUnit::Months && amount.fract() != 0.0 {
        "số tháng phải là số nguyên"
    } else {
        return Ok(());
    };
    Err(CalendarError::InvalidAmount { amount, reason })
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use jiff::civil::date;
    use jiff::tz::{TimeZone, offset};
    use proptest::prelude::*;

    use super::*;
    use crate::calendar::{
        DayKind, EntryStatus, Interval, MonthDay, SeasonalPeriod, WeeklySchedule,
    };

    static CAL: LazyLock<WorkCalendar> = LazyLock::new(|| WorkCalendar::standard().unwrap());

    /// A Vietnam local time, "2026-02-13 09:00".
    fn t(s: &str) -> Timestamp {
        format!("{}:00+07:00", s.replace(' ', "T")).parse().unwrap()
    }

    fn local(ts: Timestamp) -> String {
        ts.to_zoned(TimeZone::fixed(offset(7)))
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }

    fn due_at(received: &str, amount: f64, unit: TimeUnit) -> String {
        local(CAL.due(t(received), amount, unit).unwrap().at)
    }

    fn skipped(due: &Due) -> Vec<(String, DayNoteKind)> {
        due.explanation
            .skipped
            .iter()
            .map(|n| (n.date.to_string(), n.kind))
            .collect()
    }

    use TimeUnit::{CalendarDays, Months, WorkingDays, WorkingHours};

    #[test]
    fn across_tet_2026() {
        // Friday before Tết: 150 + 240 minutes on Friday, the rest after the break.
        let due = CAL.due(t("2026-02-13 09:00"), 1.0, WorkingDays).unwrap();
        assert_eq!(local(due.at), "2026-02-23 09:00");
        let kinds = skipped(&due);
        assert_eq!(kinds.len(), 9);
        assert_eq!(
            kinds[0],
            ("2026-02-14".to_owned(), DayNoteKind::WeekendInBreak)
        );
        assert_eq!(kinds[2], ("2026-02-16".to_owned(), DayNoteKind::Holiday));
        assert_eq!(
            kinds[8],
            ("2026-02-22".to_owned(), DayNoteKind::WeekendInBreak)
        );
        assert_eq!(
            due.explanation.skipped[2].label(),
            "Nghỉ Tết Nguyên đán Bính Ngọ"
        );
        assert_eq!(
            due.explanation.skipped[2].status,
            Some(EntryStatus::Confirmed)
        );
        assert!(!due.explanation.start_deferred);
        assert_eq!(
            due.explanation.summary_vi(),
            "Không tính kỳ nghỉ Tết Nguyên đán Bính Ngọ (14/02–22/02/2026, 9 ngày)."
        );
        // Three working days from Thursday 10:00: 330 + 480 before Tết, 480 + 150 after.
        assert_eq!(
            due_at("2026-02-12 10:00", 3.0, WorkingDays),
            "2026-02-24 10:00"
        );
    }

    #[test]
    fn new_year_2026_swap_and_make_up_saturday() {
        // Friday 9 January 08:00 + 1 day: 450 minutes on Friday, 30 on the make-up Saturday.
        let due = CAL.due(t("2026-01-09 08:00"), 1.0, WorkingDays).unwrap();
        assert_eq!(local(due.at), "2026-01-10 08:00");
        assert_eq!(due.explanation.make_up_days.len(), 1);
        assert_eq!(due.explanation.make_up_days[0].date, date(2026, 1, 10));
        assert_eq!(
            due.explanation.make_up_days[0].kind,
            DayNoteKind::MakeUpWorkday
        );
        assert!(due.explanation.skipped.is_empty());
        // Over the New Year break: 1/1 holiday, 2/1 swapped, 3–4/1 weekend in the break.
        let due = CAL.due(t("2025-12-31 14:00"), 2.0, WorkingDays).unwrap();
        assert_eq!(local(due.at), "2026-01-06 14:00");
        assert_eq!(
            skipped(&due),
            [
                ("2026-01-01".to_owned(), DayNoteKind::Holiday),
                ("2026-01-02".to_owned(), DayNoteKind::SwappedDayOff),
                ("2026-01-03".to_owned(), DayNoteKind::WeekendInBreak),
                ("2026-01-04".to_owned(), DayNoteKind::WeekendInBreak),
            ]
        );
        assert_eq!(
            due.explanation.skipped[1].label(),
            "Nghỉ hoán đổi dịp Tết Dương lịch (làm bù Thứ Bảy 10/01/2026)"
        );
    }

    #[test]
    fn official_2025_tet_and_swap() {
        // Tết Ất Tỵ: off Sat 25/1 – Sun 2/2.
        let due = CAL.due(t("2025-01-24 10:00"), 2.0, WorkingDays).unwrap();
        assert_eq!(local(due.at), "2025-02-04 10:00");
        assert_eq!(due.explanation.skipped.len(), 9);
        assert_eq!(
            due.explanation.summary_vi(),
            "Không tính kỳ nghỉ Tết Nguyên đán Ất Tỵ (25/01–02/02/2025, 9 ngày)."
        );
        // Saturday 26/4/2025 is worked (for Friday 2/5).
        let due = CAL.due(t("2025-04-25 16:00"), 1.0, WorkingDays).unwrap();
        assert_eq!(local(due.at), "2025-04-26 16:00");
        assert_eq!(
            due.explanation.make_up_days[0].label(),
            "Thứ Bảy làm việc bù cho ngày 02/05/2025 (dịp 30/4 & 1/5)"
        );
        assert_eq!(
            due_at("2025-04-29 10:00", 2.0, WorkingDays),
            "2025-05-06 10:00"
        );
    }

    #[test]
    fn national_day_2026_is_counted_as_reported() {
        // The press-reported swap: Saturday 22/8 worked for Monday 31/8, off 29/8–2/9.
        let due = CAL.due(t("2026-08-21 10:00"), 1.0, WorkingDays).unwrap();
        assert_eq!(local(due.at), "2026-08-22 10:00");
        assert_eq!(
            due.explanation.make_up_days[0].status,
            Some(EntryStatus::Reported)
        );
        let due = CAL.due(t("2026-08-28 10:00"), 1.0, WorkingDays).unwrap();
        assert_eq!(local(due.at), "2026-09-03 10:00");
        let statuses: Vec<_> = due
            .explanation
            .skipped
            .iter()
            .map(|n| (n.date.day(), n.status))
            .collect();
        assert_eq!(
            statuses,
            [
                (29, Some(EntryStatus::Reported)),
                (30, Some(EntryStatus::Reported)),
                (31, Some(EntryStatus::Reported)),
                (1, Some(EntryStatus::Reported)),
                (2, Some(EntryStatus::Statutory)),
            ]
        );
    }

    #[test]
    fn debug_output_is_a_summary() {
        let debug = format!("{:?}", *CAL);
        assert!(
            debug.starts_with("WorkCalendar { first_year: 2000, last_year: 2100, days: 36890"),
            "{debug}"
        );
    }

    #[test]
    fn compensatory_day_27_april_2026() {
        let due = CAL.due(t("2026-04-24 15:00"), 1.0, WorkingDays).unwrap();
        assert_eq!(local(due.at), "2026-04-28 15:00");
        assert_eq!(
            skipped(&due),
            [
                ("2026-04-25".to_owned(), DayNoteKind::WeekendInBreak),
                ("2026-04-26".to_owned(), DayNoteKind::Holiday),
                ("2026-04-27".to_owned(), DayNoteKind::CompensatoryDayOff),
            ]
        );
        assert_eq!(
            due.explanation.skipped[2].label(),
            "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 ÂL)"
        );
    }

    #[test]
    fn make_up_saturday_4_may_2024() {
        // 330 on Fri 26/4, break 27/4–1/5 (29/4 swapped), 480 on Thu 2/5 and Fri 3/5, 150 on Sat 4/5.
        let due = CAL.due(t("2024-04-26 10:00"), 3.0, WorkingDays).unwrap();
        assert_eq!(local(due.at), "2024-05-04 10:00");
        assert_eq!(
            due.explanation
                .make_up_days
                .iter()
                .map(|n| n.date)
                .collect::<Vec<_>>(),
            [date(2024, 5, 4)]
        );
        assert!(skipped(&due).contains(&("2024-04-29".to_owned(), DayNoteKind::SwappedDayOff)));
        assert_eq!(skipped(&due).len(), 5);
    }

    #[test]
    fn received_outside_office_hours() {
        // Sunday: counting starts Monday 07:30, and a full day ends at Monday's closing.
        let due = CAL.due(t("2025-03-09 10:00"), 1.0, WorkingDays).unwrap();
        assert_eq!(local(due.start), "2025-03-10 07:30");
        assert_eq!(local(due.at), "2025-03-10 17:00");
        assert!(due.explanation.start_deferred);
        assert_eq!(
            skipped(&due),
            [("2025-03-09".to_owned(), DayNoteKind::Weekend)]
        );
        assert_eq!(
            due.explanation.skipped[0].label(),
            "Nghỉ cuối tuần (Chủ nhật)"
        );
        // Evening and lunch break.
        assert_eq!(
            due_at("2025-03-10 19:45", 2.0, WorkingHours),
            "2025-03-11 09:30"
        );
        assert_eq!(
            due_at("2025-03-10 12:10", 1.0, WorkingHours),
            "2025-03-10 14:00"
        );
        assert_eq!(
            due_at("2025-03-10 06:00", 4.0, WorkingHours),
            "2025-03-10 11:30"
        );
    }

    #[test]
    fn received_at_16_59_and_ending_exactly_at_closing() {
        assert_eq!(
            due_at("2025-03-10 16:59", 1.0, WorkingHours),
            "2025-03-11 08:29"
        );
        assert_eq!(
            due_at("2025-03-10 16:59", 1.0, WorkingDays),
            "2025-03-11 16:59"
        );
        // A count that uses up the day ends at 17:00, not at the next opening.
        assert_eq!(
            due_at("2025-03-10 07:30", 1.0, WorkingDays),
            "2025-03-10 17:00"
        );
        assert_eq!(
            due_at("2025-03-10 13:00", 4.0, WorkingHours),
            "2025-03-10 17:00"
        );
        assert_eq!(
            due_at("2025-03-10 07:30", 4.0, WorkingHours),
            "2025-03-10 11:30"
        );
        // Friday closing: still Friday, not Monday.
        assert_eq!(
            due_at("2025-03-14 07:30", 1.0, WorkingDays),
            "2025-03-14 17:00"
        );
    }

    #[test]
    fn fractional_and_hour_limits() {
        assert_eq!(
            due_at("2025-03-10 09:00", 0.5, WorkingDays),
            "2025-03-10 14:30"
        );
        assert_eq!(
            due_at("2025-03-10 09:00", 8.0, WorkingHours),
            due_at("2025-03-10 09:00", 1.0, WorkingDays)
        );
        assert_eq!(
            due_at("2025-03-10 09:00", 1.5, WorkingHours),
            "2025-03-10 10:30"
        );
        assert_eq!(
            due_at("2025-03-10 09:00", 0.0, WorkingDays),
            "2025-03-10 09:00"
        );
        assert_eq!(
            due_at("2025-03-09 09:00", 0.0, WorkingDays),
            "2025-03-10 07:30"
        );
        // Seconds survive; a fractional receipt second is rounded up.
        let received: Timestamp = "2025-03-10T09:00:10.5+07:00".parse().unwrap();
        let at = CAL.due(received, 1.0, WorkingHours).unwrap().at;
        assert_eq!(
            at,
            "2025-03-10T10:00:11+07:00".parse::<Timestamp>().unwrap()
        );
    }

    #[test]
    fn calendar_days_and_months_move_off_days_to_the_next_closing() {
        // Plain: lands on a working day, kept.
        let due = CAL.due(t("2025-03-10 10:00"), 3.0, CalendarDays).unwrap();
        assert_eq!(local(due.at), "2025-03-13 10:00");
        assert!(due.explanation.adjustment.is_none());
        // 5 days from Thursday 12/2/2026 lands on Tết (Tue 17/2): closing of Mon 23/2.
        let due = CAL.due(t("2026-02-12 10:00"), 5.0, CalendarDays).unwrap();
        assert_eq!(local(due.at), "2026-02-23 17:00");
        let adjustment = due.explanation.adjustment.as_ref().unwrap();
        assert_eq!(local(adjustment.from), "2026-02-17 10:00");
        assert!(
            adjustment
                .label
                .starts_with("Ngày cuối của thời hạn (Thứ Ba 17/02/2026) là ngày nghỉ"),
            "{}",
            adjustment.label
        );
        assert!(
            adjustment.label.contains("17:00 Thứ Hai 23/02/2026"),
            "{}",
            adjustment.label
        );
        // Months: 30 January + 1 month = 28 February 2026 (a Saturday) → Monday 2 March 17:00.
        assert_eq!(due_at("2026-01-30 10:00", 1.0, Months), "2026-03-02 17:00");
        assert_eq!(due_at("2026-03-10 10:00", 2.0, Months), "2026-05-11 17:00"); // 10/5 is a Sunday
        assert_eq!(due_at("2025-11-14 10:00", 3.0, Months), "2026-02-23 17:00"); // 14/2 in the Tết break
        assert_eq!(due_at("2025-03-10 10:00", 12.0, Months), "2026-03-10 10:00");
    }

    #[test]
    fn bad_amounts_are_typed_errors() {
        for (amount, unit) in [
            (-1.0, WorkingDays),
            (f64::NAN, WorkingDays),
            (10_000.5, WorkingHours),
            (1.5, Months),
        ] {
            assert!(
                matches!(
                    CAL.due(t("2025-03-10 10:00"), amount, unit),
                    Err(CalendarError::InvalidAmount { .. })
                ),
                "{amount}"
            );
        }
        // 10,000 is accepted as an amount (about 40 years of working days) ...
        let far = CAL
            .due_instant(t("2025-03-10 10:00"), 10_000.0, WorkingDays)
            .unwrap();
        assert!(
            far > t("2064-01-01 00:00") && far < t("2066-01-01 00:00"),
            "{far}"
        );
        assert!(
            CAL.due(t("2025-03-10 10:00"), 10_000.0, WorkingHours)
                .is_ok()
        );
        // ... but running past the compiled years is an error.
        assert!(matches!(
            CAL.due(t("2080-03-11 10:00"), 10_000.0, WorkingDays),
            Err(CalendarError::OutOfRange { .. })
        ));
    }

    #[test]
    fn out_of_range_is_an_error_not_a_panic() {
        assert!(matches!(
            CAL.due(t("2101-01-02 10:00"), 1.0, WorkingDays),
            Err(CalendarError::OutOfRange { .. })
        ));
        assert!(matches!(
            CAL.due(t("1999-12-31 10:00"), 1.0, WorkingDays),
            Err(CalendarError::OutOfRange { .. })
        ));
        assert!(matches!(
            CAL.due(t("2100-12-31 16:00"), 1.0, WorkingDays),
            Err(CalendarError::OutOfRange { .. })
        ));
        assert!(matches!(
            CAL.due(t("2100-12-29 10:00"), 30.0, CalendarDays),
            Err(CalendarError::OutOfRange { .. })
        ));
        assert!(CAL.is_working(Timestamp::MAX).is_err());
        assert!(CAL.elapsed(Timestamp::MIN, t("2025-03-10 10:00")).is_err());
        let small = WorkCalendar::compile(&[], &[], &OfficeHours::default(), 2025, 2025).unwrap();
        assert!(small.due(t("2025-12-31 16:00"), 1.0, WorkingDays).is_err());
        assert!(small.next_opening(t("2025-12-31 17:00")).is_err());
        assert!(matches!(
            WorkCalendar::compile(&[], &[], &OfficeHours::default(), 2030, 2020),
            Err(CalendarError::BadYearRange { .. })
        ));
        assert!(matches!(
            WorkCalendar::compile(&[], &[], &OfficeHours::default(), 1990, 2000),
            Err(CalendarError::NoDefaultRules { year: 1990, .. })
        ));
    }

    #[test]
    fn instants_and_elapsed() {
        assert!(CAL.is_working(t("2025-03-10 07:30")).unwrap());
        assert!(!CAL.is_working(t("2025-03-10 11:30")).unwrap());
        assert!(!CAL.is_working(t("2025-03-10 17:00")).unwrap());
        assert!(
            CAL.is_working("2025-03-10T16:59:59+07:00".parse().unwrap())
                .unwrap()
        );
        assert!(!CAL.is_working(t("2026-02-17 09:00")).unwrap());
        assert!(CAL.is_working(t("2026-01-10 09:00")).unwrap()); // make-up Saturday
        assert_eq!(
            local(CAL.next_opening(t("2025-03-10 11:30")).unwrap()),
            "2025-03-10 13:00"
        );
        assert_eq!(
            local(CAL.next_opening(t("2025-03-10 10:00")).unwrap()),
            "2025-03-10 10:00"
        );
        assert_eq!(
            local(CAL.next_opening(t("2026-02-13 17:00")).unwrap()),
            "2026-02-23 07:30"
        );
        assert_eq!(
            CAL.elapsed(t("2026-02-13 09:00"), t("2026-02-23 09:00"))
                .unwrap(),
            WorkingDuration::from_minutes(480)
        );
        assert_eq!(
            CAL.elapsed(t("2026-02-23 09:00"), t("2026-02-13 09:00"))
                .unwrap(),
            WorkingDuration::from_minutes(-480)
        );
        assert_eq!(
            CAL.elapsed(t("2025-03-08 09:00"), t("2025-03-09 09:00"))
                .unwrap(),
            WorkingDuration::ZERO
        );
        assert_eq!(
            CAL.working_time_on(date(2026, 1, 10)).unwrap(),
            WorkingDuration::from_minutes(480)
        );
        assert!(!CAL.is_working_day(date(2026, 2, 16)).unwrap());
        assert_eq!(CAL.entry(date(2026, 2, 16)).unwrap().kind, DayKind::Holiday);
        assert_eq!(
            CAL.day_note(date(2026, 3, 7)).unwrap().unwrap().kind,
            DayNoteKind::Weekend
        );
        assert!(CAL.day_note(date(2026, 3, 9)).unwrap().is_none());
        // Years beyond the official data use the defaults.
        assert_eq!(
            CAL.year(2027).unwrap().entries[0].status,
            EntryStatus::Default
        );
        assert_eq!(
            CAL.year(2026)
                .unwrap()
                .entry(date(2026, 2, 17))
                .unwrap()
                .status,
            EntryStatus::Confirmed
        );
        assert!(!CAL.is_working_day(date(2027, 2, 8)).unwrap()); // default Tết 2027
    }

    #[test]
    fn agency_overrides_and_seasonal_hours() {
        let years = official_years().unwrap();
        let entry = |d: Date, kind: DayKind| CalendarEntry {
            date: d,
            kind,
            occasion: "Quyết định của cơ quan".into(),
            status: EntryStatus::Confirmed,
            replaces: None,
            source: String::new(),
            note: String::new(),
        };
        // The agency closes Friday 13/3/2026 and staffs the desk on Friday 20/2/2026 (Tết).
        let overrides = [
            entry(date(2026, 3, 13), DayKind::Holiday),
            entry(date(2026, 2, 20), DayKind::MakeUpWorkday),
        ];
        let cal =
            WorkCalendar::compile(&years, &overrides, &OfficeHours::default(), 2025, 2027).unwrap();
        assert_eq!(
            local(cal.due(t("2026-03-12 09:00"), 1.0, WorkingDays).unwrap().at),
            "2026-03-16 09:00"
        );
        assert_eq!(
            local(cal.due(t("2026-02-13 09:00"), 1.0, WorkingDays).unwrap().at),
            "2026-02-20 09:00"
        );
        assert_eq!(
            cal.entry(date(2026, 2, 20)).unwrap().kind,
            DayKind::MakeUpWorkday
        );
        assert_eq!(cal.overrides().len(), 2);
        assert!(matches!(
            WorkCalendar::compile(
                &years,
                &[entry(date(2030, 1, 2), DayKind::Holiday)],
                &OfficeHours::default(),
                2025,
                2027
            ),
            Err(CalendarError::BadOverride { .. })
        ));

        // Summer hours 07:00–11:00 / 13:30–17:30 from May to September.
        let hours = OfficeHours {
            periods: vec![
                SeasonalPeriod {
                    name: "Hè".into(),
                    from: MonthDay::new(5, 1).unwrap(),
                    to: MonthDay::new(9, 30).unwrap(),
                    week: WeeklySchedule::weekdays(&[
                        Interval::hm(7, 0, 11, 0),
                        Interval::hm(13, 30, 17, 30),
                    ]),
                },
                SeasonalPeriod {
                    name: "Đông".into(),
                    from: MonthDay::new(10, 1).unwrap(),
                    to: MonthDay::new(4, 30).unwrap(),
                    week: WeeklySchedule::weekdays(&[
                        Interval::hm(7, 30, 11, 30),
                        Interval::hm(13, 0, 17, 0),
                    ]),
                },
            ],
            ..OfficeHours::default()
        };
        let cal = WorkCalendar::compile(&years, &[], &hours, 2025, 2026).unwrap();
        assert_eq!(
            local(cal.due(t("2025-06-02 07:00"), 1.0, WorkingDays).unwrap().at),
            "2025-06-02 17:30"
        );
        // Wed 30/4 and Thu 1/5 are holidays, Fri 2/5 swapped; from Tue 29/4 17:00 (winter) the
        // first opening is Mon 5/5 in summer hours.
        assert_eq!(
            local(cal.next_opening(t("2025-04-29 17:00")).unwrap()),
            "2025-05-05 07:00"
        );
        // A desk open on Saturday mornings counts them, without any note.
        let mut saturday = OfficeHours::default();
        saturday.periods[0].week.saturday = vec![Interval::hm(7, 30, 11, 30)];
        let cal = WorkCalendar::compile(&years, &[], &saturday, 2025, 2025).unwrap();
        let due = cal.due(t("2025-03-14 13:00"), 1.0, WorkingDays).unwrap();
        assert_eq!(local(due.at), "2025-03-15 11:30"); // 240 minutes on Friday, 240 on Saturday
        assert!(due.explanation.skipped.is_empty());
    }

    fn working_instant_or_closing(cal: &WorkCalendar, at: Timestamp) -> bool {
        cal.is_working(at).unwrap()
            || cal
                .is_working(at - jiff::SignedDuration::from_secs(1))
                .unwrap()
    }

    /// Any instant from 2024-01-01 to 2027-12-31 (covers Tết 2024–2027, every swap of the data
    /// and the default year 2027), at one-minute resolution.
    fn instant() -> impl Strategy<Value = Timestamp> {
        (0i64..4 * 366 * 1440)
            .prop_map(|m| t("2024-01-01 00:00") + jiff::SignedDuration::from_mins(m))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// For any instant t (working or not), any a ≥ 0 and b ≥ 1 whole working hours:
        /// due(due(t, a), b) = due(t, a + b). (b = 0 is excluded on purpose: due(x, 0) moves a
        /// closing-time x to the next opening.)
        #[test]
        fn due_composes(start in instant(), a in 0u32..=240, b in 1u32..=240) {
            let first = CAL.due_instant(start, f64::from(a), WorkingHours).unwrap();
            let twice = CAL.due_instant(first, f64::from(b), WorkingHours).unwrap();
            prop_assert_eq!(twice, CAL.due_instant(start, f64::from(a + b), WorkingHours).unwrap());
        }

        #[test]
        fn due_is_monotonic_in_the_amount(start in instant(), a in 0u32..=14_400, b in 0u32..=14_400) {
            let (lo, hi) = (a.min(b), a.max(b));
            let due_lo = CAL.due_instant(start, f64::from(lo) / 60.0, WorkingHours).unwrap();
            let due_hi = CAL.due_instant(start, f64::from(hi) / 60.0, WorkingHours).unwrap();
            prop_assert!(due_lo <= due_hi);
        }

        /// The due instant is a working instant, or exactly a closing time.
        #[test]
        fn due_is_working_or_a_closing_time(start in instant(), minutes in 0u32..=14_400) {
            let at = CAL.due_instant(start, f64::from(minutes) / 480.0, WorkingDays).unwrap();
            prop_assert!(working_instant_or_closing(&CAL, at), "{}", local(at));
        }

        /// elapsed(t, due(t, n)) = n for any instant t (a non-working t counts from the next
        /// opening, which has the same working time before it).
        #[test]
        fn elapsed_inverts_due(start in instant(), minutes in 0i64..=14_400) {
            let at = CAL.add_working_time(start, WorkingDuration::from_minutes(minutes)).unwrap();
            prop_assert_eq!(CAL.elapsed(start, at).unwrap(), WorkingDuration::from_minutes(minutes));
            let due = CAL.due(start, minutes as f64 / 60.0, WorkingHours).unwrap();
            prop_assert_eq!(due.at, at);
            prop_assert!(due.start <= due.at);
        }

        /// The explanation lists exactly the days without working time from the receipt's day to
        /// the due's day.
        #[test]
        fn explanation_lists_every_day_off(start in instant(), days in 0u32..=30) {
            let due = CAL.due(start, f64::from(days), WorkingDays).unwrap();
            let first = due.received.to_zoned(TimeZone::fixed(offset(7))).date();
            let last = due.at.to_zoned(TimeZone::fixed(offset(7))).date();
            let mut expected = Vec::new();
            let mut d = first;
            while d <= last {
                if !CAL.is_working_day(d).unwrap() {
                    expected.push(d);
                }
                d = d.tomorrow().unwrap();
            }
            prop_assert_eq!(due.explanation.skipped.iter().map(|n| n.date).collect::<Vec<_>>(), expected);
        }
    }
}
