//! Administration through the API and the command line: officials, grants, the audit log.

use std::process::Stdio;

use motcua_core::identity::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::{
    Server, on_both,
    security::bearer,
    support::{PASSWORD, api_token, audit, motcua_in, official, run_motcua, unique},
};

async fn grants_are_managed_through_the_api_and_audited(s: &Server) {
    let (admin, admin_id) = official(
        s,
        "adm",
        "bn.vp",
        Some((Role::Administrator, "bn", true, None)),
    )
    .await;
    let (t, _) = api_token(&s.base, &admin, None).await;
    let api = |p: &str| format!("{}/api/v1{p}", s.base);

    // A new official.
    let username = unique("moi");
    let r = bearer(Method::POST, &api("/users"), &t)
        .json(&json!({"username": username, "display_name": "Mai Thị Thu", "agency_id": "bn.x07210", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let user: Value = r.json().await.unwrap();
    let id = user["id"].as_str().unwrap().to_owned();
    assert_eq!(user["agency_id"], "bn.x07210");
    let r = bearer(Method::POST, &api("/users"), &t)
        .json(&json!({"username": username, "display_name": "Trùng tên", "agency_id": "bn.x07210", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);

    // A grant with dates and a procedure.
    let r = bearer(Method::POST, &api(&format!("/users/{id}/grants")), &t)
        .json(
            &json!({"role": "handling_officer", "agency_id": "bn.x07210", "procedure": "1.001193",
                      "valid_from": "2026-01-01", "valid_to": "2026-12-31"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let grant: Value = r.json().await.unwrap();
    let grant_id = grant["id"].as_str().unwrap().to_owned();
    assert_eq!(grant["procedure"], "1.001193");
    assert_eq!(grant["valid_to"], "2026-12-31");
    // Invalid grants are refused before anything is written.
    for (body, code) in [
        (json!({"role": "pope", "agency_id": "bn"}), "invalid_body"),
        (
            json!({"role": "clerk", "agency_id": "nowhere"}),
            "unknown_agency",
        ),
        (
            json!({"role": "clerk", "agency_id": "bn", "valid_from": "2026-02-01", "valid_to": "2026-01-01"}),
            "invalid_dates",
        ),
        (
            json!({"role": "clerk", "agency_id": "bn", "procedure": "12"}),
            "invalid_procedure",
        ),
    ] {
        let r = bearer(Method::POST, &api(&format!("/users/{id}/grants")), &t)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], code);
    }
    // The new official now holds the permission for that procedure only.
    let (ut, _) = api_token(&s.base, &username, None).await;
    let me: Value = bearer(Method::GET, &api("/me"), &ut)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        me["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("dossier.handle"))
    );

    // Revoke: once.
    let r = bearer(Method::DELETE, &api(&format!("/grants/{grant_id}")), &t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = bearer(Method::DELETE, &api(&format!("/grants/{grant_id}")), &t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let list: Value = bearer(Method::GET, &api(&format!("/users/{id}/grants")), &t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0]["revoked_at"].is_string(), "kept on record");

    // Both changes are in the audit log, by the administrator, about the agency.
    for action in ["grant.create", "grant.revoke"] {
        let events = audit(s, action, Some(&format!("grant:{grant_id}"))).await;
        assert_eq!(events.len(), 1, "{action}");
        let e = &events[0].event;
        assert_eq!(e.actor, format!("user:{admin_id}"));
        assert_eq!(e.agency_id.as_deref(), Some("bn.x07210"));
        assert_eq!(e.procedure_code.as_deref(), Some("1.001193"));
        assert_eq!(e.detail["role"], "handling_officer");
    }

    // Disabling ends the account's tokens.
    let r = bearer(Method::POST, &api(&format!("/users/{id}/disable")), &t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = bearer(Method::GET, &api("/me"), &ut).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
}
on_both!(grants_are_managed_through_the_api_and_audited);

/// The attacks that found the separation-of-duties gaps: an administrator giving itself a
/// dossier role, a ward administrator granting to an official it does not manage, and an
/// administrator locking itself out. Each is refused, audited with its reason, and changes
/// nothing.
async fn administrators_cannot_give_themselves_power(s: &Server) {
    let (admin, admin_id) = official(
        s,
        "sod",
        "bn.vp",
        Some((Role::Administrator, "bn", true, None)),
    )
    .await;
    let (t, _) = api_token(&s.base, &admin, None).await;
    let api = |p: &str| format!("{}/api/v1{p}", s.base);
    let grants_of = |id: String| {
        let t = t.clone();
        let url = api(&format!("/users/{id}/grants"));
        async move {
            let list: Value = bearer(Method::GET, &url, &t)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            list.as_array().unwrap().len()
        }
    };

    // 1. A province administrator grants itself `agency_leader` over the province.
    let before = grants_of(admin_id.clone()).await;
    let r = bearer(Method::POST, &api(&format!("/users/{admin_id}/grants")), &t)
        .json(&json!({"role": "agency_leader", "agency_id": "bn", "subtree": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(grants_of(admin_id.clone()).await, before, "nothing granted");
    // It still reads no dossier (its own role forbids it): the inbox is empty.
    let inbox: Value = bearer(Method::GET, &api("/inbox?status=all"), &t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inbox["total"], 0, "{inbox}");
    let denied =
        crate::support::audit_by(s, &format!("user:{admin_id}"), "permission.denied").await;
    assert!(
        denied
            .iter()
            .any(|e| e.event.detail["reason"] == "self_grant"),
        "{denied:#?}"
    );

    // 2. A ward administrator grants a role at its ward to an official of a department.
    let (ward_admin, _) = official(
        s,
        "wadm",
        "bn.x07210",
        Some((Role::Administrator, "bn.x07210", false, None)),
    )
    .await;
    let (wt, _) = api_token(&s.base, &ward_admin, None).await;
    let (_, stranger_id) = official(s, "lac", "bn.stp", None).await;
    // It cannot even list that official …
    let listed: Value = bearer(Method::GET, &api("/users"), &wt)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !listed
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == stranger_id.as_str())
    );
    // … so it cannot grant them anything, even at its own ward.
    let r = bearer(
        Method::POST,
        &api(&format!("/users/{stranger_id}/grants")),
        &wt,
    )
    .json(&json!({"role": "handling_officer", "agency_id": "bn.x07210"}))
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(grants_of(stranger_id.clone()).await, 0);
    let refusals = audit(s, "permission.denied", Some(&format!("user:{stranger_id}"))).await;
    assert!(
        refusals
            .iter()
            .any(|e| e.event.detail["reason"] == "grantee_outside_scope"),
        "{refusals:#?}"
    );
    // An official of its own ward it may grant to.
    let (_, own_id) = official(s, "nha", "bn.x07210", None).await;
    let r = bearer(Method::POST, &api(&format!("/users/{own_id}/grants")), &wt)
        .json(&json!({"role": "handling_officer", "agency_id": "bn.x07210"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    // 3. An administrator disables its own account (and its tokens with it).
    let r = bearer(
        Method::POST,
        &api(&format!("/users/{admin_id}/disable")),
        &t,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = bearer(Method::GET, &api("/me"), &t).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "still signed in");
    let refusals = audit(s, "permission.denied", Some(&format!("user:{admin_id}"))).await;
    assert!(
        refusals
            .iter()
            .any(|e| e.event.detail["reason"] == "self_disable"),
        "{refusals:#?}"
    );
}
on_both!(administrators_cannot_give_themselves_power);

/// The audit log as the API shows it to the holder of `token`.
async fn audit_log(s: &Server, token: &str) -> Vec<Value> {
    let events: Value = bearer(
        Method::GET,
        &format!("{}/api/v1/audit?limit=1000", s.base),
        token,
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    events.as_array().unwrap().clone()
}

async fn auditors_read_the_log_within_their_scope(s: &Server) {
    // The province's auditor sees events about agencies and events about no agency.
    let (auditor, _) = official(s, "aud", "bn.ttr", Some((Role::Auditor, "bn", true, None))).await;
    let (t, _) = api_token(&s.base, &auditor, None).await;
    let events = audit_log(s, &t).await;
    assert!(
        events.iter().any(|e| e["agency_id"].is_null()),
        "unscoped events"
    );
    assert!(events.iter().any(|e| e["action"] == "grant.create"));
    // A department's auditor sees that department only.
    let (local, _) = official(
        s,
        "audstp",
        "bn.stp",
        Some((Role::Auditor, "bn.stp", false, None)),
    )
    .await;
    let (t, _) = api_token(&s.base, &local, None).await;
    // Something to see there.
    official(
        s,
        "seen",
        "bn.stp",
        Some((Role::Clerk, "bn.stp", false, None)),
    )
    .await;
    let events = audit_log(s, &t).await;
    assert!(!events.is_empty());
    assert!(
        events.iter().all(|e| e["agency_id"] == "bn.stp"),
        "{events:#?}"
    );
    // And someone without audit.read is refused.
    let (clerk, _) = official(
        s,
        "noaud",
        "bn.stp",
        Some((Role::Clerk, "bn.stp", false, None)),
    )
    .await;
    let (t, _) = api_token(&s.base, &clerk, None).await;
    let r = bearer(Method::GET, &format!("{}/api/v1/audit", s.base), &t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
on_both!(auditors_read_the_log_within_their_scope);

/// The first administrator of an installation comes from the command line.
#[test]
fn officials_and_grants_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // An installation without demo data has agencies only after an import; the demo has them.
    let (code, out) = run_motcua(d, &["migrate"], None);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_motcua(
        d,
        &[
            "user",
            "create-official",
            "thu",
            "--name",
            "Nguyễn Văn Thu",
            "--agency",
            "bn.stp",
        ],
        None,
    );
    assert_ne!(code, 0, "no agencies in an empty database: {out}");
    assert!(out.contains("Không có cơ quan này"), "{out}");

    // With the demo data (a server started once loads it).
    let data = d.join("demo");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = motcua_in(&data)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The server listens once the demo data and accounts are in.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not start"
        );
        #[expect(
            clippy::disallowed_methods,
            reason = "a synchronous test waiting for a child process, no runtime to block"
        )]
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let _ = server.kill();
    let _ = server.wait();
    let (code, ready) = run_motcua(&data, &["user", "grants", "admin"], None);
    assert_eq!(code, 0, "{ready}");
    assert!(
        ready.contains("administrator") && ready.contains("bn"),
        "{ready}"
    );

    let (code, out) = run_motcua(
        &data,
        &[
            "user",
            "create-official",
            "thu",
            "--name",
            "Nguyễn Văn Thu",
            "--agency",
            "bn.stp",
            "--password-stdin",
        ],
        Some("một mật khẩu đủ dài"),
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        !out.contains("một mật khẩu"),
        "a given password is not echoed"
    );
    let (code, out) = run_motcua(
        &data,
        &[
            "user",
            "create-official",
            "tam",
            "--name",
            "Lê Thị Tám",
            "--agency",
            "bn.stp",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Mật khẩu (chỉ hiện một lần):"),
        "a generated password is shown once"
    );
    let (code, out) = run_motcua(
        &data,
        &[
            "user",
            "grant",
            "thu",
            "handling_officer",
            "--agency",
            "bn.stp",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ],
        None,
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_motcua(
        &data,
        &["user", "grant", "thu", "pope", "--agency", "bn.stp"],
        None,
    );
    assert_ne!(code, 0);
    assert!(out.contains("receiving_officer"), "lists the roles: {out}");
    let (_, list) = run_motcua(&data, &["user", "grants", "thu"], None);
    assert!(
        list.contains("handling_officer") && list.contains("2026-01-01 – 2026-12-31"),
        "{list}"
    );
    let grant_id = list.split_whitespace().next().unwrap().to_owned();
    let (code, out) = run_motcua(&data, &["user", "revoke", &grant_id], None);
    assert_eq!(code, 0, "{out}");
    let (code, _) = run_motcua(&data, &["user", "revoke", &grant_id], None);
    assert_eq!(code, 2, "already revoked");
    let (_, list) = run_motcua(&data, &["user", "grants", "thu"], None);
    assert!(list.contains("[đã thu hồi]"), "{list}");
    let (code, out) = run_motcua(
        &data,
        &["user", "reset-password", "thu", "--password-stdin"],
        Some("ngắn"),
    );
    assert_ne!(code, 0, "the password policy applies: {out}");
    let (code, out) = run_motcua(
        &data,
        &["user", "reset-password", "thu", "--password-stdin"],
        Some("mật khẩu mới đủ dài"),
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_motcua(&data, &["user", "disable", "thu"], None);
    assert_eq!(code, 0, "{out}");

    // Every change is in the audit log, whose chain verifies.
    let (code, out) = run_motcua(&data, &["audit", "seal"], None);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run_motcua(&data, &["audit", "verify"], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("chuỗi toàn vẹn"), "{out}");
    assert!(out.contains("Chưa niêm phong:       0"), "{out}");
}
