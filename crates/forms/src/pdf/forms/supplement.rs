//! Form 02, Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: every missing item at once ("một lần, đầy
//! đủ"), with whom to ask.

use super::{Form, SMALL};
use crate::{
    FormError,
    data::FormData,
    pdf::{
        font::Fonts,
        layout::{Align, Column, Geometry},
    },
    template::{Face, Span},
    time::date_time,
    wording::Wording,
};

pub(crate) fn supplement(w: &Wording, fonts: &Fonts, d: &FormData) -> Result<Vec<u8>, FormError> {
    let s = &w.supplement;
    let mut f = Form::new(w, fonts, Geometry::A5);
    f.header(&d.header, &s.number);
    f.title(&s.title);
    f.code(&s.code, &d.dossier_code);
    f.line(&s.addressee, &[("name", &d.applicant.name)]);
    f.party_lines(&s.address, &s.contact, &d.applicant);
    let received = date_time(&w.common, d.received_at);
    f.line(
        &s.received,
        &[
            ("unit", &d.unit),
            ("time", &received),
            ("procedure", &d.procedure),
        ],
    );
    f.line(&s.intro, &[]);
    let columns = [
        Column {
            share: 0.08,
            align: Align::Center,
        },
        Column {
            share: 0.42,
            align: Align::Left,
        },
        Column {
            share: 0.50,
            align: Align::Left,
        },
    ];
    let bold = |t: &str| vec![Span::new(t, Face::Bold)];
    let header = [
        bold(&s.col_number),
        bold(&s.col_component),
        bold(&s.col_reason),
    ];
    let rows: Vec<Vec<Vec<Span>>> = if d.supplement.is_empty() {
        vec![vec![Vec::new(), Span::value(&w.common.blank), Vec::new()]]
    } else {
        d.supplement
            .iter()
            .enumerate()
            .map(|(i, item)| {
                vec![
                    Span::value(&(i + 1).to_string()),
                    Span::value(&item.component),
                    Span::value(&item.reason),
                ]
            })
            .collect()
    };
    f.doc.table(&columns, &header, &rows, SMALL);
    f.doc.space(4.0);
    let (name, phone) = d
        .contact
        .as_ref()
        .map_or(("", ""), |c| (c.name.as_str(), c.phone.as_str()));
    f.line(&s.help, &[("name", name), ("phone", phone)]);
    f.line(&s.once, &[]);
    f.signatures(
        vec![(f.caption(&s.signer), &w.common.sign_hint, &d.signers.guide)],
        true,
    );
    f.finish(&s.title, d.header.date)
}
