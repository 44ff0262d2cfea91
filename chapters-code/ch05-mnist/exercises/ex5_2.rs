//! Exercise 5.2: the backward pass of a whole mini-batch.
//!
//! Fill in `mean_gradients`: `activations` come from Exercise 5.1 (inputs first),
//! `targets` hold one one-hot row per example. Start from
//! `loss.output_deltas(outputs, targets)`, dL/dz of the output layer, one row per
//! example (Δ). Then for each layer from the last: the weight gradient is `Δᵀ·A_prev`
//! and the bias gradient the column sums of Δ (both summed over the examples: divide
//! by the number of examples m to average them); below the first layer nothing is
//! needed, otherwise the next Δ is `(Δ·W) * A_prev(1 - A_prev)`, element by element.
//! Return the gradients averaged over the batch. Then run `cargo learn ch05-mnist`.
#![allow(unused_variables, unused_imports)]

use ch02_backpropagation::loss::sigmoid_derivative;
use ch02_backpropagation::{Gradients, Loss, Network};
use ndarray::{Array2, ArrayView2, Axis};

// ANCHOR: solution
/// The gradients of `loss`, averaged over the batch whose `activations` (inputs
/// first) and `targets` (one row per example) are given.
pub fn mean_gradients(
    network: &Network,
    activations: &[Array2<f64>],
    targets: ArrayView2<'_, f64>,
    loss: &dyn Loss,
) -> Gradients {
    bookkit::not_done!()
}
// ANCHOR_END: solution
