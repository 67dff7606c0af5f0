//! `ket_qua_xu_ly`: result documents `<name>Mã: <code>` one after another, followed by the
//! page's "Từ khóa…Mô tả…" block and the agency picker chrome ("Chọn cơ quan thực hiện…Nộp hồ
//! sơ"), which is dropped.

use super::scan::{excerpt, from, is_null, upto};
use super::{NoteKind, Notes};
use crate::catalog::{ResultDocument, Section};

const KEYWORDS: &str = "Từ khóa";
const DESCRIPTION: &str = "Mô tả";
const CHROME: &str = "Chọn cơ quan thực hiện";
const CODE_LABEL: &str = "Mã:";

/// Parses the whole section.
pub(super) fn parse_results(text: &str, notes: &mut Notes) -> Vec<ResultDocument> {
    let t = text.trim();
    if is_null(t) {
        return Vec::new();
    }
    let (head, tail) = match t.find(KEYWORDS) {
        Some(i) => (upto(t, i), from(t, i)),
        None => match t.find(CHROME) {
            Some(i) => (upto(t, i), from(t, i)),
            None => (t, ""),
        },
    };
    page_block(tail, notes);
    let head = head.trim();
    if is_null(head) {
        return Vec::new();
    }
    if !head.contains(CODE_LABEL) && tail.is_empty() && head.contains(" bản chính") {
        notes.add(
            Section::Results,
            NoteKind::ResultsMisplaced,
            "phần kết quả chứa phần tiếp theo của bảng thành phần hồ sơ (bản xuất tách nhầm)",
            head,
        );
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut rest = head;
    while let Some(i) = rest.find(CODE_LABEL) {
        let name = upto(rest, i).trim();
        let after = from(rest, i + CODE_LABEL.len()).trim_start();
        // "Mã: Chưa xác định", "Mã: Cơ quan đăng ký …": words where the code should be. With
        // no later result to separate, the words stay with the name.
        if !after.contains(CODE_LABEL) && is_words(after) {
            out.push(ResultDocument {
                name: format!("{name} (Mã: {})", after.trim()),
                code: None,
            });
            rest = "";
            break;
        }
        let len = code_len(after);
        let code = upto(after, len).trim();
        if !(name.is_empty() && code.is_empty()) {
            out.push(ResultDocument {
                name: name.to_owned(),
                code: (!code.is_empty()).then(|| code.to_owned()),
            });
        }
        rest = from(after, len);
    }
    let last = rest.trim();
    if !last.is_empty() {
        out.push(ResultDocument {
            name: last.to_owned(),
            code: None,
        });
    }
    out
}

/// Keeps the published keywords and description (the model has no field for them yet) and
/// checks that what follows is the known page chrome.
fn page_block(tail: &str, notes: &mut Notes) {
    if tail.is_empty() {
        return;
    }
    let (block, chrome) = match tail.find(CHROME) {
        Some(i) => (upto(tail, i), from(tail, i)),
        None => (tail, ""),
    };
    let block = block.strip_prefix(KEYWORDS).unwrap_or(block);
    let (keywords, description) = match block.find(DESCRIPTION) {
        Some(i) => (upto(block, i), from(block, i + DESCRIPTION.len())),
        None => (block, ""),
    };
    let mut kept = Vec::new();
    if !is_null(keywords) {
        kept.push(format!("Từ khóa: {}", keywords.trim()));
    }
    if !is_null(description) {
        kept.push(format!("Mô tả: {}", description.trim()));
    }
    if !kept.is_empty() {
        let what = if kept.len() == 2 {
            "từ khóa và mô tả"
        } else if is_null(keywords) {
            "mô tả"
        } else {
            "từ khóa"
        };
        notes.add(
            Section::Results,
            NoteKind::ResultsExtraText,
            &format!("{what} của thủ tục đăng trên cổng, chưa có trường riêng"),
            &kept.join("\n"),
        );
    }
    if !chrome.is_empty() && !chrome.trim_end().ends_with("Nộp hồ sơ") {
        notes.add(
            Section::Results,
            NoteKind::ResultsLeftover,
            &format!(
                "phần cuối trang không như mong đợi: “{}”",
                excerpt(chrome, 60)
            ),
            chrome,
        );
    }
}

/// True when `s` starts with a word rather than a code: its first run of code characters has
/// no digit and is followed by a lower-case letter ("Chưa", "Cơ quan").
fn is_words(s: &str) -> bool {
    let run = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/')))
        .map_or(s.len(), |(i, _)| i);
    let word = upto(s, run);
    !word.contains(|c: char| c.is_ascii_digit())
        && from(s, run).chars().next().is_some_and(char::is_lowercase)
}

/// The length of a result code at the start of `s` (`KQ.G15.000031`, `000.00.00.G04-KQ3022`,
/// `VBTT`). The next result's name is glued to the code, so a code containing digits ends at
/// its last digit, and a code of letters ends before a capitalised word.
fn code_len(s: &str) -> usize {
    let run = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/')))
        .map_or(s.len(), |(i, _)| i);
    let word = upto(s, run);
    if let Some(last_digit) = word.rfind(|c: char| c.is_ascii_digit()) {
        return last_digit + 1;
    }
    // Letters only: stop before an upper-case letter followed by a lower-case one ("ABCThông").
    let bytes = word.as_bytes();
    for i in 1..bytes.len() {
        let upper = bytes.get(i).is_some_and(u8::is_ascii_uppercase);
        let lower_next = bytes.get(i + 1).is_some_and(u8::is_ascii_lowercase)
            || (i + 1 == bytes.len()
                && from(s, run).chars().next().is_some_and(char::is_lowercase));
        if upper && lower_next {
            return i;
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<ResultDocument>, Notes) {
        let mut notes = Notes::default();
        let r = parse_results(text, &mut notes);
        (r, notes)
    }

    #[test]
    fn birth_certificate_and_chrome() {
        // 1.001193, verbatim.
        let (r, notes) = parse(
            "Giấy khai sinhMã: KQ.G15.000031Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Phường/ XãSở-- Chọn Phường/ Xã --Hệ thống chỉ hiển thị những cơ quan đã áp dụng dịch vụ công trực tuyếnNộp hồ sơ",
        );
        assert_eq!(
            r,
            vec![ResultDocument {
                name: "Giấy khai sinh".into(),
                code: Some("KQ.G15.000031".into())
            }]
        );
        assert!(notes.is_empty());
    }

    #[test]
    fn several_results_glued_together() {
        let (r, _) =
            parse("Giấy chứng nhận đăng ký xeMã: KQ.G01.000014Biển số xeMã: KQ.G01.000015");
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].name, "Biển số xe");
        assert_eq!(r[1].code.as_deref(), Some("KQ.G01.000015"));
        let (r, _) = parse("Giấy phépMã: KQ.G10.000246...văn bản trả lời..Mã: KQ.G10.00134");
        assert_eq!(r[0].code.as_deref(), Some("KQ.G10.000246"));
        assert_eq!(r[1].name, "...văn bản trả lời..");
        let (r, _) = parse("Văn bản tố tụng của Tòa án theo tiến trình giải quyếtMã: VBTT");
        assert_eq!(r[0].code.as_deref(), Some("VBTT"));
        let (r, _) = parse("Quyết định phê duyệt quy trình vận hành");
        assert_eq!(r[0].code, None);
        let (r, _) = parse(
            "Mã số cơ sở chăn nuôi.Mã: Chưa xác địnhTừ khóaKhông có thông tinMô tảKhông có thông tin",
        );
        assert_eq!(
            r,
            vec![ResultDocument {
                name: "Mã số cơ sở chăn nuôi. (Mã: Chưa xác định)".into(),
                code: None
            }]
        );
    }

    #[test]
    fn description_is_kept_as_raw_text() {
        let (r, notes) = parse(
            "Quyết định công nhậnMã: KQ.G10.000001Từ khóaKhông có thông tinMô tảThời hạn của Quyết định là 10 năm.Chọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngànhNộp hồ sơ",
        );
        assert_eq!(r.len(), 1);
        assert_eq!(notes.kinds(), vec![NoteKind::ResultsExtraText]);
        assert_eq!(
            notes.raw_sections()[0].raw,
            "Mô tả: Thời hạn của Quyết định là 10 năm."
        );
    }

    #[test]
    fn misplaced_components() {
        let (r, notes) = parse(
            "hợp đồng đã ký với khách hàng. + Quyết định thu hồi Giấy chứng nhận.1 bản chính",
        );
        assert!(r.is_empty());
        assert_eq!(notes.kinds(), vec![NoteKind::ResultsMisplaced]);
    }
}
