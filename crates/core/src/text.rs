//! Vietnamese text at the boundary: normalisation and cleaning.
//!
//! The same Vietnamese title can arrive as 22 code points (NFC) or 30 (NFD), with tone marks
//! placed in the old or new style (`hòa` / `hoà`). Every string that enters motcua goes through
//! [`clean_line`] or [`clean_block`] first, so that equality, length limits, search and
//! rendering all see one form.
//!
//! Search needs more than one form: [`for_each_token`] splits text into syllables and gives each
//! an accent-free key ("Đăng" → "dang") and a tone-placement-independent marked key
//! ("Hòa"/"Hoà" → "hoa1"); [`collation_key`] sorts names in Vietnamese dictionary order.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};
use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// NFC-normalises `s`, borrowing-free when it already is NFC (the common case).
pub fn nfc(s: &str) -> String {
    match is_nfc_quick(s.chars()) {
        unicode_normalization::IsNormalized::Yes => s.to_owned(),
        _ => s.nfc().collect(),
    }
}

/// A message with its first letter capitalised (messages are composed from lower-case parts
/// and shown as sentences).
pub fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
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

// ------------------------------------------------------------------------------------------------
// Folding for search
// ------------------------------------------------------------------------------------------------
//
// Search must treat "dang ky", "Đăng ký", "ĐĂNG KÝ" and the NFD spelling of it alike, and must
// not care whether the tone mark sits on the first or the second vowel (`hòa` / `hoà`): the
// national database and the unit-name lists use both styles. So every syllable gets two keys:
//
// * the *folded* key: lower case, every mark removed, `đ` → `d` ("Đăng" → "dang");
// * the *marked* key: the letters with their vowel marks kept (ă â ê ô ơ ư đ), the tone removed
//   from whatever vowel carried it, and the tone appended as one digit ("Hoà" and "Hòa" →
//   "hoa1"). It lets a query typed *with* diacritics prefer the syllable it actually names.
//
// `đ` has no canonical decomposition, so "strip combining marks after NFD" leaves it in place
// (STACK.md §3.3); the table below handles it, and the whole Vietnamese repertoire, directly.
// Anything outside the table is decomposed (compatibility decomposition, which includes the
// canonical one) and handled part by part, so precomposed and decomposed input end up alike.

/// The six tones of a Vietnamese syllable, in the traditional dictionary order (ngang, huyền,
/// hỏi, ngã, sắc, nặng) so that sorting by tone sorts like a dictionary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tone {
    /// Thanh ngang (no mark).
    #[default]
    Ngang,
    /// Thanh huyền (`à`).
    Huyen,
    /// Thanh hỏi (`ả`).
    Hoi,
    /// Thanh ngã (`ã`).
    Nga,
    /// Thanh sắc (`á`).
    Sac,
    /// Thanh nặng (`ạ`).
    Nang,
}

impl Tone {
    /// All tones, in dictionary order.
    pub const ALL: [Self; 6] = [
        Self::Ngang,
        Self::Huyen,
        Self::Hoi,
        Self::Nga,
        Self::Sac,
        Self::Nang,
    ];

    /// The digit that ends a marked key: `'0'` (ngang) to `'5'` (nặng), in dictionary order.
    pub fn digit(self) -> char {
        char::from(b'0' + self as u8)
    }

    /// The tone whose [`Self::digit`] is `c`.
    pub fn from_digit(c: char) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.digit() == c)
    }
}

/// Vowel and consonant marks kept in the marked key, as bits so that the marks of one letter
/// can arrive in any order (NFD sorts them by combining class, NFC composes some of them).
const BREVE: u8 = 1;
const CIRCUMFLEX: u8 = 2;
const HORN: u8 = 4;
const STROKE: u8 = 8;

/// The search keys of one syllable token, borrowed from the tokenizer's buffers: they are only
/// valid inside the callback of [`for_each_token`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenKeys<'a> {
    /// ASCII-folded key: lower case, no marks, `đ` → `d` ("Đăng" → "dang"). Letters of other
    /// scripts are kept, lower-cased and decomposed.
    pub folded: &'a str,
    /// Marked key: letters with vowel marks (ă â ê ô ơ ư đ), tone removed, then the tone's digit
    /// ("Hoà" → "hoa1", "đăng" → "đăng0"). Independent of tone placement and of NFC/NFD.
    pub marked: &'a str,
    /// The syllable's tone.
    pub tone: Tone,
    /// Whether the token carried any Vietnamese diacritic (a tone, a vowel mark or `đ`).
    pub has_diacritics: bool,
}

impl<'a> TokenKeys<'a> {
    /// The marked key without its tone digit ("hoa1" → "hoa", "đăng0" → "đăng").
    pub fn marked_letters(&self) -> &'a str {
        marked_letters(self.marked)
    }
}

/// The letters of a marked key, without the trailing tone digit.
pub fn marked_letters(marked: &str) -> &str {
    match marked.as_bytes().last() {
        Some(b'0'..=b'5') => &marked[..marked.len() - 1],
        _ => marked,
    }
}

/// One syllable token with its two search keys (see [`TokenKeys`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Token {
    /// ASCII-folded key.
    pub folded: String,
    /// Marked key (vowel marks kept, tone as a trailing digit).
    pub marked: String,
}

impl From<TokenKeys<'_>> for Token {
    fn from(keys: TokenKeys<'_>) -> Self {
        Self {
            folded: keys.folded.to_owned(),
            marked: keys.marked.to_owned(),
        }
    }
}

/// Splits `s` into syllable tokens and calls `sink` with the keys of each, in order.
///
/// A token is a maximal run of letters and digits (any script) with their combining marks;
/// everything else separates tokens ("58/2017/NĐ-CP" → `58`, `2017`, `nd`, `cp`). Soft hyphens
/// and zero-width (non-)joiners are ignored inside a token. NFC and NFD input, upper and lower
/// case, and the placement of the tone mark give the same tokens. Two buffers are allocated
/// per call and reused for every token; ASCII characters take a fast path without lookups.
pub fn for_each_token<F: FnMut(TokenKeys<'_>)>(s: &str, sink: F) {
    let mut folder = Folder {
        folded: String::with_capacity(16),
        marked: String::with_capacity(24),
        pending: None,
        tone: Tone::Ngang,
        diacritics: false,
        sink,
    };
    for c in s.chars() {
        folder.push_char(c);
    }
    folder.end_token();
}

/// The tokens of `s` with owned keys (see [`for_each_token`]).
pub fn tokens(s: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for_each_token(s, |keys| out.push(Token::from(keys)));
    out
}

/// The folded keys of `s` joined by single spaces: "Thủ tục  Đăng-ký!" → "thu tuc dang ky".
/// Idempotent: folding the result again changes nothing.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for_each_token(s, |keys| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(keys.folded);
    });
    out
}

/// The marked keys of `s` joined by single spaces: "Hòa giải" and "Hoà giải" → "hoa1 giai2".
pub fn fold_marked(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for_each_token(s, |keys| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(keys.marked);
    });
    out
}

/// A byte key that sorts Vietnamese text in (approximately) dictionary order when compared
/// with `Ord` on `[u8]`.
///
/// Syllable by syllable: first the letters in the order of the Vietnamese alphabet
/// (a ă â b c d đ e ê … o ô ơ … u ư … y, with f j w z at their Latin places and digits before
/// letters), then the tone in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng). So
/// "ba" < "ba ba" < "bà" < "bác" and "Đà Nẵng" sorts after every "D…". Case, punctuation,
/// spacing, NFC/NFD and tone placement are ignored. Approximations: numbers compare digit by
/// digit ("10" < "9"), and letters of other scripts sort after Latin ones by code point.
pub fn collation_key(s: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(s.len() + 8);
    for_each_token(s, |keys| {
        for c in keys.marked_letters().chars() {
            match collation_rank(c) {
                Some(rank) => key.push(rank),
                None => {
                    key.push(0xF0);
                    let mut buf = [0; 4];
                    key.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        // 0x01 ends the letters (so "ba" < "bac"), then the tone (so "ba" < "bà").
        key.push(0x01);
        key.push(0x02 + keys.tone as u8);
    });
    key
}

/// The 33 letters (29 Vietnamese + f j w z) in Vietnamese alphabetical order.
const COLLATION_ALPHABET: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";

fn collation_rank(c: char) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(0x10 + (c as u8 - b'0'));
    }
    let index = COLLATION_ALPHABET.chars().position(|l| l == c)?;
    u8::try_from(index).ok().map(|i| 0x20 + i)
}

/// What one (decomposed) character contributes to the token being built.
enum Piece {
    /// A letter or digit: its folded form, its vowel-mark bits and its tone.
    Letter(char, u8, Tone),
    /// A combining mark: vowel-mark bits and tone for the preceding letter (both may be empty).
    Mark(u8, Tone),
    /// Invisible inside a word (soft hyphen, zero-width joiners).
    Ignore,
    /// Ends the current token.
    Separator,
}

/// Incremental tokenizer state; `folded` and `marked` hold the token being built.
struct Folder<F> {
    folded: String,
    marked: String,
    /// The last letter, not yet written to `marked` because marks may still follow (NFD).
    pending: Option<(char, u8)>,
    tone: Tone,
    diacritics: bool,
    sink: F,
}

impl<F: FnMut(TokenKeys<'_>)> Folder<F> {
    fn push_char(&mut self, c: char) {
        if c.is_ascii() {
            self.apply(ascii_piece(c));
        } else if let Some((base, marks, tone)) = vietnamese_letter(c) {
            self.apply(Piece::Letter(char::from(base), marks, tone));
        } else if is_ignorable(c) {
            // Nothing: a soft hyphen inside a word does not split it.
        } else {
            decompose_compatible(c, |part| self.push_part(part));
        }
    }

    /// One character of a full compatibility decomposition.
    fn push_part(&mut self, c: char) {
        if let Some(piece) = simple_piece(c) {
            self.apply(piece);
        } else if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                let piece = simple_piece(lower).unwrap_or(if lower.is_alphanumeric() {
                    Piece::Letter(lower, 0, Tone::Ngang)
                } else {
                    Piece::Separator
                });
                self.apply(piece);
            }
        } else {
            self.apply(Piece::Separator);
        }
    }

    fn apply(&mut self, piece: Piece) {
        match piece {
            Piece::Letter(base, marks, tone) => {
                self.flush_pending();
                self.folded.push(base);
                self.pending = Some((base, marks));
                self.tone = self.tone.max(tone);
            }
            Piece::Mark(marks, tone) => {
                // A mark with no letter before it in the token has nothing to modify.
                if let Some((_, pending_marks)) = &mut self.pending {
                    *pending_marks |= marks;
                    self.tone = self.tone.max(tone);
                }
            }
            Piece::Ignore => {}
            Piece::Separator => self.end_token(),
        }
    }

    fn flush_pending(&mut self) {
        if let Some((base, marks)) = self.pending.take() {
            let marked = with_marks(base, marks);
            self.diacritics |= marked != base;
            self.marked.push(marked);
        }
    }

    fn end_token(&mut self) {
        self.flush_pending();
        if !self.folded.is_empty() {
            self.diacritics |= self.tone != Tone::Ngang;
            self.marked.push(self.tone.digit());
            (self.sink)(TokenKeys {
                folded: &self.folded,
                marked: &self.marked,
                tone: self.tone,
                has_diacritics: self.diacritics,
            });
        }
        self.folded.clear();
        self.marked.clear();
        self.tone = Tone::Ngang;
        self.diacritics = false;
    }
}

fn ascii_piece(c: char) -> Piece {
    if c.is_ascii_alphanumeric() {
        Piece::Letter(c.to_ascii_lowercase(), 0, Tone::Ngang)
    } else {
        Piece::Separator
    }
}

/// The piece for `c` when no further decomposition or case mapping is needed.
fn simple_piece(c: char) -> Option<Piece> {
    if c.is_ascii() {
        return Some(ascii_piece(c));
    }
    if let Some((base, marks, tone)) = vietnamese_letter(c) {
        return Some(Piece::Letter(char::from(base), marks, tone));
    }
    if let Some((marks, tone)) = vietnamese_mark(c) {
        return Some(Piece::Mark(marks, tone));
    }
    if is_combining_mark(c) {
        // Marks Vietnamese does not use (diaeresis, ring …) are dropped but stay in the word.
        return Some(Piece::Mark(0, Tone::Ngang));
    }
    if is_ignorable(c) {
        return Some(Piece::Ignore);
    }
    None
}

/// Format characters that may sit inside a word without splitting it.
fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200c}' | '\u{200d}' | '\u{2060}')
}

/// The letter a base letter becomes with the vowel marks in `marks`; marks that Vietnamese
/// does not put on that letter (a circumflex on `u`, …) are dropped.
fn with_marks(base: char, marks: u8) -> char {
    match base {
        'a' if marks & CIRCUMFLEX != 0 => 'â',
        'a' if marks & BREVE != 0 => 'ă',
        'e' if marks & CIRCUMFLEX != 0 => 'ê',
        'o' if marks & HORN != 0 => 'ơ',
        'o' if marks & CIRCUMFLEX != 0 => 'ô',
        'u' if marks & HORN != 0 => 'ư',
        'd' if marks & STROKE != 0 => 'đ',
        other => other,
    }
}

/// The combining marks of decomposed Vietnamese: five tones and three vowel marks.
fn vietnamese_mark(c: char) -> Option<(u8, Tone)> {
    Some(match c {
        '\u{300}' => (0, Tone::Huyen),
        '\u{301}' => (0, Tone::Sac),
        '\u{303}' => (0, Tone::Nga),
        '\u{309}' => (0, Tone::Hoi),
        '\u{323}' => (0, Tone::Nang),
        '\u{306}' => (BREVE, Tone::Ngang),
        '\u{302}' => (CIRCUMFLEX, Tone::Ngang),
        '\u{31b}' => (HORN, Tone::Ngang),
        _ => return None,
    })
}

/// Precomposed Vietnamese letters (both cases): ASCII base, vowel marks, tone. Generated from
/// `diacritics_folding_table.csv` (vi-text); the tests check it against Unicode decomposition.
/// `Ð`/`ð` (eth) are included because `Ð` is a common look-alike for `Đ` in converted text.
fn vietnamese_letter(c: char) -> Option<(u8, u8, Tone)> {
    Some(match c {
        'à' | 'À' => (b'a', 0, Tone::Huyen),
        'á' | 'Á' => (b'a', 0, Tone::Sac),
        'ã' | 'Ã' => (b'a', 0, Tone::Nga),
        'ả' | 'Ả' => (b'a', 0, Tone::Hoi),
        'ạ' | 'Ạ' => (b'a', 0, Tone::Nang),
        'ă' | 'Ă' => (b'a', BREVE, Tone::Ngang),
        'ằ' | 'Ằ' => (b'a', BREVE, Tone::Huyen),
        'ắ' | 'Ắ' => (b'a', BREVE, Tone::Sac),
        'ẵ' | 'Ẵ' => (b'a', BREVE, Tone::Nga),
        'ẳ' | 'Ẳ' => (b'a', BREVE, Tone::Hoi),
        'ặ' | 'Ặ' => (b'a', BREVE, Tone::Nang),
        'â' | 'Â' => (b'a', CIRCUMFLEX, Tone::Ngang),
        'ầ' | 'Ầ' => (b'a', CIRCUMFLEX, Tone::Huyen),
        'ấ' | 'Ấ' => (b'a', CIRCUMFLEX, Tone::Sac),
        'ẫ' | 'Ẫ' => (b'a', CIRCUMFLEX, Tone::Nga),
        'ẩ' | 'Ẩ' => (b'a', CIRCUMFLEX, Tone::Hoi),
        'ậ' | 'Ậ' => (b'a', CIRCUMFLEX, Tone::Nang),
        'è' | 'È' => (b'e', 0, Tone::Huyen),
        'é' | 'É' => (b'e', 0, Tone::Sac),
        'ẽ' | 'Ẽ' => (b'e', 0, Tone::Nga),
        'ẻ' | 'Ẻ' => (b'e', 0, Tone::Hoi),
        'ẹ' | 'Ẹ' => (b'e', 0, Tone::Nang),
        'ê' | 'Ê' => (b'e', CIRCUMFLEX, Tone::Ngang),
        'ề' | 'Ề' => (b'e', CIRCUMFLEX, Tone::Huyen),
        'ế' | 'Ế' => (b'e', CIRCUMFLEX, Tone::Sac),
        'ễ' | 'Ễ' => (b'e', CIRCUMFLEX, Tone::Nga),
        'ể' | 'Ể' => (b'e', CIRCUMFLEX, Tone::Hoi),
        'ệ' | 'Ệ' => (b'e', CIRCUMFLEX, Tone::Nang),
        'ì' | 'Ì' => (b'i', 0, Tone::Huyen),
        'í' | 'Í' => (b'i', 0, Tone::Sac),
        'ĩ' | 'Ĩ' => (b'i', 0, Tone::Nga),
        'ỉ' | 'Ỉ' => (b'i', 0, Tone::Hoi),
        'ị' | 'Ị' => (b'i', 0, Tone::Nang),
        'ò' | 'Ò' => (b'o', 0, Tone::Huyen),
        'ó' | 'Ó' => (b'o', 0, Tone::Sac),
        'õ' | 'Õ' => (b'o', 0, Tone::Nga),
        'ỏ' | 'Ỏ' => (b'o', 0, Tone::Hoi),
        'ọ' | 'Ọ' => (b'o', 0, Tone::Nang),
        'ô' | 'Ô' => (b'o', CIRCUMFLEX, Tone::Ngang),
        'ồ' | 'Ồ' => (b'o', CIRCUMFLEX, Tone::Huyen),
        'ố' | 'Ố' => (b'o', CIRCUMFLEX, Tone::Sac),
        'ỗ' | 'Ỗ' => (b'o', CIRCUMFLEX, Tone::Nga),
        'ổ' | 'Ổ' => (b'o', CIRCUMFLEX, Tone::Hoi),
        'ộ' | 'Ộ' => (b'o', CIRCUMFLEX, Tone::Nang),
        'ơ' | 'Ơ' => (b'o', HORN, Tone::Ngang),
        'ờ' | 'Ờ' => (b'o', HORN, Tone::Huyen),
        'ớ' | 'Ớ' => (b'o', HORN, Tone::Sac),
        'ỡ' | 'Ỡ' => (b'o', HORN, Tone::Nga),
        'ở' | 'Ở' => (b'o', HORN, Tone::Hoi),
        'ợ' | 'Ợ' => (b'o', HORN, Tone::Nang),
        'ù' | 'Ù' => (b'u', 0, Tone::Huyen),
        'ú' | 'Ú' => (b'u', 0, Tone::Sac),
        'ũ' | 'Ũ' => (b'u', 0, Tone::Nga),
        'ủ' | 'Ủ' => (b'u', 0, Tone::Hoi),
        'ụ' | 'Ụ' => (b'u', 0, Tone::Nang),
        'ư' | 'Ư' => (b'u', HORN, Tone::Ngang),
        'ừ' | 'Ừ' => (b'u', HORN, Tone::Huyen),
        'ứ' | 'Ứ' => (b'u', HORN, Tone::Sac),
        'ữ' | 'Ữ' => (b'u', HORN, Tone::Nga),
        'ử' | 'Ử' => (b'u', HORN, Tone::Hoi),
        'ự' | 'Ự' => (b'u', HORN, Tone::Nang),
        'ỳ' | 'Ỳ' => (b'y', 0, Tone::Huyen),
        'ý' | 'Ý' => (b'y', 0, Tone::Sac),
        'ỹ' | 'Ỹ' => (b'y', 0, Tone::Nga),
        'ỷ' | 'Ỷ' => (b'y', 0, Tone::Hoi),
        'ỵ' | 'Ỵ' => (b'y', 0, Tone::Nang),
        'đ' | 'Đ' | 'ð' | 'Ð' => (b'd', STROKE, Tone::Ngang),
        _ => return None,
    })
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
        assert_eq!(
            clean_line("  Đăng\tký \u{0007} khai\u{200b}sinh  "),
            "Đăng ký khai sinh"
        );
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

    // --- Folding for search ---------------------------------------------------------------

    use proptest::prelude::*;

    fn keys(s: &str) -> Vec<(String, String)> {
        tokens(s)
            .into_iter()
            .map(|t| (t.folded, t.marked))
            .collect()
    }

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn folds_vietnamese_to_ascii() {
        assert_eq!(fold("Đăng ký"), "dang ky");
        assert_eq!(
            fold("Thủ tục đăng ký khai sinh"),
            "thu tuc dang ky khai sinh"
        );
        assert_eq!(fold("ĐĂNG KÝ THƯỜNG TRÚ"), "dang ky thuong tru");
        assert_eq!(
            fold("Thủ tục đổi giấy phép lái xe"),
            "thu tuc doi giay phep lai xe"
        );
        assert_eq!(
            fold("  Cấp/ Điều chỉnh/Thay thế hóa đơn…"),
            "cap dieu chinh thay the hoa don"
        );
        assert_eq!(fold("58/2017/NĐ-CP"), "58 2017 nd cp");
        assert_eq!(fold("Cấp tem “AB”"), "cap tem ab");
        assert_eq!(fold(""), "");
        assert_eq!(fold(" ,.;-– \t\n"), "");
    }

    #[test]
    fn marked_keys_keep_vowel_marks_and_end_with_the_tone() {
        assert_eq!(fold_marked("Hòa"), "hoa1");
        assert_eq!(fold_marked("hoà"), "hoa1");
        assert_eq!(fold_marked("Hóa"), "hoa4");
        assert_eq!(fold_marked("thủy THUỶ"), "thuy2 thuy2");
        assert_eq!(fold_marked("Đăng ký"), "đăng0 ky4");
        assert_eq!(fold_marked("ngã hỏi huyền nặng"), "nga3 hoi2 huyên1 năng5");
        assert_eq!(fold_marked("Ơ Ư Ô Â Ă Ê"), "ơ0 ư0 ô0 â0 ă0 ê0");
        // A digit cannot be confused with a tone: the tone digit is always last.
        assert_eq!(fold_marked("A1 ạ"), "a10 a5");
        assert_eq!(marked_letters("hoa1"), "hoa");
        assert_eq!(marked_letters("a10"), "a1");
        assert_eq!(Tone::from_digit('4'), Some(Tone::Sac));
        assert_eq!(Tone::from_digit('9'), None);
    }

    #[test]
    fn token_flags() {
        let mut seen = Vec::new();
        for_each_token("dang Đang hoà Hoa", |k| {
            seen.push((k.folded.to_owned(), k.tone, k.has_diacritics))
        });
        assert_eq!(
            seen,
            [
                ("dang".to_owned(), Tone::Ngang, false),
                ("dang".to_owned(), Tone::Ngang, true),
                ("hoa".to_owned(), Tone::Huyen, true),
                ("hoa".to_owned(), Tone::Ngang, false),
            ]
        );
        let mut letters = Vec::new();
        for_each_token("Thuỷ", |k| letters.push(k.marked_letters().to_owned()));
        assert_eq!(letters, ["thuy"]);
    }

    #[test]
    fn decomposed_input_in_any_mark_order_folds_alike() {
        let expected = keys("Việt Nam đăng ký");
        // NFD, with the dot below before the circumflex (canonical order) and after it.
        assert_eq!(
            keys("Vie\u{323}\u{302}t Nam đa\u{306}ng ky\u{301}"),
            expected
        );
        assert_eq!(
            keys("Vie\u{302}\u{323}t Nam đa\u{306}ng ky\u{301}"),
            expected
        );
        // Half composed: ê + combining dot below.
        assert_eq!(keys("Viê\u{323}t Nam đăng ký"), expected);
        assert_eq!(keys(&nfd("Việt Nam đăng ký")), expected);
        // Deprecated tone marks U+0340/U+0341 decompose to U+0300/U+0301.
        assert_eq!(keys("ho\u{340}a"), keys("hòa"));
    }

    #[test]
    fn stray_marks_and_invisible_characters() {
        assert_eq!(fold("\u{301}abc"), "abc");
        assert_eq!(tokens(" \u{301}\u{323} "), []);
        assert_eq!(fold("khai\u{ad}sinh"), "khaisinh");
        assert_eq!(fold("khai\u{200b}sinh"), "khai sinh");
        // Diaeresis and other non-Vietnamese marks are dropped.
        assert_eq!(keys("Müller"), keys("Muller"));
        // Eth is a look-alike of Đ in converted text.
        assert_eq!(keys("ÐĂNG"), keys("Đăng"));
    }

    #[test]
    fn other_scripts_are_lower_cased_and_decomposed() {
        assert_eq!(fold("МОСКВА Москва"), "москва москва");
        assert_eq!(fold("한국"), fold(&nfd("한국")));
        assert_eq!(fold("ｆｕｌｌ　ｗｉｄｔｈ"), "full width");
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold("İstanbul"), "istanbul");
    }

    /// Every row of vi-text `diacritics_folding_table.csv`: `char remove_tone_only fold_ascii
    /// tone`.
    const FOLDING_TABLE: &[&str] = &[
        "a a a ngang | A A A ngang | à a a huyền | À A A huyền | á a a sắc | Á A A sắc",
        "ã a a ngã | Ã A A ngã | ả a a hỏi | Ả A A hỏi | ạ a a nặng | Ạ A A nặng",
        "ă ă a ngang | Ă Ă A ngang | ằ ă a huyền | Ằ Ă A huyền | ắ ă a sắc | Ắ Ă A sắc",
        "ẵ ă a ngã | Ẵ Ă A ngã | ẳ ă a hỏi | Ẳ Ă A hỏi | ặ ă a nặng | Ặ Ă A nặng",
        "â â a ngang | Â Â A ngang | ầ â a huyền | Ầ Â A huyền | ấ â a sắc | Ấ Â A sắc",
        "ẫ â a ngã | Ẫ Â A ngã | ẩ â a hỏi | Ẩ Â A hỏi | ậ â a nặng | Ậ Â A nặng",
        "e e e ngang | E E E ngang | è e e huyền | È E E huyền | é e e sắc | É E E sắc",
        "ẽ e e ngã | Ẽ E E ngã | ẻ e e hỏi | Ẻ E E hỏi | ẹ e e nặng | Ẹ E E nặng",
        "ê ê e ngang | Ê Ê E ngang | ề ê e huyền | Ề Ê E huyền | ế ê e sắc | Ế Ê E sắc",
        "ễ ê e ngã | Ễ Ê E ngã | ể ê e hỏi | Ể Ê E hỏi | ệ ê e nặng | Ệ Ê E nặng",
        "i i i ngang | I I I ngang | ì i i huyền | Ì I I huyền | í i i sắc | Í I I sắc",
        "ĩ i i ngã | Ĩ I I ngã | ỉ i i hỏi | Ỉ I I hỏi | ị i i nặng | Ị I I nặng",
        "o o o ngang | O O O ngang | ò o o huyền | Ò O O huyền | ó o o sắc | Ó O O sắc",
        "õ o o ngã | Õ O O ngã | ỏ o o hỏi | Ỏ O O hỏi | ọ o o nặng | Ọ O O nặng",
        "ô ô o ngang | Ô Ô O ngang | ồ ô o huyền | Ồ Ô O huyền | ố ô o sắc | Ố Ô O sắc",
        "ỗ ô o ngã | Ỗ Ô O ngã | ổ ô o hỏi | Ổ Ô O hỏi | ộ ô o nặng | Ộ Ô O nặng",
        "ơ ơ o ngang | Ơ Ơ O ngang | ờ ơ o huyền | Ờ Ơ O huyền | ớ ơ o sắc | Ớ Ơ O sắc",
        "ỡ ơ o ngã | Ỡ Ơ O ngã | ở ơ o hỏi | Ở Ơ O hỏi | ợ ơ o nặng | Ợ Ơ O nặng",
        "u u u ngang | U U U ngang | ù u u huyền | Ù U U huyền | ú u u sắc | Ú U U sắc",
        "ũ u u ngã | Ũ U U ngã | ủ u u hỏi | Ủ U U hỏi | ụ u u nặng | Ụ U U nặng",
        "ư ư u ngang | Ư Ư U ngang | ừ ư u huyền | Ừ Ư U huyền | ứ ư u sắc | Ứ Ư U sắc",
        "ữ ư u ngã | Ữ Ư U ngã | ử ư u hỏi | Ử Ư U hỏi | ự ư u nặng | Ự Ư U nặng",
        "y y y ngang | Y Y Y ngang | ỳ y y huyền | Ỳ Y Y huyền | ý y y sắc | Ý Y Y sắc",
        "ỹ y y ngã | Ỹ Y Y ngã | ỷ y y hỏi | Ỷ Y Y hỏi | ỵ y y nặng | Ỵ Y Y nặng",
        "đ đ d ngang | Đ Đ D ngang",
    ];

    #[test]
    fn folding_table_golden() {
        let mut rows = 0;
        for line in FOLDING_TABLE {
            for row in line.split(" | ") {
                let cols: Vec<&str> = row.split(' ').collect();
                let [c, without_tone, ascii, tone] = cols[..] else {
                    panic!("bad row {row}")
                };
                let tone = match tone {
                    "ngang" => Tone::Ngang,
                    "huyền" => Tone::Huyen,
                    "hỏi" => Tone::Hoi,
                    "ngã" => Tone::Nga,
                    "sắc" => Tone::Sac,
                    "nặng" => Tone::Nang,
                    other => panic!("bad tone {other}"),
                };
                for input in [c.to_owned(), nfd(c)] {
                    let mut seen = Vec::new();
                    for_each_token(&input, |k| {
                        seen.push((k.folded.to_owned(), k.marked_letters().to_owned(), k.tone));
                    });
                    assert_eq!(
                        seen,
                        [(ascii.to_lowercase(), without_tone.to_lowercase(), tone)],
                        "{input:?}"
                    );
                }
                rows += 1;
            }
        }
        assert_eq!(rows, 146);
    }

    /// Real unit names from vi-text `tone_placement_pairs_in_admin_names.csv` (code, GSO
    /// spelling, 2026-list spelling): every Hóa/Thủy/Thụy/Thùy/Lũy/Hỏa row and every seventh
    /// Hòa row.
    const TONE_PLACEMENT_PAIRS: &[(&str, &str, &str)] = &[
        ("00175", "Phường Yên Hòa", "Phường Yên Hoà"),
        ("00928", "Xã Thanh Thủy", "Xã Thanh Thuỷ"),
        ("01501", "Xã Đàm Thủy", "Xã Đàm Thuỷ"),
        ("02287", "Xã Chiêm Hóa", "Xã Chiêm Hoá"),
        ("02620", "Xã Sơn Thủy", "Xã Sơn Thuỷ"),
        ("04342", "Xã Khánh Hòa", "Xã Khánh Hoà"),
        ("05353", "Xã Yên Thủy", "Xã Yên Thuỷ"),
        ("05392", "Xã Lạc Thủy", "Xã Lạc Thuỷ"),
        ("05569", "Xã Định Hóa", "Xã Định Hoá"),
        ("05941", "Xã Điềm Thụy", "Xã Điềm Thuỵ"),
        ("06148", "Xã Thụy Hùng", "Xã Thuỵ Hùng"),
        ("06799", "Xã Hải Hòa", "Xã Hải Hoà"),
        ("07738", "Phường Cảnh Thụy", "Phường Cảnh Thuỵ"),
        ("08674", "Xã Thanh Thủy", "Xã Thanh Thuỷ"),
        ("08746", "Phường Xuân Hòa", "Phường Xuân Hoà"),
        ("10180", "Xã Dân Hòa", "Xã Dân Hoà"),
        ("11560", "Phường Thủy Nguyên", "Phường Thuỷ Nguyên"),
        ("11680", "Xã Kiến Thụy", "Xã Kiến Thuỵ"),
        ("12826", "Xã Thái Thụy", "Xã Thái Thuỵ"),
        ("12850", "Xã Tây Thụy Anh", "Xã Tây Thuỵ Anh"),
        ("12859", "Xã Bắc Thụy Anh", "Xã Bắc Thuỵ Anh"),
        ("12862", "Xã Đông Thụy Anh", "Xã Đông Thuỵ Anh"),
        ("12865", "Xã Thụy Anh", "Xã Thuỵ Anh"),
        ("12904", "Xã Nam Thụy Anh", "Xã Nam Thuỵ Anh"),
        ("14167", "Xã Giao Thủy", "Xã Giao Thuỷ"),
        ("14677", "Xã Định Hóa", "Xã Định Hoá"),
        ("15010", "Xã Sơn Thủy", "Xã Sơn Thuỷ"),
        ("15127", "Xã Cẩm Thủy", "Xã Cẩm Thuỷ"),
        ("15448", "Xã Định Hòa", "Xã Định Hoà"),
        ("15772", "Xã Thiệu Hóa", "Xã Thiệu Hoá"),
        ("15865", "Xã Hoằng Hóa", "Xã Hoằng Hoá"),
        ("16186", "Xã Hóa Quỳ", "Xã Hoá Quỳ"),
        ("18901", "Xã Minh Hóa", "Xã Minh Hoá"),
        ("18904", "Xã Dân Hóa", "Xã Dân Hoá"),
        ("18997", "Xã Tuyên Hóa", "Xã Tuyên Hoá"),
        ("19249", "Xã Lệ Thủy", "Xã Lệ Thuỷ"),
        ("19405", "Xã Vĩnh Thủy", "Xã Vĩnh Thuỷ"),
        ("19741", "Xã Mỹ Thủy", "Xã Mỹ Thuỷ"),
        ("19789", "Phường Thuận Hóa", "Phường Thuận Hoá"),
        ("19813", "Phường Thủy Xuân", "Phường Thuỷ Xuân"),
        ("19969", "Phường Thanh Thủy", "Phường Thanh Thuỷ"),
        ("19975", "Phường Hương Thủy", "Phường Hương Thuỷ"),
        ("20014", "Phường Hóa Châu", "Phường Hoá Châu"),
        ("20200", "Phường Hòa Khánh", "Phường Hoà Khánh"),
        ("21319", "Xã Sơn Thủy", "Xã Sơn Thuỷ"),
        ("21520", "Xã Đặng Thùy Trâm", "Xã Đặng Thuỳ Trâm"),
        ("22015", "Phường Tuy Hòa", "Phường Tuy Hoà"),
        ("22285", "Xã Hòa Mỹ", "Xã Hoà Mỹ"),
        ("22558", "Xã Hòa Trí", "Xã Hoà Trí"),
        ("22924", "Phường Phú Thủy", "Phường Phú Thuỷ"),
        ("23023", "Xã Sông Lũy", "Xã Sông Luỹ"),
        ("24620", "Xã Quảng Hòa", "Xã Quảng Hoà"),
        ("25837", "Phường Chánh Phú Hòa", "Phường Chánh Phú Hoà"),
        ("26221", "Xã Phú Hòa", "Xã Phú Hoà"),
        ("27139", "Phường Xuân Hòa", "Phường Xuân Hoà"),
        ("27823", "Xã Mộc Hóa", "Xã Mộc Hoá"),
        ("27865", "Xã Thạnh Hóa", "Xã Thạnh Hoá"),
        ("27937", "Xã Đức Hòa", "Xã Đức Hoà"),
        ("28633", "Xã An Thạnh Thủy", "Xã An Thạnh Thuỷ"),
        ("28861", "Xã Tiên Thủy", "Xã Tiên Thuỷ"),
        ("28987", "Xã Lương Hòa", "Xã Lương Hoà"),
        ("29167", "Xã Tân Thủy", "Xã Tân Thuỷ"),
        ("29254", "Phường Nguyệt Hóa", "Phường Nguyệt Hoá"),
        ("29413", "Xã Long Hòa", "Xã Long Hoà"),
        ("30313", "Xã Mỹ Hòa Hưng", "Xã Mỹ Hoà Hưng"),
        ("30958", "Xã Định Hòa", "Xã Định Hoà"),
        ("31168", "Phường Bình Thủy", "Phường Bình Thuỷ"),
        ("31338", "Xã Hỏa Lựu", "Xã Hoả Lựu"),
        ("31441", "Xã Vị Thủy", "Xã Vị Thuỷ"),
        ("31582", "Xã Thuận Hòa", "Xã Thuận Hoà"),
        ("38", "Thanh Hóa", "Thanh Hoá"),
        ("56", "Khánh Hòa", "Khánh Hoà"),
    ];

    #[test]
    fn tone_placement_pairs_golden() {
        for (code, old, new) in TONE_PLACEMENT_PAIRS {
            assert_ne!(old, new, "{code}");
            assert_eq!(keys(old), keys(new), "{code}");
            assert_eq!(keys(&nfd(old)), keys(new), "{code}");
            assert_eq!(collation_key(old), collation_key(new), "{code}");
        }
        assert_eq!(fold("Xã Định Hoá"), "xa dinh hoa");
        assert_eq!(fold_marked("Xã Định Hoá"), "xa3 đinh5 hoa4");
    }

    /// Every code point alone and between two letters (so that marks attach): folding is
    /// idempotent, and the raw, NFC and NFD forms give the same tokens.
    #[test]
    fn every_code_point_folds_consistently() {
        for c in (0..=0x10ffff_u32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            let folded = fold(&s);
            assert_eq!(fold(&folded), folded, "{:?}", c);
            let expected = tokens(&s);
            assert_eq!(tokens(&s.nfc().collect::<String>()), expected, "{:?}", c);
            assert_eq!(tokens(&nfd(&s)), expected, "{:?}", c);
        }
    }

    #[test]
    fn collation_follows_the_vietnamese_dictionary() {
        let ordered = [
            "a",
            "à",
            "ả",
            "á",
            "an",
            "an toàn",
            "anh",
            "ă",
            "ăn",
            "â",
            "ân",
            "b",
            "ba",
            "ba ba",
            "bà",
            "bả",
            "bã",
            "bá",
            "bạ",
            "bác",
            "d",
            "dạ",
            "đ",
            "Đà Nẵng",
            "đá",
            "e",
            "ê",
            "o",
            "ô",
            "ơ",
            "u",
            "ư",
            "y",
            "z",
        ];
        for pair in ordered.windows(2) {
            assert!(
                collation_key(pair[0]) < collation_key(pair[1]),
                "{} < {}",
                pair[0],
                pair[1]
            );
        }
        assert!(collation_key("2") < collation_key("a"));
        assert_eq!(collation_key("Đăng  ký!"), collation_key("ĐĂNG KÝ"));
        assert_eq!(collation_key(&nfd("Hoà Bình")), collation_key("Hòa Bình"));
        assert!(collation_key("") < collation_key("a"));
    }

    /// Vietnamese letters in both cases, ASCII, digits, punctuation and the combining marks of
    /// decomposed Vietnamese.
    fn vietnamese_text() -> impl Strategy<Value = String> {
        let lower = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệfghiìíỉĩịjklmnoòóỏõọôồốổỗộơờớởỡợ\
                     pqrstuùúủũụưừứửữựvwxyỳýỷỹỵz";
        let mut alphabet: Vec<char> = lower.chars().collect();
        alphabet.extend(lower.to_uppercase().chars());
        alphabet.extend(
            "0123456789  ,.-/()“”\u{300}\u{301}\u{303}\u{309}\u{323}\u{302}\u{306}\u{31b}".chars(),
        );
        prop::collection::vec(prop::sample::select(alphabet), 0..48)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn fold_is_idempotent(s in any::<String>()) {
            let folded = fold(&s);
            prop_assert_eq!(fold(&folded), folded);
        }

        #[test]
        fn raw_nfc_and_nfd_tokenize_alike(s in any::<String>()) {
            let expected = tokens(&s);
            prop_assert_eq!(&tokens(&s.nfc().collect::<String>()), &expected);
            prop_assert_eq!(&tokens(&nfd(&s)), &expected);
        }

        #[test]
        fn vietnamese_nfc_and_nfd_fold_alike(s in vietnamese_text()) {
            let expected = tokens(&s);
            prop_assert_eq!(&tokens(&s.nfc().collect::<String>()), &expected);
            prop_assert_eq!(&tokens(&nfd(&s)), &expected);
            prop_assert_eq!(collation_key(&nfd(&s)), collation_key(&s));
        }

        #[test]
        fn vietnamese_folding_is_case_insensitive(s in vietnamese_text()) {
            let expected = tokens(&s);
            prop_assert_eq!(&tokens(&s.to_uppercase()), &expected);
            prop_assert_eq!(&tokens(&s.to_lowercase()), &expected);
        }

        #[test]
        fn vietnamese_folds_to_lower_case_ascii(s in vietnamese_text()) {
            let folded = fold(&s);
            prop_assert!(folded.bytes().all(|b| b == b' ' || b.is_ascii_lowercase() || b.is_ascii_digit()));
            prop_assert_eq!(fold(&folded), folded.clone());
            // Folding only removes marks: the marked key has the same letters once folded.
            prop_assert_eq!(fold(&fold_marked(&s).split(' ').map(marked_letters).collect::<Vec<_>>().join(" ")), folded);
        }
    }
}
