//! Chapter 2 of *Training and Backpropagation*: backpropagation.
//!
//! - [`network`]: the [`Network`] with `forward`, `backward` and gradient descent updates,
//!   batch-first, reused by every later chapter;
//! - [`loss`]: the one [`Loss`] abstraction: mean squared error and softmax with
//!   cross-entropy, each with its value and the gradient where backpropagation starts;
//! - [`hand_trace`]: the chapter's 2→2→1 network traced step by step;
//! - [`gradient_check`]: central differences that verify `backward`;
//! - [`listings`]: the code and outputs shown in the book;
//! - [`figures`]: the chapter's figure, the backpropagation trace;
//! - [`stepper`]: the data of the book's interactive backpropagation stepper;
//! - [`exercises`]: Exercises 2.1 and 2.2 (your stubs with `--features learner`, otherwise
//!   the reference solutions in [`solutions`]).

#[cfg(feature = "book")]
pub mod figures;
pub mod gradient_check;
pub mod hand_trace;
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
pub use loss::{Activation, Loss, MeanSquaredError, SoftmaxCrossEntropy};
pub use network::{Gradients, Network, NetworkError};

#[cfg(feature = "book")]
use bookkit::{Chapter, FigureSpec, Listing};

/// Everything this chapter shows in the book.
#[cfg(feature = "book")]
pub const CHAPTER: Chapter = Chapter {
    package: "ch02-backpropagation",
    listings: &[
        Listing {
            name: "ndarray_basics",
            run: listings::ndarray_basics,
        },
        Listing {
            name: "step1_forward",
            run: listings::step1_forward,
        },
        Listing {
            name: "step2_loss",
            run: listings::step2_loss,
        },
        Listing {
            name: "step3_output_layer",
            run: listings::step3_output_layer,
        },
        Listing {
            name: "step4_hidden_layer",
            run: listings::step4_hidden_layer,
        },
        Listing {
            name: "step5_update",
            run: listings::step5_update,
        },
        Listing {
            name: "loop_matches_trace",
            run: listings::loop_matches_trace,
        },
        Listing {
            name: "batch_matches_examples",
            run: listings::batch_matches_examples,
        },
        Listing {
            name: "backward_demo",
            run: listings::backward_demo,
        },
        Listing {
            name: "network_errors",
            run: listings::network_errors,
        },
        Listing {
            name: "gradient_check_demo",
            run: listings::gradient_check_demo,
        },
        Listing {
            name: "exercise_2_1",
            run: listings::exercise_2_1,
        },
        Listing {
            name: "exercise_2_2",
            run: listings::exercise_2_2,
        },
        Listing {
            name: "factor_two_bug",
            run: listings::factor_two_bug,
        },
        Listing {
            name: "factor_two_fix",
            run: listings::factor_two_fix,
        },
        Listing {
            name: "stepper_data",
            run: stepper::stepper_data,
        },
        Listing {
            name: "facts",
            run: listings::facts,
        },
    ],
    figures: &[FigureSpec {
        name: "backprop_trace",
        render: figures::backprop_trace,
    }],
};
