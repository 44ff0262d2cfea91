//! Chapter 4 of *Training and Backpropagation*: training in practice.
//!
//! - [`data`]: the sine data, six noisy points with held-out points, a small classification task;
//! - [`monitor`]: loss curves, training watched on held-out data, early stopping;
//! - [`experiments`]: the chapter's training runs, computed once per process;
//! - [`debugging`]: logged training, a gradient check and a training-health check;
//! - [`failures`]: the failure modes of a training run, each a real run;
//! - [`listings`] and [`figures`]: what the book shows;
//! - [`exercises`]: Exercise 4.1 (your stub with `--features learner`, otherwise the reference
//!   solution in [`solutions`]).

pub mod data;
pub mod debugging;
pub mod experiments;
pub mod failures;
pub mod figures;
pub mod listings;
pub mod monitor;
pub mod solutions;

/// The exercises the tests check: the reference solutions by default.
#[cfg(not(feature = "learner"))]
pub use solutions as exercises;

/// The exercises the tests check: your stubs in `exercises/` (learner mode).
#[cfg(feature = "learner")]
#[path = "../exercises/mod.rs"]
pub mod exercises;

use bookkit::{Chapter, FigureSpec};

/// Everything this chapter shows in the book.
pub const CHAPTER: Chapter = Chapter {
    package: "ch04-training-in-practice",
    listings: bookkit::listings![
        listings: [
            sine_fit_losses,
            overfitting,
            underfitting,
            early_stopping,
            wrong_backward,
            learning_rates,
            saturated_start,
            log_zero,
            health_check,
            exercise_4_1,
            facts,
        ],
    ],
    figures: &[
        FigureSpec {
            name: "sine_fit",
            render: figures::sine_fit,
        },
        FigureSpec {
            name: "train_vs_held_out",
            render: figures::train_vs_held_out,
        },
        FigureSpec {
            name: "three_fits",
            render: figures::three_fits,
        },
        FigureSpec {
            name: "debugging_curves",
            render: figures::debugging_curves,
        },
    ],
};
