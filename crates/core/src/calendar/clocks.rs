//! A dossier's deadline clocks, as pure functions over its clock events.
//!
//! Two clocks run side by side because the law and the statistics disagree (DOMAIN.md §6.5, §7,
//! §10):
//!
//! * The **legal clock** (Decree 61/2018 Art. 19.4): when the complete supplement arrives the time
//!   limit **restarts from zero**, counted from that receipt instant. While the dossier waits for
//!   the applicant there is no legal due date.
//! * The **KPI clock** (Decision 766/QĐ-TTg): the supplement waiting time is **excluded** (the
//!   clock pauses), and a dossier with **more than one** supplement request is late regardless.
//!   While a single supplement request is open, the request instant counts as the end of
//!   processing.
//!
//! Both clocks:
//!
//! * **Pauses** (suspension, `paused` → `resumed`) extend the due by the paused working time (for
//!   calendar-day and month limits, by the paused calendar time, then the day-off rule again). A
//!   dossier finished while paused is treated as resumed at the finish.
//! * Are recorded as events; these functions never read the clock: `now` is a parameter.
//!
//! The **apology** (Form 04, "Phiếu xin lỗi và hẹn lại ngày trả kết quả", Decree 61 Art. 19.9)
//! reschedules the legal due once: it must be issued at least one working day (the calendar's
//! working-day length, 480 working minutes by default) before the current legal due, and the new
//! date must be later. It does **not** move the KPI due: the apology is the admission that the
//! legal limit will be missed, and the 766 index measures processing against the limit. (Rule
//! chosen by motcua; DOMAIN.md does not say how 766 treats Form 04.)
//!
//! # Timeliness
//!
//! Circular 01/2018 compares the processing time with the limit: shorter is early, equal on time,
//! longer late. With instants this becomes, for a finished dossier with end `e` and due `d`
//! (both in Vietnam local time):
//!
//! * [`Timeliness::Early`]: `e` is on an earlier calendar day than `d`;
//! * [`Timeliness::OnTime`]: same calendar day and `e ≤ d`;
//! * [`Timeliness::Late`]: `e > d`.
//!
//! An open dossier is [`Timeliness::WithinTerm`] while the reference instant is `≤ d`, else
//! [`Timeliness::Overdue`]; the reference is `now`, or the instant its clock stopped when it is
//! paused or waiting for a supplement (a stopped clock cannot become late).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{CalendarError, VN_OFFSET_SECONDS, WorkCalendar, WorkingDuration};
use crate::catalog::{ProcessingTime, TimeUnit};

/// Something that happened to a dossier's clocks, in the order it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ClockEvent {
    /// The dossier was received (Form 01): both clocks start.
    Received {
        /// When.
        at: Timestamp,
    },
    /// A supplement was requested (Form 02): the legal clock stops, the KPI clock pauses.
    SupplementRequested {
        /// When.
        at: Timestamp,
    },
    /// The complete supplement was received: the legal limit restarts, the KPI clock resumes.
    SupplementReceived {
        /// When.
        at: Timestamp,
    },
    /// Processing was suspended.
    Paused {
        /// When.
        at: Timestamp,
    },
    /// Processing resumed after a suspension.
    Resumed {
        /// When.
        at: Timestamp,
    },
    /// An apology with a new appointment (Form 04).
    Apology {
        /// When it was issued.
        at: Timestamp,
        /// The new legal due instant.
        new_due: Timestamp,
    },
    /// Processing ended (done, refused, stopped or withdrawn: the 766 "end of processing").
    Finished {
        /// When.
        at: Timestamp,
    },
}

impl ClockEvent {
    /// When the event happened.
    pub fn at(&self) -> Timestamp {
        match *self {
            Self::Received { at }
            | Self::SupplementRequested { at }
            | Self::SupplementReceived { at }
            | Self::Paused { at }
            | Self::Resumed { at }
            | Self::Apology { at, .. }
            | Self::Finished { at } => at,
        }
    }

    /// The event's identifier, as serialized.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Received { .. } => "received",
            Self::SupplementRequested { .. } => "supplement_requested",
            Self::SupplementReceived { .. } => "supplement_received",
            Self::Paused { .. } => "paused",
            Self::Resumed { .. } => "resumed",
            Self::Apology { .. } => "apology",
            Self::Finished { .. } => "finished",
        }
    }
}

/// Where a clock stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockPhase {
    /// Counting.
    Running,
    /// Waiting for the applicant's supplement.
    AwaitingSupplement,
    /// Suspended.
    Paused,
    /// Processing ended.
    Finished,
}

impl ClockPhase {
    fn label(self) -> &'static str {
        match self {
            Self::Running => "đang tính",
            Self::AwaitingSupplement => "chờ bổ sung",
            Self::Paused => "tạm dừng",
            Self::Finished => "đã kết thúc",
        }
    }
}

/// Trước hạn / đúng hạn / quá hạn for finished dossiers; trong hạn / quá hạn for open ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Finished on an earlier calendar day than the due instant.
    Early,
    /// Finished on the due instant's day, not after it.
    OnTime,
    /// Finished after the due instant.
    Late,
    /// Open and not yet past its due instant.
    WithinTerm,
    /// Open and past its due instant.
    Overdue,
}

impl Timeliness {
    /// The Vietnamese label used in reports (Circular 01/2018 wording).
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Early => "Trước hạn",
            Self::OnTime => "Đúng hạn",
            Self::Late => "Quá hạn",
            Self::WithinTerm => "Đang giải quyết trong hạn",
            Self::Overdue => "Đang giải quyết quá hạn",
        }
    }

    /// Late or overdue.
    pub fn is_late(self) -> bool {
        matches!(self, Self::Late | Self::Overdue)
    }
}

/// Why the KPI clock counts a dossier late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LateReason {
    /// The end of processing (or `now`) is after the due instant.
    PastDue,
    /// Supplements were requested more than once (Decision 766).
    MultipleSupplementRequests,
}

/// The legal clock (Decree 61).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalClock {
    /// Where it stands.
    pub phase: ClockPhase,
    /// The legal due instant (ngày hẹn trả); `None` while waiting for a supplement, because the
    /// limit will restart from zero when it arrives.
    pub due: Option<Timestamp>,
    /// The due instant in force when the clock last stopped for a supplement (what the
    /// applicant's appointment said until then).
    pub due_before_supplement: Option<Timestamp>,
    /// Where the current count began: the receipt, or the last complete supplement's receipt.
    pub counted_from: Timestamp,
    /// How many times the limit restarted after a supplement.
    pub restarts: u32,
    /// Whether the one apology reschedule has been used.
    pub rescheduled: bool,
    /// Working time added to the due by suspensions since `counted_from`.
    pub paused: WorkingDuration,
    /// Classification (see the module documentation).
    pub timeliness: Timeliness,
}

/// The KPI clock (Decision 766).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiClock {
    /// Where it stands.
    pub phase: ClockPhase,
    /// The due instant with supplement waits and suspensions excluded.
    pub due: Timestamp,
    /// Working time excluded (supplement waits and suspensions).
    pub excluded: WorkingDuration,
    /// Number of supplement requests.
    pub supplement_requests: u32,
    /// The end of processing as 766 counts it: the finish, or the open supplement request.
    pub end: Option<Timestamp>,
    /// Classification.
    pub timeliness: Timeliness,
    /// Why it is late, when it is.
    pub late_reason: Option<LateReason>,
}

/// Both clocks of a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierClocks {
    /// Decree 61.
    pub legal: LegalClock,
    /// Decision 766.
    pub kpi: KpiClock,
}

/// The due instants a dossier stores (`due_at` and the KPI due).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dues {
    /// The legal due; `None` while waiting for a supplement.
    pub legal: Option<Timestamp>,
    /// The KPI due.
    pub kpi: Option<Timestamp>,
}

/// A dossier whose due instants changed after a calendar change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueChange {
    /// As stored.
    pub old: Dues,
    /// As recomputed.
    pub new: Dues,
}

/// Events that cannot be evaluated, or an apology the rules do not allow.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClockError {
    /// A calendar computation failed (out of range, bad amount ...).
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    /// The first event is not the receipt.
    #[error("sự kiện đầu tiên phải là tiếp nhận hồ sơ (received)")]
    NoReceipt,
    /// An event is earlier than the one before it.
    #[error("sự kiện thứ {index} ({event}) sớm hơn sự kiện liền trước")]
    OutOfOrder {
        /// 0-based index in the event list.
        index: usize,
        /// Its name.
        event: &'static str,
    },
    /// An event that makes no sense in the clock's phase (resumed while running, a second
    /// receipt, anything after the finish ...).
    #[error("sự kiện thứ {index} ({event}) không hợp lệ khi đồng hồ đang {}", phase.label())]
    UnexpectedEvent {
        /// 0-based index.
        index: usize,
        /// Its name.
        event: &'static str,
        /// The phase it arrived in.
        phase: ClockPhase,
    },
    /// The one reschedule has been used already.
    #[error("hồ sơ đã được hẹn lại một lần; chỉ được hẹn lại một lần (Nghị định 61/2018, Điều 19)")]
    ApologyAlreadyUsed,
    /// The apology comes less than one working day before the due.
    #[error(
        "phiếu xin lỗi phải gửi trước hạn ít nhất 1 ngày làm việc: còn {} phút làm việc, cần {} phút",
        remaining.as_minutes(),
        required.as_minutes()
    )]
    ApologyTooLate {
        /// Working time left before the current due (negative when already past).
        remaining: WorkingDuration,
        /// One working day.
        required: WorkingDuration,
    },
    /// The new appointment is not later than the current due.
    #[error("ngày hẹn mới {new_due} phải sau hạn hiện tại {due}")]
    ApologyNotLater {
        /// Current legal due.
        due: Timestamp,
        /// Proposed new due.
        new_due: Timestamp,
    },
}

/// Whether recorded apologies are re-checked against the notice rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Every rule is checked: evaluating a dossier, or an apology about to be recorded.
    Strict,
    /// Recorded apologies are facts: after a calendar change the one-day notice is not re-judged,
    /// and the apology date never makes the legal due earlier than the limit gives.
    Trusted,
}

/// The simulation state. Dues are kept *raw*: for calendar-day and month limits, before the
/// day-off rule moves them to a closing time, so that a pause extends the count itself and the
/// rule is applied once, at the end ([`settle`]). For working-time limits raw = due.
#[derive(Debug, Clone, Copy)]
struct State {
    phase: ClockPhase,
    legal_due: Option<Timestamp>,
    due_before_supplement: Option<Timestamp>,
    counted_from: Timestamp,
    restarts: u32,
    rescheduled: bool,
    legal_paused: i64,
    kpi_due: Timestamp,
    excluded: i64,
    supplement_requests: u32,
    /// When the clock stopped (pause or supplement request).
    stopped_at: Option<Timestamp>,
    finished_at: Option<Timestamp>,
}

/// Evaluates both clocks of a dossier at `now`.
///
/// `limit` is the procedure's processing time as it was when the dossier was received; `events`
/// are the dossier's clock events in order, starting with [`ClockEvent::Received`].
pub fn evaluate_clocks(
    calendar: &WorkCalendar,
    limit: ProcessingTime,
    events: &[ClockEvent],
    now: Timestamp,
) -> Result<DossierClocks, ClockError> {
    let mut s = simulate(calendar, limit, events, Mode::Strict)?;
    s.legal_due = s
        .legal_due
        .map(|raw| settle(calendar, limit.unit, raw))
        .transpose()?;
    s.kpi_due = settle(calendar, limit.unit, s.kpi_due)?;

    let legal_timeliness = match (s.phase, s.finished_at, s.stopped_at) {
        // Finished while waiting for the applicant: the agency's part ended at the request.
        (ClockPhase::Finished, Some(_), Some(stop)) => classify(stop, s.due_before_supplement),
        (ClockPhase::Finished, Some(end), None) => classify(end, s.legal_due),
        (ClockPhase::AwaitingSupplement, _, Some(stop)) => {
            classify_open(stop, s.due_before_supplement)
        }
        (ClockPhase::Paused, _, Some(stop)) => classify_open(stop, s.legal_due),
        _ => classify_open(now, s.legal_due),
    };

    // 766: the end is the finish, or the open (only) supplement request.
    let kpi_end = match s.phase {
        ClockPhase::Finished => s.stopped_at.or(s.finished_at),
        ClockPhase::AwaitingSupplement => s.stopped_at,
        ClockPhase::Running | ClockPhase::Paused => None,
    };
    let (kpi_timeliness, late_reason) = if s.supplement_requests > 1 {
        let t = if kpi_end.is_some() {
            Timeliness::Late
        } else {
            Timeliness::Overdue
        };
        (t, Some(LateReason::MultipleSupplementRequests))
    } else {
        let t = match (kpi_end, s.phase) {
            (Some(end), _) => classify(end, Some(s.kpi_due)),
            (None, ClockPhase::Paused) => {
                classify_open(s.stopped_at.unwrap_or(now), Some(s.kpi_due))
            }
            (None, _) => classify_open(now, Some(s.kpi_due)),
        };
        (t, t.is_late().then_some(LateReason::PastDue))
    };

    Ok(DossierClocks {
        legal: LegalClock {
            phase: s.phase,
            due: s.legal_due,
            due_before_supplement: s.due_before_supplement,
            counted_from: s.counted_from,
            restarts: s.restarts,
            rescheduled: s.rescheduled,
            paused: WorkingDuration::from_seconds(s.legal_paused),
            timeliness: legal_timeliness,
        },
        kpi: KpiClock {
            phase: s.phase,
            due: s.kpi_due,
            excluded: WorkingDuration::from_seconds(s.excluded),
            supplement_requests: s.supplement_requests,
            end: kpi_end,
            timeliness: kpi_timeliness,
            late_reason,
        },
    })
}

/// Checks whether an apology issued at `at` with the new appointment `new_due` may be recorded
/// after `events`. Call it before appending [`ClockEvent::Apology`]; the error says why not
/// (already rescheduled once, less than one working day before the due, the new date not later,
/// or the clock not running).
pub fn check_apology(
    calendar: &WorkCalendar,
    limit: ProcessingTime,
    events: &[ClockEvent],
    at: Timestamp,
    new_due: Timestamp,
) -> Result<(), ClockError> {
    let mut all = events.to_vec();
    all.push(ClockEvent::Apology { at, new_due });
    simulate(calendar, limit, &all, Mode::Strict).map(|_| ())
}

/// The due instants of a dossier under `calendar`. Recorded apologies are trusted (their notice
/// period is not re-judged against a changed calendar).
pub fn current_dues(
    calendar: &WorkCalendar,
    limit: ProcessingTime,
    events: &[ClockEvent],
) -> Result<Dues, ClockError> {
    let s = simulate(calendar, limit, events, Mode::Trusted)?;
    Ok(Dues {
        legal: s
            .legal_due
            .map(|raw| settle(calendar, limit.unit, raw))
            .transpose()?,
        kpi: Some(settle(calendar, limit.unit, s.kpi_due)?),
    })
}

/// Recomputes a dossier's due instants after a calendar change; `Some` with the old and new
/// values when they differ. Pure and allocation-free, so the caller can run it over every open
/// dossier (about a microsecond each) and write back only the changes.
pub fn recompute_dues(
    calendar: &WorkCalendar,
    limit: ProcessingTime,
    events: &[ClockEvent],
    stored: Dues,
) -> Result<Option<DueChange>, ClockError> {
    let new = current_dues(calendar, limit, events)?;
    Ok((new != stored).then_some(DueChange { old: stored, new }))
}

/// A step of an internal process (quy trình nội bộ) with its allotted time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StepTiming {
    /// The time the internal process allots to the step.
    pub allotted: ProcessingTime,
    /// When the step started (the dossier reached it).
    pub started: Timestamp,
    /// When it finished, if it has.
    pub finished: Option<Timestamp>,
}

/// How a step did against its allotted time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepReport {
    /// The step's due instant.
    pub due: Timestamp,
    /// Working time spent so far (to the finish, or to `now`).
    pub used: WorkingDuration,
    /// Working time past the due (zero when not late).
    pub overrun: WorkingDuration,
    /// Classification, as for dossiers.
    pub timeliness: Timeliness,
}

/// Evaluates each step against its allotted time (Circular 01/2018 scores each unit's own time).
pub fn evaluate_steps(
    calendar: &WorkCalendar,
    steps: &[StepTiming],
    now: Timestamp,
) -> Result<Vec<StepReport>, ClockError> {
    steps
        .iter()
        .map(|step| {
            let due =
                calendar.due_instant(step.started, step.allotted.amount, step.allotted.unit)?;
            let end = step.finished.unwrap_or(now);
            let used = calendar
                .elapsed(step.started, end)?
                .max(WorkingDuration::ZERO);
            let overrun = if end > due {
                calendar.elapsed(due, end)?
            } else {
                WorkingDuration::ZERO
            };
            let timeliness = match step.finished {
                Some(f) => classify(f, Some(due)),
                None => classify_open(now, Some(due)),
            };
            Ok(StepReport {
                due,
                used,
                overrun,
                timeliness,
            })
        })
        .collect()
}

/// Classifies a finished item (rule in the module documentation). No due → on time.
pub fn classify(end: Timestamp, due: Option<Timestamp>) -> Timeliness {
    let Some(due) = due else {
        return Timeliness::OnTime;
    };
    if end > due {
        Timeliness::Late
    } else if local_day(end) < local_day(due) {
        Timeliness::Early
    } else {
        Timeliness::OnTime
    }
}

/// Classifies an open item at `reference`. No due → within term.
pub fn classify_open(reference: Timestamp, due: Option<Timestamp>) -> Timeliness {
    match due {
        Some(due) if reference > due => Timeliness::Overdue,
        _ => Timeliness::WithinTerm,
    }
}

fn local_day(t: Timestamp) -> i64 {
    (t.as_second() + VN_OFFSET_SECONDS).div_euclid(86_400)
}

/// The due instant of a raw due: the day-off rule for calendar-day and month limits.
fn settle(
    calendar: &WorkCalendar,
    unit: TimeUnit,
    raw: Timestamp,
) -> Result<Timestamp, CalendarError> {
    match unit {
        TimeUnit::WorkingDays | TimeUnit::WorkingHours => Ok(raw),
        TimeUnit::CalendarDays | TimeUnit::Months => calendar.settle_on_working_day(raw),
    }
}

/// Moves a raw due by a stop from `from` to `to`: by the working time in between for working
/// units, by the calendar time for calendar units. Returns the new raw due and the working time
/// of the stop.
fn extend(
    calendar: &WorkCalendar,
    unit: TimeUnit,
    due: Timestamp,
    from: Timestamp,
    to: Timestamp,
) -> Result<(Timestamp, i64), CalendarError> {
    let worked = calendar.elapsed(from, to)?.as_seconds();
    match unit {
        TimeUnit::WorkingDays | TimeUnit::WorkingHours => {
            if worked <= 0 {
                return Ok((due, 0));
            }
            Ok((
                calendar.add_working_time(due, WorkingDuration::from_seconds(worked))?,
                worked,
            ))
        }
        TimeUnit::CalendarDays | TimeUnit::Months => {
            let span = to.as_second() - from.as_second();
            if span <= 0 {
                return Ok((due, 0));
            }
            let moved = Timestamp::from_second(due.as_second() + span).map_err(|_| {
                CalendarError::OutOfRange {
                    what: due.to_string(),
                    first: calendar.first_year(),
                    last: calendar.last_year(),
                }
            })?;
            Ok((moved, worked))
        }
    }
}

fn simulate(
    calendar: &WorkCalendar,
    limit: ProcessingTime,
    events: &[ClockEvent],
    mode: Mode,
) -> Result<State, ClockError> {
    let Some(ClockEvent::Received { at: received }) = events.first().copied() else {
        return Err(ClockError::NoReceipt);
    };
    let due = calendar.raw_due(received, limit.amount, limit.unit)?;
    let mut s = State {
        phase: ClockPhase::Running,
        legal_due: Some(due),
        due_before_supplement: None,
        counted_from: received,
        restarts: 0,
        rescheduled: false,
        legal_paused: 0,
        kpi_due: due,
        excluded: 0,
        supplement_requests: 0,
        stopped_at: None,
        finished_at: None,
    };
    let mut previous = received;
    for (index, event) in events.iter().enumerate().skip(1) {
        let at = event.at();
        if at < previous {
            return Err(ClockError::OutOfOrder {
                index,
                event: event.name(),
            });
        }
        previous = at;
        let unexpected = || ClockError::UnexpectedEvent {
            index,
            event: event.name(),
            phase: s.phase,
        };
        match (*event, s.phase) {
            (ClockEvent::SupplementRequested { at }, ClockPhase::Running) => {
                s.supplement_requests += 1;
                s.due_before_supplement = s
                    .legal_due
                    .map(|raw| settle(calendar, limit.unit, raw))
                    .transpose()?;
                s.legal_due = None;
                s.stopped_at = Some(at);
                s.phase = ClockPhase::AwaitingSupplement;
            }
            (ClockEvent::SupplementReceived { at }, ClockPhase::AwaitingSupplement) => {
                let requested = s.stopped_at.unwrap_or(at);
                // Legal: the limit restarts from zero at this receipt.
                s.legal_due = Some(calendar.raw_due(at, limit.amount, limit.unit)?);
                s.counted_from = at;
                s.restarts += 1;
                s.legal_paused = 0;
                // KPI: the wait is excluded.
                let (kpi_due, worked) = extend(calendar, limit.unit, s.kpi_due, requested, at)?;
                s.kpi_due = kpi_due;
                s.excluded += worked;
                s.stopped_at = None;
                s.phase = ClockPhase::Running;
            }
            (ClockEvent::Paused { at }, ClockPhase::Running) => {
                s.stopped_at = Some(at);
                s.phase = ClockPhase::Paused;
            }
            (ClockEvent::Resumed { at }, ClockPhase::Paused) => {
                resume(calendar, limit.unit, &mut s, at)?;
            }
            (ClockEvent::Apology { at, new_due }, ClockPhase::Running) => {
                let current = settle(calendar, limit.unit, s.legal_due.ok_or_else(unexpected)?)?;
                if s.rescheduled {
                    return Err(ClockError::ApologyAlreadyUsed);
                }
                match mode {
                    Mode::Strict => {
                        let remaining = calendar.elapsed(at, current)?;
                        let required = calendar.working_day();
                        if remaining < required {
                            return Err(ClockError::ApologyTooLate {
                                remaining,
                                required,
                            });
                        }
                        if new_due <= current {
                            return Err(ClockError::ApologyNotLater {
                                due: current,
                                new_due,
                            });
                        }
                        s.legal_due = Some(new_due);
                    }
                    Mode::Trusted => s.legal_due = Some(new_due.max(current)),
                }
                s.rescheduled = true;
            }
            (
                ClockEvent::Finished { at },
                ClockPhase::Running | ClockPhase::AwaitingSupplement | ClockPhase::Paused,
            ) => {
                if s.phase == ClockPhase::Paused {
                    resume(calendar, limit.unit, &mut s, at)?;
                }
                s.finished_at = Some(at);
                s.phase = ClockPhase::Finished;
            }
            _ => return Err(unexpected()),
        }
    }
    Ok(s)
}

fn resume(
    calendar: &WorkCalendar,
    unit: TimeUnit,
    s: &mut State,
    at: Timestamp,
) -> Result<(), CalendarError> {
    let paused_at = s.stopped_at.unwrap_or(at);
    if let Some(legal) = s.legal_due {
        let (due, worked) = extend(calendar, unit, legal, paused_at, at)?;
        s.legal_due = Some(due);
        s.legal_paused += worked;
    }
    let (kpi_due, worked) = extend(calendar, unit, s.kpi_due, paused_at, at)?;
    s.kpi_due = kpi_due;
    s.excluded += worked;
    s.stopped_at = None;
    s.phase = ClockPhase::Running;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use jiff::tz::{TimeZone, offset};

    use super::*;
    use crate::calendar::{CalendarEntry, DayKind, EntryStatus, OfficeHours, official_years};

    static CAL: LazyLock<WorkCalendar> = LazyLock::new(|| WorkCalendar::standard().unwrap());

    fn t(s: &str) -> Timestamp {
        format!("{}:00+07:00", s.replace(' ', "T")).parse().unwrap()
    }

    fn local(ts: Timestamp) -> String {
        ts.to_zoned(TimeZone::fixed(offset(7)))
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }

    fn days(n: f64) -> ProcessingTime {
        ProcessingTime {
            amount: n,
            unit: TimeUnit::WorkingDays,
        }
    }

    use ClockEvent::*;

    #[test]
    fn supplement_restarts_the_legal_clock_and_pauses_the_kpi_clock() {
        // 3 working days from Mon 10/3/2025 08:00: due Thu 13/3 08:00.
        let mut events = vec![Received {
            at: t("2025-03-10 08:00"),
        }];
        let c = evaluate_clocks(&CAL, days(3.0), &events, t("2025-03-10 09:00")).unwrap();
        assert_eq!(local(c.legal.due.unwrap()), "2025-03-13 08:00");
        assert_eq!(c.kpi.due, c.legal.due.unwrap());
        assert_eq!(c.legal.timeliness, Timeliness::WithinTerm);

        events.push(SupplementRequested {
            at: t("2025-03-11 10:00"),
        });
        let c = evaluate_clocks(&CAL, days(3.0), &events, t("2025-03-14 09:00")).unwrap();
        assert_eq!(c.legal.phase, ClockPhase::AwaitingSupplement);
        assert_eq!(c.legal.due, None);
        assert_eq!(
            local(c.legal.due_before_supplement.unwrap()),
            "2025-03-13 08:00"
        );
        // Waiting is not lateness, even on 14/3.
        assert_eq!(c.legal.timeliness, Timeliness::WithinTerm);
        // 766: the open request counts as the end; 600 of 1440 minutes were used.
        assert_eq!(c.kpi.end, Some(t("2025-03-11 10:00")));
        assert_eq!(c.kpi.timeliness, Timeliness::Early);

        events.push(SupplementReceived {
            at: t("2025-03-17 14:00"),
        });
        let c = evaluate_clocks(&CAL, days(3.0), &events, t("2025-03-17 15:00")).unwrap();
        // Legal: 3 full working days again from Mon 17/3 14:00.
        assert_eq!(local(c.legal.due.unwrap()), "2025-03-20 14:00");
        assert_eq!(c.legal.restarts, 1);
        assert_eq!(c.legal.counted_from, t("2025-03-17 14:00"));
        // KPI: the 840 remaining minutes from Mon 17/3 14:00 → Wed 19/3 10:30.
        assert_eq!(local(c.kpi.due), "2025-03-19 10:30");
        assert_eq!(c.kpi.excluded, WorkingDuration::from_minutes(2070));

        events.push(Finished {
            at: t("2025-03-19 16:00"),
        });
        let c = evaluate_clocks(&CAL, days(3.0), &events, t("2025-03-25 09:00")).unwrap();
        assert_eq!(c.legal.timeliness, Timeliness::Early);
        assert_eq!(c.kpi.timeliness, Timeliness::Late);
        assert_eq!(c.kpi.late_reason, Some(LateReason::PastDue));
        assert_eq!(c.kpi.end, Some(t("2025-03-19 16:00")));
    }

    #[test]
    fn a_second_supplement_request_is_late_for_766() {
        let events = [
            Received {
                at: t("2025-03-10 08:00"),
            },
            SupplementRequested {
                at: t("2025-03-10 09:00"),
            },
            SupplementReceived {
                at: t("2025-03-11 09:00"),
            },
            SupplementRequested {
                at: t("2025-03-11 10:00"),
            },
            SupplementReceived {
                at: t("2025-03-12 09:00"),
            },
            Finished {
                at: t("2025-03-12 10:00"),
            },
        ];
        let c = evaluate_clocks(&CAL, days(3.0), &events, t("2025-03-12 10:00")).unwrap();
        assert_eq!(c.kpi.supplement_requests, 2);
        assert_eq!(
            (c.kpi.timeliness, c.kpi.late_reason),
            (
                Timeliness::Late,
                Some(LateReason::MultipleSupplementRequests)
            )
        );
        assert_eq!(c.legal.timeliness, Timeliness::Early);
        assert_eq!(c.legal.restarts, 2);
        let open = evaluate_clocks(&CAL, days(3.0), &events[..5], t("2025-03-12 10:00")).unwrap();
        assert_eq!(open.kpi.timeliness, Timeliness::Overdue);
    }

    #[test]
    fn pauses_extend_both_dues_by_the_paused_working_time() {
        let events = [
            Received {
                at: t("2025-03-10 08:00"),
            },
            Paused {
                at: t("2025-03-11 08:00"),
            },
            Resumed {
                at: t("2025-03-12 08:00"),
            },
        ];
        let c = evaluate_clocks(&CAL, days(3.0), &events, t("2025-03-12 09:00")).unwrap();
        assert_eq!(local(c.legal.due.unwrap()), "2025-03-14 08:00");
        assert_eq!(local(c.kpi.due), "2025-03-14 08:00");
        assert_eq!(c.legal.paused, WorkingDuration::from_minutes(480));
        // While paused the clock cannot become overdue.
        let paused = evaluate_clocks(&CAL, days(3.0), &events[..2], t("2025-04-30 09:00")).unwrap();
        assert_eq!(paused.legal.phase, ClockPhase::Paused);
        assert_eq!(paused.legal.timeliness, Timeliness::WithinTerm);
        // Finishing while paused counts as resuming at the finish.
        let mut finished = events[..2].to_vec();
        finished.push(Finished {
            at: t("2025-03-12 08:00"),
        });
        let c = evaluate_clocks(&CAL, days(3.0), &finished, t("2025-03-12 09:00")).unwrap();
        assert_eq!(local(c.legal.due.unwrap()), "2025-03-14 08:00");
        assert_eq!(c.legal.timeliness, Timeliness::Early);
        // A calendar-day limit is extended by the calendar time, then the day-off rule.
        let limit = ProcessingTime {
            amount: 5.0,
            unit: TimeUnit::CalendarDays,
        };
        let events = [
            Received {
                at: t("2025-03-10 08:00"),
            },
            Paused {
                at: t("2025-03-11 08:00"),
            },
            Resumed {
                at: t("2025-03-12 08:00"),
            },
        ];
        let c = evaluate_clocks(&CAL, limit, &events, t("2025-03-12 09:00")).unwrap();
        // The count itself moves (Sat 15/3 08:00 + 1 day = Sun 16/3 08:00), and the day-off rule
        // applies once, at the end: Monday 17/3 17:00 (not the moved due + 1 day).
        assert_eq!(local(c.legal.due.unwrap()), "2025-03-17 17:00");
        assert_eq!(c.kpi.due, c.legal.due.unwrap());
        let unpaused = evaluate_clocks(&CAL, limit, &events[..1], t("2025-03-12 09:00")).unwrap();
        assert_eq!(local(unpaused.legal.due.unwrap()), "2025-03-17 17:00");
    }

    #[test]
    fn apology_reschedules_once_with_one_working_day_notice() {
        let events = vec![Received {
            at: t("2025-03-10 08:00"),
        }];
        // Due Thu 13/3 08:00. Tue 16:00 leaves 60 + 480 + 30 = 570 minutes: allowed.
        check_apology(
            &CAL,
            days(3.0),
            &events,
            t("2025-03-11 16:00"),
            t("2025-03-17 17:00"),
        )
        .unwrap();
        // Exactly one working day before (Wed 08:00: 450 + 30 = 480 minutes) is still allowed.
        check_apology(
            &CAL,
            days(3.0),
            &events,
            t("2025-03-12 08:00"),
            t("2025-03-17 17:00"),
        )
        .unwrap();
        // Wed 09:00 leaves 420 minutes.
        assert_eq!(
            check_apology(
                &CAL,
                days(3.0),
                &events,
                t("2025-03-12 09:00"),
                t("2025-03-17 17:00")
            ),
            Err(ClockError::ApologyTooLate {
                remaining: WorkingDuration::from_minutes(420),
                required: WorkingDuration::from_minutes(480)
            })
        );
        // After the due it is far too late.
        assert!(matches!(
            check_apology(
                &CAL,
                days(3.0),
                &events,
                t("2025-03-14 09:00"),
                t("2025-03-20 17:00")
            ),
            Err(ClockError::ApologyTooLate { .. })
        ));
        // The new date must be later.
        assert!(matches!(
            check_apology(
                &CAL,
                days(3.0),
                &events,
                t("2025-03-11 09:00"),
                t("2025-03-12 17:00")
            ),
            Err(ClockError::ApologyNotLater { .. })
        ));

        let mut events = events;
        events.push(Apology {
            at: t("2025-03-11 16:00"),
            new_due: t("2025-03-17 17:00"),
        });
        let c = evaluate_clocks(&CAL, days(3.0), &events, t("2025-03-14 09:00")).unwrap();
        assert_eq!(local(c.legal.due.unwrap()), "2025-03-17 17:00");
        assert!(c.legal.rescheduled);
        assert_eq!(c.legal.timeliness, Timeliness::WithinTerm);
        // The KPI due does not move: the apology admits the limit will be missed.
        assert_eq!(local(c.kpi.due), "2025-03-13 08:00");
        assert_eq!(c.kpi.timeliness, Timeliness::Overdue);
        // Only once.
        let err = check_apology(
            &CAL,
            days(3.0),
            &events,
            t("2025-03-12 08:00"),
            t("2025-03-20 17:00"),
        )
        .unwrap_err();
        assert_eq!(err, ClockError::ApologyAlreadyUsed);
        assert!(err.to_string().contains("chỉ được hẹn lại một lần"));
        // Not while waiting for a supplement.
        let waiting = [
            Received {
                at: t("2025-03-10 08:00"),
            },
            SupplementRequested {
                at: t("2025-03-10 09:00"),
            },
        ];
        assert!(matches!(
            check_apology(
                &CAL,
                days(3.0),
                &waiting,
                t("2025-03-10 10:00"),
                t("2025-03-20 17:00")
            ),
            Err(ClockError::UnexpectedEvent {
                event: "apology",
                phase: ClockPhase::AwaitingSupplement,
                ..
            })
        ));
    }

    #[test]
    fn classification_boundaries() {
        let due = t("2025-03-13 08:00");
        assert_eq!(
            classify(t("2025-03-12 16:59"), Some(due)),
            Timeliness::Early
        );
        assert_eq!(
            classify(t("2025-03-13 07:00"), Some(due)),
            Timeliness::OnTime
        );
        assert_eq!(classify(due, Some(due)), Timeliness::OnTime);
        assert_eq!(classify(t("2025-03-13 08:01"), Some(due)), Timeliness::Late);
        assert_eq!(classify_open(due, Some(due)), Timeliness::WithinTerm);
        assert_eq!(
            classify_open(t("2025-03-13 08:01"), Some(due)),
            Timeliness::Overdue
        );
        // The calendar day is Vietnam's: 23:30 UTC on the 12th is already the 13th in Hà Nội.
        assert_eq!(
            classify(
                "2025-03-12T23:30:00Z".parse().unwrap(),
                Some(t("2025-03-13 17:00"))
            ),
            Timeliness::OnTime
        );
        assert_eq!(Timeliness::Overdue.label_vi(), "Đang giải quyết quá hạn");
        assert!(Timeliness::Late.is_late() && !Timeliness::OnTime.is_late());
    }

    #[test]
    fn steps_have_their_own_due_and_overrun() {
        let steps = [
            StepTiming {
                allotted: days(1.0),
                started: t("2025-03-10 08:00"),
                finished: Some(t("2025-03-11 09:00")),
            },
            StepTiming {
                allotted: ProcessingTime {
                    amount: 4.0,
                    unit: TimeUnit::WorkingHours,
                },
                started: t("2025-03-11 09:00"),
                finished: None,
            },
        ];
        let r = evaluate_steps(&CAL, &steps, t("2025-03-11 10:00")).unwrap();
        assert_eq!(local(r[0].due), "2025-03-11 08:00");
        assert_eq!(r[0].overrun, WorkingDuration::from_minutes(60));
        assert_eq!(r[0].used, WorkingDuration::from_minutes(540));
        assert_eq!(r[0].timeliness, Timeliness::Late);
        assert_eq!(local(r[1].due), "2025-03-11 14:30"); // 150 minutes before lunch, 90 after
        assert_eq!(
            (r[1].used, r[1].overrun),
            (WorkingDuration::from_minutes(60), WorkingDuration::ZERO)
        );
        assert_eq!(r[1].timeliness, Timeliness::WithinTerm);
        // Overrun counts working time only: late over a weekend by one working hour.
        let late = [StepTiming {
            allotted: days(1.0),
            started: t("2025-03-14 08:00"),
            finished: Some(t("2025-03-17 08:30")),
        }];
        let r = evaluate_steps(&CAL, &late, t("2025-03-17 09:00")).unwrap();
        assert_eq!(local(r[0].due), "2025-03-17 08:00");
        assert_eq!(r[0].overrun, WorkingDuration::from_minutes(30));
    }

    #[test]
    fn recompute_reports_only_changes() {
        let events = [Received {
            at: t("2025-03-13 08:00"),
        }];
        let stored = current_dues(&CAL, days(3.0), &events).unwrap();
        assert_eq!(local(stored.legal.unwrap()), "2025-03-18 08:00");
        assert_eq!(
            recompute_dues(&CAL, days(3.0), &events, stored).unwrap(),
            None
        );

        // The agency adds a day off on Friday 14/3/2025.
        let closed = CalendarEntry {
            date: jiff::civil::date(2025, 3, 14),
            kind: DayKind::Holiday,
            occasion: "Sự cố mất điện".into(),
            status: EntryStatus::Confirmed,
            replaces: None,
            source: String::new(),
            note: String::new(),
        };
        let changed = WorkCalendar::compile(
            &official_years().unwrap(),
            &[closed],
            &OfficeHours::default(),
            2024,
            2026,
        )
        .unwrap();
        let change = recompute_dues(&changed, days(3.0), &events, stored)
            .unwrap()
            .unwrap();
        assert_eq!(change.old, stored);
        assert_eq!(local(change.new.legal.unwrap()), "2025-03-19 08:00");
        assert_eq!(change.new.kpi, change.new.legal);

        // A recorded apology is trusted after a calendar change, but never shortens the due.
        let events = [
            Received {
                at: t("2025-03-10 08:00"),
            },
            Apology {
                at: t("2025-03-11 16:00"),
                new_due: t("2025-03-13 17:00"),
            },
        ];
        let dues = current_dues(&changed, days(3.0), &events).unwrap();
        assert_eq!(local(dues.legal.unwrap()), "2025-03-13 17:00");
        let dues = current_dues(&changed, days(5.0), &events).unwrap();
        assert_eq!(local(dues.legal.unwrap()), "2025-03-18 08:00");
    }

    #[test]
    fn malformed_event_lists_are_typed_errors() {
        assert_eq!(
            evaluate_clocks(&CAL, days(1.0), &[], t("2025-03-10 08:00")),
            Err(ClockError::NoReceipt)
        );
        assert_eq!(
            evaluate_clocks(
                &CAL,
                days(1.0),
                &[Finished {
                    at: t("2025-03-10 08:00")
                }],
                t("2025-03-10 08:00")
            ),
            Err(ClockError::NoReceipt)
        );
        let out_of_order = [
            Received {
                at: t("2025-03-10 08:00"),
            },
            Paused {
                at: t("2025-03-09 08:00"),
            },
        ];
        assert_eq!(
            evaluate_clocks(&CAL, days(1.0), &out_of_order, t("2025-03-10 08:00")),
            Err(ClockError::OutOfOrder {
                index: 1,
                event: "paused"
            })
        );
        let resumed = [
            Received {
                at: t("2025-03-10 08:00"),
            },
            Resumed {
                at: t("2025-03-10 09:00"),
            },
        ];
        let err = evaluate_clocks(&CAL, days(1.0), &resumed, t("2025-03-10 10:00")).unwrap_err();
        assert_eq!(
            err,
            ClockError::UnexpectedEvent {
                index: 1,
                event: "resumed",
                phase: ClockPhase::Running
            }
        );
        assert_eq!(
            err.to_string(),
            "sự kiện thứ 1 (resumed) không hợp lệ khi đồng hồ đang đang tính"
        );
        let after_finish = [
            Received {
                at: t("2025-03-10 08:00"),
            },
            Finished {
                at: t("2025-03-10 09:00"),
            },
            Paused {
                at: t("2025-03-10 10:00"),
            },
        ];
        assert!(matches!(
            evaluate_clocks(&CAL, days(1.0), &after_finish, t("2025-03-10 10:00")),
            Err(ClockError::UnexpectedEvent {
                phase: ClockPhase::Finished,
                ..
            })
        ));
        let bad_limit = [Received {
            at: t("2025-03-10 08:00"),
        }];
        assert!(matches!(
            evaluate_clocks(&CAL, days(-1.0), &bad_limit, t("2025-03-10 08:00")),
            Err(ClockError::Calendar(CalendarError::InvalidAmount { .. }))
        ));
    }

    #[test]
    fn events_serialize_with_a_tag() {
        let e = Apology {
            at: t("2025-03-11 16:00"),
            new_due: t("2025-03-17 17:00"),
        };
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(
            json,
            r#"{"event":"apology","at":"2025-03-11T09:00:00Z","new_due":"2025-03-17T10:00:00Z"}"#
        );
        assert_eq!(serde_json::from_str::<ClockEvent>(&json).unwrap(), e);
    }
}
