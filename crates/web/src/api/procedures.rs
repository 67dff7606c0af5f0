//! `/api/v1/procedures`: the catalog.

use axum::{Json, extract::State};
use jiff::Timestamp;
use motcua_core::catalog::{ImplementingLevel, OnlineLevel, Procedure, ProcedureCode};
use motcua_search::Facets;
use motcua_store::VersionInfo;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::{ApiError, ErrorBody},
    extract::{ApiPath, ApiQuery},
    present,
    search::SearchParams,
    state::AppState,
};

/// A procedure in a result list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureSummary {
    /// Procedure code.
    #[schema(example = "1.001193")]
    pub code: String,
    /// Name.
    #[schema(example = "Thủ tục đăng ký khai sinh")]
    pub name: String,
    /// Field (lĩnh vực).
    #[schema(example = "Hộ tịch")]
    pub field: String,
    /// Implementing levels.
    pub levels: Vec<ImplementingLevel>,
    /// Online level.
    pub online_level: OnlineLevel,
    /// Processing time in words, when known.
    #[schema(example = "1 ngày làm việc")]
    pub processing_time: Option<String>,
    /// Fee in words, when known.
    #[schema(example = "Miễn phí")]
    pub fee: Option<String>,
}

/// A count per filter value.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCount {
    /// The value to pass back as the filter.
    pub value: String,
    /// Its label in Vietnamese.
    pub label: String,
    /// Matching procedures with this value (the other filters applied).
    pub count: usize,
}

/// Counts per filter value.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacetCounts {
    /// Per field.
    pub field: Vec<FacetCount>,
    /// Per implementing level.
    pub level: Vec<FacetCount>,
    /// Per online level.
    pub online: Vec<FacetCount>,
}

impl From<&Facets> for FacetCounts {
    fn from(f: &Facets) -> Self {
        Self {
            field: f
                .fields
                .iter()
                .map(|c| FacetCount {
                    value: c.field.clone(),
                    label: c.field.clone(),
                    count: c.count,
                })
                .collect(),
            level: f
                .levels
                .iter()
                .map(|c| FacetCount {
                    value: c.level.slug().to_owned(),
                    label: c.level.label_vi().to_owned(),
                    count: c.count,
                })
                .collect(),
            online: f
                .online
                .iter()
                .map(|c| FacetCount {
                    value: c.online.as_str().to_owned(),
                    label: c.online.label_vi().to_owned(),
                    count: c.count,
                })
                .collect(),
        }
    }
}

/// A page of search results.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureList {
    /// The procedures on this page, best match first.
    pub items: Vec<ProcedureSummary>,
    /// Matching procedures in total.
    pub total: usize,
    /// This page number.
    pub page: u32,
    /// Page size.
    pub limit: u32,
    /// Counts per filter value.
    pub facets: FacetCounts,
}

/// An agency offering the procedure.
#[derive(Debug, Serialize, ToSchema)]
pub struct Offer {
    /// Agency id.
    pub agency_id: String,
    /// Agency name.
    pub agency_name: String,
    /// Online level at this agency.
    pub online_level: OnlineLevel,
}

/// A procedure version in full.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureDetail {
    /// The record.
    #[serde(flatten)]
    pub procedure: Procedure,
    /// Version number.
    pub version: i32,
    /// In force from.
    pub valid_from: Timestamp,
    /// In force until (exclusive); absent for the version in force.
    pub valid_to: Option<Timestamp>,
    /// Agencies of this installation offering it.
    pub offered_by: Vec<Offer>,
    /// Each case's rows classified (aligned with `cases[].components`): which rows are
    /// documents every applicant submits (`required`), documents asked only in some situation
    /// (`conditional`, with the yes/no question a submission answers in `answers`), and notes
    /// (text, never a document). A submission's `components[].index` is the row's index.
    pub documents: Vec<Vec<motcua_core::catalog::requirement::Classified>>,
}

/// One entry of a procedure's version history.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionEntry {
    /// Version number.
    pub version: i32,
    /// In force from.
    pub valid_from: Timestamp,
    /// In force until (exclusive).
    pub valid_to: Option<Timestamp>,
    /// SHA-256 of the content.
    pub content_hash: String,
}

impl From<VersionInfo> for VersionEntry {
    fn from(v: VersionInfo) -> Self {
        Self {
            version: v.version,
            valid_from: v.valid_from,
            valid_to: v.valid_to,
            content_hash: v.content_hash,
        }
    }
}

/// Turns a client-sent code into a [`ProcedureCode`] or a 400 that says the format.
pub(crate) fn parse_code(raw: &str) -> Result<ProcedureCode, ApiError> {
    ProcedureCode::parse(raw).map_err(|e| ApiError::bad_request("invalid_code", e.to_string()))
}

pub(crate) fn summary(p: &Procedure) -> ProcedureSummary {
    ProcedureSummary {
        code: p.code.to_string(),
        name: p.name.clone(),
        field: p.field.clone(),
        levels: p.levels.clone(),
        online_level: p.online_level,
        processing_time: present::summary_time(p),
        fee: present::summary_fee(p),
    }
}

/// Search and browse the procedure catalog.
///
/// Words match with or without diacritics; the last word also matches as a prefix
/// (type-ahead). Best matches come first: exact name, then phrase, then all words.
#[utoipa::path(
    get,
    path = "/api/v1/procedures",
    tag = "catalog",
    operation_id = "list_procedures",
    params(SearchParams),
    responses(
        (status = 200, description = "A page of matching procedures", body = ProcedureList),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
    )
)]
pub async fn list_procedures(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<ProcedureList>, ApiError> {
    let catalog = state.catalog.get();
    let search = params.validate(&catalog)?;
    let page = search.run(&catalog);
    let items = page
        .codes
        .iter()
        .filter_map(|c| catalog.hit(c))
        .map(|p| summary(&p.procedure))
        .collect();
    Ok(Json(ProcedureList {
        items,
        total: page.total,
        page: search.page,
        limit: search.limit,
        facets: FacetCounts::from(&page.facets),
    }))
}

/// Which version to read.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParams {
    /// A past version number; absent for the version in force.
    #[param(minimum = 1)]
    pub version: Option<i32>,
}

/// One procedure in full: the version in force, or a past version.
#[utoipa::path(
    get,
    path = "/api/v1/procedures/{code}",
    tag = "catalog",
    operation_id = "get_procedure",
    params(("code" = String, Path, description = "Procedure code, e.g. 1.001193"), VersionParams),
    responses(
        (status = 200, description = "The procedure", body = ProcedureDetail),
        (status = 400, description = "Malformed code or version", body = ErrorBody),
        (status = 404, description = "No such procedure or version", body = ErrorBody),
    )
)]
pub async fn get_procedure(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(params): ApiQuery<VersionParams>,
) -> Result<Json<ProcedureDetail>, ApiError> {
    let code = parse_code(&code)?;
    let catalog = state.catalog.get();
    let stored = match params.version {
        None => catalog.procedure(&code).map(|p| (**p).clone()),
        Some(v) if v < 1 => {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                "Tham số version phải từ 1 trở lên.",
            ));
        }
        Some(v) => state.store.procedure_version(&code, v).await?,
    };
    let stored = stored.ok_or_else(|| {
        ApiError::not_found(format!("Không có thủ tục {code} (hoặc phiên bản yêu cầu)."))
    })?;
    let offered_by = catalog
        .offers(&code)
        .iter()
        .map(|(id, level)| Offer {
            agency_id: id.clone(),
            agency_name: catalog
                .agency(id)
                .map(|a| a.name.clone())
                .unwrap_or_default(),
            online_level: *level,
        })
        .collect();
    let documents = stored
        .procedure
        .cases
        .iter()
        .map(motcua_core::catalog::requirement::classify_case)
        .collect();
    Ok(Json(ProcedureDetail {
        documents,
        procedure: stored.procedure,
        version: stored.version,
        valid_from: stored.valid_from,
        valid_to: stored.valid_to,
        offered_by,
    }))
}

/// A procedure's version history.
#[utoipa::path(
    get,
    path = "/api/v1/procedures/{code}/versions",
    tag = "catalog",
    operation_id = "list_procedure_versions",
    params(("code" = String, Path, description = "Procedure code, e.g. 1.001193")),
    responses(
        (status = 200, description = "Versions, oldest first", body = Vec<VersionEntry>),
        (status = 400, description = "Malformed code", body = ErrorBody),
        (status = 404, description = "No such procedure", body = ErrorBody),
    )
)]
pub async fn list_procedure_versions(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<VersionEntry>>, ApiError> {
    let code = parse_code(&code)?;
    let versions = state.store.procedure_history(&code).await?;
    if versions.is_empty() {
        return Err(ApiError::not_found(format!("Không có thủ tục {code}.")));
    }
    Ok(Json(versions.into_iter().map(VersionEntry::from).collect()))
}

/// A field with its number of procedures.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldEntry {
    /// Field name (pass it as `field=` to filter).
    #[schema(example = "Hộ tịch")]
    pub name: String,
    /// Procedures in force in it.
    pub count: usize,
}

/// Fields (lĩnh vực) of the catalog with counts.
#[utoipa::path(
    get,
    path = "/api/v1/fields",
    tag = "catalog",
    operation_id = "list_fields",
    responses((status = 200, description = "Fields in Vietnamese alphabetical order", body = Vec<FieldEntry>))
)]
pub async fn list_fields(State(state): State<AppState>) -> Json<Vec<FieldEntry>> {
    let catalog = state.catalog.get();
    Json(
        catalog
            .fields()
            .iter()
            .map(|f| FieldEntry {
                name: f.name.clone(),
                count: f.count,
            })
            .collect(),
    )
}
