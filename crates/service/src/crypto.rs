//! Random secrets and their stored form.
//!
//! Session ids, API tokens, one-time tokens and recovery codes are 256-bit (recovery codes:
//! 80-bit) values from the operating system's CSPRNG. Only their SHA-256 is stored: they
//! have enough entropy that a fast hash is safe, unlike passwords.

use sha2::{Digest, Sha256};

/// Why a secret could not be made: the operating system's random source failed.
#[derive(Debug, thiserror::Error)]
#[error("the system random number generator failed: {0}")]
pub struct RandomError(String);

/// `n` random bytes.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, RandomError> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).map_err(|e| RandomError(e.to_string()))?;
    Ok(buf)
}

/// A 256-bit random value as 64 hex characters (session ids, tokens, state, nonce).
pub fn random_token() -> Result<String, RandomError> {
    Ok(hex(&random_bytes(32)?))
}

/// A lookup key for a dossier's receipt: 8 characters from an alphabet without look-alikes
/// (no 0/O, 1/I), easy to read aloud or type from paper; 40 bits, guessed only with the code
/// and under the lookup's throttle.
pub fn lookup_key() -> Result<String, RandomError> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    Ok(random_bytes(8)?
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
        .collect())
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 as hex: the stored form of a high-entropy secret.
pub fn sha256_hex(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A recovery code: 16 base32 characters (80 bits) in four groups, e.g. `K7QM-2XWD-9PLA-4RTE`.
pub fn recovery_code() -> Result<String, RandomError> {
    let raw = motcua_core::identity::totp::base32_encode(&random_bytes(10)?);
    Ok(raw
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-"))
}

/// The stored form of a recovery code as typed (case, spaces and dashes ignored).
pub fn recovery_code_hash(user_id: &str, typed: &str) -> String {
    let normal: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    // The account id salts the hash, so equal codes of two accounts differ in storage.
    sha256_hex(&format!("{user_id}:{normal}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(constant_time_eq(b"same", b"same"));
        assert!(!constant_time_eq(b"same", b"diff"));
        assert!(!constant_time_eq(b"same", b"longer"));
    }

    #[test]
    fn recovery_codes_ignore_formatting() {
        let c = recovery_code().unwrap();
        assert_eq!(c.len(), 19);
        assert_eq!(c.matches('-').count(), 3);
        assert_eq!(
            recovery_code_hash("u1", &c),
            recovery_code_hash("u1", &c.to_lowercase().replace('-', " "))
        );
        assert_ne!(recovery_code_hash("u1", &c), recovery_code_hash("u2", &c));
    }
}
