//! The officer inbox: dossiers in the caller's scope, filtered and in the order they need
//! attention, with the permission filter inside the query (`access::push_scope`).

use sqlx::QueryBuilder;

use super::{
    ApplicantSearch, DossierSummary, InboxQuery, InboxSort, SummaryPage,
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
    let rows: Vec<SummaryRow> = on_pool!(db, read, |p, e| {
        // A wide scope's open list walks the open-dossier queue in order: named, because
        // with (status, queue_at) beside it SQLite would otherwise merge five status ranges.
        let from = if e == crate::db::Engine::Sqlite && q.open_only && is_wide(q, false) {
            "dossiers INDEXED BY dossiers_open_queue"
        } else {
            "dossiers"
        };
        // The page's codes first, from the indexes where they hold the order, then only
        // those rows (a late row lookup): sorting full rows to keep 20 read every match.
        let order = match q.sort {
            InboxSort::Attention => " ORDER BY queue_at, code",
            InboxSort::Newest => " ORDER BY submitted_at DESC, code DESC",
            InboxSort::Oldest => " ORDER BY submitted_at, code",
        };
        let mut qb = QueryBuilder::new(format!(
            "SELECT {SUMMARY_COLUMNS} FROM dossiers WHERE code IN (SELECT code FROM {from} WHERE "
        ));
        push_inbox_filters(&mut qb, q, e, false);
        qb.push(order)
            .push(" LIMIT ")
            .push_bind(limit)
            .push(" OFFSET ")
            .push_bind(offset)
            .push(")")
            .push(order);
        let rows: Vec<SummaryRow> = qb.build_query_as().fetch_all(p).await?;
        rows
    });
    let total = if offset == 0 && (rows.len() as i64) < limit {
        rows.len() as i64
    } else {
        count(db, q, None).await?
    };
    Ok(SummaryPage {
        items: rows
            .into_iter()
            .map(DossierSummary::try_from)
            .collect::<StoreResult<_>>()?,
        total,
    })
}

/// How many dossiers match the inbox filters (the paging is ignored); with `cap`, at most
/// `cap + 1` are counted.
pub(super) async fn count(db: &Db, q: &InboxQuery, cap: Option<i64>) -> StoreResult<i64> {
    let (n,): (i64,) = on_pool!(db, read, |p, e| {
        let mut qb = match cap {
            Some(_) => QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM dossiers WHERE "),
            None => QueryBuilder::new("SELECT COUNT(*) FROM dossiers WHERE "),
        };
        push_inbox_filters(&mut qb, q, e, true);
        if let Some(cap) = cap {
            qb.push(" LIMIT ")
                .push_bind(cap.saturating_add(1))
                .push(") AS capped");
        }
        qb.build_query_as().fetch_one(p).await?
    });
    Ok(n)
}

/// Whether the rows of `q` are better found by walking a queue in order than by one range per
/// agency (a province's procedure control office sees hundreds of agencies).
/// A step's queue (waiting for approval, for the issue) is small and has its own index per
/// agency, so it is never walked this way.
fn is_wide(q: &InboxQuery, counting: bool) -> bool {
    !counting
        && q.scope.agencies.len() > WIDE_SCOPE
        && q.agency.is_none()
        && q.assignee.is_none()
        && q.step_kind.is_none()
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
    let wide = is_wide(q, counting);
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
    match &q.procedures {
        Some(codes) if codes.is_empty() => {
            qb.push(" AND 1 = 0");
        }
        Some(codes) => {
            qb.push(" AND procedure_code IN (");
            let mut list = qb.separated(", ");
            for p in codes {
                list.push_bind(p.clone());
            }
            qb.push(")");
        }
        None => {}
    }
    match &q.applicant {
        Some(ApplicantSearch::Name(prefix)) if !prefix.is_empty() => {
            // A prefix as a range, so both engines seek the (agency, key) indexes (the keys
            // are ASCII and compared bytewise: BINARY on SQLite, "C" on PostgreSQL).
            let hi = prefix_end(prefix);
            qb.push(" AND (applicant_key >= ")
                .push_bind(prefix.clone())
                .push(" AND applicant_key < ")
                .push_bind(hi.clone())
                .push(" OR given_key >= ")
                .push_bind(prefix.clone())
                .push(" AND given_key < ")
                .push_bind(hi)
                .push(")");
        }
        Some(ApplicantSearch::Ident(id)) => {
            qb.push(" AND applicant_ident = ").push_bind(id.clone());
        }
        _ => {}
    }
    if let Some(c) = q.channel {
        qb.push(" AND channel = ").push_bind(c.as_str().to_owned());
    }
    if let Some(k) = q.step_kind {
        qb.push(" AND step_kind = ")
            .push_bind(k.as_str().to_owned());
    }
    for (col, (from, to)) in [("submitted_at", q.submitted), ("due_at", q.due)] {
        if let Some(t) = from {
            qb.push(format!(" AND {col} >= ")).push_bind(DbTime(t));
        }
        if let Some(t) = to {
            qb.push(format!(" AND {col} < ")).push_bind(DbTime(t));
        }
    }
}

/// The smallest string above every string that starts with `prefix` (its last character
/// raised by one), for a prefix match as a range.
fn prefix_end(prefix: &str) -> String {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = char::from_u32(u32::from(last) + 1) {
            chars.push(next);
            return chars.into_iter().collect();
        }
    }
    // Never for folded keys, which are ASCII.
    format!("{prefix}{}", char::MAX)
}

#[cfg(test)]
mod tests {
    use super::prefix_end;

    #[test]
    fn a_prefix_range_holds_exactly_what_starts_with_it() {
        let hi = prefix_end("nguyen van");
        assert_eq!(hi, "nguyen vao");
        for inside in ["nguyen van", "nguyen van an", "nguyen vanh"] {
            assert!(inside >= "nguyen van" && inside < hi.as_str(), "{inside}");
        }
        for outside in ["nguyen va", "nguyen vao", "nguyen vb", "tran van"] {
            assert!(
                !(outside >= "nguyen van" && outside < hi.as_str()),
                "{outside}"
            );
        }
        assert_eq!(prefix_end("an9"), "an:");
    }
}
