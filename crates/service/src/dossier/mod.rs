//! The dossier service: the one implementation of submitting, reading and acting on dossiers
//! that the JSON API, the portal and back-office pages, the CLI, the demo generator and the
//! national-portal intake all call.
//!
//! Each operation takes the [`Actor`] and the instant it happens at (time is an input: the
//! demo replays weeks of work at their own instants), validates the request against the
//! in-memory catalog, decides access with the identity model, runs the pure core (intake
//! rules, the state machine) and writes the result with its history, audit events and mails
//! in one transaction.

mod act;
pub mod drafts;
mod files;
pub mod inbox;
mod ledger;
mod lookup;
pub mod notify;
mod reception;
pub mod request;
pub mod scan;
mod submit;

use std::sync::Arc;

use jiff::Timestamp;
use motcua_core::{
    audit::Outcome,
    calendar::WorkCalendar,
    dossier::{self, ActionKind, Dossier, DossierCode, DossierRules, HistoryEntry, Person},
    identity::{Permission, vietnam_date},
};
use motcua_store::{AuditStore, DossierStore, DraftStore, GrantStore, ThrottleStore, UserStore};

pub use act::Assignable;
pub use drafts::{DraftData, DraftView};
pub use files::{FileRules, MyDocument, dossier_has_file, sniff};
pub use inbox::{InboxFilter, StatusFilter};
pub use ledger::{LedgerEntry, MAX_LEDGER_DAYS, year_numbers};
pub use lookup::LOOKUP_POLICY;
pub use reception::EarlierApplicant;
pub use request::{ActionRequest, ComponentInput, ConditionAnswer, DeskDecision, SubmitRequest};

use crate::{
    actor::{Actor, Target, record},
    calendar::CalendarHandle,
    catalog::{Catalog, CatalogHandle},
    error::{ServiceError, ServiceResult},
};

/// The storage the dossier service needs: dossiers, drafts and files, the audit log for
/// refusals, accounts with their grants (an assignee must hold the handling role), and the
/// throttle of the public lookup.
pub trait DossierDeps:
    DossierStore + DraftStore + AuditStore + UserStore + GrantStore + ThrottleStore
{
}

impl<T> DossierDeps for T where
    T: DossierStore + DraftStore + AuditStore + UserStore + GrantStore + ThrottleStore + ?Sized
{
}

/// The dossier service (cheap to clone).
#[derive(Debug)]
pub struct DossierService<S: ?Sized> {
    store: Arc<S>,
    catalog: CatalogHandle,
    calendars: CalendarHandle,
    rules: Arc<DossierRules>,
    files: FileRules,
}

impl<S: ?Sized> Clone for DossierService<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            catalog: self.catalog.clone(),
            calendars: self.calendars.clone(),
            rules: Arc::clone(&self.rules),
            files: self.files,
        }
    }
}

/// The account acting, as the forms and the history show it.
pub fn person(actor: &Actor) -> Person {
    match actor.user() {
        Some(u) => Person {
            user_id: u.id.clone(),
            name: u.display_name.clone(),
        },
        None => Person {
            user_id: actor.audit_id(),
            name: actor.audit_id(),
        },
    }
}

fn not_found() -> ServiceError {
    ServiceError::NotFound("Không tìm thấy hồ sơ.".to_owned())
}

/// A dossier code from a caller: malformed is a bad request; well formed but impossible (a day
/// that does not exist, sequence `0000`) is a dossier that is not there.
pub(crate) fn parse_code(code: &str) -> ServiceResult<DossierCode> {
    DossierCode::parse(code).map_err(|e| match e {
        motcua_core::dossier::DossierCodeError::Impossible => not_found(),
        e => ServiceError::bad_request("invalid_code", e.to_string()),
    })
}

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    /// A service over `store`, the catalog and calendar snapshots, and the intake rules.
    pub fn new(
        store: Arc<S>,
        catalog: CatalogHandle,
        calendars: CalendarHandle,
        rules: DossierRules,
    ) -> Self {
        Self {
            store,
            catalog,
            calendars,
            rules: Arc::new(rules),
            files: FileRules::default(),
        }
    }

    /// The same service with other limits on uploaded files.
    #[must_use]
    pub fn with_file_rules(mut self, files: FileRules) -> Self {
        self.files = files;
        self
    }

    /// The intake rules in force.
    pub fn rules(&self) -> &DossierRules {
        &self.rules
    }

    /// The calendar of an agency (its own days off and office hours, else the national one).
    pub fn calendar_for(&self, agency: &str) -> Arc<WorkCalendar> {
        let catalog = self.catalog.get();
        let calendars = self.calendars.get();
        match calendars.for_agency(&*catalog, agency) {
            Some(Ok(c)) => c.calendar,
            _ => Arc::clone(calendars.national()),
        }
    }

    fn allowed_to(
        &self,
        catalog: &Catalog,
        actor: &Actor,
        now: Timestamp,
        permission: Permission,
        agency: &str,
        d: &Dossier,
    ) -> bool {
        actor
            .decide(
                catalog.hierarchy(),
                now,
                permission,
                Target::agency(agency).procedure(&d.procedure),
            )
            .is_ok()
    }

    /// Whether the actor may read the dossier: its owner, or an official holding
    /// `dossier.read` at an agency involved in it.
    pub fn may_read(&self, actor: &Actor, now: Timestamp, d: &Dossier) -> bool {
        if d.owner_id.is_some() && d.owner_id.as_deref() == actor.user_id() {
            return true;
        }
        let catalog = self.catalog.get();
        actor.is_official()
            && d.involved_agencies().into_iter().any(|agency| {
                self.allowed_to(&catalog, actor, now, Permission::DossierRead, agency, d)
            })
    }

    /// The dossier with this code if the actor may read it. Otherwise "not found" — the same
    /// answer as for a code that does not exist, so codes cannot be probed — and an audit
    /// event.
    pub async fn load_visible(
        &self,
        actor: &Actor,
        now: Timestamp,
        code: &str,
    ) -> ServiceResult<Dossier> {
        let code = parse_code(code)?;
        let d = self
            .store
            .dossier(code.as_str())
            .await?
            .ok_or_else(not_found)?;
        if self.may_read(actor, now, &d) {
            return Ok(d);
        }
        let event = actor
            .event(now, "permission.denied", Outcome::Denied)
            .agency(d.current_agency.clone())
            .procedure(d.procedure.as_str())
            .subject(format!("dossier:{}", d.code))
            .with("permission", Permission::DossierRead.as_str())
            .with("reason", "not_involved");
        record(&*self.store, &event).await;
        Err(not_found())
    }

    /// A dossier's history, oldest first, as `actor` may see it: officials see everything,
    /// the applicant leaves out what stays inside the agencies (routing, consultations,
    /// internal comments).
    pub async fn history(&self, actor: &Actor, d: &Dossier) -> ServiceResult<Vec<HistoryEntry>> {
        let all = self.store.dossier_history(&d.id).await?;
        Ok(if actor.is_official() || actor.is_operator() {
            all
        } else {
            all.into_iter().filter(|h| !h.internal).collect()
        })
    }

    /// The actions the actor may take on `d` now: allowed by the state and by the grants.
    pub fn actions_for(&self, actor: &Actor, now: Timestamp, d: &Dossier) -> Vec<ActionKind> {
        let catalog = self.catalog.get();
        dossier::allowed(d)
            .into_iter()
            .filter(|&k| self.may_take(&catalog, actor, now, d, k, None))
            .collect()
    }

    fn may_take(
        &self,
        catalog: &Catalog,
        actor: &Actor,
        now: Timestamp,
        d: &Dossier,
        kind: ActionKind,
        consulted: Option<&str>,
    ) -> bool {
        if kind == ActionKind::Reply && consulted.is_none() {
            return d
                .open_consultations()
                .any(|c| self.may_take(catalog, actor, now, d, kind, Some(&c.agency)));
        }
        let req = dossier::requirement(d, kind, consulted);
        if req.owner_may && d.owner_id.is_some() && d.owner_id.as_deref() == actor.user_id() {
            return true;
        }
        req.officials_may
            && actor.is_official()
            && self.allowed_to(catalog, actor, now, req.permission, &req.agency, d)
    }

    /// The one-stop desk that receives an agency's dossiers (see
    /// [`motcua_core::agency::one_stop_desk`]).
    pub fn desk_for(&self, agency: &str, now: Timestamp) -> String {
        motcua_core::agency::one_stop_desk(self.catalog.get().agencies(), agency, vietnam_date(now))
    }

    /// The actor's own dossiers (as applicant), newest first.
    pub async fn owned(
        &self,
        actor: &Actor,
        limit: i64,
    ) -> ServiceResult<Vec<motcua_store::DossierSummary>> {
        match actor.user_id() {
            Some(id) => Ok(self.store.owned_dossiers(id, limit).await?),
            None => Ok(Vec::new()),
        }
    }
}
