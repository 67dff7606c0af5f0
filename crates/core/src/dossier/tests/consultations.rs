//! State machine tests: consultations and parallel tasks.

use super::*;

#[test]
fn consultations_are_asked_and_answered() {
    let mut d = at_handle();
    let asked = t("2026-11-26 09:00");
    let applied = act(
        &mut d,
        Action::Consult {
            agency: STP.to_owned(),
            question: "  Xin ý kiến về quốc tịch của người mẹ  ".to_owned(),
            days: 2.0,
        },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(applied.summary, "Xin ý kiến bn.stp");
    assert_eq!(d.step, 1, "consulting does not move the dossier");
    assert_eq!(d.current_agency, HOME);
    let c = &d.consultations[0];
    assert_eq!(c.id, 1);
    assert_eq!(c.agency, STP);
    assert_eq!(c.question, "Xin ý kiến về quốc tịch của người mẹ");
    assert_eq!(c.asked_by, Some(officer_a()));
    assert_eq!(c.asked_at, asked);
    assert_eq!(c.due, Some(working_days(asked, 2.0)));
    assert_eq!(local(c.due.unwrap()), "2026-11-30 09:00");
    assert!(!c.task);
    assert_eq!(c.step, 1);
    assert!(d.involved_agencies().contains(STP));

    act(
        &mut d,
        Action::Consult {
            agency: "bn.sct".to_owned(),
            question: "Câu hỏi thứ hai".to_owned(),
            days: 0.5,
        },
        "2026-11-26 09:30",
        &officer_a(),
    );
    assert_eq!(d.consultations[1].id, 2);
    assert_eq!(d.open_consultations().count(), 2);

    // Unknown number.
    let e = refused(
        &mut d,
        Action::Reply {
            consultation: 99,
            answer: "Đồng ý".to_owned(),
        },
        "2026-11-27 09:00",
        &stp_officer(),
    );
    assert_eq!(invalid_field(e), "consultation");
    // Empty answer.
    let e = refused(
        &mut d,
        Action::Reply {
            consultation: 1,
            answer: "   ".to_owned(),
        },
        "2026-11-27 09:00",
        &stp_officer(),
    );
    assert_eq!(invalid_field(e), "answer");

    let applied = act(
        &mut d,
        Action::Reply {
            consultation: 1,
            answer: "Người mẹ có quốc tịch Việt Nam".to_owned(),
        },
        "2026-11-27 09:00",
        &stp_officer(),
    );
    assert_eq!(applied.summary, "bn.stp trả lời xin ý kiến số 1");
    let answer = d.consultations[0].answer.as_ref().unwrap();
    assert_eq!(answer.text, "Người mẹ có quốc tịch Việt Nam");
    assert_eq!(answer.by, stp_officer());
    assert_eq!(answer.at, t("2026-11-27 09:00"));
    assert_eq!(
        d.open_consultations().map(|c| c.id).collect::<Vec<_>>(),
        [2]
    );
    // An answered consultation is closed: a second answer is refused.
    let e = refused(
        &mut d,
        Action::Reply {
            consultation: 1,
            answer: "Sửa lại".to_owned(),
        },
        "2026-11-27 10:00",
        &stp_officer(),
    );
    assert_eq!(invalid_field(e), "consultation");

    act(
        &mut d,
        Action::Reply {
            consultation: 2,
            answer: "Không có ý kiến".to_owned(),
        },
        "2026-11-27 10:00",
        &officer_b(),
    );
    assert_eq!(d.open_consultations().count(), 0);
    assert!(!allowed(&d).contains(&A::Reply));
    assert!(matches!(
        refused(
            &mut d,
            Action::Reply {
                consultation: 2,
                answer: "Lần nữa".to_owned()
            },
            "2026-11-27 11:00",
            &officer_b()
        ),
        TransitionError::NotAllowed {
            action: A::Reply,
            ..
        }
    ));
    // Plain consultations do not hold the step.
    let mut open = at_handle();
    act(
        &mut open,
        Action::Consult {
            agency: STP.to_owned(),
            question: "?".to_owned(),
            days: 1.0,
        },
        "2026-11-26 09:00",
        &officer_a(),
    );
    act(
        &mut open,
        Action::Forward { note: None },
        "2026-11-26 10:00",
        &officer_a(),
    );
    assert_eq!(open.step, 2);
}

#[test]
fn a_consultation_needs_another_agency_a_question_and_a_sane_delay() {
    let mut d = at_handle();
    let consult = |agency: &str, question: &str, days: f64| Action::Consult {
        agency: agency.to_owned(),
        question: question.to_owned(),
        days,
    };
    let at = "2026-11-26 09:00";
    let a = officer_a();
    assert_eq!(
        invalid_field(refused(&mut d, consult(HOME, "?", 1.0), at, &a)),
        "agency"
    );
    assert_eq!(
        invalid_field(refused(&mut d, consult(STP, " ", 1.0), at, &a)),
        "question"
    );
    for days in [0.0, -1.0, 30.5, f64::NAN, f64::INFINITY] {
        assert_eq!(
            invalid_field(refused(&mut d, consult(STP, "?", days), at, &a)),
            "days",
            "{days}"
        );
    }
    act(&mut d, consult(STP, "?", 30.0), at, &a);
}

fn parallel_template() -> ProcessTemplate {
    let mut t = ProcessTemplate::default_for();
    t.steps[1].parallel = vec![STP.to_owned()];
    t.validate().unwrap();
    t
}

#[test]
fn a_parallel_step_waits_for_its_tasks() {
    let mut d = submitted_with(&parallel_template(), HOME, HOME);
    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    assert!(
        d.consultations.is_empty(),
        "no task before the parallel step"
    );
    let entered = t("2026-11-25 11:00");
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    assert_eq!(d.consultations.len(), 1);
    let task = &d.consultations[0];
    assert_eq!(task.id, 1);
    assert_eq!(task.agency, STP);
    assert!(task.task);
    assert_eq!(task.step, 1);
    assert_eq!(task.asked_by, None);
    assert_eq!(task.asked_at, entered);
    assert_eq!(task.due, d.steps[1].due, "a task has its step's deadline");
    assert_eq!(task.due, Some(working_days(entered, 2.5)));
    assert_eq!(task.question, "Phối hợp giải quyết: Thẩm định, xử lý hồ sơ");
    assert!(allowed(&d).contains(&A::Reply));

    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-26 09:00",
            &officer_a()
        ),
        TransitionError::OpenTasks(1)
    );
    // The lead's own consultation does not count as a task.
    act(
        &mut d,
        Action::Consult {
            agency: "bn.sct".to_owned(),
            question: "?".to_owned(),
            days: 1.0,
        },
        "2026-11-26 09:00",
        &officer_a(),
    );
    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-26 09:10",
            &officer_a()
        ),
        TransitionError::OpenTasks(1)
    );

    act(
        &mut d,
        Action::Reply {
            consultation: 1,
            answer: "Đã thẩm định phần việc của Sở".to_owned(),
        },
        "2026-11-26 10:00",
        &stp_officer(),
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-26 11:00",
        &officer_a(),
    );
    assert_eq!(d.step, 2);
    assert_eq!(
        d.consultations.len(),
        2,
        "no task on a step without parallel agencies"
    );
}

#[test]
fn re_entering_a_parallel_step_opens_new_tasks() {
    let mut d = submitted_with(&parallel_template(), HOME, HOME);
    act(&mut d, Action::Accept, ACCEPT_AT, &desk());
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 11:00",
        &desk(),
    );
    act(
        &mut d,
        Action::Reply {
            consultation: 1,
            answer: "Xong".to_owned(),
        },
        "2026-11-25 14:00",
        &stp_officer(),
    );
    act(
        &mut d,
        Action::Forward { note: None },
        "2026-11-25 15:00",
        &officer_a(),
    );
    act(
        &mut d,
        Action::SendBack {
            to_step: 1,
            reason: reason("Thẩm định lại"),
        },
        "2026-11-26 09:00",
        &leader(),
    );
    assert_eq!(d.consultations.len(), 2);
    assert_eq!(d.consultations[1].id, 2);
    assert!(d.consultations[1].task);
    assert_eq!(
        refused(
            &mut d,
            Action::Forward { note: None },
            "2026-11-26 10:00",
            &officer_a()
        ),
        TransitionError::OpenTasks(1)
    );
}
