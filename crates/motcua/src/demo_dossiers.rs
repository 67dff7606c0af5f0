//! Demo life: a few hundred dossiers at the demo ward and the Department of Justice, generated
//! by the demo officials through the same state machine as real ones, spread over the last
//! weeks so that every state is represented — waiting at the desk, supplemented, in each step,
//! overdue, apologised, refused, withdrawn, stopped, done and returned.
//!
//! Deterministic: the same `now` gives the same dossiers (a small linear congruential
//! generator, not a random source), so screenshots and reports are reproducible.

use std::sync::Arc;

use anyhow::Context as _;
use jiff::Timestamp;
use motcua_core::{
    audit::{AuditEvent, Outcome},
    calendar::WorkCalendar,
    catalog::{OnlineLevel, RequirementKind, TimeUnit, classify_case},
    dossier::{
        Applicant, ApplicantKind, Dossier, DossierRules, PaperReceived, ReturnMethod, Status,
        StepKind, SubmissionChannel, SupplementItem,
    },
    identity::{credentials::LoginId, vietnam_date},
};
use motcua_service::{
    Actor, DossierService, RequestContext, ServiceError,
    calendar::CalendarHandle,
    catalog::CatalogHandle,
    dossier::{ActionRequest, ComponentInput, SubmitRequest},
};
use motcua_store::{
    AgencyStore, CatalogStore, Created, Db, GrantStore, MetaStore, NewUser, UserKind, UserStore,
};

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
    receiver: &'static str,
    handler: &'static str,
    assigner: &'static str,
    leader: &'static str,
    clerk: Option<&'static str>,
}

const OFFICES: [Office; 2] = [
    Office {
        agency: "bn.x07210",
        receiver: "receiver1",
        handler: "handler1",
        assigner: "unithead1",
        leader: "leader1",
        clerk: Some("clerk1"),
    },
    Office {
        agency: "bn.stp",
        receiver: "receiver2",
        handler: "handler2",
        assigner: "leader2",
        leader: "leader2",
        clerk: None,
    },
];

/// A demo official acting with the grants the database gives them: the demo goes through the
/// same access checks as everyone.
async fn official(db: &Db, username: &str) -> anyhow::Result<Actor> {
    let u = db
        .user_by_login(&LoginId::Username(username.to_owned()))
        .await?
        .with_context(|| format!("demo account {username} missing"))?;
    let grants = db.active_grants(&u.id).await?;
    Ok(Actor::account(
        Arc::new(u),
        grants.into(),
        RequestContext::default(),
    ))
}

/// The applicants' accounts: `citizen1` for the first name, and an account without a password
/// (as if signed in through the national e-ID) for each other name.
async fn applicants(db: &Db, now: Timestamp) -> anyhow::Result<Vec<Actor>> {
    let mut out = Vec::with_capacity(NAMES.len());
    for (i, name) in NAMES.iter().enumerate() {
        let user = if i == 0 {
            db.user_by_login(&LoginId::Username("citizen1".to_owned()))
                .await?
                .context("demo account citizen1 missing")?
        } else {
            let id = uuid::Uuid::now_v7().to_string();
            let new = NewUser {
                id: id.clone(),
                kind: UserKind::Applicant,
                username: None,
                email: None,
                email_verified: false,
                phone: None,
                citizen_id: None,
                display_name: (*name).to_owned(),
                password_hash: None,
                agency_id: None,
                created_at: now,
            };
            let e = AuditEvent::new(now, "system:demo", "account.register", Outcome::Success)
                .subject(format!("user:{id}"))
                .with("channel", "demo");
            db.create_user(&new, None, &e).await?;
            db.user(&id).await?.context("demo applicant vanished")?
        };
        out.push(Actor::account(
            Arc::new(user),
            Arc::from(Vec::new()),
            RequestContext::default(),
        ));
    }
    Ok(out)
}

/// Marker in `app_meta` once the demo dossiers were generated (a key read at every start is
/// cheaper than counting a production-sized dossier table).
pub const DOSSIERS_KEY: &str = "demo_dossiers_at";

/// Generates `count` dossiers once per database; returns how many were made.
pub async fn generate(db: &Db, now: Timestamp, count: u32) -> anyhow::Result<u32> {
    if count == 0 || db.meta(DOSSIERS_KEY).await?.is_some() {
        return Ok(0);
    }
    let calendar = WorkCalendar::standard()?;
    let service = DossierService::new(
        Arc::new(db.clone()),
        CatalogHandle::load(db).await?,
        CalendarHandle::load(db).await?,
        DossierRules::default(),
    );
    let offers = db.agency_procedures().await?;
    let _ = db.agencies().await?;
    let people = applicants(db, now).await?;
    let mut rng = Lcg(now.as_second().unsigned_abs());
    let mut made = 0;
    for office in &OFFICES {
        let mut procedures = Vec::new();
        for o in offers
            .iter()
            .filter(|o| o.agency_id == office.agency && o.online_level != OnlineLevel::None)
        {
            if let Some(p) = db.current_procedure(&o.procedure_code).await?
                && working_day_limit(&p, 1.0..=15.0).is_some()
            {
                procedures.push(p);
            }
            if procedures.len() >= 25 {
                break;
            }
        }
        if procedures.is_empty() {
            continue;
        }
        let staff = Staff {
            receiver: official(db, office.receiver).await?,
            handler: official(db, office.handler).await?,
            assigner: official(db, office.assigner).await?,
            leader: official(db, office.leader).await?,
            clerk: match office.clerk {
                Some(c) => Some(official(db, c).await?),
                None => None,
            },
        };
        let share = if office.agency == "bn.x07210" {
            0.7
        } else {
            0.3
        };
        let n = (f64::from(count) * share).round() as u32;
        for i in 0..n {
            let stored = &procedures[rng.next(procedures.len() as u64) as usize];
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
            let who = rng.next(NAMES.len() as u64) as usize;
            let id_tail = 100_000 + rng.next(899_999);
            let applicant = Applicant {
                kind: ApplicantKind::Individual,
                name: NAMES[who].to_owned(),
                citizen_id: Some(format!("024{:03}{id_tail:06}", 80 + rng.next(20))),
                tax_code: None,
                phone: Some(format!("+849{:08}", rng.next(99_999_999))),
                email: None,
                address: Some("Phường Bắc Giang, tỉnh Bắc Ninh".to_owned()),
            };
            let p = &stored.procedure;
            // The applicant brings every document row of the first case; notes are no
            // documents.
            let documents: Vec<usize> = p
                .cases
                .first()
                .map(classify_case)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .filter(|(_, r)| r.kind != RequirementKind::Note)
                .map(|(index, _)| index)
                .collect();
            // The newest few arrived online and wait at the desk for their check.
            let script = if i + 6 >= n {
                Vec::new()
            } else {
                script(i, &mut rng)
            };
            // Desk dossiers are received on the spot; the others arrive online.
            let online = !matches!(script.first(), Some(Step::Accept)) || rng.next(3) > 0;
            let req = SubmitRequest {
                procedure: p.code.as_str().to_owned(),
                agency: office.agency.to_owned(),
                case: 0,
                channel: (!online).then_some(SubmissionChannel::Desk),
                applicant,
                representative: None,
                components: documents
                    .iter()
                    .map(|&index| ComponentInput {
                        index,
                        files: Vec::new(),
                        // Online: a document already held; at the desk: the paper seen.
                        held_document: online
                            .then(|| "Bản điện tử trên Cổng Dịch vụ công".to_owned()),
                        paper: (!online).then_some(PaperReceived {
                            originals: 1,
                            copies: 0,
                        }),
                    })
                    .collect(),
                answers: Vec::new(),
                return_method: Some(ReturnMethod::Desk),
                return_address: None,
                decision: None,
            };
            let submitter = if online {
                &people[who]
            } else {
                &staff.receiver
            };
            let mut d = match service.submit(submitter, submitted, req, None).await {
                Ok(Created::New(d)) => *d,
                Ok(Created::Replayed { .. }) => anyhow::bail!("a demo dossier replayed"),
                // A procedure whose catalog record intake cannot use (no readable case): skip.
                Err(e @ ServiceError::Invalid(_)) => {
                    tracing::debug!(procedure = %p.code, error = %e, "demo: intake refused");
                    continue;
                }
                Err(e) => return Err(anyhow::anyhow!("demo submission: {e}")),
            };
            let owner = online.then(|| &people[who]);
            play(
                &service, &calendar, &staff, owner, &mut d, &script, now, &mut rng,
            )
            .await?;
            made += 1;
        }
    }
    db.set_meta(DOSSIERS_KEY, &now.to_string()).await?;
    Ok(made)
}

struct Staff {
    receiver: Actor,
    handler: Actor,
    assigner: Actor,
    leader: Actor,
    clerk: Option<Actor>,
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

/// Plays the script through the dossier service at the script's own instants. A step the
/// state or the grants do not allow at that moment (an apology too close to the due) is
/// skipped, as an official would skip it.
#[expect(clippy::too_many_arguments, reason = "one demo script's whole context")]
async fn play(
    service: &DossierService<Db>,
    calendar: &WorkCalendar,
    staff: &Staff,
    owner: Option<&Actor>,
    d: &mut Dossier,
    script: &[Step],
    now: Timestamp,
    rng: &mut Lcg,
) -> anyhow::Result<()> {
    let mut at = d.submitted_at;
    for (n, step) in script.iter().enumerate() {
        let gap = match step {
            Step::Idle => 40.0 + rng.next(40) as f64,
            Step::SupplementIn => 8.0 + rng.next(24) as f64,
            _ => 0.5 + rng.next(10) as f64,
        };
        // A desk dossier was received on the spot, with its submission.
        if n == 0 && matches!(step, Step::Accept) && d.status != Status::Submitted {
            continue;
        }
        at = calendar.due_instant(at, gap, TimeUnit::WorkingHours)?;
        if at >= now {
            break;
        }
        let reason = |r: &str| ActionRequest {
            reason: Some(r.to_owned()),
            ..ActionRequest::default()
        };
        let (actor, action, req) = match step {
            Step::Idle => continue,
            Step::Accept => (&staff.receiver, "accept", ActionRequest::default()),
            Step::Forward => {
                let actor = match d.current_step().map(|s| s.kind) {
                    Some(StepKind::Receive) => &staff.receiver,
                    _ => &staff.handler,
                };
                (actor, "forward", ActionRequest::default())
            }
            Step::Assign => (
                &staff.assigner,
                "assign",
                ActionRequest {
                    assignee: staff.handler.user_id().map(str::to_owned),
                    ..ActionRequest::default()
                },
            ),
            Step::Supplement => (
                if d.accepted_at.is_some() {
                    &staff.handler
                } else {
                    &staff.receiver
                },
                "request_supplement",
                ActionRequest {
                    items: Some(vec![SupplementItem {
                        component: d
                            .components
                            .first()
                            .map_or_else(|| "Tờ khai".to_owned(), |c| c.name.clone()),
                        reason: "Bản chụp không rõ, đề nghị nộp lại bản rõ nét".to_owned(),
                    }]),
                    ..ActionRequest::default()
                },
            ),
            // An online applicant sends the supplement; the desk (at intake) or the handling
            // unit (later) then confirms it. A desk dossier's supplement is brought in person.
            Step::SupplementIn => match owner {
                Some(applicant) if d.status == Status::AwaitingSupplement => {
                    let held = ActionRequest {
                        components: Some(vec![ComponentInput {
                            index: 0,
                            files: Vec::new(),
                            held_document: Some("Bản điện tử đã chụp lại".to_owned()),
                            paper: None,
                        }]),
                        ..ActionRequest::default()
                    };
                    match service
                        .act(applicant, at, d.code.as_str(), "submit_supplement", held)
                        .await
                    {
                        Ok(changed) => *d = changed,
                        Err(ServiceError::Internal(e) | ServiceError::Unavailable(e)) => {
                            return Err(anyhow::anyhow!("demo submit_supplement: {e}"));
                        }
                        Err(_) => continue,
                    }
                    if d.status != Status::Supplemented {
                        continue;
                    }
                    at = calendar.due_instant(at, 2.0, TimeUnit::WorkingHours)?;
                    (
                        &staff.handler,
                        "supplement_received",
                        ActionRequest::default(),
                    )
                }
                _ if d.accepted_at.is_some() => (
                    &staff.handler,
                    "supplement_received",
                    ActionRequest::default(),
                ),
                _ => (
                    &staff.receiver,
                    "supplement_received",
                    ActionRequest::default(),
                ),
            },
            Step::Approve => (&staff.leader, "approve", ActionRequest::default()),
            Step::Issue => match &staff.clerk {
                Some(clerk) => (
                    clerk,
                    "issue_result",
                    ActionRequest {
                        number: Some(format!("{}/KQ", 100 + rng.next(900))),
                        signed_on: Some(vietnam_date(at)),
                        ..ActionRequest::default()
                    },
                ),
                None => break,
            },
            Step::Return => (&staff.receiver, "return_result", ActionRequest::default()),
            Step::Refuse => (
                &staff.receiver,
                "refuse",
                reason("Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan"),
            ),
            Step::Withdraw => (
                owner.unwrap_or(&staff.receiver),
                "withdraw",
                reason("Người nộp đề nghị rút hồ sơ"),
            ),
            Step::Stop => (
                &staff.leader,
                "stop",
                reason("Người nộp không bổ sung theo yêu cầu"),
            ),
            Step::Apologise => {
                let Some(due) = d.due.legal else { continue };
                (
                    &staff.leader,
                    "apologise",
                    ActionRequest {
                        new_due: Some(calendar.due_instant(due, 3.0, TimeUnit::WorkingDays)?),
                        ..reason("Cần xác minh thêm thông tin với cơ quan khác")
                    },
                )
            }
        };
        match service.act(actor, at, d.code.as_str(), action, req).await {
            Ok(changed) => *d = changed,
            Err(ServiceError::Internal(e) | ServiceError::Unavailable(e)) => {
                return Err(anyhow::anyhow!("demo {action}: {e}"));
            }
            Err(_) => continue,
        }
        if d.status.is_final() {
            break;
        }
    }
    Ok(())
}
