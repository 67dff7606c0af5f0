//! The dossier service: validates a request against the catalog, decides access with the
//! identity model, runs the core state machine and writes the result with its history, audit
//! events and mails in one transaction.

use std::sync::Arc;

use motcua_core::{
    audit::{AuditEvent, Outcome},
    calendar::WorkCalendar,
    catalog::{OnlineLevel, ProcedureCode},
    dossier::{
        self, Action, ActionKind, Component, Dossier, DossierCode, FeeLine, FileRef, HistoryEntry,
        Person, ProcessTemplate, ReturnMethod, ReturnPlace, Status, Submission, SubmissionChannel,
        TransitionError,
        machine::{is_conditional, missing_components},
    },
    identity::{Permission, credentials::LoginId, vietnam_date},
};
use motcua_store::{Accompanying, Created, Creation, FileMeta, IdempotencyKey, StoreError};

use super::{
    notify,
    request::{ActionRequest, ComponentInput, SubmitRequest, required},
};
use crate::{
    auth::{Principal, Target, principal::record_event},
    error::ApiError,
    state::AppState,
};

/// Working hours the desk has to accept an online dossier or ask for a supplement (Decree
/// 45/2020 as reported, DOMAIN.md §6.5 [N]).
pub const INTAKE_HOURS: f64 = 8.0;

/// The account acting, as the forms show it.
pub fn person(principal: &Principal) -> Person {
    Person {
        user_id: principal.user.id.clone(),
        name: principal.user.display_name.clone(),
    }
}

/// The calendar of an agency (its own days off and office hours, else the national one).
pub fn calendar_for(state: &AppState, agency: &str) -> Arc<WorkCalendar> {
    let catalog = state.catalog.get();
    let calendars = state.calendars.get();
    match calendars.for_agency(&*catalog, agency) {
        Some(Ok(c)) => c.calendar,
        _ => Arc::clone(calendars.national()),
    }
}

/// Whether the principal may read the dossier: its owner, or an official holding
/// `dossier.read` at an agency involved in it.
pub fn may_read(state: &AppState, principal: &Principal, d: &Dossier) -> bool {
    if d.owner_id.as_deref() == Some(principal.user.id.as_str()) {
        return true;
    }
    principal.is_official()
        && d.involved_agencies().into_iter().any(|agency| {
            principal
                .decide(
                    state,
                    Permission::DossierRead,
                    Target::agency(agency).procedure(&d.procedure),
                )
                .is_ok()
        })
}

/// The dossier with this code if the principal may read it. Otherwise 404 — the same answer
/// as for a code that does not exist, so codes cannot be probed — and an audit event.
pub async fn load_visible(
    state: &AppState,
    principal: &Principal,
    code: &str,
) -> Result<Dossier, ApiError> {
    let not_found = || ApiError::NotFound("Không tìm thấy hồ sơ.".to_owned());
    let code = DossierCode::parse(code)
        .map_err(|e| ApiError::bad_request("invalid_code", e.to_string()))?;
    let d = state
        .store
        .dossier(code.as_str())
        .await?
        .ok_or_else(not_found)?;
    if may_read(state, principal, &d) {
        return Ok(d);
    }
    let event = principal
        .ctx
        .event(
            state.clock.now(),
            principal.actor(),
            "permission.denied",
            Outcome::Denied,
        )
        .agency(d.current_agency.clone())
        .procedure(d.procedure.as_str())
        .subject(format!("dossier:{}", d.code))
        .with("permission", Permission::DossierRead.as_str())
        .with("reason", "not_involved");
    record_event(state, &event).await;
    Err(not_found())
}

/// The actions the principal may take on `d` now: allowed by the state and by the grants.
pub fn actions_for(state: &AppState, principal: &Principal, d: &Dossier) -> Vec<ActionKind> {
    dossier::allowed(d)
        .into_iter()
        .filter(|&k| may_take(state, principal, d, k, None))
        .collect()
}

fn may_take(
    state: &AppState,
    principal: &Principal,
    d: &Dossier,
    kind: ActionKind,
    consulted: Option<&str>,
) -> bool {
    if kind == ActionKind::Reply && consulted.is_none() {
        return d
            .open_consultations()
            .any(|c| may_take(state, principal, d, kind, Some(&c.agency)));
    }
    let req = dossier::requirement(d, kind, consulted);
    if req.owner_may && d.owner_id.as_deref() == Some(principal.user.id.as_str()) {
        return true;
    }
    principal.is_official()
        && principal
            .decide(
                state,
                req.permission,
                Target::agency(&req.agency).procedure(&d.procedure),
            )
            .is_ok()
}

fn audit_event(state: &AppState, principal: &Principal, d: &Dossier, action: &str) -> AuditEvent {
    principal
        .ctx
        .event(
            state.clock.now(),
            principal.actor(),
            action,
            Outcome::Success,
        )
        .agency(d.current_agency.clone())
        .procedure(d.procedure.as_str())
        .subject(format!("dossier:{}", d.code))
        .with("status", d.status.as_str())
}

/// Resolves uploaded file ids into references; only the uploader may attach a file.
async fn files(
    state: &AppState,
    principal: &Principal,
    ids: &[String],
    field: &str,
) -> Result<Vec<FileRef>, ApiError> {
    if ids.len() > 20 {
        return Err(ApiError::invalid(field, "tối đa 20 tệp cho một thành phần"));
    }
    let mut out: Vec<FileRef> = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        if let Some(seen) = out.iter().find(|f| &f.id == id) {
            out.push(seen.clone());
            continue;
        }
        let meta = match uuid::Uuid::try_parse(id) {
            Ok(_) => state.store.file_meta(id).await?,
            Err(_) => None,
        };
        match meta {
            Some(m) if m.owner_id == principal.user.id => out.push(file_ref(m)),
            _ => {
                return Err(ApiError::invalid(
                    format!("{field}[{i}]"),
                    "không có tệp này (hãy tải lên qua POST /api/v1/files)",
                ));
            }
        }
    }
    Ok(out)
}

fn file_ref(m: FileMeta) -> FileRef {
    FileRef {
        id: m.id,
        name: m.name,
        media_type: m.media_type,
        size: m.size,
        sha256: m.sha256,
    }
}

fn held(input: Option<&str>, field: &str) -> Result<Option<String>, ApiError> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => dossier::text_field(field, s, 200)
            .map(Some)
            .map_err(|e| ApiError::invalid(e.field, e.message)),
        None => Ok(None),
    }
}

/// The components supplied by a request, resolved: `(index, files, held document)`.
async fn supplied(
    state: &AppState,
    principal: &Principal,
    inputs: &[ComponentInput],
    count: usize,
    field: &str,
) -> Result<Vec<(usize, Vec<FileRef>, Option<String>)>, ApiError> {
    let mut out = Vec::with_capacity(inputs.len());
    for (i, c) in inputs.iter().enumerate() {
        let f = format!("{field}[{i}]");
        if c.index >= count {
            return Err(ApiError::invalid(
                format!("{f}.index"),
                format!(
                    "thủ tục có {count} thành phần hồ sơ (chỉ số 0–{})",
                    count.saturating_sub(1)
                ),
            ));
        }
        let refs = files(state, principal, &c.files, &format!("{f}.files")).await?;
        let held = held(c.held_document.as_deref(), &format!("{f}.held_document"))?;
        out.push((c.index, refs, held));
    }
    Ok(out)
}

fn field_error(e: dossier::FieldError) -> ApiError {
    ApiError::invalid(e.field, e.message)
}

/// The process for a procedure at the competent agency: configured, or the default.
async fn process_for(
    state: &AppState,
    procedure: &ProcedureCode,
    competent: &str,
) -> Result<ProcessTemplate, ApiError> {
    Ok(state
        .store
        .process_template(procedure.as_str(), competent)
        .await?
        .unwrap_or_else(ProcessTemplate::default_for))
}

/// The one-stop desk that receives an agency's dossiers (see
/// [`motcua_core::agency::one_stop_desk`]).
pub fn desk_for(
    catalog: &crate::catalog::Catalog,
    agency: &str,
    today: jiff::civil::Date,
) -> String {
    motcua_core::agency::one_stop_desk(catalog.agencies(), agency, today)
}

/// A submission accepted by the store.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// New or replayed.
    pub created: Created,
    /// The new dossier's receipt facts (`None` for a replay: read them back).
    pub fresh: Option<Fresh>,
}

/// What the submitter is told about a new dossier, taken when it was built (no read back).
#[derive(Debug, Clone, Copy)]
pub struct Fresh {
    /// Status.
    pub status: Status,
    /// National status code.
    pub national_status: u8,
    /// Legal due.
    pub due: Option<jiff::Timestamp>,
    /// Intake deadline.
    pub intake_due: Option<jiff::Timestamp>,
}

/// Submits a dossier (online by its applicant, or entered at the desk by an officer).
pub async fn submit(
    state: &AppState,
    principal: &Principal,
    req: SubmitRequest,
    key: Option<IdempotencyKey>,
) -> Result<Submitted, ApiError> {
    let now = state.clock.now();
    let today = vietnam_date(now);
    let catalog = state.catalog.get();
    let code = ProcedureCode::parse(&req.procedure)
        .map_err(|e| ApiError::invalid("procedure", e.to_string()))?;
    let stored = catalog
        .procedure(&code)
        .ok_or_else(|| ApiError::invalid("procedure", "không có thủ tục này trong danh mục"))?
        .clone();
    let procedure = &stored.procedure;
    let competent = catalog
        .agency(&req.agency)
        .filter(|a| a.is_valid_on(today))
        .ok_or_else(|| ApiError::invalid("agency", "không có cơ quan này"))?
        .id
        .clone();
    let Some(level) = catalog
        .offers(&code)
        .iter()
        .find(|(a, _)| *a == competent)
        .map(|(_, level)| *level)
    else {
        return Err(ApiError::invalid(
            "agency",
            "cơ quan này không giải quyết thủ tục này",
        ));
    };
    let receiving = desk_for(&catalog, &competent, today);
    let prefix = dossier::code_prefix(&receiving, |id| catalog.agency(id))
        .ok_or_else(|| {
            ApiError::invalid(
                "agency",
                "cơ quan chưa có mã định danh điện tử để cấp mã hồ sơ",
            )
        })?
        .to_owned();
    let channel = match (principal.is_official(), req.channel) {
        (false, None | Some(SubmissionChannel::Online)) => SubmissionChannel::Online,
        (false, Some(_)) => {
            return Err(ApiError::invalid(
                "channel",
                "người nộp chỉ nộp hồ sơ trực tuyến",
            ));
        }
        (true, None) => SubmissionChannel::Desk,
        (true, Some(SubmissionChannel::Online)) => {
            return Err(ApiError::invalid(
                "channel",
                "cán bộ nhập hồ sơ trực tiếp (desk), bưu chính (postal) hoặc từ Cổng quốc gia",
            ));
        }
        (true, Some(c)) => c,
    };
    if channel == SubmissionChannel::Online && level == OnlineLevel::None {
        return Err(ApiError::invalid(
            "procedure",
            "thủ tục này chưa được cung cấp trực tuyến tại cơ quan này",
        ));
    }
    if channel.is_received_by_officer() || channel == SubmissionChannel::NationalPortal {
        principal
            .require(
                state,
                Permission::DossierReceive,
                Target::agency(&receiving).procedure(&code),
            )
            .await?;
    }
    let applicant = req.applicant.normalized("applicant").map_err(field_error)?;
    let representative = req
        .representative
        .map(|r| r.normalized("representative"))
        .transpose()
        .map_err(field_error)?;
    let case = if procedure.cases.is_empty() {
        None
    } else {
        Some(procedure.cases.get(req.case).ok_or_else(|| {
            ApiError::invalid(
                "case",
                format!(
                    "thủ tục có {} trường hợp (0–{})",
                    procedure.cases.len(),
                    procedure.cases.len() - 1
                ),
            )
        })?)
    };
    let mut components: Vec<Component> = case
        .map(|c| {
            c.components
                .iter()
                .map(|r| Component {
                    name: r.name.clone(),
                    required: !is_conditional(&r.name),
                    originals: r.originals,
                    copies: r.copies,
                    files: Vec::new(),
                    held_document: None,
                })
                .collect()
        })
        .unwrap_or_default();
    for (index, refs, held) in supplied(
        state,
        principal,
        &req.components,
        components.len(),
        "components",
    )
    .await?
    {
        if let Some(c) = components.get_mut(index) {
            c.files.extend(refs);
            if held.is_some() {
                c.held_document = held;
            }
        }
    }
    let missing = missing_components(&components);
    if let Some(&first) = missing.first() {
        let names: Vec<&str> = missing
            .iter()
            .filter_map(|&i| components.get(i).map(|c| c.name.as_str()))
            .collect();
        return Err(ApiError::invalid(
            format!("components[{first}]"),
            format!("thiếu thành phần hồ sơ bắt buộc: {}", names.join("; ")),
        ));
    }
    let method = procedure
        .methods
        .iter()
        .find(|m| m.channel == channel.catalog_channel())
        .or_else(|| procedure.shortest_time());
    let limit = method.and_then(|m| m.time);
    let fees = method
        .map(|m| {
            m.fees
                .iter()
                .map(|f| FeeLine {
                    text: f.text.clone(),
                    amount_vnd: f.amount_vnd,
                })
                .collect()
        })
        .unwrap_or_default();
    let return_place = match req.return_method.unwrap_or(ReturnMethod::Desk) {
        ReturnMethod::Post => ReturnPlace {
            method: ReturnMethod::Post,
            address: Some(
                dossier::text_field(
                    "return_address",
                    req.return_address.as_deref().unwrap_or(""),
                    500,
                )
                .map_err(field_error)?,
            ),
        },
        ReturnMethod::Desk => ReturnPlace {
            method: ReturnMethod::Desk,
            address: Some(receiving.clone()),
        },
        ReturnMethod::Online => ReturnPlace {
            method: ReturnMethod::Online,
            address: None,
        },
    };
    let process = process_for(state, &code, &competent)
        .await?
        .resolve(limit, &receiving, &competent);
    let calendar = calendar_for(state, &competent);
    let actor = person(principal);
    let owner_id = (!principal.is_official()).then(|| principal.user.id.clone());
    let receiving_id = receiving;
    let procedure_name = procedure.name.clone();
    let case_name = case.map(|c| c.name.clone());
    let version = stored.version;
    let audit_base = principal
        .ctx
        .event(now, principal.actor(), "dossier.submit", Outcome::Success)
        .agency(receiving_id.clone())
        .procedure(code.as_str())
        .with("channel", channel.as_str());
    let fresh_slot: std::sync::Arc<std::sync::Mutex<Option<Fresh>>> = Default::default();
    let slot = std::sync::Arc::clone(&fresh_slot);
    let build = Box::new(move |dcode: DossierCode| {
        let mut d = Dossier::submitted(
            Submission {
                id: uuid::Uuid::now_v7().to_string(),
                procedure: code,
                procedure_version: version,
                procedure_name,
                case_name,
                applicant,
                representative,
                owner_id,
                channel,
                receiving_agency: receiving_id,
                competent_agency: competent,
                return_place,
                components,
                fees,
                limit,
                process,
                submitted_at: now,
                intake_due: (channel == SubmissionChannel::Online)
                    .then(|| dossier::intake_due(&calendar, now, INTAKE_HOURS))
                    .flatten(),
            },
            dcode.clone(),
        );
        let mut history = vec![HistoryEntry {
            at: now,
            actor: Some(actor.clone()),
            action: "submit".to_owned(),
            status: Status::Submitted,
            summary: format!("Nộp hồ sơ ({})", channel.label_vi()),
        }];
        if channel.is_received_by_officer() || channel == SubmissionChannel::NationalPortal {
            let ctx = dossier::Context {
                now,
                actor: &actor,
                calendar: &calendar,
            };
            let applied = dossier::apply(&mut d, Action::Accept, &ctx)
                .map_err(|e| StoreError::Conflict(e.to_string()))?;
            history.push(HistoryEntry {
                at: now,
                actor: Some(actor.clone()),
                action: applied.kind.as_str().to_owned(),
                status: d.status,
                summary: applied.summary,
            });
        }
        let mails = notify::mail_for(&d, "submit", now).into_iter().collect();
        if let Ok(mut fresh) = slot.lock() {
            *fresh = Some(Fresh {
                status: d.status,
                national_status: d.national_status(),
                due: d.due.legal,
                intake_due: d.intake_due,
            });
        }
        let audit = vec![
            audit_base
                .subject(format!("dossier:{dcode}"))
                .with("status", d.status.as_str()),
        ];
        Ok(Creation {
            dossier: d,
            with: Accompanying {
                history,
                audit,
                mails,
            },
        })
    });
    let replay_key = key.clone();
    let created = match state.store.create_dossier(&prefix, today, key, build).await {
        Ok(c) => c,
        // The same key submitted concurrently (PostgreSQL reports the second insert of the key
        // as a unique violation): the first submission's dossier is the answer.
        Err(StoreError::Conflict(c)) if c.contains("idempotency") => {
            let k = replay_key.ok_or_else(|| ApiError::Conflict(c.clone()))?;
            let (code, hash) = state
                .store
                .idempotent_submission(&k.owner, &k.key)
                .await?
                .ok_or(ApiError::Conflict(c))?;
            Created::Replayed {
                code: DossierCode::parse(&code).map_err(|e| ApiError::Internal(e.to_string()))?,
                same_request: hash == k.request_hash,
            }
        }
        Err(StoreError::Conflict(c)) if c.contains("9.999") => {
            return Err(ApiError::Unavailable(c));
        }
        Err(e) => return Err(e.into()),
    };
    let fresh = match created {
        Created::New(_) => fresh_slot.lock().ok().and_then(|f| *f),
        Created::Replayed { .. } => None,
    };
    Ok(Submitted { created, fresh })
}

/// Takes an action on a dossier; returns the dossier as changed.
pub async fn act(
    state: &AppState,
    principal: &Principal,
    code: &str,
    action: &str,
    req: ActionRequest,
) -> Result<Dossier, ApiError> {
    let kind = ActionKind::parse(action).ok_or_else(|| {
        ApiError::NotFound(format!(
            "Không có thao tác {:?}. Các thao tác: {}.",
            action.chars().take(40).collect::<String>(),
            ActionKind::ALL.map(ActionKind::as_str).join(", ")
        ))
    })?;
    let mut d = load_visible(state, principal, code).await?;
    if let Some(rev) = req.revision
        && rev != d.revision
    {
        return Err(ApiError::Conflict(format!(
            "Hồ sơ đã được cập nhật (phiên bản {} thay vì {rev}); hãy tải lại.",
            d.revision
        )));
    }
    if !dossier::allowed(&d).contains(&kind) {
        return Err(illegal(&TransitionError::NotAllowed {
            action: kind,
            status: d.status,
            allowed: dossier::allowed(&d),
        }));
    }
    let consulted = if kind == ActionKind::Reply {
        let id = *required(&req.consultation, "consultation")?;
        Some(
            d.consultations
                .iter()
                .find(|c| c.id == id && c.answer.is_none())
                .map(|c| c.agency.clone())
                .ok_or_else(|| {
                    ApiError::invalid(
                        "consultation",
                        "không có yêu cầu xin ý kiến đang mở với số này",
                    )
                })?,
        )
    } else {
        None
    };
    let requirement = dossier::requirement(&d, kind, consulted.as_deref());
    let owner = d.owner_id.as_deref() == Some(principal.user.id.as_str());
    if !(requirement.owner_may && owner) {
        // Applicants hold no grants: this refuses them too, and audits the attempt.
        principal
            .require(
                state,
                requirement.permission,
                Target::agency(&requirement.agency).procedure(&d.procedure),
            )
            .await?;
    }
    let action = build_action(state, principal, &d, kind, &req).await?;
    let calendar = calendar_for(state, &d.competent_agency);
    let actor = person(principal);
    let now = state.clock.now();
    let ctx = dossier::Context {
        now,
        actor: &actor,
        calendar: &calendar,
    };
    let expected = d.revision;
    let applied = dossier::apply(&mut d, action, &ctx).map_err(|e| illegal(&e))?;
    let mut with = Accompanying {
        history: vec![HistoryEntry {
            at: now,
            actor: Some(actor),
            action: kind.as_str().to_owned(),
            status: d.status,
            summary: applied.summary,
        }],
        audit: vec![audit_event(
            state,
            principal,
            &d,
            &format!("dossier.{}", kind.as_str()),
        )],
        mails: Vec::new(),
    };
    if applied.notify_applicant {
        with.mails.extend(notify::mail_for(&d, kind.as_str(), now));
    }
    state
        .store
        .update_dossier(&d, expected, &with)
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => ApiError::Conflict(
                "Hồ sơ vừa được người khác cập nhật; hãy tải lại rồi thực hiện lại.".to_owned(),
            ),
            other => other.into(),
        })?;
    Ok(d)
}

fn illegal(e: &TransitionError) -> ApiError {
    match e {
        TransitionError::NotAllowed { allowed, .. } => ApiError::IllegalTransition {
            message: e.to_string(),
            allowed: allowed.iter().map(|k| k.as_str().to_owned()).collect(),
        },
        TransitionError::Invalid(f) => ApiError::invalid(f.field.clone(), f.message.clone()),
        TransitionError::Clock(c) => ApiError::invalid("new_due", c.to_string()),
        TransitionError::NotAssignee => ApiError::Forbidden(e.to_string()),
        TransitionError::OpenTasks(_) => ApiError::Conflict(e.to_string()),
    }
}

async fn build_action(
    state: &AppState,
    principal: &Principal,
    d: &Dossier,
    kind: ActionKind,
    req: &ActionRequest,
) -> Result<Action, ApiError> {
    let text = |v: &Option<String>, field: &str| -> Result<String, ApiError> {
        Ok(required(v, field)?.clone())
    };
    Ok(match kind {
        ActionKind::Accept => Action::Accept,
        ActionKind::RequestSupplement => Action::RequestSupplement {
            items: required(&req.items, "items")?
                .iter()
                .enumerate()
                .map(|(i, it)| {
                    Ok(dossier::SupplementItem {
                        component: dossier::text_field(
                            &format!("items[{i}].component"),
                            &it.component,
                            500,
                        )
                        .map_err(field_error)?,
                        reason: dossier::text_field(
                            &format!("items[{i}].reason"),
                            &it.reason,
                            1000,
                        )
                        .map_err(field_error)?,
                    })
                })
                .collect::<Result<_, ApiError>>()?,
        },
        ActionKind::SupplementReceived => Action::SupplementReceived {
            added: supplied(
                state,
                principal,
                req.components.as_deref().unwrap_or_default(),
                d.components.len(),
                "components",
            )
            .await?,
        },
        ActionKind::Refuse => Action::Refuse {
            reason: text(&req.reason, "reason")?,
        },
        ActionKind::Assign => Action::Assign {
            assignee: assignee(state, d, required(&req.assignee, "assignee")?).await?,
        },
        ActionKind::Forward => Action::Forward {
            note: req.note.clone(),
        },
        ActionKind::SendBack => Action::SendBack {
            to_step: *required(&req.to_step, "to_step")?,
            reason: text(&req.reason, "reason")?,
        },
        ActionKind::Consult => Action::Consult {
            agency: known_agency(state, required(&req.agency, "agency")?)?,
            question: text(&req.question, "question")?,
            days: req.days.unwrap_or(3.0),
        },
        ActionKind::Reply => Action::Reply {
            consultation: *required(&req.consultation, "consultation")?,
            answer: text(&req.answer, "answer")?,
        },
        ActionKind::Transfer => {
            let agency = known_agency(state, required(&req.agency, "agency")?)?;
            let today = vietnam_date(state.clock.now());
            let desk = desk_for(&state.catalog.get(), &agency, today);
            let process = process_for(state, &d.procedure, &agency)
                .await?
                .resolve(d.limit, &desk, &agency);
            Action::Transfer {
                agency,
                reason: text(&req.reason, "reason")?,
                process,
            }
        }
        ActionKind::Approve => Action::Approve {
            note: req.note.clone(),
        },
        ActionKind::IssueResult => Action::IssueResult {
            number: text(&req.number, "number")?,
            signed_on: req
                .signed_on
                .unwrap_or_else(|| vietnam_date(state.clock.now())),
            file: match &req.file {
                Some(id) => files(state, principal, std::slice::from_ref(id), "file")
                    .await?
                    .into_iter()
                    .next(),
                None => None,
            },
        },
        ActionKind::ReturnResult => Action::ReturnResult,
        ActionKind::Withdraw => Action::Withdraw {
            reason: text(&req.reason, "reason")?,
        },
        ActionKind::Stop => Action::Stop {
            reason: text(&req.reason, "reason")?,
        },
        ActionKind::Apologise => Action::Apologise {
            reason: text(&req.reason, "reason")?,
            new_due: *required(&req.new_due, "new_due")?,
        },
        ActionKind::Comment => Action::Comment {
            text: text(&req.text, "text")?,
        },
    })
}

fn known_agency(state: &AppState, id: &str) -> Result<String, ApiError> {
    let today = vietnam_date(state.clock.now());
    state
        .catalog
        .get()
        .agency(id)
        .filter(|a| a.is_valid_on(today))
        .map(|a| a.id.clone())
        .ok_or_else(|| ApiError::invalid("agency", "không có cơ quan này"))
}

/// The officer to assign: an active official who may handle dossiers at the dossier's
/// current agency for its procedure.
async fn assignee(state: &AppState, d: &Dossier, who: &str) -> Result<Person, ApiError> {
    let bad = || {
        ApiError::invalid(
            "assignee",
            "cán bộ này không có quyền thụ lý hồ sơ tại đơn vị đang xử lý",
        )
    };
    let user = match state.store.user(who).await? {
        Some(u) => Some(u),
        None => match LoginId::parse(who) {
            Some(login @ LoginId::Username(_)) => state.store.user_by_login(&login).await?,
            _ => None,
        },
    }
    .ok_or_else(bad)?;
    if user.kind != motcua_store::UserKind::Official || user.disabled_at.is_some() {
        return Err(bad());
    }
    let grants: Vec<_> = state
        .store
        .active_grants(&user.id)
        .await?
        .into_iter()
        .map(|g| g.grant)
        .collect();
    let catalog = state.catalog.get();
    let hierarchy = catalog.hierarchy();
    let ok = motcua_core::identity::allows(
        &grants,
        Permission::DossierHandle,
        &d.current_agency,
        &hierarchy.ancestors(&d.current_agency),
        Some(&d.procedure),
        vietnam_date(state.clock.now()),
    );
    if !ok {
        return Err(bad());
    }
    Ok(Person {
        user_id: user.id,
        name: user.display_name,
    })
}

/// Records an upload by the principal; returns its reference.
pub async fn upload(
    state: &AppState,
    principal: &Principal,
    name: &str,
    media_type: &str,
    content: &[u8],
) -> Result<FileRef, ApiError> {
    use sha2::Digest;
    if content.is_empty() {
        return Err(ApiError::invalid("body", "tệp rỗng"));
    }
    let name = motcua_core::text::clean_line(name);
    if name.is_empty() || motcua_core::text::char_len(&name) > 200 || name.contains(['/', '\\']) {
        return Err(ApiError::invalid(
            "name",
            "tên tệp 1–200 ký tự, không chứa '/' hoặc '\\'",
        ));
    }
    let media_type = media_type.trim().to_ascii_lowercase();
    const ALLOWED: [&str; 5] = [
        "application/pdf",
        "image/jpeg",
        "image/png",
        "application/xml",
        "application/octet-stream",
    ];
    let base = media_type.split(';').next().unwrap_or("").trim().to_owned();
    if !ALLOWED.contains(&base.as_str()) {
        return Err(ApiError::invalid(
            "content-type",
            format!("chỉ nhận tệp {}", ALLOWED.join(", ")),
        ));
    }
    let sha256 = crate::auth::crypto::hex(&sha2::Sha256::digest(content));
    let meta = FileMeta {
        id: uuid::Uuid::now_v7().to_string(),
        owner_id: principal.user.id.clone(),
        name,
        media_type: base,
        size: i64::try_from(content.len()).unwrap_or(i64::MAX),
        sha256,
    };
    state
        .store
        .put_file(&meta, content, state.clock.now())
        .await?;
    Ok(file_ref(meta))
}

/// Whether the file belongs to the dossier (a component or the result).
pub fn dossier_has_file(d: &Dossier, file_id: &str) -> bool {
    d.components
        .iter()
        .flat_map(|c| c.files.iter())
        .chain(d.result.iter().filter_map(|r| r.file.as_ref()))
        .any(|f| f.id == file_id)
}
