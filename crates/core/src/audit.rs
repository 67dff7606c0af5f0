//! Audit events and the hash chain that makes tampering with them evident.
//!
//! An event is written without a hash, in the same transaction as the change it records (so
//! recording never serialises unrelated writes). A background sealer later gives events a
//! sequence number in commit order and links each to the previous one:
//!
//! ```text
//! hash(n) = SHA-256( "motcua-audit-v1" ‖ prev_hash ‖ seq ‖ id ‖ every field of the event )
//! ```
//!
//! Each field is length-prefixed (and `None` is distinct from an empty string), so no two
//! different events hash the same. The stored detail is hashed as the exact text stored,
//! never re-serialised, so JSON key order cannot break verification.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash that precedes the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How an audited action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Done.
    Success,
    /// Attempted and failed (a wrong password, an invalid token).
    Failure,
    /// Refused by access control (no permission, CSRF check).
    Denied,
}

impl Outcome {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Denied => "denied",
        }
    }

    /// Reads the stored form.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "success" => Some(Self::Success),
            "failure" => Some(Self::Failure),
            "denied" => Some(Self::Denied),
            _ => None,
        }
    }
}

/// One audit event, as written by the code that performed the action.
///
/// Never put personal data (names, e-mail addresses, phone or identity numbers, document
/// contents) in it: refer to people by their account id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    /// When it happened.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub occurred_at: Timestamp,
    /// Who: `user:<id>`, `anonymous`, `cli`, or `system`.
    pub actor: String,
    /// What, as `object.verb`, e.g. `login.failed`, `grant.create`, `permission.denied`.
    pub action: String,
    /// How it ended.
    pub outcome: Outcome,
    /// The agency whose object was concerned (what auditors' scopes filter on).
    pub agency_id: Option<String>,
    /// The procedure concerned, if any.
    pub procedure_code: Option<String>,
    /// The object acted on, e.g. `user:<id>`, `grant:<id>`, `dossier:<code>`.
    pub subject: Option<String>,
    /// The client's IP address (see the server's trusted proxy setting).
    pub ip: Option<String>,
    /// The request id (`x-request-id`), to find the matching log lines.
    pub request_id: Option<String>,
    /// Further facts as a JSON object (the permission refused, the reason, the role granted).
    pub detail: serde_json::Value,
}

impl AuditEvent {
    /// An event with no agency, subject, client or detail yet.
    pub fn new(
        occurred_at: Timestamp,
        actor: impl Into<String>,
        action: impl Into<String>,
        outcome: Outcome,
    ) -> Self {
        Self {
            occurred_at,
            actor: actor.into(),
            action: action.into(),
            outcome,
            agency_id: None,
            procedure_code: None,
            subject: None,
            ip: None,
            request_id: None,
            detail: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    /// Sets the agency.
    #[must_use]
    pub fn agency(mut self, agency_id: impl Into<String>) -> Self {
        self.agency_id = Some(agency_id.into());
        self
    }

    /// Sets the procedure.
    #[must_use]
    pub fn procedure(mut self, code: impl Into<String>) -> Self {
        self.procedure_code = Some(code.into());
        self
    }

    /// Sets the subject.
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Sets the client.
    #[must_use]
    pub fn client(mut self, ip: Option<String>, request_id: Option<String>) -> Self {
        self.ip = ip;
        self.request_id = request_id;
        self
    }

    /// Adds a detail field.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        if let serde_json::Value::Object(m) = &mut self.detail {
            m.insert(key.to_owned(), value.into());
        }
        self
    }
}

/// An event as stored, with the fields the hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent<'a> {
    /// Row id (a UUIDv7 assigned at insert).
    pub id: &'a str,
    /// When it happened.
    pub occurred_at: Timestamp,
    /// Actor.
    pub actor: &'a str,
    /// Action.
    pub action: &'a str,
    /// Outcome, stored form.
    pub outcome: &'a str,
    /// Agency.
    pub agency_id: Option<&'a str>,
    /// Procedure.
    pub procedure_code: Option<&'a str>,
    /// Subject.
    pub subject: Option<&'a str>,
    /// IP address.
    pub ip: Option<&'a str>,
    /// Request id.
    pub request_id: Option<&'a str>,
    /// Detail exactly as stored.
    pub detail: &'a str,
}

/// The chain hash of an event given the previous hash and its sequence number (hex).
pub fn chain_hash(prev_hash: &str, seq: i64, e: &StoredEvent<'_>) -> String {
    fn field(h: &mut Sha256, v: Option<&[u8]>) {
        match v {
            None => h.update([0u8]),
            Some(b) => {
                h.update([1u8]);
                h.update((b.len() as u64).to_be_bytes());
                h.update(b);
            }
        }
    }
    let mut h = Sha256::new();
    field(&mut h, Some(b"motcua-audit-v1"));
    field(&mut h, Some(prev_hash.as_bytes()));
    field(&mut h, Some(&seq.to_be_bytes()));
    field(&mut h, Some(e.id.as_bytes()));
    field(&mut h, Some(&e.occurred_at.as_microsecond().to_be_bytes()));
    field(&mut h, Some(e.actor.as_bytes()));
    field(&mut h, Some(e.action.as_bytes()));
    field(&mut h, Some(e.outcome.as_bytes()));
    field(&mut h, e.agency_id.map(str::as_bytes));
    field(&mut h, e.procedure_code.map(str::as_bytes));
    field(&mut h, e.subject.map(str::as_bytes));
    field(&mut h, e.ip.map(str::as_bytes));
    field(&mut h, e.request_id.map(str::as_bytes));
    field(&mut h, Some(e.detail.as_bytes()));
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(detail: &str) -> StoredEvent<'_> {
        StoredEvent {
            id: "0195f1a2-0000-7000-8000-000000000007",
            occurred_at: "2026-11-25T02:00:00Z".parse().unwrap(),
            actor: "user:1",
            action: "login.success",
            outcome: "success",
            agency_id: None,
            procedure_code: None,
            subject: Some(""),
            ip: Some("127.0.0.1"),
            request_id: None,
            detail,
        }
    }

    #[test]
    fn every_field_and_the_link_matter() {
        let base = chain_hash(GENESIS_HASH, 1, &stored("{}"));
        assert_eq!(base.len(), 64);
        assert_eq!(base, chain_hash(GENESIS_HASH, 1, &stored("{}")));
        assert_ne!(base, chain_hash(GENESIS_HASH, 2, &stored("{}")));
        assert_ne!(base, chain_hash(&base, 1, &stored("{}")));
        assert_ne!(base, chain_hash(GENESIS_HASH, 1, &stored("{ }")));
        let mut e = stored("{}");
        e.subject = None;
        assert_ne!(
            base,
            chain_hash(GENESIS_HASH, 1, &e),
            "None differs from empty"
        );
        let mut e = stored("{}");
        e.agency_id = Some("bn");
        assert_ne!(base, chain_hash(GENESIS_HASH, 1, &e));
    }

    #[test]
    fn builder_sets_fields() {
        let e = AuditEvent::new(
            "2026-11-25T02:00:00Z".parse().unwrap(),
            "anonymous",
            "login.failed",
            Outcome::Failure,
        )
        .agency("bn")
        .with("reason", "bad_password");
        assert_eq!(e.agency_id.as_deref(), Some("bn"));
        assert_eq!(e.detail["reason"], "bad_password");
        assert_eq!(
            Outcome::parse(Outcome::Denied.as_str()),
            Some(Outcome::Denied)
        );
    }
}
