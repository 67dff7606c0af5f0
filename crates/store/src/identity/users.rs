//! Accounts and their credentials: creation, passwords, one-time tokens (verification,
//! reset), links to OpenID Connect identities.

use async_trait::async_trait;
use jiff::Timestamp;
use motcua_core::{audit::AuditEvent, identity::credentials::LoginId};

use crate::{
    audit::append_audit,
    codec::DbTime,
    db::{Db, on_pool, with_tx},
    error::{StoreError, StoreResult},
    outbox::{NewMail, enqueue_mail},
};

use super::{ExternalIdentity, NewOneTimeToken, NewUser, TokenPurpose, User, UserKind};

/// Accounts and their credentials.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// Creates an account; with `verification`, also stores an e-mail verification token and
    /// queues its mail. A taken user name, e-mail, phone or identity number is a
    /// [`StoreError::Conflict`] with [`crate::error::Conflict::Taken`] naming the identifier.
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
}

/// A row of [`USER_COLUMNS`].
#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    kind: String,
    username: Option<String>,
    email: Option<String>,
    email_verified: bool,
    phone: Option<String>,
    citizen_id: Option<String>,
    display_name: String,
    password_hash: Option<String>,
    agency_id: Option<String>,
    totp_secret: Option<String>,
    disabled_at: Option<DbTime>,
    created_at: DbTime,
}

/// Columns of [`UserRow`], for queries on `users` (aliased `u` where joined).
const USER_COLUMNS: &str = "u.id, u.kind, u.username, u.email, u.email_verified, \
     u.phone, u.citizen_id, u.display_name, u.password_hash, u.agency_id, u.totp_secret, \
     u.disabled_at, u.created_at";

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(r: UserRow) -> StoreResult<Self> {
        Ok(Self {
            id: r.id,
            kind: UserKind::parse(&r.kind)?,
            username: r.username,
            email: r.email,
            email_verified: r.email_verified,
            phone: r.phone,
            citizen_id: r.citizen_id,
            display_name: r.display_name,
            password_hash: r.password_hash,
            agency_id: r.agency_id,
            totp_enabled: r.totp_secret.is_some(),
            disabled_at: r.disabled_at.map(|t| t.0),
            created_at: r.created_at.0,
        })
    }
}

/// `audit` as the act of the account `id` on itself: whoever opened a mailed link is, from
/// then on, known to be the account's owner.
fn by_owner(audit: &AuditEvent, id: &str) -> AuditEvent {
    let mut event = audit.clone();
    event.subject = Some(format!("user:{id}"));
    event.actor = format!("user:{id}");
    event
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
        row.map(User::try_from).transpose()
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
        row.map(User::try_from).transpose()
    }

    async fn officials(&self) -> StoreResult<Vec<User>> {
        let rows: Vec<UserRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.kind = 'official' ORDER BY u.username, u.id"
            )))
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(User::try_from).collect()
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
                append_audit!(&mut *tx, &by_owner(audit, id));
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
                append_audit!(&mut *tx, &by_owner(audit, id));
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
        row.map(User::try_from).transpose()
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
}
