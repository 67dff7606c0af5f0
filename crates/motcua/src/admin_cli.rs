//! `motcua user …` and `motcua audit …`: administration from the command line.

use std::{io::Write, process::ExitCode};

use clap::Subcommand;

use crate::{
    app,
    settings::Settings,
    users::{self, GrantSpec, OfficialSpec},
};

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
        Ok((users::generated_password()?, true))
    }
}

/// Runs `motcua user …`.
pub async fn user(
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
