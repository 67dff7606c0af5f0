//! Form 03, Phiếu từ chối tiếp nhận giải quyết hồ sơ.

use super::Form;
use crate::{FormError, data::FormData, pdf::font::Fonts, pdf::layout::Geometry, wording::Wording};

pub(crate) fn refusal(w: &Wording, fonts: &Fonts, d: &FormData) -> Result<Vec<u8>, FormError> {
    let r = &w.refusal;
    let mut f = Form::new(w, fonts, Geometry::A5);
    f.header(&d.header, &r.number);
    f.title(&r.title);
    f.code(&r.code, &d.dossier_code);
    f.line(&r.received_by, &[("unit", &d.unit)]);
    f.line(&r.applicant, &[("name", &d.applicant.name)]);
    f.party_lines(&r.address, &r.contact, &d.applicant);
    f.line(&r.request, &[("procedure", &d.procedure)]);
    f.line(&r.decision, &[("unit", &d.unit)]);
    f.free_text(&d.refusal_reason);
    f.line(&r.closing, &[]);
    f.signatures(
        vec![(
            f.caption(&r.signer),
            &w.common.sign_hint,
            &d.signers.refuser,
        )],
        true,
    );
    f.finish(&r.title, d.header.date)
}
