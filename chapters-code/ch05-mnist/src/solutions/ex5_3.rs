//! Exercise 5.3: one epoch on the digits.
//!
//! Fill in `one_epoch`: shuffle the positions of the training images with
//! `rng.permutation(train.len())`, cut them into batches of `batch_size` (the last
//! one may be smaller), and for each batch: get its inputs and one-hot targets with
//! `train.batch(indices)` (Chapter 3's `Examples` trait), run Exercise 5.1's forward
//! pass, add the batch's summed loss (`loss.total(outputs, targets)`) to the epoch's
//! total, compute Exercise 5.2's mean gradients and update with
//! `network.apply_gradients(&gradients, learning_rate)?`. After the epoch, measure
//! the accuracy on `validation` with `train::evaluate`. Then run
//! `cargo learn ch05-mnist`.
#![allow(unused_variables, unused_imports)]

use bookkit::NumpyRng;
use ch02_backpropagation::{Loss, Network};
use ch03_training_loop::{Examples, TrainError};

use crate::data::Digits;
use crate::exercises::{ex5_1, ex5_2};
use crate::train::{RunError, evaluate};

// ANCHOR: solution
/// What one epoch did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochResult {
    /// The total loss of the epoch's batches (each measured before its update)
    /// divided by the number of training images.
    pub train_loss: f64,
    /// The fraction of validation images classified right after the epoch.
    pub validation_accuracy: f64,
}

/// One epoch of mini-batch gradient descent on `train`, then the accuracy on
/// `validation`.
///
/// # Errors
/// [`RunError`] when a batch does not fit the network or the loss is not finite.
pub fn one_epoch(
    network: &mut Network,
    data: (&Digits, &Digits),
    loss: &dyn Loss,
    learning_rate: f64,
    batch_size: usize,
    rng: &mut NumpyRng,
) -> Result<EpochResult, RunError> {
    // SOLUTION
    let (train, validation) = data;
    let order = rng.permutation(train.len());
    let mut total = 0.0;
    for (step, indices) in order.chunks(batch_size.max(1)).enumerate() {
        let (inputs, targets) = train.batch(indices)?;
        let activations = ex5_1::forward_batch(network, inputs.view())?;
        let batch_loss =
            loss.total(activations[activations.len() - 1].view(), targets.view());
        if !batch_loss.is_finite() {
            let error = TrainError::NonFinite {
                step,
                loss: batch_loss,
            };
            return Err(error.into());
        }
        total += batch_loss;
        let gradients =
            ex5_2::mean_gradients(network, &activations, targets.view(), loss);
        network.apply_gradients(&gradients, learning_rate)?;
    }
    Ok(EpochResult {
        train_loss: total / train.len().max(1) as f64,
        validation_accuracy: evaluate(network, loss, validation)?.accuracy(),
    })
    // END SOLUTION
}
// ANCHOR_END: solution
