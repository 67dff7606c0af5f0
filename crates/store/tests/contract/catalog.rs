use motcua_core::catalog::{
    Channel, ExecutionMethod, ImplementingLevel, OnlineLevel, Procedure, ProcedureAgencies,
    ProcedureCode, ProcessingTime, TimeUnit,
};
use motcua_store::{AgencyProcedure, CatalogStore, Db, MetaStore, UpsertOutcome};

use crate::{at, contract};

fn procedure(code: &str, name: &str) -> Procedure {
    Procedure {
        code: ProcedureCode::parse(code).unwrap(),
        name: name.into(),
        field: "Hộ tịch".into(),
        levels: vec![ImplementingLevel::Commune],
        formality_type: None,
        applicant_types: vec!["Công dân Việt Nam".into()],
        agencies: ProcedureAgencies::default(),
        steps: vec!["Nộp hồ sơ".into()],
        methods: vec![ExecutionMethod {
            channel: Channel::Direct,
            time: Some(ProcessingTime {
                amount: 3.0,
                unit: TimeUnit::WorkingDays,
            }),
            time_text: "3 Ngày làm việc".into(),
            fees: vec![],
            description: String::new(),
        }],
        cases: vec![],
        legal_bases: vec![],
        results: vec![],
        requirements: None,
        online_level: OnlineLevel::Partial,
        publication_decision: Some("163/QĐ-BTP".into()),
        related: vec![],
        source_url: None,
        raw_sections: vec![],
    }
    .normalized()
    .unwrap()
}

async fn upsert_creates_versions_and_is_idempotent(db: &Db) {
    let t1 = at("2026-01-05T08:00:00+07:00");
    let t2 = at("2026-03-02T08:00:00+07:00");
    let a = procedure("1.001193", "Thủ tục đăng ký khai sinh");
    let b = procedure("1.004222", "Đăng ký thường trú");
    let gen0 = db.generation("catalog_generation").await.unwrap();

    let out = db
        .upsert_procedures(&[a.clone(), b.clone()], t1, t1)
        .await
        .unwrap();
    assert_eq!(out, vec![UpsertOutcome::Created, UpsertOutcome::Created]);
    let gen1 = db.generation("catalog_generation").await.unwrap();
    assert!(gen1 > gen0);

    // Same content again: nothing changes, not even the generation.
    let out = db
        .upsert_procedures(&[a.clone(), b.clone()], t2, t2)
        .await
        .unwrap();
    assert_eq!(
        out,
        vec![UpsertOutcome::Unchanged, UpsertOutcome::Unchanged]
    );
    assert_eq!(db.generation("catalog_generation").await.unwrap(), gen1);

    // A changed record becomes version 2; version 1 stays readable and closes at t2.
    let mut a2 = a.clone();
    a2.steps.push("Nhận kết quả".into());
    let out = db.upsert_procedures(&[a2.clone()], t2, t2).await.unwrap();
    assert_eq!(out, vec![UpsertOutcome::Updated { version: 2 }]);

    let cur = db.current_procedure(&a.code).await.unwrap().unwrap();
    assert_eq!(cur.version, 2);
    assert_eq!(cur.procedure, a2);
    assert_eq!(cur.valid_from, t2);
    assert_eq!(cur.valid_to, None);

    let v1 = db.procedure_version(&a.code, 1).await.unwrap().unwrap();
    assert_eq!(v1.procedure, a);
    assert_eq!(v1.valid_to, Some(t2));

    // The version in force at an instant: before t2 → v1, from t2 → v2, before t1 → none.
    let between = at("2026-02-01T00:00:00+07:00");
    assert_eq!(
        db.procedure_at(&a.code, between)
            .await
            .unwrap()
            .unwrap()
            .version,
        1
    );
    assert_eq!(
        db.procedure_at(&a.code, t2).await.unwrap().unwrap().version,
        2
    );
    assert!(
        db.procedure_at(&a.code, at("2025-01-01T00:00:00Z"))
            .await
            .unwrap()
            .is_none()
    );

    let hist = db.procedure_history(&a.code).await.unwrap();
    assert_eq!(
        hist.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_ne!(hist[0].content_hash, hist[1].content_hash);

    let all = db.current_procedures().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].procedure.code.as_str(), "1.001193");
    assert_eq!(all[1].procedure.code.as_str(), "1.004222");

    let missing = ProcedureCode::parse("9.999999").unwrap();
    assert!(db.current_procedure(&missing).await.unwrap().is_none());
    assert!(db.procedure_version(&a.code, 3).await.unwrap().is_none());
}
contract!(upsert_creates_versions_and_is_idempotent);

async fn a_new_version_never_starts_before_the_one_it_replaces(db: &Db) {
    let t1 = at("2026-03-02T08:00:00+07:00");
    let earlier = at("2026-01-01T00:00:00+07:00");
    let a = procedure("1.001193", "Thủ tục đăng ký khai sinh");
    db.upsert_procedures(std::slice::from_ref(&a), t1, t1)
        .await
        .unwrap();
    let mut a2 = a.clone();
    a2.name = "Thủ tục đăng ký khai sinh (sửa đổi)".into();
    db.upsert_procedures(&[a2], earlier, t1).await.unwrap();
    let hist = db.procedure_history(&a.code).await.unwrap();
    assert_eq!(hist[1].valid_from, t1);
    assert_eq!(hist[0].valid_to, Some(t1));
}
contract!(a_new_version_never_starts_before_the_one_it_replaces);

async fn the_same_code_twice_in_one_batch_versions_in_order(db: &Db) {
    let t = at("2026-03-02T08:00:00+07:00");
    let a = procedure("1.001193", "Thủ tục đăng ký khai sinh");
    let mut a2 = a.clone();
    a2.field = "Hộ tịch (mới)".into();
    let out = db.upsert_procedures(&[a, a2.clone()], t, t).await.unwrap();
    assert_eq!(
        out,
        vec![
            UpsertOutcome::Created,
            UpsertOutcome::Updated { version: 2 }
        ]
    );
    assert_eq!(
        db.current_procedure(&a2.code)
            .await
            .unwrap()
            .unwrap()
            .procedure,
        a2
    );
}
contract!(the_same_code_twice_in_one_batch_versions_in_order);

async fn agency_procedure_links_are_replaced_whole(db: &Db) {
    let code = ProcedureCode::parse("1.001193").unwrap();
    let link = |agency: &str, level| AgencyProcedure {
        agency_id: agency.into(),
        procedure_code: code.clone(),
        online_level: level,
    };
    db.replace_agency_procedures(&[
        link("bn.x07210", OnlineLevel::Full),
        link("bn.x07228", OnlineLevel::Partial),
    ])
    .await
    .unwrap();
    assert_eq!(db.agency_procedures().await.unwrap().len(), 2);
    db.replace_agency_procedures(&[link("bn.x07246", OnlineLevel::None)])
        .await
        .unwrap();
    let links = db.agency_procedures().await.unwrap();
    assert_eq!(links, vec![link("bn.x07246", OnlineLevel::None)]);
}
contract!(agency_procedure_links_are_replaced_whole);

async fn offers_are_set_changed_and_withdrawn(db: &Db) {
    let code = ProcedureCode::parse("1.001193").unwrap();
    let other = ProcedureCode::parse("1.004222").unwrap();
    let link = |agency: &str, code: &ProcedureCode, level| AgencyProcedure {
        agency_id: agency.into(),
        procedure_code: code.clone(),
        online_level: level,
    };
    db.replace_agency_procedures(&[link("bn.x07210", &code, OnlineLevel::Full)])
        .await
        .unwrap();
    let generation = || async { db.generation("catalog_generation").await.unwrap() };
    let before = generation().await;
    let set = |agency: &'static str, changes: Vec<(ProcedureCode, Option<OnlineLevel>)>| async move {
        db.set_agency_procedures(agency, &changes).await.unwrap()
    };
    let two = vec![
        (code.clone(), Some(OnlineLevel::Partial)),
        (other.clone(), Some(OnlineLevel::None)),
    ];
    assert_eq!(set("bn.x07228", two.clone()).await, 2);
    let after_add = generation().await;
    assert_ne!(before, after_add, "new offers bump the generation");
    assert_eq!(
        set("bn.x07228", two).await,
        0,
        "the same levels again change nothing"
    );
    assert_eq!(generation().await, after_add);
    assert_eq!(
        set("bn.x07228", vec![(code.clone(), Some(OnlineLevel::Full))]).await,
        1
    );
    assert_eq!(
        db.agency_procedures().await.unwrap(),
        vec![
            link("bn.x07210", &code, OnlineLevel::Full),
            link("bn.x07228", &code, OnlineLevel::Full),
            link("bn.x07228", &other, OnlineLevel::None),
        ]
    );
    assert_eq!(set("bn.x07210", vec![(code.clone(), None)]).await, 1);
    assert_eq!(
        set("bn.x07210", vec![(code.clone(), None)]).await,
        0,
        "withdrawing twice changes nothing"
    );
    assert_eq!(db.agency_procedures().await.unwrap().len(), 2);
}
contract!(offers_are_set_changed_and_withdrawn);
