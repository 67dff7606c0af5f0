//! The little language of the wording: literal text with `{placeholders}`, `**bold**`,
//! `__italics__` and line breaks.
//!
//! Entries are checked once, when the wording is loaded ([`check`]), so that an operator's typo
//! is reported with the entry's name instead of printing a stray `{nme}` on a citizen's receipt.
//! Filling ([`fill`]) is then total: values are inserted as text (never read as markup) after the
//! same cleaning every input gets (NFC, control characters dropped).

use motcua_core::text::{clean_block, nfc};

/// The face a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
    Italic,
}

/// A run of text in one face. May contain `\n` (a line break).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) text: String,
    pub(crate) face: Face,
}

impl Span {
    pub(crate) fn new(text: impl Into<String>, face: Face) -> Self {
        Self {
            text: text.into(),
            face,
        }
    }

    /// A cleaned value in the regular face (table cells, names).
    pub(crate) fn value(text: &str) -> Vec<Self> {
        vec![Self::new(clean_block(text), Face::Regular)]
    }
}

/// What is wrong with an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `{name}` where `name` is not offered by the entry.
    #[error("không có trường {{{name}}} (các trường dùng được: {allowed})")]
    UnknownPlaceholder {
        /// The name written.
        name: String,
        /// The names the entry offers, or "không có".
        allowed: String,
    },
    /// A `{` without its `}`, or a `}` without its `{` (write `{{` / `}}` for a brace).
    #[error("dấu ngoặc nhọn lẻ ở ký tự thứ {at}: viết {{{{ hoặc }}}} để in dấu ngoặc")]
    StrayBrace {
        /// Character position, from 1.
        at: usize,
    },
    /// `**` or `__` opened and not closed.
    #[error("dấu {marker} mở mà không đóng")]
    UnpairedMarker {
        /// The marker.
        marker: &'static str,
    },
}

enum Token<'a> {
    Text(String),
    Field(&'a str),
    Bold,
    Italic,
}

fn tokens(template: &str) -> Result<Vec<Token<'_>>, TemplateError> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = template;
    let mut at = 0;
    while let Some(c) = rest.chars().next() {
        at += 1;
        let two = rest.get(..2);
        if two == Some("{{") || two == Some("}}") {
            text.push(c);
            rest = &rest[2..];
            at += 1;
            continue;
        }
        let marker = match two {
            Some("**") => Some(Token::Bold),
            Some("__") => Some(Token::Italic),
            _ => None,
        };
        if let Some(m) = marker {
            if !text.is_empty() {
                out.push(Token::Text(std::mem::take(&mut text)));
            }
            out.push(m);
            rest = &rest[2..];
            at += 1;
            continue;
        }
        match c {
            '{' => {
                let end = rest.find('}').ok_or(TemplateError::StrayBrace { at })?;
                let name = &rest[1..end];
                if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(TemplateError::StrayBrace { at });
                }
                if !text.is_empty() {
                    out.push(Token::Text(std::mem::take(&mut text)));
                }
                out.push(Token::Field(name));
                at += name.chars().count() + 1;
                rest = &rest[end + 1..];
            }
            '}' => return Err(TemplateError::StrayBrace { at }),
            c => {
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !text.is_empty() {
        out.push(Token::Text(text));
    }
    Ok(out)
}

/// Checks an entry: well-formed, only `allowed` placeholders, markers paired.
pub(crate) fn check(template: &str, allowed: &[&str]) -> Result<(), TemplateError> {
    let (mut bold, mut italic) = (false, false);
    for t in tokens(template)? {
        match t {
            Token::Field(name) if !allowed.contains(&name) => {
                return Err(TemplateError::UnknownPlaceholder {
                    name: name.to_owned(),
                    allowed: if allowed.is_empty() {
                        "không có".to_owned()
                    } else {
                        allowed
                            .iter()
                            .map(|a| format!("{{{a}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                });
            }
            Token::Bold => bold = !bold,
            Token::Italic => italic = !italic,
            Token::Field(_) | Token::Text(_) => {}
        }
    }
    if bold {
        return Err(TemplateError::UnpairedMarker { marker: "**" });
    }
    if italic {
        return Err(TemplateError::UnpairedMarker { marker: "__" });
    }
    Ok(())
}

/// Fills an entry: `values` maps placeholder names to (uncleaned) values; a name without a
/// value prints `blank`, and so does an empty value. A malformed entry (impossible once
/// [`check`]ed) prints as literal text.
pub(crate) fn fill(template: &str, values: &[(&str, &str)], blank: &str) -> Vec<Span> {
    let Ok(tokens) = tokens(template) else {
        return vec![Span::new(nfc(template), Face::Regular)];
    };
    let (mut bold, mut italic) = (false, false);
    let mut spans: Vec<Span> = Vec::new();
    let mut push = |text: String, face: Face| match spans.last_mut() {
        Some(last) if last.face == face => last.text.push_str(&text),
        _ if text.is_empty() => {}
        _ => spans.push(Span::new(text, face)),
    };
    for t in tokens {
        let face = match (bold, italic) {
            (true, _) => Face::Bold,
            (false, true) => Face::Italic,
            (false, false) => Face::Regular,
        };
        match t {
            Token::Text(s) => push(nfc(&s), face),
            Token::Field(name) => {
                let value = values
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| clean_block(v))
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| blank.to_owned());
                push(value, face);
            }
            Token::Bold => bold = !bold,
            Token::Italic => italic = !italic,
        }
    }
    spans
}

/// Fills an entry as plain text (markup dropped): spreadsheet headers, document titles.
pub(crate) fn fill_plain(template: &str, values: &[(&str, &str)], blank: &str) -> String {
    fill(template, values, blank)
        .into_iter()
        .map(|s| s.text)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_placeholders_braces_and_markers() {
        assert!(check("Mã hồ sơ: **{code}**", &["code"]).is_ok());
        assert!(check("{{literal}} braces", &[]).is_ok());
        assert_eq!(
            check("Mã: {cdoe}", &["code"]),
            Err(TemplateError::UnknownPlaceholder {
                name: "cdoe".into(),
                allowed: "{code}".into()
            })
        );
        assert!(matches!(
            check("Mã: {code", &["code"]),
            Err(TemplateError::StrayBrace { at: 5 })
        ));
        assert!(matches!(
            check("a } b", &[]),
            Err(TemplateError::StrayBrace { at: 3 })
        ));
        assert!(matches!(
            check("{ code }", &["code"]),
            Err(TemplateError::StrayBrace { .. })
        ));
        assert_eq!(
            check("**đậm", &[]),
            Err(TemplateError::UnpairedMarker { marker: "**" })
        );
        assert_eq!(
            check("__nghiêng", &[]),
            Err(TemplateError::UnpairedMarker { marker: "__" })
        );
    }

    #[test]
    fn fills_values_as_text_never_as_markup() {
        let spans = fill(
            "Mã hồ sơ: **{code}** ({name})",
            &[("code", "000.00.17.H06-261202-0001"), ("name", "**x** {y}")],
            "……",
        );
        assert_eq!(
            spans,
            vec![
                Span::new("Mã hồ sơ: ", Face::Regular),
                Span::new("000.00.17.H06-261202-0001", Face::Bold),
                Span::new(" (**x** {y})", Face::Regular),
            ]
        );
    }

    #[test]
    fn missing_and_empty_values_print_the_blank() {
        assert_eq!(
            fill_plain("A: {a}, B: {b}", &[("a", "  ")], "…"),
            "A: …, B: …"
        );
    }

    #[test]
    fn normalises_to_nfc_and_drops_controls() {
        // "Hường" typed in NFD (u + horn + grave), with a stray control character.
        let nfd = "Hu\u{031b}o\u{031b}\u{0300}ng\u{0007}";
        assert_eq!(fill_plain("{n}", &[("n", nfd)], ""), "Hường");
        assert_eq!(fill_plain("Ho\u{0300}a", &[], ""), "Hòa");
    }
}
