//! Who acts, and what they may do.
//!
//! An [`Actor`] is an account with its grants (from a browser session, an API token, or the
//! demo generator acting as a demo official), or the installation's operator at the command
//! line. Every service function takes one; the decision functions here are the only place
//! that turns grants into yes or no, so the JSON API, the pages, the CLI and the demo can
//! never disagree about access.

use std::{collections::BTreeSet, net::IpAddr, sync::Arc};

use jiff::Timestamp;
use motcua_core::{
    audit::{AuditEvent, Outcome},
    catalog::ProcedureCode,
    identity::{
        AgencyHierarchy, Denial, Grant, Permission, Scope, check, check_installation_wide, scope,
        vietnam_date,
    },
};
use motcua_store::{AuditStore, StoredGrant, User, UserKind};

use crate::error::ServiceError;

/// Facts about the request, for audit events.
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    /// Client address.
    pub ip: Option<IpAddr>,
    /// `x-request-id`.
    pub request_id: Option<String>,
    /// Browser (shortened), remembered with sessions.
    pub user_agent: Option<String>,
}

impl RequestContext {
    /// An audit event from this request.
    pub fn event(
        &self,
        at: Timestamp,
        actor: impl Into<String>,
        action: &str,
        outcome: Outcome,
    ) -> AuditEvent {
        AuditEvent::new(at, actor, action, outcome)
            .client(self.ip.map(|ip| ip.to_string()), self.request_id.clone())
    }

    /// The client as a lockout key part: its network ([`throttle_network`]), so that the
    /// addresses of one /24 or /64 share one budget.
    pub fn ip_key(&self) -> String {
        self.ip
            .map_or_else(|| "unknown".to_owned(), throttle_network)
    }
}

/// The network that counts as one client for lockouts and rate limits: the IPv4 /24 or the
/// IPv6 /64 around `ip` (an IPv4-mapped IPv6 address counts as IPv4), written as a network,
/// e.g. `203.0.113.0/24`, `2001:db8:1:2::/64`. Whoever has one address of a network usually has
/// the rest (an IPv6 host is given a whole /64), so counting exact addresses would hand out a
/// fresh budget per address.
pub fn throttle_network(ip: IpAddr) -> String {
    match ip {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let net = u128::from(v6) & (u128::MAX << 64);
            format!("{}/64", std::net::Ipv6Addr::from(net))
        }
        IpAddr::V6(v6) => throttle_network(v6.to_ipv4_mapped().map_or(ip, IpAddr::V4)),
        IpAddr::V4(v4) => {
            let net = u32::from(v4) & (u32::MAX << 8);
            format!("{}/24", std::net::Ipv4Addr::from(net))
        }
    }
}

/// Whose authority an action is taken under.
#[derive(Debug, Clone)]
pub enum Who {
    /// A signed-in account (applicant or official).
    Account(Arc<User>),
    /// The installation's operator at the command line (`motcua user …`): whoever can run the
    /// binary against the database holds every power the database gives, so operator actions
    /// are not checked against grants — they are audited under this name (e.g. `cli`).
    Operator(String),
}

/// What an action is about.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// An object belonging to an agency (and possibly a procedure): a dossier, a grant.
    Agency {
        /// The agency.
        id: &'a str,
        /// The procedure, if the object is about one.
        procedure: Option<&'a ProcedureCode>,
    },
    /// The whole installation (catalog, calendar).
    Installation,
}

impl<'a> Target<'a> {
    /// An object of `agency_id`.
    pub fn agency(agency_id: &'a str) -> Self {
        Self::Agency {
            id: agency_id,
            procedure: None,
        }
    }

    /// The same target, about `procedure`.
    #[must_use]
    pub fn procedure(self, code: &'a ProcedureCode) -> Self {
        match self {
            Self::Agency { id, .. } => Self::Agency {
                id,
                procedure: Some(code),
            },
            Self::Installation => Self::Installation,
        }
    }
}

/// Why an actor was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The grants do not allow it.
    Model(Denial),
    /// The grants would, but the API token in use was not given this permission.
    TokenScope,
}

impl Refusal {
    /// Stable code for the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Model(d) => d.as_str(),
            Self::TokenScope => "token_scope",
        }
    }
}

/// Someone acting: who, under which grants, through which request.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The account, or the operator.
    pub who: Who,
    /// Unrevoked grants (dates are judged by the access model).
    pub grants: Arc<[StoredGrant]>,
    /// For an API token: the permissions it may exercise (within the grants). `None`: all.
    pub token_scopes: Option<BTreeSet<Permission>>,
    /// The request.
    pub ctx: RequestContext,
}

impl Actor {
    /// An account acting with its grants through a browser session.
    pub fn account(user: Arc<User>, grants: Arc<[StoredGrant]>, ctx: RequestContext) -> Self {
        Self {
            who: Who::Account(user),
            grants,
            token_scopes: None,
            ctx,
        }
    }

    /// The operator at the command line, audited as `name`.
    pub fn operator(name: &str) -> Self {
        Self {
            who: Who::Operator(name.to_owned()),
            grants: Arc::from(Vec::new()),
            token_scopes: None,
            ctx: RequestContext::default(),
        }
    }

    /// The account, unless this is the operator.
    pub fn user(&self) -> Option<&User> {
        match &self.who {
            Who::Account(u) => Some(u),
            Who::Operator(_) => None,
        }
    }

    /// The account id, unless this is the operator.
    pub fn user_id(&self) -> Option<&str> {
        self.user().map(|u| u.id.as_str())
    }

    /// The actor string of the audit log: `user:<id>`, or the operator's name.
    pub fn audit_id(&self) -> String {
        match &self.who {
            Who::Account(u) => format!("user:{}", u.id),
            Who::Operator(name) => name.clone(),
        }
    }

    /// Whether this is an official's account.
    pub fn is_official(&self) -> bool {
        self.user().is_some_and(|u| u.kind == UserKind::Official)
    }

    /// Whether this is the command-line operator.
    pub fn is_operator(&self) -> bool {
        matches!(self.who, Who::Operator(_))
    }

    /// An audit event by this actor.
    pub fn event(&self, at: Timestamp, action: &str, outcome: Outcome) -> AuditEvent {
        self.ctx.event(at, self.audit_id(), action, outcome)
    }

    fn grant_list(&self) -> Vec<Grant> {
        self.grants.iter().map(|g| g.grant.clone()).collect()
    }

    fn token_allows(&self, permission: Permission) -> bool {
        self.token_scopes
            .as_ref()
            .is_none_or(|scopes| scopes.contains(&permission))
    }

    /// The decision for `permission` on `target` at `now`, with its reason.
    pub fn decide(
        &self,
        hierarchy: &AgencyHierarchy,
        now: Timestamp,
        permission: Permission,
        target: Target<'_>,
    ) -> Result<(), Refusal> {
        if self.is_operator() {
            return Ok(());
        }
        let today = vietnam_date(now);
        let grants = self.grant_list();
        match target {
            Target::Installation => check_installation_wide(&grants, permission, hierarchy, today),
            Target::Agency { id, procedure } => check(
                &grants,
                permission,
                id,
                &hierarchy.ancestors(id),
                procedure,
                today,
            ),
        }
        .map_err(Refusal::Model)?;
        if self.token_allows(permission) {
            Ok(())
        } else {
            Err(Refusal::TokenScope)
        }
    }

    /// Where `permission` holds at `now`: the agencies to filter list queries on. The operator
    /// has no scope of its own (it lists nothing through scoped queries).
    pub fn scope(
        &self,
        hierarchy: &AgencyHierarchy,
        now: Timestamp,
        permission: Permission,
    ) -> Scope {
        if !self.token_allows(permission) {
            return Scope::default();
        }
        scope(&self.grant_list(), permission, hierarchy, vietnam_date(now))
    }

    /// Whether `permission` holds anywhere (installation-wide permissions: over the whole
    /// installation): the coarse gate of a route.
    pub fn holds(
        &self,
        hierarchy: &AgencyHierarchy,
        now: Timestamp,
        permission: Permission,
    ) -> Result<(), Refusal> {
        if self.is_operator() {
            return Ok(());
        }
        if permission.is_installation_wide() {
            return self.decide(hierarchy, now, permission, Target::Installation);
        }
        let today = vietnam_date(now);
        let grants = self.grant_list();
        if scope(&grants, permission, hierarchy, today).is_empty() {
            // The scope contains every active carrying grant's own agency, so an empty scope
            // means that no carrying grant is active today.
            let carrying: Vec<&Grant> = grants.iter().filter(|g| g.role.has(permission)).collect();
            let reason = if carrying.is_empty() {
                Denial::NoPermission
            } else if carrying.iter().all(|g| g.valid_from > today) {
                Denial::NotYetValid
            } else {
                Denial::Expired
            };
            return Err(Refusal::Model(reason));
        }
        if self.token_allows(permission) {
            Ok(())
        } else {
            Err(Refusal::TokenScope)
        }
    }

    /// Requires `permission` on `target`: `Ok` when allowed; otherwise writes a
    /// `permission.denied` audit event and refuses.
    pub async fn require(
        &self,
        audit: &(impl AuditStore + ?Sized),
        hierarchy: &AgencyHierarchy,
        now: Timestamp,
        permission: Permission,
        target: Target<'_>,
    ) -> Result<(), ServiceError> {
        match self.decide(hierarchy, now, permission, target) {
            Ok(()) => Ok(()),
            Err(refusal) => {
                let mut event = self
                    .event(now, "permission.denied", Outcome::Denied)
                    .with("permission", permission.as_str())
                    .with("reason", refusal.as_str());
                if let Target::Agency { id, procedure } = target {
                    event.agency_id = Some(id.to_owned());
                    event.procedure_code = procedure.map(|p| p.as_str().to_owned());
                }
                record(audit, &event).await;
                Err(ServiceError::Forbidden(
                    "Tài khoản của bạn không có quyền thực hiện thao tác này.".to_owned(),
                ))
            }
        }
    }
}

/// Writes an audit event that accompanies no change (a denial, a failed login); a failure to
/// write it is logged, never shown (the request is refused either way).
pub async fn record(audit: &(impl AuditStore + ?Sized), event: &AuditEvent) {
    if let Err(e) = audit.append_audit(event).await {
        tracing::error!(error = %e, action = %event.action, "could not record an audit event");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn one_client_is_a_slash_24_or_a_slash_64() {
        assert_eq!(throttle_network(ip("203.0.113.7")), "203.0.113.0/24");
        assert_eq!(
            throttle_network(ip("203.0.113.250")),
            throttle_network(ip("203.0.113.1"))
        );
        assert_ne!(
            throttle_network(ip("203.0.113.7")),
            throttle_network(ip("203.0.114.7"))
        );
        assert_eq!(
            throttle_network(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            throttle_network(ip("2001:db8:1:2::1")),
            throttle_network(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            throttle_network(ip("2001:db8:1:2::1")),
            throttle_network(ip("2001:db8:1:3::1"))
        );
        // The same IPv4 client however the socket spells it.
        assert_eq!(throttle_network(ip("::ffff:10.1.2.3")), "10.1.2.0/24");
    }
}
