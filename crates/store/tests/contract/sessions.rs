use motcua_store::{Db, NewApiToken, NewSession, OidcFlow, SessionLevel, SessionStore, UserStore};

use crate::{
    at, contract,
    identity::{event, new_user},
};

fn session(hash: &str, user: &str) -> NewSession {
    NewSession {
        id_hash: hash.into(),
        user_id: user.into(),
        level: SessionLevel::Full,
        csrf_token: format!("csrf-{hash}"),
        created_at: at("2026-11-25T09:00:00+07:00"),
        expires_at: at("2026-11-25T21:00:00+07:00"),
        ip: Some("203.0.113.7".into()),
        user_agent: Some("Firefox".into()),
    }
}

async fn sessions_rotate_and_end(db: &Db) {
    db.create_user(
        &new_user("u1", Some("citizen1"), None),
        None,
        &event("account.register"),
    )
    .await
    .unwrap();
    db.create_user(
        &new_user("u2", Some("citizen2"), None),
        None,
        &event("account.register"),
    )
    .await
    .unwrap();
    let partial = NewSession {
        level: SessionLevel::Partial,
        ..session("s-partial", "u1")
    };
    db.create_session(&partial, None, &event("login.password"))
        .await
        .unwrap();
    let s = db.session("s-partial").await.unwrap().unwrap();
    assert_eq!(s.level, SessionLevel::Partial);
    assert_eq!(s.user.id, "u1");
    assert_eq!(s.csrf_token, "csrf-s-partial");
    // Passing the second factor rotates: the old id is gone, the new one is full.
    db.create_session(
        &session("s-full", "u1"),
        Some("s-partial"),
        &event("login.totp"),
    )
    .await
    .unwrap();
    assert!(db.session("s-partial").await.unwrap().is_none());
    assert_eq!(
        db.session("s-full").await.unwrap().unwrap().level,
        SessionLevel::Full
    );
    db.touch_session("s-full", at("2026-11-25T09:30:00+07:00"))
        .await
        .unwrap();
    assert_eq!(
        db.session("s-full").await.unwrap().unwrap().last_seen_at,
        at("2026-11-25T09:30:00+07:00")
    );
    db.create_session(&session("s-phone", "u1"), None, &event("login.password"))
        .await
        .unwrap();
    db.create_session(&session("s-other", "u2"), None, &event("login.password"))
        .await
        .unwrap();
    assert_eq!(db.user_sessions("u1").await.unwrap().len(), 2);
    // "Log out everywhere else" keeps the current session and touches nobody else's.
    assert_eq!(
        db.delete_user_sessions("u1", Some("s-full"), &event("logout.everywhere"))
            .await
            .unwrap(),
        1
    );
    assert!(db.session("s-phone").await.unwrap().is_none());
    assert!(db.session("s-full").await.unwrap().is_some());
    assert!(db.session("s-other").await.unwrap().is_some());
    db.delete_session("s-full", Some(&event("logout")))
        .await
        .unwrap();
    assert!(db.session("s-full").await.unwrap().is_none());
    assert!(db.user_sessions("u1").await.unwrap().is_empty());

    // Expired and idle sessions are purged.
    let purged = db
        .purge_expired(
            at("2026-11-26T00:00:00+07:00"),
            at("2026-11-25T08:00:00+07:00"),
        )
        .await
        .unwrap();
    assert!(purged >= 1);
    assert!(db.session("s-other").await.unwrap().is_none());
}
contract!(sessions_rotate_and_end);

async fn api_tokens_are_stored_hashed_and_revocable(db: &Db) {
    db.create_user(
        &new_user("u1", Some("integration"), None),
        None,
        &event("account.register"),
    )
    .await
    .unwrap();
    let t = NewApiToken {
        id: "t1".into(),
        user_id: "u1".into(),
        name: "Đồng bộ DVCQG".into(),
        token_hash: "hash-1".into(),
        scopes: "catalog.import dossier.read".into(),
        created_at: at("2026-11-25T09:00:00+07:00"),
        expires_at: None,
    };
    db.create_api_token(&t, &event("token.create"))
        .await
        .unwrap();
    let (info, user) = db.api_token("hash-1").await.unwrap().unwrap();
    assert_eq!(user.id, "u1");
    assert_eq!(info.scopes, "catalog.import dossier.read");
    assert_eq!(info.last_used_at, None);
    assert!(db.api_token("hash-2").await.unwrap().is_none());
    db.touch_api_token("t1", at("2026-11-25T09:05:00+07:00"))
        .await
        .unwrap();
    let now = at("2026-11-25T10:00:00+07:00");
    // Only the owner revokes.
    assert!(
        !db.revoke_api_token("t1", "u2", now, &event("token.revoke"))
            .await
            .unwrap()
    );
    assert!(
        db.revoke_api_token("t1", "u1", now, &event("token.revoke"))
            .await
            .unwrap()
    );
    assert!(
        !db.revoke_api_token("t1", "u1", now, &event("token.revoke"))
            .await
            .unwrap()
    );
    let (info, _) = db.api_token("hash-1").await.unwrap().unwrap();
    assert_eq!(info.revoked_at, Some(now));
    assert_eq!(info.last_used_at, Some(at("2026-11-25T09:05:00+07:00")));
    assert_eq!(db.user_api_tokens("u1").await.unwrap().len(), 1);
}
contract!(api_tokens_are_stored_hashed_and_revocable);

async fn oidc_flows_complete_once(db: &Db) {
    let flow = OidcFlow {
        id_hash: "f1".into(),
        provider: "vneid".into(),
        state: "st".into(),
        nonce: "no".into(),
        pkce_verifier: "pk".into(),
        return_to: Some("/tai-khoan".into()),
        created_at: at("2026-11-25T09:00:00+07:00"),
        expires_at: at("2026-11-25T09:10:00+07:00"),
    };
    db.create_oidc_flow(&flow).await.unwrap();
    let now = at("2026-11-25T09:01:00+07:00");
    assert_eq!(
        db.take_oidc_flow("f1", now).await.unwrap(),
        Some(flow.clone())
    );
    assert_eq!(db.take_oidc_flow("f1", now).await.unwrap(), None, "once");
    db.create_oidc_flow(&OidcFlow {
        id_hash: "f2".into(),
        ..flow
    })
    .await
    .unwrap();
    assert_eq!(
        db.take_oidc_flow("f2", at("2026-11-25T09:11:00+07:00"))
            .await
            .unwrap(),
        None,
        "expired"
    );
}
contract!(oidc_flows_complete_once);
