//! The home page: the search box, featured procedures and the fields.

use axum::{extract::State, response::Html};
use motcua_core::catalog::{OnlineLevel, ProcedureCode};
use serde_json::json;

use super::PageResult;
use crate::{api::procedures::summary, state::AppState};

/// `GET /`
pub async fn home(State(state): State<AppState>) -> PageResult {
    let catalog = state.catalog.get();
    let featured: Vec<_> = state
        .site
        .featured
        .iter()
        .filter_map(|c| ProcedureCode::parse(c).ok())
        .filter_map(|c| catalog.procedure(&c))
        .map(|p| summary(&p.procedure))
        .collect();
    let mut fields: Vec<_> = catalog.fields().iter().collect();
    fields.sort_by_key(|f| std::cmp::Reverse(f.count));
    let top_fields: Vec<_> = fields
        .iter()
        .take(12)
        .map(|f| json!({ "name": f.name, "count": f.count }))
        .collect();
    let online_full = catalog.count_online(OnlineLevel::Full);
    let html = state.templates.render(
        "home.html",
        json!({
            "page_title": state.site.name,
            "featured": featured,
            "top_fields": top_fields,
            "all_fields": catalog.fields().iter().map(|f| json!({"name": f.name, "count": f.count})).collect::<Vec<_>>(),
            "stats": {
                "procedures": catalog.len(),
                "fields": catalog.fields().len(),
                "online_full": online_full,
                "agencies": catalog.current_agency_count(state.clock.now()),
            },
        }),
    )?;
    Ok(Html(html))
}
