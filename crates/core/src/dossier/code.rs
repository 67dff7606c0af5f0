//! The dossier code (mã hồ sơ) of Decree 61 Art. 26 and Circular 01/2018 Art. 19:
//! `<receiving agency identifier>-YYMMDD-NNNN`, e.g. `000.00.00.H06-261125-0001`.
//!
//! `YYMMDD` is the receipt date in Vietnam and `NNNN` a daily sequence that restarts every day
//! (at most 9,999 dossiers a day per identifier). The sequence is kept per **identifier**, not
//! per agency: two agencies that fall back to the same identifier (see [`code_prefix`]) share it,
//! so a code can never be issued twice.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::agency::{Agency, valid_identifier};

/// The highest daily sequence number the 4-digit format can hold.
pub const MAX_DAILY_SEQUENCE: u32 = 9_999;

/// A validated dossier code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode(String);

/// Why a string is not a dossier code, or a code cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DossierCodeError {
    /// Not of the form `<identifier>-YYMMDD-NNNN`.
    #[error("mã hồ sơ phải có dạng <mã cơ quan>-YYMMDD-NNNN, ví dụ 000.00.00.H06-261125-0001")]
    Malformed,
    /// Of the right form, but no dossier can have it: the day does not exist (`260230`) or
    /// the sequence is `0000`. Callers looking a dossier up answer "not found", as for any
    /// other code nobody was given.
    #[error("không có hồ sơ nào mang mã này (ngày hoặc số thứ tự không thể có)")]
    Impossible,
    /// The daily sequence of 9,999 is used up.
    #[error("đã hết số thứ tự trong ngày (tối đa 9.999 hồ sơ mỗi ngày cho một mã cơ quan)")]
    SequenceExhausted,
}

impl DossierCode {
    /// Makes the code of the `seq`-th dossier received on `day` under `prefix`.
    pub fn new(prefix: &str, day: Date, seq: u32) -> Result<Self, DossierCodeError> {
        if !valid_identifier(prefix) || seq == 0 {
            return Err(DossierCodeError::Malformed);
        }
        if seq > MAX_DAILY_SEQUENCE {
            return Err(DossierCodeError::SequenceExhausted);
        }
        let yy = day.year().rem_euclid(100);
        Ok(Self(format!(
            "{prefix}-{yy:02}{:02}{:02}-{seq:04}",
            day.month(),
            day.day()
        )))
    }

    /// Parses a code (surrounding whitespace tolerated, letters upper-cased).
    pub fn parse(s: &str) -> Result<Self, DossierCodeError> {
        let t = s.trim().to_ascii_uppercase();
        if t.len() > 60 {
            return Err(DossierCodeError::Malformed);
        }
        let mut parts = t.rsplitn(3, '-');
        let (Some(seq), Some(day), Some(prefix)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(DossierCodeError::Malformed);
        };
        let digits = |x: &str, n: usize| x.len() == n && x.bytes().all(|b| b.is_ascii_digit());
        if !valid_identifier(prefix) || !digits(day, 6) || !digits(seq, 4) {
            return Err(DossierCodeError::Malformed);
        }
        if seq == "0000" || parse_day(day).is_none() {
            return Err(DossierCodeError::Impossible);
        }
        Ok(Self(t))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The identifier part.
    pub fn prefix(&self) -> &str {
        self.0.rsplitn(3, '-').nth(2).unwrap_or_default()
    }

    /// The receipt date (years 2000–2099).
    pub fn day(&self) -> Option<Date> {
        self.0.rsplit('-').nth(1).and_then(parse_day)
    }

    /// The daily sequence number.
    pub fn sequence(&self) -> u32 {
        self.0
            .rsplit('-')
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }
}

fn parse_day(s: &str) -> Option<Date> {
    let n = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<i8>().ok());
    Date::new(2000 + i16::from(n(0..2)?), n(2..4)?, n(4..6)?).ok()
}

impl fmt::Display for DossierCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DossierCode {
    type Error = DossierCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DossierCode> for String {
    fn from(c: DossierCode) -> Self {
        c.0
    }
}

/// The identifier that prefixes the codes of dossiers received by `agency_id`: its own
/// electronic identifier, or else the nearest ancestor's (a one-stop centre without its own
/// identifier codes under its People's Committee's). `None` when no agency on the way up has
/// one: the installation must then record the identifier before that desk can receive.
pub fn code_prefix<'a>(
    agency_id: &str,
    lookup: impl Fn(&str) -> Option<&'a Agency>,
) -> Option<&'a str> {
    let mut current = lookup(agency_id);
    let mut hops = 0;
    while let Some(a) = current {
        if let Some(id) = a.identifier.as_deref() {
            return Some(id);
        }
        hops += 1;
        if hops > 32 {
            return None;
        }
        current = a.parent.as_deref().and_then(&lookup);
    }
    None
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn formats_as_the_circular_says() {
        let c = DossierCode::new("000.00.00.H06", date(2026, 11, 25), 1).unwrap();
        assert_eq!(c.as_str(), "000.00.00.H06-261125-0001");
        assert_eq!(c.prefix(), "000.00.00.H06");
        assert_eq!(c.day(), Some(date(2026, 11, 25)));
        assert_eq!(c.sequence(), 1);
        assert_eq!(
            DossierCode::new("000.00.00.H06", date(2026, 1, 5), 10_000),
            Err(DossierCodeError::SequenceExhausted)
        );
        assert!(DossierCode::new("bad prefix", date(2026, 1, 5), 1).is_err());
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(
            DossierCode::parse(" 000.00.00.h06-261125-0042 ")
                .unwrap()
                .as_str(),
            "000.00.00.H06-261125-0042"
        );
        for bad in [
            "",
            "000.00.00.H06",
            "000.00.00.H06-261325-0001",
            "000.00.00.H06-261125-001",
            "000.00.00.H06-261125-0000",
            "-261125-0001",
            "000.00.00.H06-261125-00a1",
            "X/Y-261125-0001",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad:?}");
        }
        // Well formed, but nobody can hold it: "not found" to a caller, not "malformed".
        for impossible in ["000.00.00.H06-260230-0001", "000.00.00.H06-261125-0000"] {
            assert_eq!(
                DossierCode::parse(impossible),
                Err(DossierCodeError::Impossible),
                "{impossible}"
            );
        }
        assert_eq!(
            DossierCode::parse("000.00.00.H06-261325-0001"),
            Err(DossierCodeError::Impossible),
            "month 13 is of the form, and no day"
        );
    }

    #[test]
    fn prefix_falls_back_to_the_nearest_ancestor() {
        let json = r#"[{"id":"bn","name":"UBND","short_name":null,"kind":"provincial_committee",
            "parent":null,"identifier":"000.00.00.H06","identifier_status":"provisional",
            "admin_unit_code":"24","valid_from":"2025-07-01","valid_to":null,"successors":[],
            "address":null},
            {"id":"bn.ttpvhcc","name":"TTPVHCC","short_name":null,"kind":"service_centre",
            "parent":"bn","identifier":null,"identifier_status":null,"admin_unit_code":null,
            "valid_from":"2025-07-01","valid_to":null,"successors":[],"address":null}]"#;
        let agencies: Vec<Agency> = serde_json::from_str(json).unwrap();
        let find = |id: &str| agencies.iter().find(|a| a.id == id);
        assert_eq!(code_prefix("bn.ttpvhcc", find), Some("000.00.00.H06"));
        assert_eq!(code_prefix("nowhere", find), None);
    }

    proptest! {
        #[test]
        fn every_made_code_parses_back(seq in 1u32..=9_999, days in 0i32..36_000) {
            let day = date(2000, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap();
            prop_assume!(day.year() < 2100);
            let c = DossierCode::new("000.00.12.H06", day, seq).unwrap();
            let back = DossierCode::parse(c.as_str()).unwrap();
            prop_assert_eq!(back.day(), Some(day));
            prop_assert_eq!(back.sequence(), seq);
            prop_assert_eq!(&back, &c);
        }
    }
}
