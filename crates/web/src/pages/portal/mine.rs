//! "Hồ sơ của tôi": the account's drafts and dossiers, one dossier with what happened to it
//! (what the applicant may see: officials' internal comments stay internal), its deadline
//! with the days it skips, and the applicant's own actions — send the supplement asked for,
//! withdraw, rate the service once the result is returned — each the same service call as
//! `POST /api/v1/dossiers/{code}/actions/{action}`.

use std::collections::BTreeMap;

use axum::{
    extract::{Path, RawQuery, Request, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use motcua_core::dossier::{
    ActionKind, Dossier, Level, Rating, ReturnMethod, Status, rating::CRITERIA,
};
use motcua_service::{
    ServiceError,
    dossier::{ActionRequest, ComponentInput},
};
use serde_json::{Value, json};

use super::{size_vi, when_vi};
use crate::{
    auth::Principal,
    dossier::view,
    pages::{
        PageError,
        form::FormData,
        login::render,
        problems::Problems,
        upload::{FilesForm, store_files},
    },
    state::AppState,
};

/// Dossiers listed (newest first); an account with more finds older ones by code.
const LISTED: i64 = 200;

/// `GET /ho-so-cua-toi`
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let catalog = state.catalog.get();
    let drafts: Vec<Value> = state
        .dossiers
        .drafts(&principal.actor)
        .await?
        .into_iter()
        .map(|d| {
            let name = motcua_core::catalog::ProcedureCode::parse(&d.draft.procedure_code)
                .ok()
                .and_then(|c| catalog.procedure(&c).map(|p| p.procedure.name.clone()))
                .unwrap_or_else(|| d.draft.procedure_code.clone());
            let step = d
                .data
                .step
                .clone()
                .unwrap_or_else(|| "nguoi-nop".to_owned());
            json!({
                "id": d.draft.id,
                "procedure": name,
                "saved": when_vi(d.draft.updated_at),
                "expires": when_vi(d.draft.expires_at),
                "resume": format!("/ho-so-dang-soan/{}/{step}", d.draft.id),
            })
        })
        .collect();
    let dossiers: Vec<Value> = state
        .dossiers
        .owned(&principal.actor, LISTED)
        .await?
        .into_iter()
        .map(|s| {
            let item = view::item(s, &catalog, now);
            json!({
                "code": item.code,
                "procedure": item.procedure_name,
                "status": item.status.as_str(),
                "status_label": item.status_label,
                "submitted": when_vi(item.submitted_at),
                "due": item.due_at.map(when_vi),
                "overdue": item.overdue,
                "needs_me": item.status == Status::AwaitingSupplement,
            })
        })
        .collect();
    let deleted = FormData::parse(query.unwrap_or_default().as_bytes()).text("da-xoa") == "1";
    let html = render(
        &state,
        "portal/mine.html",
        "Hồ sơ của tôi",
        json!({"nav": "mine", "drafts": drafts, "dossiers": dossiers, "deleted": deleted}),
    )?;
    Ok(Html(html).into_response())
}

/// What the applicant reads about where the dossier is.
fn status_text(d: &Dossier) -> String {
    match d.status {
        Status::Submitted => match d.intake_due {
            Some(t) => format!(
                "Hồ sơ đã gửi. Bộ phận một cửa kiểm tra và tiếp nhận, hoặc hướng dẫn bạn bổ \
                 sung, trước {}.",
                when_vi(t)
            ),
            None => "Hồ sơ đã gửi và đang chờ bộ phận một cửa tiếp nhận.".to_owned(),
        },
        Status::Processing => "Hồ sơ đã được tiếp nhận và đang được giải quyết.".to_owned(),
        Status::AwaitingSupplement => {
            "Cơ quan cần bạn bổ sung hồ sơ. Thời hạn giải quyết tạm dừng cho đến khi bạn gửi \
             đủ phần bổ sung."
                .to_owned()
        }
        Status::Supplemented => {
            "Bạn đã gửi phần bổ sung; bộ phận một cửa đang kiểm tra.".to_owned()
        }
        Status::Refused => "Hồ sơ bị từ chối.".to_owned(),
        Status::Done => match d.return_place.method {
            ReturnMethod::Online => "Đã có kết quả. Bạn tải kết quả điện tử ở bên dưới.".to_owned(),
            ReturnMethod::Post => "Đã có kết quả; kết quả được gửi qua bưu chính.".to_owned(),
            ReturnMethod::Desk => {
                "Đã có kết quả. Mời bạn đến bộ phận một cửa nhận kết quả (mang theo giấy \
                 tiếp nhận hồ sơ)."
                    .to_owned()
            }
        },
        Status::Returned => "Đã trả kết quả.".to_owned(),
        Status::Withdrawn => "Hồ sơ đã được rút theo yêu cầu.".to_owned(),
        Status::Stopped => "Việc giải quyết hồ sơ đã dừng.".to_owned(),
    }
}

async fn dossier_page(
    state: &AppState,
    principal: &Principal,
    code: &str,
    done: Option<&str>,
    problems: &Problems,
    status: StatusCode,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let d = state
        .dossiers
        .load_visible(&principal.actor, now, code)
        .await?;
    let history = state.dossiers.history(&principal.actor, &d).await?;
    let actions = state.dossiers.actions_for(&principal.actor, now, &d);
    let calendar = state.dossiers.calendar_for(&d.competent_agency);
    let v = view::dossier_view(d, history, actions, &state.catalog.get(), &calendar, now);
    let d = &v.dossier;
    let code = d.code.to_string();
    let may = |k: ActionKind| v.actions.contains(&k);
    let open_request = d
        .supplements
        .last()
        .filter(|_| d.status == Status::AwaitingSupplement);
    let requested =
        |name: &str| open_request.is_some_and(|r| r.items.iter().any(|it| it.component == name));
    let rating = d.rating.as_ref().map(|r| &r.rating);
    let criteria: Vec<Value> = CRITERIA
        .iter()
        .map(|(key, label)| {
            let chosen = rating.and_then(|r| r.levels.get(*key)).copied();
            json!({
                "key": key,
                "label": label,
                "required": *key == "overall",
                "levels": Level::ALL.iter().map(|l| json!({
                    "value": l.as_str(), "label": l.label_vi(), "checked": chosen == Some(*l),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let legal = v.deadlines.legal.as_ref();
    let mut ctx = json!({
        "nav": "mine",
        "code": code,
        "revision": d.revision,
        "procedure": d.procedure_name,
        "case_name": d.case_name,
        "status": d.status.as_str(),
        "status_label": v.status_label,
        "status_text": status_text(d),
        "closing": d.closing_notice.as_ref().map(|n| json!({"reason": n.reason, "at": when_vi(n.at)})),
        "submitted": when_vi(d.submitted_at),
        "accepted": d.accepted_at.map(when_vi),
        "due": legal.map(|l| json!({
            "at": when_vi(l.at),
            "summary": l.summary,
            "skipped": l.skipped.iter().map(|s| json!({"date": s.date.strftime("%d/%m/%Y").to_string(), "label": s.label})).collect::<Vec<_>>(),
        })),
        "timeliness": v.deadlines.timeliness_label,
        "overdue": d.status.is_open() && legal.is_some_and(|l| l.at < now),
        "lookup_key": d.lookup_key,
        "receipt": d.accepted_at.map(|_| format!("/api/v1/dossiers/{code}/forms/01.pdf")),
        "applicant": d.applicant.name,
        // A document that did not apply and holds nothing is left out, unless it is asked for.
        "components": d.components.iter().enumerate().filter(|(_, c)| c.applies != Some(false) || !c.files.is_empty() || requested(&c.name)).map(|(i, c)| json!({
            "index": i,
            "name": crate::present::strip_bullet(&c.name),
            "requested": requested(&c.name),
            "files": c.files.iter().map(|f| json!({
                "name": f.name, "size": size_vi(f.size),
                "href": format!("/api/v1/dossiers/{code}/files/{}", f.id),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "request": open_request.map(|r| json!({
            "at": when_vi(r.at),
            "items": r.items.iter().map(|i| json!({"component": i.component, "reason": i.reason})).collect::<Vec<_>>(),
        })),
        "result": d.result.as_ref().map(|r| json!({
            "number": r.number,
            "signed_on": r.signed_on.strftime("%d/%m/%Y").to_string(),
            "file": r.file.as_ref().map(|f| json!({
                "name": f.name, "size": size_vi(f.size),
                "href": format!("/api/v1/dossiers/{code}/files/{}", f.id),
            })),
        })),
        "history": v.history.iter().rev().map(|h| json!({
            "at": when_vi(h.at),
            "summary": h.summary,
            "by": h.actor.as_ref().map(|p| p.name.clone()),
        })).collect::<Vec<_>>(),
        "may_supplement": may(ActionKind::SubmitSupplement),
        "may_withdraw": may(ActionKind::Withdraw),
        "may_rate": may(ActionKind::Rate),
        "rated": d.rating.as_ref().map(|r| when_vi(r.at)),
        "rating_comment": rating.and_then(|r| r.comment.clone()),
        "criteria": criteria,
        "done": done,
        "max_mb": crate::MAX_FILE_BYTES / (1024 * 1024),
    });
    if let (Value::Object(a), Value::Object(b)) = (&mut ctx, problems.context()) {
        a.extend(b);
    }
    let html = render(state, "portal/dossier.html", &format!("Hồ sơ {code}"), ctx)?;
    Ok((status, Html(html)).into_response())
}

/// `GET /ho-so-cua-toi/{code}` (`?xong=ACTION` after an action succeeded).
pub async fn dossier(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, PageError> {
    let done = FormData::parse(query.unwrap_or_default().as_bytes()).text("xong");
    let done = ActionKind::parse(&done).map(ActionKind::as_str);
    dossier_page(
        &state,
        &principal,
        &code,
        done,
        &Problems::default(),
        StatusCode::OK,
    )
    .await
}

/// `GET /ho-so-cua-toi/{code}/da-nop`: the confirmation after submitting.
pub async fn submitted(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let d = state
        .dossiers
        .load_visible(&principal.actor, now, &code)
        .await?;
    let catalog = state.catalog.get();
    let estimates: Vec<Value> = catalog
        .procedure(&d.procedure)
        .map(|p| crate::pages::catalog::estimates_json(&state, &p.procedure))
        .unwrap_or_default()
        .into_iter()
        .filter(|e| {
            e["channels"]
                .as_str()
                .is_some_and(|c| c.contains("Trực tuyến"))
        })
        .collect();
    let html = render(
        &state,
        "portal/submitted.html",
        "Đã nộp hồ sơ",
        json!({
            "nav": "mine",
            "code": d.code.to_string(),
            "lookup_key": d.lookup_key,
            "procedure": d.procedure_name,
            "intake_due": d.intake_due.map(when_vi),
            "email": d.applicant.email,
            "estimates": estimates,
        }),
    )?;
    Ok(Html(html).into_response())
}

/// The applicant's actions from this page.
const APPLICANT_ACTIONS: [ActionKind; 3] = [
    ActionKind::SubmitSupplement,
    ActionKind::Withdraw,
    ActionKind::Rate,
];

/// `POST /ho-so-cua-toi/{code}/thao-tac/{action}`
pub async fn act(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, action)): Path<(String, String)>,
    req: Request,
) -> Result<Response, PageError> {
    let Some(kind) = ActionKind::parse(&action).filter(|k| APPLICANT_ACTIONS.contains(k)) else {
        return Err(PageError(crate::error::ApiError::not_found(
            "Không có thao tác này.".to_owned(),
        )));
    };
    let form = FilesForm::read(req).await?;
    let f = &form.fields;
    let mut problems = Problems::default();
    let mut request = ActionRequest {
        revision: f.text("revision").parse().ok(),
        ..ActionRequest::default()
    };
    match kind {
        ActionKind::Withdraw => {
            let reason = f.text("reason");
            if reason.is_empty() {
                problems.add("reason", "Hãy cho biết lý do rút hồ sơ");
            }
            request.reason = Some(reason);
        }
        ActionKind::Rate => {
            let mut levels = BTreeMap::new();
            for (key, _) in CRITERIA {
                if let Some(l) = Level::parse(&f.text(&format!("muc-{key}"))) {
                    levels.insert((*key).to_owned(), l);
                }
            }
            if !levels.contains_key("overall") {
                problems.add(
                    "muc-overall-very_satisfied",
                    "Hãy chọn mức độ hài lòng chung",
                );
            }
            let comment = f.text("comment");
            request.rating = Some(Rating {
                levels,
                comment: Some(comment).filter(|c| !c.is_empty()),
            });
        }
        _ => {
            let note = f.text("note");
            request.note = Some(note).filter(|n| !n.is_empty());
            let mut components: BTreeMap<usize, Vec<String>> = BTreeMap::new();
            for (index, id) in
                store_files(&state, &principal.actor, &form.files, &mut problems).await?
            {
                components.entry(index).or_default().push(id);
            }
            if components.is_empty() && problems.is_empty() {
                problems.add("supplement", "Hãy chọn ít nhất một tệp bổ sung");
            }
            request.components = Some(
                components
                    .into_iter()
                    .map(|(index, files)| ComponentInput {
                        index,
                        files,
                        held_document: None,
                        paper: None,
                    })
                    .collect(),
            );
        }
    }
    if problems.is_empty() {
        match state
            .dossiers
            .act(
                &principal.actor,
                state.clock.now(),
                &code,
                kind.as_str(),
                request,
            )
            .await
        {
            Ok(d) => {
                return Ok(Redirect::to(&format!(
                    "/ho-so-cua-toi/{}?xong={}#ket-qua-thao-tac",
                    d.code,
                    kind.as_str()
                ))
                .into_response());
            }
            Err(ServiceError::Conflict(m)) => problems.add("conflict", m),
            Err(e) => problems.extend(Problems::from_service(e, |field| match field {
                "reason" => "reason".to_owned(),
                f if f.starts_with("rating") => "muc-overall-very_satisfied".to_owned(),
                _ => "supplement".to_owned(),
            })?),
        }
    }
    dossier_page(
        &state,
        &principal,
        &code,
        None,
        &problems,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
