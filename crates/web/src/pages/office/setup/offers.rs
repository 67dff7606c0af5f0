//! One agency's setup page and its offers: the procedures it receives, each at an online level,
//! changed together in one form (only the rows the administrator changed are written, so two
//! administrators editing different rows do not undo each other), and a procedure added by the
//! catalog's Vietnamese search or its code.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use std::sync::Arc;

use motcua_core::{
    catalog::{OnlineLevel, ProcedureCode},
    text::{clean_line, fold},
};
use motcua_search::Query as SearchQuery;
use motcua_service::{ServiceError, setup};
use motcua_store::StoredProcedure;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{agency_path, hours::hours_view, may_edit_hours, no_agency};
use crate::{
    auth::{Principal, url_encode},
    pages::{PageError, form::FormData, login::render, problems::Problems},
    state::AppState,
};

/// Search results offered for adding.
const FOUND: usize = 20;

/// Offers listed on one page (a ward receives about 300 procedures).
const OFFERS_PAGE: usize = 50;

/// The value of the level `<select>` that withdraws the offer.
const WITHDRAW: &str = "-";

/// The setup page's parameters: a search for a procedure to add, a banner after a change.
#[derive(Debug, Default, Deserialize)]
pub struct AgencyParams {
    tim: Option<String>,
    tb: Option<String>,
    n: Option<usize>,
    /// Filters the offers by name or code.
    loc: Option<String>,
    /// The page of offers.
    trang: Option<usize>,
}

impl AgencyParams {
    /// The offers' filter and page, as the save form sends them back.
    fn from_form(form: &FormData) -> Self {
        Self {
            loc: Some(form.text("loc")),
            trang: form.text("trang").parse().ok(),
            ..Self::default()
        }
    }

    /// The filter, cleaned and bounded.
    fn filter(&self) -> String {
        clean_line(self.loc.as_deref().unwrap_or_default())
            .chars()
            .take(100)
            .collect()
    }

    /// The query string that keeps the filter and page.
    fn keep(&self) -> String {
        format!(
            "loc={}&trang={}",
            url_encode(&self.filter()),
            self.trang.unwrap_or(1)
        )
    }
}

/// The banner after a change, by its `tb` slug.
fn banner(tb: &str, n: usize) -> Option<String> {
    Some(match tb {
        "luu" if n == 0 => "Không có thay đổi nào để lưu.".to_owned(),
        "luu" => format!("Đã lưu {n} thay đổi; cổng dịch vụ công hiển thị ngay."),
        "them" => "Đã thêm thủ tục; đơn vị tiếp nhận được hồ sơ của thủ tục này từ bây giờ.".into(),
        "quy-trinh" => {
            "Đã lưu quy trình nội bộ; hồ sơ tiếp nhận từ bây giờ đi theo quy trình này.".into()
        }
        "mac-dinh" => "Đã trở về quy trình mặc định.".into(),
        "gio" => "Đã lưu giờ làm việc; thời hạn của hồ sơ mới tính theo giờ này.".into(),
        "gio-bo" => {
            "Đã bỏ giờ làm việc riêng; đơn vị dùng giờ của cấp trên hoặc giờ hành chính.".into()
        }
        _ => return None,
    })
}

/// The online levels an offer can have, with the withdrawal last.
fn level_options() -> Vec<Value> {
    [OnlineLevel::Full, OnlineLevel::Partial, OnlineLevel::None]
        .into_iter()
        .map(|l| json!({"value": l.as_str(), "label": l.label_vi()}))
        .chain(std::iter::once(
            json!({"value": WITHDRAW, "label": "Thôi tiếp nhận"}),
        ))
        .collect()
}

/// Renders the page.
async fn page(
    state: &AppState,
    principal: &Principal,
    id: &str,
    params: &AgencyParams,
    problems: &Problems,
    status: StatusCode,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let catalog = state.catalog.get();
    let agency = catalog.agency(id).ok_or_else(no_agency)?;
    let configured = setup::processes_at(
        state.store.as_ref(),
        &state.catalog,
        &principal.actor,
        now,
        id,
    )
    .await?;
    let filter = params.filter();
    let folded = fold(&filter);
    let matching: Vec<(&String, &OnlineLevel, Option<Arc<StoredProcedure>>)> = catalog
        .offered_at(id)
        .iter()
        .map(|(code, level)| {
            let procedure = ProcedureCode::parse(code)
                .ok()
                .and_then(|c| catalog.procedure(&c).cloned());
            (code, level, procedure)
        })
        .filter(|(code, _, p)| {
            folded.is_empty()
                || code.starts_with(filter.as_str())
                || p.as_ref()
                    .is_some_and(|p| fold(&p.procedure.name).contains(&folded))
        })
        .collect();
    let pages = matching.len().div_ceil(OFFERS_PAGE).max(1);
    let page_no = params
        .trang
        .filter(|n| (1..=pages).contains(n))
        .unwrap_or(1);
    let link = |n: usize| {
        format!(
            "{}?loc={}&trang={n}#thu-tuc",
            agency_path(id),
            url_encode(&filter)
        )
    };
    let offers: Vec<Value> = matching
        .iter()
        .skip((page_no - 1) * OFFERS_PAGE)
        .take(OFFERS_PAGE)
        .map(|(code, level, procedure)| {
            json!({
                "code": code,
                "name": procedure.as_ref().map(|p| p.procedure.name.clone()),
                "field": procedure.as_ref().map(|p| p.procedure.field.clone()),
                "level": level.as_str(),
                "process": configured.binary_search(code).is_ok(),
                "process_href": format!("{}/quy-trinh/{}", agency_path(id), url_encode(code)),
            })
        })
        .collect();
    let tim: String = clean_line(params.tim.as_deref().unwrap_or_default())
        .chars()
        .take(crate::search::MAX_QUERY_CHARS)
        .collect();
    let found: Vec<Value> = if tim.is_empty() {
        Vec::new()
    } else {
        let mut q = SearchQuery::new(tim.clone());
        let offered = catalog.offered_at(id);
        // Enough hits that those already offered can be skipped and still fill the list.
        q.limit = FOUND + offered.len();
        catalog
            .search(&q)
            .hits
            .iter()
            .filter(|h| offered.binary_search_by(|(c, _)| c.cmp(&h.code)).is_err())
            .take(FOUND)
            .filter_map(|h| catalog.hit(&h.code))
            .map(|p| {
                json!({
                    "code": p.procedure.code.as_str(),
                    "name": p.procedure.name,
                    "field": p.procedure.field,
                    "level": p.procedure.online_level.label_vi(),
                    "level_value": p.procedure.online_level.as_str(),
                })
            })
            .collect()
    };
    let problem_context = problems.context();
    let hours = hours_view(&state.calendars.get(), &catalog, id);
    let ctx = json!({
        "id": agency.id,
        "name": agency.name,
        "kind": agency.kind.label_vi(),
        "parent": agency.parent.as_deref().map(|p| catalog.agency_name(p)),
        "action": agency_path(id),
        "note": params.tb.as_deref().and_then(|t| banner(t, params.n.unwrap_or(0))),
        "hours": hours,
        "may_hours": may_edit_hours(principal, &catalog, now),
        "offers": offers,
        "offer_total": catalog.offer_count(id),
        "matching": matching.len(),
        "loc": filter,
        "page": page_no,
        "pages": pages,
        "prev": (page_no > 1).then(|| link(page_no - 1)),
        "next": (page_no < pages).then(|| link(page_no + 1)),
        "levels": level_options(),
        "tim": tim,
        "searched": !tim.is_empty(),
        "found": found,
        "errors": problem_context["errors"],
        "error_list": problem_context["error_list"],
    });
    let html = render(state, "mot-cua/setup_agency.html", &agency.name, ctx)?;
    Ok((status, Html(html)).into_response())
}

/// `GET /mot-cua/don-vi/{id}`
pub async fn agency(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    Query(params): Query<AgencyParams>,
) -> Result<Response, PageError> {
    page(
        &state,
        &principal,
        &id,
        &params,
        &Problems::default(),
        StatusCode::OK,
    )
    .await
}

fn done(id: &str, tb: &str, n: usize, keep: &AgencyParams) -> Response {
    Redirect::to(&format!(
        "{}?tb={tb}&n={n}&{}#thong-bao",
        agency_path(id),
        keep.keep()
    ))
    .into_response()
}

/// A level as the form sends it: `Some(None)` withdraws, `None` is no level at all.
fn parse_level(value: &str) -> Option<Option<OnlineLevel>> {
    if value == WITHDRAW {
        Some(None)
    } else {
        OnlineLevel::parse(value).map(Some)
    }
}

/// `POST /mot-cua/don-vi/{id}/thu-tuc`: the levels changed in the table. Each row sends its
/// level (`muc.CODE`) and the level it was shown with (`cu.CODE`); only rows that differ are
/// written.
pub async fn save_offers(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    if state.catalog.get().agency(&id).is_none() {
        return Err(no_agency());
    }
    let mut changes: Vec<(ProcedureCode, Option<OnlineLevel>)> = Vec::new();
    let mut problems = Problems::default();
    for (key, value) in form.pairs() {
        let Some(code) = key.strip_prefix("muc.") else {
            continue;
        };
        if form.text(&format!("cu.{code}")) == value {
            continue;
        }
        match (ProcedureCode::parse(code), parse_level(value)) {
            (Ok(code), Some(level)) => changes.push((code, level)),
            _ => problems.add(
                format!("muc.{code}"),
                "Chọn một mức trực tuyến trong danh sách",
            ),
        }
    }
    if !problems.is_empty() {
        return page(
            &state,
            &principal,
            &id,
            &AgencyParams::from_form(&form),
            &problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    changes.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
    let changed = setup::set_offers(
        state.store.as_ref(),
        &state.catalog,
        &principal.actor,
        now,
        &id,
        &changes,
    )
    .await?;
    let changed = usize::try_from(changed).unwrap_or(usize::MAX);
    Ok(done(&id, "luu", changed, &AgencyParams::from_form(&form)))
}

/// `POST /mot-cua/don-vi/{id}/them`: adds a procedure (by its code) at a level.
pub async fn add_offer(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    if state.catalog.get().agency(&id).is_none() {
        return Err(no_agency());
    }
    let code_text = form.text("ma");
    let mut problems = Problems::default();
    let code = ProcedureCode::parse(&code_text)
        .map_err(|_| problems.add("tim", format!("Mã thủ tục {code_text:?} không đúng dạng")))
        .ok();
    let level = OnlineLevel::parse(&form.text("muc"));
    if level.is_none() {
        problems.add("tim", "Chọn mức trực tuyến của thủ tục tại đơn vị");
    }
    if let (Some(code), Some(level), true) = (&code, level, problems.is_empty()) {
        match setup::set_offers(
            state.store.as_ref(),
            &state.catalog,
            &principal.actor,
            now,
            &id,
            &[(code.clone(), Some(level))],
        )
        .await
        {
            Ok(_) => return Ok(done(&id, "them", 1, &AgencyParams::default())),
            Err(ServiceError::BadRequest { message, .. }) => problems.add("tim", message),
            Err(other) => return Err(other.into()),
        }
    }
    page(
        &state,
        &principal,
        &id,
        &AgencyParams {
            tim: Some(form.text("tim")),
            ..AgencyParams::default()
        },
        &problems,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_back_and_the_withdrawal_is_its_own_value() {
        for l in [OnlineLevel::Full, OnlineLevel::Partial, OnlineLevel::None] {
            assert_eq!(parse_level(l.as_str()), Some(Some(l)));
        }
        assert_eq!(parse_level(WITHDRAW), Some(None));
        assert_eq!(parse_level("FULLY"), None);
        assert_eq!(level_options().len(), 4);
    }
}
