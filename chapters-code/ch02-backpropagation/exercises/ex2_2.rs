//! Exercise 2.2: implement backward() and verify it with gradient checking.
//!
//! Fill in `backward`: starting from the activations the last `forward` stored
//! (`network.activations()`, input first), compute the gradient of the mean squared
//! error `mean((a - t)²)` with respect to every weight and bias, layer by layer from
//! the output back to the input, following the chapter's five-step pattern. Don't
//! call `Network::backward` (that is the answer); `outer` and `sigmoid_derivative`
//! from `crate::network` may help. Without a forward pass, return
//! `NetworkError::BackwardBeforeForward`; for a target of the wrong length,
//! `NetworkError::TargetLength`. The tests gradient-check your gradients on a [3, 4,
//! 2] network built with seed 99: all 26 parameters must pass. Then run
//! `cargo learn ch02-backpropagation`.
#![allow(unused_variables)]

use crate::network::{Gradients, Network, NetworkError};

// ANCHOR: solution
/// dL/dW and dL/db of the mean squared error against `target`, for every layer of
/// `network`.
///
/// # Errors
/// [`NetworkError::BackwardBeforeForward`] without a forward pass first,
/// [`NetworkError::TargetLength`] when `target` does not match the output layer.
pub fn backward(
    network: &Network,
    target: &[f64],
) -> Result<Gradients, NetworkError> {
    bookkit::not_done!()
}
// ANCHOR_END: solution
