//! Accounts from the user's side: registering, verifying, resetting a password, two-factor
//! authentication, sessions and their expiry, API tokens on the account page.

use std::sync::Arc;

use motcua_core::{clock::FixedClock, identity::totp};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    NOW, Server, on_both, start_server,
    support::{
        Browser, PASSWORD, audit, audit_by, field_value, link, official, unique, wait_for_mail,
    },
};

async fn register(
    b: &Browser,
    s: &Server,
    contact: &str,
    citizen_id: &str,
) -> crate::support::Page {
    let url = format!("{}/dang-ky", s.base);
    let csrf = b.get(&url).await.csrf();
    b.post_form(
        &url,
        &[
            ("csrf", &csrf),
            ("name", "Trần Văn Thử"),
            ("contact", contact),
            ("citizen_id", citizen_id),
            ("password", PASSWORD),
            ("password2", PASSWORD),
        ],
    )
    .await
}

async fn login_attempt(
    b: &Browser,
    s: &Server,
    login: &str,
    password: &str,
) -> crate::support::Page {
    let url = format!("{}/dang-nhap", s.base);
    let csrf = b.get(&url).await.csrf();
    b.post_form(
        &url,
        &[("csrf", &csrf), ("login", login), ("password", password)],
    )
    .await
}

async fn registering_with_email_needs_the_mailed_link(s: &Server) {
    let email = format!("{}@example.vn", unique("dk"));
    let b = Browser::fresh();
    let r = register(&b, s, &email, "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Kiểm tra hộp thư"));
    // Not usable before the address is proven.
    let r = login_attempt(&b, s, &email, PASSWORD).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("chưa được kích hoạt"));
    let mail = wait_for_mail(s, &email).await;
    let verify = link(&mail, &format!("{}/xac-minh-email?ma=", s.base));
    let r = b.get(&verify).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Đã kích hoạt"));
    assert_eq!(
        b.get(&verify).await.status,
        StatusCode::BAD_REQUEST,
        "single use"
    );
    b.login(s, &email, PASSWORD).await;
    let me: Value =
        serde_json::from_str(&b.get(&format!("{}/api/v1/me", s.base)).await.body).unwrap();
    assert_eq!(me["kind"], "applicant");
    let registered = audit(
        s,
        "account.register",
        Some(&format!("user:{}", me["id"].as_str().unwrap())),
    )
    .await;
    assert_eq!(registered.len(), 1);
    assert_eq!(registered[0].event.detail["channel"], "email");

    // Bad input is explained field by field, with the typed values kept.
    let r = register(&Browser::fresh(), s, "không phải email", "123").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("aria-invalid=\"true\""));
    assert!(r.body.contains("12 chữ số"));
    assert!(r.body.contains("value=\"không phải email\""));
}
on_both!(registering_with_email_needs_the_mailed_link);

async fn registering_with_a_phone_signs_in_at_once(s: &Server) {
    let n = uuid::Uuid::now_v7().as_u128() % 100_000_000;
    let phone = format!("09{n:08}");
    let b = Browser::fresh();
    let r = register(&b, s, &phone, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/tai-khoan");
    let page = b.get(&format!("{}/tai-khoan", s.base)).await;
    assert!(page.body.contains("Trần Văn Thử"));
    assert!(
        !page.body.contains(&phone[..7]),
        "the phone number is shown masked"
    );
    // Logging in with the number written another way.
    let other = format!("+84 {}", &phone[1..]);
    Browser::fresh().login(s, &other, PASSWORD).await;
    // The same number again is refused (no SMS channel yet to make this uniform).
    let r = register(&Browser::fresh(), s, &phone, "").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}
on_both!(registering_with_a_phone_signs_in_at_once);

async fn pages_need_a_login_and_show_who_is_in(s: &Server) {
    let b = Browser::fresh();
    let r = b.get(&format!("{}/tai-khoan", s.base)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/dang-nhap?tiep=%2Ftai-khoan");
    let r = b.get(&format!("{}/api/v1/me", s.base)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let home = b.get(&format!("{}/", s.base)).await;
    assert!(home.body.contains("href=\"/dang-nhap\""));
    b.login(s, "citizen1", "motcua-demo").await;
    let home = b.get(&format!("{}/thu-tuc", s.base)).await;
    assert!(
        home.body.contains("Nguyễn Văn An"),
        "the header shows the user"
    );
    assert!(home.body.contains("action=\"/dang-xuat\""));
    assert_eq!(
        home.headers["cache-control"], "no-store",
        "personal pages are not cached"
    );
    // Officials only.
    let r = b
        .get(&format!("{}/tai-khoan/xac-thuc-hai-buoc", s.base))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A return path may only be a path of this site.
    let page = b
        .get(&format!("{}/dang-nhap?tiep=https://evil.example/", s.base))
        .await;
    assert_eq!(page.location(), "/tai-khoan");
}
on_both!(pages_need_a_login_and_show_who_is_in);

async fn logging_out_here_and_everywhere(s: &Server) {
    let (user, _) = official(s, "out", "bn.stp", None).await;
    let phone = Browser::fresh();
    let laptop = Browser::fresh();
    phone.login(s, &user, PASSWORD).await;
    laptop.login(s, &user, PASSWORD).await;
    let page = laptop.get(&format!("{}/tai-khoan", s.base)).await;
    assert!(page.body.contains("phiên này"));
    assert!(page.body.contains("Firefox trên Linux"));
    let r = laptop
        .post_form(
            &format!("{}/tai-khoan/dang-xuat-tat-ca", s.base),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        phone.get(&format!("{}/api/v1/me", s.base)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        laptop.get(&format!("{}/api/v1/me", s.base)).await.status,
        StatusCode::OK
    );
    let csrf = laptop.session_csrf(s).await;
    let r = laptop
        .post_form(&format!("{}/dang-xuat", s.base), &[("csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(laptop.cookie(&s.base, "motcua_session").is_none());
    assert_eq!(
        laptop.get(&format!("{}/api/v1/me", s.base)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(!audit(s, "logout.everywhere", None).await.is_empty());
}
on_both!(logging_out_here_and_everywhere);

async fn api_tokens_are_made_and_revoked_on_the_account_page(s: &Server) {
    let (user, _) = official(
        s,
        "ptok",
        "bn.stp",
        Some((
            motcua_core::identity::Role::HandlingOfficer,
            "bn.stp",
            false,
            None,
        )),
    )
    .await;
    let b = Browser::fresh();
    b.login(s, &user, PASSWORD).await;
    let page = b.get(&format!("{}/tai-khoan", s.base)).await;
    assert!(
        page.body.contains("value=\"dossier.read\""),
        "held permissions are offered"
    );
    assert!(!page.body.contains("value=\"grant.manage\""));
    let r = b
        .post_form(
            &format!("{}/tai-khoan/ma-truy-cap", s.base),
            &[
                ("csrf", &page.csrf()),
                ("name", "Đồng bộ thử"),
                ("scope", "dossier.read"),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let start = r.body.find("mct_").expect("the token is shown once");
    let token = r.body[start..start + 68].to_owned();
    let me = format!("{}/api/v1/me", s.base);
    let v: Value = crate::client()
        .get(&me)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["scopes"], json!(["dossier.read"]));
    // Shown once: the page lists it without the secret afterwards.
    let page = b.get(&format!("{}/tai-khoan", s.base)).await;
    assert!(page.body.contains("Đồng bộ thử"));
    assert!(!page.body.contains(&token));
    let action = page.body.find("/thu-hoi\"").unwrap();
    let begin = page.body[..action]
        .rfind("/tai-khoan/ma-truy-cap/")
        .unwrap();
    let revoke = format!("{}{}/thu-hoi", s.base, &page.body[begin..action]);
    let r = b.post_form(&revoke, &[("csrf", &page.csrf())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = crate::client()
        .get(&me)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
on_both!(api_tokens_are_made_and_revoked_on_the_account_page);

/// The step the shared servers' clock is in.
fn code_at(secret: &str, offset_steps: i64) -> String {
    let now: jiff::Timestamp = NOW.parse().unwrap();
    let at =
        jiff::Timestamp::from_second(now.as_second() + offset_steps * totp::STEP_SECONDS).unwrap();
    totp::code_at(&totp::base32_decode(secret).unwrap(), at)
}

async fn officials_turn_on_two_factor_authentication(s: &Server) {
    let (user, id) = official(s, "tfa", "bn.stp", None).await;
    let b = Browser::fresh();
    b.login(s, &user, PASSWORD).await;
    let before = b.cookie(&s.base, "motcua_session").unwrap();
    let setup = b
        .get(&format!("{}/tai-khoan/xac-thuc-hai-buoc", s.base))
        .await;
    assert_eq!(setup.status, StatusCode::OK);
    assert!(setup.body.contains("<svg"), "the QR code is inline SVG");
    let secret = field_value(&setup.body, "secret").unwrap();
    // A wrong code: nothing changes, a new secret is shown.
    let r = b
        .post_form(
            &format!("{}/tai-khoan/xac-thuc-hai-buoc", s.base),
            &[
                ("csrf", &setup.csrf()),
                ("secret", &secret),
                ("code", "000000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let secret = field_value(&r.body, "secret").unwrap();
    let r = b
        .post_form(
            &format!("{}/tai-khoan/xac-thuc-hai-buoc", s.base),
            &[
                ("csrf", &r.csrf()),
                ("secret", &secret),
                ("code", &code_at(&secret, 0)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Mã khôi phục"));
    let codes: Vec<String> = r
        .body
        .match_indices("<li><code>")
        .map(|(i, _)| r.body[i + 10..i + 29].to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    // Turning it on rotated the session.
    let after = b.cookie(&s.base, "motcua_session").unwrap();
    assert_ne!(before, after);
    assert!(
        !audit(s, "totp.enable", Some(&format!("user:{id}")))
            .await
            .is_empty()
    );

    // Next login: the password only gets half a session.
    let b = Browser::fresh();
    let r = login_attempt(&b, s, &user, PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/dang-nhap/xac-thuc"));
    let partial = b.cookie(&s.base, "motcua_session").unwrap();
    let r = b.get(&format!("{}/tai-khoan", s.base)).await;
    assert_eq!(
        r.location(),
        "/dang-nhap/xac-thuc",
        "nothing but the challenge"
    );
    assert_eq!(
        b.get(&format!("{}/api/v1/me", s.base)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let challenge = b.get(&format!("{}/dang-nhap/xac-thuc", s.base)).await;
    let url = format!("{}/dang-nhap/xac-thuc", s.base);
    // The code used to turn it on cannot be replayed.
    let r = b
        .post_form(
            &url,
            &[("csrf", &challenge.csrf()), ("code", &code_at(&secret, 0))],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = b
        .post_form(
            &url,
            &[("csrf", &challenge.csrf()), ("code", &code_at(&secret, 1))],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let full = b.cookie(&s.base, "motcua_session").unwrap();
    assert_ne!(
        partial, full,
        "passing the second factor rotates the session"
    );
    assert_eq!(
        b.get(&format!("{}/api/v1/me", s.base)).await.status,
        StatusCode::OK
    );
    assert!(
        !audit_by(s, &format!("user:{id}"), "login.second_factor_failed")
            .await
            .is_empty()
    );

    // A recovery code works once, for the token API too.
    let token = |totp: Option<&str>| {
        let mut body = json!({"username": user, "password": PASSWORD});
        if let Some(t) = totp {
            body["totp"] = json!(t);
        }
        crate::client()
            .post(format!("{}/api/v1/auth/token", s.base))
            .header("x-forwarded-for", Browser::fresh().ip)
            .json(&body)
            .send()
    };
    let r = token(None).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "totp_required"
    );
    assert_eq!(
        token(Some(&codes[0])).await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(
        token(Some(&codes[0])).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        token(Some(&codes[1].to_lowercase().replace('-', " ")))
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );
}
on_both!(officials_turn_on_two_factor_authentication);

/// Password-reset links, and sessions, against a clock the test moves.
async fn links_and_sessions_expire(engine: &'static str) {
    let clock = Arc::new(FixedClock::new(NOW.parse().unwrap()));
    let s = &start_server(engine, None, clock.clone(), |_| {});
    let at = |minutes: i64| {
        let t: jiff::Timestamp = NOW.parse().unwrap();
        jiff::Timestamp::from_second(t.as_second() + minutes * 60).unwrap()
    };
    let db = crate::support::db(s).await;
    let email = format!("{}@example.vn", unique("reset"));
    crate::security::register_verified_citizen(&db, &email).await;
    db.close().await;

    // A session that will be ended by the reset.
    let old = Browser::fresh();
    old.login(s, &email, PASSWORD).await;

    let request = |b: Browser| {
        let base = s.base.clone();
        let email = email.clone();
        async move {
            let url = format!("{base}/quen-mat-khau");
            let csrf = b.get(&url).await.csrf();
            b.post_form(&url, &[("csrf", &csrf), ("email", &email)])
                .await
        }
    };
    assert_eq!(request(Browser::fresh()).await.status, StatusCode::OK);
    let mail = wait_for_mail(s, &email).await;
    let reset = link(&mail, &format!("{}/dat-lai-mat-khau?ma=", s.base));
    let b = Browser::fresh();
    let form = b.get(&reset).await;
    let token = field_value(&form.body, "ma").unwrap();
    let new_password = "mật khẩu mới hoàn toàn";
    let submit = |b: &Browser, token: String, csrf: String| {
        let url = format!("{}/dat-lai-mat-khau", s.base);
        let b = b.clone();
        async move {
            b.post_form(
                &url,
                &[
                    ("csrf", &csrf),
                    ("ma", &token),
                    ("password", new_password),
                    ("password2", new_password),
                ],
            )
            .await
        }
    };
    let r = submit(&b, token.clone(), form.csrf()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Đã đặt lại mật khẩu"));
    // Single use.
    let r = submit(&b, token, form.csrf()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The reset ended the old session; the new password works, the old one does not.
    assert_eq!(
        old.get(&format!("{}/api/v1/me", s.base)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_attempt(&Browser::fresh(), s, &email, PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    Browser::fresh().login(s, &email, new_password).await;

    // A link used after 30 minutes has expired.
    assert_eq!(request(Browser::fresh()).await.status, StatusCode::OK);
    let second = loop {
        let mails = crate::support::mails_to(s, &email);
        if mails.len() >= 2 {
            break mails
                .into_iter()
                .map(|m| link(&m, &format!("{}/dat-lai-mat-khau?ma=", s.base)))
                .find(|l| *l != reset)
                .unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    clock.set(at(31));
    let form = b.get(&second).await;
    let r = submit(&b, field_value(&form.body, "ma").unwrap(), form.csrf()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "expired");
    let failed: Vec<_> = audit(s, "password.reset", None)
        .await
        .into_iter()
        .filter(|e| e.event.outcome == motcua_core::audit::Outcome::Failure)
        .collect();
    assert_eq!(failed.len(), 2);

    // Sessions end after 30 idle minutes …
    let idle = Browser::fresh();
    idle.login(s, &email, new_password).await;
    clock.set(at(31 + 29));
    assert_eq!(
        idle.get(&format!("{}/api/v1/me", s.base)).await.status,
        StatusCode::OK
    );
    clock.set(at(31 + 29 + 31));
    assert_eq!(
        idle.get(&format!("{}/api/v1/me", s.base)).await.status,
        StatusCode::UNAUTHORIZED
    );
    // … and 12 hours after login however active they are.
    let busy = Browser::fresh();
    let start = 31 + 29 + 31;
    clock.set(at(start));
    busy.login(s, &email, new_password).await;
    let mut m = start;
    while m < start + 12 * 60 - 20 {
        m += 20;
        clock.set(at(m));
        assert_eq!(
            busy.get(&format!("{}/api/v1/me", s.base)).await.status,
            StatusCode::OK,
            "minute {m}"
        );
    }
    clock.set(at(start + 12 * 60 + 1));
    assert_eq!(
        busy.get(&format!("{}/api/v1/me", s.base)).await.status,
        StatusCode::UNAUTHORIZED
    );
}

on_both!(engine links_and_sessions_expire);
