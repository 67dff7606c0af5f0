//! Personal data never reaches the logs: registrations, logins, failed logins and password
//! resets run while every log line of the process (all levels of motcua, debug of libraries)
//! is captured; the e-mail address, phone number, identity number and secret link must not
//! appear in it.

use reqwest::StatusCode;

use crate::{
    Server, on_both,
    support::{Browser, PASSWORD, captured_logs, link, unique, wait_for_mail},
};

async fn personal_data_never_reaches_the_logs(s: &Server) {
    let local = unique("riengtu");
    let email = format!("{local}@example.vn");
    let n = uuid::Uuid::now_v7().as_u128();
    let phone = format!("09{:08}", n % 100_000_000);
    let phone_intl = format!("+84{}", &phone[1..]);
    let citizen_id = format!("0{:011}", (n >> 40) % 100_000_000_000);
    let b = Browser::fresh();

    // Register with e-mail and identity number; verify; log in; fail a login.
    let url = format!("{}/dang-ky", s.base);
    let csrf = b.get(&url).await.csrf();
    let r = b
        .post_form(
            &url,
            &[
                ("csrf", &csrf),
                ("name", "Phạm Thị Riêng Tư"),
                ("contact", &email),
                ("citizen_id", &citizen_id),
                ("password", PASSWORD),
                ("password2", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mail = wait_for_mail(s, &email).await;
    let verify = link(&mail, &format!("{}/xac-minh-email?ma=", s.base));
    assert_eq!(b.get(&verify).await.status, StatusCode::OK);
    b.login(s, &email, PASSWORD).await;
    let login_url = format!("{}/dang-nhap", s.base);
    let other = Browser::fresh();
    let csrf = other.get(&login_url).await.csrf();
    let r = other
        .post_form(
            &login_url,
            &[
                ("csrf", &csrf),
                ("login", &email),
                ("password", "sai rồi sai rồi"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Register with a phone number; log in with it written differently.
    let p = Browser::fresh();
    let csrf = p.get(&url).await.csrf();
    let r = p
        .post_form(
            &url,
            &[
                ("csrf", &csrf),
                ("name", "Phạm Văn Điện Thoại"),
                ("contact", &phone),
                ("password", PASSWORD),
                ("password2", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    Browser::fresh().login(s, &phone_intl, PASSWORD).await;

    // A password reset, whose mail carries a secret link.
    let reset_url = format!("{}/quen-mat-khau", s.base);
    let r2 = Browser::fresh();
    let csrf = r2.get(&reset_url).await.csrf();
    r2.post_form(&reset_url, &[("csrf", &csrf), ("email", &email)])
        .await;
    let reset_mail = crate::support::wait_for_mail_containing(s, &email, "dat-lai-mat-khau").await;
    let secret_link = link(&reset_mail, &format!("{}/dat-lai-mat-khau?ma=", s.base));
    let secret = secret_link.rsplit('=').next().unwrap().to_owned();

    let logs = captured_logs();
    // The capture works: this test's requests and mails are in it.
    assert!(logs.contains("/dang-ky"), "requests are logged");
    assert!(logs.contains("mail delivered"), "mail delivery is logged");
    for (what, value) in [
        ("e-mail address", email.as_str()),
        ("e-mail local part", local.as_str()),
        ("phone number", phone.as_str()),
        ("phone number (international)", phone_intl.as_str()),
        ("identity number", citizen_id.as_str()),
        ("reset token", secret.as_str()),
        ("password", PASSWORD),
    ] {
        assert!(!logs.contains(value), "the {what} appears in the logs");
    }
}
on_both!(personal_data_never_reaches_the_logs);
