//! Exercise 3.1: train a network on XOR.
//!
//! Fill in `train_xor`: build a `[2, 4, 1]` network with seed 42, then make `passes`
//! passes over the four XOR examples (one `train_step` per example, in order) at
//! `learning_rate`, recording each pass's mean loss. Return the losses, the trained
//! network and its predictions for the four inputs. Then run
//! `cargo learn ch03-training-loop`.
#![allow(unused_variables)]

use ch02_backpropagation::Network;

use crate::train::TrainError;

// ANCHOR: solution
/// What training on XOR produced.
#[derive(Debug, Clone)]
pub struct XorTraining {
    /// The mean loss of each pass over the four examples (during training, before
    /// updates).
    pub losses: Vec<f64>,
    /// The network after training.
    pub network: Network,
    /// Its outputs for `[0, 0]`, `[0, 1]`, `[1, 0]`, `[1, 1]`, in that order.
    pub predictions: Vec<f64>,
}

/// Trains a `[2, 4, 1]` network (seed 42) on XOR for `passes` passes at
/// `learning_rate`.
///
/// # Errors
/// A [`TrainError`] if training fails (it does not for XOR with a sensible learning
/// rate).
pub fn train_xor(
    learning_rate: f64,
    passes: usize,
) -> Result<XorTraining, TrainError> {
    // SOLUTION
    use crate::data::xor;
    use crate::train::train_step;

    let data = xor();
    let mut network = Network::new(&[2, 4, 1], 42)?;
    let mut losses = Vec::with_capacity(passes);
    for _ in 0..passes {
        let mut total = 0.0;
        for (input, target) in data.inputs.iter().zip(&data.targets) {
            total += train_step(&mut network, input, target, learning_rate)?;
        }
        losses.push(total / data.len() as f64);
    }
    let mut predictions = Vec::new();
    for input in &data.inputs {
        predictions.push(network.predict(input)?[0]);
    }
    Ok(XorTraining {
        losses,
        network,
        predictions,
    })
    // END SOLUTION
}
// ANCHOR_END: solution
