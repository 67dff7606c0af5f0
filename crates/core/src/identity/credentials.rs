//! What people type to identify themselves, normalised once so that the same person always
//! meets the same stored value: e-mail addresses, Vietnamese phone numbers, officials' user
//! names, citizen identity numbers, and the password policy.

use std::fmt;

use crate::text::char_len;

/// A login identifier after normalisation.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum LoginId {
    /// Lower-cased e-mail address.
    Email(String),
    /// Phone number in international form, `+84` followed by 9 digits.
    Phone(String),
    /// A user name (`[a-z0-9._-]`, 3–32 characters), as officials and demo accounts use.
    Username(String),
}

/// Login identifiers are personal data: `Debug` never prints them, so a stray `{:?}` in a log
/// line cannot leak one.
impl fmt::Debug for LoginId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Self::Email(_) => "Email",
            Self::Phone(_) => "Phone",
            Self::Username(_) => "Username",
        };
        write!(f, "LoginId::{kind}(…)")
    }
}

impl LoginId {
    /// Reads what a person typed into "e-mail, phone number or user name".
    pub fn parse(input: &str) -> Option<Self> {
        let s = input.trim();
        if s.contains('@') {
            return normalize_email(s).map(Self::Email);
        }
        if let Some(p) = normalize_phone(s) {
            return Some(Self::Phone(p));
        }
        normalize_username(s).map(Self::Username)
    }

    /// The normalised value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Email(s) | Self::Phone(s) | Self::Username(s) => s,
        }
    }
}

/// Lower-cases and checks an e-mail address (one `@`, a dotted domain, no spaces, at most 254
/// characters). Deliberately simple: the real check is the verification mail.
pub fn normalize_email(input: &str) -> Option<String> {
    let s = input.trim().to_lowercase();
    let (local, domain) = s.split_once('@')?;
    let ok = !local.is_empty()
        && local.len() <= 64
        && domain.len() >= 3
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && s.len() <= 254
        && s.chars().all(|c| !c.is_whitespace() && !c.is_control());
    ok.then_some(s)
}

/// Normalises a Vietnamese mobile or landline number to `+84` and 9 digits: accepts
/// `0912 345 678`, `0912.345.678`, `+84 912 345 678`, `84912345678`.
pub fn normalize_phone(input: &str) -> Option<String> {
    let s = input.trim();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+' | '(' | ')'))
        || s.chars().skip(1).any(|c| c == '+')
    {
        return None;
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("84").filter(|r| r.len() == 9) {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0').filter(|r| r.len() == 9) {
        if s.starts_with('+') {
            return None;
        }
        rest.to_owned()
    } else {
        return None;
    };
    if national.starts_with('0') {
        return None;
    }
    Some(format!("+84{national}"))
}

/// Checks a user name: 3–32 of `a-z 0-9 . _ -`, starting with a letter (lower-cased first).
pub fn normalize_username(input: &str) -> Option<String> {
    let s = input.trim().to_ascii_lowercase();
    let ok = (3..=32).contains(&s.len())
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        });
    ok.then_some(s)
}

/// Checks a personal identification number (số định danh cá nhân, printed on the CCCD):
/// exactly 12 digits.
pub fn normalize_citizen_id(input: &str) -> Option<String> {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// Shows only the last digits of a phone or identity number (`•••••••678`).
pub fn mask_tail(s: &str, visible: usize) -> String {
    let n = s.chars().count();
    let hidden = n.saturating_sub(visible);
    "•".repeat(hidden) + &s.chars().skip(hidden).collect::<String>()
}

/// Shortest password accepted.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// Longest password accepted (in bytes: hashing cost grows with length).
pub const PASSWORD_MAX_BYTES: usize = 256;

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Fewer than [`PASSWORD_MIN_CHARS`] characters.
    #[error("mật khẩu phải có ít nhất 10 ký tự")]
    TooShort,
    /// More than [`PASSWORD_MAX_BYTES`] bytes.
    #[error("mật khẩu quá dài (tối đa 256 byte)")]
    TooLong,
    /// One character repeated, or the same as the login.
    #[error("mật khẩu quá dễ đoán (không dùng một ký tự lặp lại hoặc trùng tên đăng nhập)")]
    Guessable,
}

/// The password policy (NIST SP 800-63B style: length over composition rules, no forced
/// rotation), checked when a password is chosen — never when one is typed to log in.
pub fn check_new_password(password: &str, login: Option<&LoginId>) -> Result<(), PasswordProblem> {
    if password.len() > PASSWORD_MAX_BYTES {
        return Err(PasswordProblem::TooLong);
    }
    if char_len(password) < PASSWORD_MIN_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(PasswordProblem::Guessable);
    }
    if let Some(l) = login {
        let lower = password.to_lowercase();
        let local = l.as_str().split('@').next().unwrap_or_default();
        if lower == l.as_str() || (!local.is_empty() && lower == local) {
            return Err(PasswordProblem::Guessable);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_ids_are_normalised() {
        assert_eq!(
            LoginId::parse("  Nguyen.Van.A@Example.VN "),
            Some(LoginId::Email("nguyen.van.a@example.vn".into()))
        );
        for phone in [
            "0912 345 678",
            "0912.345.678",
            "+84 912 345 678",
            "84912345678",
            "(091) 234-5678",
        ] {
            assert_eq!(
                LoginId::parse(phone),
                Some(LoginId::Phone("+84912345678".into())),
                "{phone}"
            );
        }
        assert_eq!(
            LoginId::parse("Receiver1"),
            Some(LoginId::Username("receiver1".into()))
        );
        for bad in [
            "",
            "a@b",
            "@example.vn",
            "x y@z.vn",
            "12",
            "+0912345678",
            "00912345678",
            "1abc",
            "ab",
        ] {
            assert_eq!(LoginId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn debug_never_shows_the_identifier() {
        let id = LoginId::parse("0912345678").unwrap();
        let printed = format!("{id:?}");
        assert!(!printed.contains("912"), "{printed}");
    }

    #[test]
    fn citizen_ids_and_masking() {
        assert_eq!(
            normalize_citizen_id("001 203 004 567").as_deref(),
            Some("001203004567")
        );
        assert_eq!(normalize_citizen_id("12345678901"), None);
        assert_eq!(mask_tail("001203004567", 3), "•••••••••567");
        assert_eq!(mask_tail("12", 3), "12");
    }

    #[test]
    fn password_policy() {
        assert_eq!(
            check_new_password("ngắn", None),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check_new_password(&"a".repeat(300), None),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(
            check_new_password("aaaaaaaaaaaa", None),
            Err(PasswordProblem::Guessable)
        );
        let login = LoginId::parse("nguyenvana@example.vn");
        assert_eq!(
            check_new_password("NguyenVanA", login.as_ref()),
            Err(PasswordProblem::Guessable)
        );
        assert_eq!(
            check_new_password("mật khẩu dài đủ", login.as_ref()),
            Ok(())
        );
        assert_eq!(check_new_password("motcua-demo", None), Ok(()));
    }
}
