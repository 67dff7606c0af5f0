//! An agency's office hours (`calendar.edit`): the hours in effect shown as a table, with where
//! they come from (the agency's own, a parent's, or the standard hours), and the agency's own
//! hours edited in the same JSON as `motcua calendar office-hours --file` reads, checked by the same
//! [`motcua_service::calendar::admin::parse_office_hours_json`] — seasonal periods and per-day
//! intervals are too varied for fixed fields, and one format for the page and the file means
//! one set of checks and messages.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use motcua_core::calendar::{OfficeHours, WeekdayName};
use motcua_service::{
    calendar::{
        Calendars,
        admin::{CalendarWriteError, parse_office_hours_json, set_office_hours},
    },
    catalog::Catalog,
};
use motcua_store::ChangeMeta;
use serde_json::{Value, json};

use super::{agency_path, no_agency};
use crate::{
    auth::Principal,
    pages::{PageError, form::FormData, login::render, problems::Problems},
    state::AppState,
};

/// Agencies walked up from one to find inherited hours (the hierarchy is far shallower).
const MAX_DEPTH: usize = 16;

/// The hours in effect at an agency and the agency they come from (`None`: the standard
/// hours), walking up the parents as the calendar does.
fn in_effect<'c>(
    calendars: &'c Calendars,
    catalog: &Catalog,
    id: &str,
) -> (Option<String>, Option<&'c OfficeHours>) {
    let mut current = Some(id.to_owned());
    for _ in 0..MAX_DEPTH {
        let Some(a) = current else { break };
        if let Some(h) = calendars.own_hours(&a) {
            return (Some(a), Some(h));
        }
        current = catalog.agency(&a).and_then(|x| x.parent.clone());
    }
    (None, None)
}

/// The hours in effect as the templates show them: the source, and each period's days.
pub(super) fn hours_view(calendars: &Calendars, catalog: &Catalog, id: &str) -> Value {
    let (from, own) = in_effect(calendars, catalog, id);
    let standard = OfficeHours::default();
    let hours = own.unwrap_or(&standard);
    let periods: Vec<Value> = hours
        .periods
        .iter()
        .map(|p| {
            let days: Vec<Value> = WeekdayName::ALL
                .into_iter()
                .map(|w| {
                    let spans: Vec<String> = p
                        .week
                        .day(w)
                        .iter()
                        .map(|i| {
                            format!("{}–{}", i.start.strftime("%H:%M"), i.end.strftime("%H:%M"))
                        })
                        .collect();
                    json!({"day": w.label_vi(), "spans": spans.join(", ")})
                })
                .collect();
            json!({
                "name": p.name,
                "from": format!("{:02}/{:02}", p.from.day(), p.from.month()),
                "to": format!("{:02}/{:02}", p.to.day(), p.to.month()),
                "days": days,
            })
        })
        .collect();
    json!({
        "source": match &from {
            Some(a) if a == id => "own",
            Some(_) => "inherited",
            None => "standard",
        },
        "from_name": from.as_deref().map(|a| catalog.agency_name(a)),
        "periods": periods,
        "working_day_minutes": hours.working_day_minutes,
    })
}

fn hours_path(id: &str) -> String {
    format!("{}/gio-lam-viec", agency_path(id))
}

async fn page(
    state: &AppState,
    id: &str,
    text: Option<&str>,
    problems: &Problems,
    status: StatusCode,
) -> Result<Response, PageError> {
    let catalog = state.catalog.get();
    let calendars = state.calendars.get();
    let agency = catalog.agency(id).ok_or_else(no_agency)?;
    let (_, effective) = in_effect(&calendars, &catalog, id);
    let own = calendars.own_hours(id);
    // The editor starts from the agency's own hours, else from those it follows now.
    let start = own.or(effective).cloned().unwrap_or_default();
    let text = match text {
        Some(t) => t.to_owned(),
        None => {
            serde_json::to_string_pretty(&start).map_err(motcua_service::ServiceError::internal)?
        }
    };
    let problem_context = problems.context();
    let ctx = json!({
        "id": id,
        "name": agency.name,
        "agency_href": agency_path(id),
        "action": hours_path(id),
        "hours": hours_view(&calendars, &catalog, id),
        "own": own.is_some(),
        "text": text,
        "errors": problem_context["errors"],
        "error_list": problem_context["error_list"],
    });
    let title = format!("Giờ làm việc — {}", agency.name);
    let html = render(state, "mot-cua/setup_hours.html", &title, ctx)?;
    Ok((status, Html(html)).into_response())
}

/// `GET /mot-cua/don-vi/{id}/gio-lam-viec`
pub async fn hours_form(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    page(&state, &id, None, &Problems::default(), StatusCode::OK).await
}

/// `POST /mot-cua/don-vi/{id}/gio-lam-viec`: saves the agency's own hours, or with `bo=1`
/// removes them so that it follows its parent (or the standard hours) again.
pub async fn save_hours(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let remove = form.text("bo") == "1";
    let text = form.raw("gio").to_owned();
    let mut problems = Problems::default();
    let hours = if remove {
        None
    } else {
        match parse_office_hours_json(&text) {
            Ok(h) => Some(h),
            Err(e) => {
                problems.add("gio", e.to_string());
                return page(
                    &state,
                    &id,
                    Some(&text),
                    &problems,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await;
            }
        }
    };
    let meta = ChangeMeta {
        by: principal.audit_id(),
        at: now,
        note: form.text("can_cu"),
    };
    let catalog = state.catalog.get();
    match set_office_hours(state.store.as_ref(), &*catalog, &id, hours.as_ref(), &meta).await {
        Ok(changed) => {
            // Saved either way; should this node fail to reload now, its refresher follows
            // the generation bump as the other nodes do.
            if changed && let Err(e) = state.calendars.reload(state.store.as_ref()).await {
                tracing::warn!(error = %e, "reloading the calendar after new office hours");
            }
            let tb = if remove { "gio-bo" } else { "gio" };
            Ok(Redirect::to(&format!("{}?tb={tb}#thong-bao", agency_path(&id))).into_response())
        }
        Err(CalendarWriteError::UnknownAgency(_)) => Err(no_agency()),
        Err(e @ CalendarWriteError::Invalid(_)) => {
            problems.add("gio", e.to_string());
            page(
                &state,
                &id,
                Some(&text),
                &problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(CalendarWriteError::Store(s)) => Err(motcua_service::ServiceError::from(s).into()),
    }
}
