//! The catalog as served: every current procedure, the agency tree and the search index,
//! held in memory and swapped whole when the database changes.
//!
//! Reads never touch the database (DESIGN.md: "the catalog is cached in memory on every
//! node"). A node notices changes made by another node through generation counters in the
//! store and reloads; an import on this node reloads immediately.

use std::{collections::HashMap, sync::Arc};

use jiff::civil::Date;
use motcua_core::{
    agency::Agency,
    catalog::{OnlineLevel, ProcedureCode},
    identity::AgencyHierarchy,
};
use motcua_search::{CatalogIndex, IndexDoc, Query, SearchResults};
use motcua_store::{Store, StoreError, StoreResult, StoredProcedure};

use crate::snapshot::{Snapshot, SnapshotHandle};

/// Generation counters the catalog was loaded at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Generations {
    catalog: i64,
    agency: i64,
}

impl Generations {
    async fn read(store: &dyn Store) -> StoreResult<Self> {
        Ok(Self {
            catalog: store.generation("catalog_generation").await?,
            agency: store.generation("agency_generation").await?,
        })
    }
}

/// A field (lĩnh vực) with its number of procedures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSummary {
    /// Field name.
    pub name: String,
    /// Procedures in force in it.
    pub count: usize,
}

/// One immutable snapshot of the catalog.
#[derive(Debug)]
pub struct Catalog {
    procedures: Vec<Arc<StoredProcedure>>,
    by_code: HashMap<String, usize>,
    index: CatalogIndex,
    fields: Vec<FieldSummary>,
    /// The codes of each field's procedures (the inbox's field filter).
    by_field: HashMap<String, Vec<String>>,
    agencies: Vec<Agency>,
    agency_by_id: HashMap<String, usize>,
    offers: HashMap<String, Vec<(String, OnlineLevel)>>,
    /// Each agency's offers: procedure code and online level, ordered by code.
    offers_by_agency: HashMap<String, Vec<(String, OnlineLevel)>>,
    hierarchy: AgencyHierarchy,
    generations: Generations,
}

impl Catalog {
    /// Loads everything from the store and builds the index.
    pub async fn load(store: &dyn Store) -> StoreResult<Self> {
        // Read the generations first: if a change lands while we load, the next poll sees a
        // newer generation and reloads again, so a change is never missed.
        let generations = Generations::read(store).await?;
        let procedures = store.current_procedures().await?;
        let agencies = store.agencies().await?;
        let links = store.agency_procedures().await?;
        Ok(Self::build(procedures, agencies, links, generations))
    }

    fn build(
        procedures: Vec<StoredProcedure>,
        agencies: Vec<Agency>,
        links: Vec<motcua_store::AgencyProcedure>,
        generations: Generations,
    ) -> Self {
        let mut offers: HashMap<String, Vec<(String, OnlineLevel)>> = HashMap::new();
        let mut offers_by_agency: HashMap<String, Vec<(String, OnlineLevel)>> = HashMap::new();
        for l in links {
            // The store reads the links ordered by agency and code, so each list is ordered.
            offers_by_agency
                .entry(l.agency_id.clone())
                .or_default()
                .push((l.procedure_code.as_str().to_owned(), l.online_level));
            offers
                .entry(l.procedure_code.as_str().to_owned())
                .or_default()
                .push((l.agency_id, l.online_level));
        }
        let procedures: Vec<Arc<StoredProcedure>> = procedures.into_iter().map(Arc::new).collect();
        let by_code = procedures
            .iter()
            .enumerate()
            .map(|(i, p)| (p.procedure.code.as_str().to_owned(), i))
            .collect();
        let mut by_field: HashMap<String, Vec<String>> = HashMap::new();
        for p in &procedures {
            by_field
                .entry(p.procedure.field.clone())
                .or_default()
                .push(p.procedure.code.as_str().to_owned());
        }
        let mut fields: Vec<FieldSummary> = by_field
            .iter()
            .map(|(name, codes)| FieldSummary {
                name: name.clone(),
                count: codes.len(),
            })
            .collect();
        fields.sort_by_cached_key(|f| motcua_core::text::collation_key(&f.name));
        let docs = procedures
            .iter()
            .map(|p| IndexDoc {
                code: p.procedure.code.as_str().to_owned(),
                name: p.procedure.name.clone(),
                field: p.procedure.field.clone(),
                levels: p.procedure.levels.clone(),
                online_level: p.procedure.online_level,
                agencies: offers
                    .get(p.procedure.code.as_str())
                    .map(|v| v.iter().map(|(a, _)| a.clone()).collect())
                    .unwrap_or_default(),
            })
            .collect();
        let index = CatalogIndex::build(docs);
        let agency_by_id = agencies
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.clone(), i))
            .collect();
        let hierarchy = AgencyHierarchy::new(&agencies);
        Self {
            procedures,
            by_code,
            index,
            fields,
            by_field,
            hierarchy,
            agencies,
            agency_by_id,
            offers,
            offers_by_agency,
            generations,
        }
    }

    /// Number of procedures in force.
    pub fn len(&self) -> usize {
        self.procedures.len()
    }

    /// Whether the catalog is empty.
    pub fn is_empty(&self) -> bool {
        self.procedures.is_empty()
    }

    /// A procedure's version in force.
    pub fn procedure(&self, code: &ProcedureCode) -> Option<&Arc<StoredProcedure>> {
        self.by_code
            .get(code.as_str())
            .and_then(|&i| self.procedures.get(i))
    }

    /// Fields with counts, in Vietnamese alphabetical order.
    pub fn fields(&self) -> &[FieldSummary] {
        &self.fields
    }

    /// The codes of the procedures in force in a field (empty when there is no such field).
    pub fn procedures_in_field(&self, field: &str) -> &[String] {
        self.by_field.get(field).map_or(&[], Vec::as_slice)
    }

    /// All agencies (current and expired), ordered by id.
    pub fn agencies(&self) -> &[Agency] {
        &self.agencies
    }

    /// The agency tree's ancestor and descendant relations (access control uses it).
    pub fn hierarchy(&self) -> &AgencyHierarchy {
        &self.hierarchy
    }

    /// One agency.
    pub fn agency(&self, id: &str) -> Option<&Agency> {
        self.agency_by_id
            .get(id)
            .and_then(|&i| self.agencies.get(i))
    }

    /// An agency's name as people read it, or its id when the catalog no longer has it (a
    /// dossier or a grant outlives the agency it names).
    pub fn agency_name(&self, id: &str) -> String {
        self.agency(id)
            .map_or_else(|| id.to_owned(), |a| a.name.clone())
    }

    /// The agencies offering a procedure, with the online level of each offer.
    pub fn offers(&self, code: &ProcedureCode) -> &[(String, OnlineLevel)] {
        self.offers.get(code.as_str()).map_or(&[], Vec::as_slice)
    }

    /// How many procedures an agency offers.
    pub fn offer_count(&self, agency_id: &str) -> usize {
        self.offered_at(agency_id).len()
    }

    /// The procedures an agency offers, with the online level of each offer, ordered by code.
    pub fn offered_at(&self, agency_id: &str) -> &[(String, OnlineLevel)] {
        self.offers_by_agency
            .get(agency_id)
            .map_or(&[], Vec::as_slice)
    }

    /// How many procedures are offered at an online level (the procedure's own level).
    pub fn count_online(&self, level: OnlineLevel) -> usize {
        self.procedures
            .iter()
            .filter(|p| p.procedure.online_level == level)
            .count()
    }

    /// How many agencies exist at `now` (Vietnam date).
    pub fn current_agency_count(&self, now: jiff::Timestamp) -> usize {
        let today = now
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
            .date();
        self.agencies
            .iter()
            .filter(|a| a.is_valid_on(today))
            .count()
    }

    /// Runs a search.
    pub fn search(&self, query: &Query) -> SearchResults {
        self.index.search(query)
    }

    /// The procedure behind a search hit.
    pub fn hit(&self, code: &str) -> Option<&Arc<StoredProcedure>> {
        self.by_code.get(code).and_then(|&i| self.procedures.get(i))
    }

    /// Agencies valid on `day`, as a forest (children sorted by name).
    pub fn agency_tree(&self, on: Option<Date>) -> Vec<AgencyNode<'_>> {
        let visible: Vec<&Agency> = self
            .agencies
            .iter()
            .filter(|a| on.is_none_or(|d| a.is_valid_on(d)))
            .collect();
        let ids: std::collections::HashSet<&str> = visible.iter().map(|a| a.id.as_str()).collect();
        let mut children: HashMap<&str, Vec<&Agency>> = HashMap::new();
        let mut roots = Vec::new();
        for a in &visible {
            match a.parent.as_deref().filter(|p| ids.contains(p)) {
                Some(p) => children.entry(p).or_default().push(a),
                None => roots.push(*a),
            }
        }
        fn node<'a>(a: &'a Agency, children: &HashMap<&str, Vec<&'a Agency>>) -> AgencyNode<'a> {
            let mut kids: Vec<AgencyNode<'a>> = children
                .get(a.id.as_str())
                .map(|v| v.iter().map(|c| node(c, children)).collect())
                .unwrap_or_default();
            kids.sort_by(|x, y| order(x.agency, y.agency));
            AgencyNode {
                agency: a,
                children: kids,
            }
        }
        let mut out: Vec<AgencyNode<'_>> = roots.iter().map(|a| node(a, &children)).collect();
        out.sort_by(|x, y| order(x.agency, y.agency));
        out
    }
}

/// Current agencies first, then by kind importance, then by name.
fn order(a: &Agency, b: &Agency) -> std::cmp::Ordering {
    use motcua_core::agency::AgencyKind as K;
    fn rank(k: K) -> u8 {
        match k {
            K::ProvincialCommittee => 0,
            K::ServiceCentre => 1,
            K::Department => 2,
            K::VerticalAgency => 3,
            K::Ministry => 4,
            K::DistrictCommittee => 5,
            K::CommuneCommittee => 6,
            K::Unit => 7,
            K::Other => 8,
        }
    }
    (
        a.valid_to.is_some(),
        rank(a.kind),
        motcua_core::text::collation_key(&a.name),
    )
        .cmp(&(
            b.valid_to.is_some(),
            rank(b.kind),
            motcua_core::text::collation_key(&b.name),
        ))
}

/// An agency with its children.
#[derive(Debug)]
pub struct AgencyNode<'a> {
    /// The agency.
    pub agency: &'a Agency,
    /// Its children.
    pub children: Vec<AgencyNode<'a>>,
}

/// The shared, swappable catalog snapshot.
pub type CatalogHandle = SnapshotHandle<Catalog>;

impl Snapshot for Catalog {
    type Stamp = Generations;
    type Error = StoreError;
    const NAME: &'static str = "catalog";

    async fn load(store: &dyn Store) -> StoreResult<Self> {
        Catalog::load(store).await
    }

    async fn read_stamp(store: &dyn Store) -> StoreResult<Generations> {
        Generations::read(store).await
    }

    fn stamp(&self) -> &Generations {
        &self.generations
    }
}
