//! State machine tests: the handling step and its assignee.

use super::*;

#[test]
fn only_the_assignee_works_on_an_assigned_dossier() {
    let mut d = at_handle();
    act(
        &mut d,
        Action::Assign {
            assignee: officer_a(),
        },
        "2026-11-25 13:30",
        &leader(),
    );
    let b = officer_b();
    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-25 14:00",
            &b
        ),
        TransitionError::NotAssignee
    );
    assert_eq!(
        refused(
            &mut d,
            Action::Consult {
                agency: STP.to_owned(),
                question: "?".to_owned(),
                days: 1.0
            },
            "2026-11-25 14:00",
            &b
        ),
        TransitionError::NotAssignee
    );
    assert_eq!(
        refused(
            &mut d,
            Action::RequestSupplement {
                items: supplement_items()
            },
            "2026-11-25 14:00",
            &b
        ),
        TransitionError::NotAssignee
    );

    // The assignee can.
    let mut by_a = d.clone();
    act(
        &mut by_a,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 14:00",
        &officer_a(),
    );
    assert_eq!(by_a.status, Status::AwaitingSupplement);
    let mut by_a = d.clone();
    act(
        &mut by_a,
        Action::Consult {
            agency: STP.to_owned(),
            question: "?".to_owned(),
            days: 1.0,
        },
        "2026-11-25 14:00",
        &officer_a(),
    );
    assert_eq!(by_a.consultations.len(), 1);
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 14:00",
        &officer_a(),
    );
    assert_eq!(d.step, 2);

    // The leader may re-assign at any time.
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
        Action::Assign {
            assignee: officer_b(),
        },
        "2026-11-25 13:40",
        &leader(),
    );
    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-25 14:00",
            &officer_a()
        ),
        TransitionError::NotAssignee
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 14:00",
        &b,
    );
    assert_eq!(d.steps[1].handed_by, Some(b));
}

#[test]
fn anyone_may_work_on_an_unassigned_dossier() {
    let mut d = at_handle();
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 14:00",
        &officer_b(),
    );
    assert_eq!(d.step, 2);
    assert_eq!(d.steps[1].handed_by, Some(officer_b()));

    let mut d = at_handle();
    act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 14:00",
        &officer_b(),
    );
    assert_eq!(d.status, Status::AwaitingSupplement);
}

#[test]
fn the_assignee_does_not_bind_the_receiving_step() {
    // An assignee is about handling: at the desk any receiving officer forwards.
    let mut d = accepted();
    d.assignee = Some(officer_a());
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    assert_eq!(d.step, 1);
}
