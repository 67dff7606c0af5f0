//! The short list fields: levels, applicant types, agencies, related procedures.

use super::scan::{NULL_MARKER, excerpt, from, is_null};
use super::{NoteKind, Notes};
use crate::catalog::{ImplementingLevel, Section};

/// Splits a portal list on commas that are outside parentheses and followed by a capital:
/// `Công dân Việt Nam, Tổ chức (không bao gồm doanh nghiệp, HTX)` → two items, and
/// `Cán bộ, công chức, viên chức` or `Ủy ban nhân dân tỉnh, thành phố trực thuộc trung ương`
/// stay whole (the portal's items start with a capital; the words after those commas do not).
pub(super) fn split_list(s: &str) -> Vec<String> {
    if is_null(s) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut depth = 0_usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                let next = from(s, i + 1).trim_start().chars().next();
                if next.is_some_and(char::is_uppercase) {
                    out.push(super::scan::cut(s, start, i).trim().to_owned());
                    start = i + 1;
                }
            }
            _ => {}
        }
    }
    out.push(from(s, start).trim().to_owned());
    out.retain(|x| !x.is_empty() && x != NULL_MARKER);
    out
}

/// `Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác` → levels. An unknown label is noted.
pub(super) fn levels(s: &str, notes: &mut Notes) -> Vec<ImplementingLevel> {
    let mut out = Vec::new();
    for item in split_list(s) {
        let lower = item.to_lowercase();
        match ImplementingLevel::ALL
            .into_iter()
            .find(|l| l.label_vi().to_lowercase() == lower)
        {
            Some(l) => out.push(l),
            None => notes.add_field(
                NoteKind::UnknownLevel,
                &format!("cấp thực hiện “{item}” không có trong danh mục"),
            ),
        }
    }
    out
}

/// An agency list field. `label` is the field's label on the portal page ("Cơ quan thực
/// hiện"), used to recover the value when the export captured a page dump ending with
/// `…<label><value>`. Prose (a line break, or longer than any agency name) is not an agency
/// list: it is kept verbatim in a raw section instead.
pub(super) fn agencies(s: &str, field: &str, label: &str, notes: &mut Notes) -> Vec<String> {
    let mut value = s.trim();
    if is_null(value) {
        return Vec::new();
    }
    if value.contains("Mã thủ tục") {
        let glued = value
            .match_indices(label)
            .map(|(i, _)| i + label.len())
            .filter(|&end| {
                from(value, end)
                    .chars()
                    .next()
                    .is_some_and(|c| !c.is_whitespace())
            })
            .last();
        if let Some(end) = glued {
            notes.add_field(
                NoteKind::PageDumpInField,
                &format!("trường {field} chứa cả phần trang web; lấy phần sau nhãn “{label}”"),
            );
            value = from(value, end).trim();
        }
    }
    if value.contains('\n') || value.chars().count() > 500 {
        notes.add(
            Section::Steps,
            NoteKind::AgencyFieldNotAgency,
            &format!(
                "trường {field} chứa đoạn văn thay vì tên cơ quan (có thể là phần tiếp theo của trình tự thực hiện bị tách nhầm): “{}”",
                excerpt(value, 40)
            ),
            value,
        );
        return Vec::new();
    }
    split_list(value)
}

/// `#Tên thủ tục1<name>#1Tên thủ tục<name>` → the distinct names.
pub(super) fn related(s: &str) -> Vec<String> {
    if is_null(s) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for piece in s.split("Tên thủ tục") {
        let name =
            piece.trim_matches(|c: char| c == '#' || c.is_ascii_digit() || c.is_whitespace());
        if !name.is_empty() && !out.iter().any(|x| x == name) {
            out.push(name.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commas_inside_parentheses_and_lowercase_continuations() {
        assert_eq!(
            split_list(
                "Công dân Việt Nam, Tổ chức (không bao gồm doanh nghiệp, HTX), Cán bộ, công chức, viên chức"
            ),
            [
                "Công dân Việt Nam",
                "Tổ chức (không bao gồm doanh nghiệp, HTX)",
                "Cán bộ, công chức, viên chức"
            ]
        );
        assert_eq!(
            split_list(
                "Tòa án nhân dân tỉnh, thành phố trực thuộc trung ương, Tòa án nhân dân tối cao"
            ),
            [
                "Tòa án nhân dân tỉnh, thành phố trực thuộc trung ương",
                "Tòa án nhân dân tối cao"
            ]
        );
        assert!(split_list("Không có thông tin").is_empty());
    }

    #[test]
    fn levels_from_labels() {
        let mut notes = Notes::default();
        assert_eq!(
            levels("Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác", &mut notes),
            [
                ImplementingLevel::Ministry,
                ImplementingLevel::Province,
                ImplementingLevel::Commune,
                ImplementingLevel::Other
            ]
        );
        assert!(levels("Cấp huyện", &mut notes).is_empty());
        assert_eq!(notes.kinds(), vec![NoteKind::UnknownLevel]);
    }

    #[test]
    fn page_dump_and_prose_in_agency_fields() {
        let mut notes = Notes::default();
        let a = agencies(
            "phê duyệt nguồn vốn trồng rừngTên thủ tụcPhê duyệt Phương ánMã thủ tục1.011470Lĩnh vựcLâm nghiệpCơ quan có thẩm quyềnCơ quan có thẩm quyền phê duyệt nguồn vốn trồng rừng, Sở Nông nghiệp và Môi trường Thành phố Hải Phòng",
            "co_quan_co_tham_quyen",
            "Cơ quan có thẩm quyền",
            &mut notes,
        );
        assert_eq!(
            a,
            [
                "Cơ quan có thẩm quyền phê duyệt nguồn vốn trồng rừng",
                "Sở Nông nghiệp và Môi trường Thành phố Hải Phòng"
            ]
        );
        let a = agencies(
            "chứng thực tiến hành chụp từ bản chính:\n\n* Ghi đầy đủ lời chứng",
            "co_quan_thuc_hien",
            "Cơ quan thực hiện",
            &mut notes,
        );
        assert!(a.is_empty());
        assert_eq!(notes.raw_sections().len(), 1);
    }

    #[test]
    fn related_procedures() {
        assert_eq!(
            related("#Tên thủ tục1Hướng dẫn việc thực hiện#1Tên thủ tụcHướng dẫn việc thực hiện"),
            ["Hướng dẫn việc thực hiện"]
        );
        assert!(related("Không có thông tin").is_empty());
    }
}
