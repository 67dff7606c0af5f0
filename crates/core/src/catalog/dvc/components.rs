//! `thanh_phan_ho_so`: groups of required documents.
//!
//! Each group is `<heading>Tên giấy tờMẫu đơn, tờ khaiSố lượng<rows>`, where the heading is
//! `--` for an unnamed group, and each row is `<document name><form file names><quantity>`,
//! the quantity being `1 bản chính`, `0 bản chính,1 bản sao` (or `Bản chính: 1 Bản sao: 0`).
//! A quantity cell is glued to the text before it (a single digit right after the name) and
//! usually to the next row too, so "01 bản chính" written *inside* a document name (after a
//! space, and followed by a space or punctuation) is not a cell.

use super::scan::{
    char_at, char_before, cut, digit_run, digits_value, excerpt, from, is_null, positions, upto,
};
use super::{NoteKind, Notes};
use crate::catalog::{ComponentRequirement, ProcedureCase, Section};

/// The table header the portal renders at the start of each group.
pub(super) const HEADER: &str = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";

const ORIGINALS: &str = " bản chính";
const COPIES: &str = " bản sao";

/// File extensions of form templates, longest first.
const EXTENSIONS: [&str; 8] = ["docx", "xlsx", "doc", "pdf", "xls", "rar", "zip", "odt"];

/// Lower-case words that begin a form file name when glued to the word before them
/// ("…theo quy địnhvăn bản đề nghị.docx"): prose always has a space there.
const LOWER_STARTERS: [&str; 9] = [
    "văn bản",
    "báo cáo",
    "tờ trình",
    "tờ khai",
    "đơn",
    "mẫu",
    "mau",
    "phụ lục",
    "phu luc",
];

/// Longest form file name accepted, in characters (real ones stay under about 130).
const MAX_FORM_CHARS: usize = 200;

/// Words that usually begin a form file name ("Mẫu số 01.docx", "Phụ lục I.docx").
const FORM_STARTERS: [&str; 14] = [
    "Mẫu",
    "MẪU",
    "mẫu",
    "Mau",
    "mau",
    "Phụ lục",
    "PHỤ LỤC",
    "phụ lục",
    "Phu luc",
    "Phuluc",
    "Phlc",
    "TK",
    "Tờ khai",
    "Biểu mẫu",
];

/// True when `text` is not a documents table at all: no table header and no quantity cell.
/// The export split some pages at the words "Thành phần hồ sơ" inside the steps ("… theo quy
/// định tại mục 4.3 (Thành phần hồ sơ); nộp hồ sơ …"), leaving the rest of the steps here.
pub(super) fn is_steps_continuation(text: &str) -> bool {
    let t = text.trim();
    !is_null(t)
        && !t.chars().all(|c| c == '-' || c.is_whitespace())
        && !t.contains(HEADER)
        && cells(t).is_empty()
}

/// Parses the whole section.
pub(super) fn parse_components(text: &str, notes: &mut Notes) -> Vec<ProcedureCase> {
    let t = text.trim();
    // "--" alone: the portal's unnamed group with no rows.
    if is_null(t) || t.chars().all(|c| c == '-' || c.is_whitespace()) {
        return Vec::new();
    }
    let mut log = Vec::new();
    let heads = positions(t, HEADER);
    let mut cases = Vec::new();
    let Some(&first) = heads.first() else {
        notes.add(
            Section::Components,
            NoteKind::ComponentsUnstructured,
            "thiếu tiêu đề bảng",
            t,
        );
        let (rows, trailing) = parse_table(t, &mut log);
        if !trailing.trim().is_empty() {
            log.push((
                NoteKind::ComponentsLeftover,
                format!("“{}”", excerpt(trailing, 80)),
            ));
        }
        cases.push(ProcedureCase {
            name: String::new(),
            components: rows,
        });
        flush(log, t, notes);
        return cases;
    };
    let mut pending = upto(t, first);
    for (k, &h) in heads.iter().enumerate() {
        let end = heads.get(k + 1).copied().unwrap_or(t.len());
        let table = cut(t, h + HEADER.len(), end);
        let (rows, trailing) = parse_table(table, &mut log);
        let name = case_name(pending);
        if !(name.is_empty() && rows.is_empty()) {
            cases.push(ProcedureCase {
                name,
                components: rows,
            });
        }
        pending = trailing;
    }
    // Trailing "--": an unnamed group heading with no rows.
    if !case_name(pending).is_empty() {
        log.push((
            NoteKind::ComponentsLeftover,
            format!("“{}”", excerpt(pending, 80)),
        ));
    }
    flush(log, t, notes);
    cases
}

fn flush(log: Vec<(NoteKind, String)>, raw: &str, notes: &mut Notes) {
    for (kind, detail) in log {
        notes.add(Section::Components, kind, &detail, raw);
    }
}

/// A group heading: `* Giấy tờ phải nộp:` → `Giấy tờ phải nộp`; `--` → empty.
fn case_name(raw: &str) -> String {
    let t = raw.trim();
    if t.chars().all(|c| c == '-' || c.is_whitespace()) {
        return String::new();
    }
    t.trim_start_matches(|c: char| c == '*' || c.is_whitespace())
        .trim_end_matches(|c: char| c == ':' || c.is_whitespace())
        .to_owned()
}

/// A quantity cell found in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    start: usize,
    end: usize,
    originals: u32,
    copies: u32,
}

/// Rows of one table, and the text after the last quantity cell (the next group's heading, or
/// leftover text).
fn parse_table<'a>(
    table: &'a str,
    log: &mut Vec<(NoteKind, String)>,
) -> (Vec<ComponentRequirement>, &'a str) {
    let mut cells = cells(table);
    cells.sort_by_key(|c| c.start);
    let mut rows = Vec::new();
    let mut prev = 0;
    for c in cells {
        if c.start < prev {
            continue;
        }
        // A row cannot start with closing punctuation: "…cấp1 bản chính.Đơn đề nghị…".
        let text = cut(table, prev, c.start)
            .trim_start_matches(|ch: char| {
                ch.is_whitespace() || matches!(ch, '.' | ',' | ';' | ':' | ')')
            })
            .trim();
        prev = c.end;
        if text.is_empty() {
            continue;
        }
        let (name, forms, separated) = split_forms(text);
        if !separated {
            log.push((
                NoteKind::FormNotSeparated,
                format!("“{}”", excerpt(text, 80)),
            ));
        }
        rows.push(ComponentRequirement {
            name,
            originals: c.originals,
            copies: c.copies,
            forms,
            kind: None,
            condition: None,
        });
    }
    (rows, from(table, prev))
}

/// All quantity cells of a table.
fn cells(s: &str) -> Vec<Cell> {
    let mut out = Vec::new();
    for j in positions(s, ORIGINALS) {
        let before = upto(s, j);
        let run = before.bytes().rev().take_while(u8::is_ascii_digit).count();
        if run == 0 {
            continue;
        }
        let run_start = j - run;
        // "01 bản chính" standing alone is prose, not a cell; a longer run such as "20261"
        // is a year or form number glued to the cell's single digit.
        if run == 2
            && before.as_bytes().get(run_start) == Some(&b'0')
            && char_before(s, run_start).is_none_or(|c| c.is_whitespace() || c == '(' || c == ':')
        {
            continue;
        }
        let start = j - 1;
        let originals = digits_value(cut(s, start, j)) as u32;
        let mut end = j + ORIGINALS.len();
        let mut copies = 0;
        if let Some(rest) = from(s, end).strip_prefix(',') {
            let d = digit_run(rest);
            if d == 0 || !from(rest, d).starts_with(COPIES) {
                continue;
            }
            copies = u32::try_from(digits_value(upto(rest, d))).unwrap_or(u32::MAX);
            end += 1 + d + COPIES.len();
        }
        // A single digit glued to the text before it (or the last digit of a longer run) is
        // always a cell: prose writes "nộp 01 bản chính", with a space. Otherwise the cell must
        // be glued to the next row as well.
        let glued = run >= 3
            || (run == 1
                && char_before(s, run_start).is_some_and(|c| !c.is_whitespace() && c != '('));
        if !glued && !ends_cell(s, end) {
            continue;
        }
        out.push(Cell {
            start,
            end,
            originals,
            copies,
        });
    }
    // The rarer "Bản chính: 1 Bản sao: 0" form.
    for i in positions(s, "Bản chính:") {
        if let Some(c) = labelled_cell(s, i) {
            out.push(c);
        }
    }
    out
}

/// True when a quantity cell may end at `end`: at the end of the table or glued to the next
/// row. Prose continues with a space or punctuation ("01 bản chính hoặc ...", "(01 bản chính)").
fn ends_cell(s: &str, end: usize) -> bool {
    match char_at(s, end) {
        None => true,
        Some(c) => !(c == ' ' || c == '\u{a0}' || matches!(c, ')' | ',' | ';' | '.' | ':')),
    }
}

/// `Bản chính: 1 Bản sao: 0` at byte `i`.
fn labelled_cell(s: &str, i: usize) -> Option<Cell> {
    let mut rest = from(s, i + "Bản chính:".len());
    let skip = |r: &str| r.trim_start_matches(' ').len();
    rest = from(rest, rest.len() - skip(rest));
    let d1 = digit_run(rest);
    if d1 == 0 {
        return None;
    }
    let originals = u32::try_from(digits_value(upto(rest, d1))).unwrap_or(u32::MAX);
    rest = from(rest, d1);
    rest = from(rest, rest.len() - skip(rest));
    rest = rest.strip_prefix("Bản sao:")?;
    rest = from(rest, rest.len() - skip(rest));
    let d2 = digit_run(rest);
    if d2 == 0 {
        return None;
    }
    let copies = u32::try_from(digits_value(upto(rest, d2))).unwrap_or(u32::MAX);
    let end = s.len() - from(rest, d2).len();
    Some(Cell {
        start: i,
        end,
        originals,
        copies,
    })
}

/// Byte positions where a form file name ends (just after its extension), when the text ends
/// with a file name: `...;Mau06.docxMau08.docx` → the ends of both names.
fn extension_ends(t: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    for (i, _) in t.match_indices('.') {
        let rest = from(t, i + 1);
        let Some(ext) = EXTENSIONS.iter().find(|e| {
            rest.get(..e.len())
                .is_some_and(|x| x.eq_ignore_ascii_case(e))
        }) else {
            continue;
        };
        let end = i + 1 + ext.len();
        // "x.doc" + "x" is ".docx"; a following space means the name goes on in prose.
        match char_at(t, end) {
            None => ends.push(end),
            Some(c) if c.is_ascii_lowercase() || c.is_whitespace() => {}
            Some(_) => ends.push(end),
        }
    }
    ends
}

/// Splits `<document name><form file names>`: returns the name, the forms, and whether the
/// boundary was found (false: the whole text is kept as the name and no form is listed).
///
/// The first file name starts at the last "strong" boundary — `;` `:` `,` `)` or a sentence
/// `.` glued to the next word ("…TT-NHNN;Phụ lục I.docx", "…ký thay.Mẫu TK05.doc",
/// "…(NA2).4-Mẫu NA2.doc"); without one, at the first glued starter word ("…NĐ-CPMau42.docx",
/// "…quy địnhvăn bản đề nghị.docx"); then at the first lower-case letter glued to a capital or
/// digit ("…cá nhânTTHC5-Mu06.docx"); last, at a year glued to a capital ("…30/6/2023.NA5.doc").
/// Only the last 200 characters are searched.
fn split_forms(text: &str) -> (String, Vec<String>, bool) {
    let t = text.trim();
    let ends = extension_ends(t);
    if ends.last() != Some(&t.len()) {
        return (t.to_owned(), Vec::new(), true);
    }
    let Some(&first_end) = ends.first() else {
        return (t.to_owned(), Vec::new(), true);
    };
    let head = upto(t, first_end);
    // File names are short; the boundary is searched near the extension only.
    let window = head
        .char_indices()
        .rev()
        .nth(MAX_FORM_CHARS)
        .map_or(0, |(i, _)| i);
    let Some(start) = form_start(from(head, window)).map(|i| window + i) else {
        return (t.to_owned(), Vec::new(), false);
    };
    let mut forms = vec![cut(t, start, first_end).trim().to_owned()];
    for w in ends.windows(2) {
        if let [a, b] = *w {
            forms.push(cut(t, a, b).trim().to_owned());
        }
    }
    forms.retain(|f| !f.is_empty());
    if forms.iter().any(|f| f.chars().count() > MAX_FORM_CHARS) {
        return (t.to_owned(), Vec::new(), false);
    }
    let name = upto(t, start).trim();
    let name = if name.is_empty() { t } else { name };
    (name.to_owned(), forms, true)
}

/// Where the first form file name starts in `head` (which ends with its extension).
fn form_start(head: &str) -> Option<usize> {
    // A name must keep a stem before its extension: "(1).doc" does not start at "doc".
    let ext_dot = head.rfind('.').unwrap_or(head.len());
    let mut strong = None;
    let mut starter = None;
    let mut weak = None;
    let mut medium = None;
    let mut prev2: Option<char> = None;
    let mut prev: Option<char> = None;
    for (i, c) in head.char_indices() {
        if i >= ext_dot {
            break;
        }
        if let Some(p) = prev {
            let after_word = prev2.is_some_and(|q| q.is_lowercase() || q == ')');
            let after_digit = prev2.is_some_and(|q| q.is_ascii_digit());
            let is_strong = (matches!(p, ';' | ':') && c.is_alphanumeric() && !after_digit)
                || (p == ',' && c.is_alphabetic())
                || (p == ')' && c.is_alphanumeric())
                || (p == '.' && c.is_uppercase() && !after_digit)
                || (p == '.' && c.is_ascii_digit() && after_word)
                || (p == '.' && c.is_lowercase() && prev2 == Some(')'));
            let rest = from(head, i);
            let glued = p.is_alphanumeric() || matches!(p, '.' | ';' | ':' | ')' | ',');
            let is_starter = glued
                && (FORM_STARTERS.iter().any(|w| rest.starts_with(w))
                    || LOWER_STARTERS.iter().any(|w| rest.starts_with(w)));
            let is_weak = p.is_lowercase() && (c.is_uppercase() || c.is_ascii_digit());
            // "…ngày 30/6/2023.NA5.doc": a date then a name; weaker than the rest because file
            // names contain "2025.TT-BNNMT" themselves.
            let is_medium = p == '.' && c.is_uppercase() && after_digit;
            if is_strong {
                strong = Some(i);
            } else if is_starter && starter.is_none() {
                starter = Some(i);
            } else if is_weak && weak.is_none() {
                weak = Some(i);
            } else if is_medium {
                medium = Some(i);
            }
        }
        prev2 = prev;
        prev = Some(c);
    }
    strong.or(starter).or(weak).or(medium)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<ProcedureCase>, Notes) {
        let mut notes = Notes::default();
        let c = parse_components(text, &mut notes);
        (c, notes)
    }

    #[test]
    fn birth_registration_groups() {
        // 1.001193, shortened to two rows per group.
        let (cases, _) = parse(
            "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượng- Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật.1 bản chínhTrường hợp người yêu cầu đã nộp bản điện tử Giấy chứng sinh thì không phải nộp bản giấy.0 bản chính- Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh.1 bản chính* Giấy tờ phải xuất trình:Tên giấy tờMẫu đơn, tờ khaiSố lượng- Hộ chiếu/Thẻ căn cước hoặc các giấy tờ khác có dán ảnh, còn giá trị sử dụng1 bản chính",
        );
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].name, "Giấy tờ phải nộp");
        assert_eq!(cases[0].components.len(), 3);
        assert_eq!(cases[0].components[1].originals, 0);
        assert!(
            cases[0].components[2]
                .name
                .starts_with("- Giấy chứng sinh;")
        );
        assert_eq!(cases[0].components[2].originals, 1);
        assert_eq!(cases[1].name, "Giấy tờ phải xuất trình");
        assert_eq!(cases[1].components.len(), 1);
    }

    #[test]
    fn customs_copies_and_prose_quantities() {
        // 1.000005 / 1.000020, shortened: "01 bản chụp" and "01 bản chính;" are prose.
        let (cases, notes) = parse(
            "--Tên giấy tờMẫu đơn, tờ khaiSố lượngHóa đơn thương mại: 01 bản chụp;0 bản chính,1 bản saoGiấy phép nhập khẩu đối với hàng hóa phải có giấy phép nhập khẩu: 01 bản chính;1 bản chính,1 bản sao",
        );
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].name, "");
        let c = &cases[0].components;
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].originals, c[0].copies), (0, 1));
        assert_eq!(c[0].name, "Hóa đơn thương mại: 01 bản chụp;");
        assert_eq!((c[1].originals, c[1].copies), (1, 1));
        assert!(c[1].name.ends_with("01 bản chính;"));
        assert!(notes.is_empty());
    }

    #[test]
    fn glued_cells_followed_by_punctuation() {
        // 1.007928, shortened.
        let (cases, notes) = parse(
            "--Tên giấy tờMẫu đơn, tờ khaiSố lượngBản sao giấy chứng nhận đã được cấp1 bản chính.Đơn đề nghị cấp lại theo Mẫu số 25 Phụ lục I ban hành kèm theo Nghị định số 33/2026/NĐ-CPMẫu số 25.docx1 bản chính",
        );
        let c = &cases[0].components;
        assert_eq!(c.len(), 2);
        assert_eq!(
            c[1].name,
            "Đơn đề nghị cấp lại theo Mẫu số 25 Phụ lục I ban hành kèm theo Nghị định số 33/2026/NĐ-CP"
        );
        assert_eq!(c[1].forms, ["Mẫu số 25.docx"]);
        assert!(notes.is_empty());
    }

    #[test]
    fn digits_glued_to_the_cell_stay_in_the_name() {
        let (cases, _) = parse(
            "--Tên giấy tờMẫu đơn, tờ khaiSố lượngGiấy chứng nhận theo Mẫu số 181 bản chính,1 bản saoTờ khai ngày 31/12/20251 bản chính",
        );
        let c = &cases[0].components;
        assert_eq!(c[0].name, "Giấy chứng nhận theo Mẫu số 18");
        assert_eq!((c[0].originals, c[0].copies), (1, 1));
        assert_eq!(c[1].name, "Tờ khai ngày 31/12/2025");
    }

    #[test]
    fn form_file_names() {
        let cases = [
            (
                "Văn bản đề nghị theo mẫu tại Phụ lục XIII ban hành kèm theo Thông tư số 56/2025/TT-NHNN.Phụ lục XIII.docx",
                "Văn bản đề nghị theo mẫu tại Phụ lục XIII ban hành kèm theo Thông tư số 56/2025/TT-NHNN.",
                vec!["Phụ lục XIII.docx"],
            ),
            (
                "Đơn đề nghị cấp lại Chứng nhận dịch vụ xử lý dữ liệu cá nhânTTHC5-Mu06-ncpliGCNdchvxlDLCN.docx",
                "Đơn đề nghị cấp lại Chứng nhận dịch vụ xử lý dữ liệu cá nhân",
                vec!["TTHC5-Mu06-ncpliGCNdchvxlDLCN.docx"],
            ),
            (
                "Phiếu khai báo tạm trú cho người nước ngoài (mẫu NA17)101-Mau A17 tam tru cho nguoi nuoc ngoai.doc",
                "Phiếu khai báo tạm trú cho người nước ngoài (mẫu NA17)",
                vec!["101-Mau A17 tam tru cho nguoi nuoc ngoai.doc"],
            ),
            (
                "Văn bản đề nghị gia hạn theo Mẫu 06, Mẫu 08 Phụ lục I Nghị định số 23/2026/NĐ-CP.Mau06.docxMau08.docx",
                "Văn bản đề nghị gia hạn theo Mẫu 06, Mẫu 08 Phụ lục I Nghị định số 23/2026/NĐ-CP.",
                vec!["Mau06.docx", "Mau08.docx"],
            ),
            (
                "Bản đồ khu vực khai thác khoáng sảnMau 35 - Phu luc II_36.2025.TT-BNNMT_02.7.2025.docx",
                "Bản đồ khu vực khai thác khoáng sản",
                vec!["Mau 35 - Phu luc II_36.2025.TT-BNNMT_02.7.2025.docx"],
            ),
            (
                "Tờ khai (Mẫu số 02/CNKD-TNCN-QTT Thông tư số 18/2026/TT-BTC)Mẫu số 02 CNKD-TNCN-QTT.docx",
                "Tờ khai (Mẫu số 02/CNKD-TNCN-QTT Thông tư số 18/2026/TT-BTC)",
                vec!["Mẫu số 02 CNKD-TNCN-QTT.docx"],
            ),
            (
                "Văn bản đề nghị (bản chính) theo mẫu",
                "Văn bản đề nghị (bản chính) theo mẫu",
                vec![],
            ),
            (
                "Công văn đề nghị xét duyệt nhân sự người nước ngoài nhập cảnh (NA2).4-Mẫu NA2.doc",
                "Công văn đề nghị xét duyệt nhân sự người nước ngoài nhập cảnh (NA2).",
                vec!["4-Mẫu NA2.doc"],
            ),
            (
                "Tờ khai đề nghị cấp thị thực (mẫu NA5) ban hành kèm theo Thông tư số 22/2023/TT-BCA ngày 30/6/2023.NA5.doc",
                "Tờ khai đề nghị cấp thị thực (mẫu NA5) ban hành kèm theo Thông tư số 22/2023/TT-BCA ngày 30/6/2023.",
                vec!["NA5.doc"],
            ),
            (
                "Báo cáo kết quả khảo sát theo mẫu quy địnhbáo cáo kết quả khảo sát.docx",
                "Báo cáo kết quả khảo sát theo mẫu quy định",
                vec!["báo cáo kết quả khảo sát.docx"],
            ),
            (
                "Văn bản đề nghị điều chỉnh dự án đầu tưMẫu I.1.8.docx",
                "Văn bản đề nghị điều chỉnh dự án đầu tư",
                vec!["Mẫu I.1.8.docx"],
            ),
            (
                "Đơn xin nhận con nuôi;1.nxinnhnconnui.doc",
                "Đơn xin nhận con nuôi;",
                vec!["1.nxinnhnconnui.doc"],
            ),
            (
                "Ảnh màu cỡ 4x6 cm có nền màu trắng.mau so 12 (1).doc",
                "Ảnh màu cỡ 4x6 cm có nền màu trắng.",
                vec!["mau so 12 (1).doc"],
            ),
            (
                "Đơn đề nghị (Bộ Nông nghiệp và Môi trường).Mau 04.docx (1).doc",
                "Đơn đề nghị (Bộ Nông nghiệp và Môi trường).",
                vec!["Mau 04.docx (1).doc"],
            ),
        ];
        for (text, name, forms) in cases {
            let (n, f, ok) = split_forms(text);
            assert!(ok, "{text}");
            assert_eq!(n, name);
            assert_eq!(f, forms);
        }
        // No boundary at all: keep everything as the name and say so.
        let (n, f, ok) = split_forms("theo Hiệp định GMSGMS - Gia hạn.docx");
        assert_eq!(
            (n.as_str(), f.len(), ok),
            ("theo Hiệp định GMSGMS - Gia hạn.docx", 0, false)
        );
    }

    #[test]
    fn leftover_text_is_noted() {
        let (cases, notes) =
            parse("--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị1 bản chínhTại Bước 7:  +");
        assert_eq!(cases[0].components.len(), 1);
        assert_eq!(notes.kinds(), vec![NoteKind::ComponentsLeftover]);
    }

    #[test]
    fn labelled_quantities() {
        let (cases, _) =
            parse("--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghịBản chính: 2 Bản sao: 1");
        let c = &cases[0].components[0];
        assert_eq!(
            (c.name.as_str(), c.originals, c.copies),
            ("Đơn đề nghị", 2, 1)
        );
    }
}
