//! Catalog search as a service: validates the parameters once, for both the JSON API and the
//! portal's search page.

use motcua_core::{
    catalog::{ImplementingLevel, OnlineLevel},
    text::{char_len, clean_line},
};
use motcua_search::{Facets, Query};
use serde::Deserialize;
use utoipa::IntoParams;

use motcua_service::catalog::Catalog;

use crate::error::ApiError;

/// Longest accepted query text, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Default page size.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page size.
pub const MAX_LIMIT: u32 = 100;
/// Highest page number accepted (deeper paging is never useful to a person and costs work).
pub const MAX_PAGE: u32 = 10_000;

/// Search parameters as received.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words to look for; with or without diacritics. Empty: browse.
    #[param(example = "dang ky khai sinh", max_length = 200)]
    pub q: Option<String>,
    /// Only this field (lĩnh vực), by exact name.
    #[param(max_length = 300)]
    pub field: Option<String>,
    /// Only this implementing level: `ministry`, `province`, `commune`, `other`.
    #[param(pattern = "^(ministry|province|commune|other)?$")]
    pub level: Option<String>,
    /// Only procedures offered by this agency (agency id, see `/api/v1/agencies`).
    pub agency: Option<String>,
    /// Only this online level: `FULL`, `PARTIAL`, `NONE`.
    #[param(pattern = "^(FULL|PARTIAL|NONE)?$")]
    pub online: Option<String>,
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 10000)]
    pub page: Option<u32>,
    /// Results per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// Validated search.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSearch {
    /// Cleaned query text.
    pub q: String,
    /// Field filter.
    pub field: Option<String>,
    /// Level filter.
    pub level: Option<ImplementingLevel>,
    /// Agency filter.
    pub agency: Option<String>,
    /// Online filter.
    pub online: Option<OnlineLevel>,
    /// Page, from 1.
    pub page: u32,
    /// Page size.
    pub limit: u32,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(clean_line).filter(|s| !s.is_empty())
}

impl SearchParams {
    /// Checks every parameter against the catalog; the error names the parameter and says
    /// what to send.
    pub fn validate(&self, catalog: &Catalog) -> Result<ValidSearch, ApiError> {
        let q = non_empty(&self.q).unwrap_or_default();
        if char_len(&q) > MAX_QUERY_CHARS {
            return Err(ApiError::bad_request(
                "query_too_long",
                format!("Từ khóa tìm kiếm dài tối đa {MAX_QUERY_CHARS} ký tự."),
            ));
        }
        let field = non_empty(&self.field);
        if field.as_deref().is_some_and(|f| char_len(f) > 300) {
            return Err(ApiError::bad_request(
                "invalid_parameter",
                "Tham số field quá dài.",
            ));
        }
        // Closed sets are matched exactly, as the API document states them (an empty value is
        // no filter, as a form's "all" option sends it).
        let level = match self.level.as_deref().filter(|l| !l.is_empty()) {
            None => None,
            Some(l) => Some(ImplementingLevel::from_slug(l).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_parameter",
                    "Tham số level phải là một trong: ministry, province, commune, other.",
                )
            })?),
        };
        let online = match self.online.as_deref().filter(|o| !o.is_empty()) {
            None => None,
            Some(o) => Some(
                OnlineLevel::ALL
                    .into_iter()
                    .find(|l| l.as_str() == o)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_parameter",
                            "Tham số online phải là một trong: FULL, PARTIAL, NONE.",
                        )
                    })?,
            ),
        };
        let agency = non_empty(&self.agency);
        if let Some(a) = &agency
            && catalog.agency(a).is_none()
        {
            return Err(ApiError::bad_request(
                "unknown_agency",
                "Không có cơ quan với mã này; xem danh sách tại /api/v1/agencies.",
            ));
        }
        let page = self.page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(ApiError::bad_request(
                "invalid_paging",
                format!("Tham số page phải từ 1 đến {MAX_PAGE}."),
            ));
        }
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(
                "invalid_paging",
                format!("Tham số limit phải từ 1 đến {MAX_LIMIT}."),
            ));
        }
        Ok(ValidSearch {
            q,
            field,
            level,
            agency,
            online,
            page,
            limit,
        })
    }
}

/// One page of results.
#[derive(Debug)]
pub struct SearchPage {
    /// Matching procedures in total.
    pub total: usize,
    /// Codes on this page, in rank order.
    pub codes: Vec<String>,
    /// Counts per filter value.
    pub facets: Facets,
}

impl ValidSearch {
    /// Runs the search.
    pub fn run(&self, catalog: &Catalog) -> SearchPage {
        let limit = self.limit as usize;
        let mut q = Query::new(self.q.clone());
        q.field = self.field.clone();
        q.level = self.level;
        q.agency = self.agency.clone();
        q.online = self.online;
        q.offset = (self.page as usize - 1) * limit;
        q.limit = limit;
        let r = catalog.search(&q);
        SearchPage {
            total: r.total,
            codes: r.hits.into_iter().map(|h| h.code).collect(),
            facets: r.facets,
        }
    }

    /// Number of pages for `total` results.
    pub fn pages(&self, total: usize) -> u32 {
        let per = self.limit as usize;
        u32::try_from(total.div_ceil(per)).unwrap_or(u32::MAX)
    }
}
