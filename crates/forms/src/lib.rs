//! The one-stop forms of Circular 01/2018/TT-VPCP (DOMAIN.md §8.1) as PDF, and the tracking
//! ledger (Form 06) also as XLSX and CSV.
//!
//! Pure and synchronous: plain data ([`FormData`], [`Ledger`]) and the wording ([`Wording`]) in,
//! bytes out; no I/O, no clock, no lookups. Rendering is CPU work (some 30 ms for a one-page
//! form, a few hundred for a ledger of 500 rows; docs/PERFORMANCE.md): call it from
//! `spawn_blocking`. It never panics on any input — long texts break across lines and pages,
//! empty lists print an empty row, characters outside the font print a replacement glyph — and
//! stops with [`FormError::TooLong`] rather than producing thousands of pages.
//!
//! Parse the wording once ([`Wording::shipped`], then [`Wording::overlay`] with an agency's
//! override) and reuse it: it is plain data, cheap to clone and share.
//!
//! - Forms 01–05 are printed on A5 portrait, Form 06 on A4 landscape.
//! - The text is set in Liberation Serif (Times New Roman metrics, as Decree 30/2020 asks for
//!   administrative documents), embedded in the binary and subset into each PDF
//!   (`data/fonts/PROVENANCE.md`).
//! - Every printed word comes from the [`Wording`]; the shipped default is unverified [U].
//! - Forms 01 and 04 carry a QR code of the public lookup URL the caller gives.

mod data;
mod dossier;
mod ledger;
mod pdf;
mod template;
mod time;
mod wording;

pub use data::{
    ApologyData, ComponentLine, Contact, ControlRow, FormData, Header, Ledger, LedgerRef,
    LedgerRow, Party, ReturnPlace, Signers, SupplementLine, Timeliness,
};
pub use dossier::phone_text;
pub use template::TemplateError;
pub use wording::{
    Apology, Common, ControlSlip, DEFAULT_WORDING_TOML, LedgerWording, Meta, Receipt, Refusal,
    Supplement, Wording, WordingError,
};

use serde::{Deserialize, Serialize};

/// Forms 01–05 (Form 06, the ledger, covers many dossiers: see [`ledger_pdf`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// Mẫu số 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    Receipt01,
    /// Mẫu số 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    Supplement02,
    /// Mẫu số 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal03,
    /// Mẫu số 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả.
    Apology04,
    /// Mẫu số 05: Phiếu kiểm soát quá trình giải quyết hồ sơ.
    ControlSlip05,
}

impl FormKind {
    /// Every form of one dossier.
    pub const ALL: [Self; 5] = [
        Self::Receipt01,
        Self::Supplement02,
        Self::Refusal03,
        Self::Apology04,
        Self::ControlSlip05,
    ];

    /// The form's number in the circular's appendix, as in URLs (`01` … `05`).
    pub fn number(self) -> &'static str {
        match self {
            Self::Receipt01 => "01",
            Self::Supplement02 => "02",
            Self::Refusal03 => "03",
            Self::Apology04 => "04",
            Self::ControlSlip05 => "05",
        }
    }

    /// Reads [`FormKind::number`] (`"01"` or `"1"`).
    pub fn from_number(s: &str) -> Option<Self> {
        let n: u8 = s.parse().ok()?;
        Self::ALL.into_iter().find(|k| k.number().parse() == Ok(n))
    }

    /// The form's title in `w`, as plain text (a file name, a link).
    pub fn title(self, w: &Wording) -> String {
        let t = match self {
            Self::Receipt01 => &w.receipt.title,
            Self::Supplement02 => &w.supplement.title,
            Self::Refusal03 => &w.refusal.title,
            Self::Apology04 => &w.apology.title,
            Self::ControlSlip05 => &w.control_slip.title,
        };
        template::fill_plain(t, &[], &w.common.blank)
    }
}

/// Why a form could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// The embedded font could not be read (a build problem, not an input problem).
    #[error("không đọc được phông chữ: {0}")]
    Font(String),
    /// The lookup URL does not fit in a QR code.
    #[error("không tạo được mã QR: {0}")]
    Qr(String),
    /// The input would print more pages than a form may have.
    #[error("biểu mẫu dài quá {max_pages} trang")]
    TooLong {
        /// The limit.
        max_pages: usize,
    },
    /// The PDF writer failed.
    #[error("không tạo được tệp PDF: {0}")]
    Pdf(String),
    /// The spreadsheet writer failed.
    #[error("không tạo được tệp XLSX: {0}")]
    Xlsx(String),
}

/// Renders one of Forms 01–05 as a PDF (A5).
pub fn render(kind: FormKind, w: &Wording, data: &FormData) -> Result<Vec<u8>, FormError> {
    let fonts = pdf::font::Fonts::load()?;
    match kind {
        FormKind::Receipt01 => pdf::forms::receipt(w, &fonts, data),
        FormKind::Supplement02 => pdf::forms::supplement(w, &fonts, data),
        FormKind::Refusal03 => pdf::forms::refusal(w, &fonts, data),
        FormKind::Apology04 => pdf::forms::apology(w, &fonts, data),
        FormKind::ControlSlip05 => pdf::forms::control_slip(w, &fonts, data),
    }
}

/// Renders the tracking ledger (Form 06) as a PDF (A4 landscape).
pub fn ledger_pdf(w: &Wording, ledger: &Ledger) -> Result<Vec<u8>, FormError> {
    let fonts = pdf::font::Fonts::load()?;
    pdf::forms::ledger(w, &fonts, ledger)
}

/// The tracking ledger as an XLSX workbook.
pub fn ledger_xlsx(w: &Wording, ledger: &Ledger) -> Result<Vec<u8>, FormError> {
    ledger::xlsx(w, ledger)
}

/// The tracking ledger as CSV (RFC 4180, UTF-8 with a byte order mark).
pub fn ledger_csv(w: &Wording, ledger: &Ledger) -> Vec<u8> {
    ledger::csv(w, ledger)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_numbers_round_trip() {
        for kind in FormKind::ALL {
            assert_eq!(FormKind::from_number(kind.number()), Some(kind));
        }
        assert_eq!(FormKind::from_number("4"), Some(FormKind::Apology04));
        assert_eq!(FormKind::from_number("06"), None);
        assert_eq!(FormKind::from_number("x"), None);
    }

    #[test]
    fn titles_come_from_the_wording() {
        let w = Wording::shipped().unwrap();
        assert_eq!(
            FormKind::Supplement02.title(&w),
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
        );
    }
}
