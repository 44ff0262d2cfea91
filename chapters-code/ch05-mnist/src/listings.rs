//! The chapter's listings: each function returns exactly what it prints.
//!
//! All but `idx_errors` and `softmax_check` need the MNIST files (`cargo mnist-fetch`); their
//! training runs come from [`crate::experiments::run`], so each is trained once per process.
//! Runs are compared on their validation accuracy; only the final models are measured on the
//! test set ([`crate::experiments::final_test`]).

use std::fmt::Write;
use std::path::{Path, PathBuf};

use bookkit::fmt::{array1, wrap};
use bookkit::{BookResult, NumpyRng};
use ch02_backpropagation::gradient_check::{CheckedLoss, GradientCheck};
use ch02_backpropagation::loss::Activation;
use ch02_backpropagation::{Gradients, Loss, Network, SoftmaxCrossEntropy};
use ch03_training_loop::Examples;
use ndarray::{Array2, array};

use crate::data::{self, SPLIT_SEED, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES};
use crate::experiments::{
    self, DEEP5_SCHEDULE, DEEP10, DEEP10_RATE2, DEEP10_SCHEDULE, GUIDE_RATE_05,
    MSE10, SMALL10, SOFTMAX5, SOFTMAX10, final_test,
};
use crate::solutions::{ex5_1, ex5_2};
use crate::train::{
    Evaluation, GUIDE, HEALTH_EXAMPLES, TrainConfig, TrainedRun, classify,
};
use crate::{classify as classify_command, idx, model, pgm};

/// A fraction as a percentage with two decimals: `0.98911` → `98.91%`.
pub fn percent(fraction: f64) -> String {
    format!("{:.2}%", 100.0 * fraction)
}

/// The run of `config`, trained on first use.
fn run(config: &TrainConfig) -> BookResult<&'static TrainedRun> {
    Ok(experiments::run(config)?)
}

/// The test evaluation of a final model.
fn test_of(config: &TrainConfig) -> BookResult<&'static Evaluation> {
    Ok(final_test(config)?)
}

/// How many images of each digit `labels` holds.
fn digit_counts(labels: &[u8]) -> [usize; 10] {
    let mut counts = [0; 10];
    for &label in labels {
        counts[usize::from(label.min(9))] += 1;
    }
    counts
}

// ANCHOR: data_summary
/// What is in the data set.
pub fn data_summary() -> BookResult<String> {
    let mnist = data::mnist()?;
    let digits_0_to_4 = data::project(5)?;
    let train_counts = digit_counts(&mnist.train.labels);
    let test_counts = digit_counts(&mnist.test.labels);
    let blank = mnist.train.pixels.iter().filter(|&&p| p == 0).count();

    let mut out = String::new();
    writeln!(
        out,
        "training images: {} of 28x28 pixels, values 0 to 255",
        mnist.train.len()
    )?;
    writeln!(out, "test images:     {}", mnist.test.len())?;
    writeln!(out, "digit  training  test")?;
    for digit in 0..10 {
        writeln!(
            out,
            "{digit:>5}  {:>8}  {:>4}",
            train_counts[digit], test_counts[digit]
        )?;
    }
    writeln!(
        out,
        "digits 0-4: {} training and {} test images",
        digits_0_to_4.split.train.len() + digits_0_to_4.split.validation.len(),
        digits_0_to_4.test.len()
    )?;
    writeln!(
        out,
        "pixels that are 0 (background): {}",
        percent(blank as f64 / mnist.train.pixels.len() as f64)
    )?;
    Ok(out)
}
// ANCHOR_END: data_summary

/// Writes `bytes` to a fresh file `name` in `dir`.
fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> BookResult<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// A temporary folder for this process's listing files.
fn temp_dir(purpose: &str) -> BookResult<PathBuf> {
    let dir =
        std::env::temp_dir().join(format!("ch05-{purpose}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

// ANCHOR: idx_errors
/// The reader's errors for a missing, a truncated and a mislabelled file, made on the
/// spot.
pub fn idx_errors() -> BookResult<String> {
    let dir = temp_dir("idx-errors")?;
    // A valid header for 2 images of 28x28 pixels, but only 100 pixel bytes after it.
    let mut truncated = Vec::new();
    for word in [0x0803_u32, 2, 28, 28] {
        truncated.extend_from_slice(&word.to_be_bytes());
    }
    truncated.extend_from_slice(&[0; 100]);
    // A gzip-compressed file saved without unpacking: it starts with 1f 8b 08 00.
    let gzipped = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    let missing = idx::read_images(&dir.join(TRAIN_IMAGES));
    let short = idx::read_images(&write_file(&dir, TEST_IMAGES, &truncated)?);
    let wrong_magic = idx::read_labels(&write_file(&dir, TEST_LABELS, &gzipped)?);
    std::fs::remove_dir_all(&dir)?;

    let mut out = String::new();
    for (what, result) in [("missing", missing), ("truncated", short)] {
        if let Err(error) = result {
            writeln!(out, "{what}: {error}")?;
        }
    }
    if let Err(error) = wrong_magic {
        writeln!(out, "wrong magic: {error}")?;
    }
    // The files lived in a temporary folder; show them where they normally are.
    let shown = out.replace(&dir.display().to_string(), "data");
    Ok(wrap(&shown, 4)) // long lines wrapped to the page
}
// ANCHOR_END: idx_errors

// ANCHOR: prepared
/// The first training examples of digits 0–4 as network inputs and targets.
pub fn prepared() -> BookResult<String> {
    let train = &data::project(5)?.split.train;
    let first = [0, 1, 2, 3];
    let (inputs, targets) = train.batch(&first)?;

    let mut out = String::new();
    writeln!(out, "inputs:  {} x {}", inputs.nrows(), inputs.ncols())?;
    for (row, &index) in first.iter().enumerate() {
        let pixels = inputs.row(row);
        let max = pixels.fold(0.0_f64, |m, &x| m.max(x));
        let ink = pixels.iter().filter(|&&x| x > 0.0).count();
        let (digit, target) = (train.labels[index], targets.row(row).to_owned());
        write!(
            out,
            "example {index}: digit {digit}, {ink} pixels with ink, "
        )?;
        writeln!(out, "largest input {max:.4}, target {}", array1(&target, 0))?;
    }
    Ok(out)
}
// ANCHOR_END: prepared

// ANCHOR: split_summary
/// The validation split: how many images, and which ones (numpy can reproduce it).
pub fn split_summary() -> BookResult<String> {
    let five = data::project(5)?;
    let ten = data::project(10)?;
    let mut out = String::new();
    writeln!(out, "digits  train  validation  test")?;
    for (digits, project) in [("0-4", five), ("0-9", ten)] {
        writeln!(
            out,
            "{digits:>6}  {:>5}  {:>10}  {:>4}",
            project.split.train.len(),
            project.split.validation.len(),
            project.test.len()
        )?;
    }
    // Which of the 30,596 training images of 0-4 went to validation: the first
    // positions of numpy's RandomState(0).permutation(30596), sorted.
    let all = five.split.train.len() + five.split.validation.len();
    let order = NumpyRng::seed(SPLIT_SEED).permutation(all);
    writeln!(
        out,
        "permutation({all}) with seed {SPLIT_SEED} starts {:?}",
        &order[..5]
    )?;
    Ok(out)
}
// ANCHOR_END: split_summary

/// The largest absolute difference between two sets of gradients.
fn max_difference(a: &Gradients, b: &Gradients) -> f64 {
    let weights = a.weights.iter().zip(&b.weights);
    let weight_pairs = weights.flat_map(|(x, y)| x.iter().zip(y.iter()));
    let biases = a.biases.iter().zip(&b.biases);
    let bias_pairs = biases.flat_map(|(x, y)| x.iter().zip(y.iter()));
    weight_pairs
        .chain(bias_pairs)
        .map(|(p, q)| (p - q).abs())
        .fold(0.0, f64::max)
}

/// A difference as printed: `0` when there is none, otherwise like `6.9e-18`.
fn size_of(difference: f64) -> String {
    if difference == 0.0 {
        "0 (identical)".to_string()
    } else {
        format!("{difference:.1e}")
    }
}

/// The largest absolute difference between two lists of matrices of the same shapes.
fn max_matrix_difference(a: &[Array2<f64>], b: &[Array2<f64>]) -> f64 {
    let pairs = a.iter().zip(b).flat_map(|(x, y)| x.iter().zip(y.iter()));
    pairs.map(|(p, q)| (p - q).abs()).fold(0.0, f64::max)
}

// ANCHOR: batch_check
/// The batched forward and backward pass of Exercises 5.1 and 5.2 on the guide's
/// network and its first mini-batch, against Chapter 2's one-example `forward` and
/// `backward`.
pub fn batch_check() -> BookResult<String> {
    let train = &data::project(5)?.split.train;
    let mut rng = NumpyRng::seed(GUIDE.seed);
    let mut network = GUIDE.network(&mut rng)?;
    let order = rng.permutation(train.len());
    let (inputs, targets) = train.batch(&order[..GUIDE.batch_size])?;

    // The whole batch at once: Exercises 5.1 and 5.2.
    let activations = ex5_1::forward_batch(&network, inputs.view())?;
    let batched =
        ex5_2::mean_gradients(&network, &activations, targets.view(), GUIDE.loss);

    // One example at a time: Chapter 2's forward and backward, averaged.
    let mut outputs = Vec::new();
    let mut per_example = Gradients::zeros_like(&network);
    for (x, t) in inputs.rows().into_iter().zip(targets.rows()) {
        outputs.extend(network.forward(&x.to_vec())?);
        per_example.add_assign(&network.backward(&t.to_vec())?);
    }
    per_example.scale(1.0 / inputs.nrows() as f64);
    let outputs = Array2::from_shape_vec(targets.dim(), outputs)?;

    let mut out = String::new();
    let shapes: Vec<String> = activations
        .iter()
        .map(|a| format!("{} x {}", a.nrows(), a.ncols()))
        .collect();
    writeln!(out, "activations: {}", shapes.join(", "))?;
    let output_difference = max_matrix_difference(&activations[2..], &[outputs]);
    writeln!(
        out,
        "outputs, largest difference:   {}",
        size_of(output_difference)
    )?;
    let gradient_difference = max_difference(&batched, &per_example);
    writeln!(
        out,
        "gradients, largest difference: {}",
        size_of(gradient_difference)
    )?;
    Ok(out)
}
// ANCHOR_END: batch_check

// ANCHOR: softmax_check
/// Softmax with cross-entropy: the output error `a - t`, against the chain rule
/// through the softmax, and Chapter 2's gradient check of the whole network on a
/// batch of 4.
pub fn softmax_check() -> BookResult<String> {
    let mut z = array![[2.0, 1.0, 0.1], [1000.0, 1001.0, 1002.0]];
    Activation::Softmax.apply(&mut z); // e^(z - max) / Σ e^(z - max), row by row
    let a = z;
    let t = array![[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]];
    let mut out = String::new();
    for row in 0..2 {
        let (a, t) = (a.row(row), t.row(row));
        let fused = SoftmaxCrossEntropy.output_delta(a, t); // a - t
        let dl_da = SoftmaxCrossEntropy.output_gradient(a, t); // -t / a
        let chained = Activation::Softmax.backward(a, dl_da.view()); // chain rule
        writeln!(out, "a = {}", bookkit::fmt::array1(&a.to_owned(), 4))?;
        writeln!(
            out,
            "  a - t          = {}",
            bookkit::fmt::array1(&fused, 4)
        )?;
        writeln!(
            out,
            "  chain rule     = {}",
            bookkit::fmt::array1(&chained, 4)
        )?;
    }
    let mut network = Network::new(&[4, 5, 3], 1)?.with_output(Activation::Softmax);
    let inputs =
        Array2::from_shape_vec((4, 4), NumpyRng::seed(2).uniform_vec(0.0, 1.0, 16))?;
    let targets = array![
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0]
    ];
    let activations = network.forward_batch(inputs.view())?;
    let deltas =
        SoftmaxCrossEntropy.output_deltas(activations[2].view(), targets.view());
    let mut mean = network.backward_batch(&activations, deltas)?;
    mean.scale(0.25);
    let checked = CheckedLoss {
        inputs: inputs.view(),
        targets: targets.view(),
        loss: &SoftmaxCrossEntropy,
    };
    let report =
        GradientCheck::default().compare_on(&mut network, &checked, &mean)?;
    let (checks, worst) = (report.checks.len(), report.max_relative_difference());
    let passed = checks - report.failures().len();
    writeln!(
        out,
        "gradient check, batch of 4: {passed} of {checks} pass \
         (largest relative difference {worst:.1e})"
    )?;
    Ok(out)
}
// ANCHOR_END: softmax_check

/// "yes" or "NO".
fn yes(condition: bool) -> &'static str {
    if condition { "yes" } else { "NO" }
}

/// The per-epoch table of a run: training loss and validation accuracy.
fn epoch_table(run: &TrainedRun) -> BookResult<String> {
    let mut out = String::new();
    let loss = if run.config.loss.output_activation() == Activation::Softmax {
        "cross-entropy"
    } else {
        "loss (MSE)"
    };
    writeln!(out, "epoch  {loss:>13}  validation accuracy")?;
    for (epoch, stats) in run.history.iter().enumerate() {
        let kept = if epoch == run.best_epoch {
            "  <- kept"
        } else {
            ""
        };
        writeln!(
            out,
            "{:>5}  {:>13.6}  {:>19}{kept}",
            epoch + 1,
            stats.train_loss,
            percent(stats.validation.accuracy())
        )?;
    }
    Ok(out)
}

// ANCHOR: guide_run
/// The guide's project: trained, watched on the validation images, tested once.
pub fn guide_run() -> BookResult<String> {
    let run = run(&GUIDE)?;
    let mut out = String::new();
    writeln!(out, "training images:   {}", run.train_examples)?;
    let validation = run.last_validation().map_or(0, |v| v.predictions.len());
    writeln!(out, "validation images: {validation}")?;
    writeln!(
        out,
        "network:           {:?}, {} parameters",
        GUIDE.layers,
        run.best.parameter_count()
    )?;
    writeln!(out)?;
    out.push_str(&epoch_table(run)?);
    writeln!(out)?;
    let symptoms = run.symptoms();
    writeln!(out, "health check: {} symptoms", symptoms.len())?;
    let test = test_of(&GUIDE)?;
    writeln!(
        out,
        "test accuracy of the kept weights: {} ({} of {}), measured once",
        percent(test.accuracy()),
        test.correct,
        test.predictions.len()
    )?;
    Ok(out)
}
// ANCHOR_END: guide_run

/// The guide's step against Chapter 2's mean-squared-error step at learning rate 0.5.
pub fn loss_factor() -> BookResult<String> {
    let mut out = String::new();
    writeln!(out, "loss         learning rate  best validation accuracy")?;
    for (label, config) in [("MSE (mean)", &GUIDE), ("MSE (mean)", &GUIDE_RATE_05)] {
        let run = run(config)?;
        writeln!(
            out,
            "{label:<12} {:>13}  {:>24}",
            config.learning_rate,
            percent(run.best_accuracy())
        )?;
    }
    writeln!(out, "(one run each, seed 42)")?;
    Ok(out)
}

// ANCHOR: save_and_load
/// Saves the guide's kept weights, loads them back, and shows what a damaged file
/// gives.
pub fn save_and_load() -> BookResult<String> {
    let trained = &run(&GUIDE)?.best;
    let dir = temp_dir("model")?;
    let path = dir.join("guide.bpnn");
    model::save(trained, &path)?;
    let size = std::fs::metadata(&path)?.len();
    let loaded = model::load(&path)?;
    let mut damaged = std::fs::read(&path)?;
    damaged[1000] ^= 1; // one bit flipped in the weights
    std::fs::write(&path, &damaged)?;
    let error = model::load(&path).map(|_| ()).err();
    std::fs::remove_dir_all(&dir)?;

    let mut out = String::new();
    writeln!(out, "saved {size} bytes")?;
    writeln!(
        out,
        "loaded model equals the trained one: {}",
        yes(&loaded == trained)
    )?;
    if let Some(error) = error {
        let shown = error
            .to_string()
            .replace(&dir.display().to_string(), "data/models");
        writeln!(out, "after flipping one bit: {shown}")?;
    }
    Ok(wrap(&out, 4)) // long lines wrapped to the page
}
// ANCHOR_END: save_and_load

// ANCHOR: classify_digits
/// What `mnist-classify` prints for test image 3 and for the same image as a PGM
/// file.
pub fn classify_digits() -> BookResult<String> {
    let network = &run(&GUIDE)?.best;
    let (pixels, label) = classify_command::test_image(3)?;
    let mut out =
        classify_command::report(network, &pixels, "test image 3", Some(label))?;
    // The same digit as a PGM file (dark ink on light paper), read back by the PGM
    // reader.
    let from_file = pgm::from_pgm(&pgm::to_pgm(&pixels), "three.pgm")?;
    let (digit, _) = classify(network, &from_file)?;
    writeln!(
        out,
        "written to a PGM file and read back: identical pixels: {}",
        yes(from_file == pixels)
    )?;
    writeln!(out, "predicted digit from the file: {digit}")?;
    Ok(out)
}
// ANCHOR_END: classify_digits

/// The best validation accuracy of `config`'s run.
fn validation_cell(config: &TrainConfig) -> BookResult<String> {
    Ok(percent(run(config)?.best_accuracy()))
}

/// All ten digits with the guide's network, trained both ways.
pub fn ten_digits() -> BookResult<String> {
    let mut out = String::new();
    let project = data::project(10)?;
    writeln!(
        out,
        "all ten digits: {} training and {} validation images, network {:?}",
        project.split.train.len(),
        project.split.validation.len(),
        MSE10.layers
    )?;
    writeln!(
        out,
        "loss                     rate  best validation accuracy"
    )?;
    for config in [&MSE10, &SOFTMAX10] {
        writeln!(
            out,
            "{:<24} {:>4}  {:>24}",
            config.loss.name(),
            config.learning_rate,
            validation_cell(config)?
        )?;
    }
    Ok(out)
}

/// Validation accuracy per epoch for sigmoid + MSE and softmax + cross-entropy.
pub fn mse_vs_softmax() -> BookResult<String> {
    let runs = [
        run(&GUIDE)?,
        run(&SOFTMAX5)?,
        run(&MSE10)?,
        run(&SOFTMAX10)?,
    ];
    let mut out = String::new();
    writeln!(
        out,
        "validation accuracy  digits 0-4         all ten digits"
    )?;
    writeln!(out, "epoch             MSE  softmax          MSE  softmax")?;
    for epoch in 0..GUIDE.epochs {
        let cells: Vec<String> = runs
            .iter()
            .map(|run| percent(run.history[epoch].validation.accuracy()))
            .collect();
        writeln!(
            out,
            "{:>5}         {:>7}  {:>7}      {:>7}  {:>7}",
            epoch + 1,
            cells[0],
            cells[1],
            cells[2],
            cells[3]
        )?;
    }
    Ok(out)
}

/// Three architectures on all ten digits.
pub fn architectures() -> BookResult<String> {
    let mut out = String::new();
    writeln!(
        out,
        "layers               parameters  best validation accuracy"
    )?;
    for config in [&SMALL10, &SOFTMAX10, &DEEP10] {
        let run = run(config)?;
        writeln!(
            out,
            "{:<20} {:>10}  {:>24}",
            format!("{:?}", config.layers),
            run.best.parameter_count(),
            validation_cell(config)?
        )?;
    }
    writeln!(
        out,
        "(softmax + cross-entropy, learning rate 0.5, batch 32, 15 epochs; one run each)"
    )?;
    Ok(out)
}

/// The deeper network with a constant learning rate and with the step schedule.
pub fn schedule() -> BookResult<String> {
    let configs = [&DEEP10, &DEEP10_RATE2, &DEEP10_SCHEDULE];
    let runs = [run(configs[0])?, run(configs[1])?, run(configs[2])?];
    let mut out = String::new();
    writeln!(
        out,
        "network {:?}, all ten digits, validation accuracy",
        DEEP10.layers
    )?;
    writeln!(
        out,
        "epoch   constant 0.5   constant 2.0   rate  2.0, halved every 5"
    )?;
    for epoch in 0..DEEP10.epochs {
        let stats: Vec<_> = runs.iter().map(|run| &run.history[epoch]).collect();
        writeln!(
            out,
            "{:>5}   {:>12}   {:>12}   {:>4.1}  {:>20}",
            epoch + 1,
            percent(stats[0].validation.accuracy()),
            percent(stats[1].validation.accuracy()),
            stats[2].learning_rate,
            percent(stats[2].validation.accuracy())
        )?;
    }
    Ok(out)
}

/// The confusion matrix of `predictions` against `labels`: rows are the true digits.
pub fn confusion(predictions: &[u8], labels: &[u8], classes: usize) -> Array2<usize> {
    let mut matrix = Array2::zeros((classes, classes));
    for (&truth, &predicted) in labels.iter().zip(predictions) {
        let (t, p) = (usize::from(truth), usize::from(predicted));
        if t < classes && p < classes {
            matrix[[t, p]] += 1;
        }
    }
    matrix
}

// ANCHOR: confusion_matrix
/// The confusion matrix of the final ten-digit model on the test set.
pub fn confusion_matrix() -> BookResult<String> {
    let test = test_of(&DEEP10_SCHEDULE)?;
    let labels = &data::project(10)?.test.labels;
    let matrix = confusion(&test.predictions, labels, 10);
    let mut out = String::new();
    writeln!(
        out,
        "rows: true digit, columns: predicted digit ({}, test set)",
        DEEP10_SCHEDULE.name
    )?;
    let header: String = (0..10).map(|d| format!("{d:>5}")).collect();
    writeln!(out, "     {header}   right")?;
    for (digit, row) in matrix.rows().into_iter().enumerate() {
        let cells: String = row.iter().map(|n| format!("{n:>5}")).collect();
        let right = row[digit] as f64 / row.sum().max(1) as f64;
        writeln!(out, "{digit:>3}  {cells}  {}", percent(right))?;
    }
    Ok(out)
}
// ANCHOR_END: confusion_matrix

/// Every configuration of one task, best validation accuracy first.
fn ranked(classes: usize) -> BookResult<Vec<(&'static TrainConfig, f64)>> {
    let mut ranked = Vec::new();
    for config in experiments::CONFIGS.iter().filter(|c| c.classes == classes) {
        ranked.push((config, run(config)?.best_accuracy()));
    }
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(ranked)
}

// ANCHOR: best_variants
/// The variants of each task ranked by validation accuracy; the winner is measured on
/// the test set, once.
pub fn best_variants() -> BookResult<String> {
    let mut out = String::new();
    for (classes, digits) in [(5, "0-4"), (10, "0-9")] {
        writeln!(out, "digits {digits}, by best validation accuracy:")?;
        let ranked = ranked(classes)?;
        for (config, accuracy) in &ranked {
            writeln!(out, "  {:<16} {}", config.name, percent(*accuracy))?;
        }
        let (winner, _) = ranked.first().ok_or("no runs")?;
        let test = test_of(winner)?;
        writeln!(
            out,
            "  chosen: {}, test accuracy {} ({} of {}), measured once",
            winner.name,
            percent(test.accuracy()),
            test.correct,
            test.predictions.len()
        )?;
    }
    Ok(out)
}
// ANCHOR_END: best_variants

/// What the numpy reference printed (`reference/numpy-output.txt`, committed) for the
/// last epoch of run `name`: its validation accuracy.
fn numpy_last_accuracy(name: &str) -> String {
    let text = include_str!("../reference/numpy-output.txt");
    let last = text.lines().rfind(|line| {
        line.split(' ').next() == Some(name) && !line.contains(" test ")
    });
    last.and_then(|line| line.split(' ').nth(3))
        .unwrap_or("missing")
        .to_string()
}

/// The key numbers the chapter's prose quotes.
pub fn facts() -> BookResult<String> {
    let guide = run(&GUIDE)?;
    let project = data::project(5)?;
    let best =
        |config: &TrainConfig| -> BookResult<String> { validation_cell(config) };
    let guide_test = test_of(&GUIDE)?;
    let guide_best = guide.best_accuracy();
    let reached = run(&SOFTMAX5)?
        .history
        .iter()
        .position(|s| s.validation.accuracy() >= guide_best)
        .map_or("never".to_string(), |e| (e + 1).to_string());
    let train = &project.split.train;
    let inked: usize = (0..train.len())
        .map(|i| train.image(i).iter().filter(|&&byte| byte != 0).count())
        .sum();
    let inked_per_image = inked as f64 / train.len().max(1) as f64;
    // Pixels inked by at least one image of a batch, over the batches of one shuffle.
    let batch = GUIDE.batch_size;
    let order = NumpyRng::seed(GUIDE.seed).permutation(train.len());
    let used: usize = order
        .chunks(batch)
        .map(|images| {
            let inked = |k: usize| images.iter().any(|&i| train.image(i)[k] != 0);
            (0..data::PIXELS).filter(|&k| inked(k)).count()
        })
        .sum();
    let inked_per_batch = used as f64 / train.len().div_ceil(batch).max(1) as f64;
    let facts = [
        ("train_0_4", project.split.train.len().to_string()),
        ("inked_per_image", format!("{inked_per_image:.0}")),
        (
            "inked_percent",
            format!("{:.0}%", 100.0 * inked_per_image / data::PIXELS as f64),
        ),
        ("inked_per_batch", format!("{inked_per_batch:.0}")),
        ("guide_batch", GUIDE.batch_size.to_string()),
        ("examples_ahead", data::EXAMPLES_AHEAD.to_string()),
        ("health_examples", HEALTH_EXAMPLES.to_string()),
        ("validation_0_4", project.split.validation.len().to_string()),
        (
            "all_train_0_4",
            (project.split.train.len() + project.split.validation.len()).to_string(),
        ),
        ("test_0_4", project.test.len().to_string()),
        ("guide_parameters", guide.best.parameter_count().to_string()),
        ("guide_kept_epoch", (guide.best_epoch + 1).to_string()),
        ("guide_validation", percent(guide_best)),
        ("guide_test", percent(guide_test.accuracy())),
        (
            "guide_misclassified",
            (guide_test.predictions.len() - guide_test.correct).to_string(),
        ),
        (
            "guide_first_loss",
            format!("{:.6}", guide.history[0].train_loss),
        ),
        (
            "guide_last_loss",
            format!("{:.6}", guide.history[GUIDE.epochs - 1].train_loss),
        ),
        ("guide_rate_05_validation", best(&GUIDE_RATE_05)?),
        ("softmax5_validation", best(&SOFTMAX5)?),
        ("softmax5_reaches_guide_at_epoch", reached),
        ("mse10_validation", best(&MSE10)?),
        ("softmax10_validation", best(&SOFTMAX10)?),
        ("small10_validation", best(&SMALL10)?),
        ("deep10_validation", best(&DEEP10)?),
        ("deep10_rate2_validation", best(&DEEP10_RATE2)?),
        (
            "deep10_rate2_last",
            percent(
                run(&DEEP10_RATE2)?.history[DEEP10.epochs - 1]
                    .validation
                    .accuracy(),
            ),
        ),
        ("numpy_rate2_last", numpy_last_accuracy(DEEP10_RATE2.name)),
        ("deep10_schedule_validation", best(&DEEP10_SCHEDULE)?),
        ("deep5_schedule_validation", best(&DEEP5_SCHEDULE)?),
        (
            "deep5_schedule_test",
            percent(test_of(&DEEP5_SCHEDULE)?.accuracy()),
        ),
        (
            "deep10_schedule_test",
            percent(test_of(&DEEP10_SCHEDULE)?.accuracy()),
        ),
    ];
    Ok(facts.iter().map(|(k, v)| format!("{k}: {v}\n")).collect())
}
