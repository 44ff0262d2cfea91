//! Exercises 3.1 and 3.2. By default these check the reference solutions; in learner mode
//! (`cargo learn ch03-training-loop`) they check your stubs in `exercises/`.
//!
//! The expected values are what the guide's Python prints under numpy, at full precision.

use bookkit::exercise::{check_all_close, check_close};
use ch03_training_loop::exercises::{ex3_1, ex3_2};

/// The numbers agree with numpy far beyond the printed digits; this leaves room only for a
/// different order of additions, not for a different computation.
const TOLERANCE: f64 = 1e-9;

#[test]
fn exercise_3_1_trains_xor() {
    let run = ex3_1::train_xor(2.0, 2000).expect("XOR trains without errors");
    assert_eq!(
        run.losses.len(),
        2000,
        "Exercise 3.1: record one mean loss per pass (2000 passes), got {}",
        run.losses.len()
    );
    let at = |pass: usize| run.losses[pass];
    check_close(
        "Exercise 3.1: mean loss of pass 0",
        at(0),
        0.4182533880758138,
        TOLERANCE,
    );
    check_close(
        "Exercise 3.1: mean loss of pass 500",
        at(500),
        0.000761580849885416,
        TOLERANCE,
    );
    check_close(
        "Exercise 3.1: mean loss of pass 1000",
        at(1000),
        0.00031763664433246357,
        TOLERANCE,
    );
    check_close(
        "Exercise 3.1: mean loss of pass 1500",
        at(1500),
        0.00019729967877605764,
        TOLERANCE,
    );
    check_close(
        "Exercise 3.1: mean loss of pass 1999",
        at(1999),
        0.0001421905465045289,
        TOLERANCE,
    );
    check_all_close(
        "Exercise 3.1: predictions for [0, 0], [0, 1], [1, 0], [1, 1]",
        &run.predictions,
        &[
            0.010988263365858272,
            0.9882031200026599,
            0.9883191298827465,
            0.013080139219418925,
        ],
        TOLERANCE,
    );
    let output = run.network.predict(&[0.0, 1.0]).expect("two inputs")[0];
    check_close(
        "Exercise 3.1: the returned network's output for [0, 1]",
        output,
        run.predictions[1],
        0.0,
    );
}

#[test]
fn exercise_3_2_final_losses() {
    check_close(
        "Exercise 3.2: final loss at learning rate 0.1",
        ex3_2::final_loss(0.1, 2000).expect("trains"),
        0.01930639163937915,
        TOLERANCE,
    );
    check_close(
        "Exercise 3.2: final loss at learning rate 0.5",
        ex3_2::final_loss(0.5, 2000).expect("trains"),
        0.0008619869859411305,
        TOLERANCE,
    );
    check_close(
        "Exercise 3.2: final loss at learning rate 2.0",
        ex3_2::final_loss(2.0, 2000).expect("trains"),
        0.00014186026954115838,
        TOLERANCE,
    );
    // Learning rate 10 is chaotic: its last digits depend on rounding (see the chapter), so
    // only its size is checked.
    let fast = ex3_2::final_loss(10.0, 2000).expect("trains");
    assert!(
        fast > 0.0 && fast < 1e-4,
        "Exercise 3.2: final loss at learning rate 10.0 should be below 0.0001, got {fast:.6}"
    );
}

#[test]
fn exercise_3_2_verdicts() {
    for (loss, expected) in [
        (0.3, "Too slow/stuck"),
        (0.2, "Learning slowly"),
        (0.019306, "Learning slowly"),
        (0.01, "Good"),
        (0.002, "Good"),
        (0.001, "Great"),
        (0.000142, "Great"),
    ] {
        let got = ex3_2::verdict(loss);
        assert_eq!(
            got, expected,
            "Exercise 3.2: verdict({loss}) should be {expected:?}, got {got:?}"
        );
    }
}
