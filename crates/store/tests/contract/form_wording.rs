use motcua_core::audit::{AuditEvent, Outcome};
use motcua_store::{
    AuditFilter, AuditStore, Db, FORM_WORDING_GENERATION, FormWordingStore, MetaStore,
    StoredWording, WordingInfo,
};

use crate::{at, contract};

fn event(action: &str, agency: &str) -> AuditEvent {
    AuditEvent::new(
        at("2026-11-25T09:00:00+07:00"),
        "user:u-admin",
        action,
        Outcome::Success,
    )
    .agency(agency)
    .subject(format!("agency:{agency}"))
}

async fn actions(db: &Db) -> Vec<String> {
    let mut a: Vec<String> = db
        .audit_events(&AuditFilter {
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            format!(
                "{} {}",
                r.event.action,
                r.event.agency_id.unwrap_or_default()
            )
        })
        .collect();
    a.sort();
    a
}

async fn an_agency_override_is_set_replaced_listed_and_cleared(db: &Db) {
    assert_eq!(db.form_wording("bn.a").await.unwrap(), None);
    assert!(db.form_wordings().await.unwrap().is_empty());
    let g0 = db.generation(FORM_WORDING_GENERATION).await.unwrap();

    // Text is kept exactly, comments and Vietnamese included.
    let first = StoredWording {
        agency_id: "bn.b".into(),
        wording: "# Mẫu của phường\n[receipt]\ntitle = \"GIẤY BIÊN NHẬN HỒ SƠ\"\n".into(),
        set_by: "user:u-admin".into(),
        set_at: at("2026-11-25T09:00:00+07:00"),
    };
    db.set_form_wording(&first, &event("form_wording.set", "bn.b"))
        .await
        .unwrap();
    assert_eq!(db.form_wording("bn.b").await.unwrap(), Some(first.clone()));
    let g1 = db.generation(FORM_WORDING_GENERATION).await.unwrap();
    assert!(g1 > g0, "a change bumps the generation");

    // An upsert replaces text, author and time.
    let second = StoredWording {
        wording: "[receipt]\ntitle = \"GIẤY TIẾP NHẬN\"\n".into(),
        set_by: "cli".into(),
        set_at: at("2026-11-26T10:30:00.123456+07:00"),
        ..first.clone()
    };
    db.set_form_wording(&second, &event("form_wording.set", "bn.b"))
        .await
        .unwrap();
    assert_eq!(db.form_wording("bn.b").await.unwrap(), Some(second.clone()));
    let other = StoredWording {
        agency_id: "bn.a".into(),
        ..first.clone()
    };
    db.set_form_wording(&other, &event("form_wording.set", "bn.a"))
        .await
        .unwrap();
    assert_eq!(
        db.form_wordings().await.unwrap(),
        vec![
            WordingInfo {
                agency_id: "bn.a".into(),
                set_by: "user:u-admin".into(),
                set_at: first.set_at,
            },
            WordingInfo {
                agency_id: "bn.b".into(),
                set_by: "cli".into(),
                set_at: second.set_at,
            },
        ]
    );

    // Clearing removes one agency's only, once; clearing nothing writes nothing.
    let g2 = db.generation(FORM_WORDING_GENERATION).await.unwrap();
    assert!(
        db.clear_form_wording("bn.b", &event("form_wording.clear", "bn.b"))
            .await
            .unwrap()
    );
    assert_eq!(db.form_wording("bn.b").await.unwrap(), None);
    assert_eq!(db.form_wording("bn.a").await.unwrap(), Some(other));
    let g3 = db.generation(FORM_WORDING_GENERATION).await.unwrap();
    assert!(g3 > g2);
    assert!(
        !db.clear_form_wording("bn.b", &event("form_wording.clear", "bn.b"))
            .await
            .unwrap()
    );
    assert_eq!(db.generation(FORM_WORDING_GENERATION).await.unwrap(), g3);

    // Each change has its audit event, written with it.
    assert_eq!(
        actions(db).await,
        vec![
            "form_wording.clear bn.b",
            "form_wording.set bn.a",
            "form_wording.set bn.b",
            "form_wording.set bn.b",
        ]
    );
}
contract!(an_agency_override_is_set_replaced_listed_and_cleared);
