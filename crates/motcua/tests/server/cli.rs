//! The binary's commands, run as a user runs them.

use std::{
    io::Write,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use crate::support::motcua;

#[test]
fn import_command_reports_and_signals_rejected_rows() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("procedures.jsonl");
    let mut f = std::fs::File::create(&file).unwrap();
    writeln!(f, "{}", super::import::dvc_row()).unwrap();
    writeln!(f, "{{not json").unwrap();
    drop(f);
    let out = motcua()
        .args(["--data-dir"])
        .arg(dir.path().join("data"))
        .args(["import", "procedures"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(2),
        "rejected rows give exit code 2: {stdout}"
    );
    assert!(stdout.contains("tạo mới:        1"), "{stdout}");
    assert!(stdout.contains("dòng 2"), "{stdout}");
    // Idempotent from the command line too.
    let out = motcua()
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["import", "procedures"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("không đổi:      1"), "{stdout}");
    // A missing file is a clear error, not a panic, and touches no database.
    let empty = dir.path().join("untouched");
    let out = motcua()
        .arg("--data-dir")
        .arg(&empty)
        .args(["import", "procedures", "/no/such/file.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open"));
    assert!(
        !empty.exists(),
        "no database is created for a failed import"
    );
}

#[test]
fn migrate_and_config_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = motcua()
        .arg("--data-dir")
        .arg(dir.path())
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("motcua.db").exists());
    let out = motcua()
        .env(
            "MOTCUA_DATABASE_URL",
            "postgres://motcua:hunter2@db.example/motcua",
        )
        .arg("config")
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        printed.contains("postgres://motcua:***@db.example/motcua"),
        "{printed}"
    );
    assert!(!printed.contains("hunter2"), "the password never prints");
}

#[test]
#[expect(
    clippy::disallowed_methods,
    reason = "a synchronous test polling a child process"
)]
fn serve_starts_with_demo_data_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = motcua()
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let ready = loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::Read;
            s.write_all(b"GET /readyz HTTP/1.0\r\n\r\n").unwrap();
            let mut body = String::new();
            let _ = s.read_to_string(&mut body);
            if body.starts_with("HTTP/1.0 200") {
                break body;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "server did not become ready"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(ready.contains("\"procedures\":2642"), "{ready}");
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0: {status}");
}
