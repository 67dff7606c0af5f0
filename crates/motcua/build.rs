//! Lets integration tests mark themselves as ignored — visibly, with the reason — when no
//! PostgreSQL server is configured (`MOTCUA_TEST_PG_URL`): cfg `motcua_pg`.
//!
//! Only an environment variable is watched. A `rerun-if-changed` on a path that may not exist
//! (as `e2e/node_modules/…` on a fresh clone) would rerun this script on every build and
//! relink the binary each time, turning a no-op `cargo run --release` into minutes; the OIDC
//! tests therefore look for their provider when they run.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(motcua_pg)");
    println!("cargo::rerun-if-env-changed=MOTCUA_TEST_PG_URL");
    if std::env::var_os("MOTCUA_TEST_PG_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=motcua_pg");
    }
}
