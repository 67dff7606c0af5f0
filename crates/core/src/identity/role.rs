//! The officials' roles (DOMAIN.md §6.3) and the one table that says what each may do.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use super::Permission;

/// A role an official is granted at an agency (optionally its subtree and one procedure).
///
/// Applicants (citizens and organisations) have no role: they act on their own dossiers only,
/// which is an ownership rule, not a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ tiếp nhận at a one-stop desk: guide, check, receive, transfer, return results.
    ReceivingOfficer,
    /// Chuyên viên thụ lý: appraise, verify, draft, consult.
    HandlingOfficer,
    /// Trưởng phòng / head of a unit: assigns handlers, reviews proposals.
    UnitHead,
    /// Lãnh đạo cơ quan: assigns, approves and signs results and apology letters.
    AgencyLeader,
    /// Văn thư: numbers, seals and issues result documents.
    Clerk,
    /// Giám đốc TTPVHCC / head of the one-stop desk.
    DeskHead,
    /// Kiểm soát TTHC (office of the People's Committee): supervises procedures, the catalog and
    /// the calendar; reads every dossier of its area for control, acts on none.
    ProcedureControl,
    /// Quản trị hệ thống: accounts, grants, catalog and calendar — but no dossier contents.
    Administrator,
    /// Kiểm toán / thanh tra: reads the audit log, dossiers and reports; changes nothing.
    Auditor,
}

/// **The** role → permission table. Everything that decides access reads it through
/// [`Role::permissions`]; nothing else in the code base associates roles with actions.
///
/// Reasons for the less obvious rows:
/// - the desk head runs the desk, so can do what its receiving officers do (Decree 61 Art. 9);
/// - only the agency leader approves (signs) — a unit head assigns and handles but a handler
///   can never approve, which is the separation the dossier workflow relies on;
/// - the administrator manages accounts and grants but cannot read dossiers (personal data
///   stays with those who process it); it may import the catalog and edit the calendar, which
///   contain no personal data;
/// - procedure control and the auditor read but never act.
pub const ROLE_PERMISSIONS: &[(Role, &[Permission])] = {
    use Permission as P;
    &[
        (
            Role::ReceivingOfficer,
            &[
                P::DossierRead,
                P::DossierReceive,
                P::DossierTransfer,
                P::DossierReturnResult,
                P::DossierComment,
            ],
        ),
        (
            Role::HandlingOfficer,
            &[P::DossierRead, P::DossierHandle, P::DossierComment],
        ),
        (
            Role::UnitHead,
            &[
                P::DossierRead,
                P::DossierAssign,
                P::DossierHandle,
                P::DossierComment,
                P::ReportRead,
            ],
        ),
        (
            Role::AgencyLeader,
            &[
                P::DossierRead,
                P::DossierAssign,
                P::DossierApprove,
                P::DossierComment,
                P::ReportRead,
            ],
        ),
        (
            Role::Clerk,
            &[P::DossierRead, P::DossierIssueResult, P::DossierComment],
        ),
        (
            Role::DeskHead,
            &[
                P::DossierRead,
                P::DossierReceive,
                P::DossierTransfer,
                P::DossierReturnResult,
                P::DossierComment,
                P::ReportRead,
            ],
        ),
        (
            Role::ProcedureControl,
            &[
                P::DossierRead,
                P::ReportRead,
                P::CatalogImport,
                P::CalendarEdit,
            ],
        ),
        (
            Role::Administrator,
            &[
                P::GrantManage,
                P::UserManage,
                P::CatalogImport,
                P::CalendarEdit,
            ],
        ),
        (
            Role::Auditor,
            &[P::AuditRead, P::DossierRead, P::ReportRead],
        ),
    ]
};

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Self; 9] = [
        Self::ReceivingOfficer,
        Self::HandlingOfficer,
        Self::UnitHead,
        Self::AgencyLeader,
        Self::Clerk,
        Self::DeskHead,
        Self::ProcedureControl,
        Self::Administrator,
        Self::Auditor,
    ];

    /// What this role may do, from [`ROLE_PERMISSIONS`].
    pub fn permissions(self) -> &'static [Permission] {
        ROLE_PERMISSIONS
            .iter()
            .find(|(r, _)| *r == self)
            .map_or(&[], |(_, ps)| ps)
    }

    /// Whether this role carries `permission`.
    pub fn has(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// The stable string form, e.g. `receiving_officer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ReceivingOfficer => "receiving_officer",
            Self::HandlingOfficer => "handling_officer",
            Self::UnitHead => "unit_head",
            Self::AgencyLeader => "agency_leader",
            Self::Clerk => "clerk",
            Self::DeskHead => "desk_head",
            Self::ProcedureControl => "procedure_control",
            Self::Administrator => "administrator",
            Self::Auditor => "auditor",
        }
    }

    /// The Vietnamese name shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::ReceivingOfficer => "Cán bộ tiếp nhận",
            Self::HandlingOfficer => "Chuyên viên thụ lý",
            Self::UnitHead => "Trưởng phòng, đơn vị",
            Self::AgencyLeader => "Lãnh đạo cơ quan",
            Self::Clerk => "Văn thư",
            Self::DeskHead => "Giám đốc Trung tâm Phục vụ hành chính công",
            Self::ProcedureControl => "Kiểm soát thủ tục hành chính",
            Self::Administrator => "Quản trị hệ thống",
            Self::Auditor => "Kiểm toán, thanh tra",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The string is not a known role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("vai trò {0:?} không tồn tại")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_is_in_the_table_once() {
        for r in Role::ALL {
            assert_eq!(
                ROLE_PERMISSIONS.iter().filter(|(x, _)| *x == r).count(),
                1,
                "{r}"
            );
            assert!(!r.permissions().is_empty(), "{r} can do something");
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::Value::String(r.as_str().to_owned())
            );
        }
    }

    #[test]
    fn every_permission_is_held_by_some_role() {
        for p in Permission::ALL {
            assert!(Role::ALL.iter().any(|r| r.has(p)), "{p} is unreachable");
        }
    }

    #[test]
    fn separation_of_duties() {
        // A handler cannot approve what they handled; only leaders sign.
        assert!(!Role::HandlingOfficer.has(Permission::DossierApprove));
        assert!(!Role::UnitHead.has(Permission::DossierApprove));
        assert!(Role::AgencyLeader.has(Permission::DossierApprove));
        let approvers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| r.has(Permission::DossierApprove))
            .collect();
        assert_eq!(approvers, vec![Role::AgencyLeader]);
        // The administrator manages access but does not read personal data.
        assert!(!Role::Administrator.has(Permission::DossierRead));
        // Read-only roles act on nothing.
        for r in [Role::Auditor, Role::ProcedureControl] {
            for p in r.permissions() {
                assert!(
                    !matches!(
                        p,
                        Permission::DossierReceive
                            | Permission::DossierAssign
                            | Permission::DossierHandle
                            | Permission::DossierApprove
                            | Permission::DossierIssueResult
                            | Permission::DossierReturnResult
                            | Permission::DossierTransfer
                    ),
                    "{r} must not {p}"
                );
            }
        }
    }
}
