use jiff::civil::{Date, date};
use motcua_core::calendar::{
    CalendarEntry, DayKind, EntryStatus, Interval, OfficeHours, YearCalendar, official_years,
};
use motcua_store::{CalendarStore, ChangeMeta, ChangeWhat, Db, MetaStore};

use crate::{at, contract};

const GENERATION: &str = "calendar_generation";

fn meta(by: &str, when: &str) -> ChangeMeta {
    ChangeMeta {
        by: by.into(),
        at: at(when),
        note: format!("ghi chú của {by}"),
    }
}

fn entry(d: Date, kind: DayKind, occasion: &str) -> CalendarEntry {
    CalendarEntry {
        date: d,
        kind,
        occasion: occasion.into(),
        status: EntryStatus::Confirmed,
        replaces: None,
        source: "Thông báo 1/TB-TEST".into(),
        note: String::new(),
    }
}

fn year_of(entries: Vec<CalendarEntry>) -> YearCalendar {
    YearCalendar {
        year: entries[0].date.year(),
        entries,
    }
}

/// Seeding stores the shipped years once, never overwrites, and is recorded.
async fn seeding_adds_only_missing_years(db: &Db) {
    assert!(db.calendar_years().await.unwrap().is_empty());
    assert_eq!(db.generation(GENERATION).await.unwrap(), 0);
    let shipped = official_years().unwrap();

    // An administrator imported 2026 before the first seeding: it must survive.
    let own_2026 = year_of(vec![entry(
        date(2026, 1, 1),
        DayKind::Holiday,
        "Tết Dương lịch",
    )]);
    db.replace_calendar_years(
        std::slice::from_ref(&own_2026),
        &meta("alice", "2026-01-02T08:00:00+07:00"),
    )
    .await
    .unwrap();

    let added = db
        .add_missing_calendar_years(&shipped, &meta("motcua", "2026-01-03T08:00:00+07:00"))
        .await
        .unwrap();
    assert_eq!(added, (2020..=2025).collect::<Vec<_>>());
    let stored = db.calendar_years().await.unwrap();
    assert_eq!(stored.len(), 7);
    for (s, shipped) in stored.iter().zip(&shipped) {
        if s.calendar.year == 2026 {
            assert_eq!(s.calendar, own_2026);
            assert_eq!(s.updated_by, "alice");
        } else {
            assert_eq!(&s.calendar, shipped, "{}", s.calendar.year);
            assert_eq!(s.updated_by, "motcua");
            assert_eq!(s.updated_at, at("2026-01-03T08:00:00+07:00"));
        }
    }
    let generation = db.generation(GENERATION).await.unwrap();
    assert_eq!(generation, 2);

    // Seeding again (every start does) changes nothing and leaves no trace.
    let again = db
        .add_missing_calendar_years(&shipped, &meta("motcua", "2026-01-04T08:00:00+07:00"))
        .await
        .unwrap();
    assert!(again.is_empty());
    assert_eq!(db.generation(GENERATION).await.unwrap(), generation);
    let log = db.calendar_changes(10).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].by, "motcua");
    assert_eq!(log[0].years, (2020..=2025).collect::<Vec<_>>());
    let shipped_days: usize = shipped
        .iter()
        .filter(|y| y.year != 2026)
        .map(|y| y.entries.len())
        .sum();
    assert_eq!(log[0].added as usize, shipped_days);
}
contract!(seeding_adds_only_missing_years);

/// Replacing a year replaces it whole, reports the difference and logs it; the same data
/// again writes nothing.
async fn replacing_a_year_reports_and_logs_the_difference(db: &Db) {
    let y2027 = year_of(vec![
        entry(date(2027, 1, 1), DayKind::Holiday, "Tết Dương lịch"),
        entry(
            date(2027, 2, 5),
            DayKind::Holiday,
            "Tết Nguyên đán Đinh Mùi",
        ),
        entry(
            date(2027, 2, 8),
            DayKind::Holiday,
            "Tết Nguyên đán Đinh Mùi",
        ),
    ]);
    let y2028 = year_of(vec![entry(
        date(2028, 1, 1),
        DayKind::WeekendInBreak,
        "Tết Dương lịch",
    )]);
    let diff = db
        .replace_calendar_years(
            &[y2027.clone(), y2028.clone()],
            &meta("alice", "2026-10-20T09:00:00+07:00"),
        )
        .await
        .unwrap();
    assert_eq!((diff.added(), diff.removed(), diff.changed()), (4, 0, 0));
    let g1 = db.generation(GENERATION).await.unwrap();
    assert_eq!(g1, 1);

    // The notice moves a day, changes a name, drops one: only 2027 is in the import.
    let mut swap = entry(
        date(2027, 2, 12),
        DayKind::SwappedDayOff,
        "Tết Nguyên đán Đinh Mùi",
    );
    swap.replaces = Some(date(2027, 2, 20));
    let mut make_up = entry(
        date(2027, 2, 20),
        DayKind::MakeUpWorkday,
        "Tết Nguyên đán Đinh Mùi",
    );
    make_up.replaces = Some(date(2027, 2, 12));
    let mut renamed = entry(date(2027, 2, 5), DayKind::Holiday, "Tết Đinh Mùi");
    renamed.status = EntryStatus::Reported;
    let y2027b = year_of(vec![
        entry(date(2027, 1, 1), DayKind::Holiday, "Tết Dương lịch"),
        renamed,
        swap,
        make_up,
    ]);
    let diff = db
        .replace_calendar_years(
            std::slice::from_ref(&y2027b),
            &meta("bob", "2026-11-02T09:00:00+07:00"),
        )
        .await
        .unwrap();
    let signs: Vec<(Date, char)> = diff.changes.iter().map(|c| (c.date, c.sign())).collect();
    assert_eq!(
        signs,
        [
            (date(2027, 2, 5), '~'),
            (date(2027, 2, 8), '-'),
            (date(2027, 2, 12), '+'),
            (date(2027, 2, 20), '+'),
        ]
    );
    let stored = db.calendar_years().await.unwrap();
    assert_eq!(stored[0].calendar, y2027b);
    assert_eq!(stored[0].updated_by, "bob");
    assert_eq!(
        stored[1].calendar, y2028,
        "a year not imported is untouched"
    );
    assert_eq!(stored[1].updated_by, "alice");
    assert!(db.generation(GENERATION).await.unwrap() > g1);

    let log = db.calendar_changes(10).await.unwrap();
    assert_eq!(log.len(), 2);
    let last = &log[0];
    assert_eq!(last.by, "bob");
    assert_eq!(last.at, at("2026-11-02T09:00:00+07:00"));
    assert_eq!(last.note, "ghi chú của bob");
    assert_eq!(last.agency_id, None);
    assert_eq!(last.what, ChangeWhat::Days);
    assert_eq!(last.years, vec![2027]);
    assert_eq!((last.added, last.removed, last.changed), (2, 1, 1));
    assert_eq!(last.details["changes"][0]["date"], "2027-02-05");
    assert_eq!(last.details["changes"][0]["before"]["status"], "confirmed");
    assert_eq!(last.details["changes"][0]["after"]["status"], "reported");
    assert!(last.id > log[1].id);
    assert_eq!(db.calendar_changes(1).await.unwrap().len(), 1);

    // Re-importing the same data: nothing written, no log entry, no reload.
    let g2 = db.generation(GENERATION).await.unwrap();
    let diff = db
        .replace_calendar_years(
            std::slice::from_ref(&y2027b),
            &meta("carol", "2026-11-03T09:00:00+07:00"),
        )
        .await
        .unwrap();
    assert!(diff.is_empty());
    assert_eq!(db.generation(GENERATION).await.unwrap(), g2);
    assert_eq!(db.calendar_changes(10).await.unwrap().len(), 2);
    assert_eq!(db.calendar_years().await.unwrap()[0].updated_by, "bob");

    // An entry outside the year it is filed under is refused before anything is written.
    let wrong = YearCalendar {
        year: 2029,
        entries: vec![entry(date(2030, 1, 1), DayKind::Holiday, "X")],
    };
    assert!(
        db.replace_calendar_years(&[wrong], &meta("eve", "2026-11-04T09:00:00+07:00"))
            .await
            .is_err()
    );
    assert_eq!(db.calendar_years().await.unwrap().len(), 2);
}
contract!(replacing_a_year_reports_and_logs_the_difference);

/// Agency overrides are per agency and per year.
async fn agency_overrides_replace_per_agency_and_year(db: &Db) {
    let m = meta("alice", "2026-03-01T09:00:00+07:00");
    let closed = entry(date(2026, 3, 13), DayKind::Holiday, "Ngày truyền thống");
    let mut open = entry(date(2026, 2, 20), DayKind::MakeUpWorkday, "Trực Tết");
    open.note = "Bộ phận một cửa làm việc".into();
    let next_year = entry(date(2027, 3, 12), DayKind::Holiday, "Ngày truyền thống");
    let diff = db
        .replace_agency_calendar_days(
            "bn.x07228",
            &[2026, 2027],
            &[closed.clone(), open.clone(), next_year.clone()],
            &m,
        )
        .await
        .unwrap();
    assert_eq!(diff.added(), 3);
    db.replace_agency_calendar_days("bn.stp", &[2026], std::slice::from_ref(&closed), &m)
        .await
        .unwrap();
    let all = db.agency_calendar_days().await.unwrap();
    assert_eq!(
        all["bn.x07228"],
        vec![open.clone(), closed.clone(), next_year.clone()]
    );
    assert_eq!(all["bn.stp"], vec![closed.clone()]);

    // Clearing 2026 for one agency leaves its 2027 and the other agency alone.
    let diff = db
        .replace_agency_calendar_days(
            "bn.x07228",
            &[2026],
            &[],
            &meta("bob", "2026-03-02T09:00:00+07:00"),
        )
        .await
        .unwrap();
    assert_eq!((diff.added(), diff.removed()), (0, 2));
    let all = db.agency_calendar_days().await.unwrap();
    assert_eq!(all["bn.x07228"], vec![next_year]);
    assert_eq!(all["bn.stp"], vec![closed.clone()]);
    let log = db.calendar_changes(10).await.unwrap();
    assert_eq!(log[0].agency_id.as_deref(), Some("bn.x07228"));
    assert_eq!(log[0].years, vec![2026]);
    assert_eq!(log[0].removed, 2);

    // Unchanged: nothing logged. Out of the years given: refused.
    let before = db.generation(GENERATION).await.unwrap();
    let diff = db
        .replace_agency_calendar_days("bn.stp", &[2026], std::slice::from_ref(&closed), &m)
        .await
        .unwrap();
    assert!(diff.is_empty());
    assert_eq!(db.generation(GENERATION).await.unwrap(), before);
    assert!(
        db.replace_agency_calendar_days("bn.stp", &[2027], &[closed], &m)
            .await
            .is_err()
    );
    assert_eq!(db.calendar_changes(10).await.unwrap().len(), 3);
}
contract!(agency_overrides_replace_per_agency_and_year);

/// Office hours round-trip as JSON, can be removed, and every change is logged.
async fn office_hours_round_trip_and_are_logged(db: &Db) {
    assert!(db.agency_office_hours().await.unwrap().is_empty());
    let mut hours = OfficeHours::default();
    hours.periods[0].week.saturday = vec![Interval::hm(7, 30, 11, 30)];
    hours.working_day_minutes = 450;
    let m = meta("alice", "2026-05-01T09:00:00+07:00");
    assert!(
        db.set_agency_office_hours("bn.ttpvhcc", Some(&hours), &m)
            .await
            .unwrap()
    );
    assert!(
        !db.set_agency_office_hours("bn.ttpvhcc", Some(&hours), &m)
            .await
            .unwrap(),
        "the same hours again change nothing"
    );
    let g = db.generation(GENERATION).await.unwrap();
    assert_eq!(g, 1);
    let all = db.agency_office_hours().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all["bn.ttpvhcc"], hours);

    let log = db.calendar_changes(10).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].what, ChangeWhat::OfficeHours);
    assert_eq!(log[0].agency_id.as_deref(), Some("bn.ttpvhcc"));
    assert!(log[0].years.is_empty());
    assert!(log[0].details["before"].is_null());
    assert_eq!(log[0].details["after"]["working_day_minutes"], 450);

    assert!(
        db.set_agency_office_hours(
            "bn.ttpvhcc",
            None,
            &meta("bob", "2026-05-02T09:00:00+07:00")
        )
        .await
        .unwrap()
    );
    assert!(db.agency_office_hours().await.unwrap().is_empty());
    assert!(
        !db.set_agency_office_hours("bn.ttpvhcc", None, &m)
            .await
            .unwrap()
    );
    let log = db.calendar_changes(10).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].by, "bob");
    assert!(log[0].details["after"].is_null());
    assert!(db.generation(GENERATION).await.unwrap() > g);
}
contract!(office_hours_round_trip_and_are_logged);
