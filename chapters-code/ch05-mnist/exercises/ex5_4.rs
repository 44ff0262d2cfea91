//! Exercise 5.4: train the guide's network on a small part of the digits.
//!
//! Fill in `train_small`: build the guide's network (`GUIDE.network(&mut rng)` with
//! `rng = NumpyRng::seed(GUIDE.seed)`, so the weights are the guide's), then train it
//! for `SMALL_EPOCHS` epochs with your `one_epoch` from Exercise 5.3 on the first
//! `SMALL_TRAIN` training images (`split.train.select(…)`), measuring on the first
//! `SMALL_VALIDATION` validation images. Use the guide's loss, learning rate and
//! batch size, and the same `rng` for every epoch's shuffle. Return each epoch's
//! result. Then run `cargo learn ch05-mnist` (it needs the data:
//! `cargo mnist-fetch`).
#![allow(unused_variables, unused_imports)]

use bookkit::NumpyRng;

use crate::data::Split;
use crate::exercises::ex5_3::{self, EpochResult};
use crate::train::{GUIDE, RunError};

/// How many training images Exercise 5.4 trains on.
pub const SMALL_TRAIN: usize = 3_000;
/// How many validation images it measures on.
pub const SMALL_VALIDATION: usize = 1_000;
/// How many epochs it trains.
pub const SMALL_EPOCHS: usize = 5;

// ANCHOR: solution
/// The guide's network trained on a small part of `split`; one result per epoch.
///
/// # Errors
/// [`RunError`] if training fails.
pub fn train_small(split: &Split) -> Result<Vec<EpochResult>, RunError> {
    bookkit::not_done!()
}
// ANCHOR_END: solution
