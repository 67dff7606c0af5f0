//! The words of one row with their byte spans, so that rules can match folded phrases
//! ("trong truong hop") and still cut the *original* text at the right place.
//!
//! Folding ([`crate::text::fold`]) drops punctuation, but the punctuation carries the structure
//! of a row: a `;` ends an item, `(` … `)` encloses a remark, `:` introduces a list. So each word
//! keeps its span and its parenthesis depth, and the text between two words (its *gap*) stays
//! available.

use unicode_normalization::char::is_combining_mark;

use crate::text::{TokenKeys, for_each_token};

/// One word: its span in the text, where its keys are in [`Words::keys`] and how many
/// parentheses enclose it.
#[derive(Debug, Clone)]
struct Word {
    start: usize,
    end: usize,
    /// The folded key ("nếu" → `neu`), as a range of [`Words::keys`].
    folded: (usize, usize),
    /// The marked key ([`crate::text::TokenKeys::marked`], "nếu" → `nêu4`): folding alone
    /// makes "nếu" (if) and "nêu" (state), "thì" (then) and "thi" (exam) the same word.
    marked: (usize, usize),
    depth: u8,
}

/// A row's words (see the module documentation).
#[derive(Debug, Clone)]
pub(super) struct Words<'a> {
    text: &'a str,
    words: Vec<Word>,
    /// Every word's keys, one after the other: one allocation per row, not two per word.
    keys: String,
}

/// Letters, digits and the marks of decomposed letters make words; everything else separates
/// them (the same classes as [`for_each_token`], which folds them).
fn is_word_char(c: char) -> bool {
    match c {
        _ if c.is_ascii() => c.is_ascii_alphanumeric(),
        // The Latin letters of Vietnamese, without a table look-up: Latin-1 letters (not × ÷),
        // Latin Extended-A/B (ă đ ơ ư …) and Latin Extended Additional (ạ ả ấ … ỹ).
        '\u{c0}'..='\u{24f}' => c != '×' && c != '÷',
        '\u{1e00}'..='\u{1eff}' => true,
        _ => {
            c.is_alphanumeric()
                || is_combining_mark(c)
                || matches!(c, '\u{ad}' | '\u{200c}' | '\u{200d}')
        }
    }
}

/// A word's span and parenthesis depth, before folding.
struct Span {
    start: usize,
    end: usize,
    depth: u8,
}

impl<'a> Words<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let spans = spans(text);
        let mut keys = String::with_capacity(text.len() * 2);
        let mut folded_keys = Vec::with_capacity(spans.len());
        // Folding the whole row at once gives the keys in order, one per span: the common
        // case. Characters whose decomposition splits ("½") or marks with no letter make the
        // counts differ; then each span is folded on its own.
        for_each_token(text, |k| folded_keys.push(push_keys(&mut keys, k)));
        let words = if folded_keys.len() == spans.len() {
            spans
                .iter()
                .zip(folded_keys)
                .map(|(s, (folded, marked))| Word {
                    start: s.start,
                    end: s.end,
                    folded,
                    marked,
                    depth: s.depth,
                })
                .collect()
        } else {
            keys.clear();
            let mut words = Vec::with_capacity(spans.len());
            for s in &spans {
                // A span of exotic characters can fold to several keys ("½" → "1 2"); each
                // becomes a word with the same span.
                for_each_token(&text[s.start..s.end], |k| {
                    let (folded, marked) = push_keys(&mut keys, k);
                    words.push(Word {
                        start: s.start,
                        end: s.end,
                        folded,
                        marked,
                        depth: s.depth,
                    });
                });
            }
            words
        };
        Self { text, words, keys }
    }

    pub(super) fn text(&self) -> &'a str {
        self.text
    }

    pub(super) fn len(&self) -> usize {
        self.words.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The folded form of word `i` ("" past the end).
    pub(super) fn folded(&self, i: usize) -> &str {
        self.words
            .get(i)
            .and_then(|w| self.keys.get(w.folded.0..w.folded.1))
            .unwrap_or("")
    }

    /// The marked key of word `i` ("" past the end): "nếu" → `nêu4`, "thì" → `thi1`.
    pub(super) fn marked(&self, i: usize) -> &str {
        self.words
            .get(i)
            .and_then(|w| self.keys.get(w.marked.0..w.marked.1))
            .unwrap_or("")
    }

    /// Byte offset where word `i` starts (the text's end past the last word).
    pub(super) fn start(&self, i: usize) -> usize {
        self.words.get(i).map_or(self.text.len(), |w| w.start)
    }

    /// Byte offset where word `i` ends (the text's end past the last word).
    pub(super) fn end(&self, i: usize) -> usize {
        self.words.get(i).map_or(self.text.len(), |w| w.end)
    }

    /// How many parentheses enclose word `i`.
    pub(super) fn depth(&self, i: usize) -> u8 {
        self.words.get(i).map_or(0, |w| w.depth)
    }

    /// The text between word `i - 1` and word `i` (from the start for `i == 0`, to the end
    /// for `i == len()`).
    pub(super) fn gap_before(&self, i: usize) -> &'a str {
        let from = if i == 0 { 0 } else { self.end(i - 1) };
        let to = self.start(i).max(from);
        self.text.get(from..to).unwrap_or("")
    }

    /// The text after the last word (closing punctuation).
    pub(super) fn tail(&self) -> &'a str {
        self.gap_before(self.len())
    }

    /// The text from word `i` to the end.
    pub(super) fn text_from(&self, i: usize) -> &'a str {
        self.text.get(self.start(i)..).unwrap_or("")
    }

    /// Whether the words from `i` on are `phrase` (folded words separated by single spaces).
    pub(super) fn is_at(&self, i: usize, phrase: &str) -> bool {
        phrase
            .split(' ')
            .enumerate()
            .all(|(k, p)| i + k < self.len() && self.folded(i + k) == p)
    }

    /// The number of words in `phrase`.
    pub(super) fn phrase_len(phrase: &str) -> usize {
        phrase.split(' ').count()
    }

    /// The first of `phrases` that starts at word `i`, longest first if they overlap.
    pub(super) fn phrase_at<'p>(&self, i: usize, phrases: &[&'p str]) -> Option<&'p str> {
        phrases
            .iter()
            .filter(|p| self.is_at(i, p))
            .max_by_key(|p| p.len())
            .copied()
    }

    /// Whether the row starts with one of `phrases`.
    pub(super) fn starts_with_any(&self, phrases: &[&str]) -> bool {
        self.phrase_at(0, phrases).is_some()
    }

    /// The first word in `from..to` where one of `phrases` starts, with the phrase.
    pub(super) fn find_any<'p>(
        &self,
        phrases: &[&'p str],
        from: usize,
        to: usize,
    ) -> Option<(usize, &'p str)> {
        (from..to.min(self.len())).find_map(|i| self.phrase_at(i, phrases).map(|p| (i, p)))
    }

    /// Whether the gap before word `i` contains one of `chars`.
    pub(super) fn gap_has(&self, i: usize, chars: &[char]) -> bool {
        self.gap_before(i).contains(chars)
    }

    /// Whether an item ends before word `i`: a `;`, or a full stop followed by a space, outside
    /// parentheses ("số 104/2022/NĐ-CP" and "1.2" do not end anything).
    pub(super) fn item_ends_before(&self, i: usize) -> bool {
        if i == 0 || i >= self.len() || self.depth(i) > 0 {
            return false;
        }
        let gap = self.gap_before(i);
        gap.contains(';') || gap.contains(". ")
    }

    /// The word after the last word of the item that starts at `from` (see
    /// [`Self::item_ends_before`]).
    pub(super) fn item_end(&self, from: usize) -> usize {
        (from + 1..self.len())
            .find(|&i| self.item_ends_before(i))
            .unwrap_or(self.len())
    }

    /// The byte range of the parenthesis that encloses word `i` at depth 1: from its `(` to
    /// just after its `)` (or the text's end when it is not closed).
    pub(super) fn enclosing_parens(&self, i: usize) -> Option<(usize, usize)> {
        if self.depth(i) == 0 {
            return None;
        }
        let at = self.start(i);
        let open = outermost_open(self.text, at)?;
        let close = matching_close(self.text, open).unwrap_or(self.text.len());
        Some((open, close))
    }
}

/// The spans of the words of `text`, with their parenthesis depth.
fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut depth: u8 = 0;
    let mut start = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            start.get_or_insert(i);
            continue;
        }
        if let Some(start) = start.take() {
            out.push(Span {
                start,
                end: i,
                depth,
            });
        }
        match c {
            '(' | '[' => depth = depth.saturating_add(1),
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if let Some(start) = start {
        out.push(Span {
            start,
            end: text.len(),
            depth,
        });
    }
    out
}

/// Appends a token's keys to `keys`; their ranges.
fn push_keys(keys: &mut String, k: TokenKeys<'_>) -> ((usize, usize), (usize, usize)) {
    let f = keys.len();
    keys.push_str(k.folded);
    let m = keys.len();
    keys.push_str(k.marked);
    ((f, m), (m, keys.len()))
}

/// The byte offset of the outermost unclosed `(` or `[` before `at`.
fn outermost_open(text: &str, at: usize) -> Option<usize> {
    let mut stack: Vec<usize> = Vec::new();
    for (i, c) in text.get(..at)?.char_indices() {
        match c {
            '(' | '[' => stack.push(i),
            ')' | ']' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.first().copied()
}

/// The byte offset just after the bracket closing the one at `open`.
fn matching_close(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.get(open..)?.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(open + i + c.len_utf8());
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_spans_depth_and_gaps() {
        let text = "Giấy tờ (nếu có); Bản sao.";
        let w = Words::new(text);
        let folded: Vec<&str> = (0..w.len()).map(|i| w.folded(i)).collect();
        assert_eq!(folded, ["giay", "to", "neu", "co", "ban", "sao"]);
        assert_eq!(&text[w.start(2)..w.end(3)], "nếu có");
        assert_eq!((w.depth(1), w.depth(2), w.depth(4)), (0, 1, 0));
        assert_eq!(w.gap_before(4), "); ");
        assert_eq!(w.tail(), ".");
        assert!(w.is_at(2, "neu co"));
        assert_eq!((w.marked(2), w.marked(3)), ("nêu4", "co4"));
        assert!(w.item_ends_before(4));
        assert_eq!(w.item_end(0), 4);
        assert_eq!(
            w.enclosing_parens(2).map(|(a, b)| &text[a..b]),
            Some("(nếu có)")
        );
        assert_eq!(w.find_any(&["ban sao", "ban"], 0, 9), Some((4, "ban sao")));
    }

    #[test]
    fn numbers_and_abbreviations_do_not_end_an_item() {
        let w = Words::new("Nghị định số 104/2022/NĐ-CP ngày 1.2 và x. Tiếp");
        assert_eq!(w.item_end(0), w.len() - 1);
        // An unclosed parenthesis runs to the end.
        let text = "Đơn (trường hợp cấp lại";
        let w = Words::new(text);
        assert_eq!(
            w.enclosing_parens(2),
            Some((text.find('(').unwrap(), text.len()))
        );
    }

    #[test]
    fn characters_that_fold_to_several_keys() {
        // "½" folds to two keys: each gets the span of the character.
        let text = "a ½ (b)";
        let w = Words::new(text);
        let folded: Vec<&str> = (0..w.len()).map(|i| w.folded(i)).collect();
        assert_eq!(folded, ["a", "1", "2", "b"]);
        assert_eq!((w.start(1), w.end(1)), (w.start(2), w.end(2)));
        assert_eq!(w.depth(3), 1);
        // A mark with no letter before it is not a word.
        let w = Words::new("\u{301} bản");
        assert_eq!(
            (0..w.len()).map(|i| w.marked(i)).collect::<Vec<_>>(),
            ["ban2"]
        );
    }

    #[test]
    fn decomposed_text_makes_the_same_words() {
        use unicode_normalization::UnicodeNormalization;
        let nfc = "Trường hợp ủy quyền";
        let nfd: String = nfc.nfd().collect();
        let a = Words::new(nfc);
        let b = Words::new(&nfd);
        assert_eq!(a.len(), b.len());
        assert!((0..a.len()).all(|i| a.folded(i) == b.folded(i)));
    }
}
