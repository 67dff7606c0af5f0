//! Checking credentials and starting sessions, shared by the login page and the token API.
//!
//! **Uniform answers.** A wrong password, an unknown account, a disabled account and an account
//! without a password all give the same answer after the same work (a password hash is always
//! checked; a dummy one when there is no account). Lockouts are keyed by what was typed, not
//! by the account, so an unknown identifier locks exactly like a known one and the lockout
//! reveals nothing either.
//!
//! **Lockouts lock one client out, not the owner.** Failures lock the identifier *from the
//! client's network* and, after many, the network itself; across all networks an identifier
//! only has a rate of attempts (a short wait, never a lockout), which bounds a guessing attack
//! spread over many machines without letting anyone lock a known user name for its owner.

use axum::http::HeaderValue;
use jiff::Timestamp;
use motcua_core::{
    audit::Outcome,
    identity::{credentials::LoginId, totp},
};
use motcua_service::crypto::{random_token, recovery_code_hash, sha256_hex};
use motcua_store::{NewSession, SessionLevel, User};

use super::{
    cookies::{self, CookieName},
    principal::RequestContext,
};
use crate::{error::ApiError, state::AppState};

/// The result of checking a password.
#[derive(Debug)]
pub enum PasswordCheck {
    /// The account and password match.
    Valid(Box<User>),
    /// Anything else that the caller must not distinguish.
    Invalid,
    /// Too many failures for this identifier or this client.
    Locked {
        /// Seconds until the next attempt is accepted.
        retry_after: i64,
    },
    /// The password is right but the e-mail address was never verified (only for accounts
    /// that have nothing but an e-mail address to log in with).
    Unverified,
}

/// The lockout key for an identifier as typed: hashed, so the table holds no identifiers.
fn account_key(prefix: &str, input: &str) -> String {
    let normal = LoginId::parse(input)
        .map_or_else(|| input.trim().to_lowercase(), |l| l.as_str().to_owned());
    format!("{prefix}:acct:{}", sha256_hex(&normal))
}

fn seconds_until(until: Timestamp, now: Timestamp) -> i64 {
    (until.as_second() - now.as_second()).max(1)
}

/// The throttle keys of one login attempt (see docs/ARCHITECTURE.md, "Passwords, lockouts,
/// uniform answers").
struct LoginKeys {
    /// This identifier from this client network: locks after a few failures.
    account_client: String,
    /// This client network, whatever the identifier: locks after many failures.
    client: String,
    /// This identifier from anywhere: a rate of attempts, never a lockout.
    account: String,
}

impl LoginKeys {
    fn new(ctx: &RequestContext, login_input: &str) -> Self {
        let acct = account_key("login", login_input);
        let net = ctx.ip_key();
        Self {
            account_client: format!("{acct}:net:{net}"),
            client: format!("login:ip:{net}"),
            account: acct.replacen(":acct:", ":rate:", 1),
        }
    }
}

/// Checks a login, with lockouts, the per-account slow-down and audit events (`login.failed`,
/// `login.locked`).
pub async fn check_password(
    state: &AppState,
    ctx: &RequestContext,
    login_input: &str,
    password: &str,
) -> Result<PasswordCheck, ApiError> {
    let now = state.clock.now();
    let limits = state.auth.config.limits;
    let keys = LoginKeys::new(ctx, login_input);
    let login = LoginId::parse(login_input);
    let user = match &login {
        Some(l) => state.store.user_by_login(l).await?,
        None => None,
    };
    let subject = user.as_ref().map(|u| format!("user:{}", u.id));
    let locked = async |until: Timestamp, limit: &'static str| {
        let mut event = ctx
            .event(now, "anonymous", "login.locked", Outcome::Denied)
            .with("limit", limit);
        event.subject.clone_from(&subject);
        super::principal::record_event(state, &event).await;
        PasswordCheck::Locked {
            retry_after: seconds_until(until, now),
        }
    };
    if let Some(until) = state
        .store
        .locked_until(&[keys.account_client.clone(), keys.client.clone()], now)
        .await?
    {
        return Ok(locked(until, "lockout").await);
    }
    // Taken before the password is checked, so that concurrent guesses cannot all pass a
    // check made before any of them is counted; a right password gives it back.
    if let Some(until) = state
        .store
        .take_attempt(&keys.account, &limits.login_account_rate, now)
        .await?
    {
        return Ok(locked(until, "account_rate").await);
    }
    let hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let matches = password.len() <= motcua_core::identity::credentials::PASSWORD_MAX_BYTES
        && state
            .auth
            .passwords
            .verify(password, hash)
            .await
            .map_err(|e| ApiError::internal(e.to_string()))?;
    let disabled = user.as_ref().is_some_and(|u| u.disabled_at.is_some());
    if !matches || disabled {
        let reason = match (&user, matches) {
            (None, _) => "unknown_account",
            (Some(u), _) if u.password_hash.is_none() => "no_password",
            (Some(_), false) => "bad_password",
            (Some(_), true) => "account_disabled",
        };
        let locked_acct = state
            .store
            .record_failure(&keys.account_client, &limits.login_account, now)
            .await?;
        let locked_ip = state
            .store
            .record_failure(&keys.client, &limits.login_ip, now)
            .await?;
        let mut event = ctx
            .event(now, "anonymous", "login.failed", Outcome::Failure)
            .with("reason", reason);
        event.subject = subject;
        super::principal::record_event(state, &event).await;
        return Ok(match locked_acct.max(locked_ip) {
            Some(until) => PasswordCheck::Locked {
                retry_after: seconds_until(until, now),
            },
            None => PasswordCheck::Invalid,
        });
    }
    let Some(user) = user else {
        return Ok(PasswordCheck::Invalid);
    };
    state.store.clear_throttle(&keys.account_client).await?;
    state
        .store
        .give_back_attempt(&keys.account, &limits.login_account_rate, now)
        .await?;
    if user.email.is_some()
        && !user.email_verified
        && user.username.is_none()
        && user.phone.is_none()
    {
        let event = ctx
            .event(
                now,
                format!("user:{}", user.id),
                "login.unverified",
                Outcome::Failure,
            )
            .subject(format!("user:{}", user.id));
        super::principal::record_event(state, &event).await;
        return Ok(PasswordCheck::Unverified);
    }
    Ok(PasswordCheck::Valid(Box::new(user)))
}

/// The result of checking a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    /// A valid one-time code (or an unused recovery code).
    Valid,
    /// Wrong, replayed, or not configured.
    Invalid,
    /// Too many failures.
    Locked {
        /// Seconds until the next attempt is accepted.
        retry_after: i64,
    },
}

/// Checks a TOTP code or a recovery code for `user`, with lockouts and audit events.
pub async fn check_second_factor(
    state: &AppState,
    ctx: &RequestContext,
    user: &User,
    code: &str,
) -> Result<SecondFactor, ApiError> {
    let now = state.clock.now();
    let key = format!("otp:acct:{}", user.id);
    let actor = format!("user:{}", user.id);
    if let Some(until) = state
        .store
        .locked_until(std::slice::from_ref(&key), now)
        .await?
    {
        let event = ctx.event(now, actor, "login.second_factor_locked", Outcome::Denied);
        super::principal::record_event(state, &event).await;
        return Ok(SecondFactor::Locked {
            retry_after: seconds_until(until, now),
        });
    }
    let t = state.store.totp_state(&user.id).await?;
    let secret = t.secret.as_deref().and_then(totp::base32_decode);
    let mut valid = false;
    let mut method = "totp";
    if let Some(secret) = &secret {
        if let Some(step) = totp::verify(secret, code, now, t.last_step) {
            valid = state.store.accept_totp_step(&user.id, step).await?;
        } else if code.chars().filter(char::is_ascii_alphanumeric).count() == 16 {
            method = "recovery_code";
            valid = state
                .store
                .use_recovery_code(&user.id, &recovery_code_hash(&user.id, code), now)
                .await?;
        }
    }
    if valid {
        state.store.clear_throttle(&key).await?;
        return Ok(SecondFactor::Valid);
    }
    let locked = state
        .store
        .record_failure(&key, &state.auth.config.limits.otp, now)
        .await?;
    let event = ctx
        .event(now, actor, "login.second_factor_failed", Outcome::Failure)
        .with("method", method);
    super::principal::record_event(state, &event).await;
    Ok(match locked {
        Some(until) => SecondFactor::Locked {
            retry_after: seconds_until(until, now),
        },
        None => SecondFactor::Invalid,
    })
}

/// Starts a new session for `user` (always a new id: rotation), ending `replaces` in the same
/// transaction, and records `action` in the audit log. Returns the `Set-Cookie` value.
pub async fn start_session(
    state: &AppState,
    ctx: &RequestContext,
    user: &User,
    level: SessionLevel,
    replaces: Option<&str>,
    action: &str,
) -> Result<HeaderValue, ApiError> {
    let now = state.clock.now();
    let id = random_token().map_err(|e| ApiError::internal(e.to_string()))?;
    let csrf = random_token().map_err(|e| ApiError::internal(e.to_string()))?;
    let expires_at =
        Timestamp::from_second(now.as_second() + state.auth.config.session_absolute_seconds)
            .map_err(|e| ApiError::internal(e.to_string()))?;
    let session = NewSession {
        id_hash: sha256_hex(&id),
        user_id: user.id.clone(),
        level,
        csrf_token: csrf,
        created_at: now,
        expires_at,
        ip: ctx.ip.map(|ip| ip.to_string()),
        user_agent: ctx.user_agent.clone(),
    };
    let event = ctx
        .event(now, format!("user:{}", user.id), action, Outcome::Success)
        .subject(format!("user:{}", user.id))
        .with(
            "level",
            match level {
                SessionLevel::Partial => "partial",
                SessionLevel::Full => "full",
            },
        );
    state
        .store
        .create_session(&session, replaces, &event)
        .await?;
    Ok(cookies::set(
        CookieName::Session,
        &id,
        state.auth.config.https(),
        None,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_keys_follow_the_normalised_identifier_and_hide_it() {
        assert_eq!(
            account_key("login", "0912 345 678"),
            account_key("login", "+84912345678")
        );
        assert_eq!(
            account_key("login", "A@Example.vn"),
            account_key("login", "a@example.vn")
        );
        let k = account_key("login", "0912345678");
        assert!(!k.contains("912"), "{k}");
        // Something that is no valid identifier still gets its own key.
        assert_ne!(account_key("login", "x"), account_key("login", "y"));
    }

    #[test]
    fn login_keys_separate_clients_but_not_addresses_of_one_network() {
        let at = |ip: &str| RequestContext {
            ip: Some(ip.parse().unwrap()),
            ..RequestContext::default()
        };
        let a = LoginKeys::new(&at("203.0.113.7"), "0912345678");
        let same_net = LoginKeys::new(&at("203.0.113.200"), "+84912345678");
        let other = LoginKeys::new(&at("198.51.100.7"), "0912345678");
        assert_eq!(a.account_client, same_net.account_client);
        assert_eq!(a.client, same_net.client);
        assert_ne!(a.account_client, other.account_client);
        assert_ne!(a.client, other.client);
        // One rate for the identifier, wherever the attempts come from.
        assert_eq!(a.account, other.account);
        assert!(a.account.starts_with("login:rate:"), "{}", a.account);
        assert!(!a.account_client.contains("912"), "{}", a.account_client);
    }
}
