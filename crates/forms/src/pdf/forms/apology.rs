//! Form 04, Phiếu xin lỗi và hẹn lại ngày trả kết quả: signed by the head of the agency, with
//! the new appointment and the lookup QR code.

use motcua_core::text::clean_block;

use super::Form;
use crate::{
    FormError,
    data::FormData,
    pdf::{font::Fonts, layout::Geometry},
    template::{Face, Span},
    time::{date, date_time, vn_date},
    wording::Wording,
};

pub(crate) fn apology(w: &Wording, fonts: &Fonts, d: &FormData) -> Result<Vec<u8>, FormError> {
    let a = &w.apology;
    let mut f = Form::new(w, fonts, Geometry::A5);
    f.header(&d.header, &a.number);
    f.title(&a.title);
    f.code(&a.code, &d.dossier_code);
    f.qr(d.lookup_url.as_deref())?;
    f.line(&a.addressee, &[("name", &d.applicant.name)]);
    let received = date(&w.common, d.received_at.map(vn_date));
    f.line(
        &a.received,
        &[
            ("date", &received),
            ("unit", &d.unit),
            ("procedure", &d.procedure),
        ],
    );
    let old = date_time(&w.common, d.apology.old_appointment.or(d.appointment));
    f.line(&a.old_appointment, &[("time", &old)]);
    f.line(&a.late, &[]);
    f.line(&a.reason, &[("reason", &d.apology.reason)]);
    let new = date_time(&w.common, d.apology.new_appointment);
    f.line(&a.apology, &[("time", &new)]);
    f.line(&a.closing, &[]);
    // The caller's title is a value, not an entry: printed as given, never read as markup.
    let caption = match d.signers.head_title.as_deref() {
        Some(title) => vec![Span::new(clean_block(title), Face::Bold)],
        None => f.caption(&a.signer),
    };
    f.signatures(
        vec![(caption, &w.common.sign_seal_hint, &d.signers.head)],
        true,
    );
    f.finish(&a.title, d.header.date)
}
