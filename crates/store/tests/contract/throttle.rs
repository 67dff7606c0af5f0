use motcua_store::{Db, RateLimit, ThrottlePolicy, ThrottleStore};

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

const RATE: RateLimit = RateLimit {
    burst: 3,
    interval_seconds: 30,
};

async fn attempt_rates_are_shared_and_slow_down_without_locking(db: &Db) {
    let t0 = at("2026-11-25T09:00:00+07:00");
    let key = "login:rate:abc";
    for _ in 0..3 {
        assert_eq!(db.take_attempt(key, &RATE, t0).await.unwrap(), None);
    }
    // Spent: the next attempt waits one interval, no more, and a refusal costs nothing.
    let wait = Some(at("2026-11-25T09:00:30+07:00"));
    assert_eq!(db.take_attempt(key, &RATE, t0).await.unwrap(), wait);
    assert_eq!(db.take_attempt(key, &RATE, t0).await.unwrap(), wait);
    let t1 = at("2026-11-25T09:00:30+07:00");
    assert_eq!(db.take_attempt(key, &RATE, t1).await.unwrap(), None);
    assert!(db.take_attempt(key, &RATE, t1).await.unwrap().is_some());
    // An attempt given back (a right password) makes room again.
    db.give_back_attempt(key, &RATE, t1).await.unwrap();
    assert_eq!(db.take_attempt(key, &RATE, t1).await.unwrap(), None);
    // Giving back what was never taken is harmless.
    db.give_back_attempt("login:rate:never", &RATE, t1)
        .await
        .unwrap();

    // Counters nobody touched for a day and that hold nothing back are purged; live ones stay.
    let later = at("2026-11-27T09:00:00+07:00");
    db.record_failure("login:ip:stale", &POLICY, t0)
        .await
        .unwrap();
    let purged = db
        .purge_throttle(at("2026-11-26T09:00:00+07:00"), later)
        .await
        .unwrap();
    assert_eq!(purged, 2);
    assert_eq!(db.take_attempt(key, &RATE, later).await.unwrap(), None);
    for _ in 0..3 {
        db.take_attempt("login:rate:fresh", &RATE, later)
            .await
            .unwrap();
    }
    db.purge_throttle(later, later).await.unwrap();
    assert!(
        db.take_attempt("login:rate:fresh", &RATE, later)
            .await
            .unwrap()
            .is_some(),
        "a spent rate is not purged"
    );
}
contract!(attempt_rates_are_shared_and_slow_down_without_locking);

async fn concurrent_attempts_never_exceed_the_rate(db: &Db) {
    let t0 = at("2026-11-25T09:00:00+07:00");
    let rate = RateLimit {
        burst: 5,
        interval_seconds: 60,
    };
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            db.take_attempt("login:rate:race", &rate, t0).await.unwrap()
        }));
    }
    let mut admitted = 0;
    for t in tasks {
        if t.await.unwrap().is_none() {
            admitted += 1;
        }
    }
    assert_eq!(
        admitted, 5,
        "exactly the burst is admitted, on every engine"
    );
}
contract!(concurrent_attempts_never_exceed_the_rate);
