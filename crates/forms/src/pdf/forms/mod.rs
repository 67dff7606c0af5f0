//! The forms, composed from the wording and the data: the parts every form shares (header,
//! title, applicant lines, signatures) here, each form in its own file.

mod apology;
mod control_slip;
mod ledger;
mod receipt;
mod refusal;
mod supplement;

pub(crate) use self::{
    apology::apology, control_slip::control_slip, ledger::ledger, receipt::receipt,
    refusal::refusal, supplement::supplement,
};

use jiff::civil::Date;

use super::{
    font::Fonts,
    layout::{Doc, Geometry, Signature, Style},
    qr, write,
};
use crate::{
    FormError,
    data::{Header, Party},
    template::{Face, Span, fill, fill_plain},
    time::place_date_values,
    wording::Wording,
};

/// Body text on A5.
pub(crate) const BODY: f32 = 10.5;
/// Tables on A5.
pub(crate) const SMALL: f32 = 9.5;
/// Room left for a handwritten signature.
pub(crate) const SIGN_ROOM: f32 = 32.0;
/// Side of the QR code: about 18 mm, so a lookup URL of ~100 characters (version 5–6) has
/// modules of about 0.5 mm, which phones read from paper.
const QR_SIZE: f32 = 52.0;

/// A form being composed: the wording, the fonts and the document.
pub(crate) struct Form<'a> {
    pub(crate) w: &'a Wording,
    fonts: &'a Fonts,
    pub(crate) doc: Doc<'a, Fonts>,
}

impl<'a> Form<'a> {
    pub(crate) fn new(w: &'a Wording, fonts: &'a Fonts, geo: Geometry) -> Self {
        Self {
            w,
            fonts,
            doc: Doc::new(fonts, geo),
        }
    }

    /// Fills an entry (missing values print the blank).
    pub(crate) fn t(&self, template: &str, values: &[(&str, &str)]) -> Vec<Span> {
        fill(template, values, &self.w.common.blank)
    }

    /// A paragraph of an entry in the body size.
    pub(crate) fn line(&mut self, template: &str, values: &[(&str, &str)]) {
        let spans = self.t(template, values);
        self.doc.paragraph(&spans, Style::new(BODY));
    }

    /// The header (DOMAIN.md §8.1): governing body, issuing unit and number on the left; the
    /// motto, and the place and date, on the right. `number` is the form's number entry.
    pub(crate) fn header(&mut self, h: &Header, number: &str) {
        let geo = self.doc.geo;
        let full = geo.content_width();
        let left_w = full * 0.44;
        let right_w = full - left_w;
        // A gutter between the columns, so that long names never touch the motto.
        let (lx, rx, lw) = (geo.left, geo.left + left_w, left_w - 6.0);
        let top = self.doc.y();
        let size = if geo.width > geo.height { 11.0 } else { 9.5 };
        let min = size - 1.5;

        // Agency names shrink a little to stay on one line, then wrap.
        let mut left = Vec::new();
        if !h.governing_body.trim().is_empty() {
            let spans = vec![Span::new(
                motcua_core::text::clean_block(&h.governing_body).to_uppercase(),
                Face::Regular,
            )];
            let fitted = self.fit(&spans, size, lw).max(min);
            left.push((spans, Style::new(fitted).center().after(0.0)));
        }
        let unit = vec![Span::new(
            motcua_core::text::clean_block(&h.issuing_unit).to_uppercase(),
            Face::Bold,
        )];
        let fitted = self.fit(&unit, size, lw).max(min);
        left.push((unit, Style::new(fitted).center().after(0.0)));
        let lh = self.doc.block_at(lx, top, lw, &left);
        self.doc.rule_at(lx + lw / 2.0, top + lh + 1.5, lw * 0.35);

        let motto = vec![Span::new(self.w.common.motto.clone(), Face::Bold)];
        let motto_size = self.fit(&motto, size, right_w);
        let sub = self.bold_all(self.t(&self.w.common.motto_sub, &[]));
        let sub_size = self.fit(&sub, size + 1.0, right_w);
        let sub_width = self
            .doc
            .wrap(&sub, sub_size, right_w)
            .first()
            .map_or(0.0, |l| l.width);
        let right = [
            (motto, Style::new(motto_size).center().after(0.0)),
            (sub, Style::new(sub_size).center().after(0.0)),
        ];
        let rh = self.doc.block_at(rx, top, right_w, &right);
        self.doc
            .rule_at(rx + right_w / 2.0, top + rh + 1.5, sub_width);

        let second = top + lh.max(rh) + 6.0;
        let number_value = h.number.as_deref().unwrap_or("");
        let number_spans = self.t(number, &[("number", number_value)]);
        let nh = self.doc.block_at(
            lx,
            second,
            lw,
            &[(number_spans, Style::new(size + 0.5).center().after(0.0))],
        );
        let [day, month, year] = place_date_values(&self.w.common, h.date);
        let place_date = self.t(
            &self.w.common.place_date,
            &[
                ("place", &h.place),
                (day.0, &day.1),
                (month.0, &month.1),
                (year.0, &year.1),
            ],
        );
        let dh = self.doc.block_at(
            rx,
            second,
            right_w,
            &[(place_date, Style::new(size + 0.5).center().after(0.0))],
        );
        self.doc.advance_to(second + nh.max(dh) + 6.0);
    }

    /// The largest size not above `size` at which `spans` fit on one line of `width` (at least
    /// 6 points).
    fn fit(&self, spans: &[Span], size: f32, width: f32) -> f32 {
        let w: f32 = spans
            .iter()
            .map(|s| self.fonts.face(s.face).width(&s.text, size))
            .sum();
        if w <= width || w <= 0.0 {
            size
        } else {
            (size * width / w * 0.995).max(6.0)
        }
    }

    fn bold_all(&self, spans: Vec<Span>) -> Vec<Span> {
        spans
            .into_iter()
            .map(|s| Span::new(s.text, Face::Bold))
            .collect()
    }

    /// The form's title, bold and centred.
    pub(crate) fn title(&mut self, title: &str) {
        let spans = self.bold_all(self.t(title, &[]));
        let size = if self.doc.geo.width > self.doc.geo.height {
            14.0
        } else {
            12.5
        };
        self.doc
            .paragraph(&spans, Style::new(size).center().after(4.0));
    }

    /// The dossier code line, centred under the title.
    pub(crate) fn code(&mut self, entry: &str, code: &str) {
        let spans = self.t(entry, &[("code", code)]);
        self.doc
            .paragraph(&spans, Style::new(BODY).center().after(4.0));
    }

    /// The lookup QR code at the right margin, the next paragraphs flowing to its left; nothing
    /// without a URL.
    pub(crate) fn qr(&mut self, url: Option<&str>) -> Result<(), FormError> {
        let Some(url) = url.filter(|u| !u.trim().is_empty()) else {
            return Ok(());
        };
        let caption = self.t(&self.w.common.qr_caption, &[]);
        let caption_style = Style::new(7.5).center().after(0.0);
        let caption_w = QR_SIZE + 30.0;
        let caption_h = self.doc.measure(&caption, caption_style, caption_w);
        let (x, y) = self.doc.float_right(caption_w, QR_SIZE + 2.0 + caption_h);
        let rects = qr::modules(url, x + (caption_w - QR_SIZE) / 2.0, y, QR_SIZE)?;
        self.doc.fills(rects);
        self.doc
            .block_at(x, y + QR_SIZE + 2.0, caption_w, &[(caption, caption_style)]);
        Ok(())
    }

    /// The applicant's address and contact lines.
    pub(crate) fn party_lines(&mut self, address: &str, contact: &str, p: &Party) {
        self.line(address, &[("address", p.address.as_deref().unwrap_or(""))]);
        self.line(
            contact,
            &[
                ("phone", p.phone.as_deref().unwrap_or("")),
                ("email", p.email.as_deref().unwrap_or("")),
            ],
        );
    }

    /// A block of free text (a reason), indented, each line of the input its own paragraph.
    pub(crate) fn free_text(&mut self, text: &str) {
        let spans = self.t("{v}", &[("v", text)]);
        self.doc.paragraph(&spans, Style::new(BODY).indent(14.0));
    }

    /// A note in the small size.
    pub(crate) fn note(&mut self, template: &str) {
        let spans = self.t(template, &[]);
        self.doc.space(4.0);
        self.doc.paragraph(&spans, Style::new(7.5).after(0.0));
    }

    /// A signature caption from the wording, in bold.
    pub(crate) fn caption(&self, entry: &str) -> Vec<Span> {
        self.bold_all(self.t(entry, &[]))
    }

    /// Signature blocks side by side; `right_half` puts a single one in the right half (Forms
    /// 02–04). Each block is (caption, hint entry, name).
    pub(crate) fn signatures(&mut self, blocks: Vec<(Vec<Span>, &str, &str)>, right_half: bool) {
        let mut sigs: Vec<Signature> = blocks
            .into_iter()
            .map(|(caption, hint, name)| Signature {
                caption,
                hint: self.t(hint, &[]),
                name: motcua_core::text::clean_line(name),
            })
            .collect();
        if right_half {
            sigs.insert(
                0,
                Signature {
                    caption: Vec::new(),
                    hint: Vec::new(),
                    name: String::new(),
                },
            );
        }
        self.doc.space(4.0);
        self.doc.signatures(&sigs, BODY, SIGN_ROOM);
    }

    /// Lays out the pages and writes the PDF.
    pub(crate) fn finish(self, title: &str, date: Option<Date>) -> Result<Vec<u8>, FormError> {
        let Form { w, fonts, doc } = self;
        let geo = doc.geo;
        let pages = doc
            .finish(|page, pages| {
                fill(
                    &w.common.page,
                    &[("page", &page.to_string()), ("pages", &pages.to_string())],
                    &w.common.blank,
                )
            })
            .map_err(|max| FormError::TooLong { max_pages: max })?;
        let title = fill_plain(title, &[], &w.common.blank);
        write(fonts, geo, &pages, &title, date)
    }
}
