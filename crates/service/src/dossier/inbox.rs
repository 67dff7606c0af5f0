//! The officer inbox: dossiers at the agencies where the actor holds `dossier.read` (the
//! permission filter runs inside the query), in the order they need attention.

use futures_util::future::try_join_all;
use jiff::{Timestamp, civil::Date};
use motcua_core::{
    catalog::TimeUnit,
    dossier::{Status, StepKind, SubmissionChannel},
    identity::{Permission, Scope},
};
use motcua_store::{ApplicantSearch, InboxQuery, InboxSort, SummaryPage};

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
    /// Only procedures of this field of the catalog.
    pub field: Option<String>,
    /// An applicant's name (the start of the full or the given name) or identity number.
    pub applicant: Option<String>,
    /// Only dossiers that arrived by this channel.
    pub channel: Option<SubmissionChannel>,
    /// Only dossiers at a step of this kind (waiting for approval, for the result's issue).
    pub step_kind: Option<StepKind>,
    /// Only dossiers submitted on these days (Vietnam time, both ends included).
    pub submitted_on: (Option<Date>, Option<Date>),
    /// Only dossiers whose appointment falls on these days (both ends included).
    pub due_on: (Option<Date>, Option<Date>),
    /// The order.
    pub sort: InboxSort,
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
        let q = self.inbox_query(actor, now, f)?;
        Ok(self.store.inbox(&q).await?)
    }

    /// How many dossiers of the actor's inbox match each of `filters` (their paging ignored),
    /// counted up to `cap + 1` when a cap is given (see `DossierStore::inbox_count`): the
    /// counts of a page of queue tabs, run side by side over one scope.
    pub async fn inbox_counts(
        &self,
        actor: &Actor,
        now: Timestamp,
        filters: &[InboxFilter],
        cap: Option<i64>,
    ) -> ServiceResult<Vec<i64>> {
        let scope = self.inbox_scope(actor, now);
        let queries = filters
            .iter()
            .map(|f| self.query_in(scope.clone(), actor, now, f))
            .collect::<ServiceResult<Vec<_>>>()?;
        let counts = try_join_all(queries.iter().map(|q| self.store.inbox_count(q, cap))).await?;
        Ok(counts)
    }

    /// Where the actor may read dossiers.
    fn inbox_scope(&self, actor: &Actor, now: Timestamp) -> Scope {
        actor.scope(self.catalog.get().hierarchy(), now, Permission::DossierRead)
    }

    /// The store query of `f`, inside the actor's `dossier.read` scope.
    fn inbox_query(
        &self,
        actor: &Actor,
        now: Timestamp,
        f: &InboxFilter,
    ) -> ServiceResult<InboxQuery> {
        self.query_in(self.inbox_scope(actor, now), actor, now, f)
    }

    /// The store query of `f` inside `scope`.
    fn query_in(
        &self,
        scope: Scope,
        actor: &Actor,
        now: Timestamp,
        f: &InboxFilter,
    ) -> ServiceResult<InboxQuery> {
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
        // A field the catalog does not have holds no procedure, so nothing matches.
        let procedures = f
            .field
            .as_ref()
            .map(|field| self.catalog.get().procedures_in_field(field).to_vec());
        let q = InboxQuery {
            scope,
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
            procedures,
            applicant: f.applicant.as_deref().and_then(ApplicantSearch::from_text),
            channel: f.channel,
            step_kind: f.step_kind,
            submitted: days(f.submitted_on),
            due: days(f.due_on),
            sort: f.sort,
            limit: f.limit,
            offset: (f.page - 1) * f.limit,
        };
        Ok(q)
    }
}

/// Days `[first, last]` of Vietnam time as the instants `[start of first, start of the day
/// after last)`. A day beyond the instants the clock can name bounds nothing.
fn days((first, last): (Option<Date>, Option<Date>)) -> (Option<Timestamp>, Option<Timestamp>) {
    let start = |d: Date| {
        d.to_zoned(motcua_core::identity::vietnam_tz())
            .ok()
            .map(|z| z.timestamp())
    };
    (
        first.and_then(start),
        last.and_then(|d| d.tomorrow().ok()).and_then(start),
    )
}
