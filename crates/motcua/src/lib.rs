//! The `motcua` application: configuration, start-up, and the command-line tasks. The binary
//! (`main.rs`) only parses arguments and calls into here, so integration tests start exactly
//! what production starts.

pub mod admin_cli;
pub mod agency_cli;
pub mod app;
pub mod calendar_cli;
pub mod demo;
pub mod demo_dossiers;
pub mod forms_cli;
pub mod import;
pub mod serve;
pub mod settings;
pub mod synthetic;
pub mod telemetry;
