//! The agencies page: the current tree, and the agencies that ended with their successors.

use axum::{extract::State, response::Html};
use motcua_core::agency::{Agency, IdentifierStatus};
use serde_json::{Value, json};

use super::PageResult;
use motcua_service::catalog::AgencyNode;

use crate::state::AppState;

/// The agencies of a `<select>`: those valid `today` that `keep` lets through, in
/// Vietnamese alphabetical order, `selected` marked.
pub(crate) fn agency_options(
    catalog: &motcua_service::catalog::Catalog,
    today: jiff::civil::Date,
    selected: Option<&str>,
    keep: impl Fn(&Agency) -> bool,
) -> Vec<Value> {
    let mut agencies: Vec<_> = catalog
        .agencies()
        .iter()
        .filter(|a| a.is_valid_on(today) && keep(a))
        .collect();
    agencies.sort_by_cached_key(|a| motcua_core::text::collation_key(&a.name));
    agencies
        .iter()
        .map(|a| json!({"id": a.id, "name": a.name, "selected": selected == Some(a.id.as_str())}))
        .collect()
}

fn agency_json(a: &Agency, catalog: &motcua_service::catalog::Catalog) -> Value {
    let status = a.identifier_status.map(|s| match s {
        IdentifierStatus::Official => "chính thức",
        IdentifierStatus::Inferred => "suy luận, chưa xác minh",
        IdentifierStatus::Provisional => "tạm gán, chờ danh mục chính thức",
    });
    json!({
        "id": a.id,
        "name": a.name,
        "kind": a.kind.label_vi(),
        "identifier": a.identifier,
        "identifier_status": status,
        "admin_unit_code": a.admin_unit_code,
        "valid_from": a.valid_from.strftime("%d/%m/%Y").to_string(),
        "valid_to": a.valid_to.map(|d| d.strftime("%d/%m/%Y").to_string()),
        "address": a.address,
        "successors": a.successors.iter().map(|s| json!({
            "id": s.successor,
            "name": catalog.agency_name(&s.successor),
            "effective": s.effective.strftime("%d/%m/%Y").to_string(),
        })).collect::<Vec<_>>(),
    })
}

fn node_json(n: &AgencyNode<'_>, catalog: &motcua_service::catalog::Catalog) -> Value {
    let mut v = agency_json(n.agency, catalog);
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "children".into(),
            Value::Array(n.children.iter().map(|c| node_json(c, catalog)).collect()),
        );
        o.insert(
            "procedures".into(),
            json!(catalog.offer_count(&n.agency.id)),
        );
    }
    v
}

/// `GET /co-quan`
pub async fn agencies(State(state): State<AppState>) -> PageResult {
    let catalog = state.catalog.get();
    let today = state
        .clock
        .now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
        .date();
    let current: Vec<Value> = catalog
        .agency_tree(Some(today))
        .iter()
        .map(|n| node_json(n, &catalog))
        .collect();
    let mut ended: Vec<&Agency> = catalog
        .agencies()
        .iter()
        .filter(|a| a.valid_to.is_some_and(|d| d < today))
        .collect();
    ended.sort_by_key(|a| (a.kind as u8, motcua_core::text::collation_key(&a.name)));
    let ended: Vec<Value> = ended.iter().map(|a| agency_json(a, &catalog)).collect();
    let html = state.templates.render(
        "agencies.html",
        json!({
            "page_title": format!("Cơ quan — {}", state.site.name),
            "current": current,
            "ended": ended,
            "today": today.strftime("%d/%m/%Y").to_string(),
        }),
    )?;
    Ok(Html(html))
}
