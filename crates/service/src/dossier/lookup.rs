//! The public lookup (`/tra-cuu-ho-so`, `GET /api/v1/lookup/{code}`): status and appointment,
//! nothing personal — and only to someone who holds the receipt or knows the applicant.
//!
//! Codes are easy to guess (`prefix-YYMMDD-0001` upwards: one desk's day is a dozen tries), so a
//! code alone answers nothing. The second factor is the lookup key printed on the receipt (and
//! in its QR code), or the last four digits of the applicant's phone or identity number. A
//! wrong pair is answered exactly like an unknown code, and every failed try counts against the
//! client's network; past the limit, the client waits.

use jiff::Timestamp;
use motcua_store::{LookupSecrets, PublicStatus, ThrottlePolicy};

use super::{DossierDeps, DossierService, not_found};
use crate::{
    actor::RequestContext,
    crypto::constant_time_eq,
    error::{ServiceError, ServiceResult},
};

/// Failed lookups a client network may make before it waits: enough for typing mistakes,
/// far too few to walk a desk's day of codes.
pub const LOOKUP_POLICY: ThrottlePolicy = ThrottlePolicy {
    threshold: 20,
    forget_after_seconds: 900,
    base_lock_seconds: 300,
    max_lock_seconds: 3600,
};

/// Whether `factor` (as typed: spaces, dashes and case ignored) is one of the secrets.
fn matches(secrets: &LookupSecrets, factor: &str) -> bool {
    let typed: String = factor
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if typed.is_empty() {
        return false;
    }
    [&secrets.key, &secrets.phone_tail, &secrets.id_tail]
        .into_iter()
        .flatten()
        .any(|s| constant_time_eq(s.as_bytes(), typed.as_bytes()))
}

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    /// The status of the dossier `code` for a client presenting `factor`.
    pub async fn lookup(
        &self,
        ctx: &RequestContext,
        now: Timestamp,
        code: &str,
        factor: &str,
    ) -> ServiceResult<PublicStatus> {
        let code = super::parse_code(code)?;
        let key = format!("lookup:ip:{}", ctx.ip_key());
        if let Some(until) = self
            .store
            .locked_until(std::slice::from_ref(&key), now)
            .await?
        {
            return Err(ServiceError::TooManyRequests {
                retry_after: (until.as_second() - now.as_second()).max(1),
            });
        }
        match self.store.public_status(code.as_str()).await? {
            Some(p) if matches(&p.secrets, factor) => Ok(p),
            _ => {
                self.store.record_failure(&key, &LOOKUP_POLICY, now).await?;
                Err(not_found())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_or_a_tail_opens_the_lookup() {
        let s = LookupSecrets {
            key: Some("K7QM2XWD".into()),
            phone_tail: Some("5678".into()),
            id_tail: Some("1234".into()),
        };
        for ok in ["K7QM2XWD", "k7qm-2xwd", " K7QM 2XWD ", "5678", "1234"] {
            assert!(matches(&s, ok), "{ok}");
        }
        for wrong in ["", "K7QM2XWE", "0000", "567", "K7QM2XW", "--"] {
            assert!(!matches(&s, wrong), "{wrong}");
        }
        assert!(!matches(&LookupSecrets::default(), "1234"));
    }
}
