//! `/mot-cua/ho-so/{code}`: one dossier for an official, fed by the same one-call read as
//! `GET /api/v1/dossiers/{code}` (`dossier::view::dossier_view`), with the actions the official
//! may take now, each a small form.

use std::collections::HashMap;

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use motcua_core::{
    agency::{Agency, AgencyKind},
    dossier::{ActionKind, Dossier, HistoryEntry, ReturnMethod, StepKind},
};
use motcua_service::catalog::Catalog;
use serde_json::{Value, json};

use super::{dossier_path, when};
use crate::{
    api::forms::printable,
    auth::Principal,
    dossier::view::{self, DossierView},
    pages::{PageError, login::render},
    state::AppState,
};

/// What the screen says after an action: a success banner, or what went wrong with the
/// fields of the form that was sent (kept, so nothing typed is lost).
#[derive(Debug, Default)]
pub(super) struct Feedback {
    /// The action just taken.
    pub done: Option<ActionKind>,
    /// The desk just entered this dossier with this decision (`tiep-nhan`, `bo-sung`,
    /// `tu-choi`).
    pub entered: Option<String>,
    /// The action whose form failed.
    pub failed: Option<ActionKind>,
    /// An action whose form is opened on arrival (the approval queue's "Phê duyệt" link).
    pub open: Option<ActionKind>,
    /// A message for the whole action (a conflict, a refusal).
    pub message: Option<String>,
    /// Field errors: (form field, message).
    pub fields: Vec<(String, String)>,
    /// What was typed.
    pub values: HashMap<String, String>,
    /// Someone else acted first: the screen shows the dossier as it is now.
    pub stale: bool,
}

/// The actions an official takes from this screen (the applicant's own — sending a
/// supplement online, rating — are not offered here).
fn offered(kind: ActionKind) -> bool {
    !matches!(kind, ActionKind::SubmitSupplement | ActionKind::Rate)
}

/// Dangerous or final actions, drawn as such.
fn is_final(kind: ActionKind) -> bool {
    matches!(
        kind,
        ActionKind::Refuse | ActionKind::Stop | ActionKind::Withdraw
    )
}

/// The label of a history entry's action; the submission is no action of the state machine.
fn action_label(action: &str) -> String {
    match ActionKind::parse(action) {
        Some(k) => k.label_vi().to_owned(),
        None if action == "submit" => "Nộp hồ sơ".to_owned(),
        None => action.to_owned(),
    }
}

fn history_rows(history: &[HistoryEntry]) -> Vec<Value> {
    history
        .iter()
        .rev()
        .map(|h| {
            json!({
                "at": when(h.at),
                "who": h.actor.as_ref().map(|p| p.name.clone()),
                "action": action_label(&h.action),
                "status": h.status.label_vi(),
                "summary": h.summary,
                "internal": h.internal,
            })
        })
        .collect()
}

fn steps(d: &Dossier, catalog: &Catalog) -> Vec<Value> {
    d.process
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({
                "index": i,
                "name": s.name,
                "kind": s.kind.label_vi(),
                "agency": catalog.agency_name(&s.agency),
                "current": d.accepted_at.is_some() && i == d.step && d.status.is_open(),
                "done": d.steps.iter().any(|r| r.step == i && r.finished_at.is_some()),
            })
        })
        .collect()
}

/// What the assign, consult and transfer forms offer to choose from.
#[derive(Debug, Default)]
pub(super) struct Pickers {
    /// The officials the dossier may be assigned to.
    officials: Vec<Value>,
    /// The agencies that may be consulted, grouped by kind.
    consult: Vec<Value>,
    /// The agencies competent for the procedure, to transfer to.
    transfer: Vec<Value>,
}

/// The kinds of agency a dossier's handler consults, in the order offered.
const CONSULTED: [AgencyKind; 4] = [
    AgencyKind::Department,
    AgencyKind::VerticalAgency,
    AgencyKind::ProvincialCommittee,
    AgencyKind::CommuneCommittee,
];

impl Pickers {
    /// The lists the actions `actions` need for `d` (only those: each costs a lookup).
    async fn for_actions(
        state: &AppState,
        d: &Dossier,
        actions: &[ActionKind],
        now: jiff::Timestamp,
    ) -> Result<Self, PageError> {
        let catalog = state.catalog.get();
        let today = motcua_core::identity::vietnam_date(now);
        let mut p = Self::default();
        if actions.contains(&ActionKind::Assign) {
            p.officials = state
                .dossiers
                .assignable(d, now)
                .await?
                .into_iter()
                .map(|a| json!({"id": a.user_id, "name": a.name, "username": a.username}))
                .collect();
        }
        let elsewhere = |a: &&Agency| a.id != d.current_agency && a.is_valid_on(today);
        if actions.contains(&ActionKind::Consult) {
            for kind in CONSULTED {
                let mut options: Vec<&Agency> = catalog
                    .agencies()
                    .iter()
                    .filter(|a| a.kind == kind)
                    .filter(elsewhere)
                    .collect();
                options.sort_by_cached_key(|a| motcua_core::text::collation_key(&a.name));
                if !options.is_empty() {
                    p.consult.push(json!({"label": kind.label_vi(), "options":
                        options.iter().map(|a| json!({"id": a.id, "name": a.name})).collect::<Vec<_>>()}));
                }
            }
        }
        if actions.contains(&ActionKind::Transfer) {
            // Not the competent agency either: before acceptance the dossier sits at its desk,
            // and the service refuses a transfer to the agency that already has it.
            p.transfer = catalog
                .offers(&d.procedure)
                .iter()
                .filter_map(|(id, _)| catalog.agency(id))
                .filter(elsewhere)
                .filter(|a| a.id != d.competent_agency)
                .map(|a| json!({"id": a.id, "name": a.name}))
                .collect();
        }
        Ok(p)
    }
}

/// The form of each action, with what it needs to offer (earlier steps, open consultations,
/// the components to tick, officials and agencies to choose).
fn action_forms(
    d: &Dossier,
    catalog: &Catalog,
    actions: &[ActionKind],
    fb: &Feedback,
    pickers: &Pickers,
) -> Vec<Value> {
    let earlier: Vec<Value> = d
        .process
        .steps
        .iter()
        .enumerate()
        .take(d.step)
        .map(|(i, s)| json!({"index": i, "name": s.name}))
        .collect();
    let open: Vec<Value> = d
        .open_consultations()
        .map(|c| json!({"id": c.id, "question": c.question, "agency": catalog.agency_name(&c.agency)}))
        .collect();
    let ticked: Vec<&str> = fb
        .values
        .get("items")
        .map_or_else(Vec::new, |v| v.lines().collect());
    let components: Vec<Value> = d
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| json!({"index": i, "name": c.name, "checked": ticked.contains(&c.name.as_str())}))
        .collect();
    let blank: HashMap<&str, &str> = super::FORM_FIELDS.iter().map(|k| (*k, "")).collect();
    actions
        .iter()
        .copied()
        .filter(|&k| offered(k))
        .map(|k| {
            let mine = fb.failed == Some(k);
            let errors: Vec<Value> = if mine {
                fb.fields
                    .iter()
                    .map(|(f, m)| json!({"field": f, "message": m}))
                    .collect()
            } else {
                Vec::new()
            };
            json!({
                "name": k.as_str(),
                "label": k.label_vi(),
                "final": is_final(k),
                "open": mine || fb.open == Some(k),
                "errors": errors,
                "values": if mine { json!(fb.values) } else { json!(blank) },
                "earlier": if k == ActionKind::SendBack { json!(earlier) } else { json!([]) },
                "consultations": if k == ActionKind::Reply { json!(open) } else { json!([]) },
                "components": if matches!(k, ActionKind::RequestSupplement | ActionKind::SupplementReceived) { json!(components) } else { json!([]) },
                "files": matches!(k, ActionKind::IssueResult | ActionKind::SupplementReceived),
                "officials": if k == ActionKind::Assign { json!(pickers.officials) } else { json!([]) },
                "agency_groups": match k {
                    ActionKind::Consult => json!(pickers.consult),
                    ActionKind::Transfer if !pickers.transfer.is_empty() => {
                        json!([{"label": "Cơ quan có thẩm quyền giải quyết thủ tục", "options": pickers.transfer}])
                    }
                    _ => json!([]),
                },
                "approve_step": d.current_step().is_some_and(|s| s.kind == StepKind::Approve),
                "signer": motcua_core::dossier::approver(d),
                "return_method": match d.return_place.method {
                    ReturnMethod::Desk => "tai-quay",
                    ReturnMethod::Post => "buu-chinh",
                    ReturnMethod::Online => "truc-tuyen",
                },
                "recipient": d.representative.as_ref().map_or(&d.applicant.name, |r| &r.name),
            })
        })
        .collect()
}

/// A file of the dossier: its download, and — for a PDF or an image — the inline view the
/// screen embeds.
fn file_json(code: &str, files_base: &str, f: &motcua_core::dossier::FileRef) -> Value {
    let kind = match f.media_type.as_str() {
        "application/pdf" => Some("pdf"),
        t if t.starts_with("image/") => Some("image"),
        _ => None,
    };
    json!({
        "name": f.name,
        "href": format!("{files_base}/{}", f.id),
        "view": kind.map(|_| format!("{}/tep/{}", dossier_path(code), f.id)),
        "kind": kind,
        "kb": (f.size + 1023) / 1024,
        "type": f.media_type,
    })
}

fn context(
    state: &AppState,
    v: &DossierView,
    fb: &Feedback,
    pickers: &Pickers,
    wording: &motcua_forms::Wording,
) -> Value {
    let d = &v.dossier;
    let catalog = state.catalog.get();
    let code = d.code.to_string();
    let files_base = format!("/api/v1/dossiers/{code}/files");
    let components: Vec<Value> = d
        .components
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "required": c.required,
                "held": c.held_document,
                "files": c.files.iter().map(|f| file_json(&code, &files_base, f)).collect::<Vec<_>>(),
                "paper": c.paper.filter(|p| !p.is_empty()).map(|p| json!({"originals": p.originals, "copies": p.copies})),
            })
        })
        .collect();
    let result = d.result.as_ref().map(|r| {
        json!({
            "number": r.number,
            "signed_on": r.signed_on.strftime("%d/%m/%Y").to_string(),
            "signer": r.signer,
            "issued": when(r.issued_at),
            "issued_by": r.issued_by.name,
            "file": r.file.as_ref().map(|f| file_json(&code, &files_base, f)),
        })
    });
    let handover = d.handover.as_ref().map(|h| {
        json!({
            "method": match h.method {
                ReturnMethod::Desk => "Tại bộ phận một cửa",
                ReturnMethod::Post => "Qua bưu chính",
                ReturnMethod::Online => "Bản điện tử",
            },
            "recipient": h.recipient,
            "by": h.by.name,
            "at": d.returned_at.map(when),
        })
    });
    let consultations: Vec<Value> = d
        .consultations
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "task": c.task,
                "agency": catalog.agency_name(&c.agency),
                "question": c.question,
                "asked": when(c.asked_at),
                "due": c.due.map(when),
                "answer": c.answer.as_ref().map(|a| json!({"text": a.text, "at": when(a.at), "by": a.by.name})),
            })
        })
        .collect();
    let legal = v.deadlines.legal.as_ref().map(|l| {
        json!({
            "at": when(l.at),
            "from": when(l.counted_from),
            "summary": l.summary,
            "skipped": l.skipped.iter().map(|s| json!({"date": s.date.strftime("%d/%m/%Y").to_string(), "label": s.label})).collect::<Vec<_>>(),
        })
    });
    let forms: Vec<Value> = printable(d, wording)
        .into_iter()
        .map(|(n, title)| json!({"href": format!("/api/v1/dossiers/{code}/forms/{n}.pdf"), "number": n, "title": title}))
        .collect();
    let a = &d.applicant;
    let banner = fb.done.map(|k| format!("Đã thực hiện: {}.", k.label_vi()));
    // The form the desk hands over after what it just did, one key press away.
    let handed = match (fb.entered.as_deref(), fb.done) {
        (Some("tiep-nhan"), _) | (None, Some(ActionKind::Accept)) => Some("01"),
        (Some("bo-sung"), _) | (None, Some(ActionKind::RequestSupplement)) => Some("02"),
        (Some("tu-choi"), _) | (None, Some(ActionKind::Refuse)) => Some("03"),
        (None, Some(ActionKind::Apologise)) => Some("04"),
        _ => None,
    }
    .and_then(|n| forms.iter().find(|f| f["number"] == n).cloned());
    let banner = match fb.entered.as_deref() {
        Some("tiep-nhan") => Some("Đã tiếp nhận hồ sơ và cấp mã.".to_owned()),
        Some("bo-sung") => {
            Some("Đã ghi hồ sơ chưa đầy đủ; hãy in và giao hướng dẫn bổ sung.".to_owned())
        }
        Some("tu-choi") => {
            Some("Đã ghi việc từ chối tiếp nhận; hãy in và giao phiếu từ chối.".to_owned())
        }
        _ => banner,
    };
    json!({
        "code": code,
        "self": dossier_path(&code),
        "revision": d.revision,
        "procedure": d.procedure_name,
        "procedure_code": d.procedure.as_str(),
        "case": d.case_name,
        "status": v.status_label,
        "national_status": v.national_status,
        "channel": d.channel.label_vi(),
        "submitted": when(d.submitted_at),
        "accepted": d.accepted_at.map(when),
        "receiving": catalog.agency_name(&d.receiving_agency),
        "competent": catalog.agency_name(&d.competent_agency),
        "current_agency": catalog.agency_name(&d.current_agency),
        "assignee": d.assignee.as_ref().map(|p| p.name.clone()),
        "applicant": {
            "name": a.name, "citizen_id": a.citizen_id, "tax_code": a.tax_code,
            "phone": a.phone, "email": a.email, "address": a.address,
        },
        "representative": d.representative.as_ref().map(|r| r.name.clone()),
        "components": components,
        "result": result,
        "handover": handover,
        "consultations": consultations,
        "fees": d.fees.iter().map(|f| f.text.clone()).collect::<Vec<_>>(),
        "legal": legal,
        "kpi": v.deadlines.kpi.map(when),
        "intake": v.deadlines.intake.map(when),
        "timeliness": v.deadlines.timeliness_label,
        "rescheduled": v.deadlines.rescheduled,
        "current_step": v.current_step.as_ref().map(|s| json!({"name": s.name, "agency": s.agency_name, "due": s.due.map(when)})),
        "steps": steps(d, &catalog),
        "history": history_rows(&v.history),
        "actions": action_forms(d, &catalog, &v.actions, fb, pickers),
        "forms": forms,
        "banner": banner,
        "handed": handed,
        "again": fb.entered.is_some().then(|| format!("/mot-cua/tiep-nhan/{}", d.procedure.as_str())),
        "message": fb.message,
        "stale": fb.stale,
    })
}

/// The dossier screen with `fb`, answered with `status`.
pub(super) async fn page(
    state: &AppState,
    principal: &Principal,
    code: &str,
    status: StatusCode,
    fb: &Feedback,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let d = state
        .dossiers
        .load_visible(&principal.actor, now, code)
        .await?;
    let history = state.dossiers.history(&principal.actor, &d).await?;
    let calendar = state.dossiers.calendar_for(&d.competent_agency);
    let actions = state.dossiers.actions_for(&principal.actor, now, &d);
    let pickers = Pickers::for_actions(state, &d, &actions, now).await?;
    let wording = state.wording.effective(&d.receiving_agency).await?;
    let v = view::dossier_view(d, history, actions, &state.catalog.get(), &calendar, now);
    let title = format!("Hồ sơ {}", v.dossier.code);
    let html = render(
        state,
        "mot-cua/dossier.html",
        &title,
        context(state, &v, fb, &pickers, &wording),
    )?;
    Ok((status, Html(html)).into_response())
}

/// `GET /mot-cua/ho-so/{code}` (`?xong=<action>` after an action, `?nhap=<decision>` after the
/// desk entered it: the success banner, with the form to hand over).
pub async fn screen(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let fb = Feedback {
        done: q.get("xong").and_then(|a| ActionKind::parse(a)),
        open: q.get("mo").and_then(|a| ActionKind::parse(a)),
        entered: q
            .get("nhap")
            .filter(|n| ["tiep-nhan", "bo-sung", "tu-choi"].contains(&n.as_str()))
            .cloned(),
        ..Feedback::default()
    };
    page(&state, &principal, &code, StatusCode::OK, &fb).await
}

/// `GET /mot-cua/ho-so/{code}/tep/{id}`: a PDF or image of the dossier shown inline on its
/// screen (the API's download is an attachment). Only the same origin may frame it.
pub async fn inline_file(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    use axum::http::{HeaderValue, header};
    let (meta, content) = state
        .dossiers
        .dossier_file(&principal.actor, state.clock.now(), &code, &id)
        .await?;
    if !(meta.media_type == "application/pdf" || meta.media_type.starts_with("image/")) {
        return Err(PageError(crate::error::ApiError::not_found(
            "Tệp này không xem trực tiếp được; hãy tải về.",
        )));
    }
    let mut r = content.into_response();
    let h = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&meta.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("inline"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    // A browser's PDF viewer does not run in a sandboxed document, so only images are
    // sandboxed; both may be framed by this origin only.
    let policy = if meta.media_type == "application/pdf" {
        "frame-ancestors 'self'"
    } else {
        "default-src 'none'; img-src 'self'; frame-ancestors 'self'; sandbox"
    };
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}
