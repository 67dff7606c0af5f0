//! The officials' workspace under `/mot-cua`: the work queues (`queues`), one dossier's screen
//! (`screen`) and the actions taken from it (`act`). Thin pages over the same
//! [`motcua_service::DossierService`] functions the JSON API calls — the inbox, the one-call
//! dossier read, `actions_for` and `act` — so a page can never allow what the API refuses.
//! The administration of officials and grants (`officials`) sits on the same admin service as
//! the `/api/v1/users` endpoints and the command line; each agency's offers, processes and
//! office hours (`setup`) on [`motcua_service::setup`] and the calendar administration.

mod act;
mod batch;
mod calendar_import;
mod catalog_import;
mod officials;
mod queues;
mod reception;
mod screen;
mod setup;

use axum::routing::{get, post};
use jiff::{Timestamp, tz::TimeZone};

use crate::PageRoute;

/// The workspace's routes (each declared in [`crate::auth::routes::ROUTES`]).
pub fn routes() -> Vec<PageRoute> {
    vec![
        ("/mot-cua", &["GET"], get(queues::queues)),
        ("/mot-cua/ho-so/{code}", &["GET"], get(screen::screen)),
        (
            "/mot-cua/ho-so/{code}/tep/{id}",
            &["GET"],
            get(screen::inline_file),
        ),
        ("/mot-cua/chuyen-buoc", &["POST"], post(batch::forward_many)),
        ("/mot-cua/tiep-nhan", &["GET"], get(reception::find)),
        (
            "/mot-cua/tiep-nhan/{code}",
            &["GET", "POST"],
            get(reception::form).post(reception::enter),
        ),
        (
            "/mot-cua/ho-so/{code}/thao-tac/{action}",
            &["POST"],
            post(act::act),
        ),
        (
            "/mot-cua/lich",
            &["GET", "POST"],
            get(calendar_import::form).post(calendar_import::preview),
        ),
        ("/mot-cua/lich/luu", &["POST"], post(calendar_import::save)),
        (
            "/mot-cua/danh-muc",
            &["GET", "POST"],
            get(catalog_import::form).post(catalog_import::import),
        ),
        ("/mot-cua/don-vi", &["GET"], get(setup::list)),
        ("/mot-cua/don-vi/{id}", &["GET"], get(setup::agency)),
        (
            "/mot-cua/don-vi/{id}/thu-tuc",
            &["POST"],
            post(setup::save_offers),
        ),
        (
            "/mot-cua/don-vi/{id}/them",
            &["POST"],
            post(setup::add_offer),
        ),
        (
            "/mot-cua/don-vi/{id}/quy-trinh/{code}",
            &["GET", "POST"],
            get(setup::process_form).post(setup::save_process),
        ),
        (
            "/mot-cua/don-vi/{id}/gio-lam-viec",
            &["GET", "POST"],
            get(setup::hours_form).post(setup::save_hours),
        ),
        ("/mot-cua/can-bo", &["GET"], get(officials::list)),
        (
            "/mot-cua/can-bo/moi",
            &["GET", "POST"],
            get(officials::new_form).post(officials::create),
        ),
        ("/mot-cua/can-bo/{id}", &["GET"], get(officials::show)),
        (
            "/mot-cua/can-bo/{id}/phan-quyen",
            &["POST"],
            post(officials::grant),
        ),
        (
            "/mot-cua/can-bo/{id}/thu-hoi",
            &["POST"],
            post(officials::revoke),
        ),
        (
            "/mot-cua/can-bo/{id}/khoa",
            &["POST"],
            post(officials::lock),
        ),
        (
            "/mot-cua/can-bo/{id}/mat-khau",
            &["POST"],
            post(officials::password),
        ),
        (
            "/assets/office.css",
            &["GET"],
            get(crate::assets::office_style),
        ),
    ]
}

/// Whether a path of the workspace takes a multipart form with files: the reception (the
/// scans come with it), the actions that attach files (the result, a paper supplement), the
/// catalog import and the calendar file's preview.
pub fn takes_files(path: &str) -> bool {
    path == "/mot-cua/danh-muc"
        || path == "/mot-cua/lich"
        || (path.starts_with("/mot-cua/tiep-nhan/")
            && !path["/mot-cua/tiep-nhan/".len()..].contains('/'))
        || (path.starts_with("/mot-cua/ho-so/")
            && (path.ends_with("/thao-tac/issue_result")
                || path.ends_with("/thao-tac/supplement_received")))
}

/// The fields an action form may carry, kept and shown again when the form fails (`items`
/// holds the ticked components, one a line).
const FORM_FIELDS: [&str; 19] = [
    "reason",
    "note",
    "assignee",
    "to_step",
    "agency",
    "question",
    "days",
    "consultation",
    "answer",
    "number",
    "signed_on",
    "signer",
    "method",
    "recipient",
    "new_due",
    "text",
    "public",
    "other",
    "items",
];

/// An instant as officials read it: Vietnam time, `HH:MM dd/mm/yyyy`.
fn when(t: Timestamp) -> String {
    t.to_zoned(TimeZone::fixed(jiff::tz::offset(7)))
        .strftime("%H:%M %d/%m/%Y")
        .to_string()
}

/// The dossier screen's address.
fn dossier_path(code: &str) -> String {
    format!("/mot-cua/ho-so/{}", crate::auth::url_encode(code))
}
