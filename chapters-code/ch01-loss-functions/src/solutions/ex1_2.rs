//! Exercise 1.2: cross-entropy and confident wrong answers.
//!
//! Fill in `cross_entropy`: the mean over all pairs of `-(t·ln p + (1 - t)·ln(1 - p))`,
//! with each prediction first clipped to `[1e-15, 1 - 1e-15]` so that a prediction of exactly
//! 0 or 1 gives a large, finite loss. Then run `cargo learn ch01-loss-functions`.
#![allow(unused_variables)]

// ANCHOR: solution
/// Binary cross-entropy with clipping (predictions and targets have the same,
/// non-zero length).
pub fn cross_entropy(predictions: &[f64], targets: &[f64]) -> f64 {
    // SOLUTION
    let eps = 1e-15;
    let total: f64 = predictions
        .iter()
        .zip(targets)
        .map(|(&p, &t)| {
            let p = p.clamp(eps, 1.0 - eps);
            -(t * p.ln() + (1.0 - t) * (1.0 - p).ln())
        })
        .sum();
    total / predictions.len() as f64
    // END SOLUTION
}
// ANCHOR_END: solution
