//! The dossier lifecycle at the web boundary: requests, the service that runs the core state
//! machine under access control, notifications, and the views the API returns.

pub mod notify;
pub mod request;
pub mod service;
pub mod view;
