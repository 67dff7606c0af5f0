//! `trinh_tu_thuc_hien`: the steps, as free text with line breaks.
//!
//! Rules, first match wins (a step keeps its sub-items — `+`, `(i)`, `a)` lines — as lines of
//! its text, so nothing is dropped):
//! 1. "Bước N" markers: each starts a step (at a line start or after a sentence end); text
//!    before the first marker is a step of its own.
//! 2. At least two lines starting with `-` (or `–`, `•`): each such line starts a step; else
//!    the same with `+`.
//! 3. At least two lines numbered `1.` / `1)`: each numbered line starts a step.
//! 4. Otherwise each line starting with a capital, a digit or a lettered item (`a)`) starts a
//!    step, and other lines continue the previous one (the export wraps some sentences).

use super::scan::{char_at, char_before, digit_run, from, upto};

/// Splits the steps text into steps.
pub(super) fn parse_steps(text: &str) -> Vec<String> {
    let t = text.trim();
    if super::scan::is_null(t) {
        return Vec::new();
    }
    let by_marker = split_at_markers(t);
    if by_marker.len() > 1 {
        return by_marker;
    }
    let lines: Vec<&str> = t.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let dash = |l: &str| l.starts_with('-') || l.starts_with('–') || l.starts_with('•');
    if lines.iter().filter(|l| dash(l)).count() >= 2 {
        return group(&lines, |l| dash(l));
    }
    let plus = |l: &str| l.starts_with('+');
    if lines.iter().filter(|l| plus(l)).count() >= 2 {
        return group(&lines, |l| plus(l));
    }
    if lines.iter().filter(|l| numbered(l)).count() >= 2 {
        return group(&lines, numbered);
    }
    group(&lines, item_start)
}

/// A line that begins a new item: a capital, a digit, or a lettered item `a)`.
fn item_start(l: &str) -> bool {
    let mut chars = l.chars();
    match (chars.next(), chars.next()) {
        (Some(c), _) if c.is_uppercase() || c.is_ascii_digit() => true,
        (Some(c), Some(')')) => c.is_lowercase(),
        _ => false,
    }
}

/// `1.` / `1)` / `1/` at the start of a line (but not `1.000` or a date).
fn numbered(l: &str) -> bool {
    let d = digit_run(l);
    d > 0
        && d <= 2
        && matches!(char_at(l, d), Some('.' | ')'))
        && !char_at(l, d + 1).is_some_and(|c| c.is_ascii_digit())
}

/// Groups lines into steps: a line for which `starts` holds begins a new step.
fn group(lines: &[&str], starts: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        match out.last_mut() {
            Some(last) if !starts(line) => {
                last.push('\n');
                last.push_str(line);
            }
            _ => out.push((*line).to_owned()),
        }
    }
    out
}

/// Splits at "Bước N" markers that start a line or follow a sentence end.
fn split_at_markers(t: &str) -> Vec<String> {
    let mut cuts = Vec::new();
    for (i, _) in t.match_indices("Bước") {
        let after = from(t, i + "Bước".len()).trim_start();
        if digit_run(after) == 0 {
            continue;
        }
        // "+ Bước 2:" — a bullet before the marker belongs to the step.
        let mut before = upto(t, i).trim_end_matches([' ', '\t']);
        if let Some(b) = before.strip_suffix(['+', '-', '–', '•', '*']) {
            before = b.trim_end_matches([' ', '\t']);
        }
        let at_start = before.is_empty()
            || before.ends_with('\n')
            || char_before(before, before.len()).is_some_and(|c| matches!(c, '.' | ';' | ':'));
        if at_start {
            // Cut right after the preceding text, so the bullet stays with its step.
            cuts.push(before.len());
        }
    }
    if cuts.len() < 2 {
        return vec![t.to_owned()];
    }
    let mut out = Vec::new();
    let mut prev = 0;
    for &c in cuts.iter().chain(std::iter::once(&t.len())) {
        let piece = super::scan::cut(t, prev, c).trim();
        if !piece.is_empty() {
            out.push(piece.to_owned());
        }
        prev = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_steps_with_sub_items() {
        let s = parse_steps(
            "Bước 1: đăng nhập hệ thống.\n\tBước 2: chọn thủ tục.\n+ Nếu hồ sơ chưa hợp lệ: bổ sung.\n+ Nếu hợp lệ: nộp.\nBước 3: nhận kết quả.",
        );
        assert_eq!(s.len(), 3);
        assert_eq!(
            s[1],
            "Bước 2: chọn thủ tục.\n+ Nếu hồ sơ chưa hợp lệ: bổ sung.\n+ Nếu hợp lệ: nộp."
        );
    }

    #[test]
    fn inline_markers_after_sentences() {
        let s = parse_steps("Bước 1. Lập hồ sơ. Bước 2. Nộp hồ sơ. Bước 3. Nhận kết quả");
        assert_eq!(
            s,
            [
                "Bước 1. Lập hồ sơ.",
                "Bước 2. Nộp hồ sơ.",
                "Bước 3. Nhận kết quả"
            ]
        );
        // "thực hiện lại bước (i)" is not a marker.
        assert_eq!(parse_steps("Nộp hồ sơ, thực hiện lại bước (i)").len(), 1);
    }

    #[test]
    fn bulleted_markers() {
        // 1.010226, shortened.
        let s = parse_steps(
            "+ Bước 1: Chi nhánh lập hồ sơ.  + Bước 2: Ngân hàng Nhà nước yêu cầu bổ sung. + Bước 3: Chấp thuận.",
        );
        assert_eq!(
            s,
            [
                "+ Bước 1: Chi nhánh lập hồ sơ.",
                "+ Bước 2: Ngân hàng Nhà nước yêu cầu bổ sung.",
                "+ Bước 3: Chấp thuận."
            ]
        );
        let s = parse_steps("+ Chủ đầu tư lập hồ sơ;\n + Sở Xây dựng kiểm tra hồ sơ");
        assert_eq!(s.len(), 2);
    }

    #[test]
    fn dash_steps_as_in_birth_registration() {
        // 1.001193, shortened.
        let s = parse_steps(
            "- Nếu lựa chọn hình thức nộp hồ sơ trực tiếp, người yêu cầu nộp hồ sơ.  \n- Nếu lựa chọn hình thức nộp hồ sơ trực tuyến, người yêu cầu truy cập Cổng dịch vụ công.\nNgười yêu cầu cung cấp thông tin theo mẫu, hoàn tất việc sinh tại Trung \nnộp hồ sơ.\n- Cán bộ tiếp nhận hồ sơ kiểm tra hồ sơ. \n(i) Trường hợp hồ sơ đầy đủ thì tiếp nhận;\n(ii) Trường hợp chưa đầy đủ thì hướng dẫn.",
        );
        assert_eq!(s.len(), 3);
        assert!(s[1].ends_with("nộp hồ sơ."));
        assert!(s[2].starts_with("- Cán bộ") && s[2].ends_with("hướng dẫn."));
    }

    #[test]
    fn plain_lines_and_wrapped_sentences() {
        let s = parse_steps(
            "a) Nộp hồ sơ:\nCơ sở nộp 01 bộ hồ sơ\nhoàn thiện lại hồ sơ\nb) Giải quyết",
        );
        assert_eq!(
            s,
            [
                "a) Nộp hồ sơ:",
                "Cơ sở nộp 01 bộ hồ sơ\nhoàn thiện lại hồ sơ",
                "b) Giải quyết"
            ]
        );
        assert_eq!(parse_steps("Không có thông tin"), Vec::<String>::new());
        let s = parse_steps("1. Gửi hồ sơ\nchi tiết\n2. Xem xét");
        assert_eq!(s, ["1. Gửi hồ sơ\nchi tiết", "2. Xem xét"]);
    }
}
