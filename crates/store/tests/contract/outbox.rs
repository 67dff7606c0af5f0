use motcua_store::{Db, NewMail, OutboxStore};

use crate::{at, contract};

fn mail(id: &str, created: &str) -> NewMail {
    NewMail {
        id: id.into(),
        recipient: "a@example.vn".into(),
        subject: "Đặt lại mật khẩu".into(),
        body: "Liên kết: https://example.vn/dat-lai-mat-khau?t=secret".into(),
        created_at: at(created),
    }
}

async fn mails_are_claimed_retried_and_erased(db: &Db) {
    db.enqueue_mail(&mail("m1", "2026-11-25T09:00:00+07:00"))
        .await
        .unwrap();
    db.enqueue_mail(&mail("m2", "2026-11-25T09:01:00+07:00"))
        .await
        .unwrap();
    db.enqueue_mail(&mail("m3", "2026-11-25T10:00:00+07:00"))
        .await
        .unwrap();
    let now = at("2026-11-25T09:05:00+07:00");
    let lease = at("2026-11-25T09:06:00+07:00");
    let claimed = db.claim_mails(now, lease, 10).await.unwrap();
    assert_eq!(
        claimed.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        vec!["m1", "m2"],
        "due mails, oldest first; m3 is not due"
    );
    assert_eq!(claimed[0].attempts, 1);
    assert!(claimed[0].body.contains("secret"));
    // Leased: another worker gets nothing until the lease ends.
    assert!(db.claim_mails(now, lease, 10).await.unwrap().is_empty());
    db.mark_mail_sent("m1", now).await.unwrap();
    db.mark_mail_failed(
        "m2",
        now,
        "421 try later",
        Some(at("2026-11-25T09:10:00+07:00")),
    )
    .await
    .unwrap();
    assert_eq!(db.pending_mail_count().await.unwrap(), 2);
    // The retry comes when due, counting the attempt.
    let retry = db
        .claim_mails(
            at("2026-11-25T09:10:00+07:00"),
            at("2026-11-25T09:11:00+07:00"),
            10,
        )
        .await
        .unwrap();
    assert_eq!(retry.len(), 1);
    assert_eq!(retry[0].id, "m2");
    assert_eq!(retry[0].attempts, 2);
    // Giving up ends it.
    db.mark_mail_failed("m2", now, "550 no such user", None)
        .await
        .unwrap();
    assert_eq!(db.pending_mail_count().await.unwrap(), 1);
    // A crashed worker's lease runs out and the mail is claimed again.
    let c = db
        .claim_mails(
            at("2026-11-25T10:00:00+07:00"),
            at("2026-11-25T10:01:00+07:00"),
            10,
        )
        .await
        .unwrap();
    assert_eq!(c.len(), 1);
    let again = db
        .claim_mails(
            at("2026-11-25T10:02:00+07:00"),
            at("2026-11-25T10:03:00+07:00"),
            10,
        )
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 2);
}
contract!(mails_are_claimed_retried_and_erased);
