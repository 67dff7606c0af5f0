//! Running a query: candidates, filters and facets in one pass, then ranking and paging.

use std::ops::Range;

use crate::facets::{FacetCounter, Facets, Filters};
use crate::index::CatalogIndex;
use crate::postings::candidates;
use crate::query::{Prepared, Query, prepare};
use crate::rank::{MatchTier, Scorer, score_initials};
use crate::top::{PRUNE_ABOVE, best, page, sort_key, tier_of, unpack};

/// The answer to a [`Query`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchResults {
    /// Procedures matching the text and every filter.
    pub total: usize,
    /// The requested page of them, best first (browse: in name order).
    pub hits: Vec<Hit>,
    /// Counts per filter value for the text and the other filters.
    pub facets: Facets,
}

/// One matching procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Position of the procedure in the documents given to [`CatalogIndex::build`].
    pub doc: usize,
    /// Its code.
    pub code: String,
    /// How its name matches the text.
    pub tier: MatchTier,
    /// Ranking score: higher is better, only comparable within one query; 0 when browsing.
    pub score: u64,
}

impl CatalogIndex {
    /// Searches the catalog.
    ///
    /// Every query word must be in the name (AND), compared without diacritics, case or
    /// punctuation; the last word may be the beginning of a syllable (type-ahead). A single
    /// word that starts no syllable is tried as initials ("gpxd"). See [`crate::MatchTier`]
    /// and the `rank` module for the order of the hits. Never panics.
    pub fn search(&self, query: &Query) -> SearchResults {
        let filters = Filters::resolve(self, query);
        let mut facets = FacetCounter::new(self);
        let need = query.offset.saturating_add(query.limit);
        let (total, mut ranked) = match prepare(self, &query.text) {
            Prepared::Browse => return self.browse(query, &filters, facets),
            Prepared::Nothing => (0, Vec::new()),
            Prepared::Words(words) => {
                let mut ranges: Vec<Range<u32>> = words.iter().map(|w| w.range.clone()).collect();
                ranges.sort_unstable_by_key(|r| (r.start, r.end));
                ranges.dedup();
                let mut docs = Vec::new();
                candidates(self, &ranges, &mut docs);
                // Every candidate contains every word, so filters and facets need no score.
                let matched = self.filter(&filters, &mut facets, docs);
                let mut scorer = Scorer::new(self, &words);
                (
                    matched.len(),
                    best(self, &mut scorer, &matched, need, PRUNE_ABOVE),
                )
            }
            Prepared::Initials(initials) => {
                let docs = self.initials_matches(&initials);
                let matched = self.filter(&filters, &mut facets, docs);
                let ranked: Vec<u128> = matched
                    .iter()
                    .filter_map(|&doc| {
                        let (_, score) = score_initials(self, &initials, doc)?;
                        Some(sort_key(self, score, doc))
                    })
                    .collect();
                (matched.len(), ranked)
            }
        };
        let hits = page(&mut ranked, query.offset, query.limit)
            .iter()
            .map(|&key| {
                let (score, doc) = unpack(key);
                Hit {
                    doc: doc as usize,
                    code: self.code(doc).to_owned(),
                    tier: tier_of(score),
                    score,
                }
            })
            .collect();
        SearchResults {
            total,
            hits,
            facets: facets.finish(self),
        }
    }

    /// Counts the facets of text matches `docs` and returns those that pass every filter.
    fn filter(&self, filters: &Filters, facets: &mut FacetCounter, docs: Vec<u32>) -> Vec<u32> {
        let mut matched = docs;
        matched.retain(|&doc| {
            let failures = filters.failures(self, doc);
            facets.add(self, doc, failures);
            failures == 0
        });
        matched
    }

    /// Empty text: every document passing the filters, in browse (name) order.
    fn browse(&self, query: &Query, filters: &Filters, mut facets: FacetCounter) -> SearchResults {
        let mut total = 0;
        let mut hits = Vec::new();
        for &doc in self.browse_order() {
            let failures = filters.failures(self, doc);
            facets.add(self, doc, failures);
            if failures == 0 {
                if total >= query.offset && hits.len() < query.limit {
                    hits.push(Hit {
                        doc: doc as usize,
                        code: self.code(doc).to_owned(),
                        tier: MatchTier::Browse,
                        score: 0,
                    });
                }
                total += 1;
            }
        }
        SearchResults {
            total,
            hits,
            facets: facets.finish(self),
        }
    }
}

#[cfg(test)]
mod tests {
    use motcua_core::catalog::{ImplementingLevel, OnlineLevel};
    use motcua_core::text::{fold, fold_marked};
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    use super::*;
    use crate::fixture;

    fn run(index: &CatalogIndex, text: &str) -> SearchResults {
        index.search(&Query {
            limit: 1000,
            ..Query::new(text)
        })
    }

    fn codes(results: &SearchResults) -> Vec<&str> {
        results.hits.iter().map(|h| h.code.as_str()).collect()
    }

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn khai_sinh_comes_first_however_it_is_typed() {
        let index = fixture::index();
        for text in [
            "dang ky khai sinh",
            "đăng ký khai sinh",
            &nfd("đăng ký khai sinh"),
            "ĐĂNG KÝ KHAI SINH",
            "  Đăng-ký,   khai sinh! ",
            "Thủ tục đăng ký khai sinh",
            "thu tuc dang ky khai sinh",
            "dang ky khai s",
            "đăng ký khai si",
            "Dang Ky Khai Sinh",
        ] {
            let results = run(&index, text);
            let first = &results.hits[0];
            assert_eq!(
                (first.code.as_str(), first.tier),
                ("1.001193", MatchTier::Exact),
                "{text:?}"
            );
            assert_eq!(index.doc(first.doc).unwrap().code, "1.001193");
        }
    }

    #[test]
    fn khai_sinh_golden_ranking() {
        let index = fixture::index();
        let expected = [
            // Exact name.
            ("1.001193", MatchTier::Exact),
            // Phrases at the start of the name, shortest first.
            ("1.003583", MatchTier::Phrase), // … lưu động
            ("2.000528", MatchTier::Phrase), // … có yếu tố nước ngoài
            ("1.000689", MatchTier::Phrase), // … kết hợp đăng ký nhận cha, mẹ, con
            ("1.004772", MatchTier::Phrase), // … cho người đã có hồ sơ, giấy tờ cá nhân
            ("1.000110", MatchTier::Phrase), // … có yếu tố nước ngoài tại khu vực biên giới
            ("1.000893", MatchTier::Phrase), // … có yếu tố nước ngoài cho người đã có hồ sơ …
            // All words, not adjacent: "đăng ký lại khai sinh".
            ("1.004884", MatchTier::Words),
            ("2.000522", MatchTier::Words),
        ];
        for text in [
            "dang ky khai sinh",
            "đăng ký khai sinh",
            &nfd("Đăng ký khai sinh"),
        ] {
            let results = run(&index, text);
            let got: Vec<(&str, MatchTier)> = results
                .hits
                .iter()
                .map(|h| (h.code.as_str(), h.tier))
                .collect();
            assert_eq!(got, expected, "{text:?}");
            assert_eq!(results.total, expected.len());
            assert!(results.hits.windows(2).all(|w| w[0].score >= w[1].score));
        }
    }

    #[test]
    fn thuong_tru() {
        let index = fixture::index();
        for text in [
            "dang ky thuong tru",
            "Đăng ký thường trú",
            "thuong tru",
            "thuong t",
        ] {
            assert_eq!(run(&index, text).hits[0].code, "1.004222", "{text:?}");
        }
        let results = run(&index, "dang ky thuong tru");
        assert_eq!(results.hits[0].tier, MatchTier::Exact);
        assert_eq!(codes(&results)[1], "1.003197"); // Xóa đăng ký thường trú
        assert!(codes(&results).contains(&"1.010040"));
    }

    #[test]
    fn tone_placement_either_way() {
        let index = fixture::index();
        for (old, new) in [
            ("hòa giải", "hoà giải"),
            ("thủy nội địa", "thuỷ nội địa"),
            ("hóa", "hoá"),
        ] {
            let (a, b) = (run(&index, old), run(&index, new));
            assert_eq!(codes(&a), codes(&b), "{old:?} / {new:?}");
            assert_eq!(
                a.hits.iter().map(|h| h.score).collect::<Vec<_>>(),
                b.hits.iter().map(|h| h.score).collect::<Vec<_>>()
            );
        }
        // Both spellings of the names are found: 1.008910 has "hòa" and "hoà", 1.004053 "thuỷ".
        assert!(codes(&run(&index, "hòa giải")).contains(&"1.008910"));
        assert!(codes(&run(&index, "thủy nội địa")).contains(&"1.004053"));
        assert!(codes(&run(&index, "thuỷ nội địa")).contains(&"1.003658"));
        // Without diacritics: the same procedures.
        let mut plain = codes(&run(&index, "hoa giai"))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        let mut marked = codes(&run(&index, "hòa giải"))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        plain.sort();
        marked.sort();
        assert_eq!(plain, marked);
    }

    /// Whether the name has a syllable whose marked key is `marked`.
    fn has_syllable(index: &CatalogIndex, hit: &Hit, marked: &str) -> bool {
        fold_marked(&index.docs()[hit.doc].name)
            .split(' ')
            .any(|k| k == marked)
    }

    #[test]
    fn typed_diacritics_are_preferred() {
        let index = fixture::index();
        // "hòa" (huyền) and "hoá" (sắc): names with that exact syllable come first, in either
        // tone placement, before names that only have the other tone.
        for (text, wanted, other) in [
            ("hòa", "hoa1", "hoa4"),
            ("hoà", "hoa1", "hoa4"),
            ("hoá", "hoa4", "hoa1"),
            ("hóa", "hoa4", "hoa1"),
        ] {
            let results = run(&index, text);
            let first_other = results
                .hits
                .iter()
                .position(|h| has_syllable(&index, h, other) && !has_syllable(&index, h, wanted))
                .unwrap();
            let last_wanted = results
                .hits
                .iter()
                .rposition(|h| has_syllable(&index, h, wanted))
                .unwrap();
            assert!(last_wanted < first_other, "{text:?}: {:?}", codes(&results));
        }
        assert_eq!(run(&index, "hòa").hits[0].code, "1.012812"); // Hòa giải tranh chấp đất đai
        assert_eq!(run(&index, "hoá").hits[0].code, "1.010341"); // Xử lý hóa đơn điện tử …
        // Without diacritics the query states no preference: the shortest name comes first.
        assert_eq!(run(&index, "hoa").hits[0].code, "1.012812");
    }

    #[test]
    fn every_word_must_match() {
        let index = fixture::index();
        assert_eq!(run(&index, "khai sinh ket hon").total, 0);
        assert_eq!(run(&index, "dang ky xyzzy").total, 0);
        assert_eq!(run(&index, "xyzzy dang ky").total, 0);
        let results = run(&index, "dang ky xyzzy");
        assert!(results.facets.fields.is_empty());
        assert!(results.facets.levels.iter().all(|l| l.count == 0));
        // Words out of order still match, below the phrase.
        let results = run(&index, "khai sinh dang ky");
        assert!(codes(&results).contains(&"1.001193"));
        assert!(results.hits.iter().all(|h| h.tier == MatchTier::Words));
    }

    #[test]
    fn type_ahead() {
        let index = fixture::index();
        let top5 = |text| {
            run(&index, text)
                .hits
                .into_iter()
                .take(5)
                .map(|h| h.code)
                .collect::<Vec<_>>()
        };
        let k = top5("dang ky k");
        for code in ["1.001193", "1.000894", "1.000656"] {
            assert!(k.contains(&code.to_owned()), "{k:?}");
        }
        assert_eq!(top5("ho kinh d")[0], "1.001612");
        assert!(top5("Thủ tụ").iter().all(|c| {
            index
                .docs()
                .iter()
                .any(|d| &d.code == c && d.name.starts_with("Thủ tục"))
        }));
    }

    #[test]
    fn initials() {
        let index = fixture::index();
        for text in ["gpxd", "GPXD", " g.p.x.d "] {
            let results = run(&index, text);
            if text.contains('.') {
                // Separate letters are separate words: no initials.
                assert_eq!(results.total, 0);
                continue;
            }
            assert_eq!(codes(&results), ["1.005126", "1.005134"], "{text:?}");
            assert!(results.hits.iter().all(|h| h.tier == MatchTier::Phrase));
        }
        // The exact initials of a name after "Thủ tục".
        assert_eq!(run(&index, "dkks").hits[0].tier, MatchTier::Exact);
        // A word that names contain is searched as a word, not as initials.
        assert_eq!(codes(&run(&index, "bhyt")), ["1.001909", "1.001656"]);
    }

    fn filtered(index: &CatalogIndex, text: &str, f: impl FnOnce(&mut Query)) -> SearchResults {
        let mut query = Query {
            limit: 1000,
            ..Query::new(text)
        };
        f(&mut query);
        index.search(&query)
    }

    #[test]
    fn filters() {
        let index = fixture::index();
        let docs = index.docs();
        let doc = |hit: &Hit| &docs[hit.doc];

        let province = filtered(&index, "cap", |q| {
            q.level = Some(ImplementingLevel::Province)
        });
        assert!(province.total > 0);
        assert!(
            province
                .hits
                .iter()
                .all(|h| doc(h).levels.contains(&ImplementingLevel::Province))
        );
        let all = run(&index, "cap");
        let expected = all
            .hits
            .iter()
            .filter(|h| doc(h).levels.contains(&ImplementingLevel::Province))
            .count();
        assert_eq!(province.total, expected);

        let ho_tich = filtered(&index, "dang ky", |q| q.field = Some("Hộ tịch".to_owned()));
        assert!(ho_tich.total > 0 && ho_tich.hits.iter().all(|h| doc(h).field == "Hộ tịch"));

        let tay_ho = filtered(&index, "khai sinh", |q| {
            q.agency = Some("ubnd-xa-tay-ho".to_owned())
        });
        assert!(tay_ho.total > 0);
        assert!(
            tay_ho
                .hits
                .iter()
                .all(|h| doc(h).agencies.iter().any(|a| a == "ubnd-xa-tay-ho"))
        );
        assert!(!codes(&tay_ho).contains(&"1.001193"));

        let full = filtered(&index, "dang ky", |q| q.online = Some(OnlineLevel::Full));
        assert_eq!(codes(&full), ["1.003197"]);

        // An unknown value matches nothing, but the facets of the other filters still count.
        let unknown = filtered(&index, "dang ky", |q| q.field = Some("Không có".to_owned()));
        assert_eq!((unknown.total, unknown.hits.len()), (0, 0));
        assert_eq!(unknown.facets.fields, run(&index, "dang ky").facets.fields);
        assert!(unknown.facets.levels.iter().all(|l| l.count == 0));
    }

    #[test]
    fn facets_count_each_filter_without_itself() {
        let index = fixture::index();
        let docs = index.docs();
        for text in ["", "dang ky", "cap", "hòa", "c", "gpxd"] {
            let base = run(&index, text);
            let field_total: usize = base.facets.fields.iter().map(|f| f.count).sum();
            let online_total: usize = base.facets.online.iter().map(|o| o.count).sum();
            assert_eq!(
                (field_total, online_total),
                (base.total, base.total),
                "{text:?}"
            );
            for level in &base.facets.levels {
                let with = base
                    .hits
                    .iter()
                    .filter(|h| docs[h.doc].levels.contains(&level.level))
                    .count();
                assert_eq!(level.count, with, "{text:?}");
            }
            assert!(
                base.facets
                    .fields
                    .windows(2)
                    .all(|w| w[0].count >= w[1].count)
            );

            for field in &base.facets.fields {
                let narrowed = filtered(&index, text, |q| q.field = Some(field.field.clone()));
                assert_eq!(narrowed.total, field.count, "{text:?} {}", field.field);
                // The field facet ignores the field filter; the others apply it.
                assert_eq!(narrowed.facets.fields, base.facets.fields);
                assert_eq!(
                    narrowed
                        .facets
                        .online
                        .iter()
                        .map(|o| o.count)
                        .sum::<usize>(),
                    narrowed.total
                );
            }
            for level in &base.facets.levels {
                let narrowed = filtered(&index, text, |q| q.level = Some(level.level));
                assert_eq!(narrowed.total, level.count);
                assert_eq!(narrowed.facets.levels, base.facets.levels);
                assert_eq!(
                    narrowed
                        .facets
                        .fields
                        .iter()
                        .map(|f| f.count)
                        .sum::<usize>(),
                    narrowed.total
                );
            }
            for online in &base.facets.online {
                let narrowed = filtered(&index, text, |q| q.online = Some(online.online));
                assert_eq!(narrowed.total, online.count);
                assert_eq!(narrowed.facets.online, base.facets.online);
            }
        }
    }

    #[test]
    fn paging() {
        let index = fixture::index();
        for text in ["dang ky", "", "c"] {
            let all = run(&index, text);
            assert!(all.total > 6);
            let mut pages = Vec::new();
            for offset in (0..all.total + 3).step_by(3) {
                let page = filtered(&index, text, |q| {
                    q.offset = offset;
                    q.limit = 3;
                });
                assert_eq!(page.total, all.total);
                assert_eq!(page.facets, all.facets);
                pages.extend(page.hits);
            }
            assert_eq!(pages, all.hits, "{text:?}");
            let none = filtered(&index, text, |q| q.limit = 0);
            assert!(none.hits.is_empty());
            assert_eq!((none.total, &none.facets), (all.total, &all.facets));
            let beyond = filtered(&index, text, |q| q.offset = all.total);
            assert!(beyond.hits.is_empty());
            let huge = filtered(&index, text, |q| {
                q.offset = usize::MAX;
                q.limit = usize::MAX;
            });
            assert!(huge.hits.is_empty());
            let everything = filtered(&index, text, |q| q.limit = usize::MAX);
            assert_eq!(everything.hits, all.hits);
        }
        assert_eq!(Query::new("x").limit, Query::DEFAULT_LIMIT);
    }

    #[test]
    fn browse_lists_everything_in_name_order() {
        let index = fixture::index();
        for text in ["", "   ", "?!,."] {
            let results = run(&index, text);
            assert_eq!(results.total, index.len());
            let order: Vec<usize> = results.hits.iter().map(|h| h.doc).collect();
            let expected: Vec<usize> = index.browse_order().iter().map(|&d| d as usize).collect();
            assert_eq!(order, expected);
            assert!(
                results
                    .hits
                    .iter()
                    .all(|h| h.tier == MatchTier::Browse && h.score == 0)
            );
        }
        let ministry = filtered(&index, "", |q| q.level = Some(ImplementingLevel::Ministry));
        assert!(ministry.total > 0);
        assert!(ministry.hits.iter().all(|h| {
            index.docs()[h.doc]
                .levels
                .contains(&ImplementingLevel::Ministry)
        }));
        let keys: Vec<Vec<u8>> = ministry
            .hits
            .iter()
            .map(|h| motcua_core::text::collation_key(&index.docs()[h.doc].name))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn empty_index() {
        let index = CatalogIndex::build(Vec::new());
        for text in ["", "dang ky", "gpxd", "c"] {
            let results = run(&index, text);
            assert_eq!(results.total, 0);
            assert!(results.hits.is_empty() && results.facets.fields.is_empty());
            assert_eq!(results.facets.levels.len(), 4);
        }
    }

    fn any_query() -> impl Strategy<Value = Query> {
        let text = prop_oneof![
            any::<String>(),
            "[a-zđ ăâêôơư\u{300}\u{301}\u{309}\u{303}\u{323}]{0,30}",
            Just(String::new())
        ];
        let field = prop_oneof![
            Just(None),
            Just(Some("Hộ tịch".to_owned())),
            any::<String>().prop_map(Some)
        ];
        let level = prop::option::of(prop::sample::select(ImplementingLevel::ALL.to_vec()));
        let online = prop::option::of(prop::sample::select(OnlineLevel::ALL.to_vec()));
        let agency = prop_oneof![
            Just(None),
            Just(Some("ubnd-xa-tay-ho".to_owned())),
            any::<String>().prop_map(Some)
        ];
        let paging = (
            prop_oneof![0..20_usize, Just(usize::MAX)],
            prop_oneof![0..30_usize, Just(usize::MAX)],
        );
        (text, field, level, online, agency, paging).prop_map(
            |(text, field, level, online, agency, (offset, limit))| Query {
                text,
                field,
                level,
                agency,
                online,
                offset,
                limit,
            },
        )
    }

    /// Up to five consecutive words of a fixture name, possibly with the last one cut short.
    fn name_window() -> impl Strategy<Value = (usize, String)> {
        (
            0..fixture::PROCEDURES.len(),
            0..30_usize,
            1..6_usize,
            0..4_usize,
        )
            .prop_map(|(doc, start, len, cut)| {
                let words: Vec<&str> = fixture::PROCEDURES[doc].1.split_whitespace().collect();
                let start = start % words.len();
                let end = (start + len).min(words.len());
                let mut text = words[start..end].join(" ");
                if cut > 0 {
                    let keep = text.chars().count().saturating_sub(cut).max(1);
                    text = text.chars().take(keep).collect();
                }
                (doc, text)
            })
    }

    proptest! {
        #[test]
        fn any_query_is_answered_consistently(query in any_query()) {
            let index = fixture::index();
            let results = index.search(&query);
            prop_assert!(results.hits.len() <= query.limit);
            prop_assert!(results.hits.len() <= results.total.saturating_sub(query.offset.min(results.total)));
            prop_assert!(results.total <= index.len());
            let mut seen: Vec<usize> = results.hits.iter().map(|h| h.doc).collect();
            seen.sort_unstable();
            seen.dedup();
            prop_assert_eq!(seen.len(), results.hits.len());
            for hit in &results.hits {
                prop_assert_eq!(&index.docs()[hit.doc].code, &hit.code);
            }
            if results.hits.iter().all(|h| h.tier != MatchTier::Browse) {
                prop_assert!(results.hits.windows(2).all(|w| w[0].score >= w[1].score));
            }
            if query.online.is_none() {
                prop_assert_eq!(results.facets.online.iter().map(|o| o.count).sum::<usize>(), results.total);
            }
        }

        #[test]
        fn a_name_fragment_finds_its_procedure_in_any_spelling((doc, text) in name_window()) {
            let index = fixture::index();
            let original = run(&index, &text);
            prop_assert!(original.hits.iter().any(|h| h.doc == doc), "{:?}", text);
            // NFD and case change nothing at all.
            for variant in [nfd(&text), text.to_uppercase(), text.to_lowercase()] {
                prop_assert_eq!(&run(&index, &variant), &original, "{:?}", variant);
            }
            // Without diacritics: the same procedures (diacritics only reorder).
            let mut plain: Vec<usize> = run(&index, &fold(&text)).hits.iter().map(|h| h.doc).collect();
            let mut marked: Vec<usize> = original.hits.iter().map(|h| h.doc).collect();
            plain.sort_unstable();
            marked.sort_unstable();
            prop_assert_eq!(plain, marked);
        }
    }
}
