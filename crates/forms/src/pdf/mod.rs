//! PDF output: the laid-out pages written with krilla, which embeds a subset of each face (only
//! the glyphs used, so a one-page form stays a few tens of kilobytes) and the text layer that
//! makes the forms searchable (Circular 01/2018 Art. 10).
//!
//! A form with a date is written as PDF/A-2b, the archival profile, with that date as its
//! creation date: PDF/A requires one, and this crate never reads the clock, so a form without a
//! date is plain PDF.

pub(crate) mod font;
pub(crate) mod forms;
pub(crate) mod layout;
pub(crate) mod qr;
pub(crate) mod wrap;

use jiff::civil::Date;
use krilla::{
    Document, SerializeSettings,
    configure::{Archival, ConfigurationBuilder},
    geom::{PathBuilder, Point, Rect},
    metadata::{DateTime, Metadata},
    page::PageSettings,
    paint::{Fill, Stroke},
};

use self::{
    font::Fonts,
    layout::{Geometry, Op},
};
use crate::{FormError, template::Face};

impl wrap::Measure for Fonts {
    fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        self.face(face).width(text, size)
    }
}

/// Writes laid-out pages as a PDF document titled `title`, dated `date` (PDF/A-2b when given).
pub(crate) fn write(
    fonts: &Fonts,
    geo: Geometry,
    pages: &[Vec<Op>],
    title: &str,
    date: Option<Date>,
) -> Result<Vec<u8>, FormError> {
    let mut metadata = Metadata::new()
        .title(title.to_owned())
        .language("vi".to_owned())
        .creator("motcua".to_owned());
    let mut doc = match date {
        Some(d) => {
            let configuration = ConfigurationBuilder::new()
                .with_archival_validator(Archival::A2_B)
                .finish()
                .map_err(|e| FormError::Pdf(format!("{e:?}")))?;
            metadata = metadata.creation_date(
                DateTime::new(u16::try_from(d.year()).unwrap_or(0))
                    .month(d.month().unsigned_abs())
                    .day(d.day().unsigned_abs())
                    .utc_offset_hour(7),
            );
            Document::new_with(SerializeSettings {
                configuration,
                ..SerializeSettings::default()
            })
        }
        None => Document::new(),
    };
    doc.set_metadata(metadata);
    let settings = PageSettings::from_wh(geo.width, geo.height)
        .ok_or_else(|| FormError::Pdf("kích thước trang không hợp lệ".to_owned()))?;
    for ops in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    face,
                    size,
                    text,
                } => {
                    let f = fonts.face(*face);
                    let (glyphs, drawn) = f.glyphs(text);
                    surface.set_fill(Some(Fill::default()));
                    surface.set_stroke(None);
                    surface.draw_glyphs(
                        Point::from_xy(*x, *y),
                        &glyphs,
                        f.pdf.clone(),
                        &drawn,
                        *size,
                        false,
                    );
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    width,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
                Op::Fill { x, y, w, h } => {
                    let mut pb = PathBuilder::new();
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(rect);
                    }
                    if let Some(path) = pb.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(Fill::default()));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| FormError::Pdf(format!("{e:?}")))
}
