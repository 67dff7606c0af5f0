//! Tests an attacker would write: forged forms, planted sessions, password guessing from
//! several machines, revoked tokens, expired grants, acting outside one's agency, and probing
//! for who has an account. Every refusal must come with the right status and an audit event.

use std::{sync::Arc, time::Instant};

use jiff::civil::date;
use motcua_core::{
    audit::Outcome,
    clock::{Clock, FixedClock},
    identity::Role,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    NOW, Server, on_both, start_server,
    support::{Browser, PASSWORD, api_token, audit, audit_by, official, unique},
};

/// A request with a bearer token.
pub fn bearer(method: reqwest::Method, url: &str, token: &str) -> reqwest::RequestBuilder {
    crate::client()
        .request(method, url)
        .bearer_auth(token)
        .header("x-forwarded-for", Browser::fresh().ip)
}

async fn forms_without_the_csrf_token_are_refused_and_audited(s: &Server) {
    // Anonymous: the login form itself is protected (login CSRF).
    let b = Browser::fresh();
    b.get(&format!("{}/dang-nhap", s.base)).await;
    let r = b
        .post_form(
            &format!("{}/dang-nhap", s.base),
            &[("login", "receiver1"), ("password", "motcua-demo")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("tải lại trang"), "{}", r.body);
    assert!(
        b.cookie(&s.base, "motcua_session").is_none(),
        "no login happened"
    );
    let events = audit(s, "csrf.rejected", None).await;
    let mine = events
        .iter()
        .find(|e| e.event.ip.as_deref() == Some(b.ip.as_str()))
        .expect("the refusal is audited");
    assert_eq!(mine.event.outcome, Outcome::Denied);
    assert_eq!(mine.event.actor, "anonymous");
    assert_eq!(mine.event.detail["reason"], "token_missing");

    // Logged in: a forged form (no token, a wrong token, another origin) does nothing.
    let (user, id) = official(s, "csrf", "bn.stp", None).await;
    let b = Browser::fresh();
    b.login(s, &user, PASSWORD).await;
    let good = b.session_csrf(s).await;
    let url = format!("{}/tai-khoan/dang-xuat-tat-ca", s.base);
    for (fields, reason) in [
        (vec![], "token_missing"),
        (vec![("csrf", "0".repeat(64))], "token_mismatch"),
    ] {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = b.post_form(&url, &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{reason}");
        let events = audit_by(s, &format!("user:{id}"), "csrf.rejected").await;
        assert!(
            events.iter().any(|e| e.event.detail["reason"] == reason),
            "{reason} audited"
        );
    }
    // The right token from another site's page: the Origin gives it away.
    let r = b
        .request(
            &url,
            crate::support::form(
                crate::client()
                    .post(&url)
                    .header("origin", "https://evil.example"),
                &[("csrf", good.as_str())],
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let events = audit_by(s, &format!("user:{id}"), "csrf.rejected").await;
    assert!(
        events
            .iter()
            .any(|e| e.event.detail["reason"] == "cross_origin")
    );
    // The genuine form works.
    let r = b.post_form(&url, &[("csrf", &good)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    // JSON API calls with the session cookie need the token in a header …
    let api = format!("{}/api/v1/auth/token", s.base);
    let r = b
        .request(
            &api,
            crate::client()
                .delete(&api)
                .header("origin", crate::support::origin(&s.base)),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "cookie-authenticated API call without token"
    );
    let r = b
        .request(
            &api,
            crate::client()
                .delete(&api)
                .header("origin", crate::support::origin(&s.base))
                .header("x-csrf-token", &good),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "past CSRF: not a token session"
    );
    // … while bearer-authenticated requests carry no ambient credential and are exempt.
    let (t, _) = api_token(&s.base, &user, None).await;
    let r = bearer(reqwest::Method::DELETE, &api, &t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}
on_both!(forms_without_the_csrf_token_are_refused_and_audited);

async fn a_planted_session_id_never_survives_login(s: &Server) {
    let (attacker, _) = official(s, "fixa", "bn.stp", None).await;
    let (victim, victim_id) = official(s, "fixv", "bn.stp", None).await;
    // 1. A made-up id planted before login is ignored, and replaced.
    let b = Browser::fresh();
    let planted = "a".repeat(64);
    b.set_cookie(&s.base, "motcua_session", &planted);
    let page = b.get(&format!("{}/dang-nhap", s.base)).await;
    assert!(
        page.set_cookies()
            .iter()
            .any(|c| c.starts_with("motcua_session=;")),
        "an unknown session cookie is cleared"
    );
    b.set_cookie(&s.base, "motcua_session", &planted);
    let r = b
        .post_form(
            &format!("{}/dang-nhap", s.base),
            &[
                ("csrf", &page.csrf()),
                ("login", &victim),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("motcua_session="))
        .unwrap();
    assert!(
        !cookie.contains(&planted),
        "a new session id is issued at login"
    );
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/")
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP test server: no Secure flag"
    );
    let after = b.cookie(&s.base, "motcua_session").unwrap();
    assert_ne!(after, planted);
    assert_eq!(after.len(), 64);

    // 2. A *valid* session planted in the victim's browser (the attacker's own) is ended by the
    // victim's login, so it cannot watch the victim's session either.
    let a = Browser::fresh();
    a.login(s, &attacker, PASSWORD).await;
    let attackers = a.cookie(&s.base, "motcua_session").unwrap();
    let v = Browser::fresh();
    v.set_cookie(&s.base, "motcua_session", &attackers);
    // The victim's browser now shows the attacker's account; its forms carry that session's
    // token. The victim signs in anyway.
    let page = v.get(&format!("{}/tai-khoan", s.base)).await;
    let r = v
        .post_form(
            &format!("{}/dang-nhap", s.base),
            &[
                ("csrf", &page.csrf()),
                ("login", &victim),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let victims = v.cookie(&s.base, "motcua_session").unwrap();
    assert_ne!(victims, attackers);
    let me: Value =
        serde_json::from_str(&v.get(&format!("{}/api/v1/me", s.base)).await.body).unwrap();
    assert_eq!(me["id"], victim_id.as_str());
    let stale = a.get(&format!("{}/api/v1/me", s.base)).await;
    assert_eq!(
        stale.status,
        StatusCode::UNAUTHORIZED,
        "the replaced session is gone"
    );
}
on_both!(a_planted_session_id_never_survives_login);

/// One login attempt through the form; the status.
async fn attempt(b: &Browser, base: &str, login: &str, password: &str) -> StatusCode {
    let url = format!("{base}/dang-nhap");
    let csrf = b.get(&url).await.csrf();
    b.post_form(
        &url,
        &[("csrf", &csrf), ("login", login), ("password", password)],
    )
    .await
    .status
}

async fn guessing_passwords_locks_the_guesser_out_not_the_owner(s: &Server) {
    let (user, id) = official(s, "brute", "bn.stp", None).await;
    let url = format!("{}/dang-nhap", s.base);
    let b = Browser::fresh();
    let csrf = b.get(&url).await.csrf();
    let mut bodies = Vec::new();
    for i in 1..=5 {
        let r = b
            .post_form(
                &url,
                &[
                    ("csrf", &csrf),
                    ("login", &user),
                    ("password", &format!("sai mật khẩu {i}")),
                ],
            )
            .await;
        if i < 5 {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
            bodies.push(r.body);
        } else {
            assert_eq!(
                r.status,
                StatusCode::TOO_MANY_REQUESTS,
                "the fifth failure locks"
            );
            assert!(r.body.contains("thử lại sau"), "{}", r.body);
        }
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every failure reads the same"
    );
    // The guesser is locked out, the right password included, and so is every address of its
    // network (an IPv4 /24 is one client).
    assert_eq!(
        attempt(&b, &s.base, &user, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        attempt(&b.neighbour(250), &s.base, &user, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "another address of the same /24"
    );
    // The owner, elsewhere, is not: guessing a known user name no longer locks its owner out.
    let owner = Browser::fresh();
    owner.login(s, &user, PASSWORD).await;

    // Another process on the same database sees the guesser's lock: the state is in the
    // database, not in memory. It also has a low per-network limit, to check that lock too.
    let other = start_server(
        s.engine,
        Some(s.db.clone()),
        Arc::new(FixedClock::new(NOW.parse().unwrap())),
        |settings| settings.auth.ip_lockout_threshold = 3,
    );
    assert_eq!(
        attempt(&b.neighbour(7), &other.base, &user, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS,
        "still locked on the other node"
    );
    let api = crate::client()
        .post(format!("{}/api/v1/auth/token", other.base))
        .header("x-forwarded-for", b.neighbour(8).ip)
        .json(&json!({"username": user, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(api.headers().contains_key("retry-after"));
    let api = crate::client()
        .post(format!("{}/api/v1/auth/token", other.base))
        .header("x-forwarded-for", Browser::fresh().ip)
        .json(&json!({"username": user, "password": PASSWORD, "name": "owner"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.status(),
        StatusCode::CREATED,
        "the owner's API client is not locked"
    );

    // An unknown account locks exactly the same way: the lockout tells nothing either.
    let ghost = unique("khongco");
    let b3 = Browser::fresh();
    let mut statuses = Vec::new();
    for i in 1..=5 {
        statuses.push(attempt(&b3, &s.base, &ghost, &format!("đoán {i}")).await);
    }
    assert_eq!(statuses[..4], [StatusCode::UNAUTHORIZED; 4]);
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS);

    // Per client network: three failures on three accounts, from three addresses of one /24,
    // lock the network, whatever the address or the account.
    let b4 = Browser::fresh();
    for i in 1..=3 {
        let status = attempt(&b4.neighbour(i), &other.base, &unique("spray"), "x").await;
        assert_eq!(
            status,
            if i < 3 {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::TOO_MANY_REQUESTS
            }
        );
    }
    assert_eq!(
        attempt(&b4.neighbour(99), &other.base, &unique("spray"), "y").await,
        StatusCode::TOO_MANY_REQUESTS,
        "the network stays locked"
    );

    // Each failure and the lockout are in the audit log, against the account.
    let failed = audit(s, "login.failed", Some(&format!("user:{id}"))).await;
    assert_eq!(failed.len(), 5);
    assert!(
        failed
            .iter()
            .all(|e| e.event.detail["reason"] == "bad_password")
    );
    let locked = audit(s, "login.locked", Some(&format!("user:{id}"))).await;
    assert!(!locked.is_empty());
    assert!(locked.iter().all(|e| e.event.detail["limit"] == "lockout"));
}
on_both!(guessing_passwords_locks_the_guesser_out_not_the_owner);

async fn guessing_from_many_networks_is_slowed_down_for_everyone_briefly(s: &Server) {
    // A node of its own, whose clock the test moves.
    let clock = Arc::new(FixedClock::new(NOW.parse().unwrap()));
    let node = start_server(s.engine, Some(s.db.clone()), clock.clone(), |settings| {
        settings.auth.account_attempts_burst = 6;
        settings.auth.account_attempts_interval_seconds = 30;
    });
    let (user, id) = official(s, "spread", "bn.stp", None).await;
    // Six guesses, each from a network of its own (no per-client lockout ever triggers) …
    for i in 0..6 {
        let status = attempt(&Browser::fresh(), &node.base, &user, &format!("đoán {i}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {i}");
    }
    // … spend the account's budget: the seventh network waits, with a short Retry-After,
    // and so does the owner — without a password being checked.
    let r = crate::client()
        .post(format!("{}/api/v1/auth/token", node.base))
        .header("x-forwarded-for", Browser::fresh().ip)
        .json(&json!({"username": user, "password": "đoán 7"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&wait), "Retry-After {wait}");
    assert_eq!(
        attempt(&Browser::fresh(), &node.base, &user, PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The same on any node (configured alike): the budget is in the database.
    let twin = start_server(s.engine, Some(s.db.clone()), clock.clone(), |settings| {
        settings.auth.account_attempts_burst = 6;
        settings.auth.account_attempts_interval_seconds = 30;
    });
    let r = crate::client()
        .post(format!("{}/api/v1/auth/token", twin.base))
        .header("x-forwarded-for", Browser::fresh().ip)
        .json(&json!({"username": user, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "on another node too"
    );
    // A slow-down, not a lockout: once the wait is over the owner gets in, and a right password
    // gives its attempt back.
    clock.set(jiff::Timestamp::from_second(clock.now().as_second() + 30).unwrap());
    let owner = Browser::fresh();
    owner.login(&node, &user, PASSWORD).await;
    assert_eq!(
        attempt(&Browser::fresh(), &node.base, &user, "đoán 8").await,
        StatusCode::UNAUTHORIZED,
        "the owner's success did not use the attempt up"
    );
    assert_eq!(
        attempt(&Browser::fresh(), &node.base, &user, "đoán 9").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    let slowed = audit(s, "login.locked", Some(&format!("user:{id}"))).await;
    assert!(
        slowed
            .iter()
            .any(|e| e.event.detail["limit"] == "account_rate"),
        "the slow-down is audited"
    );
}
on_both!(guessing_from_many_networks_is_slowed_down_for_everyone_briefly);

async fn nobody_can_find_out_who_has_an_account(s: &Server) {
    // Login: an existing account with a wrong password, and an unknown account.
    let (user, _) = official(s, "enum", "bn.stp", None).await;
    let ghost = unique("khongco");
    let url = format!("{}/dang-nhap", s.base);
    let b = Browser::fresh();
    let csrf = b.get(&url).await.csrf();
    let mut known_times = Vec::new();
    let mut ghost_times = Vec::new();
    let mut pages = Vec::new();
    // Interleaved, so that both kinds meet the same load on a busy machine.
    for _ in 0..3 {
        for (login, times) in [(&user, &mut known_times), (&ghost, &mut ghost_times)] {
            let t = Instant::now();
            let r = b
                .post_form(
                    &url,
                    &[
                        ("csrf", &csrf),
                        ("login", login),
                        ("password", "không đúng đâu"),
                    ],
                )
                .await;
            times.push(t.elapsed());
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
            pages.push(r.body.replace(login.as_str(), "LOGIN"));
        }
    }
    assert!(pages.windows(2).all(|w| w[0] == w[1]), "identical pages");
    // Similar timing: the unknown account costs a (dummy) password hash too. The fastest of
    // each kind is compared: load only ever adds time, and without the dummy hash the
    // unknown account's fastest answer would be a few milliseconds against a hash's tens.
    known_times.sort();
    ghost_times.sort();
    assert!(
        ghost_times[0] * 4 >= known_times[0],
        "unknown accounts answer much faster ({ghost_times:?} vs {known_times:?})"
    );

    // The token API: same status, same body.
    let mut answers = Vec::new();
    for login in [&user, &ghost] {
        let r = crate::client()
            .post(format!("{}/api/v1/auth/token", s.base))
            .header("x-forwarded-for", Browser::fresh().ip)
            .json(&json!({"username": login, "password": "không đúng đâu"}))
            .send()
            .await
            .unwrap();
        answers.push((r.status(), r.text().await.unwrap()));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, StatusCode::UNAUTHORIZED);

    // Password reset: the same page whether the address has an account or not.
    let known_mail = format!("{}@example.vn", unique("co"));
    let db = crate::support::db(s).await;
    register_verified_citizen(&db, &known_mail).await;
    let unknown_mail = format!("{}@example.vn", unique("khong"));
    let mut pages = Vec::new();
    for mail in [&known_mail, &unknown_mail] {
        let b = Browser::fresh();
        let u = format!("{}/quen-mat-khau", s.base);
        let csrf = b.get(&u).await.csrf();
        let r = b.post_form(&u, &[("csrf", &csrf), ("email", mail)]).await;
        pages.push((r.status, r.body));
    }
    assert_eq!(pages[0], pages[1]);
    assert_eq!(pages[0].0, StatusCode::OK);
    crate::support::wait_for_mail(s, &known_mail).await;
    assert!(crate::support::mails_to(s, &unknown_mail).is_empty());

    // Registration with an address that already has an account reads like any other.
    let fresh_mail = format!("{}@example.vn", unique("moi"));
    let mut pages = Vec::new();
    for mail in [&known_mail, &fresh_mail] {
        let b = Browser::fresh();
        let u = format!("{}/dang-ky", s.base);
        let csrf = b.get(&u).await.csrf();
        let r = b
            .post_form(
                &u,
                &[
                    ("csrf", &csrf),
                    ("name", "Nguyễn Văn Thử"),
                    ("contact", mail),
                    ("password", PASSWORD),
                    ("password2", PASSWORD),
                ],
            )
            .await;
        pages.push((r.status, r.body));
    }
    assert_eq!(pages[0], pages[1]);
    // The owner of the existing address is told, by mail only; the new address gets its
    // activation link.
    let told = crate::support::wait_for_mail_containing(s, &known_mail, "đã có tài khoản").await;
    assert!(!told.contains("xac-minh-email"));
    let activation = crate::support::wait_for_mail_containing(s, &fresh_mail, "kích hoạt").await;
    assert!(activation.contains("/xac-minh-email?ma="));
    db.close().await;
}
on_both!(nobody_can_find_out_who_has_an_account);

/// A citizen with a verified e-mail address, made directly in the store.
pub async fn register_verified_citizen(db: &motcua_store::Db, email: &str) -> String {
    use motcua_store::UserStore;
    let id = uuid::Uuid::now_v7().to_string();
    let hash = motcua_service::passwords::Passwords::new(1)
        .hash(PASSWORD)
        .await
        .unwrap();
    db.create_user(
        &motcua_store::NewUser {
            id: id.clone(),
            kind: motcua_store::UserKind::Applicant,
            username: None,
            email: Some(email.to_owned()),
            email_verified: true,
            phone: None,
            citizen_id: None,
            display_name: "Nguyễn Văn Thử".into(),
            password_hash: Some(hash),
            agency_id: None,
            created_at: crate::support::now(),
        },
        None,
        &motcua_core::audit::AuditEvent::new(
            crate::support::now(),
            "cli",
            "account.register",
            Outcome::Success,
        ),
    )
    .await
    .unwrap();
    id
}

async fn revoked_and_unknown_tokens_get_401(s: &Server) {
    let (user, id) = official(
        s,
        "tok",
        "bn.vp",
        Some((Role::ProcedureControl, "bn", true, None)),
    )
    .await;
    let (t, token_id) = api_token(&s.base, &user, None).await;
    let me = format!("{}/api/v1/me", s.base);
    let r = bearer(reqwest::Method::GET, &me, &t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["via"], "token");
    assert_eq!(v["id"], id.as_str());
    assert!(
        v["scopes"]
            .as_array()
            .unwrap()
            .contains(&json!("catalog.import"))
    );
    let r = bearer(
        reqwest::Method::DELETE,
        &format!("{}/api/v1/auth/token", s.base),
        &t,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = bearer(reqwest::Method::GET, &me, &t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated");
    let rejected = audit(s, "token.rejected", Some(&format!("token:{token_id}"))).await;
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].event.detail["reason"], "revoked");
    assert_eq!(rejected[0].event.actor, format!("user:{id}"));
    // A made-up token, or another scheme: 401 too, never an anonymous request.
    for auth in ["Bearer mct_0000", "Basic dXNlcjpwYXNz"] {
        let r = crate::client()
            .get(&me)
            .header("authorization", auth)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{auth}");
    }
    // A token limited to some scopes cannot use the others, even though the account could.
    let (narrow, _) = api_token(&s.base, &user, Some(&["dossier.read"])).await;
    let r = bearer(
        reqwest::Method::POST,
        &format!("{}/api/v1/procedures/import", s.base),
        &narrow,
    )
    .body("")
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let denied = audit_by(s, &format!("user:{id}"), "permission.denied").await;
    assert!(
        denied
            .iter()
            .any(|e| e.event.detail["reason"] == "token_scope")
    );
    // A token cannot be given a permission its owner lacks.
    let r = crate::client()
        .post(format!("{}/api/v1/auth/token", s.base))
        .header("x-forwarded-for", Browser::fresh().ip)
        .json(&json!({"username": user, "password": PASSWORD, "scopes": ["grant.manage"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}
on_both!(revoked_and_unknown_tokens_get_401);

async fn an_expired_grant_allows_nothing(s: &Server) {
    // Procedure control until yesterday.
    let (user, id) = official(
        s,
        "expired",
        "bn.vp",
        Some((Role::ProcedureControl, "bn", true, Some(date(2026, 11, 24)))),
    )
    .await;
    let b = Browser::fresh();
    b.login(s, &user, PASSWORD).await;
    let csrf = b.session_csrf(s).await;
    let url = format!("{}/api/v1/procedures/import", s.base);
    let r = b
        .request(
            &url,
            crate::client()
                .post(&url)
                .header("origin", crate::support::origin(&s.base))
                .header("x-csrf-token", &csrf)
                .body(crate::import::dvc_row()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let denied = audit_by(s, &format!("user:{id}"), "permission.denied").await;
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].event.detail["reason"], "expired");
    assert_eq!(denied[0].event.detail["permission"], "catalog.import");
    assert_eq!(denied[0].event.outcome, Outcome::Denied);
}
on_both!(an_expired_grant_allows_nothing);

async fn officials_cannot_act_outside_their_agency(s: &Server) {
    // An administrator of the Department of Justice only.
    let (admin, admin_id) = official(
        s,
        "admstp",
        "bn.stp",
        Some((Role::Administrator, "bn.stp", true, None)),
    )
    .await;
    let (t, _) = api_token(&s.base, &admin, None).await;
    let (ward_official, ward_id) = official(s, "ward", "bn.x07210", None).await;
    let (dept_official, dept_id) = official(s, "dept", "bn.stp", None).await;
    let grant = |agency: &str| json!({"role": "handling_officer", "agency_id": agency});

    // Granting at a ward: outside.
    let r = bearer(
        reqwest::Method::POST,
        &format!("{}/api/v1/users/{ward_id}/grants", s.base),
        &t,
    )
    .json(&grant("bn.x07210"))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Disabling a ward official: outside.
    let r = bearer(
        reqwest::Method::POST,
        &format!("{}/api/v1/users/{ward_id}/disable", s.base),
        &t,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Importing the catalog of the whole province: outside.
    let r = bearer(
        reqwest::Method::POST,
        &format!("{}/api/v1/procedures/import", s.base),
        &t,
    )
    .body(crate::import::dvc_row())
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let denied = audit_by(s, &format!("user:{admin_id}"), "permission.denied").await;
    assert_eq!(denied.len(), 3, "{denied:#?}");
    assert!(
        denied
            .iter()
            .all(|e| e.event.detail["reason"] == "outside_agency")
    );
    assert!(
        denied
            .iter()
            .any(|e| e.event.agency_id.as_deref() == Some("bn.x07210"))
    );

    // Inside its own department everything works, and is audited.
    let r = bearer(
        reqwest::Method::POST,
        &format!("{}/api/v1/users/{dept_id}/grants", s.base),
        &t,
    )
    .json(&grant("bn.stp"))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let g: Value = r.json().await.unwrap();
    assert_eq!(g["role"], "handling_officer");
    assert_eq!(g["created_by"], format!("user:{admin_id}"));
    let created = audit(
        s,
        "grant.create",
        Some(&format!("grant:{}", g["id"].as_str().unwrap())),
    )
    .await;
    assert_eq!(created.len(), 1);
    // The list of officials shows only its department.
    let r = bearer(
        reqwest::Method::GET,
        &format!("{}/api/v1/users", s.base),
        &t,
    )
    .send()
    .await
    .unwrap();
    let list: Value = r.json().await.unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["username"].as_str())
        .collect();
    assert!(names.contains(&dept_official.as_str()));
    assert!(names.contains(&"handler2"));
    assert!(!names.contains(&ward_official.as_str()));
    assert!(!names.contains(&"handler1"));
}
on_both!(officials_cannot_act_outside_their_agency);

async fn only_catalog_importers_can_import(s: &Server) {
    // A handler has no catalog.import: refused and audited.
    let (handler, handler_id) = official(
        s,
        "imph",
        "bn.x07210",
        Some((Role::HandlingOfficer, "bn.x07210", false, None)),
    )
    .await;
    let (t, _) = api_token(&s.base, &handler, None).await;
    let url = format!("{}/api/v1/procedures/import", s.base);
    let r = bearer(reqwest::Method::POST, &url, &t)
        .body(crate::import::dvc_row())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let denied = audit_by(s, &format!("user:{handler_id}"), "permission.denied").await;
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].event.detail["reason"], "no_permission");
    assert_eq!(denied[0].event.detail["permission"], "catalog.import");

    // Procedure control over the province imports; the catalog reloads at once. (On a server
    // of its own: the shared one's catalog must stay the shipped one for other tests.)
    let s = &start_server(
        s.engine,
        None,
        Arc::new(FixedClock::new(NOW.parse().unwrap())),
        |_| {},
    );
    let url = format!("{}/api/v1/procedures/import", s.base);
    let (control, control_id) = official(
        s,
        "impc",
        "bn.vp",
        Some((Role::ProcedureControl, "bn", true, None)),
    )
    .await;
    let (t, _) = api_token(&s.base, &control, Some(&["catalog.import"])).await;
    let code = "2.999901";
    let row = crate::import::dvc_row()
        .replace("1.004222", code)
        .replace("Đăng ký thường trú", "Thủ tục thử nghiệm nhập qua API");
    let r = bearer(reqwest::Method::POST, &url, &t)
        .body(format!("{row}\nnot json\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["created"], 1, "{report}");
    assert_eq!(report["rejected"][0]["line"], 2);
    let r = crate::client()
        .get(format!("{}/api/v1/procedures/{code}", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "served right after the import");
    let done = audit_by(s, &format!("user:{control_id}"), "catalog.import").await;
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].event.detail["created"], 1);
}
on_both!(only_catalog_importers_can_import);

async fn security_headers_are_set(s: &Server) {
    let r = crate::client()
        .get(format!("{}/dang-nhap", s.base))
        .send()
        .await
        .unwrap();
    let h = r.headers();
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cross-origin-opener-policy"], "same-origin");
    assert!(
        h["permissions-policy"]
            .to_str()
            .unwrap()
            .contains("camera=()")
    );
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(h["cache-control"], "no-store", "a page with a form token");
    assert!(
        !h.contains_key("strict-transport-security"),
        "not on plain HTTP"
    );
    // Catalog pages for anonymous visitors set no cookie.
    let r = crate::client()
        .get(format!("{}/thu-tuc/1.001193", s.base))
        .send()
        .await
        .unwrap();
    assert!(!r.headers().contains_key("set-cookie"));
}
on_both!(security_headers_are_set);

/// Behind HTTPS (the portal's public URL), cookies are `Secure` with the `__Host-` prefix and
/// responses carry HSTS.
#[tokio::test]
async fn https_deployments_get_host_cookies_and_hsts() {
    let s = start_server(
        "sqlite",
        None,
        Arc::new(FixedClock::new(NOW.parse().unwrap())),
        |settings| settings.server.public_url = Some("https://dichvucong.example.gov.vn".into()),
    );
    let r = crate::client()
        .get(format!("{}/dang-nhap", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-motcua_csrf="), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
    let csrf = crate::support::field_value(&r.text().await.unwrap(), "csrf").unwrap();
    let pair = cookie.split(';').next().unwrap().to_owned();
    // The Origin must be the public one, not whatever host the request came to.
    let login = |origin: &'static str| {
        crate::support::form(
            crate::client()
                .post(format!("{}/dang-nhap", s.base))
                .header("cookie", &pair)
                .header("origin", origin),
            &[
                ("csrf", csrf.as_str()),
                ("login", "citizen1"),
                ("password", "motcua-demo"),
            ],
        )
        .send()
    };
    assert_eq!(
        login("http://127.0.0.1").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let r = login("https://dichvucong.example.gov.vn").await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-motcua_session="))
        .expect("a __Host- session cookie");
    assert!(session.contains("; Secure") && session.contains("HttpOnly"));
}
