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

fn rate(levels: &[(&str, Level)]) -> Action {
    Action::Rate {
        rating: Rating {
            levels: levels.iter().map(|(k, l)| ((*k).to_owned(), *l)).collect(),
            comment: None,
        },
    }
}

#[test]
fn the_applicant_sends_the_supplement_and_the_desk_confirms_it() {
    // Asked during handling: the legal clock stops.
    let mut d = at_handle();
    act(
        &mut d,
        Action::Assign {
            assignee: officer_a(),
        },
        "2026-11-25 13:30",
        &leader(),
    );
    act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(d.due.legal, None);
    assert!(allowed(&d).contains(&A::SubmitSupplement));
    // Nothing attached is no supplement.
    let e = refused(
        &mut d,
        Action::SubmitSupplement {
            added: vec![],
            note: None,
        },
        "2026-11-27 09:00",
        &citizen(),
    );
    assert_eq!(invalid_field(e), "components");
    let applied = act(
        &mut d,
        Action::SubmitSupplement {
            added: vec![(0, vec![file("f-form")], None)],
            note: Some("Đã ký tờ khai".to_owned()),
        },
        "2026-11-27 09:00",
        &citizen(),
    );
    assert!(!applied.internal, "the applicant sees their own step");
    assert_eq!(d.status, Status::Supplemented);
    assert_eq!(d.national_status(), 5);
    assert!(d.status.is_open());
    // The supplement arrived when it was sent: the legal limit restarts from then.
    assert_eq!(d.due.legal, Some(working_days(t("2026-11-27 09:00"), 5.0)));
    assert_eq!(d.supplements[0].submitted_at, Some(t("2026-11-27 09:00")));
    assert_eq!(d.components[0].files.len(), 1);
    // The unit that asked checks it; it may ask again, or confirm.
    assert_eq!(
        requirement(&d, A::SupplementReceived, None),
        Requirement {
            permission: Permission::DossierHandle,
            agency: HOME.to_owned(),
            owner_may: false,
            officials_may: true,
        }
    );
    assert!(allowed(&d).contains(&A::RequestSupplement));
    let due = d.due.legal;
    act(
        &mut d,
        Action::SupplementReceived { added: vec![] },
        "2026-11-27 14:00",
        &officer_a(),
    );
    assert_eq!(d.status, Status::Processing);
    assert_eq!(
        d.due.legal, due,
        "confirming does not restart the clock again"
    );
    assert_eq!(d.supplements[0].received_at, Some(t("2026-11-27 14:00")));
}

#[test]
fn a_supplement_before_acceptance_goes_back_to_the_desk_with_a_new_window() {
    let mut d = submitted();
    act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    act(
        &mut d,
        Action::SubmitSupplement {
            added: vec![(0, vec![file("f-form")], None)],
            note: None,
        },
        "2026-11-26 15:00",
        &citizen(),
    );
    assert_eq!(d.status, Status::Submitted);
    assert!(d.clock_events.is_empty());
    // 8 working hours from Thursday 15:00 (2 on Thursday, 6 on Friday): Friday 15:00.
    assert_eq!(d.intake_due, Some(t("2026-11-27 15:00")));
}

#[test]
fn ratings_are_given_after_the_return_and_changed_for_a_week() {
    let mut d = returned();
    assert!(allowed(&d).contains(&A::Rate));
    let e = refused(
        &mut d,
        rate(&[("attitude", Level::Satisfied)]),
        "2026-12-01 09:00",
        &citizen(),
    );
    assert_eq!(invalid_field(e), "rating.levels.overall");
    act(
        &mut d,
        rate(&[("overall", Level::NotSatisfied)]),
        "2026-12-01 09:00",
        &citizen(),
    );
    act(
        &mut d,
        rate(&[("overall", Level::Satisfied)]),
        "2026-12-05 09:00",
        &citizen(),
    );
    let r = d.rating.clone().unwrap();
    assert_eq!(r.rating.overall(), Some(Level::Satisfied));
    assert_eq!(r.first_at, t("2026-12-01 09:00"));
    assert_eq!(d.status, Status::Returned);
    let e = refused(
        &mut d,
        rate(&[("overall", Level::VerySatisfied)]),
        "2026-12-09 09:00",
        &citizen(),
    );
    assert_eq!(invalid_field(e), "rating");
}

#[test]
fn comments_are_internal_unless_meant_for_the_applicant() {
    let mut d = at_handle();
    let internal = act(
        &mut d,
        Action::Comment {
            text: "Kiểm tra lại chữ ký".to_owned(),
            public: false,
        },
        "2026-11-25 14:00",
        &desk(),
    );
    assert!(internal.internal);
    let public = act(
        &mut d,
        Action::Comment {
            text: "Hồ sơ đang được xác minh".to_owned(),
            public: true,
        },
        "2026-11-25 14:10",
        &desk(),
    );
    assert!(!public.internal);
    let routing = act(
        &mut d,
        Action::Assign {
            assignee: officer_a(),
        },
        "2026-11-25 14:20",
        &leader(),
    );
    assert!(routing.internal, "who handles it stays inside the agency");
}
