//! Chapter 2 of *Training and Backpropagation*: backpropagation.
//!
//! - [`network`]: the [`Network`] with `forward`, `backward` and gradient descent updates,
//!   reused by every later chapter.

pub mod network;

pub use network::{Gradients, Network, NetworkError};

use bookkit::Chapter;

/// Everything this chapter shows in the book.
pub const CHAPTER: Chapter = Chapter {
    package: "ch02-backpropagation",
    listings: &[],
    figures: &[],
};
