//! The chapter's listings: each function returns exactly what it prints.
//!
//! All but `idx_errors` need the MNIST files (`cargo mnist-fetch`); their training runs come
//! from [`crate::experiments::run`], so each is trained once per process.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use bookkit::BookResult;
use ch02_backpropagation::{Gradients, Network};
use ndarray::Array2;

use crate::batch::{Loss, Trainer, batch_gradients, forward_batch};
use crate::data::{self, PIXELS, TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES};
use crate::experiments::{
    self, DEEP5_SCHEDULE, DEEP10, DEEP10_RATE2, DEEP10_SCHEDULE, GUIDE_MEAN, MSE10, SMALL10,
    SOFTMAX5, SOFTMAX10,
};
use crate::train::{GUIDE, TrainConfig, TrainedRun};
use crate::{classify, idx, model, pgm};

/// A fraction as a percentage with two decimals: `0.98911` → `98.91%`.
pub fn percent(fraction: f64) -> String {
    format!("{:.2}%", 100.0 * fraction)
}

/// The run of `config`, trained on first use.
fn run(config: &TrainConfig) -> BookResult<&'static TrainedRun> {
    Ok(experiments::run(config)?)
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
    let digits_0_to_4 = data::subset(5)?;
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
        digits_0_to_4.train.len(),
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
    let dir = std::env::temp_dir().join(format!("ch05-{purpose}-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

// ANCHOR: idx_errors
/// The reader's errors for a missing, a truncated and a mislabelled file, made on the spot.
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
    Ok(out.replace(&dir.display().to_string(), "data"))
}
// ANCHOR_END: idx_errors

// ANCHOR: prepared
/// The first training examples of digits 0–4 as network inputs and targets.
pub fn prepared() -> BookResult<String> {
    let train = &data::subset(5)?.train;
    let first = [0, 1, 2, 3];
    let inputs = train.inputs(&first);
    let targets = train.targets(&first, 5);

    let mut out = String::new();
    writeln!(out, "inputs:  {} x {}", inputs.nrows(), inputs.ncols())?;
    for (row, &index) in first.iter().enumerate() {
        let pixels = inputs.row(row);
        let max = pixels.fold(0.0_f64, |m, &x| m.max(x));
        let ink = pixels.iter().filter(|&&x| x > 0.0).count();
        writeln!(
            out,
            "example {index}: digit {}, {ink} pixels with ink, largest input {max:.4}, target {}",
            train.labels[index],
            bookkit::fmt::array1(&targets.row(row).to_owned(), 0)
        )?;
    }
    Ok(out)
}
// ANCHOR_END: prepared

/// The largest absolute difference between two sets of gradients.
fn max_difference(a: &Gradients, b: &Gradients) -> f64 {
    let pairs = a
        .weights
        .iter()
        .zip(&b.weights)
        .flat_map(|(x, y)| x.iter().zip(y.iter()));
    let bias_pairs = a
        .biases
        .iter()
        .zip(&b.biases)
        .flat_map(|(x, y)| x.iter().zip(y.iter()));
    pairs
        .chain(bias_pairs)
        .map(|(p, q)| (p - q).abs())
        .fold(0.0, f64::max)
}

/// The largest absolute gradient entry.
fn max_entry(gradients: &Gradients) -> f64 {
    let weights = gradients.weights.iter().flatten();
    weights
        .chain(gradients.biases.iter().flatten())
        .fold(0.0, |m: f64, g| m.max(g.abs()))
}

/// The numbers of [`batch_check`]: the guide's network and first mini-batch, both ways.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchCheck {
    /// Examples in the batch.
    pub examples: usize,
    /// Pixels non-zero somewhere in each half of the batch.
    pub used_pixels: Vec<usize>,
    /// The largest gradient entry.
    pub largest_gradient: f64,
    /// Largest difference between per-example and batched gradients.
    pub gradient_difference: f64,
    /// Largest difference between the trainer's step and applying the batched gradients.
    pub step_difference: f64,
}

// ANCHOR: batch_check_fn
/// Computes the gradients of the guide's first mini-batch one example at a time (Chapter 2's
/// `forward` and `backward`) and as one batch, and takes one training step both ways.
pub fn batch_check_numbers() -> BookResult<BatchCheck> {
    let train = &data::subset(5)?.train;
    let mut rng = bookkit::NumpyRng::seed(GUIDE.seed);
    let mut network = Network::from_rng(GUIDE.layers, &mut rng)?;
    let order = rng.permutation(train.len());
    let indices = &order[..GUIDE.batch_size];
    let inputs = train.inputs(indices);
    let targets = train.targets(indices, GUIDE.classes);

    // One example at a time: forward, then backward from dL/da = 2(a - t), summed.
    let mut per_example = Gradients::zeros_like(&network);
    for (x, t) in inputs.rows().into_iter().zip(targets.rows()) {
        let a = network.forward(&x.to_vec())?;
        per_example.add_assign(&network.backward_from((&a - &t) * 2.0)?);
    }
    per_example.scale(1.0 / indices.len() as f64);

    // The whole batch at once.
    let activations = forward_batch(&network, Loss::SquaredError, inputs.view());
    let batched = batch_gradients(
        &network,
        Loss::SquaredError,
        inputs.view(),
        &activations,
        targets.view(),
    );

    // One step of the trainer, on the two halves of the batch, against Chapter 2's update.
    let (first, second) = indices.split_at(indices.len() / 2);
    let parts = [first, second].map(|half| (train.batch(half), train.targets(half, GUIDE.classes)));
    let mut trainer = Trainer::new(&network, Loss::SquaredError);
    trainer.step(&parts, GUIDE.learning_rate);
    let stepped = trainer.network()?;
    network.apply_gradients(&batched, GUIDE.learning_rate);
    let as_gradients = |n: &Network| Gradients {
        weights: n.weights().to_vec(),
        biases: n.biases().to_vec(),
    };
    Ok(BatchCheck {
        examples: indices.len(),
        used_pixels: parts.iter().map(|(batch, _)| batch.columns.len()).collect(),
        largest_gradient: max_entry(&batched),
        gradient_difference: max_difference(&per_example, &batched),
        step_difference: max_difference(&as_gradients(&stepped), &as_gradients(&network)),
    })
}
// ANCHOR_END: batch_check_fn

/// "yes" or "NO".
fn yes(condition: bool) -> &'static str {
    if condition { "yes" } else { "NO" }
}

/// The check of the batched trainer against Chapter 2's per-example backward pass.
pub fn batch_check() -> BookResult<String> {
    let check = batch_check_numbers()?;
    let mut out = String::new();
    writeln!(out, "first mini-batch: {} examples", check.examples)?;
    writeln!(
        out,
        "pixels used by its two halves: {:?} of {PIXELS}",
        check.used_pixels
    )?;
    writeln!(out, "largest gradient entry: {:.6}", check.largest_gradient)?;
    writeln!(
        out,
        "per-example and batched gradients agree within 1e-12: {}",
        yes(check.gradient_difference < 1e-12)
    )?;
    writeln!(
        out,
        "trainer step and apply_gradients agree within 1e-12: {}",
        yes(check.step_difference < 1e-12)
    )?;
    Ok(out)
}

/// The per-epoch table of a run: loss and test accuracy.
fn epoch_table(run: &TrainedRun) -> BookResult<String> {
    let loss_name = match run.config.loss {
        Loss::CrossEntropy => "cross-entropy",
        Loss::SquaredError | Loss::MeanSquaredError => "loss (MSE)",
    };
    let mut out = String::new();
    writeln!(out, "epoch  {loss_name:>13}  test accuracy")?;
    for (epoch, stats) in run.history.iter().enumerate() {
        writeln!(
            out,
            "{:>5}  {:>13.6}  {:>13}",
            epoch + 1,
            stats.train_loss,
            percent(stats.test.accuracy())
        )?;
    }
    Ok(out)
}

// ANCHOR: guide_run
/// The guide's project, trained and evaluated.
pub fn guide_run() -> BookResult<String> {
    let run = run(&GUIDE)?;
    let test = run.final_test();
    let mut out = String::new();
    writeln!(
        out,
        "training set: {} images of digits 0-4",
        run.train_examples
    )?;
    writeln!(out, "test set:     {} images", test.predictions.len())?;
    writeln!(
        out,
        "network:      {:?}, {} parameters",
        GUIDE.layers,
        run.classifier.network.parameter_count()
    )?;
    writeln!(out)?;
    out.push_str(&epoch_table(run)?);
    writeln!(out)?;
    writeln!(out, "{}", run.summary())?;
    Ok(out)
}
// ANCHOR_END: guide_run

/// The guide's step against Chapter 2's mean-squared-error step at the same learning rate.
pub fn loss_factor() -> BookResult<String> {
    let mut out = String::new();
    writeln!(out, "output gradient        learning rate  test accuracy")?;
    for (label, config) in [
        ("2(a - t)   (guide)", &GUIDE),
        ("2(a - t)/5 (Chapter 2)", &GUIDE_MEAN),
    ] {
        let run = run(config)?;
        writeln!(
            out,
            "{label:<22} {:>13}  {:>13}",
            config.learning_rate,
            percent(run.final_test().accuracy())
        )?;
    }
    Ok(out)
}

// ANCHOR: save_and_load
/// Saves the guide's trained model, loads it back, and classifies with the copy.
pub fn save_and_load() -> BookResult<String> {
    let trained = &run(&GUIDE)?.classifier;
    let dir = temp_dir("model")?;
    let path = dir.join("guide.bpnn");
    model::save(trained, &path)?;
    let size = std::fs::metadata(&path)?.len();
    let loaded = model::load(&path)?;
    let mut damaged = std::fs::read(&path)?;
    damaged.truncate(1000);
    std::fs::write(&path, &damaged)?;
    let error = model::load(&path).map(|_| ()).err();
    std::fs::remove_dir_all(&dir)?;

    let mut out = String::new();
    writeln!(out, "saved {} bytes", size)?;
    writeln!(
        out,
        "loaded model equals the trained one: {}",
        yes(&loaded == trained)
    )?;
    if let Some(error) = error {
        let shown = error
            .to_string()
            .replace(&dir.display().to_string(), "data/models");
        writeln!(out, "after cutting the file to 1000 bytes: {shown}")?;
    }
    Ok(out)
}
// ANCHOR_END: save_and_load

// ANCHOR: classify_digits
/// What `mnist-classify` prints for test image 3 and for the same image as a PGM file.
pub fn classify_digits() -> BookResult<String> {
    let classifier = &run(&GUIDE)?.classifier;
    let (pixels, label) = classify::test_image(3)?;
    let mut out = classify::report(classifier, &pixels, "test image 3", Some(label));
    // The same digit as a PGM file (dark ink on light paper), read back by the PGM reader.
    let from_file = pgm::from_pgm(&pgm::to_pgm(&pixels), "three.pgm")?;
    let (digit, _) = classifier.classify(&from_file);
    writeln!(
        out,
        "written to a PGM file and read back: identical pixels: {}",
        yes(from_file == pixels)
    )?;
    writeln!(out, "predicted digit from the file: {digit}")?;
    Ok(out)
}
// ANCHOR_END: classify_digits

/// Final test accuracy of `config`, with the count.
fn accuracy_cell(config: &TrainConfig) -> BookResult<String> {
    let test = run(config)?.final_test();
    Ok(format!(
        "{} ({} of {})",
        percent(test.accuracy()),
        test.correct,
        test.predictions.len()
    ))
}

/// All ten digits with the guide's network, trained both ways.
pub fn ten_digits() -> BookResult<String> {
    let mut out = String::new();
    writeln!(
        out,
        "all ten digits: {} training and {} test images, network {:?}",
        run(&MSE10)?.train_examples,
        run(&MSE10)?.final_test().predictions.len(),
        MSE10.layers
    )?;
    for config in [&MSE10, &SOFTMAX10] {
        writeln!(out, "{:<24} {}", config.loss.name(), accuracy_cell(config)?)?;
    }
    Ok(out)
}

/// Test accuracy per epoch for sigmoid + squared error and softmax + cross-entropy.
pub fn mse_vs_softmax() -> BookResult<String> {
    let runs = [
        run(&GUIDE)?,
        run(&SOFTMAX5)?,
        run(&MSE10)?,
        run(&SOFTMAX10)?,
    ];
    let mut out = String::new();
    writeln!(out, "test accuracy    digits 0-4           all ten digits")?;
    writeln!(out, "epoch       squared  softmax      squared  softmax")?;
    for epoch in 0..GUIDE.epochs {
        let cells: Vec<String> = runs
            .iter()
            .map(|run| percent(run.history[epoch].test.accuracy()))
            .collect();
        writeln!(
            out,
            "{:>5}       {:>7}  {:>7}      {:>7}  {:>7}",
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
    writeln!(out, "layers               parameters  test accuracy")?;
    for config in [&SMALL10, &SOFTMAX10, &DEEP10] {
        let run = run(config)?;
        writeln!(
            out,
            "{:<20} {:>10}  {}",
            format!("{:?}", config.layers),
            run.classifier.network.parameter_count(),
            accuracy_cell(config)?
        )?;
    }
    writeln!(
        out,
        "(softmax + cross-entropy, learning rate 0.5, batch 32, 15 epochs)"
    )?;
    Ok(out)
}

/// The deeper network with a constant learning rate and with the step schedule.
pub fn schedule() -> BookResult<String> {
    let configs = [&DEEP10, &DEEP10_RATE2, &DEEP10_SCHEDULE];
    let runs = [run(configs[0])?, run(configs[1])?, run(configs[2])?];
    let mut out = String::new();
    writeln!(out, "network {:?}, all ten digits", DEEP10.layers)?;
    writeln!(
        out,
        "        constant 0.5    constant 2.0    2.0, halved every 5"
    )?;
    writeln!(
        out,
        "epoch   test accuracy   test accuracy   rate  test accuracy"
    )?;
    for epoch in 0..DEEP10.epochs {
        let stats: Vec<_> = runs.iter().map(|run| &run.history[epoch]).collect();
        writeln!(
            out,
            "{:>5}   {:>13}   {:>13}   {:>4.1}  {:>13}",
            epoch + 1,
            percent(stats[0].test.accuracy()),
            percent(stats[1].test.accuracy()),
            stats[2].learning_rate,
            percent(stats[2].test.accuracy())
        )?;
    }
    Ok(out)
}

/// The confusion matrix of predictions on the test set: rows are the true digits.
pub fn confusion(run: &TrainedRun, test_labels: &[u8]) -> Array2<usize> {
    let classes = run.config.classes;
    let mut matrix = Array2::zeros((classes, classes));
    for (&truth, &predicted) in test_labels.iter().zip(&run.final_test().predictions) {
        let (t, p) = (usize::from(truth), usize::from(predicted));
        if t < classes && p < classes {
            matrix[[t, p]] += 1;
        }
    }
    matrix
}

// ANCHOR: confusion_matrix
/// The confusion matrix of the best ten-digit network.
pub fn confusion_matrix() -> BookResult<String> {
    let run = run(&DEEP10_SCHEDULE)?;
    let matrix = confusion(run, &data::subset(10)?.test.labels);
    let mut out = String::new();
    writeln!(
        out,
        "rows: true digit, columns: predicted digit ({})",
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

/// The best variants against the targets.
pub fn best_variants() -> BookResult<String> {
    let mut out = String::new();
    writeln!(
        out,
        "variant          digits  test accuracy           target"
    )?;
    for (config, target) in [
        (&GUIDE, "98.50%"),
        (&DEEP5_SCHEDULE, "99.00%"),
        (&DEEP10_SCHEDULE, "98.00%"),
    ] {
        let digits = if config.classes == 5 { "0-4" } else { "0-9" };
        writeln!(
            out,
            "{:<16} {digits:>6}  {:<22}  {target}",
            config.name,
            accuracy_cell(config)?
        )?;
    }
    Ok(out)
}

/// The key numbers the chapter's prose quotes.
pub fn facts() -> BookResult<String> {
    let guide = run(&GUIDE)?;
    let subset = data::subset(5)?;
    let check = batch_check_numbers()?;
    let accuracy = |config: &TrainConfig| -> BookResult<String> {
        Ok(percent(run(config)?.final_test().accuracy()))
    };
    let reached = run(&SOFTMAX5)?
        .history
        .iter()
        .position(|s| s.test.accuracy() >= guide.final_test().accuracy())
        .map_or("never".to_string(), |e| (e + 1).to_string());
    let misclassified = guide.final_test().predictions.len() - guide.final_test().correct;
    let facts = [
        ("train_0_4", subset.train.len().to_string()),
        ("test_0_4", subset.test.len().to_string()),
        (
            "guide_parameters",
            guide.classifier.network.parameter_count().to_string(),
        ),
        (
            "guide_batches",
            subset.train.len().div_ceil(GUIDE.batch_size).to_string(),
        ),
        (
            "guide_last_batch",
            (subset.train.len() % GUIDE.batch_size).to_string(),
        ),
        ("guide_accuracy", accuracy(&GUIDE)?),
        ("guide_misclassified", misclassified.to_string()),
        (
            "guide_first_loss",
            format!("{:.6}", guide.history[0].train_loss),
        ),
        (
            "guide_last_loss",
            format!("{:.6}", guide.history[GUIDE.epochs - 1].train_loss),
        ),
        ("guide_mean_accuracy", accuracy(&GUIDE_MEAN)?),
        ("used_pixels_first_half", check.used_pixels[0].to_string()),
        ("softmax5_accuracy", accuracy(&SOFTMAX5)?),
        ("softmax5_reaches_guide_at_epoch", reached),
        ("mse10_accuracy", accuracy(&MSE10)?),
        ("softmax10_accuracy", accuracy(&SOFTMAX10)?),
        ("small10_accuracy", accuracy(&SMALL10)?),
        ("deep10_accuracy", accuracy(&DEEP10)?),
        ("deep10_rate2_accuracy", accuracy(&DEEP10_RATE2)?),
        ("deep10_schedule_accuracy", accuracy(&DEEP10_SCHEDULE)?),
        ("deep5_schedule_accuracy", accuracy(&DEEP5_SCHEDULE)?),
    ];
    Ok(facts.iter().map(|(k, v)| format!("{k}: {v}\n")).collect())
}
