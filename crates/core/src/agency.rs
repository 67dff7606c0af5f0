//! Agencies as dated data: a tree with validity dates, types, codes and succession links
//! (DOMAIN.md §12, §14.3).
//!
//! Nothing here knows about provinces, districts or communes as fixed levels: an agency has a
//! [`AgencyKind`] and a parent, and the tree is whatever the data says on a given date. The
//! 2025 merger of Bắc Giang into Bắc Ninh is expressed as expired agencies with successor links.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::text::{char_len, clean_line};

/// The kind of an agency. Kinds describe what an agency *is*, not which tier it sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    /// Ủy ban nhân dân of a province or centrally-run city.
    ProvincialCommittee,
    /// Ủy ban nhân dân of a commune, ward or special zone.
    CommuneCommittee,
    /// Ủy ban nhân dân of a former district (exists only as history since 2025-07-01).
    DistrictCommittee,
    /// Sở and equivalent specialised agencies of a provincial committee.
    Department,
    /// Trung tâm Phục vụ hành chính công (a one-stop desk).
    ServiceCentre,
    /// A branch or unit inside an agency (phòng, chi cục, bộ phận).
    Unit,
    /// A locally based office of a vertically organised central agency (tax, customs, police ...).
    VerticalAgency,
    /// A ministry or central body.
    Ministry,
    /// Anything else.
    Other,
}

impl AgencyKind {
    /// The Vietnamese label shown to users.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::ProvincialCommittee => "UBND cấp tỉnh",
            Self::CommuneCommittee => "UBND cấp xã",
            Self::DistrictCommittee => "UBND cấp huyện (đã giải thể)",
            Self::Department => "Sở, ngành",
            Self::ServiceCentre => "Trung tâm Phục vụ hành chính công",
            Self::Unit => "Đơn vị trực thuộc",
            Self::VerticalAgency => "Cơ quan ngành dọc",
            Self::Ministry => "Bộ, ngành trung ương",
            Self::Other => "Cơ quan khác",
        }
    }
}

/// How sure we are of an agency's electronic identifier (QCVN 102 / Decision 20/2020).
/// The official list for the merged provinces was not available (DOMAIN.md §17.7), so the
/// status travels with the identifier and is shown wherever a dossier code uses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentifierStatus {
    /// From an official list.
    Official,
    /// Derived from a documented rule, not confirmed (e.g. Bắc Giang = H03).
    Inferred,
    /// Assigned locally by the operator until the official one is known.
    Provisional,
}

/// How one agency was succeeded by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuccessionKind {
    /// Merged into the successor.
    Merged,
    /// Split: part of its duties went to this successor.
    Split,
    /// Renamed or reorganised as the successor.
    Renamed,
    /// Its duties were transferred to the successor (e.g. a dissolved district's procedures).
    Transferred,
}

/// A succession link: `predecessor` → `successor`, effective on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Succession {
    /// The agency that takes over.
    pub successor: String,
    /// The first day the successor is responsible.
    pub effective: Date,
    /// How.
    pub kind: SuccessionKind,
}

/// An agency (cơ quan, đơn vị).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agency {
    /// Stable identifier inside motcua (lower-case ASCII, digits, `.` and `-`), e.g. `bn.stp`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Short name for narrow screens and forms.
    pub short_name: Option<String>,
    /// Kind.
    pub kind: AgencyKind,
    /// Parent agency, if any.
    pub parent: Option<String>,
    /// Electronic identifier used in dossier codes (QCVN 102 style, e.g. `000.00.00.H56`).
    /// `None` means not known.
    pub identifier: Option<String>,
    /// How sure the identifier is; `None` exactly when the identifier is unknown.
    pub identifier_status: Option<IdentifierStatus>,
    /// Administrative-unit (statistics) code of the area it governs: 2 digits for a province,
    /// 3 for a former district, 5 for a commune.
    pub admin_unit_code: Option<String>,
    /// First day of existence.
    pub valid_from: Date,
    /// Last day of existence (inclusive); `None` while it exists.
    pub valid_to: Option<Date>,
    /// Successors, when it ended.
    pub successors: Vec<Succession>,
    /// Address of its one-stop desk, when known.
    pub address: Option<String>,
}

/// Why an agency record is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgencyError {
    /// The id has characters outside `[a-z0-9.-]` or is empty / too long.
    #[error("mã cơ quan nội bộ {0:?} không hợp lệ (chỉ gồm a-z, 0-9, '.', '-', tối đa 64 ký tự)")]
    BadId(String),
    /// The identifier does not follow Decision 20/2020 (≤ 35 of `.`, `0-9`, `A-Z`).
    #[error("mã định danh {0:?} không hợp lệ (tối đa 35 ký tự '.', 0-9, A-Z)")]
    BadIdentifier(String),
    /// An identifier without a status, or a status without an identifier.
    #[error("mã định danh và trạng thái của mã phải cùng có hoặc cùng không")]
    IdentifierStatusMismatch,
    /// The name is empty or too long.
    #[error("tên cơ quan không hợp lệ")]
    BadName,
    /// valid_to before valid_from.
    #[error("ngày hết hiệu lực trước ngày có hiệu lực")]
    BadValidity,
}

/// The one-stop desk that receives an agency's dossiers: its own service centre (a commune's
/// bộ phận một cửa), else its parent's (the provincial centre receives for the departments),
/// else the agency itself.
pub fn one_stop_desk(agencies: &[Agency], agency: &str, today: Date) -> String {
    let centre_under = |parent: &str| {
        agencies
            .iter()
            .find(|a| {
                a.parent.as_deref() == Some(parent)
                    && a.kind == AgencyKind::ServiceCentre
                    && a.is_valid_on(today)
            })
            .map(|a| a.id.clone())
    };
    centre_under(agency)
        .or_else(|| {
            agencies
                .iter()
                .find(|a| a.id == agency)
                .and_then(|a| a.parent.as_deref())
                .and_then(centre_under)
        })
        .unwrap_or_else(|| agency.to_owned())
}

/// Checks an internal agency id.
pub fn valid_agency_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
}

/// Checks an electronic identifier against Decision 20/2020/QĐ-TTg: at most 35 characters of
/// `.`, `0-9`, `A-Z`, groups separated by dots.
pub fn valid_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 35
        && s.bytes()
            .all(|b| b == b'.' || b.is_ascii_digit() || b.is_ascii_uppercase())
        && !s.starts_with('.')
        && !s.ends_with('.')
        && !s.contains("..")
}

impl Agency {
    /// Normalises text and validates the record.
    pub fn normalized(mut self) -> Result<Self, AgencyError> {
        if !valid_agency_id(&self.id) {
            return Err(AgencyError::BadId(self.id.chars().take(64).collect()));
        }
        if let Some(p) = &self.parent
            && !valid_agency_id(p)
        {
            return Err(AgencyError::BadId(p.chars().take(64).collect()));
        }
        self.name = clean_line(&self.name);
        if self.name.is_empty() || char_len(&self.name) > 300 {
            return Err(AgencyError::BadName);
        }
        self.short_name = self
            .short_name
            .map(|s| clean_line(&s))
            .filter(|s| !s.is_empty());
        self.address = self
            .address
            .map(|s| clean_line(&s))
            .filter(|s| !s.is_empty());
        match (&self.identifier, self.identifier_status) {
            (Some(i), Some(_)) if !valid_identifier(i) => {
                return Err(AgencyError::BadIdentifier(i.chars().take(40).collect()));
            }
            (Some(_), None) | (None, Some(_)) => return Err(AgencyError::IdentifierStatusMismatch),
            _ => {}
        }
        if self.valid_to.is_some_and(|to| to < self.valid_from) {
            return Err(AgencyError::BadValidity);
        }
        Ok(self)
    }

    /// Whether the agency exists on `day`.
    pub fn is_valid_on(&self, day: Date) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn sample() -> Agency {
        Agency {
            id: "bg".into(),
            name: " Ủy ban nhân dân tỉnh  Bắc Giang ".into(),
            short_name: None,
            kind: AgencyKind::ProvincialCommittee,
            parent: None,
            identifier: Some("000.00.00.H03".into()),
            identifier_status: Some(IdentifierStatus::Inferred),
            admin_unit_code: Some("24".into()),
            valid_from: date(1997, 1, 1),
            valid_to: Some(date(2025, 6, 30)),
            successors: vec![Succession {
                successor: "bn".into(),
                effective: date(2025, 7, 1),
                kind: SuccessionKind::Merged,
            }],
            address: None,
        }
    }

    #[test]
    fn validity_is_inclusive() {
        let a = sample().normalized().unwrap();
        assert_eq!(a.name, "Ủy ban nhân dân tỉnh Bắc Giang");
        assert!(a.is_valid_on(date(2025, 6, 30)));
        assert!(!a.is_valid_on(date(2025, 7, 1)));
    }

    #[test]
    fn identifiers_follow_decision_20() {
        assert!(valid_identifier("000.00.00.H56"));
        assert!(valid_identifier("G09.20"));
        assert!(!valid_identifier("000.00.00.h56"));
        assert!(!valid_identifier("000..00"));
        assert!(!valid_identifier(&"A".repeat(36)));
        let mut a = sample();
        a.identifier_status = None;
        assert_eq!(a.normalized(), Err(AgencyError::IdentifierStatusMismatch));
    }

    #[test]
    fn ids_are_restricted() {
        assert!(valid_agency_id("bn.x07210"));
        assert!(!valid_agency_id("BN"));
        assert!(!valid_agency_id("bn/x"));
        assert!(!valid_agency_id(""));
    }
}
