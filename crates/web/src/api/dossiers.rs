//! The dossier API: submission (idempotent), the dossier screen in one call, actions, the
//! officer inbox, an applicant's own dossiers, the public lookup, and files.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use jiff::{Timestamp, civil::Date};
use motcua_core::{
    calendar::WorkCalendar,
    dossier::{FileRef, Status, StepKind, SubmissionChannel},
};
use motcua_store::{Created, IdempotencyKey, InboxSort};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use utoipa::{IntoParams, ToSchema};

use motcua_service::dossier::{InboxFilter, StatusFilter};

use crate::{
    auth::{Principal, principal::Client},
    dossier::{
        request::{ActionRequest, SubmitRequest, idempotency_key, parse_json},
        view::{self, DossierItem, DossierView, PublicLookup},
    },
    error::{ApiError, ErrorBody},
    extract::{ApiBody, ApiPath, ApiQuery},
    state::AppState,
};

/// The answer to a submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionReceipt {
    /// The dossier code: keep it to look the dossier up.
    #[schema(example = "000.00.00.H06-261125-0001")]
    pub code: String,
    /// Status.
    pub status: Status,
    /// Status label.
    pub status_label: String,
    /// National status code.
    pub national_status: u8,
    /// The appointment, once received.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub due: Option<Timestamp>,
    /// When the desk must answer an online submission.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub intake_due: Option<Timestamp>,
    /// Whether this answers a retry of an earlier request (same `Idempotency-Key`).
    pub replayed: bool,
    /// With the code, what lets anyone holding the receipt look the dossier up (printed on
    /// the receipt and in its QR code).
    #[schema(example = "K7QM2XWD")]
    pub lookup_key: String,
}

fn hash(body: &[u8]) -> String {
    motcua_service::crypto::hex(&sha2::Sha256::digest(body))
}

/// Submits a dossier. An applicant submits online; an officer holding `dossier.receive` at the
/// agency enters a desk, postal or national-portal dossier, which is received at once (Form
/// 01). Send an `Idempotency-Key` header (a UUID) to make retries safe: a retried request
/// answers 200 with the dossier made the first time and never makes a second one.
#[utoipa::path(
    post,
    path = "/api/v1/dossiers",
    tag = "dossiers",
    operation_id = "submit_dossier",
    security(("bearer" = []), ("session" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe (1–200 visible ASCII characters)", pattern = "^[!-~]{1,200}$")),
    request_body = SubmitRequest,
    responses(
        (status = 201, description = "Submitted", body = SubmissionReceipt,
         headers(("Location" = String, description = "The dossier's URL")),
         example = json!({"code": "000.00.00.H06-261125-0001", "status": "submitted",
            "status_label": "Chờ tiếp nhận", "national_status": 1, "due": null,
            "intake_due": "2026-11-26T09:00:00+07:00", "replayed": false,
            "lookup_key": "K7QM2XWD"})),
        (status = 200, description = "A retry: the dossier made the first time", body = SubmissionReceipt),
        (status = 400, description = "Not JSON, or a malformed Idempotency-Key", body = ErrorBody),
        (status = 403, description = "An officer without `dossier.receive` at the agency", body = ErrorBody),
        (status = 409, description = "The Idempotency-Key was used with another body", body = ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        (status = 422, description = "A field is invalid: unknown procedure, missing required component, invalid ID number …",
         body = ErrorBody, example = json!({"error": {"code": "invalid_field",
            "message": "applicant.citizen_id: số định danh cá nhân gồm 12 chữ số, 3 số đầu là mã tỉnh (001–096)",
            "field": "applicant.citizen_id"}})),
    )
)]
pub async fn submit_dossier(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?.map(|key| IdempotencyKey {
        owner: principal.user.id.clone(),
        key,
        request_hash: hash(&body),
    });
    let req: SubmitRequest = parse_json(&headers, &body)?;
    let submitted = state
        .dossiers
        .submit(&principal.actor, state.clock.now(), req, key)
        .await?;
    let (d, replayed) = match submitted {
        Created::New(d) => (*d, false),
        Created::Replayed {
            code,
            same_request: true,
        } => {
            let d = state
                .store
                .dossier(code.as_str())
                .await?
                .ok_or_else(|| ApiError::internal(format!("dossier {code} vanished")))?;
            (d, true)
        }
        Created::Replayed {
            same_request: false,
            ..
        } => {
            return Err(ApiError::conflict(
                "Idempotency-Key này đã được dùng cho một yêu cầu khác.",
            ));
        }
    };
    let code = d.code.clone();
    let receipt = SubmissionReceipt {
        code: code.to_string(),
        status: d.status,
        status_label: d.status.label_vi().to_owned(),
        national_status: d.national_status(),
        due: d.due.legal,
        intake_due: d.intake_due,
        replayed,
        lookup_key: d.lookup_key.clone(),
    };
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut response = (status, Json(receipt)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/dossiers/{code}")) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

fn view_of(
    state: &AppState,
    principal: &Principal,
    d: motcua_core::dossier::Dossier,
    history: Vec<motcua_core::dossier::HistoryEntry>,
) -> DossierView {
    let now = state.clock.now();
    let calendar: std::sync::Arc<WorkCalendar> = state.dossiers.calendar_for(&d.competent_agency);
    let actions = state.dossiers.actions_for(&principal.actor, now, &d);
    view::dossier_view(d, history, actions, &state.catalog.get(), &calendar, now)
}

/// Everything a dossier screen needs in one answer: the dossier, history, deadlines with
/// explanations, process position, the caller's possible actions, and Forms 05 and 06 data.
/// Visible to its applicant and to officials holding `dossier.read` at an agency involved;
/// anyone else gets 404, as for a code that does not exist.
#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}",
    tag = "dossiers",
    operation_id = "get_dossier",
    security(("bearer" = []), ("session" = [])),
    params(("code" = String, Path, description = "Dossier code", example = "000.00.00.H06-261125-0001")),
    responses(
        (status = 200, description = "The dossier", body = DossierView),
        (status = 400, description = "Malformed code", body = ErrorBody),
        (status = 404, description = "No such dossier, or not visible to the caller", body = ErrorBody),
    )
)]
pub async fn get_dossier(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<DossierView>, ApiError> {
    let d = state
        .dossiers
        .load_visible(&principal.actor, state.clock.now(), &code)
        .await?;
    let history = state.dossiers.history(&principal.actor, &d).await?;
    Ok(Json(view_of(&state, &principal, d, history)))
}

/// Takes an action. `accept`, `request_supplement` (`items`: every missing item at once),
/// `supplement_received` (`components`), `refuse` (`reason`), `assign` (`assignee`),
/// `forward` (`note`), `send_back` (`to_step`, `reason`), `consult` (`agency`, `question`,
/// `days`), `reply` (`consultation`, `answer`), `transfer` (`agency`, `reason`), `approve`,
/// `issue_result` (`number`, `signed_on`, `file`), `return_result`, `withdraw` (`reason`;
/// the applicant may), `stop` (`reason`), `apologise` (`reason`, `new_due`; once, at least
/// one working day before the due), `comment` (`text`). Send `revision` to be told (409) when
/// someone else changed the dossier since you read it. An action the state does not allow
/// gets 409 with the allowed ones in `error.allowed`.
#[utoipa::path(
    post,
    path = "/api/v1/dossiers/{code}/actions/{action}",
    tag = "dossiers",
    operation_id = "act_on_dossier",
    security(("bearer" = []), ("session" = [])),
    params(
        ("code" = String, Path, description = "Dossier code"),
        ("action" = String, Path, description = "Action name", example = "accept"),
    ),
    request_body = ActionRequest,
    responses(
        (status = 200, description = "The dossier after the action", body = DossierView),
        (status = 400, description = "Not JSON, or a malformed code", body = ErrorBody),
        (status = 403, description = "The caller may not take this action here", body = ErrorBody),
        (status = 404, description = "No such dossier or action", body = ErrorBody),
        (status = 409, description = "The state does not allow it, or the dossier changed", body = ErrorBody,
         example = json!({"error": {"code": "illegal_transition",
            "message": "không thể phê duyệt, ký khi hồ sơ ở trạng thái \"Chờ tiếp nhận\"",
            "allowed": ["accept", "request_supplement", "refuse", "transfer", "withdraw", "comment"]}})),
        (status = 422, description = "A field is missing or invalid", body = ErrorBody),
    )
)]
pub async fn act_on_dossier(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((code, action)): ApiPath<(String, String)>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Json<DossierView>, ApiError> {
    let req: ActionRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ActionRequest::default()
    } else {
        parse_json(&headers, &body)?
    };
    let d = state
        .dossiers
        .act(&principal.actor, state.clock.now(), &code, &action, req)
        .await?;
    let history = state.dossiers.history(&principal.actor, &d).await?;
    Ok(Json(view_of(&state, &principal, d, history)))
}

/// Inbox filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxParams {
    /// Only dossiers assigned to me.
    pub mine: Option<bool>,
    /// Only dossiers now at this agency.
    pub unit: Option<String>,
    /// Only this status (`submitted`, `processing`, `awaiting_supplement`, `done`, `returned`,
    /// `refused`, `withdrawn`, `stopped`), or `all`. Default: the open ones (submitted,
    /// processing, awaiting a supplement, done but not yet returned).
    pub status: Option<String>,
    /// Only dossiers due within this many working hours (more than 0, at most 2000).
    #[param(exclusive_minimum = 0, maximum = 2000)]
    pub due_within_hours: Option<f64>,
    /// Only overdue dossiers (open and past their appointment).
    pub overdue: Option<bool>,
    /// Only this procedure.
    pub procedure: Option<String>,
    /// Only procedures of this field of the catalog (as `GET /api/v1/procedures` names it).
    pub field: Option<String>,
    /// The applicant: the start of the full name or of the given name (marks and case do not
    /// matter), or, with digits, the identity number or tax code.
    pub applicant: Option<String>,
    /// Only dossiers that arrived by this channel.
    pub channel: Option<SubmissionChannel>,
    /// Only dossiers in process at a step of this kind (`approve`: waiting for approval,
    /// `issue`: the result to issue).
    pub step: Option<StepKind>,
    /// Submitted on or after this day (Vietnam date).
    #[param(value_type = Option<String>, format = Date, example = "2026-11-01")]
    pub submitted_from: Option<Date>,
    /// Submitted on or before this day.
    #[param(value_type = Option<String>, format = Date, example = "2026-11-30")]
    pub submitted_to: Option<Date>,
    /// Appointment (legal due) on or after this day.
    #[param(value_type = Option<String>, format = Date)]
    pub due_from: Option<Date>,
    /// Appointment on or before this day.
    #[param(value_type = Option<String>, format = Date)]
    pub due_to: Option<Date>,
    /// The order: what needs attention first (default), newest or oldest submission first.
    #[param(inline)]
    pub sort: Option<InboxOrder>,
    /// Page, from 1.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<i64>,
    /// Page size, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// The orders of an inbox page.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InboxOrder {
    /// The legal due, else the desk's intake deadline, soonest first.
    Attention,
    /// Most recently submitted first.
    Newest,
    /// Earliest submitted first.
    Oldest,
}

impl From<InboxOrder> for InboxSort {
    fn from(o: InboxOrder) -> Self {
        match o {
            InboxOrder::Attention => Self::Attention,
            InboxOrder::Newest => Self::Newest,
            InboxOrder::Oldest => Self::Oldest,
        }
    }
}

/// A page of dossiers.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierPage {
    /// Rows, soonest due first.
    pub items: Vec<DossierItem>,
    /// Rows matching.
    pub total: i64,
}

/// The officer inbox: dossiers at the agencies where the caller holds `dossier.read` (the
/// permission filter runs inside the query), in the order they need attention (legal due, else
/// the desk's intake deadline).
#[utoipa::path(
    get,
    path = "/api/v1/inbox",
    tag = "dossiers",
    operation_id = "inbox",
    security(("bearer" = []), ("session" = [])),
    params(InboxParams),
    responses(
        (status = 200, description = "Dossiers", body = DossierPage),
        (status = 400, description = "Bad filter", body = ErrorBody),
        (status = 403, description = "Not an official", body = ErrorBody),
    )
)]
pub async fn inbox(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(p): ApiQuery<InboxParams>,
) -> Result<Json<DossierPage>, ApiError> {
    let now = state.clock.now();
    let filter = InboxFilter {
        mine: p.mine == Some(true),
        unit: p.unit,
        status: StatusFilter::parse(p.status.as_deref())?,
        due_within_hours: p.due_within_hours,
        overdue: p.overdue == Some(true),
        procedure: p.procedure,
        field: p.field,
        applicant: p.applicant,
        channel: p.channel,
        step_kind: p.step,
        submitted_on: (p.submitted_from, p.submitted_to),
        due_on: (p.due_from, p.due_to),
        sort: p.sort.map(InboxSort::from).unwrap_or_default(),
        page: p.page.unwrap_or(1),
        limit: p.limit.unwrap_or(20),
    };
    let result = state.dossiers.inbox(&principal.actor, now, &filter).await?;
    let catalog = state.catalog.get();
    Ok(Json(DossierPage {
        items: result
            .items
            .into_iter()
            .map(|s| view::item(s, &catalog, now))
            .collect(),
        total: result.total,
    }))
}

/// The caller's own dossiers (as applicant), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/me/dossiers",
    tag = "dossiers",
    operation_id = "my_dossiers",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "Dossiers", body = DossierPage))
)]
pub async fn my_dossiers(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<DossierPage>, ApiError> {
    let now = state.clock.now();
    let rows = state.dossiers.owned(&principal.actor, 200).await?;
    let catalog = state.catalog.get();
    let items: Vec<DossierItem> = rows
        .into_iter()
        .map(|s| view::item(s, &catalog, now))
        .collect();
    Ok(Json(DossierPage {
        total: items.len() as i64,
        items,
    }))
}

/// What proves the caller may see a dossier's status.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    /// The lookup key printed on the receipt (and in its QR code), or the last four digits of
    /// the applicant's phone or identity number.
    #[param(example = "K7QM2XWD", max_length = 64)]
    pub k: Option<String>,
}

/// Public lookup by code and a second factor: status and appointment only, nothing personal.
/// A wrong factor is answered exactly like an unknown code (404), and failed lookups are
/// throttled per client network (429 past the limit).
#[utoipa::path(
    get,
    path = "/api/v1/lookup/{code}",
    tag = "dossiers",
    operation_id = "lookup_dossier",
    params(("code" = String, Path, description = "Dossier code", example = "000.00.00.H06-261125-0001"), LookupParams),
    responses(
        (status = 200, description = "Status", body = PublicLookup,
         example = json!({"code": "000.00.00.H06-261125-0001", "procedure_name": "Thủ tục đăng ký khai sinh",
            "status_label": "Đang xử lý", "national_status": 4, "received_at": "2026-11-25T09:00:00+07:00",
            "appointment": "2026-11-26T09:00:00+07:00", "returned_at": null})),
        (status = 400, description = "Malformed code", body = ErrorBody),
        (status = 404, description = "No such dossier, or the second factor does not match", body = ErrorBody),
        (status = 429, description = "Too many failed lookups from this network", body = ErrorBody),
    )
)]
pub async fn lookup_dossier(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<LookupParams>,
) -> Result<Json<PublicLookup>, ApiError> {
    let p = state
        .dossiers
        .lookup(
            &ctx,
            state.clock.now(),
            &code,
            q.k.as_deref().unwrap_or_default(),
        )
        .await?;
    Ok(Json(view::public_lookup(p, &state.catalog.get())))
}

/// Upload parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    /// The file's name.
    pub name: String,
}

/// Uploads one file (the raw body, with its `Content-Type`: PDF, JPEG, PNG or XML; at most
/// 20 MiB) for use in a submission or an action by the same account.
#[utoipa::path(
    post,
    path = "/api/v1/files",
    tag = "dossiers",
    operation_id = "upload_file",
    security(("bearer" = []), ("session" = [])),
    params(UploadParams),
    request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses(
        (status = 201, description = "Stored", body = FileRef),
        (status = 413, description = "Over 20 MiB", body = ErrorBody),
        (status = 422, description = "Empty, bad name or type", body = ErrorBody),
    )
)]
pub async fn upload_file(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(p): ApiQuery<UploadParams>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<(StatusCode, Json<FileRef>), ApiError> {
    let media_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let file = state
        .dossiers
        .upload(
            &principal.actor,
            state.clock.now(),
            &p.name,
            media_type,
            &body,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(file)))
}

/// Downloads a file of a dossier the caller may read.
#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}/files/{id}",
    tag = "dossiers",
    operation_id = "get_dossier_file",
    security(("bearer" = []), ("session" = [])),
    params(
        ("code" = String, Path, description = "Dossier code"),
        ("id" = String, Path, description = "File id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, description = "No such file in a dossier visible to the caller", body = ErrorBody),
    )
)]
pub async fn get_dossier_file(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((code, id)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let (meta, content) = state
        .dossiers
        .dossier_file(&principal.actor, state.clock.now(), &code, &id)
        .await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        meta.name
            .replace(['"', '\\'], "_")
            .chars()
            .filter(char::is_ascii)
            .collect::<String>()
    );
    let mut response = content.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&meta.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}
