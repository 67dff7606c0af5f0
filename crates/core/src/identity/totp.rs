//! Time-based one-time passwords (RFC 6238, the variant every authenticator app implements:
//! HMAC-SHA-1, 6 digits, 30-second steps) and the base32 text form of their secrets
//! (RFC 4648, as in `otpauth://` URIs).
//!
//! Pure: the caller passes the instant and the last step already used, and stores the step
//! returned by [`verify`] so that a code cannot be replayed.

use hmac::{Hmac, KeyInit, Mac};
use jiff::Timestamp;
use sha1::Sha1;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Bytes of a generated secret (160 bits, the size RFC 4226 recommends).
pub const SECRET_LEN: usize = 20;

/// The step an instant falls in.
pub fn step_at(at: Timestamp) -> i64 {
    at.as_second().div_euclid(STEP_SECONDS)
}

/// The code for one step (RFC 4226 dynamic truncation).
pub fn code_at_step(secret: &[u8], step: i64) -> u32 {
    // HMAC accepts keys of any length, so construction cannot fail; an empty code that
    // matches nothing is the safe answer if it ever did.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return u32::MAX;
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.last().copied().unwrap_or(0) & 0x0f);
    let word = digest
        .get(offset..offset + 4)
        .map(|b| u32::from_be_bytes([b[0] & 0x7f, b[1], b[2], b[3]]))
        .unwrap_or(0);
    word % 10u32.pow(DIGITS)
}

/// The code shown by an authenticator at `at`, zero-padded.
pub fn code_at(secret: &[u8], at: Timestamp) -> String {
    format!(
        "{:0width$}",
        code_at_step(secret, step_at(at)),
        width = DIGITS as usize
    )
}

/// Checks `code` at `at`, accepting the previous and the next step too (clock drift of the
/// phone), but never a step at or before `last_used_step`. Returns the matching step, which
/// the caller must store as the new `last_used_step`.
pub fn verify(
    secret: &[u8],
    code: &str,
    at: Timestamp,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let given: u32 = code.parse().ok()?;
    let now = step_at(at);
    let mut matched = None;
    // Check every candidate step (no early exit) so timing does not tell which one matched.
    for step in [now - 1, now, now + 1] {
        let fresh = last_used_step.is_none_or(|last| step > last);
        if fresh & (code_at_step(secret, step) == given) && matched.is_none() {
            matched = Some(step);
        }
    }
    matched
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    let issuer_enc = percent_encode(issuer);
    format!(
        "otpauth://totp/{issuer_enc}:{}?secret={}&issuer={issuer_enc}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        percent_encode(account),
        base32_encode(secret)
    )
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
pub fn base32_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(5) * 8);
    let mut buffer: u64 = 0;
    let mut bits = 0u32;
    for &b in data {
        buffer = (buffer << 8) | u64::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 0x1f) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(
            ALPHABET[((buffer << (5 - bits)) & 0x1f) as usize],
        ));
    }
    out
}

/// Decodes RFC 4648 base32, ignoring case, spaces, dashes and padding. `None` on any other
/// character.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u64 = 0;
    let mut bits = 0u32;
    for c in text.chars() {
        if matches!(c, ' ' | '-' | '=') {
            continue;
        }
        let v = ALPHABET
            .iter()
            .position(|&a| char::from(a) == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | v as u64;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(((buffer >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1 rows (8-digit codes there; ours are the last 6 digits).
    #[test]
    fn rfc_6238_vectors() {
        let secret = b"12345678901234567890";
        for (unix, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            let at = Timestamp::from_second(unix).unwrap();
            assert_eq!(code_at(secret, at), eight[2..], "{unix}");
        }
    }

    #[test]
    fn verification_accepts_drift_and_rejects_replay() {
        let secret = b"12345678901234567890";
        let at = Timestamp::from_second(1_234_567_890).unwrap();
        let code = code_at(secret, at);
        let step = verify(secret, &code, at, None).unwrap();
        assert_eq!(step, step_at(at));
        // The same code again: replay.
        assert_eq!(verify(secret, &code, at, Some(step)), None);
        // Thirty seconds late still works once.
        let late = Timestamp::from_second(1_234_567_890 + 30).unwrap();
        assert_eq!(verify(secret, &code, late, None), Some(step));
        // Two minutes late does not.
        let stale = Timestamp::from_second(1_234_567_890 + 120).unwrap();
        assert_eq!(verify(secret, &code, stale, None), None);
        assert_eq!(verify(secret, "12345", at, None), None);
        assert_eq!(verify(secret, "abcdef", at, None), None);
        assert_eq!(verify(secret, &format!(" {} ", &code[..3]), at, None), None);
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32_encode(b""), "");
        assert_eq!(base32_encode(b"f"), "MY");
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("MZXW6YTBOI======").unwrap(), b"foobar");
        assert_eq!(base32_decode("mzxw 6ytb-oi").unwrap(), b"foobar");
        assert_eq!(base32_decode("MZ1"), None);
        let secret: Vec<u8> = (0u8..20).collect();
        assert_eq!(base32_decode(&base32_encode(&secret)).unwrap(), secret);
    }

    #[test]
    fn otpauth_uri_encodes_vietnamese_issuer() {
        let uri = otpauth_uri(b"12345678901234567890", "Cổng DVC", "admin");
        assert!(uri.starts_with(
            "otpauth://totp/C%E1%BB%95ng%20DVC:admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        ));
        assert!(uri.ends_with("&digits=6&period=30"));
    }
}
