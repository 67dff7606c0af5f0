//! One year of the public-sector calendar as dated data, and its file format.
//!
//! Holidays are decided every year (Labour Code 2019 Art. 112.3: the Prime Minister picks the
//! Tết days and the second National Day; the Ministry of Home Affairs announces swaps), so they
//! are data an administrator maintains, never constants in code (DESIGN.md principle 1).
//!
//! # File format
//!
//! One UTF-8 CSV file (RFC 4180 quoting) holds any number of years. Lines starting with `#` and
//! blank lines are ignored. The first other line is the header; columns may come in any order:
//!
//! | column | required | content |
//! |---|---|---|
//! | `date` | yes | `YYYY-MM-DD` |
//! | `kind` | yes | `holiday`, `compensatory_day_off`, `swapped_day_off`, `weekend_in_break`, `make_up_workday` |
//! | `occasion` | yes | Vietnamese name shown to applicants, e.g. `Tết Nguyên đán Bính Ngọ` |
//! | `status` | yes | `confirmed`, `statutory`, `reported`, `default` |
//! | `weekday` | no | `Thứ Hai` … `Chủ nhật`; when given it must match the date (catches typos) |
//! | `replaces` | no | for a swap: the make-up Saturday of a `swapped_day_off`, or the day off a `make_up_workday` makes up for |
//! | `source` | no | the notice or law, e.g. `Công văn 12729/VPCP-KGVX (25/12/2025)` |
//! | `note` | no | anything else |
//!
//! A year that appears in a file is **complete**: it replaces the computed defaults for that
//! whole year, so list every day off of the year (use [`super::default_year`] as a starting point).

use std::collections::{BTreeMap, HashMap};

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use crate::text::{char_len, clean_line};

/// What kind of day a calendar entry describes (DOMAIN.md glossary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A statutory holiday (ngày nghỉ lễ, tết), including the chosen Tết days.
    Holiday,
    /// Nghỉ bù: given because a holiday fell on a weekly rest day (Labour Code Art. 111.3).
    CompensatoryDayOff,
    /// Hoán đổi: a working day moved to a Saturday, which becomes a [`Self::MakeUpWorkday`].
    SwappedDayOff,
    /// A Saturday or Sunday inside an announced break; off anyway, listed so the break reads as
    /// the notice wrote it ("nghỉ từ … đến hết …").
    WeekendInBreak,
    /// Làm bù: a Saturday (or other rest day) worked to make up for a swapped day.
    MakeUpWorkday,
}

impl DayKind {
    /// All kinds, in file order.
    pub const ALL: [Self; 5] = [
        Self::Holiday,
        Self::CompensatoryDayOff,
        Self::SwappedDayOff,
        Self::WeekendInBreak,
        Self::MakeUpWorkday,
    ];

    /// The identifier used in files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::CompensatoryDayOff => "compensatory_day_off",
            Self::SwappedDayOff => "swapped_day_off",
            Self::WeekendInBreak => "weekend_in_break",
            Self::MakeUpWorkday => "make_up_workday",
        }
    }

    /// Parses the identifier.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// The Vietnamese label shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Holiday => "Nghỉ lễ, tết",
            Self::CompensatoryDayOff => "Nghỉ bù",
            Self::SwappedDayOff => "Nghỉ hoán đổi",
            Self::WeekendInBreak => "Cuối tuần trong kỳ nghỉ",
            Self::MakeUpWorkday => "Làm việc bù",
        }
    }

    /// Whether the office is closed on a day of this kind.
    pub fn is_day_off(self) -> bool {
        !matches!(self, Self::MakeUpWorkday)
    }
}

/// How sure we are of an entry. Shown next to every deadline that depends on it, so a deadline
/// computed from a default or a press report is never presented as official.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// The date appears in a cited official notice (or a press report quoting it).
    Confirmed,
    /// No special decision is needed or was found: the date follows from the Labour Code
    /// (a holiday on a weekday, a compensatory day on the next working day).
    Statutory,
    /// Reported by the press, but the official text has not been checked. Correct it when the
    /// notice is found.
    Reported,
    /// Computed by motcua from the Labour Code because no official data was entered for the year.
    Default,
}

impl EntryStatus {
    /// All statuses, in file order.
    pub const ALL: [Self; 4] = [
        Self::Confirmed,
        Self::Statutory,
        Self::Reported,
        Self::Default,
    ];

    /// The identifier used in files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Statutory => "statutory",
            Self::Reported => "reported",
            Self::Default => "default",
        }
    }

    /// Parses the identifier.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    /// The Vietnamese label shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Confirmed => "đã có văn bản",
            Self::Statutory => "theo Bộ luật Lao động",
            Self::Reported => "theo báo chí, chưa đối chiếu văn bản",
            Self::Default => "dự kiến (tính theo luật, chưa có thông báo)",
        }
    }
}

/// One dated calendar entry: a day off, or a make-up working day.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CalendarEntry {
    /// The day.
    pub date: Date,
    /// What kind of day it is.
    pub kind: DayKind,
    /// The occasion, in Vietnamese (e.g. "Tết Nguyên đán Bính Ngọ").
    pub occasion: String,
    /// How sure we are of it.
    pub status: EntryStatus,
    /// For a swap: the other day of the pair (see the file format).
    pub replaces: Option<Date>,
    /// Where it comes from (notice number, law article, press report).
    pub source: String,
    /// Anything else an administrator should know.
    pub note: String,
}

impl CalendarEntry {
    /// Checks the rules a national calendar entry must follow. Per-agency overrides are not held
    /// to them (an agency may open on a holiday), so [`super::WorkCalendar::compile`] does not
    /// call this; the file parser does.
    pub fn check(&self) -> Result<(), EntryProblem> {
        let weekend = matches!(self.date.weekday(), Weekday::Saturday | Weekday::Sunday);
        match self.kind {
            DayKind::WeekendInBreak | DayKind::MakeUpWorkday if !weekend => {
                return Err(EntryProblem::NotAWeekend {
                    kind: self.kind,
                    date: self.date,
                });
            }
            DayKind::CompensatoryDayOff | DayKind::SwappedDayOff if weekend => {
                return Err(EntryProblem::NotAWeekday {
                    kind: self.kind,
                    date: self.date,
                });
            }
            _ => {}
        }
        self.check_text()
    }

    /// The rules every entry follows, national or per-agency: an occasion is named and no text
    /// is longer than the limits.
    pub fn check_text(&self) -> Result<(), EntryProblem> {
        if self.occasion.is_empty() {
            return Err(EntryProblem::Missing("occasion"));
        }
        for (field, value, max) in [
            ("occasion", &self.occasion, limits::OCCASION),
            ("source", &self.source, limits::TEXT),
            ("note", &self.note, limits::TEXT),
        ] {
            let len = char_len(value);
            if len > max {
                return Err(EntryProblem::TooLong { field, len, max });
            }
        }
        Ok(())
    }
}

/// Text limits for calendar files.
pub mod limits {
    /// Longest occasion name, in characters.
    pub const OCCASION: usize = 200;
    /// Longest source or note, in characters.
    pub const TEXT: usize = 2_000;
    /// Most rows in one file (about 40 rows a year for a century is ~4,000).
    pub const ROWS: usize = 20_000;
}

/// One year's public-sector days off and make-up working days, sorted by date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearCalendar {
    /// The solar year; every entry's date lies in it.
    pub year: i16,
    /// The entries, sorted by date, at most one per date.
    pub entries: Vec<CalendarEntry>,
}

impl YearCalendar {
    /// The entry for a date, if any.
    pub fn entry(&self, date: Date) -> Option<&CalendarEntry> {
        self.entries
            .binary_search_by_key(&date, |e| e.date)
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// The days the office is closed besides ordinary weekends.
    pub fn days_off(&self) -> impl Iterator<Item = &CalendarEntry> {
        self.entries.iter().filter(|e| e.kind.is_day_off())
    }

    /// The make-up working days.
    pub fn make_up_workdays(&self) -> impl Iterator<Item = &CalendarEntry> {
        self.entries
            .iter()
            .filter(|e| e.kind == DayKind::MakeUpWorkday)
    }
}

/// Something wrong with one entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryProblem {
    /// A required field is empty.
    #[error("cột {0} không được để trống")]
    Missing(&'static str),
    /// A text is too long.
    #[error("cột {field} dài {len} ký tự, vượt giới hạn {max}")]
    TooLong {
        /// Column.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A kind that only makes sense on a Saturday or Sunday is on a weekday.
    #[error("loại {} chỉ dùng cho Thứ Bảy hoặc Chủ nhật, nhưng {date} là {}", kind.as_str(), weekday_vi(date.weekday()))]
    NotAWeekend {
        /// The kind.
        kind: DayKind,
        /// The date.
        date: Date,
    },
    /// A kind that only makes sense on a weekday is on a Saturday or Sunday.
    #[error("loại {} chỉ dùng cho ngày trong tuần (Thứ Hai–Thứ Sáu), nhưng {date} là {}", kind.as_str(), weekday_vi(date.weekday()))]
    NotAWeekday {
        /// The kind.
        kind: DayKind,
        /// The date.
        date: Date,
    },
}

/// A calendar file could not be read. The message names the line and the problem, because an
/// administrator fixes the file by hand (`motcua calendar import FILE`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("dòng {line}: {problem}")]
pub struct CalendarFileError {
    /// 1-based line number in the file.
    pub line: usize,
    /// What is wrong, in Vietnamese.
    pub problem: String,
}

impl CalendarFileError {
    fn new(line: usize, problem: impl Into<String>) -> Self {
        Self {
            line,
            problem: problem.into(),
        }
    }
}

const COLUMNS: [&str; 8] = [
    "date", "weekday", "kind", "occasion", "status", "replaces", "source", "note",
];
const REQUIRED: [&str; 4] = ["date", "kind", "occasion", "status"];

/// Parses a calendar file (format in the module documentation) into years sorted by year.
///
/// Pure: the CLI reads the file and the server embeds the shipped one; both call this, so the
/// rules are checked the same way everywhere. The first problem found is returned with its line.
pub fn parse_calendar_file(text: &str) -> Result<Vec<YearCalendar>, CalendarFileError> {
    parse_file(text, Rules::National)
}

/// Parses a file of one agency's overrides: the same format as [`parse_calendar_file`], but
/// without the weekday rules of the national calendar, because an agency may decide anything
/// for its own desk (open on a holiday with `make_up_workday` on a weekday, close on a Saturday
/// it would otherwise work). Text limits, dates, duplicates and swap pairs are still checked.
pub fn parse_override_file(text: &str) -> Result<Vec<YearCalendar>, CalendarFileError> {
    parse_file(text, Rules::Override)
}

/// Which entry rules a file is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rules {
    /// The national calendar: [`CalendarEntry::check`].
    National,
    /// One agency's overrides: [`CalendarEntry::check_text`].
    Override,
}

fn parse_file(text: &str, rules: Rules) -> Result<Vec<YearCalendar>, CalendarFileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records =
        crate::csv::records(text).map_err(|e| CalendarFileError::new(e.line, e.problem))?;
    let mut records = records.into_iter().filter(|(_, fields)| {
        !(fields.len() == 1 && fields.first().is_some_and(|f| f.trim().is_empty()))
    });
    let Some((header_line, header)) = records.next() else {
        return Err(CalendarFileError::new(
            1,
            "tệp trống: thiếu dòng tiêu đề (date,kind,occasion,status,…)",
        ));
    };
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        let Some(&known) = COLUMNS.iter().find(|&&c| c == name) else {
            return Err(CalendarFileError::new(
                header_line,
                format!("cột lạ '{name}' (các cột hợp lệ: {})", COLUMNS.join(", ")),
            ));
        };
        if index.insert(known, i).is_some() {
            return Err(CalendarFileError::new(
                header_line,
                format!("cột '{name}' bị lặp"),
            ));
        }
    }
    if let Some(missing) = REQUIRED.iter().find(|c| !index.contains_key(*c)) {
        return Err(CalendarFileError::new(
            header_line,
            format!("thiếu cột bắt buộc '{missing}'"),
        ));
    }

    let mut entries: BTreeMap<Date, (usize, CalendarEntry)> = BTreeMap::new();
    for (line, fields) in records {
        if entries.len() >= limits::ROWS {
            return Err(CalendarFileError::new(
                line,
                format!("quá nhiều dòng (tối đa {})", limits::ROWS),
            ));
        }
        if fields.len() != header.len() {
            return Err(CalendarFileError::new(
                line,
                format!("có {} cột, tiêu đề có {} cột", fields.len(), header.len()),
            ));
        }
        let entry = parse_row(
            &Row {
                index: &index,
                fields: &fields,
            },
            rules,
        )
        .map_err(|p| CalendarFileError::new(line, p))?;
        if let Some((first, _)) = entries.get(&entry.date) {
            return Err(CalendarFileError::new(
                line,
                format!("ngày {} đã có ở dòng {first}", entry.date),
            ));
        }
        entries.insert(entry.date, (line, entry));
    }

    // A swap pair must point at a day of the right kind, both ways when both say so.
    for (line, entry) in entries.values() {
        let Some(other) = entry.replaces else {
            continue;
        };
        let expected = match entry.kind {
            DayKind::MakeUpWorkday => DayKind::SwappedDayOff,
            DayKind::SwappedDayOff => DayKind::MakeUpWorkday,
            kind => {
                return Err(CalendarFileError::new(
                    *line,
                    format!(
                        "cột replaces chỉ dùng cho swapped_day_off và make_up_workday, không cho {}",
                        kind.as_str()
                    ),
                ));
            }
        };
        match entries.get(&other) {
            Some((_, o)) if o.kind == expected => {
                if o.replaces.is_some_and(|back| back != entry.date) {
                    return Err(CalendarFileError::new(
                        *line,
                        format!(
                            "ngày {other} ghi replaces là ngày khác, không phải {}",
                            entry.date
                        ),
                    ));
                }
            }
            _ => {
                return Err(CalendarFileError::new(
                    *line,
                    format!(
                        "replaces = {other}, nhưng trong tệp không có dòng {} cho ngày đó",
                        expected.as_str()
                    ),
                ));
            }
        }
    }

    let mut years: BTreeMap<i16, Vec<CalendarEntry>> = BTreeMap::new();
    for (_, entry) in entries.into_values() {
        years.entry(entry.date.year()).or_default().push(entry);
    }
    Ok(years
        .into_iter()
        .map(|(year, entries)| YearCalendar { year, entries })
        .collect())
}

/// One data line, looked up by column name.
struct Row<'a> {
    index: &'a HashMap<&'static str, usize>,
    fields: &'a [String],
}

impl Row<'_> {
    fn get(&self, name: &str) -> &str {
        self.index
            .get(name)
            .and_then(|&i| self.fields.get(i))
            .map_or("", |s| s.trim())
    }
}

fn parse_row(row: &Row<'_>, rules: Rules) -> Result<CalendarEntry, String> {
    let get = |name: &str| row.get(name);
    let date = parse_date(get("date"), "date")?;
    let kind = DayKind::parse(get("kind")).ok_or_else(|| {
        let valid: Vec<_> = DayKind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "loại ngày '{}' không hợp lệ (chọn một trong: {})",
            get("kind"),
            valid.join(", ")
        )
    })?;
    let status = EntryStatus::parse(get("status")).ok_or_else(|| {
        let valid: Vec<_> = EntryStatus::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "trạng thái '{}' không hợp lệ (chọn một trong: {})",
            get("status"),
            valid.join(", ")
        )
    })?;
    let weekday = get("weekday");
    if !weekday.is_empty()
        && clean_line(weekday).to_lowercase() != weekday_vi(date.weekday()).to_lowercase()
    {
        return Err(format!(
            "ngày {date} là {}, không phải '{weekday}' (kiểm tra lại ngày hoặc cột weekday)",
            weekday_vi(date.weekday())
        ));
    }
    let replaces = match get("replaces") {
        "" => None,
        s => Some(parse_date(s, "replaces")?),
    };
    let entry = CalendarEntry {
        date,
        kind,
        occasion: clean_line(get("occasion")),
        status,
        replaces,
        source: clean_line(get("source")),
        note: clean_line(get("note")),
    };
    match rules {
        Rules::National => entry.check(),
        Rules::Override => entry.check_text(),
    }
    .map_err(|p| p.to_string())?;
    Ok(entry)
}

fn parse_date(s: &str, column: &str) -> Result<Date, String> {
    let valid_shape =
        s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') && s.as_bytes().get(7) == Some(&b'-');
    match s.parse::<Date>() {
        Ok(d) if valid_shape => Ok(d),
        _ => Err(format!(
            "cột {column}: '{s}' không phải ngày hợp lệ dạng YYYY-MM-DD"
        )),
    }
}

/// Writes years in the file format, with the optional columns, so that the CLI can export the
/// compiled or default calendar for an administrator to edit. `parse_calendar_file` reads it back
/// unchanged.
pub fn format_calendar_file(years: &[YearCalendar]) -> String {
    let mut out = String::from(
        "# motcua public-sector calendar. Columns: see data/calendar/PROVENANCE.md.\n\
         date,weekday,kind,occasion,status,replaces,source,note\n",
    );
    for entry in years.iter().flat_map(|y| &y.entries) {
        let replaces = entry.replaces.map(|d| d.to_string()).unwrap_or_default();
        let fields = [
            entry.date.to_string(),
            weekday_vi(entry.date.weekday()).to_owned(),
            entry.kind.as_str().to_owned(),
            entry.occasion.clone(),
            entry.status.as_str().to_owned(),
            replaces,
            entry.source.clone(),
            entry.note.clone(),
        ];
        let quoted: Vec<String> = fields.iter().map(|f| crate::csv::quote(f)).collect();
        out.push_str(&quoted.join(","));
        out.push('\n');
    }
    out
}

/// The Vietnamese weekday name ("Thứ Hai" … "Chủ nhật").
pub fn weekday_vi(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "Thứ Hai",
        Weekday::Tuesday => "Thứ Ba",
        Weekday::Wednesday => "Thứ Tư",
        Weekday::Thursday => "Thứ Năm",
        Weekday::Friday => "Thứ Sáu",
        Weekday::Saturday => "Thứ Bảy",
        Weekday::Sunday => "Chủ nhật",
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    const SAMPLE: &str = "\
# a comment, with \"quotes\"
date,weekday,kind,occasion,status,replaces,source,note

2026-01-01,Thứ Năm,holiday,Tết Dương lịch,confirmed,,\"Công văn 12729/VPCP-KGVX (25/12/2025)\",
2026-01-02,Thứ Sáu,swapped_day_off,Tết Dương lịch,confirmed,2026-01-10,\"a, b\",\"say \"\"hi\"\"\"
2026-01-10,Thứ Bảy,make_up_workday,Tết Dương lịch,confirmed,2026-01-02,,
2025-01-01,Thứ Tư,holiday,Tết Dương lịch,confirmed,,,
";

    #[test]
    fn parses_years_sorted_with_quotes_and_comments() {
        let years = parse_calendar_file(SAMPLE).unwrap();
        assert_eq!(
            years.iter().map(|y| y.year).collect::<Vec<_>>(),
            [2025, 2026]
        );
        let y = &years[1];
        assert_eq!(y.entries.len(), 3);
        let swap = y.entry(date(2026, 1, 2)).unwrap();
        assert_eq!(swap.kind, DayKind::SwappedDayOff);
        assert_eq!(swap.replaces, Some(date(2026, 1, 10)));
        assert_eq!(swap.source, "a, b");
        assert_eq!(swap.note, "say \"hi\"");
        assert_eq!(y.make_up_workdays().count(), 1);
        assert_eq!(y.days_off().count(), 2);
    }

    #[test]
    fn format_then_parse_is_identity() {
        let years = parse_calendar_file(SAMPLE).unwrap();
        let text = format_calendar_file(&years);
        assert_eq!(parse_calendar_file(&text).unwrap(), years);
    }

    fn error_of(body: &str) -> CalendarFileError {
        parse_calendar_file(&format!(
            "date,weekday,kind,occasion,status,replaces,source,note\n{body}"
        ))
        .unwrap_err()
    }

    #[test]
    fn errors_name_the_line_and_the_problem() {
        let e = error_of("2026-02-30,,holiday,X,confirmed,,,\n");
        assert_eq!(e.line, 2);
        assert!(
            e.to_string().starts_with("dòng 2: cột date: '2026-02-30'"),
            "{e}"
        );

        let e = error_of("2026-01-01,,holiday,X,confirmed,,,\n2026-01-05,,holidy,X,confirmed,,,\n");
        assert_eq!(e.line, 3);
        assert!(e.problem.contains("'holidy'"), "{e}");

        let e = error_of("2026-01-01,,holiday,X,sure,,,\n");
        assert!(e.problem.contains("trạng thái 'sure'"), "{e}");

        let e = error_of("2026-01-01,Thứ Sáu,holiday,X,confirmed,,,\n");
        assert!(e.problem.contains("là Thứ Năm"), "{e}");

        let e =
            error_of("2026-01-01,,holiday,X,confirmed,,,\n2026-01-01,,holiday,Y,confirmed,,,\n");
        assert_eq!(
            (e.line, e.problem.as_str()),
            (3, "ngày 2026-01-01 đã có ở dòng 2")
        );

        let e = error_of("2026-01-05,,make_up_workday,X,confirmed,,,\n");
        assert!(
            e.problem.contains("chỉ dùng cho Thứ Bảy hoặc Chủ nhật"),
            "{e}"
        );

        let e = error_of("2026-01-04,,compensatory_day_off,X,confirmed,,,\n");
        assert!(e.problem.contains("chỉ dùng cho ngày trong tuần"), "{e}");

        let e = error_of("2026-01-01,,holiday,,confirmed,,,\n");
        assert!(e.problem.contains("occasion"), "{e}");

        let e = error_of("2026-01-01,,holiday,X,confirmed,,\n");
        assert!(e.problem.contains("có 7 cột, tiêu đề có 8 cột"), "{e}");

        let e = error_of("2026-01-10,,make_up_workday,X,confirmed,2026-01-02,,\n");
        assert!(e.problem.contains("không có dòng swapped_day_off"), "{e}");

        let e = error_of("2026-01-01,,holiday,\"X,confirmed,,,\n");
        assert_eq!(e.line, 2);
        assert!(e.problem.contains("ngoặc kép đóng"), "{e}");

        let e = parse_calendar_file("date,kind,occasion\n").unwrap_err();
        assert_eq!(
            (e.line, e.problem.as_str()),
            (1, "thiếu cột bắt buộc 'status'")
        );
        let e = parse_calendar_file("date,kind,occasion,status,colour\n").unwrap_err();
        assert!(e.problem.starts_with("cột lạ 'colour'"), "{e}");
        let e = parse_calendar_file("# only a comment\n").unwrap_err();
        assert!(e.problem.contains("tệp trống"), "{e}");
    }

    #[test]
    fn override_files_skip_only_the_weekday_rules() {
        // An agency staffing its desk on a Tết Friday, and closing on a Saturday.
        let text = "date,kind,occasion,status\n\
                    2026-02-20,make_up_workday,Trực Tết,confirmed\n\
                    2026-03-14,compensatory_day_off,Nghỉ của cơ quan,confirmed\n";
        assert!(parse_calendar_file(text).is_err());
        let years = parse_override_file(text).unwrap();
        assert_eq!(years[0].entries.len(), 2);
        let e = parse_override_file("date,kind,occasion,status\n2026-02-20,holiday,,confirmed\n")
            .unwrap_err();
        assert!(e.problem.contains("occasion"), "{e}");
        let e = parse_override_file(
            "date,kind,occasion,status\n2026-02-20,holiday,X,confirmed\n2026-02-20,holiday,Y,confirmed\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn minimal_columns_in_any_order_and_crlf() {
        let years = parse_calendar_file(
            "status,date,occasion,kind\r\nconfirmed,2027-01-01,Tết Dương lịch,holiday\r\n",
        )
        .unwrap();
        assert_eq!(years[0].entries[0].date, date(2027, 1, 1));
        assert_eq!(years[0].entries[0].source, "");
    }
}
