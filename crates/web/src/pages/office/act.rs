//! `POST /mot-cua/ho-so/{code}/thao-tac/{action}`: one action from the dossier screen, through
//! the same `DossierService::act` the API calls. The form becomes an [`ActionRequest`]; the
//! service decides everything else. Success redirects back to the dossier with a banner; a
//! refusal re-renders the screen with what went wrong, GOV.UK style, and what was typed.

use std::collections::HashMap;

use axum::{
    extract::{Path, Request, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use jiff::{
    Timestamp,
    civil::{Date, DateTime},
    tz,
};
use motcua_core::dossier::{ActionKind, ReturnMethod, SupplementItem};
use motcua_forms::FormKind;
use motcua_service::{
    ServiceError,
    dossier::{ActionRequest, ComponentInput},
};

use super::{
    FORM_FIELDS, dossier_path,
    screen::{Feedback, page},
};
use crate::{
    api::forms::pdf_response,
    auth::Principal,
    error::ApiError,
    pages::{
        PageError,
        form::FormData,
        problems::Problems,
        upload::{FilesForm, store_files},
    },
    state::AppState,
};

/// Reads a form into the service's request; fields that do not parse are reported as the
/// service reports its own (field, message), so the page shows both kinds alike.
fn request(form: &FormData, kind: ActionKind) -> (ActionRequest, Vec<(String, String)>) {
    let mut errors = Vec::new();
    let text = |k: &str| Some(form.text(k)).filter(|s| !s.is_empty());
    let to_step = (kind == ActionKind::SendBack)
        .then(|| choice(form, "to_step", "bước cần trả lại", &mut errors))
        .flatten();
    let consultation = (kind == ActionKind::Reply)
        .then(|| {
            choice(
                form,
                "consultation",
                "yêu cầu xin ý kiến cần trả lời",
                &mut errors,
            )
        })
        .flatten();
    let days = optional(
        form,
        "days",
        |s| s.replace(',', ".").parse::<f64>().ok(),
        "Số ngày làm việc phải là một số, ví dụ 3.",
        &mut errors,
    );
    let signed_on = optional(
        form,
        "signed_on",
        |s| s.parse::<Date>().ok(),
        "Ngày ký phải là một ngày hợp lệ.",
        &mut errors,
    );
    let new_due = optional(
        form,
        "new_due",
        local_instant,
        "Ngày hẹn mới phải có ngày và giờ hợp lệ.",
        &mut errors,
    );
    let items = (kind == ActionKind::RequestSupplement).then(|| {
        let reason = form.text("reason");
        form.all("items")
            .iter()
            .map(|c| c.trim().to_owned())
            .chain(text("other"))
            .filter(|c| !c.is_empty())
            .map(|component| SupplementItem {
                component,
                reason: reason.clone(),
            })
            .collect::<Vec<_>>()
    });
    if items.as_ref().is_some_and(Vec::is_empty) {
        errors.push((
            "items".to_owned(),
            "Đánh dấu mọi thành phần cần bổ sung (hoặc ghi thành phần khác) — tất cả trong một lần.".to_owned(),
        ));
    }
    let req = ActionRequest {
        revision: form.text("revision").parse().ok(),
        reason: text("reason"),
        note: text("note"),
        items,
        assignee: text("assignee"),
        to_step,
        agency: text("agency"),
        question: text("question"),
        days,
        consultation,
        answer: text("answer"),
        number: text("number"),
        signer: text("signer"),
        method: match form.text("method").as_str() {
            "tai-quay" => Some(ReturnMethod::Desk),
            "buu-chinh" => Some(ReturnMethod::Post),
            "truc-tuyen" => Some(ReturnMethod::Online),
            _ => None,
        },
        recipient: text("recipient"),
        signed_on,
        new_due,
        text: text("text"),
        public: (kind == ActionKind::Comment).then(|| form.text("public") == "1"),
        ..ActionRequest::default()
    };
    (req, errors)
}

/// An optional field that must parse when given; reported when it does not.
fn optional<T>(
    form: &FormData,
    key: &str,
    parse: impl Fn(&str) -> Option<T>,
    message: &str,
    errors: &mut Vec<(String, String)>,
) -> Option<T> {
    let raw = form.text(key);
    if raw.is_empty() {
        return None;
    }
    let v = parse(&raw);
    if v.is_none() {
        errors.push((key.to_owned(), message.to_owned()));
    }
    v
}

/// A choice from a list (a step, a consultation), reported when missing.
fn choice<T: std::str::FromStr>(
    form: &FormData,
    key: &str,
    what: &str,
    errors: &mut Vec<(String, String)>,
) -> Option<T> {
    let v = form.text(key).parse().ok();
    if v.is_none() {
        errors.push((key.to_owned(), format!("Hãy chọn {what}.")));
    }
    v
}

/// A `datetime-local` value (`2026-12-01T09:00`) read as Vietnam time.
fn local_instant(s: &str) -> Option<Timestamp> {
    let dt: DateTime = s.parse().ok()?;
    dt.to_zoned(tz::TimeZone::fixed(tz::offset(7)))
        .ok()
        .map(|z| z.timestamp())
}

/// The form field a service error names (`items[0].reason` is about the items).
fn form_field(service_field: &str) -> String {
    service_field
        .split(['[', '.'])
        .next()
        .unwrap_or(service_field)
        .to_owned()
}

/// `POST /mot-cua/ho-so/{code}/thao-tac/{action}`
pub async fn act(
    State(state): State<AppState>,
    principal: Principal,
    Path((code, action)): Path<(String, String)>,
    body: Request,
) -> Result<Response, PageError> {
    let upload = FilesForm::read(body).await?;
    let form = &upload.fields;
    let Some(kind) = ActionKind::parse(&action)
        .filter(|k| !matches!(k, ActionKind::SubmitSupplement | ActionKind::Rate))
    else {
        return Err(PageError(ApiError::not_found("Không có thao tác này.")));
    };
    let values: HashMap<String, String> = FORM_FIELDS
        .iter()
        .map(|&k| {
            let v = if k == "items" {
                form.all(k).join("\n")
            } else {
                form.text(k)
            };
            (k.to_owned(), v)
        })
        .collect();
    let failed = |fields, message, stale| Feedback {
        failed: Some(kind),
        fields,
        message,
        values: values.clone(),
        stale,
        ..Feedback::default()
    };
    let (mut req, mut errors) = request(form, kind);
    // The files that came with the form (the electronic result, scans of a paper supplement)
    // are stored first, each checked by the service; a refused one is said at its field.
    if !upload.files.is_empty() {
        let mut problems = Problems::default();
        let stored = store_files(&state, &principal.actor, &upload.files, &mut problems).await?;
        errors.extend(problems.into_pairs());
        match kind {
            ActionKind::IssueResult => req.file = stored.into_iter().map(|(_, id)| id).next(),
            ActionKind::SupplementReceived => {
                let mut by_component: Vec<ComponentInput> = Vec::new();
                for (index, id) in stored {
                    match by_component.iter_mut().find(|c| c.index == index) {
                        Some(c) => c.files.push(id),
                        None => by_component.push(ComponentInput {
                            index,
                            files: vec![id],
                            held_document: None,
                            paper: None,
                        }),
                    }
                }
                req.components = Some(by_component);
            }
            _ => {}
        }
    }
    if !errors.is_empty() {
        let fb = failed(errors, None, false);
        return page(
            &state,
            &principal,
            &code,
            StatusCode::UNPROCESSABLE_ENTITY,
            &fb,
        )
        .await;
    }
    let sent_revision = req.revision;
    let now = state.clock.now();
    // "Xem trước Mẫu 02": the form the desk is about to hand over, from the same checks,
    // nothing saved.
    let preview = kind == ActionKind::RequestSupplement && form.text("xem_truoc") == "1";
    let outcome = if preview {
        state
            .dossiers
            .preview(&principal.actor, now, &code, kind.as_str(), req)
            .await
    } else {
        state
            .dossiers
            .act(&principal.actor, now, &code, kind.as_str(), req)
            .await
    };
    match outcome {
        Ok(d) if preview => {
            let history = state.dossiers.history(&principal.actor, &d).await?;
            Ok(pdf_response(&state, &d, &history, FormKind::Supplement02).await?)
        }
        Ok(d) => Ok(Redirect::to(&format!(
            "{}?xong={}#thong-bao",
            dossier_path(d.code.as_str()),
            kind.as_str()
        ))
        .into_response()),
        Err(ServiceError::Invalid(errs)) => {
            let fields = errs
                .into_iter()
                .map(|e| (form_field(&e.field), e.message))
                .collect();
            let fb = failed(fields, None, false);
            page(
                &state,
                &principal,
                &code,
                StatusCode::UNPROCESSABLE_ENTITY,
                &fb,
            )
            .await
        }
        Err(e @ (ServiceError::Conflict(_) | ServiceError::IllegalTransition { .. })) => {
            // Someone acted first when the dossier moved past the revision this screen showed.
            let current = state
                .dossiers
                .load_visible(&principal.actor, now, &code)
                .await?
                .revision;
            let stale = sent_revision.is_some_and(|r| r != current);
            let message = if stale {
                "Người khác đã thao tác trên hồ sơ này trước bạn. Dưới đây là hồ sơ như hiện \
                 tại: hãy xem lại, rồi thực hiện lại nếu vẫn cần."
                    .to_owned()
            } else {
                ApiError::from(e).public_message()
            };
            let fb = Feedback {
                // A stale form is not reopened: its fields were for another state.
                failed: (!stale).then_some(kind),
                ..failed(Vec::new(), Some(message), stale)
            };
            page(&state, &principal, &code, StatusCode::CONFLICT, &fb).await
        }
        Err(ServiceError::Forbidden(message)) => {
            let fb = failed(Vec::new(), Some(message), false);
            page(&state, &principal, &code, StatusCode::FORBIDDEN, &fb).await
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_become_requests() {
        let f = FormData::parse(
            "revision=3&items=T%E1%BB%9D+khai&items=CCCD&reason=Thi%E1%BA%BFu+ch%E1%BB%AF+k%C3%BD&other="
                .as_bytes(),
        );
        let (r, errors) = request(&f, ActionKind::RequestSupplement);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(r.revision, Some(3));
        let items = r.items.unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].component, "Tờ khai");
        assert_eq!(items[1].reason, "Thiếu chữ ký");

        let f = FormData::parse(b"days=abc&new_due=2026-12-01T09:30");
        let (r, errors) = request(&f, ActionKind::Consult);
        assert_eq!(errors[0].0, "days");
        assert_eq!(
            r.new_due,
            Some("2026-12-01T09:30:00+07:00".parse().unwrap())
        );
        let (_, errors) = request(&FormData::parse(b""), ActionKind::RequestSupplement);
        assert_eq!(errors[0].0, "items");
        let (r, _) = request(&FormData::parse(b"text=x&public=1"), ActionKind::Comment);
        assert_eq!(r.public, Some(true));
        let (r, _) = request(&FormData::parse(b"text=x"), ActionKind::Comment);
        assert_eq!(r.public, Some(false), "internal by default");
        assert_eq!(form_field("items[0].reason"), "items");
    }
}
