//! The store's one error type.

/// Why a storage operation failed.
///
/// Callers map these to HTTP in one place (the web crate's error module): `NotFound` and
/// `Conflict` describe the request, everything else is a defect or an outage and is logged,
/// never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The addressed record does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness or state rule refused the write (e.g. two concurrent writers).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A stored value could not be read back into a domain value: data corruption or a bug.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The database failed or is unreachable.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// Migrations failed.
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => Self::NotFound,
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                Self::Conflict(d.constraint().unwrap_or("unique").to_owned())
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
        matches!(
            self,
            Self::Database(
                sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
            )
        )
    }
}

/// Shorthand.
pub type StoreResult<T> = Result<T, StoreError>;
