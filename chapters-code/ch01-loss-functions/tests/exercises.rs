//! Exercises 1.1 and 1.2. By default these check the reference solutions; in learner mode
//! (`cargo learn ch01-loss-functions`) they check your stubs in `exercises/`.

use bookkit::exercise::{check_all_close, check_close};
use ch01_loss_functions::exercises::{ex1_1, ex1_2};

#[test]
fn exercise_1_1_mse_by_hand() {
    let steps = ex1_1::mse_by_hand(&[0.5, 0.8, 0.2, 0.9], &[0.0, 1.0, 0.0, 1.0]);
    check_all_close(
        "Exercise 1.1: errors",
        &steps.errors,
        &[0.5, -0.2, 0.2, -0.1],
        1e-12,
    );
    check_all_close(
        "Exercise 1.1: squared errors",
        &steps.squared,
        &[0.25, 0.04, 0.04, 0.01],
        1e-12,
    );
    check_close("Exercise 1.1: mse", steps.mse, 0.085, 1e-12);
}

#[test]
fn exercise_1_2_cross_entropy() {
    let targets = [1.0, 0.0, 1.0];
    let hedging = ex1_2::cross_entropy(&[0.6, 0.4, 0.6], &targets);
    let wrong = ex1_2::cross_entropy(&[0.1, 0.9, 0.1], &targets);
    check_close(
        "Exercise 1.2: cross-entropy of [0.6, 0.4, 0.6]",
        hedging,
        -(0.6f64.ln()),
        1e-12,
    );
    check_close(
        "Exercise 1.2: cross-entropy of [0.1, 0.9, 0.1]",
        wrong,
        -(0.1f64.ln()),
        1e-12,
    );
    let at_zero = ex1_2::cross_entropy(&[0.0], &[1.0]);
    check_close(
        "Exercise 1.2: cross-entropy of [0.0] (clip it!)",
        at_zero,
        -(1e-15f64.ln()),
        1e-9,
    );
}
