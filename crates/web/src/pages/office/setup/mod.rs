//! `/mot-cua/don-vi`: each agency's setup, for those who hold `catalog.import` — which
//! procedures it receives and at which online level (`offers`), the internal process each
//! follows there (`process`), and its office hours (`hours`, for holders of `calendar.edit`).
//! Thin pages over [`motcua_service::setup`] and [`motcua_service::calendar::admin`], the
//! functions the command line calls, so the checks, the audit and the reload are theirs.

mod hours;
mod offers;
mod process;

use axum::{
    extract::{Query, State},
    response::{Html, IntoResponse, Response},
};
use motcua_core::{
    identity::vietnam_date,
    text::{clean_line, collation_key, fold},
};
use motcua_service::catalog::Catalog;
use serde::Deserialize;
use serde_json::{Value, json};

pub use hours::{hours_form, save_hours};
pub use offers::{add_offer, agency, save_offers};
pub use process::{process_form, save_process};

use crate::{
    auth::{Principal, url_encode},
    pages::{PageError, login::render},
    state::AppState,
};

/// One agency's setup page.
fn agency_path(id: &str) -> String {
    format!("/mot-cua/don-vi/{}", url_encode(id))
}

/// The 404 for an agency id that names none.
fn no_agency() -> PageError {
    motcua_service::ServiceError::NotFound("cơ quan".into()).into()
}

/// The list's filter.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    q: Option<String>,
}

/// `GET /mot-cua/don-vi`: the agencies in force, with how many procedures each receives and
/// whether it keeps its own office hours; a name filter.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let today = vietnam_date(now);
    let catalog = state.catalog.get();
    let calendars = state.calendars.get();
    let q: String = clean_line(p.q.as_deref().unwrap_or_default())
        .chars()
        .take(100)
        .collect();
    let folded = fold(&q);
    let mut agencies: Vec<_> = catalog
        .agencies()
        .iter()
        .filter(|a| a.is_valid_on(today))
        .filter(|a| folded.is_empty() || fold(&a.name).contains(&folded) || a.id == q)
        .collect();
    agencies.sort_by_cached_key(|a| collation_key(&a.name));
    let rows: Vec<Value> = agencies
        .iter()
        .map(|a| {
            json!({
                "href": agency_path(&a.id),
                "name": a.name,
                "id": a.id,
                "parent": a.parent.as_deref().map(|p| catalog.agency_name(p)),
                "offers": catalog.offer_count(&a.id),
                "own_hours": calendars.own_hours(&a.id).is_some(),
            })
        })
        .collect();
    let ctx = json!({
        "q": q,
        "rows": rows,
        "total": rows.len(),
        "may_hours": may_edit_hours(&principal, &catalog, now),
    });
    let html = render(&state, "mot-cua/setup_list.html", "Đơn vị và thủ tục", ctx)?;
    Ok(Html(html).into_response())
}

/// Whether the actor may change office hours (the hours pages' own permission).
fn may_edit_hours(principal: &Principal, catalog: &Catalog, now: jiff::Timestamp) -> bool {
    principal
        .actor
        .holds(
            catalog.hierarchy(),
            now,
            motcua_core::identity::Permission::CalendarEdit,
        )
        .is_ok()
}
