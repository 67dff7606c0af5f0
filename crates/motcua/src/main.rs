//! `motcua`: one binary for the public service portal and the electronic one-stop back office.

use std::{io::Write, net::SocketAddr, path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::{Parser, Subcommand};
use motcua::{
    app, import,
    settings::{Overrides, Settings},
    telemetry,
    users::{self, GrantSpec, OfficialSpec},
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
    /// Officials, their roles and passwords.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an official account at an agency (prints a generated password unless
    /// --password-stdin).
    CreateOfficial {
        /// User name (3–32 of a-z, 0-9, '.', '_', '-').
        username: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Home unit (agency id, e.g. bn.stp).
        #[arg(long)]
        agency: String,
        /// E-mail address, for password resets.
        #[arg(long)]
        email: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Grant a role (receiving_officer, handling_officer, unit_head, agency_leader, clerk,
    /// desk_head, procedure_control, administrator, auditor).
    Grant {
        /// User name.
        username: String,
        /// Role.
        role: String,
        /// Agency id.
        #[arg(long)]
        agency: String,
        /// Also every agency below it.
        #[arg(long)]
        subtree: bool,
        /// Only dossiers of this procedure (code).
        #[arg(long)]
        procedure: Option<String>,
        /// First day (YYYY-MM-DD); default today.
        #[arg(long, value_name = "DATE")]
        from: Option<jiff::civil::Date>,
        /// Last day, inclusive (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        to: Option<jiff::civil::Date>,
    },
    /// Revoke a grant (it stays on record).
    Revoke {
        /// Grant id (see `motcua user grants`).
        grant_id: String,
    },
    /// List an account's grants, revoked ones included.
    Grants {
        /// User name.
        username: String,
    },
    /// Set a new password (ends the account's sessions); prints a generated one unless
    /// --password-stdin.
    ResetPassword {
        /// User name.
        username: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: sessions end, API tokens are revoked.
    Disable {
        /// User name.
        username: String,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain of the audit log; exit status 3 if it does not verify.
    Verify,
    /// Seal pending events into the chain now.
    Seal,
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
        Command::User { what } => user_command(&settings, clock.as_ref(), what).await,
        Command::Audit { what } => audit_command(&settings, clock.as_ref(), what).await,
    }
}

/// The password for a command: from standard input, or generated (and then printed).
fn password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        let pw = line.trim_end_matches(['\r', '\n']).to_owned();
        anyhow::ensure!(!pw.is_empty(), "no password on standard input");
        Ok((pw, false))
    } else {
        Ok((users::generated_password()?, true))
    }
}

async fn user_command(
    settings: &Settings,
    clock: &dyn motcua_core::clock::Clock,
    what: UserCommand,
) -> anyhow::Result<ExitCode> {
    let db = motcua_store::Db::connect(&settings.db_config()?).await?;
    let now = clock.now();
    let passwords = motcua_web::auth::password::Passwords::new(1);
    let mut out = std::io::stdout().lock();
    let actor = "cli";
    match what {
        UserCommand::CreateOfficial {
            username,
            name,
            agency,
            email,
            password_stdin,
        } => {
            let (pw, generated) = password(password_stdin)?;
            let spec = OfficialSpec {
                username: &username,
                display_name: &name,
                agency_id: &agency,
                email: email.as_deref(),
            };
            let id = users::create_official(&db, &passwords, &spec, &pw, now, actor).await?;
            writeln!(out, "Đã tạo tài khoản {username} ({id}) tại {agency}.")?;
            if generated {
                writeln!(out, "Mật khẩu (chỉ hiện một lần): {pw}")?;
            }
        }
        UserCommand::Grant {
            username,
            role,
            agency,
            subtree,
            procedure,
            from,
            to,
        } => {
            let spec = GrantSpec {
                role: &role,
                agency_id: &agency,
                subtree,
                procedure: procedure.as_deref(),
                valid_from: from,
                valid_to: to,
            };
            let id = users::grant(&db, &username, &spec, now, actor).await?;
            writeln!(
                out,
                "Đã cấp quyền {role} tại {agency} cho {username} (mã {id})."
            )?;
        }
        UserCommand::Revoke { grant_id } => {
            if users::revoke(&db, &grant_id, now, actor).await? {
                writeln!(out, "Đã thu hồi quyền {grant_id}.")?;
            } else {
                writeln!(out, "Không có quyền {grant_id}, hoặc đã bị thu hồi.")?;
                db.close().await;
                return Ok(ExitCode::from(2));
            }
        }
        UserCommand::Grants { username } => {
            for g in users::grants(&db, &username).await? {
                let gr = &g.grant;
                writeln!(
                    out,
                    "{}  {:<18} {}{}{}  {} – {}{}",
                    g.id,
                    gr.role.as_str(),
                    gr.agency_id,
                    if gr.subtree {
                        " (+đơn vị trực thuộc)"
                    } else {
                        ""
                    },
                    gr.procedure
                        .as_ref()
                        .map(|p| format!(" thủ tục {p}"))
                        .unwrap_or_default(),
                    gr.valid_from,
                    gr.valid_to.map(|d| d.to_string()).unwrap_or_default(),
                    if g.revoked_at.is_some() {
                        "  [đã thu hồi]"
                    } else {
                        ""
                    },
                )?;
            }
        }
        UserCommand::ResetPassword {
            username,
            password_stdin,
        } => {
            let (pw, generated) = password(password_stdin)?;
            users::reset_password(&db, &passwords, &username, &pw, now, actor).await?;
            writeln!(
                out,
                "Đã đặt mật khẩu mới cho {username}; các phiên cũ đã kết thúc."
            )?;
            if generated {
                writeln!(out, "Mật khẩu (chỉ hiện một lần): {pw}")?;
            }
        }
        UserCommand::Disable { username } => {
            users::disable(&db, &username, now, actor).await?;
            writeln!(out, "Đã khoá tài khoản {username}.")?;
        }
    }
    db.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn audit_command(
    settings: &Settings,
    clock: &dyn motcua_core::clock::Clock,
    what: AuditCommand,
) -> anyhow::Result<ExitCode> {
    use motcua_store::AuditStore;
    let db = motcua_store::Db::connect(&settings.db_config()?).await?;
    let mut out = std::io::stdout().lock();
    let code = match what {
        AuditCommand::Seal => {
            app::seal_all(&db, clock).await;
            let v = db.verify_audit().await?;
            writeln!(out, "Chuỗi nhật ký: {} sự kiện đã niêm phong.", v.sealed)?;
            ExitCode::SUCCESS
        }
        AuditCommand::Verify => {
            let v = db.verify_audit().await?;
            writeln!(out, "Sự kiện đã niêm phong: {}", v.sealed)?;
            writeln!(out, "Chưa niêm phong:       {}", v.unsealed)?;
            writeln!(
                out,
                "Đầu chuỗi:             #{} {}",
                v.head_seq, v.head_hash
            )?;
            match v.problem {
                None => {
                    writeln!(
                        out,
                        "Kết quả: chuỗi toàn vẹn. Hãy lưu mã đầu chuỗi ở nơi khác để đối chiếu lần sau."
                    )?;
                    ExitCode::SUCCESS
                }
                Some(p) => {
                    writeln!(out, "Kết quả: CHUỖI BỊ PHÁ VỠ — {p}")?;
                    ExitCode::from(3)
                }
            }
        }
    };
    db.close().await;
    Ok(code)
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
