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
    // SOLUTION
    use crate::network::{outer, sigmoid_derivative};
    use ndarray::ArrayView1;

    let activations = network
        .activations()
        .ok_or(NetworkError::BackwardBeforeForward)?;
    let output = &activations[activations.len() - 1];
    if target.len() != output.len() {
        return Err(NetworkError::TargetLength {
            expected: output.len(),
            given: target.len(),
        });
    }
    // The loss is a mean over the n outputs, so each output's share of dL/da is
    // 2(a - t) / n.
    let n = output.len() as f64;
    let mut dl_da =
        (output - &ArrayView1::from(target)).mapv(|difference| 2.0 * difference / n);
    let mut gradients = Gradients::zeros_like(network);
    for i in (0..network.weights().len()).rev() {
        let delta = &dl_da * &activations[i + 1].mapv(sigmoid_derivative);
        gradients.weights[i] = outer(&delta, &activations[i]);
        gradients.biases[i] = delta.clone();
        dl_da = network.weights()[i].t().dot(&delta);
    }
    Ok(gradients)
    // END SOLUTION
}
// ANCHOR_END: solution
