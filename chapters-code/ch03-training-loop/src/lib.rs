//! Chapter 3 of *Training and Backpropagation*: the training loop.
//!
//! - [`train`]: one training step, a pass over the data, a mini-batch epoch, and the
//!   evaluation loss, with errors that say what went wrong.

pub mod train;

pub use train::{TrainError, mean_loss, train_epoch, train_pass, train_step};
