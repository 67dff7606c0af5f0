//! Lets the contract tests mark their PostgreSQL half as ignored — visibly, with the reason —
//! when no PostgreSQL server is configured, instead of passing silently.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(motcua_pg)");
    println!("cargo::rerun-if-env-changed=MOTCUA_TEST_PG_URL");
    if std::env::var_os("MOTCUA_TEST_PG_URL").is_some_and(|v| !v.is_empty()) {
        println!("cargo::rustc-cfg=motcua_pg");
    }
}
