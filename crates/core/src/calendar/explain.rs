//! Why a deadline falls where it does, in words an applicant can read.
//!
//! Every [`super::Due`] lists the days it skipped between the receipt and the due instant (and
//! any make-up Saturday it counted), each with a machine kind and a Vietnamese label, e.g.
//! `{"date":"2026-02-16","kind":"holiday","label":"Nghỉ Tết Nguyên đán Bính Ngọ","occasion":"Tết Nguyên đán Bính Ngọ","status":"confirmed"}`.
//! Labels are built once when the calendar is compiled and shared (`Arc<str>`), so explaining a
//! deadline costs a few pointer copies, not string formatting.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use super::year::weekday_vi;
use super::{CalendarEntry, DayKind, EntryStatus};

/// Why a day was skipped (or, for [`Self::MakeUpWorkday`], counted although it is a Saturday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayNoteKind {
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A holiday (with its occasion in the label).
    Holiday,
    /// Nghỉ bù.
    CompensatoryDayOff,
    /// Hoán đổi: a weekday off whose work moved to a Saturday.
    SwappedDayOff,
    /// A Saturday or Sunday inside an announced break.
    WeekendInBreak,
    /// A weekday on which the office has no hours in its schedule.
    Closed,
    /// A make-up working Saturday, counted as a working day.
    MakeUpWorkday,
}

impl DayNoteKind {
    /// Whether the day was counted as working time.
    pub fn is_working(self) -> bool {
        matches!(self, Self::MakeUpWorkday)
    }

    fn of(kind: DayKind) -> Self {
        match kind {
            DayKind::Holiday => Self::Holiday,
            DayKind::CompensatoryDayOff => Self::CompensatoryDayOff,
            DayKind::SwappedDayOff => Self::SwappedDayOff,
            DayKind::WeekendInBreak => Self::WeekendInBreak,
            DayKind::MakeUpWorkday => Self::MakeUpWorkday,
        }
    }
}

/// One day in an explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "DayNoteRepr", from = "DayNoteRepr")]
pub struct DayNote {
    /// The day.
    pub date: Date,
    /// Why it was skipped or counted.
    pub kind: DayNoteKind,
    /// How sure the calendar is of it; `None` for ordinary weekends and closed weekdays.
    pub status: Option<EntryStatus>,
    label: Arc<str>,
    occasion: Option<Arc<str>>,
}

impl DayNote {
    /// The Vietnamese label shown to applicants ("Nghỉ Tết Nguyên đán Bính Ngọ").
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The occasion of a calendar entry ("Tết Nguyên đán Bính Ngọ"); `None` for plain weekends.
    pub fn occasion(&self) -> Option<&str> {
        self.occasion.as_deref()
    }

    /// The note for a calendar entry.
    pub(crate) fn for_entry(entry: &CalendarEntry) -> Self {
        let occasion = &entry.occasion;
        let weekday = weekday_vi(entry.date.weekday());
        let label = match (entry.kind, entry.replaces) {
            (DayKind::Holiday, _) => format!("Nghỉ {occasion}"),
            (DayKind::CompensatoryDayOff, _) => format!("Nghỉ bù {occasion}"),
            (DayKind::SwappedDayOff, Some(other)) => {
                format!(
                    "Nghỉ hoán đổi dịp {occasion} (làm bù {} {})",
                    weekday_vi(other.weekday()),
                    dmy(other)
                )
            }
            (DayKind::SwappedDayOff, None) => format!("Nghỉ hoán đổi dịp {occasion}"),
            (DayKind::WeekendInBreak, _) => format!("{weekday} trong kỳ nghỉ {occasion}"),
            (DayKind::MakeUpWorkday, Some(other)) => {
                format!(
                    "{weekday} làm việc bù cho ngày {} (dịp {occasion})",
                    dmy(other)
                )
            }
            (DayKind::MakeUpWorkday, None) => format!("{weekday} làm việc bù (dịp {occasion})"),
        };
        Self {
            date: entry.date,
            kind: DayNoteKind::of(entry.kind),
            status: Some(entry.status),
            label: label.into(),
            occasion: Some(occasion.as_str().into()),
        }
    }

    /// The note for a day without an entry and without office hours.
    pub(crate) fn for_plain_day(date: Date, labels: &PlainLabels) -> Self {
        let (kind, label) = match date.weekday() {
            Weekday::Saturday => (DayNoteKind::Weekend, labels.saturday.clone()),
            Weekday::Sunday => (DayNoteKind::Weekend, labels.sunday.clone()),
            w => (
                DayNoteKind::Closed,
                labels.closed[w.to_monday_zero_offset() as usize % 5].clone(),
            ),
        };
        Self {
            date,
            kind,
            status: None,
            label,
            occasion: None,
        }
    }
}

/// Shared labels for ordinary weekends and closed weekdays.
#[derive(Debug, Clone)]
pub(crate) struct PlainLabels {
    saturday: Arc<str>,
    sunday: Arc<str>,
    closed: [Arc<str>; 5],
}

impl Default for PlainLabels {
    fn default() -> Self {
        let closed =
            |w: Weekday| -> Arc<str> { format!("Không làm việc ({})", weekday_vi(w)).into() };
        Self {
            saturday: "Nghỉ cuối tuần (Thứ Bảy)".into(),
            sunday: "Nghỉ cuối tuần (Chủ nhật)".into(),
            closed: [
                closed(Weekday::Monday),
                closed(Weekday::Tuesday),
                closed(Weekday::Wednesday),
                closed(Weekday::Thursday),
                closed(Weekday::Friday),
            ],
        }
    }
}

#[derive(Serialize, Deserialize)]
struct DayNoteRepr {
    date: Date,
    kind: DayNoteKind,
    label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    occasion: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<EntryStatus>,
}

impl From<DayNote> for DayNoteRepr {
    fn from(n: DayNote) -> Self {
        Self {
            date: n.date,
            kind: n.kind,
            label: n.label.to_string(),
            occasion: n.occasion.as_deref().map(str::to_owned),
            status: n.status,
        }
    }
}

impl From<DayNoteRepr> for DayNote {
    fn from(r: DayNoteRepr) -> Self {
        Self {
            date: r.date,
            kind: r.kind,
            status: r.status,
            label: r.label.into(),
            occasion: r.occasion.map(Into::into),
        }
    }
}

/// A due instant moved by a rule rather than counted (calendar-day and month limits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueAdjustment {
    /// Where plain counting ended.
    pub from: Timestamp,
    /// The rule, in Vietnamese, as shown to the applicant.
    pub label: String,
}

/// Why a deadline falls where it does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// The receipt was outside office hours, so counting began at the next opening
    /// ([`super::Due::start`]).
    pub start_deferred: bool,
    /// Days without working time between the receipt and the due instant, in date order.
    pub skipped: Vec<DayNote>,
    /// Make-up working Saturdays counted as working days.
    pub make_up_days: Vec<DayNote>,
    /// Set when the due instant was moved by a rule (a calendar-day limit ending on a day off).
    pub adjustment: Option<DueAdjustment>,
}

impl Explanation {
    /// A one-paragraph Vietnamese summary for receipts and the portal, e.g.
    /// "Không tính 2 ngày nghỉ cuối tuần; kỳ nghỉ Tết Nguyên đán Bính Ngọ (14/02–22/02/2026, 9 ngày)."
    pub fn summary_vi(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if self.start_deferred {
            parts.push(
                "Hồ sơ nhận ngoài giờ làm việc: thời hạn tính từ giờ mở cửa tiếp theo".to_owned(),
            );
        }
        let weekends = self
            .skipped
            .iter()
            .filter(|n| n.kind == DayNoteKind::Weekend)
            .count();
        let mut skipped: Vec<String> = Vec::new();
        if weekends > 0 {
            skipped.push(format!("{weekends} ngày nghỉ cuối tuần"));
        }
        // Consecutive days of one occasion (weekend in the break, holiday, nghỉ bù, swapped day)
        // become one "kỳ nghỉ" range.
        let mut i = 0;
        let others: Vec<&DayNote> = self
            .skipped
            .iter()
            .filter(|n| n.kind != DayNoteKind::Weekend)
            .collect();
        while let Some(first) = others.get(i) {
            let mut j = i;
            while let (Some(a), Some(b)) = (others.get(j), others.get(j + 1)) {
                let next_day = a.date.tomorrow().is_ok_and(|d| d == b.date);
                if !next_day || first.occasion.is_none() || b.occasion != first.occasion {
                    break;
                }
                j += 1;
            }
            let last = others.get(j).map_or(first.date, |n| n.date);
            match first.occasion.as_deref() {
                Some(occasion) if last != first.date => {
                    skipped.push(format!(
                        "kỳ nghỉ {occasion} ({}–{}, {} ngày)",
                        dm(first.date),
                        dmy(last),
                        j - i + 1
                    ));
                }
                _ => skipped.push(format!("{} ({})", first.label, dmy(first.date))),
            }
            i = j + 1;
        }
        if !skipped.is_empty() {
            parts.push(format!("Không tính {}", skipped.join("; ")));
        }
        for n in &self.make_up_days {
            parts.push(format!("Có tính {}", n.label));
        }
        if let Some(a) = &self.adjustment {
            parts.push(a.label.clone());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("{}.", parts.join(". "))
        }
    }
}

/// `dd/mm/yyyy`, the way Vietnamese notices write dates.
pub(crate) fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

fn dm(d: Date) -> String {
    format!("{:02}/{:02}", d.day(), d.month())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn entry(d: Date, kind: DayKind, replaces: Option<Date>) -> CalendarEntry {
        CalendarEntry {
            date: d,
            kind,
            occasion: "Tết Dương lịch".into(),
            status: EntryStatus::Confirmed,
            replaces,
            source: String::new(),
            note: String::new(),
        }
    }

    #[test]
    fn labels_and_json_shape() {
        let n = DayNote::for_entry(&CalendarEntry {
            occasion: "Tết Nguyên đán Bính Ngọ".into(),
            ..entry(date(2026, 2, 16), DayKind::Holiday, None)
        });
        assert_eq!(
            serde_json::to_string(&n).unwrap(),
            r#"{"date":"2026-02-16","kind":"holiday","label":"Nghỉ Tết Nguyên đán Bính Ngọ","occasion":"Tết Nguyên đán Bính Ngọ","status":"confirmed"}"#
        );
        let back: DayNote = serde_json::from_str(&serde_json::to_string(&n).unwrap()).unwrap();
        assert_eq!(back, n);

        let swap = DayNote::for_entry(&entry(
            date(2026, 1, 2),
            DayKind::SwappedDayOff,
            Some(date(2026, 1, 10)),
        ));
        assert_eq!(
            swap.label(),
            "Nghỉ hoán đổi dịp Tết Dương lịch (làm bù Thứ Bảy 10/01/2026)"
        );
        let make_up = DayNote::for_entry(&entry(
            date(2026, 1, 10),
            DayKind::MakeUpWorkday,
            Some(date(2026, 1, 2)),
        ));
        assert_eq!(
            make_up.label(),
            "Thứ Bảy làm việc bù cho ngày 02/01/2026 (dịp Tết Dương lịch)"
        );
        assert!(make_up.kind.is_working());
        let labels = PlainLabels::default();
        let sunday = DayNote::for_plain_day(date(2026, 1, 4), &labels);
        assert_eq!(
            (sunday.kind, sunday.label()),
            (DayNoteKind::Weekend, "Nghỉ cuối tuần (Chủ nhật)")
        );
        assert_eq!(
            serde_json::to_string(&sunday).unwrap(),
            r#"{"date":"2026-01-04","kind":"weekend","label":"Nghỉ cuối tuần (Chủ nhật)"}"#
        );
        let wednesday = DayNote::for_plain_day(date(2026, 1, 7), &labels);
        assert_eq!(
            (wednesday.kind, wednesday.label()),
            (DayNoteKind::Closed, "Không làm việc (Thứ Tư)")
        );
    }

    #[test]
    fn summary_groups_ranges() {
        let labels = PlainLabels::default();
        let tet = |d| {
            DayNote::for_entry(&CalendarEntry {
                occasion: "Tết Nguyên đán Bính Ngọ".into(),
                ..entry(d, DayKind::Holiday, None)
            })
        };
        let e = Explanation {
            start_deferred: false,
            skipped: vec![
                DayNote::for_plain_day(date(2026, 2, 14), &labels),
                DayNote::for_plain_day(date(2026, 2, 15), &labels),
                tet(date(2026, 2, 16)),
                tet(date(2026, 2, 17)),
            ],
            make_up_days: vec![],
            adjustment: None,
        };
        assert_eq!(
            e.summary_vi(),
            "Không tính 2 ngày nghỉ cuối tuần; kỳ nghỉ Tết Nguyên đán Bính Ngọ (16/02–17/02/2026, 2 ngày)."
        );
        assert_eq!(Explanation::default().summary_vi(), "");
    }
}
