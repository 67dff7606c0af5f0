//! Tests of the dossier state machine ([`super::machine`]) over the model and processes, with
//! the shipped 2026 public-sector calendar and standard office hours.

use std::sync::LazyLock;

use jiff::{
    Timestamp,
    civil::{Weekday, date},
    tz::{TimeZone, offset},
};

use super::machine::{is_conditional, missing_components};
use super::*;
use crate::{
    calendar::{
        ClockEvent, DayKind, Dues, EntryStatus, WorkCalendar, WorkingDuration, clocks::ClockError,
        official_years,
    },
    catalog::{ProcedureCode, ProcessingTime, TimeUnit},
    identity::Permission,
};

use ActionKind as A;

static CAL: LazyLock<WorkCalendar> = LazyLock::new(|| WorkCalendar::standard().unwrap());

/// The district's justice office: receives and decides in the default test dossier.
const HOME: &str = "bn.x07210";
/// Another commune's office a dossier can be transferred to.
const OTHER: &str = "bn.x07211";
/// The provincial justice department (consulted, parallel tasks).
const STP: &str = "bn.stp";

/// `"2026-11-25 09:00"` in Vietnam.
fn t(s: &str) -> Timestamp {
    format!("{}:00+07:00", s.replace(' ', "T")).parse().unwrap()
}

fn local(ts: Timestamp) -> String {
    ts.to_zoned(TimeZone::fixed(offset(7)))
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn limit() -> ProcessingTime {
    ProcessingTime {
        amount: 5.0,
        unit: TimeUnit::WorkingDays,
    }
}

fn working_days(from: Timestamp, n: f64) -> Timestamp {
    CAL.due_instant(from, n, TimeUnit::WorkingDays).unwrap()
}

fn person(id: &str, name: &str) -> Person {
    Person {
        user_id: id.to_owned(),
        name: name.to_owned(),
    }
}

fn desk() -> Person {
    person("u-desk", "Trần Thị Bình")
}
fn leader() -> Person {
    person("u-leader", "Lê Văn Cường")
}
fn officer_a() -> Person {
    person("u-a", "Phạm Thị Dung")
}
fn officer_b() -> Person {
    person("u-b", "Hoàng Văn Em")
}
fn clerk() -> Person {
    person("u-clerk", "Vũ Thị Phương")
}
fn stp_officer() -> Person {
    person("u-stp", "Đỗ Văn Giang")
}

fn file(id: &str) -> FileRef {
    FileRef {
        id: id.to_owned(),
        name: format!("{id}.pdf"),
        media_type: "application/pdf".to_owned(),
        size: 12_345,
        sha256: "ab".repeat(32),
    }
}

fn component(name: &str, required: bool, files: Vec<FileRef>) -> Component {
    Component {
        name: name.to_owned(),
        required,
        originals: 1,
        copies: 0,
        files,
        held_document: None,
    }
}

/// An online dossier of procedure 1.001193 (limit 5 working days) submitted on
/// Wednesday 25/11/2026 09:00, with `template` resolved for `receiving` and `competent`.
fn submitted_with(template: &ProcessTemplate, receiving: &str, competent: &str) -> Dossier {
    let submitted_at = t("2026-11-25 09:00");
    Dossier {
        id: "019a0000-0000-7000-8000-000000000001".to_owned(),
        code: DossierCode::new("000.00.00.H06", date(2026, 11, 25), 1).unwrap(),
        procedure: ProcedureCode::parse("1.001193").unwrap(),
        procedure_version: 1,
        procedure_name: "Đăng ký khai sinh".to_owned(),
        case_name: None,
        applicant: Applicant {
            kind: ApplicantKind::Individual,
            name: "Nguyễn Văn An".to_owned(),
            citizen_id: Some("024090001234".to_owned()),
            tax_code: None,
            phone: None,
            email: None,
            address: None,
        },
        representative: None,
        owner_id: Some("u-citizen".to_owned()),
        channel: SubmissionChannel::Online,
        receiving_agency: receiving.to_owned(),
        competent_agency: competent.to_owned(),
        current_agency: receiving.to_owned(),
        return_place: ReturnPlace {
            method: ReturnMethod::Online,
            address: None,
        },
        components: vec![
            component("Tờ khai đăng ký khai sinh", true, Vec::new()),
            component("Giấy chứng sinh", true, vec![file("f-birth")]),
        ],
        fees: Vec::new(),
        status: Status::Submitted,
        submitted_at,
        intake_due: intake_due(&CAL, submitted_at, 8.0),
        accepted_at: None,
        finished_at: None,
        returned_at: None,
        limit: Some(limit()),
        clock_events: Vec::new(),
        due: Dues::default(),
        process: template.resolve(Some(limit()), receiving, competent),
        step: 0,
        steps: Vec::new(),
        assignee: None,
        supplements: Vec::new(),
        consultations: Vec::new(),
        closing_notice: None,
        approved_by: None,
        apology: None,
        result: None,
        revision: 0,
    }
}

/// The dossier of the brief: default process, receiving and competent agency `bn.x07210`.
fn submitted() -> Dossier {
    submitted_with(&ProcessTemplate::default_for(), HOME, HOME)
}

fn ctx<'a>(now: Timestamp, actor: &'a Person) -> Context<'a> {
    Context {
        now,
        actor,
        calendar: &CAL,
    }
}

fn try_act(
    d: &mut Dossier,
    action: Action,
    at: &str,
    actor: &Person,
) -> Result<Applied, TransitionError> {
    apply(d, action, &ctx(t(at), actor))
}

fn act(d: &mut Dossier, action: Action, at: &str, actor: &Person) -> Applied {
    let kind = action.kind();
    try_act(d, action, at, actor).unwrap_or_else(|e| panic!("{kind:?} at {at}: {e:?}"))
}

/// Applies an action that must fail, checks the dossier is unchanged, returns the error.
fn refused(d: &mut Dossier, action: Action, at: &str, actor: &Person) -> TransitionError {
    let before = d.clone();
    let kind = action.kind();
    let Err(e) = try_act(d, action, at, actor) else {
        panic!("{kind:?} at {at} should have failed");
    };
    assert_eq!(*d, before, "a failed {kind:?} changed the dossier");
    e
}

fn invalid_field(e: TransitionError) -> String {
    match e {
        TransitionError::Invalid(f) => f.field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn set(kinds: &[ActionKind]) -> Vec<ActionKind> {
    let mut v = kinds.to_vec();
    v.sort();
    v
}

const ACCEPT_AT: &str = "2026-11-25 10:00";

fn accepted() -> Dossier {
    let mut d = submitted();
    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    d
}

/// Accepted and forwarded to the handling step (unassigned).
fn at_handle() -> Dossier {
    let mut d = accepted();
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    d
}

/// At the approval step, handled by officer A.
fn at_approve() -> Dossier {
    let mut d = at_handle();
    act(
        &mut d,
        Action::Assign {
            assignee: officer_a(),
        },
        "2026-11-25 13:30",
        &leader(),
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-26 09:00",
        &officer_a(),
    );
    d
}

/// At the issue step.
fn at_issue() -> Dossier {
    let mut d = at_approve();
    act(
        &mut d,
        Action::Approve { note: None },
        "2026-11-27 09:00",
        &leader(),
    );
    d
}

fn supplement_items() -> Vec<SupplementItem> {
    vec![SupplementItem {
        component: "Tờ khai đăng ký khai sinh".to_owned(),
        reason: "Chưa có tờ khai có chữ ký của người yêu cầu".to_owned(),
    }]
}

fn reason(s: &str) -> String {
    s.to_owned()
}

// ---------------------------------------------------------------------------------------------
// Fixtures

#[test]
fn the_2026_official_calendar_is_embedded_and_used() {
    let years = official_years().unwrap();
    let y2026 = years.iter().find(|y| y.year == 2026).expect("2026 shipped");
    // Tết Bính Ngọ, confirmed by Thông báo 9441/TB-BNV.
    let tet = y2026.entry(date(2026, 2, 16)).unwrap();
    assert_eq!(tet.kind, DayKind::Holiday);
    assert_eq!(tet.status, EntryStatus::Confirmed);
    // The standard calendar compiles that year, not the computed defaults.
    assert_eq!(CAL.year(2026), Some(y2026));
    assert!(!CAL.is_working_day(date(2026, 2, 16)).unwrap());
    // The make-up Saturday 10/1/2026 is a working day.
    assert!(CAL.is_working_day(date(2026, 1, 10)).unwrap());

    assert_eq!(date(2026, 11, 25).weekday(), Weekday::Wednesday);
    assert!(CAL.is_working_day(date(2026, 11, 25)).unwrap());
}

#[test]
fn the_submitted_dossier_is_as_the_desk_sees_it() {
    let d = submitted();
    assert_eq!(d.status, Status::Submitted);
    assert_eq!(d.national_status(), 1);
    assert_eq!(d.current_step(), None, "no current step before acceptance");
    // The desk has 8 working hours: Thursday 09:00.
    assert_eq!(local(d.intake_due.unwrap()), "2026-11-26 09:00");
    assert_eq!(missing_components(&d.components), [0]);
    assert_eq!(d.process.steps.len(), 5);
    assert!(d.process.steps.iter().all(|s| s.agency == HOME));
    let allotted: Vec<f64> = d
        .process
        .steps
        .iter()
        .map(|s| s.allotted.unwrap().amount)
        .collect();
    assert_eq!(allotted, [0.5, 2.5, 1.0, 0.5, 0.5]);
    assert!(!d.is_overdue(t("2027-01-01 09:00")));
}

// ---------------------------------------------------------------------------------------------
// The happy path

#[test]
fn happy_path_from_submission_to_returned_result() {
    let mut d = submitted();
    let accept = t(ACCEPT_AT);

    // Accept (Form 01).
    let applied = act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    assert_eq!(applied.kind, A::Accept);
    assert!(applied.notify_applicant);
    assert_eq!(
        applied.summary,
        "Tiếp nhận hồ sơ, hẹn trả 10:00 ngày 02/12/2026"
    );
    assert_eq!(d.status, Status::Processing);
    assert_eq!(d.national_status(), 2);
    assert_eq!(d.accepted_at, Some(accept));
    assert_eq!(d.clock_events, [ClockEvent::Received { at: accept }]);
    let legal = working_days(accept, 5.0);
    assert_eq!(local(legal), "2026-12-02 10:00");
    assert_eq!(d.due.legal, Some(legal));
    // No supplement, no suspension: the KPI due is the legal one.
    assert_eq!(d.due.kpi, Some(legal));
    assert_eq!(d.step, 0);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Receive);
    assert_eq!(d.current_agency, HOME);
    assert_eq!(d.revision, 1);
    assert_eq!(d.steps.len(), 1);
    assert_eq!(
        d.steps[0],
        StepRecord {
            step: 0,
            agency: HOME.to_owned(),
            started_at: accept,
            due: Some(working_days(accept, 0.5)),
            finished_at: None,
            handed_by: None,
        }
    );
    assert!(!d.is_overdue(t("2026-12-02 10:00")));
    assert!(d.is_overdue(t("2026-12-02 10:01")));

    // Forward from the receiving step.
    let fwd = t("2026-11-25 11:00");
    let applied = act(
        &mut d,
        Action::Forward {
            note: Some("  Hồ sơ đủ  ".to_owned()),
        },
        "2026-11-25 11:00",
        &desk(),
    );
    assert!(!applied.notify_applicant);
    assert_eq!(
        applied.summary,
        "Chuyển bước \"Thẩm định, xử lý hồ sơ\": Hồ sơ đủ"
    );
    assert_eq!(d.status, Status::Processing);
    assert_eq!(d.national_status(), 4);
    assert_eq!(d.step, 1);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Handle);
    assert_eq!(d.current_agency, HOME);
    assert_eq!(d.revision, 2);
    assert_eq!(d.steps.len(), 2);
    assert_eq!(d.steps[0].finished_at, Some(fwd));
    assert_eq!(d.steps[0].handed_by, Some(desk()));
    assert_eq!(d.steps[1].step, 1);
    assert_eq!(d.steps[1].started_at, fwd);
    assert_eq!(d.steps[1].due, Some(working_days(fwd, 2.5)));
    assert_eq!(d.steps[1].finished_at, None);
    assert_eq!(d.assignee, None);

    // Assign: no step change, no step row.
    let applied = act(
        &mut d,
        Action::Assign {
            assignee: officer_a(),
        },
        "2026-11-25 13:30",
        &leader(),
    );
    assert_eq!(applied.summary, "Phân công Phạm Thị Dung xử lý");
    assert_eq!(d.assignee, Some(officer_a()));
    assert_eq!(d.step, 1);
    assert_eq!(d.steps.len(), 2);
    assert_eq!(d.revision, 3);

    // The officer forwards to approval.
    let handled = t("2026-11-26 09:00");
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(d.step, 2);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Approve);
    assert_eq!(d.national_status(), 4);
    assert_eq!(
        d.assignee, None,
        "the approval step has no handling officer"
    );
    assert_eq!(d.steps[1].finished_at, Some(handled));
    assert_eq!(d.steps[1].handed_by, Some(officer_a()));
    assert_eq!(d.steps.len(), 3);
    assert_eq!(d.revision, 4);

    // Approve.
    let approved = t("2026-11-27 09:00");
    let applied = act(
        &mut d,
        Action::Approve {
            note: Some("Đồng ý".to_owned()),
        },
        "2026-11-27 09:00",
        &leader(),
    );
    assert_eq!(applied.summary, "Phê duyệt: Đồng ý");
    assert!(!applied.notify_applicant);
    assert_eq!(d.approved_by, Some(leader()));
    assert_eq!(d.step, 3);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Issue);
    assert_eq!(d.steps[2].finished_at, Some(approved));
    assert_eq!(d.steps[2].handed_by, Some(leader()));
    assert_eq!(d.finished_at, None);
    assert_eq!(d.revision, 5);

    // Issue the result.
    let issued = t("2026-11-27 15:00");
    let applied = act(
        &mut d,
        Action::IssueResult {
            number: " 125/GKS ".to_owned(),
            signed_on: date(2026, 11, 27),
            file: Some(file("f-result")),
        },
        "2026-11-27 15:00",
        &clerk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(applied.summary, "Phát hành kết quả số 125/GKS");
    assert_eq!(d.status, Status::Done);
    assert_eq!(d.national_status(), 9);
    assert_eq!(d.finished_at, Some(issued));
    assert_eq!(
        d.clock_events.last(),
        Some(&ClockEvent::Finished { at: issued })
    );
    assert_eq!(d.due.legal, Some(legal), "finishing does not move the due");
    let result = d.result.as_ref().unwrap();
    assert_eq!(result.number, "125/GKS");
    assert_eq!(result.signed_on, date(2026, 11, 27));
    assert_eq!(result.issued_at, issued);
    assert_eq!(result.issued_by, clerk());
    assert_eq!(d.step, 4);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Return);
    assert_eq!(d.current_agency, HOME);
    assert_eq!(d.steps[3].finished_at, Some(issued));
    assert_eq!(d.steps[3].handed_by, Some(clerk()));
    assert_eq!(d.steps[4].started_at, issued);
    assert!(
        !d.is_overdue(t("2026-12-10 09:00")),
        "a finished dossier is never overdue"
    );
    assert_eq!(d.revision, 6);

    // Return it.
    let returned = t("2026-11-30 08:00");
    let applied = act(&mut d, Action::ReturnResult, "2026-11-30 08:00", &desk());
    assert!(applied.notify_applicant);
    assert_eq!(d.status, Status::Returned);
    assert_eq!(d.national_status(), 10);
    assert_eq!(d.returned_at, Some(returned));
    assert_eq!(
        d.finished_at,
        Some(issued),
        "returning does not move the finish"
    );
    assert_eq!(d.revision, 7);
    assert_eq!(d.steps.len(), 5);
    assert_eq!(
        d.steps.iter().map(|s| s.step).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    assert!(d.steps.iter().all(|s| s.finished_at.is_some()));
    assert_eq!(d.steps[4].handed_by, Some(desk()));
    assert!(d.steps.iter().all(|s| s.agency == HOME));
    assert_eq!(allowed(&d), [A::Comment]);
    assert!(d.status.is_final());

    // The aggregate survives its stored form.
    let json = serde_json::to_string(&d).unwrap();
    let back: Dossier = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
}

#[test]
fn steps_move_between_agencies_of_the_process() {
    let mut d = submitted_with(&ProcessTemplate::default_for(), "bn.ttpvhcc", STP);
    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    assert_eq!(d.current_agency, "bn.ttpvhcc");
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    assert_eq!(d.current_agency, STP);
    assert_eq!(d.steps[1].agency, STP);
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 14:00",
        &officer_a(),
    );
    act(
        &mut d,
        Action::Approve { note: None },
        "2026-11-25 15:00",
        &leader(),
    );
    assert_eq!(d.current_agency, STP);
    act(
        &mut d,
        Action::IssueResult {
            number: "1/QĐ".to_owned(),
            signed_on: date(2026, 11, 25),
            file: None,
        },
        "2026-11-25 16:00",
        &clerk(),
    );
    // Back at the desk for the return.
    assert_eq!(d.current_agency, "bn.ttpvhcc");
    assert_eq!(
        d.involved_agencies().into_iter().collect::<Vec<_>>(),
        ["bn.stp", "bn.ttpvhcc"]
    );
}

// ---------------------------------------------------------------------------------------------
// allowed() and NotAllowed

#[test]
fn allowed_actions_in_each_state() {
    let mut d = submitted();
    assert_eq!(
        allowed(&d),
        set(&[
            A::Accept,
            A::RequestSupplement,
            A::Refuse,
            A::Transfer,
            A::Withdraw,
            A::Comment
        ])
    );

    let mut waiting = submitted();
    act(
        &mut waiting,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert_eq!(
        allowed(&waiting),
        set(&[A::SupplementReceived, A::Withdraw, A::Comment]),
        "no stop before acceptance"
    );

    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    assert_eq!(
        allowed(&d),
        set(&[
            A::Forward,
            A::RequestSupplement,
            A::Refuse,
            A::Transfer,
            A::Withdraw,
            A::Stop,
            A::Apologise,
            A::Comment,
        ]),
        "receiving step: no send back from the first step"
    );

    let mut handle = at_handle();
    let handle_set = [
        A::Assign,
        A::Forward,
        A::RequestSupplement,
        A::Consult,
        A::SendBack,
        A::Refuse,
        A::Withdraw,
        A::Stop,
        A::Apologise,
        A::Comment,
    ];
    assert_eq!(allowed(&handle), set(&handle_set));
    act(
        &mut handle,
        Action::Consult {
            agency: STP.to_owned(),
            question: "Xin ý kiến về giấy chứng sinh".to_owned(),
            days: 2.0,
        },
        "2026-11-25 14:00",
        &officer_a(),
    );
    let mut with_reply = handle_set.to_vec();
    with_reply.push(A::Reply);
    assert_eq!(allowed(&handle), set(&with_reply));

    let approve_set = [
        A::Approve,
        A::SendBack,
        A::Refuse,
        A::Withdraw,
        A::Stop,
        A::Apologise,
        A::Comment,
    ];
    assert_eq!(allowed(&at_approve()), set(&approve_set));

    let mut issue = at_issue();
    assert_eq!(
        allowed(&issue),
        set(&[
            A::IssueResult,
            A::SendBack,
            A::Refuse,
            A::Withdraw,
            A::Stop,
            A::Apologise,
            A::Comment,
        ])
    );

    let mut awaiting = at_handle();
    act(
        &mut awaiting,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(
        allowed(&awaiting),
        set(&[A::SupplementReceived, A::Withdraw, A::Stop, A::Comment])
    );

    act(
        &mut issue,
        Action::IssueResult {
            number: "125/GKS".to_owned(),
            signed_on: date(2026, 11, 27),
            file: None,
        },
        "2026-11-27 15:00",
        &clerk(),
    );
    assert_eq!(allowed(&issue), set(&[A::ReturnResult, A::Comment]));

    for status in [
        Status::Refused,
        Status::Returned,
        Status::Withdrawn,
        Status::Stopped,
    ] {
        let mut closed = accepted();
        closed.status = status;
        assert_eq!(allowed(&closed), [A::Comment], "{status:?}");
    }
}

#[test]
fn a_disallowed_action_is_refused_and_changes_nothing() {
    let mut d = submitted();
    let e = refused(&mut d, Action::Approve { note: None }, ACCEPT_AT, &leader());
    assert_eq!(
        e,
        TransitionError::NotAllowed {
            action: A::Approve,
            status: Status::Submitted,
            allowed: set(&[
                A::Accept,
                A::RequestSupplement,
                A::Refuse,
                A::Transfer,
                A::Withdraw,
                A::Comment,
            ]),
        }
    );
    assert_eq!(
        e.to_string(),
        "không thể phê duyệt, ký khi hồ sơ ở trạng thái \"Chờ tiếp nhận\""
    );

    // Each step only completes with its own action.
    let mut d = at_handle();
    assert!(matches!(
        refused(
            &mut d,
            Action::Approve { note: None },
            "2026-11-26 09:00",
            &leader()
        ),
        TransitionError::NotAllowed {
            action: A::Approve,
            status: Status::Processing,
            ..
        }
    ));
    let mut d = at_approve();
    assert!(matches!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-27 09:00",
            &leader()
        ),
        TransitionError::NotAllowed {
            action: A::Forward,
            ..
        }
    ));
    assert!(matches!(
        refused(&mut d, Action::Accept, "2026-11-27 09:00", &desk()),
        TransitionError::NotAllowed {
            action: A::Accept,
            ..
        }
    ));
    assert!(matches!(
        refused(&mut d, Action::ReturnResult, "2026-11-27 09:00", &desk()),
        TransitionError::NotAllowed {
            action: A::ReturnResult,
            ..
        }
    ));

    // A closed dossier takes comments only.
    let mut d = accepted();
    act(
        &mut d,
        Action::Withdraw {
            reason: reason("Không còn nhu cầu"),
        },
        "2026-11-25 11:00",
        &desk(),
    );
    for action in [
        Action::Accept,
        Action::Forward { note: None },
        Action::Stop {
            reason: reason("x"),
        },
        Action::Withdraw {
            reason: reason("x"),
        },
    ] {
        let kind = action.kind();
        let e = refused(&mut d, action, "2026-11-25 14:00", &desk());
        assert_eq!(
            e,
            TransitionError::NotAllowed {
                action: kind,
                status: Status::Withdrawn,
                allowed: vec![A::Comment],
            }
        );
    }
    let rev = d.revision;
    let applied = act(
        &mut d,
        Action::Comment {
            text: "Lưu hồ sơ".to_owned(),
        },
        "2026-11-25 14:00",
        &desk(),
    );
    assert_eq!(applied.summary, "Ý kiến: Lưu hồ sơ");
    assert!(!applied.notify_applicant);
    assert_eq!(d.revision, rev + 1);
    assert_eq!(d.status, Status::Withdrawn);
}

#[test]
fn an_invalid_field_in_an_allowed_action_changes_nothing() {
    let mut d = at_handle();
    assert_eq!(
        invalid_field(refused(
            &mut d,
            Action::Comment {
                text: " \n ".to_owned()
            },
            "2026-11-26 09:00",
            &desk()
        )),
        "text"
    );
    assert_eq!(
        invalid_field(refused(
            &mut d,
            Action::Stop {
                reason: String::new()
            },
            "2026-11-26 09:00",
            &leader()
        )),
        "reason"
    );
    assert_eq!(
        invalid_field(refused(
            &mut d,
            Action::Withdraw {
                reason: "x".repeat(2001)
            },
            "2026-11-26 09:00",
            &desk()
        )),
        "reason"
    );
}

#[test]
fn action_kinds_and_statuses_round_trip() {
    for k in ActionKind::ALL {
        assert_eq!(ActionKind::parse(k.as_str()), Some(k));
    }
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
    assert_eq!(ActionKind::parse("approve_all"), None);
    assert_eq!(Status::parse("Done"), None);
}

// ---------------------------------------------------------------------------------------------
// Supplements

#[test]
fn a_supplement_request_must_list_items() {
    let mut d = submitted();
    let e = refused(
        &mut d,
        Action::RequestSupplement { items: Vec::new() },
        ACCEPT_AT,
        &desk(),
    );
    assert_eq!(invalid_field(e), "items");

    let mut d = at_handle();
    let e = refused(
        &mut d,
        Action::RequestSupplement { items: Vec::new() },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(invalid_field(e), "items");
}

#[test]
fn a_supplement_after_acceptance_restarts_the_legal_clock() {
    let mut d = accepted();
    let requested = t("2026-11-26 09:00");
    let applied = act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-26 09:00",
        &desk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(applied.summary, "Yêu cầu bổ sung 1 nội dung (Mẫu 02)");
    assert_eq!(d.status, Status::AwaitingSupplement);
    assert_eq!(d.national_status(), 5);
    assert_eq!(d.supplements.len(), 1);
    assert_eq!(d.supplements[0].at, requested);
    assert_eq!(d.supplements[0].by, desk());
    assert_eq!(d.supplements[0].received_at, None);
    assert_eq!(
        d.clock_events.last(),
        Some(&ClockEvent::SupplementRequested { at: requested })
    );
    assert_eq!(
        d.due.legal, None,
        "no legal due while waiting for the applicant"
    );
    assert!(d.due.kpi.is_some());
    assert!(!d.is_overdue(t("2027-01-01 09:00")));

    // Monday 30/11 14:00: the tờ khai arrives.
    let received = t("2026-11-30 14:00");
    let applied = act(
        &mut d,
        Action::SupplementReceived {
            added: vec![(0, vec![file("f-form")], None)],
        },
        "2026-11-30 14:00",
        &desk(),
    );
    assert_eq!(d.status, Status::Processing);
    assert_eq!(d.step, 0, "the dossier stays at its step");
    assert_eq!(d.supplements[0].received_at, Some(received));
    assert!(d.components[0].is_provided());
    assert_eq!(d.components[0].files, [file("f-form")]);
    assert!(missing_components(&d.components).is_empty());
    assert_eq!(
        d.clock_events,
        [
            ClockEvent::Received { at: t(ACCEPT_AT) },
            ClockEvent::SupplementRequested { at: requested },
            ClockEvent::SupplementReceived { at: received },
        ]
    );
    // Legal: 5 full working days again from the receipt of the supplement.
    let legal = working_days(received, 5.0);
    assert_eq!(d.due.legal, Some(legal));
    assert_eq!(local(legal), "2026-12-07 14:00");
    assert!(applied.summary.ends_with("hẹn trả 14:00 ngày 07/12/2026"));
    // KPI: only the wait is excluded. 7 working hours were used (25/11 10:00 → 26/11 09:00),
    // the remaining 33 from Mon 30/11 14:00 end on Fri 4/12 at 15:00.
    assert_eq!(local(d.due.kpi.unwrap()), "2026-12-04 15:00");
}

#[test]
fn a_supplement_before_acceptance_returns_to_submitted_without_clock_events() {
    let mut d = submitted();
    act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert_eq!(d.status, Status::AwaitingSupplement);
    assert_eq!(d.national_status(), 5);
    assert!(d.clock_events.is_empty());
    assert_eq!(d.due, Dues::default());
    assert_eq!(d.accepted_at, None);

    // An index that is not a component.
    let e = refused(
        &mut d,
        Action::SupplementReceived {
            added: vec![(7, vec![file("f-x")], None)],
        },
        "2026-11-26 08:00",
        &desk(),
    );
    assert_eq!(invalid_field(e), "components");

    let applied = act(
        &mut d,
        Action::SupplementReceived {
            added: vec![(0, Vec::new(), Some("Tờ khai điện tử số 42".to_owned()))],
        },
        "2026-11-26 08:00",
        &desk(),
    );
    assert_eq!(applied.summary, "Nhận hồ sơ bổ sung, chờ tiếp nhận");
    assert_eq!(d.status, Status::Submitted);
    assert_eq!(d.national_status(), 1);
    assert!(d.clock_events.is_empty());
    assert_eq!(d.due, Dues::default());
    assert_eq!(d.accepted_at, None);
    assert_eq!(d.supplements[0].received_at, Some(t("2026-11-26 08:00")));
    assert_eq!(
        d.components[0].held_document.as_deref(),
        Some("Tờ khai điện tử số 42")
    );
    assert!(missing_components(&d.components).is_empty());

    // Accepting later starts the clock at the acceptance.
    act(&mut d, Action::Accept, "2026-11-26 09:00", &desk());
    assert_eq!(
        d.clock_events,
        [ClockEvent::Received {
            at: t("2026-11-26 09:00")
        }]
    );
    assert_eq!(d.due.legal, Some(working_days(t("2026-11-26 09:00"), 5.0)));
}

// ---------------------------------------------------------------------------------------------
// The handling step and its assignee

#[test]
fn only_the_assignee_works_on_an_assigned_dossier() {
    let mut d = at_handle();
    act(
        &mut d,
        Action::Assign {
            assignee: officer_a(),
        },
        "2026-11-25 13:30",
        &leader(),
    );
    let b = officer_b();
    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-25 14:00",
            &b
        ),
        TransitionError::NotAssignee
    );
    assert_eq!(
        refused(
            &mut d,
            Action::Consult {
                agency: STP.to_owned(),
                question: "?".to_owned(),
                days: 1.0
            },
            "2026-11-25 14:00",
            &b
        ),
        TransitionError::NotAssignee
    );
    assert_eq!(
        refused(
            &mut d,
            Action::RequestSupplement {
                items: supplement_items()
            },
            "2026-11-25 14:00",
            &b
        ),
        TransitionError::NotAssignee
    );

    // The assignee can.
    let mut by_a = d.clone();
    act(
        &mut by_a,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 14:00",
        &officer_a(),
    );
    assert_eq!(by_a.status, Status::AwaitingSupplement);
    let mut by_a = d.clone();
    act(
        &mut by_a,
        Action::Consult {
            agency: STP.to_owned(),
            question: "?".to_owned(),
            days: 1.0,
        },
        "2026-11-25 14:00",
        &officer_a(),
    );
    assert_eq!(by_a.consultations.len(), 1);
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 14:00",
        &officer_a(),
    );
    assert_eq!(d.step, 2);

    // The leader may re-assign at any time.
    let mut d = at_handle();
    act(
        &mut d,
        Action::Assign {
            assignee: officer_a(),
        },
        "2026-11-25 13:30",
        &leader(),
    );
    act(
        &mut d,
        Action::Assign {
            assignee: officer_b(),
        },
        "2026-11-25 13:40",
        &leader(),
    );
    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-25 14:00",
            &officer_a()
        ),
        TransitionError::NotAssignee
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 14:00",
        &b,
    );
    assert_eq!(d.steps[1].handed_by, Some(b));
}

#[test]
fn anyone_may_work_on_an_unassigned_dossier() {
    let mut d = at_handle();
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 14:00",
        &officer_b(),
    );
    assert_eq!(d.step, 2);
    assert_eq!(d.steps[1].handed_by, Some(officer_b()));

    let mut d = at_handle();
    act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 14:00",
        &officer_b(),
    );
    assert_eq!(d.status, Status::AwaitingSupplement);
}

#[test]
fn the_assignee_does_not_bind_the_receiving_step() {
    // An assignee is about handling: at the desk any receiving officer forwards.
    let mut d = accepted();
    d.assignee = Some(officer_a());
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    assert_eq!(d.step, 1);
}

// ---------------------------------------------------------------------------------------------
// Consultations and parallel tasks

#[test]
fn consultations_are_asked_and_answered() {
    let mut d = at_handle();
    let asked = t("2026-11-26 09:00");
    let applied = act(
        &mut d,
        Action::Consult {
            agency: STP.to_owned(),
            question: "  Xin ý kiến về quốc tịch của người mẹ  ".to_owned(),
            days: 2.0,
        },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(applied.summary, "Xin ý kiến bn.stp");
    assert_eq!(d.step, 1, "consulting does not move the dossier");
    assert_eq!(d.current_agency, HOME);
    let c = &d.consultations[0];
    assert_eq!(c.id, 1);
    assert_eq!(c.agency, STP);
    assert_eq!(c.question, "Xin ý kiến về quốc tịch của người mẹ");
    assert_eq!(c.asked_by, Some(officer_a()));
    assert_eq!(c.asked_at, asked);
    assert_eq!(c.due, Some(working_days(asked, 2.0)));
    assert_eq!(local(c.due.unwrap()), "2026-11-30 09:00");
    assert!(!c.task);
    assert_eq!(c.step, 1);
    assert!(d.involved_agencies().contains(STP));

    act(
        &mut d,
        Action::Consult {
            agency: "bn.sct".to_owned(),
            question: "Câu hỏi thứ hai".to_owned(),
            days: 0.5,
        },
        "2026-11-26 09:30",
        &officer_a(),
    );
    assert_eq!(d.consultations[1].id, 2);
    assert_eq!(d.open_consultations().count(), 2);

    // Unknown number.
    let e = refused(
        &mut d,
        Action::Reply {
            consultation: 99,
            answer: "Đồng ý".to_owned(),
        },
        "2026-11-27 09:00",
        &stp_officer(),
    );
    assert_eq!(invalid_field(e), "consultation");
    // Empty answer.
    let e = refused(
        &mut d,
        Action::Reply {
            consultation: 1,
            answer: "   ".to_owned(),
        },
        "2026-11-27 09:00",
        &stp_officer(),
    );
    assert_eq!(invalid_field(e), "answer");

    let applied = act(
        &mut d,
        Action::Reply {
            consultation: 1,
            answer: "Người mẹ có quốc tịch Việt Nam".to_owned(),
        },
        "2026-11-27 09:00",
        &stp_officer(),
    );
    assert_eq!(applied.summary, "bn.stp trả lời xin ý kiến số 1");
    let answer = d.consultations[0].answer.as_ref().unwrap();
    assert_eq!(answer.text, "Người mẹ có quốc tịch Việt Nam");
    assert_eq!(answer.by, stp_officer());
    assert_eq!(answer.at, t("2026-11-27 09:00"));
    assert_eq!(
        d.open_consultations().map(|c| c.id).collect::<Vec<_>>(),
        [2]
    );
    // An answered consultation is closed: a second answer is refused.
    let e = refused(
        &mut d,
        Action::Reply {
            consultation: 1,
            answer: "Sửa lại".to_owned(),
        },
        "2026-11-27 10:00",
        &stp_officer(),
    );
    assert_eq!(invalid_field(e), "consultation");

    act(
        &mut d,
        Action::Reply {
            consultation: 2,
            answer: "Không có ý kiến".to_owned(),
        },
        "2026-11-27 10:00",
        &officer_b(),
    );
    assert_eq!(d.open_consultations().count(), 0);
    assert!(!allowed(&d).contains(&A::Reply));
    assert!(matches!(
        refused(
            &mut d,
            Action::Reply {
                consultation: 2,
                answer: "Lần nữa".to_owned()
            },
            "2026-11-27 11:00",
            &officer_b()
        ),
        TransitionError::NotAllowed {
            action: A::Reply,
            ..
        }
    ));
    // Plain consultations do not hold the step.
    let mut open = at_handle();
    act(
        &mut open,
        Action::Consult {
            agency: STP.to_owned(),
            question: "?".to_owned(),
            days: 1.0,
        },
        "2026-11-26 09:00",
        &officer_a(),
    );
    act(
        &mut open,
        Action::Forward { note: None },
        "2026-11-26 10:00",
        &officer_a(),
    );
    assert_eq!(open.step, 2);
}

#[test]
fn a_consultation_needs_another_agency_a_question_and_a_sane_delay() {
    let mut d = at_handle();
    let consult = |agency: &str, question: &str, days: f64| Action::Consult {
        agency: agency.to_owned(),
        question: question.to_owned(),
        days,
    };
    let at = "2026-11-26 09:00";
    let a = officer_a();
    assert_eq!(
        invalid_field(refused(&mut d, consult(HOME, "?", 1.0), at, &a)),
        "agency"
    );
    assert_eq!(
        invalid_field(refused(&mut d, consult(STP, " ", 1.0), at, &a)),
        "question"
    );
    for days in [0.0, -1.0, 30.5, f64::NAN, f64::INFINITY] {
        assert_eq!(
            invalid_field(refused(&mut d, consult(STP, "?", days), at, &a)),
            "days",
            "{days}"
        );
    }
    act(&mut d, consult(STP, "?", 30.0), at, &a);
}

fn parallel_template() -> ProcessTemplate {
    let mut t = ProcessTemplate::default_for();
    t.steps[1].parallel = vec![STP.to_owned()];
    t.validate().unwrap();
    t
}

#[test]
fn a_parallel_step_waits_for_its_tasks() {
    let mut d = submitted_with(&parallel_template(), HOME, HOME);
    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    assert!(
        d.consultations.is_empty(),
        "no task before the parallel step"
    );
    let entered = t("2026-11-25 11:00");
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    assert_eq!(d.consultations.len(), 1);
    let task = &d.consultations[0];
    assert_eq!(task.id, 1);
    assert_eq!(task.agency, STP);
    assert!(task.task);
    assert_eq!(task.step, 1);
    assert_eq!(task.asked_by, None);
    assert_eq!(task.asked_at, entered);
    assert_eq!(task.due, d.steps[1].due, "a task has its step's deadline");
    assert_eq!(task.due, Some(working_days(entered, 2.5)));
    assert_eq!(task.question, "Phối hợp giải quyết: Thẩm định, xử lý hồ sơ");
    assert!(allowed(&d).contains(&A::Reply));

    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-26 09:00",
            &officer_a()
        ),
        TransitionError::OpenTasks(1)
    );
    // The lead's own consultation does not count as a task.
    act(
        &mut d,
        Action::Consult {
            agency: "bn.sct".to_owned(),
            question: "?".to_owned(),
            days: 1.0,
        },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-26 09:10",
            &officer_a()
        ),
        TransitionError::OpenTasks(1)
    );

    act(
        &mut d,
        Action::Reply {
            consultation: 1,
            answer: "Đã thẩm định phần việc của Sở".to_owned(),
        },
        "2026-11-26 10:00",
        &stp_officer(),
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-26 11:00",
        &officer_a(),
    );
    assert_eq!(d.step, 2);
    assert_eq!(
        d.consultations.len(),
        2,
        "no task on a step without parallel agencies"
    );
}

#[test]
fn re_entering_a_parallel_step_opens_new_tasks() {
    let mut d = submitted_with(&parallel_template(), HOME, HOME);
    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    act(
        &mut d,
        Action::Reply {
            consultation: 1,
            answer: "Xong".to_owned(),
        },
        "2026-11-25 14:00",
        &stp_officer(),
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 15:00",
        &officer_a(),
    );
    act(
        &mut d,
        Action::SendBack {
            to_step: 1,
            reason: reason("Thẩm định lại"),
        },
        "2026-11-26 09:00",
        &leader(),
    );
    assert_eq!(d.consultations.len(), 2);
    assert_eq!(d.consultations[1].id, 2);
    assert!(d.consultations[1].task);
    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-26 10:00",
            &officer_a()
        ),
        TransitionError::OpenTasks(1)
    );
}

// ---------------------------------------------------------------------------------------------
// Sending back

#[test]
fn sending_back_restores_the_previous_handler() {
    let mut d = at_approve();
    assert_eq!(d.assignee, None);
    let back = t("2026-11-27 09:00");
    let applied = act(
        &mut d,
        Action::SendBack {
            to_step: 1,
            reason: reason("Thiếu thông tin người cha"),
        },
        "2026-11-27 09:00",
        &leader(),
    );
    assert!(!applied.notify_applicant);
    assert_eq!(
        applied.summary,
        "Trả lại bước \"Thẩm định, xử lý hồ sơ\": Thiếu thông tin người cha"
    );
    assert_eq!(d.step, 1);
    assert_eq!(d.national_status(), 4);
    assert_eq!(d.assignee, Some(officer_a()));
    assert_eq!(d.steps.len(), 4);
    assert_eq!(d.steps[2].finished_at, Some(back));
    assert_eq!(d.steps[2].handed_by, Some(leader()));
    assert_eq!(d.steps[3].step, 1);
    assert_eq!(d.steps[3].started_at, back);
    assert_eq!(d.steps[3].finished_at, None);
    // The restored handler is the assignee again.
    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-27 10:00",
            &officer_b()
        ),
        TransitionError::NotAssignee
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-27 10:00",
        &officer_a(),
    );
    assert_eq!(d.step, 2);
    assert_eq!(d.steps[3].handed_by, Some(officer_a()));
}

#[test]
fn sending_back_goes_to_an_earlier_step_only() {
    let mut d = at_approve();
    for to_step in [2, 3, 99] {
        let e = refused(
            &mut d,
            Action::SendBack {
                to_step,
                reason: reason("Sai"),
            },
            "2026-11-27 09:00",
            &leader(),
        );
        assert_eq!(invalid_field(e), "to_step", "{to_step}");
    }
    let e = refused(
        &mut d,
        Action::SendBack {
            to_step: 1,
            reason: String::new(),
        },
        "2026-11-27 09:00",
        &leader(),
    );
    assert_eq!(invalid_field(e), "reason");

    // Not from the first step.
    let mut d = accepted();
    assert!(matches!(
        refused(
            &mut d,
            Action::SendBack {
                to_step: 0,
                reason: reason("Sai")
            },
            "2026-11-25 11:00",
            &desk()
        ),
        TransitionError::NotAllowed {
            action: A::SendBack,
            ..
        }
    ));

    // From the issue step back to the receiving desk: nobody is assigned there.
    let mut d = at_issue();
    act(
        &mut d,
        Action::SendBack {
            to_step: 0,
            reason: reason("Thiếu tờ khai"),
        },
        "2026-11-27 10:00",
        &clerk(),
    );
    assert_eq!(d.step, 0);
    assert_eq!(d.national_status(), 2);
    assert_eq!(d.assignee, None);
    assert!(allowed(&d).contains(&A::Transfer));
}

// ---------------------------------------------------------------------------------------------
// Transfers

fn other_process() -> Process {
    ProcessTemplate::default_for().resolve(Some(limit()), OTHER, OTHER)
}

#[test]
fn a_transfer_before_acceptance_moves_the_dossier_to_the_new_desk() {
    let mut d = submitted();
    let applied = act(
        &mut d,
        Action::Transfer {
            agency: OTHER.to_owned(),
            reason: reason("Không đúng nơi cư trú"),
            process: other_process(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(
        applied.summary,
        "Chuyển hồ sơ đến bn.x07211: Không đúng nơi cư trú"
    );
    assert_eq!(d.status, Status::Submitted);
    assert_eq!(d.national_status(), 1);
    assert_eq!(d.competent_agency, OTHER);
    assert_eq!(d.current_agency, OTHER);
    assert_eq!(d.receiving_agency, HOME, "the code's desk does not change");
    assert!(d.steps.is_empty());
    assert!(d.clock_events.is_empty());
    assert_eq!(d.accepted_at, None);
    assert_eq!(d.process, other_process());

    // The new desk accepts it: it stays there.
    act(&mut d, Action::Accept, "2026-11-25 14:00", &desk());
    assert_eq!(d.current_agency, OTHER);
    assert_eq!(d.steps[0].agency, OTHER);
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 15:00",
        &desk(),
    );
    assert_eq!(d.current_agency, OTHER);
}

#[test]
fn a_transfer_at_the_receiving_step_restarts_the_new_process() {
    let mut d = accepted();
    let legal = d.due.legal;
    let at = t("2026-11-25 11:00");
    act(
        &mut d,
        Action::Transfer {
            agency: OTHER.to_owned(),
            reason: reason("Thuộc thẩm quyền xã khác"),
            process: other_process(),
        },
        "2026-11-25 11:00",
        &desk(),
    );
    assert_eq!(d.status, Status::Processing);
    assert_eq!(d.process, other_process());
    assert_eq!(d.step, 0);
    assert_eq!(d.national_status(), 2);
    assert_eq!(d.competent_agency, OTHER);
    assert_eq!(d.current_agency, OTHER);
    assert_eq!(d.steps.len(), 2);
    assert_eq!(d.steps[0].agency, HOME);
    assert_eq!(d.steps[0].finished_at, Some(at));
    assert_eq!(d.steps[0].handed_by, Some(desk()));
    assert_eq!(d.steps[1].step, 0);
    assert_eq!(d.steps[1].agency, OTHER);
    assert_eq!(d.steps[1].started_at, at);
    assert_eq!(
        d.due.legal, legal,
        "a transfer does not restart the legal clock"
    );

    // To where it already is.
    let e = refused(
        &mut d,
        Action::Transfer {
            agency: OTHER.to_owned(),
            reason: reason("x"),
            process: other_process(),
        },
        "2026-11-25 13:00",
        &desk(),
    );
    assert_eq!(invalid_field(e), "agency");
    let e = refused(
        &mut d,
        Action::Transfer {
            agency: HOME.to_owned(),
            reason: String::new(),
            process: submitted().process,
        },
        "2026-11-25 13:00",
        &desk(),
    );
    assert_eq!(invalid_field(e), "reason");

    // Not once the competent agency handles it.
    let mut d = at_handle();
    assert!(matches!(
        refused(
            &mut d,
            Action::Transfer {
                agency: OTHER.to_owned(),
                reason: reason("x"),
                process: other_process()
            },
            "2026-11-26 09:00",
            &desk()
        ),
        TransitionError::NotAllowed {
            action: A::Transfer,
            ..
        }
    ));
}

#[test]
fn a_transfer_does_not_bring_back_the_old_agencys_handler() {
    // Handled by A at bn.x07210, sent back to the desk, transferred: A has nothing to do with
    // the new agency's handling step.
    let mut d = at_handle();
    act(
        &mut d,
        Action::Assign {
            assignee: officer_a(),
        },
        "2026-11-25 13:30",
        &leader(),
    );
    act(
        &mut d,
        Action::SendBack {
            to_step: 0,
            reason: reason("Không thuộc thẩm quyền"),
        },
        "2026-11-25 14:00",
        &officer_a(),
    );
    act(
        &mut d,
        Action::Transfer {
            agency: OTHER.to_owned(),
            reason: reason("Thuộc thẩm quyền xã khác"),
            process: other_process(),
        },
        "2026-11-25 15:00",
        &desk(),
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 16:00",
        &desk(),
    );
    assert_eq!(d.current_agency, OTHER);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Handle);
    assert_eq!(d.assignee, None);
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-26 09:00",
        &officer_b(),
    );
    assert_eq!(d.step, 2);
}

// ---------------------------------------------------------------------------------------------
// Apology (Form 04)

fn apologise(new_due: &str) -> Action {
    Action::Apologise {
        reason: reason("Chờ xác minh của cơ quan công an"),
        new_due: t(new_due),
    }
}

#[test]
fn one_apology_reschedules_the_legal_due() {
    // Legal due: Wed 2/12 10:00; Tue 1/12 10:00 is exactly one working day before.
    let mut d = at_handle();
    let kpi = d.due.kpi;
    let old = d.due.legal.unwrap();
    assert_eq!(local(old), "2026-12-02 10:00");
    let applied = act(
        &mut d,
        apologise("2026-12-04 10:00"),
        "2026-12-01 10:00",
        &leader(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(
        applied.summary,
        "Xin lỗi và hẹn lại ngày trả: 10:00 ngày 04/12/2026 (Mẫu 04)"
    );
    assert_eq!(d.due.legal, Some(t("2026-12-04 10:00")));
    assert_eq!(d.due.kpi, kpi, "the apology does not move the KPI due");
    assert_eq!(
        d.apology,
        Some(Apology {
            at: t("2026-12-01 10:00"),
            by: leader(),
            reason: "Chờ xác minh của cơ quan công an".to_owned(),
            old_due: Some(old),
            new_due: t("2026-12-04 10:00"),
        })
    );
    assert_eq!(
        d.clock_events.last(),
        Some(&ClockEvent::Apology {
            at: t("2026-12-01 10:00"),
            new_due: t("2026-12-04 10:00"),
        })
    );
    assert!(!d.is_overdue(t("2026-12-03 09:00")));

    // A second one: allowed() already drops it, so the state machine says NotAllowed (the
    // clock's ApologyAlreadyUsed is never reached).
    assert!(!allowed(&d).contains(&A::Apologise));
    let e = refused(
        &mut d,
        apologise("2026-12-08 10:00"),
        "2026-12-01 11:00",
        &leader(),
    );
    assert!(
        matches!(
            e,
            TransitionError::NotAllowed {
                action: A::Apologise,
                status: Status::Processing,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn an_apology_too_late_or_not_later_is_refused() {
    let mut d = at_handle();
    // 10:01 on Tue 1/12: 479 working minutes before the due.
    let e = refused(
        &mut d,
        apologise("2026-12-04 10:00"),
        "2026-12-01 10:01",
        &leader(),
    );
    assert_eq!(
        e,
        TransitionError::Clock(ClockError::ApologyTooLate {
            remaining: WorkingDuration::from_minutes(479),
            required: WorkingDuration::from_minutes(480),
        })
    );
    // Already past the due.
    let e = refused(
        &mut d,
        apologise("2026-12-04 10:00"),
        "2026-12-03 09:00",
        &leader(),
    );
    assert!(
        matches!(e, TransitionError::Clock(ClockError::ApologyTooLate { .. })),
        "{e:?}"
    );

    let due = d.due.legal.unwrap();
    for new_due in ["2026-12-02 10:00", "2026-12-01 17:00"] {
        let e = refused(&mut d, apologise(new_due), "2026-11-27 09:00", &leader());
        assert_eq!(
            e,
            TransitionError::Clock(ClockError::ApologyNotLater {
                due,
                new_due: t(new_due),
            })
        );
    }
    let e = refused(
        &mut d,
        Action::Apologise {
            reason: " ".to_owned(),
            new_due: t("2026-12-04 10:00"),
        },
        "2026-11-27 09:00",
        &leader(),
    );
    assert_eq!(invalid_field(e), "reason");

    // Without a known limit there is nothing to reschedule.
    let mut unknown = at_handle();
    unknown.limit = None;
    unknown.due.legal = Some(t("2026-12-02 10:00"));
    let e = refused(
        &mut unknown,
        apologise("2026-12-04 10:00"),
        "2026-11-27 09:00",
        &leader(),
    );
    assert_eq!(invalid_field(e), "new_due");
}

#[test]
fn no_apology_without_a_running_legal_clock() {
    let mut d = submitted();
    assert!(matches!(
        refused(
            &mut d,
            apologise("2026-12-04 10:00"),
            "2026-11-25 10:00",
            &leader()
        ),
        TransitionError::NotAllowed { .. }
    ));
    let mut d = accepted();
    act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-26 09:00",
        &desk(),
    );
    assert!(matches!(
        refused(
            &mut d,
            apologise("2026-12-04 10:00"),
            "2026-11-26 10:00",
            &leader()
        ),
        TransitionError::NotAllowed { .. }
    ));
}

// ---------------------------------------------------------------------------------------------
// Refusal, withdrawal, stop

#[test]
fn refusing_at_intake_closes_without_a_clock() {
    let mut d = submitted();
    let e = refused(
        &mut d,
        Action::Refuse {
            reason: "  ".to_owned(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert_eq!(invalid_field(e), "reason");

    let at = t("2026-11-25 10:00");
    let applied = act(
        &mut d,
        Action::Refuse {
            reason: reason(" Không thuộc thẩm quyền giải quyết "),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(applied.summary, "Từ chối giải quyết hồ sơ (Mẫu 03)");
    assert_eq!(d.status, Status::Refused);
    assert_eq!(d.national_status(), 3);
    assert_eq!(
        d.closing_notice,
        Some(Notice {
            at,
            by: desk(),
            reason: "Không thuộc thẩm quyền giải quyết".to_owned(),
        })
    );
    assert_eq!(d.finished_at, Some(at));
    assert!(d.clock_events.is_empty());
    assert_eq!(d.due, Dues::default());
    assert!(d.steps.is_empty());
    assert_eq!(allowed(&d), [A::Comment]);
}

#[test]
fn refusing_during_handling_finishes_the_clock_and_the_step() {
    let mut d = at_handle();
    let at = t("2026-11-26 09:00");
    act(
        &mut d,
        Action::Refuse {
            reason: reason("Giấy chứng sinh giả mạo"),
        },
        "2026-11-26 09:00",
        &leader(),
    );
    assert_eq!(d.status, Status::Refused);
    assert_eq!(d.national_status(), 3);
    assert_eq!(d.finished_at, Some(at));
    assert_eq!(d.clock_events.last(), Some(&ClockEvent::Finished { at }));
    assert_eq!(d.steps.last().unwrap().finished_at, Some(at));
    assert_eq!(d.steps.last().unwrap().handed_by, Some(leader()));
    assert_eq!(d.closing_notice.as_ref().unwrap().by, leader());
}

#[test]
fn withdrawing_and_stopping_close_the_dossier() {
    // Withdrawn at the owner's request, before acceptance.
    let mut d = submitted();
    act(
        &mut d,
        Action::Withdraw {
            reason: reason("Nộp nhầm thủ tục"),
        },
        "2026-11-25 09:30",
        &person("u-citizen", "Nguyễn Văn An"),
    );
    assert_eq!(d.status, Status::Withdrawn);
    assert_eq!(d.national_status(), 7);
    assert_eq!(d.finished_at, Some(t("2026-11-25 09:30")));
    assert_eq!(
        d.closing_notice.as_ref().unwrap().reason,
        "Nộp nhầm thủ tục"
    );
    assert!(d.clock_events.is_empty());

    // Withdrawn while approved work waits for signature.
    let mut d = at_approve();
    let at = t("2026-11-26 10:00");
    let applied = act(
        &mut d,
        Action::Withdraw {
            reason: reason("Không còn nhu cầu"),
        },
        "2026-11-26 10:00",
        &desk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(d.status, Status::Withdrawn);
    assert_eq!(d.finished_at, Some(at));
    assert_eq!(d.clock_events.last(), Some(&ClockEvent::Finished { at }));
    assert_eq!(d.steps.last().unwrap().finished_at, Some(at));

    // Stopped while waiting for the applicant.
    let mut d = accepted();
    act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-26 09:00",
        &desk(),
    );
    let at = t("2026-12-28 09:00");
    let applied = act(
        &mut d,
        Action::Stop {
            reason: reason("Quá hạn bổ sung"),
        },
        "2026-12-28 09:00",
        &leader(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(applied.summary, "Dừng xử lý hồ sơ");
    assert_eq!(d.status, Status::Stopped);
    assert_eq!(d.national_status(), 8);
    assert_eq!(d.finished_at, Some(at));
    assert_eq!(
        d.closing_notice,
        Some(Notice {
            at,
            by: leader(),
            reason: "Quá hạn bổ sung".to_owned(),
        })
    );
    assert_eq!(d.clock_events.last(), Some(&ClockEvent::Finished { at }));
    assert_eq!(d.due.legal, None, "the legal clock stopped at the request");
    assert_eq!(allowed(&d), [A::Comment]);

    // Stopped during handling.
    let mut d = at_handle();
    act(
        &mut d,
        Action::Stop {
            reason: reason("Người yêu cầu qua đời"),
        },
        "2026-11-26 09:00",
        &leader(),
    );
    assert_eq!(d.status, Status::Stopped);
    assert_eq!(
        d.steps.last().unwrap().finished_at,
        Some(t("2026-11-26 09:00"))
    );
    assert!(d.status.is_final());
}

// ---------------------------------------------------------------------------------------------
// Issuing

#[test]
fn a_result_cannot_be_signed_in_the_future() {
    let mut d = at_issue();
    let issue = |number: &str, signed_on| Action::IssueResult {
        number: number.to_owned(),
        signed_on,
        file: None,
    };
    let e = refused(
        &mut d,
        issue("125/GKS", date(2026, 11, 28)),
        "2026-11-27 15:00",
        &clerk(),
    );
    assert_eq!(invalid_field(e), "signed_on");
    // Late evening in Vietnam is still the 27th there (the 27th in UTC too): refused.
    let e = refused(
        &mut d,
        issue("125/GKS", date(2026, 11, 28)),
        "2026-11-27 23:59",
        &clerk(),
    );
    assert_eq!(invalid_field(e), "signed_on");
    let e = refused(
        &mut d,
        issue("  ", date(2026, 11, 27)),
        "2026-11-27 15:00",
        &clerk(),
    );
    assert_eq!(invalid_field(e), "number");

    // Just after midnight in Vietnam (still the 27th in UTC) the 28th is today.
    let mut late = d.clone();
    act(
        &mut late,
        issue("126/GKS", date(2026, 11, 28)),
        "2026-11-28 00:30",
        &clerk(),
    );
    assert_eq!(late.status, Status::Done);
    // A date in the past is fine.
    act(
        &mut d,
        issue("125/GKS", date(2026, 11, 20)),
        "2026-11-27 15:00",
        &clerk(),
    );
    assert_eq!(d.status, Status::Done);
}

// ---------------------------------------------------------------------------------------------
// Who may act

fn need(permission: Permission, agency: &str) -> Requirement {
    Requirement {
        permission,
        agency: agency.to_owned(),
        owner_may: false,
    }
}

#[test]
fn requirements_follow_the_state() {
    use Permission as P;
    const DESK: &str = "bn.ttpvhcc";
    let mut d = submitted_with(&ProcessTemplate::default_for(), DESK, STP);

    // Intake.
    assert_eq!(
        requirement(&d, A::Accept, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(
        requirement(&d, A::RequestSupplement, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(
        requirement(&d, A::Refuse, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(
        requirement(&d, A::Transfer, None),
        need(P::DossierTransfer, DESK)
    );
    assert_eq!(
        requirement(&d, A::Withdraw, None),
        Requirement {
            permission: P::DossierReceive,
            agency: DESK.to_owned(),
            owner_may: true,
        }
    );
    assert_eq!(
        requirement(&d, A::Comment, None),
        need(P::DossierComment, DESK)
    );

    // Receiving step.
    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    assert_eq!(
        requirement(&d, A::Forward, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(
        requirement(&d, A::Refuse, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(
        requirement(&d, A::RequestSupplement, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(requirement(&d, A::Stop, None), need(P::DossierApprove, STP));
    assert_eq!(
        requirement(&d, A::Apologise, None),
        need(P::DossierApprove, STP)
    );
    assert!(requirement(&d, A::Withdraw, None).owner_may);

    // Handling step at the competent agency.
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    assert_eq!(
        requirement(&d, A::Forward, None),
        need(P::DossierHandle, STP)
    );
    assert_eq!(
        requirement(&d, A::Refuse, None),
        need(P::DossierApprove, STP)
    );
    assert_eq!(
        requirement(&d, A::RequestSupplement, None),
        need(P::DossierHandle, STP)
    );
    assert_eq!(
        requirement(&d, A::Assign, None),
        need(P::DossierAssign, STP)
    );
    assert_eq!(
        requirement(&d, A::Consult, None),
        need(P::DossierHandle, STP)
    );
    assert_eq!(
        requirement(&d, A::SendBack, None),
        need(P::DossierHandle, STP)
    );
    assert_eq!(
        requirement(&d, A::Reply, Some("bn.sct")),
        need(P::DossierHandle, "bn.sct")
    );
    assert_eq!(requirement(&d, A::Reply, None), need(P::DossierHandle, STP));
    let withdraw = requirement(&d, A::Withdraw, None);
    assert!(withdraw.owner_may);
    assert_eq!(withdraw.agency, STP);

    // Approval, issue.
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 14:00",
        &officer_a(),
    );
    assert_eq!(
        requirement(&d, A::Approve, None),
        need(P::DossierApprove, STP)
    );
    assert_eq!(
        requirement(&d, A::SendBack, None),
        need(P::DossierApprove, STP)
    );
    act(
        &mut d,
        Action::Approve { note: None },
        "2026-11-25 15:00",
        &leader(),
    );
    assert_eq!(
        requirement(&d, A::IssueResult, None),
        need(P::DossierIssueResult, STP)
    );
    assert_eq!(
        requirement(&d, A::SendBack, None),
        need(P::DossierIssueResult, STP)
    );
    act(
        &mut d,
        Action::IssueResult {
            number: "1/GKS".to_owned(),
            signed_on: date(2026, 11, 25),
            file: None,
        },
        "2026-11-25 16:00",
        &clerk(),
    );
    // Returning is the desk's, deciding stays with the competent agency.
    assert_eq!(
        requirement(&d, A::ReturnResult, None),
        need(P::DossierReturnResult, DESK)
    );
    assert_eq!(
        requirement(&d, A::Refuse, None),
        need(P::DossierApprove, STP)
    );

    // A supplement before acceptance is received at the desk.
    let mut w = submitted_with(&ProcessTemplate::default_for(), DESK, STP);
    act(
        &mut w,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert_eq!(
        requirement(&w, A::SupplementReceived, None),
        need(P::DossierReceive, DESK)
    );
}

// ---------------------------------------------------------------------------------------------
// Components

#[test]
fn conditional_components_are_recognised() {
    assert!(is_conditional("Giấy tờ chứng minh nơi cư trú (nếu có)"));
    assert!(is_conditional("Giấy tờ (NẾU CÓ)"));
    assert!(is_conditional(
        "Trường hợp ủy quyền: văn bản ủy quyền có chứng thực"
    ));
    assert!(is_conditional(
        "Văn bản ủy quyền (trường hợp nộp thay người khác)"
    ));
    assert!(!is_conditional("Tờ khai đăng ký khai sinh"));
    assert!(!is_conditional("Giấy chứng sinh"));
    assert!(!is_conditional(""));
}

#[test]
fn missing_components_are_the_required_ones_without_anything() {
    let mut held = component("Giấy khai sinh", true, Vec::new());
    held.held_document = Some("GKS 125/2020".to_owned());
    let components = [
        component("Tờ khai", true, Vec::new()),
        component("Giấy chứng sinh", true, vec![file("f1")]),
        held,
        component("Giấy tờ khác (nếu có)", false, Vec::new()),
        component("Sổ hộ khẩu", true, Vec::new()),
    ];
    assert_eq!(missing_components(&components), [0, 4]);
    assert!(missing_components(&[]).is_empty());
}
