//! State machine tests: refusal, withdrawal, stop.

use super::*;

#[test]
fn refusing_at_intake_closes_without_a_clock() {
    let mut d = submitted();
    let e = refused(
        &mut d,
        Action::Refuse {
            reason: "  ".to_owned(),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert_eq!(invalid_field(e), "reason");

    let at = t("2026-11-25 10:00");
    let applied = act(
        &mut d,
        Action::Refuse {
            reason: reason(" Không thuộc thẩm quyền giải quyết "),
        },
        "2026-11-25 10:00",
        &desk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(applied.summary, "Từ chối giải quyết hồ sơ (Mẫu 03)");
    assert_eq!(d.status, Status::Refused);
    assert_eq!(d.national_status(), 3);
    assert_eq!(
        d.closing_notice,
        Some(Notice {
            at,
            by: desk(),
            reason: "Không thuộc thẩm quyền giải quyết".to_owned(),
        })
    );
    assert_eq!(d.finished_at, Some(at));
    assert!(d.clock_events.is_empty());
    assert_eq!(d.due, Dues::default());
    assert!(d.steps.is_empty());
    assert_eq!(allowed(&d), [A::Comment]);
}

#[test]
fn refusing_during_handling_finishes_the_clock_and_the_step() {
    let mut d = at_handle();
    let at = t("2026-11-26 09:00");
    act(
        &mut d,
        Action::Refuse {
            reason: reason("Giấy chứng sinh giả mạo"),
        },
        "2026-11-26 09:00",
        &leader(),
    );
    assert_eq!(d.status, Status::Refused);
    assert_eq!(d.national_status(), 3);
    assert_eq!(d.finished_at, Some(at));
    assert_eq!(d.clock_events.last(), Some(&ClockEvent::Finished { at }));
    assert_eq!(d.steps.last().unwrap().finished_at, Some(at));
    assert_eq!(d.steps.last().unwrap().handed_by, Some(leader()));
    assert_eq!(d.closing_notice.as_ref().unwrap().by, leader());
}

#[test]
fn withdrawing_and_stopping_close_the_dossier() {
    // Withdrawn at the owner's request, before acceptance.
    let mut d = submitted();
    act(
        &mut d,
        Action::Withdraw {
            reason: reason("Nộp nhầm thủ tục"),
        },
        "2026-11-25 09:30",
        &person("u-citizen", "Nguyễn Văn An"),
    );
    assert_eq!(d.status, Status::Withdrawn);
    assert_eq!(d.national_status(), 7);
    assert_eq!(d.finished_at, Some(t("2026-11-25 09:30")));
    assert_eq!(
        d.closing_notice.as_ref().unwrap().reason,
        "Nộp nhầm thủ tục"
    );
    assert!(d.clock_events.is_empty());

    // Withdrawn while approved work waits for signature.
    let mut d = at_approve();
    let at = t("2026-11-26 10:00");
    let applied = act(
        &mut d,
        Action::Withdraw {
            reason: reason("Không còn nhu cầu"),
        },
        "2026-11-26 10:00",
        &desk(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(d.status, Status::Withdrawn);
    assert_eq!(d.finished_at, Some(at));
    assert_eq!(d.clock_events.last(), Some(&ClockEvent::Finished { at }));
    assert_eq!(d.steps.last().unwrap().finished_at, Some(at));

    // Stopped while waiting for the applicant.
    let mut d = accepted();
    act(
        &mut d,
        Action::RequestSupplement {
            items: supplement_items(),
        },
        "2026-11-26 09:00",
        &desk(),
    );
    let at = t("2026-12-28 09:00");
    let applied = act(
        &mut d,
        Action::Stop {
            reason: reason("Quá hạn bổ sung"),
        },
        "2026-12-28 09:00",
        &leader(),
    );
    assert!(applied.notify_applicant);
    assert_eq!(applied.summary, "Dừng xử lý hồ sơ");
    assert_eq!(d.status, Status::Stopped);
    assert_eq!(d.national_status(), 8);
    assert_eq!(d.finished_at, Some(at));
    assert_eq!(
        d.closing_notice,
        Some(Notice {
            at,
            by: leader(),
            reason: "Quá hạn bổ sung".to_owned(),
        })
    );
    assert_eq!(d.clock_events.last(), Some(&ClockEvent::Finished { at }));
    assert_eq!(d.due.legal, None, "the legal clock stopped at the request");
    assert_eq!(allowed(&d), [A::Comment]);

    // Stopped during handling.
    let mut d = at_handle();
    act(
        &mut d,
        Action::Stop {
            reason: reason("Người yêu cầu qua đời"),
        },
        "2026-11-26 09:00",
        &leader(),
    );
    assert_eq!(d.status, Status::Stopped);
    assert_eq!(
        d.steps.last().unwrap().finished_at,
        Some(t("2026-11-26 09:00"))
    );
    assert!(d.status.is_final());
}
