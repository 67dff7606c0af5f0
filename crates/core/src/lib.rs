//! motcua's pure domain core.
//!
//! Everything in this crate is deterministic: no I/O, no async, no reads of the system clock
//! (the [`clock`] module is the one place that may, and only through a trait the caller picks).
//! Legal rules that change over time are *data* handed in by the caller — calendars, agency
//! trees, procedure versions — never constants written into code (DESIGN.md, principle 1).

pub mod agency;
pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod clock;
pub mod csv;
pub mod dossier;
pub mod identity;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod text;
