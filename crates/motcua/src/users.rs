//! `motcua user …`: officials and their grants from the command line (and the demo loader).
//!
//! This is how an installation gets its first administrator:
//!
//! ```sh
//! motcua user create-official admin --name "Quản trị" --agency bn
//! motcua user grant admin administrator --agency bn --subtree
//! ```
//!
//! Every change is written with its audit event (actor `cli`) in one transaction.

use anyhow::{Context, bail};
use jiff::{Timestamp, civil::Date};
use motcua_core::{
    audit::{AuditEvent, Outcome},
    catalog::ProcedureCode,
    identity::{
        Grant, Role,
        credentials::{self, LoginId},
    },
};
use motcua_store::{NewUser, Store, StoredGrant, User, UserKind};
use motcua_web::auth::password::Passwords;

/// A new official.
#[derive(Debug)]
pub struct OfficialSpec<'a> {
    /// User name.
    pub username: &'a str,
    /// Name to show.
    pub display_name: &'a str,
    /// Home unit.
    pub agency_id: &'a str,
    /// E-mail address (for password resets), verified by the operator who enters it.
    pub email: Option<&'a str>,
}

fn event(now: Timestamp, actor: &str, action: &str) -> AuditEvent {
    AuditEvent::new(now, actor, action, Outcome::Success)
}

async fn agency_exists(store: &dyn Store, id: &str) -> anyhow::Result<()> {
    if store.agencies().await?.iter().any(|a| a.id == id) {
        Ok(())
    } else {
        bail!("no agency {id:?} (see GET /api/v1/agencies)")
    }
}

/// The account with this user name.
pub async fn find(store: &dyn Store, username: &str) -> anyhow::Result<User> {
    let name = credentials::normalize_username(username)
        .with_context(|| format!("{username:?} is not a valid user name"))?;
    store
        .user_by_login(&LoginId::Username(name))
        .await?
        .with_context(|| format!("no account named {username:?}"))
}

/// Creates an official with `password`; returns the account id.
pub async fn create_official(
    store: &dyn Store,
    passwords: &Passwords,
    spec: &OfficialSpec<'_>,
    password: &str,
    now: Timestamp,
    actor: &str,
) -> anyhow::Result<String> {
    let username = credentials::normalize_username(spec.username).with_context(|| {
        format!(
            "user name {:?}: 3–32 of a-z, 0-9, '.', '_', '-', starting with a letter",
            spec.username
        )
    })?;
    agency_exists(store, spec.agency_id).await?;
    credentials::check_new_password(password, Some(&LoginId::Username(username.clone())))
        .map_err(|p| anyhow::anyhow!("password: {p}"))?;
    let email = spec
        .email
        .map(|e| credentials::normalize_email(e).with_context(|| format!("invalid e-mail {e:?}")))
        .transpose()?;
    let id = uuid::Uuid::now_v7().to_string();
    let user = NewUser {
        id: id.clone(),
        kind: UserKind::Official,
        username: Some(username),
        email_verified: email.is_some(),
        email,
        phone: None,
        citizen_id: None,
        display_name: motcua_core::text::clean_line(spec.display_name),
        password_hash: Some(passwords.hash(password).await?),
        agency_id: Some(spec.agency_id.to_owned()),
        created_at: now,
    };
    let e = event(now, actor, "user.create")
        .agency(spec.agency_id)
        .subject(format!("user:{id}"));
    store
        .create_user(&user, None, &e)
        .await
        .context("creating the account (is the user name or e-mail taken?)")?;
    Ok(id)
}

/// What a grant command asks for.
#[derive(Debug)]
pub struct GrantSpec<'a> {
    /// Role.
    pub role: &'a str,
    /// Agency.
    pub agency_id: &'a str,
    /// Whether it covers the agencies below.
    pub subtree: bool,
    /// Only this procedure.
    pub procedure: Option<&'a str>,
    /// First day; default today.
    pub valid_from: Option<Date>,
    /// Last day (inclusive).
    pub valid_to: Option<Date>,
}

/// Grants a role; returns the grant id.
pub async fn grant(
    store: &dyn Store,
    username: &str,
    spec: &GrantSpec<'_>,
    now: Timestamp,
    actor: &str,
) -> anyhow::Result<String> {
    let user = find(store, username).await?;
    if user.kind != UserKind::Official {
        bail!("{username} is not an official: roles are granted to officials only");
    }
    agency_exists(store, spec.agency_id).await?;
    let role: Role = spec
        .role
        .parse()
        .map_err(|e: motcua_core::identity::UnknownRole| {
            let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            anyhow::anyhow!("{e}; roles: {}", all.join(", "))
        })?;
    let grant = Grant {
        role,
        agency_id: spec.agency_id.to_owned(),
        subtree: spec.subtree,
        procedure: spec
            .procedure
            .map(ProcedureCode::parse)
            .transpose()
            .map_err(|e| anyhow::anyhow!("{e}"))?,
        valid_from: spec
            .valid_from
            .unwrap_or_else(|| motcua_core::identity::vietnam_date(now)),
        valid_to: spec.valid_to,
    };
    if grant.valid_to.is_some_and(|t| t < grant.valid_from) {
        bail!("--to is before --from");
    }
    let id = uuid::Uuid::now_v7().to_string();
    let mut e = event(now, actor, "grant.create")
        .agency(grant.agency_id.clone())
        .subject(format!("grant:{id}"))
        .with("user", format!("user:{}", user.id))
        .with("role", role.as_str())
        .with("subtree", grant.subtree)
        .with("valid_from", grant.valid_from.to_string());
    if let Some(p) = &grant.procedure {
        e = e.procedure(p.as_str());
    }
    if let Some(to) = grant.valid_to {
        e = e.with("valid_to", to.to_string());
    }
    store
        .add_grant(&id, &user.id, &grant, actor, now, &e)
        .await?;
    Ok(id)
}

/// Revokes a grant; false when it does not exist or was already revoked.
pub async fn revoke(
    store: &dyn Store,
    grant_id: &str,
    now: Timestamp,
    actor: &str,
) -> anyhow::Result<bool> {
    let Some(g) = store.grant(grant_id).await? else {
        return Ok(false);
    };
    let e = event(now, actor, "grant.revoke")
        .agency(g.grant.agency_id.clone())
        .subject(format!("grant:{grant_id}"))
        .with("user", format!("user:{}", g.user_id))
        .with("role", g.grant.role.as_str());
    Ok(store.revoke_grant(grant_id, actor, now, &e).await?)
}

/// Every grant of an account, newest first.
pub async fn grants(store: &dyn Store, username: &str) -> anyhow::Result<Vec<StoredGrant>> {
    let user = find(store, username).await?;
    Ok(store.grant_history(&user.id).await?)
}

/// Sets a new password and ends the account's sessions.
pub async fn reset_password(
    store: &dyn Store,
    passwords: &Passwords,
    username: &str,
    password: &str,
    now: Timestamp,
    actor: &str,
) -> anyhow::Result<()> {
    let user = find(store, username).await?;
    credentials::check_new_password(password, Some(&LoginId::Username(username.to_owned())))
        .map_err(|p| anyhow::anyhow!("password: {p}"))?;
    let hash = passwords.hash(password).await?;
    let mut e = event(now, actor, "password.set").subject(format!("user:{}", user.id));
    e.agency_id = user.agency_id.clone();
    store.set_password(&user.id, &hash, true, now, &e).await?;
    Ok(())
}

/// Disables an account (sessions end, API tokens are revoked).
pub async fn disable(
    store: &dyn Store,
    username: &str,
    now: Timestamp,
    actor: &str,
) -> anyhow::Result<()> {
    let user = find(store, username).await?;
    let mut e = event(now, actor, "user.disable").subject(format!("user:{}", user.id));
    e.agency_id = user.agency_id.clone();
    store.set_disabled(&user.id, true, now, &e).await?;
    Ok(())
}

/// A random password for an account created without one: 20 base32 characters (100 bits).
pub fn generated_password() -> anyhow::Result<String> {
    let bytes = motcua_web::auth::crypto::random_bytes(13)?;
    Ok(motcua_core::identity::totp::base32_encode(&bytes)
        .to_lowercase()
        .chars()
        .take(20)
        .collect())
}
