//! Chapter 5 of *Training and Backpropagation*: the practice project, a digit classifier
//! trained on real MNIST images.
//!
//! It builds nothing of its own to learn with: the network is Chapter 2's, the training loop
//! Chapter 3's, early stopping and the health check Chapter 4's.
//!
//! - [`idx`]: the IDX file reader (no dependencies, fuzzed);
//! - [`data`]: where the data lives, loading it, the validation split, inputs and one-hot
//!   targets (as Chapter 3's `Examples`);
//! - [`train`]: the project's run: epochs of Chapter 3's loop, validation, early stopping;
//! - [`experiments`]: every configuration the chapter trains, each trained once per process,
//!   and the test evaluation of the final models;
//! - [`cache`]: finished runs kept on disk between test runs of the same program;
//! - [`exercises`]: Exercises 5.1 to 5.4 (your stubs with `--features learner`, otherwise the
//!   reference solutions in [`solutions`]);
//! - [`model`]: saving and loading trained weights (a small versioned binary format);
//! - [`pgm`] and [`classify`]: classifying your own 28 × 28 image;
//! - [`progress`]: the progress bar of the training command;
//! - [`listings`] and [`figures`]: what the book shows.

pub mod cache;
pub mod classify;
pub mod data;
pub mod experiments;
pub mod figures;
pub mod idx;
pub mod listings;
pub mod model;
pub mod pgm;
pub mod progress;
pub mod solutions;
pub mod train;

/// The exercises the tests check: the reference solutions by default.
#[cfg(not(feature = "learner"))]
pub use solutions as exercises;

/// The exercises the tests check: your stubs in `exercises/` (learner mode).
#[cfg(feature = "learner")]
#[path = "../exercises/mod.rs"]
pub mod exercises;

use bookkit::{Chapter, FigureSpec};

/// Figure names and functions, in book order.
macro_rules! figures {
    ($($name:ident),* $(,)?) => {
        &[$(FigureSpec { name: stringify!($name), render: figures::$name }),*]
    };
}

/// Everything this chapter shows in the book.
pub const CHAPTER: Chapter = Chapter {
    package: "ch05-mnist",
    listings: bookkit::listings![listings: [
        data_summary,
        idx_errors,
        prepared,
        split_summary,
        batch_check,
        guide_run,
        loss_factor,
        save_and_load,
        classify_digits,
        ten_digits,
        softmax_check,
        mse_vs_softmax,
        architectures,
        schedule,
        confusion_matrix,
        best_variants,
        facts,
    ]],
    figures: figures![
        first_digits,
        loss_curve,
        mse_vs_softmax,
        schedule,
        misclassified
    ],
};
