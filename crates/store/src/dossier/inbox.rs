//! The officer inbox: dossiers in the caller's scope, filtered and in the order they need
//! attention, with the permission filter inside the query (`access::push_scope`).

use sqlx::QueryBuilder;

use super::{
    DossierSummary, InboxQuery, SummaryPage,
    read::{SUMMARY_COLUMNS, SummaryRow},
};
use crate::{
    access::push_scope,
    codec::DbTime,
    db::{Db, on_pool},
    error::StoreResult,
};

/// Above this many agencies a scope counts as wide (see `push_inbox_filters`).
const WIDE_SCOPE: usize = 32;

pub(super) async fn inbox(db: &Db, q: &InboxQuery) -> StoreResult<SummaryPage> {
    let limit = q.limit.clamp(1, 200);
    let offset = q.offset.max(0);
    let (rows, total): (Vec<SummaryRow>, i64) = on_pool!(db, read, |p, e| {
        let mut qb = QueryBuilder::new(format!("SELECT {SUMMARY_COLUMNS} FROM dossiers WHERE "));
        push_inbox_filters(&mut qb, q, e, false);
        qb.push(" ORDER BY queue_at, code LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset);
        let rows: Vec<SummaryRow> = qb.build_query_as().fetch_all(p).await?;
        let total = if offset == 0 && (rows.len() as i64) < limit {
            rows.len() as i64
        } else {
            let mut qb = QueryBuilder::new("SELECT COUNT(*) FROM dossiers WHERE ");
            push_inbox_filters(&mut qb, q, e, true);
            let (n,): (i64,) = qb.build_query_as().fetch_one(p).await?;
            n
        };
        (rows, total)
    });
    Ok(SummaryPage {
        items: rows
            .into_iter()
            .map(DossierSummary::try_from)
            .collect::<StoreResult<_>>()?,
        total,
    })
}

/// The inbox conditions; `counting` keeps the agency indexes usable (a count over a wide scope
/// is an index-only sum of one range per agency).
fn push_inbox_filters<DB>(
    qb: &mut QueryBuilder<DB>,
    q: &InboxQuery,
    engine: crate::db::Engine,
    counting: bool,
) where
    DB: sqlx::Database,
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
    for<'t> DbTime: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    // A wide scope (a province's procedure control office, hundreds of agencies) is better
    // served by walking the open-dossier queue in order than by one range per agency and a
    // sort: `+current_agency` tells SQLite not to use the agency indexes for it.
    let wide = !counting
        && q.scope.agencies.len() > WIDE_SCOPE
        && q.agency.is_none()
        && q.assignee.is_none();
    let agency_col = if wide && engine == crate::db::Engine::Sqlite {
        "+current_agency"
    } else {
        "current_agency"
    };
    push_scope(qb, &q.scope, agency_col, Some("procedure_code"));
    if let Some(a) = &q.assignee {
        qb.push(" AND assignee_id = ").push_bind(a.clone());
    }
    if let Some(a) = &q.agency {
        qb.push(" AND current_agency = ").push_bind(a.clone());
    }
    if q.open_only {
        // Literal, so both engines can use the partial indexes on open dossiers.
        qb.push(" AND ")
            .push(super::columns::OPEN_STATUSES.as_str());
    }
    if !q.statuses.is_empty() {
        qb.push(" AND status IN (");
        let mut list = qb.separated(", ");
        for s in &q.statuses {
            list.push_bind(s.as_str().to_owned());
        }
        qb.push(")");
    }
    if let Some(t) = q.due_before {
        qb.push(" AND queue_at <= ")
            .push_bind(DbTime(t))
            .push(" AND due_at IS NOT NULL");
    }
    if let Some(p) = &q.procedure {
        qb.push(" AND procedure_code = ").push_bind(p.clone());
    }
}
