//! The applicant (người nộp hồ sơ) and the representative acting for them, validated and
//! normalised at the boundary so that everything stored is in one canonical form.

use serde::{Deserialize, Serialize};

use crate::{
    identity::credentials::{normalize_email, normalize_phone},
    text::{char_len, clean_line},
};

/// An individual or an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// Cá nhân: identified by the personal identification number.
    Individual,
    /// Tổ chức, doanh nghiệp: identified by the tax / enterprise code.
    Organisation,
}

/// Who the dossier is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Applicant {
    /// Individual or organisation.
    pub kind: ApplicantKind,
    /// Full name, or the organisation's name.
    #[cfg_attr(feature = "openapi", schema(example = "Nguyễn Văn An"))]
    pub name: String,
    /// Số định danh cá nhân (12 digits): required for individuals.
    #[cfg_attr(feature = "openapi", schema(example = "024090001234"))]
    pub citizen_id: Option<String>,
    /// Mã số thuế / mã số doanh nghiệp (10 digits, or 10-3 for a branch): required for
    /// organisations.
    pub tax_code: Option<String>,
    /// Phone, stored as `+84` and 9 digits.
    #[cfg_attr(feature = "openapi", schema(example = "0912345678"))]
    pub phone: Option<String>,
    /// E-mail, stored lower-cased.
    pub email: Option<String>,
    /// Address.
    pub address: Option<String>,
}

/// Someone submitting on the applicant's behalf (người được ủy quyền).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Representative {
    /// Full name.
    pub name: String,
    /// Personal identification number (12 digits).
    pub citizen_id: String,
    /// The authorisation: the document's number and date, as written on it.
    pub authorisation: String,
}

/// A field that failed validation, with a message for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The field's path in the request, e.g. `applicant.citizen_id`.
    pub field: String,
    /// What is wrong and what to send (Vietnamese).
    pub message: String,
}

impl FieldError {
    /// A new error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Checks a personal identification number (số định danh cá nhân): 12 digits whose first
/// three are a province code (001–096) and whose fourth encodes sex and century (0–9).
pub fn normalize_personal_id(input: &str) -> Option<String> {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let province: u16 = s.get(..3)?.parse().ok()?;
    (1..=96).contains(&province).then_some(s)
}

/// Checks a tax / enterprise code: 10 digits, or 10 digits, `-` and 3 digits for a dependent
/// unit (spaces ignored).
pub fn normalize_tax_code(input: &str) -> Option<String> {
    let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = |x: &str, n: usize| x.len() == n && x.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('-') {
        None if digits(&s, 10) => Some(s),
        Some((main, branch)) if digits(main, 10) && digits(branch, 3) => Some(s),
        _ => None,
    }
}

fn line(field: &str, input: &str, max: usize) -> Result<String, FieldError> {
    let s = clean_line(input);
    if s.is_empty() || char_len(&s) > max {
        return Err(FieldError::new(
            field,
            format!("phải có từ 1 đến {max} ký tự"),
        ));
    }
    Ok(s)
}

fn optional(input: Option<&str>) -> Option<&str> {
    input.map(str::trim).filter(|s| !s.is_empty())
}

impl Applicant {
    /// Normalises every field (NFC, trimmed, canonical numbers) and checks it; `prefix` is the
    /// field path used in errors (`applicant`).
    pub fn normalized(self, prefix: &str) -> Result<Self, FieldError> {
        let f = |n: &str| format!("{prefix}.{n}");
        let name = line(&f("name"), &self.name, 200)?;
        let citizen_id = match optional(self.citizen_id.as_deref()) {
            Some(id) => Some(normalize_personal_id(id).ok_or_else(|| {
                FieldError::new(
                    f("citizen_id"),
                    "số định danh cá nhân gồm 12 chữ số, 3 số đầu là mã tỉnh (001–096)",
                )
            })?),
            None => None,
        };
        let tax_code = match optional(self.tax_code.as_deref()) {
            Some(t) => Some(normalize_tax_code(t).ok_or_else(|| {
                FieldError::new(
                    f("tax_code"),
                    "mã số thuế gồm 10 chữ số, hoặc 10 chữ số, dấu '-' và 3 chữ số",
                )
            })?),
            None => None,
        };
        match self.kind {
            ApplicantKind::Individual if citizen_id.is_none() => {
                return Err(FieldError::new(
                    f("citizen_id"),
                    "cá nhân phải có số định danh cá nhân",
                ));
            }
            ApplicantKind::Organisation if tax_code.is_none() => {
                return Err(FieldError::new(
                    f("tax_code"),
                    "tổ chức phải có mã số thuế hoặc mã số doanh nghiệp",
                ));
            }
            _ => {}
        }
        let phone = match optional(self.phone.as_deref()) {
            Some(p) => Some(normalize_phone(p).ok_or_else(|| {
                FieldError::new(f("phone"), "số điện thoại Việt Nam, ví dụ 0912 345 678")
            })?),
            None => None,
        };
        let email = match optional(self.email.as_deref()) {
            Some(e) => Some(
                normalize_email(e)
                    .ok_or_else(|| FieldError::new(f("email"), "địa chỉ email không hợp lệ"))?,
            ),
            None => None,
        };
        let address = match optional(self.address.as_deref()) {
            Some(a) => Some(line(&f("address"), a, 500)?),
            None => None,
        };
        Ok(Self {
            kind: self.kind,
            name,
            citizen_id,
            tax_code,
            phone,
            email,
            address,
        })
    }
}

impl Representative {
    /// Normalises and checks (see [`Applicant::normalized`]).
    pub fn normalized(self, prefix: &str) -> Result<Self, FieldError> {
        let f = |n: &str| format!("{prefix}.{n}");
        Ok(Self {
            name: line(&f("name"), &self.name, 200)?,
            citizen_id: normalize_personal_id(&self.citizen_id).ok_or_else(|| {
                FieldError::new(f("citizen_id"), "số định danh cá nhân gồm 12 chữ số")
            })?,
            authorisation: line(&f("authorisation"), &self.authorisation, 500)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Applicant {
        Applicant {
            kind: ApplicantKind::Individual,
            name: "  Nguyễn   Văn An ".to_owned(),
            citizen_id: Some("024 090 001 234".to_owned()),
            tax_code: None,
            phone: Some("0912.345.678".to_owned()),
            email: Some(" An@Example.VN ".to_owned()),
            address: None,
        }
    }

    #[test]
    fn normalises_every_field() {
        let a = person().normalized("applicant").unwrap();
        assert_eq!(a.name, "Nguyễn Văn An");
        assert_eq!(a.citizen_id.as_deref(), Some("024090001234"));
        assert_eq!(a.phone.as_deref(), Some("+84912345678"));
        assert_eq!(a.email.as_deref(), Some("an@example.vn"));
    }

    #[test]
    fn names_the_bad_field() {
        let bad = Applicant {
            citizen_id: Some("12345".to_owned()),
            ..person()
        };
        assert_eq!(
            bad.normalized("applicant").unwrap_err().field,
            "applicant.citizen_id"
        );
        let bad = Applicant {
            citizen_id: Some("999090001234".to_owned()),
            ..person()
        };
        assert!(bad.normalized("applicant").is_err(), "province 999");
        let bad = Applicant {
            phone: Some("12".to_owned()),
            ..person()
        };
        assert_eq!(
            bad.normalized("applicant").unwrap_err().field,
            "applicant.phone"
        );
        let org = Applicant {
            kind: ApplicantKind::Organisation,
            citizen_id: None,
            ..person()
        };
        assert_eq!(
            org.normalized("applicant").unwrap_err().field,
            "applicant.tax_code"
        );
    }

    #[test]
    fn tax_codes() {
        assert_eq!(
            normalize_tax_code("0101234567").as_deref(),
            Some("0101234567")
        );
        assert_eq!(
            normalize_tax_code("0101234567-001").as_deref(),
            Some("0101234567-001")
        );
        assert_eq!(normalize_tax_code("010123456"), None);
        assert_eq!(normalize_tax_code("0101234567-01"), None);
    }
}
