//! `motcua calendar …`: due dates, a year's days off, lunar dates, and maintaining the calendar
//! (import, export, office hours, change log).
//!
//! Reading commands answer exactly what the server answers: they load the same
//! [`Calendars`] from the database and call the same [`query`] functions. Writing commands call
//! [`admin`], the service the authenticated administration routes will call.

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::ExitCode,
};

use anyhow::{Context, anyhow};
use clap::Subcommand;
use motcua_core::{
    calendar::{CalendarEntry, EntryStatus, OfficeHours, WeekdayName, lunar::can_chi, weekday_vi},
    catalog::TimeUnit,
    clock::Clock,
};
use motcua_service::{
    ServiceError,
    calendar::{
        AgencyLookup, AgencyMap, Calendars,
        admin::{self, ImportRequest},
        query::{self, YearAnswer, YearDay},
    },
};
use motcua_store::{AgencyStore, CalendarDiff, CalendarStore, ChangeMeta, ChangeWhat, Db};
use motcua_web::present::number_vi;

use crate::settings::Settings;

/// The `calendar` subcommands.
#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Compute a statutory due date and explain every skipped day.
    Due {
        /// When the dossier was received, with its offset, e.g. 2026-02-13T16:30:00+07:00.
        #[arg(long)]
        received: String,
        /// The limit's amount (fractions allowed: 0.5 or 0,5).
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// working_days, working_hours, calendar_days or months.
        #[arg(long, default_value = "working_days")]
        unit: String,
        /// Use this agency's calendar (own and inherited days off and office hours).
        #[arg(long)]
        agency: Option<String>,
    },
    /// List a year's days off and make-up working days, by occasion, with lunar dates.
    Year {
        /// The year (2000–2100).
        #[arg(allow_hyphen_values = true)]
        year: String,
        /// Include this agency's own and inherited decisions.
        #[arg(long)]
        agency: Option<String>,
    },
    /// Convert a solar date (YYYY-MM-DD) to the Vietnamese lunar calendar.
    Lunar {
        /// The date.
        date: String,
    },
    /// Import a calendar file: each year in it replaces that year (for --agency: that agency's
    /// own decisions in that year). The whole file is checked before anything is written.
    Import {
        /// The file (CSV, see data/calendar/PROVENANCE.md).
        file: PathBuf,
        /// Import one agency's own days off and working days instead of national years.
        #[arg(long)]
        agency: Option<String>,
        /// The years to replace (default: the years in the file); with --agency, a listed year
        /// without rows clears that agency's decisions for it.
        #[arg(long, value_delimiter = ',', value_name = "YEAR,…")]
        years: Vec<i32>,
        /// Who makes the change, for the change log. Default: cli:$USER.
        #[arg(long)]
        by: Option<String>,
        /// Why: the notice deciding it, e.g. "Thông báo 9441/TB-BNV".
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Print a year in the editable file format (computed defaults for a year not yet entered).
    Export {
        /// The year (2000–2100).
        #[arg(allow_hyphen_values = true)]
        year: String,
        /// Export this agency's own decisions for the year instead.
        #[arg(long)]
        agency: Option<String>,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Show an agency's office hours, or set them from a TOML or JSON file.
    OfficeHours {
        /// The agency.
        #[arg(long)]
        agency: String,
        /// Set the agency's own hours from this file (.toml, else JSON).
        #[arg(long, conflicts_with = "reset")]
        file: Option<PathBuf>,
        /// Remove the agency's own hours, so it inherits again.
        #[arg(long)]
        reset: bool,
        /// Print the hours that apply as JSON (a starting point for --file).
        #[arg(long)]
        json: bool,
        /// Who makes the change, for the change log. Default: cli:$USER.
        #[arg(long)]
        by: Option<String>,
        /// Why.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Show the most recent calendar changes: who changed what, when.
    Log {
        /// How many entries.
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

/// Runs a `calendar` subcommand.
pub async fn run(
    settings: &Settings,
    clock: &dyn Clock,
    command: CalendarCommand,
) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match command {
        CalendarCommand::Lunar { date } => {
            let date = query::parse_date("date", Some(&date)).map_err(message)?;
            let lunar = query::lunar_of(date).map_err(message)?;
            writeln!(
                out,
                "{} ({}) theo âm lịch là ngày {}{}.",
                query::dmy(date),
                weekday_vi(date.weekday()),
                query::lunar_text(&lunar),
                if lunar.month == 1 && lunar.day == 1 && !lunar.leap_month {
                    format!(", mùng Một Tết Nguyên đán {}", can_chi(lunar.year))
                } else {
                    String::new()
                }
            )?;
        }
        CalendarCommand::Due {
            received,
            amount,
            unit,
            agency,
        } => {
            // Validate before opening (or creating) a database.
            let received = query::parse_instant("received", Some(&received)).map_err(message)?;
            let amount = query::parse_amount(Some(&amount)).map_err(message)?;
            let unit = query::parse_unit(Some(&unit)).map_err(message)?;
            let (db, calendars, agencies) = open(settings, clock).await?;
            db.close().await;
            let answer = query::due(
                &calendars,
                &agencies,
                received,
                amount,
                unit,
                agency.as_deref(),
            )
            .map_err(message)?;
            print_due(&mut out, &answer, unit)?;
        }
        CalendarCommand::Year { year, agency } => {
            let year = query::parse_year(&year).map_err(message)?;
            let (db, calendars, agencies) = open(settings, clock).await?;
            db.close().await;
            let answer =
                query::year(&calendars, &agencies, year, agency.as_deref()).map_err(message)?;
            print_year(&mut out, &answer, &agencies)?;
        }
        CalendarCommand::Import {
            file,
            agency,
            years,
            by,
            note,
        } => {
            // Read the file first: a typo in the path must not create or migrate a database.
            let text = read(&file)?;
            let (db, _calendars, agencies) = open(settings, clock).await?;
            let meta = meta(by, note, clock);
            let request = ImportRequest {
                text: &text,
                agency: agency.as_deref(),
                years: (!years.is_empty()).then_some(years.as_slice()),
            };
            let outcome = admin::import_calendar(&db, &agencies, &request, &meta).await;
            db.close().await;
            let outcome = outcome.with_context(|| format!("tệp {}", file.display()))?;
            let whose = match &outcome.agency {
                Some(id) => format!("ngày riêng của {}", agency_label(&agencies, id)),
                None => "lịch quốc gia".to_owned(),
            };
            writeln!(
                out,
                "Nhập lịch từ {} ({whose}), năm {}:",
                file.display(),
                join_years(&outcome.years)
            )?;
            if !outcome.newly_stored.is_empty() {
                writeln!(
                    out,
                    "  (năm {} trước đây chưa có dữ liệu: thời hạn dùng ngày nghỉ dự kiến theo Bộ \
                     luật Lao động; từ nay dùng dữ liệu trong tệp)",
                    join_years(&outcome.newly_stored)
                )?;
            }
            print_diff(&mut out, &outcome.diff)?;
        }
        CalendarCommand::Export {
            year,
            agency,
            output,
        } => {
            let year = query::parse_year(&year).map_err(message)?;
            let (db, calendars, agencies) = open(settings, clock).await?;
            db.close().await;
            let text = admin::export_calendar(&calendars, &agencies, year, agency.as_deref())?;
            match output {
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    writeln!(out, "Đã ghi {}.", path.display())?;
                }
                None => out.write_all(text.as_bytes())?,
            }
        }
        CalendarCommand::OfficeHours {
            agency,
            file,
            reset,
            json,
            by,
            note,
        } => {
            let hours = match &file {
                Some(path) => Some(read_office_hours(path)?),
                None => None,
            };
            let (db, calendars, agencies) = open(settings, clock).await?;
            if file.is_some() || reset {
                let meta = meta(by, note, clock);
                let changed =
                    admin::set_office_hours(&db, &agencies, &agency, hours.as_ref(), &meta).await;
                db.close().await;
                let label = agency_label(&agencies, &agency);
                writeln!(
                    out,
                    "{}",
                    match (changed?, reset) {
                        (false, _) => format!("Giờ làm việc của {label} không thay đổi."),
                        (true, false) => format!("Đã lưu giờ làm việc riêng của {label}."),
                        (true, true) => format!(
                            "Đã bỏ giờ làm việc riêng của {label}: áp dụng giờ của cơ quan cấp \
                             trên hoặc giờ chuẩn."
                        ),
                    }
                )?;
                return Ok(ExitCode::SUCCESS);
            }
            db.close().await;
            let resolved = calendars
                .for_agency(&agencies, &agency)
                .ok_or_else(|| anyhow!("không có cơ quan với mã {agency:?}"))?
                .map_err(|e| anyhow!("{e}"))?;
            let default_hours = OfficeHours::default();
            let hours = resolved
                .hours_from
                .as_deref()
                .and_then(|id| calendars.own_hours(id))
                .unwrap_or(&default_hours);
            if json {
                writeln!(out, "{}", serde_json::to_string_pretty(hours)?)?;
            } else {
                let from = match resolved.hours_from.as_deref() {
                    Some(id) if id == agency => "giờ riêng của cơ quan".to_owned(),
                    Some(id) => format!("theo {}", agency_label(&agencies, id)),
                    None => "giờ chuẩn".to_owned(),
                };
                writeln!(
                    out,
                    "Giờ làm việc của {} ({from}):",
                    agency_label(&agencies, &agency)
                )?;
                print_hours(&mut out, hours)?;
            }
        }
        CalendarCommand::Log { limit } => {
            let cfg = settings.db_config()?;
            let db = Db::connect(&cfg).await?;
            let changes = db.calendar_changes(limit.clamp(1, 1000)).await;
            db.close().await;
            let changes = changes?;
            if changes.is_empty() {
                writeln!(out, "Chưa có thay đổi nào.")?;
            }
            for c in changes {
                let at = c.at.to_zoned(query::vn()).strftime("%d/%m/%Y %H:%M");
                let scope = c
                    .agency_id
                    .map_or_else(|| "lịch quốc gia".to_owned(), |id| format!("cơ quan {id}"));
                let what = match c.what {
                    ChangeWhat::Days => format!(
                        "năm {}: thêm {}, bỏ {}, sửa {}",
                        join_years(&c.years),
                        c.added,
                        c.removed,
                        c.changed
                    ),
                    ChangeWhat::OfficeHours => "giờ làm việc".to_owned(),
                };
                let note = if c.note.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", c.note)
                };
                writeln!(out, "#{} {at} {} · {scope} · {what}{note}", c.id, c.by)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// An API error as the command line shows it: the Vietnamese message alone.
fn message(e: ServiceError) -> anyhow::Error {
    anyhow!(e.public_message())
}

fn read(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot open {}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| anyhow!("tệp {} không phải văn bản UTF-8", path.display()))
}

fn read_office_hours(path: &Path) -> anyhow::Result<OfficeHours> {
    let text = read(path)?;
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let hours = if is_toml {
        let hours: OfficeHours = config::Config::builder()
            .add_source(config::File::from_str(&text, config::FileFormat::Toml))
            .build()
            .and_then(config::Config::try_deserialize)
            .map_err(|e| anyhow!("tệp {}: {e}", path.display()))?;
        hours
            .validate()
            .map_err(|e| anyhow!("tệp {}: {e}", path.display()))?;
        hours
    } else {
        admin::parse_office_hours_json(&text).with_context(|| format!("tệp {}", path.display()))?
    };
    Ok(hours)
}

/// Opens the database, stores the shipped years it lacks, and loads the calendars and agencies.
async fn open(
    settings: &Settings,
    clock: &dyn Clock,
) -> anyhow::Result<(Db, Calendars, AgencyMap)> {
    let cfg = settings.db_config()?;
    let db = Db::connect(&cfg).await?;
    admin::seed_official_years(&db, clock.now()).await?;
    let calendars = Calendars::load(&db).await?;
    let agencies = AgencyMap::from_agencies(&db.agencies().await?);
    Ok((db, calendars, agencies))
}

fn meta(by: Option<String>, note: String, clock: &dyn Clock) -> ChangeMeta {
    let by = by.filter(|b| !b.trim().is_empty()).unwrap_or_else(|| {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".to_owned());
        format!("cli:{user}")
    });
    ChangeMeta {
        by,
        at: clock.now(),
        note,
    }
}

fn agency_label(agencies: &dyn AgencyLookup, id: &str) -> String {
    match agencies.name_of(id) {
        Some(name) => format!("{name} ({id})"),
        None => id.to_owned(),
    }
}

fn join_years(years: &[i32]) -> String {
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_due(out: &mut impl Write, a: &query::DueAnswer, unit: TimeUnit) -> anyhow::Result<()> {
    let d = &a.due;
    let calendar = match &a.agency {
        Some(ag) => format!("lịch của {} ({})", ag.name, ag.id),
        None => "lịch chung của cơ quan nhà nước".to_owned(),
    };
    writeln!(out, "Nhận hồ sơ:  {}", query::instant_vi(d.received))?;
    if d.explanation.start_deferred {
        writeln!(
            out,
            "Bắt đầu tính: {} (nhận ngoài giờ làm việc)",
            query::instant_vi(d.start)
        )?;
    }
    writeln!(
        out,
        "Thời hạn:    {} {} theo {calendar}",
        number_vi(d.amount),
        unit.label_vi()
    )?;
    writeln!(
        out,
        "Hạn trả:     {}  ({})",
        query::instant_vi(d.at),
        query::rfc3339_vn(d.at)
    )?;
    let summary = d.explanation.summary_vi();
    if !summary.is_empty() {
        writeln!(out, "\n{summary}")?;
    }
    if !d.explanation.skipped.is_empty() {
        writeln!(out, "\nCác ngày không tính:")?;
        for n in &d.explanation.skipped {
            writeln!(out, "  {:<22} {}", query::date_vi(n.date), n.label())?;
        }
    }
    if !d.explanation.make_up_days.is_empty() {
        writeln!(out, "\nNgày làm việc bù được tính:")?;
        for n in &d.explanation.make_up_days {
            writeln!(out, "  {:<22} {}", query::date_vi(n.date), n.label())?;
        }
    }
    if !a.caveats.is_empty() {
        writeln!(out, "\nLưu ý:")?;
        for c in &a.caveats {
            writeln!(out, "  - {c}")?;
        }
    }
    Ok(())
}

fn print_year(
    out: &mut impl Write,
    a: &YearAnswer,
    agencies: &dyn AgencyLookup,
) -> anyhow::Result<()> {
    let source = if a.stored {
        "dữ liệu chính thức đã lưu"
    } else {
        "DỰ KIẾN: chưa có thông báo chính thức, tính theo Bộ luật Lao động"
    };
    writeln!(out, "Lịch nghỉ năm {} ({source})", a.year)?;
    if let Some(ag) = &a.agency {
        writeln!(
            out,
            "Cơ quan: {} ({}), gồm các quyết định riêng của cơ quan và cơ quan cấp trên",
            ag.name, ag.id
        )?;
    }
    writeln!(out, "{} ngày làm việc trong năm.", a.working_days)?;
    for group in query::by_occasion(&a.days) {
        writeln!(out, "\n{}", group.occasion)?;
        for d in group.days {
            print_year_day(out, d, agencies)?;
        }
    }
    Ok(())
}

fn print_year_day(
    out: &mut impl Write,
    d: &YearDay,
    agencies: &dyn AgencyLookup,
) -> anyhow::Result<()> {
    let e = &d.entry;
    let lunar = d
        .lunar
        .as_ref()
        .map(|l| format!("ÂL {}", query::lunar_text(l)))
        .unwrap_or_default();
    let mut notes = Vec::new();
    if matches!(e.status, EntryStatus::Reported | EntryStatus::Default) {
        notes.push(e.status.label_vi().to_owned());
    }
    if let Some(by) = &d.decided_by {
        notes.push(format!("riêng của {}", agency_label(agencies, by)));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("  [{}]", notes.join("; "))
    };
    writeln!(
        out,
        "  {:<22} {:<24} {}{notes}",
        query::date_vi(e.date),
        lunar,
        query::day_description(e)
    )?;
    Ok(())
}

fn print_diff(out: &mut impl Write, diff: &CalendarDiff) -> anyhow::Result<()> {
    if diff.is_empty() {
        writeln!(out, "  Không có thay đổi (dữ liệu đã như trong tệp).")?;
        return Ok(());
    }
    writeln!(out, "  thêm:  {}", diff.added())?;
    writeln!(out, "  bỏ:    {}", diff.removed())?;
    writeln!(out, "  sửa:   {}", diff.changed())?;
    for c in &diff.changes {
        let describe = |e: &CalendarEntry| {
            format!(
                "{}, {} ({})",
                query::day_description(e),
                e.occasion,
                e.status.as_str()
            )
        };
        let text = match (&c.before, &c.after) {
            (None, Some(after)) => describe(after),
            (Some(before), None) => describe(before),
            (Some(before), Some(after)) => {
                format!("{} → {}", describe(before), describe(after))
            }
            (None, None) => String::new(),
        };
        writeln!(out, "  {} {:<22} {text}", c.sign(), query::date_vi(c.date))?;
    }
    Ok(())
}

fn print_hours(out: &mut impl Write, hours: &OfficeHours) -> anyhow::Result<()> {
    const DAYS: [WeekdayName; 7] = [
        WeekdayName::Monday,
        WeekdayName::Tuesday,
        WeekdayName::Wednesday,
        WeekdayName::Thursday,
        WeekdayName::Friday,
        WeekdayName::Saturday,
        WeekdayName::Sunday,
    ];
    const NAMES: [&str; 7] = [
        "Thứ Hai",
        "Thứ Ba",
        "Thứ Tư",
        "Thứ Năm",
        "Thứ Sáu",
        "Thứ Bảy",
        "Chủ nhật",
    ];
    for p in &hours.periods {
        writeln!(out, "  {} ({} → {}):", p.name, p.from, p.to)?;
        for (w, name) in DAYS.iter().zip(NAMES) {
            let intervals: Vec<String> = p
                .week
                .day(*w)
                .iter()
                .map(|i| format!("{}–{}", i.start.strftime("%H:%M"), i.end.strftime("%H:%M")))
                .collect();
            let text = if intervals.is_empty() {
                "nghỉ".to_owned()
            } else {
                intervals.join(", ")
            };
            writeln!(out, "    {name:<9} {text}")?;
        }
    }
    writeln!(
        out,
        "  Một ngày làm việc của thời hạn = {} phút; ngày làm bù theo giờ của {}.",
        hours.working_day_minutes,
        NAMES
            .get(hours.make_up_day_schedule.index())
            .copied()
            .unwrap_or("Thứ Hai")
    )?;
    Ok(())
}
