//! Shared application state.

use std::sync::Arc;

use motcua_core::clock::Clock;
use motcua_store::Store;

use crate::{auth::Auth, calendar::CalendarHandle, catalog::CatalogHandle, pages::Templates};

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
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("engine", &self.store.engine())
            .field("site", &self.site)
            .finish_non_exhaustive()
    }
}
