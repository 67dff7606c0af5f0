//! `motcua agency …`, as a province's IT centre scripts an agency's setup: offers, then a
//! process exported, edited and given back, on the same service as the pages.

use std::{path::Path, process::Output};

use motcua_core::testkit;

use crate::support;

fn motcua(data: &Path, args: &[&str]) -> Output {
    support::motcua_in(data).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        text(&o)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn an_agency_is_set_up_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    support::seed_agencies(
        &data,
        &[
            testkit::agency("bn", None),
            testkit::agency("bn.ca", Some("bn")),
        ],
    );
    let file = dir.path().join("p.jsonl");
    std::fs::write(&file, format!("{}\n", crate::import::dvc_row())).unwrap();
    ok(motcua(
        &data,
        &["import", "procedures", file.to_str().unwrap()],
    ));
    let code = "1.004222";

    let o = motcua(
        &data,
        &[
            "agency",
            "offer",
            "--agency",
            "bn.ca",
            "--procedure",
            code,
            "HALF",
        ],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("FULL, PARTIAL, NONE hoặc withdraw"),
        "{}",
        text(&o)
    );
    let o = motcua(
        &data,
        &[
            "agency",
            "offer",
            "--agency",
            "bn.nowhere",
            "--procedure",
            code,
            "FULL",
        ],
    );
    assert!(!o.status.success(), "{}", text(&o));
    let out = ok(motcua(
        &data,
        &[
            "agency",
            "offer",
            "--agency",
            "bn.ca",
            "--procedure",
            code,
            "PARTIAL",
        ],
    ));
    assert!(out.contains("Đã lưu"), "{out}");
    let out = ok(motcua(&data, &["agency", "offers", "--agency", "bn.ca"]));
    assert_eq!(out, format!("{code}\tPARTIAL\n"));

    // The process: printed (the default), edited, given back, printed again.
    let o = motcua(
        &data,
        &[
            "agency",
            "process",
            "--agency",
            "bn.ca",
            "--procedure",
            code,
        ],
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("Quy trình mặc định"));
    let mut template: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    template["steps"][1]["name"] = "Xác minh nơi cư trú".into();
    let edited = dir.path().join("process.json");
    std::fs::write(&edited, template.to_string()).unwrap();
    let args = [
        "agency",
        "set-process",
        "--agency",
        "bn.ca",
        "--procedure",
        code,
        edited.to_str().unwrap(),
    ];
    assert!(ok(motcua(&data, &args)).contains("Đã lưu quy trình"));
    let out = ok(motcua(
        &data,
        &[
            "agency",
            "process",
            "--agency",
            "bn.ca",
            "--procedure",
            code,
        ],
    ));
    assert!(out.contains("Xác minh nơi cư trú"), "{out}");
    // Shares that do not add up: refused, with the reason; the saved process stays.
    template["steps"][0]["share"] = 0.9.into();
    std::fs::write(&edited, template.to_string()).unwrap();
    let o = motcua(&data, &args);
    assert!(!o.status.success());
    assert!(text(&o).contains("cộng lại bằng 1"), "{}", text(&o));
    let out = ok(motcua(
        &data,
        &[
            "agency",
            "process",
            "--agency",
            "bn.ca",
            "--procedure",
            code,
        ],
    ));
    assert!(out.contains("Xác minh nơi cư trú"), "{out}");
    ok(motcua(
        &data,
        &[
            "agency",
            "clear-process",
            "--agency",
            "bn.ca",
            "--procedure",
            code,
        ],
    ));
    let out = ok(motcua(
        &data,
        &[
            "agency",
            "process",
            "--agency",
            "bn.ca",
            "--procedure",
            code,
        ],
    ));
    assert!(!out.contains("Xác minh nơi cư trú"), "{out}");

    ok(motcua(
        &data,
        &[
            "agency",
            "offer",
            "--agency",
            "bn.ca",
            "--procedure",
            code,
            "withdraw",
        ],
    ));
    assert_eq!(
        ok(motcua(&data, &["agency", "offers", "--agency", "bn.ca"])),
        ""
    );
}
