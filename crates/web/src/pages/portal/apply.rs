//! Submitting online: where to submit, then the draft's steps one page each (the case, the
//! applicant, acting for someone else, the documents, how the result comes back), the
//! check-your-answers page and the submission. Each step is saved to the draft before the next
//! page shows, so a closed tab, an expired session or another device loses nothing; the draft
//! becomes a dossier only through [`motcua_service::dossier::DossierService::submit_draft`].

use std::collections::HashMap;

use axum::{
    extract::{Path, RawQuery, Request, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use motcua_core::{
    catalog::{Channel, OnlineLevel, Procedure, ProcedureCode},
    dossier::{Applicant, ApplicantKind, FileRef, Representative, ReturnMethod},
    text::fold,
};
use motcua_service::dossier::{ComponentInput, ConditionAnswer, DraftData, DraftView};
use motcua_store::{Created, UserKind};
use serde_json::{Value, json};

use super::documents::{self, Row};
use crate::{
    auth::Principal,
    error::ApiError,
    pages::{
        PageError,
        form::FormData,
        login::render,
        problems::Problems,
        upload::{FilesForm, store_files},
    },
    present,
    state::AppState,
};

/// The steps of the form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Case,
    Applicant,
    Representative,
    Documents,
    Return,
    Check,
}

impl Step {
    const ALL: [Self; 6] = [
        Self::Case,
        Self::Applicant,
        Self::Representative,
        Self::Documents,
        Self::Return,
        Self::Check,
    ];

    fn slug(self) -> &'static str {
        match self {
            Self::Case => "truong-hop",
            Self::Applicant => "nguoi-nop",
            Self::Representative => "uy-quyen",
            Self::Documents => "giay-to",
            Self::Return => "nhan-ket-qua",
            Self::Check => "kiem-tra",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.slug() == s)
    }

    fn title(self) -> &'static str {
        match self {
            Self::Case => "Trường hợp của bạn",
            Self::Applicant => "Người nộp hồ sơ",
            Self::Representative => "Bạn nộp cho ai?",
            Self::Documents => "Thành phần hồ sơ",
            Self::Return => "Nhận kết quả",
            Self::Check => "Kiểm tra thông tin trước khi nộp",
        }
    }

    fn template(self) -> &'static str {
        match self {
            Self::Case => "portal/step_case.html",
            Self::Applicant => "portal/step_applicant.html",
            Self::Representative => "portal/step_representative.html",
            Self::Documents => "portal/step_documents.html",
            Self::Return => "portal/step_return.html",
            Self::Check => "portal/step_check.html",
        }
    }
}

/// The cases that list documents (a "Lưu ý" group is notes, not a case to choose).
fn document_cases(p: &Procedure) -> Vec<usize> {
    p.cases
        .iter()
        .enumerate()
        .filter(|(_, c)| !present::is_notes_group(&c.name))
        .map(|(i, _)| i)
        .collect()
}

/// The steps a procedure's form has: the case only when there is a choice, the documents only
/// when the catalog lists some.
fn steps(p: &Procedure) -> Vec<Step> {
    let cases = document_cases(p).len();
    Step::ALL
        .into_iter()
        .filter(|s| match s {
            Step::Case => cases > 1,
            Step::Documents => cases > 0,
            _ => true,
        })
        .collect()
}

fn not_found(message: &str) -> PageError {
    PageError(ApiError::not_found(message.to_owned()))
}

fn procedure_code(code: &str) -> Result<ProcedureCode, PageError> {
    ProcedureCode::parse(code).map_err(|_| not_found("Mã thủ tục không đúng dạng."))
}

/// Only applicants file online; an official signed in is told so instead of a half form.
fn applicant_only(p: &Principal) -> Result<(), PageError> {
    if p.user.kind == UserKind::Applicant {
        Ok(())
    } else {
        Err(PageError(ApiError::forbidden(
            "Nộp hồ sơ trực tuyến dành cho tài khoản công dân, tổ chức. Cán bộ tiếp nhận hồ sơ \
             tại quầy trong trang Một cửa."
                .to_owned(),
        )))
    }
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn draft_url(id: &str, step: Step) -> String {
    format!("/ho-so-dang-soan/{id}/{}", step.slug())
}

// ---------------------------------------------------------------------------------------
// Where to submit.

/// The agencies offering the procedure online now: `(id, name, address)`.
fn online_offers(state: &AppState, code: &ProcedureCode) -> Vec<(String, String, String)> {
    let catalog = state.catalog.get();
    catalog
        .offers(code)
        .iter()
        .filter(|(_, level)| *level != OnlineLevel::None)
        .filter_map(|(id, _)| catalog.agency(id))
        .filter(|a| a.valid_to.is_none())
        .map(|a| {
            (
                a.id.clone(),
                a.name.clone(),
                a.address.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// Agencies shown at once; a search narrows a longer list.
const AGENCIES_SHOWN: usize = 30;

async fn agency_page(
    state: &AppState,
    principal: &Principal,
    code: &ProcedureCode,
    q: &str,
    chosen: Option<String>,
    problems: &Problems,
) -> Result<Response, PageError> {
    let catalog = state.catalog.get();
    let stored = catalog
        .procedure(code)
        .ok_or_else(|| not_found("Không có thủ tục này."))?;
    let offers = online_offers(state, code);
    if offers.is_empty() {
        return Err(PageError(ApiError::not_found(
            "Thủ tục này chưa được cơ quan nào cung cấp trực tuyến; hãy nộp tại bộ phận một cửa."
                .to_owned(),
        )));
    }
    // Remember the last choice: the agency of the applicant's latest dossier, when it offers
    // this procedure too.
    let last = state
        .dossiers
        .owned(&principal.actor, 1)
        .await?
        .into_iter()
        .next()
        .map(|s| s.current_agency);
    let chosen = chosen.or(last);
    let words = fold(q);
    let matching: Vec<&(String, String, String)> = offers
        .iter()
        .filter(|(_, name, address)| {
            let hay = fold(&format!("{name} {address}"));
            words.split(' ').all(|w| hay.contains(w))
        })
        .collect();
    let mut shown: Vec<Value> = matching
        .iter()
        .take(AGENCIES_SHOWN)
        .map(|(id, name, address)| {
            json!({"id": id, "name": name, "address": address, "checked": chosen.as_deref() == Some(id.as_str())})
        })
        .collect();
    // The remembered agency stays on the list whatever the search.
    if let Some(c) = &chosen
        && !shown.iter().any(|v| v["id"] == c.as_str())
        && let Some((id, name, address)) = offers.iter().find(|(id, ..)| id == c)
    {
        shown.insert(
            0,
            json!({"id": id, "name": name, "address": address, "checked": true}),
        );
    }
    let mut ctx = json!({
        "procedure": {"code": code.as_str(), "name": stored.procedure.name},
        "q": q,
        "agencies": shown,
        "total": offers.len(),
        "matching": matching.len(),
        "more": matching.len().saturating_sub(AGENCIES_SHOWN),
    });
    merge(&mut ctx, problems.context());
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = render(state, "portal/agency.html", "Chọn nơi nộp hồ sơ", ctx)?;
    Ok((status, Html(html)).into_response())
}

/// `GET /nop-ho-so/{code}`: where to submit (`?q=` narrows the list by commune or ward name,
/// with or without diacritics).
pub async fn choose_agency(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    applicant_only(&principal)?;
    let code = procedure_code(&code)?;
    let q = FormData::parse(query.unwrap_or_default().as_bytes()).text("q");
    let q: String = q.chars().take(100).collect();
    agency_page(&state, &principal, &code, &q, None, &Problems::default()).await
}

/// `POST /nop-ho-so/{code}`: starts the draft at the chosen agency.
pub async fn start(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    applicant_only(&principal)?;
    let code = procedure_code(&code)?;
    let agency = form.text("agency");
    if !online_offers(&state, &code)
        .iter()
        .any(|(id, ..)| *id == agency)
    {
        let mut p = Problems::default();
        p.add("agency", "Hãy chọn nơi nộp hồ sơ trong danh sách");
        return agency_page(&state, &principal, &code, &form.text("q"), None, &p).await;
    }
    let catalog = state.catalog.get();
    let stored = catalog
        .procedure(&code)
        .ok_or_else(|| not_found("Không có thủ tục này."))?;
    let p = &stored.procedure;
    let cases = document_cases(p);
    let first = steps(p).first().copied().unwrap_or(Step::Applicant);
    let data = DraftData {
        agency: Some(agency),
        case: (cases.len() == 1).then(|| cases[0]),
        step: Some(first.slug().to_owned()),
        ..DraftData::default()
    };
    let view = state
        .dossiers
        .start_draft(&principal.actor, state.clock.now(), code.as_str(), data)
        .await?;
    Ok(see_other(&draft_url(&view.draft.id, first)))
}

// ---------------------------------------------------------------------------------------
// The steps.

/// A step's page: the draft, its procedure, where the step sits, what to show.
struct StepPage<'a> {
    state: &'a AppState,
    principal: &'a Principal,
    view: DraftView,
    step: Step,
    /// Came from the check page: saving returns there.
    from_check: bool,
}

impl StepPage<'_> {
    fn procedure(&self) -> Result<std::sync::Arc<motcua_service::catalog::Catalog>, PageError> {
        Ok(self.state.catalog.get())
    }

    fn next(&self, p: &Procedure) -> Step {
        if self.from_check {
            return Step::Check;
        }
        let all = steps(p);
        all.iter()
            .position(|s| *s == self.step)
            .and_then(|i| all.get(i + 1))
            .copied()
            .unwrap_or(Step::Check)
    }

    /// The files the applicant may attach (own uploads, results issued to them), by id.
    async fn my_files(&self) -> Result<Vec<motcua_service::dossier::MyDocument>, PageError> {
        Ok(self
            .state
            .dossiers
            .my_documents(&self.principal.actor)
            .await?)
    }

    async fn render(&self, problems: &Problems) -> Result<Response, PageError> {
        let catalog = self.procedure()?;
        let code = procedure_code(&self.view.draft.procedure_code)?;
        let stored = catalog
            .procedure(&code)
            .ok_or_else(|| not_found("Thủ tục của hồ sơ đang soạn không còn trong danh mục."))?;
        let p = &stored.procedure;
        let all = steps(p);
        let position = all.iter().position(|s| *s == self.step).unwrap_or(0);
        let back = match position.checked_sub(1).and_then(|i| all.get(i)) {
            _ if self.from_check => draft_url(&self.view.draft.id, Step::Check),
            Some(prev) => draft_url(&self.view.draft.id, *prev),
            None => format!("/nop-ho-so/{}", code.as_str()),
        };
        let data = &self.view.data;
        let mut ctx = json!({
            "procedure": {"code": code.as_str(), "name": p.name},
            "draft": {"id": self.view.draft.id, "revision": self.view.draft.revision},
            "step": {"slug": self.step.slug(), "title": self.step.title(), "number": position + 1, "count": all.len()},
            "back": back,
            "from_check": self.from_check,
            "action": format!("{}{}", draft_url(&self.view.draft.id, self.step), if self.from_check { "?tu=kiem-tra" } else { "" }),
        });
        let part = match self.step {
            Step::Case => json!({
                "cases": document_cases(p).into_iter().map(|i| json!({
                    "index": i,
                    "name": present::strip_bullet(&p.cases[i].name).trim_end_matches(':'),
                    "count": p.cases[i].components.len(),
                    "checked": data.case == Some(i),
                })).collect::<Vec<_>>(),
            }),
            Step::Applicant => applicant_values(data, &self.principal.user),
            Step::Representative => json!({
                "for_other": data.for_someone_else,
                "rep": data.representative,
            }),
            Step::Documents => {
                let mine = self.my_files().await?;
                let known: HashMap<String, FileRef> = mine
                    .iter()
                    .map(|m| (m.file.id.clone(), m.file.clone()))
                    .collect();
                let rows = case_rows(p, data, &known);
                let attached: Vec<&str> = rows
                    .iter()
                    .flat_map(|r| r.files.iter().map(|f| f.id.as_str()))
                    .collect();
                json!({
                    "rows": rows,
                    "case_name": data.case.and_then(|i| p.cases.get(i)).map(|c| present::strip_bullet(&c.name).trim_end_matches(':').to_owned()),
                    "reusable": mine.iter().filter(|m| !attached.contains(&m.file.id.as_str())).take(20).map(|m| json!({
                        "id": m.file.id, "name": m.file.name, "size": super::size_vi(m.file.size),
                        "result_of": m.result_of,
                    })).collect::<Vec<_>>(),
                    "max_mb": crate::MAX_FILE_BYTES / (1024 * 1024),
                })
            }
            Step::Return => json!({
                "method": data.return_method.map(return_slug),
                "address": data.return_address,
                "fees": online_fees(p),
            }),
            Step::Check => self.check_context(p, &catalog).await?,
        };
        merge(&mut ctx, part);
        merge(&mut ctx, problems.context());
        let status = if problems.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let html = render(self.state, self.step.template(), self.step.title(), ctx)?;
        Ok((status, Html(html)).into_response())
    }

    async fn check_context(
        &self,
        p: &Procedure,
        catalog: &motcua_service::catalog::Catalog,
    ) -> Result<Value, PageError> {
        let data = &self.view.data;
        let id = &self.view.draft.id;
        let mine = self.my_files().await?;
        let known: HashMap<String, FileRef> = mine
            .iter()
            .map(|m| (m.file.id.clone(), m.file.clone()))
            .collect();
        let agency = data
            .agency
            .as_deref()
            .and_then(|a| catalog.agency(a))
            .map(|a| a.name.clone());
        let rows: Vec<Row> = case_rows(p, data, &known)
            .into_iter()
            .filter(|r| r.kind != "note")
            .collect();
        let estimates: Vec<Value> = crate::pages::catalog::estimates_json(self.state, p)
            .into_iter()
            .filter(|e| {
                e["channels"]
                    .as_str()
                    .is_some_and(|c| c.contains("trực tuyến") || c.contains("Trực tuyến"))
            })
            .collect();
        Ok(json!({
            "agency": agency,
            "case_name": data.case.and_then(|i| p.cases.get(i)).map(|c| present::strip_bullet(&c.name).trim_end_matches(':').to_owned()),
            "has_case_step": steps(p).contains(&Step::Case),
            "has_documents": steps(p).contains(&Step::Documents),
            "applicant": data.applicant,
            "phone": data.applicant.as_ref().and_then(|a| a.phone.as_deref()).map(present::local_phone),
            "applicant_kind": data.applicant.as_ref().map(|a| if a.kind == ApplicantKind::Organisation { "Tổ chức" } else { "Cá nhân" }),
            "for_other": data.for_someone_else,
            "rep": data.representative,
            "rows": rows,
            "return_label": data.return_method.map(return_label),
            "address": data.return_address,
            "fees": online_fees(p),
            "estimates": estimates,
            "links": Step::ALL.iter().map(|s| (s.slug(), format!("{}?tu=kiem-tra", draft_url(id, *s)))).collect::<HashMap<_, _>>(),
            "submit_action": format!("/ho-so-dang-soan/{id}/nop"),
        }))
    }
}

fn merge(into: &mut Value, from: Value) {
    if let (Value::Object(a), Value::Object(b)) = (into, from) {
        a.extend(b);
    }
}

fn case_rows(p: &Procedure, data: &DraftData, known: &HashMap<String, FileRef>) -> Vec<Row> {
    data.case
        .and_then(|i| p.cases.get(i))
        .map(|c| documents::rows(c, data, known))
        .unwrap_or_default()
}

/// The applicant's fields as typed, or pre-filled from the account (and its e-ID claims).
fn applicant_values(data: &DraftData, user: &motcua_store::User) -> Value {
    match &data.applicant {
        Some(a) => json!({
            "kind": if a.kind == ApplicantKind::Organisation { "to-chuc" } else { "ca-nhan" },
            "name": a.name, "citizen_id": a.citizen_id, "tax_code": a.tax_code,
            "phone": a.phone.as_deref().map(present::local_phone), "email": a.email, "address": a.address,
        }),
        None => json!({
            "kind": "ca-nhan",
            "name": user.display_name, "citizen_id": user.citizen_id, "tax_code": null,
            "phone": user.phone.as_deref().map(present::local_phone), "email": user.email, "address": null,
        }),
    }
}

fn return_slug(m: ReturnMethod) -> &'static str {
    match m {
        ReturnMethod::Online => "truc-tuyen",
        ReturnMethod::Desk => "tai-quay",
        ReturnMethod::Post => "buu-chinh",
    }
}

fn return_label(m: ReturnMethod) -> &'static str {
    match m {
        ReturnMethod::Online => "Nhận kết quả điện tử trên Cổng",
        ReturnMethod::Desk => "Nhận tại bộ phận một cửa",
        ReturnMethod::Post => "Nhận qua dịch vụ bưu chính",
    }
}

/// The fees of submitting online, in plain words.
fn online_fees(p: &Procedure) -> Vec<String> {
    p.methods
        .iter()
        .find(|m| m.channel == Channel::Online)
        .map(|m| m.fees.iter().map(present::fee_text).collect())
        .unwrap_or_default()
}

async fn load_step<'a>(
    state: &'a AppState,
    principal: &'a Principal,
    id: &str,
    step: &str,
    query: Option<String>,
) -> Result<StepPage<'a>, PageError> {
    applicant_only(principal)?;
    let step = Step::parse(step).ok_or_else(|| not_found("Không có bước này."))?;
    let view = state.dossiers.draft(&principal.actor, id).await?;
    let from_check = FormData::parse(query.unwrap_or_default().as_bytes()).text("tu") == "kiem-tra";
    Ok(StepPage {
        state,
        principal,
        view,
        step,
        from_check,
    })
}

/// `GET /ho-so-dang-soan/{id}/{step}`
pub async fn step_page(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, step)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let page = load_step(&state, &principal, &id, &step, query).await?;
    page.render(&Problems::default()).await
}

/// `POST /ho-so-dang-soan/{id}/{step}`: saves the step and goes on; `nop` submits the draft,
/// `xoa` deletes it.
pub async fn step_submit(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, step)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    req: Request,
) -> Result<Response, PageError> {
    match step.as_str() {
        "nop" => return submit(&state, &principal, &id).await,
        "xoa" => {
            applicant_only(&principal)?;
            state.dossiers.delete_draft(&principal.actor, &id).await?;
            return Ok(see_other("/ho-so-cua-toi?da-xoa=1"));
        }
        _ => {}
    }
    let mut page = load_step(&state, &principal, &id, &step, query).await?;
    let form = FilesForm::read(req).await?;
    let revision: i64 = form.fields.text("revision").parse().unwrap_or(-1);
    let catalog = state.catalog.get();
    let code = procedure_code(&page.view.draft.procedure_code)?;
    let stored = catalog
        .procedure(&code)
        .ok_or_else(|| not_found("Thủ tục của hồ sơ đang soạn không còn trong danh mục."))?;
    let p = &stored.procedure;
    let mut data = page.view.data.clone();
    let mut problems = Problems::default();
    match page.step {
        Step::Case => read_case(p, &form.fields, &mut data, &mut problems),
        Step::Applicant => read_applicant(&form.fields, &mut data, &mut problems),
        Step::Representative => read_representative(&form.fields, &mut data, &mut problems),
        Step::Documents => {
            read_documents(&state, &principal, p, form, &mut data, &mut problems).await?;
        }
        Step::Return => read_return(&form.fields, &mut data, &mut problems),
        Step::Check => return Ok(see_other(&draft_url(&id, Step::Check))),
    }
    let next = page.next(p);
    if problems.is_empty() {
        data.step = Some(next.slug().to_owned());
    }
    // Saved even with problems: what was right (and every file uploaded) is kept.
    page.view = state
        .dossiers
        .save_draft(&principal.actor, state.clock.now(), &id, revision, &data)
        .await?;
    if problems.is_empty() {
        Ok(see_other(&draft_url(&id, next)))
    } else {
        page.render(&problems).await
    }
}

fn read_case(p: &Procedure, f: &FormData, data: &mut DraftData, problems: &mut Problems) {
    match f.text("case").parse::<usize>() {
        Ok(i) if document_cases(p).contains(&i) => {
            if data.case != Some(i) {
                // Another case lists other documents: answers and files of the old one go.
                data.answers.clear();
                data.components.clear();
            }
            data.case = Some(i);
        }
        _ => problems.add("case", "Hãy chọn trường hợp của bạn"),
    }
}

/// The applicant as the applicant fields of a form give it (`kind` is `ca-nhan` or
/// `to-chuc`; the portal's step and the desk's reception use the same names), unchecked.
pub(crate) fn applicant_from_form(f: &FormData) -> Applicant {
    let opt = |k: &str| Some(f.text(k)).filter(|v| !v.is_empty());
    let organisation = f.text("kind") == "to-chuc";
    Applicant {
        kind: if organisation {
            ApplicantKind::Organisation
        } else {
            ApplicantKind::Individual
        },
        name: f.text("name"),
        citizen_id: if organisation {
            None
        } else {
            opt("citizen_id")
        },
        tax_code: if organisation { opt("tax_code") } else { None },
        phone: opt("phone"),
        email: opt("email"),
        address: opt("address"),
    }
}

fn read_applicant(f: &FormData, data: &mut DraftData, problems: &mut Problems) {
    let applicant = applicant_from_form(f);
    // The same validation as the submission's (and the API's).
    match applicant.clone().normalized("applicant") {
        Ok(a) => data.applicant = Some(a),
        Err(e) => {
            problems.add(
                e.field.trim_start_matches("applicant.").to_owned(),
                sentence(&e.message),
            );
            data.applicant = Some(applicant);
        }
    }
}

fn read_representative(f: &FormData, data: &mut DraftData, problems: &mut Problems) {
    match f.text("for_other").as_str() {
        "khong" => {
            data.for_someone_else = Some(false);
            data.representative = None;
        }
        "co" => {
            data.for_someone_else = Some(true);
            let rep = Representative {
                name: f.text("rep_name"),
                citizen_id: f.text("rep_citizen_id"),
                authorisation: f.text("rep_authorisation"),
            };
            match rep.clone().normalized("representative") {
                Ok(r) => data.representative = Some(r),
                Err(e) => {
                    problems.add(
                        format!("rep_{}", e.field.trim_start_matches("representative.")),
                        sentence(&e.message),
                    );
                    data.representative = Some(rep);
                }
            }
        }
        _ => problems.add(
            "for_other-co",
            "Hãy cho biết bạn nộp cho mình hay thay người khác",
        ),
    }
}

fn read_return(f: &FormData, data: &mut DraftData, problems: &mut Problems) {
    let method = match f.text("method").as_str() {
        "truc-tuyen" => Some(ReturnMethod::Online),
        "tai-quay" => Some(ReturnMethod::Desk),
        "buu-chinh" => Some(ReturnMethod::Post),
        _ => None,
    };
    let Some(method) = method else {
        problems.add("method-truc-tuyen", "Hãy chọn cách nhận kết quả");
        return;
    };
    data.return_method = Some(method);
    if method == ReturnMethod::Post {
        let address = f.text("address");
        if address.chars().count() < 10 {
            problems.add(
                "address",
                "Hãy nhập địa chỉ nhận kết quả đầy đủ (số nhà, đường, xã/phường, tỉnh)",
            );
        }
        data.return_address = Some(address).filter(|a| !a.is_empty());
    } else {
        data.return_address = None;
    }
}

/// Reads the documents page: answers, files to drop, documents reused, and new uploads (each
/// stored through the service, which checks the bytes and the account's quota).
async fn read_documents(
    state: &AppState,
    principal: &Principal,
    p: &Procedure,
    form: FilesForm,
    data: &mut DraftData,
    problems: &mut Problems,
) -> Result<(), PageError> {
    let Some(case) = data.case.and_then(|i| p.cases.get(i)) else {
        problems.add("case", "Hãy chọn trường hợp trước");
        return Ok(());
    };
    let f = &form.fields;
    let rows = documents::rows(case, data, &HashMap::new());
    // Answers first: they decide what is needed.
    data.answers
        .retain(|a| rows.iter().any(|r| r.index == a.index));
    for r in rows.iter().filter(|r| r.question.is_some()) {
        let answer = match f.text(&format!("hoi-{}", r.index)).as_str() {
            "co" => Some(true),
            "khong" => Some(false),
            _ => None,
        };
        data.answers.retain(|a| a.index != r.index);
        if let Some(applies) = answer {
            data.answers.push(ConditionAnswer {
                index: r.index,
                applies,
            });
        }
    }
    let dropped = f.all("bo");
    let mut components: Vec<ComponentInput> = Vec::new();
    for r in rows.iter().filter(|r| r.kind != "note") {
        let mut files: Vec<String> = data
            .components
            .iter()
            .filter(|c| c.index == r.index)
            .flat_map(|c| c.files.iter().cloned())
            .filter(|id| !dropped.contains(id))
            .collect();
        for id in f.all(&format!("dung-{}", r.index)) {
            if !files.contains(id) {
                files.push(id.clone());
            }
        }
        components.push(ComponentInput {
            index: r.index,
            files,
            held_document: None,
            paper: None,
        });
    }
    // Files for a document that is not (or no longer) on the list are not stored.
    let files: Vec<_> = form
        .files
        .into_iter()
        .filter(|f| {
            f.field
                .strip_prefix("tep-")
                .and_then(|i| i.parse::<usize>().ok())
                .is_some_and(|i| components.iter().any(|c| c.index == i))
        })
        .collect();
    for (index, id) in store_files(state, &principal.actor, &files, problems).await? {
        if let Some(slot) = components.iter_mut().find(|c| c.index == index) {
            slot.files.push(id);
        }
    }
    components.retain(|c| !c.files.is_empty());
    data.components = components;
    // What is still needed, with the answers and files just given.
    for r in documents::rows(case, data, &HashMap::new()) {
        if r.question.is_some() && r.answer.is_none() {
            problems.add(
                format!("hoi-{}-co", r.index),
                format!("Hãy trả lời: {}", r.question.as_deref().unwrap_or_default()),
            );
        } else if documents::is_missing(&r) {
            problems.add(
                format!("tep-{}", r.index),
                format!("Hãy tải lên {}", lowercase_first(&r.name)),
            );
        }
    }
    Ok(())
}

/// Submits the draft; problems the service finds are shown on the check page, each linked to
/// the step that fixes it.
async fn submit(state: &AppState, principal: &Principal, id: &str) -> Result<Response, PageError> {
    applicant_only(principal)?;
    match state
        .dossiers
        .submit_draft(&principal.actor, state.clock.now(), id)
        .await
    {
        Ok(Created::New(d)) => Ok(see_other(&format!("/ho-so-cua-toi/{}/da-nop", d.code))),
        Ok(Created::Replayed { code, .. }) => {
            Ok(see_other(&format!("/ho-so-cua-toi/{code}/da-nop")))
        }
        Err(e) => {
            let problems = Problems::from_service(e, |field| {
                format!("{}?tu=kiem-tra", draft_url(id, step_of_field(field)))
            })?;
            let page = load_step(state, principal, id, Step::Check.slug(), None).await?;
            page.render(&problems).await
        }
    }
}

/// The step whose page fixes a field the submission refused.
fn step_of_field(field: &str) -> Step {
    let head = field.split(['.', '[']).next().unwrap_or(field);
    match head {
        "case" => Step::Case,
        "applicant" => Step::Applicant,
        "representative" => Step::Representative,
        "components" | "answers" => Step::Documents,
        "return_address" | "return_method" => Step::Return,
        _ => Step::Check,
    }
}

fn sentence(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_lowercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_parse_back_from_their_slugs() {
        for s in Step::ALL {
            assert_eq!(Step::parse(s.slug()), Some(s));
        }
        assert_eq!(Step::parse("nop"), None);
    }

    #[test]
    fn refused_fields_point_at_the_step_that_fixes_them() {
        assert_eq!(step_of_field("applicant.citizen_id"), Step::Applicant);
        assert_eq!(step_of_field("components[2]"), Step::Documents);
        assert_eq!(step_of_field("answers[0].index"), Step::Documents);
        assert_eq!(step_of_field("representative"), Step::Representative);
        assert_eq!(step_of_field("return_address"), Step::Return);
        assert_eq!(step_of_field("agency"), Step::Check);
    }

    #[test]
    fn phones_read_as_people_write_them() {
        assert_eq!(present::local_phone("+84912345678"), "0912345678");
        assert_eq!(present::local_phone("0912345678"), "0912345678");
    }
}
