//! Application services: the one implementation of what motcua does, shared by every way in
//! — the JSON API and the server-rendered pages (`motcua-web`), the command line and the
//! demo generator (`motcua`), and the coming workers and national-portal intake.
//!
//! - [`actor`]: who acts and the one place grants become yes or no;
//! - [`dossier`]: submitting, reading and acting on dossiers;
//! - [`admin`]: officials and their grants, with separation of duties;
//! - [`accounts`]: applicants' accounts (registration, verification, reset, e-ID sign-in);
//! - [`catalog`] and [`calendar`]: the in-memory snapshots of the catalog and the working-time
//!   calendars that every node serves from, both through [`snapshot`];
//! - [`wording`]: the printed forms' wording per agency, cached in memory;
//! - [`import`]: catalog import; [`setup`]: each agency's offers and internal processes; [`passwords`] and [`crypto`]: secrets;
//! - [`error`]: the service boundary's one error type.
//!
//! No HTTP here: the web crate maps [`error::ServiceError`] to statuses in one place.

pub mod accounts;
pub mod actor;
pub mod admin;
pub mod calendar;
pub mod catalog;
pub mod crypto;
pub mod dossier;
pub mod error;
pub mod import;
pub mod passwords;
pub mod setup;
pub mod snapshot;
pub mod wording;

pub use accounts::AccountService;
pub use actor::{Actor, RequestContext, Target, Who};
pub use admin::AdminService;
pub use dossier::DossierService;
pub use error::{ServiceError, ServiceResult};
pub use wording::FormWordingService;
