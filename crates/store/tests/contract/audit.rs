use std::collections::{BTreeMap, BTreeSet};

use motcua_core::{
    audit::{AuditEvent, Outcome},
    catalog::ProcedureCode,
    identity::Scope,
};
use motcua_store::{AuditFilter, AuditStore, Db, db::Pools};

use crate::{at, contract};

fn ev(minute: u32, action: &str, agency: Option<&str>) -> AuditEvent {
    let mut e = AuditEvent::new(
        at(&format!("2026-11-25T09:{minute:02}:00+07:00")),
        "user:u1",
        action,
        Outcome::Success,
    )
    .with("n", minute);
    e.agency_id = agency.map(Into::into);
    e
}

async fn all(db: &Db) -> Vec<String> {
    db.audit_events(&AuditFilter {
        limit: 100,
        ..AuditFilter::default()
    })
    .await
    .unwrap()
    .into_iter()
    .map(|r| r.event.action)
    .collect()
}

async fn the_chain_seals_in_batches_and_verifies(db: &Db) {
    for (i, a) in ["login.success", "grant.create", "permission.denied"]
        .iter()
        .enumerate()
    {
        db.append_audit(&ev(i as u32, a, Some("bn.stp")))
            .await
            .unwrap();
    }
    let v = db.verify_audit().await.unwrap();
    assert_eq!((v.sealed, v.unsealed, v.problem.clone()), (0, 3, None));
    let now = at("2026-11-25T10:00:00+07:00");
    assert_eq!(db.seal_audit(now, 2).await.unwrap(), 2);
    assert_eq!(db.seal_audit(now, 2).await.unwrap(), 1);
    assert_eq!(db.seal_audit(now, 2).await.unwrap(), 0);
    // An event that commits later joins the chain after the others.
    db.append_audit(&ev(0, "login.failed", None)).await.unwrap();
    assert_eq!(db.seal_audit(now, 100).await.unwrap(), 1);
    let v = db.verify_audit().await.unwrap();
    assert_eq!(v.problem, None);
    assert_eq!((v.sealed, v.unsealed, v.head_seq), (4, 0, 4));
    assert_eq!(v.head_hash.len(), 64);
    let records = db
        .audit_events(&AuditFilter {
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(records[0].event.detail["n"], 2, "newest first");
    assert!(records.iter().all(|r| r.seq.is_some()));
}
contract!(the_chain_seals_in_batches_and_verifies);

/// Someone with write access to the database edits, deletes or truncates sealed events; the
/// verification notices each.
async fn tampering_is_detected(db: &Db) {
    for i in 0..5 {
        db.append_audit(&ev(i, "grant.create", Some("bn")))
            .await
            .unwrap();
    }
    db.seal_audit(at("2026-11-25T10:00:00+07:00"), 100)
        .await
        .unwrap();
    assert_eq!(db.verify_audit().await.unwrap().problem, None);
    let exec = |sql: &'static str| async move {
        match db.pools() {
            Pools::Sqlite { write, .. } => {
                sqlx::query(sql).execute(write).await.unwrap();
            }
            Pools::Postgres(pg) => {
                sqlx::query(sql).execute(pg).await.unwrap();
            }
        }
    };
    // 1. Change what an event says.
    exec("UPDATE audit_events SET actor = 'user:someone-else' WHERE seq = 2").await;
    let p = db.verify_audit().await.unwrap().problem.unwrap();
    assert!(p.contains("event 2"), "{p}");
    exec("UPDATE audit_events SET actor = 'user:u1' WHERE seq = 2").await;
    assert_eq!(db.verify_audit().await.unwrap().problem, None, "restored");
    // 2. Remove one from the middle.
    exec("DELETE FROM audit_events WHERE seq = 3").await;
    let p = db.verify_audit().await.unwrap().problem.unwrap();
    assert!(p.contains("gap"), "{p}");
    // 3. Cut off the tail (with the gap repaired by renumbering, the head still disagrees).
    exec("DELETE FROM audit_events WHERE seq >= 3").await;
    let p = db.verify_audit().await.unwrap().problem.unwrap();
    assert!(p.contains("head"), "{p}");
}
contract!(tampering_is_detected);

async fn listing_filters_by_scope_inside_the_database(db: &Db) {
    db.append_audit(&ev(1, "a.stp", Some("bn.stp")))
        .await
        .unwrap();
    db.append_audit(&ev(2, "a.x", Some("bn.x07210")))
        .await
        .unwrap();
    db.append_audit(&ev(3, "a.none", None)).await.unwrap();
    let mut birth = ev(4, "a.birth", Some("bn.x07228"));
    birth.procedure_code = Some("1.001193".into());
    db.append_audit(&birth).await.unwrap();
    let mut other = ev(5, "a.other", Some("bn.x07228"));
    other.procedure_code = Some("1.004222".into());
    db.append_audit(&other).await.unwrap();
    let scope = Scope {
        agencies: BTreeSet::from(["bn.stp".to_owned()]),
        by_procedure: BTreeMap::from([(
            ProcedureCode::parse("1.001193").unwrap(),
            BTreeSet::from(["bn.x07228".to_owned()]),
        )]),
    };
    let list = |scope: Option<Scope>, include_unscoped: bool| async move {
        let mut v: Vec<String> = db
            .audit_events(&AuditFilter {
                scope,
                include_unscoped,
                limit: 100,
                ..AuditFilter::default()
            })
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.event.action)
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        list(Some(scope.clone()), false).await,
        vec!["a.birth", "a.stp"]
    );
    assert_eq!(
        list(Some(scope), true).await,
        vec!["a.birth", "a.none", "a.stp"]
    );
    assert!(list(Some(Scope::default()), false).await.is_empty());
    assert_eq!(all(db).await.len(), 5);
    let since = db
        .audit_events(&AuditFilter {
            since: Some(at("2026-11-25T09:04:00+07:00")),
            action: Some("a.other".into()),
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(since.len(), 1);
}
contract!(listing_filters_by_scope_inside_the_database);
