//! Filters and facet counts.
//!
//! Standard faceting: the count shown next to a value of one filter is the number of results
//! the page would have if that value were chosen, keeping the text and the *other* filters. So
//! each facet is counted over the documents that fail no filter except possibly its own; one
//! pass over the text matches computes all of them.

use motcua_core::catalog::{ImplementingLevel, OnlineLevel};
use motcua_core::text::clean_line;

use crate::Query;
use crate::index::{CatalogIndex, level_bit};

/// Facet counts for a result page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// Per lĩnh vực with at least one match, most matches first, then in Vietnamese name order.
    pub fields: Vec<FieldCount>,
    /// Per implementing level, every level in [`ImplementingLevel::ALL`] order (zeros
    /// included). A procedure at several levels counts once for each.
    pub levels: Vec<LevelCount>,
    /// Per online service level, every level in [`OnlineLevel::ALL`] order (zeros included).
    pub online: Vec<OnlineCount>,
}

/// Matches in one lĩnh vực.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCount {
    /// The field as indexed (after [`clean_line`]); pass it back as [`Query::field`].
    pub field: String,
    /// Matches for the text and the other filters.
    pub count: usize,
}

/// Matches at one implementing level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelCount {
    /// The level.
    pub level: ImplementingLevel,
    /// Matches for the text and the other filters.
    pub count: usize,
}

/// Matches at one online service level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnlineCount {
    /// The level.
    pub online: OnlineLevel,
    /// Matches for the text and the other filters.
    pub count: usize,
}

/// Bits of [`Filters::failures`]: which filters a document fails.
pub(crate) const FIELD: u8 = 1;
pub(crate) const LEVEL: u8 = 2;
pub(crate) const AGENCY: u8 = 4;
pub(crate) const ONLINE: u8 = 8;

/// A filter on an interned value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Interned {
    /// No filter.
    Any,
    /// Only this id.
    Only(u32),
    /// A value no document has: everything fails.
    Unknown,
}

impl Interned {
    fn resolve(value: Option<&String>, lookup: impl FnOnce(&str) -> Option<u32>) -> Self {
        match value {
            None => Self::Any,
            Some(value) => lookup(&clean_line(value)).map_or(Self::Unknown, Self::Only),
        }
    }
}

/// The query's filters, resolved against the index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Filters {
    field: Interned,
    level: Option<u8>,
    agency: Interned,
    online: Option<OnlineLevel>,
}

impl Filters {
    pub(crate) fn resolve(index: &CatalogIndex, query: &Query) -> Self {
        Self {
            field: Interned::resolve(query.field.as_ref(), |f| index.field_id(f)),
            level: query.level.map(level_bit),
            agency: Interned::resolve(query.agency.as_ref(), |a| index.agency_id(a)),
            online: query.online,
        }
    }

    /// The filters `doc` fails, as [`FIELD`] | [`LEVEL`] | [`AGENCY`] | [`ONLINE`] bits.
    pub(crate) fn failures(&self, index: &CatalogIndex, doc: u32) -> u8 {
        let mut failed = 0;
        match self.field {
            Interned::Any => {}
            Interned::Only(field) if index.field_of(doc) == field => {}
            _ => failed |= FIELD,
        }
        if let Some(bit) = self.level
            && index.level_mask(doc) & bit == 0
        {
            failed |= LEVEL;
        }
        match self.agency {
            Interned::Any => {}
            Interned::Only(agency) if index.doc_agencies(doc).contains(&agency) => {}
            _ => failed |= AGENCY,
        }
        if let Some(online) = self.online
            && index.online_of(doc) != Some(online)
        {
            failed |= ONLINE;
        }
        failed
    }
}

/// Accumulates facet counts over text matches.
#[derive(Debug)]
pub(crate) struct FacetCounter {
    fields: Vec<usize>,
    levels: [usize; 4],
    online: [usize; 3],
}

impl FacetCounter {
    pub(crate) fn new(index: &CatalogIndex) -> Self {
        Self {
            fields: vec![0; index.fields().len()],
            levels: [0; 4],
            online: [0; 3],
        }
    }

    /// Counts a text match that fails the filters in `failures`.
    pub(crate) fn add(&mut self, index: &CatalogIndex, doc: u32, failures: u8) {
        if failures & !FIELD == 0
            && let Some(count) = self.fields.get_mut(index.field_of(doc) as usize)
        {
            *count += 1;
        }
        if failures & !LEVEL == 0 {
            let mask = index.level_mask(doc);
            for (count, level) in self.levels.iter_mut().zip(ImplementingLevel::ALL) {
                if mask & level_bit(level) != 0 {
                    *count += 1;
                }
            }
        }
        if failures & !ONLINE == 0
            && let Some(online) = index.online_of(doc)
            && let Some(slot) = OnlineLevel::ALL.iter().position(|&o| o == online)
            && let Some(count) = self.online.get_mut(slot)
        {
            *count += 1;
        }
    }

    pub(crate) fn finish(self, index: &CatalogIndex) -> Facets {
        let mut fields: Vec<(u32, usize)> = (0_u32..)
            .zip(self.fields)
            .filter(|&(_, count)| count > 0)
            .collect();
        fields.sort_unstable_by_key(|&(field, count)| {
            (std::cmp::Reverse(count), index.field_rank(field))
        });
        Facets {
            fields: fields
                .into_iter()
                .filter_map(|(field, count)| {
                    let name = index.fields().get(field as usize)?;
                    Some(FieldCount {
                        field: name.clone(),
                        count,
                    })
                })
                .collect(),
            levels: ImplementingLevel::ALL
                .into_iter()
                .zip(self.levels)
                .map(|(level, count)| LevelCount { level, count })
                .collect(),
            online: OnlineLevel::ALL
                .into_iter()
                .zip(self.online)
                .map(|(online, count)| OnlineCount { online, count })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn failures_name_the_failed_filters() {
        let index = fixture::index();
        let doc = u32::try_from(
            index
                .docs()
                .iter()
                .position(|d| d.code == "1.001193")
                .unwrap(),
        )
        .unwrap();
        let query = |f: fn(&mut Query)| {
            let mut q = Query::new("");
            f(&mut q);
            Filters::resolve(&index, &q).failures(&index, doc)
        };
        assert_eq!(query(|_| {}), 0);
        assert_eq!(query(|q| q.field = Some(" Hộ  tịch ".to_owned())), 0);
        // NFD spelling of "Hộ tịch".
        assert_eq!(
            query(|q| q.field = Some("Ho\u{323}\u{302} ti\u{323}ch".to_owned())),
            0
        );
        assert_eq!(query(|q| q.field = Some("Thuế".to_owned())), FIELD);
        assert_eq!(query(|q| q.field = Some("no such field".to_owned())), FIELD);
        assert_eq!(query(|q| q.level = Some(ImplementingLevel::Commune)), 0);
        assert_eq!(
            query(|q| q.level = Some(ImplementingLevel::Ministry)),
            LEVEL
        );
        assert_eq!(
            query(|q| q.agency = Some("ubnd-xa-phu-thuong".to_owned())),
            0
        );
        assert_eq!(
            query(|q| q.agency = Some("ubnd-xa-tay-ho".to_owned())),
            AGENCY
        );
        assert_eq!(query(|q| q.online = Some(OnlineLevel::Partial)), 0);
        assert_eq!(query(|q| q.online = Some(OnlineLevel::Full)), ONLINE);
        assert_eq!(
            query(|q| {
                q.level = Some(ImplementingLevel::Province);
                q.online = Some(OnlineLevel::None);
            }),
            LEVEL | ONLINE
        );
    }

    #[test]
    fn facet_counts_exclude_only_their_own_filter() {
        let index = fixture::index();
        let mut counter = FacetCounter::new(&index);
        let first = index.browse_order()[0];
        counter.add(&index, first, 0);
        counter.add(&index, first, FIELD);
        counter.add(&index, first, LEVEL | ONLINE);
        counter.add(&index, first, AGENCY);
        let facets = counter.finish(&index);
        // Passing everything counts everywhere; failing only the field filter still counts in
        // the field facet; failing two filters or the (unfaceted) agency filter counts nowhere.
        assert_eq!(facets.fields.iter().map(|f| f.count).sum::<usize>(), 2);
        let level_total: usize = facets.levels.iter().map(|l| l.count).sum();
        assert_eq!(level_total, index.level_mask(first).count_ones() as usize);
        assert_eq!(facets.online.iter().map(|o| o.count).sum::<usize>(), 1);
        assert_eq!(facets.levels.len(), 4);
        assert_eq!(facets.online.len(), 3);
    }
}
