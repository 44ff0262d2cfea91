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
    // SOLUTION
    use crate::hand_trace::{
        ForwardPass, HiddenLayerGradients, OutputLayerGradients,
    };
    use crate::network::{outer, sigmoid, sigmoid_derivative};

    // Forward pass, keeping every value.
    let z1 = net.w1.dot(x) + &net.b1;
    let a1 = z1.mapv(sigmoid);
    let z2 = net.w2.dot(&a1) + &net.b2;
    let a2 = z2.mapv(sigmoid);
    let loss = ch01_loss_functions::loss::mse(&a2.to_vec(), &target.to_vec())?;

    // Output layer: loss -> a2 -> z2 -> (W2, b2).
    let n = target.len() as f64;
    let dl_da2 = (&a2 - target).mapv(|difference| 2.0 * difference / n);
    let da2_dz2 = a2.mapv(sigmoid_derivative);
    let delta2 = &dl_da2 * &da2_dz2;
    let dl_dw2 = outer(&delta2, &a1);
    let dl_db2 = delta2.clone();

    // Hidden layer: delta2 flows back through W2ᵀ, then through the hidden sigmoids.
    let dl_da1 = net.w2.t().dot(&delta2);
    let da1_dz1 = a1.mapv(sigmoid_derivative);
    let delta1 = &dl_da1 * &da1_dz1;
    let dl_dw1 = outer(&delta1, x);
    let dl_db1 = delta1.clone();

    Ok(HandTrace {
        forward: ForwardPass { z1, a1, z2, a2 },
        loss,
        output: OutputLayerGradients {
            dl_da2,
            da2_dz2,
            delta2,
            dl_dw2,
            dl_db2,
        },
        hidden: HiddenLayerGradients {
            dl_da1,
            da1_dz1,
            delta1,
            dl_dw1,
            dl_db1,
        },
    })
    // END SOLUTION
}
// ANCHOR_END: solution
