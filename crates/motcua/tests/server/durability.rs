//! Durability: the real binary is killed with SIGKILL during a burst of submissions and
//! restarted on the same database; every submission it acknowledged must be there, once,
//! with a unique code. Runs on both engines with the default (full) durability.

use std::{
    collections::HashSet,
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::api_token;
use motcua_store::testkit::TestDb;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `motcua serve` and waits until it is ready.
async fn spawn(data_dir: &std::path::Path, pg: Option<&str>, port: u16) -> tokio::process::Child {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.args([
        "serve",
        "--addr",
        &format!("127.0.0.1:{port}"),
        "--data-dir",
    ])
    .arg(data_dir)
    .env("MOTCUA_DEMO_DOSSIERS", "0")
    .env("MOTCUA_LOG__FILTER", "warn")
    .env_remove("MOTCUA_CONFIG")
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .kill_on_drop(true);
    match pg {
        Some(url) => cmd.env("MOTCUA_DATABASE_URL", url),
        None => cmd.env_remove("MOTCUA_DATABASE_URL"),
    };
    let child = cmd.spawn().unwrap();
    let ready = format!("http://127.0.0.1:{port}/readyz");
    for _ in 0..600 {
        if let Ok(r) = crate::client().get(&ready).send().await
            && r.status() == StatusCode::OK
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("motcua did not become ready");
}

async fn killed_mid_burst(engine: &'static str) {
    motcua::app::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let pg = if engine == "postgres" {
        Some(
            TestDb::for_engine(engine)
                .await
                .keep()
                .1
                .postgres_url
                .unwrap(),
        )
    } else {
        None
    };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = spawn(dir.path(), pg.as_deref(), port).await;
    let tok = api_token(&base, "citizen1", None).await.0;
    let file: Value = crate::client()
        .post(format!("{base}/api/v1/files?name=a.pdf"))
        .bearer_auth(&tok)
        .header("content-type", "application/pdf")
        .body("%PDF-1.4")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let p: Value = crate::client()
        .get(format!("{base}/api/v1/procedures/1.001193"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let documents: Vec<usize> = p["documents"][0]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, row)| row["kind"] == "required")
        .map(|(i, _)| i)
        .collect();
    let body = json!({
        "procedure": "1.001193", "agency": "bn.x07210",
        "applicant": {"kind": "individual", "name": "Nguyễn Văn An", "citizen_id": "024090001234",
                      "tax_code": null, "phone": null, "email": null, "address": null},
        "components": documents.iter().map(|i| json!({"index": i, "files": [file["id"]]})).collect::<Vec<_>>(),
    });
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (acked, body, tok, base) = (acked.clone(), body.clone(), tok.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let client = crate::client();
            loop {
                let r = client
                    .post(format!("{base}/api/v1/dossiers"))
                    .bearer_auth(&tok)
                    .header("idempotency-key", uuid::Uuid::now_v7().to_string())
                    .json(&body)
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status() == StatusCode::CREATED => {
                        let v: Value = match r.json().await {
                            Ok(v) => v,
                            Err(_) => return,
                        };
                        acked
                            .lock()
                            .unwrap()
                            .push(v["code"].as_str().unwrap().to_owned());
                    }
                    _ => return,
                }
            }
        }));
    }
    // Let the burst run, then kill without warning.
    while acked.lock().unwrap().len() < 200 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.start_kill().unwrap();
    child.wait().await.unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let unique: HashSet<&String> = acked.iter().collect();
    assert_eq!(unique.len(), acked.len(), "no code acknowledged twice");

    let _again = spawn(dir.path(), pg.as_deref(), port).await;
    let tok = api_token(&base, "citizen1", None).await.0;
    let mine: Value = crate::client()
        .get(format!("{base}/api/v1/me/dossiers"))
        .bearer_auth(&tok)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let stored: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    let stored_set: HashSet<&str> = stored.iter().copied().collect();
    assert_eq!(
        stored_set.len(),
        stored.len(),
        "codes are unique after the crash"
    );
    for code in &acked {
        let r = crate::client()
            .get(format!("{base}/api/v1/lookup/{code}?k=1234"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "acknowledged {code} lost");
    }
    assert!(stored.len() >= acked.len().min(200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_submissions_survive_sigkill_sqlite() {
    killed_mid_burst("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(motcua_pg),
    ignore = "PostgreSQL skipped: set MOTCUA_TEST_PG_URL=postgres://… and rebuild to run"
)]
async fn acknowledged_submissions_survive_sigkill_postgres() {
    killed_mid_burst("postgres").await;
}
