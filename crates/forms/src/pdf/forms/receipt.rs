//! Form 01, Giấy tiếp nhận hồ sơ và hẹn trả kết quả.

use super::{Form, SMALL};
use crate::{
    FormError,
    data::{ComponentLine, FormData, ReturnPlace},
    pdf::{
        font::Fonts,
        layout::{Align, Column, Geometry},
    },
    template::{Face, Span},
    time::date_time,
    wording::{Common, Wording},
};

pub(crate) fn receipt(w: &Wording, fonts: &Fonts, d: &FormData) -> Result<Vec<u8>, FormError> {
    let r = &w.receipt;
    let mut f = Form::new(w, fonts, Geometry::A5);
    f.header(&d.header, &r.number);
    f.title(&r.title);
    f.code(&r.code, &d.dossier_code);
    f.qr(d.lookup_url.as_deref())?;
    f.line(&r.received_by, &[("unit", &d.unit)]);
    f.line(&r.applicant, &[("name", &d.applicant.name)]);
    f.party_lines(&r.address, &r.contact, &d.applicant);
    f.line(&r.request, &[("procedure", &d.procedure)]);

    f.line(&r.components, &[]);
    let columns = [
        Column {
            share: 0.07,
            align: Align::Center,
        },
        Column {
            share: 0.53,
            align: Align::Left,
        },
        Column {
            share: 0.26,
            align: Align::Center,
        },
        Column {
            share: 0.14,
            align: Align::Center,
        },
    ];
    let bold = |s: &str| vec![Span::new(s, Face::Bold)];
    let header = [
        bold(&r.col_number),
        bold(&r.col_name),
        bold(&r.col_kind),
        bold(&r.col_quantity),
    ];
    let rows: Vec<Vec<Vec<Span>>> = if d.components.is_empty() {
        vec![vec![
            Vec::new(),
            Span::value(&r.no_components),
            Vec::new(),
            Vec::new(),
        ]]
    } else {
        d.components
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (kind, quantity) = kind_and_quantity(&w.common, c);
                vec![
                    Span::value(&(i + 1).to_string()),
                    Span::value(&c.name),
                    Span::value(&kind),
                    Span::value(&quantity),
                ]
            })
            .collect()
    };
    f.doc.table(&columns, &header, &rows, SMALL);
    f.doc.space(4.0);

    let sets = if d.sets == 0 {
        String::new()
    } else {
        format!("{:02}", d.sets)
    };
    f.line(&r.sets, &[("sets", &sets)]);
    f.line(&r.time_limit, &[("limit", &d.time_limit)]);
    let received = date_time(&w.common, d.received_at);
    f.line(&r.received_at, &[("time", &received)]);
    let due = date_time(&w.common, d.appointment);
    f.line(&r.appointment, &[("time", &due)]);
    let place = return_place_text(&w.common, d.return_place.as_ref());
    f.line(&r.return_place, &[("place", &place)]);
    if !d.fees.is_empty() {
        f.line(&r.fees, &[("fees", &d.fees.join("; "))]);
    }
    let (book, entry) = d
        .ledger_ref
        .as_ref()
        .map_or(("", ""), |l| (l.book.as_str(), l.entry.as_str()));
    f.line(&r.ledger, &[("book", book), ("entry", entry)]);

    let hint = w.common.sign_hint.as_str();
    f.signatures(
        vec![
            (f.caption(&r.signer_left), hint, &d.signers.applicant),
            (f.caption(&r.signer_right), hint, &d.signers.receiver),
        ],
        false,
    );
    f.note(&r.note);
    f.finish(&r.title, d.header.date)
}

/// The "kind" and "quantity" cells: one line per kind received ("Bản chính" / 1, "Bản sao" / 2).
fn kind_and_quantity(c: &Common, line: &ComponentLine) -> (String, String) {
    let mut kinds = Vec::new();
    let mut counts = Vec::new();
    if line.originals > 0 {
        kinds.push(c.original.as_str());
        counts.push(line.originals.to_string());
    }
    if line.copies > 0 {
        kinds.push(c.copy.as_str());
        counts.push(line.copies.to_string());
    }
    let kind = match &line.kind {
        Some(k) => k.clone(),
        None => kinds.join("\n"),
    };
    (kind, counts.join("\n"))
}

/// Where the result goes, in the wording's words.
pub(crate) fn return_place_text(c: &Common, p: Option<&ReturnPlace>) -> String {
    let fill = |t: &str, v: &[(&str, &str)]| crate::template::fill_plain(t, v, &c.blank);
    match p {
        Some(ReturnPlace::Desk(desk)) => fill(&c.return_desk, &[("desk", desk)]),
        Some(ReturnPlace::Post(address)) => fill(&c.return_post, &[("address", address)]),
        Some(ReturnPlace::Online) => fill(&c.return_online, &[]),
        Some(ReturnPlace::Text(text)) => text.clone(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_quantities_line_up() {
        let w = Wording::shipped().unwrap();
        let line = ComponentLine {
            name: "Tờ khai".into(),
            originals: 1,
            copies: 2,
            kind: None,
        };
        assert_eq!(
            kind_and_quantity(&w.common, &line),
            ("Bản chính\nBản sao".to_owned(), "1\n2".to_owned())
        );
        let electronic = ComponentLine {
            kind: Some("Bản điện tử".into()),
            originals: 1,
            ..line
        };
        assert_eq!(kind_and_quantity(&w.common, &electronic).0, "Bản điện tử");
    }

    #[test]
    fn return_places_use_the_wording() {
        let w = Wording::shipped().unwrap();
        assert_eq!(
            return_place_text(
                &w.common,
                Some(&ReturnPlace::Desk("Bộ phận Một cửa".into()))
            ),
            "Tại Bộ phận Một cửa"
        );
        assert_eq!(return_place_text(&w.common, None), "");
    }
}
