//! Tests of the dossier state machine ([`super::machine`]) over the model and processes, with
//! the shipped 2026 public-sector calendar and standard office hours.

use std::sync::LazyLock;

use jiff::{
    Timestamp,
    civil::{Weekday, date},
    tz::{TimeZone, offset},
};

use super::*;
use crate::{
    calendar::{
        ClockEvent, DayKind, Dues, EntryStatus, WorkCalendar, WorkingDuration, clocks::ClockError,
        official_years,
    },
    catalog::{ProcessingTime, TimeUnit},
    identity::Permission,
    testkit,
};

use ActionKind as A;

static CAL: LazyLock<WorkCalendar> = LazyLock::new(|| WorkCalendar::standard().unwrap());
static RULES: LazyLock<DossierRules> = LazyLock::new(DossierRules::default);

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
    testkit::five_working_days()
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
        paper: None,
        condition: None,
        applies: None,
    }
}

/// An online dossier of procedure 1.001193 (limit 5 working days) submitted on
/// Wednesday 25/11/2026 09:00, with `template` resolved for `receiving` and `competent`.
fn submitted_with(template: &ProcessTemplate, receiving: &str, competent: &str) -> Dossier {
    let submitted_at = t("2026-11-25 09:00");
    let mut s = testkit::submission(
        "019a0000-0000-7000-8000-000000000001",
        receiving,
        submitted_at,
    );
    s.competent_agency = competent.to_owned();
    s.process = template.resolve(Some(limit()), receiving, competent);
    s.owner_id = Some("u-citizen".to_owned());
    s.components = vec![
        component("Tờ khai đăng ký khai sinh", true, Vec::new()),
        component("Giấy chứng sinh", true, vec![file("f-birth")]),
    ];
    s.intake_due = intake::online_check_due(&CAL, submitted_at, &DossierRules::default());
    let mut d = Dossier::submitted(
        s,
        DossierCode::new("000.00.00.H06", date(2026, 11, 25), 1).unwrap(),
    );
    d.lookup_key = "ABCD2345".to_owned();
    d
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
        rules: &RULES,
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

/// The applicant who owns the test dossier.
fn citizen() -> Person {
    person("u-citizen", "Nguyễn Văn An")
}

/// Issued on Friday 27/11 and returned on Monday 30/11.
fn returned() -> Dossier {
    let mut d = at_issue();
    act(
        &mut d,
        Action::IssueResult {
            number: "125/GKS".to_owned(),
            signed_on: date(2026, 11, 27),
            file: None,
            signer: None,
        },
        "2026-11-27 10:00",
        &clerk(),
    );
    act(
        &mut d,
        Action::ReturnResult {
            method: None,
            recipient: None,
        },
        "2026-11-30 09:00",
        &desk(),
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

mod allowed;
mod apology;
mod assignee;
mod closing;
mod consultations;
mod fixtures;
mod happy_path;
mod issuing;
mod requirements;
mod send_back;
mod supplements;
mod transfers;
