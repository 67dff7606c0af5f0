//! Form 06, the tracking ledger (Sổ theo dõi hồ sơ), as a spreadsheet (XLSX) and as CSV. The
//! PDF is in `pdf::forms::ledger`; all three print the same cells ([`cells`]) under the same
//! headers ([`headers`]), so they cannot disagree.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

use crate::{
    FormError,
    data::{Ledger, LedgerRow},
    template::fill_plain,
    time::{date, short_time},
    wording::Wording,
};

/// Number of columns (DOMAIN.md §8.1: number; dossier code; applicant and contact; procedure;
/// received; appointment; transferred to; returned; outcome; receiver's signature; notes).
pub(crate) const COLUMNS: usize = 11;

/// The column headers, as plain text.
pub(crate) fn headers(w: &Wording) -> [String; COLUMNS] {
    let l = &w.ledger;
    [
        &l.col_number,
        &l.col_code,
        &l.col_applicant,
        &l.col_procedure,
        &l.col_received,
        &l.col_appointment,
        &l.col_transferred,
        &l.col_returned,
        &l.col_outcome,
        &l.col_signature,
        &l.col_note,
    ]
    .map(|t| fill_plain(t, &[], &w.common.blank))
}

/// One row's cells, as plain text (cleaned: NFC, no control characters but line breaks).
pub(crate) fn cells(w: &Wording, row: &LedgerRow) -> [String; COLUMNS] {
    let c = &w.common;
    let clean = motcua_core::text::clean_block;
    let p = &row.applicant;
    // The name on its own line, then how to reach them.
    let contact = [p.address.as_deref(), p.phone.as_deref(), p.email.as_deref()]
        .into_iter()
        .flatten()
        .map(clean)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let applicant = [clean(&p.name), contact]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let outcome = match row.timeliness {
        Some(t) if !row.outcome.trim().is_empty() => {
            format!("{} ({})", clean(&row.outcome), c.timeliness(t))
        }
        Some(t) => c.timeliness(t).to_owned(),
        None => clean(&row.outcome),
    };
    [
        row.number.to_string(),
        clean(&row.dossier_code),
        applicant,
        clean(&row.procedure),
        short_time(c, row.received_at),
        short_time(c, row.appointment),
        clean(&row.transferred_to),
        short_time(c, row.returned_at),
        outcome,
        clean(&row.receiver_signature),
        clean(&row.note),
    ]
}

/// The title lines above the table: title, desk, period.
pub(crate) fn title_lines(w: &Wording, l: &Ledger) -> [String; 3] {
    let c = &w.common;
    [
        fill_plain(&w.ledger.title, &[], &c.blank),
        fill_plain(&w.ledger.desk, &[("desk", &l.desk)], &c.blank),
        fill_plain(
            &w.ledger.period,
            &[("from", &date(c, l.from)), ("to", &date(c, l.to))],
            &c.blank,
        ),
    ]
}

/// Guards a CSV field against formula injection (OWASP): a spreadsheet reads a field starting
/// with `=`, `+`, `-`, `@`, tab or carriage return as a formula, and an applicant's name is typed
/// by the public. Such a field gets a leading apostrophe, which spreadsheets show as text.
fn defuse(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    }
}

/// The ledger as CSV: RFC 4180 (CRLF line ends, quoted fields where needed), UTF-8 with a byte
/// order mark so that Excel opens Vietnamese correctly. One header row, then one row per entry.
pub(crate) fn csv(w: &Wording, l: &Ledger) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    let mut record = |fields: &[String]| {
        let line: Vec<String> = fields
            .iter()
            .map(|f| motcua_core::csv::quote(&defuse(f)))
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    };
    record(&headers(w));
    for row in &l.rows {
        record(&cells(w, row));
    }
    out.into_bytes()
}

/// Excel's limit on the characters of one cell.
const CELL_MAX: usize = 32_767;

fn cell_text(s: &str) -> String {
    if s.chars().count() > CELL_MAX {
        s.chars().take(CELL_MAX).collect()
    } else {
        s.to_owned()
    }
}

/// Column widths in characters.
const WIDTHS: [f64; COLUMNS] = [
    5.0, 27.0, 30.0, 30.0, 12.0, 12.0, 20.0, 12.0, 16.0, 12.0, 16.0,
];

/// The ledger as an XLSX workbook with one sheet: the title lines, a header row repeated on every
/// printed page, one row per entry; printed on A4 landscape, one page wide. Text is written as
/// text (never as formulas).
pub(crate) fn xlsx(w: &Wording, l: &Ledger) -> Result<Vec<u8>, FormError> {
    build_xlsx(w, l).map_err(|e| FormError::Xlsx(e.to_string()))
}

fn build_xlsx(w: &Wording, l: &Ledger) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let [title, desk, period] = title_lines(w, l);
    let mut props = DocProperties::new().set_title(title.clone());
    if let Some(d) = l.header.date {
        let year = u16::try_from(d.year()).unwrap_or(1900);
        if let Ok(dt) =
            ExcelDateTime::from_ymd(year, d.month().unsigned_abs(), d.day().unsigned_abs())
        {
            props = props.set_creation_datetime(&dt);
        }
    }
    book.set_properties(&props);

    let font = |f: Format| f.set_font_name("Times New Roman").set_font_size(11);
    let title_f = font(Format::new())
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let line_f = font(Format::new()).set_align(FormatAlign::Center);
    let head_f = font(Format::new())
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let cell_f = font(Format::new())
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);

    let sheet = book.add_worksheet();
    sheet.set_name(w.ledger.sheet.as_str())?;
    let last = (COLUMNS - 1) as u16;
    sheet.merge_range(0, 0, 0, last, &title, &title_f)?;
    sheet.merge_range(1, 0, 1, last, &desk, &line_f)?;
    sheet.merge_range(2, 0, 2, last, &period, &line_f)?;
    let head_row = 4;
    for (i, h) in headers(w).iter().enumerate() {
        sheet.write_string_with_format(head_row, i as u16, cell_text(h), &head_f)?;
    }
    for (i, width) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(i as u16, *width)?;
    }
    for (r, row) in l.rows.iter().enumerate() {
        let at = head_row + 1 + r as u32;
        let cells = cells(w, row);
        sheet.write_number_with_format(at, 0, f64::from(row.number), &cell_f)?;
        for (i, text) in cells.iter().enumerate().skip(1) {
            sheet.write_string_with_format(at, i as u16, cell_text(text), &cell_f)?;
        }
    }
    sheet.set_freeze_panes(head_row + 1, 0)?;
    sheet.set_repeat_rows(head_row, head_row)?;
    sheet
        .set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    book.save_to_buffer()
}
