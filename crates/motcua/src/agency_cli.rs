//! `motcua agency …`: each agency's offers and internal processes from the command line, for
//! a province's IT centre setting up many agencies from a script.
//!
//! The commands call the same [`motcua_service::setup`] functions as the `/mot-cua/don-vi`
//! pages, as the operator (`cli`, audited under that name). A running server notices a change
//! within `server.refresh_seconds` (offers bump the catalog generation; a process is read when
//! a dossier is received).

use std::{io::Write, path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::Subcommand;
use motcua_core::{
    catalog::{OnlineLevel, ProcedureCode},
    clock::Clock,
    dossier::ProcessTemplate,
};
use motcua_service::{Actor, catalog::CatalogHandle, setup};
use motcua_store::Db;

use crate::{
    admin_cli::{CLI_ACTOR, cli_error},
    settings::Settings,
};

/// `motcua agency …`.
#[derive(Debug, Subcommand)]
pub enum AgencyCommand {
    /// List the procedures an agency receives, with the online level of each, as
    /// `CODE<TAB>LEVEL` lines.
    Offers {
        /// Agency id (e.g. bn.x07210).
        #[arg(long)]
        agency: String,
    },
    /// Set the online level at which an agency receives a procedure (`FULL`, `PARTIAL`,
    /// `NONE`), or `withdraw` to stop receiving it.
    Offer {
        /// Agency id.
        #[arg(long)]
        agency: String,
        /// Procedure code (e.g. 1.001193).
        #[arg(long)]
        procedure: String,
        /// `FULL`, `PARTIAL`, `NONE` or `withdraw`.
        level: String,
    },
    /// Print the internal process a procedure follows at an agency, as JSON (the default
    /// process when none is set).
    Process {
        /// Agency id (the competent agency).
        #[arg(long)]
        agency: String,
        /// Procedure code.
        #[arg(long)]
        procedure: String,
    },
    /// Set the internal process from a JSON file of the shape `agency process` prints; the
    /// steps' shares must add up to 1. Dossiers already received keep their process.
    SetProcess {
        /// Agency id.
        #[arg(long)]
        agency: String,
        /// Procedure code.
        #[arg(long)]
        procedure: String,
        /// The JSON file.
        file: PathBuf,
    },
    /// Remove an agency's process for a procedure: the default applies again.
    ClearProcess {
        /// Agency id.
        #[arg(long)]
        agency: String,
        /// Procedure code.
        #[arg(long)]
        procedure: String,
    },
}

fn code(text: &str) -> anyhow::Result<ProcedureCode> {
    ProcedureCode::parse(text).map_err(|e| anyhow::anyhow!("mã thủ tục {text:?}: {e}"))
}

/// Runs `motcua agency …`.
pub async fn run(
    settings: &Settings,
    clock: &dyn Clock,
    what: AgencyCommand,
) -> anyhow::Result<ExitCode> {
    // Read and check the file first: a typo must not create or migrate a database.
    let template = match &what {
        AgencyCommand::SetProcess { file, .. } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("không đọc được tệp {} (UTF-8)", file.display()))?;
            let t: ProcessTemplate = serde_json::from_str(&text)
                .with_context(|| format!("tệp {} không phải quy trình JSON", file.display()))?;
            Some(t)
        }
        _ => None,
    };
    let db = Db::connect(&settings.db_config()?).await?;
    let result = agency(&db, clock, what, template).await;
    db.close().await;
    result
}

async fn agency(
    db: &Db,
    clock: &dyn Clock,
    what: AgencyCommand,
    template: Option<ProcessTemplate>,
) -> anyhow::Result<ExitCode> {
    let catalog = CatalogHandle::load(db).await?;
    let actor = Actor::operator(CLI_ACTOR);
    let now = clock.now();
    let mut out = std::io::stdout().lock();
    match what {
        AgencyCommand::Offers { agency } => {
            let snapshot = catalog.get();
            if snapshot.agency(&agency).is_none() {
                anyhow::bail!("không có cơ quan với mã {agency:?}");
            }
            for (code, level) in snapshot.offered_at(&agency) {
                writeln!(out, "{code}\t{}", level.as_str())?;
            }
        }
        AgencyCommand::Offer {
            agency,
            procedure,
            level,
        } => {
            let level = match level.as_str() {
                "withdraw" => None,
                l => Some(OnlineLevel::parse(l).ok_or_else(|| {
                    anyhow::anyhow!("mức {l:?}: dùng FULL, PARTIAL, NONE hoặc withdraw")
                })?),
            };
            let changes = [(code(&procedure)?, level)];
            let changed = setup::set_offers(db, &catalog, &actor, now, &agency, &changes)
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "{}",
                if changed > 0 {
                    "Đã lưu."
                } else {
                    "Không có thay đổi."
                }
            )?;
        }
        AgencyCommand::Process { agency, procedure } => {
            let setting = setup::process_at(db, &catalog, &actor, now, &agency, &code(&procedure)?)
                .await
                .map_err(cli_error)?;
            if !setting.configured {
                // On stderr, so the output can be edited and given back to `set-process`.
                eprintln!("Quy trình mặc định: {agency} chưa đặt quy trình riêng.");
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&setting.template)?)?;
        }
        AgencyCommand::SetProcess {
            agency, procedure, ..
        } => {
            setup::set_process(
                db,
                &catalog,
                &actor,
                now,
                &agency,
                &code(&procedure)?,
                template,
            )
            .await
            .map_err(cli_error)?;
            writeln!(out, "Đã lưu quy trình nội bộ.")?;
        }
        AgencyCommand::ClearProcess { agency, procedure } => {
            setup::set_process(db, &catalog, &actor, now, &agency, &code(&procedure)?, None)
                .await
                .map_err(cli_error)?;
            writeln!(out, "Đã trở về quy trình mặc định.")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
