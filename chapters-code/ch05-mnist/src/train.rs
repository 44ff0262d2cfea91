//! The training loop: epochs of shuffled mini-batches, evaluation on the test set after each
//! epoch, and the record of what happened.

use std::fmt;
use std::time::Instant;

use bookkit::NumpyRng;
use ch02_backpropagation::{Network, NetworkError};
use ndarray::Array2;

use crate::batch::{Loss, PartGradients, Trainer, forward_batch, squared_error_sum};
use crate::data::{Examples, Ink, Mnist, PIXELS};

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
    // ANCHOR: schedule
    /// The learning rate of epoch `epoch` (counting from 0) for a starting rate `initial`.
    pub fn rate(self, initial: f64, epoch: usize) -> f64 {
        match self {
            Self::Constant => initial,
            Self::Step { every, factor } => {
                let decreases = epoch / every.max(1);
                initial * factor.powi(i32::try_from(decreases).unwrap_or(i32::MAX))
            }
        }
    }
    // ANCHOR_END: schedule

    /// A short description for tables.
    pub fn describe(self) -> String {
        match self {
            Self::Constant => "constant".to_string(),
            Self::Step { every, factor } => format!("x{factor} every {every} epochs"),
        }
    }
}

/// Everything that defines one training run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainConfig {
    /// A short name, used in tables and file names.
    pub name: &'static str,
    /// Layer sizes, input first: `[784, 64, 5]`.
    pub layers: &'static [usize],
    /// Train and test on the digits `0..classes` (5: digits 0–4, 10: all).
    pub classes: usize,
    /// The output layer and its loss.
    pub loss: Loss,
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
/// The guide's project: digits 0–4, a [784, 64, 5] sigmoid network trained on the squared
/// error with learning rate 0.5, mini-batches of 32, 15 epochs, seed 42.
pub const GUIDE: TrainConfig = TrainConfig {
    name: "guide",
    layers: &[784, 64, 5],
    classes: 5,
    loss: Loss::SquaredError,
    learning_rate: 0.5,
    schedule: Schedule::Constant,
    batch_size: 32,
    epochs: 15,
    seed: 42,
};
// ANCHOR_END: guide_config

/// What went wrong setting up or running a training run.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainError {
    /// The configuration cannot work: layers that do not fit the data, no classes, …
    Config {
        /// What is wrong, and how to fix it.
        problem: String,
    },
    /// The network itself refused the layer sizes.
    Network(NetworkError),
    /// The loss stopped being a number: the weights blew up.
    Diverged {
        /// The epoch (counting from 1) in which it happened.
        epoch: usize,
        /// The learning rate of that epoch.
        learning_rate: f64,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config { problem } => write!(f, "{problem}"),
            Self::Network(error) => write!(f, "{error}"),
            Self::Diverged {
                epoch,
                learning_rate,
            } => write!(
                f,
                "the loss became NaN or infinite in epoch {epoch} (learning rate {learning_rate}): \
                 lower the learning rate"
            ),
        }
    }
}

impl std::error::Error for TrainError {}

impl From<NetworkError> for TrainError {
    fn from(error: NetworkError) -> Self {
        Self::Network(error)
    }
}

impl TrainConfig {
    /// Checks that there are 2 to 10 classes, the layers fit 28 × 28 images and `classes`
    /// outputs, and the batch size and learning rate are positive.
    ///
    /// # Errors
    /// [`TrainError::Config`] naming what does not fit.
    pub fn check(&self) -> Result<(), TrainError> {
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
        } else if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            format!(
                "learning rate {}: use a positive number",
                self.learning_rate
            )
        } else {
            return Ok(());
        };
        Err(TrainError::Config { problem })
    }
}

/// A trained network together with the output layer it was trained with.
#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    /// The weights and biases.
    pub network: Network,
    /// Which loss (and so which output activation) it was trained with.
    pub loss: Loss,
}

impl Classifier {
    /// The output of the network for every row of `inputs`.
    pub fn outputs(&self, inputs: &Array2<f64>) -> Array2<f64> {
        let mut activations = forward_batch(&self.network, self.loss, inputs.view());
        activations.pop().unwrap_or_default()
    }

    /// The predicted digit and the network's outputs for one image of raw pixels (0–255).
    pub fn classify(&self, pixels: &[u8]) -> (usize, Vec<f64>) {
        let inputs =
            Array2::from_shape_fn((1, pixels.len()), |(_, j)| f64::from(pixels[j]) / 255.0);
        let outputs = self.outputs(&inputs).row(0).to_vec();
        (argmax(&outputs), outputs)
    }
}

/// The index of the largest value (the first one on ties, like `np.argmax`).
pub fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (index, &value) in values.iter().enumerate() {
        if value > values[best] {
            best = index;
        }
    }
    best
}

/// How a classifier does on a set of examples.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// The predicted digit of every example.
    pub predictions: Vec<u8>,
    /// How many predictions are right.
    pub correct: usize,
    /// The mean reported loss per example (MSE or cross-entropy, as trained).
    pub loss: f64,
    /// The mean squared error of the outputs against the one-hot targets, whatever the loss:
    /// a common yardstick for sigmoid and softmax outputs.
    pub mse: f64,
}

impl Evaluation {
    /// The fraction of right predictions.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.predictions.len().max(1) as f64
    }
}

/// Runs `classifier` over `examples` in chunks of 1,000 (to bound memory).
pub fn evaluate(classifier: &Classifier, examples: &Examples, classes: usize) -> Evaluation {
    let mut evaluation = Evaluation {
        predictions: Vec::with_capacity(examples.len()),
        correct: 0,
        loss: 0.0,
        mse: 0.0,
    };
    let all: Vec<usize> = (0..examples.len()).collect();
    for chunk in all.chunks(1000) {
        let outputs = classifier.outputs(&examples.inputs(chunk));
        let targets = examples.targets(chunk, classes);
        evaluation.loss += classifier.loss.reported_sum(outputs.view(), targets.view());
        evaluation.mse += squared_error_sum(outputs.view(), targets.view()) / classes as f64;
        for (row, &index) in outputs.rows().into_iter().zip(chunk) {
            let predicted = argmax(row.as_slice().unwrap_or(&row.to_vec()));
            evaluation
                .predictions
                .push(u8::try_from(predicted).unwrap_or(u8::MAX));
            if predicted == usize::from(examples.labels[index]) {
                evaluation.correct += 1;
            }
        }
    }
    let count = examples.len().max(1) as f64;
    evaluation.loss /= count;
    evaluation.mse /= count;
    evaluation
}

/// What one epoch did.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochStats {
    /// The learning rate used in this epoch.
    pub learning_rate: f64,
    /// The mean loss over the epoch's training examples, each measured just before the step
    /// its batch took (the guide's `total_loss / n`).
    pub train_loss: f64,
    /// Test-set results after the epoch.
    pub test: Evaluation,
    /// Seconds spent training (not evaluating) in this epoch.
    pub seconds: f64,
}

/// A finished training run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainedRun {
    /// The configuration it ran with.
    pub config: TrainConfig,
    /// The trained classifier.
    pub classifier: Classifier,
    /// One entry per epoch.
    pub history: Vec<EpochStats>,
    /// Number of training examples.
    pub train_examples: usize,
}

impl TrainedRun {
    /// Test results after the last epoch.
    pub fn final_test(&self) -> &Evaluation {
        &self.history[self.history.len() - 1].test
    }

    /// The one-line summary printed at the end of a run.
    pub fn summary(&self) -> String {
        let test = self.final_test();
        format!(
            "{}: test accuracy {:.2}% ({} of {}) after {} epochs",
            self.config.name,
            100.0 * test.accuracy(),
            test.correct,
            test.predictions.len(),
            self.history.len()
        )
    }
}

/// Where a run is, reported after every mini-batch (for a progress bar).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// The epoch, counting from 1.
    pub epoch: usize,
    /// Number of epochs in the run.
    pub epochs: usize,
    /// Mini-batches done in this epoch.
    pub batch: usize,
    /// Mini-batches per epoch.
    pub batches: usize,
}

/// Something told about the progress of a run: a progress bar, or nothing. (`Send`, because
/// a run happens on one of the training threads.)
pub trait Observer: Send {
    /// Called after every mini-batch.
    fn batch_done(&mut self, progress: Progress);
    /// Called after every epoch, with its results.
    fn epoch_done(&mut self, progress: Progress, stats: &EpochStats);
}

/// An observer that does nothing (listings and tests).
pub struct Quiet;

impl Observer for Quiet {
    fn batch_done(&mut self, _: Progress) {}
    fn epoch_done(&mut self, _: Progress, _: &EpochStats) {}
}

// ANCHOR: train
/// Trains a network as `config` says on the official training set of `data` (already
/// restricted to the config's digits), evaluating on its test set after every epoch.
///
/// # Errors
/// [`TrainError`] when the layers do not fit the data or the loss becomes NaN.
pub fn train(
    config: &TrainConfig,
    data: &Mnist,
    observer: &mut dyn Observer,
) -> Result<TrainedRun, TrainError> {
    config.check()?;
    // Run inside a pool of worker threads (one per core, or RAYON_NUM_THREADS), so that the
    // two halves of each mini-batch are handed between warm threads.
    match rayon::ThreadPoolBuilder::new().build() {
        Ok(pool) => pool.install(|| train_in_pool(config, data, observer)),
        Err(_) => train_in_pool(config, data, observer),
    }
}

/// One pass over the training set in the mini-batches of `order`; returns the summed loss.
/// `batch_done` is told how many mini-batches are done after each one.
fn train_epoch(
    trainer: &mut Trainer,
    ink: &Ink,
    train_set: &Examples,
    order: &[usize],
    config: &TrainConfig,
    learning_rate: f64,
    mut batch_done: impl FnMut(usize),
) -> f64 {
    let mut loss_sum = 0.0;
    for (done, indices) in order.chunks(config.batch_size).enumerate() {
        // The two halves of the mini-batch, at the same time when there are two cores.
        let half = |half: &[usize]| {
            let targets = train_set.targets(half, config.classes);
            (!half.is_empty()).then(|| trainer.gradients(&ink.batch(half), targets.view()))
        };
        let (first, second) = indices.split_at(indices.len() / 2);
        let (first, second) = rayon::join(|| half(first), || half(second));
        let parts: Vec<PartGradients> = [first, second].into_iter().flatten().collect();
        loss_sum += trainer.apply(&parts, learning_rate);
        batch_done(done + 1);
    }
    loss_sum
}

fn train_in_pool(
    config: &TrainConfig,
    data: &Mnist,
    observer: &mut dyn Observer,
) -> Result<TrainedRun, TrainError> {
    // One generator for everything, like numpy's global state in the guide:
    // first the initial weights, then one shuffle per epoch.
    let mut rng = NumpyRng::seed(config.seed);
    let mut classifier = Classifier {
        network: Network::from_rng(config.layers, &mut rng)?,
        loss: config.loss,
    };
    let mut trainer = Trainer::new(&classifier.network, config.loss);
    let train_set = &data.train;
    let ink = Ink::new(train_set);
    let batches = train_set.len().div_ceil(config.batch_size);
    let mut history = Vec::with_capacity(config.epochs);
    for epoch in 0..config.epochs {
        let learning_rate = config.schedule.rate(config.learning_rate, epoch);
        let started = Instant::now();
        let order = rng.permutation(train_set.len());
        let loss_sum = train_epoch(
            &mut trainer,
            &ink,
            train_set,
            &order,
            config,
            learning_rate,
            |done| {
                observer.batch_done(Progress {
                    epoch: epoch + 1,
                    epochs: config.epochs,
                    batch: done,
                    batches,
                });
            },
        );
        let seconds = started.elapsed().as_secs_f64();
        classifier.network = trainer.network()?;
        if !loss_sum.is_finite() {
            return Err(TrainError::Diverged {
                epoch: epoch + 1,
                learning_rate,
            });
        }
        let stats = EpochStats {
            learning_rate,
            train_loss: loss_sum / train_set.len() as f64,
            test: evaluate(&classifier, &data.test, config.classes),
            seconds,
        };
        let progress = Progress {
            epoch: epoch + 1,
            epochs: config.epochs,
            batch: batches,
            batches,
        };
        observer.epoch_done(progress, &stats);
        history.push(stats);
    }
    Ok(TrainedRun {
        config: *config,
        classifier,
        history,
        train_examples: train_set.len(),
    })
}
// ANCHOR_END: train

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_schedule_halves_every_few_epochs() {
        let schedule = Schedule::Step {
            every: 5,
            factor: 0.5,
        };
        let rates: Vec<f64> = [0, 4, 5, 9, 10, 14].map(|e| schedule.rate(1.0, e)).to_vec();
        assert_eq!(rates, vec![1.0, 1.0, 0.5, 0.5, 0.25, 0.25]);
        assert_eq!(Schedule::Constant.rate(0.5, 14), 0.5);
    }

    #[test]
    fn layers_must_fit_images_and_classes() {
        let wrong_input = TrainConfig {
            layers: &[28, 64, 5],
            ..GUIDE
        };
        assert_eq!(
            wrong_input.check().expect_err("28 inputs").to_string(),
            "the first layer has 28 inputs but an image has 784 pixels: make it 784"
        );
        let wrong_output = TrainConfig {
            classes: 10,
            ..GUIDE
        };
        assert_eq!(
            wrong_output.check().expect_err("5 outputs").to_string(),
            "the last layer has 5 outputs but there are 10 classes: make it 10"
        );
        let no_rate = TrainConfig {
            learning_rate: f64::NAN,
            ..GUIDE
        };
        assert_eq!(
            no_rate.check().expect_err("NaN rate").to_string(),
            "learning rate NaN: use a positive number"
        );
        assert!(GUIDE.check().is_ok());
    }

    /// Eight made-up images of the digits 0 and 1 (a bar on the left or on the right).
    fn tiny_data() -> Mnist {
        let mut examples = Examples {
            pixels: vec![0; 8 * PIXELS],
            labels: Vec::new(),
        };
        for image in 0..8 {
            let label = image % 2;
            for row in 4..24 {
                examples.pixels[image * PIXELS + row * 28 + 8 + 12 * label] = 200 + image as u8;
            }
            examples.labels.push(label as u8);
        }
        Mnist {
            train: examples.clone(),
            test: examples,
        }
    }

    #[test]
    fn a_tiny_run_learns_and_records_every_epoch() -> Result<(), TrainError> {
        let config = TrainConfig {
            layers: &[784, 4, 2],
            classes: 2,
            batch_size: 3,
            epochs: 4,
            learning_rate: 2.0,
            ..GUIDE
        };
        let run = train(&config, &tiny_data(), &mut Quiet)?;
        assert_eq!(run.history.len(), 4);
        assert!(run.history[3].train_loss < run.history[0].train_loss);
        assert_eq!(run.final_test().predictions.len(), 8);
        Ok(())
    }

    #[test]
    fn a_loss_that_blows_up_is_an_error() {
        let config = TrainConfig {
            layers: &[784, 4, 2],
            classes: 2,
            batch_size: 4,
            epochs: 3,
            learning_rate: 1e308,
            loss: Loss::CrossEntropy,
            ..GUIDE
        };
        let error = train(&config, &tiny_data(), &mut Quiet).expect_err("NaN");
        assert!(matches!(error, TrainError::Diverged { .. }), "{error}");
        assert!(error.to_string().ends_with("lower the learning rate"));
    }

    #[test]
    fn argmax_takes_the_first_maximum() {
        assert_eq!(argmax(&[0.1, 0.7, 0.7, 0.2]), 1);
        assert_eq!(argmax(&[0.9]), 0);
    }
}
