//! Lets integration tests mark themselves as ignored — visibly, with the reason — when what they
//! need is missing, instead of passing silently:
//! - `motcua_pg`: a PostgreSQL server is configured (`MOTCUA_TEST_PG_URL`);
//! - `motcua_oidc`: Node.js and the `oidc-provider` package (`npm ci` in `e2e/`) are there for
//!   the tests against a real OpenID Connect provider.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(motcua_pg)");
    println!("cargo::rerun-if-env-changed=MOTCUA_TEST_PG_URL");
    if std::env::var_os("MOTCUA_TEST_PG_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=motcua_pg");
    }

    println!("cargo::rustc-check-cfg=cfg(motcua_oidc)");
    // npm writes this file on every install; while it is missing the script reruns each build,
    // so installing the packages later is noticed.
    println!("cargo::rerun-if-changed=../../e2e/node_modules/.package-lock.json");
    let provider = Path::new("../../e2e/node_modules/oidc-provider/package.json").exists();
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if provider && node {
        println!("cargo::rustc-cfg=motcua_oidc");
    }
}
