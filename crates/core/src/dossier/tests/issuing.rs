//! State machine tests: issuing.

use super::*;

#[test]
fn a_result_cannot_be_signed_in_the_future() {
    let mut d = at_issue();
    let issue = |number: &str, signed_on| Action::IssueResult {
        number: number.to_owned(),
        signed_on,
        file: None,
        signer: None,
    };
    let e = refused(
        &mut d,
        issue("125/GKS", date(2026, 11, 28)),
        "2026-11-27 15:00",
        &clerk(),
    );
    assert_eq!(invalid_field(e), "signed_on");
    // Late evening in Vietnam is still the 27th there (the 27th in UTC too): refused.
    let e = refused(
        &mut d,
        issue("125/GKS", date(2026, 11, 28)),
        "2026-11-27 23:59",
        &clerk(),
    );
    assert_eq!(invalid_field(e), "signed_on");
    let e = refused(
        &mut d,
        issue("  ", date(2026, 11, 27)),
        "2026-11-27 15:00",
        &clerk(),
    );
    assert_eq!(invalid_field(e), "number");

    // Just after midnight in Vietnam (still the 27th in UTC) the 28th is today.
    let mut late = d.clone();
    act(
        &mut late,
        issue("126/GKS", date(2026, 11, 28)),
        "2026-11-28 00:30",
        &clerk(),
    );
    assert_eq!(late.status, Status::Done);
    // A date in the past is fine.
    act(
        &mut d,
        issue("125/GKS", date(2026, 11, 20)),
        "2026-11-27 15:00",
        &clerk(),
    );
    assert_eq!(d.status, Status::Done);
}
