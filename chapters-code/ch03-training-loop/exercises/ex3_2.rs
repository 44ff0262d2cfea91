//! Exercise 3.2: compare learning rates on XOR.
//!
//! Fill in `final_loss`: train a fresh `[2, 4, 1]` network (seed 42, so every
//! learning rate starts from the same weights) on XOR for `passes` passes at
//! `learning_rate`, then return its mean loss over the four examples *after*
//! training. Fill in `verdict`, which grades a final loss. Then run
//! `cargo learn ch03-training-loop`.
#![allow(unused_variables)]

use crate::train::TrainError;

// ANCHOR: solution
/// The mean loss over XOR of a `[2, 4, 1]` network (seed 42) after `passes` passes at
/// `learning_rate`.
///
/// # Errors
/// A [`TrainError`] if training fails.
pub fn final_loss(learning_rate: f64, passes: usize) -> Result<f64, TrainError> {
    bookkit::not_done!()
}

/// Grades a final loss: above 0.2 "Too slow/stuck", above 0.01 "Learning slowly",
/// above 0.001 "Good", otherwise "Great".
pub fn verdict(final_loss: f64) -> &'static str {
    bookkit::not_done!()
}
// ANCHOR_END: solution
