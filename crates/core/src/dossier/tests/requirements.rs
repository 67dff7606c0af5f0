//! State machine tests: who may act.

use super::*;

fn need(permission: Permission, agency: &str) -> Requirement {
    Requirement {
        permission,
        agency: agency.to_owned(),
        owner_may: false,
        officials_may: true,
    }
}

#[test]
fn requirements_follow_the_state() {
    use Permission as P;
    const DESK: &str = "bn.ttpvhcc";
    let mut d = submitted_with(&ProcessTemplate::default_for(), DESK, STP);

    // Intake.
    assert_eq!(
        requirement(&d, A::Accept, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(
        requirement(&d, A::RequestSupplement, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(
        requirement(&d, A::Refuse, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(
        requirement(&d, A::Transfer, None),
        need(P::DossierTransfer, DESK)
    );
    assert_eq!(
        requirement(&d, A::Withdraw, None),
        Requirement {
            permission: P::DossierReceive,
            agency: DESK.to_owned(),
            owner_may: true,
            officials_may: true,
        }
    );
    assert_eq!(
        requirement(&d, A::Comment, None),
        need(P::DossierComment, DESK)
    );

    // Receiving step.
    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    assert_eq!(
        requirement(&d, A::Forward, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(
        requirement(&d, A::Refuse, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(
        requirement(&d, A::RequestSupplement, None),
        need(P::DossierReceive, DESK)
    );
    assert_eq!(requirement(&d, A::Stop, None), need(P::DossierApprove, STP));
    assert_eq!(
        requirement(&d, A::Apologise, None),
        need(P::DossierApprove, STP)
    );
    assert!(requirement(&d, A::Withdraw, None).owner_may);

    // Handling step at the competent agency.
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    assert_eq!(
        requirement(&d, A::Forward, None),
        need(P::DossierHandle, STP)
    );
    assert_eq!(
        requirement(&d, A::Refuse, None),
        need(P::DossierApprove, STP)
    );
    assert_eq!(
        requirement(&d, A::RequestSupplement, None),
        need(P::DossierHandle, STP)
    );
    assert_eq!(
        requirement(&d, A::Assign, None),
        need(P::DossierAssign, STP)
    );
    assert_eq!(
        requirement(&d, A::Consult, None),
        need(P::DossierHandle, STP)
    );
    assert_eq!(
        requirement(&d, A::SendBack, None),
        need(P::DossierHandle, STP)
    );
    assert_eq!(
        requirement(&d, A::Reply, Some("bn.sct")),
        need(P::DossierHandle, "bn.sct")
    );
    assert_eq!(requirement(&d, A::Reply, None), need(P::DossierHandle, STP));
    // The withdrawal request goes to the desk that received the dossier, not the unit now
    // handling it.
    let withdraw = requirement(&d, A::Withdraw, None);
    assert!(withdraw.owner_may);
    assert_eq!(withdraw.agency, d.receiving_agency);
    assert_ne!(withdraw.agency, STP);

    // Approval, issue.
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 14:00",
        &officer_a(),
    );
    assert_eq!(
        requirement(&d, A::Approve, None),
        need(P::DossierApprove, STP)
    );
    assert_eq!(
        requirement(&d, A::SendBack, None),
        need(P::DossierApprove, STP)
    );
    act(
        &mut d,
        Action::Approve { note: None },
        "2026-11-25 15:00",
        &leader(),
    );
    assert_eq!(
        requirement(&d, A::IssueResult, None),
        need(P::DossierIssueResult, STP)
    );
    assert_eq!(
        requirement(&d, A::SendBack, None),
        need(P::DossierIssueResult, STP)
    );
    act(
        &mut d,
        Action::IssueResult {
            number: "1/GKS".to_owned(),
            signed_on: date(2026, 11, 25),
            file: None,
            signer: None,
        },
        "2026-11-25 16:00",
        &clerk(),
    );
    // Returning is the desk's, deciding stays with the competent agency.
    assert_eq!(
        requirement(&d, A::ReturnResult, None),
        need(P::DossierReturnResult, DESK)
    );
    assert_eq!(
        requirement(&d, A::Refuse, None),
        need(P::DossierApprove, STP)
    );

    // A supplement before acceptance is received at the desk.
    let mut w = submitted_with(&ProcessTemplate::default_for(), DESK, STP);
    act(
        &mut w,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert_eq!(
        requirement(&w, A::SupplementReceived, None),
        need(P::DossierReceive, DESK)
    );
}

#[test]
fn only_the_applicant_rates_and_sends_a_supplement_online() {
    let d = submitted();
    for kind in [A::Rate, A::SubmitSupplement] {
        let r = requirement(&d, kind, None);
        assert!(r.owner_may && !r.officials_may, "{kind:?}");
    }
    for kind in [A::Accept, A::Withdraw, A::SupplementReceived] {
        assert!(requirement(&d, kind, None).officials_may, "{kind:?}");
    }
}
