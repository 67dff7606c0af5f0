//! What can be done: the actions access control decides about.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// An action that needs a grant. Permissions are deliberately coarse verbs on a kind of object;
/// *where* (agency subtree, procedure) and *when* (validity dates) come from the [`Grant`]
/// that carries them.
///
/// The string form (`dossier.read` …) is stable: it is stored in API token scopes, shown in the
/// OpenAPI document (`x-permission`) and written to the audit log.
///
/// [`Grant`]: super::Grant
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Permission {
    /// See a dossier, its documents and history.
    #[serde(rename = "dossier.read")]
    DossierRead,
    /// Act at the one-stop desk: accept, refuse (Form 03), request a supplement (Form 02).
    #[serde(rename = "dossier.receive")]
    DossierReceive,
    /// Assign a dossier to a handling officer.
    #[serde(rename = "dossier.assign")]
    DossierAssign,
    /// Work on a dossier: forward, consult another agency, propose a decision.
    #[serde(rename = "dossier.handle")]
    DossierHandle,
    /// Decide: sign the result, sign the apology letter (Form 04), stop processing.
    #[serde(rename = "dossier.approve")]
    DossierApprove,
    /// Number, seal and issue the result document (văn thư).
    #[serde(rename = "dossier.issue_result")]
    DossierIssueResult,
    /// Hand the result back to the applicant.
    #[serde(rename = "dossier.return_result")]
    DossierReturnResult,
    /// Transfer a dossier to another agency's desk.
    #[serde(rename = "dossier.transfer")]
    DossierTransfer,
    /// Add an internal comment to a dossier.
    #[serde(rename = "dossier.comment")]
    DossierComment,
    /// Import procedures into the catalog (installation-wide).
    #[serde(rename = "catalog.import")]
    CatalogImport,
    /// Edit the working-time calendar (installation-wide).
    #[serde(rename = "calendar.edit")]
    CalendarEdit,
    /// Grant and revoke roles.
    #[serde(rename = "grant.manage")]
    GrantManage,
    /// Create, disable and reset official accounts.
    #[serde(rename = "user.manage")]
    UserManage,
    /// Read the audit log.
    #[serde(rename = "audit.read")]
    AuditRead,
    /// Read statistics and reports.
    #[serde(rename = "report.read")]
    ReportRead,
}

impl Permission {
    /// Every permission, in declaration order.
    pub const ALL: [Self; 15] = [
        Self::DossierRead,
        Self::DossierReceive,
        Self::DossierAssign,
        Self::DossierHandle,
        Self::DossierApprove,
        Self::DossierIssueResult,
        Self::DossierReturnResult,
        Self::DossierTransfer,
        Self::DossierComment,
        Self::CatalogImport,
        Self::CalendarEdit,
        Self::GrantManage,
        Self::UserManage,
        Self::AuditRead,
        Self::ReportRead,
    ];

    /// The stable string form, e.g. `dossier.read`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DossierRead => "dossier.read",
            Self::DossierReceive => "dossier.receive",
            Self::DossierAssign => "dossier.assign",
            Self::DossierHandle => "dossier.handle",
            Self::DossierApprove => "dossier.approve",
            Self::DossierIssueResult => "dossier.issue_result",
            Self::DossierReturnResult => "dossier.return_result",
            Self::DossierTransfer => "dossier.transfer",
            Self::DossierComment => "dossier.comment",
            Self::CatalogImport => "catalog.import",
            Self::CalendarEdit => "calendar.edit",
            Self::GrantManage => "grant.manage",
            Self::UserManage => "user.manage",
            Self::AuditRead => "audit.read",
            Self::ReportRead => "report.read",
        }
    }

    /// What it allows, in Vietnamese (shown on the account page and token forms).
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::DossierRead => "Xem hồ sơ",
            Self::DossierReceive => "Tiếp nhận, từ chối, yêu cầu bổ sung hồ sơ",
            Self::DossierAssign => "Phân công xử lý hồ sơ",
            Self::DossierHandle => "Thụ lý, chuyển, xin ý kiến, đề xuất",
            Self::DossierApprove => "Phê duyệt, ký kết quả, xin lỗi, dừng xử lý",
            Self::DossierIssueResult => "Vào số, đóng dấu, phát hành kết quả",
            Self::DossierReturnResult => "Trả kết quả",
            Self::DossierTransfer => "Chuyển hồ sơ liên thông",
            Self::DossierComment => "Ghi ý kiến nội bộ",
            Self::CatalogImport => "Nhập danh mục thủ tục",
            Self::CalendarEdit => "Sửa lịch làm việc",
            Self::GrantManage => "Phân quyền",
            Self::UserManage => "Quản lý tài khoản cán bộ",
            Self::AuditRead => "Xem nhật ký kiểm toán",
            Self::ReportRead => "Xem báo cáo, thống kê",
        }
    }

    /// Whether the permission is about the whole installation rather than one agency's
    /// dossiers: it is then checked against every current root agency (see
    /// [`super::allows_installation_wide`]).
    pub fn is_installation_wide(self) -> bool {
        matches!(self, Self::CatalogImport | Self::CalendarEdit)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The string is not a known permission.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("quyền {0:?} không tồn tại")]
pub struct UnknownPermission(pub String);

impl FromStr for Permission {
    type Err = UnknownPermission;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownPermission(s.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_forms_round_trip_and_match_serde() {
        for p in Permission::ALL {
            assert_eq!(p.as_str().parse::<Permission>().unwrap(), p);
            assert_eq!(
                serde_json::to_value(p).unwrap(),
                serde_json::Value::String(p.as_str().to_owned())
            );
        }
        assert!("dossier.delete".parse::<Permission>().is_err());
    }
}
