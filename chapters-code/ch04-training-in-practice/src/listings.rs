//! The chapter's listings: each function returns exactly what it prints.

use std::fmt::Write;

use bookkit::BookResult;
use bookkit::fmt::{num, sci, vector, wrap};
use ch02_backpropagation::MeanSquaredError;
use ch02_backpropagation::Network;
use ch03_training_loop::mean_loss;

use crate::data::{Dataset, noise_floor, sine_data};
use crate::debugging::{
    JUMP, MseWrongSign, Symptom, check_output_gradient, diagnose,
};
use crate::experiments::{
    EARLY_STOPPING, LARGE_LAYERS, LONG_RUN, PATIENCE, SINE_EPOCHS, SINE_LAYERS,
    TINY_LAYERS, early_stopped_run, noisy_split, overfit_run, sine_fit, underfit_run,
};
use crate::failures::{
    FAR_TOO_HIGH, FailureRun, NAN_LEARNING_RATE, NUDGE, TOO_HIGH, WEIGHT_SCALE,
    failures, nan_trace, with_scaled_weights,
};
use crate::monitor::{Fit, argmin};
use crate::solutions::ex4_1;

/// Epochs printed from the sine fit's loss curve.
pub const SINE_REPORT_EPOCHS: [usize; 6] = [0, 10, 20, 50, 100, 999];

/// The sine fit: its loss at a few epochs and the final loss.
pub fn sine_fit_losses() -> BookResult<String> {
    let fit = sine_fit()?;
    let mut out = String::new();
    for epoch in SINE_REPORT_EPOCHS {
        writeln!(out, "Epoch {epoch:>4}: loss {:.6}", fit.losses[epoch])?;
    }
    let last = fit.losses.len() - 1;
    writeln!(out, "Final loss: {:.6}", fit.losses[last])?;
    Ok(out)
}

/// Epochs printed from the over- and underfitting runs (the best epoch is added).
const FIT_REPORT_EPOCHS: [usize; 7] = [0, 100, 200, 300, 500, 1000, 1999];

/// Both losses of a run at [`FIT_REPORT_EPOCHS`] and at its best held-out epoch.
fn loss_table(run: &Fit) -> BookResult<String> {
    let mut epochs: Vec<usize> = FIT_REPORT_EPOCHS.to_vec();
    epochs.push(run.best.epoch);
    epochs.sort_unstable();
    epochs.dedup();
    let mut out = String::new();
    writeln!(out, "Epoch   Train loss   Held-out loss")?;
    for epoch in epochs {
        let mark = if epoch == run.best.epoch {
            "   <- lowest held-out loss"
        } else {
            ""
        };
        writeln!(
            out,
            "{epoch:>5}   {:>10.6}   {:>13.6}{mark}",
            run.history.train[epoch], run.history.held_out[epoch]
        )?;
    }
    Ok(out)
}

/// The `[1, 16, 1]` network on six noisy points: train and held-out loss.
pub fn overfitting() -> BookResult<String> {
    let run = overfit_run()?;
    let mut out = loss_table(run)?;
    let last = run.history.epochs() - 1;
    let end = run.history.held_out[last];
    writeln!(out)?;
    writeln!(
        out,
        "Held-out loss: lowest {:.6} (epoch {}), {:.6} at epoch {last}: {:.2}x the lowest",
        run.best.held_out_loss,
        run.best.epoch,
        end,
        end / run.best.held_out_loss
    )?;
    let split = noisy_split();
    writeln!(
        out,
        "The true curve sin(pi x) itself scores {:.6} on the training points\n\
         {:>47.6} on the held-out points",
        noise_floor(&split.train),
        noise_floor(&split.test)
    )?;
    Ok(out)
}

/// The mean squared error of always predicting the mean target of `data`.
fn constant_guess_loss(data: &Dataset) -> f64 {
    let ys = data.ys();
    let mean = ys.iter().sum::<f64>() / ys.len() as f64;
    ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / ys.len() as f64
}

/// The `[1, 1, 1]` network on the same points.
pub fn underfitting() -> BookResult<String> {
    let run = underfit_run()?;
    let last = run.history.epochs() - 1;
    let mut out = String::new();
    writeln!(out, "Epoch   Train loss   Held-out loss")?;
    for epoch in [0, 100, 500, 1000, last] {
        writeln!(
            out,
            "{epoch:>5}   {:>10.6}   {:>13.6}",
            run.history.train[epoch], run.history.held_out[epoch]
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Always predicting the mean training target scores {:.6} on the training points",
        constant_guess_loss(&noisy_split().train)
    )?;
    Ok(out)
}

/// The same run with early stopping: patience 100, the best weights kept.
pub fn early_stopping() -> BookResult<String> {
    // ANCHOR: early_stopping
    let stopped = early_stopped_run()?; // fit(…) with patience 100
    let full = overfit_run()?; // fit(…) for all 2000 epochs
    let held_out = &noisy_split().test;
    let kept = mean_loss(&stopped.best.network, &held_out.inputs, &held_out.targets)?;
    let last = mean_loss(&full.last, &held_out.inputs, &held_out.targets)?;
    // ANCHOR_END: early_stopping
    let trained = stopped.history.epochs();

    let mut out = String::new();
    writeln!(
        out,
        "Trained {trained} of {} epochs: no new best for {PATIENCE} epochs after epoch {}",
        EARLY_STOPPING.max_epochs, stopped.best.epoch
    )?;
    writeln!(
        out,
        "Kept the weights of epoch {}: held-out loss {kept:.6}",
        stopped.best.epoch
    )?;
    writeln!(
        out,
        "Weights after all {} epochs:   held-out loss {last:.6}",
        LONG_RUN.max_epochs
    )?;
    Ok(out)
}

/// A training run with a sign error in the output gradient, and the gradient check that
/// catches it.
pub fn wrong_backward() -> BookResult<String> {
    let runs = failures()?;
    let mut out = String::new();
    writeln!(out, "Epoch   Loss (sign error)   Loss (correct)")?;
    for epoch in [0, 1, 10, 100, SINE_EPOCHS - 1] {
        writeln!(
            out,
            "{epoch:>5}   {:>17.6}   {:>14.6}",
            runs.wrong_sign.log[epoch].loss, runs.healthy.log[epoch].loss
        )?;
    }
    // ANCHOR: check_both
    let data = sine_data();
    let net = Network::new(&SINE_LAYERS, 42)?;
    let (x, t) = (&data.inputs[0], &data.targets[0]);
    let buggy = check_output_gradient(&net, x, t, &MseWrongSign)?;
    let correct = check_output_gradient(&net, x, t, &MeanSquaredError)?;
    // ANCHOR_END: check_both
    writeln!(out)?;
    writeln!(out, "Gradient check at x = {:.4}, target {:.4}", x[0], t[0])?;
    writeln!(out, "With the sign error:")?;
    let differences: Vec<f64> = buggy
        .checks
        .iter()
        .map(|check| check.relative_difference())
        .collect();
    let (lowest, highest) = differences
        .iter()
        .fold((f64::INFINITY, 0.0f64), |(l, h), &d| (l.min(d), h.max(d)));
    writeln!(
        out,
        "  relative differences from {lowest:.4} to {highest:.4}"
    )?;
    match buggy.into_result() {
        Ok(report) => writeln!(out, "  all {} gradients pass", report.checks.len())?,
        Err(failure) => writeln!(out, "{failure}")?,
    }
    writeln!(out, "With the correct gradient:")?;
    match correct.into_result() {
        Ok(report) => writeln!(
            out,
            "  all {} gradients pass (relative difference at most {:e})",
            report.checks.len(),
            report.tolerance
        )?,
        Err(failure) => writeln!(out, "{failure}")?,
    }
    Ok(wrap(&out, 2)) // long lines wrapped to the page
}

/// How many epochs of a log end with a jump of more than [`JUMP`].
pub fn jumps(run: &FailureRun) -> usize {
    run.log
        .windows(2)
        .filter(|pair| pair[1].loss > pair[0].loss * (1.0 + JUMP))
        .count()
}

/// The sine fit at learning rates 2, 20 and 50.
pub fn learning_rates() -> BookResult<String> {
    let runs = failures()?;
    let last = SINE_EPOCHS - 1;
    let mut out = String::new();
    writeln!(
        out,
        "  lr   epoch 0   epoch 1   epoch 100   epoch {last}   jumps   gradient at the end"
    )?;
    let rows = [
        (2.0, &runs.healthy),
        (TOO_HIGH, &runs.too_high),
        (FAR_TOO_HIGH, &runs.far_too_high),
    ];
    for (rate, run) in rows {
        let loss = |epoch: usize| run.log[epoch].loss;
        writeln!(
            out,
            "{rate:>4.0}   {:.4}    {:.4}    {:.4}      {:.4}      {:>5}   {}",
            loss(0),
            loss(1),
            loss(100),
            loss(last),
            jumps(run),
            sci(run.log[last].gradient_norm, 1)
        )?;
    }
    writeln!(
        out,
        "(jumps: epochs whose loss is more than 10% above the one before)"
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "One initial weight nudged by {NUDGE:e}, trained again:"
    )?;
    for (rate, run, nudged) in [
        (2.0, &runs.healthy, &runs.healthy_nudged),
        (TOO_HIGH, &runs.too_high, &runs.too_high_nudged),
    ] {
        writeln!(
            out,
            "  lr {rate:>2.0}: loss at epoch {last} {:.6}, nudged {:.6}",
            run.log[last].loss, nudged.log[last].loss
        )?;
    }
    Ok(out)
}

/// The sine fit from initial weights ten times too large.
pub fn saturated_start() -> BookResult<String> {
    let runs = failures()?;
    let mut out = String::new();
    writeln!(out, "Epoch   Loss      Gradient length")?;
    for epoch in [0, 1, 100, SINE_EPOCHS - 1] {
        let entry = runs.saturated.log[epoch];
        writeln!(
            out,
            "{epoch:>5}   {:.4}    {:.1e}",
            entry.loss, entry.gradient_norm
        )?;
    }
    // ANCHOR: saturated_activations
    let mut net = with_scaled_weights(&SINE_LAYERS, 42, WEIGHT_SCALE)?;
    let output = net.forward(&[0.5])?;
    let hidden = net.activations().map(|a| a[1].to_vec()).unwrap_or_default();
    // ANCHOR_END: saturated_activations
    writeln!(out)?;
    writeln!(out, "Before training, at x = 0.5:")?;
    writeln!(out, "  hidden activations {}", vector(&hidden, 4))?;
    writeln!(
        out,
        "  output {:.1e}, whose sigmoid slope a(1 - a) is {:.1e}",
        output[0],
        output[0] * (1.0 - output[0])
    )?;
    Ok(out)
}

/// How a prediction is printed in the NaN trace: its distance from 0 and 1 matters.
fn prediction_text(p: f64) -> String {
    if p == 1.0 {
        "1 (exactly)".to_string()
    } else if p == 0.0 {
        "0 (exactly)".to_string()
    } else {
        sci(p, 3)
    }
}

/// Cross-entropy without clipping at a learning rate far too high: the loss becomes NaN.
pub fn log_zero() -> BookResult<String> {
    let trace = nan_trace(13)?;
    let runs = failures()?;
    let mut out = String::new();
    writeln!(
        out,
        "Cross-entropy without clipping, learning rate {NAN_LEARNING_RATE}:"
    )?;
    writeln!(out, "Step   x       target   prediction     loss")?;
    for (step, s) in trace.iter().enumerate() {
        if (2..9).contains(&step) {
            if step == 2 {
                writeln!(out, "  ...")?;
            }
            continue;
        }
        writeln!(
            out,
            "{step:>4}   {:.3}   {:>6.0}   {:<12}   {}",
            s.x,
            s.target,
            prediction_text(s.prediction),
            num(s.loss, 4)
        )?;
    }
    writeln!(out)?;
    let last = runs.clipped.log.len() - 1;
    for run in [&runs.unclipped, &runs.clipped, &runs.clipped_slower] {
        writeln!(
            out,
            "{:<33} loss at epoch 0: {:<8}  at epoch {last}: {}",
            run.label,
            num(run.log[0].loss, 4),
            num(run.log[last].loss, 4)
        )?;
    }
    Ok(out)
}

/// The health check's verdict on every run of the debugging section.
pub fn health_check() -> BookResult<String> {
    let mut out = String::new();
    for run in failures()?.all() {
        let symptoms = diagnose(&run.log);
        writeln!(out, "{}:", run.label)?;
        if symptoms.is_empty() {
            writeln!(out, "  no symptoms")?;
        }
        for symptom in symptoms {
            writeln!(out, "  - {symptom}")?;
        }
    }
    Ok(wrap(&out, 4)) // long lines wrapped to the page
}

/// Exercise 4.1, solved: train and test loss every 500 epochs.
pub fn exercise_4_1() -> BookResult<String> {
    let split = ex4_1::make_data();
    let reports = ex4_1::train_and_track(&split)?;
    let mut out = String::new();
    writeln!(
        out,
        "Epoch   Train loss   Test loss   Test loss since last report"
    )?;
    let mut previous: Option<f64> = None;
    for report in &reports {
        let trend = match previous {
            None => "",
            Some(before) if report.test_loss < before => "falling",
            Some(_) => "RISING",
        };
        writeln!(
            out,
            "{:>5}   {:>10.6}   {:>9.6}   {trend}",
            report.epoch, report.train_loss, report.test_loss
        )?;
        previous = Some(report.test_loss);
    }
    writeln!(out)?;
    writeln!(
        out,
        "The true curve sin(pi x) itself scores {:.6} on the training points\n\
         {:>47.6} on the test points",
        noise_floor(&split.train),
        noise_floor(&split.test)
    )?;
    Ok(out)
}

/// The symptoms a run's log shows, as short names for the facts.
fn symptom_names(run: &FailureRun) -> String {
    let names: Vec<&str> = diagnose(&run.log)
        .iter()
        .map(|symptom| match symptom {
            Symptom::NotFinite { .. } => "not finite",
            Symptom::ExplodingGradients { .. } => "exploding gradients",
            Symptom::VanishingGradients { .. } => "vanishing gradients",
            Symptom::LossRising { .. } => "loss rising",
            Symptom::FlatLoss { .. } => "flat loss",
            Symptom::Oscillating { .. } => "oscillating",
        })
        .collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

/// Values quoted in the chapter's prose, one `key: value` per line.
pub fn facts() -> BookResult<String> {
    let mut facts: Vec<(&str, String)> = Vec::new();
    sine_facts(&mut facts)?;
    fitting_facts(&mut facts)?;
    debugging_facts(&mut facts)?;
    exercise_facts(&mut facts)?;
    Ok(facts.iter().map(|(k, v)| format!("{k}: {v}\n")).collect())
}

fn sine_facts(facts: &mut Vec<(&str, String)>) -> BookResult<()> {
    let fit = sine_fit()?;
    let last = fit.losses.len() - 1;
    facts.push(("sine_first_loss", format!("{:.4}", fit.losses[0])));
    facts.push(("sine_final_loss", format!("{:.6}", fit.losses[last])));
    facts.push(("sine_epochs", format!("{}", fit.losses.len())));
    facts.push((
        "sine_parameters",
        format!("{}", fit.network.parameter_count()),
    ));
    facts.push((
        "sine_drop",
        format!("{:.0}", fit.losses[0] / fit.losses[last]),
    ));
    Ok(())
}

fn fitting_facts(facts: &mut Vec<(&str, String)>) -> BookResult<()> {
    let over = overfit_run()?;
    let under = underfit_run()?;
    let stopped = early_stopped_run()?;
    let split = noisy_split();
    let last = over.history.epochs() - 1;
    let large = Network::new(&LARGE_LAYERS, 42)?.parameter_count();
    let tiny = Network::new(&TINY_LAYERS, 42)?.parameter_count();
    let (_, train_min) = argmin(&over.history.train).unwrap_or((0, f64::NAN));
    facts.push(("large_parameters", format!("{large}")));
    facts.push(("tiny_parameters", format!("{tiny}")));
    facts.push(("best_epoch", format!("{}", over.best.epoch)));
    facts.push(("best_held_out", format!("{:.6}", over.best.held_out_loss)));
    facts.push(("last_epoch", format!("{last}")));
    facts.push((
        "last_held_out",
        format!("{:.6}", over.history.held_out[last]),
    ));
    facts.push((
        "held_out_rise",
        format!(
            "{:.2}",
            over.history.held_out[last] / over.best.held_out_loss
        ),
    ));
    facts.push((
        "best_train",
        format!("{:.6}", over.history.train[over.best.epoch]),
    ));
    facts.push(("last_train", format!("{:.6}", over.history.train[last])));
    facts.push(("early_train", format!("{:.6}", over.history.train[100])));
    facts.push((
        "early_held_out",
        format!("{:.6}", over.history.held_out[100]),
    ));
    facts.push(("lowest_train", format!("{train_min:.6}")));
    facts.push(("train_floor", format!("{:.6}", noise_floor(&split.train))));
    facts.push(("held_out_floor", format!("{:.6}", noise_floor(&split.test))));
    facts.push((
        "under_last_train",
        format!("{:.6}", under.history.train[last]),
    ));
    facts.push((
        "under_last_held_out",
        format!("{:.6}", under.history.held_out[last]),
    ));
    facts.push((
        "constant_guess",
        format!("{:.6}", constant_guess_loss(&split.train)),
    ));
    facts.push(("stopped_epochs", format!("{}", stopped.history.epochs())));
    facts.push(("patience", format!("{PATIENCE}")));
    Ok(())
}

fn debugging_facts(facts: &mut Vec<(&str, String)>) -> BookResult<()> {
    let runs = failures()?;
    let trace = nan_trace(13)?;
    let nan_step = trace
        .iter()
        .position(|s| s.loss.is_nan())
        .unwrap_or(trace.len());
    facts.push(("nan_step", format!("{nan_step}")));
    facts.push((
        "nan_big_loss",
        format!("{:.1}", trace[nan_step.saturating_sub(1)].loss),
    ));
    facts.push((
        "clipped_last",
        format!("{:.4}", runs.clipped.log[runs.clipped.log.len() - 1].loss),
    ));
    let fixed = &runs.clipped_slower.log;
    facts.push(("fixed_first", format!("{:.4}", fixed[0].loss)));
    facts.push(("fixed_last", format!("{:.4}", fixed[fixed.len() - 1].loss)));
    let last = SINE_EPOCHS - 1;
    facts.push((
        "wrong_sign_first",
        format!("{:.4}", runs.wrong_sign.log[0].loss),
    ));
    facts.push((
        "wrong_sign_last",
        format!("{:.4}", runs.wrong_sign.log[last].loss),
    ));
    facts.push(("too_high_jumps", format!("{}", jumps(&runs.too_high))));
    facts.push((
        "too_high_last",
        format!("{:.4}", runs.too_high.log[last].loss),
    ));
    facts.push((
        "too_high_nudged_last",
        format!("{:.4}", runs.too_high_nudged.log[last].loss),
    ));
    facts.push((
        "frozen_loss",
        format!("{:.4}", runs.far_too_high.log[1].loss),
    ));
    let frozen = runs.too_high.log[1].loss;
    let plateau_left = runs.too_high.log[1..]
        .iter()
        .position(|e| (e.loss - frozen).abs() > 1e-4)
        .map_or(0, |offset| offset + 1);
    facts.push(("plateau_left", format!("{plateau_left}")));
    facts.push((
        "far_too_high_gradient",
        sci(runs.far_too_high.log[last].gradient_norm, 1),
    ));
    facts.push((
        "healthy_last",
        format!("{:.4}", runs.healthy.log[last].loss),
    ));
    facts.push((
        "far_too_high_last",
        format!("{:.4}", runs.far_too_high.log[last].loss),
    ));
    facts.push((
        "saturated_gradient",
        sci(runs.saturated.log[last].gradient_norm, 1),
    ));
    facts.push((
        "healthy_gradient",
        sci(runs.healthy.log[last].gradient_norm, 1),
    ));
    for run in runs.all() {
        facts.push((run.key, symptom_names(run)));
    }
    Ok(())
}

fn exercise_facts(facts: &mut Vec<(&str, String)>) -> BookResult<()> {
    let split = ex4_1::make_data();
    let reports = ex4_1::train_and_track(&split)?;
    let (first, last) = (reports[0], reports[reports.len() - 1]);
    let parameters = Network::new(&[1, 16, 1], 42)?.parameter_count();
    facts.push(("ex4_1_parameters", format!("{parameters}")));
    facts.push(("ex4_1_last_train", format!("{:.6}", last.train_loss)));
    facts.push(("ex4_1_last_test", format!("{:.6}", last.test_loss)));
    facts.push(("ex4_1_first_test", format!("{:.6}", first.test_loss)));
    facts.push((
        "ex4_1_ratio",
        format!("{:.1}", last.test_loss / last.train_loss),
    ));
    facts.push((
        "ex4_1_train_floor",
        format!("{:.6}", noise_floor(&split.train)),
    ));
    facts.push((
        "ex4_1_test_floor",
        format!("{:.6}", noise_floor(&split.test)),
    ));
    Ok(())
}
