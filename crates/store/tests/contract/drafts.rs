//! Drafts, and which dossier or draft holds an uploaded file: both engines.

use jiff::civil::date;
use motcua_core::{dossier::DossierCode, testkit};
use motcua_store::{
    Accompanying, Created, Creation, Db, DossierStore, Draft, DraftStore, FileMeta, FileUsage,
    NewMail, OutboxStore, StoreError,
};

use crate::{at, contract};

fn draft(id: &str, owner: &str, saved: &str, expires: &str) -> Draft {
    Draft {
        id: id.into(),
        owner_id: owner.into(),
        procedure_code: "1.001193".into(),
        data: r#"{"agency":"bn.a"}"#.into(),
        revision: 0,
        created_at: at(saved),
        updated_at: at(saved),
        expires_at: at(expires),
        warned_at: None,
    }
}

fn file(id: &str, owner: &str, size: i64) -> FileMeta {
    FileMeta {
        id: id.into(),
        owner_id: owner.into(),
        name: format!("{id}.pdf"),
        media_type: "application/pdf".into(),
        size,
        sha256: "ab".repeat(32),
    }
}

async fn drafts_are_saved_under_a_revision_and_expire(db: &Db) {
    let d = draft(
        "dr-1",
        "u-1",
        "2026-11-25T09:00:00+07:00",
        "2026-12-25T09:00:00+07:00",
    );
    db.create_draft(&d).await.unwrap();
    db.create_draft(&draft(
        "dr-2",
        "u-2",
        "2026-11-25T09:00:00+07:00",
        "2026-11-26T09:00:00+07:00",
    ))
    .await
    .unwrap();
    assert_eq!(db.draft("dr-1").await.unwrap(), Some(d.clone()));
    assert_eq!(db.drafts_of("u-1").await.unwrap(), vec![d.clone()]);
    // A save needs the revision it was read at, and the owner.
    let later = at("2026-11-25T10:00:00+07:00");
    let expires = at("2026-12-25T10:00:00+07:00");
    db.save_draft(
        "dr-1",
        "u-1",
        0,
        r#"{"agency":"bn.b"}"#,
        &[],
        later,
        expires,
    )
    .await
    .unwrap();
    for (owner, rev) in [("u-1", 0), ("u-2", 1)] {
        let err = db
            .save_draft("dr-1", owner, rev, "{}", &[], later, expires)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::StaleRevision), "{owner}: {err:?}");
    }
    let saved = db.draft("dr-1").await.unwrap().unwrap();
    assert_eq!(
        (
            saved.revision,
            saved.data.as_str(),
            saved.updated_at,
            saved.expires_at
        ),
        (1, r#"{"agency":"bn.b"}"#, later, expires)
    );
    // The owner of a draft about to expire is warned once, with the mail in the same step.
    let horizon = at("2026-11-27T00:00:00+07:00");
    let due = db.drafts_to_warn(horizon, 10).await.unwrap();
    assert_eq!(
        due.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["dr-2"]
    );
    let mail = NewMail {
        id: "m-warn".into(),
        recipient: "u2@example.vn".into(),
        subject: "Hồ sơ đang soạn sắp bị xóa".into(),
        body: "…".into(),
        created_at: later,
    };
    let mails = db.pending_mail_count().await.unwrap();
    db.warn_draft("dr-2", later, Some(&mail)).await.unwrap();
    assert_eq!(db.pending_mail_count().await.unwrap(), mails + 1);
    assert!(db.drafts_to_warn(horizon, 10).await.unwrap().is_empty());
    // A second node that read the same list before the mark sends no second mail.
    let again = NewMail {
        id: "m-warn-2".into(),
        ..mail
    };
    db.warn_draft("dr-2", later, Some(&again)).await.unwrap();
    assert_eq!(db.pending_mail_count().await.unwrap(), mails + 1);
    // Expired drafts go; only the owner deletes one.
    assert_eq!(
        db.purge_drafts(at("2026-11-26T10:00:00+07:00"))
            .await
            .unwrap(),
        1
    );
    assert_eq!(db.draft("dr-2").await.unwrap(), None);
    assert!(!db.delete_draft("dr-1", "u-2").await.unwrap());
    assert!(db.delete_draft("dr-1", "u-1").await.unwrap());
    assert!(db.drafts_of("u-1").await.unwrap().is_empty());
}
contract!(drafts_are_saved_under_a_revision_and_expire);

async fn uploads_are_held_by_drafts_and_dossiers_or_removed(db: &Db) {
    let t0 = at("2026-11-25T09:00:00+07:00");
    for f in [
        file("f-a", "u-1", 1000),
        file("f-b", "u-1", 2000),
        file("f-c", "u-1", 4000),
    ] {
        db.put_file(&f, b"%PDF-1.7", t0).await.unwrap();
    }
    db.put_file(&file("f-z", "u-2", 9), b"%PDF-1.7", t0)
        .await
        .unwrap();
    assert_eq!(
        db.file_usage("u-1").await.unwrap(),
        FileUsage {
            bytes: 7000,
            loose: 3
        }
    );
    // A draft holds f-a (not another owner's file).
    db.create_draft(&draft(
        "dr-1",
        "u-1",
        "2026-11-25T09:00:00+07:00",
        "2026-12-25T09:00:00+07:00",
    ))
    .await
    .unwrap();
    db.save_draft(
        "dr-1",
        "u-1",
        0,
        "{}",
        &["f-a".into(), "f-z".into()],
        t0,
        at("2026-12-25T09:00:00+07:00"),
    )
    .await
    .unwrap();
    // A dossier holds f-b and ends the draft in its own transaction.
    let mut d = testkit::dossier(
        "d-1",
        DossierCode::new("000.00.00.H06", date(2026, 11, 25), 1).unwrap(),
        "bn.a",
        t0,
    );
    d.components = vec![motcua_core::dossier::Component {
        name: "Giấy chứng sinh".into(),
        required: true,
        originals: 1,
        copies: 0,
        files: vec![motcua_core::dossier::FileRef {
            id: "f-b".into(),
            name: "f-b.pdf".into(),
            media_type: "application/pdf".into(),
            size: 2000,
            sha256: "ab".repeat(32),
        }],
        held_document: None,
        paper: None,
        condition: None,
        applies: None,
    }];
    d.owner_id = Some("u-1".into());
    let created = db
        .create_dossier(
            "000.00.00.H06",
            date(2026, 11, 25),
            None,
            Box::new(move |c| {
                d.code = c;
                Creation {
                    dossier: d,
                    with: Accompanying {
                        drafts: vec!["dr-1".into()],
                        ..Accompanying::default()
                    },
                }
            }),
        )
        .await
        .unwrap();
    assert!(matches!(created, Created::New(_)));
    assert_eq!(
        db.draft("dr-1").await.unwrap(),
        None,
        "the draft became the dossier"
    );
    assert_eq!(
        db.file_usage("u-1").await.unwrap(),
        FileUsage {
            bytes: 7000,
            // f-a lost its draft, f-c never had one; f-b is the dossier's.
            loose: 2
        }
    );
    let owned = db.owned_files("u-1", 10).await.unwrap();
    assert_eq!(owned.len(), 3);
    assert_eq!(
        owned
            .iter()
            .find(|f| f.meta.id == "f-b")
            .and_then(|f| f.dossier_id.as_deref()),
        Some("d-1")
    );
    // Loose uploads older than the cut-off go; the dossier's file stays.
    assert_eq!(
        db.purge_loose_files(at("2026-11-25T08:00:00+07:00"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        db.purge_loose_files(at("2026-11-27T09:00:00+07:00"))
            .await
            .unwrap(),
        3,
        "f-a, f-c and the other owner's f-z"
    );
    assert!(db.file_meta("f-b").await.unwrap().is_some());
    assert!(db.file_meta("f-a").await.unwrap().is_none());
    assert_eq!(db.result_holder("f-b").await.unwrap(), None, "not a result");
}
contract!(uploads_are_held_by_drafts_and_dossiers_or_removed);
