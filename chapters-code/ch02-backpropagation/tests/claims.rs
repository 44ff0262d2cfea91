//! The chapter's claims, asserted on the real runs (the prose says only what these check).

use bookkit::exercise::{check_all_close, check_close};
use ch02_backpropagation::MeanSquaredError;
use ch02_backpropagation::gradient_check::{
    CheckedLoss, GradientCheck, network_loss, numerical_gradients,
    relative_difference,
};
use ch02_backpropagation::hand_trace::{HandTrace, INPUT, TARGET, TwoLayer};
use ch02_backpropagation::listings::{
    EX2_2_INPUT, EX2_2_TARGET, check_from_output_gradient, exercise_2_2_network,
    guide_output_gradient, hand_trace_step, library_output_gradient, max_difference,
};
use ch02_backpropagation::{Gradients, Network, NetworkError, gradient_check};

#[test]
fn hand_trace_matches_numpy_at_full_precision() {
    // reference/numpy-output.txt: the guide's hand-trace code under numpy 2.4, printed at full
    // precision by reference/handtrace_numpy.py.
    let numpy = bookkit::reference::NumpyReference::parse(include_str!(
        "../reference/numpy-output.txt"
    ))
    .expect("reference/numpy-output.txt parses");
    let values = |name: &str| numpy.values(name).expect("in the reference").to_vec();
    let value = |name: &str| numpy.value(name).expect("in the reference");
    let step = hand_trace_step().expect("the hand-trace runs");
    let t = &step.trace;
    check_all_close("a1", &t.forward.a1.to_vec(), &values("a1"), 1e-15);
    check_close("a2", t.forward.a2[0], value("a2"), 1e-15);
    check_close("loss", t.loss, value("loss"), 1e-15);
    check_close("delta2", t.output.delta2[0], value("delta2"), 1e-15);
    check_all_close(
        "delta1",
        &t.hidden.delta1.to_vec(),
        &values("delta1"),
        1e-15,
    );
    check_close(
        "new prediction",
        step.new_prediction,
        value("new_prediction"),
        1e-15,
    );
    check_close("new loss", step.new_loss, value("new_loss"), 1e-15);
}

#[test]
fn one_update_step_decreases_the_loss() {
    let step = hand_trace_step().expect("the hand-trace runs");
    assert!(
        step.new_loss < step.trace.loss,
        "loss {} -> {}",
        step.trace.loss,
        step.new_loss
    );
    assert!(
        step.new_prediction > step.trace.forward.a2[0]
            && step.new_prediction < TARGET[0],
        "the prediction moves towards the target"
    );
}

#[test]
fn every_hand_traced_gradient_is_negative() {
    // "every gradient is negative: increasing any parameter would push the prediction up"
    let gradients = HandTrace::chapter().expect("valid shapes").gradients();
    let all = gradients
        .weights
        .iter()
        .flatten()
        .chain(gradients.biases.iter().flatten());
    for g in all {
        assert!(*g < 0.0, "gradient {g} is not negative");
    }
}

#[test]
fn exercise_2_1_gradients_are_all_positive() {
    // "with a target of 0, every gradient is positive: the update lowers every parameter"
    let trace = ch02_backpropagation::solutions::ex2_1::trace(
        &TwoLayer::hand_trace(),
        &ndarray::array![0.5, 1.5],
        &ndarray::array![0.0],
    )
    .expect("valid shapes");
    assert!(trace.forward.a2[0] > 0.5, "the prediction is far from 0");
    let gradients = trace.gradients();
    let all = gradients
        .weights
        .iter()
        .flatten()
        .chain(gradients.biases.iter().flatten());
    for g in all {
        assert!(*g > 0.0, "gradient {g} is not positive");
    }
}

#[test]
fn the_loop_in_backward_reproduces_the_hand_trace() {
    let mut net = TwoLayer::hand_trace().to_network().expect("valid shapes");
    net.forward(&INPUT).expect("valid input");
    let looped = net.backward(&TARGET).expect("after forward");
    let by_hand = HandTrace::chapter().expect("valid shapes").gradients();
    assert_eq!(max_difference(&looped, &by_hand), 0.0);
}

#[test]
fn seed_zero_network_predicts_0_6816() {
    // backward_demo under numpy: prediction 0.6815595338038147, loss 0.10140433051124381.
    let mut net = Network::new(&[2, 2, 1], 0).expect("valid sizes");
    let prediction = net.forward(&[1.0, 2.0]).expect("valid input")[0];
    check_close("prediction", prediction, 0.6815595338038147, 1e-15);
    assert_eq!(format!("{prediction:.4}"), "0.6816");
    let loss = network_loss(&net, &[1.0, 2.0], &[1.0]).expect("valid shapes");
    check_close("loss", loss, 0.10140433051124381, 1e-15);
}

#[test]
fn seed_zero_second_hidden_neuron_is_saturated_and_sign_flipped() {
    let mut net = Network::new(&[2, 2, 1], 0).expect("valid sizes");
    net.forward(&[1.0, 2.0]).expect("valid input");
    let gradients = net.backward(&[1.0]).expect("after forward");
    assert!(net.weights()[1][[0, 1]] < 0.0, "negative outgoing weight");
    assert!(
        gradients.biases[1][0] < 0.0,
        "the output's error signal is negative"
    );
    for g in gradients.weights[0]
        .row(1)
        .iter()
        .chain([&gradients.biases[0][1]])
    {
        assert!(*g > 0.0, "second hidden neuron's gradient {g} is positive");
    }
    for g in gradients.weights[0]
        .row(0)
        .iter()
        .chain(gradients.weights[1].iter())
    {
        assert!(*g < 0.0, "every other gradient {g} is negative");
    }
    let a = net.activations().expect("after forward")[1][1];
    assert!(
        a * (1.0 - a) < 0.01,
        "nearly flat sigmoid: slope {}",
        a * (1.0 - a)
    );
}

#[test]
fn seed_zero_network_passes_the_gradient_check() {
    let mut net = Network::new(&[2, 2, 1], 0).expect("valid sizes");
    let report = gradient_check(&mut net, &[1.0, 2.0], &[1.0]).expect("valid shapes");
    assert_eq!(report.checks.len(), 9);
    assert!(report.passed(), "{}", report.table());
}

#[test]
fn exercise_2_2_network_matches_numpy() {
    // ex2_2_gradcheck_detail.txt: prediction and loss at full precision.
    let mut net = exercise_2_2_network().expect("valid sizes");
    let prediction = net.forward(&EX2_2_INPUT).expect("valid input");
    check_all_close(
        "prediction",
        &prediction.to_vec(),
        &[0.42518420905590715, 0.4961962442413999],
        1e-15,
    );
    let loss = network_loss(&net, &EX2_2_INPUT, &EX2_2_TARGET).expect("valid shapes");
    check_close("loss", loss, 0.288311953158977, 1e-15);
    assert_eq!(net.parameter_count(), 26);
}

#[test]
fn the_guides_output_gradient_fails_all_26_checks_by_exactly_2x() {
    let (buggy, report) =
        check_from_output_gradient(guide_output_gradient).expect("runs");
    assert_eq!(report.checks.len(), 26);
    assert_eq!(report.failures().len(), 26, "every parameter fails");
    for check in &report.checks {
        assert!(
            (check.ratio() - 2.0).abs() < 1e-6,
            "layer {} {}: ratio {}",
            check.layer,
            check.parameter,
            check.ratio()
        );
        assert!((check.relative_difference() - 1.0 / 3.0).abs() < 1e-6);
    }
    // Exactly: the buggy gradients are the correct ones times 2, bit for bit.
    let (fixed, _) =
        check_from_output_gradient(library_output_gradient).expect("runs");
    let mut doubled: Gradients = fixed;
    doubled.scale(2.0);
    assert_eq!(buggy, doubled);
    let failure = report.into_result().expect_err("the check fails");
    assert!(
        failure
            .to_string()
            .starts_with("gradient check failed for 26 of 26 parameters")
    );
}

#[test]
fn the_library_output_gradient_passes_all_26_checks() {
    let (gradients, report) =
        check_from_output_gradient(library_output_gradient).expect("runs");
    assert_eq!(report.checks.len(), 26);
    assert!(report.passed(), "{}", report.table());
    // ... and it is what Network::backward computes.
    let mut net = exercise_2_2_network().expect("valid sizes");
    net.forward(&EX2_2_INPUT).expect("valid input");
    assert_eq!(
        net.backward(&EX2_2_TARGET).expect("after forward"),
        gradients
    );
}

#[test]
fn the_guides_output_gradient_is_right_for_a_single_output() {
    // With n = 1 the mean is the sum, and 2(a - t) is the correct dL/da (the hand-trace case).
    let (net, input, target) = (
        TwoLayer::hand_trace().to_network(),
        INPUT.to_vec(),
        TARGET.to_vec(),
    );
    let mut net = net.expect("valid shapes");
    let output = net.forward(&input).expect("valid input");
    let gradients = net
        .backward_from(guide_output_gradient(&output, &target))
        .expect("after forward");
    let report = GradientCheck::default()
        .compare(&mut net, &input, &target, &gradients)
        .expect("valid shapes");
    assert!(report.passed(), "{}", report.table());
}

#[test]
fn gradient_check_restores_parameters_and_leaves_fresh_activations() {
    let mut net = exercise_2_2_network().expect("valid sizes");
    let before = net.clone();
    gradient_check(&mut net, &EX2_2_INPUT, &EX2_2_TARGET).expect("valid shapes");
    assert_eq!(
        net.weights(),
        before.weights(),
        "weights restored bit for bit"
    );
    assert_eq!(net.biases(), before.biases(), "biases restored bit for bit");
    let mut fresh = before;
    fresh.forward(&EX2_2_INPUT).expect("valid input");
    assert_eq!(
        net.activations(),
        fresh.activations(),
        "activations match the parameters"
    );
}

#[test]
fn numerical_gradients_perturb_one_parameter_at_a_time() {
    // A 1 -> 1 network: L(w, b) = (sigmoid(w x + b) - t)², each derivative known in closed form.
    let mut net = Network::from_parameters(
        vec![ndarray::array![[0.7]]],
        vec![ndarray::array![-0.2]],
    )
    .expect("valid shapes");
    let (x, t) = (1.5, 0.25);
    let (inputs, targets) = (ndarray::array![[x]], ndarray::array![[t]]);
    let checked = CheckedLoss {
        inputs: inputs.view(),
        targets: targets.view(),
        loss: &MeanSquaredError,
    };
    let numerical =
        numerical_gradients(&mut net, &checked, 1e-5).expect("valid shapes");
    let a = 1.0 / (1.0 + (-(0.7 * x - 0.2f64)).exp());
    let dz = 2.0 * (a - t) * a * (1.0 - a);
    check_close("dL/dw", numerical.weights[0][[0, 0]], dz * x, 1e-9);
    check_close("dL/db", numerical.biases[0][0], dz, 1e-9);
}

#[test]
fn relative_difference_is_scale_free() {
    assert_eq!(relative_difference(0.0, 0.0), 0.0);
    assert!((relative_difference(2.0, 1.0) - 1.0 / 3.0).abs() < 1e-15);
    assert!((relative_difference(2e-3, 1e-3) - 1.0 / 3.0).abs() < 1e-15);
    assert!((relative_difference(-1.0, 1.0) - 1.0).abs() < 1e-15);
    // The same absolute difference: negligible for a large gradient, fatal for a small one.
    assert!(relative_difference(10.0, 10.0 + 1e-6) < 1e-7);
    assert!(relative_difference(1e-3, 1e-3 + 1e-6) > 1e-4);
    // An absolute threshold of 1e-5 would pass a gradient of 1e-6 that came out doubled;
    // below the scale floor (1e-4) the difference is measured against the floor: 1e-2, a FAIL.
    assert!((2e-6f64 - 1e-6).abs() < 1e-5);
    assert!((relative_difference(2e-6, 1e-6) - 1e-2).abs() < 1e-12);
    assert!(
        relative_difference(2e-6, 1e-6)
            > ch02_backpropagation::gradient_check::TOLERANCE
    );
}

#[test]
fn gradient_check_rejects_bad_input() {
    let mut net = exercise_2_2_network().expect("valid sizes");
    assert_eq!(
        gradient_check(&mut net, &[1.0], &EX2_2_TARGET),
        Err(NetworkError::InputLength {
            expected: 3,
            given: 1
        })
    );
    assert_eq!(
        gradient_check(&mut net, &EX2_2_INPUT, &[1.0, 0.0, 0.0]),
        Err(NetworkError::TargetLength {
            expected: 2,
            given: 3
        })
    );
    let wrong =
        Gradients::zeros_like(&Network::new(&[3, 2, 2], 0).expect("valid sizes"));
    let error = GradientCheck::default()
        .compare(&mut net, &EX2_2_INPUT, &EX2_2_TARGET, &wrong)
        .expect_err("gradients of another network");
    assert!(
        error
            .to_string()
            .starts_with("layer 1: the gradient of W is 2×3"),
        "{error}"
    );
}
