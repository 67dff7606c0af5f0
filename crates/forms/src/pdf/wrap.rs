//! Line breaking: runs of text in several faces into lines no wider than a measure.
//!
//! Greedy, at spaces (runs of spaces are kept inside a line, dropped at its ends), with `\n` as
//! a forced break. A word wider than the whole line — a dossier code in a narrow ledger column,
//! a URL — is cut after its last `-`, `/`, `.` or `,` that fits, else between characters; every
//! line takes at least one character, so wrapping always ends whatever the width.

use crate::template::{Face, Span};

/// Measures text (points at a size).
pub(crate) trait Measure {
    fn width(&self, face: Face, size: f32, text: &str) -> f32;
}

/// A laid-out line: its runs and total width.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub(crate) spans: Vec<Span>,
    pub(crate) width: f32,
}

impl Line {
    fn empty() -> Self {
        Self {
            spans: Vec::new(),
            width: 0.0,
        }
    }

    fn push(&mut self, face: Face, text: &str, width: f32) {
        match self.spans.last_mut() {
            Some(last) if last.face == face => last.text.push_str(text),
            _ => self.spans.push(Span::new(text, face)),
        }
        self.width += width;
    }

    /// The plain text of the line.
    #[cfg(test)]
    pub(crate) fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A word: consecutive non-space characters, possibly in several faces.
type Word = Vec<(Face, String)>;

enum Item {
    Word(Word),
    /// A run of spaces: the face of the first and how many.
    Space(Face, usize),
    Break,
}

fn items(spans: &[Span]) -> Vec<Item> {
    let mut out = Vec::new();
    let mut word: Word = Vec::new();
    let flush = |word: &mut Word, out: &mut Vec<Item>| {
        if !word.is_empty() {
            out.push(Item::Word(std::mem::take(word)));
        }
    };
    for span in spans {
        for c in span.text.chars() {
            if c == '\n' {
                flush(&mut word, &mut out);
                out.push(Item::Break);
            } else if c.is_whitespace() {
                flush(&mut word, &mut out);
                match out.last_mut() {
                    Some(Item::Space(_, n)) => *n += 1,
                    _ => out.push(Item::Space(span.face, 1)),
                }
            } else if c.is_control() {
                continue;
            } else {
                match word.last_mut() {
                    Some((f, s)) if *f == span.face => s.push(c),
                    _ => word.push((span.face, c.to_string())),
                }
            }
        }
    }
    flush(&mut word, &mut out);
    out
}

fn word_width(word: &Word, size: f32, m: &impl Measure) -> f32 {
    word.iter().map(|(f, s)| m.width(*f, size, s)).sum()
}

/// Wraps `spans` at `size` into lines at most `max` wide (a single character wider than `max`
/// still gets its own line). Empty input gives no lines; `\n\n` gives an empty line.
pub(crate) fn wrap(spans: &[Span], size: f32, max: f32, m: &impl Measure) -> Vec<Line> {
    let max = if max.is_nan() { 0.0 } else { max };
    let mut lines = Vec::new();
    let mut line = Line::empty();
    let mut space: Option<(Face, usize)> = None;
    for item in items(spans) {
        match item {
            Item::Break => {
                lines.push(std::mem::replace(&mut line, Line::empty()));
                space = None;
            }
            Item::Space(face, n) => {
                if !line.spans.is_empty() {
                    space = Some((face, n));
                }
            }
            Item::Word(word) => {
                let ww = word_width(&word, size, m);
                if !line.spans.is_empty() {
                    let (sf, n) = space.take().unwrap_or((Face::Regular, 0));
                    let gap = " ".repeat(n);
                    let sw = m.width(sf, size, &gap);
                    if line.width + sw + ww <= max {
                        line.push(sf, &gap, sw);
                        for (f, s) in &word {
                            line.push(*f, s, m.width(*f, size, s));
                        }
                        continue;
                    }
                    lines.push(std::mem::replace(&mut line, Line::empty()));
                }
                if ww <= max {
                    for (f, s) in &word {
                        line.push(*f, s, m.width(*f, size, s));
                    }
                } else {
                    let mut pieces = cut(&word, size, max, m);
                    line = pieces.pop().unwrap_or_else(Line::empty);
                    lines.extend(pieces);
                }
            }
        }
    }
    if !line.spans.is_empty() {
        lines.push(line);
    }
    lines
}

/// Cuts a word wider than `max` into lines; the last piece is returned last (it may take more
/// words after it).
fn cut(word: &Word, size: f32, max: f32, m: &impl Measure) -> Vec<Line> {
    let chars: Vec<(Face, char)> = word
        .iter()
        .flat_map(|(f, s)| s.chars().map(move |c| (*f, c)))
        .collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut width = 0.0;
        let mut end = start;
        let mut soft = None;
        while end < chars.len() {
            let (f, c) = chars[end];
            let w = m.width(f, size, c.encode_utf8(&mut [0; 4]));
            if end > start && width + w > max {
                break;
            }
            width += w;
            end += 1;
            if matches!(c, '-' | '/' | '.' | ',') && end < chars.len() {
                soft = Some(end);
            }
        }
        if end < chars.len()
            && let Some(s) = soft
        {
            end = s;
        }
        let mut line = Line::empty();
        for &(f, c) in &chars[start..end] {
            let s = c.to_string();
            let w = m.width(f, size, &s);
            line.push(f, &s, w);
        }
        out.push(line);
        start = end;
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Every character is one unit wide at size 1 (bold: two), so widths are character counts.
    pub(crate) struct Mono;

    impl Measure for Mono {
        fn width(&self, face: Face, size: f32, text: &str) -> f32 {
            let per = if face == Face::Bold { 2.0 } else { 1.0 };
            text.chars().count() as f32 * per * size
        }
    }

    fn texts(lines: &[Line]) -> Vec<String> {
        lines.iter().map(Line::text).collect()
    }

    fn plain(s: &str) -> Vec<Span> {
        vec![Span::new(s, Face::Regular)]
    }

    #[test]
    fn breaks_at_spaces_greedily() {
        let lines = wrap(&plain("Đăng ký khai sinh cho trẻ em"), 1.0, 10.0, &Mono);
        assert_eq!(texts(&lines), ["Đăng ký", "khai sinh", "cho trẻ em"]);
        assert!(lines.iter().all(|l| l.width <= 10.0));
    }

    #[test]
    fn forced_breaks_and_blank_lines_are_kept() {
        let lines = wrap(&plain("a\n\nb c"), 1.0, 10.0, &Mono);
        assert_eq!(texts(&lines), ["a", "", "b c"]);
        assert!(wrap(&plain(""), 1.0, 10.0, &Mono).is_empty());
        assert!(wrap(&plain("   "), 1.0, 10.0, &Mono).is_empty());
    }

    #[test]
    fn spaces_inside_a_line_are_kept_and_dropped_at_its_ends() {
        let lines = wrap(&plain("  a   b  "), 1.0, 10.0, &Mono);
        assert_eq!(texts(&lines), ["a   b"]);
        assert_eq!(lines[0].width, 5.0);
    }

    #[test]
    fn long_words_are_cut_after_punctuation_else_anywhere() {
        let code = "000.00.17.H06-261202-0001";
        let lines = wrap(&plain(code), 1.0, 14.0, &Mono);
        assert_eq!(texts(&lines), ["000.00.17.H06-", "261202-0001"]);
        let lines = wrap(&plain("abcdefghij"), 1.0, 4.0, &Mono);
        assert_eq!(texts(&lines), ["abcd", "efgh", "ij"]);
        // The last piece takes the next word when it fits.
        let lines = wrap(&plain("abcdefghij k"), 1.0, 4.0, &Mono);
        assert_eq!(texts(&lines), ["abcd", "efgh", "ij k"]);
    }

    #[test]
    fn a_width_narrower_than_one_character_still_ends() {
        let lines = wrap(&plain("ab cd"), 1.0, 0.0, &Mono);
        assert_eq!(texts(&lines), ["a", "b", "c", "d"]);
        let lines = wrap(&plain("ab"), 1.0, f32::NAN, &Mono);
        assert_eq!(texts(&lines), ["a", "b"]);
    }

    #[test]
    fn faces_are_measured_and_kept_per_run() {
        let spans = vec![
            Span::new("Mã: ", Face::Regular),
            Span::new("AB", Face::Bold),
            Span::new(" cd", Face::Regular),
        ];
        let lines = wrap(&spans, 1.0, 8.0, &Mono);
        assert_eq!(texts(&lines), ["Mã: AB", "cd"]);
        assert_eq!(lines[0].width, 8.0);
        assert_eq!(lines[0].spans[1], Span::new("AB", Face::Bold));
    }

    #[test]
    fn every_character_survives_wrapping() {
        let text = "Nguyễn Thị Hường, 12 đường Lý Thái Tổ, phường Kinh Bắc — \
                    https://portal.example/tra-cuu-ho-so?ma=000.00.17.H06-261202-0001";
        for max in [1.0, 5.0, 13.0, 40.0, 1000.0] {
            let lines = wrap(&plain(text), 1.0, max, &Mono);
            let joined: String = texts(&lines).concat();
            let expected: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let got: String = joined.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(got, expected, "max {max}");
        }
    }

    proptest::proptest! {
        /// Whatever the text and the width: no character but spaces is lost or reordered, a
        /// line is wider than the measure only when it holds a single character, and a line's
        /// width is the width of its runs.
        #[test]
        fn wrapping_keeps_every_character_and_the_measure(
            text in "[a-zđươ \\-/.\n]{0,80}",
            bold in "[A-Z ]{0,10}",
            max in 0.0f32..30.0,
        ) {
            let spans = vec![
                Span::new(text.clone(), Face::Regular),
                Span::new(bold.clone(), Face::Bold),
            ];
            let lines = wrap(&spans, 1.0, max, &Mono);
            let visible = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
            proptest::prop_assert_eq!(
                visible(&texts(&lines).concat()),
                visible(&format!("{text}{bold}"))
            );
            for line in &lines {
                let n = line.text().chars().count();
                proptest::prop_assert!(line.width <= max || n <= 1, "{:?}: {}", line.text(), line.width);
                let runs: f32 = line.spans.iter().map(|s| Mono.width(s.face, 1.0, &s.text)).sum();
                proptest::prop_assert_eq!(line.width, runs);
            }
        }
    }
}
