//! State machine tests: allowed() and NotAllowed.

use super::*;

#[test]
fn allowed_actions_in_each_state() {
    let mut d = submitted();
    assert_eq!(
        allowed(&d),
        set(&[
            A::Accept,
            A::RequestSupplement,
            A::Refuse,
            A::Transfer,
            A::Withdraw,
            A::Comment
        ])
    );

    let mut waiting = submitted();
    act(
        &mut waiting,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert_eq!(
        allowed(&waiting),
        set(&[
            A::SubmitSupplement,
            A::SupplementReceived,
            A::Withdraw,
            A::Comment
        ]),
        "no stop before acceptance; the online applicant may send the supplement"
    );

    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    assert_eq!(
        allowed(&d),
        set(&[
            A::Forward,
            A::RequestSupplement,
            A::Refuse,
            A::Transfer,
            A::Withdraw,
            A::Stop,
            A::Apologise,
            A::Comment,
        ]),
        "receiving step: no send back from the first step"
    );

    let mut handle = at_handle();
    let handle_set = [
        A::Assign,
        A::Forward,
        A::RequestSupplement,
        A::Consult,
        A::SendBack,
        A::Refuse,
        A::Withdraw,
        A::Stop,
        A::Apologise,
        A::Comment,
    ];
    assert_eq!(allowed(&handle), set(&handle_set));
    act(
        &mut handle,
        Action::Consult {
            agency: STP.to_owned(),
            question: "Xin ý kiến về giấy chứng sinh".to_owned(),
            days: 2.0,
        },
        "2026-11-25 14:00",
        &officer_a(),
    );
    let mut with_reply = handle_set.to_vec();
    with_reply.push(A::Reply);
    assert_eq!(allowed(&handle), set(&with_reply));

    let approve_set = [
        A::Approve,
        A::SendBack,
        A::Refuse,
        A::Withdraw,
        A::Stop,
        A::Apologise,
        A::Comment,
    ];
    assert_eq!(allowed(&at_approve()), set(&approve_set));

    let mut issue = at_issue();
    assert_eq!(
        allowed(&issue),
        set(&[
            A::IssueResult,
            A::SendBack,
            A::Refuse,
            A::Withdraw,
            A::Stop,
            A::Apologise,
            A::Comment,
        ])
    );

    let mut awaiting = at_handle();
    act(
        &mut awaiting,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(
        allowed(&awaiting),
        set(&[
            A::SubmitSupplement,
            A::SupplementReceived,
            A::Withdraw,
            A::Stop,
            A::Comment
        ])
    );

    act(
        &mut issue,
        Action::IssueResult {
            number: "125/GKS".to_owned(),
            signed_on: date(2026, 11, 27),
            file: None,
            signer: None,
        },
        "2026-11-27 15:00",
        &clerk(),
    );
    assert_eq!(allowed(&issue), set(&[A::ReturnResult, A::Comment]));

    for status in [
        Status::Refused,
        Status::Returned,
        Status::Withdrawn,
        Status::Stopped,
    ] {
        let mut closed = accepted();
        closed.status = status;
        // The owner of a returned dossier may rate the service; nothing else is left.
        let expected: &[A] = if status == Status::Returned {
            &[A::Comment, A::Rate]
        } else {
            &[A::Comment]
        };
        assert_eq!(allowed(&closed), expected, "{status:?}");
        closed.owner_id = None;
        assert_eq!(allowed(&closed), [A::Comment], "{status:?} at the desk");
    }
}

#[test]
fn a_disallowed_action_is_refused_and_changes_nothing() {
    let mut d = submitted();
    let e = refused(&mut d, Action::Approve { note: None }, ACCEPT_AT, &leader());
    assert_eq!(
        e,
        TransitionError::NotAllowed {
            action: A::Approve,
            status: Status::Submitted,
            allowed: set(&[
                A::Accept,
                A::RequestSupplement,
                A::Refuse,
                A::Transfer,
                A::Withdraw,
                A::Comment,
            ]),
        }
    );
    assert_eq!(
        e.to_string(),
        "không thể phê duyệt, ký khi hồ sơ ở trạng thái \"Chờ tiếp nhận\""
    );

    // Each step only completes with its own action.
    let mut d = at_handle();
    assert!(matches!(
        refused(
            &mut d,
            Action::Approve { note: None },
            "2026-11-26 09:00",
            &leader()
        ),
        TransitionError::NotAllowed {
            action: A::Approve,
            status: Status::Processing,
            ..
        }
    ));
    let mut d = at_approve();
    assert!(matches!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-27 09:00",
            &leader()
        ),
        TransitionError::NotAllowed {
            action: A::Forward,
            ..
        }
    ));
    assert!(matches!(
        refused(&mut d, Action::Accept, "2026-11-27 09:00", &desk()),
        TransitionError::NotAllowed {
            action: A::Accept,
            ..
        }
    ));
    assert!(matches!(
        refused(
            &mut d,
            Action::ReturnResult {
                method: None,
                recipient: None
            },
            "2026-11-27 09:00",
            &desk()
        ),
        TransitionError::NotAllowed {
            action: A::ReturnResult,
            ..
        }
    ));

    // A closed dossier takes comments only.
    let mut d = accepted();
    act(
        &mut d,
        Action::Withdraw {
            reason: reason("Không còn nhu cầu"),
        },
        "2026-11-25 11:00",
        &desk(),
    );
    for action in [
        Action::Accept,
        Action::Forward { note: None },
        Action::Stop {
            reason: reason("x"),
        },
        Action::Withdraw {
            reason: reason("x"),
        },
    ] {
        let kind = action.kind();
        let e = refused(&mut d, action, "2026-11-25 14:00", &desk());
        assert_eq!(
            e,
            TransitionError::NotAllowed {
                action: kind,
                status: Status::Withdrawn,
                allowed: vec![A::Comment],
            }
        );
    }
    let rev = d.revision;
    let applied = act(
        &mut d,
        Action::Comment {
            text: "Lưu hồ sơ".to_owned(),
            public: false,
        },
        "2026-11-25 14:00",
        &desk(),
    );
    assert_eq!(applied.summary, "Ý kiến: Lưu hồ sơ");
    assert!(!applied.notify_applicant);
    assert_eq!(d.revision, rev + 1);
    assert_eq!(d.status, Status::Withdrawn);
}

#[test]
fn an_invalid_field_in_an_allowed_action_changes_nothing() {
    let mut d = at_handle();
    assert_eq!(
        invalid_field(refused(
            &mut d,
            Action::Comment {
                text: " \n ".to_owned(),
                public: false,
            },
            "2026-11-26 09:00",
            &desk()
        )),
        "text"
    );
    assert_eq!(
        invalid_field(refused(
            &mut d,
            Action::Stop {
                reason: String::new()
            },
            "2026-11-26 09:00",
            &leader()
        )),
        "reason"
    );
    assert_eq!(
        invalid_field(refused(
            &mut d,
            Action::Withdraw {
                reason: "x".repeat(2001)
            },
            "2026-11-26 09:00",
            &desk()
        )),
        "reason"
    );
}

#[test]
fn action_kinds_and_statuses_round_trip() {
    for k in ActionKind::ALL {
        assert_eq!(ActionKind::parse(k.as_str()), Some(k));
    }
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
    assert_eq!(ActionKind::parse("approve_all"), None);
    assert_eq!(Status::parse("Done"), None);
}
