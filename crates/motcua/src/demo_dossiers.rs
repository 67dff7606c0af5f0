//! Demo life: a few hundred dossiers at the demo ward and the Department of Justice, generated
//! by the demo officials through the same state machine as real ones, spread over the last
//! weeks so that every state is represented — waiting at the desk, supplemented, in each step,
//! overdue, apologised, refused, withdrawn, stopped, done and returned.
//!
//! Deterministic: the same `now` gives the same dossiers (a small linear congruential
//! generator, not a random source), so screenshots and reports are reproducible.

use anyhow::Context as _;
use jiff::Timestamp;
use motcua_core::{
    audit::{AuditEvent, Outcome},
    calendar::WorkCalendar,
    catalog::{OnlineLevel, TimeUnit},
    dossier::{
        Action, Applicant, ApplicantKind, Component, Dossier, DossierCode, HistoryEntry, Person,
        ProcessTemplate, ReturnMethod, ReturnPlace, StepKind, Submission, SubmissionChannel,
        SupplementItem, apply, code_prefix,
    },
    identity::{credentials::LoginId, vietnam_date},
};
use motcua_store::{Accompanying, Creation, Store};

use crate::synthetic::{Lcg, working_day_limit};

const NAMES: &[&str] = &[
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Minh Châu",
    "Phạm Quốc Dũng",
    "Hoàng Thị Hà",
    "Vũ Đức Huy",
    "Đặng Thu Hương",
    "Bùi Văn Khoa",
    "Đỗ Thị Lan",
    "Ngô Thanh Long",
    "Dương Thị Mai",
    "Lý Văn Nam",
];

/// Where the demo dossiers are settled, with the desk and the demo officials who act.
struct Office {
    agency: &'static str,
    desk: &'static str,
    receiver: &'static str,
    handler: &'static str,
    assigner: &'static str,
    leader: &'static str,
    clerk: Option<&'static str>,
}

const OFFICES: [Office; 2] = [
    Office {
        agency: "bn.x07210",
        desk: "bn.x07210.tt",
        receiver: "receiver1",
        handler: "handler1",
        assigner: "unithead1",
        leader: "leader1",
        clerk: Some("clerk1"),
    },
    Office {
        agency: "bn.stp",
        desk: "bn.ttpvhcc",
        receiver: "receiver2",
        handler: "handler2",
        assigner: "leader2",
        leader: "leader2",
        clerk: None,
    },
];

async fn person(store: &dyn Store, username: &str) -> anyhow::Result<Person> {
    let u = store
        .user_by_login(&LoginId::Username(username.to_owned()))
        .await?
        .with_context(|| format!("demo account {username} missing"))?;
    Ok(Person {
        user_id: u.id,
        name: u.display_name,
    })
}

/// Marker in `app_meta` once the demo dossiers were generated (a key read at every start is
/// cheaper than counting a production-sized dossier table).
pub const DOSSIERS_KEY: &str = "demo_dossiers_at";

/// Generates `count` dossiers once per database; returns how many were made.
pub async fn generate(store: &dyn Store, now: Timestamp, count: u32) -> anyhow::Result<u32> {
    if count == 0 || store.meta(DOSSIERS_KEY).await?.is_some() {
        return Ok(0);
    }
    let calendar = WorkCalendar::standard()?;
    let agencies = store.agencies().await?;
    let offers = store.agency_procedures().await?;
    let citizen = person(store, "citizen1").await?;
    let mut rng = Lcg(now.as_second().unsigned_abs());
    let mut made = 0;
    for office in &OFFICES {
        let mut procedures = Vec::new();
        for o in offers
            .iter()
            .filter(|o| o.agency_id == office.agency && o.online_level != OnlineLevel::None)
        {
            if let Some(p) = store.current_procedure(&o.procedure_code).await?
                && let Some(limit) = working_day_limit(&p, 1.0..=15.0)
            {
                procedures.push((p, limit));
            }
            if procedures.len() >= 25 {
                break;
            }
        }
        if procedures.is_empty() {
            continue;
        }
        let staff = Staff {
            receiver: person(store, office.receiver).await?,
            handler: person(store, office.handler).await?,
            assigner: person(store, office.assigner).await?,
            leader: person(store, office.leader).await?,
            clerk: match office.clerk {
                Some(c) => Some(person(store, c).await?),
                None => None,
            },
        };
        let prefix = code_prefix(office.desk, |id| agencies.iter().find(|a| a.id == id))
            .context("demo desk without identifier")?
            .to_owned();
        let share = if office.agency == "bn.x07210" {
            0.7
        } else {
            0.3
        };
        let n = (f64::from(count) * share).round() as u32;
        for i in 0..n {
            let (stored, limit) = &procedures[rng.next(procedures.len() as u64) as usize];
            // Spread over the last ~30 working days (240 working hours), oldest first.
            let back = 240.0 * f64::from(n - i) / f64::from(n) + rng.next(8) as f64;
            let Ok(submitted) = calendar.due_instant(
                now.checked_sub(jiff::SignedDuration::from_hours(24 * 60))?,
                (330.0 - back).max(0.5),
                TimeUnit::WorkingHours,
            ) else {
                continue;
            };
            if submitted >= now {
                continue;
            }
            let name = NAMES[rng.next(NAMES.len() as u64) as usize];
            let id_tail = 100_000 + rng.next(899_999);
            let applicant = Applicant {
                kind: ApplicantKind::Individual,
                name: name.to_owned(),
                citizen_id: Some(format!("024{:03}{id_tail:06}", 80 + rng.next(20))),
                tax_code: None,
                phone: Some(format!("+849{:08}", rng.next(99_999_999))),
                email: None,
                address: Some("Phường Bắc Giang, tỉnh Bắc Ninh".to_owned()),
            };
            let p = &stored.procedure;
            let components = p
                .cases
                .first()
                .map(|c| {
                    c.components
                        .iter()
                        .map(|r| Component {
                            name: r.name.clone(),
                            required: true,
                            originals: r.originals,
                            copies: r.copies,
                            files: Vec::new(),
                            held_document: Some("Bản điện tử trên Cổng Dịch vụ công".to_owned()),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let script = script(i, &mut rng);
            // Desk dossiers are received on the spot; the others arrive online.
            let online = !matches!(script.first(), Some(Step::Accept)) || rng.next(3) > 0;
            let submission = Submission {
                id: uuid::Uuid::now_v7().to_string(),
                procedure: p.code.clone(),
                procedure_version: stored.version,
                procedure_name: p.name.clone(),
                case_name: p.cases.first().map(|c| c.name.clone()),
                applicant,
                representative: None,
                owner_id: (online && i % 10 == 0).then(|| citizen.user_id.clone()),
                channel: if online {
                    SubmissionChannel::Online
                } else {
                    SubmissionChannel::Desk
                },
                receiving_agency: office.desk.to_owned(),
                competent_agency: office.agency.to_owned(),
                return_place: ReturnPlace {
                    method: ReturnMethod::Desk,
                    address: Some(office.desk.to_owned()),
                },
                components,
                fees: Vec::new(),
                limit: Some(*limit),
                process: ProcessTemplate::default_for().resolve(
                    Some(*limit),
                    office.desk,
                    office.agency,
                ),
                submitted_at: submitted,
                intake_due: online
                    .then(|| motcua_core::dossier::intake_due(&calendar, submitted, 8.0))
                    .flatten(),
            };
            let day = vietnam_date(submitted);
            let channel = submission.channel;
            let submitter = (!online).then(|| staff.receiver.clone());
            let build = Box::new(move |code: DossierCode| {
                Ok(Creation {
                    dossier: Dossier::submitted(submission, code),
                    with: Accompanying {
                        history: vec![HistoryEntry {
                            at: submitted,
                            actor: submitter,
                            action: "submit".to_owned(),
                            status: motcua_core::dossier::Status::Submitted,
                            summary: format!("Nộp hồ sơ ({})", channel.label_vi()),
                        }],
                        ..Accompanying::default()
                    },
                })
            });
            let created = store.create_dossier(&prefix, day, None, build).await?;
            let code = match created {
                motcua_store::Created::New(c) | motcua_store::Created::Replayed { code: c, .. } => {
                    c
                }
            };
            let mut d = store
                .dossier(code.as_str())
                .await?
                .context("demo dossier vanished")?;
            play(store, &calendar, &staff, &mut d, &script, now, &mut rng).await?;
            made += 1;
        }
    }
    store.set_meta(DOSSIERS_KEY, &now.to_string()).await?;
    Ok(made)
}

struct Staff {
    receiver: Person,
    handler: Person,
    assigner: Person,
    leader: Person,
    clerk: Option<Person>,
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Accept,
    Forward,
    Assign,
    Supplement,
    SupplementIn,
    Approve,
    Issue,
    Return,
    Refuse,
    Withdraw,
    Stop,
    Apologise,
    /// A long pause (the handler is slow): makes dossiers overdue.
    Idle,
}

/// What happens to the `i`-th dossier, if time allows.
fn script(i: u32, rng: &mut Lcg) -> Vec<Step> {
    use Step::*;
    let happy = [Accept, Forward, Assign, Forward, Approve, Issue, Return];
    match rng.next(20) {
        0 => vec![Refuse],
        1 => vec![Accept, Forward, Assign, Withdraw],
        2 => vec![Accept, Forward, Assign, Idle, Stop],
        3 | 4 => vec![
            Accept,
            Forward,
            Assign,
            Supplement,
            SupplementIn,
            Forward,
            Approve,
            Issue,
            Return,
        ],
        5 => vec![
            Supplement,
            SupplementIn,
            Accept,
            Forward,
            Assign,
            Forward,
            Approve,
            Issue,
        ],
        6 | 7 => vec![
            Accept, Forward, Assign, Apologise, Idle, Forward, Approve, Issue, Return,
        ],
        8 | 9 if i.is_multiple_of(2) => vec![Accept, Forward, Assign, Idle, Idle, Forward],
        _ => happy.to_vec(),
    }
}

async fn play(
    store: &dyn Store,
    calendar: &WorkCalendar,
    staff: &Staff,
    d: &mut Dossier,
    script: &[Step],
    now: Timestamp,
    rng: &mut Lcg,
) -> anyhow::Result<()> {
    let mut at = d.submitted_at;
    for (n, step) in script.iter().enumerate() {
        let gap = match step {
            // A desk officer receives a desk dossier on the spot.
            Step::Accept if n == 0 && d.channel == SubmissionChannel::Desk => 0.05,
            Step::Idle => 40.0 + rng.next(40) as f64,
            Step::SupplementIn => 8.0 + rng.next(24) as f64,
            _ => 0.5 + rng.next(10) as f64,
        };
        at = calendar.due_instant(at, gap, TimeUnit::WorkingHours)?;
        if at >= now {
            break;
        }
        let (actor, action) = match step {
            Step::Idle => continue,
            Step::Accept => (&staff.receiver, Action::Accept),
            Step::Forward => {
                let actor = match d.current_step().map(|s| s.kind) {
                    Some(StepKind::Receive) => &staff.receiver,
                    _ => &staff.handler,
                };
                (actor, Action::Forward { note: None })
            }
            Step::Assign => (
                &staff.assigner,
                Action::Assign {
                    assignee: staff.handler.clone(),
                },
            ),
            Step::Supplement => (
                if d.accepted_at.is_some() {
                    &staff.handler
                } else {
                    &staff.receiver
                },
                Action::RequestSupplement {
                    items: vec![SupplementItem {
                        component: d
                            .components
                            .first()
                            .map_or_else(|| "Tờ khai".to_owned(), |c| c.name.clone()),
                        reason: "Bản chụp không rõ, đề nghị nộp lại bản rõ nét".to_owned(),
                    }],
                },
            ),
            Step::SupplementIn => (
                &staff.receiver,
                Action::SupplementReceived { added: vec![] },
            ),
            Step::Approve => (&staff.leader, Action::Approve { note: None }),
            Step::Issue => match &staff.clerk {
                Some(clerk) => (
                    clerk,
                    Action::IssueResult {
                        number: format!("{}/KQ", 100 + rng.next(900)),
                        signed_on: vietnam_date(at),
                        file: None,
                    },
                ),
                None => break,
            },
            Step::Return => (&staff.receiver, Action::ReturnResult),
            Step::Refuse => (
                &staff.receiver,
                Action::Refuse {
                    reason: "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan".to_owned(),
                },
            ),
            Step::Withdraw => (
                &staff.receiver,
                Action::Withdraw {
                    reason: "Người nộp đề nghị rút hồ sơ".to_owned(),
                },
            ),
            Step::Stop => (
                &staff.leader,
                Action::Stop {
                    reason: "Người nộp không bổ sung theo yêu cầu".to_owned(),
                },
            ),
            Step::Apologise => {
                let Some(due) = d.due.legal else { continue };
                (
                    &staff.leader,
                    Action::Apologise {
                        reason: "Cần xác minh thêm thông tin với cơ quan khác".to_owned(),
                        new_due: calendar.due_instant(due, 3.0, TimeUnit::WorkingDays)?,
                    },
                )
            }
        };
        let ctx = motcua_core::dossier::Context {
            now: at,
            actor,
            calendar,
        };
        let expected = d.revision;
        let Ok(applied) = apply(d, action, &ctx) else {
            // A step the state does not allow here (an apology too close to the due): skip it.
            continue;
        };
        let history = HistoryEntry {
            at,
            actor: Some(actor.clone()),
            action: applied.kind.as_str().to_owned(),
            status: d.status,
            summary: applied.summary,
        };
        let audit = AuditEvent::new(
            at,
            format!("user:{}", actor.user_id),
            format!("dossier.{}", applied.kind.as_str()),
            Outcome::Success,
        )
        .agency(d.current_agency.clone())
        .procedure(d.procedure.as_str())
        .subject(format!("dossier:{}", d.code))
        .with("demo", true);
        store
            .update_dossier(
                d,
                expected,
                &Accompanying {
                    history: vec![history],
                    audit: vec![audit],
                    mails: Vec::new(),
                },
            )
            .await?;
        if d.status.is_final() {
            break;
        }
    }
    Ok(())
}
