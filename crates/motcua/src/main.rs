//! `motcua`: one binary for the public service portal and the electronic one-stop back office.

use std::{io::Write, net::SocketAddr, path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::{Parser, Subcommand};
use motcua::{
    admin_cli, agency_cli, app, calendar_cli, forms_cli, import,
    settings::{Overrides, Settings},
    telemetry,
};

#[derive(Debug, Parser)]
#[command(
    name = "motcua",
    version,
    about = "Cổng dịch vụ công và hệ thống một cửa điện tử"
)]
struct Cli {
    /// Configuration file (TOML). Default: $MOTCUA_CONFIG, else ./motcua.toml if present.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Directory for the SQLite database and files. Default: ./motcua-data
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the portal and the API (migrates the database; loads demo data into an empty one).
    Serve {
        /// Address to listen on. Default: 127.0.0.1:8080
        #[arg(long)]
        addr: Option<SocketAddr>,
        /// Do not load the demo data into an empty database.
        #[arg(long)]
        no_demo: bool,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate,
    /// Import data.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Print the effective configuration (secrets redacted).
    Config,
    /// Write N realistic synthetic dossiers (a year of a province's traffic) for load tests.
    Synthetic {
        /// How many.
        #[arg(long, default_value_t = 1_000_000)]
        dossiers: u64,
    },
    /// Working-time calendar: due dates, days off, lunar dates; import and export the calendar.
    Calendar {
        #[command(subcommand)]
        what: calendar_cli::CalendarCommand,
    },
    /// Officials, their roles and passwords.
    User {
        #[command(subcommand)]
        what: admin_cli::UserCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        what: admin_cli::AuditCommand,
    },
    /// The printed forms: each agency's wording of Forms 01–06.
    Forms {
        #[command(subcommand)]
        what: forms_cli::FormsCommand,
    },
    /// Each agency's setup: the procedures it receives at which online level, and its
    /// internal processes.
    Agency {
        #[command(subcommand)]
        what: agency_cli::AgencyCommand,
    },
}

#[derive(Debug, Subcommand)]
enum ImportWhat {
    /// Import procedures from a JSON Lines file (motcua format or the national portal export;
    /// .gz accepted). Re-importing the same file changes nothing.
    Procedures {
        /// The file.
        file: PathBuf,
        /// Date the imported versions take effect (YYYY-MM-DD). Default: now.
        #[arg(long, value_name = "DATE")]
        valid_from: Option<jiff::civil::Date>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("motcua: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("motcua: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    app::install_crypto_provider();
    let mut overrides = Overrides {
        config_file: cli.config,
        data_dir: cli.data_dir,
        ..Overrides::default()
    };
    if let Command::Serve { addr, no_demo } = &cli.command {
        overrides.addr = *addr;
        overrides.no_demo = *no_demo;
    }
    let settings = Settings::load(&overrides)?;
    telemetry::init(&settings.log);
    let clock = app::system_clock();
    match cli.command {
        Command::Serve { .. } => {
            let running = app::start(settings, clock).await?;
            running.wait().await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            let cfg = settings.db_config()?;
            let db = motcua_store::Db::connect(&cfg).await?;
            db.close().await;
            writeln!(
                std::io::stdout(),
                "Database is up to date ({}).",
                db.engine().name()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            what: ImportWhat::Procedures { file, valid_from },
        } => import_procedures(&settings, clock.as_ref(), &file, valid_from).await,
        Command::Config => {
            writeln!(std::io::stdout(), "{settings:#?}")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Synthetic { dossiers } => {
            let cfg = settings.db_config()?;
            let db = motcua_store::Db::connect(&cfg).await?;
            let bar = indicatif::ProgressBar::new(dossiers);
            let started = std::time::Instant::now();
            let n =
                motcua::synthetic::generate(&db, clock.now(), dossiers, |n| bar.set_position(n))
                    .await?;
            bar.finish_and_clear();
            db.analyze().await?;
            db.close().await;
            writeln!(
                std::io::stdout(),
                "{n} hồ sơ tổng hợp đã ghi trong {:.1} s.",
                started.elapsed().as_secs_f64()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Calendar { what } => calendar_cli::run(&settings, clock.as_ref(), what).await,
        Command::User { what } => admin_cli::user(&settings, clock.as_ref(), what).await,
        Command::Audit { what } => admin_cli::audit(&settings, clock.as_ref(), what).await,
        Command::Forms { what } => forms_cli::run(&settings, clock.as_ref(), what).await,
        Command::Agency { what } => agency_cli::run(&settings, clock.as_ref(), what).await,
    }
}

async fn import_procedures(
    settings: &Settings,
    clock: &dyn motcua_core::clock::Clock,
    file: &std::path::Path,
    valid_from: Option<jiff::civil::Date>,
) -> anyhow::Result<ExitCode> {
    // Open the file first: a typo in the path must not create or migrate a database.
    let reader = import::open(file)?;
    let cfg = settings.db_config()?;
    let db = motcua_store::Db::connect(&cfg).await?;
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .context("progress template")?,
    );
    bar.set_message("đang nhập…");
    let report = import::import(&db, reader, valid_from, clock.now(), |n| {
        bar.set_message(format!("đã đọc {n} dòng"));
    })
    .await?;
    bar.finish_and_clear();
    db.close().await;
    let mut out = std::io::stdout().lock();
    writeln!(out, "Nhập thủ tục từ {}:", file.display())?;
    writeln!(out, "  tạo mới:        {}", report.created)?;
    writeln!(out, "  cập nhật:       {}  (phiên bản mới)", report.updated)?;
    writeln!(out, "  không đổi:      {}", report.unchanged)?;
    writeln!(out, "  bị từ chối:     {}", report.rejected.len())?;
    if report.uncertain_sections > 0 {
        writeln!(
            out,
            "  giữ nguyên văn: {} phần của {} thủ tục (chưa tách chắc chắn thành bảng)",
            report.uncertain_sections, report.records_with_uncertain
        )?;
    }
    for r in &report.rejected {
        writeln!(
            out,
            "  - dòng {}{}: {}",
            r.line,
            r.code
                .as_deref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default(),
            r.reason
        )?;
    }
    // A partial import is not a failure of the tool, but scripts must notice it.
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
