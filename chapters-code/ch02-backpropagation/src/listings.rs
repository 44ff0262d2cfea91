//! The chapter's listings: each function returns exactly what it prints.

use std::fmt::Write;

use bookkit::BookResult;
use bookkit::fmt::{array1, matrix, num, vector, wrap};
use ch01_loss_functions::loss::mse;
use ndarray::{Array1, Array2, Axis, arr1, array};

use crate::gradient_check::{
    GradientCheck, GradientCheckReport, Parameter, gradient_check, network_loss,
};
use crate::hand_trace::{
    HandTrace, INPUT, LEARNING_RATE, TARGET, TwoLayer, forward, hidden_layer, loss,
    output_layer, update,
};
use crate::loss::{Loss, MeanSquaredError};
use crate::network::{Gradients, Network, NetworkError};
use crate::solutions::{ex2_1, ex2_2};

/// The hand-trace before and after its one gradient descent step.
pub struct HandTraceStep {
    /// The network before the update.
    pub before: TwoLayer,
    /// The network after the update.
    pub after: TwoLayer,
    /// Steps 1 to 4 on the network before the update.
    pub trace: HandTrace,
    /// The prediction of the updated network.
    pub new_prediction: f64,
    /// The loss of the updated network.
    pub new_loss: f64,
}

/// Runs the chapter's hand-trace and its update (step 5).
///
/// # Errors
/// Only if the fixed shapes were wrong.
pub fn hand_trace_step() -> BookResult<HandTraceStep> {
    let before = TwoLayer::hand_trace();
    let x = Array1::from(INPUT.to_vec());
    let target = Array1::from(TARGET.to_vec());
    let trace = HandTrace::run(&before, &x, &target)?;
    let after = update(&before, &trace.output, &trace.hidden, LEARNING_RATE);
    let new_forward = forward(&after, &x);
    let new_loss = loss(&new_forward, &target)?;
    Ok(HandTraceStep {
        before,
        after,
        trace,
        new_prediction: new_forward.a2[0],
        new_loss,
    })
}

// ANCHOR: step1_forward
/// Step 1 on the hand-trace network: the forward pass, every value printed.
pub fn step1_forward() -> BookResult<String> {
    let f = forward(&TwoLayer::hand_trace(), &arr1(&INPUT));
    let mut out = String::new();
    writeln!(out, "z1 = {}", array1(&f.z1, 4))?;
    writeln!(out, "a1 = {}", array1(&f.a1, 4))?;
    writeln!(out, "z2 = {}", array1(&f.z2, 4))?;
    writeln!(out, "a2 = {}", array1(&f.a2, 4))?;
    Ok(out)
}
// ANCHOR_END: step1_forward

// ANCHOR: step2_loss
/// Step 2: the loss of the prediction.
pub fn step2_loss() -> BookResult<String> {
    let f = forward(&TwoLayer::hand_trace(), &arr1(&INPUT));
    let mse = loss(&f, &arr1(&TARGET))?;
    let mut out = String::new();
    writeln!(out, "Prediction: {:.4}", f.a2[0])?;
    writeln!(out, "Target:     {:.4}", TARGET[0])?;
    writeln!(out, "MSE loss:   {mse:.4}")?;
    Ok(out)
}
// ANCHOR_END: step2_loss

// ANCHOR: step3_output_layer
/// Step 3: backward through the output layer.
pub fn step3_output_layer() -> BookResult<String> {
    let f = forward(&TwoLayer::hand_trace(), &arr1(&INPUT));
    let o = output_layer(&f, &arr1(&TARGET));
    let mut out = String::new();
    writeln!(out, "dL/da2  = {}", array1(&o.dl_da2, 4))?;
    writeln!(out, "da2/dz2 = {}", array1(&o.da2_dz2, 4))?;
    writeln!(out, "delta2  = {}", array1(&o.delta2, 4))?;
    writeln!(out, "dL/dW2  = {}", matrix(&o.dl_dw2, 4, 10))?;
    writeln!(out, "dL/db2  = {}", array1(&o.dl_db2, 4))?;
    Ok(out)
}
// ANCHOR_END: step3_output_layer

// ANCHOR: step4_hidden_layer
/// Step 4: backward through the hidden layer.
pub fn step4_hidden_layer() -> BookResult<String> {
    let (net, x) = (TwoLayer::hand_trace(), arr1(&INPUT));
    let f = forward(&net, &x);
    let o = output_layer(&f, &arr1(&TARGET));
    let h = hidden_layer(&net, &x, &f, &o);
    let mut out = String::new();
    writeln!(out, "dL/da1  = {}", array1(&h.dl_da1, 4))?;
    writeln!(out, "da1/dz1 = {}", array1(&h.da1_dz1, 4))?;
    writeln!(out, "delta1  = {}", array1(&h.delta1, 4))?;
    writeln!(out, "dL/dW1  = {}", matrix(&h.dl_dw1, 4, 10))?;
    writeln!(out, "dL/db1  = {}", array1(&h.dl_db1, 4))?;
    Ok(out)
}
// ANCHOR_END: step4_hidden_layer

/// Two matrices side by side, `before -> after`, row by row.
fn before_after(label: &str, before: &Array2<f64>, after: &Array2<f64>) -> String {
    let indent = label.len() + 2;
    let left: Vec<String> = matrix(before, 4, indent)
        .lines()
        .map(str::to_string)
        .collect();
    let right: Vec<String> =
        matrix(after, 4, 0).lines().map(str::to_string).collect();
    let width = left.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (row, (l, r)) in left.iter().zip(&right).enumerate() {
        let arrow = if row == 0 { "->" } else { "  " };
        let l = if row == 0 {
            format!("{label}: {l}")
        } else {
            l.clone()
        };
        out.push_str(&format!("{l:<width$}  {arrow}  {r}\n", width = width));
    }
    out
}

// ANCHOR: step5_update
/// Step 5: the gradient descent update, and the new prediction.
pub fn step5_update() -> BookResult<String> {
    let (net, x, target) = (TwoLayer::hand_trace(), arr1(&INPUT), arr1(&TARGET));
    let trace = HandTrace::run(&net, &x, &target)?; // steps 1 to 4, as above
    let new = update(&net, &trace.output, &trace.hidden, LEARNING_RATE);
    let new_forward = forward(&new, &x);
    let new_loss = loss(&new_forward, &target)?;

    let mut out = String::new();
    writeln!(out, "Learning rate {LEARNING_RATE}: before -> after")?;
    out.push_str(&before_after("W2", &net.w2, &new.w2));
    writeln!(
        out,
        "b2: {}  ->  {}",
        array1(&net.b2, 4),
        array1(&new.b2, 4)
    )?;
    out.push_str(&before_after("W1", &net.w1, &new.w1));
    writeln!(
        out,
        "b1: {}  ->  {}",
        array1(&net.b1, 4),
        array1(&new.b1, 4)
    )?;
    writeln!(out)?;
    let (old_prediction, old_loss) = (trace.forward.a2[0], trace.loss);
    writeln!(
        out,
        "Old prediction: {old_prediction:.4}  (loss {old_loss:.4})"
    )?;
    writeln!(
        out,
        "New prediction: {:.4}  (loss {new_loss:.4})",
        new_forward.a2[0]
    )?;
    writeln!(out, "Loss decreased: {}", new_loss < old_loss)?;
    Ok(out)
}
// ANCHOR_END: step5_update

/// The largest absolute difference between two sets of gradients of the same shape.
pub fn max_difference(a: &Gradients, b: &Gradients) -> f64 {
    let weights = a.weights.iter().zip(&b.weights).flat_map(|(x, y)| {
        x.iter()
            .zip(y.iter())
            .map(|(p, q)| (p - q).abs())
            .collect::<Vec<_>>()
    });
    let biases = a.biases.iter().zip(&b.biases).flat_map(|(x, y)| {
        x.iter()
            .zip(y.iter())
            .map(|(p, q)| (p - q).abs())
            .collect::<Vec<_>>()
    });
    weights.chain(biases).fold(0.0, f64::max)
}

// ANCHOR: loop_matches_trace
/// `Network::backward`'s loop on the hand-trace network gives the hand-traced
/// gradients.
pub fn loop_matches_trace() -> BookResult<String> {
    let mut net = TwoLayer::hand_trace().to_network()?;
    net.forward(&INPUT)?;
    let gradients = net.backward(&TARGET)?;
    let by_hand = HandTrace::chapter()?.gradients();

    let mut out = String::new();
    writeln!(out, "Network::backward on the hand-trace network:")?;
    writeln!(out, "  dL/dW1 = {}", matrix(&gradients.weights[0], 4, 11))?;
    writeln!(out, "  dL/db1 = {}", array1(&gradients.biases[0], 4))?;
    writeln!(out, "  dL/dW2 = {}", matrix(&gradients.weights[1], 4, 11))?;
    writeln!(out, "  dL/db2 = {}", array1(&gradients.biases[1], 4))?;
    let difference = max_difference(&gradients, &by_hand);
    writeln!(
        out,
        "Largest difference from steps 3 and 4: {}",
        bookkit::fmt::sci(difference, 1)
    )?;
    Ok(out)
}
// ANCHOR_END: loop_matches_trace

// ANCHOR: ndarray_basics
/// The ndarray operations the book uses, on small arrays.
pub fn ndarray_basics() -> BookResult<String> {
    let w = array![[0.1, 0.3], [0.2, 0.4], [0.5, 0.6]]; // 3 rows, 2 columns
    let x = array![1.0, 2.0]; // a vector of 2 values
    let b = array![0.01, 0.02, 0.03];
    let mut out = String::new();
    writeln!(out, "w.shape() = {:?}, x.len() = {}", w.shape(), x.len())?;
    // Matrix times vector: row i of w, multiplied element by element with x, summed.
    writeln!(out, "w.dot(&x)         = {}", array1(&w.dot(&x), 2))?;
    // Transpose: a view with rows and columns swapped (no copy).
    writeln!(out, "w.t().shape()     = {:?}", w.t().shape())?;
    // Apply a function to every element, returning a new array.
    writeln!(out, "x.mapv(|v| v * v) = {}", array1(&x.mapv(|v| v * v), 2))?;
    // A batch: one example per row. Matrix times matrix is `dot` too.
    let batch = array![[1.0, 2.0], [0.0, 1.0]]; // 2 examples of 2 inputs
    let z = batch.dot(&w.t()) + &b; // (2 × 2)·(2 × 3) = 2 × 3, b added to every row
    writeln!(out, "batch.dot(&w.t()) + &b =\n  {}", matrix(&z, 2, 2))?;
    // Views: a row, a column, a slice of rows, all without copying.
    writeln!(
        out,
        "z.row(1)          = {}",
        array1(&z.row(1).to_owned(), 2)
    )?;
    writeln!(
        out,
        "z.column(0)       = {}",
        array1(&z.column(0).to_owned(), 2)
    )?;
    writeln!(
        out,
        "z.sum_axis(Axis(0)) = {}",
        array1(&z.sum_axis(Axis(0)), 2)
    )?;
    Ok(out)
}
// ANCHOR_END: ndarray_basics

// ANCHOR: batch_matches_examples
/// One `backward_batch` over three examples equals three one-example `backward`s,
/// summed.
pub fn batch_matches_examples() -> BookResult<String> {
    let mut net = Network::new(&[2, 3, 2], 7)?;
    let inputs = array![[1.0, 2.0], [0.5, -1.0], [-2.0, 0.3]]; // one example per row
    let targets = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]];

    let activations = net.forward_batch(inputs.view())?;
    let outputs = activations[activations.len() - 1].view();
    let deltas = MeanSquaredError.output_deltas(outputs, targets.view());
    let batched = net.backward_batch(&activations, deltas)?;

    let mut summed = Gradients::zeros_like(&net);
    for (x, t) in inputs.rows().into_iter().zip(targets.rows()) {
        net.forward(&x.to_vec())?;
        summed.add_assign(&net.backward(&t.to_vec())?);
    }
    let mut out = String::new();
    for (name, shape) in ["inputs", "hidden", "outputs"].iter().zip(&activations) {
        writeln!(out, "{name:<8} {} × {}", shape.nrows(), shape.ncols())?;
    }
    writeln!(
        out,
        "dL/dW2 (batch)  = {}",
        matrix(&batched.weights[1], 6, 18)
    )?;
    writeln!(
        out,
        "dL/dW2 (summed) = {}",
        matrix(&summed.weights[1], 6, 18)
    )?;
    let difference = max_difference(&batched, &summed);
    writeln!(
        out,
        "Largest difference over all gradients: {}",
        bookkit::fmt::sci(difference, 1)
    )?;
    Ok(out)
}
// ANCHOR_END: batch_matches_examples

// ANCHOR: backward_demo
/// The reusable `Network`: seed 0, a 2 → 2 → 1 network, one forward and one backward
/// pass.
pub fn backward_demo() -> BookResult<String> {
    let mut net = Network::new(&[2, 2, 1], 0)?;
    let x = [1.0, 2.0];
    let target = [1.0];

    let prediction = net.forward(&x)?;
    let loss = mse(&prediction.to_vec(), &target)?;
    let gradients = net.backward(&target)?;

    let mut out = String::new();
    writeln!(out, "Prediction: {:.4}", prediction[0])?;
    writeln!(out, "Loss:       {loss:.4}")?;
    writeln!(out)?;
    writeln!(out, "Gradients:")?;
    for (i, (dw, db)) in gradients.weights.iter().zip(&gradients.biases).enumerate() {
        writeln!(out, "  Layer {}: dW = {}", i + 1, matrix(dw, 4, 16))?;
        writeln!(out, "           db = {}", array1(db, 4))?;
    }
    Ok(out)
}
// ANCHOR_END: backward_demo

/// One line summing up a gradient check.
fn verdict(report: GradientCheckReport) -> String {
    let checked = report.checks.len();
    let largest = report.max_relative_difference();
    match report.into_result() {
        Ok(_) => format!(
            "Ok: all {checked} gradients agree (largest relative difference {})\n",
            bookkit::fmt::sci(largest, 1)
        ),
        Err(failure) => wrap(&format!("Err: {failure}\n"), 2),
    }
}

// ANCHOR: gradient_check_demo
/// Gradient checking the seed-0 network of the `backward()` demo.
pub fn gradient_check_demo() -> BookResult<String> {
    let mut net = Network::new(&[2, 2, 1], 0)?;
    let report = gradient_check(&mut net, &[1.0, 2.0], &[1.0])?;
    let mut out = report.table();
    out.push_str(&verdict(report));
    Ok(out)
}
// ANCHOR_END: gradient_check_demo

// ANCHOR: network_errors
/// Bad input is an error whose message says what was expected.
pub fn network_errors() -> BookResult<String> {
    fn show<T>(result: Result<T, NetworkError>) -> String {
        match result {
            Ok(_) => "Ok".to_string(),
            Err(error) => format!("Err: {error}"),
        }
    }
    let mut net = Network::new(&[2, 3, 1], 0)?;
    let mut out = String::new();
    writeln!(out, "Network::new(&[3], 0)")?;
    writeln!(out, "  {}", show(Network::new(&[3], 0)))?;
    writeln!(out, "Network::new(&[2, 0, 1], 0)")?;
    writeln!(out, "  {}", show(Network::new(&[2, 0, 1], 0)))?;
    writeln!(out, "net.backward(&[1.0])  (before any forward pass)")?;
    writeln!(out, "  {}", show(net.backward(&[1.0])))?;
    writeln!(out, "net.forward(&[1.0, 2.0, 3.0])")?;
    writeln!(out, "  {}", show(net.forward(&[1.0, 2.0, 3.0])))?;
    net.forward(&[1.0, 2.0])?;
    writeln!(out, "net.backward(&[1.0, 0.0])")?;
    writeln!(out, "  {}", show(net.backward(&[1.0, 0.0])))?;
    Ok(wrap(&out, 5)) // long lines wrapped to the page, continuing under the message
}
// ANCHOR_END: network_errors

/// Exercise 2.1's input.
pub const EX2_1_INPUT: [f64; 2] = [0.5, 1.5];
/// Exercise 2.1's target.
pub const EX2_1_TARGET: [f64; 1] = [0.0];

/// Exercise 2.1, solved: the full trace for a different input.
pub fn exercise_2_1() -> BookResult<String> {
    let trace = ex2_1::trace(
        &TwoLayer::hand_trace(),
        &Array1::from(EX2_1_INPUT.to_vec()),
        &Array1::from(EX2_1_TARGET.to_vec()),
    )?;
    let (f, o, h) = (&trace.forward, &trace.output, &trace.hidden);
    let mut out = String::new();
    writeln!(
        out,
        "x = {}, target = {}",
        vector(&EX2_1_INPUT, 1),
        vector(&EX2_1_TARGET, 1)
    )?;
    writeln!(out)?;
    writeln!(out, "Forward pass")?;
    writeln!(out, "z1   = {}", array1(&f.z1, 4))?;
    writeln!(out, "a1   = {}", array1(&f.a1, 4))?;
    writeln!(out, "z2   = {}", array1(&f.z2, 4))?;
    writeln!(out, "a2   = {}", array1(&f.a2, 4))?;
    writeln!(out, "loss = {:.4}", trace.loss)?;
    writeln!(out)?;
    writeln!(out, "Backward pass")?;
    writeln!(out, "dL/da2  = {}", array1(&o.dl_da2, 4))?;
    writeln!(out, "da2/dz2 = {}", array1(&o.da2_dz2, 4))?;
    writeln!(out, "delta2  = {}", array1(&o.delta2, 4))?;
    writeln!(out, "dL/dW2  = {}", matrix(&o.dl_dw2, 4, 10))?;
    writeln!(out, "dL/db2  = {}", array1(&o.dl_db2, 4))?;
    writeln!(out, "dL/da1  = {}", array1(&h.dl_da1, 4))?;
    writeln!(out, "da1/dz1 = {}", array1(&h.da1_dz1, 4))?;
    writeln!(out, "delta1  = {}", array1(&h.delta1, 4))?;
    writeln!(out, "dL/dW1  = {}", matrix(&h.dl_dw1, 4, 10))?;
    writeln!(out, "dL/db1  = {}", array1(&h.dl_db1, 4))?;
    Ok(out)
}

/// Exercise 2.2's layer sizes.
pub const EX2_2_LAYERS: [usize; 3] = [3, 4, 2];
/// Exercise 2.2's seed.
pub const EX2_2_SEED: u32 = 99;
/// Exercise 2.2's input.
pub const EX2_2_INPUT: [f64; 3] = [0.5, -1.0, 2.0];
/// Exercise 2.2's target.
pub const EX2_2_TARGET: [f64; 2] = [1.0, 0.0];

/// Exercise 2.2's network, freshly built.
///
/// # Errors
/// Never in practice (the layer sizes are fixed).
pub fn exercise_2_2_network() -> Result<Network, NetworkError> {
    Network::new(&EX2_2_LAYERS, EX2_2_SEED)
}

/// Exercise 2.2, solved: your backward() on the 3 → 4 → 2 network, gradient-checked.
pub fn exercise_2_2() -> BookResult<String> {
    let mut net = exercise_2_2_network()?;
    let prediction = net.forward(&EX2_2_INPUT)?;
    let gradients = ex2_2::backward(&net, &EX2_2_TARGET)?;
    let report = GradientCheck::default().compare(
        &mut net,
        &EX2_2_INPUT,
        &EX2_2_TARGET,
        &gradients,
    )?;
    let mut out = String::new();
    writeln!(
        out,
        "Architecture: 3 -> 4 -> 2 ({} parameters)",
        net.parameter_count()
    )?;
    writeln!(out, "Input:      {}", vector(&EX2_2_INPUT, 1))?;
    writeln!(out, "Target:     {}", vector(&EX2_2_TARGET, 1))?;
    writeln!(out, "Prediction: {}", array1(&prediction, 4))?;
    writeln!(
        out,
        "Loss:       {:.4}",
        network_loss(&net, &EX2_2_INPUT, &EX2_2_TARGET)?
    )?;
    writeln!(out)?;
    out.push_str(&verdict(report));
    Ok(out)
}

// ANCHOR: factor_two_gradient
/// The guide's output gradient `2(a - t)`: right for a sum of squares, twice too
/// large for the mean over n = 2 outputs that the loss computes.
pub fn guide_output_gradient(output: &Array1<f64>, target: &[f64]) -> Array1<f64> {
    (output - &Array1::from(target.to_vec())).mapv(|difference| 2.0 * difference)
}
// ANCHOR_END: factor_two_gradient

// ANCHOR: check_from_output_gradient
/// Gradient-checks the exercise 2.2 network with backward started from
/// `output_gradient`.
///
/// # Errors
/// Only if the fixed shapes were wrong.
pub fn check_from_output_gradient(
    output_gradient: fn(&Array1<f64>, &[f64]) -> Array1<f64>,
) -> BookResult<(Gradients, GradientCheckReport)> {
    let mut net = exercise_2_2_network()?;
    let output = net.forward(&EX2_2_INPUT)?;
    let gradients = net.backward_from(output_gradient(&output, &EX2_2_TARGET))?;
    let report = GradientCheck::default().compare(
        &mut net,
        &EX2_2_INPUT,
        &EX2_2_TARGET,
        &gradients,
    )?;
    Ok((gradients, report))
}
// ANCHOR_END: check_from_output_gradient

/// The library's output gradient, `2(a - t) / n` (`mse_gradient`), in the same shape as
/// [`guide_output_gradient`].
pub fn library_output_gradient(output: &Array1<f64>, target: &[f64]) -> Array1<f64> {
    crate::network::mse_gradient(output.view(), ndarray::ArrayView1::from(target))
}

// ANCHOR: factor_two_bug
/// The gradient check on the 3 → 4 → 2 network, with the guide's output gradient.
pub fn factor_two_bug() -> BookResult<String> {
    let (_, report) = check_from_output_gradient(guide_output_gradient)?;
    let mut out = report.table_with_ratios();
    out.push_str(&verdict(report));
    Ok(out)
}
// ANCHOR_END: factor_two_bug

// ANCHOR: factor_two_fix
/// The same check with the library's output gradient, `mse_gradient`.
pub fn factor_two_fix() -> BookResult<String> {
    let (_, report) = check_from_output_gradient(library_output_gradient)?;
    let mut out = report.table_with_ratios();
    out.push_str(&verdict(report));
    Ok(out)
}
// ANCHOR_END: factor_two_fix

/// `(min, max)` of the analytical/numerical ratios of a report.
pub fn ratio_range(report: &GradientCheckReport) -> (f64, f64) {
    report
        .checks
        .iter()
        .map(|c| c.ratio())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
            (lo.min(r), hi.max(r))
        })
}

/// Values quoted in the chapter's prose, one `key: value` per line.
pub fn facts() -> BookResult<String> {
    let step = hand_trace_step()?;
    let t = &step.trace;
    let (f, o, h) = (&t.forward, &t.output, &t.hidden);
    let mut facts: Vec<(String, String)> = Vec::new();
    let mut add = |key: &str, value: String| facts.push((key.to_string(), value));

    // The hand-trace.
    add("z1_0", num(f.z1[0], 2));
    add("z1_1", num(f.z1[1], 2));
    add("a1_0", num(f.a1[0], 4));
    add("a1_1", num(f.a1[1], 4));
    add("z2", num(f.z2[0], 4));
    add("a2", num(f.a2[0], 4));
    add("one_minus_a2", num(1.0 - f.a2[0], 4));
    add("error", num(f.a2[0] - TARGET[0], 4));
    add("loss", num(t.loss, 4));
    add("dl_da2", num(o.dl_da2[0], 4));
    add("da2_dz2", num(o.da2_dz2[0], 4));
    add("delta2", num(o.delta2[0], 4));
    add("dl_dw2_0", num(o.dl_dw2[[0, 0]], 4));
    add("dl_dw2_1", num(o.dl_dw2[[0, 1]], 4));
    add("dl_da1_0", num(h.dl_da1[0], 4));
    add("dl_da1_1", num(h.dl_da1[1], 4));
    add("one_minus_a1_0", num(1.0 - f.a1[0], 4));
    add("one_minus_a1_1", num(1.0 - f.a1[1], 4));
    add("da1_dz1_0", num(h.da1_dz1[0], 4));
    add("da1_dz1_1", num(h.da1_dz1[1], 4));
    add("delta1_0", num(h.delta1[0], 4));
    add("delta1_1", num(h.delta1[1], 4));
    add("dl_dw1_00", num(h.dl_dw1[[0, 0]], 4));
    add("dl_dw1_01", num(h.dl_dw1[[0, 1]], 4));
    add("dl_dw1_10", num(h.dl_dw1[[1, 0]], 4));
    add("dl_dw1_11", num(h.dl_dw1[[1, 1]], 4));
    add("new_w2_0", num(step.after.w2[[0, 0]], 4));
    add("new_b2", num(step.after.b2[0], 4));
    add("new_prediction", num(step.new_prediction, 4));
    add("new_loss", num(step.new_loss, 4));
    add("learning_rate", num(LEARNING_RATE, 1));

    // The seed-0 network.
    let mut demo = Network::new(&[2, 2, 1], 0)?;
    let demo_prediction = demo.forward(&[1.0, 2.0])?[0];
    add("demo_prediction", num(demo_prediction, 4));
    add(
        "demo_loss",
        num(network_loss(&demo, &[1.0, 2.0], &[1.0])?, 4),
    );
    let saturated = &demo.activations().ok_or("no activations")?[1];
    add("demo_w2_1", num(demo.weights()[1][[0, 1]], 4));
    add(
        "demo_z1_1",
        num(demo.weights()[0].row(1).dot(&ndarray::array![1.0, 2.0]), 2),
    );
    add(
        "demo_slope_1",
        num(crate::network::sigmoid_derivative(saturated[1]), 4),
    );
    let demo_report = gradient_check(&mut demo, &[1.0, 2.0], &[1.0])?;
    add("demo_checked", demo_report.checks.len().to_string());
    add(
        "demo_max_relative_difference",
        bookkit::fmt::sci(demo_report.max_relative_difference(), 1),
    );
    add("tolerance", format!("{:e}", demo_report.tolerance));
    add("epsilon", format!("{:e}", crate::gradient_check::EPSILON));
    add(
        "scale_floor",
        format!("{:e}", crate::gradient_check::SCALE_FLOOR),
    );

    // Exercise 2.1.
    let ex21 = ex2_1::trace(
        &TwoLayer::hand_trace(),
        &Array1::from(EX2_1_INPUT.to_vec()),
        &Array1::from(EX2_1_TARGET.to_vec()),
    )?;
    add("ex2_1_z1_0", num(ex21.forward.z1[0], 2));
    add("ex2_1_prediction", num(ex21.forward.a2[0], 4));
    add("ex2_1_loss", num(ex21.loss, 4));
    add("ex2_1_delta2", num(ex21.output.delta2[0], 4));

    // Exercise 2.2 and the factor 2.
    let ex22 = exercise_2_2_network()?;
    add("ex2_2_parameters", ex22.parameter_count().to_string());
    add(
        "ex2_2_loss",
        num(network_loss(&ex22, &EX2_2_INPUT, &EX2_2_TARGET)?, 4),
    );
    let (buggy_gradients, bug) = check_from_output_gradient(guide_output_gradient)?;
    let (fixed_gradients, fix) = check_from_output_gradient(library_output_gradient)?;
    let (bug_low, bug_high) = ratio_range(&bug);
    add("bug_failures", bug.failures().len().to_string());
    add("bug_ratio_min", num(bug_low, 6));
    add("bug_ratio_max", num(bug_high, 6));
    add(
        "bug_relative_difference",
        num(bug.max_relative_difference(), 4),
    );
    let output_bias = bug
        .checks
        .iter()
        .find(|c| c.layer == 2 && c.parameter == Parameter::Bias { index: 0 })
        .ok_or("no output bias in the report")?;
    add("bug_layer2_b0_analytical", num(output_bias.analytical, 6));
    add("bug_layer2_b0_numerical", num(output_bias.numerical, 6));
    let mut doubled = fixed_gradients.clone();
    doubled.scale(2.0);
    add(
        "bug_is_exactly_double",
        (doubled == buggy_gradients).to_string(),
    );
    add("fix_failures", fix.failures().len().to_string());
    add(
        "fix_max_relative_difference",
        bookkit::fmt::sci(fix.max_relative_difference(), 1),
    );

    Ok(facts.iter().map(|(k, v)| format!("{k}: {v}\n")).collect())
}
