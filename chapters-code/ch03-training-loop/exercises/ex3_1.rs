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
    bookkit::not_done!()
}
// ANCHOR_END: solution
