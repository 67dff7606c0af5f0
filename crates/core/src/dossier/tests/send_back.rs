//! State machine tests: sending back.

use super::*;

#[test]
fn sending_back_restores_the_previous_handler() {
    let mut d = at_approve();
    assert_eq!(d.assignee, None);
    let back = t("2026-11-27 09:00");
    let applied = act(
        &mut d,
        Action::SendBack {
            to_step: 1,
            reason: reason("Thiếu thông tin người cha"),
        },
        "2026-11-27 09:00",
        &leader(),
    );
    assert!(!applied.notify_applicant);
    assert_eq!(
        applied.summary,
        "Trả lại bước \"Thẩm định, xử lý hồ sơ\": Thiếu thông tin người cha"
    );
    assert_eq!(d.step, 1);
    assert_eq!(d.national_status(), 4);
    assert_eq!(d.assignee, Some(officer_a()));
    assert_eq!(d.steps.len(), 4);
    assert_eq!(d.steps[2].finished_at, Some(back));
    assert_eq!(d.steps[2].handed_by, Some(leader()));
    assert_eq!(d.steps[3].step, 1);
    assert_eq!(d.steps[3].started_at, back);
    assert_eq!(d.steps[3].finished_at, None);
    // The restored handler is the assignee again.
    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-27 10:00",
            &officer_b()
        ),
        TransitionError::NotAssignee
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-27 10:00",
        &officer_a(),
    );
    assert_eq!(d.step, 2);
    assert_eq!(d.steps[3].handed_by, Some(officer_a()));
}

#[test]
fn sending_back_goes_to_an_earlier_step_only() {
    let mut d = at_approve();
    for to_step in [2, 3, 99] {
        let e = refused(
            &mut d,
            Action::SendBack {
                to_step,
                reason: reason("Sai"),
            },
            "2026-11-27 09:00",
            &leader(),
        );
        assert_eq!(invalid_field(e), "to_step", "{to_step}");
    }
    let e = refused(
        &mut d,
        Action::SendBack {
            to_step: 1,
            reason: String::new(),
        },
        "2026-11-27 09:00",
        &leader(),
    );
    assert_eq!(invalid_field(e), "reason");

    // Not from the first step.
    let mut d = accepted();
    assert!(matches!(
        refused(
            &mut d,
            Action::SendBack {
                to_step: 0,
                reason: reason("Sai")
            },
            "2026-11-25 11:00",
            &desk()
        ),
        TransitionError::NotAllowed {
            action: A::SendBack,
            ..
        }
    ));

    // From the issue step back to the receiving desk: nobody is assigned there.
    let mut d = at_issue();
    act(
        &mut d,
        Action::SendBack {
            to_step: 0,
            reason: reason("Thiếu tờ khai"),
        },
        "2026-11-27 10:00",
        &clerk(),
    );
    assert_eq!(d.step, 0);
    assert_eq!(d.national_status(), 2);
    assert_eq!(d.assignee, None);
    assert!(allowed(&d).contains(&A::Transfer));
}
