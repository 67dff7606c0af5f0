//! Accounts: applicants and officials, their credentials, one-time tokens, links to external
//! identity providers, two-factor secrets, and the roles granted to officials.
//!
//! Every method that changes security-relevant state takes the [`AuditEvent`] describing the
//! change and writes it in the same transaction (see [`crate::audit`]).

use async_trait::async_trait;
use jiff::Timestamp;
use motcua_core::{
    audit::AuditEvent,
    catalog::ProcedureCode,
    identity::{Grant, Role, credentials::LoginId},
};

use crate::{
    audit::append_audit,
    codec::{DbDate, DbTime},
    db::{Db, on_pool, with_tx},
    error::{StoreError, StoreResult},
    outbox::{NewMail, enqueue_mail},
};

/// Applicant or official.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    /// A citizen or an organisation using the portal.
    Applicant,
    /// A public servant using the back office.
    Official,
}

impl UserKind {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applicant => "applicant",
            Self::Official => "official",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        match s {
            "applicant" => Ok(Self::Applicant),
            "official" => Ok(Self::Official),
            other => Err(StoreError::Corrupt(format!("user kind {other:?}"))),
        }
    }
}

/// An account as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct User {
    /// Id (UUIDv7).
    pub id: String,
    /// Applicant or official.
    pub kind: UserKind,
    /// User name (officials, demo accounts).
    pub username: Option<String>,
    /// E-mail address, lower-cased.
    pub email: Option<String>,
    /// Whether the address was proven (a link in a mail, or a provider's verified claim).
    pub email_verified: bool,
    /// Phone, `+84…`.
    pub phone: Option<String>,
    /// Personal identification number.
    pub citizen_id: Option<String>,
    /// Name to show.
    pub display_name: String,
    /// Argon2id PHC string; `None` for accounts that sign in through a provider only.
    pub password_hash: Option<String>,
    /// An official's home unit.
    pub agency_id: Option<String>,
    /// Whether two-factor authentication is on.
    pub totp_enabled: bool,
    /// When the account was disabled.
    pub disabled_at: Option<Timestamp>,
    /// Creation instant.
    pub created_at: Timestamp,
}

/// Accounts carry personal data and a password hash: `Debug` shows neither.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("agency_id", &self.agency_id)
            .field("disabled", &self.disabled_at.is_some())
            .finish_non_exhaustive()
    }
}

/// A new account.
#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Id (UUIDv7), chosen by the caller so the audit event can name it.
    pub id: String,
    /// Applicant or official.
    pub kind: UserKind,
    /// User name.
    pub username: Option<String>,
    /// E-mail address (normalised).
    pub email: Option<String>,
    /// Whether the address is already proven.
    pub email_verified: bool,
    /// Phone (normalised).
    pub phone: Option<String>,
    /// Personal identification number.
    pub citizen_id: Option<String>,
    /// Name to show.
    pub display_name: String,
    /// Argon2id PHC string.
    pub password_hash: Option<String>,
    /// An official's home unit.
    pub agency_id: Option<String>,
    /// Creation instant.
    pub created_at: Timestamp,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// What a one-time token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Choose a new password.
    PasswordReset,
    /// Prove an e-mail address.
    VerifyEmail,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::PasswordReset => "password_reset",
            Self::VerifyEmail => "verify_email",
        }
    }
}

/// A one-time token to store (its hash only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOneTimeToken {
    /// SHA-256 of the token (hex).
    pub token_hash: String,
    /// Whose.
    pub user_id: String,
    /// What for.
    pub purpose: TokenPurpose,
    /// Issued at.
    pub created_at: Timestamp,
    /// Unusable after.
    pub expires_at: Timestamp,
}

/// An account at an OpenID Connect provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalIdentity {
    /// The provider's issuer URL (with the subject, what identifies the person).
    pub issuer: String,
    /// The provider's stable identifier of the person.
    pub subject: String,
    /// The provider's name in the configuration.
    pub provider: String,
}

/// Two-factor state of an account.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct TotpState {
    /// The active secret (base32), when two-factor authentication is on.
    pub secret: Option<String>,
    /// A secret shown during setup, waiting for its first code.
    pub pending: Option<String>,
    /// The last accepted step.
    pub last_step: Option<i64>,
    /// Unused recovery codes left.
    pub recovery_codes_left: i64,
}

impl std::fmt::Debug for TotpState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpState")
            .field("enabled", &self.secret.is_some())
            .field("recovery_codes_left", &self.recovery_codes_left)
            .finish_non_exhaustive()
    }
}

/// A grant as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredGrant {
    /// Id (UUIDv7).
    pub id: String,
    /// To whom.
    pub user_id: String,
    /// The grant.
    pub grant: Grant,
    /// When it was made.
    pub created_at: Timestamp,
    /// By whom (`user:<id>` or `cli`).
    pub created_by: String,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
}

/// Accounts and their credentials.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates an account; with `verification`, also stores an e-mail verification token and
    /// queues its mail. A taken user name, e-mail, phone or identity number is a
    /// [`StoreError::Conflict`] naming the constraint.
    async fn create_user(
        &self,
        user: &NewUser,
        verification: Option<(&NewOneTimeToken, &NewMail)>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// One account.
    async fn user(&self, id: &str) -> StoreResult<Option<User>>;

    /// The account a login identifier names.
    async fn user_by_login(&self, login: &LoginId) -> StoreResult<Option<User>>;

    /// Every official, by user name (for the administration).
    async fn officials(&self) -> StoreResult<Vec<User>>;

    /// Sets a new password hash; with `end_sessions`, also ends every session of the account.
    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        end_sessions: bool,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Disables (ending its sessions and revoking its API tokens) or re-enables an account.
    async fn set_disabled(
        &self,
        user_id: &str,
        disabled: bool,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Stores a one-time token and queues its mail, in one transaction.
    async fn issue_one_time_token(
        &self,
        token: &NewOneTimeToken,
        mail: &NewMail,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Uses a password-reset token: if it exists, is unused and unexpired, marks it used, sets
    /// the password, marks the e-mail verified (the mail was read), ends every session and
    /// records `audit` — all at once. Returns the account id, or `None` for a bad token.
    async fn reset_password_with_token(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<Option<String>>;

    /// Uses an e-mail verification token. Returns the account id, or `None` for a bad token.
    async fn verify_email_with_token(
        &self,
        token_hash: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<Option<String>>;

    /// The account linked to an identity at a provider.
    async fn user_by_external(&self, issuer: &str, subject: &str) -> StoreResult<Option<User>>;

    /// Links a provider identity to an existing account; with `verify_email`, marks the
    /// account's e-mail verified (the provider vouched for the same address).
    async fn link_external(
        &self,
        identity: &ExternalIdentity,
        user_id: &str,
        verify_email: bool,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Creates an account for a provider identity and links it.
    async fn create_user_with_external(
        &self,
        user: &NewUser,
        identity: &ExternalIdentity,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Two-factor state.
    async fn totp_state(&self, user_id: &str) -> StoreResult<TotpState>;

    /// Stores the secret shown during setup.
    async fn set_totp_pending(&self, user_id: &str, secret_b32: &str) -> StoreResult<()>;

    /// Turns two-factor authentication on with the pending secret (which must equal
    /// `secret_b32`, so a setup page opened twice cannot confirm the wrong one), replacing any
    /// recovery codes. Returns false when the pending secret differs.
    async fn enable_totp(
        &self,
        user_id: &str,
        secret_b32: &str,
        first_step: i64,
        recovery_code_hashes: &[String],
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    /// Turns two-factor authentication off and deletes the recovery codes.
    async fn disable_totp(
        &self,
        user_id: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Records an accepted TOTP step, atomically refusing a step at or before the last one
    /// (a code replayed on another node). Returns whether it was accepted.
    async fn accept_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool>;

    /// Uses a recovery code (single use). Returns whether it was valid.
    async fn use_recovery_code(
        &self,
        user_id: &str,
        code_hash: &str,
        now: Timestamp,
    ) -> StoreResult<bool>;
}

/// Roles granted to officials.
#[async_trait]
pub trait GrantStore: Send + Sync {
    /// The grants of an account that are not revoked (whatever their dates: the access model
    /// explains expired grants in denials).
    async fn active_grants(&self, user_id: &str) -> StoreResult<Vec<StoredGrant>>;

    /// Every grant of an account, revoked ones too, newest first.
    async fn grant_history(&self, user_id: &str) -> StoreResult<Vec<StoredGrant>>;

    /// One grant.
    async fn grant(&self, id: &str) -> StoreResult<Option<StoredGrant>>;

    /// Adds a grant.
    async fn add_grant(
        &self,
        id: &str,
        user_id: &str,
        grant: &Grant,
        by: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Revokes a grant. Returns false when it does not exist or was already revoked.
    async fn revoke_grant(
        &self,
        id: &str,
        by: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
}

/// A row of [`USER_COLUMNS`].
pub(crate) type UserRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    bool,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<DbTime>,
    DbTime,
);

/// Columns of [`UserRow`], for queries on `users` (aliased `u` where joined).
pub(crate) const USER_COLUMNS: &str = "u.id, u.kind, u.username, u.email, u.email_verified, \
     u.phone, u.citizen_id, u.display_name, u.password_hash, u.agency_id, u.totp_secret, \
     u.disabled_at, u.created_at";

pub(crate) fn to_user(r: UserRow) -> StoreResult<User> {
    let (
        id,
        kind,
        username,
        email,
        email_verified,
        phone,
        citizen_id,
        display_name,
        password_hash,
        agency_id,
        totp_secret,
        disabled_at,
        created_at,
    ) = r;
    Ok(User {
        id,
        kind: UserKind::parse(&kind)?,
        username,
        email,
        email_verified,
        phone,
        citizen_id,
        display_name,
        password_hash,
        agency_id,
        totp_enabled: totp_secret.is_some(),
        disabled_at: disabled_at.map(|t| t.0),
        created_at: created_at.0,
    })
}

/// Inserts a user row inside a transaction.
macro_rules! insert_user {
    ($conn:expr, $u:expr) => {{
        let u: &NewUser = $u;
        sqlx::query(
            "INSERT INTO users (id, kind, username, email, email_verified, phone, citizen_id, \
             display_name, password_hash, agency_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(&u.id)
        .bind(u.kind.as_str())
        .bind(&u.username)
        .bind(&u.email)
        .bind(u.email_verified)
        .bind(&u.phone)
        .bind(&u.citizen_id)
        .bind(&u.display_name)
        .bind(&u.password_hash)
        .bind(&u.agency_id)
        .bind(DbTime(u.created_at))
        .execute($conn)
        .await?;
    }};
}

/// Stores a one-time token inside a transaction.
macro_rules! insert_token {
    ($conn:expr, $token:expr) => {{
        let token: &NewOneTimeToken = $token;
        sqlx::query(
            "INSERT INTO one_time_tokens (token_hash, user_id, purpose, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&token.token_hash)
        .bind(&token.user_id)
        .bind(token.purpose.as_str())
        .bind(DbTime(token.created_at))
        .bind(DbTime(token.expires_at))
        .execute($conn)
        .await?;
    }};
}

/// Consumes a one-time token inside a transaction: `Some(user_id)` when it was valid.
macro_rules! consume_token {
    ($conn:expr, $hash:expr, $purpose:expr, $now:expr) => {{
        let user: Option<String> = sqlx::query_scalar(
            "UPDATE one_time_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
             RETURNING user_id",
        )
        .bind(DbTime($now))
        .bind($hash)
        .bind($purpose.as_str())
        .fetch_optional($conn)
        .await?;
        user
    }};
}

type GrantRow = (
    String,
    String,
    String,
    String,
    bool,
    Option<String>,
    DbDate,
    Option<DbDate>,
    DbTime,
    String,
    Option<DbTime>,
);

const GRANT_COLUMNS: &str = "id, user_id, role, agency_id, subtree, procedure_code, valid_from, \
     valid_to, created_at, created_by, revoked_at";

fn to_grant(r: GrantRow) -> StoreResult<StoredGrant> {
    let (id, user_id, role, agency_id, subtree, procedure, from, to, created_at, by, revoked) = r;
    Ok(StoredGrant {
        id,
        user_id,
        grant: Grant {
            role: role
                .parse::<Role>()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            agency_id,
            subtree,
            procedure: procedure
                .map(|p| ProcedureCode::parse(&p))
                .transpose()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            valid_from: from.0,
            valid_to: to.map(|d| d.0),
        },
        created_at: created_at.0,
        created_by: by,
        revoked_at: revoked.map(|t| t.0),
    })
}

#[async_trait]
impl UserStore for Db {
    async fn create_user(
        &self,
        user: &NewUser,
        verification: Option<(&NewOneTimeToken, &NewMail)>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            insert_user!(&mut *tx, user);
            if let Some((token, mail)) = verification {
                insert_token!(&mut *tx, token);
                enqueue_mail!(&mut *tx, mail);
            }
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn user(&self, id: &str) -> StoreResult<Option<User>> {
        let row: Option<UserRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
            )))
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        row.map(to_user).transpose()
    }

    async fn user_by_login(&self, login: &LoginId) -> StoreResult<Option<User>> {
        let column = match login {
            LoginId::Email(_) => "email",
            LoginId::Phone(_) => "phone",
            LoginId::Username(_) => "username",
        };
        let row: Option<UserRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.{column} = $1"
            )))
            .bind(login.as_str())
            .fetch_optional(p)
            .await?
        });
        row.map(to_user).transpose()
    }

    async fn officials(&self) -> StoreResult<Vec<User>> {
        let rows: Vec<UserRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.kind = 'official' ORDER BY u.username, u.id"
            )))
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(to_user).collect()
    }

    async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        end_sessions: bool,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            let n =
                sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                    .bind(password_hash)
                    .bind(DbTime(now))
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            if end_sessions {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn set_disabled(
        &self,
        user_id: &str,
        disabled: bool,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            let n = sqlx::query("UPDATE users SET disabled_at = $1, updated_at = $2 WHERE id = $3")
                .bind(disabled.then_some(DbTime(now)))
                .bind(DbTime(now))
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
                )
                .bind(DbTime(now))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            }
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn issue_one_time_token(
        &self,
        token: &NewOneTimeToken,
        mail: &NewMail,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            insert_token!(&mut *tx, token);
            enqueue_mail!(&mut *tx, mail);
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn reset_password_with_token(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<Option<String>> {
        let user = with_tx!(self, |tx, _e| {
            let user = consume_token!(&mut *tx, token_hash, TokenPurpose::PasswordReset, now);
            if let Some(id) = &user {
                sqlx::query(
                    "UPDATE users SET password_hash = $1, email_verified = $2, updated_at = $3 \
                     WHERE id = $4",
                )
                .bind(password_hash)
                .bind(true)
                .bind(DbTime(now))
                .bind(id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                // Other reset links sent earlier die with this one.
                sqlx::query(
                    "UPDATE one_time_tokens SET used_at = $1 \
                     WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
                )
                .bind(DbTime(now))
                .bind(id)
                .bind(TokenPurpose::PasswordReset.as_str())
                .execute(&mut *tx)
                .await?;
                let mut event = audit.clone();
                event.subject = Some(format!("user:{id}"));
                event.actor = format!("user:{id}");
                append_audit!(&mut *tx, &event);
            }
            user
        });
        Ok(user)
    }

    async fn verify_email_with_token(
        &self,
        token_hash: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<Option<String>> {
        let user = with_tx!(self, |tx, _e| {
            let user = consume_token!(&mut *tx, token_hash, TokenPurpose::VerifyEmail, now);
            if let Some(id) = &user {
                sqlx::query("UPDATE users SET email_verified = $1, updated_at = $2 WHERE id = $3")
                    .bind(true)
                    .bind(DbTime(now))
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let mut event = audit.clone();
                event.subject = Some(format!("user:{id}"));
                event.actor = format!("user:{id}");
                append_audit!(&mut *tx, &event);
            }
            user
        });
        Ok(user)
    }

    async fn user_by_external(&self, issuer: &str, subject: &str) -> StoreResult<Option<User>> {
        let row: Option<UserRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM external_identities x JOIN users u ON u.id = x.user_id \
                 WHERE x.issuer = $1 AND x.subject = $2"
            )))
            .bind(issuer)
            .bind(subject)
            .fetch_optional(p)
            .await?
        });
        row.map(to_user).transpose()
    }

    async fn link_external(
        &self,
        identity: &ExternalIdentity,
        user_id: &str,
        verify_email: bool,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "INSERT INTO external_identities (issuer, subject, provider, user_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&identity.issuer)
            .bind(&identity.subject)
            .bind(&identity.provider)
            .bind(user_id)
            .bind(DbTime(now))
            .execute(&mut *tx)
            .await?;
            if verify_email {
                sqlx::query("UPDATE users SET email_verified = $1, updated_at = $2 WHERE id = $3")
                    .bind(true)
                    .bind(DbTime(now))
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
            }
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn create_user_with_external(
        &self,
        user: &NewUser,
        identity: &ExternalIdentity,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            insert_user!(&mut *tx, user);
            sqlx::query(
                "INSERT INTO external_identities (issuer, subject, provider, user_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&identity.issuer)
            .bind(&identity.subject)
            .bind(&identity.provider)
            .bind(&user.id)
            .bind(DbTime(user.created_at))
            .execute(&mut *tx)
            .await?;
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn totp_state(&self, user_id: &str) -> StoreResult<TotpState> {
        let (row, left): (Option<(Option<String>, Option<String>, Option<i64>)>, i64) =
            on_pool!(self, read, |p, _e| {
                let row = sqlx::query_as(
                    "SELECT totp_secret, totp_pending, totp_last_step FROM users WHERE id = $1",
                )
                .bind(user_id)
                .fetch_optional(p)
                .await?;
                let left = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                )
                .bind(user_id)
                .fetch_one(p)
                .await?;
                (row, left)
            });
        let (secret, pending, last_step) = row.ok_or(StoreError::NotFound)?;
        Ok(TotpState {
            secret,
            pending,
            last_step,
            recovery_codes_left: left,
        })
    }

    async fn set_totp_pending(&self, user_id: &str, secret_b32: &str) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
                .bind(secret_b32)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    async fn enable_totp(
        &self,
        user_id: &str,
        secret_b32: &str,
        first_step: i64,
        recovery_code_hashes: &[String],
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let done = with_tx!(self, |tx, _e| {
            let n = sqlx::query(
                "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, \
                 totp_last_step = $1, updated_at = $2 WHERE id = $3 AND totp_pending = $4",
            )
            .bind(first_step)
            .bind(DbTime(now))
            .bind(user_id)
            .bind(secret_b32)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                for h in recovery_code_hashes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                        .bind(user_id)
                        .bind(h)
                        .execute(&mut *tx)
                        .await?;
                }
                append_audit!(&mut *tx, audit);
            }
            n == 1
        });
        Ok(done)
    }

    async fn disable_totp(
        &self,
        user_id: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL, \
                 updated_at = $1 WHERE id = $2",
            )
            .bind(DbTime(now))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn accept_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool> {
        let n = with_tx!(self, |tx, _e| {
            sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
                 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    async fn use_recovery_code(
        &self,
        user_id: &str,
        code_hash: &str,
        now: Timestamp,
    ) -> StoreResult<bool> {
        let n = with_tx!(self, |tx, _e| {
            sqlx::query(
                "UPDATE recovery_codes SET used_at = $1 \
                 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            )
            .bind(DbTime(now))
            .bind(user_id)
            .bind(code_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }
}

#[async_trait]
impl GrantStore for Db {
    async fn active_grants(&self, user_id: &str) -> StoreResult<Vec<StoredGrant>> {
        let rows: Vec<GrantRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {GRANT_COLUMNS} FROM grants WHERE user_id = $1 AND revoked_at IS NULL \
                 ORDER BY created_at, id"
            )))
            .bind(user_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(to_grant).collect()
    }

    async fn grant_history(&self, user_id: &str) -> StoreResult<Vec<StoredGrant>> {
        let rows: Vec<GrantRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {GRANT_COLUMNS} FROM grants WHERE user_id = $1 \
                 ORDER BY created_at DESC, id DESC"
            )))
            .bind(user_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(to_grant).collect()
    }

    async fn grant(&self, id: &str) -> StoreResult<Option<StoredGrant>> {
        let row: Option<GrantRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {GRANT_COLUMNS} FROM grants WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        row.map(to_grant).transpose()
    }

    async fn add_grant(
        &self,
        id: &str,
        user_id: &str,
        grant: &Grant,
        by: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "INSERT INTO grants (id, user_id, role, agency_id, subtree, procedure_code, \
                 valid_from, valid_to, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(user_id)
            .bind(grant.role.as_str())
            .bind(&grant.agency_id)
            .bind(grant.subtree)
            .bind(grant.procedure.as_ref().map(|p| p.as_str().to_owned()))
            .bind(DbDate(grant.valid_from))
            .bind(grant.valid_to.map(DbDate))
            .bind(DbTime(now))
            .bind(by)
            .execute(&mut *tx)
            .await?;
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn revoke_grant(
        &self,
        id: &str,
        by: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let done = with_tx!(self, |tx, _e| {
            let n = sqlx::query(
                "UPDATE grants SET revoked_at = $1, revoked_by = $2 \
                 WHERE id = $3 AND revoked_at IS NULL",
            )
            .bind(DbTime(now))
            .bind(by)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                append_audit!(&mut *tx, audit);
            }
            n == 1
        });
        Ok(done)
    }
}
