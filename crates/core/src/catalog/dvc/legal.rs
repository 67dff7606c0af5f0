//! `can_cu_phap_ly`: the legal-basis table, `Tên văn bản pháp lýMã văn bản` followed by
//! `<title><number><title><number>…` with nothing in between.
//!
//! A document number (`123/2015/NĐ-CP`, `60/2014/QH13`, `66.7/2025/NQ-CP`, `163/QĐ-TTg`) ends a
//! pair when it is *glued* to the text before it (no space: the cell boundary) and followed by
//! the next title, a space and a capital, or the end. A number cell may carry its own prefix
//! ("Thông tư số 03/2023/TT-BTP", "Luật số 32/2024/QH15"). Numbers mentioned inside a title are
//! preceded by a space, so they stay in the title. Titles are never empty, which settles
//! `…Luật 60/2014/QH1360/2014/QH13` (title "Luật 60/2014/QH13", number "60/2014/QH13").

use jiff::civil::Date;

use super::scan::{
    char_at, char_before, cut, digit_run, digits_value, excerpt, from, is_null, upto,
};
use super::{NoteKind, Notes};
use crate::catalog::{LegalBasis, Section};
use crate::text::clean_line;

/// The table header the portal renders before the rows.
pub(super) const HEADER: &str = "Tên văn bản pháp lýMã văn bản";

/// Document types that may prefix a number cell, longest first; abbreviations included
/// ("NĐ 23/2026/NĐ-CP").
const TYPES: [&str; 19] = [
    "TTLT",
    "Thông tư liên tịch",
    "Văn bản hợp nhất",
    "Nghị quyết",
    "Nghị định",
    "Quyết định",
    "Pháp lệnh",
    "Thông tư",
    "Công văn",
    "Chỉ thị",
    "Bộ luật",
    "Hiến pháp",
    "Luật",
    "Lệnh",
    "NĐ",
    "QĐ",
    "NQ",
    "TT",
    "CT",
];

/// Issuer codes that may be followed by a glued lower-case word in the export.
const KNOWN_CODES: [&str; 42] = [
    "CP", "QH", "NĐ", "QĐ", "NQ", "TTLT", "BTC", "BCA", "BTP", "NHNN", "BXD", "BNNMT", "BNNPTNT",
    "VPCP", "BGTVT", "BLĐTBXH", "BYT", "BCT", "UBND", "HĐND", "BKHĐT", "BTNMT", "BQP", "BNG",
    "BNV", "BTTTT", "BVHTTDL", "BGDĐT", "BKHCN", "TANDTC", "VKSNDTC", "UBTVQH", "CTN", "KTNN",
    "TTCP", "HĐTP", "BTTP", "NHNNVN", "BNN", "TCHQ", "BHXH", "BHYT",
];

/// Issuers whose name is complete as written, longest first ("của Chính phủ cắt giảm …").
const FIXED_ISSUERS: [&str; 4] = [
    "Thủ tướng Chính phủ",
    "Ủy ban Thường vụ Quốc hội",
    "Chính phủ",
    "Quốc hội",
];

/// Words that may begin an issuing body after "của".
const ISSUERS: [&str; 13] = [
    "Ủy ban",
    "Uỷ ban",
    "Bộ ",
    "Bộ trưởng",
    "Ngân hàng",
    "Hội đồng",
    "Thống đốc",
    "Tổng",
    "Chủ tịch",
    "Văn phòng",
    "Kiểm toán",
    "Tòa án",
    "Viện",
];

/// The label of the page field that follows the table in some exports.
const NEXT_FIELD: &str = "Cơ quan thực hiện";

/// Parses the whole section. `implementing` is the record's `co_quan_thuc_hien`: some exports
/// append "Cơ quan thực hiện<value>" (the next field of the page) to this one, which is page
/// content duplicated and is dropped when it matches.
pub(super) fn parse_legal(text: &str, implementing: &str, notes: &mut Notes) -> Vec<LegalBasis> {
    let mut t = text.trim();
    if let Some(i) = t.rfind(NEXT_FIELD)
        && from(t, i + NEXT_FIELD.len()).trim() == implementing.trim()
    {
        t = upto(t, i).trim();
    }
    if is_null(t) {
        return Vec::new();
    }
    let body = match t.strip_prefix(HEADER) {
        Some(b) => b,
        None => {
            notes.add(
                Section::LegalBases,
                NoteKind::LegalLeftover,
                "thiếu tiêu đề bảng",
                t,
            );
            t
        }
    };
    let mut out = Vec::new();
    let mut title_start = 0;
    for tok in tokens(body) {
        // A prefix that would leave the title empty belongs to the title ("Thông tư" +
        // "03/2025/TT-VPCP").
        let (start, strict) = if tok.cell_start > title_start {
            (tok.cell_start, false)
        } else if tok.number_start > title_start {
            (tok.number_start, true)
        } else {
            continue;
        };
        let tok = Token {
            cell_start: start,
            ..tok
        };
        if !is_cell(body, &tok, strict) {
            continue;
        }
        let title = cut(body, title_start, tok.cell_start);
        if title.trim().is_empty() {
            continue;
        }
        out.push(basis(title, cut(body, tok.number_start, tok.end)));
        title_start = tok.end;
    }
    // A lone "." after the last number is punctuation, not content.
    let leftover = from(body, title_start)
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';'));
    if !leftover.is_empty() {
        notes.add(
            Section::LegalBases,
            NoteKind::LegalLeftover,
            &format!("“{}”", excerpt(leftover, 80)),
            body,
        );
    }
    out
}

/// A document number found in the text.
#[derive(Debug, Clone, Copy)]
struct Token {
    /// Where the cell starts (its prefix, if any).
    cell_start: usize,
    /// Where the number itself starts.
    number_start: usize,
    /// Where it ends.
    end: usize,
}

/// All document numbers in `s`, in order.
fn tokens(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut after_token = false;
    while i < s.len() {
        let rest = from(s, i);
        // A digit run starts here unless it continues digits ("2015") or a decimal ("66.7").
        let continues = match char_before(s, i) {
            Some(c) if c.is_ascii_digit() => true,
            // "66.7" continues a short number; "năm 2001.22/2025/TT-BXD" ends a sentence.
            Some('.') => {
                let head = upto(s, i - 1);
                let digits = head.bytes().rev().take_while(u8::is_ascii_digit).count();
                digits > 0 && digits < 4
            }
            _ => false,
        };
        let run_start =
            rest.as_bytes().first().is_some_and(u8::is_ascii_digit) && (after_token || !continues);
        if run_start && let Some((skip, len)) = number_at(rest) {
            let number_start = i + skip;
            let cell_start = number_start - prefix_len(upto(s, number_start));
            out.push(Token {
                cell_start,
                number_start,
                end: i + len,
            });
            i += len;
            after_token = true;
            continue;
        }
        after_token = false;
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// A number at the start of `s`: `(digits to skip, total length)`. The skip is a year glued in
/// front ("năm 201102/2011/QH13": the number is `02/2011/QH13`).
fn number_at(s: &str) -> Option<(usize, usize)> {
    let run = digit_run(s);
    let mut end = run;
    // "66.7/2025/NQ-CP" (but "2001.22/…" is a year ending a sentence)
    if run <= 3 && char_at(s, end) == Some('.') {
        let frac = digit_run(from(s, end + 1));
        if frac > 0 && char_at(s, end + 1 + frac) == Some('/') {
            end += 1 + frac;
        }
    }
    if char_at(s, end) != Some('/') {
        return None;
    }
    end += 1;
    // Optional year. "167/2025" with no code is a number too (some cells are written so),
    // also when the next cell's digits are glued to it ("29/20252729/QĐ-BCT").
    let y = digit_run(from(s, end));
    let year_like = |t: &str| t.starts_with("19") || t.starts_with("20");
    if y == 4 && char_at(s, end + 4) == Some('/') {
        end += 5;
    } else if y >= 4 && year_like(from(s, end)) {
        if y == 4 && code_len(from(s, end + 4)).is_some() {
            return None;
        }
        end += 4;
        let skip = if run > 4 && year_like(s) { 4 } else { 0 };
        return Some((skip, end));
    } else if y > 0 {
        return None;
    }
    let code = code_len(from(s, end))?;
    end += code;
    let skip = if run > 4 && (s.starts_with("19") || s.starts_with("20")) {
        4
    } else {
        0
    };
    Some((skip, end))
}

/// The length of a code such as `NĐ-CP`, `QH13`, `TT-BTP`, `QĐ-TTg`, `TTLT-BTC-BTP`,
/// `TT- BTP` at the start of `s`.
fn code_len(s: &str) -> Option<usize> {
    let mut end = 0;
    loop {
        let seg = from(s, end);
        let letters: usize = seg
            .chars()
            .take_while(|c| c.is_uppercase())
            .map(char::len_utf8)
            .sum();
        if letters == 0 {
            break;
        }
        let mut word = cut(seg, 0, letters);
        // "TT-BTCNghị định": the capital of the next word is not part of the code, unless the
        // run is a known code followed by a glued lower-case word ("TT-BCAngày").
        let next_lower = char_at(seg, letters).is_some_and(char::is_lowercase);
        if next_lower
            && word != "TT"
            && !KNOWN_CODES.contains(&word)
            && let Some(last) = word.chars().next_back()
        {
            word = cut(word, 0, word.len() - last.len_utf8());
        }
        // "NĐ-CPTHÔNG TƯ …": an unknown run that starts with a known code and ends a word is
        // that code followed by an upper-case title ("NQLT-CP" is not).
        let ends_word = char_at(seg, word.len()).is_some_and(char::is_whitespace);
        if ends_word
            && !KNOWN_CODES.contains(&word)
            && !word.ends_with("QH")
            && let Some(k) = KNOWN_CODES
                .iter()
                .filter(|k| word.len() > k.len() + 1 && word.starts_with(*k))
                .max_by_key(|k| k.len())
        {
            word = cut(word, 0, k.len());
        }
        if word.is_empty() {
            break;
        }
        end += word.len();
        if word.ends_with("QH") {
            // The legislature's term: "QH13".
            if digit_run(from(s, end)) >= 2 {
                end += 2;
            }
        } else if word == "TT"
            && from(s, end).starts_with('g')
            && !char_at(s, end + 1).is_some_and(char::is_lowercase)
        {
            end += 1;
        }
        let next = from(s, end);
        if let Some(after) = next.strip_prefix("- ").or_else(|| next.strip_prefix('-'))
            && after.chars().next().is_some_and(char::is_uppercase)
        {
            end += next.len() - after.len();
            continue;
        }
        break;
    }
    (end > 0).then_some(end)
}

/// The length of a number cell's own prefix glued before `number_start` ("Thông tư số ",
/// "Luật số ", "Số ", "Thông tư"), or 0.
fn prefix_len(before: &str) -> usize {
    let mut candidates: Vec<String> = vec!["số ".into(), "Số ".into(), "số".into()];
    for t in TYPES {
        candidates.push(format!("{t} số "));
        candidates.push(format!("{t} "));
        candidates.push(t.to_owned());
    }
    candidates
        .iter()
        .filter(|p| before.ends_with(p.as_str()))
        .map(String::len)
        .max()
        .unwrap_or(0)
}

/// True when a number is a table cell:
/// * it ends the table (only punctuation or spaces follow) — the last cell, even when the
///   export put a space before it;
/// * or it is glued to the text before it and followed by the next title (glued), a space and
///   a capital or digit;
/// * or, unless `strict`, it is followed directly by a letter: numbers mentioned inside a title
///   are followed by a space or punctuation, so a letter glued after one is the next title
///   ("…Luật Trồng trọt Luật số 31/2018/QH14Quy định về …").
fn is_cell(s: &str, tok: &Token, strict: bool) -> bool {
    let after = from(s, tok.end);
    if after
        .chars()
        .all(|c| c.is_whitespace() || matches!(c, '.' | ',' | ';'))
    {
        return true;
    }
    let next = after.chars().next();
    if !strict && next.is_some_and(char::is_alphabetic) {
        return true;
    }
    let glued = match char_before(s, tok.cell_start) {
        None => true,
        Some(c) => !c.is_whitespace() && !matches!(c, '(' | '"' | '“' | '\'' | '/' | '-'),
    };
    if !glued {
        return false;
    }
    match next {
        None => true,
        Some(c) if c.is_whitespace() => after
            .trim_start()
            .chars()
            .next()
            .is_none_or(|n| n.is_uppercase() || n.is_ascii_digit()),
        Some(c) => !matches!(c, ')' | ']' | ',' | ';' | ':' | '.' | '/'),
    }
}

/// One legal basis from its title and number cells.
fn basis(title: &str, number: &str) -> LegalBasis {
    // "165/2024/NĐ- CP" → "165/2024/NĐ-CP": spacing inside a number is a typing slip.
    let published = clean_line(number);
    let number = published.replace("- ", "-").replace(" -", "-");
    let line = clean_line(title);
    let (issued_on, issuer) = match date_and_issuer(&line, &published) {
        (None, None) => date_and_issuer(&line, &number),
        found => found,
    };
    LegalBasis {
        number,
        title: title.trim().to_owned(),
        issued_on,
        issuer,
    }
}

/// The issue date and issuer, when the title states them right after the document's own number
/// ("Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định …"). A date is only
/// taken when its year is the number's year, so dates of other documents named in a title are
/// not mistaken for this one's.
fn date_and_issuer(title: &str, number: &str) -> (Option<Date>, Option<String>) {
    let Some(pos) = title.find(number) else {
        return (None, None);
    };
    let year = number
        .split('/')
        .nth(1)
        .filter(|y| y.len() == 4)
        .map(digits_value);
    let mut rest = from(title, pos + number.len());
    let mut date = None;
    let mut issuer = None;
    for _ in 0..2 {
        let r = rest.trim_start();
        if let Some(d) = r.strip_prefix("ngày") {
            let (parsed, used) = parse_date(d.trim_start());
            if parsed.is_some()
                && year.is_none_or(|y| parsed.is_some_and(|p| i64::from(p.year()) == y))
            {
                date = date.or(parsed);
            }
            rest = from(d.trim_start(), used);
        } else if let Some(w) = r.strip_prefix("của ") {
            let w = w.trim_start();
            if let Some(fixed) = FIXED_ISSUERS.iter().find(|p| w.starts_with(*p)) {
                issuer = Some((*fixed).to_owned());
                rest = from(w, fixed.len());
            } else if ISSUERS.iter().any(|p| w.starts_with(p)) {
                let end = issuer_end(w);
                issuer = Some(cut(w, 0, end).trim().to_owned());
                rest = from(w, end);
            } else {
                break;
            }
        } else {
            break;
        }
    }
    (date, issuer.filter(|i| !i.is_empty()))
}

/// Where an issuer's name ends: before a verb or clause that starts the subject matter.
fn issuer_end(s: &str) -> usize {
    const STOPS: [&str; 30] = [
        " quy định",
        " Quy định",
        " hướng dẫn",
        " Hướng dẫn",
        " ban hành",
        " Ban hành",
        " bãi bỏ",
        " Bãi bỏ",
        " sửa đổi",
        " Sửa đổi",
        " về ",
        " Về ",
        " cắt giảm",
        " phê duyệt",
        " thực hiện",
        " thi hành",
        " quyết định",
        " công bố",
        " phân cấp",
        " phân quyền",
        " ngày",
        " năm",
        " tại ",
        ":",
        ",",
        ";",
        ".",
        "(",
        " - ",
        " và các",
    ];
    let mut end = STOPS
        .iter()
        .filter_map(|p| s.find(p))
        .min()
        .unwrap_or(s.len());
    // Names of issuers are short; a long run is the subject, not the body.
    if s.get(..end).is_some_and(|x| x.chars().count() > 60) {
        end = s.char_indices().nth(60).map_or(s.len(), |(i, _)| i);
    }
    end
}

/// `15/11/2015`, `15-11-2015` or `15 tháng 11 năm 2015` at the start of `s`: date, bytes used.
fn parse_date(s: &str) -> (Option<Date>, usize) {
    let d = digit_run(s);
    if d == 0 || d > 2 {
        return (None, 0);
    }
    let day = digits_value(upto(s, d));
    let mut i = d;
    let (month, year);
    if matches!(char_at(s, i), Some('/' | '-')) {
        i += 1;
        let m = digit_run(from(s, i));
        if m == 0 || m > 2 || !matches!(char_at(s, i + m), Some('/' | '-')) {
            return (None, 0);
        }
        month = digits_value(cut(s, i, i + m));
        i += m + 1;
        let y = digit_run(from(s, i));
        if y != 4 {
            return (None, 0);
        }
        year = digits_value(cut(s, i, i + 4));
        i += 4;
    } else if let Some(r) = from(s, i).strip_prefix(" tháng ") {
        let m = digit_run(r);
        if m == 0 || m > 2 {
            return (None, 0);
        }
        month = digits_value(upto(r, m));
        let Some(r2) = from(r, m).strip_prefix(" năm ") else {
            return (None, 0);
        };
        if digit_run(r2) != 4 {
            return (None, 0);
        }
        year = digits_value(upto(r2, 4));
        i = s.len() - r2.len() + 4;
    } else {
        return (None, 0);
    }
    let date = match (i16::try_from(year), i8::try_from(month), i8::try_from(day)) {
        (Ok(y), Ok(m), Ok(dd)) => Date::new(y, m, dd).ok(),
        _ => None,
    };
    (date, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Vec<LegalBasis>, Notes) {
        let mut notes = Notes::default();
        let l = parse_legal(text, "Sở Nông nghiệp và Môi trường", &mut notes);
        (l, notes)
    }

    fn pairs(l: &[LegalBasis]) -> Vec<(&str, &str)> {
        l.iter()
            .map(|b| (b.title.as_str(), b.number.as_str()))
            .collect()
    }

    #[test]
    fn birth_registration_table() {
        // 1.001193, an excerpt of the real table.
        let (l, notes) = parse(
            "Tên văn bản pháp lýMã văn bảnThông tư Hướng dẫn về phí và lệ phí thuộc thẩm quyền quyết định của Hội đồng nhân dân tỉnh, thành phố trực thuộc Trung ương85/2019/TT-BTCNghị định số 123/2015/NĐ-CP ngày 15/11/2015 của  Chính phủ quy định chi tiết một số điều và biện pháp thi  hành Luật Hộ tịch123/2015/NĐ-CPThông tư số 08/2025/TT-BTP ngày 12/6/2025 của Bộ trưởng Bộ Tư pháp quy định về phân định thẩm quyền08/2025/TT-BTPNghị định sửa đổi, bổ sung một số nghị định18/2026/NĐ-CP Nghị định quy định về Cơ sở dữ liệu hộ tịch điện tử, đăng ký hộ tịch trực tuyến87/2020/NĐ-CPThông tư số 03/2023/TT-BTP ngày 02/8/2023 của Bộ trưởng Bộ Tư phápThông tư số 03/2023/TT-BTPNghị quyết số 66.7/2025/NQ-CP của Chính phủ: Quy định cắt giảm, đơn giản hóa thủ tục hành chính dựa trên dữ liệu66.7/2025/NQ-CPLuật 60/2014/QH1360/2014/QH13",
        );
        assert!(notes.is_empty());
        assert_eq!(
            l.iter().map(|b| b.number.as_str()).collect::<Vec<_>>(),
            [
                "85/2019/TT-BTC",
                "123/2015/NĐ-CP",
                "08/2025/TT-BTP",
                "18/2026/NĐ-CP",
                "87/2020/NĐ-CP",
                "03/2023/TT-BTP",
                "66.7/2025/NQ-CP",
                "60/2014/QH13"
            ]
        );
        let decree = &l[1];
        assert_eq!(decree.issued_on, Some(jiff::civil::date(2015, 11, 15)));
        assert_eq!(decree.issuer.as_deref(), Some("Chính phủ"));
        assert_eq!(l[2].issuer.as_deref(), Some("Bộ trưởng Bộ Tư pháp"));
        assert_eq!(l[2].issued_on, Some(jiff::civil::date(2025, 6, 12)));
        assert_eq!(
            l[5].title,
            "Thông tư số 03/2023/TT-BTP ngày 02/8/2023 của Bộ trưởng Bộ Tư pháp"
        );
        assert_eq!(l[5].issued_on, Some(jiff::civil::date(2023, 8, 2)));
        assert_eq!(l[6].issuer.as_deref(), Some("Chính phủ"));
        assert_eq!(l[7].title, "Luật 60/2014/QH13");
        assert_eq!(l[0].issued_on, None);
    }

    #[test]
    fn number_cells_that_look_like_titles() {
        // 2.002043 and 1.001621: a number as the title, a prefixed number as the cell.
        let (l, notes) = parse(
            "Tên văn bản pháp lýMã văn bảnLuật Doanh nghiệp59/2020/QH1447/2019/TT-BTCThông tư 47/2019/TT-BTCLuật sửa đổi, bổ sung một số điều của Luật Doanh nghiệp 202076/2025/QH15",
        );
        assert!(notes.is_empty());
        assert_eq!(
            pairs(&l),
            [
                ("Luật Doanh nghiệp", "59/2020/QH14"),
                ("47/2019/TT-BTC", "47/2019/TT-BTC"),
                (
                    "Luật sửa đổi, bổ sung một số điều của Luật Doanh nghiệp 2020",
                    "76/2025/QH15"
                )
            ]
        );
        let (l, _) = parse(
            "Tên văn bản pháp lýMã văn bản73/2025/TT-NHNNSố 73/2025/TT-NHNNLuật Các tổ chức tín dụngLuật số 32/2024/QH15",
        );
        assert_eq!(
            pairs(&l),
            [
                ("73/2025/TT-NHNN", "73/2025/TT-NHNN"),
                ("Luật Các tổ chức tín dụng", "32/2024/QH15")
            ]
        );
    }

    #[test]
    fn lowercase_titles_and_ttg() {
        let (l, notes) = parse(
            "Tên văn bản pháp lýMã văn bảnThông tư03/2025/TT-VPCPquy định một số chính sách giai đoạn 2026 - 2030182/2025/NQ-HĐNDQuyết định về tiêu chí hỗ trợ09/2024/QĐ-TTg",
        );
        assert!(notes.is_empty());
        assert_eq!(
            pairs(&l),
            [
                ("Thông tư", "03/2025/TT-VPCP"),
                (
                    "quy định một số chính sách giai đoạn 2026 - 2030",
                    "182/2025/NQ-HĐND"
                ),
                ("Quyết định về tiêu chí hỗ trợ", "09/2024/QĐ-TTg")
            ]
        );
    }

    #[test]
    fn dates_of_other_documents_are_not_taken() {
        let (l, _) = parse(
            "Tên văn bản pháp lýMã văn bảnThông tư sửa đổi Thông tư số 85/2019/TT-BTC ngày 29/11/2019 của Bộ Tài chính.106/2021/TT-BTC",
        );
        assert_eq!(l[0].number, "106/2021/TT-BTC");
        assert_eq!((l[0].issued_on, l[0].issuer.as_deref()), (None, None));
    }

    #[test]
    fn null_marker_and_leftovers() {
        let (l, notes) = parse("Không có thông tin");
        assert!(l.is_empty() && notes.is_empty());
        let (l, notes) = parse("Không có thông tinCơ quan thực hiệnSở Nông nghiệp và Môi trường");
        assert!(l.is_empty() && notes.is_empty());
        let (l, notes) =
            parse("Tên văn bản pháp lýMã văn bảnNghị định 14/2020/NĐ-CP14/2020/NĐ-CPLuật Giá");
        assert_eq!(l.len(), 1);
        assert_eq!(notes.kinds(), vec![NoteKind::LegalLeftover]);
    }

    #[test]
    fn cells_without_glue_or_code() {
        // 1.002560 / 1.007808 / 1.000070 / 1.007924, excerpts.
        let (l, notes) = parse(
            "Tên văn bản pháp lýMã văn bảnNghị định quy định điều kiện đầu tư kinh doanh66/2016/NĐ-CPLuật Bảo vệ và kiểm dịch thực vật 41/2013/QH13",
        );
        assert!(notes.is_empty());
        assert_eq!(
            pairs(&l)[1],
            ("Luật Bảo vệ và kiểm dịch thực vật", "41/2013/QH13")
        );
        let (l, _) = parse(
            "Tên văn bản pháp lýMã văn bảnNghị định số 167/2025/NĐ-CP ngày 30/6/2025 của Chính phủ167/2025",
        );
        assert_eq!(l[0].number, "167/2025");
        assert_eq!(l[0].issued_on, None);
        let (l, notes) = parse(
            "Tên văn bản pháp lýMã văn bảnNghị định 23/2026/NĐ-CP ngày 17/01/2026 của Chính phủ sửa đổi.NĐ 23/2026/NĐ-CP14/2025/TT-BNNMT14/2025/TT-BNNMT",
        );
        assert!(notes.is_empty());
        assert_eq!(pairs(&l)[1], ("14/2025/TT-BNNMT", "14/2025/TT-BNNMT"));
        assert_eq!(l[0].issued_on, Some(jiff::civil::date(2026, 1, 17)));
        let (l, notes) = parse(
            "Tên văn bản pháp lýMã văn bảnvề trồng trọtNghị định số 33/2026/NĐ-CP Luật Trồng trọt Luật số 31/2018/QH14Quy định về quản lý phân bónNghị định 84/2019/NĐ-CP.",
        );
        assert!(notes.is_empty());
        assert_eq!(
            pairs(&l),
            [
                ("về trồng trọt", "33/2026/NĐ-CP"),
                ("Luật Trồng trọt", "31/2018/QH14"),
                ("Quy định về quản lý phân bón", "84/2019/NĐ-CP")
            ]
        );
        // The page's next field duplicated at the end is dropped.
        let (l, notes) = parse(
            "Tên văn bản pháp lýMã văn bảnLuật 08/2017/QH1408/2017/QH14Cơ quan thực hiệnSở Nông nghiệp và Môi trường",
        );
        assert_eq!(l.len(), 1);
        assert!(notes.is_empty());
        // A sentence ending in a year before the number.
        let (l, _) = parse("Tên văn bản pháp lýMã văn bảnCông ước quốc tế năm 2001.22/2025/TT-BXD");
        assert_eq!(
            pairs(&l),
            [("Công ước quốc tế năm 2001.", "22/2025/TT-BXD")]
        );
    }

    #[test]
    fn numbers_are_tidied() {
        let (l, _) = parse(
            "Tên văn bản pháp lýMã văn bảnNghị định số 165/2024/NĐ- CP ngày 26/12/2024 của Chính phủ quy định chi tiết165/2024/NĐ- CP",
        );
        assert_eq!(l[0].number, "165/2024/NĐ-CP");
        assert_eq!(
            l[0].title,
            "Nghị định số 165/2024/NĐ- CP ngày 26/12/2024 của Chính phủ quy định chi tiết"
        );
    }

    #[test]
    fn upper_case_titles_and_fixed_issuers() {
        let (l, notes) = parse(
            "Tên văn bản pháp lýMã văn bảnNghị định phân quyền121/2025/NĐ-CPTHÔNG TƯ QUY ĐỊNH VỀ NUÔI CON NUÔI07/2023/TT-BTPNghị quyết số 24/2026/NQ-CP ngày 29/4/2026 của Chính phủ cắt giảm thủ tục24/2026/NQ-CP",
        );
        assert!(notes.is_empty());
        assert_eq!(l[0].number, "121/2025/NĐ-CP");
        assert_eq!(l[1].title, "THÔNG TƯ QUY ĐỊNH VỀ NUÔI CON NUÔI");
        assert_eq!(l[2].issuer.as_deref(), Some("Chính phủ"));
        assert_eq!(l[2].issued_on, Some(jiff::civil::date(2026, 4, 29)));
    }

    #[test]
    fn long_dates() {
        assert_eq!(
            parse_date("15 tháng 5 năm 2016 của").0,
            Some(jiff::civil::date(2016, 5, 15))
        );
        assert_eq!(parse_date("31/02/2020").0, None);
        assert_eq!(parse_date("1/7").0, None);
    }
}
