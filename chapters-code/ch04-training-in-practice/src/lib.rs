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

use bookkit::{Chapter, FigureSpec, Listing};

/// Everything this chapter shows in the book.
pub const CHAPTER: Chapter = Chapter {
    package: "ch04-training-in-practice",
    listings: &[
        Listing {
            name: "sine_fit_losses",
            run: listings::sine_fit_losses,
        },
        Listing {
            name: "overfitting",
            run: listings::overfitting,
        },
        Listing {
            name: "underfitting",
            run: listings::underfitting,
        },
        Listing {
            name: "early_stopping",
            run: listings::early_stopping,
        },
        Listing {
            name: "wrong_backward",
            run: listings::wrong_backward,
        },
        Listing {
            name: "learning_rates",
            run: listings::learning_rates,
        },
        Listing {
            name: "saturated_start",
            run: listings::saturated_start,
        },
        Listing {
            name: "log_zero",
            run: listings::log_zero,
        },
        Listing {
            name: "health_check",
            run: listings::health_check,
        },
        Listing {
            name: "exercise_4_1",
            run: listings::exercise_4_1,
        },
        Listing {
            name: "facts",
            run: listings::facts,
        },
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
