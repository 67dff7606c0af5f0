//! Importing procedures: idempotent, versioned, and a bad row never stops the rest.

use std::io::{BufRead, BufReader, Cursor, Read};

use motcua::import::import;
use motcua_store::{CatalogStore, Db, testkit::TestDb};

fn shipped_lines(n: usize) -> Vec<String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(motcua::demo::CATALOG_GZ)
        .read_to_string(&mut text)
        .unwrap();
    text.lines().take(n).map(str::to_owned).collect()
}

fn reader(lines: &[String]) -> Box<dyn BufRead + Send> {
    Box::new(BufReader::new(Cursor::new(lines.join("\n").into_bytes())))
}

const DVC_ROW: &str = r#"{"ma_thu_tuc": "1.004222", "ten_thu_tuc": "Đăng ký thường trú", "cap_thuc_hien": "Cấp xã", "linh_vuc": "Đăng ký, quản lý cư trú", "so_quyet_dinh": "5548/QĐ-BCA", "cach_thuc_thuc_hien": "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp7 Ngày làm việc20,000 Việt Nam Đồng", "thanh_phan_ho_so": "", "can_cu_phap_ly": "", "trinh_tu_thuc_hien": "Bước 1: Nộp hồ sơ", "ket_qua_xu_ly": ""}"#;

/// A national-portal row, for other tests.
pub fn dvc_row() -> &'static str {
    DVC_ROW
}

async fn import_is_idempotent_versioned_and_isolates_bad_rows(db: &Db) {
    let now = "2026-11-25T09:00:00+07:00".parse().unwrap();
    let later = "2026-12-01T09:00:00+07:00".parse().unwrap();
    let mut lines = shipped_lines(20);
    lines.insert(3, "this is not json".into());
    lines.insert(
        8,
        r#"{"format":"motcua.procedure/1","code":"12345"}"#.into(),
    );
    lines.insert(12, String::new()); // blank lines are skipped silently
    lines.push(DVC_ROW.into());

    let r = import(db, reader(&lines), None, now, |_| {}).await.unwrap();
    assert_eq!(r.created, 21, "{r:?}");
    assert_eq!(r.rejected.len(), 2);
    assert_eq!(r.rejected[0].line, 4);
    assert!(r.rejected[0].reason.contains("JSON"), "{:?}", r.rejected[0]);
    assert_eq!(r.rejected[1].line, 9);

    // The same file again changes nothing.
    let again = import(db, reader(&lines), None, later, |_| {})
        .await
        .unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 21));

    // A changed record becomes a new version; the old one stays readable.
    let mut changed = lines.clone();
    let last = changed.len() - 1;
    changed[last] = DVC_ROW.replace("7 Ngày làm việc", "5 Ngày làm việc");
    let upd = import(db, reader(&changed), None, later, |_| {})
        .await
        .unwrap();
    assert_eq!((upd.created, upd.updated, upd.unchanged), (0, 1, 20));
    let code = motcua_core::catalog::ProcedureCode::parse("1.004222").unwrap();
    let history = db.procedure_history(&code).await.unwrap();
    assert_eq!(history.len(), 2);
    let v1 = db.procedure_version(&code, 1).await.unwrap().unwrap();
    let v2 = db.current_procedure(&code).await.unwrap().unwrap();
    assert_eq!(v1.procedure.methods[0].time.unwrap().amount, 7.0);
    assert_eq!(v2.procedure.methods[0].time.unwrap().amount, 5.0);
    assert_eq!(v1.valid_to, Some(later));
}

#[tokio::test]
async fn import_sqlite() {
    let t = TestDb::sqlite().await;
    import_is_idempotent_versioned_and_isolates_bad_rows(&t.db).await;
}

#[tokio::test]
#[cfg_attr(
    not(motcua_pg),
    ignore = "PostgreSQL skipped: set MOTCUA_TEST_PG_URL=postgres://… and rebuild to run"
)]
async fn import_postgres() {
    let t = TestDb::postgres().await;
    import_is_idempotent_versioned_and_isolates_bad_rows(&t.db).await;
}
