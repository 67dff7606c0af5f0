//! Who may do what: the pure model of identity and access control.
//!
//! - [`Permission`]: the actions that need a grant;
//! - [`Role`] and [`ROLE_PERMISSIONS`]: the one table saying which role may do what
//!   (DOMAIN.md §6.3);
//! - [`Grant`]: a role at an agency (optionally its subtree, optionally one procedure) between
//!   two dates;
//! - [`allows`] / [`check`] for one object and [`scope`] for list queries — the same rule, so a
//!   list never shows what a detail page would refuse;
//! - [`AgencyHierarchy`]: ancestors and descendants from the in-memory agency tree;
//! - [`totp`]: RFC 6238 one-time passwords; [`credentials`]: login identifiers and the
//!   password policy.
//!
//! Nothing here reads a clock or a database: "today" and the grants are arguments.

mod access;
pub mod credentials;
mod delegation;
mod permission;
mod role;
pub mod totp;

pub use access::{
    AgencyHierarchy, Denial, Grant, Scope, allows, allows_installation_wide, check,
    check_installation_wide, scope,
};
pub use delegation::{DELEGATION, delegable_by, may_grant};
pub use permission::{Permission, UnknownPermission};
pub use role::{ROLE_PERMISSIONS, Role, UnknownRole};

/// The civil date in Vietnam (UTC+7, no daylight saving) at an instant: grant validity dates
/// are Vietnamese calendar days.
pub fn vietnam_date(at: jiff::Timestamp) -> jiff::civil::Date {
    at.to_zoned(vietnam_tz()).date()
}

/// Vietnam's time zone: UTC+7 all year.
pub fn vietnam_tz() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::fixed(jiff::tz::offset(7))
}
