//! Small string-scanning helpers shared by the section parsers.
//!
//! The export's tables were flattened without separators, so the parsers work by recognising
//! short literal patterns ("Miễn phí", "bản chính", a document number ...) at byte positions.
//! Every position used for slicing comes from `find`, `char_indices` or the length of a matched
//! literal, and slicing goes through [`cut`], which never panics: a bad row must not bring the
//! import down.

/// The portal's null marker.
pub(super) const NULL_MARKER: &str = "Không có thông tin";

/// `s[a..b]`, or `""` when the range is not on character boundaries (never expected).
pub(super) fn cut(s: &str, a: usize, b: usize) -> &str {
    s.get(a..b).unwrap_or_default()
}

/// `s[a..]`, or `""` when `a` is not a character boundary (never expected).
pub(super) fn from(s: &str, a: usize) -> &str {
    s.get(a..).unwrap_or_default()
}

/// `s[..b]`, or `""` when `b` is not a character boundary (never expected).
pub(super) fn upto(s: &str, b: usize) -> &str {
    s.get(..b).unwrap_or_default()
}

/// True when `s` is empty or the portal's null marker.
pub(super) fn is_null(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t == NULL_MARKER
}

/// Byte length of the run of ASCII digits at the start of `s`.
pub(super) fn digit_run(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

/// The character just before byte position `i`.
pub(super) fn char_before(s: &str, i: usize) -> Option<char> {
    upto(s, i).chars().next_back()
}

/// The character at byte position `i`.
pub(super) fn char_at(s: &str, i: usize) -> Option<char> {
    from(s, i).chars().next()
}

/// Parses a decimal amount of ASCII digits (`"007"` → 7), saturating instead of overflowing.
pub(super) fn digits_value(s: &str) -> i64 {
    s.bytes().filter(u8::is_ascii_digit).fold(0_i64, |acc, b| {
        acc.saturating_mul(10).saturating_add(i64::from(b - b'0'))
    })
}

/// A money amount at the start of `s`: `10,000`, `1.200.000` (groups of three after a 1–3 digit
/// head) or a plain digit run. Returns the value and the bytes consumed.
pub(super) fn grouped_number(s: &str) -> Option<(i64, usize)> {
    let head = digit_run(s);
    if head == 0 {
        return None;
    }
    let mut end = head;
    if head <= 3 {
        let bytes = s.as_bytes();
        while let Some(&sep) = bytes.get(end) {
            let group = from(s, end + 1);
            if (sep == b',' || sep == b'.')
                && digit_run(group) == 3
                && !group.as_bytes().get(3).is_some_and(u8::is_ascii_digit)
            {
                end += 4;
            } else {
                break;
            }
        }
    }
    Some((digits_value(upto(s, end)), end))
}

/// Every number written in `s` (with or without thousands separators), e.g. the amounts a fee
/// note states: `"(150.000 đồng/lần)"` → `[150000]`.
pub(super) fn numbers_in(s: &str) -> Vec<i64> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let rest = from(s, i);
        let starts_run = rest.as_bytes().first().is_some_and(u8::is_ascii_digit)
            && !char_before(s, i).is_some_and(|c| c.is_ascii_digit());
        if starts_run && let Some((v, used)) = grouped_number(rest) {
            out.push(v);
            i += used.max(1);
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// The byte length of a balanced parenthesised group at the start of `s` (which must start with
/// `(`), or `None` when it is never closed.
pub(super) fn balanced_paren(s: &str) -> Option<usize> {
    let mut depth = 0_usize;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        if depth == 0 {
            return None;
        }
    }
    None
}

/// All byte positions where `pat` occurs in `s`.
pub(super) fn positions(s: &str, pat: &str) -> Vec<usize> {
    s.match_indices(pat).map(|(i, _)| i).collect()
}

/// Shortens `s` to at most `max` characters for a note, marking the cut with `…`.
pub(super) fn excerpt(s: &str, max: usize) -> String {
    let t = s.trim();
    if t.chars().count() <= max {
        return t.to_owned();
    }
    let mut out: String = t.chars().take(max).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_numbers() {
        assert_eq!(grouped_number("10,000 Việt Nam Đồng"), Some((10_000, 6)));
        assert_eq!(grouped_number("1.200.000đ"), Some((1_200_000, 9)));
        assert_eq!(grouped_number("150 VNĐ"), Some((150, 3)));
        assert_eq!(grouped_number("1200,000"), Some((1200, 4)));
        assert_eq!(grouped_number("x"), None);
    }

    #[test]
    fn numbers_in_notes() {
        assert_eq!(numbers_in("(150.000 đồng/lần/thẻ.)"), vec![150_000]);
        assert_eq!(
            numbers_in("Từ 01/7/2025: 20.000Đ"),
            vec![1, 7, 2025, 20_000]
        );
    }

    #[test]
    fn parentheses() {
        assert_eq!(balanced_paren("(a (b) c)rest"), Some(9));
        assert_eq!(balanced_paren("(never"), None);
        assert_eq!(balanced_paren("x"), None);
    }

    #[test]
    fn cutting_never_panics() {
        let s = "Việt";
        assert_eq!(cut(s, 0, 3), "");
        assert_eq!(cut(s, 0, 2), "Vi");
        assert_eq!(from(s, 3), "");
        assert_eq!(upto(s, 99), "");
    }
}
