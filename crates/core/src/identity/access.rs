//! Grants and the access decision: pure functions of the grants, the agency tree and the date.
//!
//! Two questions are answered from the same rule, so they cannot disagree:
//! - [`allows`] / [`check`]: may this principal do *this* on *that* agency's object
//!   (one dossier, one grant)?
//! - [`scope`]: on which agencies (and procedures) may it do this at all — the set a list
//!   query filters on inside the database, instead of loading rows and checking each.
//!
//! The rule: a grant covers a target when its role carries the permission, the target agency
//! is the grant's agency or (for a subtree grant) one of its descendants, the grant is not
//! restricted to another procedure, and `today` lies within its validity dates (inclusive,
//! civil dates in Vietnam).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Permission, Role};
use crate::{agency::Agency, catalog::ProcedureCode};

/// A role granted to an official.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The agency it is granted at.
    pub agency_id: String,
    /// Whether it also covers every agency below `agency_id`.
    pub subtree: bool,
    /// When set, the grant covers only dossiers of this procedure.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub procedure: Option<ProcedureCode>,
    /// First day it applies.
    pub valid_from: Date,
    /// Last day it applies (inclusive); `None`: until revoked.
    pub valid_to: Option<Date>,
}

impl Grant {
    /// Whether the grant applies on `day`.
    pub fn is_active_on(&self, day: Date) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }

    /// Whether the grant's agency part covers `target` (given the target's ancestors).
    pub fn covers_agency(&self, target: &str, target_ancestors: &[&str]) -> bool {
        self.agency_id == target || (self.subtree && target_ancestors.contains(&&*self.agency_id))
    }

    /// Whether the grant's procedure part covers an action on `procedure` (`None`: an action
    /// that is not about one procedure, which a procedure-restricted grant never covers).
    pub fn covers_procedure(&self, procedure: Option<&ProcedureCode>) -> bool {
        match (&self.procedure, procedure) {
            (None, _) => true,
            (Some(g), Some(p)) => g == p,
            (Some(_), None) => false,
        }
    }
}

/// Why access was refused; written to the audit log with the denial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Denial {
    /// No grant carries the permission at all.
    NoPermission,
    /// Some grant carries it, but not for the target agency.
    OutsideAgency,
    /// A grant covers the agency, but only for another procedure.
    OutsideProcedure,
    /// A covering grant exists but has not started yet.
    NotYetValid,
    /// A covering grant existed but has ended.
    Expired,
}

impl Denial {
    /// Stable code for the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoPermission => "no_permission",
            Self::OutsideAgency => "outside_agency",
            Self::OutsideProcedure => "outside_procedure",
            Self::NotYetValid => "not_yet_valid",
            Self::Expired => "expired",
        }
    }
}

/// The access decision with its reason.
///
/// `target_ancestors` are the target agency's ancestors (any order; see
/// [`AgencyHierarchy::ancestors`]); `procedure` is the procedure of the object acted on, if any.
pub fn check(
    grants: &[Grant],
    permission: Permission,
    target_agency: &str,
    target_ancestors: &[&str],
    procedure: Option<&ProcedureCode>,
    today: Date,
) -> Result<(), Denial> {
    let carrying: Vec<&Grant> = grants.iter().filter(|g| g.role.has(permission)).collect();
    if carrying.is_empty() {
        return Err(Denial::NoPermission);
    }
    let at_agency: Vec<&Grant> = carrying
        .into_iter()
        .filter(|g| g.covers_agency(target_agency, target_ancestors))
        .collect();
    if at_agency.is_empty() {
        return Err(Denial::OutsideAgency);
    }
    let for_procedure: Vec<&Grant> = at_agency
        .into_iter()
        .filter(|g| g.covers_procedure(procedure))
        .collect();
    if for_procedure.is_empty() {
        return Err(Denial::OutsideProcedure);
    }
    if for_procedure.iter().any(|g| g.is_active_on(today)) {
        Ok(())
    } else if for_procedure.iter().any(|g| g.valid_from > today) {
        Err(Denial::NotYetValid)
    } else {
        Err(Denial::Expired)
    }
}

/// Whether `grants` allow `permission` on an object of `target_agency` (and `procedure`)
/// on `today`.
pub fn allows(
    grants: &[Grant],
    permission: Permission,
    target_agency: &str,
    target_ancestors: &[&str],
    procedure: Option<&ProcedureCode>,
    today: Date,
) -> bool {
    check(
        grants,
        permission,
        target_agency,
        target_ancestors,
        procedure,
        today,
    )
    .is_ok()
}

/// The decision for an installation-wide action (importing the catalog, editing the calendar):
/// it must be allowed at **every** root agency that exists today, because the change affects
/// all of them. An installation without a current root allows nobody.
pub fn check_installation_wide(
    grants: &[Grant],
    permission: Permission,
    hierarchy: &AgencyHierarchy,
    today: Date,
) -> Result<(), Denial> {
    let roots = hierarchy.roots_on(today);
    if roots.is_empty() {
        return Err(Denial::OutsideAgency);
    }
    for root in roots {
        check(grants, permission, root, &[], None, today)?;
    }
    Ok(())
}

/// Whether `grants` allow an installation-wide `permission` (see [`check_installation_wide`]).
pub fn allows_installation_wide(
    grants: &[Grant],
    permission: Permission,
    hierarchy: &AgencyHierarchy,
    today: Date,
) -> bool {
    check_installation_wide(grants, permission, hierarchy, today).is_ok()
}

/// Where a principal holds a permission: the concrete agency ids, for database filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// Agencies where the permission holds for every procedure.
    pub agencies: BTreeSet<String>,
    /// Agencies where it holds only for some procedures (never repeating an agency of
    /// [`Self::agencies`]).
    pub by_procedure: BTreeMap<ProcedureCode, BTreeSet<String>>,
}

impl Scope {
    /// Whether the permission holds nowhere.
    pub fn is_empty(&self) -> bool {
        self.agencies.is_empty() && self.by_procedure.values().all(BTreeSet::is_empty)
    }

    /// Whether an object of `agency` (and `procedure`) is inside the scope.
    pub fn contains(&self, agency: &str, procedure: Option<&ProcedureCode>) -> bool {
        self.agencies.contains(agency)
            || procedure.is_some_and(|p| {
                self.by_procedure
                    .get(p)
                    .is_some_and(|set| set.contains(agency))
            })
    }
}

/// The scope of `permission` for `grants` on `today`: exactly the (agency, procedure) pairs of
/// the hierarchy for which [`allows`] says yes (property-tested).
pub fn scope(
    grants: &[Grant],
    permission: Permission,
    hierarchy: &AgencyHierarchy,
    today: Date,
) -> Scope {
    let mut out = Scope::default();
    for g in grants
        .iter()
        .filter(|g| g.role.has(permission) && g.is_active_on(today))
    {
        let mut covered = vec![g.agency_id.clone()];
        if g.subtree {
            covered.extend(
                hierarchy
                    .descendants(&g.agency_id)
                    .into_iter()
                    .map(str::to_owned),
            );
        }
        match &g.procedure {
            None => out.agencies.extend(covered),
            Some(p) => out
                .by_procedure
                .entry(p.clone())
                .or_default()
                .extend(covered),
        }
    }
    let unrestricted = &out.agencies;
    for set in out.by_procedure.values_mut() {
        set.retain(|a| !unrestricted.contains(a));
    }
    out.by_procedure.retain(|_, set| !set.is_empty());
    out
}

/// The agency tree as parent links, for ancestor and descendant questions.
///
/// Built from the in-memory agency list every node already holds (the catalog snapshot), not
/// from a closure table: the tree is small (hundreds of agencies), changes rarely, and is
/// reloaded on every node through the generation counters; a closure table would need its
/// own maintenance on every agency write, on both engines.
#[derive(Debug, Clone, Default)]
pub struct AgencyHierarchy {
    parent: HashMap<String, String>,
    children: HashMap<String, Vec<String>>,
    /// (id, valid_from, valid_to) of the agencies without a known parent.
    roots: Vec<(String, Date, Option<Date>)>,
}

impl AgencyHierarchy {
    /// Builds the hierarchy of all agencies, current and ended: a grant on an ended agency's
    /// subtree still covers the dossiers it received.
    pub fn new(agencies: &[Agency]) -> Self {
        let known: BTreeSet<&str> = agencies.iter().map(|a| a.id.as_str()).collect();
        let mut h = Self::default();
        for a in agencies {
            match a
                .parent
                .as_deref()
                .filter(|p| known.contains(p) && *p != a.id)
            {
                Some(p) => {
                    h.parent.insert(a.id.clone(), p.to_owned());
                    h.children
                        .entry(p.to_owned())
                        .or_default()
                        .push(a.id.clone());
                }
                None => h.roots.push((a.id.clone(), a.valid_from, a.valid_to)),
            }
        }
        for kids in h.children.values_mut() {
            kids.sort();
        }
        h.roots.sort();
        h
    }

    /// Ancestors of `id`, nearest first (empty for a root or an unknown id). Stops at a cycle
    /// instead of looping, should the data ever contain one.
    pub fn ancestors(&self, id: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut cur = id;
        while let Some(p) = self.parent.get(cur) {
            if p == id || out.contains(&p.as_str()) {
                break;
            }
            out.push(p);
            cur = p;
        }
        out
    }

    /// Every agency below `id` (not `id` itself), depth first.
    pub fn descendants(&self, id: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::from([id]);
        let mut stack: Vec<&str> = self
            .children
            .get(id)
            .map(|v| v.iter().rev().map(String::as_str).collect())
            .unwrap_or_default();
        while let Some(a) = stack.pop() {
            if !seen.insert(a) {
                continue;
            }
            out.push(a);
            if let Some(kids) = self.children.get(a) {
                stack.extend(kids.iter().rev().map(String::as_str));
            }
        }
        out
    }

    /// The root agencies that exist on `day`.
    pub fn roots_on(&self, day: Date) -> Vec<&str> {
        self.roots
            .iter()
            .filter(|(_, from, to)| *from <= day && to.is_none_or(|t| day <= t))
            .map(|(id, _, _)| id.as_str())
            .collect()
    }

    /// Whether `id` is known.
    pub fn contains(&self, id: &str) -> bool {
        self.parent.contains_key(id)
            || self.children.contains_key(id)
            || self.roots.iter().any(|(r, _, _)| r == id)
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;
    use crate::testkit::agency;

    /// bn ─┬ bn.ttpvhcc
    ///     ├ bn.stp
    ///     └ bn.x07210 ─ bn.x07210.tt
    /// bg (ended 2025-06-30) ─ bg.x1
    fn tree() -> AgencyHierarchy {
        let mut bg = agency("bg", None);
        bg.valid_from = date(1997, 1, 1);
        bg.valid_to = Some(date(2025, 6, 30));
        AgencyHierarchy::new(&[
            agency("bn", None),
            agency("bn.ttpvhcc", Some("bn")),
            agency("bn.stp", Some("bn")),
            agency("bn.x07210", Some("bn")),
            agency("bn.x07210.tt", Some("bn.x07210")),
            bg,
            agency("bg.x1", Some("bg")),
        ])
    }

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

    fn today() -> Date {
        date(2026, 11, 25)
    }

    fn decide(grants: &[Grant], p: Permission, target: &str) -> Result<(), Denial> {
        let h = tree();
        check(grants, p, target, &h.ancestors(target), None, today())
    }

    #[test]
    fn hierarchy_answers_ancestors_and_descendants() {
        let h = tree();
        assert_eq!(h.ancestors("bn.x07210.tt"), vec!["bn.x07210", "bn"]);
        assert!(h.ancestors("bn").is_empty());
        assert!(h.ancestors("nowhere").is_empty());
        assert_eq!(
            h.descendants("bn"),
            vec!["bn.stp", "bn.ttpvhcc", "bn.x07210", "bn.x07210.tt"]
        );
        assert!(h.descendants("bn.stp").is_empty());
        assert_eq!(h.roots_on(today()), vec!["bn"]);
        assert_eq!(h.roots_on(date(2025, 1, 1)), vec!["bg"]);
        assert!(h.contains("bn.x07210.tt") && !h.contains("x"));
    }

    #[test]
    fn a_cycle_in_the_data_does_not_hang() {
        let h = AgencyHierarchy::new(&[agency("a", Some("b")), agency("b", Some("a"))]);
        assert!(h.ancestors("a").len() <= 2);
        assert!(h.descendants("a").len() <= 2);
    }

    #[test]
    fn handler_cannot_approve_but_leader_can() {
        let handler = [grant(Role::HandlingOfficer, "bn.x07210", false)];
        assert_eq!(
            decide(&handler, Permission::DossierHandle, "bn.x07210"),
            Ok(())
        );
        assert_eq!(
            decide(&handler, Permission::DossierApprove, "bn.x07210"),
            Err(Denial::NoPermission)
        );
        let leader = [grant(Role::AgencyLeader, "bn.x07210", true)];
        assert_eq!(
            decide(&leader, Permission::DossierApprove, "bn.x07210"),
            Ok(())
        );
        assert_eq!(
            decide(&leader, Permission::DossierApprove, "bn.x07210.tt"),
            Ok(()),
            "subtree grant covers the commune's service centre"
        );
    }

    #[test]
    fn grants_stay_inside_their_agency() {
        let receiver = [grant(Role::ReceivingOfficer, "bn.x07210.tt", false)];
        assert_eq!(
            decide(&receiver, Permission::DossierReceive, "bn.x07210.tt"),
            Ok(())
        );
        assert_eq!(
            decide(&receiver, Permission::DossierReceive, "bn.ttpvhcc"),
            Err(Denial::OutsideAgency)
        );
        // Not a subtree grant: the parent and the children are both outside.
        let handler = [grant(Role::HandlingOfficer, "bn.x07210", false)];
        assert_eq!(
            decide(&handler, Permission::DossierRead, "bn.x07210.tt"),
            Err(Denial::OutsideAgency)
        );
        assert_eq!(
            decide(&handler, Permission::DossierRead, "bn"),
            Err(Denial::OutsideAgency)
        );
    }

    #[test]
    fn validity_dates_are_inclusive_and_explained() {
        let mut g = grant(Role::HandlingOfficer, "bn.stp", false);
        g.valid_from = date(2026, 1, 1);
        g.valid_to = Some(date(2026, 11, 25));
        let h = tree();
        let on = |d: Date| {
            check(
                &[g.clone()],
                Permission::DossierRead,
                "bn.stp",
                &h.ancestors("bn.stp"),
                None,
                d,
            )
        };
        assert_eq!(on(date(2026, 1, 1)), Ok(()));
        assert_eq!(on(date(2026, 11, 25)), Ok(()));
        assert_eq!(on(date(2026, 11, 26)), Err(Denial::Expired));
        assert_eq!(on(date(2025, 12, 31)), Err(Denial::NotYetValid));
    }

    #[test]
    fn procedure_restricted_grants() {
        let birth = ProcedureCode::parse("1.001193").unwrap();
        let other = ProcedureCode::parse("1.004222").unwrap();
        let mut g = grant(Role::HandlingOfficer, "bn.stp", false);
        g.procedure = Some(birth.clone());
        let h = tree();
        let grants = [g];
        let anc = h.ancestors("bn.stp");
        assert!(allows(
            &grants,
            Permission::DossierHandle,
            "bn.stp",
            &anc,
            Some(&birth),
            today()
        ));
        assert_eq!(
            check(
                &grants,
                Permission::DossierHandle,
                "bn.stp",
                &anc,
                Some(&other),
                today()
            ),
            Err(Denial::OutsideProcedure)
        );
        assert_eq!(
            check(
                &grants,
                Permission::DossierHandle,
                "bn.stp",
                &anc,
                None,
                today()
            ),
            Err(Denial::OutsideProcedure)
        );
        let s = scope(&grants, Permission::DossierHandle, &h, today());
        assert!(s.agencies.is_empty());
        assert!(s.contains("bn.stp", Some(&birth)));
        assert!(!s.contains("bn.stp", Some(&other)));
        assert!(!s.contains("bn.stp", None));
    }

    #[test]
    fn installation_wide_actions_need_every_current_root() {
        let h = tree();
        let admin = [grant(Role::Administrator, "bn", true)];
        assert!(allows_installation_wide(
            &admin,
            Permission::CatalogImport,
            &h,
            today()
        ));
        // A grant below the root is not enough to change what the whole province uses.
        let control = [grant(Role::ProcedureControl, "bn.stp", true)];
        assert_eq!(
            check_installation_wide(&control, Permission::CatalogImport, &h, today()),
            Err(Denial::OutsideAgency)
        );
        let handler = [grant(Role::HandlingOfficer, "bn", true)];
        assert_eq!(
            check_installation_wide(&handler, Permission::CatalogImport, &h, today()),
            Err(Denial::NoPermission)
        );
        assert!(!allows_installation_wide(
            &admin,
            Permission::CatalogImport,
            &AgencyHierarchy::default(),
            today()
        ));
    }

    #[test]
    fn scope_lists_concrete_agencies() {
        let h = tree();
        let grants = [
            grant(Role::AgencyLeader, "bn.x07210", true),
            grant(Role::HandlingOfficer, "bn.stp", false),
        ];
        let s = scope(&grants, Permission::DossierRead, &h, today());
        assert_eq!(
            s.agencies.iter().map(String::as_str).collect::<Vec<_>>(),
            vec!["bn.stp", "bn.x07210", "bn.x07210.tt"]
        );
        let s = scope(&grants, Permission::DossierApprove, &h, today());
        assert_eq!(s.agencies.len(), 2);
        assert!(scope(&grants, Permission::AuditRead, &h, today()).is_empty());
    }

    const AGENCIES: [&str; 8] = [
        "bn",
        "bn.ttpvhcc",
        "bn.stp",
        "bn.x07210",
        "bn.x07210.tt",
        "bg",
        "bg.x1",
        "elsewhere",
    ];

    fn arb_grant() -> impl Strategy<Value = Grant> {
        (
            0..Role::ALL.len(),
            0..AGENCIES.len(),
            any::<bool>(),
            prop::option::of(0..2usize),
            -3i64..3,
            prop::option::of(-3i64..3),
        )
            .prop_map(|(r, a, subtree, proc, from, to)| {
                let base = date(2026, 11, 25);
                let from = base.checked_add(jiff::Span::new().days(from)).unwrap();
                Grant {
                    role: Role::ALL[r],
                    agency_id: AGENCIES[a].to_owned(),
                    subtree,
                    procedure: proc
                        .map(|i| ProcedureCode::parse(["1.001193", "1.004222"][i]).unwrap()),
                    valid_from: from,
                    valid_to: to
                        .map(|d| from.checked_add(jiff::Span::new().days(d.abs())).unwrap()),
                }
            })
    }

    proptest! {
        /// The database filter and the per-object check are the same rule: for every agency
        /// and procedure, being in the scope is exactly being allowed.
        #[test]
        fn scope_equals_allows(
            grants in prop::collection::vec(arb_grant(), 0..6),
            perm in 0..Permission::ALL.len(),
        ) {
            let h = tree();
            let perm = Permission::ALL[perm];
            let s = scope(&grants, perm, &h, today());
            let procs = [
                None,
                Some(ProcedureCode::parse("1.001193").unwrap()),
                Some(ProcedureCode::parse("1.004222").unwrap()),
            ];
            for a in AGENCIES {
                for p in &procs {
                    let allowed = allows(&grants, perm, a, &h.ancestors(a), p.as_ref(), today());
                    prop_assert_eq!(s.contains(a, p.as_ref()), allowed, "{} {:?}", a, p);
                }
            }
            // Nothing outside the grants' own agencies and their subtrees sneaks in.
            for a in s.agencies.iter().chain(s.by_procedure.values().flatten()) {
                prop_assert!(AGENCIES.contains(&a.as_str()));
            }
        }

        /// Expired and future grants never allow anything.
        #[test]
        fn inactive_grants_allow_nothing(grants in prop::collection::vec(arb_grant(), 0..6)) {
            let h = tree();
            let inactive: Vec<Grant> = grants.into_iter().filter(|g| !g.is_active_on(today())).collect();
            for perm in Permission::ALL {
                prop_assert!(scope(&inactive, perm, &h, today()).is_empty());
                for a in AGENCIES {
                    prop_assert!(!allows(&inactive, perm, a, &h.ancestors(a), None, today()));
                }
            }
        }
    }
}
