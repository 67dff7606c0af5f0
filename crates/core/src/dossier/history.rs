//! The dossier's history: one entry per change, shown on the dossier screen and the tracking
//! ledger, written in the transaction of the change.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Person, Status};

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// When.
    pub at: Timestamp,
    /// Who (`None`: the system).
    pub actor: Option<Person>,
    /// `submit` or an action name.
    pub action: String,
    /// The status after the change.
    pub status: Status,
    /// What happened, in Vietnamese.
    pub summary: String,
    /// Whether only officials see it (routing inside the agency, consultations, internal
    /// comments); the applicant's timeline leaves it out.
    #[serde(default)]
    pub internal: bool,
}
