//! `/mot-cua/can-bo`: officials and their grants, for those who hold `user.manage` and
//! `grant.manage`. Thin pages over [`motcua_service::admin::AdminService`] — the functions
//! `motcua user …` and `/api/v1/users` call — so the separation-of-duties rules, the password
//! policy and the audit are the same whichever door an administrator uses. The forms offer only
//! what the actor may do (its agencies, the roles its own role delegates); a form posted by hand
//! beyond that is refused by the service and audited.

use std::collections::BTreeSet;

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use jiff::{Timestamp, civil::Date};
use motcua_core::{
    identity::{Permission, Role, credentials::PASSWORD_MIN_CHARS, vietnam_date},
    text::{clean_line, collation_key, fold},
};
use motcua_service::{
    ServiceError,
    admin::{GrantRequest, NewOfficial},
    error::taken,
};
use motcua_store::{Identifier, StoredGrant, User};
use serde::Deserialize;
use serde_json::{Value, json};

use super::when;
use crate::{
    auth::{Principal, Target, url_encode},
    pages::{
        PageError, agencies::agency_options, form::FormData, login::render, problems::Problems,
    },
    state::AppState,
};

/// Officials listed on one page.
const PAGE: usize = 50;

/// One official's page.
fn official_path(id: &str) -> String {
    format!("/mot-cua/can-bo/{}", url_encode(id))
}

/// The list's filters: a name or user name, a unit, the page.
#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    q: Option<String>,
    don_vi: Option<String>,
    trang: Option<String>,
}

/// `GET /mot-cua/can-bo`: the officials of the units the actor manages.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(p): Query<ListParams>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let catalog = state.catalog.get();
    let all = state.admin.officials(&principal.actor, now).await?;
    let q: String = clean_line(p.q.as_deref().unwrap_or_default())
        .chars()
        .take(100)
        .collect();
    let folded = fold(&q);
    let lower = q.to_lowercase();
    let unit = p.don_vi.as_deref().filter(|u| !u.is_empty());
    let mut found: Vec<&User> = all
        .iter()
        .filter(|u| unit.is_none_or(|d| u.agency_id.as_deref() == Some(d)))
        .filter(|u| {
            folded.is_empty()
                || fold(&u.display_name).contains(&folded)
                || u.username
                    .as_deref()
                    .is_some_and(|n| n.contains(&lower) || fold(n).contains(&folded))
        })
        .collect();
    found.sort_by_cached_key(|u| collation_key(&u.display_name));
    let pages = found.len().div_ceil(PAGE).max(1);
    let page = p
        .trang
        .as_deref()
        .and_then(|t| t.parse::<usize>().ok())
        .filter(|n| (1..=pages).contains(n))
        .unwrap_or(1);
    let rows: Vec<Value> = found
        .iter()
        .skip((page - 1) * PAGE)
        .take(PAGE)
        .map(|u| {
            json!({
                "href": official_path(&u.id),
                "name": u.display_name,
                "username": u.username,
                "unit": u.agency_id.as_deref().map(|a| catalog.agency_name(a)),
                "disabled": u.disabled_at.is_some(),
                "totp": u.totp_enabled,
            })
        })
        .collect();
    let with_officials: BTreeSet<&str> =
        all.iter().filter_map(|u| u.agency_id.as_deref()).collect();
    let link = |n: usize| {
        format!(
            "/mot-cua/can-bo?q={}&don_vi={}&trang={n}",
            url_encode(&q),
            url_encode(unit.unwrap_or_default())
        )
    };
    let ctx = json!({
        "may_import": principal.actor.holds(catalog.hierarchy(), now, Permission::CatalogImport).is_ok(),
        "may_calendar": principal.actor.holds(catalog.hierarchy(), now, Permission::CalendarEdit).is_ok(),
        "q": q,
        "units": agency_options(&catalog, vietnam_date(now), unit, |a| with_officials.contains(a.id.as_str())),
        "filtered": !q.is_empty() || unit.is_some(),
        "rows": rows,
        "total": found.len(),
        "page": page,
        "pages": pages,
        "prev": (page > 1).then(|| link(page - 1)),
        "next": (page < pages).then(|| link(page + 1)),
    });
    let html = render(
        &state,
        "mot-cua/officials.html",
        "Cán bộ và phân quyền",
        ctx,
    )?;
    Ok(Html(html).into_response())
}

/// The agencies where the actor holds `permission` today (every current agency for the
/// operator), for a form's `<select>`.
fn agencies_for(
    state: &AppState,
    principal: &Principal,
    permission: Permission,
    selected: Option<&str>,
) -> Vec<Value> {
    let catalog = state.catalog.get();
    let now = state.clock.now();
    let operator = principal.actor.is_operator();
    let scope = principal.scope(state, permission);
    agency_options(&catalog, vietnam_date(now), selected, |a| {
        operator || scope.agencies.contains(&a.id)
    })
}

/// The fields of the new-official form, in its order.
const NEW_FIELDS: [&str; 4] = ["ten_dang_nhap", "ho_ten", "don_vi", "email"];

fn new_page(
    state: &AppState,
    principal: &Principal,
    form: Option<&FormData>,
    problems: &Problems,
    status: StatusCode,
) -> Result<Response, PageError> {
    let values: serde_json::Map<String, Value> = NEW_FIELDS
        .iter()
        .map(|k| {
            (
                (*k).to_owned(),
                json!(form.map(|f| f.text(k)).unwrap_or_default()),
            )
        })
        .collect();
    let selected = form.map(|f| f.text("don_vi"));
    let problem_context = problems.context();
    let ctx = json!({
        "values": values,
        "agencies": agencies_for(state, principal, Permission::UserManage, selected.as_deref()),
        "min_password": PASSWORD_MIN_CHARS,
        "errors": problem_context["errors"],
        "error_list": problem_context["error_list"],
    });
    let html = render(state, "mot-cua/official_new.html", "Thêm cán bộ", ctx)?;
    Ok((status, Html(html)).into_response())
}

/// `GET /mot-cua/can-bo/moi`
pub async fn new_form(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, PageError> {
    new_page(
        &state,
        &principal,
        None,
        &Problems::default(),
        StatusCode::OK,
    )
}

/// The field of the new-official form a service refusal is about.
fn new_field(code: &str) -> &'static str {
    match code {
        "invalid_username" => "ten_dang_nhap",
        "invalid_email" => "email",
        "invalid_name" => "ho_ten",
        "unknown_agency" => "don_vi",
        _ => "mat_khau",
    }
}

/// `POST /mot-cua/can-bo/moi`
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    form: FormData,
) -> Result<Response, PageError> {
    let mut problems = Problems::default();
    if form.text("don_vi").is_empty() {
        problems.add("don_vi", "Chọn đơn vị công tác của cán bộ");
    }
    if problems.is_empty() {
        let new = NewOfficial {
            username: form.text("ten_dang_nhap"),
            display_name: form.text("ho_ten"),
            agency_id: form.text("don_vi"),
            email: Some(form.text("email")),
            password: form.raw("mat_khau").to_owned(),
        };
        match state
            .admin
            .create_official(&principal.actor, state.clock.now(), new)
            .await
        {
            Ok(user) => {
                return Ok(
                    Redirect::to(&format!("{}?tb=tao#thong-bao", official_path(&user.id)))
                        .into_response(),
                );
            }
            Err(ServiceError::BadRequest { code, message }) => {
                problems.add(new_field(code), message)
            }
            // A user name or e-mail address already taken.
            Err(ServiceError::Conflict(message)) => {
                let field = if message == taken(Identifier::Email) {
                    "email"
                } else {
                    "ten_dang_nhap"
                };
                problems.add(field, message);
            }
            Err(other) => return Err(other.into()),
        }
    }
    new_page(
        &state,
        &principal,
        Some(&form),
        &problems,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// What happened, shown at the top of an official's page after a change (`?tb=`).
fn banner(code: &str) -> Option<&'static str> {
    Some(match code {
        "tao" => "Đã tạo tài khoản. Hãy giao quyền cho cán bộ ở mục “Giao quyền” bên dưới.",
        "cap-quyen" => "Đã giao quyền; quyền có hiệu lực từ ngày bắt đầu.",
        "thu-hoi" => "Đã thu hồi quyền; quyền vẫn được lưu trong lịch sử.",
        "khoa" => "Đã khóa tài khoản: các phiên đăng nhập và mã truy cập của cán bộ đã chấm dứt.",
        "mo-khoa" => "Đã mở khóa tài khoản; cán bộ đăng nhập lại bằng mật khẩu.",
        "mat-khau" => "Đã đặt mật khẩu mới; các phiên đăng nhập cũ của cán bộ đã chấm dứt.",
        _ => return None,
    })
}

/// A grant's state on `today`.
fn grant_status(g: &StoredGrant, today: Date) -> (&'static str, &'static str) {
    if g.revoked_at.is_some() {
        ("revoked", "Đã thu hồi")
    } else if g.grant.valid_from > today {
        ("future", "Chưa đến ngày hiệu lực")
    } else if g.grant.valid_to.is_some_and(|to| to < today) {
        ("expired", "Hết hiệu lực")
    } else {
        ("active", "Đang hiệu lực")
    }
}

fn day(d: Date) -> String {
    d.strftime("%d/%m/%Y").to_string()
}

/// The fields of the grant form, kept when it fails.
const GRANT_FIELDS: [&str; 6] = [
    "vai_tro",
    "co_quan",
    "ca_cap_duoi",
    "thu_tuc",
    "tu_ngay",
    "den_ngay",
];

/// One official's page: details, grants, and the forms the actor may use.
struct OfficialPage<'a> {
    state: &'a AppState,
    principal: &'a Principal,
    user: User,
    form: Option<&'a FormData>,
    note: Option<&'static str>,
}

impl OfficialPage<'_> {
    async fn render(self, problems: &Problems, status: StatusCode) -> Result<Response, PageError> {
        let state = self.state;
        let now = state.clock.now();
        let today = vietnam_date(now);
        let catalog = state.catalog.get();
        let user = &self.user;
        let home = user.agency_id.as_deref();
        // The grants are shown to those who may change them; asking first keeps a plain
        // account manager's visit out of the audit's refusals.
        let may_grant = home.is_some_and(|h| {
            self.principal
                .actor
                .decide(
                    catalog.hierarchy(),
                    now,
                    Permission::GrantManage,
                    Target::agency(h),
                )
                .is_ok()
        });
        let grants = if may_grant {
            state
                .admin
                .grants_of(&self.principal.actor, now, &user.id)
                .await?
        } else {
            Vec::new()
        };
        let mut makers = std::collections::HashMap::new();
        for g in &grants {
            if !makers.contains_key(&g.created_by) {
                makers.insert(g.created_by.clone(), created_by(state, &g.created_by).await);
            }
        }
        let grant_rows: Vec<Value> = grants
            .iter()
            .map(|g| {
                let (status, label) = grant_status(g, today);
                json!({
                    "id": g.id,
                    "role": g.grant.role.label_vi(),
                    "agency": catalog.agency_name(&g.grant.agency_id),
                    "subtree": g.grant.subtree,
                    "procedure": g.grant.procedure.as_ref().map(|p| p.as_str()),
                    "from": day(g.grant.valid_from),
                    "to": g.grant.valid_to.map(day),
                    "status": status,
                    "status_label": label,
                    "created": when(g.created_at),
                    "revoked": g.revoked_at.map(when),
                    "by": makers.get(&g.created_by),
                })
            })
            .collect();
        let value = |k: &str| self.form.map(|f| f.text(k)).unwrap_or_default();
        let values: serde_json::Map<String, Value> = GRANT_FIELDS
            .iter()
            .map(|k| ((*k).to_owned(), json!(value(k))))
            .collect();
        let chosen_role = value("vai_tro");
        let roles: Vec<Value> = state
            .admin
            .delegable_roles(&self.principal.actor, now)
            .into_iter()
            .map(|r| json!({"id": r.as_str(), "label": r.label_vi(), "selected": r.as_str() == chosen_role}))
            .collect();
        let chosen_agency = value("co_quan");
        let selected = if chosen_agency.is_empty() {
            home
        } else {
            Some(chosen_agency.as_str())
        };
        let problem_context = problems.context();
        let ctx = json!({
            "id": user.id,
            "action": official_path(&user.id),
            "name": user.display_name,
            "username": user.username,
            "email": user.email,
            "unit": home.map(|a| catalog.agency_name(a)),
            "disabled": user.disabled_at.map(when),
            "totp": user.totp_enabled,
            "created": when(user.created_at),
            "self": self.principal.actor.user_id() == Some(user.id.as_str()),
            "note": self.note,
            "may_grant": may_grant,
            "grants": grant_rows,
            "roles": roles,
            "agencies": if may_grant { agencies_for(state, self.principal, Permission::GrantManage, selected) } else { Vec::new() },
            "values": values,
            "today": today.to_string(),
            "min_password": PASSWORD_MIN_CHARS,
            "errors": problem_context["errors"],
            "error_list": problem_context["error_list"],
        });
        let html = render(state, "mot-cua/official.html", &user.display_name, ctx)?;
        Ok((status, Html(html)).into_response())
    }
}

/// Who made a grant, as a name: `user:<id>` resolved, `cli` for the command line.
async fn created_by(state: &AppState, by: &str) -> String {
    match by.strip_prefix("user:") {
        Some(id) => match state.admin.user(id).await {
            Ok(u) => u.display_name,
            Err(_) => by.to_owned(),
        },
        None if by == "cli" => "Dòng lệnh (quản trị máy chủ)".to_owned(),
        None => by.to_owned(),
    }
}

/// The official the path names, if the actor manages them.
async fn managed(state: &AppState, principal: &Principal, id: &str) -> Result<User, PageError> {
    Ok(state
        .admin
        .official(&principal.actor, state.clock.now(), id)
        .await?)
}

/// `?tb=` on an official's page.
#[derive(Debug, Default, Deserialize)]
pub struct ShowParams {
    tb: Option<String>,
}

/// `GET /mot-cua/can-bo/{id}`
pub async fn show(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    Query(p): Query<ShowParams>,
) -> Result<Response, PageError> {
    let user = managed(&state, &principal, &id).await?;
    OfficialPage {
        state: &state,
        principal: &principal,
        user,
        form: None,
        note: p.tb.as_deref().and_then(banner),
    }
    .render(&Problems::default(), StatusCode::OK)
    .await
}

/// Back to the official's page with what was done.
fn done(id: &str, what: &str) -> Response {
    Redirect::to(&format!("{}?tb={what}#thong-bao", official_path(id))).into_response()
}

/// A form's failure on the official's page: the page again, the form's values kept, its
/// problems in the summary; a refusal of the rules is shown the same way, answered 403.
async fn failed(
    state: &AppState,
    principal: &Principal,
    user: User,
    form: &FormData,
    problems: &Problems,
    status: StatusCode,
) -> Result<Response, PageError> {
    OfficialPage {
        state,
        principal,
        user,
        form: Some(form),
        note: None,
    }
    .render(problems, status)
    .await
}

/// An optional `<input type="date">`.
fn date_field(form: &FormData, key: &str, problems: &mut Problems) -> Option<Date> {
    let s = form.text(key);
    if s.is_empty() {
        return None;
    }
    match s.parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            problems.add(key, "Nhập ngày theo dạng ngày/tháng/năm");
            None
        }
    }
}

/// `POST /mot-cua/can-bo/{id}/phan-quyen`
pub async fn grant(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let user = managed(&state, &principal, &id).await?;
    let mut problems = Problems::default();
    let role = form.text("vai_tro").parse::<Role>().ok();
    if role.is_none() {
        problems.add("vai_tro", "Chọn vai trò trong danh sách");
    }
    if form.text("co_quan").is_empty() {
        problems.add("co_quan", "Chọn cơ quan, đơn vị của quyền");
    }
    let valid_from = date_field(&form, "tu_ngay", &mut problems);
    let valid_to = date_field(&form, "den_ngay", &mut problems);
    let procedure = Some(form.text("thu_tuc")).filter(|p| !p.is_empty());
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let (Some(role), true) = (role, problems.is_empty()) {
        let req = GrantRequest {
            role,
            agency_id: form.text("co_quan"),
            subtree: form.text("ca_cap_duoi") == "1",
            procedure,
            valid_from,
            valid_to,
        };
        match state
            .admin
            .grant(&principal.actor, state.clock.now(), &id, req)
            .await
        {
            Ok(_) => return Ok(done(&id, "cap-quyen")),
            Err(ServiceError::BadRequest { code, message }) => {
                let field = match code {
                    "invalid_procedure" => "thu_tuc",
                    "invalid_dates" => "den_ngay",
                    "unknown_agency" => "co_quan",
                    _ => "vai_tro",
                };
                problems.add(field, message);
            }
            // A separation-of-duties rule (already audited): said where the form is.
            Err(ServiceError::Forbidden(message)) => {
                problems.add("vai_tro", message);
                status = StatusCode::FORBIDDEN;
            }
            Err(other) => return Err(other.into()),
        }
    }
    failed(&state, &principal, user, &form, &problems, status).await
}

/// `POST /mot-cua/can-bo/{id}/thu-hoi`: revokes the grant `quyen` of this official.
pub async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let grant = form.text("quyen");
    // The grant must be this official's: the page's address says whose grants change
    // (`grants_of` also looks the official up and checks `grant.manage` over their unit).
    let theirs = state
        .admin
        .grants_of(&principal.actor, now, &id)
        .await?
        .iter()
        .any(|g| g.id == grant);
    if !theirs {
        return Err(ServiceError::NotFound("Cán bộ này không có quyền đó.".to_owned()).into());
    }
    state.admin.revoke(&principal.actor, now, &grant).await?;
    Ok(done(&id, "thu-hoi"))
}

/// `POST /mot-cua/can-bo/{id}/khoa`: disables (or, with `mo=1`, enables) the account; a
/// disabling needs its confirmation ticked.
pub async fn lock(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let user = managed(&state, &principal, &id).await?;
    if form.text("mo") == "1" {
        state.admin.enable(&principal.actor, now, &id).await?;
        return Ok(done(&id, "mo-khoa"));
    }
    if form.text("xac_nhan") != "1" {
        let mut problems = Problems::default();
        problems.add(
            "xac_nhan",
            "Đánh dấu xác nhận để khóa tài khoản: cán bộ sẽ bị đăng xuất ngay",
        );
        return failed(
            &state,
            &principal,
            user,
            &form,
            &problems,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state.admin.disable(&principal.actor, now, &id).await {
        Ok(()) => Ok(done(&id, "khoa")),
        Err(ServiceError::Forbidden(message)) => {
            let mut problems = Problems::default();
            problems.add("xac_nhan", message);
            failed(
                &state,
                &principal,
                user,
                &form,
                &problems,
                StatusCode::FORBIDDEN,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /mot-cua/can-bo/{id}/mat-khau`: sets a new password (the policy applies).
pub async fn password(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let now: Timestamp = state.clock.now();
    let user = managed(&state, &principal, &id).await?;
    match state
        .admin
        .reset_password(&principal.actor, now, &id, form.raw("mat_khau"))
        .await
    {
        Ok(()) => Ok(done(&id, "mat-khau")),
        Err(ServiceError::BadRequest { message, .. }) => {
            let mut problems = Problems::default();
            problems.add("mat_khau", message);
            failed(
                &state,
                &principal,
                user,
                &form,
                &problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}
