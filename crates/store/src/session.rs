//! Browser sessions, API tokens and OpenID Connect logins in progress.
//!
//! Only hashes of session ids and tokens are stored: a copy of the database does not let
//! anyone act as a user.

use async_trait::async_trait;
use jiff::Timestamp;
use motcua_core::audit::AuditEvent;

use crate::{
    audit::append_audit,
    codec::DbTime,
    db::{Db, on_pool, with_tx},
    error::{StoreError, StoreResult},
    identity::{User, UserStore},
};

/// How far a session got through authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionLevel {
    /// Password accepted; the second factor is still due. Good for nothing but the 2FA page
    /// and logging out.
    Partial,
    /// Fully authenticated.
    Full,
}

impl SessionLevel {
    fn as_str(self) -> &'static str {
        match self {
            Self::Partial => "partial",
            Self::Full => "full",
        }
    }

    fn parse(s: &str) -> StoreResult<Self> {
        match s {
            "partial" => Ok(Self::Partial),
            "full" => Ok(Self::Full),
            other => Err(StoreError::Corrupt(format!("session level {other:?}"))),
        }
    }
}

/// A session to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// SHA-256 of the cookie value (hex).
    pub id_hash: String,
    /// Whose.
    pub user_id: String,
    /// Authentication level.
    pub level: SessionLevel,
    /// The session's CSRF token (sent in forms; not a credential on its own).
    pub csrf_token: String,
    /// Login instant.
    pub created_at: Timestamp,
    /// Absolute end, whatever the activity.
    pub expires_at: Timestamp,
    /// Client address at login.
    pub ip: Option<String>,
    /// Browser at login (shortened), to recognise sessions on the account page.
    pub user_agent: Option<String>,
}

/// A session with its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the cookie value.
    pub id_hash: String,
    /// The account.
    pub user: User,
    /// Authentication level.
    pub level: SessionLevel,
    /// CSRF token.
    pub csrf_token: String,
    /// Login instant.
    pub created_at: Timestamp,
    /// Last request seen (updated at most once a minute).
    pub last_seen_at: Timestamp,
    /// Absolute end.
    pub expires_at: Timestamp,
}

/// A session as listed on the account page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// SHA-256 of the cookie value (to mark the current one).
    pub id_hash: String,
    /// Login instant.
    pub created_at: Timestamp,
    /// Last request.
    pub last_seen_at: Timestamp,
    /// Client address at login.
    pub ip: Option<String>,
    /// Browser at login.
    pub user_agent: Option<String>,
}

/// An API token to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiToken {
    /// Id (UUIDv7).
    pub id: String,
    /// Whose.
    pub user_id: String,
    /// Label chosen by the user.
    pub name: String,
    /// SHA-256 of the token (hex).
    pub token_hash: String,
    /// Permissions it may exercise (space-separated), within the owner's grants.
    pub scopes: String,
    /// Creation instant.
    pub created_at: Timestamp,
    /// Unusable after, if set.
    pub expires_at: Option<Timestamp>,
}

/// An API token as stored (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenInfo {
    /// Id.
    pub id: String,
    /// Whose.
    pub user_id: String,
    /// Label.
    pub name: String,
    /// Permissions (space-separated).
    pub scopes: String,
    /// Creation instant.
    pub created_at: Timestamp,
    /// Expiry.
    pub expires_at: Option<Timestamp>,
    /// Last use (updated at most once a minute).
    pub last_used_at: Option<Timestamp>,
    /// Revocation.
    pub revoked_at: Option<Timestamp>,
}

/// An OpenID Connect login in progress.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcFlow {
    /// SHA-256 of the browser cookie that binds the flow to the browser that started it.
    pub id_hash: String,
    /// Provider name (from the configuration).
    pub provider: String,
    /// The `state` sent to the provider.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// Where to go after logging in (a local path).
    pub return_to: Option<String>,
    /// Start.
    pub created_at: Timestamp,
    /// Unusable after.
    pub expires_at: Timestamp,
}

impl std::fmt::Debug for OidcFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcFlow")
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

/// Sessions, API tokens and OIDC flows.
#[async_trait]
pub trait SessionStore: Send + Sync {
    /// Creates a session, deleting the session it `replaces` (rotation at login and at
    /// privilege change) in the same transaction.
    async fn create_session(
        &self,
        session: &NewSession,
        replaces: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// A session and its account (expiry is the caller's decision: it knows the idle limit).
    async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>>;

    /// Records activity.
    async fn touch_session(&self, id_hash: &str, now: Timestamp) -> StoreResult<()>;

    /// Ends one session (with an audit event when it was a logout, not a cleanup).
    async fn delete_session(&self, id_hash: &str, audit: Option<&AuditEvent>) -> StoreResult<()>;

    /// Ends every session of an account except `keep`. Returns how many ended.
    async fn delete_user_sessions(
        &self,
        user_id: &str,
        keep: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<u64>;

    /// The sessions of an account, most recent first.
    async fn user_sessions(&self, user_id: &str) -> StoreResult<Vec<SessionInfo>>;

    /// Creates an API token.
    async fn create_api_token(&self, token: &NewApiToken, audit: &AuditEvent) -> StoreResult<()>;

    /// The token with this hash and its owner (revocation and expiry are the caller's checks,
    /// so that it can audit them).
    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiTokenInfo, User)>>;

    /// Records a use.
    async fn touch_api_token(&self, id: &str, now: Timestamp) -> StoreResult<()>;

    /// Revokes a token of `user_id`. Returns false when there is no such unrevoked token.
    async fn revoke_api_token(
        &self,
        id: &str,
        user_id: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    /// The tokens of an account, newest first.
    async fn user_api_tokens(&self, user_id: &str) -> StoreResult<Vec<ApiTokenInfo>>;

    /// Stores a login in progress.
    async fn create_oidc_flow(&self, flow: &OidcFlow) -> StoreResult<()>;

    /// Takes (deletes and returns) a login in progress, if it has not expired: each flow can
    /// complete once.
    async fn take_oidc_flow(&self, id_hash: &str, now: Timestamp) -> StoreResult<Option<OidcFlow>>;

    /// Deletes expired sessions, flows and used or expired one-time tokens.
    async fn purge_expired(&self, now: Timestamp, idle_cutoff: Timestamp) -> StoreResult<u64>;
}

/// A row of `sessions`, as [`SessionStore::session`] reads it.
#[derive(sqlx::FromRow)]
struct SessionRow {
    id_hash: String,
    user_id: String,
    level: String,
    csrf_token: String,
    created_at: DbTime,
    last_seen_at: DbTime,
    expires_at: DbTime,
}

/// A row of [`TOKEN_COLUMNS`].
#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    user_id: String,
    name: String,
    scopes: String,
    created_at: DbTime,
    expires_at: Option<DbTime>,
    last_used_at: Option<DbTime>,
    revoked_at: Option<DbTime>,
}

const TOKEN_COLUMNS: &str =
    "t.id, t.user_id, t.name, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.revoked_at";

impl From<TokenRow> for ApiTokenInfo {
    fn from(r: TokenRow) -> Self {
        Self {
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            scopes: r.scopes,
            created_at: r.created_at.0,
            expires_at: r.expires_at.map(|t| t.0),
            last_used_at: r.last_used_at.map(|t| t.0),
            revoked_at: r.revoked_at.map(|t| t.0),
        }
    }
}

/// A row of `oidc_flows`.
#[derive(sqlx::FromRow)]
struct FlowRow {
    id_hash: String,
    provider: String,
    state: String,
    nonce: String,
    pkce_verifier: String,
    return_to: Option<String>,
    created_at: DbTime,
    expires_at: DbTime,
}

impl From<FlowRow> for OidcFlow {
    fn from(r: FlowRow) -> Self {
        Self {
            id_hash: r.id_hash,
            provider: r.provider,
            state: r.state,
            nonce: r.nonce,
            pkce_verifier: r.pkce_verifier,
            return_to: r.return_to,
            created_at: r.created_at.0,
            expires_at: r.expires_at.0,
        }
    }
}

#[async_trait]
impl SessionStore for Db {
    async fn create_session(
        &self,
        s: &NewSession,
        replaces: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            if let Some(old) = replaces {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query(
                "INSERT INTO sessions (id_hash, user_id, level, csrf_token, created_at, \
                 last_seen_at, expires_at, ip, user_agent) \
                 VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)",
            )
            .bind(&s.id_hash)
            .bind(&s.user_id)
            .bind(s.level.as_str())
            .bind(&s.csrf_token)
            .bind(DbTime(s.created_at))
            .bind(DbTime(s.expires_at))
            .bind(&s.ip)
            .bind(&s.user_agent)
            .execute(&mut *tx)
            .await?;
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn session(&self, id_hash: &str) -> StoreResult<Option<SessionRecord>> {
        let session: Option<SessionRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(
                "SELECT id_hash, user_id, level, csrf_token, created_at, last_seen_at, expires_at \
                 FROM sessions WHERE id_hash = $1",
            )
            .bind(id_hash)
            .fetch_optional(p)
            .await?
        });
        let Some(s) = session else {
            return Ok(None);
        };
        let Some(user) = self.user(&s.user_id).await? else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            id_hash: s.id_hash,
            user,
            level: SessionLevel::parse(&s.level)?,
            csrf_token: s.csrf_token,
            created_at: s.created_at.0,
            last_seen_at: s.last_seen_at.0,
            expires_at: s.expires_at.0,
        }))
    }

    async fn touch_session(&self, id_hash: &str, now: Timestamp) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
                .bind(DbTime(now))
                .bind(id_hash)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    async fn delete_session(&self, id_hash: &str, audit: Option<&AuditEvent>) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                .bind(id_hash)
                .execute(&mut *tx)
                .await?;
            if let Some(a) = audit {
                append_audit!(&mut *tx, a);
            }
        });
        Ok(())
    }

    async fn delete_user_sessions(
        &self,
        user_id: &str,
        keep: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<u64> {
        let n = with_tx!(self, |tx, _e| {
            let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
                .bind(user_id)
                .bind(keep.unwrap_or(""))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            append_audit!(&mut *tx, audit);
            n
        });
        Ok(n)
    }

    async fn user_sessions(&self, user_id: &str) -> StoreResult<Vec<SessionInfo>> {
        let rows: Vec<(String, DbTime, DbTime, Option<String>, Option<String>)> =
            on_pool!(self, read, |p, _e| {
                sqlx::query_as(
                    "SELECT id_hash, created_at, last_seen_at, ip, user_agent FROM sessions \
                     WHERE user_id = $1 ORDER BY last_seen_at DESC, id_hash",
                )
                .bind(user_id)
                .fetch_all(p)
                .await?
            });
        Ok(rows
            .into_iter()
            .map(|(id_hash, c, s, ip, ua)| SessionInfo {
                id_hash,
                created_at: c.0,
                last_seen_at: s.0,
                ip,
                user_agent: ua,
            })
            .collect())
    }

    async fn create_api_token(&self, t: &NewApiToken, audit: &AuditEvent) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "INSERT INTO api_tokens (id, user_id, name, token_hash, scopes, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&t.id)
            .bind(&t.user_id)
            .bind(&t.name)
            .bind(&t.token_hash)
            .bind(&t.scopes)
            .bind(DbTime(t.created_at))
            .bind(t.expires_at.map(DbTime))
            .execute(&mut *tx)
            .await?;
            append_audit!(&mut *tx, audit);
        });
        Ok(())
    }

    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiTokenInfo, User)>> {
        let token: Option<TokenRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens t WHERE t.token_hash = $1"
            )))
            .bind(token_hash)
            .fetch_optional(p)
            .await?
        });
        let Some(t) = token else {
            return Ok(None);
        };
        Ok(self
            .user(&t.user_id)
            .await?
            .map(|user| (ApiTokenInfo::from(t), user)))
    }

    async fn touch_api_token(&self, id: &str, now: Timestamp) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(DbTime(now))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    async fn revoke_api_token(
        &self,
        id: &str,
        user_id: &str,
        now: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let done = with_tx!(self, |tx, _e| {
            let n = sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 \
                 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
            )
            .bind(DbTime(now))
            .bind(id)
            .bind(user_id)
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

    async fn user_api_tokens(&self, user_id: &str) -> StoreResult<Vec<ApiTokenInfo>> {
        let rows: Vec<TokenRow> = on_pool!(self, read, |p, _e| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens t WHERE t.user_id = $1 \
                 ORDER BY t.created_at DESC, t.id DESC"
            )))
            .bind(user_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(ApiTokenInfo::from).collect())
    }

    async fn create_oidc_flow(&self, f: &OidcFlow) -> StoreResult<()> {
        with_tx!(self, |tx, _e| {
            sqlx::query(
                "INSERT INTO oidc_flows (id_hash, provider, state, nonce, pkce_verifier, return_to, \
                 created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&f.id_hash)
            .bind(&f.provider)
            .bind(&f.state)
            .bind(&f.nonce)
            .bind(&f.pkce_verifier)
            .bind(&f.return_to)
            .bind(DbTime(f.created_at))
            .bind(DbTime(f.expires_at))
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    async fn take_oidc_flow(&self, id_hash: &str, now: Timestamp) -> StoreResult<Option<OidcFlow>> {
        let row: Option<FlowRow> = with_tx!(self, |tx, _e| {
            sqlx::query_as(
                "DELETE FROM oidc_flows WHERE id_hash = $1 RETURNING id_hash, provider, state, \
                 nonce, pkce_verifier, return_to, created_at, expires_at",
            )
            .bind(id_hash)
            .fetch_optional(&mut *tx)
            .await?
        });
        Ok(row.map(OidcFlow::from).filter(|f| f.expires_at > now))
    }

    async fn purge_expired(&self, now: Timestamp, idle_cutoff: Timestamp) -> StoreResult<u64> {
        let n = with_tx!(self, |tx, _e| {
            let mut n =
                sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
                    .bind(DbTime(now))
                    .bind(DbTime(idle_cutoff))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            n += sqlx::query("DELETE FROM oidc_flows WHERE expires_at <= $1")
                .bind(DbTime(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            n += sqlx::query("DELETE FROM one_time_tokens WHERE expires_at <= $1")
                .bind(DbTime(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            n
        });
        Ok(n)
    }
}
