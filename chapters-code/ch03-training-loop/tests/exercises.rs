//! Exercises 3.1 and 3.2. By default these check the reference solutions; in learner mode
//! (`cargo learn ch03-training-loop`) they check your stubs in `exercises/`.
//!
//! The expected values are what the guide's Python prints under numpy, at full precision:
//! `reference/numpy-output.txt`, written by `reference/training_numpy.py`.

use bookkit::exercise::{check_all_close, check_close};
use bookkit::reference::NumpyReference;
use ch03_training_loop::exercises::{ex3_1, ex3_2};

/// The numbers agree with numpy far beyond the printed digits; this leaves room only for a
/// different order of additions, not for a different computation.
const TOLERANCE: f64 = 1e-9;

/// The committed numpy reference output of this chapter.
fn numpy() -> NumpyReference {
    NumpyReference::parse(include_str!("../reference/numpy-output.txt"))
        .expect("reference/numpy-output.txt parses")
}

#[test]
fn exercise_3_1_trains_xor() {
    let run = ex3_1::train_xor(2.0, 2000).expect("XOR trains without errors");
    assert_eq!(
        run.losses.len(),
        2000,
        "Exercise 3.1: record one mean loss per pass (2000 passes), got {}",
        run.losses.len()
    );
    let numpy = numpy();
    let expected = numpy.values("ex3_1_losses").expect("in the reference");
    assert_eq!(
        expected.len(),
        5,
        "ex3_1_losses: one value per pass checked"
    );
    for (pass, expected) in [0, 500, 1000, 1500, 1999].into_iter().zip(expected) {
        check_close(
            &format!("Exercise 3.1: mean loss of pass {pass}"),
            run.losses[pass],
            *expected,
            TOLERANCE,
        );
    }
    check_all_close(
        "Exercise 3.1: predictions for [0, 0], [0, 1], [1, 0], [1, 1]",
        &run.predictions,
        numpy.values("ex3_1_predictions").expect("in the reference"),
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
    let numpy = numpy();
    for rate in [0.1, 0.5, 2.0] {
        check_close(
            &format!("Exercise 3.2: final loss at learning rate {rate:?}"),
            ex3_2::final_loss(rate, 2000).expect("trains"),
            numpy
                .value(&format!("ex3_2_lr{rate:?}"))
                .expect("in the reference"),
            TOLERANCE,
        );
    }
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
