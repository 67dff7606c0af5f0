//! The QR code of Forms 01 and 04 (Circular 01/2018 Art. 19(2) allows one): the public lookup
//! URL, drawn as filled rectangles so that no image codec is needed and the code stays sharp at
//! any print resolution.

use qrcode::{Color, EcLevel, QrCode};

use crate::FormError;

/// The dark modules of `data`'s QR code as rectangles (x, y, w, h) in a `size`-point square at
/// (x, y), quiet zone excluded (the caller leaves white space around it). Runs of dark modules
/// in a row are merged into one rectangle.
pub(crate) fn modules(
    data: &str,
    x: f32,
    y: f32,
    size: f32,
) -> Result<Vec<(f32, f32, f32, f32)>, FormError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| FormError::Qr(e.to_string()))?;
    let n = code.width();
    let dark: Vec<bool> = code
        .to_colors()
        .into_iter()
        .map(|c| c == Color::Dark)
        .collect();
    let m = size / n as f32;
    let mut rects = Vec::new();
    for (row, cells) in dark.chunks(n.max(1)).enumerate() {
        let mut col = 0;
        while col < cells.len() {
            if !cells[col] {
                col += 1;
                continue;
            }
            let start = col;
            while col < cells.len() && cells[col] {
                col += 1;
            }
            rects.push((
                x + start as f32 * m,
                y + row as f32 * m,
                (col - start) as f32 * m,
                m,
            ));
        }
    }
    Ok(rects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_stay_inside_the_square() {
        let url = "https://portal.example/tra-cuu-ho-so?ma=000.00.17.H06-261202-0001&k=abc";
        let rects = modules(url, 10.0, 20.0, 50.0).unwrap();
        assert!(!rects.is_empty());
        for (x, y, w, h) in rects {
            assert!(x >= 10.0 && y >= 20.0 && x + w <= 60.001 && y + h <= 70.001);
        }
    }

    #[test]
    fn data_too_long_for_a_qr_code_is_an_error() {
        assert!(matches!(
            modules(&"x".repeat(5000), 0.0, 0.0, 10.0),
            Err(FormError::Qr(_))
        ));
    }
}
