//! Chapter 3 of *Training and Backpropagation*: the training loop.
//!
//! - [`train`]: one training step, a pass over the data, a mini-batch epoch, and the
//!   evaluation loss, with errors that say what went wrong;
//! - [`data`]: XOR and a noisy XOR data set;
//! - [`runs`]: the chapter's experiments, each computed once per process;
//! - [`listings`] and [`figures`]: what the book shows;
//! - [`exercises`]: Exercises 3.1 and 3.2 (your stubs with `--features learner`, otherwise
//!   the reference solutions in [`solutions`]).

pub mod data;
#[cfg(feature = "book")]
pub mod figures;
#[cfg(feature = "book")]
pub mod listings;
pub mod runs;
pub mod solutions;
pub mod train;

/// The exercises the tests check: the reference solutions by default.
#[cfg(not(feature = "learner"))]
pub use solutions as exercises;

/// The exercises the tests check: your stubs in `exercises/` (learner mode).
#[cfg(feature = "learner")]
#[path = "../exercises/mod.rs"]
pub mod exercises;

pub use train::{
    BatchStep, Examples, TrainError, check_learning_rate, each_batch_in_turn,
    mean_loss, train_batch, train_epoch, train_pass, train_passes, train_step,
};

#[cfg(feature = "book")]
use bookkit::{Chapter, FigureSpec};

/// Everything this chapter shows in the book.
#[cfg(feature = "book")]
pub const CHAPTER: Chapter = Chapter {
    package: "ch03-training-loop",
    listings: bookkit::listings![
        listings: [
            single_example,
            learning_rates,
            saturation,
            mini_batches,
            training_errors,
            exercise_3_1,
            exercise_3_2,
            sensitivity,
            facts,
        ],
    ],
    figures: &[
        FigureSpec {
            name: "learning_rate_curves",
            render: figures::learning_rate_curves,
        },
        FigureSpec {
            name: "batch_size_curves",
            render: figures::batch_size_curves,
        },
        FigureSpec {
            name: "xor_decision_boundary",
            render: figures::xor_decision_boundary,
        },
    ],
};
