//! Selecting the requested page of hits without scoring every match.
//!
//! A type-ahead query of one letter matches most of the catalog, but the page shows twenty.
//! Ties between equal matches break on document properties alone (shorter name, then code),
//! which is the index's static order. Walking the matches in that order, a document can only
//! enter the current top `k` with a better *match part* than the weakest one kept; a cheap
//! bound ([`Scorer::bound`]) rules most out without scoring, and the walk stops once no
//! remaining document could do better ([`Scorer::ceiling`]).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::index::CatalogIndex;
use crate::postings::DocSet;
use crate::rank::{MATCH_SHIFT, MatchTier, Scorer, match_part, static_bits};

/// Below this many matches, scoring them all is as cheap as walking the static order.
pub(crate) const PRUNE_ABOVE: usize = 512;

/// A ranked match packed for sorting: score, then code order, then document order (the
/// static order's tie-breaks, so both orders agree).
pub(crate) fn sort_key(index: &CatalogIndex, score: u64, doc: u32) -> u128 {
    u128::from(score) << 64
        | u128::from(u32::MAX - index.code_rank(doc)) << 32
        | u128::from(u32::MAX - doc)
}

/// The score and document of a [`sort_key`].
pub(crate) fn unpack(key: u128) -> (u64, u32) {
    let score = u64::try_from(key >> 64).unwrap_or(0);
    let doc = u32::MAX - u32::try_from(key & u128::from(u32::MAX)).unwrap_or(u32::MAX);
    (score, doc)
}

/// The tier encoded in a score.
pub(crate) fn tier_of(score: u64) -> MatchTier {
    match score >> 60 {
        3 => MatchTier::Exact,
        2 => MatchTier::Phrase,
        1 => MatchTier::Words,
        _ => MatchTier::Browse,
    }
}

/// The sort keys of at least the best `need` of `matched` (every one of them when that is
/// cheaper), unordered. `matched` are documents that contain every query word.
///
/// Walks the matches in static order. A match whose bound reaches the ceiling of its
/// position is scored at once (nothing later can beat it on either part); the others wait in
/// buckets by bound. The walk stops when the weakest kept hit reaches the ceiling; then the
/// buckets are scored best bound first, each in static order, until the best any remaining
/// match could score falls below the weakest kept hit.
pub(crate) fn best(
    index: &CatalogIndex,
    scorer: &mut Scorer<'_>,
    matched: &[u32],
    need: usize,
    prune_above: usize,
) -> Vec<u128> {
    if need == 0 {
        return Vec::new();
    }
    if matched.len() <= prune_above || need.saturating_mul(4) >= matched.len() {
        return matched
            .iter()
            .filter_map(|&doc| {
                scorer
                    .score(doc)
                    .map(|(_, score)| sort_key(index, score, doc))
            })
            .collect();
    }

    scorer.prepare_bounds();
    let mut members = DocSet::new(index.doc_count());
    for &doc in matched {
        members.insert(doc);
    }
    let mut top = Top {
        index,
        need,
        heap: BinaryHeap::with_capacity(need + 1),
    };
    let mut buckets: Vec<(u64, Vec<u32>)> = Vec::new();
    let mut remaining = matched.len();
    for &doc in index.static_order() {
        if remaining == 0 {
            break;
        }
        if !members.contains(doc) {
            continue;
        }
        remaining -= 1;
        let ceiling = scorer.ceiling(index.body_len(doc));
        if top
            .bar()
            .is_some_and(|bar| match_part(unpack(bar).0) >= ceiling)
        {
            // Everything from here on is no better on the match part and worse on the static
            // part than every kept hit.
            break;
        }
        let bound = scorer.bound(doc);
        if !top.could_enter(bound, doc) {
            continue;
        }
        if bound >= ceiling {
            top.offer(scorer, doc);
        } else if let Some((_, docs)) = buckets.iter_mut().find(|(b, _)| *b == bound) {
            docs.push(doc);
        } else {
            buckets.push((bound, vec![doc]));
        }
    }
    buckets.sort_unstable_by_key(|&(bound, _)| Reverse(bound));
    for (bound, docs) in &buckets {
        for &doc in docs {
            if !top.could_enter(*bound, doc) {
                // The rest of this bucket is worse on the static part.
                break;
            }
            top.offer(scorer, doc);
        }
    }
    top.heap.into_iter().map(|Reverse(key)| key).collect()
}

/// The best `need` sort keys seen so far, as a min-heap.
struct Top<'a> {
    index: &'a CatalogIndex,
    need: usize,
    heap: BinaryHeap<Reverse<u128>>,
}

impl Top<'_> {
    /// The weakest kept key, once `need` are kept.
    fn bar(&self) -> Option<u128> {
        if self.heap.len() < self.need {
            return None;
        }
        self.heap.peek().map(|&Reverse(key)| key)
    }

    /// Whether `doc`, with match part at most `bound`, could displace the weakest kept hit.
    fn could_enter(&self, bound: u64, doc: u32) -> bool {
        let best_possible = sort_key(
            self.index,
            (bound << MATCH_SHIFT) | static_bits(self.index, doc),
            doc,
        );
        self.bar().is_none_or(|bar| best_possible > bar)
    }

    fn offer(&mut self, scorer: &mut Scorer<'_>, doc: u32) {
        let Some((_, score)) = scorer.score(doc) else {
            return;
        };
        self.heap.push(Reverse(sort_key(self.index, score, doc)));
        if self.heap.len() > self.need {
            self.heap.pop();
        }
    }
}

/// Keys `offset..offset + limit` of `ranked` in descending order. Only the first
/// `offset + limit` are sorted (after a linear-time selection), not all of them.
pub(crate) fn page(ranked: &mut Vec<u128>, offset: usize, limit: usize) -> &[u128] {
    let end = offset.saturating_add(limit).min(ranked.len());
    if offset >= end {
        return &[];
    }
    if end < ranked.len() {
        ranked.select_nth_unstable_by(end - 1, |a, b| b.cmp(a));
        ranked.truncate(end);
    }
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    ranked.get(offset..end).unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use crate::postings::candidates;
    use crate::query::{Prepared, prepare};

    #[test]
    fn keys_round_trip() {
        let index = fixture::index();
        let key = sort_key(&index, 0x3000_0000_0000_1234, 7);
        assert_eq!(unpack(key), (0x3000_0000_0000_1234, 7));
        assert_eq!(tier_of(0x3000_0000_0000_1234), MatchTier::Exact);
        assert_eq!(tier_of(0), MatchTier::Browse);
    }

    #[test]
    fn pages() {
        let mut ranked: Vec<u128> = (0..100).collect();
        assert_eq!(page(&mut ranked.clone(), 0, 3), [99, 98, 97]);
        assert_eq!(page(&mut ranked.clone(), 98, 5), [1, 0]);
        assert!(page(&mut ranked.clone(), 100, 5).is_empty());
        assert!(page(&mut ranked.clone(), 5, 0).is_empty());
        assert_eq!(page(&mut ranked, usize::MAX, usize::MAX), [] as [u128; 0]);
        assert_eq!(page(&mut Vec::new(), 0, 10), [] as [u128; 0]);
    }

    /// Pruned selection returns exactly the top of the full ranking, for every page size.
    #[test]
    fn pruning_keeps_the_best() {
        let index = fixture::index();
        for &text in fixture::QUERIES {
            let Prepared::Words(words) = prepare(&index, text) else {
                panic!("{text}")
            };
            let mut ranges: Vec<_> = words.iter().map(|w| w.range.clone()).collect();
            ranges.dedup();
            let mut matched = Vec::new();
            candidates(&index, &ranges, &mut matched);
            let mut scorer = Scorer::new(&index, &words);
            let mut full = best(&index, &mut scorer, &matched, usize::MAX, usize::MAX);
            full.sort_unstable_by(|a, b| b.cmp(a));
            for need in [1, 2, 3, 5, 8] {
                let mut pruned = best(&index, &mut scorer, &matched, need, 0);
                pruned.sort_unstable_by(|a, b| b.cmp(a));
                let expected = &full[..need.min(full.len())];
                assert_eq!(&pruned[..expected.len()], expected, "{text:?} need {need}");
            }
        }
    }
}
