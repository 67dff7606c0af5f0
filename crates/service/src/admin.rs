//! Administration of officials and their grants: the one implementation that the JSON API,
//! the administration pages and the command line (`motcua user …`) call, with one set of
//! validation rules and the separation-of-duties rules of [`motcua_core::identity::may_grant`].
//!
//! Every change is written with its audit event in one transaction; every refusal of an
//! access rule is audited too.

use std::sync::Arc;

use jiff::{Timestamp, civil::Date};
use motcua_core::{
    audit::Outcome,
    catalog::ProcedureCode,
    identity::{
        Grant, Permission, Role,
        credentials::{self, LoginId},
        delegable_by, may_grant, vietnam_date,
    },
    text::{char_len, clean_line},
};
use motcua_store::{AuditStore, GrantStore, NewUser, StoredGrant, User, UserKind, UserStore};

use crate::{
    actor::{Actor, Target, record},
    catalog::CatalogHandle,
    error::{ServiceError, ServiceResult},
    passwords::Passwords,
};

/// The storage administration needs.
pub trait AdminDeps: UserStore + GrantStore + AuditStore {}

impl<T: UserStore + GrantStore + AuditStore + ?Sized> AdminDeps for T {}

/// A new official.
#[derive(Debug, Clone)]
pub struct NewOfficial {
    /// User name (3–32 of `a-z 0-9 . _ -`, starting with a letter).
    pub username: String,
    /// Name to show.
    pub display_name: String,
    /// Home unit.
    pub agency_id: String,
    /// E-mail address (for password resets), taken as verified: the administrator enters it.
    pub email: Option<String>,
    /// Initial password (the policy applies).
    pub password: String,
}

/// A grant to make.
#[derive(Debug, Clone)]
pub struct GrantRequest {
    /// The role.
    pub role: Role,
    /// The agency.
    pub agency_id: String,
    /// Whether it covers the agencies below too.
    pub subtree: bool,
    /// Only dossiers of this procedure.
    pub procedure: Option<String>,
    /// First day; default today.
    pub valid_from: Option<Date>,
    /// Last day (inclusive); default until revoked.
    pub valid_to: Option<Date>,
}

/// The administration service (cheap to clone).
#[derive(Debug)]
pub struct AdminService<S: ?Sized> {
    store: Arc<S>,
    catalog: CatalogHandle,
    passwords: Passwords,
}

impl<S: ?Sized> Clone for AdminService<S> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            catalog: self.catalog.clone(),
            passwords: self.passwords.clone(),
        }
    }
}

/// Why a separation-of-duties rule refused a grant (the audit event's reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Duty {
    SelfGrant,
    SelfDisable,
    GranteeOutsideScope,
    RoleNotDelegable,
    SubtreeOutsideScope,
}

impl Duty {
    fn as_str(self) -> &'static str {
        match self {
            Self::SelfGrant => "self_grant",
            Self::SelfDisable => "self_disable",
            Self::GranteeOutsideScope => "grantee_outside_scope",
            Self::RoleNotDelegable => "role_not_delegable",
            Self::SubtreeOutsideScope => "outside_agency",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::SelfGrant => {
                "Không được tự phân quyền cho chính mình; hãy đề nghị một quản trị viên khác."
            }
            Self::SelfDisable => {
                "Không được tự khóa tài khoản của chính mình; hãy đề nghị một quản trị viên khác."
            }
            Self::GranteeOutsideScope => {
                "Cán bộ này thuộc đơn vị nằm ngoài phạm vi bạn được quản lý tài khoản."
            }
            Self::RoleNotDelegable => "Vai trò của bạn không được giao vai trò này cho người khác.",
            Self::SubtreeOutsideScope => {
                "Quyền này bao gồm cả đơn vị nằm ngoài phạm vi bạn được phân quyền."
            }
        }
    }
}

fn bad(code: &'static str, message: &str) -> ServiceError {
    ServiceError::bad_request(code, message)
}

/// The agency an account is managed at: an official's home unit; applicants belong to the
/// whole installation.
fn managed_at(user: &User) -> Target<'_> {
    match (&user.kind, &user.agency_id) {
        (UserKind::Official, Some(a)) => Target::agency(a),
        _ => Target::Installation,
    }
}

impl<S: ?Sized + AdminDeps + 'static> AdminService<S> {
    /// A service over `store`, with the catalog's agency tree and the password hasher.
    pub fn new(store: Arc<S>, catalog: CatalogHandle, passwords: Passwords) -> Self {
        Self {
            store,
            catalog,
            passwords,
        }
    }

    async fn refuse(
        &self,
        actor: &Actor,
        now: Timestamp,
        duty: Duty,
        agency: Option<&str>,
        subject: String,
    ) -> ServiceError {
        let mut event = actor
            .event(now, "permission.denied", Outcome::Denied)
            .with("permission", Permission::GrantManage.as_str())
            .with("reason", duty.as_str())
            .subject(subject);
        event.agency_id = agency.map(str::to_owned);
        record(&*self.store, &event).await;
        ServiceError::Forbidden(duty.message().to_owned())
    }

    fn known_agency(&self, id: &str) -> ServiceResult<()> {
        if self.catalog.get().hierarchy().contains(id) {
            Ok(())
        } else {
            Err(bad(
                "unknown_agency",
                "Không có cơ quan này (xem danh sách tại /api/v1/agencies).",
            ))
        }
    }

    /// An account by id, or "not found".
    pub async fn user(&self, id: &str) -> ServiceResult<User> {
        self.store
            .user(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("Không có tài khoản này.".to_owned()))
    }

    /// An account by user name, or "not found".
    pub async fn user_named(&self, username: &str) -> ServiceResult<User> {
        let name = credentials::normalize_username(username)
            .ok_or_else(|| bad("invalid_username", "Tên đăng nhập không hợp lệ."))?;
        self.store
            .user_by_login(&LoginId::Username(name))
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("Không có tài khoản tên {username:?}.")))
    }

    /// The officials whose home unit is within the actor's `user.manage` scope (every
    /// official for the operator).
    pub async fn officials(&self, actor: &Actor, now: Timestamp) -> ServiceResult<Vec<User>> {
        let all = self.store.officials().await?;
        if actor.is_operator() {
            return Ok(all);
        }
        let scope = actor.scope(self.catalog.get().hierarchy(), now, Permission::UserManage);
        Ok(all
            .into_iter()
            .filter(|u| {
                u.agency_id
                    .as_deref()
                    .is_some_and(|a| scope.contains(a, None))
            })
            .collect())
    }

    /// Creates an official at an agency within the actor's `user.manage` scope.
    pub async fn create_official(
        &self,
        actor: &Actor,
        now: Timestamp,
        new: NewOfficial,
    ) -> ServiceResult<User> {
        self.known_agency(&new.agency_id)?;
        actor
            .require(
                &*self.store,
                self.catalog.get().hierarchy(),
                now,
                Permission::UserManage,
                Target::agency(&new.agency_id),
            )
            .await?;
        let username = credentials::normalize_username(&new.username).ok_or_else(|| {
            bad(
                "invalid_username",
                "Tên đăng nhập gồm 3–32 ký tự a-z, 0-9, '.', '_', '-', bắt đầu bằng chữ.",
            )
        })?;
        let email = match new
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            Some(e) => Some(
                credentials::normalize_email(e)
                    .ok_or_else(|| bad("invalid_email", "Địa chỉ email không hợp lệ."))?,
            ),
            None => None,
        };
        let name = clean_line(&new.display_name);
        if !(2..=100).contains(&char_len(&name)) {
            return Err(bad("invalid_name", "Họ tên từ 2 đến 100 ký tự."));
        }
        credentials::check_new_password(&new.password, Some(&LoginId::Username(username.clone())))
            .map_err(|p| ServiceError::bad_request("weak_password", p.to_string()))?;
        let hash = self
            .passwords
            .hash(&new.password)
            .await
            .map_err(ServiceError::internal)?;
        let id = uuid::Uuid::now_v7().to_string();
        let user = NewUser {
            id: id.clone(),
            kind: UserKind::Official,
            username: Some(username),
            email_verified: email.is_some(),
            email,
            phone: None,
            citizen_id: None,
            display_name: name,
            password_hash: Some(hash),
            agency_id: Some(new.agency_id.clone()),
            created_at: now,
        };
        let event = actor
            .event(now, "user.create", Outcome::Success)
            .agency(new.agency_id.clone())
            .subject(format!("user:{id}"));
        self.store.create_user(&user, None, &event).await?;
        self.user(&id).await
    }

    /// Disables an account: its sessions end and its API tokens are revoked. Nobody disables
    /// their own account (an administrator locking itself out leaves the installation
    /// without one, and a stolen session could do it on purpose).
    pub async fn disable(&self, actor: &Actor, now: Timestamp, id: &str) -> ServiceResult<()> {
        self.set_disabled(actor, now, id, true).await
    }

    /// Enables a disabled account again (its old sessions and tokens stay ended: the official
    /// signs in anew).
    pub async fn enable(&self, actor: &Actor, now: Timestamp, id: &str) -> ServiceResult<()> {
        self.set_disabled(actor, now, id, false).await
    }

    async fn set_disabled(
        &self,
        actor: &Actor,
        now: Timestamp,
        id: &str,
        disabled: bool,
    ) -> ServiceResult<()> {
        let user = self.user(id).await?;
        actor
            .require(
                &*self.store,
                self.catalog.get().hierarchy(),
                now,
                Permission::UserManage,
                managed_at(&user),
            )
            .await?;
        if disabled && actor.user_id() == Some(id) {
            return Err(self
                .refuse(
                    actor,
                    now,
                    Duty::SelfDisable,
                    user.agency_id.as_deref(),
                    format!("user:{id}"),
                )
                .await);
        }
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        let mut event = actor
            .event(now, action, Outcome::Success)
            .subject(format!("user:{id}"));
        event.agency_id = user.agency_id.clone();
        Ok(self.store.set_disabled(id, disabled, now, &event).await?)
    }

    /// One official the actor manages (`user.manage` over their home unit); an applicant's
    /// account or an official outside the scope is refused like any other object.
    pub async fn official(&self, actor: &Actor, now: Timestamp, id: &str) -> ServiceResult<User> {
        let user = self.user(id).await?;
        if user.kind != UserKind::Official {
            return Err(ServiceError::NotFound(
                "Không có tài khoản cán bộ này.".to_owned(),
            ));
        }
        actor
            .require(
                &*self.store,
                self.catalog.get().hierarchy(),
                now,
                Permission::UserManage,
                managed_at(&user),
            )
            .await?;
        Ok(user)
    }

    /// The roles the actor may hand out somewhere today, in [`Role::ALL`]'s order: every role
    /// for the operator; otherwise those its active `grant.manage` grants' roles delegate
    /// ([`motcua_core::identity::delegable_by`]). A form offers these and no others, so an
    /// administrator is not invited to make a grant the rules will refuse.
    pub fn delegable_roles(&self, actor: &Actor, now: Timestamp) -> Vec<Role> {
        if actor.is_operator() {
            return Role::ALL.to_vec();
        }
        if actor
            .scope(self.catalog.get().hierarchy(), now, Permission::GrantManage)
            .is_empty()
        {
            return Vec::new();
        }
        let today = vietnam_date(now);
        Role::ALL
            .into_iter()
            .filter(|role| {
                actor.grants.iter().any(|g| {
                    g.grant.is_active_on(today)
                        && g.grant.role.has(Permission::GrantManage)
                        && delegable_by(g.grant.role).contains(role)
                })
            })
            .collect()
    }

    /// Sets a new password and ends the account's sessions.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        now: Timestamp,
        id: &str,
        password: &str,
    ) -> ServiceResult<()> {
        let user = self.user(id).await?;
        actor
            .require(
                &*self.store,
                self.catalog.get().hierarchy(),
                now,
                Permission::UserManage,
                managed_at(&user),
            )
            .await?;
        let login = user.username.clone().map(LoginId::Username);
        credentials::check_new_password(password, login.as_ref())
            .map_err(|p| ServiceError::bad_request("weak_password", p.to_string()))?;
        let hash = self
            .passwords
            .hash(password)
            .await
            .map_err(ServiceError::internal)?;
        let mut event = actor
            .event(now, "password.set", Outcome::Success)
            .subject(format!("user:{id}"));
        event.agency_id = user.agency_id.clone();
        Ok(self
            .store
            .set_password(id, &hash, true, now, &event)
            .await?)
    }

    /// An official's grants, revoked ones included, newest first.
    pub async fn grants_of(
        &self,
        actor: &Actor,
        now: Timestamp,
        id: &str,
    ) -> ServiceResult<Vec<StoredGrant>> {
        let user = self.user(id).await?;
        actor
            .require(
                &*self.store,
                self.catalog.get().hierarchy(),
                now,
                Permission::GrantManage,
                managed_at(&user),
            )
            .await?;
        Ok(self.store.grant_history(id).await?)
    }

    /// Requires `grant.manage` over `agency` — and, for a subtree grant, over every agency
    /// below it: nobody hands out rights beyond their own reach.
    async fn require_reach(
        &self,
        actor: &Actor,
        now: Timestamp,
        agency: &str,
        subtree: bool,
        subject: &str,
    ) -> ServiceResult<()> {
        let catalog = self.catalog.get();
        actor
            .require(
                &*self.store,
                catalog.hierarchy(),
                now,
                Permission::GrantManage,
                Target::agency(agency),
            )
            .await?;
        if !subtree || actor.is_operator() {
            return Ok(());
        }
        let scope = actor.scope(catalog.hierarchy(), now, Permission::GrantManage);
        if let Some(outside) = catalog
            .hierarchy()
            .descendants(agency)
            .into_iter()
            .find(|a| !scope.contains(a, None))
        {
            return Err(self
                .refuse(
                    actor,
                    now,
                    Duty::SubtreeOutsideScope,
                    Some(outside),
                    subject.to_owned(),
                )
                .await);
        }
        Ok(())
    }

    /// Grants a role to an official, under the separation-of-duties rules: the actor's role
    /// must delegate the role, the actor may not grant to itself, and the grantee must be an
    /// official whose home unit the actor manages.
    pub async fn grant(
        &self,
        actor: &Actor,
        now: Timestamp,
        user_id: &str,
        req: GrantRequest,
    ) -> ServiceResult<StoredGrant> {
        let user = self.user(user_id).await?;
        if user.kind != UserKind::Official {
            return Err(bad(
                "not_an_official",
                "Chỉ phân quyền cho tài khoản cán bộ, công chức.",
            ));
        }
        self.known_agency(&req.agency_id)?;
        let procedure = req
            .procedure
            .as_deref()
            .map(ProcedureCode::parse)
            .transpose()
            .map_err(|e| bad("invalid_procedure", &e.to_string()))?;
        let grant = Grant {
            role: req.role,
            agency_id: req.agency_id,
            subtree: req.subtree,
            procedure,
            valid_from: req.valid_from.unwrap_or_else(|| vietnam_date(now)),
            valid_to: req.valid_to,
        };
        if grant.valid_to.is_some_and(|to| to < grant.valid_from) {
            return Err(bad(
                "invalid_dates",
                "Ngày hết hiệu lực phải sau ngày bắt đầu.",
            ));
        }
        let subject = format!("user:{user_id}");
        self.require_reach(actor, now, &grant.agency_id, grant.subtree, &subject)
            .await?;
        if !actor.is_operator() {
            if actor.user_id() == Some(user_id) {
                return Err(self
                    .refuse(actor, now, Duty::SelfGrant, Some(&grant.agency_id), subject)
                    .await);
            }
            let catalog = self.catalog.get();
            let hierarchy = catalog.hierarchy();
            let manages = user.agency_id.as_deref().is_some_and(|home| {
                actor
                    .decide(hierarchy, now, Permission::UserManage, Target::agency(home))
                    .is_ok()
            });
            if !manages {
                return Err(self
                    .refuse(
                        actor,
                        now,
                        Duty::GranteeOutsideScope,
                        user.agency_id.as_deref(),
                        subject,
                    )
                    .await);
            }
            let own: Vec<Grant> = actor.grants.iter().map(|g| g.grant.clone()).collect();
            if !may_grant(
                &own,
                grant.role,
                &grant.agency_id,
                &hierarchy.ancestors(&grant.agency_id),
                vietnam_date(now),
            ) {
                return Err(self
                    .refuse(
                        actor,
                        now,
                        Duty::RoleNotDelegable,
                        Some(&grant.agency_id),
                        subject,
                    )
                    .await);
            }
        }
        let grant_id = uuid::Uuid::now_v7().to_string();
        let event = grant_event(actor, now, "grant.create", &grant_id, user_id, &grant);
        self.store
            .add_grant(&grant_id, user_id, &grant, &actor.audit_id(), now, &event)
            .await?;
        self.store
            .grant(&grant_id)
            .await?
            .ok_or_else(|| ServiceError::internal("grant vanished"))
    }

    /// Revokes a grant (it stays on record).
    pub async fn revoke(&self, actor: &Actor, now: Timestamp, grant_id: &str) -> ServiceResult<()> {
        let gone = || ServiceError::NotFound("Không có quyền này, hoặc đã bị thu hồi.".to_owned());
        let stored = self
            .store
            .grant(grant_id)
            .await?
            .filter(|g| g.revoked_at.is_none())
            .ok_or_else(gone)?;
        self.require_reach(
            actor,
            now,
            &stored.grant.agency_id,
            stored.grant.subtree,
            &format!("grant:{grant_id}"),
        )
        .await?;
        let event = grant_event(
            actor,
            now,
            "grant.revoke",
            grant_id,
            &stored.user_id,
            &stored.grant,
        );
        if self
            .store
            .revoke_grant(grant_id, &actor.audit_id(), now, &event)
            .await?
        {
            Ok(())
        } else {
            Err(gone())
        }
    }
}

/// The audit event of a grant change.
fn grant_event(
    actor: &Actor,
    now: Timestamp,
    action: &str,
    grant_id: &str,
    user_id: &str,
    grant: &Grant,
) -> motcua_core::audit::AuditEvent {
    let mut e = actor
        .event(now, action, Outcome::Success)
        .agency(grant.agency_id.clone())
        .subject(format!("grant:{grant_id}"))
        .with("user", format!("user:{user_id}"))
        .with("role", grant.role.as_str())
        .with("subtree", grant.subtree)
        .with("valid_from", grant.valid_from.to_string());
    if let Some(p) = &grant.procedure {
        e = e.procedure(p.as_str());
    }
    if let Some(to) = grant.valid_to {
        e = e.with("valid_to", to.to_string());
    }
    e
}

/// A random password for an account created without one: 20 base32 characters (100 bits).
pub fn generated_password() -> ServiceResult<String> {
    let bytes = crate::crypto::random_bytes(13).map_err(ServiceError::internal)?;
    Ok(motcua_core::identity::totp::base32_encode(&bytes)
        .to_lowercase()
        .chars()
        .take(20)
        .collect())
}
