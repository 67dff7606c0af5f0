//! The working-time calendars as served: the national [`WorkCalendar`] compiled from the stored
//! years, and per-agency calendars compiled lazily, held in memory and swapped whole when the
//! database changes (like [`crate::catalog`]).
//!
//! # Inheritance
//!
//! An agency's calendar is the national calendar plus the overrides of the agency **and of every
//! agency above it** in the tree (the nearest decision wins for a date), with the office hours of
//! the nearest agency — itself or an ancestor — that has its own. So a province that closes for
//! its founding day closes every unit under it, a commune can still open its desk that day with
//! its own `make_up_workday`, and a service centre without any settings of its own follows its
//! parent exactly. An agency without any decisions in its chain uses the national calendar.
//!
//! Agencies sharing the same chain of decisions share one compiled calendar: 99 communes
//! inheriting the province compile once. The agency tree comes from the catalog snapshot (or,
//! for the command line, from the store) through [`AgencyLookup`], so the tree and the calendar
//! data can change independently.

pub mod admin;
pub mod query;

use std::{
    collections::{BTreeMap, BTreeSet, HashMap, HashSet},
    sync::{Arc, Mutex},
};

use jiff::civil::Date;
use motcua_core::{
    agency::Agency,
    calendar::{
        CalendarEntry, CalendarError, DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR, OfficeHours,
        WorkCalendar, YearCalendar,
    },
};
use motcua_store::{Store, StoreError, calendar::CALENDAR_GENERATION};

use crate::snapshot::{Snapshot, SnapshotHandle};

/// Deepest agency chain followed; deeper trees (or a cycle in bad data) stop here.
const MAX_DEPTH: usize = 16;

/// Where an agency sits in the tree, and its name.
pub trait AgencyLookup {
    /// `None` when the agency is unknown; otherwise its parent (`Some(None)` for a root).
    fn parent_of(&self, id: &str) -> Option<Option<&str>>;
    /// The agency's name, when it is known.
    fn name_of(&self, id: &str) -> Option<&str>;
}

impl AgencyLookup for crate::catalog::Catalog {
    fn parent_of(&self, id: &str) -> Option<Option<&str>> {
        self.agency(id).map(|a| a.parent.as_deref())
    }
    fn name_of(&self, id: &str) -> Option<&str> {
        self.agency(id).map(|a| a.name.as_str())
    }
}

/// The agency tree as a map, for callers without a catalog snapshot (the command line).
#[derive(Debug, Clone, Default)]
pub struct AgencyMap(HashMap<String, (Option<String>, String)>);

impl AgencyMap {
    /// From the stored agencies.
    pub fn from_agencies(agencies: &[Agency]) -> Self {
        Self(
            agencies
                .iter()
                .map(|a| (a.id.clone(), (a.parent.clone(), a.name.clone())))
                .collect(),
        )
    }
}

impl AgencyLookup for AgencyMap {
    fn parent_of(&self, id: &str) -> Option<Option<&str>> {
        self.0.get(id).map(|(p, _)| p.as_deref())
    }
    fn name_of(&self, id: &str) -> Option<&str> {
        self.0.get(id).map(|(_, n)| n.as_str())
    }
}

/// The calendar that applies to one agency, and where its pieces come from.
#[derive(Debug, Clone)]
pub struct AgencyCalendar {
    /// The compiled calendar.
    pub calendar: Arc<WorkCalendar>,
    /// The agency whose office hours apply; `None` for the standard hours.
    pub hours_from: Option<String>,
    /// For each override date, the agency that decided it.
    pub decided_by: BTreeMap<Date, String>,
}

/// What makes two agencies' calendars identical: whose hours, and whose overrides, apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    hours_from: Option<String>,
    overrides_from: Vec<String>,
}

/// One immutable snapshot of the calendar data, with per-agency calendars compiled on demand.
#[derive(Debug)]
pub struct Calendars {
    national: Arc<WorkCalendar>,
    years: Vec<YearCalendar>,
    stored_years: BTreeSet<i32>,
    overrides: HashMap<String, Vec<CalendarEntry>>,
    hours: HashMap<String, OfficeHours>,
    compiled: Mutex<HashMap<Key, Arc<WorkCalendar>>>,
    generation: i64,
}

/// Loading the calendars failed.
#[derive(Debug, thiserror::Error)]
pub enum CalendarLoadError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stored data does not compile (it is validated before it is written, so this is a
    /// defect or a hand-edited database).
    #[error("lịch làm việc đã lưu không dùng được: {0}")]
    Calendar(#[from] CalendarError),
}

impl Calendars {
    /// Loads everything from the store and compiles the national calendar.
    pub async fn load(store: &dyn Store) -> Result<Self, CalendarLoadError> {
        // Generation first: a change landing while we load is seen by the next poll.
        let generation = store.generation(CALENDAR_GENERATION).await?;
        let years = store
            .calendar_years()
            .await?
            .into_iter()
            .map(|y| y.calendar)
            .collect();
        let overrides = store.agency_calendar_days().await?.into_iter().collect();
        let hours = store.agency_office_hours().await?.into_iter().collect();
        Ok(Self::build(years, overrides, hours, generation)?)
    }

    /// Builds a snapshot from data (years outside 2000–2100 are ignored by the engine).
    pub fn build(
        years: Vec<YearCalendar>,
        overrides: HashMap<String, Vec<CalendarEntry>>,
        hours: HashMap<String, OfficeHours>,
        generation: i64,
    ) -> Result<Self, CalendarError> {
        let national = WorkCalendar::compile(
            &years,
            &[],
            &OfficeHours::default(),
            DEFAULT_FIRST_YEAR,
            DEFAULT_LAST_YEAR,
        )?;
        Ok(Self {
            national: Arc::new(national),
            stored_years: years.iter().map(|y| i32::from(y.year)).collect(),
            years,
            overrides,
            hours,
            compiled: Mutex::new(HashMap::new()),
            generation,
        })
    }

    /// The national public-sector calendar with standard office hours.
    pub fn national(&self) -> &Arc<WorkCalendar> {
        &self.national
    }

    /// The stored national years (official data an administrator maintains).
    pub fn stored_years(&self) -> &[YearCalendar] {
        &self.years
    }

    /// Whether a year's national calendar is stored data (`false`: computed defaults).
    pub fn is_stored(&self, year: i32) -> bool {
        self.stored_years.contains(&year)
    }

    /// One agency's own overrides (not inherited), sorted by date.
    pub fn own_overrides(&self, agency_id: &str) -> &[CalendarEntry] {
        self.overrides.get(agency_id).map_or(&[], Vec::as_slice)
    }

    /// One agency's own office hours (not inherited).
    pub fn own_hours(&self, agency_id: &str) -> Option<&OfficeHours> {
        self.hours.get(agency_id)
    }

    /// Whether any agency has its own overrides or hours.
    pub fn has_agency_data(&self) -> bool {
        !self.overrides.is_empty() || !self.hours.is_empty()
    }

    /// The calendar of an agency (see the module documentation for inheritance); `None` when
    /// the agency is unknown.
    pub fn for_agency(
        &self,
        parents: &dyn AgencyLookup,
        agency_id: &str,
    ) -> Option<Result<AgencyCalendar, CalendarError>> {
        let chain = chain(parents, agency_id)?;
        let hours_from = chain
            .iter()
            .find(|id| self.hours.contains_key(*id))
            .cloned();
        let overrides_from: Vec<String> = chain
            .iter()
            .filter(|id| self.overrides.contains_key(*id))
            .cloned()
            .collect();
        // Farthest ancestor first, so nearer decisions overwrite it.
        let mut merged: BTreeMap<Date, (&CalendarEntry, &str)> = BTreeMap::new();
        for id in overrides_from.iter().rev() {
            // Borrowed from `self`, so the key below can take `overrides_from`.
            if let Some((owner, entries)) = self.overrides.get_key_value(id.as_str()) {
                for e in entries {
                    merged.insert(e.date, (e, owner.as_str()));
                }
            }
        }
        let decided_by: BTreeMap<Date, String> = merged
            .iter()
            .map(|(d, (_, id))| (*d, (*id).to_owned()))
            .collect();
        if hours_from.is_none() && overrides_from.is_empty() {
            return Some(Ok(AgencyCalendar {
                calendar: Arc::clone(&self.national),
                hours_from,
                decided_by,
            }));
        }
        let key = Key {
            hours_from: hours_from.clone(),
            overrides_from,
        };
        if let Some(c) = self.cached(&key) {
            return Some(Ok(AgencyCalendar {
                calendar: c,
                hours_from,
                decided_by,
            }));
        }
        // Compiled outside the lock: other requests keep being answered meanwhile.
        let entries: Vec<CalendarEntry> = merged.values().map(|(e, _)| (*e).clone()).collect();
        let default_hours = OfficeHours::default();
        let hours = hours_from
            .as_deref()
            .and_then(|id| self.hours.get(id))
            .unwrap_or(&default_hours);
        let compiled = match WorkCalendar::compile(
            &self.years,
            &entries,
            hours,
            DEFAULT_FIRST_YEAR,
            DEFAULT_LAST_YEAR,
        ) {
            Ok(c) => Arc::new(c),
            Err(e) => return Some(Err(e)),
        };
        let calendar = match self.compiled.lock() {
            Ok(mut map) => Arc::clone(map.entry(key).or_insert(compiled)),
            Err(poisoned) => Arc::clone(poisoned.into_inner().entry(key).or_insert(compiled)),
        };
        Some(Ok(AgencyCalendar {
            calendar,
            hours_from,
            decided_by,
        }))
    }

    fn cached(&self, key: &Key) -> Option<Arc<WorkCalendar>> {
        match self.compiled.lock() {
            Ok(map) => map.get(key).cloned(),
            Err(poisoned) => poisoned.into_inner().get(key).cloned(),
        }
    }

    /// How many per-agency calendars have been compiled (for tests and diagnostics).
    pub fn compiled_count(&self) -> usize {
        match self.compiled.lock() {
            Ok(map) => map.len(),
            Err(poisoned) => poisoned.into_inner().len(),
        }
    }
}

/// The agency and its ancestors, nearest first; `None` when the agency is unknown.
fn chain(parents: &dyn AgencyLookup, agency_id: &str) -> Option<Vec<String>> {
    let mut parent = parents.parent_of(agency_id)?;
    let mut out = vec![agency_id.to_owned()];
    let mut seen: HashSet<&str> = HashSet::from([agency_id]);
    while let Some(p) = parent {
        if out.len() >= MAX_DEPTH || !seen.insert(p) {
            break;
        }
        out.push(p.to_owned());
        parent = parents.parent_of(p).flatten();
    }
    Some(out)
}

/// The shared, swappable calendar snapshot.
pub type CalendarHandle = SnapshotHandle<Calendars>;

impl Snapshot for Calendars {
    type Stamp = i64;
    type Error = CalendarLoadError;
    const NAME: &'static str = "calendars";

    async fn load(store: &dyn Store) -> Result<Self, CalendarLoadError> {
        Calendars::load(store).await
    }

    async fn read_stamp(store: &dyn Store) -> Result<i64, CalendarLoadError> {
        Ok(store.generation(CALENDAR_GENERATION).await?)
    }

    fn stamp(&self) -> &i64 {
        &self.generation
    }
}

impl From<CalendarLoadError> for crate::error::ServiceError {
    fn from(e: CalendarLoadError) -> Self {
        match e {
            CalendarLoadError::Store(s) => s.into(),
            CalendarLoadError::Calendar(c) => Self::Internal(c.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::{Timestamp, civil::date};
    use motcua_core::{
        calendar::{DayKind, EntryStatus, Interval, official_years},
        catalog::TimeUnit,
    };

    use super::*;

    fn entry(d: Date, kind: DayKind) -> CalendarEntry {
        CalendarEntry {
            date: d,
            kind,
            occasion: "Quyết định của cơ quan".into(),
            status: EntryStatus::Confirmed,
            replaces: None,
            source: String::new(),
            note: String::new(),
        }
    }

    fn tree() -> AgencyMap {
        let mut m = HashMap::new();
        for (id, parent) in [
            ("bn", None),
            ("bn.a", Some("bn")),
            ("bn.a.tt", Some("bn.a")),
            ("bn.b", Some("bn")),
            ("loop.x", Some("loop.y")),
            ("loop.y", Some("loop.x")),
        ] {
            m.insert(
                id.to_owned(),
                (parent.map(str::to_owned), id.to_uppercase()),
            );
        }
        AgencyMap(m)
    }

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn due(c: &AgencyCalendar, received: &str, days: f64) -> Timestamp {
        c.calendar
            .due_instant(t(received), days, TimeUnit::WorkingDays)
            .unwrap()
    }

    #[test]
    fn agencies_inherit_the_nearest_decisions() {
        let mut overrides = HashMap::new();
        // The province closes on Friday 13/3/2026; commune a opens that day again but closes
        // Monday 16/3.
        overrides.insert(
            "bn".to_owned(),
            vec![entry(date(2026, 3, 13), DayKind::Holiday)],
        );
        overrides.insert(
            "bn.a".to_owned(),
            vec![
                entry(date(2026, 3, 13), DayKind::MakeUpWorkday),
                entry(date(2026, 3, 16), DayKind::Holiday),
            ],
        );
        let mut hours = HashMap::new();
        let mut saturday = OfficeHours::default();
        saturday.periods[0].week.saturday = vec![Interval::hm(7, 30, 11, 30)];
        hours.insert("bn.b".to_owned(), saturday);
        let cals = Calendars::build(official_years().unwrap(), overrides, hours, 7).unwrap();
        let parents = tree();

        let national =
            cals.national()
                .due_instant(t("2026-03-12T09:00:00+07:00"), 1.0, TimeUnit::WorkingDays);
        assert_eq!(national.unwrap(), t("2026-03-13T09:00:00+07:00"));
        let province = cals.for_agency(&parents, "bn").unwrap().unwrap();
        assert_eq!(
            due(&province, "2026-03-12T09:00:00+07:00", 1.0),
            t("2026-03-16T09:00:00+07:00")
        );
        let a = cals.for_agency(&parents, "bn.a").unwrap().unwrap();
        assert_eq!(
            due(&a, "2026-03-12T09:00:00+07:00", 2.0),
            t("2026-03-17T09:00:00+07:00"),
            "open on 13/3 (own decision), closed on 16/3"
        );
        assert_eq!(a.decided_by[&date(2026, 3, 13)], "bn.a");
        // The service centre under a follows a exactly, sharing its compiled calendar.
        let tt = cals.for_agency(&parents, "bn.a.tt").unwrap().unwrap();
        assert!(Arc::ptr_eq(&tt.calendar, &a.calendar));
        assert_eq!(tt.hours_from, None);
        // b keeps the province's day off and has its own Saturday mornings.
        let b = cals.for_agency(&parents, "bn.b").unwrap().unwrap();
        assert_eq!(b.hours_from.as_deref(), Some("bn.b"));
        assert_eq!(b.decided_by[&date(2026, 3, 13)], "bn");
        assert_eq!(
            due(&b, "2026-03-12T13:00:00+07:00", 1.0),
            t("2026-03-14T11:30:00+07:00"),
            "240 minutes on Thursday, closed Friday, 240 on Saturday morning"
        );
        assert_eq!(cals.compiled_count(), 3);
        assert!(cals.for_agency(&parents, "nowhere").is_none());
        // A cycle in the data ends the walk instead of looping.
        let looped = cals.for_agency(&parents, "loop.x").unwrap().unwrap();
        assert!(Arc::ptr_eq(&looped.calendar, cals.national()));
        assert!(cals.is_stored(2026) && !cals.is_stored(2027));
    }
}
