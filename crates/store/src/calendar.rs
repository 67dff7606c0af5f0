//! The working-time calendar as stored data: national years, per-agency overrides, per-agency
//! office hours, and the change log.
//!
//! Every write runs in one transaction that also bumps `calendar_generation` (so every node
//! recompiles its calendars) and appends to `calendar_changes` (who, when, what changed). A
//! write that would change nothing writes nothing, not even the log or the generation: an
//! administrator re-importing the same file leaves no trace and triggers no reload.
//!
//! Concurrent writers are serialised by bumping the generation *first*: on PostgreSQL that
//! upsert locks the `app_meta` row until commit, so two imports of the same year cannot
//! interleave their delete and insert; on SQLite `BEGIN IMMEDIATE` already serialises writers.
//! If the diff turns out empty, returning early drops the transaction, which rolls the bump back.

use std::collections::{BTreeMap, BTreeSet};

use async_trait::async_trait;
use jiff::{Timestamp, civil::Date};
use motcua_core::calendar::{CalendarEntry, DayKind, EntryStatus, OfficeHours, YearCalendar};
use serde::Serialize;

use crate::{
    codec::{DbDate, DbTime},
    db::{Db, on_pool, with_tx},
    error::{StoreError, StoreResult},
    meta::bump_generation,
};

/// The generation counter bumped by every calendar change.
pub const CALENDAR_GENERATION: &str = "calendar_generation";

/// Who makes a change, when, and why: recorded in the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeMeta {
    /// The person or process (`cli:alice`, later an authenticated user id).
    pub by: String,
    /// When.
    pub at: Timestamp,
    /// Why, e.g. the notice that decided the change ("Thông báo 9441/TB-BNV"); may be empty.
    pub note: String,
}

/// A stored national year with its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredYear {
    /// The year's entries.
    pub calendar: YearCalendar,
    /// When it was last changed.
    pub updated_at: Timestamp,
    /// Who last changed it.
    pub updated_by: String,
}

/// One day whose entry a write added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayChange {
    /// The day.
    pub date: Date,
    /// The entry before; `None` when added.
    pub before: Option<CalendarEntry>,
    /// The entry after; `None` when removed.
    pub after: Option<CalendarEntry>,
}

impl DayChange {
    /// `+` added, `-` removed, `~` changed.
    pub fn sign(&self) -> char {
        match (&self.before, &self.after) {
            (None, _) => '+',
            (_, None) => '-',
            _ => '~',
        }
    }
}

/// What a write changed, day by day, in date order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CalendarDiff {
    /// The changed days.
    pub changes: Vec<DayChange>,
}

impl CalendarDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Days added.
    pub fn added(&self) -> usize {
        self.changes.iter().filter(|c| c.before.is_none()).count()
    }

    /// Days removed.
    pub fn removed(&self) -> usize {
        self.changes.iter().filter(|c| c.after.is_none()).count()
    }

    /// Days whose entry changed.
    pub fn changed(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.before.is_some() && c.after.is_some())
            .count()
    }

    fn extend(&mut self, other: Self) {
        self.changes.extend(other.changes);
        self.changes.sort_by_key(|c| c.date);
    }
}

/// The day-by-day difference between two sets of entries (each at most one per date).
pub fn diff_entries(old: &[CalendarEntry], new: &[CalendarEntry]) -> CalendarDiff {
    let old: BTreeMap<Date, &CalendarEntry> = old.iter().map(|e| (e.date, e)).collect();
    let new: BTreeMap<Date, &CalendarEntry> = new.iter().map(|e| (e.date, e)).collect();
    let dates: BTreeSet<Date> = old.keys().chain(new.keys()).copied().collect();
    let changes = dates
        .into_iter()
        .filter_map(|date| {
            let before = old.get(&date).copied();
            let after = new.get(&date).copied();
            (before != after).then(|| DayChange {
                date,
                before: before.cloned(),
                after: after.cloned(),
            })
        })
        .collect();
    CalendarDiff { changes }
}

/// What a change-log entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeWhat {
    /// Days off or make-up days (national years, or one agency's overrides).
    Days,
    /// One agency's office hours.
    OfficeHours,
}

impl ChangeWhat {
    fn as_str(self) -> &'static str {
        match self {
            Self::Days => "days",
            Self::OfficeHours => "office_hours",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        match s {
            "days" => Ok(Self::Days),
            "office_hours" => Ok(Self::OfficeHours),
            other => Err(StoreError::Corrupt(format!(
                "calendar change kind {other:?}"
            ))),
        }
    }
}

/// One entry of the calendar change log.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarChange {
    /// Increasing id.
    pub id: i64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: String,
    /// The agency whose overrides or hours changed; `None` for the national calendar.
    pub agency_id: Option<String>,
    /// Days or office hours.
    pub what: ChangeWhat,
    /// The years concerned (empty for office hours).
    pub years: Vec<i32>,
    /// Days added.
    pub added: u32,
    /// Days removed.
    pub removed: u32,
    /// Days changed.
    pub changed: u32,
    /// Why (the notice), as given.
    pub note: String,
    /// The full difference: a [`CalendarDiff`] for days, `{"before", "after"}` for hours.
    pub details: serde_json::Value,
}

/// Storage of the working-time calendar.
#[async_trait]
pub trait CalendarStore: Send + Sync {
    /// Every stored national year, by year, entries sorted by date.
    async fn calendar_years(&self) -> StoreResult<Vec<StoredYear>>;

    /// Replaces each given national year whole (a year present in an import is complete) and
    /// returns what changed. Nothing is written when nothing changes.
    async fn replace_calendar_years(
        &self,
        years: &[YearCalendar],
        meta: &ChangeMeta,
    ) -> StoreResult<CalendarDiff>;

    /// Stores the given national years that the database does not have yet, leaving every
    /// stored year alone; returns the years added. Used to seed a new installation with the
    /// shipped official years without ever overwriting an administrator's data.
    async fn add_missing_calendar_years(
        &self,
        years: &[YearCalendar],
        meta: &ChangeMeta,
    ) -> StoreResult<Vec<i32>>;

    /// Every agency's own overrides, by agency id, sorted by date.
    async fn agency_calendar_days(&self) -> StoreResult<BTreeMap<String, Vec<CalendarEntry>>>;

    /// Replaces one agency's own overrides in the given years with `entries` (each must lie in
    /// one of `years`; an empty list clears those years). Returns what changed.
    async fn replace_agency_calendar_days(
        &self,
        agency_id: &str,
        years: &[i32],
        entries: &[CalendarEntry],
        meta: &ChangeMeta,
    ) -> StoreResult<CalendarDiff>;

    /// Every agency's own office hours, by agency id.
    async fn agency_office_hours(&self) -> StoreResult<BTreeMap<String, OfficeHours>>;

    /// Sets (or with `None` removes, so the agency inherits again) one agency's office hours.
    /// Returns whether anything changed.
    async fn set_agency_office_hours(
        &self,
        agency_id: &str,
        hours: Option<&OfficeHours>,
        meta: &ChangeMeta,
    ) -> StoreResult<bool>;

    /// The most recent change-log entries, newest first.
    async fn calendar_changes(&self, limit: u32) -> StoreResult<Vec<CalendarChange>>;
}

/// A row of [`DAY_COLUMNS`].
#[derive(sqlx::FromRow)]
struct DayRow {
    date: DbDate,
    kind: String,
    occasion: String,
    status: String,
    replaces: Option<DbDate>,
    source: String,
    note: String,
}

/// A day of a national year.
#[derive(sqlx::FromRow)]
struct YearDayRow {
    year: i32,
    #[sqlx(flatten)]
    day: DayRow,
}

/// A day of an agency's own overrides.
#[derive(sqlx::FromRow)]
struct AgencyDayRow {
    agency_id: String,
    #[sqlx(flatten)]
    day: DayRow,
}

/// A row of `calendar_changes`.
#[derive(sqlx::FromRow)]
struct ChangeRow {
    id: i64,
    changed_at: DbTime,
    changed_by: String,
    agency_id: Option<String>,
    what: String,
    years: String,
    added: i32,
    removed: i32,
    changed: i32,
    note: String,
    details: String,
}

fn entry_of(r: DayRow) -> StoreResult<CalendarEntry> {
    Ok(CalendarEntry {
        date: r.date.0,
        kind: DayKind::parse(&r.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("calendar day kind {:?}", r.kind)))?,
        occasion: r.occasion,
        status: EntryStatus::parse(&r.status)
            .ok_or_else(|| StoreError::Corrupt(format!("calendar entry status {:?}", r.status)))?,
        replaces: r.replaces.map(|d| d.0),
        source: r.source,
        note: r.note,
    })
}

/// Rejects entries that do not lie in one of `years`: a programming error in the caller, not
/// data to store.
fn check_years(years: &[i32], entries: &[CalendarEntry]) -> StoreResult<()> {
    match entries
        .iter()
        .find(|e| !years.contains(&i32::from(e.date.year())))
    {
        Some(e) => Err(StoreError::Misuse(format!(
            "calendar entry {} lies outside the years being replaced",
            e.date
        ))),
        None => Ok(()),
    }
}

fn years_text(years: &[i32]) -> String {
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

const DAY_COLUMNS: &str = "date, kind, occasion, status, replaces, source, note";

/// Inserts one national day.
macro_rules! insert_day {
    ($conn:expr, $year:expr, $e:expr) => {
        sqlx::query(
            "INSERT INTO calendar_days (date, year, kind, occasion, status, replaces, source, note) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(DbDate($e.date))
        .bind($year)
        .bind($e.kind.as_str())
        .bind(&$e.occasion)
        .bind($e.status.as_str())
        .bind($e.replaces.map(DbDate))
        .bind(&$e.source)
        .bind(&$e.note)
        .execute($conn)
        .await?
    };
}

/// Appends a change-log entry.
macro_rules! log_change {
    ($conn:expr, $meta:expr, $agency:expr, $what:expr, $years:expr, $diff:expr, $details:expr) => {
        sqlx::query(
            "INSERT INTO calendar_changes (changed_at, changed_by, agency_id, what, years, added, \
             removed, changed, note, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(DbTime($meta.at))
        .bind(&$meta.by)
        .bind($agency)
        .bind($what.as_str())
        .bind(years_text($years))
        .bind(count($diff.0))
        .bind(count($diff.1))
        .bind(count($diff.2))
        .bind(&$meta.note)
        .bind($details)
        .execute($conn)
        .await?
    };
}

#[async_trait]
impl CalendarStore for Db {
    async fn calendar_years(&self) -> StoreResult<Vec<StoredYear>> {
        let (years, days): (Vec<(i32, DbTime, String)>, Vec<YearDayRow>) =
            on_pool!(self, read, |p, _e| {
                let years = sqlx::query_as(
                    "SELECT year, updated_at, updated_by FROM calendar_years ORDER BY year",
                )
                .fetch_all(p)
                .await?;
                let days = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT year, {DAY_COLUMNS} FROM calendar_days ORDER BY date"
                )))
                .fetch_all(p)
                .await?;
                (years, days)
            });
        let mut by_year: BTreeMap<i32, Vec<CalendarEntry>> = BTreeMap::new();
        for YearDayRow { year, day } in days {
            by_year.entry(year).or_default().push(entry_of(day)?);
        }
        years
            .into_iter()
            .map(|(year, at, by)| {
                Ok(StoredYear {
                    calendar: YearCalendar {
                        year: i16::try_from(year)
                            .map_err(|_| StoreError::Corrupt(format!("calendar year {year}")))?,
                        entries: by_year.remove(&year).unwrap_or_default(),
                    },
                    updated_at: at.0,
                    updated_by: by,
                })
            })
            .collect()
    }

    async fn replace_calendar_years(
        &self,
        years: &[YearCalendar],
        meta: &ChangeMeta,
    ) -> StoreResult<CalendarDiff> {
        let numbers: Vec<i32> = years.iter().map(|y| i32::from(y.year)).collect();
        for y in years {
            check_years(&[i32::from(y.year)], &y.entries)?;
        }
        let diff = with_tx!(self, |tx, _e| {
            bump_generation!(&mut *tx, CALENDAR_GENERATION);
            let mut diff = CalendarDiff::default();
            for y in years {
                let year = i32::from(y.year);
                let old: Vec<DayRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {DAY_COLUMNS} FROM calendar_days WHERE year = $1 ORDER BY date"
                )))
                .bind(year)
                .fetch_all(&mut *tx)
                .await?;
                let old = old
                    .into_iter()
                    .map(entry_of)
                    .collect::<StoreResult<Vec<_>>>()?;
                let stored: Option<i32> =
                    sqlx::query_scalar("SELECT year FROM calendar_years WHERE year = $1")
                        .bind(year)
                        .fetch_optional(&mut *tx)
                        .await?;
                let year_diff = diff_entries(&old, &y.entries);
                if year_diff.is_empty() && stored.is_some() {
                    continue;
                }
                sqlx::query("DELETE FROM calendar_days WHERE year = $1")
                    .bind(year)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO calendar_years (year, updated_at, updated_by) VALUES ($1, $2, $3) \
                     ON CONFLICT (year) DO UPDATE SET updated_at = excluded.updated_at, \
                     updated_by = excluded.updated_by",
                )
                .bind(year)
                .bind(DbTime(meta.at))
                .bind(&meta.by)
                .execute(&mut *tx)
                .await?;
                for e in &y.entries {
                    insert_day!(&mut *tx, year, e);
                }
                diff.extend(year_diff);
            }
            if diff.is_empty() {
                // Dropping the transaction rolls the generation bump back: nothing changed.
                return Ok(diff);
            }
            let details = serde_json::to_string(&diff)?;
            log_change!(
                &mut *tx,
                meta,
                None::<String>,
                ChangeWhat::Days,
                &numbers,
                (diff.added(), diff.removed(), diff.changed()),
                details
            );
            diff
        });
        Ok(diff)
    }

    async fn add_missing_calendar_years(
        &self,
        years: &[YearCalendar],
        meta: &ChangeMeta,
    ) -> StoreResult<Vec<i32>> {
        for y in years {
            check_years(&[i32::from(y.year)], &y.entries)?;
        }
        let added = with_tx!(self, |tx, _e| {
            bump_generation!(&mut *tx, CALENDAR_GENERATION);
            let mut added = Vec::new();
            let mut diff = CalendarDiff::default();
            for y in years {
                let year = i32::from(y.year);
                // ON CONFLICT DO NOTHING: a concurrent seeder (another node starting) or an
                // administrator's import of this year wins; we never overwrite.
                let inserted = sqlx::query(
                    "INSERT INTO calendar_years (year, updated_at, updated_by) VALUES ($1, $2, $3) \
                     ON CONFLICT (year) DO NOTHING",
                )
                .bind(year)
                .bind(DbTime(meta.at))
                .bind(&meta.by)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted == 0 {
                    continue;
                }
                for e in &y.entries {
                    insert_day!(&mut *tx, year, e);
                }
                added.push(year);
                diff.extend(diff_entries(&[], &y.entries));
            }
            if added.is_empty() {
                return Ok(added);
            }
            let details = serde_json::to_string(&diff)?;
            log_change!(
                &mut *tx,
                meta,
                None::<String>,
                ChangeWhat::Days,
                &added,
                (diff.added(), 0, 0),
                details
            );
            added
        });
        Ok(added)
    }

    async fn agency_calendar_days(&self) -> StoreResult<BTreeMap<String, Vec<CalendarEntry>>> {
        let rows: Vec<AgencyDayRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT agency_id, {DAY_COLUMNS} FROM agency_calendar_days \
                     ORDER BY agency_id, date"
            )))
            .fetch_all(p)
            .await?
        });
        let mut out: BTreeMap<String, Vec<CalendarEntry>> = BTreeMap::new();
        for AgencyDayRow { agency_id, day } in rows {
            out.entry(agency_id).or_default().push(entry_of(day)?);
        }
        Ok(out)
    }

    async fn replace_agency_calendar_days(
        &self,
        agency_id: &str,
        years: &[i32],
        entries: &[CalendarEntry],
        meta: &ChangeMeta,
    ) -> StoreResult<CalendarDiff> {
        check_years(years, entries)?;
        let diff = with_tx!(self, |tx, _e| {
            bump_generation!(&mut *tx, CALENDAR_GENERATION);
            let mut diff = CalendarDiff::default();
            for &year in years {
                let old: Vec<DayRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {DAY_COLUMNS} FROM agency_calendar_days \
                     WHERE agency_id = $1 AND year = $2 ORDER BY date"
                )))
                .bind(agency_id)
                .bind(year)
                .fetch_all(&mut *tx)
                .await?;
                let old = old
                    .into_iter()
                    .map(entry_of)
                    .collect::<StoreResult<Vec<_>>>()?;
                let new: Vec<CalendarEntry> = entries
                    .iter()
                    .filter(|e| i32::from(e.date.year()) == year)
                    .cloned()
                    .collect();
                let year_diff = diff_entries(&old, &new);
                if year_diff.is_empty() {
                    continue;
                }
                sqlx::query("DELETE FROM agency_calendar_days WHERE agency_id = $1 AND year = $2")
                    .bind(agency_id)
                    .bind(year)
                    .execute(&mut *tx)
                    .await?;
                for e in &new {
                    sqlx::query(
                        "INSERT INTO agency_calendar_days (agency_id, date, year, kind, occasion, \
                         status, replaces, source, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(agency_id)
                    .bind(DbDate(e.date))
                    .bind(year)
                    .bind(e.kind.as_str())
                    .bind(&e.occasion)
                    .bind(e.status.as_str())
                    .bind(e.replaces.map(DbDate))
                    .bind(&e.source)
                    .bind(&e.note)
                    .execute(&mut *tx)
                    .await?;
                }
                diff.extend(year_diff);
            }
            if diff.is_empty() {
                return Ok(diff);
            }
            let details = serde_json::to_string(&diff)?;
            log_change!(
                &mut *tx,
                meta,
                Some(agency_id),
                ChangeWhat::Days,
                years,
                (diff.added(), diff.removed(), diff.changed()),
                details
            );
            diff
        });
        Ok(diff)
    }

    async fn agency_office_hours(&self) -> StoreResult<BTreeMap<String, OfficeHours>> {
        let rows: Vec<(String, String)> = on_pool!(self, read, |p, _e| {
            sqlx::query_as("SELECT agency_id, hours FROM agency_office_hours ORDER BY agency_id")
                .fetch_all(p)
                .await?
        });
        rows.into_iter()
            .map(|(agency, json)| Ok((agency, serde_json::from_str(&json)?)))
            .collect()
    }

    async fn set_agency_office_hours(
        &self,
        agency_id: &str,
        hours: Option<&OfficeHours>,
        meta: &ChangeMeta,
    ) -> StoreResult<bool> {
        let new_json = hours.map(serde_json::to_string).transpose()?;
        let changed = with_tx!(self, |tx, _e| {
            bump_generation!(&mut *tx, CALENDAR_GENERATION);
            let old_json: Option<String> =
                sqlx::query_scalar("SELECT hours FROM agency_office_hours WHERE agency_id = $1")
                    .bind(agency_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let old: Option<OfficeHours> =
                old_json.as_deref().map(serde_json::from_str).transpose()?;
            if old.as_ref() == hours {
                return Ok(false);
            }
            match &new_json {
                Some(json) => {
                    sqlx::query(
                        "INSERT INTO agency_office_hours (agency_id, hours, updated_at, updated_by) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (agency_id) DO UPDATE SET \
                         hours = excluded.hours, updated_at = excluded.updated_at, \
                         updated_by = excluded.updated_by",
                    )
                    .bind(agency_id)
                    .bind(json)
                    .bind(DbTime(meta.at))
                    .bind(&meta.by)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query("DELETE FROM agency_office_hours WHERE agency_id = $1")
                        .bind(agency_id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            let details = serde_json::json!({ "before": old, "after": hours }).to_string();
            log_change!(
                &mut *tx,
                meta,
                Some(agency_id),
                ChangeWhat::OfficeHours,
                &[],
                (0, 0, 0),
                details
            );
            true
        });
        Ok(changed)
    }

    async fn calendar_changes(&self, limit: u32) -> StoreResult<Vec<CalendarChange>> {
        let rows: Vec<ChangeRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT id, changed_at, changed_by, agency_id, what, years, added, removed, \
                 changed, note, details FROM calendar_changes ORDER BY id DESC LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(p)
            .await?
        });
        rows.into_iter()
            .map(|r| {
                let years = r
                    .years
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| {
                        s.parse::<i32>()
                            .map_err(|_| StoreError::Corrupt(format!("years {:?}", r.years)))
                    })
                    .collect::<StoreResult<Vec<_>>>()?;
                let n = |v: i32| u32::try_from(v).unwrap_or(0);
                Ok(CalendarChange {
                    id: r.id,
                    at: r.changed_at.0,
                    by: r.changed_by,
                    agency_id: r.agency_id,
                    what: ChangeWhat::parse(&r.what)?,
                    years,
                    added: n(r.added),
                    removed: n(r.removed),
                    changed: n(r.changed),
                    note: r.note,
                    details: serde_json::from_str(&r.details)?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn entry(d: Date, occasion: &str) -> CalendarEntry {
        CalendarEntry {
            date: d,
            kind: DayKind::Holiday,
            occasion: occasion.into(),
            status: EntryStatus::Confirmed,
            replaces: None,
            source: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn diff_names_added_removed_and_changed_days_in_order() {
        let old = [
            entry(date(2027, 1, 1), "Tết Dương lịch"),
            entry(date(2027, 2, 5), "Tết"),
        ];
        let new = [
            entry(date(2027, 2, 5), "Tết Nguyên đán Đinh Mùi"),
            entry(date(2027, 1, 1), "Tết Dương lịch"),
            entry(date(2027, 4, 30), "30/4"),
        ];
        let d = diff_entries(&old, &new);
        assert_eq!(
            d.changes
                .iter()
                .map(|c| (c.date, c.sign()))
                .collect::<Vec<_>>(),
            [(date(2027, 2, 5), '~'), (date(2027, 4, 30), '+')]
        );
        assert_eq!((d.added(), d.removed(), d.changed()), (1, 0, 1));
        let back = diff_entries(&new, &old);
        assert_eq!((back.added(), back.removed(), back.changed()), (0, 1, 1));
        assert!(diff_entries(&old, &old).is_empty());
    }
}
