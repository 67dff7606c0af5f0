//! Calendar engine benchmarks.
//!
//! * `due_*`: deadlines of limits received at pseudo-random instants (minute resolution) from
//!   2024-01-01 to 2027-12-31, so every batch crosses Tết, swaps and weekends. Each iteration
//!   computes a batch of 10,000; divan's throughput column is deadlines per second on one core.
//! * `recompute_1m_open_dossiers`: the due instants of 1,000,000 synthetic open dossiers (received
//!   in the first half of 2026; a quarter with a supplement request, a tenth with a suspension, a
//!   twentieth with an apology) recomputed after the agency adds a day off, as a calendar import
//!   would. One iteration is the whole million. Before divan runs, one timed pass is printed.
//!
//! Run: `cargo bench -p motcua-core --bench calendar`.

use std::sync::LazyLock;
use std::time::Instant;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use motcua_core::calendar::clocks::{ClockEvent, Dues, current_dues, recompute_dues};
use motcua_core::calendar::{
    CalendarEntry, DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR, DayKind, EntryStatus, OfficeHours,
    WorkCalendar, official_years, to_lunar,
};
use motcua_core::catalog::{ProcessingTime, TimeUnit};

/// Deadlines per benchmark iteration.
const BATCH: usize = 10_000;
/// Open dossiers recomputed.
const DOSSIERS: usize = 1_000_000;

fn main() {
    let data = match &*DATA {
        Ok(data) => data,
        Err(e) => {
            eprintln!("calendar bench: {e}");
            std::process::exit(1);
        }
    };
    // `cargo test --benches` runs each benchmark once with `--test`: skip the timed pass.
    if !std::env::args().any(|a| a == "--test") {
        let started = Instant::now();
        let changed = recompute_all(data);
        eprintln!(
            "recomputed the dues of {DOSSIERS} open dossiers in {:.3} s on one thread ({changed} changed)",
            started.elapsed().as_secs_f64()
        );
    }
    divan::main();
}

/// Everything the benchmarks share, built once.
struct Data {
    calendar: WorkCalendar,
    /// The same calendar after the agency adds a day off (Friday 2026-03-06).
    changed: WorkCalendar,
    receipts: Vec<Timestamp>,
    /// 0.5 to 30 working days, in half days.
    amounts: Vec<f64>,
    dossiers: Dossiers,
}

/// One million event lists, flattened.
struct Dossiers {
    limits: Vec<ProcessingTime>,
    /// `events[starts[i]..starts[i + 1]]` are dossier i's events.
    starts: Vec<usize>,
    events: Vec<ClockEvent>,
    stored: Vec<Dues>,
}

static DATA: LazyLock<Result<Data, String>> = LazyLock::new(build);

/// A small deterministic generator (xorshift64*), so every run measures the same inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn local(s: &str) -> Result<Timestamp, String> {
    format!("{s}+07:00")
        .parse()
        .map_err(|e| format!("{s}: {e}"))
}

fn build() -> Result<Data, String> {
    let years = official_years().map_err(|e| e.to_string())?;
    let hours = OfficeHours::default();
    let calendar =
        WorkCalendar::compile(&years, &[], &hours, DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR)
            .map_err(|e| e.to_string())?;
    let day_off = CalendarEntry {
        date: date(2026, 3, 6),
        kind: DayKind::Holiday,
        occasion: "Nghỉ do thiên tai".to_owned(),
        status: EntryStatus::Confirmed,
        replaces: None,
        source: "Quyết định của cơ quan (dữ liệu thử)".to_owned(),
        note: String::new(),
    };
    let changed = WorkCalendar::compile(
        &years,
        &[day_off],
        &hours,
        DEFAULT_FIRST_YEAR,
        DEFAULT_LAST_YEAR,
    )
    .map_err(|e| e.to_string())?;

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let from = local("2024-01-01T00:00:00")?;
    let minutes_in_4_years = 4 * 365 * 1440;
    let receipts = (0..BATCH)
        .map(|_| from + SignedDuration::from_mins(rng.below(minutes_in_4_years) as i64))
        .collect();
    let amounts = (0..BATCH)
        .map(|_| (1 + rng.below(60)) as f64 / 2.0)
        .collect();

    let dossiers = synthesize_dossiers(&calendar, &mut rng)?;
    Ok(Data {
        calendar,
        changed,
        receipts,
        amounts,
        dossiers,
    })
}

fn synthesize_dossiers(calendar: &WorkCalendar, rng: &mut Rng) -> Result<Dossiers, String> {
    const LIMITS: [(f64, TimeUnit); 10] = [
        (1.0, TimeUnit::WorkingDays),
        (3.0, TimeUnit::WorkingDays),
        (5.0, TimeUnit::WorkingDays),
        (7.0, TimeUnit::WorkingDays),
        (10.0, TimeUnit::WorkingDays),
        (15.0, TimeUnit::WorkingDays),
        (20.0, TimeUnit::WorkingDays),
        (30.0, TimeUnit::WorkingDays),
        (8.0, TimeUnit::WorkingHours),
        (15.0, TimeUnit::CalendarDays),
    ];
    let from = local("2026-01-01T00:00:00")?;
    let hour = |n: u64| SignedDuration::from_hours(n as i64);
    let mut d = Dossiers {
        limits: Vec::with_capacity(DOSSIERS),
        starts: Vec::with_capacity(DOSSIERS + 1),
        events: Vec::with_capacity(DOSSIERS * 2),
        stored: Vec::with_capacity(DOSSIERS),
    };
    for _ in 0..DOSSIERS {
        let (amount, unit) = LIMITS[rng.below(LIMITS.len() as u64) as usize];
        let limit = ProcessingTime { amount, unit };
        let start = d.events.len();
        let mut at = from + SignedDuration::from_mins(rng.below(181 * 1440) as i64);
        d.events.push(ClockEvent::Received { at });
        let roll = rng.below(100);
        if roll < 25 {
            at += hour(1 + rng.below(72));
            d.events.push(ClockEvent::SupplementRequested { at });
            if rng.below(5) > 0 {
                at += hour(1 + rng.below(240));
                d.events.push(ClockEvent::SupplementReceived { at });
            }
        } else if roll < 35 {
            at += hour(1 + rng.below(48));
            d.events.push(ClockEvent::Paused { at });
            at += hour(1 + rng.below(120));
            d.events.push(ClockEvent::Resumed { at });
        } else if roll < 40 {
            at += hour(1 + rng.below(24));
            let new_due = at + hour(24 * 40);
            d.events.push(ClockEvent::Apology { at, new_due });
        }
        let events = d.events.get(start..).unwrap_or_default();
        let stored = current_dues(calendar, limit, events).map_err(|e| e.to_string())?;
        d.limits.push(limit);
        d.starts.push(start);
        d.stored.push(stored);
    }
    d.starts.push(d.events.len());
    Ok(d)
}

/// The pure recompute over every dossier; returns how many changed.
fn recompute_all(data: &Data) -> usize {
    let d = &data.dossiers;
    let mut changed = 0;
    for (i, window) in d.starts.windows(2).enumerate() {
        let (Some(&limit), Some(&stored), [a, b]) = (d.limits.get(i), d.stored.get(i), window)
        else {
            continue;
        };
        let events = d.events.get(*a..*b).unwrap_or_default();
        if let Ok(Some(_)) = recompute_dues(&data.changed, limit, events, stored) {
            changed += 1;
        }
    }
    changed
}

fn data() -> &'static Data {
    match &*DATA {
        Ok(data) => data,
        Err(e) => {
            eprintln!("calendar bench: {e}");
            std::process::exit(1);
        }
    }
}

/// Full deadline with explanation, 30 working days (the longest the target names).
#[divan::bench]
fn due_30_working_days(bencher: Bencher) {
    let data = data();
    bencher.counter(ItemsCount::new(BATCH)).bench(|| {
        for &t in &data.receipts {
            let _ = black_box(data.calendar.due(t, black_box(30.0), TimeUnit::WorkingDays));
        }
    });
}

/// Full deadline with explanation, 0.5 to 30 working days.
#[divan::bench]
fn due_mixed_up_to_30_working_days(bencher: Bencher) {
    let data = data();
    bencher.counter(ItemsCount::new(BATCH)).bench(|| {
        for (&t, &amount) in data.receipts.iter().zip(&data.amounts) {
            let _ = black_box(data.calendar.due(t, amount, TimeUnit::WorkingDays));
        }
    });
}

/// The due instant only (bulk paths), 0.5 to 30 working days.
#[divan::bench]
fn due_instant_mixed_up_to_30_working_days(bencher: Bencher) {
    let data = data();
    bencher.counter(ItemsCount::new(BATCH)).bench(|| {
        for (&t, &amount) in data.receipts.iter().zip(&data.amounts) {
            let _ = black_box(data.calendar.due_instant(t, amount, TimeUnit::WorkingDays));
        }
    });
}

/// 15 calendar days with the day-off rule and explanation.
#[divan::bench]
fn due_15_calendar_days(bencher: Bencher) {
    let data = data();
    bencher.counter(ItemsCount::new(BATCH)).bench(|| {
        for &t in &data.receipts {
            let _ = black_box(
                data.calendar
                    .due(t, black_box(15.0), TimeUnit::CalendarDays),
            );
        }
    });
}

/// Working time between two instants up to ~90 days apart.
#[divan::bench]
fn elapsed(bencher: Bencher) {
    let data = data();
    bencher.counter(ItemsCount::new(BATCH)).bench(|| {
        for (i, &t) in data.receipts.iter().enumerate() {
            let to = t + SignedDuration::from_hours((i % 2160) as i64);
            let _ = black_box(data.calendar.elapsed(t, to));
        }
    });
}

/// Next opening after an arbitrary instant.
#[divan::bench]
fn next_opening(bencher: Bencher) {
    let data = data();
    bencher.counter(ItemsCount::new(BATCH)).bench(|| {
        for &t in &data.receipts {
            let _ = black_box(data.calendar.next_opening(t));
        }
    });
}

/// Solar → lunar conversion (not on the deadline path; used for defaults and display).
#[divan::bench]
fn to_lunar_date(bencher: Bencher) {
    let data = data();
    let dates: Vec<_> = data
        .receipts
        .iter()
        .take(1000)
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
                .date()
        })
        .collect();
    bencher.counter(ItemsCount::new(dates.len())).bench(|| {
        for &d in &dates {
            let _ = black_box(to_lunar(d));
        }
    });
}

/// Compiling the standard calendar 2000–2100 (official years + 94 default years).
#[divan::bench(sample_count = 10)]
fn compile_standard_calendar_2000_2100() {
    let _ = black_box(WorkCalendar::standard());
}

/// Recomputing the dues of 1,000,000 open dossiers after a calendar change (one iteration).
#[divan::bench(sample_count = 5, sample_size = 1)]
fn recompute_1m_open_dossiers(bencher: Bencher) {
    let data = data();
    bencher
        .counter(ItemsCount::new(DOSSIERS))
        .bench(|| black_box(recompute_all(data)));
}
