use jiff::civil::date;
use motcua_core::{
    audit::{AuditEvent, Outcome},
    catalog::ProcedureCode,
    identity::{Grant, Role, credentials::LoginId},
};
use motcua_store::{
    AuditFilter, AuditStore, Conflict, Db, ExternalIdentity, GrantStore, Identifier, NewMail,
    NewOneTimeToken, NewUser, OutboxStore, StoreError, TokenPurpose, TotpStore, UserKind,
    UserStore,
};

use crate::{at, contract};

pub(crate) fn event(action: &str) -> AuditEvent {
    AuditEvent::new(
        at("2026-11-25T09:00:00+07:00"),
        "cli",
        action,
        Outcome::Success,
    )
}

pub(crate) fn new_user(id: &str, username: Option<&str>, email: Option<&str>) -> NewUser {
    NewUser {
        id: id.into(),
        kind: UserKind::Applicant,
        username: username.map(Into::into),
        email: email.map(Into::into),
        email_verified: false,
        phone: None,
        citizen_id: None,
        display_name: "Nguyễn Văn A".into(),
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        agency_id: None,
        created_at: at("2026-11-25T09:00:00+07:00"),
    }
}

fn mail(id: &str) -> NewMail {
    NewMail {
        id: id.into(),
        recipient: "a@example.vn".into(),
        subject: "Xác minh".into(),
        body: "https://example.vn/xac-minh?t=secret".into(),
        created_at: at("2026-11-25T09:00:00+07:00"),
    }
}

async fn actions(db: &Db) -> Vec<String> {
    let mut a: Vec<String> = db
        .audit_events(&AuditFilter {
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.event.action)
        .collect();
    a.sort();
    a
}

async fn accounts_are_created_found_and_unique(db: &Db) {
    let mut u = new_user("u1", Some("citizen1"), Some("a@example.vn"));
    u.phone = Some("+84912345678".into());
    u.citizen_id = Some("001203004567".into());
    let token = NewOneTimeToken {
        token_hash: "h-verify".into(),
        user_id: "u1".into(),
        purpose: TokenPurpose::VerifyEmail,
        created_at: at("2026-11-25T09:00:00+07:00"),
        expires_at: at("2026-11-26T09:00:00+07:00"),
    };
    db.create_user(&u, Some((&token, &mail("m1"))), &event("account.register"))
        .await
        .unwrap();
    assert_eq!(
        db.pending_mail_count().await.unwrap(),
        1,
        "mail queued with the account"
    );
    for login in ["citizen1", "A@Example.vn", "0912 345 678"] {
        let found = db
            .user_by_login(&LoginId::parse(login).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.id, "u1", "{login}");
        assert_eq!(found.kind, UserKind::Applicant);
        assert!(!found.email_verified);
        assert!(!found.totp_enabled);
        assert_eq!(found.citizen_id.as_deref(), Some("001203004567"));
    }
    assert!(db.user("nobody").await.unwrap().is_none());
    // Debug output of an account never shows personal data.
    let shown = format!("{:?}", db.user("u1").await.unwrap().unwrap());
    assert!(
        !shown.contains("example.vn") && !shown.contains("912"),
        "{shown}"
    );

    // Every identifier is unique, and a failed insert writes nothing (no audit event either).
    for (dup, taken) in [
        (new_user("u2", Some("citizen1"), None), Identifier::Username),
        (
            new_user("u2", None, Some("a@example.vn")),
            Identifier::Email,
        ),
        (
            NewUser {
                phone: Some("+84912345678".into()),
                ..new_user("u2", None, None)
            },
            Identifier::Phone,
        ),
    ] {
        let err = db
            .create_user(&dup, None, &event("account.register"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict(Conflict::Taken(t)) if t == taken),
            "{err:?}"
        );
    }
    assert_eq!(actions(db).await, vec!["account.register"]);

    // E-mail verification is single use.
    let now = at("2026-11-25T10:00:00+07:00");
    assert_eq!(
        db.verify_email_with_token("h-verify", now, &event("email.verify"))
            .await
            .unwrap()
            .as_deref(),
        Some("u1")
    );
    assert!(db.user("u1").await.unwrap().unwrap().email_verified);
    assert_eq!(
        db.verify_email_with_token("h-verify", now, &event("email.verify"))
            .await
            .unwrap(),
        None
    );
}
contract!(accounts_are_created_found_and_unique);

async fn password_reset_tokens_are_single_use_and_expire(db: &Db) {
    db.create_user(
        &new_user("u1", None, Some("b@example.vn")),
        None,
        &event("account.register"),
    )
    .await
    .unwrap();
    let issue = |hash: &str, expires: &str| NewOneTimeToken {
        token_hash: hash.into(),
        user_id: "u1".into(),
        purpose: TokenPurpose::PasswordReset,
        created_at: at("2026-11-25T09:00:00+07:00"),
        expires_at: at(expires),
    };
    db.issue_one_time_token(
        &issue("r1", "2026-11-25T09:30:00+07:00"),
        &mail("m1"),
        &event("password.reset_requested"),
    )
    .await
    .unwrap();
    db.issue_one_time_token(
        &issue("r2", "2026-11-25T09:30:00+07:00"),
        &mail("m2"),
        &event("password.reset_requested"),
    )
    .await
    .unwrap();
    // A verification token is not a reset token.
    let late = at("2026-11-25T09:31:00+07:00");
    let on_time = at("2026-11-25T09:10:00+07:00");
    assert_eq!(
        db.reset_password_with_token("r1", "new-hash", late, &event("password.reset"))
            .await
            .unwrap(),
        None,
        "expired"
    );
    assert_eq!(
        db.reset_password_with_token("r1", "new-hash", on_time, &event("password.reset"))
            .await
            .unwrap()
            .as_deref(),
        Some("u1")
    );
    let u = db.user("u1").await.unwrap().unwrap();
    assert_eq!(u.password_hash.as_deref(), Some("new-hash"));
    assert!(u.email_verified, "reading the mail proves the address");
    assert_eq!(
        db.reset_password_with_token("r1", "again", on_time, &event("password.reset"))
            .await
            .unwrap(),
        None,
        "single use"
    );
    assert_eq!(
        db.reset_password_with_token("r2", "again", on_time, &event("password.reset"))
            .await
            .unwrap(),
        None,
        "earlier links die with the one used"
    );
    let events = db
        .audit_events(&AuditFilter {
            action: Some("password.reset".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        events.len(),
        1,
        "only the successful reset is recorded by the store"
    );
    assert_eq!(events[0].event.subject.as_deref(), Some("user:u1"));
}
contract!(password_reset_tokens_are_single_use_and_expire);

async fn passwords_and_disabling(db: &Db) {
    db.create_user(
        &new_user("u1", Some("handler9"), None),
        None,
        &event("user.create"),
    )
    .await
    .unwrap();
    let now = at("2026-11-25T10:00:00+07:00");
    db.set_password("u1", "h2", true, now, &event("password.set"))
        .await
        .unwrap();
    assert_eq!(
        db.user("u1")
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .as_deref(),
        Some("h2")
    );
    assert!(matches!(
        db.set_password("nobody", "h", false, now, &event("password.set"))
            .await,
        Err(StoreError::NotFound)
    ));
    db.set_disabled("u1", true, now, &event("user.disable"))
        .await
        .unwrap();
    assert_eq!(db.user("u1").await.unwrap().unwrap().disabled_at, Some(now));
    db.set_disabled("u1", false, now, &event("user.enable"))
        .await
        .unwrap();
    assert_eq!(db.user("u1").await.unwrap().unwrap().disabled_at, None);
    let mut o = new_user("o1", Some("official1"), None);
    o.kind = UserKind::Official;
    o.agency_id = Some("bn.stp".into());
    db.create_user(&o, None, &event("user.create"))
        .await
        .unwrap();
    let officials = db.officials().await.unwrap();
    assert_eq!(officials.len(), 1);
    assert_eq!(officials[0].agency_id.as_deref(), Some("bn.stp"));
}
contract!(passwords_and_disabling);

async fn external_identities_link_accounts(db: &Db) {
    let now = at("2026-11-25T10:00:00+07:00");
    db.create_user(
        &new_user("u1", None, Some("c@example.vn")),
        None,
        &event("account.register"),
    )
    .await
    .unwrap();
    let x1 = ExternalIdentity {
        issuer: "https://vneid.example".into(),
        subject: "sub-1".into(),
        provider: "vneid".into(),
    };
    db.link_external(&x1, "u1", true, now, &event("oidc.link"))
        .await
        .unwrap();
    let u = db
        .user_by_external("https://vneid.example", "sub-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.id, "u1");
    assert!(u.email_verified);
    assert!(
        db.user_by_external("https://other.example", "sub-1")
            .await
            .unwrap()
            .is_none()
    );
    // One provider identity belongs to one account.
    assert!(matches!(
        db.link_external(&x1, "u1", false, now, &event("oidc.link"))
            .await,
        Err(StoreError::Conflict(Conflict::Taken(
            Identifier::ExternalIdentity
        )))
    ));
    let mut fresh = new_user("u2", None, Some("d@example.vn"));
    fresh.password_hash = None;
    fresh.email_verified = true;
    let x2 = ExternalIdentity {
        subject: "sub-2".into(),
        ..x1
    };
    db.create_user_with_external(&fresh, &x2, &event("oidc.register"))
        .await
        .unwrap();
    let u = db
        .user_by_external("https://vneid.example", "sub-2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.id, "u2");
    assert_eq!(u.password_hash, None);
}
contract!(external_identities_link_accounts);

async fn totp_setup_replay_and_recovery_codes(db: &Db) {
    let now = at("2026-11-25T10:00:00+07:00");
    db.create_user(
        &new_user("u1", Some("admin"), None),
        None,
        &event("user.create"),
    )
    .await
    .unwrap();
    assert_eq!(db.totp_state("u1").await.unwrap().secret, None);
    db.set_totp_pending("u1", "SECRETONE").await.unwrap();
    db.set_totp_pending("u1", "SECRETTWO").await.unwrap();
    // Confirming a secret that is no longer the pending one fails.
    assert!(
        !db.enable_totp(
            "u1",
            "SECRETONE",
            100,
            &["c1".into()],
            now,
            &event("totp.enable")
        )
        .await
        .unwrap()
    );
    assert!(
        db.enable_totp(
            "u1",
            "SECRETTWO",
            100,
            &["c1".into(), "c2".into()],
            now,
            &event("totp.enable")
        )
        .await
        .unwrap()
    );
    let state = db.totp_state("u1").await.unwrap();
    assert_eq!(state.secret.as_deref(), Some("SECRETTWO"));
    assert_eq!(state.pending, None);
    assert_eq!(state.last_step, Some(100));
    assert_eq!(state.recovery_codes_left, 2);
    assert!(db.user("u1").await.unwrap().unwrap().totp_enabled);
    // Steps only move forward: the code used at setup, or an older one, cannot be replayed.
    assert!(!db.accept_totp_step("u1", 100).await.unwrap());
    assert!(!db.accept_totp_step("u1", 99).await.unwrap());
    assert!(db.accept_totp_step("u1", 101).await.unwrap());
    assert!(!db.accept_totp_step("u1", 101).await.unwrap());
    // Recovery codes are single use.
    assert!(db.use_recovery_code("u1", "c1", now).await.unwrap());
    assert!(!db.use_recovery_code("u1", "c1", now).await.unwrap());
    assert!(!db.use_recovery_code("u1", "zz", now).await.unwrap());
    assert_eq!(db.totp_state("u1").await.unwrap().recovery_codes_left, 1);
    db.disable_totp("u1", now, &event("totp.disable"))
        .await
        .unwrap();
    let state = db.totp_state("u1").await.unwrap();
    assert_eq!(state.secret, None);
    assert_eq!(state.recovery_codes_left, 0);
    assert!(
        !db.accept_totp_step("u1", 500).await.unwrap(),
        "no secret, no step"
    );
    assert!(matches!(
        db.totp_state("nobody").await,
        Err(StoreError::NotFound)
    ));
}
contract!(totp_setup_replay_and_recovery_codes);

async fn grants_are_added_revoked_and_kept(db: &Db) {
    let now = at("2026-11-25T10:00:00+07:00");
    let g1 = Grant {
        role: Role::HandlingOfficer,
        agency_id: "bn.stp".into(),
        subtree: false,
        procedure: Some(ProcedureCode::parse("1.001193").unwrap()),
        valid_from: date(2026, 1, 1),
        valid_to: Some(date(2026, 12, 31)),
    };
    let g2 = Grant {
        role: Role::Administrator,
        agency_id: "bn".into(),
        subtree: true,
        procedure: None,
        valid_from: date(2025, 7, 1),
        valid_to: None,
    };
    db.add_grant("g1", "u1", &g1, "cli", now, &event("grant.create"))
        .await
        .unwrap();
    db.add_grant("g2", "u1", &g2, "user:admin", now, &event("grant.create"))
        .await
        .unwrap();
    let active = db.active_grants("u1").await.unwrap();
    assert_eq!(
        active.iter().map(|g| g.grant.clone()).collect::<Vec<_>>(),
        vec![g1.clone(), g2.clone()]
    );
    assert_eq!(active[1].created_by, "user:admin");
    assert!(
        db.revoke_grant("g1", "cli", now, &event("grant.revoke"))
            .await
            .unwrap()
    );
    assert!(
        !db.revoke_grant("g1", "cli", now, &event("grant.revoke"))
            .await
            .unwrap()
    );
    assert!(
        !db.revoke_grant("nope", "cli", now, &event("grant.revoke"))
            .await
            .unwrap()
    );
    assert_eq!(db.active_grants("u1").await.unwrap().len(), 1);
    let history = db.grant_history("u1").await.unwrap();
    assert_eq!(history.len(), 2, "revoked grants stay on record");
    assert_eq!(db.grant("g1").await.unwrap().unwrap().revoked_at, Some(now));
    assert!(db.grant("nope").await.unwrap().is_none());
    // Each change, and only each successful change, left an audit event.
    assert_eq!(
        actions(db).await,
        vec!["grant.create", "grant.create", "grant.revoke"]
    );
}
contract!(grants_are_added_revoked_and_kept);
