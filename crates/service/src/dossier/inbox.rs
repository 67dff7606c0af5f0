//! The officer inbox: dossiers at the agencies where the actor holds `dossier.read` (the
//! permission filter runs inside the query), in the order they need attention.

use jiff::Timestamp;
use motcua_core::{catalog::TimeUnit, dossier::Status, identity::Permission};
use motcua_store::{InboxQuery, SummaryPage};

use super::{DossierDeps, DossierService};
use crate::{
    actor::Actor,
    error::{ServiceError, ServiceResult},
};

/// Which statuses a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// The open ones (waiting at the desk, in process, waiting for a supplement, done but not
    /// yet returned).
    #[default]
    Open,
    /// Every status.
    All,
    /// One status.
    Only(Status),
}

impl StatusFilter {
    /// Reads `open` (or nothing), `all`, or a status name.
    pub fn parse(s: Option<&str>) -> ServiceResult<Self> {
        match s {
            None | Some("open") => Ok(Self::Open),
            Some("all") => Ok(Self::All),
            Some(s) => Status::parse(s).map(Self::Only).ok_or_else(|| {
                ServiceError::bad_request(
                    "invalid_parameter",
                    format!(
                        "Tham số status phải là open, all hoặc một trong: {}.",
                        Status::ALL.map(Status::as_str).join(", ")
                    ),
                )
            }),
        }
    }
}

/// What an official asks the inbox for.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    /// Only dossiers assigned to the actor.
    pub mine: bool,
    /// Only dossiers now at this agency.
    pub unit: Option<String>,
    /// Which statuses.
    pub status: StatusFilter,
    /// Only dossiers due within this many working hours.
    pub due_within_hours: Option<f64>,
    /// Only overdue dossiers (in process and past their appointment).
    pub overdue: bool,
    /// Only this procedure.
    pub procedure: Option<String>,
    /// Page, from 1.
    pub page: i64,
    /// Page size, 1–100.
    pub limit: i64,
}

/// Largest page number.
pub const MAX_PAGE: i64 = 10_000;
/// Largest page size.
pub const MAX_LIMIT: i64 = 100;
/// Longest look-ahead for "due within", in working hours.
pub const MAX_DUE_WITHIN_HOURS: f64 = 2_000.0;

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    /// One page of the actor's inbox.
    pub async fn inbox(
        &self,
        actor: &Actor,
        now: Timestamp,
        f: &InboxFilter,
    ) -> ServiceResult<SummaryPage> {
        if !(1..=MAX_LIMIT).contains(&f.limit) {
            return Err(ServiceError::bad_request(
                "invalid_parameter",
                format!("Tham số limit phải từ 1 đến {MAX_LIMIT}."),
            ));
        }
        if !(1..=MAX_PAGE).contains(&f.page) {
            return Err(ServiceError::bad_request(
                "invalid_parameter",
                format!("Tham số page phải từ 1 đến {MAX_PAGE}."),
            ));
        }
        let (mut statuses, mut open_only) = match f.status {
            StatusFilter::Open => (Vec::new(), true),
            StatusFilter::All => (Vec::new(), false),
            StatusFilter::Only(s) => (vec![s], false),
        };
        let mut due_before = None;
        if f.overdue {
            due_before = Some(now);
            statuses = vec![Status::Processing];
        }
        if let Some(h) = f.due_within_hours {
            if !(h.is_finite() && h > 0.0 && h <= MAX_DUE_WITHIN_HOURS) {
                return Err(ServiceError::bad_request(
                    "invalid_parameter",
                    format!("Tham số due_within_hours phải từ 0 đến {MAX_DUE_WITHIN_HOURS}."),
                ));
            }
            let t = self
                .calendars
                .get()
                .national()
                .due_instant(now, h, TimeUnit::WorkingHours)
                .map_err(|e| ServiceError::bad_request("invalid_parameter", e.to_string()))?;
            due_before = Some(due_before.map_or(t, |b: Timestamp| b.min(t)));
            if statuses.is_empty() {
                statuses = vec![Status::Processing];
            }
        }
        open_only &= statuses.is_empty();
        let q = InboxQuery {
            scope: actor.scope(self.catalog.get().hierarchy(), now, Permission::DossierRead),
            assignee: if f.mine {
                actor.user_id().map(str::to_owned)
            } else {
                None
            },
            agency: f.unit.clone(),
            open_only,
            statuses,
            due_before,
            procedure: f.procedure.clone(),
            limit: f.limit,
            offset: (f.page - 1) * f.limit,
        };
        Ok(self.store.inbox(&q).await?)
    }
}
