//! Exercise 2.1: trace backprop by hand for a different input.
//!
//! Take the chapter's network (`TwoLayer::hand_trace()`: the same W1, b1, W2, b2),
//! the input `x = [0.5, 1.5]` and the target `[0.0]`. Work out the forward pass and
//! the backward pass on paper first, then fill in `trace` so that it returns every
//! intermediate value: z1, a1, z2, a2, the MSE loss, then dL/da2, da2/dz2, delta2,
//! dL/dW2, dL/db2, and dL/da1, da1/dz1, delta1, dL/dW1, dL/db1. Write each chain-rule
//! step yourself with ndarray (the chapter's step functions show the way; don't call
//! them). Then run `cargo learn ch02-backpropagation`.
#![allow(unused_variables)]

use ch01_loss_functions::loss::LossError;
use ndarray::Array1;

use crate::hand_trace::{HandTrace, TwoLayer};

// ANCHOR: solution
/// Every value of one forward and backward pass of `net` on `x` with `target`.
///
/// # Errors
/// [`LossError`] when `target` does not have one value per output.
pub fn trace(
    net: &TwoLayer,
    x: &Array1<f64>,
    target: &Array1<f64>,
) -> Result<HandTrace, LossError> {
    bookkit::not_done!()
}
// ANCHOR_END: solution
