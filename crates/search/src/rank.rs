//! Ranking: how well one procedure name matches the query.
//!
//! Keys, most significant first (higher is better):
//!
//! 1. [`MatchTier`]: exact name, then phrase, then words anywhere.
//! 2. Diacritic agreement: how many of the words typed *with* diacritics appear in the name
//!    with the same diacritics ("hòa" prefers "Hòa"/"Hoà" over "Hóa").
//! 3. The last word matches a whole syllable, not only its beginning ("ban" prefers "bản" to
//!    "bằng").
//! 4. The match starts the name, before or after a leading "Thủ tục" (the user is typing
//!    the name).
//! 5. Adjacent pairs of query words found adjacent and in order (partial phrases).
//! 6. Fewer syllables after any "Thủ tục", then fewer characters: the shortest fitting name.
//!
//! The search then breaks remaining ties by code. Stop-words are not used: every word must
//! match anyway, and the vi-text list contains words that carry meaning in procedure names
//! (`cấp`, `không`, `được`).

use crate::index::CatalogIndex;
use crate::postings::DocSet;
use crate::query::{MAX_WORDS, Marks, Word};

/// How a procedure name matches the query text, from weakest to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchTier {
    /// Empty query: no text match, the hit is listed in name order.
    Browse,
    /// Every query word is in the name, not all together.
    Words,
    /// The query words appear adjacent and in order in the name (or, for initials, as
    /// consecutive syllables).
    Phrase,
    /// The name is the query, ignoring case, diacritics, punctuation and a leading "Thủ tục"
    /// (the last word may still be a prefix: "dang ky khai s").
    Exact,
}

/// Packs the ranking keys of the module documentation into one integer: tier (bits 60–61),
/// agreement (52–58), whole last word (51), match at the start (50), adjacent pairs (43–49),
/// fewer syllables (16–31), fewer characters (0–15). Bits from [`MATCH_SHIFT`] up depend on
/// the query (the *match part*); the bits below depend only on the document, and sort like
/// [`CatalogIndex::static_order`].
fn pack(tier: MatchTier, signals: Signals, index: &CatalogIndex, doc: u32) -> u64 {
    match_bits(tier, signals) | static_bits(index, doc)
}

/// Bits of a score at and above this one depend on the query.
pub(crate) const MATCH_SHIFT: u32 = 32;

/// The query-dependent part of a score, shifted down.
pub(crate) fn match_part(score: u64) -> u64 {
    score >> MATCH_SHIFT
}

fn match_bits(tier: MatchTier, signals: Signals) -> u64 {
    (tier as u64) << 60
        | u64::from(signals.agreement.min(127)) << 52
        | u64::from(signals.whole_last_word) << 51
        | u64::from(signals.at_start) << 50
        | u64::from(signals.adjacent_pairs.min(127)) << 43
}

/// The document-only part of a score (below [`MATCH_SHIFT`]).
pub(crate) fn static_bits(index: &CatalogIndex, doc: u32) -> u64 {
    let body_len = u64::try_from(index.body_len(doc))
        .unwrap_or(u64::MAX)
        .min(0xFFFF);
    (0xFFFF - body_len) << 16 | u64::from(u16::MAX - index.name_chars(doc))
}

/// The secondary ranking signals, before packing.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Signals {
    agreement: u32,
    whole_last_word: bool,
    at_start: bool,
    adjacent_pairs: u32,
}

impl Signals {
    /// The signals in ranking order, for comparing two occurrences in one name.
    fn key(&self) -> (u32, bool, bool, u32) {
        (
            self.agreement,
            self.whole_last_word,
            self.at_start,
            self.adjacent_pairs,
        )
    }
}

/// What the query words do at one position of a name.
#[derive(Debug, Default, Clone, Copy)]
struct Position {
    /// Bit set of the query words found here.
    found: u64,
    /// Bit set of the words typed with diacritics that agree with the name's here.
    agree: u64,
    /// The last query word is this whole syllable (not only its beginning).
    whole_last: bool,
}

/// Scores documents against one words query; keeps a scratch buffer between documents.
#[derive(Debug)]
pub(crate) struct Scorer<'a> {
    index: &'a CatalogIndex,
    words: &'a [Word],
    positions: Vec<Position>,
    /// For bounds: the documents containing the last word as a whole syllable (see
    /// [`Self::prepare_bounds`]); `None` means "assume any".
    whole_last: Option<DocSet>,
    /// For bounds: what the query could reach in the best case (see [`Reach`]).
    reach: Reach,
}

/// The best a query could do anywhere, from the dictionary alone: computed once per query
/// so that the per-document bounds are a few operations.
#[derive(Debug, Clone, Copy)]
struct Reach {
    /// Words before the last typed with diacritics that some name has.
    agreeable_before: u32,
    /// The last word was typed with diacritics.
    last_marked: bool,
    /// The last word is a whole syllable of some name.
    last_whole: bool,
    /// Some name has the last word whole with its typed diacritics.
    last_whole_agreeing: bool,
    /// Adjacent pairs of words.
    pairs: u32,
}

impl Reach {
    fn new(index: &CatalogIndex, words: &[Word]) -> Self {
        let Some((last, before)) = words.split_last() else {
            return Self {
                agreeable_before: 0,
                last_marked: false,
                last_whole: false,
                last_whole_agreeing: false,
                pairs: 0,
            };
        };
        let agreeable = before
            .iter()
            .filter(|w| w.marks.as_ref().is_some_and(Marks::exists));
        Self {
            agreeable_before: u32::try_from(agreeable.count()).unwrap_or(u32::MAX),
            last_marked: last.marks.is_some(),
            last_whole: last.whole.is_some(),
            last_whole_agreeing: last.whole.is_some()
                && last
                    .marks
                    .as_ref()
                    .is_some_and(|m| m.whole_syllable_exists(index)),
            pairs: u32::try_from(before.len()).unwrap_or(u32::MAX),
        }
    }
}

impl<'a> Scorer<'a> {
    pub(crate) fn new(index: &'a CatalogIndex, words: &'a [Word]) -> Self {
        let words = words.get(..MAX_WORDS).unwrap_or(words);
        Self {
            index,
            words,
            positions: Vec::with_capacity(64),
            whole_last: None,
            reach: Reach::new(index, words),
        }
    }

    /// The tier and score of `doc`, or `None` if some query word is not in its name.
    ///
    /// The secondary signals are read from one occurrence, the best: for a phrase, the best
    /// phrase occurrence; otherwise, for each word, its best position. So a name with "hoàn"
    /// at the start and "hóa" further on does not collect the start bonus from one and the
    /// whole-word bonus from the other.
    pub(crate) fn score(&mut self, doc: u32) -> Option<(MatchTier, u64)> {
        let index = self.index;
        let terms = index.doc_terms(doc);
        let marks = index.doc_marks(doc);
        let k = self.words.len();
        let last = k.checked_sub(1)?;
        let last_bit: u64 = 1 << last;
        let all: u64 = if k >= 64 { u64::MAX } else { (1 << k) - 1 };

        self.positions.clear();
        for (&term, &mark) in terms.iter().zip(marks) {
            let mut here = Position::default();
            for (i, word) in self.words.iter().enumerate() {
                if !word.range.contains(&term) {
                    continue;
                }
                here.found |= 1 << i;
                if let Some(typed) = &word.marks
                    && typed.agree(index, mark, word.prefix)
                {
                    here.agree |= 1 << i;
                }
                if i == last && word.whole == Some(term) {
                    here.whole_last = true;
                }
            }
            self.positions.push(here);
        }

        // Words anywhere: each word's best position. The last word prefers agreeing, then
        // being whole, at the same position.
        let mut found: u64 = 0;
        let mut agree_before_last: u64 = 0;
        let mut best_last = (false, false);
        let mut pairs: u64 = 0;
        let mut previous: u64 = 0;
        for here in &self.positions {
            found |= here.found;
            agree_before_last |= here.agree & !last_bit;
            if here.found & last_bit != 0 {
                best_last = best_last.max((here.agree & last_bit != 0, here.whole_last));
            }
            pairs |= previous & (here.found >> 1);
            previous = here.found;
        }
        if found != all {
            return None;
        }
        let words_signals = Signals {
            agreement: agree_before_last.count_ones() + u32::from(best_last.0),
            whole_last_word: best_last.1,
            at_start: false,
            adjacent_pairs: pairs.count_ones(),
        };

        // Phrases: `chain` holds the words that end a run of consecutive matches here (word i
        // here after word i-1 at the previous position); the last word in it ends a phrase.
        let body_start = index.body_start(doc);
        let mut chain: u64 = 0;
        let mut best_phrase: Option<(bool, Signals)> = None;
        for (end, here) in self.positions.iter().enumerate() {
            chain = here.found & ((chain << 1) | 1);
            if chain & last_bit == 0 {
                continue;
            }
            let start = (end + 1).saturating_sub(k);
            let agreement = (0..k)
                .filter(|&i| {
                    self.positions
                        .get(start + i)
                        .is_some_and(|p| p.agree & (1 << i) != 0)
                })
                .count();
            let signals = Signals {
                agreement: u32::try_from(agreement).unwrap_or(u32::MAX),
                whole_last_word: here.whole_last,
                at_start: start == body_start || start == 0,
                adjacent_pairs: u32::try_from(last).unwrap_or(u32::MAX),
            };
            let exact = start == body_start && terms.len() == end + 1;
            if best_phrase
                .is_none_or(|(best_exact, best)| (exact, signals.key()) > (best_exact, best.key()))
            {
                best_phrase = Some((exact, signals));
            }
        }

        let (tier, signals) = match best_phrase {
            Some((true, signals)) => (MatchTier::Exact, signals),
            Some((false, signals)) => (MatchTier::Phrase, signals),
            None => (MatchTier::Words, words_signals),
        };
        Some((tier, pack(tier, signals, index, doc)))
    }

    /// Makes [`Self::bound`] tighter for the many calls of a pruned selection: notes which
    /// documents contain the last word whole (only they can have the whole-word signal).
    pub(crate) fn prepare_bounds(&mut self) {
        if let Some(term) = self.words.last().and_then(|w| w.whole) {
            let mut set = DocSet::new(self.index.doc_count());
            for &doc in self.index.postings(term) {
                set.insert(doc);
            }
            self.whole_last = Some(set);
        }
    }

    /// The best match part (see [`match_part`]) `doc` could score, from a look at the start
    /// of its name: the occurrences there (before and after a leading "Thủ tục"), if any, are
    /// scored exactly; any other occurrence is assumed at best ([`Self::best_elsewhere`]).
    pub(crate) fn bound(&self, doc: u32) -> u64 {
        let elsewhere = self.best_elsewhere(Some(doc));
        let elsewhere_part = match_part(match_bits(MatchTier::Phrase, elsewhere));
        let body_start = self.index.body_start(doc);
        let at_body = self.start_occurrence(doc, body_start, elsewhere);
        let at_zero = if body_start == 0 {
            None
        } else {
            self.start_occurrence(doc, 0, elsewhere)
        };
        elsewhere_part
            .max(at_body.unwrap_or(0))
            .max(at_zero.unwrap_or(0))
    }

    /// The exact match part of the phrase occurrence at `start` in `doc`, if there is one.
    fn start_occurrence(&self, doc: u32, start: usize, elsewhere: Signals) -> Option<u64> {
        let index = self.index;
        let terms = index.doc_terms(doc);
        let marks = index.doc_marks(doc);
        let k = self.words.len();
        let mut signals = Signals {
            at_start: true,
            agreement: 0,
            whole_last_word: false,
            ..elsewhere
        };
        for (i, word) in self.words.iter().enumerate() {
            let term = *terms.get(start + i)?;
            let mark = *marks.get(start + i)?;
            if !word.range.contains(&term) {
                return None;
            }
            if word
                .marks
                .as_ref()
                .is_some_and(|typed| typed.agree(index, mark, word.prefix))
            {
                signals.agreement += 1;
            }
            if i + 1 == k && word.whole == Some(term) {
                signals.whole_last_word = true;
            }
        }
        let exact = start == index.body_start(doc) && terms.len() == start + k;
        let tier = if exact {
            MatchTier::Exact
        } else {
            MatchTier::Phrase
        };
        Some(match_part(match_bits(tier, signals)))
    }

    /// The best match part any document can score whose name, after "Thủ tục", has at least
    /// `body_len` syllables: only names exactly as long as the query can be exact.
    pub(crate) fn ceiling(&self, body_len: usize) -> u64 {
        let tier = if body_len <= self.words.len() {
            MatchTier::Exact
        } else {
            MatchTier::Phrase
        };
        let any_doc = Signals {
            at_start: true,
            ..self.best_elsewhere(None)
        };
        match_part(match_bits(tier, any_doc))
    }

    /// The best signals a phrase of `doc` (or of any document) not at the start of its name
    /// could have: every typed diacritic that some name has agrees, and the last word is whole
    /// if the document has it whole and, if it was typed with diacritics, a syllable with
    /// exactly those exists (agreement ranks before wholeness, so it is assumed first).
    fn best_elsewhere(&self, doc: Option<u32>) -> Signals {
        let reach = self.reach;
        let has_whole = match (&self.whole_last, doc) {
            (Some(set), Some(doc)) => set.contains(doc),
            _ => reach.last_whole,
        };
        let last_whole = if reach.last_marked {
            has_whole && reach.last_whole_agreeing
        } else {
            has_whole
        };
        Signals {
            agreement: reach.agreeable_before + u32::from(reach.last_marked),
            whole_last_word: last_whole,
            at_start: false,
            adjacent_pairs: reach.pairs,
        }
    }
}

/// The tier and score of `doc` for an initials query, or `None` if its name does not contain
/// consecutive syllables with those initials.
pub(crate) fn score_initials(
    index: &CatalogIndex,
    initials: &str,
    doc: u32,
) -> Option<(MatchTier, u64)> {
    let needle = initials.as_bytes();
    let all = index.doc_initials(doc);
    let body = all.get(index.body_start(doc)..).unwrap_or(all);
    if needle.is_empty() || !all.windows(needle.len()).any(|w| w == needle) {
        return None;
    }
    let signals = Signals {
        at_start: body.starts_with(needle),
        ..Signals::default()
    };
    let tier = if body == needle {
        MatchTier::Exact
    } else {
        MatchTier::Phrase
    };
    Some((tier, pack(tier, signals, index, doc)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use crate::query::{Prepared, prepare};

    fn doc(index: &CatalogIndex, code: &str) -> u32 {
        let position = index.docs().iter().position(|d| d.code == code).unwrap();
        u32::try_from(position).unwrap()
    }

    fn score(index: &CatalogIndex, text: &str, code: &str) -> Option<(MatchTier, u64)> {
        let Prepared::Words(words) = prepare(index, text) else {
            panic!("{text:?}")
        };
        Scorer::new(index, &words).score(doc(index, code))
    }

    #[test]
    fn tiers() {
        let index = fixture::index();
        let tier = |text, code| score(&index, text, code).map(|(tier, _)| tier);
        assert_eq!(
            tier("dang ky khai sinh", "1.001193"),
            Some(MatchTier::Exact)
        );
        assert_eq!(tier("dang ky khai s", "1.001193"), Some(MatchTier::Exact));
        assert_eq!(
            tier("thủ tục đăng ký khai sinh", "1.001193"),
            Some(MatchTier::Exact)
        );
        assert_eq!(
            tier("dang ky thuong tru", "1.004222"),
            Some(MatchTier::Exact)
        );
        assert_eq!(
            tier("dang ky khai sinh", "1.003583"),
            Some(MatchTier::Phrase)
        );
        assert_eq!(tier("khai sinh", "1.001193"), Some(MatchTier::Phrase));
        assert_eq!(
            tier("dang ky khai sinh", "1.004884"),
            Some(MatchTier::Words)
        );
        assert_eq!(tier("sinh khai", "1.001193"), Some(MatchTier::Words));
        assert_eq!(tier("dang ky ket hon", "1.001193"), None);
    }

    #[test]
    fn signals_order_within_a_tier() {
        let index = fixture::index();
        let s = |text, code| score(&index, text, code).unwrap().1;
        // Diacritic agreement: "hòa" prefers Hòa (1.012812) to Hóa (1.010341).
        assert!(s("hòa", "1.012812") > s("hòa", "1.010341"));
        assert!(s("hóa", "1.010341") > s("hóa", "1.012812"));
        // Without diacritics in the query, agreement plays no part: the shorter name wins.
        assert!(s("hoa", "1.012812") > s("hoa", "1.010341"));
        // At the start of the name beats later in it (both phrases).
        assert!(s("dang ky thuong tru", "1.004222") > s("dang ky thuong tru", "1.003197"));
        assert!(s("dang ky tam", "1.004194") > s("dang ky tam", "1.010028"));
        // Shorter name wins.
        assert!(s("khai sinh", "1.001193") > s("khai sinh", "1.003583"));
    }

    #[test]
    fn adjacent_pairs_beat_shortness_among_word_matches() {
        let docs = [
            "Cấp giấy phép lái xe tạm thời cho người nước ngoài",
            "Xe, giấy tờ và phép",
        ];
        let index = CatalogIndex::build(
            docs.iter()
                .enumerate()
                .map(|(i, name)| crate::IndexDoc {
                    code: format!("9.{i}"),
                    name: (*name).to_owned(),
                    field: String::new(),
                    levels: Vec::new(),
                    online_level: motcua_core::catalog::OnlineLevel::None,
                    agencies: Vec::new(),
                })
                .collect(),
        );
        let Prepared::Words(words) = prepare(&index, "giay phep xe") else {
            panic!()
        };
        let mut scorer = Scorer::new(&index, &words);
        let (long_tier, long) = scorer.score(0).unwrap();
        let (short_tier, short) = scorer.score(1).unwrap();
        assert_eq!(
            (long_tier, short_tier),
            (MatchTier::Words, MatchTier::Words)
        );
        assert!(long > short);
    }

    #[test]
    fn bounds_are_never_below_scores() {
        let index = fixture::index();
        for &text in fixture::QUERIES {
            let Prepared::Words(words) = prepare(&index, text) else {
                panic!("{text}")
            };
            let mut scorer = Scorer::new(&index, &words);
            scorer.prepare_bounds();
            for &doc in index.static_order() {
                let Some((_, score)) = scorer.score(doc) else {
                    continue;
                };
                assert!(
                    match_part(score) <= scorer.bound(doc),
                    "{text:?} {}",
                    index.code(doc)
                );
                assert!(
                    match_part(score) <= scorer.ceiling(index.body_len(doc)),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn whole_last_word_beats_prefix() {
        let index = fixture::index();
        let s = |text, code| score(&index, text, code).unwrap().1;
        // "ho" is a whole syllable in "hộ kinh doanh", a prefix of "hòa".
        assert!(s("ho", "1.001612") > s("ho", "1.012812"));
    }

    #[test]
    fn initials() {
        let index = fixture::index();
        let gpxd = score_initials(&index, "gpxd", doc(&index, "1.005134")).unwrap();
        assert_eq!(gpxd.0, MatchTier::Phrase);
        assert_eq!(
            score_initials(&index, "gpxd", doc(&index, "1.013222")),
            None
        );
        let dkks = score_initials(&index, "dkks", doc(&index, "1.001193")).unwrap();
        assert_eq!(dkks.0, MatchTier::Exact);
        assert_eq!(score_initials(&index, "", doc(&index, "1.001193")), None);
    }
}
