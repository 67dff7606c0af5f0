//! The administration pages of officials and their grants, on both engines: what an
//! administrator does there reaches the same service (and audit) as the API, and nobody
//! without the permissions does anything there, even posting by hand.

use motcua_core::identity::Role;
use reqwest::StatusCode;

use crate::{
    Server, on_both,
    support::{Browser, PASSWORD, audit, audit_by, official, unique},
};

const MARKUP: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";

/// The account id an official's page address names.
fn id_in(location: &str) -> String {
    location
        .trim_start_matches("/mot-cua/can-bo/")
        .split(['?', '#'])
        .next()
        .unwrap()
        .to_owned()
}

/// A browser signed in as a new administrator of `agency` (and below); with its account id.
async fn administrator(s: &Server, agency: &str) -> (Browser, String) {
    let (name, id) = official(
        s,
        "adm",
        agency,
        Some((Role::Administrator, agency, true, None)),
    )
    .await;
    let b = Browser::fresh();
    b.login(s, &name, PASSWORD).await;
    (b, id)
}

async fn administrators_manage_officials_from_the_pages(s: &Server) {
    let (admin, admin_id) = administrator(s, "bn").await;
    let url = |p: &str| format!("{}{p}", s.base);
    let csrf = admin.session_csrf(s).await;

    let home = admin.get(&url("/mot-cua")).await;
    assert!(home.body.contains("Cán bộ và phân quyền"), "{}", home.body);

    // A form with every mistake at once: each is named, what was typed stays.
    let form = admin.get(&url("/mot-cua/can-bo/moi")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("value=\"bn.x07210\""),
        "the agencies managed"
    );
    let r = admin
        .post_form(
            &url("/mot-cua/can-bo/moi"),
            &[
                ("csrf", &csrf),
                ("ho_ten", "Lê Văn Tâm"),
                ("ten_dang_nhap", "9x"),
                ("don_vi", ""),
                ("mat_khau", "ngắn"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("error-summary"), "{}", r.body);
    assert!(r.body.contains("Chọn đơn vị công tác"), "{}", r.body);
    assert!(r.body.contains("value=\"Lê Văn Tâm\""), "kept: {}", r.body);
    let r = admin
        .post_form(
            &url("/mot-cua/can-bo/moi"),
            &[
                ("csrf", &csrf),
                ("ho_ten", "Lê Văn Tâm"),
                ("ten_dang_nhap", "9x"),
                ("don_vi", "bn.x07210"),
                ("mat_khau", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Tên đăng nhập gồm 3–32 ký tự"),
        "{}",
        r.body
    );
    assert!(r.body.contains("href=\"#ten_dang_nhap\""), "{}", r.body);

    // Created: the official's page, ready for the first grant; the name is shown escaped.
    let username = unique("tam.");
    let r = admin
        .post_form(
            &url("/mot-cua/can-bo/moi"),
            &[
                ("csrf", &csrf),
                ("ho_ten", MARKUP),
                ("ten_dang_nhap", &username),
                ("don_vi", "bn.x07210"),
                ("email", ""),
                ("mat_khau", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = id_in(r.location());
    let page_url = url(&format!("/mot-cua/can-bo/{id}"));
    let page = admin.get(&format!("{page_url}?tb=tao")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Đã tạo tài khoản"));
    assert!(page.body.contains("chưa được giao quyền nào"));
    assert!(!page.body.contains("<script>alert") && !page.body.contains("<img src=x"));
    assert_eq!(
        audit(s, "user.create", Some(&format!("user:{id}")))
            .await
            .len(),
        1
    );
    // The same user name again is said at its field.
    let r = admin
        .post_form(
            &url("/mot-cua/can-bo/moi"),
            &[
                ("csrf", &csrf),
                ("ho_ten", "Người khác"),
                ("ten_dang_nhap", &username),
                ("don_vi", "bn.x07210"),
                ("mat_khau", PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Tên đăng nhập này đã được dùng"),
        "{}",
        r.body
    );

    // Found in the list by user name, escaped there too.
    let list = admin
        .get(&url(&format!("/mot-cua/can-bo?q={username}")))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("1 cán bộ"), "{}", list.body);
    assert!(!list.body.contains("<script>alert"));

    // A grant for one procedure; a bad date range is refused at its field.
    let grant = |fields: Vec<(&'static str, String)>| {
        let mut all = vec![("csrf", csrf.clone())];
        all.extend(fields);
        all
    };
    let post = |path: &str, fields: Vec<(&'static str, String)>| {
        let admin = &admin;
        let target = format!("{page_url}/{path}");
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            admin.post_form(&target, &pairs).await
        }
    };
    let r = post(
        "phan-quyen",
        grant(vec![
            ("vai_tro", "handling_officer".into()),
            ("co_quan", "bn.x07210".into()),
            ("tu_ngay", "2026-03-01".into()),
            ("den_ngay", "2026-02-01".into()),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Ngày hết hiệu lực phải sau ngày bắt đầu"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"2026-03-01\""), "kept: {}", r.body);
    let r = post(
        "phan-quyen",
        grant(vec![
            ("vai_tro", "handling_officer".into()),
            ("co_quan", "bn.x07210".into()),
            ("thu_tuc", "1.001193".into()),
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get(&page_url).await;
    assert!(page.body.contains("Chuyên viên thụ lý"), "{}", page.body);
    assert!(page.body.contains("chỉ thủ tục 1.001193"));
    assert!(page.body.contains("Đang hiệu lực"));
    let made = audit_by(s, &format!("user:{admin_id}"), "grant.create").await;
    assert_eq!(made.len(), 1);

    // Revoked: on record, no longer in force.
    let grant_id = crate::support::field_value(&page.body, "quyen").unwrap();
    let r = post("thu-hoi", grant(vec![("quyen", grant_id.clone())])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = admin.get(&page_url).await;
    assert!(page.body.contains("Đã thu hồi"));
    assert_eq!(
        audit(s, "grant.revoke", Some(&format!("grant:{grant_id}")))
            .await
            .len(),
        1
    );
    // A grant of someone else cannot be revoked through this official's page.
    let admins_own = admin
        .get(&url(&format!("/mot-cua/can-bo/{admin_id}")))
        .await;
    let theirs = crate::support::field_value(&admins_own.body, "quyen").unwrap();
    let r = post("thu-hoi", grant(vec![("quyen", theirs.clone())])).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        audit(s, "grant.revoke", Some(&format!("grant:{theirs}")))
            .await
            .is_empty()
    );

    // A new password: the policy applies; the official signs in with it.
    let r = post("mat-khau", grant(vec![("mat_khau", "aaaaaaaaaaaa".into())])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Mật khẩu quá dễ đoán"), "{}", r.body);
    let fresh = "một mật khẩu mới hẳn";
    let r = post("mat-khau", grant(vec![("mat_khau", fresh.into())])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    Browser::fresh().login(s, &username, fresh).await;

    // Disabling needs its confirmation; then the account cannot sign in, until enabled.
    let r = post("khoa", grant(vec![])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#xac_nhan\""), "{}", r.body);
    let r = post("khoa", grant(vec![("xac_nhan", "1".into())])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(admin.get(&page_url).await.body.contains("Đã khóa lúc"));
    let b = Browser::fresh();
    let login = b.get(&url("/dang-nhap")).await;
    let r = b
        .post_form(
            &url("/dang-nhap"),
            &[
                ("csrf", &login.csrf()),
                ("login", &username),
                ("password", fresh),
                ("tiep", ""),
            ],
        )
        .await;
    assert_ne!(
        r.status,
        StatusCode::SEE_OTHER,
        "a disabled account signs in"
    );
    let r = post("khoa", grant(vec![("mo", "1".into())])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        audit(s, "user.enable", Some(&format!("user:{id}")))
            .await
            .len(),
        1
    );
    Browser::fresh().login(s, &username, fresh).await;

    // On their own page the rules refuse, said at the form and audited.
    let own = url(&format!("/mot-cua/can-bo/{admin_id}"));
    let r = admin
        .post_form(
            &format!("{own}/khoa"),
            &[("csrf", &csrf), ("xac_nhan", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Không được tự khóa"), "{}", r.body);
    let r = admin
        .post_form(
            &format!("{own}/phan-quyen"),
            &[
                ("csrf", &csrf),
                ("vai_tro", "agency_leader"),
                ("co_quan", "bn"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Không được tự phân quyền"), "{}", r.body);
    let denied = audit_by(s, &format!("user:{admin_id}"), "permission.denied").await;
    assert!(denied.len() >= 2, "{denied:?}");
}
on_both!(administrators_manage_officials_from_the_pages);

async fn officials_pages_refuse_those_without_the_permissions(s: &Server) {
    let url = |p: &str| format!("{}{p}", s.base);
    let (_, target) = official(
        s,
        "xl",
        "bn.stp",
        Some((Role::HandlingOfficer, "bn.stp", false, None)),
    )
    .await;

    // A receiving officer: no link, no page, no effect when posting by hand.
    let (receiver, receiver_id) = official(
        s,
        "tn",
        "bn.x07210",
        Some((Role::ReceivingOfficer, "bn.x07210", false, None)),
    )
    .await;
    let b = Browser::fresh();
    b.login(s, &receiver, PASSWORD).await;
    let csrf = b.session_csrf(s).await;
    assert!(
        !b.get(&url("/mot-cua"))
            .await
            .body
            .contains("/mot-cua/can-bo")
    );
    for path in ["/mot-cua/can-bo", "/mot-cua/can-bo/moi"] {
        assert_eq!(
            b.get(&url(path)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let r = b
        .post_form(
            &url(&format!("/mot-cua/can-bo/{target}/phan-quyen")),
            &[
                ("csrf", &csrf),
                ("vai_tro", "agency_leader"),
                ("co_quan", "bn"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .post_form(
            &url(&format!("/mot-cua/can-bo/{target}/khoa")),
            &[("csrf", &csrf), ("xac_nhan", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        !audit_by(s, &format!("user:{receiver_id}"), "permission.denied")
            .await
            .is_empty()
    );
    assert!(
        audit(s, "user.disable", Some(&format!("user:{target}")))
            .await
            .is_empty()
    );

    // A commune's administrator: its own officials only, grants within its reach only.
    let (ward, _) = administrator(s, "bn.x07210").await;
    let csrf = ward.session_csrf(s).await;
    let list = ward.get(&url("/mot-cua/can-bo")).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        !list.body.contains(&target),
        "an official of another agency is listed"
    );
    let r = ward.get(&url(&format!("/mot-cua/can-bo/{target}"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = ward
        .post_form(
            &url(&format!("/mot-cua/can-bo/{target}/mat-khau")),
            &[("csrf", &csrf), ("mat_khau", "mật khẩu của kẻ khác")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        audit(s, "password.set", Some(&format!("user:{target}")))
            .await
            .is_empty()
    );
    // Its own official, but a grant at the province is beyond its reach.
    let (_, own) = official(s, "cx", "bn.x07210", None).await;
    let page = ward.get(&url(&format!("/mot-cua/can-bo/{own}"))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("value=\"bn\""), "the province offered");
    let r = ward
        .post_form(
            &url(&format!("/mot-cua/can-bo/{own}/phan-quyen")),
            &[
                ("csrf", &csrf),
                ("vai_tro", "agency_leader"),
                ("co_quan", "bn"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let page = ward.get(&url(&format!("/mot-cua/can-bo/{own}"))).await;
    assert!(
        page.body.contains("chưa được giao quyền nào"),
        "{}",
        page.body
    );
}
on_both!(officials_pages_refuse_those_without_the_permissions);

async fn the_catalog_is_imported_from_a_page_with_its_report(s: &Server) {
    use std::sync::Arc;

    use motcua_core::clock::FixedClock;

    let url = |s: &Server, p: &str| format!("{}{p}", s.base);
    // A handler: no page, no import when posting by hand.
    let (handler, handler_id) = official(
        s,
        "nhh",
        "bn.x07210",
        Some((Role::HandlingOfficer, "bn.x07210", false, None)),
    )
    .await;
    let b = Browser::fresh();
    b.login(s, &handler, PASSWORD).await;
    assert_eq!(
        b.get(&url(s, "/mot-cua/danh-muc")).await.status,
        StatusCode::FORBIDDEN
    );
    let csrf = b.session_csrf(s).await;
    let r = post_file(s, &b, &csrf, &[], Some(crate::import::dvc_row().as_bytes())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        !audit_by(s, &format!("user:{handler_id}"), "permission.denied")
            .await
            .is_empty()
    );

    // An administrator, on a server of its own (the shared catalog stays the shipped one).
    let s = &crate::start_server(
        s.engine,
        None,
        Arc::new(FixedClock::new(crate::NOW.parse().unwrap())),
        |_| {},
    );
    let (admin, admin_id) = administrator(s, "bn").await;
    let csrf = admin.session_csrf(s).await;
    let home = admin.get(&url(s, "/mot-cua/can-bo")).await;
    assert!(
        home.body.contains("/mot-cua/danh-muc")
            || home.body.contains("&#x2f;mot-cua&#x2f;danh-muc")
    );
    let form = admin.get(&url(s, "/mot-cua/danh-muc")).await;
    assert_eq!(form.status, StatusCode::OK);
    // No file, an impossible date: both said at once.
    let r = post_file(s, &admin, &csrf, &[("hieu_luc", "2026-02-30")], None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Chọn tệp danh mục"), "{}", r.body);
    assert!(r.body.contains("href=\"#hieu_luc\""), "{}", r.body);
    // A file with one good line and one bad: the good one is in the catalog at once, the bad
    // one listed with its number; the reason is escaped.
    let row = crate::import::dvc_row()
        .replace("1.004222", "2.999902")
        .replace("Đăng ký thường trú", "Thủ tục thử nghiệm nhập từ trang");
    let file = format!("{row}\n<script>alert(1)</script>\n");
    let r = post_file(s, &admin, &csrf, &[], Some(file.as_bytes())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Đã đọc 2 thủ tục"), "{}", r.body);
    assert!(
        r.body.contains("<dt>Thủ tục mới</dt><dd>1</dd>"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("<div>2</div>"),
        "the bad line's number: {}",
        r.body
    );
    assert!(!r.body.contains("<script>alert"));
    let (status, _) = crate::support::get(s, "/api/v1/procedures/2.999902").await;
    assert_eq!(status, StatusCode::OK, "the catalog reloaded");
    let audited = audit_by(s, &format!("user:{admin_id}"), "catalog.import").await;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].event.detail["created"], 1);
    // The same file again changes nothing.
    let r = post_file(s, &admin, &csrf, &[], Some(file.as_bytes())).await;
    assert!(
        r.body
            .contains("<dt>Không đổi (nội dung đang áp dụng)</dt><dd>1</dd>"),
        "{}",
        r.body
    );
}
on_both!(the_catalog_is_imported_from_a_page_with_its_report);

/// Posts the catalog import form with `fields` and, if given, the file.
async fn post_file(
    s: &Server,
    b: &Browser,
    csrf: &str,
    fields: &[(&str, &str)],
    file: Option<&[u8]>,
) -> crate::support::Page {
    let fields: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let files: Vec<(&str, &str, &[u8])> = file
        .map(|f| ("tep", "danh-muc.jsonl", f))
        .into_iter()
        .collect();
    let (kind, body) = crate::reception::multipart(&fields, &files);
    let url = format!("{}/mot-cua/danh-muc?csrf={csrf}", s.base);
    let req = crate::client()
        .post(&url)
        .header("content-type", kind)
        .body(body);
    b.request(&url, req).await
}
