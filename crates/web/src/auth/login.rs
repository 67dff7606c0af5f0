//! Checking credentials and starting sessions, shared by the login page and the token API.
//!
//! **Uniform answers.** A wrong password, an unknown account, a disabled account and an account
//! without a password all give the same answer after the same work (a password hash is always
//! checked; a dummy one when there is no account). Lockouts are keyed by what was typed, not
//! by the account, so an unknown identifier locks exactly like a known one and the lockout
//! reveals nothing either.

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

/// Checks a login, with lockouts and audit events (`login.failed`, `login.locked`).
pub async fn check_password(
    state: &AppState,
    ctx: &RequestContext,
    login_input: &str,
    password: &str,
) -> Result<PasswordCheck, ApiError> {
    let now = state.clock.now();
    let limits = state.auth.config.limits;
    let acct = account_key("login", login_input);
    let ip = format!("login:ip:{}", ctx.ip_key());
    let login = LoginId::parse(login_input);
    let user = match &login {
        Some(l) => state.store.user_by_login(l).await?,
        None => None,
    };
    let subject = user.as_ref().map(|u| format!("user:{}", u.id));
    if let Some(until) = state
        .store
        .locked_until(&[acct.clone(), ip.clone()], now)
        .await?
    {
        let mut event = ctx.event(now, "anonymous", "login.locked", Outcome::Denied);
        event.subject = subject;
        super::principal::record_event(state, &event).await;
        return Ok(PasswordCheck::Locked {
            retry_after: seconds_until(until, now),
        });
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
            .record_failure(&acct, &limits.login_account, now)
            .await?;
        let locked_ip = state
            .store
            .record_failure(&ip, &limits.login_ip, now)
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
    state.store.clear_throttle(&acct).await?;
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
}
