//! State machine tests: supplements.

use super::*;

#[test]
fn a_supplement_request_must_list_items() {
    let mut d = submitted();
    let e = refused(
        &mut d,
        Action::RequestSupplement { items: Vec::new() },
        ACCEPT_AT,
        &desk(),
    );
    assert_eq!(invalid_field(e), "items");

    let mut d = at_handle();
    let e = refused(
        &mut d,
        Action::RequestSupplement { items: Vec::new() },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(invalid_field(e), "items");
}

#[test]
fn a_supplement_after_acceptance_restarts_the_legal_clock() {
    let mut d = accepted();
    let requested = t("2026-11-26 09:00");
    let applied = act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-26 09:00",
        &desk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(applied.summary, "Yêu cầu bổ sung 1 nội dung (Mẫu 02)");
    assert_eq!(d.status, Status::AwaitingSupplement);
    assert_eq!(d.national_status(), 5);
    assert_eq!(d.supplements.len(), 1);
    assert_eq!(d.supplements[0].at, requested);
    assert_eq!(d.supplements[0].by, desk());
    assert_eq!(d.supplements[0].received_at, None);
    assert_eq!(
        d.clock_events.last(),
        Some(&ClockEvent::SupplementRequested { at: requested })
    );
    assert_eq!(
        d.due.legal, None,
        "no legal due while waiting for the applicant"
    );
    assert!(d.due.kpi.is_some());
    assert!(!d.is_overdue(t("2027-01-01 09:00")));

    // Monday 30/11 14:00: the tờ khai arrives.
    let received = t("2026-11-30 14:00");
    let applied = act(
        &mut d,
        Action::SupplementReceived {
            added: vec![(0, vec![file("f-form")], None)],
        },
        "2026-11-30 14:00",
        &desk(),
    );
    assert_eq!(d.status, Status::Processing);
    assert_eq!(d.step, 0, "the dossier stays at its step");
    assert_eq!(d.supplements[0].received_at, Some(received));
    assert!(d.components[0].is_provided());
    assert_eq!(d.components[0].files, [file("f-form")]);
    assert!(missing_components(&d.components).is_empty());
    assert_eq!(
        d.clock_events,
        [
            ClockEvent::Received { at: t(ACCEPT_AT) },
            ClockEvent::SupplementRequested { at: requested },
            ClockEvent::SupplementReceived { at: received },
        ]
    );
    // Legal: 5 full working days again from the receipt of the supplement.
    let legal = working_days(received, 5.0);
    assert_eq!(d.due.legal, Some(legal));
    assert_eq!(local(legal), "2026-12-07 14:00");
    assert!(applied.summary.ends_with("hẹn trả 14:00 ngày 07/12/2026"));
    // KPI: only the wait is excluded. 7 working hours were used (25/11 10:00 → 26/11 09:00),
    // the remaining 33 from Mon 30/11 14:00 end on Fri 4/12 at 15:00.
    assert_eq!(local(d.due.kpi.unwrap()), "2026-12-04 15:00");
}

#[test]
fn a_supplement_before_acceptance_returns_to_submitted_without_clock_events() {
    let mut d = submitted();
    act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert_eq!(d.status, Status::AwaitingSupplement);
    assert_eq!(d.national_status(), 5);
    assert!(d.clock_events.is_empty());
    assert_eq!(d.due, Dues::default());
    assert_eq!(d.accepted_at, None);

    // An index that is not a component.
    let e = refused(
        &mut d,
        Action::SupplementReceived {
            added: vec![(7, vec![file("f-x")], None)],
        },
        "2026-11-26 08:00",
        &desk(),
    );
    assert_eq!(invalid_field(e), "components");

    let applied = act(
        &mut d,
        Action::SupplementReceived {
            added: vec![(0, Vec::new(), Some("Tờ khai điện tử số 42".to_owned()))],
        },
        "2026-11-26 08:00",
        &desk(),
    );
    assert_eq!(applied.summary, "Nhận hồ sơ bổ sung, chờ tiếp nhận");
    assert_eq!(d.status, Status::Submitted);
    assert_eq!(d.national_status(), 1);
    assert!(d.clock_events.is_empty());
    assert_eq!(d.due, Dues::default());
    assert_eq!(d.accepted_at, None);
    assert_eq!(d.supplements[0].received_at, Some(t("2026-11-26 08:00")));
    assert_eq!(
        d.components[0].held_document.as_deref(),
        Some("Tờ khai điện tử số 42")
    );
    assert!(missing_components(&d.components).is_empty());

    // Accepting later starts the clock at the acceptance.
    act(&mut d, Action::Accept, "2026-11-26 09:00", &desk());
    assert_eq!(
        d.clock_events,
        [ClockEvent::Received {
            at: t("2026-11-26 09:00")
        }]
    );
    assert_eq!(d.due.legal, Some(working_days(t("2026-11-26 09:00"), 5.0)));
}
