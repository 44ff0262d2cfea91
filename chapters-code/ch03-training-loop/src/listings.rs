//! The chapter's listings: each function returns exactly what it prints.

use std::fmt::Write;

use bookkit::BookResult;
use bookkit::NumpyRng;
use bookkit::fmt::{num, vector, wrap};
use ch02_backpropagation::Network;

use crate::data::{XOR_INPUTS, XOR_TARGETS, xor};
use crate::runs::{
    self, BATCH_EPOCHS, EX3_1_LEARNING_RATE, EX3_1_PASSES, LAYERS, SEED,
    SINGLE_INPUT, SINGLE_TARGET, noisy_data, rises,
};
use ch02_backpropagation::MeanSquaredError;

use crate::train::{train_epoch, train_pass, train_passes};

/// Formats a learning rate the way Python prints a float: `0.1`, `1.0`, `50.0`.
fn rate(learning_rate: f64) -> String {
    format!("{learning_rate:?}")
}

/// The single-example run: loss and prediction after each of the first steps.
pub fn single_example() -> BookResult<String> {
    let mut out = String::new();
    writeln!(
        out,
        "Training on a single example: {} -> {}\n",
        vector(&SINGLE_INPUT, 0),
        vector(&SINGLE_TARGET, 1)
    )?;
    writeln!(out, "{:>5}  {:>8}  {:>11}", "Step", "Loss", "Prediction")?;
    writeln!(out, "{}", "-".repeat(30))?;
    for row in runs::single_example()? {
        if row.step < 5 || row.step == 9 {
            writeln!(
                out,
                "{:>5}  {:>8.4}  {:>11.4}",
                row.step, row.loss, row.prediction
            )?;
        }
    }
    Ok(out)
}

/// The final losses and outputs of the four learning rates on XOR.
pub fn learning_rates() -> BookResult<String> {
    let mut out = String::new();
    writeln!(
        out,
        "After {} passes over XOR, from the same initial weights:\n",
        runs::LEARNING_RATE_PASSES
    )?;
    writeln!(
        out,
        "{:>5}  {:>10}  outputs for [0, 0], [0, 1], [1, 0], [1, 1]",
        "LR", "final loss"
    )?;
    for run in runs::learning_rates()? {
        writeln!(
            out,
            "{:>5}  {:>10.4}  {}",
            rate(run.learning_rate),
            run.final_loss,
            vector(&run.predictions, 4)
        )?;
    }
    Ok(out)
}

/// Why learning rate 50 is stuck: the outputs are saturated, so the gradients vanish.
pub fn saturation() -> BookResult<String> {
    let stuck = &runs::learning_rates()?[3];
    let mut net = stuck.network.clone();
    let data = xor();
    let mut out = String::new();
    writeln!(
        out,
        "Learning rate {} after {} passes:\n",
        rate(stuck.learning_rate),
        stuck.losses.len()
    )?;
    writeln!(
        out,
        "{:>8}  {:>6}  {:>8}  {:>11}  {:>13}",
        "input", "target", "output", "a(1 - a)", "|gradient|"
    )?;
    for (input, target) in data.inputs.iter().zip(&data.targets) {
        let output = net.forward(input)?[0];
        let gradient = net.backward(target)?.norm();
        writeln!(
            out,
            "{:>8}  {:>6}  {:>8.4}  {:>11.1e}  {:>13.1e}",
            vector(input, 0),
            num(target[0], 0),
            output,
            output * (1.0 - output),
            gradient
        )?;
    }
    Ok(out)
}

/// The batch-size comparison on the noisy XOR data.
pub fn mini_batches() -> BookResult<String> {
    let data = noisy_data();
    let mut out = String::new();
    writeln!(
        out,
        "Noisy XOR: {} points, learning rate {}, {} epochs\n",
        data.len(),
        rate(runs::BATCH_LEARNING_RATE),
        BATCH_EPOCHS
    )?;
    writeln!(
        out,
        "{:>10}  {:>13}  {:>21}  {:>10}",
        "batch size", "updates/epoch", "loss after 1, 10, 100", "loss rose"
    )?;
    for run in runs::batch_sizes()? {
        let at = |epoch: usize| num(run.epoch_losses[epoch - 1], 4);
        writeln!(
            out,
            "{:>10}  {:>13}  {:>21}  {:>4} times",
            run.batch_size,
            run.updates_per_epoch,
            format!("{}, {}, {}", at(1), at(10), at(BATCH_EPOCHS)),
            rises(&run.epoch_losses)
        )?;
    }
    Ok(out)
}

pub use crate::data::MISSING;
/// A learning rate far beyond any sensible one.
pub const ABSURD_LEARNING_RATE: f64 = 1e300;

// ANCHOR: training_errors
/// Training that goes wrong says so.
pub fn training_errors() -> BookResult<String> {
    let mut out = String::new();
    let mut net = Network::new(&LAYERS, SEED)?;

    // XOR with a missing value in the last example.
    let mut data = xor();
    data.inputs[3] = vec![1.0, MISSING];
    writeln!(
        out,
        "XOR with the last input read as {}:",
        vector(&data.inputs[3], 0)
    )?;
    match train_passes(&mut net, &data.inputs, &data.targets, 2.0, 2000) {
        Ok(losses) => {
            writeln!(out, "  trained: final loss {:.4}", losses[losses.len() - 1])?
        }
        Err(error) => writeln!(out, "  error: {error}")?,
    }

    // A learning rate of 1e300 on the clean data.
    let clean = xor();
    let mut net = Network::new(&LAYERS, SEED)?;
    writeln!(out, "\nXOR with learning rate {ABSURD_LEARNING_RATE:e}:")?;
    match train_passes(
        &mut net,
        &clean.inputs,
        &clean.targets,
        ABSURD_LEARNING_RATE,
        100,
    ) {
        Ok(losses) => writeln!(
            out,
            "  no error: loss {:.4} after 100 passes, outputs {}",
            losses[losses.len() - 1],
            vector(&predictions(&net)?, 4)
        )?,
        Err(error) => writeln!(out, "  error: {error}")?,
    }

    // Arguments that cannot work.
    let mut rng = NumpyRng::seed(0);
    writeln!(out, "\nBad arguments:")?;
    for (what, result) in [
        (
            "batch size 0",
            train_epoch(&mut net, &clean, &MeanSquaredError, 1.0, 0, &mut rng),
        ),
        (
            "4 inputs, 3 targets",
            train_pass(&mut net, &clean.inputs, &clean.targets[..3], 1.0),
        ),
        ("no examples", train_pass(&mut net, &[], &[], 1.0)),
        (
            "input [1, 0, 1]",
            train_pass(&mut net, &[vec![1.0, 0.0, 1.0]], &[vec![1.0]], 1.0),
        ),
    ] {
        match result {
            Ok(loss) => writeln!(out, "  {what}: loss {loss:.4}")?,
            Err(error) => writeln!(out, "  {what}: {error}")?,
        }
    }
    Ok(wrap(&out, 4)) // long lines wrapped to the page
}
// ANCHOR_END: training_errors

/// The network's outputs for the four XOR inputs.
pub fn predictions(net: &Network) -> BookResult<Vec<f64>> {
    let mut outputs = Vec::new();
    for input in XOR_INPUTS {
        outputs.push(net.predict(&input)?[0]);
    }
    Ok(outputs)
}

/// How many parameters become NaN if the step with the missing value is applied anyway.
pub fn parameters_poisoned_by_one_update() -> BookResult<(usize, usize)> {
    let mut net = Network::new(&LAYERS, SEED)?;
    net.forward(&[1.0, MISSING])?;
    let gradients = net.backward(&[0.0])?;
    net.apply_gradients(&gradients, 2.0)?;
    let parameters = net
        .weights()
        .iter()
        .flatten()
        .chain(net.biases().iter().flatten());
    let nan = parameters.clone().filter(|p| p.is_nan()).count();
    Ok((nan, parameters.count()))
}

/// Exercise 3.1, solved: XOR with learning rate 2.0 for 2000 passes.
pub fn exercise_3_1() -> BookResult<String> {
    let run = runs::exercise_3_1()?;
    let mut out = String::new();
    writeln!(
        out,
        "Training on XOR (lr={}, {} passes)\n",
        rate(EX3_1_LEARNING_RATE),
        EX3_1_PASSES
    )?;
    writeln!(out, "{:>5}  {:>10}", "Pass", "Avg Loss")?;
    writeln!(out, "{}", "-".repeat(18))?;
    for (pass, loss) in run.losses.iter().enumerate() {
        if pass % 500 == 0 || pass == EX3_1_PASSES - 1 {
            writeln!(out, "{pass:>5}  {loss:>10.6}")?;
        }
    }
    writeln!(out, "\nFinal predictions:")?;
    for ((input, target), prediction) in
        XOR_INPUTS.iter().zip(XOR_TARGETS).zip(&run.predictions)
    {
        writeln!(
            out,
            "  {} -> {prediction:.4}  (target: {})",
            vector(input, 0),
            num(target, 0)
        )?;
    }
    Ok(out)
}

/// Exercise 3.2, solved: four learning rates, their final losses and verdicts.
pub fn exercise_3_2() -> BookResult<String> {
    let mut out = String::new();
    writeln!(out, "{:>5}  {:>12}  {:>15}", "LR", "Final Loss", "Verdict")?;
    writeln!(out, "{}", "-".repeat(38))?;
    for row in runs::exercise_3_2()? {
        writeln!(
            out,
            "{:>5}  {:>12.6}  {:>15}",
            rate(row.learning_rate),
            row.final_loss,
            row.verdict
        )?;
    }
    Ok(out)
}

/// The numpy reference output of this chapter: what `reference/training_numpy.py` (the guide's
/// Python) printed, committed as `reference/numpy-output.txt`.
pub const NUMPY_REFERENCE: &str = include_str!("../reference/numpy-output.txt");

/// What the guide's Python printed for learning rate 10.0 in Exercise 3.2 under numpy 2.4
/// (OpenBLAS, AVX-512 `exp`), at full precision: row `ex3_2_lr10.0` of
/// [`NUMPY_REFERENCE`]. The run is chaotic, so numpy prints 0.000021 to 0.000023 depending on
/// its build and the CPU.
///
/// # Errors
/// When the committed reference output lacks the row.
pub fn numpy_lr10_final() -> BookResult<f64> {
    Ok(bookkit::reference::NumpyReference::parse(NUMPY_REFERENCE)?
        .value("ex3_2_lr10.0")?)
}

/// The smallest and largest value of a non-empty slice.
fn range<T: Copy + PartialOrd>(values: &[T]) -> (T, T) {
    let mut low = values[0];
    let mut high = values[0];
    for &v in values {
        if v < low {
            low = v;
        }
        if v > high {
            high = v;
        }
    }
    (low, high)
}

/// Learning rates 2.0 and 10.0 from the seed-42 weights and from twelve one-ulp nudges.
pub fn sensitivity() -> BookResult<String> {
    let runs = runs::sensitivity()?;
    let nudges = runs[0].final_losses.len() - 1;
    let mut out = String::new();
    writeln!(
        out,
        "Final loss after {} passes: the seed-42 weights, and {nudges} copies of them\n\
         with one weight moved to its neighbouring f64 (a change of about 1e-16)\n",
        runs::EX3_2_PASSES
    )?;
    writeln!(
        out,
        "{:>5}  {:>9}  {:>9}  {:>9}  passes where the loss rose",
        "LR", "unchanged", "lowest", "highest"
    )?;
    for run in runs {
        let (low, high) = range(&run.final_losses);
        let (fewest, most) = range(&run.rises);
        writeln!(
            out,
            "{:>5}  {:>9.6}  {low:>9.6}  {high:>9.6}  {fewest} to {most}",
            rate(run.learning_rate),
            run.final_losses[0],
        )?;
    }
    Ok(out)
}

/// Values quoted in the chapter's prose, one `key: value` per line.
pub fn facts() -> BookResult<String> {
    let mut facts: Vec<(String, String)> = Vec::new();
    let mut fact = |key: &str, value: String| facts.push((key.to_string(), value));

    let single = runs::single_example()?;
    let first = single[0];
    let last = single[single.len() - 1];
    let initial = Network::new(&LAYERS, SEED)?.predict(&SINGLE_INPUT)?[0];
    fact("single_initial_prediction", format!("{initial:.4}"));
    fact("single_first_loss", format!("{:.4}", first.loss));
    fact("single_last_loss", format!("{:.4}", last.loss));
    fact("single_last_prediction", format!("{:.4}", last.prediction));
    fact("single_steps", single.len().to_string());

    for run in runs::learning_rates()? {
        let key = rate_key(run.learning_rate);
        let losses = &run.losses;
        fact(&format!("lr{key}_first_pass"), format!("{:.4}", losses[0]));
        fact(&format!("lr{key}_final"), format!("{:.4}", run.final_loss));
        fact(&format!("lr{key}_rises"), rises(losses).to_string());
        fact(
            &format!("lr{key}_max_output"),
            format!("{:.4}", run.predictions.iter().copied().fold(0.0, f64::max)),
        );
    }
    let fast = &runs::learning_rates()?[2];
    let (jump_pass, jump) = largest_rise(&fast.losses);
    fact("lr5_largest_rise", format!("{jump:.4}"));
    fact("lr5_largest_rise_pass", jump_pass.to_string());
    fact("lr5_late_pass", LATE_PASS.to_string());
    let stuck = &runs::learning_rates()?[3];
    let flat_from = stuck
        .losses
        .iter()
        .position(|l| format!("{l:.4}") == "0.5000");
    fact(
        "lr50_flat_from_pass",
        flat_from.map_or("never".into(), |p| p.to_string()),
    );

    let data = noisy_data();
    fact("noisy_points", data.len().to_string());
    fact("noisy_std", runs::NOISY_STD.to_string());
    fact(
        "noisy_points_across",
        crate::data::points_across(&data).to_string(),
    );
    for run in runs::batch_sizes()? {
        let size = run.batch_size;
        fact(
            &format!("batch{size}_updates"),
            run.updates_per_epoch.to_string(),
        );
        fact(
            &format!("batch{size}_rises"),
            rises(&run.epoch_losses).to_string(),
        );
        let last = run.epoch_losses[run.epoch_losses.len() - 1];
        fact(&format!("batch{size}_final"), format!("{last:.4}"));
    }

    let (poisoned, parameters) = parameters_poisoned_by_one_update()?;
    fact("poisoned_parameters", poisoned.to_string());
    fact("parameters", parameters.to_string());

    let ex1 = runs::exercise_3_1()?;
    fact("ex3_1_first_loss", format!("{:.6}", ex1.losses[0]));
    fact(
        "ex3_1_last_loss",
        format!("{:.6}", ex1.losses[ex1.losses.len() - 1]),
    );
    let worst = worst_xor_error(&ex1.predictions);
    fact("ex3_1_worst_error", format!("{worst:.4}"));
    for row in runs::exercise_3_2()? {
        let key = rate_key(row.learning_rate);
        fact(
            &format!("ex3_2_lr{key}_loss"),
            format!("{:.6}", row.final_loss),
        );
    }
    let sensitive = &runs::sensitivity()?[1];
    let (low, high) = range(&sensitive.final_losses);
    let (fewest, most) = range(&sensitive.rises);
    fact("lr10_nudged_lowest", format!("{low:.6}"));
    fact("lr10_nudged_highest", format!("{high:.6}"));
    fact("lr10_nudged_fewest_rises", fewest.to_string());
    fact("lr10_nudged_most_rises", most.to_string());
    fact("lr10_numpy", format!("{:.6}", numpy_lr10_final()?));
    let curve = &runs::exercise_3_2_curves()?[3];
    fact("lr10_rises", rises(&curve.losses).to_string());
    let peak = curve.losses[LATE_PASS..]
        .iter()
        .copied()
        .fold(0.0, f64::max);
    fact("lr10_late_pass", LATE_PASS.to_string());
    fact("lr10_late_peak", format!("{peak:.4}"));
    let slow = &runs::exercise_3_2_curves()?[0];
    fact(
        "lr0_1_max_error",
        format!("{:.4}", worst_xor_error(&slow.predictions)),
    );

    let boundary = crate::figures::boundary_centre()?;
    fact("boundary_centre", format!("{boundary:.4}"));

    Ok(facts.iter().map(|(k, v)| format!("{k}: {v}\n")).collect())
}

/// The largest increase of the loss from one pass to the next, and the pass it rose to.
pub fn largest_rise(losses: &[f64]) -> (usize, f64) {
    let mut best = (0, 0.0);
    for (index, pair) in losses.windows(2).enumerate() {
        if pair[1] - pair[0] > best.1 {
            best = (index + 1, pair[1] - pair[0]);
        }
    }
    best
}

/// The lr-5 loss curve goes up only before this pass; the lr-10 curve still jumps after it.
pub const LATE_PASS: usize = 60;

/// A learning rate as part of a fact key: `0.1` → `0_1`, `50.0` → `50`.
fn rate_key(learning_rate: f64) -> String {
    let text = format!("{learning_rate}");
    text.replace('.', "_")
}

/// The largest distance between a prediction and its XOR target.
pub fn worst_xor_error(predictions: &[f64]) -> f64 {
    predictions
        .iter()
        .zip(XOR_TARGETS)
        .map(|(p, t)| (p - t).abs())
        .fold(0.0, f64::max)
}
