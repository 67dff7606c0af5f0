//! Changing the calendar: the write operations behind `motcua calendar import` and
//! `motcua calendar office-hours`.
//!
//! They are plain functions over the store so that the authenticated administration routes can
//! call exactly the same code later (there are deliberately no HTTP write routes until
//! authentication exists). Each validates everything first and writes in one transaction; the
//! caller then reloads its [`super::CalendarHandle`] (other nodes notice the generation bump).

use motcua_core::calendar::{
    CalendarEntry, OfficeHours, WorkCalendar, YearCalendar, format_calendar_file,
    parse_calendar_file, parse_override_file,
};
use motcua_store::{CalendarDiff, ChangeMeta, Store, StoreError, diff_entries};

use super::{AgencyLookup, Calendars, query};
use crate::error::ServiceError;

/// Why a calendar change was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum CalendarWriteError {
    /// The data is not acceptable; the message names the line or field and says what to fix.
    #[error("{0}")]
    Invalid(String),
    /// No agency has this id.
    #[error("không có cơ quan với mã {0:?}")]
    UnknownAgency(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<CalendarWriteError> for ServiceError {
    fn from(e: CalendarWriteError) -> Self {
        match e {
            CalendarWriteError::Invalid(m) => Self::bad_request("invalid_calendar", m),
            CalendarWriteError::UnknownAgency(id) => Self::bad_request(
                "unknown_agency",
                format!("Không có cơ quan với mã {id:?}; xem danh sách tại /api/v1/agencies."),
            ),
            CalendarWriteError::Store(s) => s.into(),
        }
    }
}

/// What to import.
#[derive(Debug, Clone, Copy)]
pub struct ImportRequest<'a> {
    /// The calendar file's text (format: `data/calendar/PROVENANCE.md`).
    pub text: &'a str,
    /// `None`: national years. `Some(id)`: that agency's own overrides.
    pub agency: Option<&'a str>,
    /// The years the file replaces; `None` for the years present in the file. For an agency a
    /// listed year without rows clears its overrides of that year.
    pub years: Option<&'a [i32]>,
}

/// What an import changed.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// The agency, for an override import.
    pub agency: Option<String>,
    /// The years replaced.
    pub years: Vec<i32>,
    /// Day by day, against the stored data (a year stored for the first time is all added).
    pub diff: CalendarDiff,
    /// National years that had no stored data before, so deadlines used computed defaults.
    pub newly_stored: Vec<i32>,
}

fn check_agency(agencies: &(dyn AgencyLookup + Sync), id: &str) -> Result<(), CalendarWriteError> {
    match agencies.parent_of(id) {
        Some(_) => Ok(()),
        None => Err(CalendarWriteError::UnknownAgency(id.to_owned())),
    }
}

fn check_year(year: i32) -> Result<(), CalendarWriteError> {
    if (query::FIRST_YEAR..=query::LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(CalendarWriteError::Invalid(format!(
            "năm {year} nằm ngoài phạm vi lịch làm việc ({}–{})",
            query::FIRST_YEAR,
            query::LAST_YEAR
        )))
    }
}

/// A calendar file read and checked, ready to be compared or written.
struct Prepared {
    years: Vec<i32>,
    parsed: Vec<YearCalendar>,
    newly_stored: Vec<i32>,
}

impl Prepared {
    /// The days of an agency's override file, all years together.
    fn entries(&self) -> Vec<CalendarEntry> {
        self.parsed
            .iter()
            .flat_map(|y| y.entries.iter().cloned())
            .collect()
    }
}

/// Reads and checks a calendar file exactly as [`import_calendar`] does, without writing.
async fn prepare(
    store: &dyn Store,
    agencies: &(dyn AgencyLookup + Sync),
    request: &ImportRequest<'_>,
) -> Result<Prepared, CalendarWriteError> {
    if let Some(id) = request.agency {
        check_agency(agencies, id)?;
    }
    let parsed = match request.agency {
        None => parse_calendar_file(request.text),
        Some(_) => parse_override_file(request.text),
    }
    .map_err(|e| CalendarWriteError::Invalid(e.to_string()))?;
    let in_file: Vec<i32> = parsed.iter().map(|y| i32::from(y.year)).collect();
    let years: Vec<i32> = match request.years {
        None => in_file.clone(),
        Some(listed) => {
            if let Some(y) = in_file.iter().find(|y| !listed.contains(y)) {
                return Err(CalendarWriteError::Invalid(format!(
                    "tệp có dòng của năm {y}, nhưng năm này không nằm trong các năm được thay thế \
                     ({})",
                    listed
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            let mut listed = listed.to_vec();
            listed.sort_unstable();
            listed.dedup();
            listed
        }
    };
    if years.is_empty() {
        return Err(CalendarWriteError::Invalid(
            "tệp không có dòng dữ liệu nào (cần tiêu đề date,kind,occasion,status và các dòng ngày)"
                .to_owned(),
        ));
    }
    for &y in &years {
        check_year(y)?;
    }
    // The acceptance test of the data: the engine compiles it.
    let (first, last) = (years[0], years[years.len() - 1]);
    let mut prepared = Prepared {
        years,
        parsed,
        newly_stored: Vec::new(),
    };
    match request.agency {
        None => {
            if let Some(y) = prepared.years.iter().find(|y| !in_file.contains(y)) {
                return Err(CalendarWriteError::Invalid(format!(
                    "năm {y} không có dòng nào trong tệp: một năm của lịch quốc gia phải liệt kê \
                     đủ các ngày nghỉ"
                )));
            }
            WorkCalendar::compile(&prepared.parsed, &[], &OfficeHours::default(), first, last)
                .map_err(|e| CalendarWriteError::Invalid(e.to_string()))?;
            let stored: Vec<i32> = store
                .calendar_years()
                .await?
                .iter()
                .map(|y| i32::from(y.calendar.year))
                .collect();
            prepared.newly_stored = prepared
                .years
                .iter()
                .filter(|y| !stored.contains(y))
                .copied()
                .collect();
        }
        Some(_) => {
            WorkCalendar::compile(
                &[],
                &prepared.entries(),
                &OfficeHours::default(),
                first,
                last,
            )
            .map_err(|e| CalendarWriteError::Invalid(e.to_string()))?;
        }
    }
    Ok(prepared)
}

/// What [`import_calendar`] would change, day by day, against the stored data — nothing is
/// written. The administration page shows it before the import is confirmed.
pub async fn preview_calendar_import(
    store: &dyn Store,
    agencies: &(dyn AgencyLookup + Sync),
    request: &ImportRequest<'_>,
) -> Result<ImportOutcome, CalendarWriteError> {
    let prepared = prepare(store, agencies, request).await?;
    let in_years = |e: &&CalendarEntry| prepared.years.contains(&i32::from(e.date.year()));
    let before: Vec<CalendarEntry> = match request.agency {
        None => store
            .calendar_years()
            .await?
            .iter()
            .flat_map(|y| y.calendar.entries.iter())
            .filter(in_years)
            .cloned()
            .collect(),
        Some(id) => store
            .agency_calendar_days()
            .await?
            .get(id)
            .map(|days| days.iter().filter(in_years).cloned().collect())
            .unwrap_or_default(),
    };
    Ok(ImportOutcome {
        agency: request.agency.map(str::to_owned),
        diff: diff_entries(&before, &prepared.entries()),
        years: prepared.years,
        newly_stored: prepared.newly_stored,
    })
}

/// Imports a calendar file: national years (each year in the file replaces that whole year),
/// or one agency's overrides (replacing its own overrides in those years). Nothing is written
/// unless the whole file is valid.
pub async fn import_calendar(
    store: &dyn Store,
    agencies: &(dyn AgencyLookup + Sync),
    request: &ImportRequest<'_>,
    meta: &ChangeMeta,
) -> Result<ImportOutcome, CalendarWriteError> {
    let prepared = prepare(store, agencies, request).await?;
    let diff = match request.agency {
        None => store.replace_calendar_years(&prepared.parsed, meta).await?,
        Some(id) => {
            store
                .replace_agency_calendar_days(id, &prepared.years, &prepared.entries(), meta)
                .await?
        }
    };
    Ok(ImportOutcome {
        agency: request.agency.map(str::to_owned),
        years: prepared.years,
        diff,
        newly_stored: prepared.newly_stored,
    })
}

/// Sets one agency's office hours, or removes them with `None` so it inherits again. Returns
/// whether anything changed.
pub async fn set_office_hours(
    store: &dyn Store,
    agencies: &(dyn AgencyLookup + Sync),
    agency_id: &str,
    hours: Option<&OfficeHours>,
    meta: &ChangeMeta,
) -> Result<bool, CalendarWriteError> {
    check_agency(agencies, agency_id)?;
    if let Some(h) = hours {
        h.validate()
            .map_err(|e| CalendarWriteError::Invalid(e.to_string()))?;
    }
    Ok(store
        .set_agency_office_hours(agency_id, hours, meta)
        .await?)
}

/// Reads office hours from JSON (the shape of `GET`-able [`OfficeHours`]); errors name the
/// line, the column and the field.
pub fn parse_office_hours_json(text: &str) -> Result<OfficeHours, CalendarWriteError> {
    let hours: OfficeHours = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        // serde_json ends its message with "at line L column C"; we say it first, in Vietnamese.
        let problem = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(p, _)| p);
        CalendarWriteError::Invalid(format!("dòng {}, cột {}: {problem}", e.line(), e.column()))
    })?;
    hours
        .validate()
        .map_err(|e| CalendarWriteError::Invalid(e.to_string()))?;
    Ok(hours)
}

/// A year in the editable file format: the national year as in force (stored, or the computed
/// defaults to start from), or one agency's own overrides of that year.
pub fn export_calendar(
    calendars: &Calendars,
    agencies: &(dyn AgencyLookup + Sync),
    year: i32,
    agency: Option<&str>,
) -> Result<String, CalendarWriteError> {
    check_year(year)?;
    let y = i16::try_from(year).map_err(|_| CalendarWriteError::Invalid(year.to_string()))?;
    let (intro, cal) = match agency {
        None => {
            let cal = calendars
                .national()
                .year(year)
                .cloned()
                .ok_or_else(|| CalendarWriteError::Invalid(year.to_string()))?;
            let intro = if calendars.is_stored(year) {
                format!("# Lịch nghỉ năm {year} của cơ quan nhà nước, dữ liệu đang áp dụng.\n")
            } else {
                format!(
                    "# Lịch nghỉ năm {year}: CHƯA CÓ dữ liệu chính thức. Các dòng dưới đây do motcua \
                     tính theo Bộ luật Lao động\n# (status = default). Sửa theo thông báo của Chính \
                     phủ, đổi status thành confirmed, ghi số văn bản vào cột source, rồi nhập lại:\n\
                     #   motcua calendar import {year}.csv\n"
                )
            };
            (intro, cal)
        }
        Some(id) => {
            check_agency(agencies, id)?;
            let entries: Vec<CalendarEntry> = calendars
                .own_overrides(id)
                .iter()
                .filter(|e| e.date.year() == y)
                .cloned()
                .collect();
            let intro = format!(
                "# Ngày nghỉ, ngày làm việc riêng của cơ quan {id} năm {year} (chỉ các quyết định \
                 của chính cơ quan này,\n# không gồm lịch quốc gia và quyết định của cơ quan cấp \
                 trên). Nhập lại bằng:\n#   motcua calendar import FILE --agency {id} --years {year}\n"
            );
            (intro, YearCalendar { year: y, entries })
        }
    };
    Ok(format!("{intro}{}", format_calendar_file(&[cal])))
}

/// Who the change log names for the shipped data.
pub const SHIPPED_BY: &str = "motcua";

/// Stores the official years shipped with motcua (`data/calendar/vn-public-sector.csv`) that
/// the database does not have yet; returns the years added. Runs at every start, with or
/// without demo data: the official calendar is not demo data, and a new release's additional
/// years arrive this way. A year already in the database (seeded earlier, or imported by an
/// administrator) is never overwritten.
pub async fn seed_official_years(
    store: &dyn Store,
    now: jiff::Timestamp,
) -> Result<Vec<i32>, CalendarWriteError> {
    let shipped = motcua_core::calendar::official_years()
        .map_err(|e| CalendarWriteError::Invalid(format!("lịch kèm theo phần mềm: {e}")))?;
    let meta = ChangeMeta {
        by: SHIPPED_BY.to_owned(),
        at: now,
        note: "Lịch chính thức kèm theo phần mềm (data/calendar/vn-public-sector.csv)".to_owned(),
    };
    Ok(store.add_missing_calendar_years(&shipped, &meta).await?)
}
