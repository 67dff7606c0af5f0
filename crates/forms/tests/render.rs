//! Every form rendered for a realistic dossier and read back: the PDF text (by `pdftotext`) must
//! show the title, the Vietnamese names with their tone marks and the dossier code; the XLSX must
//! be a well-formed workbook holding the values; the CSV must round-trip.

#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed step should fail the test loudly"
)]

mod common;

use std::io::Read;

use common::{CODE, form_data, keep, ledger, pages, pdftotext};
use motcua_forms::{
    FormData, FormKind, Ledger, Wording, ledger_csv, ledger_pdf, ledger_xlsx, render,
};

fn wording() -> Wording {
    Wording::shipped().expect("shipped wording")
}

/// Collapses whitespace so that text wrapped over lines still matches.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn every_form_shows_its_title_names_and_code() {
    let w = wording();
    let d = form_data();
    for kind in FormKind::ALL {
        let pdf = render(kind, &w, &d).expect("render");
        keep(&format!("form-{}.pdf", kind.number()), &pdf);
        assert!(pdf.starts_with(b"%PDF-"));
        let Some(text) = pdftotext(&pdf) else {
            return;
        };
        let flat = squash(&text);
        let title = kind.title(&w);
        assert!(
            flat.contains(&title),
            "{kind:?}: no title {title:?} in\n{text}"
        );
        assert!(flat.contains(CODE), "{kind:?}: no code in\n{text}");
        assert!(
            flat.contains("Nguyễn Thị Hường"),
            "{kind:?}: no applicant in\n{text}"
        );
        assert!(
            flat.contains("Đăng ký khai sinh"),
            "{kind:?}: no procedure in\n{text}"
        );
        assert!(
            flat.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            "{kind:?}: no motto in\n{text}"
        );
        assert!(flat.contains("Độc lập - Tự do - Hạnh phúc"), "{kind:?}");
        assert!(
            flat.contains("ngày 02 tháng 12 năm 2026"),
            "{kind:?}: date\n{text}"
        );
        assert!(
            flat.contains("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"),
            "{kind:?}"
        );
        assert!(flat.contains("ỦY BAN NHÂN DÂN TỈNH BẮC NINH"), "{kind:?}");
        assert_eq!(pages(&pdf), Some(1), "{kind:?} should fit on one A5 page");
    }
}

#[test]
fn each_form_prints_its_own_content() {
    let w = wording();
    let d = form_data();
    let text = |kind| pdftotext(&render(kind, &w, &d).expect("render")).map(|t| squash(&t));
    let Some(receipt) = text(FormKind::Receipt01) else {
        return;
    };
    for expected in [
        "Số: 125/TNHS",
        "Giấy chứng sinh do cơ sở y tế cấp",
        "09 giờ 30 phút, ngày 02/12/2026",
        "16 giờ 00 phút, ngày 03/12/2026",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Đặng Quốc Việt",
        "Quyển số: 01/2026, Số thứ tự: 1204",
        "1 ngày làm việc",
        "Miễn lệ phí",
    ] {
        assert!(
            receipt.contains(expected),
            "Form 01 lacks {expected:?}:\n{receipt}"
        );
    }
    let supplement = text(FormKind::Supplement02).unwrap_or_default();
    for expected in [
        "Chưa có chứng thực chữ ký của người ủy quyền.",
        "0222 3822 000",
        "NGƯỜI HƯỚNG DẪN",
    ] {
        assert!(
            supplement.contains(expected),
            "Form 02 lacks {expected:?}:\n{supplement}"
        );
    }
    let refusal = text(FormKind::Refusal03).unwrap_or_default();
    assert!(
        refusal.contains("Cơ quan đại diện Việt Nam ở nước ngoài"),
        "{refusal}"
    );
    let apology = text(FormKind::Apology04).unwrap_or_default();
    for expected in [
        "Bệnh viện Sản - Nhi tỉnh Bắc Ninh",
        "09 giờ 00 phút, ngày 07/12/2026",
        "16 giờ 00 phút, ngày 03/12/2026",
        "PHÓ GIÁM ĐỐC",
        "Trần Văn Hải",
        "Ngày 02/12/2026",
    ] {
        assert!(
            apology.contains(expected),
            "Form 04 lacks {expected:?}:\n{apology}"
        );
    }
    let slip = text(FormKind::ControlSlip05).unwrap_or_default();
    for expected in [
        "Thẩm định hồ sơ",
        "Trước hạn",
        "Đúng hạn",
        "Lê Thị Thu Trang",
    ] {
        assert!(
            slip.contains(expected),
            "Form 05 lacks {expected:?}:\n{slip}"
        );
    }
}

#[test]
fn a_receipt_is_small_and_archival_when_dated() {
    let mut d = form_data();
    let started = std::time::Instant::now();
    let pdf = render(FormKind::Receipt01, &wording(), &d).expect("render");
    eprintln!("Form 01: {} bytes in {:?}", pdf.len(), started.elapsed());
    assert!(pdf.len() < 100_000, "Form 01 is {} bytes", pdf.len());
    let marker = |pdf: &[u8]| {
        let needle = b"<pdfaid:part>2</pdfaid:part>";
        pdf.windows(needle.len()).any(|w| w == needle)
    };
    assert!(marker(&pdf), "a dated form is PDF/A-2");
    // The same data renders to the same bytes (no clock, no random identifiers).
    assert_eq!(
        render(FormKind::Receipt01, &wording(), &d).expect("render"),
        pdf
    );
    d.header.date = None;
    let undated = render(FormKind::Receipt01, &wording(), &d).expect("render");
    assert!(!marker(&undated), "PDF/A needs a date");
}

#[test]
fn empty_data_prints_blank_forms() {
    let w = wording();
    for kind in FormKind::ALL {
        let pdf = render(kind, &w, &FormData::default()).expect("render");
        keep(&format!("blank-{}.pdf", kind.number()), &pdf);
        let Some(text) = pdftotext(&pdf) else {
            return;
        };
        assert!(squash(&text).contains(&kind.title(&w)), "{kind:?}");
        assert!(text.contains(&w.common.blank), "{kind:?} has no blanks");
    }
    let pdf = ledger_pdf(&w, &Ledger::default()).expect("empty ledger");
    if let Some(text) = pdftotext(&pdf) {
        assert!(squash(&text).contains("Không có hồ sơ trong kỳ"), "{text}");
    }
}

#[test]
fn hostile_input_never_panics() {
    let w = wording();
    let long = "Nội dung rất dài ".repeat(400);
    let mut d = form_data();
    d.applicant.name = format!("{}😀\u{0007}\u{200b}中文", "X".repeat(300));
    d.procedure = long.clone();
    d.refusal_reason = format!("{long}\n\n\n{long}");
    d.apology.reason = long.clone();
    d.components = (0..120)
        .map(|i| motcua_forms::ComponentLine {
            name: format!("Giấy tờ số {i} {}", "dài ".repeat(i % 40)),
            originals: 1,
            copies: i as u32,
            kind: None,
        })
        .collect();
    d.control_rows = vec![d.control_rows[0].clone(); 60];
    d.control_rows[3].note = "ghi chú ".repeat(2000);
    d.header.issuing_unit = "Trung tâm ".repeat(50);
    d.lookup_url = Some("x".repeat(200));
    for kind in FormKind::ALL {
        let pdf = render(kind, &w, &d).expect("render");
        assert!(pdf.starts_with(b"%PDF-"), "{kind:?}");
        if let Some(n) = pages(&pdf) {
            assert!(
                n >= 2 || kind == FormKind::Supplement02,
                "{kind:?}: {n} pages"
            );
        }
    }
    // Characters outside the font are replaced, not lost or fatal.
    if let Some(text) = pdftotext(&render(FormKind::Receipt01, &w, &d).expect("render")) {
        assert!(!text.contains('😀'));
    }
    // A URL too long for a QR code is an error, not a panic.
    d.lookup_url = Some("x".repeat(5000));
    assert!(matches!(
        render(FormKind::Receipt01, &w, &d),
        Err(motcua_forms::FormError::Qr(_))
    ));
    // Endless text stops at the page limit.
    d.refusal_reason = "dòng\n".repeat(100_000);
    assert!(matches!(
        render(FormKind::Refusal03, &w, &d),
        Err(motcua_forms::FormError::TooLong { .. })
    ));
}

#[test]
fn an_agency_override_is_printed() {
    let w = wording()
        .overlay_toml("[apology]\ntitle = \"VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN\"\n")
        .expect("overlay");
    let pdf = render(FormKind::Apology04, &w, &form_data()).expect("render");
    if let Some(text) = pdftotext(&pdf) {
        assert!(
            squash(&text).contains("VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN"),
            "{text}"
        );
    }
}

#[test]
fn the_ledger_pages_with_its_header_repeated() {
    let w = wording();
    let l = ledger(500);
    let started = std::time::Instant::now();
    let pdf = ledger_pdf(&w, &l).expect("ledger");
    eprintln!(
        "ledger of 500 rows: {} bytes in {:?}",
        pdf.len(),
        started.elapsed()
    );
    keep("form-06.pdf", &pdf);
    let short = ledger_pdf(&w, &ledger(12)).expect("ledger");
    keep("form-06-short.pdf", &short);
    let Some(text) = pdftotext(&pdf) else {
        return;
    };
    let n = pages(&pdf).expect("pages");
    assert!(n > 10, "{n} pages");
    let flat = squash(&text);
    assert!(flat.contains("SỔ THEO DÕI HỒ SƠ"));
    assert!(flat.contains(&format!("Trang {n}/{n}")), "no page footer");
    // The header row is on every page: the column "Mã hồ sơ" appears once per page.
    assert_eq!(text.matches("Mã hồ sơ").count(), n, "header not repeated");
    for name in ["Nguyễn Thị Hường", "Đặng Quốc Việt", "Trương Mỹ Ỷ"] {
        assert!(flat.contains(name), "{name}");
    }
    assert!(flat.contains("Đã trả kết quả") && flat.contains("(Đúng hạn)"));
}

/// A formula typed by the public into a free-text field.
const FORMULA: &str = "=HYPERLINK(\"http://x\")";

fn unzip(xlsx: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("zip");
    let mut file = archive.by_name(name).expect(name);
    let mut s = String::new();
    file.read_to_string(&mut s).expect("utf-8");
    s
}

#[test]
fn the_ledger_xlsx_is_a_workbook_with_the_values() {
    let w = wording();
    let mut l = ledger(30);
    l.rows[1].note = FORMULA.into();
    let xlsx = ledger_xlsx(&w, &l).expect("xlsx");
    keep("form-06.xlsx", &xlsx);
    assert!(xlsx.starts_with(b"PK"));
    let strings = unzip(&xlsx, "xl/sharedStrings.xml");
    for value in [
        "SỔ THEO DÕI HỒ SƠ",
        "Mã hồ sơ",
        "000.00.17.H06-261202-0002",
        "Nguyễn Thị Hường",
        "Trương Mỹ Ỷ",
        "Đăng ký kết hôn",
        "02/12/2026",
    ] {
        assert!(strings.contains(value), "sharedStrings lacks {value}");
    }
    let sheet = unzip(&xlsx, "xl/worksheets/sheet1.xml");
    // Text is stored as text: no formula cells, even for the "=HYPERLINK" note.
    assert!(!sheet.contains("<f>"), "formula in the ledger");
    assert!(strings.contains("=HYPERLINK("), "the note is kept as text");
    assert!(unzip(&xlsx, "xl/workbook.xml").contains("Sổ theo dõi hồ sơ"));
}

#[test]
fn the_ledger_csv_round_trips() {
    let w = wording();
    let mut l = ledger(40);
    l.rows[1].note = FORMULA.into();
    let csv = ledger_csv(&w, &l);
    assert!(csv.starts_with("\u{FEFF}".as_bytes()), "no BOM");
    let text = std::str::from_utf8(&csv).expect("utf-8");
    let records = motcua_core::csv::records(text.trim_start_matches('\u{FEFF}')).expect("csv");
    assert_eq!(records.len(), 41);
    assert_eq!(records[0].1.len(), 11);
    assert_eq!(records[0].1[1], "Mã hồ sơ");
    for (i, row) in l.rows.iter().enumerate() {
        let got = &records[i + 1].1;
        assert_eq!(got.len(), 11);
        assert_eq!(got[0], row.number.to_string());
        assert_eq!(got[1], row.dossier_code);
        assert!(got[2].starts_with(&row.applicant.name), "{}", got[2]);
        assert!(got[2].contains('\n'), "contact lines kept");
        assert_eq!(got[3], row.procedure);
    }
    // A formula typed by the public is defused.
    assert_eq!(records[2].1[10], format!("'{FORMULA}"));
    assert!(text.contains("\r\n"));
}

#[test]
fn the_qr_code_reads_back_as_the_lookup_url() {
    let d = form_data();
    let pdf = render(FormKind::Receipt01, &wording(), &d).expect("render");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let png = dir.path().join("form");
    let rendered = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "200", "-singlefile"])
        .arg(&path)
        .arg(&png)
        .status();
    if !rendered.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: pdftoppm not available (apt-get install poppler-utils)");
        return;
    }
    let Ok(out) = std::process::Command::new("zbarimg")
        .arg("-q")
        .arg(dir.path().join("form.png"))
        .output()
    else {
        eprintln!("SKIPPED: zbarimg not available (apt-get install zbar-tools)");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let url = d.lookup_url.as_deref().unwrap_or_default();
    assert_eq!(text.trim(), format!("QR-Code:{url}"));
}
