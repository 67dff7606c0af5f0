//! The store's one error type.
//!
//! Every way a write can be refused that a caller must react to is its own variant, so callers
//! match on types, never on message text: rewording a message can never turn a conflict into an
//! outage. Engine specifics (SQLite's "UNIQUE constraint failed: users.email", PostgreSQL's
//! `users_email_key`) are translated here, in one place.

/// Why a storage operation failed.
///
/// Callers map these to HTTP in one place (the web crate's error module): `NotFound`,
/// `Conflict`, `StaleRevision` and `SequenceExhausted` describe the request or the data;
/// everything else is a defect or an outage and is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The addressed record does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule refused the write.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// The record changed since the caller read it (optimistic concurrency).
    #[error("the record changed since it was read")]
    StaleRevision,
    /// A dossier code prefix has used all of its daily sequence numbers (9,999 a day,
    /// Circular 01/2018 Art. 19).
    #[error("daily dossier sequence exhausted for {prefix} on {day}")]
    SequenceExhausted {
        /// The code prefix.
        prefix: String,
        /// The day.
        day: jiff::civil::Date,
    },
    /// The caller broke the contract of the method (a programming error, never input).
    #[error("store misuse: {0}")]
    Misuse(String),
    /// A stored value could not be read back into a domain value: data corruption or a bug.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The database failed or is unreachable.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// The transaction shared by a batch of submissions (SQLite group commit) could not start
    /// or commit: every submission of the batch failed with the same cause.
    #[error("group commit failed: {0}")]
    Batch(#[source] std::sync::Arc<sqlx::Error>),
    /// Migrations failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Which uniqueness rule refused a write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    /// An identifier of an account is already used by another account.
    #[error("{0} already taken")]
    Taken(Identifier),
    /// An idempotency key was inserted twice at once (the store answers the replay itself; a
    /// caller only sees this from methods that do not).
    #[error("idempotency key already used")]
    IdempotencyKey,
    /// Any other unique key. The constraint is for the logs only: it is never shown to a
    /// client, who is told that the record already exists.
    #[error("unique constraint {constraint}")]
    Unique {
        /// The constraint (PostgreSQL's name, or SQLite's `table.column`).
        constraint: String,
    },
}

/// An identifier that belongs to at most one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Identifier {
    /// The official's user name.
    #[error("user name")]
    Username,
    /// The e-mail address.
    #[error("e-mail address")]
    Email,
    /// The phone number.
    #[error("phone number")]
    Phone,
    /// The personal identification number.
    #[error("personal identification number")]
    CitizenId,
    /// An identity at an OpenID Connect provider (issuer and subject).
    #[error("external identity")]
    ExternalIdentity,
}

impl Conflict {
    /// Classifies a unique violation by its constraint: the only place that knows the
    /// engines' naming (PostgreSQL `users_email_key`, SQLite `users.email`).
    fn classify(constraint: &str) -> Self {
        const TAKEN: [(&str, &str, Identifier); 5] = [
            ("users_username_key", "users.username", Identifier::Username),
            ("users_email_key", "users.email", Identifier::Email),
            ("users_phone_key", "users.phone", Identifier::Phone),
            (
                "users_citizen_id_key",
                "users.citizen_id",
                Identifier::CitizenId,
            ),
            (
                "external_identities_pkey",
                "external_identities.",
                Identifier::ExternalIdentity,
            ),
        ];
        if let Some((_, _, id)) = TAKEN
            .iter()
            .find(|(pg, lite, _)| constraint == *pg || constraint.contains(lite))
        {
            return Self::Taken(*id);
        }
        if constraint.contains("idempotency_keys") {
            return Self::IdempotencyKey;
        }
        Self::Unique {
            constraint: constraint.to_owned(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                // PostgreSQL names the constraint; SQLite only says "UNIQUE constraint failed:
                // table.column, …" in the message.
                let constraint = d
                    .constraint()
                    .map_or_else(|| d.message().to_owned(), str::to_owned);
                Self::Conflict(Conflict::classify(&constraint))
            }
            _ => Self::Database(e),
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Self::Corrupt(e.to_string())
    }
}

impl StoreError {
    /// Whether this is an outage (database unreachable, pool exhausted) rather than a defect:
    /// the request may succeed if retried later.
    pub fn is_outage(&self) -> bool {
        let outage = |e: &sqlx::Error| {
            matches!(
                e,
                sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
            )
        };
        match self {
            Self::Database(e) => outage(e),
            Self::Batch(e) => outage(e),
            _ => false,
        }
    }
}

/// Shorthand.
pub type StoreResult<T> = Result<T, StoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_engines_constraint_spellings_classify_alike() {
        for (pg, lite, id) in [
            (
                "users_email_key",
                "UNIQUE constraint failed: users.email",
                Identifier::Email,
            ),
            (
                "users_citizen_id_key",
                "UNIQUE constraint failed: users.citizen_id",
                Identifier::CitizenId,
            ),
            (
                "external_identities_pkey",
                "UNIQUE constraint failed: external_identities.issuer, external_identities.subject",
                Identifier::ExternalIdentity,
            ),
        ] {
            assert_eq!(Conflict::classify(pg), Conflict::Taken(id));
            assert_eq!(Conflict::classify(lite), Conflict::Taken(id));
        }
        for k in [
            "idempotency_keys_pkey",
            "UNIQUE constraint failed: idempotency_keys.owner, idempotency_keys.key",
        ] {
            assert_eq!(Conflict::classify(k), Conflict::IdempotencyKey);
        }
        assert!(matches!(
            Conflict::classify("dossiers_code_key"),
            Conflict::Unique { .. }
        ));
    }
}
