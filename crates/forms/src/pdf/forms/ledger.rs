//! Form 06, Sổ theo dõi hồ sơ, on A4 landscape: the same cells as the XLSX and CSV exports,
//! the header row repeated on every page.

use super::Form;
use crate::{
    FormError,
    data::Ledger,
    ledger::{COLUMNS, cells, headers, title_lines},
    pdf::{
        font::Fonts,
        layout::{Align, Column, Geometry, Style},
    },
    template::{Face, Span},
    wording::Wording,
};

/// Shares of the width, in the order of [`headers`].
const SHARES: [f32; COLUMNS] = [3.2, 14.3, 19.0, 14.5, 6.6, 6.6, 9.8, 6.6, 8.4, 5.5, 5.5];
/// The number and date columns are centred.
const CENTRED: [usize; 5] = [0, 4, 5, 7, 9];

pub(crate) fn ledger(w: &Wording, fonts: &Fonts, l: &Ledger) -> Result<Vec<u8>, FormError> {
    let mut f = Form::new(w, fonts, Geometry::A4_LANDSCAPE);
    f.header(&l.header, &w.ledger.number);
    let [title, desk, period] = title_lines(w, l);
    f.doc.paragraph(
        &[Span::new(title, Face::Bold)],
        Style::new(14.0).center().after(2.0),
    );
    f.doc
        .paragraph(&Span::value(&desk), Style::new(11.0).center().after(0.0));
    f.doc
        .paragraph(&Span::value(&period), Style::new(11.0).center().after(6.0));

    let columns: Vec<Column> = SHARES
        .iter()
        .enumerate()
        .map(|(i, share)| Column {
            share: *share,
            align: if CENTRED.contains(&i) {
                Align::Center
            } else {
                Align::Left
            },
        })
        .collect();
    let header: Vec<Vec<Span>> = headers(w)
        .iter()
        .map(|h| vec![Span::new(h.clone(), Face::Bold)])
        .collect();
    let rows: Vec<Vec<Vec<Span>>> = if l.rows.is_empty() {
        let mut row = vec![Vec::new(); COLUMNS];
        row[2] = Span::value(&w.ledger.no_rows);
        vec![row]
    } else {
        l.rows
            .iter()
            .map(|r| cells(w, r).iter().map(|c| Span::value(c)).collect())
            .collect()
    };
    f.doc.table(&columns, &header, &rows, 8.5);
    f.finish(&w.ledger.title, l.header.date)
}
