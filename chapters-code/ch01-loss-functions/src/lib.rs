//! Chapter 1 of *Training and Backpropagation*: loss functions.
//!
//! - [`loss`]: MSE and binary cross-entropy, their errors and their gradients;
//! - [`listings`]: the code and outputs shown in the book;
//! - [`figures`]: the chapter's figures;
//! - [`exercises`]: Exercises 1.1 and 1.2 (your stubs with `--features learner`, otherwise
//!   the reference solutions in [`solutions`]).

#[cfg(feature = "book")]
pub mod figures;
#[cfg(feature = "book")]
pub mod listings;
pub mod loss;
pub mod solutions;

/// The exercises the tests check: the reference solutions by default.
#[cfg(not(feature = "learner"))]
pub use solutions as exercises;

/// The exercises the tests check: your stubs in `exercises/` (learner mode).
#[cfg(feature = "learner")]
#[path = "../exercises/mod.rs"]
pub mod exercises;

#[cfg(feature = "book")]
use bookkit::{Chapter, FigureSpec};

/// Everything this chapter shows in the book.
#[cfg(feature = "book")]
pub const CHAPTER: Chapter = Chapter {
    package: "ch01-loss-functions",
    listings: bookkit::listings![
        listings: [
            mse_step_by_step,
            cross_entropy_confidence,
            mse_vs_cross_entropy,
            gradients_through_sigmoid,
            clipping,
            loss_errors,
            exercise_1_1,
            exercise_1_2,
            facts,
        ],
    ],
    figures: &[
        FigureSpec {
            name: "loss_vs_prediction",
            render: figures::loss_vs_prediction,
        },
        FigureSpec {
            name: "gradient_vs_prediction",
            render: figures::gradient_vs_prediction,
        },
        FigureSpec {
            name: "loss_surface",
            render: figures::loss_surface,
        },
    ],
};
