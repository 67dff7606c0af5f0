//! `/mot-cua/lich`: next year's working calendar (or one agency's own days), for those who hold
//! `calendar.edit`. The file is checked and its difference against the stored calendar shown
//! day by day before anything is saved; saving is a second, confirmed step. Both steps are the
//! service's [`motcua_service::calendar::admin`] functions that `motcua calendar import` calls.

use axum::{
    extract::{Request, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use motcua_core::calendar::CalendarEntry;
use motcua_service::calendar::{
    admin::{ImportOutcome, ImportRequest, import_calendar, preview_calendar_import},
    query,
};
use motcua_store::ChangeMeta;
use serde_json::{Value, json};

use crate::{
    auth::Principal,
    pages::{
        PageError, agencies::agency_options, form::FormData, login::render, problems::Problems,
        upload::FilesForm,
    },
    state::AppState,
};

/// The largest calendar file read (a year is a few dozen lines).
const MAX_FILE: usize = 256 * 1024;

/// What the form holds, kept between its steps.
#[derive(Debug, Default)]
struct Choice {
    /// Empty: the national calendar; else an agency id.
    agency: String,
    /// The years to replace as typed ("2027" or "2027, 2028"); empty: those in the file.
    years: String,
    /// The notice that decided the change.
    note: String,
    /// The file's text (carried to the confirmation step).
    text: String,
}

impl Choice {
    fn from_form(f: &FormData) -> Self {
        Self {
            agency: f.text("co_quan"),
            years: f.text("nam"),
            note: f.text("can_cu"),
            // A browser sends a textarea's line breaks as CR LF.
            text: f.raw("noi_dung").replace("\r\n", "\n"),
        }
    }

    /// The service's request for this choice and the `years` read from it.
    fn request<'a>(&'a self, years: Option<&'a [i32]>) -> ImportRequest<'a> {
        ImportRequest {
            text: &self.text,
            agency: Some(self.agency.as_str()).filter(|a| !a.is_empty()),
            years,
        }
    }

    /// The years typed, or a problem at their field.
    fn years(&self, problems: &mut Problems) -> Option<Vec<i32>> {
        if self.years.is_empty() {
            return None;
        }
        let parsed: Result<Vec<i32>, _> = self
            .years
            .split([',', ' ', ';'])
            .filter(|y| !y.is_empty())
            .map(query::parse_year)
            .collect();
        match parsed {
            Ok(y) => Some(y),
            Err(_) => {
                problems.add(
                    "nam",
                    "Ghi năm bằng 4 chữ số, cách nhau bởi dấu phẩy, ví dụ 2027",
                );
                None
            }
        }
    }
}

/// One changed day, before and after.
fn change_rows(outcome: &ImportOutcome) -> Vec<Value> {
    let describe = |e: &CalendarEntry| {
        format!(
            "{}: {} ({})",
            query::day_description(e),
            e.occasion,
            e.status.label_vi()
        )
    };
    outcome
        .diff
        .changes
        .iter()
        .map(|c| {
            json!({
                "sign": match (&c.before, &c.after) {
                    (None, Some(_)) => "added",
                    (Some(_), None) => "removed",
                    _ => "changed",
                },
                "date": query::date_vi(c.date),
                "before": c.before.as_ref().map(describe),
                "after": c.after.as_ref().map(describe),
            })
        })
        .collect()
}

fn page(
    state: &AppState,
    choice: &Choice,
    problems: &Problems,
    result: Option<(&ImportOutcome, bool)>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let catalog = state.catalog.get();
    let calendars = state.calendars.get();
    let today = motcua_core::identity::vietnam_date(state.clock.now());
    let stored: Vec<Value> = calendars
        .stored_years()
        .iter()
        .map(|y| json!({"year": y.year, "days": y.entries.len()}))
        .collect();
    let outcome = result.map(|(o, saved)| {
        json!({
            "saved": saved,
            "whose": o.agency.as_deref().map_or_else(|| "Lịch quốc gia".to_owned(), |a| catalog.agency_name(a)),
            "years": o.years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "),
            "newly_stored": o.newly_stored.iter().map(i32::to_string).collect::<Vec<_>>().join(", "),
            "empty": o.diff.is_empty(),
            "added": o.diff.added(),
            "removed": o.diff.removed(),
            "changed": o.diff.changed(),
            "rows": change_rows(o),
        })
    });
    let problem_context = problems.context();
    let ctx = json!({
        "stored": stored,
        "agencies": agency_options(&catalog, today, Some(choice.agency.as_str()), |_| true),
        "values": {"co_quan": choice.agency, "nam": choice.years, "can_cu": choice.note},
        "text": choice.text,
        "outcome": outcome,
        "next_year": today.year() + 1,
        "errors": problem_context["errors"],
        "error_list": problem_context["error_list"],
    });
    let html = render(state, "mot-cua/calendar_import.html", "Lịch làm việc", ctx)?;
    Ok((status, Html(html)).into_response())
}

/// `GET /mot-cua/lich`
pub async fn form(State(state): State<AppState>) -> Result<Response, PageError> {
    page(
        &state,
        &Choice::default(),
        &Problems::default(),
        None,
        StatusCode::OK,
    )
}

/// The service's refusal of a file, at the file's field.
fn refused(e: motcua_service::calendar::admin::CalendarWriteError) -> Result<Problems, PageError> {
    use motcua_service::calendar::admin::CalendarWriteError as E;
    let mut problems = Problems::default();
    match e {
        E::Invalid(m) => problems.add("tep", m),
        E::UnknownAgency(_) => problems.add("co_quan", "Chọn cơ quan trong danh sách"),
        E::Store(s) => return Err(s.into()),
    }
    Ok(problems)
}

/// `POST /mot-cua/lich` (multipart: the file comes with it): the difference, nothing saved.
pub async fn preview(State(state): State<AppState>, req: Request) -> Result<Response, PageError> {
    let upload = FilesForm::read(req).await?;
    let mut choice = Choice::from_form(&upload.fields);
    let mut problems = Problems::default();
    match upload.files.iter().find(|f| f.field == "tep") {
        None => problems.add("tep", "Chọn tệp lịch (CSV) cần nhập"),
        Some(f) if f.bytes.len() > MAX_FILE => {
            problems.add(
                "tep",
                "Tệp lịch lớn hơn 256 KB: một năm chỉ gồm vài chục dòng",
            );
        }
        Some(f) => match std::str::from_utf8(&f.bytes) {
            Ok(t) => choice.text = t.replace("\r\n", "\n"),
            Err(_) => problems.add(
                "tep",
                "Tệp không phải văn bản UTF-8; hãy lưu lại dạng CSV UTF-8",
            ),
        },
    }
    let years = choice.years(&mut problems);
    if !problems.is_empty() {
        return page(
            &state,
            &choice,
            &problems,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let request = choice.request(years.as_deref());
    let catalog = state.catalog.get();
    match preview_calendar_import(state.store.as_ref(), &*catalog, &request).await {
        Ok(outcome) => page(
            &state,
            &choice,
            &Problems::default(),
            Some((&outcome, false)),
            StatusCode::OK,
        ),
        Err(e) => page(
            &state,
            &choice,
            &refused(e)?,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// `POST /mot-cua/lich/luu`: saves the file previewed (its text comes back with the form).
pub async fn save(
    State(state): State<AppState>,
    principal: Principal,
    form: FormData,
) -> Result<Response, PageError> {
    let choice = Choice::from_form(&form);
    let mut problems = Problems::default();
    let years = choice.years(&mut problems);
    if choice.text.trim().is_empty() {
        problems.add("tep", "Chọn tệp lịch (CSV) cần nhập");
    }
    if !problems.is_empty() {
        return page(
            &state,
            &choice,
            &problems,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let request = choice.request(years.as_deref());
    let now = state.clock.now();
    let meta = ChangeMeta {
        by: principal.audit_id(),
        at: now,
        note: choice.note.clone(),
    };
    let catalog = state.catalog.get();
    match import_calendar(state.store.as_ref(), &*catalog, &request, &meta).await {
        Ok(outcome) => {
            // Saved either way; should this node fail to reload now, its refresher follows
            // the generation bump as the other nodes do.
            if !outcome.diff.is_empty()
                && let Err(e) = state.calendars.reload(state.store.as_ref()).await
            {
                tracing::warn!(error = %e, "reloading the calendar after an import");
            }
            page(
                &state,
                &Choice {
                    text: String::new(),
                    ..choice
                },
                &Problems::default(),
                Some((&outcome, true)),
                StatusCode::OK,
            )
        }
        Err(e) => page(
            &state,
            &choice,
            &refused(e)?,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}
