//! Exercise 4.1. By default these check the reference solution; in learner mode
//! (`cargo learn ch04-training-in-practice`) they check your stub in `exercises/`.

use bookkit::exercise::{check_all_close, check_close};
use ch04_training_in_practice::exercises::ex4_1;
use ch04_training_in_practice::solutions;

#[test]
fn exercise_4_1_makes_the_guides_data() {
    let split = ex4_1::make_data();
    assert_eq!(
        (split.train.len(), split.test.len()),
        (20, 10),
        "Exercise 4.1: make_data should return 20 training and 10 test points"
    );
    // np.random.seed(42); X = uniform(0, 1, 30); y = sin(pi X) + normal(0, 0.1, 30)
    let (train_x, train_y) = (split.train.xs(), split.train.ys());
    let (test_x, test_y) = (split.test.xs(), split.test.ys());
    check_close(
        "Exercise 4.1: first training x",
        train_x[0],
        0.3745401188473625,
        1e-12,
    );
    check_close(
        "Exercise 4.1: first training y",
        train_y[0],
        0.8082263253121811,
        1e-12,
    );
    check_close(
        "Exercise 4.1: first test x (point 21)",
        test_x[0],
        0.6118528947223795,
        1e-12,
    );
    check_close(
        "Exercise 4.1: first test y (point 21)",
        test_y[0],
        0.8928291552611383,
        1e-12,
    );
    check_close(
        "Exercise 4.1: last test y (point 30)",
        test_y[9],
        0.2385389131844048,
        1e-12,
    );
}

#[test]
fn exercise_4_1_reports_the_losses_numpy_prints() {
    // The reference data, so that this test checks train_and_track alone.
    let split = solutions::ex4_1::make_data();
    let reports = ex4_1::train_and_track(&split)
        .expect("Exercise 4.1: training should not fail");
    let epochs: Vec<usize> = reports.iter().map(|r| r.epoch).collect();
    assert_eq!(
        epochs,
        vec![0, 500, 1000, 1500, 1999],
        "Exercise 4.1: report after epochs 0, 500, 1000, 1500 and 1999"
    );
    let train: Vec<f64> = reports.iter().map(|r| r.train_loss).collect();
    let test: Vec<f64> = reports.iter().map(|r| r.test_loss).collect();
    // The guide's solution run under numpy: reference/numpy-output.txt, written by
    // reference/practice_numpy.py (checked to 6 decimals, the printed precision).
    let numpy = bookkit::reference::NumpyReference::parse(include_str!(
        "../reference/numpy-output.txt"
    ))
    .expect("reference/numpy-output.txt parses");
    check_all_close(
        "Exercise 4.1: train losses",
        &train,
        numpy
            .values("ex4_1_train_losses")
            .expect("in the reference"),
        1e-6,
    );
    check_all_close(
        "Exercise 4.1: test losses",
        &test,
        numpy.values("ex4_1_test_losses").expect("in the reference"),
        1e-6,
    );
}
