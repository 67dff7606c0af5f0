//! A realistic dossier's form data, and `pdftotext` to read the PDFs back.

use std::{path::Path, process::Command};

use jiff::{Timestamp, civil::date};
use motcua_forms::{
    ApologyData, ComponentLine, Contact, ControlRow, FormData, Header, Ledger, LedgerRef,
    LedgerRow, Party, ReturnPlace, Signers, SupplementLine, Timeliness,
};

pub const CODE: &str = "000.00.17.H06-261202-0001";

pub fn t(s: &str) -> Timestamp {
    s.parse().expect("instant")
}

pub fn header() -> Header {
    Header {
        governing_body: "Ủy ban nhân dân tỉnh Bắc Ninh".into(),
        issuing_unit: "Trung tâm Phục vụ hành chính công".into(),
        number: Some("125".into()),
        place: "Bắc Ninh".into(),
        date: Some(date(2026, 12, 2)),
    }
}

pub fn applicant() -> Party {
    Party {
        name: "Nguyễn Thị Hường".into(),
        address: Some("Số 12 đường Lý Thái Tổ, phường Kinh Bắc, tỉnh Bắc Ninh".into()),
        phone: Some("0912 345 678".into()),
        email: Some("huong.nguyen@example.vn".into()),
    }
}

pub fn form_data() -> FormData {
    FormData {
        header: header(),
        unit: "Bộ phận Tiếp nhận và Trả kết quả, Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh"
            .into(),
        dossier_code: CODE.into(),
        applicant: applicant(),
        procedure: "Đăng ký khai sinh".into(),
        received_at: Some(t("2026-12-02T02:30:00Z")),
        appointment: Some(t("2026-12-03T09:00:00Z")),
        time_limit: "1 ngày làm việc".into(),
        sets: 1,
        components: vec![
            ComponentLine {
                name: "Tờ khai đăng ký khai sinh theo mẫu".into(),
                originals: 1,
                copies: 0,
                kind: None,
            },
            ComponentLine {
                name: "Giấy chứng sinh do cơ sở y tế cấp".into(),
                originals: 1,
                copies: 1,
                kind: None,
            },
            ComponentLine {
                name: "Văn bản ủy quyền theo quy định của pháp luật trong trường hợp ủy quyền \
                       thực hiện việc đăng ký khai sinh (có chứng thực chữ ký)"
                    .into(),
                originals: 0,
                copies: 1,
                kind: None,
            },
        ],
        return_place: Some(ReturnPlace::Desk(
            "Bộ phận Tiếp nhận và Trả kết quả, Trung tâm Phục vụ hành chính công".into(),
        )),
        fees: vec!["Miễn lệ phí".into()],
        ledger_ref: Some(LedgerRef {
            book: "01/2026".into(),
            entry: "1204".into(),
        }),
        lookup_url: Some(format!(
            "https://dichvucong.bacninh.example/tra-cuu-ho-so?ma={CODE}&k=Zp4Qm7"
        )),
        supplement: vec![
            SupplementLine {
                component: "Giấy chứng sinh do cơ sở y tế cấp".into(),
                reason: "Bản chụp không rõ số seri và ngày cấp; đề nghị nộp bản chính.".into(),
            },
            SupplementLine {
                component: "Văn bản ủy quyền".into(),
                reason: "Chưa có chứng thực chữ ký của người ủy quyền.".into(),
            },
        ],
        contact: Some(Contact {
            name: "Đặng Quốc Việt".into(),
            phone: "0222 3822 000".into(),
        }),
        refusal_reason: "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan: trẻ sinh ra tại \
                         nước ngoài, đề nghị liên hệ Cơ quan đại diện Việt Nam ở nước ngoài."
            .into(),
        apology: ApologyData {
            reason: "Cần xác minh thông tin nơi sinh với Bệnh viện Sản - Nhi tỉnh Bắc Ninh.".into(),
            old_appointment: Some(t("2026-12-03T09:00:00Z")),
            new_appointment: Some(t("2026-12-07T02:00:00Z")),
        },
        control_rows: vec![
            ControlRow {
                step: "Tiếp nhận hồ sơ".into(),
                from: "Nguyễn Thị Hường".into(),
                to: "Đặng Quốc Việt, Bộ phận Một cửa".into(),
                at: Some(t("2026-12-02T02:30:00Z")),
                result: Some(Timeliness::OnTime),
                note: String::new(),
            },
            ControlRow {
                step: "Thẩm định hồ sơ".into(),
                from: "Đặng Quốc Việt, Bộ phận Một cửa".into(),
                to: "Phòng Tư pháp – Hộ tịch".into(),
                at: Some(t("2026-12-02T03:10:00Z")),
                result: Some(Timeliness::Early),
                note: "Chuyển trong ngày".into(),
            },
            ControlRow {
                step: "Phê duyệt".into(),
                from: "Lê Thị Thu Trang, Phòng Tư pháp – Hộ tịch".into(),
                to: "Lãnh đạo Ủy ban nhân dân".into(),
                at: Some(t("2026-12-02T08:00:00Z")),
                result: None,
                note: String::new(),
            },
        ],
        signers: Signers {
            applicant: "Nguyễn Thị Hường".into(),
            receiver: "Đặng Quốc Việt".into(),
            guide: "Đặng Quốc Việt".into(),
            refuser: "Đặng Quốc Việt".into(),
            head_title: Some("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC".into()),
            head: "Trần Văn Hải".into(),
        },
    }
}

pub fn ledger(rows: usize) -> Ledger {
    let names = [
        "Nguyễn Thị Hường",
        "Đặng Quốc Việt",
        "Phạm Ngọc Ánh",
        "Công ty TNHH Thương mại Dịch vụ Kinh Bắc",
        "Trương Mỹ Ỷ",
    ];
    let procedures = [
        "Đăng ký khai sinh",
        "Cấp bản sao trích lục hộ tịch",
        "Đăng ký kết hôn",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan tổ chức có thẩm quyền của \
         Việt Nam cấp hoặc chứng nhận",
    ];
    Ledger {
        header: Header {
            number: None,
            ..header()
        },
        desk: "Bộ phận Tiếp nhận và Trả kết quả, Trung tâm Phục vụ hành chính công".into(),
        from: Some(date(2026, 12, 1)),
        to: Some(date(2026, 12, 31)),
        rows: (0..rows)
            .map(|i| LedgerRow {
                number: i as u32 + 1,
                dossier_code: format!("000.00.17.H06-2612{:02}-{:04}", i % 28 + 1, i + 1),
                applicant: Party {
                    name: names[i % names.len()].into(),
                    ..applicant()
                },
                procedure: procedures[i % procedures.len()].into(),
                received_at: Some(t("2026-12-02T02:30:00Z")),
                appointment: Some(t("2026-12-03T09:00:00Z")),
                transferred_to: "Phòng Tư pháp – Hộ tịch".into(),
                returned_at: (i % 3 == 0).then(|| t("2026-12-03T08:00:00Z")),
                outcome: if i % 3 == 0 {
                    "Đã trả kết quả".into()
                } else {
                    "Đang xử lý".into()
                },
                timeliness: (i % 3 == 0).then_some(Timeliness::OnTime),
                receiver_signature: String::new(),
                note: if i == 1 {
                    "Bổ sung hồ sơ ngày 03/12/2026".into()
                } else {
                    String::new()
                },
            })
            .collect(),
    }
}

/// The text of a PDF by `pdftotext -raw` (in drawing order, which is reading order), or `None` (with a visible note) when poppler-utils
/// is not installed.
pub fn pdftotext(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    match Command::new("pdftotext")
        .arg("-raw")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) if out.status.success() => Some(String::from_utf8(out.stdout).expect("utf-8")),
        Ok(out) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => {
            eprintln!("SKIPPED: pdftotext not available ({e}); apt-get install poppler-utils");
            None
        }
    }
}

/// Number of pages by `pdfinfo`, when available.
pub fn pages(pdf: &[u8]) -> Option<usize> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, pdf).expect("write pdf");
    let out = Command::new("pdfinfo").arg(&path).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
}

/// Writes `bytes` under `target/forms/` (to look at, and for docs' screenshots).
pub fn keep(name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/forms");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(name), bytes);
    }
}
