//! `motcua calendar …`, run as an administrator runs it: compute, look up, and publish next
//! year's calendar with export → edit → import.

use std::{path::Path, process::Output};

use motcua_core::{
    agency::{Agency, AgencyKind},
    testkit,
};

use crate::support;

/// Runs a command as the operator `alice` (the change log records her).
fn motcua(data: &Path, args: &[&str]) -> Output {
    support::motcua_in(data)
        .env("USER", "alice")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

#[test]
fn calendar_lookups_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let out = ok(motcua(&data, &["calendar", "lunar", "2026-02-17"]));
    assert!(out.contains("1/1 năm Bính Ngọ"), "{out}");
    assert!(out.contains("Tết Nguyên đán Bính Ngọ"), "{out}");
    assert!(!data.exists(), "a lunar lookup needs no database");

    let out = ok(motcua(
        &data,
        &[
            "calendar",
            "due",
            "--received",
            "2026-02-13T16:30:00+07:00",
            "--amount",
            "3",
            "--unit",
            "working_days",
        ],
    ));
    assert!(
        out.contains(
            "Hạn trả:     16 giờ 30, thứ Tư, ngày 25/02/2026  (2026-02-25T16:30:00+07:00)"
        ),
        "{out}"
    );
    assert!(
        out.contains("Thứ Hai, 16/02/2026    Nghỉ Tết Nguyên đán Bính Ngọ"),
        "{out}"
    );
    assert!(out.contains("(14/02–22/02/2026, 9 ngày)"), "{out}");

    let out = ok(motcua(&data, &["calendar", "year", "2026"]));
    assert!(
        out.starts_with("Lịch nghỉ năm 2026 (dữ liệu chính thức đã lưu)"),
        "{out}"
    );
    assert!(out.contains("250 ngày làm việc"), "{out}");
    assert!(out.contains("Thứ Hai, 27/04/2026"), "{out}");
    assert!(out.contains("Nghỉ bù"), "{out}");
    assert!(out.contains("Làm việc bù cho ngày 02/01/2026"), "{out}");

    // Bad input: the message says what to send, and the exit status is not 0.
    let bad = motcua(
        &data,
        &[
            "calendar",
            "due",
            "--received",
            "2026-02-13T16:30:00",
            "--amount",
            "3",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("thiếu múi giờ"), "{}", stderr(&bad));
    let bad = motcua(
        &data,
        &[
            "calendar",
            "due",
            "--received",
            "2026-02-13T16:30:00+07:00",
            "--amount",
            "-3",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("không được âm"), "{}", stderr(&bad));
    let bad = motcua(&data, &["calendar", "year", "1999"]);
    assert_eq!(bad.status.code(), Some(1));
    let bad = motcua(&data, &["calendar", "lunar", "2026-13-01"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("YYYY-MM-DD"), "{}", stderr(&bad));
}

/// The yearly routine of docs/OPERATIONS.md: export next year's computed defaults, correct
/// them from the Government's notice, import, and check.
#[test]
fn publishing_next_years_calendar_export_edit_import() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let due_2027 = [
        "calendar",
        "due",
        "--received",
        "2027-02-04T10:00:00+07:00",
        "--amount",
        "1",
    ];
    let before = ok(motcua(&data, &due_2027));
    assert!(before.contains("(2027-02-12T10:00:00+07:00)"), "{before}");
    assert!(
        before.contains("Lịch nghỉ năm 2027 chưa được công bố"),
        "{before}"
    );

    let file = dir.path().join("2027.csv");
    let out = ok(motcua(
        &data,
        &[
            "calendar",
            "export",
            "2027",
            "--output",
            file.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("Đã ghi"), "{out}");
    let exported = std::fs::read_to_string(&file).unwrap();
    assert!(exported.starts_with("# Lịch nghỉ năm 2027: CHƯA CÓ dữ liệu chính thức"));
    assert!(exported.contains("2027-02-08,Thứ Hai,holiday,Tết Nguyên đán Đinh Mùi,default"));

    // The notice: everything confirmed, and Friday 12/2 swapped with Saturday 20/2.
    let notice = "Thông báo 1234/TB-BNV (15/10/2026)";
    let mut edited = exported.replace(",default,", ",confirmed,");
    for line in [
        format!(
            "2027-02-12,Thứ Sáu,swapped_day_off,Tết Nguyên đán Đinh Mùi,confirmed,2027-02-20,{notice},"
        ),
        format!("2027-02-13,Thứ Bảy,weekend_in_break,Tết Nguyên đán Đinh Mùi,confirmed,,{notice},"),
        format!(
            "2027-02-14,Chủ nhật,weekend_in_break,Tết Nguyên đán Đinh Mùi,confirmed,,{notice},"
        ),
        format!(
            "2027-02-20,Thứ Bảy,make_up_workday,Tết Nguyên đán Đinh Mùi,confirmed,2027-02-12,{notice},"
        ),
    ] {
        edited.push_str(&line);
        edited.push('\n');
    }
    std::fs::write(&file, &edited).unwrap();
    let out = ok(motcua(
        &data,
        &[
            "calendar",
            "import",
            file.to_str().unwrap(),
            "--note",
            notice,
        ],
    ));
    assert!(out.contains("(lịch quốc gia), năm 2027"), "{out}");
    assert!(
        out.contains("năm 2027 trước đây chưa có dữ liệu"),
        "the computed defaults are replaced: {out}"
    );
    assert!(out.contains("thêm:  25"), "{out}");
    assert!(out.contains("bỏ:    0"), "{out}");
    assert!(
        out.contains("+ Thứ Sáu, 12/02/2027    Nghỉ hoán đổi (làm bù Thứ Bảy 20/02/2027)"),
        "{out}"
    );

    let after = ok(motcua(&data, &due_2027));
    assert!(after.contains("(2027-02-15T10:00:00+07:00)"), "{after}");
    assert!(!after.contains("chưa được công bố"), "{after}");
    let year = ok(motcua(&data, &["calendar", "year", "2027"]));
    assert!(
        year.starts_with("Lịch nghỉ năm 2027 (dữ liệu chính thức đã lưu)"),
        "{year}"
    );

    // A correction later: the make-up Saturday moves to 27/2.
    std::fs::write(
        &file,
        edited
            .replace(
                "2027-02-20,Thứ Bảy,make_up_workday",
                "2027-02-27,Thứ Bảy,make_up_workday",
            )
            .replace(",2027-02-20,", ",2027-02-27,"),
    )
    .unwrap();
    let out = ok(motcua(
        &data,
        &["calendar", "import", file.to_str().unwrap()],
    ));
    assert!(
        out.contains("thêm:  1") && out.contains("bỏ:    1") && out.contains("sửa:   1"),
        "{out}"
    );
    assert!(out.contains("- Thứ Bảy, 20/02/2027"), "{out}");
    assert!(out.contains("~ Thứ Sáu, 12/02/2027"), "{out}");
    std::fs::write(&file, &edited).unwrap();
    ok(motcua(
        &data,
        &[
            "calendar",
            "import",
            file.to_str().unwrap(),
            "--note",
            notice,
        ],
    ));

    // The same file again changes nothing; the change log names who, what and why.
    let again = ok(motcua(
        &data,
        &["calendar", "import", file.to_str().unwrap()],
    ));
    assert!(again.contains("Không có thay đổi"), "{again}");
    let log = ok(motcua(&data, &["calendar", "log"]));
    let first = log.lines().next().unwrap();
    assert!(
        first.contains("cli:alice · lịch quốc gia · năm 2027: thêm 1, bỏ 1, sửa 1"),
        "{log}"
    );
    assert!(first.ends_with(notice), "{log}");
    assert!(
        log.contains("motcua · lịch quốc gia · năm 2020, 2021"),
        "{log}"
    );

    // A broken file is refused whole, naming the line; nothing changes.
    let broken = dir.path().join("broken.csv");
    std::fs::write(
        &broken,
        "date,kind,occasion,status\n2028-01-01,holiday,Tết Dương lịch,confirmed\n2028-02-30,holiday,Tết,confirmed\n",
    )
    .unwrap();
    let out = motcua(&data, &["calendar", "import", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("dòng 3"), "{}", stderr(&out));
    let year = ok(motcua(&data, &["calendar", "year", "2028"]));
    assert!(year.contains("DỰ KIẾN"), "2028 untouched: {year}");
    // A missing file touches no database.
    let fresh = dir.path().join("fresh");
    let out = motcua(&fresh, &["calendar", "import", "/no/such/calendar.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!fresh.exists());
}

#[test]
fn agency_days_and_office_hours_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let agency = |id: &str, parent: Option<&str>, kind| Agency {
        kind,
        ..testkit::agency(id, parent)
    };
    support::seed_agencies(
        &data,
        &[
            agency("bn", None, AgencyKind::ProvincialCommittee),
            agency("bn.tt", Some("bn"), AgencyKind::ServiceCentre),
        ],
    );

    // The province staffs its desk on Friday 20/2/2026, a Tết holiday (allowed for an agency).
    let file = dir.path().join("bn.csv");
    std::fs::write(
        &file,
        "date,kind,occasion,status\n2026-02-20,make_up_workday,Trực Tết,confirmed\n",
    )
    .unwrap();
    let out = ok(motcua(
        &data,
        &[
            "calendar",
            "import",
            file.to_str().unwrap(),
            "--agency",
            "bn",
        ],
    ));
    assert!(out.contains("ngày riêng của Cơ quan bn (bn)"), "{out}");
    let due = |agency: Option<&str>| {
        let mut args = vec![
            "calendar",
            "due",
            "--received",
            "2026-02-13T16:30:00+07:00",
            "--amount",
            "1",
        ];
        if let Some(a) = agency {
            args.extend(["--agency", a]);
        }
        ok(motcua(&data, &args))
    };
    assert!(due(None).contains("(2026-02-23T16:30:00+07:00)"));
    let child = due(Some("bn.tt"));
    assert!(child.contains("(2026-02-20T16:30:00+07:00)"), "{child}");
    assert!(child.contains("lịch của Cơ quan bn.tt (bn.tt)"), "{child}");
    let year = ok(motcua(
        &data,
        &["calendar", "year", "2026", "--agency", "bn.tt"],
    ));
    assert!(year.contains("riêng của Cơ quan bn (bn)"), "{year}");
    let export = ok(motcua(
        &data,
        &["calendar", "export", "2026", "--agency", "bn"],
    ));
    assert!(
        export.contains("2026-02-20,Thứ Sáu,make_up_workday,Trực Tết,confirmed"),
        "{export}"
    );
    // An empty file for the year clears the agency's own days again.
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "date,kind,occasion,status\n").unwrap();
    let out = ok(motcua(
        &data,
        &[
            "calendar",
            "import",
            empty.to_str().unwrap(),
            "--agency",
            "bn",
            "--years",
            "2026",
        ],
    ));
    assert!(out.contains("bỏ:    1"), "{out}");
    assert!(due(Some("bn.tt")).contains("(2026-02-23T16:30:00+07:00)"));

    let out = motcua(
        &data,
        &[
            "calendar",
            "import",
            file.to_str().unwrap(),
            "--agency",
            "nowhere",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("không có cơ quan"),
        "{}",
        stderr(&out)
    );

    // Office hours: Saturday mornings for the province, inherited by its service centre.
    let hours = dir.path().join("hours.toml");
    std::fs::write(
        &hours,
        r#"working_day_minutes = 480
make_up_day_schedule = "monday"
[[periods]]
name = "Cả năm"
from = "01-01"
to = "12-31"
[periods.week]
monday = [{ start = "07:30", end = "11:30" }, { start = "13:00", end = "17:00" }]
tuesday = [{ start = "07:30", end = "11:30" }, { start = "13:00", end = "17:00" }]
wednesday = [{ start = "07:30", end = "11:30" }, { start = "13:00", end = "17:00" }]
thursday = [{ start = "07:30", end = "11:30" }, { start = "13:00", end = "17:00" }]
friday = [{ start = "07:30", end = "11:30" }, { start = "13:00", end = "17:00" }]
saturday = [{ start = "07:30", end = "11:30" }]
"#,
    )
    .unwrap();
    let out = ok(motcua(
        &data,
        &[
            "calendar",
            "office-hours",
            "--agency",
            "bn",
            "--file",
            hours.to_str().unwrap(),
        ],
    ));
    assert!(out.contains("Đã lưu giờ làm việc riêng"), "{out}");
    let shown = ok(motcua(
        &data,
        &["calendar", "office-hours", "--agency", "bn.tt"],
    ));
    assert!(shown.contains("(theo Cơ quan bn (bn))"), "{shown}");
    assert!(shown.contains("Thứ Bảy   07:30–11:30"), "{shown}");
    // Friday 6/3/2026 13:00 + 1 day: 240 minutes on Friday, 240 on Saturday morning.
    let out = ok(motcua(
        &data,
        &[
            "calendar",
            "due",
            "--received",
            "2026-03-06T13:00:00+07:00",
            "--amount",
            "1",
            "--agency",
            "bn.tt",
        ],
    ));
    assert!(out.contains("(2026-03-07T11:30:00+07:00)"), "{out}");
    // A broken file names the field; nothing is stored.
    std::fs::write(&hours, "working_day_minutes = \"eight hours\"\n").unwrap();
    let out = motcua(
        &data,
        &[
            "calendar",
            "office-hours",
            "--agency",
            "bn",
            "--file",
            hours.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("working_day_minutes"),
        "{}",
        stderr(&out)
    );
    let out = ok(motcua(
        &data,
        &["calendar", "office-hours", "--agency", "bn", "--reset"],
    ));
    assert!(out.contains("Đã bỏ giờ làm việc riêng"), "{out}");
    let shown = ok(motcua(
        &data,
        &["calendar", "office-hours", "--agency", "bn.tt"],
    ));
    assert!(shown.contains("(giờ chuẩn)"), "{shown}");
    let log = ok(motcua(&data, &["calendar", "log", "--limit", "3"]));
    assert_eq!(log.lines().count(), 3, "{log}");
    assert!(
        log.lines()
            .next()
            .unwrap()
            .contains("cơ quan bn · giờ làm việc"),
        "{log}"
    );
}
