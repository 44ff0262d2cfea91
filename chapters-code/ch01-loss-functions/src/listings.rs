//! The chapter's listings: each function returns exactly what it prints.

use std::fmt::Write;

use bookkit::BookResult;
use bookkit::fmt::{num, vector, wrap};

use crate::exercises::{ex1_1, ex1_2};
use crate::loss::{
    EPSILON, LossError, bce_grad_logit, binary_cross_entropy,
    binary_cross_entropy_unclipped, mse, mse_grad_logit,
};

/// The predictions and targets of the chapter's first example.
pub const PREDICTIONS: [f64; 3] = [0.9, 0.1, 0.8];
/// Their targets.
pub const TARGETS: [f64; 3] = [1.0, 0.0, 1.0];

/// The predictions swept in the MSE vs cross-entropy table (target 1).
pub const SWEEP: [f64; 7] = [0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99];

// ANCHOR: mse_step_by_step
/// MSE computed one step at a time.
pub fn mse_step_by_step() -> BookResult<String> {
    let errors: Vec<f64> = PREDICTIONS
        .iter()
        .zip(&TARGETS)
        .map(|(p, t)| p - t)
        .collect();
    let squared: Vec<f64> = errors.iter().map(|e| e * e).collect();
    let loss = mse(&PREDICTIONS, &TARGETS)?;

    let mut out = String::new();
    writeln!(out, "Predictions: {}", vector(&PREDICTIONS, 1))?;
    writeln!(out, "Targets:     {}", vector(&TARGETS, 1))?;
    writeln!(out, "Errors:      {}", vector(&errors, 1))?;
    writeln!(out, "Squared:     {}", vector(&squared, 2))?;
    writeln!(out, "MSE loss:    {loss:.4}")?;
    Ok(out)
}
// ANCHOR_END: mse_step_by_step

/// Confident-and-correct predictions.
pub const CONFIDENT_RIGHT: [f64; 3] = [0.95, 0.05, 0.90];
/// Confident-and-wrong predictions.
pub const CONFIDENT_WRONG: [f64; 3] = [0.05, 0.95, 0.10];

// ANCHOR: cross_entropy_confidence
/// Cross-entropy of confident predictions, right and wrong, against the same targets.
pub fn cross_entropy_confidence() -> BookResult<String> {
    let right = binary_cross_entropy(&CONFIDENT_RIGHT, &TARGETS)?;
    let wrong = binary_cross_entropy(&CONFIDENT_WRONG, &TARGETS)?;

    let mut out = String::new();
    writeln!(out, "Targets: {}", vector(&TARGETS, 1))?;
    writeln!(out)?;
    writeln!(
        out,
        "Confident and correct: {}",
        vector(&CONFIDENT_RIGHT, 2)
    )?;
    writeln!(out, "  cross-entropy = {right:.4}")?;
    writeln!(
        out,
        "Confident and WRONG:   {}",
        vector(&CONFIDENT_WRONG, 2)
    )?;
    writeln!(out, "  cross-entropy = {wrong:.4}")?;
    writeln!(out)?;
    writeln!(out, "Wrong costs {:.1}x as much as right.", wrong / right)?;
    Ok(out)
}
// ANCHOR_END: cross_entropy_confidence

// ANCHOR: mse_vs_cross_entropy
/// The sweep table: both losses for target 1 as the prediction moves from wrong to
/// right.
pub fn mse_vs_cross_entropy() -> BookResult<String> {
    let mut out = String::new();
    writeln!(
        out,
        "{:>6}  {:>8}  {:>8}  {:>8}",
        "pred", "MSE", "CE", "CE/MSE"
    )?;
    writeln!(out, "{}", "-".repeat(36))?;
    for p in SWEEP {
        let m = mse(&[p], &[1.0])?;
        let c = binary_cross_entropy(&[p], &[1.0])?;
        writeln!(out, "{p:>6.2}  {m:>8.4}  {c:>8.4}  {:>8.1}", c / m)?;
    }
    Ok(out)
}
// ANCHOR_END: mse_vs_cross_entropy

// ANCHOR: gradients_through_sigmoid
/// How hard each loss pushes on the sigmoid's input `z`, for target 1.
pub fn gradients_through_sigmoid() -> BookResult<String> {
    let mut out = String::new();
    writeln!(out, "{:>6}  {:>10}  {:>10}", "pred", "dMSE/dz", "dCE/dz")?;
    writeln!(out, "{}", "-".repeat(30))?;
    for p in SWEEP {
        let m = mse_grad_logit(p, 1.0);
        let c = bce_grad_logit(p, 1.0);
        writeln!(out, "{p:>6.2}  {:>10}  {:>10}", num(m, 4), num(c, 4))?;
    }
    Ok(out)
}
// ANCHOR_END: gradients_through_sigmoid

// ANCHOR: clipping
/// What a prediction of exactly 0 or 1 does to cross-entropy, with and without
/// clipping.
pub fn clipping() -> BookResult<String> {
    let mut out = String::new();
    for (p, t) in [(0.0, 1.0), (1.0, 0.0), (1.0, 1.0)] {
        let raw = binary_cross_entropy_unclipped(p, t);
        let clipped = binary_cross_entropy(&[p], &[t])?;
        writeln!(
            out,
            "pred {p:.1}, target {t:.1}: unclipped {raw:<4}  clipped {}",
            num(clipped, 4)
        )?;
    }
    writeln!(out, "(clipping to [{EPSILON:e}, 1 - {EPSILON:e}])")?;
    Ok(out)
}
// ANCHOR_END: clipping

// ANCHOR: loss_errors
/// Bad input is an error with a message, not a crash.
pub fn loss_errors() -> BookResult<String> {
    let mut out = String::new();
    let report = |result: Result<f64, LossError>| match result {
        Ok(loss) => format!("Ok({loss:.4})"),
        Err(error) => format!("Err: {error}"),
    };
    writeln!(
        out,
        "mse([0.9, 0.1], [1.0]) -> {}",
        report(mse(&[0.9, 0.1], &[1.0]))
    )?;
    writeln!(out, "mse([], [])            -> {}", report(mse(&[], &[])))?;
    Ok(wrap(&out, 26)) // long lines wrapped to the page, continuing under `Err`
}
// ANCHOR_END: loss_errors

/// Exercise 1.1's data.
pub const EX1_1_PREDICTIONS: [f64; 4] = [0.5, 0.8, 0.2, 0.9];
/// Exercise 1.1's targets.
pub const EX1_1_TARGETS: [f64; 4] = [0.0, 1.0, 0.0, 1.0];

/// Exercise 1.1, solved: MSE by hand.
pub fn exercise_1_1() -> BookResult<String> {
    let steps = ex1_1::mse_by_hand(&EX1_1_PREDICTIONS, &EX1_1_TARGETS);
    let mut out = String::new();
    writeln!(out, "Errors:  {}", vector(&steps.errors, 1))?;
    writeln!(out, "Squared: {}", vector(&steps.squared, 2))?;
    writeln!(out, "MSE:     {:.4}", steps.mse)?;
    Ok(out)
}

/// Exercise 1.2's targets.
pub const EX1_2_TARGETS: [f64; 3] = [1.0, 0.0, 1.0];
/// Exercise 1.2: uncertain predictions.
pub const EX1_2_HEDGING: [f64; 3] = [0.6, 0.4, 0.6];
/// Exercise 1.2: confident, wrong predictions.
pub const EX1_2_CONFIDENT_WRONG: [f64; 3] = [0.1, 0.9, 0.1];

/// Exercise 1.2, solved: hedging vs confident-wrong.
pub fn exercise_1_2() -> BookResult<String> {
    let hedging = ex1_2::cross_entropy(&EX1_2_HEDGING, &EX1_2_TARGETS);
    let wrong = ex1_2::cross_entropy(&EX1_2_CONFIDENT_WRONG, &EX1_2_TARGETS);
    let mut out = String::new();
    writeln!(
        out,
        "Hedging:          {}  cross-entropy = {hedging:.4}",
        vector(&EX1_2_HEDGING, 1)
    )?;
    writeln!(
        out,
        "Confident, wrong: {}  cross-entropy = {wrong:.4}",
        vector(&EX1_2_CONFIDENT_WRONG, 1)
    )?;
    writeln!(
        out,
        "Confident-wrong costs {:.1}x as much as hedging.",
        wrong / hedging
    )?;
    Ok(out)
}

/// Values quoted in the chapter's prose, one `key: value` per line.
pub fn facts() -> BookResult<String> {
    let right = binary_cross_entropy(&CONFIDENT_RIGHT, &TARGETS)?;
    let wrong = binary_cross_entropy(&CONFIDENT_WRONG, &TARGETS)?;
    let hedging = binary_cross_entropy(&EX1_2_HEDGING, &EX1_2_TARGETS)?;
    let confident_wrong =
        binary_cross_entropy(&EX1_2_CONFIDENT_WRONG, &EX1_2_TARGETS)?;
    let sweep_low = SWEEP[0];
    let surface = crate::figures::surface_gradients();
    let facts = [
        ("mse", format!("{:.4}", mse(&PREDICTIONS, &TARGETS)?)),
        ("ce_right", format!("{right:.4}")),
        ("ce_wrong", format!("{wrong:.4}")),
        ("ce_wrong_over_right", format!("{:.1}", wrong / right)),
        ("sweep_low_pred", format!("{sweep_low:.2}")),
        (
            "sweep_low_mse",
            format!("{:.2}", mse(&[sweep_low], &[1.0])?),
        ),
        (
            "sweep_low_ce",
            format!("{:.2}", binary_cross_entropy(&[sweep_low], &[1.0])?),
        ),
        ("grad_low_mse", num(mse_grad_logit(sweep_low, 1.0), 4)),
        ("grad_low_ce", num(bce_grad_logit(sweep_low, 1.0), 2)),
        (
            "clipped_zero",
            num(binary_cross_entropy(&[0.0], &[1.0])?, 2),
        ),
        ("ex1_2_hedging", format!("{hedging:.4}")),
        ("ex1_2_wrong", format!("{confident_wrong:.4}")),
        ("ex1_2_ratio", format!("{:.1}", confident_wrong / hedging)),
        ("surface_w", num(surface.weight, 1)),
        ("surface_b", num(surface.bias, 1)),
        ("surface_grad_mse", num(surface.mse_gradient_norm, 4)),
        ("surface_grad_ce", num(surface.ce_gradient_norm, 4)),
    ];
    Ok(facts.iter().map(|(k, v)| format!("{k}: {v}\n")).collect())
}
