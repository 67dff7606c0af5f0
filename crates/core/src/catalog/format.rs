//! motcua's own JSON Lines catalog format, `motcua.procedure/1` (docs/CATALOG_FORMAT.md).
//!
//! One procedure per line: the serde form of [`Procedure`] plus a `"format"` marker and an
//! optional `"valid_from"` date. The import reads a file line by line and hands each line to
//! [`parse_line`], which also accepts lines of the national-portal export (detected by their
//! keys) so that one command imports either. A rejected line yields a [`RowError`] whose
//! message is a short Vietnamese reason the import prints next to the line number; no input
//! makes these functions panic.

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Map, Value};

use super::dvc::{self, DVC_KEYS, ParseNote};
use super::{CodeError, Procedure, ProcedureCode, ProcedureError};

/// The format marker of this version.
pub const FORMAT_V1: &str = "motcua.procedure/1";

/// The marker's prefix, shared by every version.
const FORMAT_PREFIX: &str = "motcua.procedure/";

/// Longest line accepted, in bytes. The largest real record is about 60 KB; the limit only
/// stops a corrupt file from being parsed as one giant line.
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// The top-level keys of a `motcua.procedure/1` line besides `format` and `valid_from`: the
/// fields of [`Procedure`], kept in step with it by a test.
pub const PROCEDURE_KEYS: [&str; 18] = [
    "code",
    "name",
    "field",
    "levels",
    "formality_type",
    "applicant_types",
    "agencies",
    "steps",
    "methods",
    "cases",
    "legal_bases",
    "results",
    "requirements",
    "online_level",
    "publication_decision",
    "related",
    "source_url",
    "raw_sections",
];

/// Which format a line was in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineFormat {
    /// `motcua.procedure/1`.
    Motcua,
    /// A record of the national-portal export (`ma_thu_tuc`, `ten_thu_tuc`, ...).
    NationalPortal,
}

/// One imported line.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    /// The normalised procedure.
    pub procedure: Procedure,
    /// The date this version takes effect, when the line states one.
    pub valid_from: Option<Date>,
    /// The format the line was in.
    pub format: LineFormat,
    /// How many sections were kept verbatim because their parse was uncertain
    /// (`procedure.raw_sections.len()`).
    pub uncertain_sections: usize,
    /// For national-portal lines, what the parser noted; empty for motcua lines. How the
    /// record's documents classify, and how many rows no rule recognised, is
    /// [`super::Tally::of`]`(&procedure)`: not computed here, since most readers do not need it.
    pub notes: Vec<ParseNote>,
}

/// Why a line was rejected. The message is short and in Vietnamese, for the import's per-row
/// report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    /// Only whitespace.
    #[error("dòng trống")]
    Empty,
    /// Longer than [`MAX_LINE_BYTES`].
    #[error("dòng dài {0} byte, vượt giới hạn")]
    TooLong(usize),
    /// Not JSON.
    #[error("dòng không phải JSON hợp lệ: {0}")]
    NotJson(String),
    /// JSON, but not an object.
    #[error("dòng không phải một đối tượng JSON")]
    NotObject,
    /// Neither format's keys.
    #[error(
        "không nhận ra định dạng: cần trường \"format\" (motcua) hoặc \"ma_thu_tuc\" (bản xuất Cổng DVCQG)"
    )]
    UnknownFormat,
    /// A `format` this version does not read.
    #[error("định dạng {0:?} không được hỗ trợ (hỗ trợ {FORMAT_V1})")]
    UnsupportedFormat(String),
    /// No procedure code.
    #[error("thiếu mã thủ tục")]
    MissingCode,
    /// A procedure code that is not `d.dddddd`.
    #[error("mã thủ tục không hợp lệ: {0}")]
    BadCode(CodeError),
    /// A key the format does not define.
    #[error("trường không xác định: {0:?}")]
    UnknownField(String),
    /// A field with the wrong shape or value.
    #[error("trường {field}: {reason}")]
    Field {
        /// Which field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The line does not match the record structure.
    #[error("sai cấu trúc bản ghi: {0}")]
    Schema(String),
    /// The record breaks a limit or misses a required value.
    #[error("bản ghi không hợp lệ: {0}")]
    Invalid(ProcedureError),
}

/// Reads one line of either format. Detection is by keys: an object with `"format"` is a
/// motcua line, one with `"ma_thu_tuc"` (and no `"format"`) a national-portal export record.
/// The procedure is returned normalised ([`Procedure::normalized`]).
pub fn parse_line(line: &str) -> Result<ImportRecord, RowError> {
    if line.len() > MAX_LINE_BYTES {
        return Err(RowError::TooLong(line.len()));
    }
    let line = line.trim_start_matches('\u{feff}').trim();
    if line.is_empty() {
        return Err(RowError::Empty);
    }
    let value: Value = serde_json::from_str(line).map_err(|e| RowError::NotJson(e.to_string()))?;
    let Value::Object(map) = value else {
        return Err(RowError::NotObject);
    };
    if map.contains_key("format") {
        parse_motcua(map)
    } else if DVC_KEYS.iter().any(|k| map.contains_key(*k)) {
        let parsed = dvc::parse_dvc_value(Value::Object(map))?;
        Ok(ImportRecord {
            uncertain_sections: parsed.procedure.raw_sections.len(),
            procedure: parsed.procedure,
            valid_from: None,
            format: LineFormat::NationalPortal,
            notes: parsed.notes,
        })
    } else {
        Err(RowError::UnknownFormat)
    }
}

fn parse_motcua(mut map: Map<String, Value>) -> Result<ImportRecord, RowError> {
    match map.remove("format") {
        Some(Value::String(f)) if f == FORMAT_V1 => {}
        Some(Value::String(f)) if f.starts_with(FORMAT_PREFIX) => {
            return Err(RowError::UnsupportedFormat(f.chars().take(40).collect()));
        }
        _ => return Err(RowError::UnknownFormat),
    }
    let valid_from = match map.remove("valid_from") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.parse::<Date>().map_err(|e| RowError::Field {
            field: "valid_from",
            reason: format!("ngày phải có dạng YYYY-MM-DD ({e})"),
        })?),
        Some(_) => {
            return Err(RowError::Field {
                field: "valid_from",
                reason: "phải là chuỗi ngày YYYY-MM-DD".into(),
            });
        }
    };
    if let Some(k) = map.keys().find(|k| !PROCEDURE_KEYS.contains(&k.as_str())) {
        return Err(RowError::UnknownField(k.chars().take(40).collect()));
    }
    match map.get("code") {
        None | Some(Value::Null) => return Err(RowError::MissingCode),
        Some(Value::String(s)) if s.trim().is_empty() => return Err(RowError::MissingCode),
        Some(Value::String(s)) => {
            ProcedureCode::parse(s).map_err(RowError::BadCode)?;
        }
        Some(_) => {
            return Err(RowError::Field {
                field: "code",
                reason: "phải là chuỗi".into(),
            });
        }
    }
    let procedure: Procedure =
        serde_json::from_value(Value::Object(map)).map_err(|e| RowError::Schema(e.to_string()))?;
    let procedure = procedure.normalized().map_err(RowError::Invalid)?;
    Ok(ImportRecord {
        uncertain_sections: procedure.raw_sections.len(),
        procedure,
        valid_from,
        format: LineFormat::Motcua,
        notes: Vec::new(),
    })
}

#[derive(Serialize)]
struct Line<'a> {
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_from: Option<Date>,
    #[serde(flatten)]
    procedure: &'a Procedure,
}

/// Writes a procedure as one `motcua.procedure/1` line (no trailing newline). The procedure
/// should be normalised; a time amount that is not finite would be written as `null` and
/// rejected on reading.
pub fn to_line(procedure: &Procedure) -> String {
    to_line_valid_from(procedure, None)
}

/// [`to_line`] with the date the version takes effect.
pub fn to_line_valid_from(procedure: &Procedure, valid_from: Option<Date>) -> String {
    // Plain data with string keys always serialises; an empty string (rejected on reading as
    // an empty line) is the fallback rather than a panic.
    serde_json::to_string(&Line {
        format: FORMAT_V1,
        valid_from,
        procedure,
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::model::tests::birth_registration;

    #[test]
    fn round_trip() {
        let p = birth_registration().normalized().unwrap();
        let line = to_line(&p);
        assert!(
            line.starts_with(r#"{"format":"motcua.procedure/1","code":"1.001193""#),
            "{line}"
        );
        assert!(!line.contains('\n'));
        let r = parse_line(&line).unwrap();
        assert_eq!(r.procedure, p);
        assert_eq!(
            (r.format, r.valid_from, r.uncertain_sections),
            (LineFormat::Motcua, None, 0)
        );
        let dated = to_line_valid_from(&p, Some(jiff::civil::date(2026, 7, 1)));
        assert!(dated.contains(r#""valid_from":"2026-07-01""#));
        assert_eq!(
            parse_line(&dated).unwrap().valid_from,
            Some(jiff::civil::date(2026, 7, 1))
        );
    }

    #[test]
    fn documented_example_is_valid_and_canonical() {
        let doc = include_str!("../../../../docs/CATALOG_FORMAT.md");
        let line = doc
            .lines()
            .find(|l| l.starts_with(r#"{"format":"#))
            .unwrap();
        let r = parse_line(line).unwrap();
        assert_eq!(r.procedure.code.as_str(), "1.001193");
        assert_eq!(r.valid_from, Some(jiff::civil::date(2026, 7, 1)));
        assert_eq!(r.uncertain_sections, 1);
        assert_eq!(to_line_valid_from(&r.procedure, r.valid_from), line);
    }

    #[test]
    fn stated_kinds_round_trip() {
        let mut p = birth_registration();
        p.cases[0].components[0].kind = Some(crate::catalog::RequirementKind::Conditional);
        p.cases[0].components[0].condition = Some("Bạn nộp hồ sơ trực tiếp?".into());
        let line = to_line(&p.normalized().unwrap());
        assert!(
            line.contains(
                r#""forms":[],"kind":"conditional","condition":"Bạn nộp hồ sơ trực tiếp?"}"#
            ),
            "{line}"
        );
        let r = parse_line(&line).unwrap();
        assert_eq!(
            crate::catalog::Tally::of(&r.procedure),
            crate::catalog::Tally {
                conditional: 1,
                explicit: 1,
                ..Default::default()
            }
        );
        let bad = line.replace(r#""kind":"conditional","#, "");
        let err = parse_line(&bad).unwrap_err().to_string();
        assert!(
            err.starts_with("bản ghi không hợp lệ: thành phần hồ sơ"),
            "{err}"
        );
        let bad = line.replace(r#""kind":"conditional""#, r#""kind":"maybe""#);
        assert!(
            parse_line(&bad)
                .unwrap_err()
                .to_string()
                .starts_with("sai cấu trúc bản ghi")
        );
    }

    #[test]
    fn keys_match_the_model() {
        let v = serde_json::to_value(birth_registration()).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut expected = PROCEDURE_KEYS.to_vec();
        expected.sort_unstable();
        assert_eq!(keys, expected);
    }

    #[test]
    fn detects_the_national_export() {
        let line = r#"{"ma_thu_tuc":"1.004222","ten_thu_tuc":"Đăng ký thường trú","linh_vuc":"Đăng ký, quản lý cư trú","cach_thuc_thuc_hien":"Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7 Ngày làm việc10,000 Việt Nam Đồng(…)Trực tiếp7 Ngày làm việc20,000 Việt Nam Đồng(…)","channels_parsed":[]}"#;
        let r = parse_line(line).unwrap();
        assert_eq!(r.format, LineFormat::NationalPortal);
        assert_eq!(r.procedure.methods.len(), 2);
        assert_eq!(r.valid_from, None);
    }

    #[test]
    fn rejections_have_reasons() {
        let p = birth_registration().normalized().unwrap();
        let good: Value = serde_json::from_str(&to_line(&p)).unwrap();
        let with = |k: &str, v: Value| {
            let mut m = good.as_object().unwrap().clone();
            m.insert(k.into(), v);
            Value::Object(m).to_string()
        };
        let without = |k: &str| {
            let mut m = good.as_object().unwrap().clone();
            m.remove(k);
            Value::Object(m).to_string()
        };
        let cases: Vec<(String, &str)> = vec![
            ("   ".into(), "dòng trống"),
            ("{not json".into(), "dòng không phải JSON hợp lệ: "),
            ("[1,2]".into(), "dòng không phải một đối tượng JSON"),
            (r#"{"hello":1}"#.into(), "không nhận ra định dạng"),
            (
                with("format", "motcua.procedure/9".into()),
                "định dạng \"motcua.procedure/9\" không được hỗ trợ",
            ),
            (without("code"), "thiếu mã thủ tục"),
            (with("code", "1001193".into()), "mã thủ tục không hợp lệ: "),
            (
                with("colour", "red".into()),
                "trường không xác định: \"colour\"",
            ),
            (
                with("valid_from", "01/07/2026".into()),
                "trường valid_from: ",
            ),
            (with("levels", "commune".into()), "sai cấu trúc bản ghi: "),
            (
                with("name", "  ".into()),
                "bản ghi không hợp lệ: trường name không được để trống",
            ),
            (r#"{"ma_thu_tuc":""}"#.into(), "thiếu mã thủ tục"),
            (r#"{"ma_thu_tuc":"abc"}"#.into(), "mã thủ tục không hợp lệ"),
        ];
        for (line, reason) in cases {
            let err = parse_line(&line).unwrap_err().to_string();
            assert!(err.starts_with(reason), "{line} → {err}");
        }
        let huge = "x".repeat(MAX_LINE_BYTES + 1);
        assert!(matches!(parse_line(&huge), Err(RowError::TooLong(_))));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let _ = parse_line(&s);
        }

        #[test]
        fn never_panics_on_export_like_text(cells in proptest::collection::vec(
            proptest::sample::select(vec![
                "Trực tuyến", "Trực tiếp", "Dịch vụ bưu chính", "1", "7 Ngày làm việc", "Miễn phí",
                "Không có thông tin", "10,000 Việt Nam Đồng", "(", ")", "120 VNĐ", "Tên giấy tờMẫu đơn, tờ khaiSố lượng",
                "1 bản chính", ",1 bản sao", "Mẫu 01.docx", "Mã: KQ.G15.000031", "123/2015/NĐ-CP", "Luật", "ngày 15/11/2015",
                "Bước 1:", "\n", "- ", "x", "é", "Từ khóa",
            ]), 0..40)) {
            let text: String = cells.concat();
            let rec = serde_json::json!({
                "ma_thu_tuc": "1.000001", "ten_thu_tuc": "T", "linh_vuc": "L",
                "cach_thuc_thuc_hien": format!("Hình thức nộpThời gianPhí, lệ phíMô tả{text}"),
                "thanh_phan_ho_so": text, "can_cu_phap_ly": format!("Tên văn bản pháp lýMã văn bản{text}"),
                "ket_qua_xu_ly": text, "trinh_tu_thuc_hien": text, "co_quan_thuc_hien": text,
            });
            let _ = parse_line(&rec.to_string());
        }
    }
}
