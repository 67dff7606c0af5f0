//! The search request and its translation into dictionary terms.

use std::ops::Range;

use motcua_core::catalog::{ImplementingLevel, OnlineLevel};
use motcua_core::text::{Tone, for_each_token, marked_letters};

use crate::index::CatalogIndex;

/// A catalog search request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// What the user typed, with or without diacritics, in any case, NFC or NFD. Empty (or
    /// only punctuation) means browse: every procedure matching the filters, in name order.
    pub text: String,
    /// Only procedures of this lĩnh vực (exact match after [`motcua_core::text::clean_line`]).
    pub field: Option<String>,
    /// Only procedures carried out at this level.
    pub level: Option<ImplementingLevel>,
    /// Only procedures offered by this agency (internal agency id).
    pub agency: Option<String>,
    /// Only procedures at this online service level.
    pub online: Option<OnlineLevel>,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Hits to return at most; 0 returns only the total and the facets.
    pub limit: usize,
}

impl Query {
    /// Page size used by [`Self::new`].
    pub const DEFAULT_LIMIT: usize = 20;

    /// A text query with no filters, first page of [`Self::DEFAULT_LIMIT`] hits.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            limit: Self::DEFAULT_LIMIT,
            ..Self::default()
        }
    }
}

/// Words after the 64th are ignored: a word is one bit in the ranking masks, and 64 words
/// already single out any procedure (names average 22 syllables).
pub(crate) const MAX_WORDS: usize = 64;

/// Only this much of the text is read, so that a pasted document costs no more than a name.
const MAX_TEXT_BYTES: usize = 4096;

/// One query word, resolved against the dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    /// Term ids the word matches: its own id, or for the last word every term it prefixes.
    pub(crate) range: Range<u32>,
    /// The term equal to the word, when matching it whole deserves a bonus over matching a
    /// longer syllable by prefix: always for the last word if it has 2+ letters ("ban" prefers
    /// "bản" to "bằng"); a single letter says too little ("c" should not prefer "loại C").
    pub(crate) whole: Option<u32>,
    /// Whether the word matches as a prefix (the last word, for type-ahead).
    pub(crate) prefix: bool,
    /// Set when the word was typed with diacritics: the names that agree with them rank higher.
    pub(crate) marks: Option<Marks>,
}

/// The diacritics a query word was typed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marks {
    /// The mark id of the whole word, if any name has it.
    id: Option<u32>,
    /// Letters with vowel marks, no tone ("hòa" → "hoa", "đăn" → "đăn").
    letters: String,
    tone: Tone,
}

impl Marks {
    /// Whether the name token with mark id `mark` agrees with the typed diacritics. A prefix
    /// word agrees with a token that starts with its letters and has its tone; a prefix typed
    /// without a tone yet (`ho` on the way to `hòa`) accepts any tone.
    /// Whether some name has the whole word with these diacritics (a word that is not the
    /// last can only agree then).
    pub(crate) fn exists(&self) -> bool {
        self.id.is_some()
    }

    /// Whether some name has a syllable with exactly these letters and, if one was typed,
    /// this tone: the only way the last word can agree and be whole at once.
    pub(crate) fn whole_syllable_exists(&self, index: &CatalogIndex) -> bool {
        let tones = if self.tone == Tone::Ngang {
            &Tone::ALL[..]
        } else {
            std::slice::from_ref(&self.tone)
        };
        let mut key = self.letters.clone();
        tones.iter().any(|tone| {
            key.truncate(self.letters.len());
            key.push(tone.digit());
            index.mark_id(&key).is_some()
        })
    }

    pub(crate) fn agree(&self, index: &CatalogIndex, mark: u32, prefix: bool) -> bool {
        if !prefix {
            return self.id == Some(mark);
        }
        let key = index.mark(mark);
        let tone = key.chars().last().and_then(Tone::from_digit);
        marked_letters(key).starts_with(self.letters.as_str())
            && (self.tone == Tone::Ngang || tone == Some(self.tone))
    }
}

/// A query text, prepared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Prepared {
    /// No words: list everything that passes the filters.
    Browse,
    /// Words that can all be found in the dictionary.
    Words(Vec<Word>),
    /// One word that is no syllable and no prefix of one, read as the initials of consecutive
    /// syllables: "gpxd" → giấy phép xây dựng.
    Initials(String),
    /// A word no name contains: nothing matches.
    Nothing,
}

/// Splits the query text into words and resolves them against the index's dictionary.
///
/// A leading "thủ tục" is dropped when other words follow: many names start with it and many
/// do not, and users type it or not, so it must neither filter nor rank.
pub(crate) fn prepare(index: &CatalogIndex, text: &str) -> Prepared {
    let text = &text[..text.floor_char_boundary(MAX_TEXT_BYTES)];
    let mut raw: Vec<(String, String, bool)> = Vec::new();
    for_each_token(text, |keys| {
        if raw.len() < MAX_WORDS {
            raw.push((
                keys.folded.to_owned(),
                keys.marked.to_owned(),
                keys.has_diacritics,
            ));
        }
    });
    if raw.len() > 2 && raw[0].0 == "thu" && raw[1].0 == "tuc" {
        raw.drain(..2);
    }
    let Some(last) = raw.len().checked_sub(1) else {
        return Prepared::Browse;
    };

    let words: Vec<Word> = raw
        .iter()
        .enumerate()
        .map(|(i, (folded, marked, has_diacritics))| {
            let prefix = i == last;
            let exact = index.term_id(folded);
            let range = if prefix {
                index.prefix_range(folded)
            } else {
                exact.map_or(0..0, |t| t..t + 1)
            };
            let whole = exact.filter(|_| folded.chars().nth(1).is_some());
            let marks = has_diacritics.then(|| Marks {
                id: index.mark_id(marked),
                letters: marked_letters(marked).to_owned(),
                tone: marked
                    .chars()
                    .last()
                    .and_then(Tone::from_digit)
                    .unwrap_or_default(),
            });
            Word {
                range,
                whole,
                prefix,
                marks,
            }
        })
        .collect();

    if words.iter().all(|w| !w.range.is_empty()) {
        return Prepared::Words(words);
    }
    match raw.as_slice() {
        [(folded, _, _)] if is_initials(folded) => Prepared::Initials(folded.clone()),
        _ => Prepared::Nothing,
    }
}

/// 2 to 12 ASCII letters: short enough to be an abbreviation such as "gpxd", "bhyt", "cmnd".
/// Only consulted for a single word that no syllable starts with, so it cannot take results
/// away from an ordinary query.
fn is_initials(word: &str) -> bool {
    (2..=12).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    fn words(index: &CatalogIndex, text: &str) -> Vec<Word> {
        match prepare(index, text) {
            Prepared::Words(words) => words,
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn words_resolve_to_terms_and_the_last_one_to_a_prefix_range() {
        let index = fixture::index();
        let w = words(&index, "dang ky khai s");
        assert_eq!(w.len(), 4);
        assert_eq!(w[0].range.len(), 1);
        assert_eq!(w[0].whole, index.term_id("dang"));
        assert!(!w[0].prefix && w[3].prefix);
        assert_eq!(w[3].range, index.prefix_range("s"));
        assert_eq!(w[3].whole, None);
        // A single letter gets no whole-word bonus, even where it is a word ("loại C").
        let w = words(&index, "dang ky k");
        assert_eq!(w[2].range, index.prefix_range("k"));
        assert_eq!(w[2].whole, None);
        assert!(w.iter().all(|w| w.marks.is_none()));
    }

    #[test]
    fn any_form_of_the_same_text_prepares_alike() {
        let index = fixture::index();
        let expected = prepare(&index, "Đăng ký khai sinh");
        for text in [
            "đăng ký khai sinh",
            "ĐĂNG KÝ KHAI SINH",
            "  Đăng-ký,  khai   sinh!  ",
            "\u{111}a\u{306}ng ky\u{301} khai sinh",
            "Thủ tục đăng ký khai sinh",
        ] {
            assert_eq!(prepare(&index, text), expected, "{text:?}");
        }
        assert_ne!(prepare(&index, "dang ky khai sinh"), expected);
    }

    #[test]
    fn diacritics_are_kept_per_word() {
        let index = fixture::index();
        let w = words(&index, "hoà giải");
        let marks = w[0].marks.as_ref().unwrap();
        assert_eq!(marks.id, index.mark_id("hoa1"));
        assert_eq!((marks.letters.as_str(), marks.tone), ("hoa", Tone::Huyen));
        let w = words(&index, "dang ký");
        assert!(w[0].marks.is_none() && w[1].marks.is_some());
    }

    #[test]
    fn browse_nothing_and_initials() {
        let index = fixture::index();
        assert_eq!(prepare(&index, ""), Prepared::Browse);
        assert_eq!(prepare(&index, " ,;- "), Prepared::Browse);
        assert_eq!(prepare(&index, "khai quyzx"), Prepared::Nothing);
        assert_eq!(prepare(&index, "quyzx khai"), Prepared::Nothing);
        assert_eq!(
            prepare(&index, "GPXD"),
            Prepared::Initials("gpxd".to_owned())
        );
        // A prefix of a real syllable is type-ahead, not initials.
        assert!(matches!(prepare(&index, "ngh"), Prepared::Words(_)));
        // "thủ tục" alone is searched for, not dropped.
        assert_eq!(words(&index, "thủ tục").len(), 2);
    }

    #[test]
    fn long_queries_are_bounded() {
        let index = fixture::index();
        let text = "khai ".repeat(10_000);
        assert_eq!(words(&index, &text).len(), MAX_WORDS);
        let text = "ạ".repeat(5_000);
        assert!(matches!(prepare(&index, &text), Prepared::Nothing));
    }
}
