//! `motcua user …` and `motcua audit …`: administration from the command line.

use std::{io::Write, process::ExitCode};

use clap::Subcommand;

use motcua_core::identity::Role;
use motcua_service::{
    Actor, AdminService, ServiceError,
    admin::{GrantRequest, NewOfficial, generated_password},
    catalog::CatalogHandle,
    passwords::Passwords,
};
use motcua_store::Db;

use crate::{app, settings::Settings};

/// The actor name of every command-line change in the audit log.
pub const CLI_ACTOR: &str = "cli";

/// `motcua user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
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

/// `motcua audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain of the audit log; exit status 3 if it does not verify.
    Verify,
    /// Seal pending events into the chain now.
    Seal,
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
        Ok((generated_password().map_err(cli_error)?, true))
    }
}

/// A service refusal as the command line prints it (the same Vietnamese message the pages and
/// the API give).
pub fn cli_error(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Internal(detail) | ServiceError::Unavailable(detail) => {
            anyhow::anyhow!(detail)
        }
        other => anyhow::anyhow!(other.public_message()),
    }
}

/// The administration service over `db`, acting for the whole installation.
pub async fn admin_service(db: &Db) -> anyhow::Result<AdminService<Db>> {
    let catalog = CatalogHandle::load(db).await?;
    Ok(AdminService::new(
        std::sync::Arc::new(db.clone()),
        catalog,
        Passwords::new(1),
    ))
}

/// Runs `motcua user …`.
pub async fn user(
    settings: &Settings,
    clock: &dyn motcua_core::clock::Clock,
    what: UserCommand,
) -> anyhow::Result<ExitCode> {
    let db = Db::connect(&settings.db_config()?).await?;
    let code = run_user(&db, clock.now(), what).await;
    db.close().await;
    code
}

async fn run_user(db: &Db, now: jiff::Timestamp, what: UserCommand) -> anyhow::Result<ExitCode> {
    let admin = admin_service(db).await?;
    let actor = Actor::operator(CLI_ACTOR);
    let mut out = std::io::stdout().lock();
    match what {
        UserCommand::CreateOfficial {
            username,
            name,
            agency,
            email,
            password_stdin,
        } => {
            let (pw, generated) = password(password_stdin)?;
            let user = admin
                .create_official(
                    &actor,
                    now,
                    NewOfficial {
                        username: username.clone(),
                        display_name: name,
                        agency_id: agency.clone(),
                        email,
                        password: pw.clone(),
                    },
                )
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "Đã tạo tài khoản {username} ({}) tại {agency}.",
                user.id
            )?;
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
            let role: Role = role
                .parse()
                .map_err(|e: motcua_core::identity::UnknownRole| {
                    let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                    anyhow::anyhow!("{e}; các vai trò: {}", all.join(", "))
                })?;
            let user = admin.user_named(&username).await.map_err(cli_error)?;
            let g = admin
                .grant(
                    &actor,
                    now,
                    &user.id,
                    GrantRequest {
                        role,
                        agency_id: agency.clone(),
                        subtree,
                        procedure,
                        valid_from: from,
                        valid_to: to,
                    },
                )
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "Đã cấp quyền {role} tại {agency} cho {username} (mã {}).",
                g.id
            )?;
        }
        UserCommand::Revoke { grant_id } => match admin.revoke(&actor, now, &grant_id).await {
            Ok(()) => writeln!(out, "Đã thu hồi quyền {grant_id}.")?,
            Err(ServiceError::NotFound(m)) => {
                writeln!(out, "{m}")?;
                return Ok(ExitCode::from(2));
            }
            Err(e) => return Err(cli_error(e)),
        },
        UserCommand::Grants { username } => {
            let user = admin.user_named(&username).await.map_err(cli_error)?;
            for g in admin
                .grants_of(&actor, now, &user.id)
                .await
                .map_err(cli_error)?
            {
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
            let user = admin.user_named(&username).await.map_err(cli_error)?;
            admin
                .reset_password(&actor, now, &user.id, &pw)
                .await
                .map_err(cli_error)?;
            writeln!(
                out,
                "Đã đặt mật khẩu mới cho {username}; các phiên cũ đã kết thúc."
            )?;
            if generated {
                writeln!(out, "Mật khẩu (chỉ hiện một lần): {pw}")?;
            }
        }
        UserCommand::Disable { username } => {
            let user = admin.user_named(&username).await.map_err(cli_error)?;
            admin
                .disable(&actor, now, &user.id)
                .await
                .map_err(cli_error)?;
            writeln!(out, "Đã khoá tài khoản {username}.")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `motcua audit …`.
pub async fn audit(
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
