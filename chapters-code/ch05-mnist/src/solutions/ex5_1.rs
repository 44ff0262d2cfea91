//! Exercise 5.1: the forward pass of a whole mini-batch.
//!
//! Fill in `forward_batch`: `inputs` holds one example per row (m × n_in). For every
//! layer, compute `Z = A·Wᵀ + b` (`a_prev.dot(&w.t()) + b`: `b` is added to every
//! row) and its activation: the sigmoid for every layer but the last, and for the
//! last layer `network.output_activation()` (use its `apply`). Return every layer's
//! activations, the inputs first and the outputs last: m × n_in, m × n_1, …,
//! m × n_out. Then run `cargo learn ch05-mnist`.
#![allow(unused_variables, unused_imports)]

use ch02_backpropagation::loss::{Activation, sigmoid};
use ch02_backpropagation::{Network, NetworkError};
use ndarray::{Array2, ArrayView2};

// ANCHOR: solution
/// The activations of every layer for a batch of `inputs` (one example per row), the
/// inputs first.
///
/// # Errors
/// [`NetworkError::InputLength`] when the rows do not have one value per network
/// input.
pub fn forward_batch(
    network: &Network,
    inputs: ArrayView2<'_, f64>,
) -> Result<Vec<Array2<f64>>, NetworkError> {
    // SOLUTION
    if inputs.ncols() != network.inputs() {
        return Err(NetworkError::InputLength {
            expected: network.inputs(),
            given: inputs.ncols(),
        });
    }
    let layers = network.weights().len();
    let mut activations = vec![inputs.to_owned()];
    for (i, (w, b)) in network.weights().iter().zip(network.biases()).enumerate() {
        let mut z = activations[i].dot(&w.t()) + b; // (m × n_in)·(n_in × n_out) + b
        if i + 1 == layers {
            network.output_activation().apply(&mut z);
        } else {
            z.mapv_inplace(sigmoid);
        }
        activations.push(z);
    }
    Ok(activations)
    // END SOLUTION
}
// ANCHOR_END: solution
