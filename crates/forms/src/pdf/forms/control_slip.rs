//! Form 05, Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per hand-over, with room for
//! both signatures and how each step finished against its allotted time.

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

pub(crate) fn control_slip(w: &Wording, fonts: &Fonts, d: &FormData) -> Result<Vec<u8>, FormError> {
    let c = &w.control_slip;
    let mut f = Form::new(w, fonts, Geometry::A5);
    f.header(&d.header, &c.number);
    f.title(&c.title);
    f.code(&c.code, &d.dossier_code);
    f.line(&c.applicant, &[("name", &d.applicant.name)]);
    f.line(
        &c.phone,
        &[("phone", d.applicant.phone.as_deref().unwrap_or(""))],
    );
    f.line(&c.request, &[("procedure", &d.procedure)]);
    let due = date_time(&w.common, d.appointment);
    f.line(&c.appointment, &[("time", &due)]);
    f.doc.space(2.0);

    let columns = [
        Column {
            share: 0.06,
            align: Align::Center,
        },
        Column {
            share: 0.33,
            align: Align::Left,
        },
        Column {
            share: 0.31,
            align: Align::Center,
        },
        Column {
            share: 0.16,
            align: Align::Center,
        },
        Column {
            share: 0.14,
            align: Align::Left,
        },
    ];
    let bold = |t: &str| vec![Span::new(t, Face::Bold)];
    let header = [
        bold(&c.col_number),
        bold(&c.col_step),
        bold(&c.col_time),
        bold(&c.col_result),
        bold(&c.col_note),
    ];
    let rows: Vec<Vec<Vec<Span>>> = if d.control_rows.is_empty() {
        vec![vec![
            Vec::new(),
            Span::value(&c.no_rows),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        ]]
    } else {
        d.control_rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let step = f.t(
                    &c.row,
                    &[("step", &row.step), ("from", &row.from), ("to", &row.to)],
                );
                let mut time = Span::value(&date_time(&w.common, row.at));
                time.push(Span::new("\n", Face::Regular));
                time.extend(f.t(&c.sign_row, &[]));
                // Room for the two signatures under their captions.
                time.push(Span::new("\n\n", Face::Regular));
                vec![
                    Span::value(&(i + 1).to_string()),
                    step,
                    time,
                    Span::value(row.result.map_or("", |t| w.common.timeliness(t))),
                    Span::value(&row.note),
                ]
            })
            .collect()
    };
    f.doc.table(&columns, &header, &rows, SMALL);
    f.note(&c.note);
    f.finish(&c.title, d.header.date)
}
