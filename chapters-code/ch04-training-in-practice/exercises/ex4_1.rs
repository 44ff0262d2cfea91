//! Exercise 4.1: split data and watch for overfitting.
//!
//! 1. `make_data`: after `np.random.seed(42)` (`NumpyRng::seed(42)`), draw 30 inputs
//!    `x = uniform(0, 1, 30)`, then 30 noise values `normal(0, 0.1, 30)`; each target
//!    is `sin(πx) + noise`. The first 20 points are the training set, the last 10 the
//!    test set.
//! 2. `train_and_track`: train a `[1, 16, 1]` network (seed 42) for 2000 epochs, one
//!    in-order `train_pass` per epoch at learning rate 1.0. After epochs 0, 500,
//!    1000, 1500 and 1999, record the mean loss on the training set and on the test
//!    set (`mean_loss`).
//!
//! Then run `cargo learn ch04-training-in-practice`.
#![allow(unused_variables, unused_imports)]

use bookkit::NumpyRng;
use ch02_backpropagation::Network;
use ch03_training_loop::{TrainError, mean_loss, train_pass};

use crate::data::{Dataset, Split, true_curve};

/// The epochs after which [`train_and_track`] records the losses.
pub const REPORT_EPOCHS: [usize; 5] = [0, 500, 1000, 1500, 1999];

/// The losses after one epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Report {
    /// The epoch, counting from 0.
    pub epoch: usize,
    /// Mean loss on the training set after that epoch.
    pub train_loss: f64,
    /// Mean loss on the test set after that epoch.
    pub test_loss: f64,
}

// ANCHOR: solution
/// 30 noisy points of `sin(πx)`: the first 20 to train on, the last 10 to test on.
pub fn make_data() -> Split {
    bookkit::not_done!()
}

/// Trains a `[1, 16, 1]` network on `split.train` and reports both losses at
/// [`REPORT_EPOCHS`].
///
/// # Errors
/// [`TrainError`] if training fails.
pub fn train_and_track(split: &Split) -> Result<Vec<Report>, TrainError> {
    bookkit::not_done!()
}
// ANCHOR_END: solution
