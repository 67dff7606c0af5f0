//! The wording of the forms, as data.
//!
//! Every title, label, fixed sentence and signature caption printed on a form comes from a
//! [`Wording`], never from code: the shipped default (`data/forms/wording.toml`, embedded) is
//! unverified against the official appendix (DOMAIN.md §8.1 [U]) and agencies word their forms
//! differently, so an operator overlays a partial override ([`Wording::overlay`]) that the caller
//! stores per agency. Each entry declares the placeholders it offers; an override using any other
//! is refused at load time with the entry's name ([`WordingError::Entry`]).

use serde::{Deserialize, Serialize};

use crate::{
    data::Timeliness,
    template::{TemplateError, check},
};

/// The shipped default wording.
pub const DEFAULT_WORDING_TOML: &str = include_str!("../../../data/forms/wording.toml");

/// A wording that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordingError {
    /// Not TOML / JSON of the right shape: an unknown entry, a missing one, a value that is not
    /// text. `path` names the place (`receipt.title`).
    #[error("nội dung biểu mẫu, mục {path}: {message}")]
    Shape {
        /// Where, dotted.
        path: String,
        /// What, as the parser says it.
        message: String,
    },
    /// An entry whose text is malformed.
    #[error("nội dung biểu mẫu, mục {entry}: {error}")]
    Entry {
        /// `section.entry`.
        entry: String,
        /// What is wrong.
        error: TemplateError,
    },
    /// An entry with a value outside what it allows (e.g. a worksheet name too long).
    #[error("nội dung biểu mẫu, mục {entry}: {message}")]
    Invalid {
        /// `section.entry`.
        entry: String,
        /// What is allowed.
        message: String,
    },
}

/// Defines a section: a struct of text entries, each with the placeholders it offers, and its
/// check.
macro_rules! section {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : [$($ph:literal),*] ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: String, )*
        }

        impl $name {
            fn check(&self, section: &str) -> Result<(), WordingError> {
                $(
                    check(&self.$field, &[$($ph),*]).map_err(|error| WordingError::Entry {
                        entry: format!("{section}.{}", stringify!($field)),
                        error,
                    })?;
                )*
                Ok(())
            }
        }
    };
}

section! {
    /// Entries shared by every form.
    Common {
        /// First line of the national motto.
        motto: [],
        /// Second line of the motto (underlined).
        motto_sub: [],
        /// The place and date line.
        place_date: ["place", "day", "month", "year"],
        /// What a missing value prints as.
        blank: [],
        /// What a missing day, month or year prints as.
        blank_short: [],
        /// An instant, long form.
        date_time: ["hour", "minute", "day", "month", "year"],
        /// A date.
        date: ["day", "month", "year"],
        /// An instant, short form (ledger cells).
        short_time: ["hour", "minute", "day", "month", "year"],
        /// Footer of a form longer than one page.
        page: ["page", "pages"],
        /// Under a signature caption.
        sign_hint: [],
        /// Under the caption of a signature with the agency's seal.
        sign_seal_hint: [],
        /// Finished before its due.
        early: [],
        /// Finished on its due.
        on_time: [],
        /// Finished after its due.
        late: [],
        /// An original document.
        original: [],
        /// A copy.
        copy: [],
        /// Return at the desk.
        return_desk: ["desk"],
        /// Return by post.
        return_post: ["address"],
        /// Return online.
        return_online: [],
        /// Beside the QR code.
        qr_caption: [],
    }
}

section! {
    /// Form 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả.
    Receipt {
        number: ["number"], title: [], code: ["code"], received_by: ["unit"],
        applicant: ["name"], address: ["address"], contact: ["phone", "email"],
        request: ["procedure"], components: [], col_number: [], col_name: [], col_kind: [],
        col_quantity: [], no_components: [], sets: ["sets"], time_limit: ["limit"],
        received_at: ["time"], appointment: ["time"], return_place: ["place"], fees: ["fees"],
        ledger: ["book", "entry"], signer_left: [], signer_right: [], note: [],
    }
}

section! {
    /// Form 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.
    Supplement {
        number: ["number"], title: [], code: ["code"], addressee: ["name"],
        address: ["address"], contact: ["phone", "email"],
        received: ["unit", "time", "procedure"], intro: [], col_number: [],
        col_component: [], col_reason: [], help: ["name", "phone"], once: [], signer: [],
    }
}

section! {
    /// Form 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ.
    Refusal {
        number: ["number"], title: [], code: ["code"], received_by: ["unit"],
        applicant: ["name"], address: ["address"], contact: ["phone", "email"],
        request: ["procedure"], decision: ["unit"], closing: [], signer: [],
    }
}

section! {
    /// Form 04, Phiếu xin lỗi và hẹn lại ngày trả kết quả.
    Apology {
        number: ["number"], title: [], addressee: ["name"],
        received: ["date", "unit", "procedure"], code: ["code"], old_appointment: ["time"],
        late: [], reason: ["reason"], apology: ["time"], closing: [], signer: [],
    }
}

section! {
    /// Form 05, Phiếu kiểm soát quá trình giải quyết hồ sơ.
    ControlSlip {
        number: ["number"], title: [], code: ["code"], applicant: ["name"], phone: ["phone"],
        request: ["procedure"], appointment: ["time"], col_number: [], col_step: [],
        col_time: [], col_result: [], col_note: [], row: ["step", "from", "to"],
        sign_row: [], no_rows: [], note: [],
    }
}

section! {
    /// Form 06, Sổ theo dõi hồ sơ (also the headers of its XLSX and CSV).
    LedgerWording {
        number: ["number"], title: [], desk: ["desk"], period: ["from", "to"],
        col_number: [], col_code: [], col_applicant: [], col_procedure: [], col_received: [],
        col_appointment: [], col_transferred: [], col_returned: [], col_outcome: [],
        col_signature: [], col_note: [], no_rows: [], sheet: [],
    }
}

impl Common {
    /// The label of a timeliness.
    pub fn timeliness(&self, t: Timeliness) -> &str {
        match t {
            Timeliness::Early => &self.early,
            Timeliness::OnTime => &self.on_time,
            Timeliness::Late => &self.late,
        }
    }
}

/// Facts about the wording itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Whether someone checked the wording against the official text. The shipped default is
    /// not checked (`false`); an administration screen should say so.
    pub verified: bool,
    /// Where the wording comes from.
    pub source: String,
}

/// The complete wording of Forms 01–06.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    /// About this wording.
    pub meta: Meta,
    /// Shared entries.
    pub common: Common,
    /// Form 01.
    pub receipt: Receipt,
    /// Form 02.
    pub supplement: Supplement,
    /// Form 03.
    pub refusal: Refusal,
    /// Form 04.
    pub apology: Apology,
    /// Form 05.
    pub control_slip: ControlSlip,
    /// Form 06.
    pub ledger: LedgerWording,
}

impl Wording {
    /// The shipped default (`data/forms/wording.toml`).
    pub fn shipped() -> Result<Self, WordingError> {
        Self::from_toml(DEFAULT_WORDING_TOML)
    }

    /// A complete wording from TOML (every entry present).
    pub fn from_toml(text: &str) -> Result<Self, WordingError> {
        let value: serde_json::Value = toml::from_str(text).map_err(|e| WordingError::Shape {
            path: "(tệp)".to_owned(),
            message: e.message().to_owned(),
        })?;
        Self::from_value(value)
    }

    /// This wording with an operator's partial override on top: `partial` has the shape of the
    /// wording file with any entries left out (`{"receipt": {"title": "…"}}`). Unknown sections
    /// or entries, non-text values and malformed entries are refused.
    pub fn overlay(&self, partial: &serde_json::Value) -> Result<Self, WordingError> {
        let mut base = serde_json::to_value(self).map_err(|e| WordingError::Shape {
            path: "(gốc)".to_owned(),
            message: e.to_string(),
        })?;
        merge(&mut base, partial, "")?;
        Self::from_value(base)
    }

    /// [`Wording::overlay`] with the override written as TOML (the wording file's syntax).
    pub fn overlay_toml(&self, partial: &str) -> Result<Self, WordingError> {
        let value: serde_json::Value =
            toml::from_str(partial).map_err(|e| WordingError::Shape {
                path: "(tệp)".to_owned(),
                message: e.message().to_owned(),
            })?;
        self.overlay(&value)
    }

    /// The whole wording as TOML in the wording file's shape (without its comments): what an
    /// administrator reads to see what an agency's forms print, and a valid override as is.
    pub fn to_toml(&self) -> Result<String, WordingError> {
        toml::to_string(self).map_err(|e| WordingError::Shape {
            path: "(gốc)".to_owned(),
            message: e.to_string(),
        })
    }

    fn from_value(value: serde_json::Value) -> Result<Self, WordingError> {
        let w: Self = serde_path_to_error::deserialize(value).map_err(|e| WordingError::Shape {
            path: e.path().to_string(),
            message: e.inner().to_string(),
        })?;
        w.check()?;
        Ok(w)
    }

    fn check(&self) -> Result<(), WordingError> {
        self.common.check("common")?;
        self.receipt.check("receipt")?;
        self.supplement.check("supplement")?;
        self.refusal.check("refusal")?;
        self.apology.check("apology")?;
        self.control_slip.check("control_slip")?;
        self.ledger.check("ledger")?;
        check_sheet_name(&self.ledger.sheet)
    }
}

/// Excel's rule for worksheet names, checked here so that the ledger export cannot fail on it.
fn check_sheet_name(name: &str) -> Result<(), WordingError> {
    let bad = name.trim().is_empty()
        || name.chars().count() > 31
        || name.contains([':', '\\', '/', '?', '*', '[', ']'])
        || name.starts_with('\'')
        || name.ends_with('\'');
    if bad {
        return Err(WordingError::Invalid {
            entry: "ledger.sheet".to_owned(),
            message:
                "từ 1 đến 31 ký tự, không có : \\ / ? * [ ] và không bắt đầu hay kết thúc bằng '"
                    .to_owned(),
        });
    }
    Ok(())
}

/// Deep-merges `over` into `base`: tables merge key by key, anything else replaces. A key the
/// base lacks is kept, so deserialisation reports it as unknown with its path.
fn merge(
    base: &mut serde_json::Value,
    over: &serde_json::Value,
    path: &str,
) -> Result<(), WordingError> {
    use serde_json::Value;
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v, &p)?,
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
            Ok(())
        }
        (Value::Object(_), _) => Err(WordingError::Shape {
            path: if path.is_empty() {
                "(gốc)".to_owned()
            } else {
                path.to_owned()
            },
            message: "phải là một bảng (các mục con), không phải một giá trị".to_owned(),
        }),
        (slot, v) => {
            *slot = v.clone();
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_shipped_wording_loads_and_says_it_is_unverified() {
        let w = Wording::shipped().unwrap();
        assert!(!w.meta.verified);
        assert_eq!(w.receipt.title, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
        assert_eq!(w.receipt.signer_left, "NGƯỜI NỘP HỒ SƠ");
        assert_eq!(w.receipt.signer_right, "NGƯỜI TIẾP NHẬN HỒ SƠ");
        assert_eq!(w.common.motto, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
    }

    #[test]
    fn an_overlay_changes_only_what_it_names() {
        let w = Wording::shipped().unwrap();
        let o = w
            .overlay(&json!({"apology": {"signer": "CHỦ TỊCH"}, "meta": {"verified": true}}))
            .unwrap();
        assert_eq!(o.apology.signer, "CHỦ TỊCH");
        assert!(o.meta.verified);
        assert_eq!(o.apology.title, w.apology.title);
        assert_eq!(o.receipt, w.receipt);
        let t = w
            .overlay_toml("[receipt]\ntitle = \"GIẤY BIÊN NHẬN\"\n")
            .unwrap();
        assert_eq!(t.receipt.title, "GIẤY BIÊN NHẬN");
    }

    #[test]
    fn a_wording_written_as_toml_reads_back_the_same() {
        let w = Wording::shipped()
            .unwrap()
            .overlay_toml(
                "[receipt]\ntitle = \"GIẤY \\\"BIÊN\\\" NHẬN\"\naddress = \"Địa chỉ:\\n{address}\"\n",
            )
            .unwrap();
        let text = w.to_toml().unwrap();
        assert!(text.contains("[receipt]"), "{text}");
        assert_eq!(Wording::from_toml(&text).unwrap(), w);
    }

    #[test]
    fn an_overlay_with_an_unknown_placeholder_names_the_entry() {
        let w = Wording::shipped().unwrap();
        let e = w
            .overlay(&json!({"receipt": {"code": "Mã: {ma_ho_so}"}}))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "nội dung biểu mẫu, mục receipt.code: không có trường {ma_ho_so} (các trường dùng được: {code})"
        );
    }

    #[test]
    fn an_overlay_with_unknown_or_mistyped_entries_is_refused_with_its_path() {
        let w = Wording::shipped().unwrap();
        match w.overlay(&json!({"receipt": {"titel": "X"}})).unwrap_err() {
            WordingError::Shape { path, message } => {
                assert_eq!(path, "receipt.titel");
                assert!(message.contains("titel"), "{message}");
            }
            e => panic!("{e:?}"),
        }
        match w.overlay(&json!({"receipt": {"title": 5}})).unwrap_err() {
            WordingError::Shape { path, .. } => assert_eq!(path, "receipt.title"),
            e => panic!("{e:?}"),
        }
        assert!(matches!(
            w.overlay(&json!({"receipt": "x"})).unwrap_err(),
            WordingError::Shape { path, .. } if path == "receipt"
        ));
        assert!(matches!(
            w.overlay(&json!({"ledger": {"sheet": "Sổ [2026]"}}))
                .unwrap_err(),
            WordingError::Invalid { .. }
        ));
    }
}
