//! The dossier state machine: which actions are possible in which state, who may take them,
//! and what each does. Pure: the caller passes the time, the actor, the calendar and (for a
//! transfer) the new agency's process; the caller decides *whether the actor holds the
//! permission* with the identity model, using [`requirement`].

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{
    Answer, Apology, Consultation, Dossier, Handover, IssuedResult, Notice, Person, Process,
    ReturnMethod, Status, StepKind, StepRecord, SupplementItem, SupplementRequest,
    applicant::FieldError, model::FileRef,
};
use crate::{
    calendar::{
        ClockEvent, Dues, WorkCalendar,
        clocks::{ClockError, check_apology, evaluate_clocks},
    },
    identity::Permission,
};

/// The kinds of action, as they appear in `POST /api/v1/dossiers/{code}/actions/{action}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Accept an online dossier with a receipt (Form 01).
    Accept,
    /// Ask for a supplement, every missing item at once (Form 02).
    RequestSupplement,
    /// The applicant sends the supplement online (the desk then checks it).
    SubmitSupplement,
    /// The complete supplement arrived (or the desk confirmed the one sent online).
    SupplementReceived,
    /// Refuse (Form 03).
    Refuse,
    /// Assign a handling officer.
    Assign,
    /// Complete the current step and hand the dossier to the next.
    Forward,
    /// Return the dossier to an earlier step.
    SendBack,
    /// Ask another agency's opinion.
    Consult,
    /// Answer a consultation or a parallel task.
    Reply,
    /// Transfer to another agency's desk.
    Transfer,
    /// Approve and sign.
    Approve,
    /// Number, seal and issue the result.
    IssueResult,
    /// Hand the result to the applicant.
    ReturnResult,
    /// Withdraw at the applicant's request.
    Withdraw,
    /// Stop processing.
    Stop,
    /// Apologise with a new appointment (Form 04).
    Apologise,
    /// Add a comment, internal or for the applicant.
    Comment,
    /// The applicant rates the service.
    Rate,
}

impl ActionKind {
    /// Every action.
    pub const ALL: [Self; 19] = [
        Self::Accept,
        Self::RequestSupplement,
        Self::SubmitSupplement,
        Self::SupplementReceived,
        Self::Refuse,
        Self::Assign,
        Self::Forward,
        Self::SendBack,
        Self::Consult,
        Self::Reply,
        Self::Transfer,
        Self::Approve,
        Self::IssueResult,
        Self::ReturnResult,
        Self::Withdraw,
        Self::Stop,
        Self::Apologise,
        Self::Comment,
        Self::Rate,
    ];

    /// The name in URLs and the history.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::RequestSupplement => "request_supplement",
            Self::SubmitSupplement => "submit_supplement",
            Self::SupplementReceived => "supplement_received",
            Self::Refuse => "refuse",
            Self::Assign => "assign",
            Self::Forward => "forward",
            Self::SendBack => "send_back",
            Self::Consult => "consult",
            Self::Reply => "reply",
            Self::Transfer => "transfer",
            Self::Approve => "approve",
            Self::IssueResult => "issue_result",
            Self::ReturnResult => "return_result",
            Self::Withdraw => "withdraw",
            Self::Stop => "stop",
            Self::Apologise => "apologise",
            Self::Comment => "comment",
            Self::Rate => "rate",
        }
    }

    /// Reads the name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Accept => "Tiếp nhận hồ sơ",
            Self::RequestSupplement => "Yêu cầu bổ sung hồ sơ",
            Self::SubmitSupplement => "Gửi hồ sơ bổ sung",
            Self::SupplementReceived => "Nhận hồ sơ bổ sung",
            Self::Refuse => "Từ chối giải quyết",
            Self::Assign => "Phân công xử lý",
            Self::Forward => "Chuyển bước tiếp theo",
            Self::SendBack => "Trả lại bước trước",
            Self::Consult => "Xin ý kiến",
            Self::Reply => "Trả lời xin ý kiến",
            Self::Transfer => "Chuyển cơ quan khác",
            Self::Approve => "Phê duyệt, ký",
            Self::IssueResult => "Phát hành kết quả",
            Self::ReturnResult => "Trả kết quả",
            Self::Withdraw => "Rút hồ sơ",
            Self::Stop => "Dừng xử lý",
            Self::Apologise => "Xin lỗi, hẹn lại ngày trả",
            Self::Comment => "Ghi ý kiến",
            Self::Rate => "Đánh giá sự hài lòng",
        }
    }
}

/// An action with what it needs. Built by the boundary from a validated request.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// See [`ActionKind::Accept`].
    Accept,
    /// See [`ActionKind::RequestSupplement`].
    RequestSupplement {
        /// Every missing item.
        items: Vec<SupplementItem>,
    },
    /// See [`ActionKind::SubmitSupplement`]: the components added (by index).
    SubmitSupplement {
        /// (component index, files added, held document) per component supplemented.
        added: Vec<(usize, Vec<FileRef>, Option<String>)>,
        /// What the applicant says about it.
        note: Option<String>,
    },
    /// See [`ActionKind::SupplementReceived`]: the components added (by index).
    SupplementReceived {
        /// (component index, files added, held document) per component supplemented.
        added: Vec<(usize, Vec<FileRef>, Option<String>)>,
    },
    /// See [`ActionKind::Refuse`].
    Refuse {
        /// Why.
        reason: String,
    },
    /// See [`ActionKind::Assign`].
    Assign {
        /// The handling officer (checked by the caller to hold `dossier.handle` there).
        assignee: Person,
    },
    /// See [`ActionKind::Forward`].
    Forward {
        /// Note for the next step.
        note: Option<String>,
    },
    /// See [`ActionKind::SendBack`].
    SendBack {
        /// Index of the earlier step.
        to_step: usize,
        /// Why.
        reason: String,
    },
    /// See [`ActionKind::Consult`].
    Consult {
        /// The agency asked.
        agency: String,
        /// The question.
        question: String,
        /// Working days allowed for the answer.
        days: f64,
    },
    /// See [`ActionKind::Reply`].
    Reply {
        /// The consultation's number.
        consultation: u32,
        /// The answer.
        answer: String,
    },
    /// See [`ActionKind::Transfer`].
    Transfer {
        /// The new competent agency (its desk, the first step of `process`, takes over).
        agency: String,
        /// Why.
        reason: String,
        /// The new agency's process (resolved by the caller).
        process: Process,
    },
    /// See [`ActionKind::Approve`].
    Approve {
        /// Note.
        note: Option<String>,
    },
    /// See [`ActionKind::IssueResult`].
    IssueResult {
        /// Document number.
        number: String,
        /// Date signed.
        signed_on: jiff::civil::Date,
        /// Electronic result.
        file: Option<FileRef>,
        /// Who signed it (`None`: the leader who approved it).
        signer: Option<String>,
    },
    /// See [`ActionKind::ReturnResult`].
    ReturnResult {
        /// How it was handed over (`None`: as the applicant asked).
        method: Option<ReturnMethod>,
        /// Who received it (`None`: the applicant, or the representative who filed).
        recipient: Option<String>,
    },
    /// See [`ActionKind::Withdraw`].
    Withdraw {
        /// The applicant's reason.
        reason: String,
    },
    /// See [`ActionKind::Stop`].
    Stop {
        /// Why.
        reason: String,
    },
    /// See [`ActionKind::Apologise`].
    Apologise {
        /// Why the result is late.
        reason: String,
        /// The new appointment.
        new_due: Timestamp,
    },
    /// See [`ActionKind::Comment`].
    Comment {
        /// The comment.
        text: String,
        /// Whether the applicant sees it (otherwise only officials do).
        public: bool,
    },
    /// See [`ActionKind::Rate`].
    Rate {
        /// The rating.
        rating: super::Rating,
    },
}

impl Action {
    /// The kind.
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Accept => ActionKind::Accept,
            Self::RequestSupplement { .. } => ActionKind::RequestSupplement,
            Self::SubmitSupplement { .. } => ActionKind::SubmitSupplement,
            Self::SupplementReceived { .. } => ActionKind::SupplementReceived,
            Self::Refuse { .. } => ActionKind::Refuse,
            Self::Assign { .. } => ActionKind::Assign,
            Self::Forward { .. } => ActionKind::Forward,
            Self::SendBack { .. } => ActionKind::SendBack,
            Self::Consult { .. } => ActionKind::Consult,
            Self::Reply { .. } => ActionKind::Reply,
            Self::Transfer { .. } => ActionKind::Transfer,
            Self::Approve { .. } => ActionKind::Approve,
            Self::IssueResult { .. } => ActionKind::IssueResult,
            Self::ReturnResult { .. } => ActionKind::ReturnResult,
            Self::Withdraw { .. } => ActionKind::Withdraw,
            Self::Stop { .. } => ActionKind::Stop,
            Self::Apologise { .. } => ActionKind::Apologise,
            Self::Comment { .. } => ActionKind::Comment,
            Self::Rate { .. } => ActionKind::Rate,
        }
    }
}

/// Who may take an action on a dossier: a permission at an agency (for the dossier's
/// procedure), or the applicant who owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    /// The permission.
    pub permission: Permission,
    /// Where it must hold.
    pub agency: String,
    /// Whether the owning applicant may take it too.
    pub owner_may: bool,
    /// Whether an official holding the permission may take it: not for what only the
    /// applicant can say (their supplement sent online, their rating).
    pub officials_may: bool,
}

fn step_kind(d: &Dossier) -> Option<StepKind> {
    d.current_step().map(|s| s.kind)
}

/// Who may take `kind` on `d` now (for [`ActionKind::Reply`], at the consultation's agency:
/// pass it in `consulted`).
pub fn requirement(d: &Dossier, kind: ActionKind, consulted: Option<&str>) -> Requirement {
    use Permission as P;
    let at = |permission: Permission, agency: &str| Requirement {
        permission,
        agency: agency.to_owned(),
        owner_may: false,
        officials_may: true,
    };
    let current = d.current_agency.as_str();
    let competent = d.competent_agency.as_str();
    // At the desk: not accepted yet (waiting for the check, or for a supplement asked at
    // intake), or at the receiving step. Supplements are asked and checked by whoever holds the
    // dossier: the desk at intake, the handling unit later.
    let intake = d.accepted_at.is_none() || step_kind(d) == Some(StepKind::Receive);
    match kind {
        ActionKind::Accept => at(P::DossierReceive, current),
        ActionKind::SupplementReceived | ActionKind::RequestSupplement if intake => {
            at(P::DossierReceive, current)
        }
        ActionKind::SupplementReceived => at(P::DossierHandle, current),
        ActionKind::RequestSupplement | ActionKind::Consult => at(P::DossierHandle, current),
        ActionKind::Refuse if intake => at(P::DossierReceive, current),
        ActionKind::Refuse | ActionKind::Stop | ActionKind::Apologise => {
            at(P::DossierApprove, competent)
        }
        ActionKind::Assign => at(P::DossierAssign, current),
        ActionKind::Forward if intake => at(P::DossierReceive, current),
        ActionKind::Forward => at(P::DossierHandle, current),
        ActionKind::SendBack => match step_kind(d) {
            Some(StepKind::Approve) => at(P::DossierApprove, current),
            Some(StepKind::Issue) => at(P::DossierIssueResult, current),
            _ => at(P::DossierHandle, current),
        },
        ActionKind::Reply => at(P::DossierHandle, consulted.unwrap_or(current)),
        ActionKind::Transfer => at(P::DossierTransfer, current),
        ActionKind::Approve => at(P::DossierApprove, current),
        ActionKind::IssueResult => at(P::DossierIssueResult, current),
        ActionKind::ReturnResult => at(P::DossierReturnResult, current),
        // A withdrawal request is made at the one-stop desk that received the dossier
        // (wherever the dossier is in its process), or online by its owner.
        ActionKind::Withdraw => Requirement {
            owner_may: true,
            ..at(P::DossierReceive, &d.receiving_agency)
        },
        ActionKind::Comment => at(P::DossierComment, current),
        // The applicant's own: no grant stands for them (an official records a paper
        // supplement with `supplement_received`).
        ActionKind::SubmitSupplement | ActionKind::Rate => Requirement {
            owner_may: true,
            officials_may: false,
            ..at(P::DossierReceive, &d.receiving_agency)
        },
    }
}

/// The actions the dossier's state allows now (who may take them is [`requirement`]'s
/// question).
pub fn allowed(d: &Dossier) -> Vec<ActionKind> {
    use ActionKind as A;
    let step = step_kind(d);
    let mut out = Vec::new();
    match d.status {
        Status::Submitted => {
            out.extend([
                A::Accept,
                A::RequestSupplement,
                A::Refuse,
                A::Transfer,
                A::Withdraw,
            ]);
        }
        Status::Processing => {
            match step {
                Some(StepKind::Receive) => {
                    out.extend([A::Forward, A::RequestSupplement, A::Refuse, A::Transfer])
                }
                Some(StepKind::Handle) => {
                    out.extend([A::Assign, A::Forward, A::RequestSupplement, A::Consult]);
                }
                Some(StepKind::Approve) => out.push(A::Approve),
                Some(StepKind::Issue) => out.push(A::IssueResult),
                Some(StepKind::Return) | None => {}
            }
            if d.step > 0 && step != Some(StepKind::Return) {
                out.push(A::SendBack);
            }
            if step != Some(StepKind::Receive) {
                out.push(A::Refuse);
            }
            if d.open_consultations().next().is_some() {
                out.push(A::Reply);
            }
            out.extend([A::Withdraw, A::Stop]);
            if d.apology.is_none() && d.due.legal.is_some() {
                out.push(A::Apologise);
            }
        }
        Status::AwaitingSupplement => {
            out.extend([A::SupplementReceived, A::Withdraw]);
            if d.owner_id.is_some() {
                out.push(A::SubmitSupplement);
            }
            if d.accepted_at.is_some() {
                out.push(A::Stop);
            }
        }
        Status::Supplemented => {
            // The desk confirms the supplement is complete, or asks again.
            out.extend([
                A::SupplementReceived,
                A::RequestSupplement,
                A::Withdraw,
                A::Stop,
            ]);
        }
        Status::Done => out.push(A::ReturnResult),
        Status::Returned => {
            if d.owner_id.is_some() {
                out.push(A::Rate);
            }
        }
        Status::Refused | Status::Withdrawn | Status::Stopped => {}
    }
    out.push(A::Comment);
    out.sort();
    out.dedup();
    out
}

/// The facts an action needs besides the dossier.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// When it happens.
    pub now: Timestamp,
    /// Who acts.
    pub actor: &'a Person,
    /// The competent agency's calendar.
    pub calendar: &'a WorkCalendar,
    /// The rules that are data (the online check window, the rating window …).
    pub rules: &'a super::DossierRules,
}

/// Why an action cannot be taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransitionError {
    /// The state does not allow it.
    #[error("không thể {} khi hồ sơ ở trạng thái \"{}\"", .action.label_vi().to_lowercase(), .status.label_vi())]
    NotAllowed {
        /// The action.
        action: ActionKind,
        /// The status.
        status: Status,
        /// What is allowed instead.
        allowed: Vec<ActionKind>,
    },
    /// A field of the action is invalid.
    #[error(transparent)]
    Invalid(#[from] FieldError),
    /// The deadline rules refuse it (e.g. a second apology, an apology too late).
    #[error(transparent)]
    Clock(#[from] ClockError),
    /// The dossier is assigned to another officer.
    #[error("hồ sơ đang được phân công cho cán bộ khác")]
    NotAssignee,
    /// Parallel tasks of the step are still open.
    #[error("còn {0} cơ quan phối hợp chưa trả lời; chưa thể chuyển bước")]
    OpenTasks(usize),
}

/// What a successful action did, for the history and the notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The action.
    pub kind: ActionKind,
    /// One line for the history (Vietnamese).
    pub summary: String,
    /// Whether the applicant should be told (status changes they care about).
    pub notify_applicant: bool,
    /// Whether the change stays inside the agencies (left out of the applicant's timeline).
    pub internal: bool,
}

fn not_allowed(d: &Dossier, action: ActionKind) -> TransitionError {
    TransitionError::NotAllowed {
        action,
        status: d.status,
        allowed: allowed(d),
    }
}

/// Applies `action` to `d` (which is changed only when the result is `Ok`).
pub fn apply(
    d: &mut Dossier,
    action: Action,
    ctx: &Context<'_>,
) -> Result<Applied, TransitionError> {
    let kind = action.kind();
    if !allowed(d).contains(&kind) {
        return Err(not_allowed(d, kind));
    }
    let public_comment = matches!(action, Action::Comment { public: true, .. });
    let mut next = d.clone();
    let summary = run(&mut next, action, ctx)?;
    next.revision += 1;
    let notify_applicant = matches!(
        kind,
        ActionKind::Accept
            | ActionKind::RequestSupplement
            | ActionKind::Refuse
            | ActionKind::Transfer
            | ActionKind::IssueResult
            | ActionKind::ReturnResult
            | ActionKind::Withdraw
            | ActionKind::Stop
            | ActionKind::Apologise
    );
    let internal = match kind {
        ActionKind::Assign
        | ActionKind::Forward
        | ActionKind::SendBack
        | ActionKind::Consult
        | ActionKind::Reply
        | ActionKind::Approve => true,
        ActionKind::Comment => !public_comment,
        _ => false,
    };
    *d = next;
    Ok(Applied {
        kind,
        summary,
        notify_applicant,
        internal,
    })
}

fn run(d: &mut Dossier, action: Action, ctx: &Context<'_>) -> Result<String, TransitionError> {
    let now = ctx.now;
    let accepted = d.accepted_at.is_some();
    let handle_step = step_kind(d) == Some(StepKind::Handle);
    let assignee_ok = d
        .assignee
        .as_ref()
        .is_none_or(|a| a.user_id == ctx.actor.user_id);
    match action {
        Action::Accept => {
            d.accepted_at = Some(now);
            d.status = Status::Processing;
            d.clock_events = vec![ClockEvent::Received { at: now }];
            refresh_dues(d, ctx)?;
            enter_step(d, 0, ctx);
            Ok(match d.due.legal {
                Some(due) => format!("Tiếp nhận hồ sơ, hẹn trả {}", local(due)),
                None => "Tiếp nhận hồ sơ".to_owned(),
            })
        }
        Action::RequestSupplement { items } => {
            if handle_step && !assignee_ok {
                return Err(TransitionError::NotAssignee);
            }
            if items.is_empty() {
                return Err(FieldError::new(
                    "items",
                    "phải liệt kê đầy đủ các giấy tờ cần bổ sung (ít nhất một)",
                )
                .into());
            }
            let n = items.len();
            d.supplements.push(SupplementRequest {
                at: now,
                by: ctx.actor.clone(),
                items,
                submitted_at: None,
                received_at: None,
            });
            d.status = Status::AwaitingSupplement;
            if accepted {
                d.clock_events
                    .push(ClockEvent::SupplementRequested { at: now });
                refresh_dues(d, ctx)?;
            }
            Ok(format!("Yêu cầu bổ sung {n} nội dung (Mẫu 02)"))
        }
        Action::SubmitSupplement { added, note } => {
            if added.is_empty() {
                return Err(FieldError::new(
                    "components",
                    "hãy gửi kèm các giấy tờ được yêu cầu bổ sung",
                )
                .into());
            }
            attach(d, added)?;
            if let Some(r) = d.supplements.last_mut() {
                r.submitted_at = Some(now);
            }
            let note = match note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                Some(n) => Some(super::text_field("note", n, 2000)?),
                None => None,
            };
            if accepted {
                // Online, the supplement arrives when it is sent: the legal time limit
                // restarts and the KPI pause ends now; the desk confirms it is complete.
                d.status = Status::Supplemented;
                d.clock_events
                    .push(ClockEvent::SupplementReceived { at: now });
                refresh_dues(d, ctx)?;
            } else {
                // Not accepted yet: back to the desk's check, with a new window for it.
                d.status = Status::Submitted;
                d.intake_due = super::intake::online_check_due(ctx.calendar, now, ctx.rules);
            }
            Ok(match note {
                Some(n) => format!("Người nộp gửi hồ sơ bổ sung: {n}"),
                None => "Người nộp gửi hồ sơ bổ sung".to_owned(),
            })
        }
        Action::SupplementReceived { added } if d.status == Status::Supplemented => {
            attach(d, added)?;
            if let Some(r) = d.supplements.last_mut() {
                r.received_at = Some(now);
            }
            d.status = Status::Processing;
            Ok(match d.due.legal {
                Some(due) => format!(
                    "Hồ sơ bổ sung đã đầy đủ; thời hạn tính lại từ khi nhận, hẹn trả {}",
                    local(due)
                ),
                None => "Hồ sơ bổ sung đã đầy đủ".to_owned(),
            })
        }
        Action::SupplementReceived { added } => {
            attach(d, added)?;
            if let Some(r) = d.supplements.last_mut() {
                r.received_at = Some(now);
            }
            if accepted {
                d.status = Status::Processing;
                d.clock_events
                    .push(ClockEvent::SupplementReceived { at: now });
                refresh_dues(d, ctx)?;
                Ok(match d.due.legal {
                    Some(due) => format!(
                        "Nhận đủ hồ sơ bổ sung; thời hạn tính lại từ đầu, hẹn trả {}",
                        local(due)
                    ),
                    None => "Nhận đủ hồ sơ bổ sung".to_owned(),
                })
            } else {
                d.status = Status::Submitted;
                Ok("Nhận hồ sơ bổ sung, chờ tiếp nhận".to_owned())
            }
        }
        Action::Refuse { reason } => {
            let reason = super::text_field("reason", &reason, 2000)?;
            close(d, Status::Refused, reason, ctx)?;
            Ok("Từ chối giải quyết hồ sơ (Mẫu 03)".to_owned())
        }
        Action::Assign { assignee } => {
            let name = assignee.name.clone();
            d.assignee = Some(assignee);
            Ok(format!("Phân công {name} xử lý"))
        }
        Action::Forward { note } => {
            if handle_step && !assignee_ok {
                return Err(TransitionError::NotAssignee);
            }
            let open = d
                .open_consultations()
                .filter(|c| c.task && c.step == d.step)
                .count();
            if open > 0 {
                return Err(TransitionError::OpenTasks(open));
            }
            let next = d.step + 1;
            finish_step(d, ctx);
            enter_step(d, next, ctx);
            let to = d.process.steps.get(next).map_or("", |s| s.name.as_str());
            Ok(
                match note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                    Some(n) => format!("Chuyển bước \"{to}\": {n}"),
                    None => format!("Chuyển bước \"{to}\""),
                },
            )
        }
        Action::SendBack { to_step, reason } => {
            if handle_step && !assignee_ok {
                return Err(TransitionError::NotAssignee);
            }
            let reason = super::text_field("reason", &reason, 2000)?;
            if to_step >= d.step {
                return Err(FieldError::new(
                    "to_step",
                    format!("phải là một bước trước bước hiện tại ({})", d.step),
                )
                .into());
            }
            finish_step(d, ctx);
            enter_step(d, to_step, ctx);
            let to = d.process.steps.get(to_step).map_or("", |s| s.name.as_str());
            Ok(format!("Trả lại bước \"{to}\": {reason}"))
        }
        Action::Consult {
            agency,
            question,
            days,
        } => {
            if !assignee_ok {
                return Err(TransitionError::NotAssignee);
            }
            let question = super::text_field("question", &question, 2000)?;
            if !(days.is_finite() && days > 0.0 && days <= 30.0) {
                return Err(FieldError::new("days", "từ 0,5 đến 30 ngày làm việc").into());
            }
            if agency == d.current_agency {
                return Err(FieldError::new("agency", "phải là một cơ quan khác").into());
            }
            let due = ctx
                .calendar
                .due_instant(now, days, crate::catalog::TimeUnit::WorkingDays)
                .ok();
            open_consultation(
                d,
                &agency,
                question,
                Some(ctx.actor.clone()),
                due,
                false,
                now,
            );
            Ok(format!("Xin ý kiến {agency}"))
        }
        Action::Reply {
            consultation,
            answer,
        } => {
            let text = super::text_field("answer", &answer, 4000)?;
            let Some(c) = d
                .consultations
                .iter_mut()
                .find(|c| c.id == consultation && c.answer.is_none())
            else {
                return Err(FieldError::new(
                    "consultation",
                    "không có yêu cầu xin ý kiến đang chờ trả lời với số này",
                )
                .into());
            };
            c.answer = Some(Answer {
                text,
                by: ctx.actor.clone(),
                at: now,
            });
            Ok(format!("{} trả lời xin ý kiến số {consultation}", c.agency))
        }
        Action::Transfer {
            agency,
            reason,
            process,
        } => {
            let reason = super::text_field("reason", &reason, 2000)?;
            if agency == d.current_agency || agency == d.competent_agency {
                return Err(FieldError::new("agency", "hồ sơ đang ở cơ quan này").into());
            }
            d.competent_agency.clone_from(&agency);
            // The new agency's desk takes it over: the first step of its process.
            d.current_agency = process
                .steps
                .first()
                .map_or_else(|| agency.clone(), |s| s.agency.clone());
            d.assignee = None;
            // Before acceptance too: the new desk accepts it into its own process.
            d.process = process;
            if accepted {
                finish_step(d, ctx);
                enter_step(d, 0, ctx);
            }
            Ok(format!("Chuyển hồ sơ đến {agency}: {reason}"))
        }
        Action::Approve { note } => {
            d.approved_by = Some(ctx.actor.clone());
            let next = d.step + 1;
            finish_step(d, ctx);
            enter_step(d, next, ctx);
            Ok(
                match note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                    Some(n) => format!("Phê duyệt: {n}"),
                    None => "Phê duyệt".to_owned(),
                },
            )
        }
        Action::IssueResult {
            number,
            signed_on,
            file,
            signer,
        } => {
            let number = super::text_field("number", &number, 50)?;
            if signed_on > crate::identity::vietnam_date(now) {
                return Err(FieldError::new("signed_on", "ngày ký không được sau hôm nay").into());
            }
            let signer = match signer {
                Some(s) => Some(super::text_field("signer", &s, 200)?),
                None => approver(d),
            };
            d.result = Some(IssuedResult {
                number: number.clone(),
                signed_on,
                file,
                signer,
                issued_at: now,
                issued_by: ctx.actor.clone(),
            });
            d.status = Status::Done;
            d.finished_at = Some(now);
            d.clock_events.push(ClockEvent::Finished { at: now });
            refresh_dues(d, ctx)?;
            let next = d.step + 1;
            finish_step(d, ctx);
            enter_step(d, next, ctx);
            Ok(format!("Phát hành kết quả số {number}"))
        }
        Action::ReturnResult { method, recipient } => {
            let recipient = match recipient {
                Some(r) => super::text_field("recipient", &r, 200)?,
                None => d
                    .representative
                    .as_ref()
                    .map_or_else(|| d.applicant.name.clone(), |r| r.name.clone()),
            };
            d.handover = Some(Handover {
                method: method.unwrap_or(d.return_place.method),
                recipient,
                by: ctx.actor.clone(),
            });
            d.status = Status::Returned;
            d.returned_at = Some(now);
            finish_step(d, ctx);
            Ok("Đã trả kết quả cho người nộp".to_owned())
        }
        Action::Withdraw { reason } => {
            let reason = super::text_field("reason", &reason, 2000)?;
            close(d, Status::Withdrawn, reason, ctx)?;
            Ok("Rút hồ sơ theo đề nghị của người nộp".to_owned())
        }
        Action::Stop { reason } => {
            let reason = super::text_field("reason", &reason, 2000)?;
            close(d, Status::Stopped, reason, ctx)?;
            Ok("Dừng xử lý hồ sơ".to_owned())
        }
        Action::Apologise { reason, new_due } => {
            let reason = super::text_field("reason", &reason, 2000)?;
            let Some(limit) = d.limit else {
                return Err(FieldError::new(
                    "new_due",
                    "thủ tục không có thời hạn giải quyết để hẹn lại",
                )
                .into());
            };
            check_apology(ctx.calendar, limit, &d.clock_events, now, new_due)?;
            let old_due = d.due.legal;
            d.clock_events
                .push(ClockEvent::Apology { at: now, new_due });
            refresh_dues(d, ctx)?;
            d.apology = Some(Apology {
                at: now,
                by: ctx.actor.clone(),
                reason,
                old_due,
                new_due,
            });
            Ok(format!(
                "Xin lỗi và hẹn lại ngày trả: {} (Mẫu 04)",
                local(new_due)
            ))
        }
        Action::Comment { text, public } => {
            let text = super::text_field("text", &text, 4000)?;
            Ok(if public {
                format!("Trao đổi với người nộp: {text}")
            } else {
                format!("Ý kiến: {text}")
            })
        }
        Action::Rate { rating } => {
            let rating = rating.validated()?;
            let window = jiff::SignedDuration::from_hours(24 * ctx.rules.rating_change_days);
            let first_at = match &d.rating {
                Some(r) if now.duration_since(r.first_at) > window => {
                    return Err(FieldError::new(
                        "rating",
                        format!(
                            "đánh giá chỉ sửa được trong {} ngày kể từ khi đánh giá lần đầu",
                            ctx.rules.rating_change_days
                        ),
                    )
                    .into());
                }
                Some(r) => r.first_at,
                None => now,
            };
            let changed = d.rating.is_some();
            let overall = rating.overall().map_or("", |l| l.label_vi());
            d.rating = Some(super::RatingRecord {
                rating,
                first_at,
                at: now,
            });
            Ok(if changed {
                format!("Người nộp sửa đánh giá: {overall}")
            } else {
                format!("Người nộp đánh giá: {overall}")
            })
        }
    }
}

/// Adds supplemented documents to the dossier's components (by index).
fn attach(
    d: &mut Dossier,
    added: Vec<(usize, Vec<FileRef>, Option<String>)>,
) -> Result<(), TransitionError> {
    for (index, files, held) in added {
        let Some(c) = d.components.get_mut(index) else {
            return Err(FieldError::new(
                "components",
                format!("không có thành phần hồ sơ số {index}"),
            )
            .into());
        };
        c.files.extend(files);
        if held.is_some() {
            c.held_document = held;
        }
    }
    Ok(())
}

fn close(
    d: &mut Dossier,
    status: Status,
    reason: String,
    ctx: &Context<'_>,
) -> Result<(), TransitionError> {
    d.closing_notice = Some(Notice {
        at: ctx.now,
        by: ctx.actor.clone(),
        reason,
    });
    d.status = status;
    d.finished_at = Some(ctx.now);
    if d.accepted_at.is_some() {
        d.clock_events.push(ClockEvent::Finished { at: ctx.now });
        refresh_dues(d, ctx)?;
        finish_step(d, ctx);
    }
    Ok(())
}

/// Recomputes the due instants from the clock events.
fn refresh_dues(d: &mut Dossier, ctx: &Context<'_>) -> Result<(), TransitionError> {
    d.due = match d.limit {
        Some(limit) if d.accepted_at.is_some() => {
            let clocks = evaluate_clocks(ctx.calendar, limit, &d.clock_events, ctx.now)?;
            Dues {
                legal: clocks.legal.due,
                kpi: Some(clocks.kpi.due),
            }
        }
        _ => Dues::default(),
    };
    Ok(())
}

/// The leader who last completed an approval step: who signed the result, unless the clerk
/// records another signer.
pub fn approver(d: &Dossier) -> Option<String> {
    d.steps
        .iter()
        .rev()
        .filter(|r| {
            d.process
                .steps
                .get(r.step)
                .is_some_and(|s| s.kind == StepKind::Approve)
        })
        .find_map(|r| r.handed_by.as_ref().map(|p| p.name.clone()))
}

fn finish_step(d: &mut Dossier, ctx: &Context<'_>) {
    if let Some(r) = d.steps.last_mut()
        && r.finished_at.is_none()
    {
        r.finished_at = Some(ctx.now);
        r.handed_by = Some(ctx.actor.clone());
    }
}

fn enter_step(d: &mut Dossier, index: usize, ctx: &Context<'_>) {
    let Some(step) = d.process.steps.get(index).cloned() else {
        return;
    };
    d.step = index;
    d.current_agency.clone_from(&step.agency);
    // Back at a handling step, the officer who handled it before takes it again.
    d.assignee = if step.kind == StepKind::Handle {
        d.steps
            .iter()
            .rev()
            .find(|r| r.step == index && r.agency == step.agency)
            .and_then(|r| r.handed_by.clone())
    } else {
        None
    };
    let due = step
        .allotted
        .and_then(|a| ctx.calendar.due_instant(ctx.now, a.amount, a.unit).ok());
    d.steps.push(StepRecord {
        step: index,
        agency: step.agency.clone(),
        started_at: ctx.now,
        due,
        finished_at: None,
        handed_by: None,
    });
    for agency in &step.parallel {
        open_consultation(
            d,
            agency,
            format!("Phối hợp giải quyết: {}", step.name),
            None,
            due,
            true,
            ctx.now,
        );
    }
}

fn open_consultation(
    d: &mut Dossier,
    agency: &str,
    question: String,
    asked_by: Option<Person>,
    due: Option<Timestamp>,
    task: bool,
    now: Timestamp,
) {
    let id = u32::try_from(d.consultations.len()).unwrap_or(u32::MAX - 1) + 1;
    d.consultations.push(Consultation {
        id,
        agency: agency.to_owned(),
        question,
        asked_by,
        asked_at: now,
        due,
        task,
        step: d.step,
        answer: None,
    });
}

fn local(t: Timestamp) -> String {
    super::model::vn_time_text(t)
}
