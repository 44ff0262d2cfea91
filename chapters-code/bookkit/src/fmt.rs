//! Number formatting shared by every listing, so outputs look the same across chapters, and
//! the width of the book's code column, which outputs keep to.

use ndarray::{Array1, Array2};

/// Formats `value` with `decimals` digits after the point, never printing `-0.000`.
pub fn num(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match text.strip_prefix('-') {
        Some(unsigned) if unsigned.chars().all(|c| c == '0' || c == '.') => unsigned.to_string(),
        _ => text,
    }
}

/// Formats a value that may be tiny or huge: plainly when it is between 0.001 and 100,000
/// (`0.33`, `0.049`, with `digits` + 1 significant digits), in scientific notation with
/// `digits` decimals otherwise (`1.4e-17`), and `0` for zero. Never `0.0e0` or `3.3e-1`.
pub fn sci(value: f64, digits: usize) -> String {
    if value == 0.0 {
        return "0".to_string();
    }
    if !value.is_finite() {
        return format!("{value}");
    }
    let exponent = value.abs().log10().floor();
    if (-3.0..5.0).contains(&exponent) {
        // `exponent` is a small whole number here, so the conversion is exact.
        let decimals = (digits as i64 - exponent as i64).max(0) as usize;
        num(value, decimals)
    } else {
        format!("{value:.digits$e}")
    }
}

/// Formats a slice as `[a, b, c]`, each value with `decimals` digits.
pub fn vector(values: &[f64], decimals: usize) -> String {
    let parts: Vec<String> = values.iter().map(|&v| num(v, decimals)).collect();
    format!("[{}]", parts.join(", "))
}

/// Formats a 1-D array as `[a, b, c]`.
pub fn array1(values: &Array1<f64>, decimals: usize) -> String {
    vector(&values.to_vec(), decimals)
}

/// Formats a matrix one row per line, aligned under the opening bracket:
/// `[[a, b],` / ` [c, d]]`.
pub fn matrix(values: &Array2<f64>, decimals: usize, indent: usize) -> String {
    let rows: Vec<String> = values
        .rows()
        .into_iter()
        .map(|row| vector(&row.to_vec(), decimals))
        .collect();
    let separator = format!(",\n{}", " ".repeat(indent + 1));
    format!("[{}]", rows.join(&separator))
}

/// The longest line, in characters, that the book's code and output blocks show without
/// scrolling sideways. Measured in headless Chromium (1280 × 900 window, sidebar open;
/// `tests/browser.rs` measures it again on every page): mdBook's content column is 750 px
/// wide (`--content-max-width`), a block's `code` has 10 px of padding on each side, and its
/// font is Source Code Pro (mdBook ships it) at 14 px (`--code-font-size`, 0.875 × 16 px),
/// whose characters are 0.6 em = 8.4 px wide: (750 − 20) / 8.4 = 86.9. The chapter crates are
/// formatted to it (their `rustfmt.toml`), and `tests/book_pages.rs` checks every block.
pub const COLUMNS: usize = 86;

/// Every line of `text` longer than [`COLUMNS`] characters broken at spaces into lines
/// that fit: the lines it becomes start with its own indentation plus `hang` spaces. Lines
/// that fit are kept as they are (their spacing too); a word longer than a line gets a line
/// of its own; a trailing newline stays.
pub fn wrap(text: &str, hang: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let mut rest = line;
        let mut lead = String::new();
        while lead.chars().count() + rest.chars().count() > COLUMNS {
            let room = COLUMNS - lead.chars().count().min(COLUMNS);
            // The last space that leaves a non-blank piece of at most `room` characters;
            // failing that (a long word), the first space after it.
            let cuts: Vec<usize> = rest
                .char_indices()
                .filter(|&(at, c)| c == ' ' && !rest[..at].trim().is_empty())
                .map(|(at, _)| at)
                .collect();
            let cut = cuts
                .iter()
                .rev()
                .find(|&&at| rest[..at].chars().count() <= room)
                .or(cuts.first())
                .copied();
            let Some(cut) = cut else {
                break;
            };
            out.push_str(&lead);
            out.push_str(rest[..cut].trim_end());
            out.push('\n');
            rest = rest[cut..].trim_start();
            lead = " ".repeat(indent + hang);
        }
        out.push_str(&lead);
        out.push_str(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn negative_zero_is_printed_without_sign() {
        assert_eq!(num(-0.000_01, 4), "0.0000");
        assert_eq!(num(-0.5, 1), "-0.5");
    }

    #[test]
    fn sci_is_plain_for_ordinary_sizes_and_scientific_for_extremes() {
        assert_eq!(sci(0.0, 1), "0");
        assert_eq!(sci(0.33, 1), "0.33");
        assert_eq!(sci(0.6602, 3), "0.6602");
        assert_eq!(sci(0.049, 1), "0.049");
        assert_eq!(sci(-0.02, 1), "-0.020");
        assert_eq!(sci(1.4e-17, 1), "1.4e-17");
        assert_eq!(sci(2.571e-115, 3), "2.571e-115");
        assert_eq!(sci(6.1e-8, 1), "6.1e-8");
        assert_eq!(sci(1234.7, 1), "1235");
        assert_eq!(sci(2.5e7, 1), "2.5e7");
        assert_eq!(sci(f64::INFINITY, 1), "inf");
    }

    #[test]
    fn wrapped_lines_fit_the_column() {
        let message = "the loss became NaN at step 3, so training stopped before that \
                       update. Likely causes: a learning rate too high (the weights may have \
                       overflowed)";
        let wrapped = wrap(&format!("  error: {message}\nnext line\n"), 4);
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(
            lines.iter().all(|l| l.chars().count() <= COLUMNS),
            "{wrapped}"
        );
        assert!(
            lines[0].starts_with("  error: the loss became NaN"),
            "{wrapped}"
        );
        assert!(lines[1].starts_with("      ") && !lines[1].starts_with("       "));
        assert_eq!(lines.last(), Some(&"next line"));
        assert!(wrapped.ends_with("next line\n"));
        let words: Vec<&str> = wrapped.split_whitespace().collect();
        assert_eq!(words[1..words.len() - 2].join(" "), message);
        assert_eq!(wrap("a:    short", 2), "a:    short");
        let long = "x".repeat(COLUMNS + 5);
        assert_eq!(wrap(&format!("a: {long}"), 2), format!("a:\n  {long}"));
    }

    #[test]
    fn matrix_rows_line_up() {
        let m = array![[0.1, 0.3], [0.2, 0.4]];
        assert_eq!(matrix(&m, 1, 4), "[[0.1, 0.3],\n     [0.2, 0.4]]");
    }
}
