//! Realistic synthetic dossiers for load tests: a year of a province's traffic spread over its
//! communes and departments, most of it returned, the recent part open at every step, some
//! overdue, assigned to a pool of handlers per agency. Written in bulk (not through the state
//! machine, which would take hours for a million dossiers), with the same codes, projections
//! and body shape as real ones. Deterministic for a given `now`.

use std::collections::HashMap;

use anyhow::Context as _;
use jiff::{SignedDuration, Timestamp};
use motcua_core::{
    agency::{AgencyKind, one_stop_desk},
    calendar::{ClockEvent, Dues, WorkCalendar},
    catalog::{OnlineLevel, TimeUnit},
    dossier::{
        Applicant, ApplicantKind, Dossier, DossierCode, Person, ProcessTemplate, ReturnMethod,
        ReturnPlace, Status, StepRecord, Submission, SubmissionChannel, code_prefix,
    },
    identity::{credentials::LoginId, vietnam_date},
};
use motcua_store::Store;

/// Deterministic pseudo-random numbers (Knuth's MMIX constants): the same seed gives the same
/// data, so demo screens and load tests are reproducible.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    /// A number in `0..n`.
    pub(crate) fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Family names with their approximate share of the population in percent (the common
/// estimate: Nguyễn about 38 %), so that a search by name is as selective as in real life.
const FAMILY_NAMES: [(&str, u64); 14] = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 10),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Phan", 5),
    ("Vũ", 4),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 1),
    ("Hồ", 1),
    ("Ngô", 1),
    ("Dương", 1),
    ("Lý", 1),
];
const MIDDLE_NAMES: [&str; 10] = [
    "Văn", "Thị", "Minh", "Ngọc", "Đức", "Thu", "Hữu", "Quốc", "Thanh", "Hoài",
];
const GIVEN_NAMES: [&str; 32] = [
    "An", "Anh", "Bình", "Châu", "Chi", "Cường", "Dũng", "Duy", "Giang", "Hà", "Hải", "Hạnh",
    "Hiếu", "Hoa", "Hùng", "Hương", "Huy", "Khoa", "Lan", "Linh", "Long", "Mai", "Minh", "Nam",
    "Ngọc", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn",
];

/// A plausible Vietnamese full name.
fn person_name(rng: &mut Lcg) -> String {
    let total: u64 = FAMILY_NAMES.iter().map(|(_, w)| w).sum();
    let mut pick = rng.next(total);
    let mut family = FAMILY_NAMES[0].0;
    for (name, weight) in FAMILY_NAMES {
        if pick < weight {
            family = name;
            break;
        }
        pick -= weight;
    }
    let middle = MIDDLE_NAMES[rng.next(MIDDLE_NAMES.len() as u64) as usize];
    let given = GIVEN_NAMES[rng.next(GIVEN_NAMES.len() as u64) as usize];
    format!("{family} {middle} {given}")
}

/// The procedure's first time limit in working days within `range`, if any.
pub(crate) fn working_day_limit(
    p: &motcua_store::StoredProcedure,
    range: std::ops::RangeInclusive<f64>,
) -> Option<motcua_core::catalog::ProcessingTime> {
    p.procedure
        .methods
        .iter()
        .filter_map(|m| m.time)
        .find(|t| t.unit == TimeUnit::WorkingDays && range.contains(&t.amount))
}

struct Place {
    agency: String,
    desk: String,
    prefix: String,
    procedures: Vec<(
        motcua_store::StoredProcedure,
        motcua_core::catalog::ProcessingTime,
    )>,
    handlers: Vec<Person>,
}

/// Writes `count` synthetic dossiers; `progress` is called with the number written so far.
pub async fn generate(
    store: &dyn Store,
    now: Timestamp,
    count: u64,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<u64> {
    let today = vietnam_date(now);
    let calendar = WorkCalendar::standard()?;
    let agencies = store.agencies().await?;
    let offers = store.agency_procedures().await?;
    let mut by_agency: HashMap<&str, Vec<&motcua_store::AgencyProcedure>> = HashMap::new();
    for o in offers
        .iter()
        .filter(|o| o.online_level != OnlineLevel::None)
    {
        by_agency.entry(o.agency_id.as_str()).or_default().push(o);
    }
    let handler1 = store
        .user_by_login(&LoginId::Username("handler1".to_owned()))
        .await?;
    // The demo applicant owns one online dossier in a thousand: the applicant's list
    // ("Hồ sơ của tôi") is measured among a million dossiers with a heavy user's thousand.
    let citizen1 = store
        .user_by_login(&LoginId::Username("citizen1".to_owned()))
        .await?
        .map(|u| u.id);
    let mut places = Vec::new();
    for a in agencies.iter().filter(|a| {
        a.is_valid_on(today)
            && matches!(
                a.kind,
                AgencyKind::CommuneCommittee | AgencyKind::Department
            )
    }) {
        let Some(list) = by_agency.get(a.id.as_str()) else {
            continue;
        };
        let mut procedures = Vec::new();
        for o in list.iter().take(60) {
            if let Some(p) = store.current_procedure(&o.procedure_code).await?
                && let Some(limit) = working_day_limit(&p, 0.5..=30.0)
            {
                procedures.push((p, limit));
            }
        }
        let desk = one_stop_desk(&agencies, &a.id, today);
        let Some(prefix) = code_prefix(&desk, |id| agencies.iter().find(|x| x.id == id)) else {
            continue;
        };
        if procedures.is_empty() {
            continue;
        }
        let mut handlers: Vec<Person> = (1..=5)
            .map(|k| Person {
                user_id: format!("synthetic-{}-{k}", a.id),
                name: format!("Chuyên viên {k}"),
            })
            .collect();
        if a.id == "bn.x07210"
            && let Some(u) = &handler1
        {
            handlers[0] = Person {
                user_id: u.id.clone(),
                name: u.display_name.clone(),
            };
        }
        places.push(Place {
            agency: a.id.clone(),
            desk,
            prefix: prefix.to_owned(),
            procedures,
            handlers,
        });
    }
    anyhow::ensure!(
        !places.is_empty(),
        "no agency offers procedures: load the demo data first"
    );
    let mut rng = Lcg(now.as_second().unsigned_abs() ^ count);
    // Blocks of codes reserved from the store's sequences, so synthetic codes never collide
    // with dossiers already there (or submitted meanwhile).
    let mut seq: HashMap<(String, jiff::civil::Date), (u32, u32)> = HashMap::new();
    let mut batch = Vec::with_capacity(2000);
    let mut written = 0;
    for _ in 0..count {
        let place = &places[rng.next(places.len() as u64) as usize];
        let (stored, limit) = &place.procedures[rng.next(place.procedures.len() as u64) as usize];
        // Submitted in the last year; recent dossiers more likely still open.
        let age_minutes = rng.next(365 * 24 * 60) as i64;
        let submitted = now
            .checked_sub(SignedDuration::from_mins(age_minutes))
            .context("time range")?;
        let day = vietnam_date(submitted);
        let block = seq.entry((place.prefix.clone(), day)).or_insert((1, 0));
        if block.0 > block.1 {
            let first = store.reserve_codes(&place.prefix, day, 64).await?;
            *block = (first, first + 63);
        }
        let n = block.0;
        block.0 += 1;
        let Ok(code) = DossierCode::new(&place.prefix, day, n) else {
            continue;
        };
        let p = &stored.procedure;
        let channel = if rng.next(2) == 0 {
            SubmissionChannel::Online
        } else {
            SubmissionChannel::Desk
        };
        let owner_id = citizen1
            .clone()
            .filter(|_| channel == SubmissionChannel::Online && rng.next(500) == 0);
        let mut d = Dossier::submitted(
            Submission {
                id: uuid::Uuid::now_v7().to_string(),
                procedure: p.code.clone(),
                procedure_version: stored.version,
                procedure_name: p.name.clone(),
                case_name: None,
                applicant: Applicant {
                    kind: ApplicantKind::Individual,
                    name: person_name(&mut rng),
                    citizen_id: Some(format!("024{:09}", rng.next(999_999_999))),
                    tax_code: None,
                    phone: None,
                    email: None,
                    address: None,
                },
                representative: None,
                owner_id,
                channel,
                receiving_agency: place.desk.clone(),
                competent_agency: place.agency.clone(),
                return_place: ReturnPlace {
                    method: ReturnMethod::Desk,
                    address: Some(place.desk.clone()),
                },
                components: Vec::new(),
                fees: Vec::new(),
                limit: Some(*limit),
                process: ProcessTemplate::default_for().resolve(
                    Some(*limit),
                    &place.desk,
                    &place.agency,
                ),
                submitted_at: submitted,
                intake_due: None,
            },
            code,
        );
        let roll = rng.next(100);
        let recent = age_minutes < 30 * 24 * 60;
        if recent && roll < 12 {
            // Waiting at the desk.
        } else {
            d.accepted_at = Some(submitted);
            d.clock_events = vec![ClockEvent::Received { at: submitted }];
            let due = calendar
                .due_instant(submitted, limit.amount, limit.unit)
                .ok();
            d.due = Dues {
                legal: due,
                kpi: due,
            };
            let open = recent && roll < 85;
            if open {
                d.status = if roll < 20 {
                    Status::AwaitingSupplement
                } else if roll < 75 {
                    Status::Processing
                } else {
                    Status::Done
                };
                d.step = match d.status {
                    Status::Done => 4,
                    _ => rng.next(4) as usize,
                };
            } else {
                d.status = match rng.next(100) {
                    0..=3 => Status::Refused,
                    4..=6 => Status::Withdrawn,
                    7..=8 => Status::Stopped,
                    _ => Status::Returned,
                };
                d.step = 4;
                let end = due.unwrap_or(submitted);
                d.finished_at = Some(end);
                if d.status == Status::Returned {
                    d.returned_at = Some(end);
                }
            }
            if let Some(step) = d.process.steps.get(d.step) {
                d.current_agency.clone_from(&step.agency);
                d.steps.push(StepRecord {
                    step: d.step,
                    agency: step.agency.clone(),
                    started_at: submitted,
                    due,
                    finished_at: None,
                    handed_by: None,
                });
            }
            if d.step >= 1 {
                d.assignee =
                    Some(place.handlers[rng.next(place.handlers.len() as u64) as usize].clone());
            }
        }
        batch.push(d);
        if batch.len() == 2000 {
            store.insert_dossiers(&batch).await?;
            written += batch.len() as u64;
            batch.clear();
            progress(written);
        }
    }
    if !batch.is_empty() {
        store.insert_dossiers(&batch).await?;
        written += batch.len() as u64;
        progress(written);
    }
    Ok(written)
}
