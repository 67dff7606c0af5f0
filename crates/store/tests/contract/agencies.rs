use jiff::civil::date;
use motcua_core::{
    agency::{Agency, AgencyKind, IdentifierStatus, Succession, SuccessionKind},
    testkit::agency,
};
use motcua_store::{AgencyStore, Db};

use crate::{at, contract};

async fn agencies_round_trip_with_successions(db: &Db) {
    let now = at("2026-01-05T08:00:00+07:00");
    let bn = Agency {
        kind: AgencyKind::ProvincialCommittee,
        identifier: Some("000.00.00.H06".into()),
        identifier_status: Some(IdentifierStatus::Provisional),
        admin_unit_code: Some("24".into()),
        ..agency("bn", None)
    };
    let bg = Agency {
        kind: AgencyKind::ProvincialCommittee,
        identifier: Some("000.00.00.H03".into()),
        identifier_status: Some(IdentifierStatus::Inferred),
        valid_from: date(1997, 1, 1),
        valid_to: Some(date(2025, 6, 30)),
        successors: vec![Succession {
            successor: "bn".into(),
            effective: date(2025, 7, 1),
            kind: SuccessionKind::Merged,
        }],
        ..agency("bg", None)
    };
    let stp = agency("bn.stp", Some("bn"));
    db.upsert_agencies(&[bn.clone(), bg.clone(), stp.clone()], now)
        .await
        .unwrap();
    let all = db.agencies().await.unwrap();
    assert_eq!(all, vec![bg.clone(), bn.clone(), stp.clone()]);

    // Upsert replaces the record and its successions.
    let bg2 = Agency {
        successors: vec![],
        name: "UBND tỉnh Bắc Giang (cũ)".into(),
        ..bg
    };
    db.upsert_agencies(std::slice::from_ref(&bg2), now)
        .await
        .unwrap();
    let all = db.agencies().await.unwrap();
    assert_eq!(all[0], bg2);
    assert_eq!(all.len(), 3);
}
contract!(agencies_round_trip_with_successions);
