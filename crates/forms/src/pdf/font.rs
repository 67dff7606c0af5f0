//! The embedded typeface and the one thing layout needs from it: which glyph draws a character
//! and how wide it is.
//!
//! No shaping engine: the text is NFC (every input is normalised), and Liberation Serif has a
//! precomposed glyph for every Vietnamese letter with its tone mark, so a character-to-glyph map
//! is exact. A character the font lacks is drawn with the replacement glyph (U+FFFD, else `?`),
//! consistently in measurement and drawing, and the PDF's text layer carries that replacement so
//! that copy-and-paste matches what is printed.

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::{
    FontRef, MetadataProvider,
    charmap::Charmap,
    instance::{LocationRef, Size},
    metrics::GlyphMetrics,
};

use crate::{FormError, template::Face};

static REGULAR: &[u8] = include_bytes!("../../../../data/fonts/LiberationSerif-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../../../data/fonts/LiberationSerif-Bold.ttf");
static ITALIC: &[u8] = include_bytes!("../../../../data/fonts/LiberationSerif-Italic.ttf");

/// One face: the font krilla embeds (and subsets) plus the tables layout reads.
pub(crate) struct FaceData {
    pub(crate) pdf: Font,
    charmap: Charmap<'static>,
    /// Advances in em (the metrics are built at a size of 1).
    metrics: GlyphMetrics<'static>,
    /// Glyph and character drawn for a character the font lacks.
    replacement: (skrifa::GlyphId, char),
}

impl FaceData {
    fn load(data: &'static [u8]) -> Result<Self, FormError> {
        let font_ref = FontRef::new(data).map_err(|e| FormError::Font(e.to_string()))?;
        let pdf = Font::new(data.into(), 0)
            .ok_or_else(|| FormError::Font("krilla cannot read the font".to_owned()))?;
        let charmap = font_ref.charmap();
        let replacement = ['\u{FFFD}', '?']
            .into_iter()
            .find_map(|c| charmap.map(c).map(|g| (g, c)))
            .unwrap_or((skrifa::GlyphId::NOTDEF, '?'));
        Ok(Self {
            pdf,
            charmap,
            metrics: font_ref.glyph_metrics(Size::new(1.0), LocationRef::default()),
            replacement,
        })
    }

    /// The glyph for `c` and the character it stands for (`c`, or the replacement).
    fn glyph(&self, c: char) -> (skrifa::GlyphId, char) {
        // Private-use characters have no agreed meaning (PDF/A refuses them in the text layer).
        let private = matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..);
        match self.charmap.map(c) {
            Some(g) if g != skrifa::GlyphId::NOTDEF && !private => (g, c),
            _ => self.replacement,
        }
    }

    fn advance(&self, g: skrifa::GlyphId) -> f32 {
        self.metrics.advance_width(g).unwrap_or(0.5)
    }

    /// Width of `text` at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c).0))
            .sum::<f32>()
            * size
    }

    /// The glyphs of `text` and the text they stand for (replacements substituted), ready for
    /// `Surface::draw_glyphs`.
    pub(crate) fn glyphs(&self, text: &str) -> (Vec<KrillaGlyph>, String) {
        let mut drawn = String::with_capacity(text.len());
        let mut glyphs = Vec::with_capacity(text.len());
        for c in text.chars() {
            let (g, shown) = self.glyph(c);
            let start = drawn.len();
            drawn.push(shown);
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(g.to_u32()),
                self.advance(g),
                0.0,
                0.0,
                0.0,
                start..drawn.len(),
                None,
            ));
        }
        (glyphs, drawn)
    }
}

/// The three faces the forms use.
pub(crate) struct Fonts {
    regular: FaceData,
    bold: FaceData,
    italic: FaceData,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, FormError> {
        Ok(Self {
            regular: FaceData::load(REGULAR)?,
            bold: FaceData::load(BOLD)?,
            italic: FaceData::load(ITALIC)?,
        })
    }

    pub(crate) fn face(&self, face: Face) -> &FaceData {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
            Face::Italic => &self.italic,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every letter of the Vietnamese alphabet with every tone mark, both cases (NFC).
    const VIETNAMESE: &str = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ\
        AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ";

    #[test]
    fn every_face_has_a_glyph_for_every_vietnamese_letter() {
        let fonts = Fonts::load().unwrap();
        for face in [Face::Regular, Face::Bold, Face::Italic] {
            let f = fonts.face(face);
            for c in VIETNAMESE.chars() {
                assert_eq!(f.glyph(c).1, c, "{face:?} lacks {c} (U+{:04X})", c as u32);
            }
        }
    }

    #[test]
    fn characters_outside_the_font_get_the_replacement_consistently() {
        let fonts = Fonts::load().unwrap();
        let f = fonts.face(Face::Regular);
        let (glyphs, drawn) = f.glyphs("A😀中");
        assert_eq!(glyphs.len(), 3);
        assert!(drawn.starts_with('A'));
        assert!(!drawn.contains('😀') && !drawn.contains('中'));
        assert!(f.width("😀", 10.0) > 0.0);
        assert_eq!(f.width("😀", 10.0), f.width("中", 10.0));
    }

    #[test]
    fn widths_scale_with_size_and_match_times_metrics() {
        let fonts = Fonts::load().unwrap();
        let f = fonts.face(Face::Regular);
        // Times New Roman's advance of "n" is 0.5 em; Liberation Serif is metric-compatible.
        assert!((f.width("n", 10.0) - 5.0).abs() < 0.01);
        assert!((f.width("nn", 12.0) - 12.0).abs() < 0.01);
    }
}
