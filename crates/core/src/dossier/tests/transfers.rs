//! State machine tests: transfers.

use super::*;

fn other_process() -> Process {
    ProcessTemplate::default_for().resolve(Some(limit()), OTHER, OTHER)
}

#[test]
fn a_transfer_before_acceptance_moves_the_dossier_to_the_new_desk() {
    let mut d = submitted();
    let applied = act(
        &mut d,
        Action::Transfer {
            agency: OTHER.to_owned(),
            reason: reason("Không đúng nơi cư trú"),
            process: other_process(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(
        applied.summary,
        "Chuyển hồ sơ đến bn.x07211: Không đúng nơi cư trú"
    );
    assert_eq!(d.status, Status::Submitted);
    assert_eq!(d.national_status(), 1);
    assert_eq!(d.competent_agency, OTHER);
    assert_eq!(d.current_agency, OTHER);
    assert_eq!(d.receiving_agency, HOME, "the code's desk does not change");
    assert!(d.steps.is_empty());
    assert!(d.clock_events.is_empty());
    assert_eq!(d.accepted_at, None);
    assert_eq!(d.process, other_process());

    // The new desk accepts it: it stays there.
    act(&mut d, Action::Accept, "2026-11-25 14:00", &desk());
    assert_eq!(d.current_agency, OTHER);
    assert_eq!(d.steps[0].agency, OTHER);
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 15:00",
        &desk(),
    );
    assert_eq!(d.current_agency, OTHER);
}

#[test]
fn a_transfer_at_the_receiving_step_restarts_the_new_process() {
    let mut d = accepted();
    let legal = d.due.legal;
    let at = t("2026-11-25 11:00");
    act(
        &mut d,
        Action::Transfer {
            agency: OTHER.to_owned(),
            reason: reason("Thuộc thẩm quyền xã khác"),
            process: other_process(),
        },
        "2026-11-25 11:00",
        &desk(),
    );
    assert_eq!(d.status, Status::Processing);
    assert_eq!(d.process, other_process());
    assert_eq!(d.step, 0);
    assert_eq!(d.national_status(), 2);
    assert_eq!(d.competent_agency, OTHER);
    assert_eq!(d.current_agency, OTHER);
    assert_eq!(d.steps.len(), 2);
    assert_eq!(d.steps[0].agency, HOME);
    assert_eq!(d.steps[0].finished_at, Some(at));
    assert_eq!(d.steps[0].handed_by, Some(desk()));
    assert_eq!(d.steps[1].step, 0);
    assert_eq!(d.steps[1].agency, OTHER);
    assert_eq!(d.steps[1].started_at, at);
    assert_eq!(
        d.due.legal, legal,
        "a transfer does not restart the legal clock"
    );

    // To where it already is.
    let e = refused(
        &mut d,
        Action::Transfer {
            agency: OTHER.to_owned(),
            reason: reason("x"),
            process: other_process(),
        },
        "2026-11-25 13:00",
        &desk(),
    );
    assert_eq!(invalid_field(e), "agency");
    let e = refused(
        &mut d,
        Action::Transfer {
            agency: HOME.to_owned(),
            reason: String::new(),
            process: submitted().process,
        },
        "2026-11-25 13:00",
        &desk(),
    );
    assert_eq!(invalid_field(e), "reason");

    // Not once the competent agency handles it.
    let mut d = at_handle();
    assert!(matches!(
        refused(
            &mut d,
            Action::Transfer {
                agency: OTHER.to_owned(),
                reason: reason("x"),
                process: other_process()
            },
            "2026-11-26 09:00",
            &desk()
        ),
        TransitionError::NotAllowed {
            action: A::Transfer,
            ..
        }
    ));
}

#[test]
fn a_transfer_does_not_bring_back_the_old_agencys_handler() {
    // Handled by A at bn.x07210, sent back to the desk, transferred: A has nothing to do with
    // the new agency's handling step.
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
        Action::SendBack {
            to_step: 0,
            reason: reason("Không thuộc thẩm quyền"),
        },
        "2026-11-25 14:00",
        &officer_a(),
    );
    act(
        &mut d,
        Action::Transfer {
            agency: OTHER.to_owned(),
            reason: reason("Thuộc thẩm quyền xã khác"),
            process: other_process(),
        },
        "2026-11-25 15:00",
        &desk(),
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 16:00",
        &desk(),
    );
    assert_eq!(d.current_agency, OTHER);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Handle);
    assert_eq!(d.assignee, None);
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-26 09:00",
        &officer_b(),
    );
    assert_eq!(d.step, 2);
}
