//! `/api/v1/agencies`: the agency tree with validity dates and successions.

use axum::{Json, extract::State};
use jiff::civil::Date;
use motcua_core::agency::Agency;
use motcua_service::catalog::AgencyNode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    error::{ApiError, ErrorBody},
    extract::ApiQuery,
    state::AppState,
};

/// An agency with the agencies under it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyTreeNode {
    /// The agency.
    #[serde(flatten)]
    pub agency: Agency,
    /// Whether its identifier may be used in official dossier codes as is (`false` when it
    /// is unknown, inferred or provisional).
    pub identifier_confirmed: bool,
    /// Agencies under it.
    #[schema(no_recursion)]
    pub children: Vec<AgencyTreeNode>,
}

impl AgencyTreeNode {
    fn from_node(n: &AgencyNode<'_>) -> Self {
        Self {
            agency: n.agency.clone(),
            identifier_confirmed: n.agency.identifier_status
                == Some(motcua_core::agency::IdentifierStatus::Official),
            children: n.children.iter().map(Self::from_node).collect(),
        }
    }
}

/// Which agencies to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgencyParams {
    /// Only agencies that exist on this date (YYYY-MM-DD). Absent: all, including expired
    /// agencies with their successors.
    #[param(value_type = Option<String>, format = Date, example = "2026-01-01")]
    pub at: Option<String>,
}

/// The agency tree.
#[utoipa::path(
    get,
    path = "/api/v1/agencies",
    tag = "agencies",
    operation_id = "list_agencies",
    params(AgencyParams),
    responses(
        (status = 200, description = "Root agencies with their subtrees", body = Vec<AgencyTreeNode>),
        (status = 400, description = "Malformed date", body = ErrorBody),
    )
)]
pub async fn list_agencies(
    State(state): State<AppState>,
    ApiQuery(params): ApiQuery<AgencyParams>,
) -> Result<Json<Vec<AgencyTreeNode>>, ApiError> {
    let at = params
        .at
        .as_deref()
        .map(|s| {
            s.trim().parse::<Date>().map_err(|_| {
                ApiError::bad_request(
                    "invalid_parameter",
                    "Tham số at phải là ngày dạng YYYY-MM-DD.",
                )
            })
        })
        .transpose()?;
    let catalog = state.catalog.get();
    Ok(Json(
        catalog
            .agency_tree(at)
            .iter()
            .map(AgencyTreeNode::from_node)
            .collect(),
    ))
}
