//! Writing dossiers: a submission (code, dossier, history, audit, mails and idempotency key in
//! one transaction), a change under the optimistic revision check, and bulk loads.

use jiff::civil::Date;
use motcua_core::dossier::{Dossier, DossierCode};

use super::{Accompanying, BuildDossier, Created, IdempotencyKey};
use crate::{
    codec::DbTime,
    db::{Db, dialect, on_pool, with_tx},
    error::{Conflict, StoreError, StoreResult},
};

/// Inserts history entries after the dossier's last one.
macro_rules! append_history {
    ($conn:expr, $dossier_id:expr, $entries:expr) => {{
        for h in $entries {
            let h: &motcua_core::dossier::HistoryEntry = h;
            sqlx::query(
                "INSERT INTO dossier_events (dossier_id, seq, at, actor_id, actor_name, action, \
                 status, summary, internal) SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, \
                 $6, $7, $8 FROM dossier_events WHERE dossier_id = $1",
            )
            .bind($dossier_id)
            .bind($crate::codec::DbTime(h.at))
            .bind(h.actor.as_ref().map(|p| p.user_id.as_str()))
            .bind(h.actor.as_ref().map(|p| p.name.as_str()))
            .bind(&h.action)
            .bind(h.status.as_str())
            .bind(&h.summary)
            .bind(h.internal)
            .execute(&mut *$conn)
            .await?;
        }
    }};
}
pub(crate) use append_history;

/// Marks the files a dossier now holds as held by it (a loose upload becomes a document), and
/// ends the drafts it came from.
macro_rules! hold_files {
    ($conn:expr, $d:expr, $with:expr) => {{
        let d: &motcua_core::dossier::Dossier = $d;
        let with: &$crate::dossier::Accompanying = $with;
        let ids = d
            .components
            .iter()
            .flat_map(|c| c.files.iter())
            .chain(d.result.iter().filter_map(|r| r.file.as_ref()))
            .map(|f| f.id.as_str());
        for id in ids {
            sqlx::query(
                "UPDATE stored_files SET dossier_id = $1, draft_id = NULL \
                 WHERE id = $2 AND dossier_id IS NULL",
            )
            .bind(&d.id)
            .bind(id)
            .execute(&mut *$conn)
            .await?;
        }
        for draft in &with.drafts {
            // Files the draft held that the dossier did not take become loose.
            sqlx::query("UPDATE stored_files SET draft_id = NULL WHERE draft_id = $1")
                .bind(draft)
                .execute(&mut *$conn)
                .await?;
            sqlx::query("DELETE FROM dossier_drafts WHERE id = $1")
                .bind(draft)
                .execute(&mut *$conn)
                .await?;
        }
    }};
}
pub(crate) use hold_files;

/// History entries, audit events and mails.
macro_rules! append_accompanying {
    ($conn:expr, $dossier_id:expr, $with:expr) => {{
        let with: &$crate::dossier::Accompanying = $with;
        $crate::dossier::write::append_history!($conn, $dossier_id, &with.history);
        for e in &with.audit {
            $crate::audit::append_audit!(&mut *$conn, e);
        }
        for m in &with.mails {
            $crate::outbox::enqueue_mail!(&mut *$conn, m);
        }
    }};
}
pub(crate) use append_accompanying;

/// Inserts a dossier row (the projection of [`super::columns`]).
macro_rules! insert_dossier {
    ($conn:expr, $d:expr, $updated_at:expr) => {{
        let cols = $crate::dossier::columns::Columns::of($d, $updated_at)?;
        $crate::dossier::columns::bind_columns!(
            sqlx::query(sqlx::AssertSqlSafe(
                $crate::dossier::columns::INSERT.as_str()
            )),
            &cols
        )
        .execute(&mut *$conn)
        .await?;
    }};
}
pub(crate) use insert_dossier;

/// The body of a submission inside the transaction `$tx` (shared by the plain path and
/// SQLite's group commit). Evaluates to `Created`; errors return with `?`.
macro_rules! create_in {
    ($tx:ident, $prefix:expr, $day:expr, $key:expr, $build:expr) => {{
        let prefix: &str = $prefix;
        let day: jiff::civil::Date = $day;
        let key: Option<$crate::dossier::IdempotencyKey> = $key;
        let build: $crate::dossier::BuildDossier = $build;
        let seen: Option<(String, String)> = match &key {
            Some(k) => {
                sqlx::query_as(
                    "SELECT dossier_code, request_hash FROM idempotency_keys \
                         WHERE owner = $1 AND key = $2",
                )
                .bind(&k.owner)
                .bind(&k.key)
                .fetch_optional(&mut *$tx)
                .await?
            }
            None => None,
        };
        if let (Some((code, hash)), Some(k)) = (seen, &key) {
            $crate::dossier::write::replayed(&code, &hash, k)?
        } else {
            let (seq,): (i64,) = sqlx::query_as(
                "INSERT INTO dossier_sequences (prefix, day, last) VALUES ($1, $2, 1) \
                     ON CONFLICT (prefix, day) DO UPDATE SET last = dossier_sequences.last + 1 \
                     RETURNING last",
            )
            .bind(prefix)
            .bind(day.to_string())
            .fetch_one(&mut *$tx)
            .await?;
            let code = u32::try_from(seq)
                .ok()
                .and_then(|seq| motcua_core::dossier::DossierCode::new(prefix, day, seq).ok())
                .ok_or_else(|| $crate::error::StoreError::SequenceExhausted {
                    prefix: prefix.to_owned(),
                    day,
                })?;
            let $crate::dossier::Creation { dossier, with } = build(code.clone());
            $crate::dossier::write::insert_dossier!(&mut *$tx, &dossier, dossier.submitted_at);
            $crate::dossier::write::append_accompanying!(&mut *$tx, &dossier.id, &with);
            $crate::dossier::write::hold_files!(&mut *$tx, &dossier, &with);
            if let Some(k) = &key {
                sqlx::query(
                    "INSERT INTO idempotency_keys (owner, key, request_hash, dossier_code, \
                         created_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&k.owner)
                .bind(&k.key)
                .bind(&k.request_hash)
                .bind(code.as_str())
                .bind($crate::codec::DbTime(dossier.submitted_at))
                .execute(&mut *$tx)
                .await?;
            }
            $crate::dossier::Created::New(Box::new(dossier))
        }
    }};
}
pub(crate) use create_in;

/// The answer to a replayed idempotency key.
pub(crate) fn replayed(code: &str, hash: &str, key: &IdempotencyKey) -> StoreResult<Created> {
    let code = DossierCode::parse(code)
        .map_err(|_| StoreError::Corrupt(format!("dossier code {code:?}")))?;
    Ok(Created::Replayed {
        code,
        same_request: hash == key.request_hash,
    })
}

/// The code recorded for an idempotency key.
pub(super) async fn replayed_code(
    db: &Db,
    owner: &str,
    key: &str,
) -> StoreResult<Option<DossierCode>> {
    let seen: Option<(String,)> = on_pool!(db, read, |p, _e| {
        sqlx::query_as("SELECT dossier_code FROM idempotency_keys WHERE owner = $1 AND key = $2")
            .bind(owner)
            .bind(key)
            .fetch_optional(p)
            .await?
    });
    seen.map(|(code,)| {
        DossierCode::parse(&code).map_err(|_| StoreError::Corrupt(format!("dossier code {code:?}")))
    })
    .transpose()
}

pub(super) async fn create(
    db: &Db,
    prefix: &str,
    day: Date,
    key: Option<IdempotencyKey>,
    build: BuildDossier,
) -> StoreResult<Created> {
    let replay_key = key.clone();
    let out = match &db.group {
        Some(group) => group.submit(prefix, day, key, build).await,
        None => {
            async {
                Ok::<Created, StoreError>(with_tx!(db, |tx, _e| {
                    create_in!(tx, prefix, day, key, build)
                }))
            }
            .await
        }
    };
    match (out, replay_key) {
        // Two requests with one key at once: both missed the lookup, and the loser's insert of
        // the key rolled its whole transaction back (PostgreSQL; SQLite's single writer never
        // gets here). The winner's dossier is the answer.
        (Err(StoreError::Conflict(Conflict::IdempotencyKey)), Some(k)) => {
            let seen: Option<(String, String)> = on_pool!(db, write, |p, _e| {
                sqlx::query_as(
                    "SELECT dossier_code, request_hash FROM idempotency_keys \
                     WHERE owner = $1 AND key = $2",
                )
                .bind(&k.owner)
                .bind(&k.key)
                .fetch_optional(p)
                .await?
            });
            match seen {
                Some((code, hash)) => replayed(&code, &hash, &k),
                None => Err(StoreError::Conflict(Conflict::IdempotencyKey)),
            }
        }
        (out, _) => out,
    }
}

pub(super) async fn update(
    db: &Db,
    dossier: &Dossier,
    expected_revision: i64,
    with: &Accompanying,
) -> StoreResult<()> {
    let updated_at = with.history.last().map_or(dossier.submitted_at, |h| h.at);
    let cols = super::columns::Columns::of(dossier, updated_at)?;
    with_tx!(db, |tx, _e| {
        let n = super::columns::bind_columns!(
            sqlx::query(sqlx::AssertSqlSafe(super::columns::UPDATE.as_str())),
            &cols
        )
        .bind(expected_revision)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::StaleRevision);
        }
        append_accompanying!(&mut *tx, &dossier.id, with);
        hold_files!(&mut *tx, dossier, with);
    });
    Ok(())
}

pub(super) async fn insert_many(db: &Db, dossiers: &[Dossier]) -> StoreResult<()> {
    let mut last: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for d in dossiers {
        let day = d.code.day().map(|d| d.to_string()).unwrap_or_default();
        let e = last.entry((d.code.prefix().to_owned(), day)).or_default();
        *e = (*e).max(i64::from(d.code.sequence()));
    }
    with_tx!(db, |tx, e| {
        for d in dossiers {
            insert_dossier!(&mut *tx, d, d.submitted_at);
        }
        let sql = dialect(
            e,
            "INSERT INTO dossier_sequences (prefix, day, last) VALUES ($1, $2, $3) \
             ON CONFLICT (prefix, day) DO UPDATE SET last = max(last, excluded.last)",
            "INSERT INTO dossier_sequences (prefix, day, last) VALUES ($1, $2, $3) \
             ON CONFLICT (prefix, day) DO UPDATE SET \
             last = GREATEST(dossier_sequences.last, excluded.last)",
        );
        for ((prefix, day), n) in &last {
            sqlx::query(sql)
                .bind(prefix)
                .bind(day)
                .bind(*n)
                .execute(&mut *tx)
                .await?;
        }
    });
    Ok(())
}

pub(super) async fn reserve_codes(db: &Db, prefix: &str, day: Date, n: u32) -> StoreResult<u32> {
    let (last,): (i64,) = with_tx!(db, |tx, _e| {
        sqlx::query_as(
            "INSERT INTO dossier_sequences (prefix, day, last) VALUES ($1, $2, $3) \
             ON CONFLICT (prefix, day) DO UPDATE SET last = dossier_sequences.last + $3 \
             RETURNING last",
        )
        .bind(prefix)
        .bind(day.to_string())
        .bind(i64::from(n))
        .fetch_one(&mut *tx)
        .await?
    });
    u32::try_from(last - i64::from(n) + 1).map_err(|_| StoreError::Corrupt("sequence".into()))
}

/// Rows projected again per transaction by [`reproject`].
const REPROJECT_BATCH: i64 = 500;

/// Projects again, from their bodies, the rows an older release wrote (`projection` below
/// [`super::columns::PROJECTION`]): a new column such as the folded applicant name cannot be
/// filled by SQL alone. Runs when the store opens, in batches, each its own transaction, so an
/// interrupted start resumes where it stopped. Leaves `updated_at` and the revision as they
/// were: nothing about the dossier changed. Returns how many rows it rewrote.
pub(crate) async fn reproject(db: &Db) -> StoreResult<u64> {
    let mut done = 0u64;
    loop {
        let n = with_tx!(db, |tx, _e| {
            let rows: Vec<(String, DbTime, i64)> = sqlx::query_as(
                "SELECT body, updated_at, revision FROM dossiers WHERE projection < $1 LIMIT $2",
            )
            .bind(super::columns::PROJECTION)
            .bind(REPROJECT_BATCH)
            .fetch_all(&mut *tx)
            .await?;
            for (body, updated_at, revision) in &rows {
                let d = super::body::decode(body)?;
                let cols = super::columns::Columns::of(&d, updated_at.0)?;
                super::columns::bind_columns!(
                    sqlx::query(sqlx::AssertSqlSafe(super::columns::UPDATE.as_str())),
                    &cols
                )
                .bind(*revision)
                .execute(&mut *tx)
                .await?;
            }
            rows.len()
        });
        done += n as u64;
        if (n as i64) < REPROJECT_BATCH {
            return Ok(done);
        }
    }
}

#[cfg(test)]
mod tests {

    use motcua_core::dossier::{Dossier, DossierCode, SubmissionChannel};

    use crate::{
        DossierStore, InboxQuery, InboxSort,
        dossier::ApplicantSearch,
        testkit::{TestDb, pg_url},
    };

    /// A row an older release wrote (the new projections empty, `projection = 0`) is
    /// projected again from its body when the store opens, leaving its revision and
    /// last-change instant alone.
    async fn older_rows_are_projected_again(t: TestDb) {
        let at: jiff::Timestamp = "2026-11-25T08:00:00+07:00".parse().unwrap();
        let code = DossierCode::new(
            "000.01.50.H06",
            at.to_zoned(jiff::tz::TimeZone::UTC).date(),
            1,
        )
        .unwrap();
        let mut s = motcua_core::testkit::submission("d-old", "bn.a", at);
        s.applicant.name = "Nguyễn Thị Hoà".into();
        s.channel = SubmissionChannel::Postal;
        t.db.insert_dossiers(&[Dossier::submitted(s, code)])
            .await
            .unwrap();
        crate::db::on_pool!(t.db, write, |p, _e| {
            sqlx::query(
                "UPDATE dossiers SET projection = 0, applicant_key = NULL, given_key = NULL, \
                 applicant_ident = NULL, channel = NULL, step_kind = NULL",
            )
            .execute(p)
            .await
            .unwrap();
        });
        let search = |text: &str| InboxQuery {
            scope: motcua_core::identity::Scope {
                agencies: ["bn.a".to_owned()].into(),
                by_procedure: Default::default(),
            },
            applicant: ApplicantSearch::from_text(text),
            sort: InboxSort::Newest,
            limit: 10,
            ..InboxQuery::default()
        };
        assert_eq!(
            t.db.inbox(&search("hoa")).await.unwrap().total,
            0,
            "emptied"
        );
        let before = sqlx_row(&t).await;

        let reopened = crate::Db::connect(&t.config).await.unwrap();
        assert_eq!(
            super::reproject(&reopened).await.unwrap(),
            0,
            "done at connect"
        );
        for text in ["hoa", "Nguyễn Thị", "024090001234"] {
            assert_eq!(
                reopened.inbox(&search(text)).await.unwrap().total,
                1,
                "{text}"
            );
        }
        let mut q = search("hoa");
        q.channel = Some(SubmissionChannel::Postal);
        assert_eq!(reopened.inbox(&q).await.unwrap().total, 1);
        assert_eq!(sqlx_row(&t).await, before, "revision and updated_at kept");
    }

    async fn sqlx_row(t: &TestDb) -> (i64, jiff::Timestamp) {
        let db = crate::Db::connect(&t.config).await.unwrap();
        let (revision, at): (i64, crate::codec::DbTime) = crate::db::on_pool!(db, read, |p, _e| {
            sqlx::query_as("SELECT revision, updated_at FROM dossiers")
                .fetch_one(p)
                .await
                .unwrap()
        });
        (revision, at.0)
    }

    #[tokio::test]
    async fn older_rows_are_projected_again_on_sqlite() {
        older_rows_are_projected_again(TestDb::sqlite().await).await;
    }

    #[tokio::test]
    async fn older_rows_are_projected_again_on_postgres() {
        if pg_url().is_some() {
            older_rows_are_projected_again(TestDb::postgres().await).await;
        }
    }
}
