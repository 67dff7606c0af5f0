//! `/mot-cua/tiep-nhan`: the desk enters a dossier brought to it or sent by post. The
//! procedure is found by the catalog's Vietnamese search among those the official receives;
//! then one page holds the case, the applicant (an earlier one found by identity number), the
//! documents checklist with the paper seen and the scans, the fees, how the result goes back,
//! and the decision: receive (Form 01), hand back what is missing (Form 02) or refuse
//! (Form 03). Everything goes through [`motcua_service::DossierService::submit`], as
//! `POST /api/v1/dossiers` does; this page only turns the form into its request.

use std::{collections::HashMap, sync::Arc};

use axum::{
    extract::{Path, Query, Request, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use motcua_core::{
    catalog::{Procedure, ProcedureCode, RequirementKind, classify_case},
    dossier::{
        PaperReceived, Representative, ReturnMethod, SubmissionChannel, SupplementItem,
        intake::known_condition,
    },
    text::clean_line,
};
use motcua_service::{
    ServiceError,
    dossier::{ComponentInput, ConditionAnswer, DeskDecision, SubmitRequest},
};
use motcua_store::{Created, IdempotencyKey, StoredProcedure};
use serde::Deserialize;
use serde_json::{Value, json};

use super::dossier_path;
use crate::{
    auth::{Principal, url_encode},
    pages::{
        PageError,
        form::FormData,
        login::render,
        portal::applicant_from_form,
        problems::Problems,
        upload::{FilesForm, store_files},
    },
    present,
    state::AppState,
};

/// Procedures listed for one search.
const RESULTS: usize = 20;

/// The reception's address for a procedure.
fn form_path(code: &str) -> String {
    format!("/mot-cua/tiep-nhan/{}", url_encode(code))
}

/// `GET /mot-cua/tiep-nhan?q=`: the procedures the official receives, found by what they type.
#[derive(Debug, Default, Deserialize)]
pub struct FindParams {
    q: Option<String>,
}

/// `GET /mot-cua/tiep-nhan`
pub async fn find(
    State(state): State<AppState>,
    principal: Principal,
    Query(p): Query<FindParams>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let q = clean_line(p.q.as_deref().unwrap_or_default());
    let q: String = q.chars().take(crate::search::MAX_QUERY_CHARS).collect();
    let catalog = state.catalog.get();
    // A procedure code typed (or read off the catalog) goes straight to its form.
    if let Ok(code) = ProcedureCode::parse(&q)
        && !state
            .dossiers
            .receivable(&principal.actor, now, &code)
            .is_empty()
    {
        return Ok(Redirect::to(&form_path(code.as_str())).into_response());
    }
    let found: Vec<Value> = if q.is_empty() {
        Vec::new()
    } else {
        state
            .dossiers
            .receivable_procedures(&principal.actor, now, &q, RESULTS)
            .iter()
            .filter_map(|code| catalog.procedure(code))
            .map(|p| {
                json!({
                    "code": p.procedure.code.as_str(),
                    "name": p.procedure.name,
                    "field": p.procedure.field,
                    "href": form_path(p.procedure.code.as_str()),
                })
            })
            .collect()
    };
    let html = render(
        &state,
        "mot-cua/reception_find.html",
        "Tiếp nhận hồ sơ",
        json!({ "q": q, "searched": !q.is_empty(), "found": found }),
    )?;
    Ok(Html(html).into_response())
}

/// What the reception form is opened with: the competent agency, the case, and an identity
/// number whose earlier applicant fills the applicant's fields.
#[derive(Debug, Default, Deserialize)]
pub struct FormParams {
    co_quan: Option<String>,
    truong_hop: Option<String>,
    tim: Option<String>,
}

/// One row of the checklist: a document of the case (or a note, shown as text).
fn rows(p: &Procedure, case: usize, channel: SubmissionChannel, for_other: bool) -> Vec<Value> {
    let Some(c) = p.cases.get(case) else {
        return Vec::new();
    };
    classify_case(c)
        .into_iter()
        .zip(&c.components)
        .enumerate()
        .map(|(index, (k, r))| {
            let decided = known_condition(k.condition.as_ref(), for_other, Some(channel));
            json!({
                "index": index,
                "kind": k.kind.as_str(),
                "name": k.document,
                "originals": r.originals,
                "copies": r.copies,
                "required": k.kind == RequirementKind::Required || decided == Some(true),
                "question": (k.kind == RequirementKind::Conditional && decided.is_none())
                    .then(|| k.condition.as_ref().map(|q| q.question.clone()))
                    .flatten(),
            })
        })
        .filter(|r| r["kind"] != "note" || r["name"].as_str().is_some_and(|n| !n.trim().is_empty()))
        .collect()
}

/// The fees the catalog lists for a channel.
fn fees(p: &Procedure, channel: SubmissionChannel) -> Vec<Value> {
    p.methods
        .iter()
        .find(|m| m.channel == channel.catalog_channel())
        .map(|m| {
            m.fees
                .iter()
                .map(|f| {
                    json!({
                        "text": f.text,
                        "amount": f.amount_vnd.map(present::money_vi),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Everything the form page needs, whether it is shown fresh or again with problems.
struct FormPage<'a> {
    state: &'a AppState,
    principal: &'a Principal,
    code: ProcedureCode,
    agency: String,
    case: usize,
    values: HashMap<String, Value>,
    kept: HashMap<usize, Vec<Value>>,
    note: Option<String>,
}

impl FormPage<'_> {
    fn render(&self, problems: &Problems, status: StatusCode) -> Result<Response, PageError> {
        let catalog = self.state.catalog.get();
        let now = self.state.clock.now();
        let Some(stored) = catalog.procedure(&self.code) else {
            return Err(PageError(crate::error::ApiError::not_found(
                "Không có thủ tục này.",
            )));
        };
        let p = &stored.procedure;
        let agencies: Vec<Value> = self
            .state
            .dossiers
            .receivable(&self.principal.actor, now, &self.code)
            .iter()
            .map(|id| {
                json!({
                    "id": id,
                    "name": catalog.agency(id).map_or(id.as_str(), |a| a.name.as_str()),
                    "selected": *id == self.agency,
                })
            })
            .collect();
        let cases: Vec<Value> = p
            .cases
            .iter()
            .enumerate()
            .filter(|(_, c)| !present::is_notes_group(&c.name))
            .map(|(i, c)| json!({ "index": i, "name": c.name, "selected": i == self.case }))
            .collect();
        let channel = match self.values.get("kenh").and_then(Value::as_str) {
            Some("buu-chinh") => SubmissionChannel::Postal,
            _ => SubmissionChannel::Desk,
        };
        let for_other = self
            .values
            .get("rep_name")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty());
        let mut rows = rows(p, self.case, channel, for_other);
        for r in &mut rows {
            let kept = r["index"]
                .as_u64()
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| self.kept.get(&i));
            r["kept"] = json!(kept.cloned().unwrap_or_default());
        }
        let mut ctx = json!({
            "code": self.code.as_str(),
            "name": p.name,
            "field": p.field,
            "action": form_path(self.code.as_str()),
            "agencies": agencies,
            "agency": self.agency,
            "cases": cases,
            "case": self.case,
            "rows": rows,
            "fees": fees(p, channel),
            "values": self.values,
            "note": self.note,
            "key": uuid::Uuid::now_v7().to_string(),
        });
        if let (Value::Object(m), Value::Object(e)) = (&mut ctx, problems.context()) {
            m.extend(e);
        }
        let html = render(self.state, "mot-cua/reception.html", "Tiếp nhận hồ sơ", ctx)?;
        Ok((status, Html(html)).into_response())
    }
}

/// The competent agency asked for, or the first the official receives the procedure for.
fn chosen_agency(asked: Option<&str>, receivable: &[String]) -> Option<String> {
    asked
        .and_then(|a| receivable.iter().find(|r| *r == a))
        .or_else(|| receivable.first())
        .cloned()
}

/// The case asked for when it lists documents, or the first that does.
fn chosen_case(p: &Procedure, asked: Option<&str>) -> usize {
    let document_cases: Vec<usize> = p
        .cases
        .iter()
        .enumerate()
        .filter(|(_, c)| !present::is_notes_group(&c.name))
        .map(|(i, _)| i)
        .collect();
    asked
        .and_then(|s| s.parse::<usize>().ok())
        .filter(|i| document_cases.contains(i))
        .or_else(|| document_cases.first().copied())
        .unwrap_or(0)
}

/// Loads the procedure and checks the official receives it somewhere; the answer for anyone
/// else is the same "not found" as for an unknown code.
fn receivable_procedure(
    state: &AppState,
    principal: &Principal,
    code: &str,
) -> Result<(ProcedureCode, Vec<String>, Arc<StoredProcedure>), PageError> {
    let not_found = || {
        PageError(crate::error::ApiError::not_found(
            "Không có thủ tục này trong các thủ tục anh/chị tiếp nhận.",
        ))
    };
    let code = ProcedureCode::parse(code).map_err(|_| not_found())?;
    let receivable = state
        .dossiers
        .receivable(&principal.actor, state.clock.now(), &code);
    let stored = state.catalog.get().procedure(&code).cloned();
    match stored {
        Some(stored) if !receivable.is_empty() => Ok((code, receivable, stored)),
        _ => Err(not_found()),
    }
}

/// `GET /mot-cua/tiep-nhan/{procedure}`
pub async fn form(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    Query(params): Query<FormParams>,
) -> Result<Response, PageError> {
    let (code, receivable, stored) = receivable_procedure(&state, &principal, &code)?;
    let agency = chosen_agency(params.co_quan.as_deref(), &receivable).unwrap_or_default();
    let case = chosen_case(&stored.procedure, params.truong_hop.as_deref());
    let mut values: HashMap<String, Value> = HashMap::new();
    let mut note = None;
    let wanted = clean_line(params.tim.as_deref().unwrap_or_default());
    if !wanted.is_empty() {
        let now = state.clock.now();
        match state
            .dossiers
            .earlier_applicant(&principal.actor, now, &wanted)
            .await?
        {
            Some(e) => {
                let a = e.applicant;
                let organisation = a.kind == motcua_core::dossier::ApplicantKind::Organisation;
                values.insert(
                    "kind".into(),
                    json!(if organisation { "to-chuc" } else { "ca-nhan" }),
                );
                values.insert("name".into(), json!(a.name));
                values.insert("citizen_id".into(), json!(a.citizen_id));
                values.insert("tax_code".into(), json!(a.tax_code));
                values.insert(
                    "phone".into(),
                    json!(a.phone.as_deref().map(present::local_phone)),
                );
                values.insert("email".into(), json!(a.email));
                values.insert("address".into(), json!(a.address));
                note = Some(format!(
                    "Đã điền thông tin người nộp theo hồ sơ {} ({}). Hãy hỏi lại người nộp xem có gì thay đổi.",
                    e.code,
                    super::when(e.submitted_at)
                ));
            }
            None => {
                values.insert("citizen_id".into(), json!(wanted));
                note = Some(format!(
                    "Chưa có hồ sơ nào của số {wanted} mà anh/chị được xem; hãy nhập thông tin người nộp."
                ));
            }
        }
        values.insert("tim".into(), json!(wanted));
    }
    let page = FormPage {
        state: &state,
        principal: &principal,
        code,
        agency,
        case,
        values,
        kept: HashMap::new(),
        note,
    };
    page.render(&Problems::default(), StatusCode::OK)
}

/// A count typed in a checklist row: empty is the catalog's number.
fn count(form: &FormData, key: &str, default: u32, problems: &mut Problems) -> u32 {
    let raw = form.text(key);
    if raw.is_empty() {
        return default;
    }
    match raw.parse::<u32>() {
        Ok(n) if n <= PaperReceived::MAX => n,
        _ => {
            problems.add(
                key,
                format!("Số bản là một số từ 0 đến {}", PaperReceived::MAX),
            );
            default
        }
    }
}

/// The form field a service error names.
fn form_field(service_field: &str) -> String {
    let f = service_field.trim_start_matches("applicant.");
    if let Some(rest) = f.strip_prefix("representative.") {
        return format!("rep_{rest}");
    }
    if let Some(rest) = f.strip_prefix("components[") {
        let row = rest.split(']').next().unwrap_or_default();
        return format!("nhan-{row}");
    }
    match f {
        "return_address" => "dia_chi_nhan".to_owned(),
        "decision.items" => "thieu".to_owned(),
        "decision.reason" | "decision" => "ly_do".to_owned(),
        "case" => "truong_hop".to_owned(),
        "agency" => "co_quan".to_owned(),
        other => other.to_owned(),
    }
}

/// `POST /mot-cua/tiep-nhan/{procedure}` (multipart: the scans come with the form)
pub async fn enter(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    req: Request,
) -> Result<Response, PageError> {
    let (code, receivable, stored) = receivable_procedure(&state, &principal, &code)?;
    let upload = FilesForm::read(req).await?;
    let f = &upload.fields;
    let p = &stored.procedure;
    let mut problems = Problems::default();
    let agency = match chosen_agency(Some(&f.text("co_quan")), &receivable) {
        Some(a) if a == f.text("co_quan") || receivable.len() == 1 => a,
        _ => {
            problems.add("co_quan", "Hãy chọn cơ quan giải quyết trong danh sách");
            receivable.first().cloned().unwrap_or_default()
        }
    };
    let case = chosen_case(p, Some(&f.text("truong_hop")));
    let channel = match f.text("kenh").as_str() {
        "buu-chinh" => SubmissionChannel::Postal,
        _ => SubmissionChannel::Desk,
    };
    // The scans go first: each is stored (its bytes checked) and kept for a second try.
    let stored_files = store_files(&state, &principal.actor, &upload.files, &mut problems).await?;
    let mut files: HashMap<usize, Vec<String>> = HashMap::new();
    for (i, ids) in f.pairs().filter_map(|(k, v)| {
        k.strip_prefix("giu-")
            .and_then(|i| i.parse::<usize>().ok())
            .map(|i| (i, v.to_owned()))
    }) {
        files.entry(i).or_default().push(ids);
    }
    for (i, id) in stored_files {
        files.entry(i).or_default().push(id);
    }
    let rows = rows(p, case, channel, !f.text("rep_name").is_empty());
    let mut components = Vec::new();
    let mut answers = Vec::new();
    let mut missing = Vec::new();
    let reason = f.text("huong_dan");
    for r in &rows {
        let Some(i) = r["index"].as_u64().and_then(|i| usize::try_from(i).ok()) else {
            continue;
        };
        if r["kind"] == "note" {
            continue;
        }
        let name = r["name"].as_str().unwrap_or_default();
        let paper = (f.text(&format!("nhan-{i}")) == "1").then(|| PaperReceived {
            originals: count(
                f,
                &format!("ban_chinh-{i}"),
                r["originals"].as_u64().map_or(0, |n| n as u32),
                &mut problems,
            ),
            copies: count(
                f,
                &format!("ban_sao-{i}"),
                r["copies"].as_u64().map_or(0, |n| n as u32),
                &mut problems,
            ),
        });
        let ids = files.get(&i).cloned().unwrap_or_default();
        if paper.is_some() || !ids.is_empty() {
            components.push(ComponentInput {
                index: i,
                files: ids,
                held_document: None,
                paper,
            });
        }
        match f.text(&format!("ap_dung-{i}")).as_str() {
            "co" => answers.push(ConditionAnswer {
                index: i,
                applies: true,
            }),
            "khong" => answers.push(ConditionAnswer {
                index: i,
                applies: false,
            }),
            _ => {}
        }
        if f.text(&format!("thieu-{i}")) == "1" {
            missing.push(SupplementItem {
                component: name.to_owned(),
                reason: reason.clone(),
            });
        }
    }
    let other = f.text("thieu_khac");
    if !other.is_empty() {
        missing.push(SupplementItem {
            component: other,
            reason: reason.clone(),
        });
    }
    let decision = match f.text("quyet_dinh").as_str() {
        "bo-sung" => {
            if missing.is_empty() {
                problems.add(
                    "thieu",
                    "Đánh dấu mọi giấy tờ còn thiếu (hoặc ghi giấy tờ khác) — tất cả trong một lần",
                );
            }
            DeskDecision::Supplement { items: missing }
        }
        "tu-choi" => DeskDecision::Refuse {
            reason: f.text("ly_do"),
        },
        _ => DeskDecision::Receive,
    };
    let return_method = match f.text("tra_kq").as_str() {
        "buu-chinh" => ReturnMethod::Post,
        "truc-tuyen" => ReturnMethod::Online,
        _ => ReturnMethod::Desk,
    };
    let representative = (!f.text("rep_name").is_empty()).then(|| Representative {
        name: f.text("rep_name"),
        citizen_id: f.text("rep_citizen_id"),
        authorisation: f.text("rep_authorisation"),
    });
    let request = SubmitRequest {
        procedure: code.as_str().to_owned(),
        agency: agency.clone(),
        case,
        channel: Some(channel),
        applicant: applicant_from_form(f),
        representative,
        components,
        answers,
        return_method: Some(return_method),
        return_address: Some(f.text("dia_chi_nhan")).filter(|s| !s.is_empty()),
        decision: Some(decision),
    };
    let outcome = if problems.is_empty() {
        let key = IdempotencyKey {
            owner: principal.actor.user_id().unwrap_or_default().to_owned(),
            key: format!("tiep-nhan:{}", f.text("khoa")),
            request_hash: f.text("khoa"),
        };
        let key = (!f.text("khoa").is_empty()).then_some(key);
        match state
            .dossiers
            .submit(&principal.actor, state.clock.now(), request, key)
            .await
        {
            Ok(Created::New(d)) => return Ok(done(d.code.as_str(), d.status)),
            // The same form sent twice (a double press): the dossier made the first time.
            Ok(Created::Replayed { code, .. }) => {
                return Ok(
                    Redirect::to(&format!("{}#thong-bao", dossier_path(code.as_str())))
                        .into_response(),
                );
            }
            Err(e @ ServiceError::Invalid(_)) => Problems::from_service(e, form_field)?,
            Err(other) => return Err(other.into()),
        }
    } else {
        Problems::default()
    };
    problems.extend(outcome);
    let ids: Vec<String> = files.values().flatten().cloned().collect();
    let known: HashMap<String, String> = state
        .dossiers
        .own_uploads(&principal.actor, &ids)
        .await?
        .into_iter()
        .map(|f| (f.id, f.name))
        .collect();
    let kept = files
        .into_iter()
        .map(|(i, ids)| {
            let list = ids
                .iter()
                .filter_map(|id| known.get(id).map(|name| json!({ "id": id, "name": name })))
                .collect();
            (i, list)
        })
        .collect();
    let values: HashMap<String, Value> = f
        .pairs()
        .filter(|(k, _)| !k.starts_with("giu-") && *k != "csrf" && *k != "khoa")
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    let page = FormPage {
        state: &state,
        principal: &principal,
        code,
        agency,
        case,
        values,
        kept,
        note: None,
    };
    page.render(&problems, StatusCode::UNPROCESSABLE_ENTITY)
}

/// Where the desk goes once the dossier is entered: its screen, with the form to print.
fn done(code: &str, status: motcua_core::dossier::Status) -> Response {
    use motcua_core::dossier::Status;
    let what = match status {
        Status::AwaitingSupplement => "bo-sung",
        Status::Refused => "tu-choi",
        _ => "tiep-nhan",
    };
    Redirect::to(&format!("{}?nhap={what}#thong-bao", dossier_path(code))).into_response()
}
