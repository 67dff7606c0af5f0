use motcua_store::{Db, ThrottlePolicy, ThrottleStore};

use crate::{at, contract};

const POLICY: ThrottlePolicy = ThrottlePolicy {
    threshold: 3,
    forget_after_seconds: 900,
    base_lock_seconds: 60,
    max_lock_seconds: 600,
};

async fn lockouts_progress_and_are_shared(db: &Db) {
    let t0 = at("2026-11-25T09:00:00+07:00");
    let key = "login:acct:abc".to_owned();
    assert_eq!(db.record_failure(&key, &POLICY, t0).await.unwrap(), None);
    assert_eq!(db.record_failure(&key, &POLICY, t0).await.unwrap(), None);
    let until = db.record_failure(&key, &POLICY, t0).await.unwrap();
    assert_eq!(until, Some(at("2026-11-25T09:01:00+07:00")));
    // Any handle on the same database sees the lock (other processes do).
    let keys = [key.clone(), "login:ip:203.0.113.7".to_owned()];
    assert_eq!(db.locked_until(&keys, t0).await.unwrap(), until);
    assert_eq!(
        db.locked_until(&keys, at("2026-11-25T09:01:00+07:00"))
            .await
            .unwrap(),
        None,
        "the lock ends"
    );
    // The next failure after the lock doubles it.
    let t1 = at("2026-11-25T09:02:00+07:00");
    assert_eq!(
        db.record_failure(&key, &POLICY, t1).await.unwrap(),
        Some(at("2026-11-25T09:04:00+07:00"))
    );
    // A quiet quarter of an hour forgets everything.
    let t2 = at("2026-11-25T09:20:00+07:00");
    assert_eq!(db.record_failure(&key, &POLICY, t2).await.unwrap(), None);
    // A success clears the counter.
    db.record_failure(&key, &POLICY, t2).await.unwrap();
    db.clear_throttle(&key).await.unwrap();
    assert_eq!(db.record_failure(&key, &POLICY, t2).await.unwrap(), None);
    assert_eq!(db.record_failure(&key, &POLICY, t2).await.unwrap(), None);
}
contract!(lockouts_progress_and_are_shared);

async fn concurrent_failures_are_all_counted(db: &Db) {
    let t0 = at("2026-11-25T09:00:00+07:00");
    let policy = ThrottlePolicy {
        threshold: 20,
        ..POLICY
    };
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.record_failure("login:acct:race", &policy, t0)
                .await
                .unwrap()
        }));
    }
    let mut locked = 0;
    for t in tasks {
        if t.await.unwrap().is_some() {
            locked += 1;
        }
    }
    assert_eq!(locked, 1, "exactly the 20th failure locks: no lost updates");
}
contract!(concurrent_failures_are_all_counted);
