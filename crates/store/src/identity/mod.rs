//! Accounts: applicants and officials, their credentials, one-time tokens, links to external
//! identity providers (`users`), two-factor secrets (`totp`), and the roles granted to
//! officials (`grants`).
//!
//! Every method that changes security-relevant state takes the [`AuditEvent`] describing the
//! change and writes it in the same transaction (see [`crate::audit`]).

mod grants;
mod totp;
mod users;

use jiff::Timestamp;
use motcua_core::identity::Grant;

pub use grants::GrantStore;
pub use totp::TotpStore;
pub use users::UserStore;

use crate::error::{StoreError, StoreResult};

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
