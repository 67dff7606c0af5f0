//! Vietnamese text at the boundary: normalisation and cleaning.
//!
//! The same Vietnamese title can arrive as 22 code points (NFC) or 30 (NFD), with tone marks
//! placed in the old or new style (`hòa` / `hoà`). Every string that enters motcua goes through
//! [`clean_line`] or [`clean_block`] first, so that equality, length limits, search and
//! rendering all see one form.

use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// NFC-normalises `s`, borrowing-free when it already is NFC (the common case).
pub fn nfc(s: &str) -> String {
    match is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.to_owned(),
        _ => s.nfc().collect(),
    }
}

/// A single-line field: NFC, control characters dropped, runs of whitespace collapsed to one
/// space, trimmed.
pub fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in nfc(s).chars() {
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            pending_space = !out.is_empty();
        } else if c.is_control() || c == '\u{200e}' || c == '\u{200f}' {
            continue;
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}

/// A multi-line field: each line cleaned like [`clean_line`], blank lines collapsed, trimmed.
pub fn clean_block(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank_run = false;
    for line in s.lines() {
        let line = clean_line(line);
        if line.is_empty() {
            blank_run = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run {
                out.push('\n');
            }
        }
        blank_run = false;
        out.push_str(&line);
    }
    out
}

/// Length in user-perceived characters after NFC (what a length limit should count; bytes
/// would punish Vietnamese text three times over).
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfd_input_becomes_nfc() {
        let nfd = "Thu\u{309} tu\u{323}c đăng ky\u{301} khai sinh";
        assert_eq!(clean_line(nfd), "Thủ tục đăng ký khai sinh");
        assert_eq!(char_len(&clean_line(nfd)), 25);
    }

    #[test]
    fn whitespace_and_controls_are_tidied() {
        assert_eq!(clean_line("  Đăng\tký \u{0007} khai\u{200b}sinh  "), "Đăng ký khai sinh");
        assert_eq!(clean_line(""), "");
        assert_eq!(clean_line(" \n "), "");
    }

    #[test]
    fn blocks_keep_paragraphs() {
        assert_eq!(
            clean_block("  Bước 1:  nộp \n\n\n Bước 2: nhận  \n"),
            "Bước 1: nộp\n\nBước 2: nhận"
        );
    }
}
