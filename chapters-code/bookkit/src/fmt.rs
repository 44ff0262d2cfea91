//! Number formatting shared by every listing, so outputs look the same across chapters.

use ndarray::{Array1, Array2};

/// Formats `value` with `decimals` digits after the point, never printing `-0.000`.
pub fn num(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match text.strip_prefix('-') {
        Some(unsigned) if unsigned.chars().all(|c| c == '0' || c == '.') => unsigned.to_string(),
        _ => text,
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
    fn matrix_rows_line_up() {
        let m = array![[0.1, 0.3], [0.2, 0.4]];
        assert_eq!(matrix(&m, 1, 4), "[[0.1, 0.3],\n     [0.2, 0.4]]");
    }
}
