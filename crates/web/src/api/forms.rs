//! The printed forms of the one-stop desk: Forms 01–05 of one dossier as PDF, and a desk's
//! tracking ledger (Form 06) as PDF, XLSX or CSV.
//!
//! The pure `motcua-forms` crate prints plain data; this module resolves what the dossier holds
//! as identifiers (agencies, officers) to the names printed, and runs the rendering — CPU work
//! of tens of milliseconds — in `spawn_blocking`, off the request threads.
//!
//! The words come from the issuing desk's wording (`service::wording`: the shipped wording
//! with the agency's override): a dossier's forms from its receiving desk's, the ledger from
//! its desk's — the unit whose name heads the paper is the one that chose its words.

use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use jiff::civil::Date;
use motcua_core::{
    dossier::{Dossier, HistoryEntry, Status},
    identity::vietnam_date,
};
use motcua_forms::{FormData, FormKind, Header, Ledger, LedgerRow, Wording};
use serde::Deserialize;
use utoipa::IntoParams;

use motcua_service::catalog::Catalog;

use crate::{
    auth::Principal,
    error::{ApiError, ErrorBody},
    extract::{ApiPath, ApiQuery},
    state::AppState,
};

/// Whether a dossier has what `kind` prints: a receipt once received, a supplement request
/// once one was made, a refusal once refused, an apology once made, a control slip once the
/// dossier entered its process. Printing a form that does not apply would hand the applicant
/// a paper that says something untrue.
pub fn applies(kind: FormKind, d: &Dossier) -> bool {
    match kind {
        FormKind::Receipt01 => d.accepted_at.is_some(),
        FormKind::Supplement02 => !d.supplements.is_empty(),
        FormKind::Refusal03 => d.status == Status::Refused && d.closing_notice.is_some(),
        FormKind::Apology04 => d.apology.is_some(),
        FormKind::ControlSlip05 => !d.steps.is_empty(),
    }
}

/// The forms of `d` that apply, as `(number, title)`, for links on the dossier screen. `w` is
/// the receiving desk's wording, so a link reads like the title of the paper it prints.
pub fn printable(d: &Dossier, w: &Wording) -> Vec<(&'static str, String)> {
    FormKind::ALL
        .into_iter()
        .filter(|&k| applies(k, d))
        .map(|k| (k.number(), k.title(w)))
        .collect()
}

/// The place on the date line: the area named by the root of the agency's tree ("… tỉnh Bắc
/// Ninh" gives "Bắc Ninh"), read from the data, never written into code.
fn place(catalog: &Catalog, id: &str) -> String {
    let hierarchy = catalog.hierarchy();
    let root = hierarchy.ancestors(id).last().copied().unwrap_or(id);
    let name = catalog.agency_name(root);
    ["thành phố ", "tỉnh "]
        .iter()
        .find_map(|k| name.rfind(k).map(|i| name[i + k.len()..].to_owned()))
        .unwrap_or(name)
}

/// The header of a form issued by the desk `desk`: its parent as governing body.
fn header(catalog: &Catalog, desk: &str, date: Option<Date>) -> Header {
    let parent = catalog.agency(desk).and_then(|a| a.parent.clone());
    Header {
        governing_body: parent.map(|p| catalog.agency_name(&p)).unwrap_or_default(),
        issuing_unit: catalog.agency_name(desk),
        number: None,
        place: place(catalog, desk),
        date,
    }
}

/// The lookup URL in the QR code of Forms 01 and 04: the public status, with the key printed
/// on the receipt.
/// The public lookup page of the dossier with its key: what the QR code on Forms 01 and 04
/// opens on a phone.
fn lookup_url(state: &AppState, d: &Dossier) -> String {
    format!(
        "{}/tra-cuu-ho-so?ma={}&k={}",
        state.auth.config.public_url.trim_end_matches('/'),
        d.code,
        d.lookup_key
    )
}

/// What Form `kind` prints about `d`.
fn form_data(state: &AppState, d: &Dossier, history: &[HistoryEntry], kind: FormKind) -> FormData {
    let catalog = state.catalog.get();
    let name = |id: &str| catalog.agency_name(id);
    let mut data = FormData::from_dossier(d, name);
    let date = match kind {
        FormKind::Receipt01 => d.accepted_at,
        FormKind::Supplement02 => d.supplements.last().map(|s| s.at),
        FormKind::Refusal03 => d.closing_notice.as_ref().map(|n| n.at),
        FormKind::Apology04 => d.apology.as_ref().map(|a| a.at),
        FormKind::ControlSlip05 => None,
    };
    data.header = header(&catalog, &d.receiving_agency, date.map(vietnam_date));
    data.unit = catalog.agency_name(&d.receiving_agency);
    if matches!(kind, FormKind::Receipt01 | FormKind::Apology04) {
        data.lookup_url = Some(lookup_url(state, d));
    }
    // The officer who received it: whoever accepted it online, or entered it at the desk.
    data.signers.receiver = history
        .iter()
        .find(|h| h.action == "accept" || (h.action == "submit" && d.owner_id.is_none()))
        .and_then(|h| h.actor.as_ref())
        .map(|p| p.name.clone())
        .unwrap_or_default();
    data
}

/// A rendered file as the answer.
fn file_response(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // Personal data: never kept by a shared cache.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    r
}

/// Runs a renderer off the request threads.
async fn render_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, motcua_forms::FormError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("form rendering: {e}")))?
        .map_err(|e| match e {
            motcua_forms::FormError::TooLong { .. } => ApiError::bad_request(
                "too_long",
                format!("{e}; hãy chọn một khoảng thời gian ngắn hơn."),
            ),
            other => ApiError::internal(format!("form rendering: {other}")),
        })
}

/// One of Forms 01–05 of a dossier as PDF (A5): `01` the receipt and appointment, `02` the
/// supplement request, `03` the refusal, `04` the apology with the new appointment, `05` the
/// control slip. Visible to whoever may read the dossier (anyone else gets 404, as for a code
/// that does not exist); a form the dossier has nothing for (a refusal of a dossier that was
/// not refused) is 404 too.
#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{code}/forms/{form}",
    tag = "dossiers",
    operation_id = "get_dossier_form",
    security(("bearer" = []), ("session" = [])),
    params(
        ("code" = String, Path, description = "Dossier code", example = "000.00.00.H06-261125-0001"),
        ("form" = String, Path, description = "The form's file: `01.pdf` … `05.pdf`", example = "01.pdf"),
    ),
    responses(
        (status = 200, description = "The form", content_type = "application/pdf"),
        (status = 400, description = "Malformed code", body = ErrorBody),
        (status = 404, description = "No such dossier or form, or not visible to the caller", body = ErrorBody),
    )
)]
pub async fn get_dossier_form(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((code, form)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let kind = form
        .strip_suffix(".pdf")
        .filter(|n| n.len() == 2)
        .and_then(FormKind::from_number)
        .ok_or_else(|| ApiError::not_found("Chỉ có các mẫu 01.pdf đến 05.pdf."))?;
    let d = state
        .dossiers
        .load_visible(&principal.actor, state.clock.now(), &code)
        .await?;
    if !applies(kind, &d) {
        return Err(ApiError::not_found(
            "Hồ sơ này chưa có nội dung cho mẫu này (chưa tiếp nhận, chưa yêu cầu bổ sung, \
             không bị từ chối, chưa xin lỗi hoặc chưa vào quy trình).",
        ));
    }
    let history = state.dossiers.history(&principal.actor, &d).await?;
    pdf_response(&state, &d, &history, kind).await
}

/// Form `kind` of `d` as a PDF answer; the desk's preview of a Form 02 not yet saved comes
/// through here too.
pub(crate) async fn pdf_response(
    state: &AppState,
    d: &Dossier,
    history: &[HistoryEntry],
    kind: FormKind,
) -> Result<Response, ApiError> {
    let data = form_data(state, d, history, kind);
    let w = state.wording.effective(&d.receiving_agency).await?;
    let pdf = render_blocking(move || motcua_forms::render(kind, &w, &data)).await?;
    Ok(file_response(
        pdf,
        "application/pdf",
        &format!("{}-mau-{}.pdf", d.code, kind.number()),
    ))
}

/// The ledger's period and format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LedgerParams {
    /// The one-stop desk (agency id).
    #[param(example = "bn.x07210.tt")]
    pub agency: String,
    /// First day, Vietnam date.
    #[param(value_type = String, format = Date, example = "2026-11-01")]
    pub from: Date,
    /// Last day (included), at most 366 days after `from`.
    #[param(value_type = String, format = Date, example = "2026-11-30")]
    pub to: Date,
    /// `pdf` (default), `xlsx` or `csv`.
    #[param(pattern = "^(pdf|xlsx|csv)$")]
    pub format: Option<String>,
}

/// The tracking ledger (Form 06) of a one-stop desk over a period: the dossiers received
/// there, oldest first, numbered as in the desk's ledger book — continuously over the calendar
/// year (a ledger from 1 March goes on from the dossiers received since 1 January), from 1
/// again on 1 January. For officials holding
/// `dossier.read` over the whole desk. PDF on A4 landscape, XLSX, or CSV (UTF-8 with a byte
/// order mark, so spreadsheet programs open the Vietnamese text).
#[utoipa::path(
    get,
    path = "/api/v1/ledger",
    tag = "dossiers",
    operation_id = "get_ledger",
    security(("bearer" = []), ("session" = [])),
    params(LedgerParams),
    responses(
        (status = 200, description = "The ledger, in the format asked for", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
        )),
        (status = 400, description = "Bad parameter, or a ledger too long to print", body = ErrorBody),
        (status = 403, description = "No `dossier.read` over this desk", body = ErrorBody),
        (status = 422, description = "Unknown agency, or a period over 366 days", body = ErrorBody),
    )
)]
pub async fn get_ledger(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(p): ApiQuery<LedgerParams>,
) -> Result<Response, ApiError> {
    let format = p.format.as_deref().unwrap_or("pdf");
    if !["pdf", "xlsx", "csv"].contains(&format) {
        return Err(ApiError::bad_request(
            "invalid_parameter",
            "Tham số format phải là pdf, xlsx hoặc csv.",
        ));
    }
    let entries = state
        .dossiers
        .desk_ledger(&principal.actor, state.clock.now(), &p.agency, p.from, p.to)
        .await?;
    let catalog = state.catalog.get();
    let ledger = Ledger {
        header: header(&catalog, &p.agency, Some(vietnam_date(state.clock.now()))),
        desk: catalog.agency_name(&p.agency),
        from: Some(p.from),
        to: Some(p.to),
        rows: entries
            .iter()
            .map(|e| LedgerRow::from_dossier(e.number, &e.dossier, |id| catalog.agency_name(id)))
            .collect(),
    };
    drop(catalog);
    let w = state.wording.effective(&p.agency).await?;
    let name = format!("so-theo-doi-{}-{}-{}.{format}", p.agency, p.from, p.to);
    Ok(match format {
        "xlsx" => file_response(
            render_blocking(move || motcua_forms::ledger_xlsx(&w, &ledger)).await?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &name,
        ),
        "csv" => file_response(
            render_blocking(move || Ok(motcua_forms::ledger_csv(&w, &ledger))).await?,
            "text/csv; charset=utf-8",
            &name,
        ),
        _ => file_response(
            render_blocking(move || motcua_forms::ledger_pdf(&w, &ledger)).await?,
            "application/pdf",
            &name,
        ),
    })
}
