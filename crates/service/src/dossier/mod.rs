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
mod files;
mod inbox;
pub mod notify;
pub mod request;
mod submit;

use std::sync::Arc;

use jiff::Timestamp;
use motcua_core::{
    audit::Outcome,
    calendar::WorkCalendar,
    dossier::{self, ActionKind, Dossier, DossierCode, HistoryEntry, IntakeRules, Person},
    identity::{Permission, vietnam_date},
};
use motcua_store::{AuditStore, DossierStore, GrantStore, UserStore};

pub use files::dossier_has_file;
pub use inbox::{InboxFilter, StatusFilter};
pub use request::{ActionRequest, ComponentInput, SubmitRequest};

use crate::{
    actor::{Actor, Target, record},
    calendar::CalendarHandle,
    catalog::{Catalog, CatalogHandle},
    error::{ServiceError, ServiceResult},
};

/// The storage the dossier service needs: dossiers and files, the audit log for refusals, and
/// accounts with their grants (an assignee must hold the handling role).
pub trait DossierDeps: DossierStore + AuditStore + UserStore + GrantStore {}

impl<T: DossierStore + AuditStore + UserStore + GrantStore + ?Sized> DossierDeps for T {}

/// The dossier service (cheap to clone).
#[derive(Debug)]
pub struct DossierService<S: ?Sized> {
    store: Arc<S>,
    catalog: CatalogHandle,
    calendars: CalendarHandle,
    rules: Arc<IntakeRules>,
}

impl<S: ?Sized> Clone for DossierService<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            catalog: self.catalog.clone(),
            calendars: self.calendars.clone(),
            rules: Arc::clone(&self.rules),
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

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    /// A service over `store`, the catalog and calendar snapshots, and the intake rules.
    pub fn new(
        store: Arc<S>,
        catalog: CatalogHandle,
        calendars: CalendarHandle,
        rules: IntakeRules,
    ) -> Self {
        Self {
            store,
            catalog,
            calendars,
            rules: Arc::new(rules),
        }
    }

    /// The intake rules in force.
    pub fn rules(&self) -> &IntakeRules {
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
        let code = DossierCode::parse(code)
            .map_err(|e| ServiceError::bad_request("invalid_code", e.to_string()))?;
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

    /// A dossier's history, oldest first.
    pub async fn history(&self, d: &Dossier) -> ServiceResult<Vec<HistoryEntry>> {
        Ok(self.store.dossier_history(&d.id).await?)
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
        actor.is_official() && self.allowed_to(catalog, actor, now, req.permission, &req.agency, d)
    }

    /// The one-stop desk that receives an agency's dossiers (see
    /// [`motcua_core::agency::one_stop_desk`]).
    pub fn desk_for(&self, agency: &str, now: Timestamp) -> String {
        motcua_core::agency::one_stop_desk(self.catalog.get().agencies(), agency, vietnam_date(now))
    }

    /// The public lookup: status and appointment only.
    pub async fn public_status(&self, code: &str) -> ServiceResult<motcua_store::PublicStatus> {
        let code = DossierCode::parse(code)
            .map_err(|e| ServiceError::bad_request("invalid_code", e.to_string()))?;
        self.store
            .public_status(code.as_str())
            .await?
            .ok_or_else(not_found)
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
