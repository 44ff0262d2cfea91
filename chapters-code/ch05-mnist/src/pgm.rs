//! Reading and writing 28 × 28 grey-scale images as PGM files, to classify your own digits.
//!
//! PGM ("portable graymap") is the simplest image format there is: a short text header
//! `P5 <width> <height> <maxval>` (or `P2` for numbers written as text), then the pixels row
//! by row. Any image editor can export it; `convert digit.png -resize 28x28! digit.pgm`
//! (ImageMagick) turns a photo into one.
//!
//! In a PGM file 0 is black. MNIST stores ink as 255 on a 0 background, i.e. white on black.
//! A drawn digit is usually dark ink on light paper, so when the border of the image is
//! mostly light, the reader flips it (`255 − value`) to match MNIST.

use std::fmt;

use crate::data::{PIXELS, SIDE};

/// What is wrong with a PGM file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgmError {
    /// The file's name.
    pub file: String,
    /// What is wrong.
    pub problem: String,
}

impl fmt::Display for PgmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}; save a {SIDE}x{SIDE} grey-scale image as PGM (e.g. `convert digit.png -resize {SIDE}x{SIDE}! digit.pgm`)",
            self.file, self.problem
        )
    }
}

impl std::error::Error for PgmError {}

/// An MNIST image (white ink on black, one byte per pixel) as a binary PGM file that shows
/// dark ink on light paper.
pub fn to_pgm(pixels: &[u8]) -> Vec<u8> {
    let mut bytes = format!("P5\n{SIDE} {SIDE}\n255\n").into_bytes();
    bytes.extend(pixels.iter().map(|&p| 255 - p));
    bytes
}

/// Splits the header into its four fields (skipping `#` comments); returns them and the
/// position just after the single whitespace byte that ends the header.
fn header_fields(bytes: &[u8]) -> Option<([String; 4], usize)> {
    let mut fields: Vec<String> = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        let byte = *bytes.get(at)?;
        if byte == b'#' {
            while *bytes.get(at)? != b'\n' {
                at += 1;
            }
        } else if byte.is_ascii_whitespace() {
            at += 1;
        } else {
            let start = at;
            while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace()) {
                at += 1;
            }
            fields.push(String::from_utf8_lossy(&bytes[start..at]).into_owned());
        }
    }
    let [a, b, c, d] = <[String; 4]>::try_from(fields).ok()?;
    Some(([a, b, c, d], at + 1))
}

/// Reads a 28 × 28 PGM image (`P5` binary or `P2` text) into MNIST pixels: 0 = background,
/// 255 = ink, flipped if the image is dark ink on light paper. `file` names it in errors.
///
/// # Errors
/// [`PgmError`] when the header is not a PGM header, the image is not 28 × 28, or pixels
/// are missing or out of range.
pub fn from_pgm(bytes: &[u8], file: &str) -> Result<Vec<u8>, PgmError> {
    let error = |problem: String| PgmError {
        file: file.to_string(),
        problem,
    };
    let ([kind, width, height, maxval], body_start) =
        header_fields(bytes).ok_or_else(|| error("incomplete PGM header".into()))?;
    if kind != "P5" && kind != "P2" {
        return Err(error(format!(
            "starts with {kind:?}, not P5 or P2: not a PGM image"
        )));
    }
    if (width.as_str(), height.as_str()) != ("28", "28") {
        return Err(error(format!(
            "the image is {width}x{height} pixels, not {SIDE}x{SIDE}"
        )));
    }
    let maxval: u32 = match maxval.parse() {
        Ok(value @ 1..=255) => value,
        _ => {
            return Err(error(format!(
                "maximum grey value {maxval} is not 1 to 255"
            )));
        }
    };
    let body = bytes.get(body_start..).unwrap_or_default();
    let values: Vec<u32> = if kind == "P5" {
        body.iter().map(|&b| u32::from(b)).collect()
    } else {
        let text = String::from_utf8_lossy(body);
        text.split_ascii_whitespace()
            .map(|v| {
                v.parse()
                    .map_err(|_| error(format!("pixel {v:?} is not a number")))
            })
            .collect::<Result<_, _>>()?
    };
    if values.len() != PIXELS {
        return Err(error(format!(
            "{} pixel values, expected {PIXELS}",
            values.len()
        )));
    }
    if let Some(bad) = values.iter().find(|&&v| v > maxval) {
        return Err(error(format!(
            "pixel value {bad} is above the maximum {maxval}"
        )));
    }
    let scaled: Vec<u8> = values
        .iter()
        .map(|&v| u8::try_from(v * 255 / maxval).unwrap_or(u8::MAX))
        .collect();
    Ok(if light_background(&scaled) {
        scaled.iter().map(|&v| 255 - v).collect()
    } else {
        scaled
    })
}

/// Whether the outermost ring of pixels is mostly light (mean above half of 255).
fn light_background(pixels: &[u8]) -> bool {
    let border: Vec<u32> = (0..PIXELS)
        .filter(|i| {
            let (row, col) = (i / SIDE, i % SIDE);
            row == 0 || col == 0 || row == SIDE - 1 || col == SIDE - 1
        })
        .map(|i| u32::from(pixels[i]))
        .collect();
    let total: u32 = border.iter().sum();
    total > 255 / 2 * border.len() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digit() -> Vec<u8> {
        let mut pixels = vec![0; PIXELS];
        for row in 5..23 {
            pixels[row * SIDE + 14] = 255;
            pixels[row * SIDE + 13] = 128;
        }
        pixels
    }

    #[test]
    fn writing_then_reading_gives_the_pixels_back() {
        let pixels = digit();
        let pgm = to_pgm(&pixels);
        assert!(pgm.starts_with(b"P5\n28 28\n255\n"));
        assert_eq!(from_pgm(&pgm, "d.pgm"), Ok(pixels));
    }

    #[test]
    fn text_pgm_with_comments_and_white_on_black_is_kept() {
        let pixels = digit();
        let numbers: Vec<String> = pixels
            .iter()
            .map(|p| (u32::from(*p) * 15 / 255).to_string())
            .collect();
        let text = format!("P2\n# a comment\n28 28\n15\n{}\n", numbers.join(" "));
        let read = from_pgm(text.as_bytes(), "d.pgm").expect("valid P2");
        assert_eq!(read[5 * SIDE + 14], 255);
        assert_eq!(read[0], 0);
    }

    #[test]
    fn bad_images_are_clear_errors() {
        let message = |bytes: &[u8]| from_pgm(bytes, "d.pgm").expect_err("invalid").to_string();
        assert!(message(b"P6\n28 28\n255\n").contains("starts with \"P6\", not P5 or P2"));
        assert!(message(b"P5\n32 32\n255\n").contains("the image is 32x32 pixels, not 28x28"));
        assert!(message(b"P5\n28 28\n999\n").contains("maximum grey value 999"));
        assert!(message(b"P5\n28 28\n255\n\x00\x01").contains("2 pixel values, expected 784"));
        assert!(message(b"P2\n28 28\n9\n1 x").contains("pixel \"x\" is not a number"));
        assert!(message(b"P2\n28").contains("incomplete PGM header"));
        assert!(message(b"").starts_with("d.pgm: incomplete PGM header; save a 28x28"));
    }
}
