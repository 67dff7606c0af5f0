//! `/mot-cua`: an official's work queues as tabs with counts, filters, search and sorting, over
//! the inbox service (the permission filter runs inside the query, as for `GET /api/v1/inbox`).

use axum::{
    extract::{Query, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use jiff::{Timestamp, civil::Date};
use motcua_core::{
    dossier::{DossierCode, Status, StepKind, SubmissionChannel},
    identity::Permission,
};
use motcua_service::dossier::{InboxFilter, StatusFilter};
use motcua_store::InboxSort;
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

/// A tab counts up to this many and then says "more than": a province-wide scope holds a
/// million dossiers, and counting them all for every tab would cost a second a page.
const COUNT_CAP: i64 = 10_000;

/// The look-ahead of "due soon" officials may choose, in working hours (the first is the
/// default: a working day).
const DUE_SOON_HOURS: [u16; 5] = [8, 4, 16, 24, 40];

/// A queue: its address, its label, and the inbox filter it is.
struct Queue {
    slug: &'static str,
    label: &'static str,
    status: StatusFilter,
    mine: bool,
    my_unit: bool,
    overdue: bool,
    due_soon: bool,
    step: Option<StepKind>,
}

const fn queue(slug: &'static str, label: &'static str, status: StatusFilter) -> Queue {
    Queue {
        slug,
        label,
        status,
        mine: false,
        my_unit: false,
        overdue: false,
        due_soon: false,
        step: None,
    }
}

const fn only(slug: &'static str, label: &'static str, status: Status) -> Queue {
    queue(slug, label, StatusFilter::Only(status))
}

/// The queues, in the order of the day's work.
static QUEUES: [Queue; 13] = [
    only("cho-tiep-nhan", "Chờ tiếp nhận", Status::Submitted),
    only("dang-xu-ly", "Đang giải quyết", Status::Processing),
    Queue {
        mine: true,
        ..queue("cua-toi", "Của tôi", StatusFilter::Open)
    },
    Queue {
        my_unit: true,
        ..queue("don-vi", "Đơn vị tôi", StatusFilter::Open)
    },
    only("cho-bo-sung", "Chờ bổ sung", Status::AwaitingSupplement),
    only("da-bo-sung", "Đã bổ sung", Status::Supplemented),
    Queue {
        due_soon: true,
        ..queue("sap-den-han", "Sắp đến hạn", StatusFilter::Open)
    },
    Queue {
        overdue: true,
        ..queue("qua-han", "Quá hạn", StatusFilter::Open)
    },
    // A step kind is projected only while in process, so these need no status condition
    // (and their counts stay inside the step index).
    Queue {
        step: Some(StepKind::Approve),
        ..queue("cho-phe-duyet", "Chờ phê duyệt", StatusFilter::All)
    },
    Queue {
        step: Some(StepKind::Issue),
        ..queue("cho-phat-hanh", "Chờ phát hành kết quả", StatusFilter::All)
    },
    only("tra-ket-qua", "Chờ trả kết quả", Status::Done),
    only("da-tra", "Đã trả kết quả", Status::Returned),
    queue("tat-ca", "Tất cả", StatusFilter::All),
];

/// The queues whose rows can be ticked and forwarded together (see `batch`).
const BATCH_QUEUES: [&str; 3] = ["dang-xu-ly", "cua-toi", "don-vi"];

/// The orders, by their slug in the address.
const SORTS: [(&str, &str, InboxSort); 3] = [
    ("can-xu-ly", "Cần xử lý trước", InboxSort::Attention),
    ("moi-nhat", "Mới nộp trước", InboxSort::Newest),
    ("cu-nhat", "Nộp sớm nhất trước", InboxSort::Oldest),
];

/// What the queue page is asked for; everything optional and read leniently, so that a bad
/// value is explained on the page instead of refusing it.
#[derive(Debug, Default, Deserialize)]
pub struct QueueParams {
    /// The queue's slug.
    hang: Option<String>,
    /// A dossier code to open, or an applicant's name or identity number.
    q: Option<String>,
    /// Only this procedure (code).
    thu_tuc: Option<String>,
    /// Only procedures of this field.
    linh_vuc: Option<String>,
    /// Only dossiers now at this agency.
    don_vi: Option<String>,
    /// Only this channel.
    kenh: Option<String>,
    /// Only this status.
    trang_thai: Option<String>,
    /// Submitted from / to (dates).
    nop_tu: Option<String>,
    nop_den: Option<String>,
    /// Appointment from / to (dates).
    hen_tu: Option<String>,
    hen_den: Option<String>,
    /// "Due soon" look-ahead, working hours.
    gio: Option<String>,
    /// Only dossiers at a step of this kind.
    buoc: Option<String>,
    /// The order's slug.
    sap_xep: Option<String>,
    /// Page, from 1.
    trang: Option<String>,
}

/// The filters of the page, as read and checked.
#[derive(Clone, Default)]
struct Filters {
    search: Option<String>,
    procedure: Option<String>,
    field: Option<String>,
    unit: Option<String>,
    channel: Option<SubmissionChannel>,
    status: Option<Status>,
    step: Option<StepKind>,
    submitted: (Option<Date>, Option<Date>),
    due: (Option<Date>, Option<Date>),
    hours: u16,
    sort: usize,
}

/// A field's problem, shown in the error summary and beside the field.
fn problem(errors: &mut Vec<Value>, field: &str, message: &str) {
    errors.push(json!({"field": field, "message": message}));
}

/// The trimmed, non-empty value of a parameter.
fn given(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn date(v: Option<&String>, field: &str, errors: &mut Vec<Value>) -> Option<Date> {
    let s = given(v)?;
    match s.parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            problem(
                errors,
                field,
                "Nhập ngày theo dạng năm-tháng-ngày, ví dụ 2026-11-25.",
            );
            None
        }
    }
}

impl Filters {
    /// Reads the parameters; each unreadable one is left out and explained in `errors`.
    fn read(p: &QueueParams, errors: &mut Vec<Value>) -> Self {
        let mut f = Self {
            search: given(p.q.as_ref()),
            procedure: given(p.thu_tuc.as_ref()),
            field: given(p.linh_vuc.as_ref()),
            unit: given(p.don_vi.as_ref()),
            hours: DUE_SOON_HOURS[0],
            ..Self::default()
        };
        if let Some(c) = given(p.kenh.as_ref()) {
            f.channel = SubmissionChannel::parse(&c);
            if f.channel.is_none() {
                problem(errors, "kenh", "Chọn một kênh trong danh sách.");
            }
        }
        if let Some(s) = given(p.trang_thai.as_ref()) {
            f.status = Status::parse(&s);
            if f.status.is_none() {
                problem(errors, "trang_thai", "Chọn một trạng thái trong danh sách.");
            }
        }
        if let Some(s) = given(p.buoc.as_ref()) {
            f.step = StepKind::parse(&s);
            if f.step.is_none() {
                problem(errors, "buoc", "Chọn một bước trong danh sách.");
            }
        }
        f.submitted = (
            date(p.nop_tu.as_ref(), "nop_tu", errors),
            date(p.nop_den.as_ref(), "nop_den", errors),
        );
        f.due = (
            date(p.hen_tu.as_ref(), "hen_tu", errors),
            date(p.hen_den.as_ref(), "hen_den", errors),
        );
        for (field, (from, to)) in [("nop_den", f.submitted), ("hen_den", f.due)] {
            if let (Some(a), Some(b)) = (from, to)
                && b < a
            {
                problem(errors, field, "Ngày cuối phải sau ngày đầu.");
            }
        }
        if let Some(h) = given(p.gio.as_ref()) {
            match h.parse::<u16>() {
                Ok(h) if DUE_SOON_HOURS.contains(&h) => f.hours = h,
                _ => problem(errors, "gio", "Chọn số giờ làm việc trong danh sách."),
            }
        }
        f.sort = p
            .sap_xep
            .as_deref()
            .and_then(|s| SORTS.iter().position(|(slug, ..)| *slug == s))
            .unwrap_or(0);
        f
    }

    /// The address parameters that keep these filters, for tabs, pager and sort links.
    fn query_string(&self) -> String {
        let mut qs = String::new();
        let mut add = |k: &str, v: &str| {
            qs.push('&');
            qs.push_str(k);
            qs.push('=');
            qs.push_str(&url_encode(v));
        };
        let dates = [
            ("nop_tu", self.submitted.0),
            ("nop_den", self.submitted.1),
            ("hen_tu", self.due.0),
            ("hen_den", self.due.1),
        ];
        for (k, v) in [
            ("q", self.search.as_deref()),
            ("thu_tuc", self.procedure.as_deref()),
            ("linh_vuc", self.field.as_deref()),
            ("don_vi", self.unit.as_deref()),
            ("kenh", self.channel.map(SubmissionChannel::as_str)),
            ("trang_thai", self.status.map(Status::as_str)),
            ("buoc", self.step.map(StepKind::as_str)),
        ] {
            if let Some(v) = v {
                add(k, v);
            }
        }
        for (k, d) in dates {
            if let Some(d) = d {
                add(k, &d.to_string());
            }
        }
        if self.hours != DUE_SOON_HOURS[0] {
            add("gio", &self.hours.to_string());
        }
        if self.sort != 0 {
            add("sap_xep", SORTS[self.sort].0);
        }
        qs
    }

    /// The inbox filter of queue `q` with these filters.
    fn inbox(&self, q: &Queue, home: Option<&str>, page: i64, limit: i64) -> InboxFilter {
        InboxFilter {
            mine: q.mine,
            unit: if q.my_unit {
                home.map(str::to_owned)
            } else {
                self.unit.clone()
            },
            status: self.status.map_or(q.status, StatusFilter::Only),
            overdue: q.overdue,
            due_within_hours: q.due_soon.then_some(f64::from(self.hours)),
            procedure: self.procedure.clone(),
            field: self.field.clone(),
            applicant: self.search.clone(),
            channel: self.channel,
            // A queue of one step keeps it; the step filter narrows the others.
            step_kind: q.step.or(self.step),
            submitted_on: self.submitted,
            due_on: self.due,
            sort: SORTS[self.sort].2,
            page,
            limit,
        }
    }
}

/// A count as a tab shows it: capped ones say "10.000+".
fn capped(n: i64) -> String {
    if n > COUNT_CAP {
        format!("{}+", crate::present::count_vi(COUNT_CAP))
    } else {
        crate::present::count_vi(n)
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
    let mut errors: Vec<Value> = Vec::new();
    let mut filters = Filters::read(&p, &mut errors);
    if let Some(search) = &filters.search
        && let Ok(code) = DossierCode::parse(search)
    {
        // Keyboard-first: a code typed (or scanned from a receipt) opens the dossier.
        return Ok(Redirect::to(&dossier_path(code.as_str())).into_response());
    }
    let catalog = state.catalog.get();
    if let Some(field) = &filters.field
        && catalog.procedures_in_field(field).is_empty()
    {
        problem(
            &mut errors,
            "linh_vuc",
            "Chọn một lĩnh vực trong danh sách.",
        );
        filters.field = None;
    }
    let scope = principal
        .actor
        .scope(catalog.hierarchy(), now, Permission::DossierRead);
    if let Some(unit) = &filters.unit
        && !scope.agencies.contains(unit)
    {
        problem(
            &mut errors,
            "don_vi",
            "Chọn một đơn vị trong danh sách: chỉ các đơn vị anh/chị được xem hồ sơ.",
        );
        filters.unit = None;
    }
    let page = match p.trang.as_deref().unwrap_or("1").parse::<i64>() {
        Ok(n) if (1..=10_000).contains(&n) => n,
        _ => 1,
    };
    let home = principal.actor.user().and_then(|u| u.agency_id.clone());
    let queues: Vec<&Queue> = QUEUES
        .iter()
        .filter(|q| !q.my_unit || home.is_some())
        .collect();

    // A leader also sees the open dossiers by step of the process.
    let leader = !principal
        .actor
        .scope(catalog.hierarchy(), now, Permission::DossierApprove)
        .is_empty();
    let all = &QUEUES[QUEUES.len() - 1];
    let by_step: Vec<StepKind> = if leader {
        StepKind::ALL.to_vec()
    } else {
        Vec::new()
    };
    // One count per queue (and per step), with the same filters, run side by side by the
    // service over one scope.
    let mut per_queue: Vec<InboxFilter> = queues
        .iter()
        .map(|q| filters.inbox(q, home.as_deref(), 1, 1))
        .collect();
    per_queue.extend(by_step.iter().map(|&k| InboxFilter {
        step_kind: Some(k),
        ..filters.inbox(all, home.as_deref(), 1, 1)
    }));
    let mut counts = state
        .dossiers
        .inbox_counts(&principal.actor, now, &per_queue, Some(COUNT_CAP))
        .await?;
    let step_counts = counts.split_off(queues.len());
    let current = p
        .hang
        .as_deref()
        .and_then(|s| queues.iter().find(|q| q.slug == s))
        .or_else(|| {
            queues
                .iter()
                .zip(&counts)
                .find(|(_, n)| **n > 0)
                .map(|(q, _)| q)
        })
        .copied()
        .unwrap_or(&QUEUES[QUEUES.len() - 1]);
    let result = state
        .dossiers
        .inbox(
            &principal.actor,
            now,
            &filters.inbox(current, home.as_deref(), page, PAGE_SIZE),
        )
        .await?;
    let rows: Vec<Value> = result
        .items
        .into_iter()
        .map(|s| {
            let waiting = s.status == Status::Submitted;
            let left = waiting.then(|| hours_left(&state, &s.current_agency, now, s.queue_at));
            let queue_at = s.queue_at;
            // Where the dossier is, when the official sees more than one unit.
            let agency = (scope.agencies.len() > 1)
                .then(|| catalog.agency(&s.current_agency).map(|a| a.name.clone()))
                .flatten();
            let item = view::item(s, &catalog, now);
            json!({
                "code": item.code,
                "href": dossier_path(&item.code),
                "procedure": item.procedure_name,
                "procedure_code": item.procedure_code,
                "applicant": item.applicant_name,
                "status": item.status_label,
                "assignee": item.assignee_name,
                "agency": agency,
                "submitted": when(item.submitted_at),
                "due": item.due_at.map(when),
                "overdue": item.overdue,
                "intake_due": waiting.then(|| when(queue_at)),
                "hours_left": left.flatten(),
            })
        })
        .collect();
    let pages = (result.total + PAGE_SIZE - 1) / PAGE_SIZE;
    let kept = filters.query_string();
    let link = |slug: &str, extra: &str| format!("/mot-cua?hang={slug}{kept}{extra}");
    let tabs: Vec<Value> = queues
        .iter()
        .zip(&counts)
        .map(|(q, n)| {
            let label = if q.due_soon {
                format!("{} ({} giờ)", q.label, filters.hours)
            } else {
                q.label.to_owned()
            };
            json!({"slug": q.slug, "label": label, "count": capped(*n), "empty": *n == 0,
                   "current": q.slug == current.slug, "href": link(q.slug, "")})
        })
        .collect();
    // The step links replace any step filter with their own.
    let without_step = Filters {
        step: None,
        ..filters.clone()
    }
    .query_string();
    let steps: Vec<Value> = by_step
        .iter()
        .zip(&step_counts)
        .map(|(k, n)| {
            json!({"label": k.label_vi(), "count": capped(*n), "empty": *n == 0,
                   "current": filters.step == Some(*k) && current.slug == all.slug,
                   "href": format!("/mot-cua?hang={}{without_step}&buoc={}", all.slug, k.as_str())})
        })
        .collect();
    let step_options: Vec<Value> = StepKind::ALL
        .iter()
        .map(|k| json!({"value": k.as_str(), "label": k.label_vi(), "selected": Some(*k) == filters.step}))
        .collect();
    let sorts: Vec<Value> = SORTS
        .iter()
        .enumerate()
        .map(|(i, (slug, label, _))| json!({"value": slug, "label": label, "selected": i == filters.sort}))
        .collect();
    let statuses: Vec<Value> = Status::ALL
        .iter()
        .map(|s| json!({"value": s.as_str(), "label": s.label_vi(), "selected": Some(*s) == filters.status}))
        .collect();
    let channels: Vec<Value> = SubmissionChannel::ALL
        .iter()
        .map(|c| json!({"value": c.as_str(), "label": c.label_vi(), "selected": Some(*c) == filters.channel}))
        .collect();
    let fields: Vec<Value> = catalog
        .fields()
        .iter()
        .map(|f| json!({"value": f.name, "label": f.name, "selected": Some(&f.name) == filters.field.as_ref()}))
        .collect();
    let mut units: Vec<Value> = scope
        .agencies
        .iter()
        .map(|id| {
            let name = catalog
                .agency(id)
                .map_or_else(|| id.clone(), |a| a.name.clone());
            json!({"value": id, "label": name, "selected": Some(id) == filters.unit.as_ref()})
        })
        .collect();
    units.sort_by_cached_key(|u| {
        motcua_core::text::collation_key(u["label"].as_str().unwrap_or_default())
    });
    let hours: Vec<Value> = DUE_SOON_HOURS
        .iter()
        .map(|h| json!({"value": h, "selected": *h == filters.hours}))
        .collect();
    let filtered = filters.procedure.is_some()
        || filters.field.is_some()
        || filters.unit.is_some()
        || filters.channel.is_some()
        || filters.status.is_some()
        || filters.step.is_some()
        || filters.submitted != (None, None)
        || filters.due != (None, None)
        || filters.hours != DUE_SOON_HOURS[0];
    let holds = |p: Permission| principal.actor.holds(catalog.hierarchy(), now, p).is_ok();
    let ctx = json!({
        // The queues where dossiers wait to move on may be forwarded several at once.
        "batch": BATCH_QUEUES.contains(&current.slug),
        "desks": ledger_desks(&principal, &catalog, now),
        "may_receive": !principal
            .actor
            .scope(catalog.hierarchy(), now, Permission::DossierReceive)
            .is_empty(),
        // The links to the administration pages, shown exactly when their route's guard
        // (`Actor::holds`) lets the official through.
        "may_manage": holds(Permission::UserManage),
        "may_import": holds(Permission::CatalogImport),
        "may_calendar": holds(Permission::CalendarEdit),
        "today": motcua_core::identity::vietnam_date(now).to_string(),
        "month_start": motcua_core::identity::vietnam_date(now).first_of_month().to_string(),
        "tabs": tabs,
        "by_step": steps,
        "step_options": step_options,
        "current": {"slug": current.slug, "label": current.label},
        "rows": rows,
        "total": result.total,
        "page": page,
        "pages": pages,
        "prev": (page > 1).then(|| link(current.slug, &format!("&trang={}", page - 1))),
        "next": (page < pages).then(|| link(current.slug, &format!("&trang={}", page + 1))),
        "clear": format!("/mot-cua?hang={}", current.slug),
        "q": filters.search,
        "procedure": filters.procedure,
        "submitted_from": filters.submitted.0.map(|d| d.to_string()),
        "submitted_to": filters.submitted.1.map(|d| d.to_string()),
        "due_from": filters.due.0.map(|d| d.to_string()),
        "due_to": filters.due.1.map(|d| d.to_string()),
        "filtered": filtered,
        "statuses": statuses,
        "channels": channels,
        "fields": fields,
        "units": units,
        "hours": hours,
        "sorts": sorts,
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

/// The desks whose ledger (Form 06) this official may print: where a grant gives
/// `dossier.read` over the whole agency (the ledger service decides again when asked).
fn ledger_desks(
    principal: &Principal,
    catalog: &motcua_service::catalog::Catalog,
    now: Timestamp,
) -> Vec<Value> {
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
    desks
}
