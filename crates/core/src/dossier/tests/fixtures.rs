//! State machine tests: fixtures.

use super::*;

#[test]
fn the_2026_official_calendar_is_embedded_and_used() {
    let years = official_years().unwrap();
    let y2026 = years.iter().find(|y| y.year == 2026).expect("2026 shipped");
    // Tết Bính Ngọ, confirmed by Thông báo 9441/TB-BNV.
    let tet = y2026.entry(date(2026, 2, 16)).unwrap();
    assert_eq!(tet.kind, DayKind::Holiday);
    assert_eq!(tet.status, EntryStatus::Confirmed);
    // The standard calendar compiles that year, not the computed defaults.
    assert_eq!(CAL.year(2026), Some(y2026));
    assert!(!CAL.is_working_day(date(2026, 2, 16)).unwrap());
    // The make-up Saturday 10/1/2026 is a working day.
    assert!(CAL.is_working_day(date(2026, 1, 10)).unwrap());

    assert_eq!(date(2026, 11, 25).weekday(), Weekday::Wednesday);
    assert!(CAL.is_working_day(date(2026, 11, 25)).unwrap());
}

#[test]
fn the_submitted_dossier_is_as_the_desk_sees_it() {
    let d = submitted();
    assert_eq!(d.status, Status::Submitted);
    assert_eq!(d.national_status(), 1);
    assert_eq!(d.current_step(), None, "no current step before acceptance");
    // The desk has 8 working hours: Thursday 09:00.
    assert_eq!(local(d.intake_due.unwrap()), "2026-11-26 09:00");
    assert_eq!(missing_components(&d.components), [0]);
    assert_eq!(d.process.steps.len(), 5);
    assert!(d.process.steps.iter().all(|s| s.agency == HOME));
    let allotted: Vec<f64> = d
        .process
        .steps
        .iter()
        .map(|s| s.allotted.unwrap().amount)
        .collect();
    assert_eq!(allotted, [0.5, 2.5, 1.0, 0.5, 0.5]);
    assert!(!d.is_overdue(t("2027-01-01 09:00")));
}
