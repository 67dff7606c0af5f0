//! `/mot-cua`: an official's work queues as tabs with counts, over the inbox service (the
//! permission filter runs inside the query, as for `GET /api/v1/inbox`).

use axum::{
    extract::{Query, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use jiff::Timestamp;
use motcua_core::{
    dossier::{DossierCode, Status},
    identity::Permission,
};
use motcua_service::dossier::{InboxFilter, StatusFilter};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{dossier_path, when};
use crate::{
    auth::{Principal, url_encode},
    dossier::view,
    pages::{PageError, login::render},
    state::AppState,
};

/// Rows per page.
const PAGE_SIZE: i64 = 20;

/// A queue: its address, its label, and the inbox filter it is.
struct Queue {
    slug: &'static str,
    label: &'static str,
    status: StatusFilter,
    mine: bool,
    overdue: bool,
}

const fn queue(slug: &'static str, label: &'static str, status: StatusFilter) -> Queue {
    Queue {
        slug,
        label,
        status,
        mine: false,
        overdue: false,
    }
}

/// The queues, in the order of the day's work.
static QUEUES: [Queue; 8] = [
    queue(
        "cho-tiep-nhan",
        "Chờ tiếp nhận",
        StatusFilter::Only(Status::Submitted),
    ),
    queue(
        "dang-xu-ly",
        "Đang giải quyết",
        StatusFilter::Only(Status::Processing),
    ),
    Queue {
        mine: true,
        ..queue("cua-toi", "Của tôi", StatusFilter::Open)
    },
    queue(
        "cho-bo-sung",
        "Chờ bổ sung",
        StatusFilter::Only(Status::AwaitingSupplement),
    ),
    queue(
        "da-bo-sung",
        "Đã bổ sung",
        StatusFilter::Only(Status::Supplemented),
    ),
    Queue {
        overdue: true,
        ..queue("qua-han", "Quá hạn", StatusFilter::Open)
    },
    queue(
        "tra-ket-qua",
        "Chờ trả kết quả",
        StatusFilter::Only(Status::Done),
    ),
    queue("tat-ca", "Tất cả", StatusFilter::All),
];

/// What the queue page is asked for; everything optional, so a bad value is explained on the
/// page instead of refusing it.
#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    /// The queue's slug.
    hang: Option<String>,
    /// A dossier code to open.
    q: Option<String>,
    /// Only this procedure.
    thu_tuc: Option<String>,
    /// Only this status.
    trang_thai: Option<String>,
    /// Page, from 1.
    trang: Option<String>,
}

fn filter(q: &Queue, procedure: Option<String>, status: Option<Status>, page: i64) -> InboxFilter {
    InboxFilter {
        mine: q.mine,
        status: status.map_or(q.status, StatusFilter::Only),
        overdue: q.overdue,
        procedure,
        page,
        limit: PAGE_SIZE,
        ..InboxFilter::default()
    }
}

/// Working hours left until `at` on the row's desk calendar, for the online check.
fn hours_left(state: &AppState, agency: &str, now: Timestamp, at: Timestamp) -> Option<f64> {
    let calendar = state.dossiers.calendar_for(agency);
    calendar
        .elapsed(now, at)
        .ok()
        .map(|d| (d.as_hours_f64() * 10.0).round() / 10.0)
}

/// `GET /mot-cua`
pub async fn queues(
    State(state): State<AppState>,
    principal: Principal,
    Query(p): Query<QueueParams>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let search = p.q.as_deref().map(str::trim).unwrap_or_default().to_owned();
    let mut errors: Vec<Value> = Vec::new();
    if !search.is_empty() {
        match DossierCode::parse(&search) {
            // Keyboard-first: a code typed (or scanned from a receipt) opens the dossier.
            Ok(code) => return Ok(Redirect::to(&dossier_path(code.as_str())).into_response()),
            Err(_) => errors.push(json!({"field": "q",
                "message": "Nhập đủ mã hồ sơ, ví dụ 000.01.50.H06-261125-0001 (tìm theo tên người nộp hoặc số định danh chưa có trong bản này)."})),
        }
    }
    let procedure = p
        .thu_tuc
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let status = match p.trang_thai.as_deref().unwrap_or_default() {
        "" => None,
        s => match Status::parse(s) {
            Some(s) => Some(s),
            None => {
                errors.push(json!({"field": "trang_thai", "message": "Chọn một trạng thái trong danh sách."}));
                None
            }
        },
    };
    let page = match p.trang.as_deref().unwrap_or("1").parse::<i64>() {
        Ok(n) if (1..=10_000).contains(&n) => n,
        _ => 1,
    };

    // The counts: one count per queue, with the same filters.
    let mut tabs = Vec::with_capacity(QUEUES.len());
    for q in &QUEUES {
        let f = InboxFilter {
            limit: 1,
            ..filter(q, procedure.clone(), status, 1)
        };
        let total = state.dossiers.inbox(&principal.actor, now, &f).await?.total;
        tabs.push((q, total));
    }
    let current = p
        .hang
        .as_deref()
        .and_then(|s| QUEUES.iter().find(|q| q.slug == s))
        .or_else(|| tabs.iter().find(|(_, n)| *n > 0).map(|(q, _)| *q))
        .unwrap_or(&QUEUES[QUEUES.len() - 1]);
    let result = state
        .dossiers
        .inbox(
            &principal.actor,
            now,
            &filter(current, procedure.clone(), status, page),
        )
        .await?;
    let catalog = state.catalog.get();
    let rows: Vec<Value> = result
        .items
        .into_iter()
        .map(|s| {
            let waiting = s.status == Status::Submitted;
            let left = waiting.then(|| hours_left(&state, &s.current_agency, now, s.queue_at));
            let queue_at = s.queue_at;
            let item = view::item(s, &catalog, now);
            json!({
                "code": item.code,
                "href": dossier_path(&item.code),
                "procedure": item.procedure_name,
                "procedure_code": item.procedure_code,
                "applicant": item.applicant_name,
                "status": item.status_label,
                "assignee": item.assignee_name,
                "submitted": when(item.submitted_at),
                "due": item.due_at.map(when),
                "overdue": item.overdue,
                "intake_due": waiting.then(|| when(queue_at)),
                "hours_left": left.flatten(),
            })
        })
        .collect();
    let pages = (result.total + PAGE_SIZE - 1) / PAGE_SIZE;
    let keep = |extra: &str| {
        let mut qs = format!("?hang={}", current.slug);
        if let Some(pr) = &procedure {
            qs.push_str(&format!("&thu_tuc={}", url_encode(pr)));
        }
        if let Some(st) = status {
            qs.push_str(&format!("&trang_thai={}", st.as_str()));
        }
        qs.push_str(extra);
        qs
    };
    let tabs: Vec<Value> = tabs
        .iter()
        .map(|(q, n)| {
            let mut href = format!("/mot-cua?hang={}", q.slug);
            if let Some(pr) = &procedure {
                href.push_str(&format!("&thu_tuc={}", url_encode(pr)));
            }
            json!({"slug": q.slug, "label": q.label, "count": n,
                   "current": q.slug == current.slug, "href": href})
        })
        .collect();
    let statuses: Vec<Value> = Status::ALL
        .iter()
        .map(
            |s| json!({"value": s.as_str(), "label": s.label_vi(), "selected": Some(*s) == status}),
        )
        .collect();
    // The desks whose ledger (Form 06) this official may print: where a grant gives
    // `dossier.read` over the whole agency (the ledger service decides again when asked).
    let today = motcua_core::identity::vietnam_date(now);
    let mut desks: Vec<Value> = Vec::new();
    for g in principal.actor.grants.iter().map(|g| &g.grant) {
        if g.procedure.is_none()
            && g.is_active_on(today)
            && g.role.permissions().contains(&Permission::DossierRead)
            && !desks.iter().any(|d| d["id"] == g.agency_id.as_str())
        {
            let name = catalog
                .agency(&g.agency_id)
                .map_or_else(|| g.agency_id.clone(), |a| a.name.clone());
            desks.push(json!({"id": g.agency_id, "name": name}));
        }
    }
    let ctx = json!({
        "desks": desks,
        "today": today.to_string(),
        "month_start": today.first_of_month().to_string(),
        "tabs": tabs,
        "current": {"slug": current.slug, "label": current.label},
        "rows": rows,
        "total": result.total,
        "page": page,
        "pages": pages,
        "prev": (page > 1).then(|| format!("/mot-cua{}", keep(&format!("&trang={}", page - 1)))),
        "next": (page < pages).then(|| format!("/mot-cua{}", keep(&format!("&trang={}", page + 1)))),
        "q": search,
        "procedure": procedure,
        "statuses": statuses,
        "errors": errors,
        "now": when(now),
    });
    let html = render(
        &state,
        "mot-cua/queues.html",
        "Một cửa — hàng đợi hồ sơ",
        ctx,
    )?;
    Ok(Html(html).into_response())
}
