//! Separation of duties for grants: which roles the holder of a role may hand out, and the
//! rules every grant obeys whoever makes it.
//!
//! Holding `grant.manage` over an agency is not enough to grant *any* role there: the
//! granter's own role must delegate the role granted ([`DELEGATION`], data like
//! [`super::ROLE_PERMISSIONS`]), nobody grants to themselves (an administrator who could give
//! itself `agency_leader` could read and approve dossiers, which its own role forbids), and
//! the grantee must be an official the granter manages (their home unit inside the granter's
//! `user.manage` scope). The checks that need the store live in the admin service; the rules
//! are here, pure.

use jiff::civil::Date;

use super::{Grant, Permission, Role, allows};

/// **The** delegation table: the roles the holder of a role may grant, where it holds
/// `grant.manage`. A province that wants desk heads to appoint their own receiving officers
/// adds a row here and the permission to the desk head's role.
pub const DELEGATION: &[(Role, &[Role])] = &[(Role::Administrator, &Role::ALL)];

/// The roles `role` may grant.
pub fn delegable_by(role: Role) -> &'static [Role] {
    DELEGATION
        .iter()
        .find(|(r, _)| *r == role)
        .map_or(&[], |(_, roles)| roles)
}

/// Whether a granter holding `grants` may grant `role` at `agency` (whose ancestors are
/// given) today: one of its active `grant.manage` grants covering the agency must belong to a
/// role that delegates `role`.
pub fn may_grant(
    grants: &[Grant],
    role: Role,
    agency: &str,
    ancestors: &[&str],
    today: Date,
) -> bool {
    let delegating: Vec<Grant> = grants
        .iter()
        .filter(|g| delegable_by(g.role).contains(&role))
        .cloned()
        .collect();
    allows(
        &delegating,
        Permission::GrantManage,
        agency,
        ancestors,
        None,
        today,
    )
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn grant(role: Role, agency: &str, subtree: bool) -> Grant {
        Grant {
            role,
            agency_id: agency.into(),
            subtree,
            procedure: None,
            valid_from: date(2025, 7, 1),
            valid_to: None,
        }
    }

    #[test]
    fn only_delegating_roles_with_grant_manage_may_grant() {
        let today = date(2026, 12, 2);
        let admin = [grant(Role::Administrator, "bn", true)];
        assert!(may_grant(
            &admin,
            Role::AgencyLeader,
            "bn.stp",
            &["bn"],
            today
        ));
        assert!(may_grant(
            &admin,
            Role::Administrator,
            "bn.stp",
            &["bn"],
            today
        ));
        // A ward administrator grants only at its ward.
        let ward = [grant(Role::Administrator, "bn.x07210", false)];
        assert!(may_grant(&ward, Role::Clerk, "bn.x07210", &["bn"], today));
        assert!(!may_grant(&ward, Role::Clerk, "bn.stp", &["bn"], today));
        // A leader holds no grant.manage, and delegates nothing.
        let leader = [grant(Role::AgencyLeader, "bn", true)];
        assert!(!may_grant(
            &leader,
            Role::HandlingOfficer,
            "bn.stp",
            &["bn"],
            today
        ));
        assert!(delegable_by(Role::AgencyLeader).is_empty());
    }

    #[test]
    fn every_delegating_role_can_manage_grants() {
        for (role, _) in DELEGATION {
            assert!(
                role.has(Permission::GrantManage),
                "{role} delegates without grant.manage"
            );
        }
    }
}
