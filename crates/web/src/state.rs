//! Shared application state.

use std::sync::Arc;

use motcua_core::{clock::Clock, dossier::DossierRules};
use motcua_service::{
    AccountService, AdminService, DossierService, FormWordingService, accounts::AccountPolicy,
    calendar::CalendarHandle, catalog::CatalogHandle,
};
use motcua_store::Store;

use crate::{auth::Auth, pages::Templates};

/// What the portal calls itself and how it presents the installation; set by the operator
/// (or by the demo data), never written into code.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Site {
    /// Portal name, e.g. "Cổng Dịch vụ công tỉnh Bắc Ninh".
    pub name: String,
    /// The body operating it, shown in the footer.
    pub operator: String,
    /// Whether demo data is loaded (a banner says so on every page).
    pub demo: bool,
    /// Procedure codes featured on the home page.
    pub featured: Vec<String>,
}

impl Default for Site {
    fn default() -> Self {
        Self {
            name: "Cổng Dịch vụ công".to_owned(),
            operator: String::new(),
            demo: false,
            featured: Vec::new(),
        }
    }
}

/// Everything a handler may use. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Storage, behind the contract (any engine).
    pub store: Arc<dyn Store>,
    /// The in-memory catalog.
    pub catalog: CatalogHandle,
    /// The compiled working-time calendars.
    pub calendars: CalendarHandle,
    /// The one source of "now".
    pub clock: Arc<dyn Clock>,
    /// Installation presentation.
    pub site: Arc<Site>,
    /// Page templates.
    pub templates: Arc<Templates>,
    /// Identity and access-control services.
    pub auth: Arc<Auth>,
    /// Dossiers: submission, reading, actions, files, the inbox.
    pub dossiers: DossierService<dyn Store>,
    /// Officials and grants.
    pub admin: AdminService<dyn Store>,
    /// Applicants' accounts.
    pub accounts: AccountService<dyn Store>,
    /// The printed forms' wording per agency (cached in memory).
    pub wording: FormWordingService<dyn Store>,
}

/// What the application state is built from (see [`AppState::new`]).
pub struct Parts {
    /// Storage.
    pub store: Arc<dyn Store>,
    /// The catalog snapshot.
    pub catalog: CatalogHandle,
    /// The calendars.
    pub calendars: CalendarHandle,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Presentation.
    pub site: Site,
    /// Templates.
    pub templates: Templates,
    /// Identity services.
    pub auth: Arc<Auth>,
    /// Dossier rules (the online check window …).
    pub intake: DossierRules,
    /// Limits on uploaded files.
    pub files: motcua_service::dossier::FileRules,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts")
            .field("engine", &self.store.engine())
            .field("site", &self.site)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// The state, with the services built over the same store and snapshots.
    pub fn new(p: Parts) -> Self {
        let dossiers = DossierService::new(
            Arc::clone(&p.store),
            p.catalog.clone(),
            p.calendars.clone(),
            p.intake,
        )
        .with_file_rules(p.files);
        let admin = AdminService::new(
            Arc::clone(&p.store),
            p.catalog.clone(),
            p.auth.passwords.clone(),
        );
        let wording = FormWordingService::new(Arc::clone(&p.store), p.catalog.clone());
        let site = Arc::new(p.site);
        let templates = Arc::new(p.templates);
        let config = &p.auth.config;
        let accounts = AccountService::new(
            Arc::clone(&p.store),
            p.auth.passwords.clone(),
            Arc::new(crate::mails::TemplateMails::new(
                Arc::clone(&templates),
                Arc::clone(&site),
                &config.public_url,
            )),
            AccountPolicy {
                register_ip: config.limits.register_ip,
                reset_account: config.limits.reset_account,
                reset_ip: config.limits.reset_ip,
                verify_token_hours: config.verify_token_hours,
                reset_token_minutes: config.reset_token_minutes,
            },
            Arc::clone(&p.auth.mail_wake),
        );
        Self {
            store: p.store,
            catalog: p.catalog,
            calendars: p.calendars,
            clock: p.clock,
            site,
            templates,
            auth: p.auth,
            dossiers,
            admin,
            accounts,
            wording,
        }
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("engine", &self.store.engine())
            .field("site", &self.site)
            .finish_non_exhaustive()
    }
}
