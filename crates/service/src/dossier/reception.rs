//! What a desk needs to enter a dossier brought to it or sent by post: the procedures it
//! receives (found by a Vietnamese search), the competent agencies it receives each for, and
//! an earlier applicant found by identity number, so a returning citizen is not typed again.
//! The dossier itself is entered with [`DossierService::submit`], as the API does.

use jiff::Timestamp;
use motcua_core::{
    catalog::ProcedureCode,
    dossier::{Applicant, DossierCode},
    identity::{Permission, Scope, vietnam_date},
};
use motcua_search::Query;
use motcua_store::{ApplicantSearch, InboxSort};

use super::{DossierDeps, DossierService, InboxFilter, StatusFilter};
use crate::{actor::Actor, catalog::Catalog, error::ServiceResult};

/// An applicant as an earlier dossier recorded them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierApplicant {
    /// The applicant, as last entered.
    pub applicant: Applicant,
    /// The dossier they come from.
    pub code: DossierCode,
    /// When that dossier was submitted.
    pub submitted_at: Timestamp,
}

impl<S: ?Sized + DossierDeps + 'static> DossierService<S> {
    /// The agencies competent for `procedure`, offering it today, whose dossiers the actor may
    /// receive at their desk ([`Self::desk_for`]), in catalog order. Empty: the actor receives
    /// this procedure nowhere.
    pub fn receivable(
        &self,
        actor: &Actor,
        now: Timestamp,
        procedure: &ProcedureCode,
    ) -> Vec<String> {
        let catalog = self.catalog.get();
        let scope = actor.scope(catalog.hierarchy(), now, Permission::DossierReceive);
        receivable_in(&catalog, &scope, now, procedure)
    }

    /// The procedures matching `text` (any case, with or without marks) that the actor
    /// receives somewhere, best first, at most `limit`. The catalog search ranks every match
    /// (a few thousand procedures, in memory) and the actor's scope, computed once, keeps what
    /// it may receive.
    pub fn receivable_procedures(
        &self,
        actor: &Actor,
        now: Timestamp,
        text: &str,
        limit: usize,
    ) -> Vec<ProcedureCode> {
        let catalog = self.catalog.get();
        let scope = actor.scope(catalog.hierarchy(), now, Permission::DossierReceive);
        if scope.is_empty() {
            return Vec::new();
        }
        let mut q = Query::new(text);
        q.limit = catalog.len();
        catalog
            .search(&q)
            .hits
            .into_iter()
            .filter_map(|h| ProcedureCode::parse(&h.code).ok())
            .filter(|code| !receivable_in(&catalog, &scope, now, code).is_empty())
            .take(limit)
            .collect()
    }

    /// The applicant of the newest dossier the actor may read whose applicant has identity
    /// number (or tax code) `ident`; `None` when there is none. Only what the actor's grants
    /// show is searched: a desk finds the citizens who came to it, not the province's.
    pub async fn earlier_applicant(
        &self,
        actor: &Actor,
        now: Timestamp,
        ident: &str,
    ) -> ServiceResult<Option<EarlierApplicant>> {
        let filter = InboxFilter {
            status: StatusFilter::All,
            applicant: Some(ident.to_owned()),
            sort: InboxSort::Newest,
            page: 1,
            limit: 1,
            ..InboxFilter::default()
        };
        // A name typed here is not an identity number: no lookup.
        if !matches!(
            ApplicantSearch::from_text(ident),
            Some(ApplicantSearch::Ident(_))
        ) {
            return Ok(None);
        }
        let page = self.inbox(actor, now, &filter).await?;
        let Some(row) = page.items.first() else {
            return Ok(None);
        };
        let d = self.load_visible(actor, now, &row.code).await?;
        Ok(Some(EarlierApplicant {
            applicant: d.applicant,
            code: d.code,
            submitted_at: d.submitted_at,
        }))
    }
}

/// [`DossierService::receivable`] within a scope already computed.
fn receivable_in(
    catalog: &Catalog,
    scope: &Scope,
    now: Timestamp,
    procedure: &ProcedureCode,
) -> Vec<String> {
    if scope.is_empty() {
        return Vec::new();
    }
    let today = vietnam_date(now);
    catalog
        .offers(procedure)
        .iter()
        .filter(|(a, _)| catalog.agency(a).is_some_and(|x| x.is_valid_on(today)))
        .filter(|(a, _)| {
            let desk = motcua_core::agency::one_stop_desk(catalog.agencies(), a, today);
            scope.contains(&desk, Some(procedure))
        })
        .map(|(a, _)| a.clone())
        .collect()
}
