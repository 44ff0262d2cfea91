//! Exercise 1.1: compute MSE by hand.
//!
//! Fill in `mse_by_hand` so that it returns every intermediate step for the given
//! predictions and targets: the errors `prediction - target`, their squares, and the
//! mean of the squares. Then run `cargo learn ch01-loss-functions`.
#![allow(unused_variables)]

// ANCHOR: solution
/// Every step of an MSE computation.
#[derive(Debug, Clone, PartialEq)]
pub struct MseSteps {
    /// `prediction - target`, one per pair.
    pub errors: Vec<f64>,
    /// Each error squared.
    pub squared: Vec<f64>,
    /// The mean of the squared errors.
    pub mse: f64,
}

/// Computes MSE one step at a time (predictions and targets have the same, non-zero
/// length).
pub fn mse_by_hand(predictions: &[f64], targets: &[f64]) -> MseSteps {
    // SOLUTION
    let errors: Vec<f64> = predictions
        .iter()
        .zip(targets)
        .map(|(p, t)| p - t)
        .collect();
    let squared: Vec<f64> = errors.iter().map(|e| e * e).collect();
    let mse = squared.iter().sum::<f64>() / squared.len() as f64;
    MseSteps {
        errors,
        squared,
        mse,
    }
    // END SOLUTION
}
// ANCHOR_END: solution
