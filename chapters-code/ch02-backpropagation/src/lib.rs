//! Chapter 2 of *Training and Backpropagation*: backpropagation.
//!
//! - [`network`]: the [`Network`] with `forward`, `backward` and gradient descent updates,
//!   batch-first, reused by every later chapter;
//! - [`loss`]: the one [`Loss`] abstraction: mean squared error and softmax with
//!   cross-entropy, each with its value and the gradient where backpropagation starts;
//! - [`inputs`]: a batch's inputs as the first layer reads them, dense or only the
//!   non-zero values ([`SparseRows`]);
//! - [`hand_trace`]: the chapter's 2→2→1 network traced step by step;
//! - [`gradient_check`](mod@gradient_check): central differences that verify `backward`;
//! - [`listings`]: the code and outputs shown in the book;
//! - [`figures`]: the chapter's figure, the backpropagation trace;
//! - [`stepper`]: the data of the book's interactive backpropagation stepper;
//! - [`exercises`]: Exercises 2.1 and 2.2 (your stubs with `--features learner`, otherwise
//!   the reference solutions in [`solutions`]).

#[cfg(feature = "book")]
pub mod figures;
pub mod gradient_check;
pub mod hand_trace;
pub mod inputs;
mod lines;
#[cfg(feature = "book")]
pub mod listings;
pub mod loss;
pub mod network;
pub mod solutions;
#[cfg(feature = "book")]
pub mod stepper;

/// The exercises the tests check: the reference solutions by default.
#[cfg(not(feature = "learner"))]
pub use solutions as exercises;

/// The exercises the tests check: your stubs in `exercises/` (learner mode).
#[cfg(feature = "learner")]
#[path = "../exercises/mod.rs"]
pub mod exercises;

pub use gradient_check::{
    GradientCheck, GradientCheckFailure, GradientCheckReport, gradient_check,
};
pub use inputs::{InputBatch, SparseRows};
pub use loss::{Activation, Loss, MeanSquaredError, SoftmaxCrossEntropy};
pub use network::{Gradients, Network, NetworkError};

#[cfg(feature = "book")]
use bookkit::{Chapter, FigureSpec};

/// Everything this chapter shows in the book.
#[cfg(feature = "book")]
pub const CHAPTER: Chapter = Chapter {
    package: "ch02-backpropagation",
    listings: bookkit::listings![
        listings: [
            ndarray_basics,
            step1_forward,
            step2_loss,
            step3_output_layer,
            step4_hidden_layer,
            step5_update,
            loop_matches_trace,
            batch_matches_examples,
            backward_demo,
            network_errors,
            gradient_check_demo,
            exercise_2_1,
            exercise_2_2,
            factor_two_bug,
            factor_two_fix,
        ],
        stepper: [
            stepper_data,
        ],
        listings: [
            facts,
        ],
    ],
    figures: &[FigureSpec {
        name: "backprop_trace",
        render: figures::backprop_trace,
    }],
};
