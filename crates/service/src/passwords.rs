//! Password hashing: Argon2id (the `argon2` crate's defaults: 19 MiB, 2 passes, 1 lane — the
//! OWASP recommendation) run on the blocking thread pool, at most a few at a time.
//!
//! Each hash holds ~19 MiB and tens of milliseconds of CPU, so an unbounded flood of logins
//! could exhaust memory or starve the runtime; a semaphore queues the excess instead.

use std::sync::Arc;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use tokio::sync::{OnceCell, Semaphore};

/// Why hashing failed (never "wrong password": that is `Ok(false)`).
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The hashing library refused (e.g. the system random source failed).
    #[error("password hashing failed: {0}")]
    Hash(String),
    /// The blocking task died.
    #[error("password hashing task failed: {0}")]
    Task(String),
}

/// Hashes and verifies passwords.
#[derive(Debug, Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    dummy: Arc<OnceCell<String>>,
}

impl Passwords {
    /// At most `concurrency` hashes run at once.
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy: Arc::new(OnceCell::new()),
        }
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, PasswordError> + Send + 'static,
    ) -> Result<T, PasswordError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| PasswordError::Task(e.to_string()))?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| PasswordError::Task(e.to_string()))?
    }

    /// The Argon2id PHC string of `password`, with a fresh random salt.
    pub async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        let password = password.to_owned();
        self.blocking(move || {
            Argon2::default()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| PasswordError::Hash(e.to_string()))
        })
        .await
    }

    /// Whether `password` matches `phc`. With `phc = None` (no such account, or an account
    /// without a password) a dummy hash is checked instead and the answer is `false`, so that
    /// the time taken does not tell whether the account exists.
    pub async fn verify(&self, password: &str, phc: Option<&str>) -> Result<bool, PasswordError> {
        let (phc, real) = match phc {
            Some(p) => (p.to_owned(), true),
            None => (self.dummy_hash().await?, false),
        };
        let password = password.to_owned();
        let matched = self
            .blocking(move || {
                Ok(Argon2::default()
                    .verify_password(password.as_bytes(), phc.as_str())
                    .is_ok())
            })
            .await?;
        Ok(real && matched)
    }

    async fn dummy_hash(&self) -> Result<String, PasswordError> {
        self.dummy
            .get_or_try_init(|| async { self.hash("motcua: no such account").await })
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let p = Passwords::new(2);
        let h = p.hash("mật khẩu đủ dài").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(p.verify("mật khẩu đủ dài", Some(&h)).await.unwrap());
        assert!(!p.verify("mat khau du dai", Some(&h)).await.unwrap());
        assert!(!p.verify("mật khẩu đủ dài", None).await.unwrap());
        assert!(!p.verify("motcua: no such account", None).await.unwrap());
        assert!(!p.verify("x", Some("not a phc string")).await.unwrap());
        assert_ne!(h, p.hash("mật khẩu đủ dài").await.unwrap(), "salted");
    }
}
