//! Exercises 2.1 and 2.2. By default these check the reference solutions; in learner mode
//! (`cargo learn ch02-backpropagation`) they check your stubs in `exercises/`.

use bookkit::exercise::{check_all_close, check_close};
use ch02_backpropagation::exercises::{ex2_1, ex2_2};
use ch02_backpropagation::hand_trace::{HandTrace, TwoLayer};
use ch02_backpropagation::listings::{
    EX2_2_INPUT, EX2_2_LAYERS, EX2_2_SEED, EX2_2_TARGET,
};
use ch02_backpropagation::{GradientCheck, Network, NetworkError};
use ndarray::{Array1, Array2, array};

fn flat(matrix: &Array2<f64>) -> Vec<f64> {
    matrix.iter().copied().collect()
}

fn check_vector(what: &str, got: &Array1<f64>, expected: &Array1<f64>) {
    check_all_close(
        &format!("Exercise 2.1: {what}"),
        &got.to_vec(),
        &expected.to_vec(),
        1e-12,
    );
}

fn check_matrix(what: &str, got: &Array2<f64>, expected: &Array2<f64>) {
    assert_eq!(
        got.dim(),
        expected.dim(),
        "Exercise 2.1: {what} has the wrong shape: expected {:?}, got {:?}",
        expected.dim(),
        got.dim()
    );
    check_all_close(
        &format!("Exercise 2.1: {what} (row by row)"),
        &flat(got),
        &flat(expected),
        1e-12,
    );
}

#[test]
fn exercise_2_1_traces_every_value() {
    let net = TwoLayer::hand_trace();
    let (x, target) = (array![0.5, 1.5], array![0.0]);
    let got =
        ex2_1::trace(&net, &x, &target).expect("the target has one value per output");
    // The chapter's own step functions are the reference.
    let expected = HandTrace::run(&net, &x, &target).expect("valid shapes");
    let (g, e) = (&got.forward, &expected.forward);
    check_vector("z1", &g.z1, &e.z1);
    check_vector("a1", &g.a1, &e.a1);
    check_vector("z2", &g.z2, &e.z2);
    check_vector("a2", &g.a2, &e.a2);
    check_close("Exercise 2.1: loss", got.loss, expected.loss, 1e-12);
    let (g, e) = (&got.output, &expected.output);
    check_vector("dL/da2", &g.dl_da2, &e.dl_da2);
    check_vector("da2/dz2", &g.da2_dz2, &e.da2_dz2);
    check_vector("delta2", &g.delta2, &e.delta2);
    check_matrix("dL/dW2", &g.dl_dw2, &e.dl_dw2);
    check_vector("dL/db2", &g.dl_db2, &e.dl_db2);
    let (g, e) = (&got.hidden, &expected.hidden);
    check_vector("dL/da1", &g.dl_da1, &e.dl_da1);
    check_vector("da1/dz1", &g.da1_dz1, &e.da1_dz1);
    check_vector("delta1", &g.delta1, &e.delta1);
    check_matrix("dL/dW1", &g.dl_dw1, &e.dl_dw1);
    check_vector("dL/db1", &g.dl_db1, &e.dl_db1);
}

#[test]
fn exercise_2_1_matches_numpy() {
    // The guide's solution run under numpy 2.4 (full precision).
    let got = ex2_1::trace(&TwoLayer::hand_trace(), &array![0.5, 1.5], &array![0.0])
        .expect("the target has one value per output");
    check_all_close(
        "Exercise 2.1: a1",
        &got.forward.a1.to_vec(),
        &[0.6248064744684292, 0.6726070170677605],
        1e-12,
    );
    check_close("Exercise 2.1: loss", got.loss, 0.46009006521260315, 1e-12);
    check_all_close(
        "Exercise 2.1: dL/dW1 (row by row)",
        &flat(&got.hidden.dl_dw1),
        &[
            0.017348646516474418,
            0.052045939549423256,
            0.019555852293677144,
            0.05866755688103143,
        ],
        1e-12,
    );
}

fn exercise_network() -> Network {
    Network::new(&EX2_2_LAYERS, EX2_2_SEED).expect("valid layer sizes")
}

#[test]
fn exercise_2_2_backward_passes_the_gradient_check() {
    let mut net = exercise_network();
    net.forward(&EX2_2_INPUT).expect("valid input");
    let gradients =
        ex2_2::backward(&net, &EX2_2_TARGET).expect("backward after forward");
    let report = GradientCheck::default()
        .compare(&mut net, &EX2_2_INPUT, &EX2_2_TARGET, &gradients)
        .unwrap_or_else(|error| panic!("Exercise 2.2: {error}"));
    assert_eq!(report.checks.len(), 26, "Exercise 2.2: 26 parameters");
    if let Err(failure) = report.into_result() {
        panic!("Exercise 2.2: {failure}");
    }
}

#[test]
fn exercise_2_2_backward_works_for_other_architectures() {
    for (sizes, seed) in [(vec![2, 1], 1), (vec![4, 3, 3, 2], 2), (vec![1, 5, 1], 3)]
    {
        let mut net = Network::new(&sizes, seed).expect("valid layer sizes");
        let input: Vec<f64> = (0..sizes[0]).map(|i| 0.5 - i as f64).collect();
        let target = vec![0.25; sizes[sizes.len() - 1]];
        net.forward(&input).expect("valid input");
        let gradients =
            ex2_2::backward(&net, &target).expect("backward after forward");
        let report = GradientCheck::default()
            .compare(&mut net, &input, &target, &gradients)
            .unwrap_or_else(|error| panic!("Exercise 2.2 on {sizes:?}: {error}"));
        if let Err(failure) = report.into_result() {
            panic!("Exercise 2.2 on {sizes:?}: {failure}");
        }
    }
}

#[test]
fn exercise_2_2_backward_reports_bad_input() {
    let mut net = exercise_network();
    assert_eq!(
        ex2_2::backward(&net, &EX2_2_TARGET),
        Err(NetworkError::BackwardBeforeForward),
        "Exercise 2.2: backward before forward must be NetworkError::BackwardBeforeForward"
    );
    net.forward(&EX2_2_INPUT).expect("valid input");
    assert_eq!(
        ex2_2::backward(&net, &[1.0]),
        Err(NetworkError::TargetLength {
            expected: 2,
            given: 1
        }),
        "Exercise 2.2: a 1-value target for 2 outputs must be NetworkError::TargetLength"
    );
}
