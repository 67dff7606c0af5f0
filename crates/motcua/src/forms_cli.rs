//! `motcua forms wording …`: an agency's wording of the printed forms, from the command line.
//!
//! The commands call the same [`FormWordingService`] as `/api/v1/agencies/{id}/form-wording`,
//! as the operator (`cli`, audited under that name). A running server notices a change within
//! `server.refresh_seconds` (the generation counter the change bumps).

use std::{io::Write, path::PathBuf, process::ExitCode, sync::Arc};

use anyhow::Context;
use clap::Subcommand;
use motcua_core::clock::Clock;
use motcua_service::{Actor, FormWordingService, ServiceError, catalog::CatalogHandle};
use motcua_store::Db;

use crate::{
    admin_cli::{CLI_ACTOR, cli_error},
    settings::Settings,
};

/// `motcua forms …`.
#[derive(Debug, Subcommand)]
pub enum FormsCommand {
    /// The wording of the printed forms (Forms 01–06) per agency.
    Wording {
        #[command(subcommand)]
        what: WordingCommand,
    },
}

/// `motcua forms wording …`.
#[derive(Debug, Subcommand)]
pub enum WordingCommand {
    /// Print the wording an agency's forms use, as TOML (the shipped wording with the agency's
    /// override on top); with --override only the override as it was set.
    Show {
        /// Agency id (e.g. bn.x07210.tt: a one-stop desk prints the forms of its dossiers).
        #[arg(long)]
        agency: String,
        /// Only the agency's override (exit status 2 when it has none).
        #[arg(long = "override")]
        override_only: bool,
    },
    /// Set an agency's override from a TOML file with only the entries to change (the shape
    /// of data/forms/wording.toml); refused, naming the entry, if it does not load.
    Set {
        /// Agency id.
        #[arg(long)]
        agency: String,
        /// The TOML file.
        file: PathBuf,
    },
    /// Remove an agency's override: its forms print the shipped wording again (exit status 2
    /// when it has none).
    Clear {
        /// Agency id.
        #[arg(long)]
        agency: String,
    },
    /// List the agencies that have an override.
    List,
}

/// Runs `motcua forms …`.
pub async fn run(
    settings: &Settings,
    clock: &dyn Clock,
    what: FormsCommand,
) -> anyhow::Result<ExitCode> {
    let FormsCommand::Wording { what } = what;
    // Read the file first: a typo in the path must not create or migrate a database.
    let text = match &what {
        WordingCommand::Set { file, .. } => Some(
            std::fs::read_to_string(file)
                .with_context(|| format!("không đọc được tệp {} (UTF-8)", file.display()))?,
        ),
        _ => None,
    };
    let db = Db::connect(&settings.db_config()?).await?;
    let code = wording(&db, clock, what, text.as_deref()).await;
    db.close().await;
    code
}

async fn wording(
    db: &Db,
    clock: &dyn Clock,
    what: WordingCommand,
    text: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let catalog = CatalogHandle::load(db).await?;
    let service = FormWordingService::new(Arc::new(db.clone()), catalog);
    let actor = Actor::operator(CLI_ACTOR);
    let now = clock.now();
    let mut out = std::io::stdout().lock();
    match what {
        WordingCommand::Show {
            agency,
            override_only: true,
        } => match service
            .override_of(&actor, now, &agency)
            .await
            .map_err(cli_error)?
        {
            Some(stored) => {
                write!(out, "{}", stored.wording)?;
                if !stored.wording.ends_with('\n') {
                    writeln!(out)?;
                }
            }
            None => {
                writeln!(
                    out,
                    "{agency} không có nội dung biểu mẫu riêng; biểu mẫu dùng nội dung mặc định."
                )?;
                return Ok(ExitCode::from(2));
            }
        },
        WordingCommand::Show { agency, .. } => {
            let stored = service
                .override_of(&actor, now, &agency)
                .await
                .map_err(cli_error)?;
            let w = service
                .effective_for(&actor, now, &agency)
                .await
                .map_err(cli_error)?;
            let note = match &stored {
                Some(s) => format!(
                    "nội dung mặc định và nội dung riêng của {agency} (đặt bởi {} lúc {})",
                    s.set_by,
                    s.set_at
                        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
                        .strftime("%H:%M %d/%m/%Y")
                ),
                None => format!("nội dung mặc định ({agency} không có nội dung riêng)"),
            };
            writeln!(out, "# Nội dung biểu mẫu của {agency}: {note}.")?;
            write!(out, "{}", w.to_toml().map_err(|e| anyhow::anyhow!("{e}"))?)?;
        }
        WordingCommand::Set { agency, .. } => {
            let text = text.context("no wording read")?;
            let w = service
                .set(&actor, now, &agency, text)
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "Đã đặt nội dung biểu mẫu riêng cho {agency}; Mẫu 01 có tiêu đề \"{}\".",
                w.receipt.title
            )?;
        }
        WordingCommand::Clear { agency } => match service.clear(&actor, now, &agency).await {
            Ok(()) => writeln!(
                out,
                "Đã xoá nội dung biểu mẫu riêng của {agency}; biểu mẫu dùng nội dung mặc định."
            )?,
            Err(ServiceError::NotFound(m)) => {
                writeln!(out, "{m}")?;
                return Ok(ExitCode::from(2));
            }
            Err(e) => return Err(cli_error(e)),
        },
        WordingCommand::List => {
            let all = service.overrides(&actor, now).await.map_err(cli_error)?;
            if all.is_empty() {
                writeln!(out, "Chưa cơ quan nào có nội dung biểu mẫu riêng.")?;
            }
            for w in all {
                writeln!(
                    out,
                    "{}  {}  {}",
                    w.agency_id,
                    w.set_by,
                    w.set_at
                        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(7)))
                        .strftime("%Y-%m-%d %H:%M")
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
