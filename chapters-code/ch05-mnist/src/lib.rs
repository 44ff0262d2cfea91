//! Chapter 5 of *Training and Backpropagation*: the practice project, a digit classifier
//! trained on real MNIST images.
//!
//! - [`idx`]: the IDX file reader (no dependencies, fuzzed);
//! - [`data`]: where the data lives, loading it, inputs and one-hot targets;
//! - [`batch`]: forward and backward passes over whole mini-batches, and the fast [`batch::Trainer`];
//! - [`train`]: the training loop, evaluation and the record of a run;
//! - [`experiments`]: every configuration the chapter trains, each trained once per process;
//! - [`model`]: saving and loading trained weights (a small versioned binary format);
//! - [`pgm`] and [`classify`]: classifying your own 28 × 28 image;
//! - [`progress`]: the progress bar of the training command;
//! - [`listings`] and [`figures`]: what the book shows.

pub mod batch;
pub mod classify;
pub mod data;
pub mod experiments;
pub mod figures;
pub mod idx;
pub mod listings;
pub mod model;
pub mod pgm;
pub mod progress;
pub mod train;

use bookkit::{Chapter, FigureSpec, Listing};

/// Listing names and functions, in book order.
macro_rules! listings {
    ($($name:ident),* $(,)?) => {
        &[$(Listing { name: stringify!($name), run: listings::$name }),*]
    };
}

/// Figure names and functions, in book order.
macro_rules! figures {
    ($($name:ident),* $(,)?) => {
        &[$(FigureSpec { name: stringify!($name), render: figures::$name }),*]
    };
}

/// Everything this chapter shows in the book.
pub const CHAPTER: Chapter = Chapter {
    package: "ch05-mnist",
    listings: listings![
        data_summary,
        idx_errors,
        prepared,
        batch_check,
        guide_run,
        loss_factor,
        save_and_load,
        classify_digits,
        ten_digits,
        mse_vs_softmax,
        architectures,
        schedule,
        confusion_matrix,
        best_variants,
        facts,
    ],
    figures: figures![
        first_digits,
        loss_curve,
        mse_vs_softmax,
        schedule,
        misclassified
    ],
};
