//! Parser for the national public service portal export (dichvucong.gov.vn, DOMAIN.md §11).
//!
//! The export (see `data/catalog/PROVENANCE.md`) has one JSON object per procedure with the
//! portal's fields as Vietnamese-named strings. Its tables — channels/times/fees, documents,
//! legal bases — were flattened into text *without separators*, so this module reads them
//! back by recognising the structure the portal always renders (headers, channel words glued
//! to a time and a fee cell, quantity cells glued to the end of a document row, document
//! numbers glued to the end of a title). Each section parser is in its own submodule with its
//! rules documented there.
//!
//! Nothing published is dropped silently: wherever a parse is not certain, the original text
//! of the section is kept in [`Procedure::raw_sections`] with the reasons, and the same facts
//! are returned as [`ParseNote`]s for statistics. Page chrome (the agency picker after the
//! results, a duplicated field label) is not published content and is dropped.
//!
//! Everything is pure: the caller reads the file and hands in one record at a time.

mod components;
mod legal;
mod lists;
mod methods;
mod online;
mod results;
mod scan;
mod steps;

use serde::{Deserialize, Serialize};

use super::format::RowError;
use super::{
    OnlineLevel, Procedure, ProcedureAgencies, ProcedureCode, RawSection, Section, limits,
};
use crate::text::{char_len, clean_line, nfc};

/// One record of the national-portal export, as its JSON keys name the fields. Unknown keys
/// (`source_folder`, `channels_parsed`, `raw_text`) are ignored; every field may be missing or
/// null. Only `ma_thu_tuc` is required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DvcRecord {
    /// Mã thủ tục.
    pub ma_thu_tuc: Option<String>,
    /// The portal page the record was read from.
    pub detail_url: Option<String>,
    /// Tên thủ tục.
    pub ten_thu_tuc: Option<String>,
    /// Số quyết định công bố.
    pub so_quyet_dinh: Option<String>,
    /// Cấp thực hiện, comma-separated labels.
    pub cap_thuc_hien: Option<String>,
    /// Loại thủ tục.
    pub loai_thu_tuc: Option<String>,
    /// Lĩnh vực.
    pub linh_vuc: Option<String>,
    /// Đối tượng thực hiện, comma-separated.
    pub doi_tuong_thuc_hien: Option<String>,
    /// Cơ quan có thẩm quyền.
    pub co_quan_co_tham_quyen: Option<String>,
    /// Địa chỉ tiếp nhận hồ sơ.
    pub dia_chi_tiep_nhan: Option<String>,
    /// Cơ quan được ủy quyền.
    pub co_quan_duoc_uy_quyen: Option<String>,
    /// Cơ quan phối hợp.
    pub co_quan_phoi_hop: Option<String>,
    /// Thủ tục liên quan.
    pub thu_tuc_lien_quan: Option<String>,
    /// Trình tự thực hiện (line breaks kept).
    pub trinh_tu_thuc_hien: Option<String>,
    /// Cách thức thực hiện (flattened table).
    pub cach_thuc_thuc_hien: Option<String>,
    /// Thành phần hồ sơ (flattened tables).
    pub thanh_phan_ho_so: Option<String>,
    /// Căn cứ pháp lý (flattened table).
    pub can_cu_phap_ly: Option<String>,
    /// Cơ quan thực hiện.
    pub co_quan_thuc_hien: Option<String>,
    /// Yêu cầu, điều kiện.
    pub yeu_cau_dieu_kien: Option<String>,
    /// Kết quả thực hiện, followed by page chrome.
    pub ket_qua_xu_ly: Option<String>,
}

/// The keys that identify a national-portal export line (see [`DvcRecord`]).
pub const DVC_KEYS: [&str; 2] = ["ma_thu_tuc", "ten_thu_tuc"];

/// What kind of uncertainty or repair a [`ParseNote`] records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// The methods table did not have the expected structure (no header, text before the first
    /// row, a row whose cells could not be read).
    MethodsUnstructured,
    /// A time limit published without a unit (read as working days unless the record's text
    /// states the unit), or `0`.
    TimeWithoutUnit,
    /// A time limit written in words ("Không phải trả kết quả …").
    TimeNotNumeric,
    /// A unit-less time glued to a fee amount (`1200 VNĐ`); resolved only when the fee note
    /// confirms the split.
    TimeFeeMerged,
    /// A fee below 1,000 đồng that the note does not explain; no amount is taken.
    FeeImplausible,
    /// A fee published in thousands (`150 VNĐ`) whose note states the amount (`150.000 đồng`).
    FeeScaledFromNote,
    /// A fee note whose parenthesis never closes.
    FeeNoteUnclosed,
    /// One channel has several rows with different times or descriptions.
    RepeatedChannel,
    /// The documents section has no table header.
    ComponentsUnstructured,
    /// Text in the documents section not followed by a quantity cell.
    ComponentsLeftover,
    /// A row ends with a form file name whose start could not be found.
    FormNotSeparated,
    /// Text in the legal-basis section that is not a title–number pair.
    LegalLeftover,
    /// The legal-basis field holds the end of the methods table (the export split the page at
    /// the words "Căn cứ pháp lý" inside a fee note); the real legal bases are missing.
    LegalSectionMisplaced,
    /// The documents field holds the end of the steps (the export split the page at the words
    /// "Thành phần hồ sơ" inside the steps); the real documents are missing.
    ComponentsMisplaced,
    /// The results field holds the end of the documents table; the real results are missing.
    ResultsMisplaced,
    /// Keywords or a description published with the results; the model has no field for them.
    ResultsExtraText,
    /// Unexpected text after the results.
    ResultsLeftover,
    /// An agency field holds prose instead of agency names.
    AgencyFieldNotAgency,
    /// An agency field held a dump of the page; the value was recovered after its label.
    PageDumpInField,
    /// An implementing level label outside the known four.
    UnknownLevel,
    /// The procedure name is longer than [`limits::NAME`](super::limits::NAME); it was
    /// shortened at a clause boundary and marked with "…".
    NameTruncated,
}

impl NoteKind {
    /// Every kind, for statistics.
    pub const ALL: [Self; 21] = [
        Self::MethodsUnstructured,
        Self::TimeWithoutUnit,
        Self::TimeNotNumeric,
        Self::TimeFeeMerged,
        Self::FeeImplausible,
        Self::FeeScaledFromNote,
        Self::FeeNoteUnclosed,
        Self::RepeatedChannel,
        Self::ComponentsUnstructured,
        Self::ComponentsLeftover,
        Self::FormNotSeparated,
        Self::LegalLeftover,
        Self::LegalSectionMisplaced,
        Self::ComponentsMisplaced,
        Self::ResultsMisplaced,
        Self::ResultsExtraText,
        Self::ResultsLeftover,
        Self::AgencyFieldNotAgency,
        Self::PageDumpInField,
        Self::UnknownLevel,
        Self::NameTruncated,
    ];

    /// A stable identifier for statistics (`time_without_unit`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MethodsUnstructured => "methods_unstructured",
            Self::TimeWithoutUnit => "time_without_unit",
            Self::TimeNotNumeric => "time_not_numeric",
            Self::TimeFeeMerged => "time_fee_merged",
            Self::FeeImplausible => "fee_implausible",
            Self::FeeScaledFromNote => "fee_scaled_from_note",
            Self::FeeNoteUnclosed => "fee_note_unclosed",
            Self::RepeatedChannel => "repeated_channel",
            Self::ComponentsUnstructured => "components_unstructured",
            Self::ComponentsLeftover => "components_leftover",
            Self::FormNotSeparated => "form_not_separated",
            Self::LegalLeftover => "legal_leftover",
            Self::LegalSectionMisplaced => "legal_section_misplaced",
            Self::ComponentsMisplaced => "components_misplaced",
            Self::ResultsMisplaced => "results_misplaced",
            Self::ResultsExtraText => "results_extra_text",
            Self::ResultsLeftover => "results_leftover",
            Self::AgencyFieldNotAgency => "agency_field_not_agency",
            Self::PageDumpInField => "page_dump_in_field",
            Self::UnknownLevel => "unknown_level",
            Self::NameTruncated => "name_truncated",
        }
    }

    /// The Vietnamese reason written into [`RawSection::reason`].
    pub fn reason_vi(self) -> &'static str {
        match self {
            Self::MethodsUnstructured => "bảng cách thức thực hiện không đúng cấu trúc mong đợi",
            Self::TimeWithoutUnit => "thời hạn không ghi đơn vị",
            Self::TimeNotNumeric => "thời hạn ghi bằng chữ",
            Self::TimeFeeMerged => "thời hạn và mức phí dính liền nhau",
            Self::FeeImplausible => "mức phí dưới 1.000 đồng, có thể ghi theo nghìn đồng",
            Self::FeeScaledFromNote => "mức phí ghi theo nghìn đồng, số tiền lấy theo ghi chú",
            Self::FeeNoteUnclosed => "ghi chú phí thiếu dấu đóng ngoặc",
            Self::RepeatedChannel => "một kênh có nhiều dòng với thời hạn hoặc mô tả khác nhau",
            Self::ComponentsUnstructured => "thành phần hồ sơ không có tiêu đề bảng",
            Self::ComponentsLeftover => "có đoạn văn không kèm số lượng bản chính/bản sao",
            Self::FormNotSeparated => "không tách được tên mẫu đơn khỏi tên giấy tờ",
            Self::LegalLeftover => "có đoạn văn không tách được thành tên văn bản và số hiệu",
            Self::LegalSectionMisplaced => {
                "trường căn cứ pháp lý chứa phần cuối bảng cách thức thực hiện (bản xuất tách nhầm); căn cứ pháp lý thật bị thiếu"
            }
            Self::ComponentsMisplaced => {
                "trường thành phần hồ sơ chứa phần cuối trình tự thực hiện (bản xuất tách nhầm); thành phần hồ sơ thật bị thiếu"
            }
            Self::ResultsMisplaced => {
                "trường kết quả chứa phần khác của trang; kết quả thật bị thiếu"
            }
            Self::ResultsExtraText => "nội dung đăng trên cổng chưa có trường riêng",
            Self::ResultsLeftover => "phần cuối trang không như mong đợi",
            Self::AgencyFieldNotAgency => "trường cơ quan chứa đoạn văn",
            Self::PageDumpInField => "trường chứa cả phần trang web",
            Self::UnknownLevel => "cấp thực hiện không có trong danh mục",
            Self::NameTruncated => "tên thủ tục dài hơn giới hạn, đã rút gọn",
        }
    }
}

/// One uncertainty or repair found while parsing a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseNote {
    /// The section whose text was kept in `raw_sections`; `None` for record-level fields that
    /// have no raw section (levels, a recovered agency field).
    pub section: Option<Section>,
    /// What happened.
    pub kind: NoteKind,
    /// A short Vietnamese detail, e.g. the value involved.
    pub detail: String,
}

/// A parsed record: the normalised procedure and the notes behind its `raw_sections`.
#[derive(Debug, Clone, PartialEq)]
pub struct DvcParse {
    /// The procedure, already passed through [`Procedure::normalized`].
    pub procedure: Procedure,
    /// Every note, in the order found.
    pub notes: Vec<ParseNote>,
}

/// Notes of one raw section: its section, original text, and details per kind.
type Group<'a> = (Section, &'a str, Vec<(NoteKind, Vec<&'a str>)>);

/// Notes collected while parsing one record, with the text each one is about.
#[derive(Debug, Default)]
struct Notes {
    items: Vec<(ParseNote, String)>,
}

impl Notes {
    /// A note about `section`, whose original text `raw` is kept.
    fn add(&mut self, section: Section, kind: NoteKind, detail: &str, raw: &str) {
        self.items.push((
            ParseNote {
                section: Some(section),
                kind,
                detail: detail.to_owned(),
            },
            raw.to_owned(),
        ));
    }

    /// A note about a record-level field (no raw section).
    fn add_field(&mut self, kind: NoteKind, detail: &str) {
        self.items.push((
            ParseNote {
                section: None,
                kind,
                detail: detail.to_owned(),
            },
            String::new(),
        ));
    }

    #[cfg(test)]
    fn kinds(&self) -> Vec<NoteKind> {
        let mut k: Vec<NoteKind> = self.items.iter().map(|(n, _)| n.kind).collect();
        k.dedup();
        k
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// One raw section per (section, original text), its reason listing each kind once with up
    /// to a few details.
    fn raw_sections(&self) -> Vec<RawSection> {
        const MAX_DETAILS: usize = 3;
        const MAX_REASON_CHARS: usize = 900;
        let mut groups: Vec<Group<'_>> = Vec::new();
        for (note, raw) in &self.items {
            let Some(section) = note.section else {
                continue;
            };
            let idx = match groups
                .iter()
                .position(|(s, r, _)| *s == section && *r == raw.as_str())
            {
                Some(i) => i,
                None => {
                    groups.push((section, raw.as_str(), Vec::new()));
                    groups.len() - 1
                }
            };
            let Some((_, _, kinds)) = groups.get_mut(idx) else {
                continue;
            };
            match kinds.iter_mut().find(|(k, _)| *k == note.kind) {
                Some((_, details)) => {
                    if !details.contains(&note.detail.as_str()) {
                        details.push(&note.detail);
                    }
                }
                None => kinds.push((note.kind, vec![note.detail.as_str()])),
            }
        }
        groups
            .into_iter()
            .map(|(section, raw, kinds)| {
                let parts: Vec<String> = kinds
                    .iter()
                    .map(|(k, details)| {
                        let shown: Vec<&str> = details
                            .iter()
                            .copied()
                            .filter(|d| !d.is_empty())
                            .take(MAX_DETAILS)
                            .collect();
                        let more = details.len().saturating_sub(MAX_DETAILS);
                        let mut s = k.reason_vi().to_owned();
                        if !shown.is_empty() {
                            s.push_str(": ");
                            s.push_str(&shown.join("; "));
                        }
                        if more > 0 {
                            s.push_str(&format!(" (và {more} chỗ khác)"));
                        }
                        s
                    })
                    .collect();
                let reason = scan::excerpt(&parts.join(" | "), MAX_REASON_CHARS);
                RawSection {
                    section,
                    reason,
                    raw: raw.to_owned(),
                }
            })
            .collect()
    }

    fn into_notes(self) -> Vec<ParseNote> {
        self.items.into_iter().map(|(n, _)| n).collect()
    }
}

/// Parses one export record (a JSON object) into a procedure.
pub fn parse_dvc_value(value: serde_json::Value) -> Result<DvcParse, RowError> {
    let rec: DvcRecord =
        serde_json::from_value(value).map_err(|e| RowError::Schema(e.to_string()))?;
    parse_dvc_record(&rec)
}

/// Parses one export record into a normalised [`Procedure`] and its notes.
///
/// Field mapping: `ma_thu_tuc` → code (required), `ten_thu_tuc` → name, `linh_vuc` → field,
/// `cap_thuc_hien` → levels, `loai_thu_tuc` → formality type, `doi_tuong_thuc_hien` →
/// applicant types (split on commas outside parentheses), the `co_quan_*` fields and
/// `dia_chi_tiep_nhan` → agencies, `trinh_tu_thuc_hien` → steps, `cach_thuc_thuc_hien` →
/// methods, `thanh_phan_ho_so` → cases, `can_cu_phap_ly` → legal bases, `ket_qua_xu_ly` →
/// results, `yeu_cau_dieu_kien` → requirements, `so_quyet_dinh` → publication decision,
/// `thu_tuc_lien_quan` → related, `detail_url` → source URL. "Không có thông tin" and empty
/// strings are null markers. The online level is derived (see the `online` submodule): it
/// is a default that an agency may override.
pub fn parse_dvc_record(rec: &DvcRecord) -> Result<DvcParse, RowError> {
    let text = |o: &Option<String>| nfc(o.as_deref().unwrap_or_default());
    let code_text = text(&rec.ma_thu_tuc);
    if code_text.trim().is_empty() {
        return Err(RowError::MissingCode);
    }
    let code = ProcedureCode::parse(&code_text).map_err(RowError::BadCode)?;
    let mut notes = Notes::default();

    let mut methods_text = text(&rec.cach_thuc_thuc_hien);
    let mut legal_text = text(&rec.can_cu_phap_ly);
    // The export split some pages at the words "Căn cứ pháp lý" inside a fee note ("(Căn cứ
    // pháp lý: Thông tư …)"): the methods table then ends with "(" and the legal-basis field
    // holds the rest of it. Join the table back; the real legal bases are not in the export.
    let legal_trimmed = legal_text.trim_start();
    if !legal_trimmed.starts_with(legal::HEADER)
        && legal_trimmed.starts_with(':')
        && methods_text.trim_end().ends_with('(')
    {
        notes.add(
            Section::LegalBases,
            NoteKind::LegalSectionMisplaced,
            "đã ghép lại vào bảng cách thức thực hiện",
            &legal_text,
        );
        methods_text = format!("{}Căn cứ pháp lý{}", methods_text.trim_end(), legal_trimmed);
        legal_text = String::new();
    }

    let mut steps_text = text(&rec.trinh_tu_thuc_hien);
    let mut components_text = text(&rec.thanh_phan_ho_so);
    // Likewise at the words "Thành phần hồ sơ" inside the steps: the documents field then holds
    // the rest of the steps and no table. Join the steps back; the real documents are missing.
    if !scan::is_null(&steps_text) && components::is_steps_continuation(&components_text) {
        notes.add(
            Section::Components,
            NoteKind::ComponentsMisplaced,
            "đã ghép lại vào trình tự thực hiện",
            &components_text,
        );
        let head = steps_text.trim_end();
        let tail = components_text.trim_start();
        let gap_before = if head.ends_with('(') { "" } else { " " };
        let gap_after = if tail.starts_with(|c: char| c.is_ascii_punctuation()) {
            ""
        } else {
            " "
        };
        steps_text = format!("{head}{gap_before}Thành phần hồ sơ{gap_after}{tail}");
        components_text = String::new();
    }
    let steps = steps::parse_steps(&steps_text);
    let methods = methods::parse_methods(&methods_text, &steps_text, &mut notes);
    let cases = components::parse_components(&components_text, &mut notes);
    let legal_bases = legal::parse_legal(&legal_text, &text(&rec.co_quan_thuc_hien), &mut notes);
    let results = results::parse_results(&text(&rec.ket_qua_xu_ly), &mut notes);
    let requirements = Some(text(&rec.yeu_cau_dieu_kien)).filter(|s| !scan::is_null(s));
    let agencies = ProcedureAgencies {
        competent: lists::agencies(
            &text(&rec.co_quan_co_tham_quyen),
            "co_quan_co_tham_quyen",
            "Cơ quan có thẩm quyền",
            &mut notes,
        ),
        implementing: lists::agencies(
            &text(&rec.co_quan_thuc_hien),
            "co_quan_thuc_hien",
            "Cơ quan thực hiện",
            &mut notes,
        ),
        authorized: lists::agencies(
            &text(&rec.co_quan_duoc_uy_quyen),
            "co_quan_duoc_uy_quyen",
            "Cơ quan được ủy quyền",
            &mut notes,
        ),
        coordinating: lists::agencies(
            &text(&rec.co_quan_phoi_hop),
            "co_quan_phoi_hop",
            "Cơ quan phối hợp",
            &mut notes,
        ),
        receiving_address: Some(text(&rec.dia_chi_tiep_nhan)).filter(|s| !scan::is_null(s)),
    };
    let (online_level, _) = online::derive(&methods, &cases, &steps, requirements.as_deref());
    let optional = |o: &Option<String>| Some(text(o)).filter(|s| !scan::is_null(s));

    let procedure = Procedure {
        code,
        name: fit_name(&text(&rec.ten_thu_tuc), &mut notes),
        field: text(&rec.linh_vuc),
        levels: lists::levels(&text(&rec.cap_thuc_hien), &mut notes),
        formality_type: optional(&rec.loai_thu_tuc),
        applicant_types: lists::split_list(&text(&rec.doi_tuong_thuc_hien)),
        agencies,
        steps,
        methods,
        cases,
        legal_bases,
        results,
        requirements,
        online_level,
        publication_decision: optional(&rec.so_quyet_dinh),
        related: lists::related(&text(&rec.thu_tuc_lien_quan)),
        source_url: optional(&rec.detail_url),
        raw_sections: notes.raw_sections(),
    };
    let procedure = procedure.normalized().map_err(RowError::Invalid)?;
    Ok(DvcParse {
        procedure,
        notes: notes.into_notes(),
    })
}

/// The name, shortened when it exceeds [`limits::NAME`]: one real record (1.013980) has a
/// 1,094-character name listing every case it covers. The cut is at the last "; " (or space)
/// that fits, marked with "…", and noted.
fn fit_name(name: &str, notes: &mut Notes) -> String {
    let clean = clean_line(name);
    let len = char_len(&clean);
    if len <= limits::NAME {
        return clean;
    }
    let budget = limits::NAME - 2;
    let head: String = clean.chars().take(budget).collect();
    let cut_at = head
        .rfind("; ")
        .or_else(|| head.rfind(' '))
        .unwrap_or(head.len());
    let short = format!(
        "{} …",
        scan::upto(&head, cut_at).trim_end_matches([';', ',', ' '])
    );
    notes.add_field(
        NoteKind::NameTruncated,
        &format!(
            "tên dài {len} ký tự, giữ {} ký tự đầu",
            char_len(&short) - 2
        ),
    );
    short
}

/// The online level [`parse_dvc_record`] derives, with the phrase that made it `PARTIAL` (for
/// statistics and for explaining the default to an agency).
pub fn derived_online_level(p: &Procedure) -> (OnlineLevel, Option<&'static str>) {
    online::derive(&p.methods, &p.cases, &p.steps, p.requirements.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Channel, ImplementingLevel, ProcessingTime, TimeUnit};

    /// 1.001193 (birth registration), with long texts shortened.
    fn birth_registration() -> DvcRecord {
        DvcRecord {
            ma_thu_tuc: Some("1.001193".into()),
            detail_url: Some("https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-3fe0-70ac-b9d6-5e9e20d6eef7".into()),
            ten_thu_tuc: Some("Thủ tục đăng ký khai sinh".into()),
            so_quyet_dinh: Some("163/QĐ-BTP".into()),
            cap_thuc_hien: Some("Cấp xã".into()),
            loai_thu_tuc: Some("TTHC được giao luật quy định chi tiết".into()),
            linh_vuc: Some("Hộ tịch".into()),
            doi_tuong_thuc_hien: Some("Công dân Việt Nam, Người Việt Nam định cư ở nước ngoài".into()),
            co_quan_co_tham_quyen: Some(String::new()),
            dia_chi_tiep_nhan: Some(String::new()),
            co_quan_duoc_uy_quyen: Some(String::new()),
            co_quan_phoi_hop: Some(String::new()),
            thu_tuc_lien_quan: Some("Không có thông tin".into()),
            trinh_tu_thuc_hien: Some("- Nếu lựa chọn hình thức nộp hồ sơ trực tiếp, người yêu cầu nộp hồ sơ.  \n- Nếu lựa chọn hình thức nộp hồ sơ trực tuyến, người yêu cầu truy cập Cổng dịch vụ công quốc gia.\n- Cán bộ tiếp nhận hồ sơ kiểm tra hồ sơ.".into()),
            cach_thuc_thuc_hien: Some("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1Miễn phíDịch vụ bưu chính1Miễn phíTrực tiếp1Miễn phí".into()),
            thanh_phan_ho_so: Some("* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượngTrường hợp người yêu cầu đã nộp bản điện tử Giấy chứng sinh thì không phải nộp bản giấy.0 bản chính- Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh; nếu không có người làm chứng thì phải có giấy cam đoan về việc sinh.1 bản chính".into()),
            can_cu_phap_ly: Some("Tên văn bản pháp lýMã văn bảnNghị định số 123/2015/NĐ-CP ngày 15/11/2015 của  Chính phủ quy định chi tiết một số điều và biện pháp thi  hành Luật Hộ tịch123/2015/NĐ-CPLuật 60/2014/QH1360/2014/QH13".into()),
            co_quan_thuc_hien: Some("Không có thông tin".into()),
            yeu_cau_dieu_kien: Some("Không có thông tin".into()),
            ket_qua_xu_ly: Some("Giấy khai sinhMã: KQ.G15.000031Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Phường/ XãSở-- Chọn Phường/ Xã --Hệ thống chỉ hiển thị những cơ quan đã áp dụng dịch vụ công trực tuyếnNộp hồ sơ".into()),
        }
    }

    #[test]
    fn birth_registration_end_to_end() {
        let DvcParse {
            procedure: p,
            notes,
        } = parse_dvc_record(&birth_registration()).unwrap();
        assert_eq!(p.code.as_str(), "1.001193");
        assert_eq!(p.name, "Thủ tục đăng ký khai sinh");
        assert_eq!(p.levels, [ImplementingLevel::Commune]);
        assert_eq!(
            p.applicant_types,
            ["Công dân Việt Nam", "Người Việt Nam định cư ở nước ngoài"]
        );
        assert_eq!(p.steps.len(), 3);
        assert_eq!(p.methods.len(), 3);
        assert!(p.methods.iter().all(|m| m.time
            == Some(ProcessingTime {
                amount: 1.0,
                unit: TimeUnit::WorkingDays
            })
            && m.fees[0].amount_vnd == Some(0)));
        assert_eq!(p.cases[0].name, "Giấy tờ phải nộp");
        let birth_cert = &p.cases[0].components[1];
        assert!(birth_cert.name.starts_with("- Giấy chứng sinh"));
        assert_eq!((birth_cert.originals, birth_cert.copies), (1, 0));
        assert_eq!(p.legal_bases.len(), 2);
        assert_eq!(p.legal_bases[0].issuer.as_deref(), Some("Chính phủ"));
        assert_eq!(p.results[0].name, "Giấy khai sinh");
        assert_eq!(p.results[0].code.as_deref(), Some("KQ.G15.000031"));
        assert_eq!(p.publication_decision.as_deref(), Some("163/QĐ-BTP"));
        assert!(
            p.agencies.implementing.is_empty() && p.requirements.is_none() && p.related.is_empty()
        );
        assert_eq!(p.online_level, OnlineLevel::Full);
        // The bare "1" is the only uncertainty, kept once with the table text.
        assert_eq!(
            notes.iter().map(|n| n.kind).collect::<Vec<_>>(),
            [NoteKind::TimeWithoutUnit; 3]
        );
        assert_eq!(p.raw_sections.len(), 1);
        assert_eq!(p.raw_sections[0].section, Section::Methods);
        assert!(
            p.raw_sections[0]
                .reason
                .starts_with("thời hạn không ghi đơn vị: thời hạn “1” không ghi đơn vị")
        );
        assert!(p.raw_sections[0].raw.starts_with("Trực tuyến1Miễn phí"));
        assert_eq!(p.methods[0].channel, Channel::Online);
        // Normalised already.
        assert_eq!(p.clone().normalized().unwrap(), p);
    }

    #[test]
    fn missing_and_bad_codes() {
        let mut r = birth_registration();
        r.ma_thu_tuc = None;
        assert_eq!(parse_dvc_record(&r).unwrap_err(), RowError::MissingCode);
        r.ma_thu_tuc = Some("1001193".into());
        assert!(matches!(parse_dvc_record(&r), Err(RowError::BadCode(_))));
        r.ma_thu_tuc = Some("1.001193".into());
        r.ten_thu_tuc = Some("Không có thông tin".into());
        // A name is required; the marker is kept as published rather than invented away.
        assert!(parse_dvc_record(&r).is_ok());
        r.ten_thu_tuc = None;
        assert!(matches!(parse_dvc_record(&r), Err(RowError::Invalid(_))));
    }

    #[test]
    fn legal_section_split_by_the_export_is_joined_back() {
        // 3.000337, shortened.
        let mut r = birth_registration();
        r.cach_thuc_thuc_hien =
            Some("Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1 Ngày100 VNĐ(".into());
        r.can_cu_phap_ly = Some(": Thông tư 269/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính quy định mức thu phí.)Trực tiếp1 Ngày100 VNĐ(Căn cứ pháp lý: Thông tư 269/2016/TT-BTC.)".into());
        let DvcParse {
            procedure: p,
            notes,
        } = parse_dvc_record(&r).unwrap();
        assert_eq!(p.methods.len(), 2);
        assert!(
            p.methods[0].fees[0]
                .text
                .contains("Căn cứ pháp lý: Thông tư 269/2016/TT-BTC ngày 14/11/2016")
        );
        assert!(p.legal_bases.is_empty());
        assert!(
            notes
                .iter()
                .any(|n| n.kind == NoteKind::LegalSectionMisplaced)
        );
        assert!(
            p.raw_sections
                .iter()
                .any(|s| s.section == Section::LegalBases)
        );
    }

    #[test]
    fn steps_split_by_the_export_are_joined_back() {
        // 1.001632, shortened.
        let mut r = birth_registration();
        r.trinh_tu_thuc_hien = Some("1. NLĐ lập hồ sơ theo quy định tại điểm 1 mục 4.3 (".into());
        r.thanh_phan_ho_so =
            Some("); Nộp hồ sơ cho đơn vị SDLĐ.\n2. Đơn vị SDLĐ tiếp nhận hồ sơ.".into());
        let DvcParse {
            procedure: p,
            notes,
        } = parse_dvc_record(&r).unwrap();
        assert_eq!(
            p.steps,
            [
                "1. NLĐ lập hồ sơ theo quy định tại điểm 1 mục 4.3 (Thành phần hồ sơ); Nộp hồ sơ cho đơn vị SDLĐ.",
                "2. Đơn vị SDLĐ tiếp nhận hồ sơ."
            ]
        );
        assert!(p.cases.is_empty());
        assert!(
            notes
                .iter()
                .any(|n| n.kind == NoteKind::ComponentsMisplaced)
        );
        // "--" alone is an empty table, not a continuation.
        r.thanh_phan_ho_so = Some("--".into());
        let DvcParse {
            procedure: p,
            notes,
        } = parse_dvc_record(&r).unwrap();
        assert!(
            p.cases.is_empty()
                && !notes
                    .iter()
                    .any(|n| n.kind == NoteKind::ComponentsMisplaced)
        );
    }

    #[test]
    fn nfd_input_is_normalised() {
        use unicode_normalization::UnicodeNormalization;
        let mut r = birth_registration();
        r.cach_thuc_thuc_hien = r.cach_thuc_thuc_hien.map(|s| s.nfd().collect());
        r.ten_thu_tuc = r.ten_thu_tuc.map(|s| s.nfd().collect());
        let p = parse_dvc_record(&r).unwrap().procedure;
        assert_eq!(p.name, "Thủ tục đăng ký khai sinh");
        assert_eq!(p.methods.len(), 3);
    }

    #[test]
    fn from_json_value() {
        let v = serde_json::json!({"ma_thu_tuc": "1.004222", "ten_thu_tuc": "Đăng ký thường trú", "linh_vuc": "Đăng ký, quản lý cư trú",
            "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7 Ngày làm việc10,000 Việt Nam Đồng(Lệ phí)Trực tiếp7 Ngày làm việc20,000 Việt Nam Đồng(Lệ phí)",
            "channels_parsed": [], "source_folder": "bo-cong-an", "formality_id": null});
        let p = parse_dvc_value(v).unwrap().procedure;
        assert_eq!(p.methods.len(), 2);
        assert_eq!(p.methods[1].fees[0].amount_vnd, Some(20_000));
        assert_eq!(p.online_level, OnlineLevel::Full);
        assert!(p.raw_sections.is_empty());
        assert!(matches!(
            parse_dvc_value(serde_json::json!({"ma_thu_tuc": 5})),
            Err(RowError::Schema(_))
        ));
    }
}
