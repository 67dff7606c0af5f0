//! The citizen portal: submitting a dossier online over a server-side draft (`apply`, one
//! thing per page, then check your answers), the applicant's own dossiers with what they may do
//! on them (`mine`: supplement, withdraw, rate, download the result), and the public lookup
//! (`lookup`). Every decision is the dossier service's ([`motcua_service::dossier`]); these
//! pages only turn forms into its requests and its answers into pages.

mod apply;
mod documents;
mod lookup;
mod mine;

pub(crate) use apply::applicant_from_form;

use axum::routing::{get, post};
use jiff::{Timestamp, tz::TimeZone};

use crate::PageRoute;

/// The portal's routes (each also declared in [`crate::auth::routes::ROUTES`]).
pub fn routes() -> Vec<PageRoute> {
    vec![
        (
            "/nop-ho-so/{code}",
            &["GET", "POST"],
            get(apply::choose_agency).post(apply::start),
        ),
        (
            "/ho-so-dang-soan/{id}/{step}",
            &["GET", "POST"],
            get(apply::step_page).post(apply::step_submit),
        ),
        ("/ho-so-cua-toi", &["GET"], get(mine::list)),
        ("/ho-so-cua-toi/{code}", &["GET"], get(mine::dossier)),
        (
            "/ho-so-cua-toi/{code}/da-nop",
            &["GET"],
            get(mine::submitted),
        ),
        (
            "/ho-so-cua-toi/{code}/thao-tac/{action}",
            &["POST"],
            post(mine::act),
        ),
        ("/tra-cuu-ho-so", &["GET"], get(lookup::lookup)),
    ]
}

/// Whether a path takes a multipart form with files (the edge gives it the upload limit).
pub fn takes_files(path: &str) -> bool {
    (path.starts_with("/ho-so-dang-soan/") && path.ends_with("/giay-to"))
        || (path.starts_with("/ho-so-cua-toi/") && path.ends_with("/thao-tac/submit_supplement"))
}

/// "14:30 ngày 25/11/2026", in Vietnam's time.
pub(crate) fn when_vi(t: Timestamp) -> String {
    t.to_zoned(TimeZone::fixed(jiff::tz::offset(7)))
        .strftime("%H:%M ngày %d/%m/%Y")
        .to_string()
}

/// A size as people read it: "820 KB", "1,5 MB".
pub(crate) fn size_vi(bytes: i64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if bytes < 1024 * 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{} MB", crate::present::number_vi(bytes as f64 / MB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_times_read_the_vietnamese_way() {
        assert_eq!(size_vi(1), "1 KB");
        assert_eq!(size_vi(820 * 1024), "820 KB");
        assert_eq!(size_vi(1024 * 1024 * 3 / 2), "1,5 MB");
        let t: Timestamp = "2026-11-25T07:30:00Z".parse().unwrap();
        assert_eq!(when_vi(t), "14:30 ngày 25/11/2026");
    }

    #[test]
    fn only_the_document_and_supplement_forms_take_files() {
        assert!(takes_files("/ho-so-dang-soan/abc/giay-to"));
        assert!(takes_files(
            "/ho-so-cua-toi/000.00.00.H06-261125-0001/thao-tac/submit_supplement"
        ));
        assert!(!takes_files("/ho-so-dang-soan/abc/nguoi-nop"));
        assert!(!takes_files("/ho-so-cua-toi/X/thao-tac/withdraw"));
        assert!(!takes_files("/dang-nhap"));
    }
}
