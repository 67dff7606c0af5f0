//! State machine tests: the happy path.

use super::*;

#[test]
fn happy_path_from_submission_to_returned_result() {
    let mut d = submitted();
    let accept = t(ACCEPT_AT);

    // Accept (Form 01).
    let applied = act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    assert_eq!(applied.kind, A::Accept);
    assert!(applied.notify_applicant);
    assert_eq!(
        applied.summary,
        "Tiếp nhận hồ sơ, hẹn trả 10:00 ngày 02/12/2026"
    );
    assert_eq!(d.status, Status::Processing);
    assert_eq!(d.national_status(), 2);
    assert_eq!(d.accepted_at, Some(accept));
    assert_eq!(d.clock_events, [ClockEvent::Received { at: accept }]);
    let legal = working_days(accept, 5.0);
    assert_eq!(local(legal), "2026-12-02 10:00");
    assert_eq!(d.due.legal, Some(legal));
    // No supplement, no suspension: the KPI due is the legal one.
    assert_eq!(d.due.kpi, Some(legal));
    assert_eq!(d.step, 0);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Receive);
    assert_eq!(d.current_agency, HOME);
    assert_eq!(d.revision, 1);
    assert_eq!(d.steps.len(), 1);
    assert_eq!(
        d.steps[0],
        StepRecord {
            step: 0,
            agency: HOME.to_owned(),
            started_at: accept,
            due: Some(working_days(accept, 0.5)),
            finished_at: None,
            handed_by: None,
        }
    );
    assert!(!d.is_overdue(t("2026-12-02 10:00")));
    assert!(d.is_overdue(t("2026-12-02 10:01")));

    // Forward from the receiving step.
    let fwd = t("2026-11-25 11:00");
    let applied = act(
        &mut d,
        Action::Forward {
            note: Some("  Hồ sơ đủ  ".to_owned()),
        },
        "2026-11-25 11:00",
        &desk(),
    );
    assert!(!applied.notify_applicant);
    assert_eq!(
        applied.summary,
        "Chuyển bước \"Thẩm định, xử lý hồ sơ\": Hồ sơ đủ"
    );
    assert_eq!(d.status, Status::Processing);
    assert_eq!(d.national_status(), 4);
    assert_eq!(d.step, 1);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Handle);
    assert_eq!(d.current_agency, HOME);
    assert_eq!(d.revision, 2);
    assert_eq!(d.steps.len(), 2);
    assert_eq!(d.steps[0].finished_at, Some(fwd));
    assert_eq!(d.steps[0].handed_by, Some(desk()));
    assert_eq!(d.steps[1].step, 1);
    assert_eq!(d.steps[1].started_at, fwd);
    assert_eq!(d.steps[1].due, Some(working_days(fwd, 2.5)));
    assert_eq!(d.steps[1].finished_at, None);
    assert_eq!(d.assignee, None);

    // Assign: no step change, no step row.
    let applied = act(
        &mut d,
        Action::Assign {
            assignee: officer_a(),
        },
        "2026-11-25 13:30",
        &leader(),
    );
    assert_eq!(applied.summary, "Phân công Phạm Thị Dung xử lý");
    assert_eq!(d.assignee, Some(officer_a()));
    assert_eq!(d.step, 1);
    assert_eq!(d.steps.len(), 2);
    assert_eq!(d.revision, 3);

    // The officer forwards to approval.
    let handled = t("2026-11-26 09:00");
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(d.step, 2);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Approve);
    assert_eq!(d.national_status(), 4);
    assert_eq!(
        d.assignee, None,
        "the approval step has no handling officer"
    );
    assert_eq!(d.steps[1].finished_at, Some(handled));
    assert_eq!(d.steps[1].handed_by, Some(officer_a()));
    assert_eq!(d.steps.len(), 3);
    assert_eq!(d.revision, 4);

    // Approve.
    let approved = t("2026-11-27 09:00");
    let applied = act(
        &mut d,
        Action::Approve {
            note: Some("Đồng ý".to_owned()),
        },
        "2026-11-27 09:00",
        &leader(),
    );
    assert_eq!(applied.summary, "Phê duyệt: Đồng ý");
    assert!(!applied.notify_applicant);
    assert_eq!(d.approved_by, Some(leader()));
    assert_eq!(d.step, 3);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Issue);
    assert_eq!(d.steps[2].finished_at, Some(approved));
    assert_eq!(d.steps[2].handed_by, Some(leader()));
    assert_eq!(d.finished_at, None);
    assert_eq!(d.revision, 5);

    // Issue the result.
    let issued = t("2026-11-27 15:00");
    let applied = act(
        &mut d,
        Action::IssueResult {
            number: " 125/GKS ".to_owned(),
            signed_on: date(2026, 11, 27),
            file: Some(file("f-result")),
            signer: None,
        },
        "2026-11-27 15:00",
        &clerk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(applied.summary, "Phát hành kết quả số 125/GKS");
    assert_eq!(d.status, Status::Done);
    assert_eq!(d.national_status(), 9);
    assert_eq!(d.finished_at, Some(issued));
    assert_eq!(
        d.clock_events.last(),
        Some(&ClockEvent::Finished { at: issued })
    );
    assert_eq!(d.due.legal, Some(legal), "finishing does not move the due");
    let result = d.result.as_ref().unwrap();
    assert_eq!(result.number, "125/GKS");
    assert_eq!(result.signed_on, date(2026, 11, 27));
    assert_eq!(result.issued_at, issued);
    assert_eq!(result.issued_by, clerk());
    assert_eq!(d.step, 4);
    assert_eq!(d.current_step().unwrap().kind, StepKind::Return);
    assert_eq!(d.current_agency, HOME);
    assert_eq!(d.steps[3].finished_at, Some(issued));
    assert_eq!(d.steps[3].handed_by, Some(clerk()));
    assert_eq!(d.steps[4].started_at, issued);
    assert!(
        !d.is_overdue(t("2026-12-10 09:00")),
        "a finished dossier is never overdue"
    );
    assert_eq!(d.revision, 6);

    // Return it.
    let returned = t("2026-11-30 08:00");
    let applied = act(
        &mut d,
        Action::ReturnResult {
            method: None,
            recipient: None,
        },
        "2026-11-30 08:00",
        &desk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(d.status, Status::Returned);
    assert_eq!(d.national_status(), 10);
    assert_eq!(d.returned_at, Some(returned));
    assert_eq!(
        d.finished_at,
        Some(issued),
        "returning does not move the finish"
    );
    assert_eq!(d.revision, 7);
    assert_eq!(d.steps.len(), 5);
    assert_eq!(
        d.steps.iter().map(|s| s.step).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    assert!(d.steps.iter().all(|s| s.finished_at.is_some()));
    assert_eq!(d.steps[4].handed_by, Some(desk()));
    assert!(d.steps.iter().all(|s| s.agency == HOME));
    // Only the applicant's rating is left (and comments).
    assert_eq!(allowed(&d), [A::Comment, A::Rate]);
    assert!(d.status.is_final());

    // The aggregate survives its stored form.
    let json = serde_json::to_string(&d).unwrap();
    let back: Dossier = serde_json::from_str(&json).unwrap();
    assert_eq!(back, d);
}

#[test]
fn steps_move_between_agencies_of_the_process() {
    let mut d = submitted_with(&ProcessTemplate::default_for(), "bn.ttpvhcc", STP);
    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    assert_eq!(d.current_agency, "bn.ttpvhcc");
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    assert_eq!(d.current_agency, STP);
    assert_eq!(d.steps[1].agency, STP);
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 14:00",
        &officer_a(),
    );
    act(
        &mut d,
        Action::Approve { note: None },
        "2026-11-25 15:00",
        &leader(),
    );
    assert_eq!(d.current_agency, STP);
    act(
        &mut d,
        Action::IssueResult {
            number: "1/QĐ".to_owned(),
            signed_on: date(2026, 11, 25),
            file: None,
            signer: None,
        },
        "2026-11-25 16:00",
        &clerk(),
    );
    // Back at the desk for the return.
    assert_eq!(d.current_agency, "bn.ttpvhcc");
    assert_eq!(
        d.involved_agencies().into_iter().collect::<Vec<_>>(),
        ["bn.stp", "bn.ttpvhcc"]
    );
}
