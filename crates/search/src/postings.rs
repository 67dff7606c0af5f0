//! Candidate documents for a words query: the documents that contain every query word (AND),
//! each word exactly, the last one as a prefix.
//!
//! The shortest single-term posting list drives the intersection; the other lists are probed
//! with galloping search (they only move forward). The last word's prefix range is either
//! unioned into a bit set or, when the driver is short, checked by scanning the driver's own
//! name tokens, whichever touches less memory.

use std::ops::Range;

use crate::index::CatalogIndex;

/// A set of document ids as a bit vector: union of a prefix range's postings, O(1) probes.
#[derive(Debug)]
pub(crate) struct DocSet {
    words: Vec<u64>,
}

impl DocSet {
    pub(crate) fn new(docs: u32) -> Self {
        Self {
            words: vec![0; (docs as usize).div_ceil(64)],
        }
    }

    pub(crate) fn insert(&mut self, doc: u32) {
        if let Some(word) = self.words.get_mut(doc as usize / 64) {
            *word |= 1 << (doc % 64);
        }
    }

    pub(crate) fn contains(&self, doc: u32) -> bool {
        self.words
            .get(doc as usize / 64)
            .is_some_and(|w| w & (1 << (doc % 64)) != 0)
    }

    /// The members, ascending.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let base = u32::try_from(i * 64).unwrap_or(u32::MAX);
            BitIter(word).map(move |bit| base.saturating_add(bit))
        })
    }
}

/// The set bits of one word, lowest first.
struct BitIter(u64);

impl Iterator for BitIter {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.0 == 0 {
            return None;
        }
        let bit = self.0.trailing_zeros();
        self.0 &= self.0 - 1;
        Some(bit)
    }
}

/// A sorted posting list probed with ascending targets.
struct Cursor<'a> {
    list: &'a [u32],
    pos: usize,
}

impl Cursor<'_> {
    /// Whether `doc` is in the list; `doc` must not decrease between calls. Gallops forward
    /// (1, 2, 4 … steps) and then binary-searches the last step, so a probe costs
    /// O(log distance) however unequal the list sizes are.
    fn seek(&mut self, doc: u32) -> bool {
        let rest = self.list.get(self.pos..).unwrap_or(&[]);
        let mut step = 1;
        while step < rest.len() && rest[step - 1] < doc {
            step *= 2;
        }
        let window = &rest[..step.min(rest.len())];
        self.pos += window.partition_point(|&d| d < doc);
        self.list.get(self.pos) == Some(&doc)
    }
}

/// Appends to `out`, ascending, the documents that contain a term of every range in `ranges`
/// (one range per distinct query word; only the last may span several terms).
pub(crate) fn candidates(index: &CatalogIndex, ranges: &[Range<u32>], out: &mut Vec<u32>) {
    if ranges.is_empty() || ranges.iter().any(Range::is_empty) {
        return;
    }
    let (singles, multis): (Vec<&Range<u32>>, Vec<&Range<u32>>) =
        ranges.iter().partition(|r| r.len() == 1);
    let mut lists: Vec<&[u32]> = singles.iter().map(|r| index.postings(r.start)).collect();
    lists.sort_unstable_by_key(|l| l.len());

    let Some((&driver, others)) = lists.split_first() else {
        // Only prefix ranges: their union is the answer (intersected if there are several).
        let sets: Vec<DocSet> = multis.iter().map(|r| union(index, r)).collect();
        if let Some((first, rest)) = sets.split_first() {
            out.extend(first.iter().filter(|&d| rest.iter().all(|s| s.contains(d))));
        }
        return;
    };

    // For each prefix range, a bit set if building it is cheaper than scanning the names of
    // the driver's documents (about 24 tokens each), else `None`: scan.
    let multi_checks: Vec<(&Range<u32>, Option<DocSet>)> = multis
        .iter()
        .map(|&r| {
            let union_cost = index.postings_of_range(r.clone()).len();
            let scan_cost = driver.len().saturating_mul(24);
            (r, (union_cost < scan_cost).then(|| union(index, r)))
        })
        .collect();

    let mut cursors: Vec<Cursor<'_>> = others.iter().map(|&list| Cursor { list, pos: 0 }).collect();
    'docs: for &doc in driver {
        for cursor in &mut cursors {
            if !cursor.seek(doc) {
                continue 'docs;
            }
        }
        for (range, set) in &multi_checks {
            let hit = match set {
                Some(set) => set.contains(doc),
                None => index.doc_terms(doc).iter().any(|t| range.contains(t)),
            };
            if !hit {
                continue 'docs;
            }
        }
        out.push(doc);
    }
}

/// The union of the postings of a term range.
fn union(index: &CatalogIndex, range: &Range<u32>) -> DocSet {
    let mut set = DocSet::new(index.doc_count());
    for &doc in index.postings_of_range(range.clone()) {
        set.insert(doc);
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    /// The documents containing every range, by brute force.
    fn brute_force(index: &CatalogIndex, ranges: &[Range<u32>]) -> Vec<u32> {
        (0..index.doc_count())
            .filter(|&d| {
                ranges
                    .iter()
                    .all(|r| index.doc_terms(d).iter().any(|t| r.contains(t)))
            })
            .collect()
    }

    #[test]
    fn doc_set() {
        let mut set = DocSet::new(130);
        for doc in [0, 63, 64, 129, 500] {
            set.insert(doc);
        }
        assert!(set.contains(63) && set.contains(64) && !set.contains(65) && !set.contains(500));
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 63, 64, 129]);
        assert_eq!(DocSet::new(0).iter().count(), 0);
    }

    #[test]
    fn cursor_gallops_forward() {
        let list: Vec<u32> = (0..1000).map(|i| i * 3).collect();
        let mut cursor = Cursor {
            list: &list,
            pos: 0,
        };
        assert!(cursor.seek(0));
        assert!(!cursor.seek(1));
        assert!(cursor.seek(300));
        assert!(!cursor.seek(2000));
        assert!(cursor.seek(2997));
        assert!(!cursor.seek(5000));
        assert!(!cursor.seek(6000));
    }

    #[test]
    fn intersection_matches_brute_force() {
        let index = fixture::index();
        let t = |w: &str| {
            let id = index.term_id(w).unwrap();
            id..id + 1
        };
        let cases = [
            vec![t("dang"), t("ky"), t("khai"), index.prefix_range("s")],
            vec![t("dang"), index.prefix_range("kh")],
            vec![index.prefix_range("ho")],
            vec![t("hoa"), t("giai")],
            vec![t("thuong"), t("tru"), t("cap")],
            vec![t("xay"), index.prefix_range("d")],
            vec![t("khai"), index.prefix_range("zz")],
        ];
        for ranges in cases {
            let mut out = Vec::new();
            candidates(&index, &ranges, &mut out);
            assert_eq!(out, brute_force(&index, &ranges), "{ranges:?}");
        }
        let mut out = Vec::new();
        candidates(&index, &[], &mut out);
        assert!(out.is_empty());
    }
}
