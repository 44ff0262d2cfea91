//! The setup check of *Training and Backpropagation*: if this prints `MSE loss: 0.0200`, the
//! toolchain and the crates the book uses work on your machine.

use std::fmt::Write;

use bookkit::{BookResult, Chapter};
use ndarray::array;

// ANCHOR: setup_check
/// Prints the versions of the crates the book builds on, then computes a first loss.
pub fn setup_check() -> BookResult<String> {
    let mut out = String::new();
    for crate_version in env!("BOOK_CRATE_VERSIONS").split(';') {
        writeln!(out, "{crate_version}")?;
    }

    let predictions = array![0.9, 0.1, 0.8];
    let targets = array![1.0, 0.0, 1.0];
    let errors = &predictions - &targets;
    let mse = errors.mapv(|e| e * e).mean().ok_or("no predictions")?;
    writeln!(out, "MSE loss: {mse:.4}")?;
    Ok(out)
}
// ANCHOR_END: setup_check

/// Everything the setup chapter shows in the book.
pub const CHAPTER: Chapter = Chapter {
    package: "ch00-setup",
    listings: bookkit::listings![self: [setup_check]],
    figures: &[],
};
