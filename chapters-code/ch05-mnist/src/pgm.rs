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

/// Whether `byte` ends a token: whitespace, or the `#` of a comment (Netpbm allows a comment
/// wherever whitespace may be, even right after a number).
fn ends_token(byte: u8) -> bool {
    byte.is_ascii_whitespace() || byte == b'#'
}

/// Skips whitespace and `#` comments (to the end of their line, `\n` or `\r`) from `at`.
fn skip_blank(bytes: &[u8], mut at: usize) -> usize {
    while let Some(&byte) = bytes.get(at) {
        if byte == b'#' {
            while bytes.get(at).is_some_and(|&b| b != b'\n' && b != b'\r') {
                at += 1;
            }
        } else if byte.is_ascii_whitespace() {
            at += 1;
        } else {
            break;
        }
    }
    at
}

/// The tokens of `bytes` from `at` on (whitespace and comments between them), at most `limit`.
fn tokens(bytes: &[u8], mut at: usize, limit: usize) -> (Vec<&[u8]>, usize) {
    let mut found = Vec::new();
    while found.len() < limit {
        at = skip_blank(bytes, at);
        if at >= bytes.len() {
            break;
        }
        let start = at;
        while bytes.get(at).is_some_and(|&b| !ends_token(b)) {
            at += 1;
        }
        found.push(&bytes[start..at]);
    }
    (found, at)
}

/// A token as quoted in an error message: at most 12 characters of it.
fn shown(token: &[u8]) -> String {
    let text = String::from_utf8_lossy(token);
    let mut quoted: String = text.chars().take(12).collect();
    if text.chars().count() > 12 {
        quoted.push('…');
    }
    format!("{quoted:?}")
}

/// Splits the header into its four fields (skipping `#` comments); returns them and the
/// position just after the single whitespace byte that ends the header.
fn header_fields(bytes: &[u8]) -> Option<([&[u8]; 4], usize)> {
    let (fields, at) = tokens(bytes, 0, 4);
    let fields: [&[u8]; 4] = fields.try_into().ok()?;
    // Exactly one whitespace byte separates the header from a binary raster.
    bytes.get(at).filter(|b| b.is_ascii_whitespace())?;
    Some((fields, at + 1))
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
    if kind != b"P5" && kind != b"P2" {
        return Err(error(format!(
            "starts with {}, not P5 or P2: not a PGM image",
            shown(kind)
        )));
    }
    if (width, height) != (b"28".as_slice(), b"28".as_slice()) {
        return Err(error(format!(
            "the image is {}x{} pixels, not {SIDE}x{SIDE}",
            String::from_utf8_lossy(width)
                .chars()
                .take(12)
                .collect::<String>(),
            String::from_utf8_lossy(height)
                .chars()
                .take(12)
                .collect::<String>()
        )));
    }
    let maxval: u32 = match std::str::from_utf8(maxval)
        .ok()
        .and_then(|m| m.parse().ok())
    {
        Some(value @ 1..=255) => value,
        _ => {
            return Err(error(format!(
                "maximum grey value {} is not 1 to 255",
                shown(maxval).trim_matches('"')
            )));
        }
    };
    let values: Vec<u32> = if kind == b"P5" {
        let body = bytes.get(body_start..).unwrap_or_default();
        body.iter().map(|&b| u32::from(b)).collect()
    } else {
        // A plain raster: numbers separated by whitespace, comments allowed between them.
        let (numbers, _) = tokens(bytes, body_start, PIXELS + 1);
        numbers
            .iter()
            .map(|&v| {
                std::str::from_utf8(v)
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| {
                        error(format!("pixel {} is not a number", shown(v)))
                    })
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
        let message =
            |bytes: &[u8]| from_pgm(bytes, "d.pgm").expect_err("invalid").to_string();
        assert!(
            message(b"P6\n28 28\n255\n").contains("starts with \"P6\", not P5 or P2")
        );
        assert!(
            message(b"P5\n32 32\n255\n")
                .contains("the image is 32x32 pixels, not 28x28")
        );
        assert!(message(b"P5\n28 28\n999\n").contains("maximum grey value 999"));
        assert!(
            message(b"P5\n28 28\n255\n\x00\x01")
                .contains("2 pixel values, expected 784")
        );
        assert!(
            message(b"P2\n28 28\n9\n1 x").contains("pixel \"x\" is not a number")
        );
        assert!(message(b"P2\n28").contains("incomplete PGM header"));
        assert!(
            message(b"").starts_with("d.pgm: incomplete PGM header; save a 28x28")
        );
        let long = format!("P{}\n28 28\n255\n", "9".repeat(100_000));
        let quoted = message(long.as_bytes());
        assert!(quoted.len() < 200, "{quoted}");
    }

    #[test]
    fn netpbm_headers_with_crlf_and_comments_anywhere_are_read() {
        let pixels = digit();
        let mut pgm =
            b"P5\r\n# made by hand\r\n28#width\r\n28 # height\n255\n".to_vec();
        pgm.extend(pixels.iter().map(|&p| 255 - p));
        assert_eq!(from_pgm(&pgm, "d.pgm"), Ok(pixels.clone()));
        let numbers: Vec<String> = pixels.iter().map(|p| p.to_string()).collect();
        let text = format!(
            "P2 28 28 255\r\n{} # the rest\r\n{}\r\n",
            numbers[..10].join(" "),
            numbers[10..].join("\r\n")
        );
        assert_eq!(from_pgm(text.as_bytes(), "d.pgm"), Ok(pixels));
    }
}
