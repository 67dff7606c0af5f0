//! State machine tests: apology (Form 04).

use super::*;

fn apologise(new_due: &str) -> Action {
    Action::Apologise {
        reason: reason("Chờ xác minh của cơ quan công an"),
        new_due: t(new_due),
    }
}

#[test]
fn one_apology_reschedules_the_legal_due() {
    // Legal due: Wed 2/12 10:00; Tue 1/12 10:00 is exactly one working day before.
    let mut d = at_handle();
    let kpi = d.due.kpi;
    let old = d.due.legal.unwrap();
    assert_eq!(local(old), "2026-12-02 10:00");
    let applied = act(
        &mut d,
        apologise("2026-12-04 10:00"),
        "2026-12-01 10:00",
        &leader(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(
        applied.summary,
        "Xin lỗi và hẹn lại ngày trả: 10:00 ngày 04/12/2026 (Mẫu 04)"
    );
    assert_eq!(d.due.legal, Some(t("2026-12-04 10:00")));
    assert_eq!(d.due.kpi, kpi, "the apology does not move the KPI due");
    assert_eq!(
        d.apology,
        Some(Apology {
            at: t("2026-12-01 10:00"),
            by: leader(),
            reason: "Chờ xác minh của cơ quan công an".to_owned(),
            old_due: Some(old),
            new_due: t("2026-12-04 10:00"),
        })
    );
    assert_eq!(
        d.clock_events.last(),
        Some(&ClockEvent::Apology {
            at: t("2026-12-01 10:00"),
            new_due: t("2026-12-04 10:00"),
        })
    );
    assert!(!d.is_overdue(t("2026-12-03 09:00")));

    // A second one: allowed() already drops it, so the state machine says NotAllowed (the
    // clock's ApologyAlreadyUsed is never reached).
    assert!(!allowed(&d).contains(&A::Apologise));
    let e = refused(
        &mut d,
        apologise("2026-12-08 10:00"),
        "2026-12-01 11:00",
        &leader(),
    );
    assert!(
        matches!(
            e,
            TransitionError::NotAllowed {
                action: A::Apologise,
                status: Status::Processing,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn an_apology_too_late_or_not_later_is_refused() {
    let mut d = at_handle();
    // 10:01 on Tue 1/12: 479 working minutes before the due.
    let e = refused(
        &mut d,
        apologise("2026-12-04 10:00"),
        "2026-12-01 10:01",
        &leader(),
    );
    assert_eq!(
        e,
        TransitionError::Clock(ClockError::ApologyTooLate {
            remaining: WorkingDuration::from_minutes(479),
            required: WorkingDuration::from_minutes(480),
        })
    );
    // Already past the due.
    let e = refused(
        &mut d,
        apologise("2026-12-04 10:00"),
        "2026-12-03 09:00",
        &leader(),
    );
    assert!(
        matches!(e, TransitionError::Clock(ClockError::ApologyTooLate { .. })),
        "{e:?}"
    );

    let due = d.due.legal.unwrap();
    for new_due in ["2026-12-02 10:00", "2026-12-01 17:00"] {
        let e = refused(&mut d, apologise(new_due), "2026-11-27 09:00", &leader());
        assert_eq!(
            e,
            TransitionError::Clock(ClockError::ApologyNotLater {
                due,
                new_due: t(new_due),
            })
        );
    }
    let e = refused(
        &mut d,
        Action::Apologise {
            reason: " ".to_owned(),
            new_due: t("2026-12-04 10:00"),
        },
        "2026-11-27 09:00",
        &leader(),
    );
    assert_eq!(invalid_field(e), "reason");

    // Without a known limit there is nothing to reschedule.
    let mut unknown = at_handle();
    unknown.limit = None;
    unknown.due.legal = Some(t("2026-12-02 10:00"));
    let e = refused(
        &mut unknown,
        apologise("2026-12-04 10:00"),
        "2026-11-27 09:00",
        &leader(),
    );
    assert_eq!(invalid_field(e), "new_due");
}

#[test]
fn no_apology_without_a_running_legal_clock() {
    let mut d = submitted();
    assert!(matches!(
        refused(
            &mut d,
            apologise("2026-12-04 10:00"),
            "2026-11-25 10:00",
            &leader()
        ),
        TransitionError::NotAllowed { .. }
    ));
    let mut d = accepted();
    act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-26 09:00",
        &desk(),
    );
    assert!(matches!(
        refused(
            &mut d,
            apologise("2026-12-04 10:00"),
            "2026-11-26 10:00",
            &leader()
        ),
        TransitionError::NotAllowed { .. }
    ));
}
