//! The index itself: what one procedure contributes, and how the whole catalog is laid out in
//! memory for fast lookups.
//!
//! Everything is built once, in one pass over the documents, into flat vectors ("compressed
//! sparse rows": one `start` vector of offsets into one `values` vector) so that a rebuild of
//! 50,000 procedures allocates a few dozen vectors, not a million small ones.

use std::collections::HashMap;
use std::ops::Range;

use motcua_core::catalog::{ImplementingLevel, OnlineLevel};
use motcua_core::text::{clean_line, collation_key, for_each_token};

/// One procedure as the search index sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDoc {
    /// Mã thủ tục, returned in hits and the final tie-break of the ranking.
    pub code: String,
    /// Tên thủ tục: the searched text.
    pub name: String,
    /// Lĩnh vực, for the field filter and facet (matched exactly after [`clean_line`]).
    pub field: String,
    /// Cấp thực hiện, for the level filter and facet.
    pub levels: Vec<ImplementingLevel>,
    /// Mức độ dịch vụ công trực tuyến, for the online filter and facet.
    pub online_level: OnlineLevel,
    /// Internal ids of the agencies that offer the procedure, for the agency filter.
    pub agencies: Vec<String>,
}

/// Document, term and token ids are `u32` (half the memory of `usize` in the posting lists);
/// an index keeps at most this many documents, which no catalog comes near.
const MAX_DOCS: usize = u32::MAX as usize;

/// In-memory search index over the procedure catalog: built at start-up and rebuilt whenever
/// the catalog changes ([`CatalogIndex::build`]), then queried with
/// [`CatalogIndex::search`](crate::CatalogIndex::search).
#[derive(Debug)]
pub struct CatalogIndex {
    docs: Vec<IndexDoc>,
    /// Distinct folded syllables, sorted, so that all syllables sharing a prefix form one
    /// contiguous id range (type-ahead on the last query word is a range, not a scan).
    terms: Vec<Box<str>>,
    /// Documents containing each term, ascending: term `t`'s are
    /// `posting_docs[posting_start[t]..posting_start[t + 1]]`. Because term ids are sorted,
    /// the postings of a prefix range are contiguous too, so their total size is one
    /// subtraction.
    posting_start: Vec<u32>,
    posting_docs: Vec<u32>,
    /// Distinct marked keys (diacritics kept, tone as a digit), in first-seen order.
    marks: Vec<Box<str>>,
    mark_ids: HashMap<Box<str>, u32>,
    /// Each document's name as term ids and mark ids, position by position (CSR).
    token_start: Vec<u32>,
    token_terms: Vec<u32>,
    token_marks: Vec<u32>,
    /// Per document: position of the first name token after a leading "Thủ tục" (2), or 0.
    body_start: Vec<u8>,
    /// Per document: name length in characters, saturated; a ranking tie-break.
    name_chars: Vec<u16>,
    /// Per document: rank of its code in code order, so ties break without string compares.
    code_rank: Vec<u32>,
    /// Document ids in browse order: Vietnamese collation of the name, then code.
    browse_order: Vec<u32>,
    /// Document ids in static ranking order: fewest syllables after "Thủ tục", fewest
    /// characters, code. Equal matches rank in this order, so the best hits of a query with
    /// many matches can be found by walking it and stopping early (see `top`).
    static_order: Vec<u32>,
    /// First letter of every name token, one ASCII byte per token (`_` when it is not ASCII),
    /// for initials queries: "Cấp giấy phép xây dựng" → "cgpxd". CSR over `token_start`, so
    /// one substring search covers the whole catalog.
    initials: String,
    /// Distinct fields (cleaned), their ids, each document's field, and each field's rank in
    /// Vietnamese collation order (for listing facets).
    fields: Vec<String>,
    field_ids: HashMap<String, u32>,
    field_of: Vec<u32>,
    field_rank: Vec<u32>,
    /// Per document: bit set of [`level_bit`].
    level_mask: Vec<u8>,
    online_of: Vec<OnlineLevel>,
    /// Distinct agency ids and each document's agencies (CSR).
    agency_ids: HashMap<String, u32>,
    agency_start: Vec<u32>,
    agency_of: Vec<u32>,
}

/// The bit of `level` in a document's level mask.
pub(crate) fn level_bit(level: ImplementingLevel) -> u8 {
    match level {
        ImplementingLevel::Ministry => 1,
        ImplementingLevel::Province => 2,
        ImplementingLevel::Commune => 4,
        ImplementingLevel::Other => 8,
    }
}

/// `n` as an id; every caller is bounded by [`MAX_DOCS`] or by the size of an in-memory vector.
fn id(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Returns the id of `key`, adding it to `list` if it is new. Looks up by `&str` so that known
/// keys (nearly all of them) cost no allocation.
fn intern(ids: &mut HashMap<Box<str>, u32>, list: &mut Vec<Box<str>>, key: &str) -> u32 {
    if let Some(&existing) = ids.get(key) {
        return existing;
    }
    let new = id(list.len());
    list.push(key.into());
    ids.insert(key.into(), new);
    new
}

impl CatalogIndex {
    /// Builds the index. Linear in the total length of the names, plus a few sorts (terms,
    /// browse order, static order): about 9 ms for the 2,642 real procedures and 0.2 s for
    /// 50,000 on a shared 2-core server (see `docs/PERFORMANCE.md`), so rebuilding the whole
    /// index on every catalog change is fine.
    pub fn build(mut docs: Vec<IndexDoc>) -> Self {
        docs.truncate(MAX_DOCS);
        let n = docs.len();

        // 1. Tokenize every name once: term and mark ids per position, initials.
        let mut term_ids: HashMap<Box<str>, u32> = HashMap::new();
        let mut raw_terms: Vec<Box<str>> = Vec::new();
        let mut mark_ids: HashMap<Box<str>, u32> = HashMap::new();
        let mut marks: Vec<Box<str>> = Vec::new();
        let mut token_start = Vec::with_capacity(n + 1);
        let mut token_terms = Vec::with_capacity(n * 24);
        let mut token_marks = Vec::with_capacity(n * 24);
        let mut initials = String::with_capacity(n * 24);
        let mut name_chars = Vec::with_capacity(n);
        token_start.push(0);
        for doc in &docs {
            for_each_token(&doc.name, |keys| {
                token_terms.push(intern(&mut term_ids, &mut raw_terms, keys.folded));
                token_marks.push(intern(&mut mark_ids, &mut marks, keys.marked));
                initials.push(match keys.folded.chars().next() {
                    Some(c) if c.is_ascii() => c,
                    _ => '_',
                });
            });
            token_start.push(id(token_terms.len()));
            name_chars.push(u16::try_from(doc.name.chars().count()).unwrap_or(u16::MAX));
        }
        drop(term_ids);

        // 2. Sort the dictionary and renumber the tokens, so prefixes are id ranges.
        let mut order: Vec<usize> = (0..raw_terms.len()).collect();
        order.sort_unstable_by(|&a, &b| raw_terms[a].cmp(&raw_terms[b]));
        let mut renumber = vec![0_u32; raw_terms.len()];
        for (new, &old) in order.iter().enumerate() {
            renumber[old] = id(new);
        }
        for term in &mut token_terms {
            *term = renumber[*term as usize];
        }
        let terms: Vec<Box<str>> = order
            .iter()
            .map(|&old| std::mem::take(&mut raw_terms[old]))
            .collect();

        // 3. Posting lists: count, prefix-sum, fill; a document is listed once per term.
        let mut posting_start = vec![0_u32; terms.len() + 1];
        let mut last_doc = vec![u32::MAX; terms.len()];
        for doc in 0..n {
            let tokens = &token_terms[token_start[doc] as usize..token_start[doc + 1] as usize];
            for &term in tokens {
                if last_doc[term as usize] != id(doc) {
                    last_doc[term as usize] = id(doc);
                    posting_start[term as usize + 1] += 1;
                }
            }
        }
        for t in 0..terms.len() {
            posting_start[t + 1] += posting_start[t];
        }
        let mut fill: Vec<u32> = posting_start[..terms.len()].to_vec();
        let mut posting_docs = vec![0_u32; posting_start[terms.len()] as usize];
        last_doc.fill(u32::MAX);
        for doc in 0..n {
            let tokens = &token_terms[token_start[doc] as usize..token_start[doc + 1] as usize];
            for &term in tokens {
                if last_doc[term as usize] != id(doc) {
                    last_doc[term as usize] = id(doc);
                    posting_docs[fill[term as usize] as usize] = id(doc);
                    fill[term as usize] += 1;
                }
            }
        }

        // 4. A leading "Thủ tục" is ignored by the exact-name tier (when more words follow).
        let find = |word: &str| terms.binary_search_by(|t| (**t).cmp(word)).ok().map(id);
        let (thu, tuc) = (find("thu"), find("tuc"));
        let body_start: Vec<u8> = (0..n)
            .map(|doc| {
                let tokens = &token_terms[token_start[doc] as usize..token_start[doc + 1] as usize];
                match tokens {
                    [a, b, _, ..] if Some(*a) == thu && Some(*b) == tuc => 2,
                    _ => 0,
                }
            })
            .collect();

        // 5. Orders: by code (tie-break) and by Vietnamese collation of the name (browse).
        let mut by_code: Vec<u32> = (0..id(n)).collect();
        by_code.sort_unstable_by(|&a, &b| docs[a as usize].code.cmp(&docs[b as usize].code));
        let mut code_rank = vec![0_u32; n];
        for (rank, &doc) in by_code.iter().enumerate() {
            code_rank[doc as usize] = id(rank);
        }
        let collation: Vec<Vec<u8>> = docs.iter().map(|d| collation_key(&d.name)).collect();
        let mut browse_order: Vec<u32> = (0..id(n)).collect();
        browse_order.sort_unstable_by(|&a, &b| {
            collation[a as usize]
                .cmp(&collation[b as usize])
                .then(code_rank[a as usize].cmp(&code_rank[b as usize]))
        });
        drop(collation);
        let body_len = |doc: u32| {
            let span = token_start[doc as usize + 1] - token_start[doc as usize];
            span.saturating_sub(u32::from(body_start[doc as usize]))
        };
        let mut static_order: Vec<u32> = (0..id(n)).collect();
        static_order.sort_unstable_by_key(|&doc| {
            (
                body_len(doc),
                name_chars[doc as usize],
                code_rank[doc as usize],
                doc,
            )
        });

        // 6. Filter columns.
        let mut fields: Vec<String> = Vec::new();
        let mut field_ids: HashMap<String, u32> = HashMap::new();
        let mut field_of = Vec::with_capacity(n);
        let mut level_mask = Vec::with_capacity(n);
        let mut online_of = Vec::with_capacity(n);
        let mut agency_ids: HashMap<String, u32> = HashMap::new();
        let mut agency_start = Vec::with_capacity(n + 1);
        let mut agency_of = Vec::new();
        agency_start.push(0);
        for doc in &docs {
            let field = clean_line(&doc.field);
            let next = id(fields.len());
            let field_id = *field_ids.entry(field).or_insert_with_key(|f| {
                fields.push(f.clone());
                next
            });
            field_of.push(field_id);
            level_mask.push(doc.levels.iter().fold(0, |mask, &l| mask | level_bit(l)));
            online_of.push(doc.online_level);
            for agency in &doc.agencies {
                let next = id(agency_ids.len());
                agency_of.push(*agency_ids.entry(clean_line(agency)).or_insert(next));
            }
            agency_start.push(id(agency_of.len()));
        }
        let mut field_order: Vec<usize> = (0..fields.len()).collect();
        let field_keys: Vec<Vec<u8>> = fields.iter().map(|f| collation_key(f)).collect();
        field_order.sort_unstable_by(|&a, &b| {
            field_keys[a]
                .cmp(&field_keys[b])
                .then(fields[a].cmp(&fields[b]))
        });
        let mut field_rank = vec![0_u32; fields.len()];
        for (rank, &field) in field_order.iter().enumerate() {
            field_rank[field] = id(rank);
        }

        Self {
            docs,
            terms,
            posting_start,
            posting_docs,
            marks,
            mark_ids,
            token_start,
            token_terms,
            token_marks,
            body_start,
            name_chars,
            code_rank,
            browse_order,
            static_order,
            initials,
            fields,
            field_ids,
            field_of,
            field_rank,
            level_mask,
            online_of,
            agency_ids,
            agency_start,
            agency_of,
        }
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether the index has no documents.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The documents, in the order given to [`Self::build`]; [`crate::Hit::doc`] indexes this.
    pub fn docs(&self) -> &[IndexDoc] {
        &self.docs
    }

    /// The document at `index` (a [`crate::Hit::doc`]).
    pub fn doc(&self, index: usize) -> Option<&IndexDoc> {
        self.docs.get(index)
    }

    // --- Crate-internal accessors ------------------------------------------------------------

    pub(crate) fn doc_count(&self) -> u32 {
        id(self.docs.len())
    }

    pub(crate) fn code(&self, doc: u32) -> &str {
        self.docs.get(doc as usize).map_or("", |d| d.code.as_str())
    }

    /// The id of a folded syllable, if any name contains it.
    pub(crate) fn term_id(&self, folded: &str) -> Option<u32> {
        self.terms
            .binary_search_by(|t| (**t).cmp(folded))
            .ok()
            .map(id)
    }

    /// The ids of all syllables starting with `prefix` (empty range when there are none).
    pub(crate) fn prefix_range(&self, prefix: &str) -> Range<u32> {
        let start = self.terms.partition_point(|t| **t < *prefix);
        let len = self.terms[start..].partition_point(|t| t.starts_with(prefix));
        id(start)..id(start + len)
    }

    /// The documents containing term `term`, ascending.
    pub(crate) fn postings(&self, term: u32) -> &[u32] {
        self.postings_of_range(term..term.saturating_add(1))
    }

    /// The concatenated postings of a term range (not deduplicated across terms).
    pub(crate) fn postings_of_range(&self, range: Range<u32>) -> &[u32] {
        let (Some(&start), Some(&end)) = (
            self.posting_start.get(range.start as usize),
            self.posting_start.get(range.end as usize),
        ) else {
            return &[];
        };
        self.posting_docs
            .get(start as usize..end as usize)
            .unwrap_or(&[])
    }

    /// Token positions of document `doc` in the CSR vectors.
    fn token_span(&self, doc: u32) -> Range<usize> {
        let start = self.token_start.get(doc as usize).copied().unwrap_or(0) as usize;
        let end = self.token_start.get(doc as usize + 1).copied().unwrap_or(0) as usize;
        start..end.max(start)
    }

    pub(crate) fn doc_terms(&self, doc: u32) -> &[u32] {
        self.token_terms.get(self.token_span(doc)).unwrap_or(&[])
    }

    pub(crate) fn doc_marks(&self, doc: u32) -> &[u32] {
        self.token_marks.get(self.token_span(doc)).unwrap_or(&[])
    }

    pub(crate) fn doc_initials(&self, doc: u32) -> &[u8] {
        self.initials
            .as_bytes()
            .get(self.token_span(doc))
            .unwrap_or(&[])
    }

    /// The documents whose names contain consecutive syllables with these initials,
    /// ascending: one substring search over all names' initials, keeping the matches that do
    /// not straddle two names.
    pub(crate) fn initials_matches(&self, initials: &str) -> Vec<u32> {
        let mut docs = Vec::new();
        if initials.is_empty() {
            return docs;
        }
        let mut from = 0;
        while let Some(found) = self
            .initials
            .get(from..)
            .and_then(|rest| rest.find(initials))
        {
            let start = from + found;
            let end = start + initials.len();
            // The document whose span contains `start`.
            let doc = self
                .token_start
                .partition_point(|&s| s as usize <= start)
                .saturating_sub(1);
            let doc_end = self.token_start.get(doc + 1).map_or(0, |&e| e as usize);
            if end <= doc_end {
                docs.push(id(doc));
                from = doc_end;
            } else {
                from = start + 1;
            }
        }
        docs
    }

    pub(crate) fn body_start(&self, doc: u32) -> usize {
        self.body_start
            .get(doc as usize)
            .copied()
            .unwrap_or(0)
            .into()
    }

    /// Number of name syllables after any leading "Thủ tục".
    pub(crate) fn body_len(&self, doc: u32) -> usize {
        self.doc_terms(doc)
            .len()
            .saturating_sub(self.body_start(doc))
    }

    pub(crate) fn static_order(&self) -> &[u32] {
        &self.static_order
    }

    pub(crate) fn name_chars(&self, doc: u32) -> u16 {
        self.name_chars
            .get(doc as usize)
            .copied()
            .unwrap_or(u16::MAX)
    }

    pub(crate) fn code_rank(&self, doc: u32) -> u32 {
        self.code_rank
            .get(doc as usize)
            .copied()
            .unwrap_or(u32::MAX)
    }

    pub(crate) fn browse_order(&self) -> &[u32] {
        &self.browse_order
    }

    pub(crate) fn mark_id(&self, marked: &str) -> Option<u32> {
        self.mark_ids.get(marked).copied()
    }

    pub(crate) fn mark(&self, mark: u32) -> &str {
        self.marks.get(mark as usize).map_or("", |m| m)
    }

    pub(crate) fn fields(&self) -> &[String] {
        &self.fields
    }

    pub(crate) fn field_id(&self, field: &str) -> Option<u32> {
        self.field_ids.get(field).copied()
    }

    pub(crate) fn field_of(&self, doc: u32) -> u32 {
        self.field_of.get(doc as usize).copied().unwrap_or(u32::MAX)
    }

    pub(crate) fn field_rank(&self, field: u32) -> u32 {
        self.field_rank
            .get(field as usize)
            .copied()
            .unwrap_or(u32::MAX)
    }

    pub(crate) fn level_mask(&self, doc: u32) -> u8 {
        self.level_mask.get(doc as usize).copied().unwrap_or(0)
    }

    pub(crate) fn online_of(&self, doc: u32) -> Option<OnlineLevel> {
        self.online_of.get(doc as usize).copied()
    }

    pub(crate) fn agency_id(&self, agency: &str) -> Option<u32> {
        self.agency_ids.get(agency).copied()
    }

    pub(crate) fn doc_agencies(&self, doc: u32) -> &[u32] {
        let start = self.agency_start.get(doc as usize).copied().unwrap_or(0) as usize;
        let end = self
            .agency_start
            .get(doc as usize + 1)
            .copied()
            .unwrap_or(0) as usize;
        self.agency_of.get(start..end).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn dictionary_is_sorted_and_prefixes_are_ranges() {
        let index = fixture::index();
        assert!(index.terms.windows(2).all(|w| w[0] < w[1]));
        let range = index.prefix_range("kh");
        let words: Vec<&str> = range.clone().map(|t| &*index.terms[t as usize]).collect();
        assert!(words.contains(&"khai") && words.contains(&"khu") && words.contains(&"khac"));
        assert!(words.iter().all(|w| w.starts_with("kh")));
        assert!(index.prefix_range("zzz").is_empty());
        assert_eq!(index.prefix_range(""), 0..id(index.terms.len()));
        let khai = index.term_id("khai").unwrap();
        assert!(range.contains(&khai));
        assert_eq!(index.term_id("khải"), None);
    }

    #[test]
    fn postings_list_each_document_once_in_order() {
        let index = fixture::index();
        for term in 0..id(index.terms.len()) {
            let docs = index.postings(term);
            assert!(!docs.is_empty());
            assert!(docs.windows(2).all(|w| w[0] < w[1]));
            for &doc in docs {
                assert!(index.doc_terms(doc).contains(&term));
            }
        }
        // "Cấp, cấp lại …" style repeats are listed once.
        let cap = index.term_id("cap").unwrap();
        let count = (0..index.doc_count())
            .filter(|&d| index.doc_terms(d).contains(&cap))
            .count();
        assert_eq!(index.postings(cap).len(), count);
    }

    #[test]
    fn per_document_columns() {
        let index = fixture::index();
        let doc = index
            .docs()
            .iter()
            .position(|d| d.code == "1.001193")
            .unwrap();
        let doc = id(doc);
        assert_eq!(index.body_start(doc), 2);
        assert_eq!(index.doc_initials(doc), b"ttdkks");
        assert_eq!(index.doc_terms(doc).len(), 6);
        let thuong_tru = id(index
            .docs()
            .iter()
            .position(|d| d.code == "1.004222")
            .unwrap());
        assert_eq!(index.body_start(thuong_tru), 0);
        assert_eq!(index.fields()[index.field_of(doc) as usize], "Hộ tịch");
        assert_eq!(index.level_mask(doc), level_bit(ImplementingLevel::Commune));
        assert_eq!(index.doc_agencies(doc).len(), 1);
        // Out-of-range ids answer harmlessly.
        assert!(index.doc_terms(u32::MAX).is_empty());
        assert_eq!(index.code(u32::MAX), "");
        assert!(index.postings(u32::MAX).is_empty());
    }

    #[test]
    fn initials_matches_stay_inside_one_name() {
        let index = fixture::index();
        let codes = |initials: &str| -> Vec<&str> {
            index
                .initials_matches(initials)
                .iter()
                .map(|&d| index.code(d))
                .collect()
        };
        assert_eq!(codes("gpxd"), ["1.005126", "1.005134"]);
        // The khai sinh family except the two "đăng ký lại khai sinh" (ttdklks).
        assert_eq!(codes("ttdkks").len(), 7);
        assert!(codes("").is_empty());
        // Brute force over every pair of adjacent names' boundary: a needle made of the end of
        // one name and the start of the next must not match.
        for doc in 0..index.doc_count() - 1 {
            let (a, b) = (index.doc_initials(doc), index.doc_initials(doc + 1));
            let straddling = format!("{}{}", a[a.len() - 1] as char, b[0] as char);
            for &found in &index.initials_matches(&straddling) {
                let own = index.doc_initials(found);
                assert!(own.windows(2).any(|w| w == straddling.as_bytes()));
            }
        }
    }

    #[test]
    fn static_order_is_shortest_first() {
        let index = fixture::index();
        let order = index.static_order();
        assert_eq!(order.len(), index.len());
        let key = |d: u32| (index.body_len(d), index.name_chars(d), index.code_rank(d));
        assert!(order.windows(2).all(|w| key(w[0]) < key(w[1])));
        assert_eq!(index.code(order[0]), "1.002755"); // "Gia hạn tạm trú"
    }

    #[test]
    fn browse_order_is_vietnamese_collation() {
        let index = fixture::index();
        let names: Vec<&str> = index
            .browse_order()
            .iter()
            .map(|&d| index.docs()[d as usize].name.as_str())
            .collect();
        assert_eq!(names.len(), index.len());
        let keys: Vec<Vec<u8>> = names.iter().map(|n| collation_key(n)).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        // "Đăng ký …" comes after every "D…"/"C…" name and before "G…".
        let first_dang = names.iter().position(|n| n.starts_with("Đăng")).unwrap();
        let first_gia = names.iter().position(|n| n.starts_with("Gia")).unwrap();
        let last_cong = names.iter().rposition(|n| n.starts_with("Công")).unwrap();
        assert!(last_cong < first_dang && first_dang < first_gia);
    }

    #[test]
    fn empty_catalog() {
        let index = CatalogIndex::build(Vec::new());
        assert!(index.is_empty());
        assert!(index.prefix_range("a").is_empty());
        assert_eq!(index.term_id("a"), None);
    }
}
