//! The project's training run: Chapter 3's `train_epoch` over shuffled mini-batches of images,
//! measured on the validation images after every epoch, with Chapter 4's early stopping (the
//! weights of the best validation epoch are kept) and its training-health check.
//!
//! Nothing here trains on its own: every update is Chapter 3's `train_batch`, every forward
//! and backward pass is Chapter 2's `Network`.

use std::fmt;
use std::panic::resume_unwind;
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

use bookkit::NumpyRng;
use ch02_backpropagation::{
    Loss, MeanSquaredError, Network, NetworkError, SoftmaxCrossEntropy,
};
use ch03_training_loop::{Examples, TrainError, check_learning_rate, train_epoch};
use ch04_training_in_practice::debugging::{EpochLog, Symptom, diagnose};
use ch04_training_in_practice::monitor::{Checkpoint, EarlyStopping};
use ndarray::{Array2, Axis};

use crate::data::{Digits, Inked, PIXELS, Split};

/// How the learning rate changes from epoch to epoch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Schedule {
    /// The same rate every epoch.
    Constant,
    /// Multiply the rate by `factor` after every `every` epochs.
    Step {
        /// Epochs between two decreases.
        every: usize,
        /// What the rate is multiplied by each time.
        factor: f64,
    },
}

impl Schedule {
    // ANCHOR: schedule_rate
    /// The learning rate of epoch `epoch` (counting from 0) for a starting rate
    /// `initial`.
    pub fn rate(self, initial: f64, epoch: usize) -> f64 {
        match self {
            Self::Constant => initial,
            Self::Step { every, factor } => {
                let decreases = epoch / every.max(1);
                initial * factor.powi(i32::try_from(decreases).unwrap_or(i32::MAX))
            }
        }
    }
    // ANCHOR_END: schedule_rate

    /// A short description for tables.
    pub fn describe(self) -> String {
        match self {
            Self::Constant => "constant".to_string(),
            Self::Step { every, factor } => format!("x{factor} every {every} epochs"),
        }
    }
}

/// Everything that defines one training run.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    /// A short name, used in tables and file names.
    pub name: &'static str,
    /// Layer sizes, input first: `[784, 64, 5]`.
    pub layers: &'static [usize],
    /// Train and test on the digits `0..classes` (5: digits 0–4, 10: all).
    pub classes: usize,
    /// The loss (and with it the output layer: sigmoid for MSE, softmax for cross-entropy).
    pub loss: &'static dyn Loss,
    /// The learning rate of the first epoch.
    pub learning_rate: f64,
    /// How the learning rate changes over the epochs.
    pub schedule: Schedule,
    /// Examples per mini-batch.
    pub batch_size: usize,
    /// Passes over the training set.
    pub epochs: usize,
    /// Seed of the numpy-compatible generator: initial weights, then each epoch's shuffle.
    pub seed: u32,
}

// ANCHOR: guide_config
/// The guide's project: digits 0–4, a [784, 64, 5] sigmoid network, mini-batches of
/// 32, 15 epochs, seed 42. The guide's "learning rate 0.5" steps along `2(a - t)`,
/// the gradient of the squared error *summed* over the 5 outputs; on Chapter 2's mean
/// over the outputs the same steps take learning rate 5 × 0.5 = 2.5.
pub const GUIDE: TrainConfig = TrainConfig {
    name: "guide",
    layers: &[784, 64, 5],
    classes: 5,
    loss: &MeanSquaredError,
    learning_rate: 2.5,
    schedule: Schedule::Constant,
    batch_size: 32,
    epochs: 15,
    seed: 42,
};
// ANCHOR_END: guide_config

/// What went wrong setting up or running a training run.
#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    /// The configuration cannot work: layers that do not fit the data, no classes, …
    Config {
        /// What is wrong, and how to fix it.
        problem: String,
    },
    /// Chapter 3's training loop stopped (bad data, or a loss that became NaN or infinite).
    Train(TrainError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config { problem } => write!(f, "{problem}"),
            Self::Train(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Train(error) => Some(error),
            Self::Config { .. } => None,
        }
    }
}

impl From<TrainError> for RunError {
    fn from(error: TrainError) -> Self {
        Self::Train(error)
    }
}

impl From<NetworkError> for RunError {
    fn from(error: NetworkError) -> Self {
        Self::Train(TrainError::Network(error))
    }
}

impl TrainConfig {
    /// Checks that there are 2 to 10 classes, the layers fit 28 × 28 images and `classes`
    /// outputs, and the batch size, epochs and learning rate are positive.
    ///
    /// # Errors
    /// [`RunError::Config`] naming what does not fit.
    pub fn check(&self) -> Result<(), RunError> {
        let first = self.layers.first().copied().unwrap_or(0);
        let last = self.layers.last().copied().unwrap_or(0);
        let problem = if !(2..=10).contains(&self.classes) {
            format!("{} classes: choose 2 to 10 digits", self.classes)
        } else if first != PIXELS {
            format!(
                "the first layer has {first} inputs but an image has {PIXELS} pixels: make it {PIXELS}"
            )
        } else if last != self.classes {
            format!(
                "the last layer has {last} outputs but there are {} classes: make it {}",
                self.classes, self.classes
            )
        } else if self.batch_size == 0 {
            "batch size 0: use at least 1 example per batch".to_string()
        } else if self.epochs == 0 {
            "0 epochs: train for at least 1".to_string()
        } else {
            return check_learning_rate(self.learning_rate).map_err(RunError::from);
        };
        Err(RunError::Config { problem })
    }

    /// The network this configuration starts from, drawn from `rng`, with the output layer
    /// its loss needs.
    ///
    /// # Errors
    /// [`RunError`] for layer sizes the network refuses.
    pub fn network(&self, rng: &mut NumpyRng) -> Result<Network, RunError> {
        let network = Network::from_rng(self.layers, rng)?;
        Ok(network.with_output(self.loss.output_activation()))
    }
}

/// The loss of a configuration by name, for the model file and the command line.
pub fn loss_named(name: &str) -> Option<&'static dyn Loss> {
    match name {
        "mse" => Some(&MeanSquaredError),
        "softmax" => Some(&SoftmaxCrossEntropy),
        _ => None,
    }
}

/// How a network does on a set of digits.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The predicted digit of every example.
    pub predictions: Vec<u8>,
    /// How many predictions are right.
    pub correct: usize,
    /// The mean loss per example (the loss the network was trained with).
    pub loss: f64,
}

impl Evaluation {
    /// The fraction of right predictions.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.predictions.len().max(1) as f64
    }
}

/// The index of the largest value (the first one on ties, like `np.argmax`).
pub fn argmax(values: impl IntoIterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (index, value) in values.into_iter().enumerate() {
        if value > best.1 {
            best = (index, value);
        }
    }
    best.0
}

// ANCHOR: evaluate
/// Runs `network` over `examples` a thousand at a time (Chapter 2's forward
/// pass) and counts the predictions (the largest output) that match the labels
/// (the one in each one-hot target).
///
/// # Errors
/// [`RunError`] when the images or labels do not fit the network.
pub fn evaluate(
    network: &Network,
    loss: &dyn Loss,
    examples: &impl Examples,
) -> Result<Evaluation, RunError> {
    let mut evaluation = Evaluation {
        predictions: Vec::new(),
        correct: 0,
        loss: 0.0,
    };
    let all: Vec<usize> = (0..examples.len()).collect();
    for chunk in all.chunks(1000) {
        let (inputs, targets) = examples.batch(chunk)?;
        let mut activations = network.forward_layers(&inputs)?;
        let outputs = activations.pop().unwrap_or_default();
        evaluation.loss += loss.total(outputs.view(), targets.view());
        for (output, target) in outputs.rows().into_iter().zip(targets.rows()) {
            let predicted = argmax(output.iter().copied());
            evaluation
                .predictions
                .push(u8::try_from(predicted).unwrap_or(u8::MAX));
            if predicted == argmax(target.iter().copied()) {
                evaluation.correct += 1;
            }
        }
    }
    evaluation.loss /= examples.len().max(1) as f64;
    Ok(evaluation)
}
// ANCHOR_END: evaluate

/// What one epoch did.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochStats {
    /// The learning rate used in this epoch.
    pub learning_rate: f64,
    /// The mean loss over the epoch's training examples, each measured just before the step
    /// its batch took (what Chapter 3's `train_epoch` returns).
    pub train_loss: f64,
    /// The length of the mean gradient over the first [`HEALTH_EXAMPLES`] training images
    /// after the epoch (for Chapter 4's health check).
    pub gradient_norm: f64,
    /// Validation results after the epoch.
    pub validation: Evaluation,
    /// Seconds spent training (not evaluating) in this epoch.
    pub seconds: f64,
}

/// How many training images the health check measures the gradient on.
pub const HEALTH_EXAMPLES: usize = 500;

/// A finished training run.
#[derive(Debug, Clone)]
pub struct TrainedRun {
    /// The configuration it ran with.
    pub config: TrainConfig,
    /// The network after the epoch with the best validation accuracy (Chapter 4's early
    /// stopping keeps it).
    pub best: Network,
    /// That epoch, counting from 0.
    pub best_epoch: usize,
    /// One entry per epoch.
    pub history: Vec<EpochStats>,
    /// Number of training examples.
    pub train_examples: usize,
}

impl TrainedRun {
    /// Validation results after the last epoch.
    pub fn last_validation(&self) -> Option<&Evaluation> {
        self.history.last().map(|stats| &stats.validation)
    }

    /// The validation accuracy of the kept (best) epoch.
    pub fn best_accuracy(&self) -> f64 {
        self.history
            .get(self.best_epoch)
            .map_or(0.0, |stats| stats.validation.accuracy())
    }

    /// Chapter 4's health check on the run's log (an empty list for a healthy run).
    pub fn symptoms(&self) -> Vec<Symptom> {
        let log: Vec<EpochLog> = self
            .history
            .iter()
            .map(|stats| EpochLog {
                loss: stats.train_loss,
                gradient_norm: stats.gradient_norm,
            })
            .collect();
        diagnose(&log)
    }

    /// The one-line summary printed at the end of a run.
    pub fn summary(&self) -> String {
        format!(
            "{}: validation accuracy {:.2}% after epoch {} of {} (the weights kept)",
            self.config.name,
            100.0 * self.best_accuracy(),
            self.best_epoch + 1,
            self.history.len()
        )
    }
}

/// Where a run is, reported after every epoch (for a progress bar).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// The epoch, counting from 1.
    pub epoch: usize,
    /// Number of epochs in the run.
    pub epochs: usize,
}

/// Something told about the progress of a run: a progress bar, or nothing. (`Send`:
/// it is told on the thread that measures each epoch.)
pub trait Observer: Send {
    /// Called after every epoch, with its results.
    fn epoch_done(&mut self, progress: Progress, stats: &EpochStats);
}

/// An observer that does nothing (listings and tests).
pub struct Quiet;

impl Observer for Quiet {
    fn epoch_done(&mut self, _: Progress, _: &EpochStats) {}
}

/// The length of the mean gradient of `loss` over the first [`HEALTH_EXAMPLES`] of `examples`.
fn gradient_norm(
    network: &Network,
    loss: &dyn Loss,
    examples: &impl Examples,
) -> Result<f64, RunError> {
    let indices: Vec<usize> = (0..examples.len().min(HEALTH_EXAMPLES)).collect();
    let (inputs, targets) = examples.batch(&indices)?;
    let activations = network.forward_layers(&inputs)?;
    let outputs = activations[activations.len() - 1].view();
    let deltas = loss.output_deltas(outputs, targets.view());
    let mut gradients = network.backward_layers(&inputs, &activations, deltas)?;
    gradients.scale(1.0 / indices.len().max(1) as f64);
    Ok(gradients.norm())
}

// ANCHOR: train
/// Trains a network as `config` says on `data.train`: each epoch is Chapter 3's
/// `train_epoch` (shuffle, mini-batches, one update each); after it, the network is
/// measured on `data.validation`, and Chapter 4's early stopping keeps the weights of
/// the epoch with the best validation accuracy. The test set plays no part.
///
/// # Errors
/// [`RunError`] when the configuration does not fit the data or training fails (a
/// loss that became NaN or infinite stops it with Chapter 3's error).
pub fn train(
    config: &TrainConfig,
    data: &Split,
    observer: &mut dyn Observer,
) -> Result<TrainedRun, RunError> {
    config.check()?;
    // One generator for everything, like numpy's global state in the guide:
    // first the initial weights, then one shuffle per epoch.
    let mut rng = NumpyRng::seed(config.seed);
    let mut network = config.network(&mut rng)?;
    // Only the inked pixels of each image, found once (see "Under the Hood").
    let train_images = data.train.inked();
    thread::scope(|scope| {
        // Measuring an epoch's network changes nothing in the training, so a copy
        // of it is measured on a second thread while the next epoch trains.
        let (sender, trained) = mpsc::channel();
        let measuring = scope.spawn(|| {
            measure(config, trained, &train_images, &data.validation, observer)
        });
        for epoch in 0..config.epochs {
            let learning_rate = config.schedule.rate(config.learning_rate, epoch);
            let started = Instant::now();
            let train_loss = train_epoch(
                &mut network,
                &train_images,
                config.loss,
                learning_rate,
                config.batch_size,
                &mut rng,
            )?;
            let seconds = started.elapsed().as_secs_f64();
            let done = TrainedEpoch {
                network: network.clone(),
                learning_rate,
                train_loss,
                seconds,
            };
            if sender.send(done).is_err() {
                break; // measuring failed: its error is returned below
            }
        }
        drop(sender); // no more epochs: `measure` finishes
        let (history, best) =
            measuring.join().unwrap_or_else(|p| resume_unwind(p))?;
        Ok(TrainedRun {
            config: *config,
            best: best.network,
            best_epoch: best.epoch,
            history,
            train_examples: data.train.len(),
        })
    })
}

/// An epoch's network, as training left it, and what training saw.
struct TrainedEpoch {
    network: Network,
    learning_rate: f64,
    train_loss: f64,
    seconds: f64,
}

/// Measures each network that comes out of `trained`, in epoch order, on the
/// `validation` images (and its gradient on the first training images, for the
/// health check), tells `observer`, and hands the validation error rate (lower is
/// better) to Chapter 4's early stopping, which keeps the best network.
fn measure(
    config: &TrainConfig,
    trained: mpsc::Receiver<TrainedEpoch>,
    train_images: &Inked<'_>,
    validation: &Digits,
    observer: &mut dyn Observer,
) -> Result<(Vec<EpochStats>, Checkpoint), RunError> {
    // Training comes first: this thread runs when a core has nothing else to do.
    lowest_priority();
    let validation_images = validation.inked();
    let mut stopping = EarlyStopping::new(None);
    let mut history = Vec::new();
    for (epoch, done) in trained.into_iter().enumerate() {
        let validation = evaluate(&done.network, config.loss, &validation_images)?;
        stopping.observe(epoch, 1.0 - validation.accuracy(), &done.network);
        let stats = EpochStats {
            learning_rate: done.learning_rate,
            train_loss: done.train_loss,
            gradient_norm: gradient_norm(&done.network, config.loss, train_images)?,
            validation,
            seconds: done.seconds,
        };
        let progress = Progress {
            epoch: epoch + 1,
            epochs: config.epochs,
        };
        observer.epoch_done(progress, &stats);
        history.push(stats);
    }
    let best = stopping.best().ok_or(RunError::Config {
        problem: "0 epochs: train for at least 1".into(),
    })?;
    Ok((history, best))
}
// ANCHOR_END: train

/// Lowers the calling thread's priority as far as the system allows without
/// privileges: on Linux to the idle class (it runs only when a core has nothing else
/// to do, and gives the core up at once when another thread wakes), elsewhere to the
/// lowest priority. Where the system refuses, the thread keeps its priority and only
/// runs a little slower.
fn lowest_priority() {
    use thread_priority::ThreadPriority;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let lowered = {
        use thread_priority::{NormalThreadSchedulePolicy, ThreadSchedulePolicy};
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        let id = thread_priority::thread_native_id();
        thread_priority::set_thread_priority_and_policy(id, ThreadPriority::Min, idle)
    };
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let lowered = thread_priority::set_current_thread_priority(ThreadPriority::Min);
    let _ = lowered; // best effort: see above
}

/// The outputs of `network` for every row of `inputs` (one image's pixels in [0, 1] each).
///
/// # Errors
/// [`RunError`] when the rows do not have one value per input.
pub fn outputs(
    network: &Network,
    inputs: &Array2<f64>,
) -> Result<Array2<f64>, RunError> {
    let mut activations = network.forward_batch(inputs.view())?;
    Ok(activations.pop().unwrap_or_default())
}

/// The predicted digit and the network's outputs for one image of raw pixels (0–255).
///
/// # Errors
/// [`RunError`] when `pixels` does not have one value per input of the network.
pub fn classify(
    network: &Network,
    pixels: &[u8],
) -> Result<(usize, Vec<f64>), RunError> {
    let row = Array2::from_shape_fn((1, pixels.len()), |(_, j)| {
        f64::from(pixels[j]) / 255.0
    });
    let outputs = outputs(network, &row)?;
    let first = outputs.index_axis(Axis(0), 0).to_vec();
    Ok((argmax(first.iter().copied()), first))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn step_schedule_halves_every_few_epochs() {
        let schedule = Schedule::Step {
            every: 5,
            factor: 0.5,
        };
        let rates: Vec<f64> =
            [0, 4, 5, 9, 10, 14].map(|e| schedule.rate(1.0, e)).to_vec();
        assert_eq!(rates, vec![1.0, 1.0, 0.5, 0.5, 0.25, 0.25]);
        assert_eq!(Schedule::Constant.rate(0.5, 14), 0.5);
    }

    #[test]
    fn configurations_must_fit_images_and_classes() {
        let message =
            |config: TrainConfig| config.check().expect_err("wrong").to_string();
        let wrong_input = TrainConfig {
            layers: &[28, 64, 5],
            ..GUIDE
        };
        assert_eq!(
            message(wrong_input),
            "the first layer has 28 inputs but an image has 784 pixels: make it 784"
        );
        let wrong_output = TrainConfig {
            classes: 10,
            ..GUIDE
        };
        assert_eq!(
            message(wrong_output),
            "the last layer has 5 outputs but there are 10 classes: make it 10"
        );
        let no_rate = TrainConfig {
            learning_rate: f64::NAN,
            ..GUIDE
        };
        assert!(message(no_rate).contains("learning rate is NaN"));
        let no_epochs = TrainConfig { epochs: 0, ..GUIDE };
        assert_eq!(message(no_epochs), "0 epochs: train for at least 1");
        assert!(GUIDE.check().is_ok());
    }

    /// Eight made-up images of the digits 0 and 1 (a bar on the left or on the right).
    pub(crate) fn tiny_split() -> Split {
        let mut digits = Digits {
            pixels: vec![0; 8 * PIXELS],
            labels: Vec::new(),
            classes: 2,
        };
        for image in 0..8 {
            let label = image % 2;
            for row in 4..24 {
                digits.pixels[image * PIXELS + row * 28 + 8 + 12 * label] =
                    200 + image as u8;
            }
            digits.labels.push(label as u8);
        }
        Split {
            train: digits.clone(),
            validation: digits,
        }
    }

    #[test]
    fn a_tiny_run_learns_and_records_every_epoch() -> Result<(), RunError> {
        let config = TrainConfig {
            layers: &[784, 4, 2],
            classes: 2,
            batch_size: 3,
            epochs: 4,
            learning_rate: 2.0,
            ..GUIDE
        };
        /// Keeps what it is told.
        struct Told(Vec<(Progress, EpochStats)>);
        impl Observer for Told {
            fn epoch_done(&mut self, progress: Progress, stats: &EpochStats) {
                self.0.push((progress, stats.clone()));
            }
        }
        let mut told = Told(Vec::new());
        let run = train(&config, &tiny_split(), &mut told)?;
        assert_eq!(run.history.len(), 4);
        // Measured on another thread, told in epoch order, and recorded as told.
        let epochs: Vec<usize> = told.0.iter().map(|(p, _)| p.epoch).collect();
        assert_eq!(epochs, [1, 2, 3, 4]);
        assert!(told.0.iter().all(|(p, _)| p.epochs == 4));
        let stats: Vec<EpochStats> = told.0.into_iter().map(|(_, s)| s).collect();
        assert_eq!(stats, run.history);
        assert!(run.history[3].train_loss < run.history[0].train_loss);
        assert_eq!(run.history[3].validation.predictions.len(), 8);
        assert!(run.best_epoch < 4);
        Ok(())
    }

    #[test]
    fn a_loss_that_blows_up_is_chapter_3s_error() {
        let config = TrainConfig {
            layers: &[784, 4, 2],
            classes: 2,
            batch_size: 4,
            epochs: 3,
            learning_rate: 1e308,
            loss: &SoftmaxCrossEntropy,
            ..GUIDE
        };
        let error = train(&config, &tiny_split(), &mut Quiet).expect_err("NaN");
        assert!(
            matches!(error, RunError::Train(TrainError::NonFinite { .. })),
            "{error}"
        );
    }

    #[test]
    fn classify_checks_the_number_of_pixels() {
        let network = Network::new(&[784, 3, 2], 0).expect("valid sizes");
        let error = classify(&network, &[0; 10]).expect_err("10 pixels");
        assert!(error.to_string().contains("784 columns"), "{error}");
        let (digit, outputs) = classify(&network, &[0; 784]).expect("784 pixels");
        assert!(digit < 2 && outputs.len() == 2);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_measuring_thread_runs_only_when_a_core_is_idle() {
        use thread_priority::{NormalThreadSchedulePolicy, ThreadSchedulePolicy};
        let policy = std::thread::spawn(|| {
            lowest_priority();
            thread_priority::thread_schedule_policy()
        })
        .join()
        .expect("no panic");
        let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
        assert_eq!(policy.ok(), Some(idle));
        let this_thread = thread_priority::thread_schedule_policy().ok();
        assert_ne!(
            this_thread,
            Some(idle),
            "only the measuring thread is lowered"
        );
    }

    #[test]
    fn argmax_takes_the_first_maximum() {
        assert_eq!(argmax([0.1, 0.7, 0.7, 0.2]), 1);
        assert_eq!(argmax([0.9]), 0);
    }
}
