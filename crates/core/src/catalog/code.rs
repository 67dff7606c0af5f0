//! Procedure codes.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// A procedure code of the national TTHC database: `d.dddddd`, e.g. `1.001193` (birth
/// registration). The meaning of the leading digit is not documented (DOMAIN.md §17.18), so it
/// is kept as part of an opaque, validated string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct ProcedureCode(String);

/// Why a string is not a procedure code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mã thủ tục phải có dạng d.dddddd (ví dụ 1.001193), nhận được {0:?}")]
pub struct CodeError(pub String);

impl ProcedureCode {
    /// Parses a code, tolerating surrounding whitespace.
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        let t = s.trim();
        let b = t.as_bytes();
        let ok = b.len() == 8
            && b.first().is_some_and(u8::is_ascii_digit)
            && b.get(1) == Some(&b'.')
            && b.iter().skip(2).all(u8::is_ascii_digit);
        if ok {
            Ok(Self(t.to_owned()))
        } else {
            // Echo at most a short prefix: the input may be anything a client sent.
            Err(CodeError(t.chars().take(40).collect()))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ProcedureCode {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for ProcedureCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ProcedureCode> for String {
    fn from(c: ProcedureCode) -> Self {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_national_codes() {
        for c in ["1.001193", "2.000986", "3.000001", " 1.004222 "] {
            assert!(ProcedureCode::parse(c).is_ok(), "{c}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for c in [
            "",
            "1001193",
            "1.00119",
            "1.0011933",
            "a.001193",
            "1.00119x",
            "1,001193",
            "１.001193",
        ] {
            assert!(ProcedureCode::parse(c).is_err(), "{c}");
        }
    }
}
