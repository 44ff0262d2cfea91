//! Every training run the chapter shows, each trained at most once per process (and, in the
//! test run, at most once per build: see [`cache`](crate::cache)).
//!
//! Listings, figures, facts and the claim tests all ask [`run`] for the run they need; the
//! first caller trains it and everyone else gets the same result. Every comparison between
//! runs uses their validation accuracy; [`final_test`] measures a *final* model on the test
//! set, once.

use std::sync::OnceLock;

use ch02_backpropagation::{MeanSquaredError, SoftmaxCrossEntropy};

use crate::data;
use crate::train::{
    Evaluation, GUIDE, Schedule, TrainConfig, TrainedRun, evaluate, train,
};

/// The guide's network with Chapter 2's mean squared error at learning rate 0.5, literally:
/// steps five times shorter than the guide's.
pub const GUIDE_RATE_05: TrainConfig = TrainConfig {
    name: "guide-rate-0.5",
    learning_rate: 0.5,
    ..GUIDE
};

// ANCHOR: softmax5
/// The guide's network with a softmax output trained on cross-entropy.
pub const SOFTMAX5: TrainConfig = TrainConfig {
    name: "softmax5",
    loss: &SoftmaxCrossEntropy,
    learning_rate: 0.5,
    ..GUIDE
};
// ANCHOR_END: softmax5

/// All ten digits, the guide's recipe otherwise: [784, 64, 10], the squared error with the
/// guide's step (0.5 on the sum over 10 outputs is 5.0 on the mean).
pub const MSE10: TrainConfig = TrainConfig {
    name: "mse10",
    layers: &[784, 64, 10],
    classes: 10,
    loss: &MeanSquaredError,
    learning_rate: 5.0,
    ..GUIDE
};

/// All ten digits with softmax and cross-entropy.
pub const SOFTMAX10: TrainConfig = TrainConfig {
    name: "softmax10",
    loss: &SoftmaxCrossEntropy,
    learning_rate: 0.5,
    ..MSE10
};

/// A smaller network: one hidden layer of 32.
pub const SMALL10: TrainConfig = TrainConfig {
    name: "small10",
    layers: &[784, 32, 10],
    ..SOFTMAX10
};

/// A deeper network: two hidden layers, 128 and 64.
pub const DEEP10: TrainConfig = TrainConfig {
    name: "deep10",
    layers: &[784, 128, 64, 10],
    ..SOFTMAX10
};

/// The deeper network with a four times larger learning rate, kept constant.
pub const DEEP10_RATE2: TrainConfig = TrainConfig {
    name: "deep10-rate2",
    learning_rate: 2.0,
    ..DEEP10
};

// ANCHOR: step_schedule
/// The learning-rate schedule of the last experiments: halve the rate every 5 epochs.
pub const STEP_SCHEDULE: Schedule = Schedule::Step {
    every: 5,
    factor: 0.5,
};
// ANCHOR_END: step_schedule

/// The deeper network, starting at learning rate 2.0 and halving it every 5 epochs.
pub const DEEP10_SCHEDULE: TrainConfig = TrainConfig {
    name: "deep10-schedule",
    learning_rate: 2.0,
    schedule: STEP_SCHEDULE,
    ..DEEP10
};

/// The deeper network with the step schedule on digits 0–4.
pub const DEEP5_SCHEDULE: TrainConfig = TrainConfig {
    name: "deep5-schedule",
    layers: &[784, 128, 64, 5],
    classes: 5,
    ..DEEP10_SCHEDULE
};

/// Every configuration the chapter trains, in the order the book shows them.
pub const CONFIGS: [TrainConfig; 10] = [
    GUIDE,
    GUIDE_RATE_05,
    SOFTMAX5,
    MSE10,
    SOFTMAX10,
    SMALL10,
    DEEP10,
    DEEP10_RATE2,
    DEEP10_SCHEDULE,
    DEEP5_SCHEDULE,
];

/// The configuration called `name`.
pub fn config_named(name: &str) -> Option<&'static TrainConfig> {
    CONFIGS.iter().find(|config| config.name == name)
}

/// Where `config` is in [`CONFIGS`].
fn index_of(config: &TrainConfig) -> Result<usize, String> {
    CONFIGS
        .iter()
        .position(|c| c.name == config.name)
        .ok_or_else(|| {
            format!(
                "`{}` is not one of the chapter's configurations",
                config.name
            )
        })
}

/// One cached result per entry of [`CONFIGS`].
static RUNS: [OnceLock<Result<TrainedRun, String>>; CONFIGS.len()] =
    [const { OnceLock::new() }; CONFIGS.len()];

/// The finished run of `config` (one of [`CONFIGS`]), trained on first use.
///
/// # Errors
/// When the data is missing (the message names `cargo mnist-fetch`), the configuration is
/// not one of [`CONFIGS`], or training fails.
pub fn run(config: &TrainConfig) -> Result<&'static TrainedRun, String> {
    let index = index_of(config)?;
    RUNS[index]
        .get_or_init(|| {
            let project = data::project(config.classes)?;
            if let Some(run) = crate::cache::load(config) {
                return Ok(run);
            }
            let mut bar = crate::progress::QuietBar::new(config.name, config.epochs);
            let run =
                train(config, &project.split, &mut bar).map_err(|e| e.to_string())?;
            crate::cache::store(&run);
            Ok(run)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// The final models of the chapter: the guide's project, and the best variant on each
/// task as chosen by validation accuracy. Only these are ever measured on the test set.
pub const FINAL_MODELS: [TrainConfig; 3] = [GUIDE, DEEP5_SCHEDULE, DEEP10_SCHEDULE];

/// One cached test evaluation per entry of [`FINAL_MODELS`].
static TESTS: [OnceLock<Result<Evaluation, String>>; FINAL_MODELS.len()] =
    [const { OnceLock::new() }; FINAL_MODELS.len()];

// ANCHOR: final_test
/// The test-set evaluation of a final model (one of [`FINAL_MODELS`]): the weights
/// its run kept, run once over the official test images.
///
/// # Errors
/// When `config` is not a final model, or its run or the data is not available.
pub fn final_test(config: &TrainConfig) -> Result<&'static Evaluation, String> {
    let index = FINAL_MODELS
        .iter()
        .position(|c| c.name == config.name)
        .ok_or_else(|| {
            format!(
                "`{}` is not a final model: compare it on validation accuracy",
                config.name
            )
        })?;
    TESTS[index]
        .get_or_init(|| {
            let run = run(config)?;
            let project = data::project(config.classes)?;
            evaluate(&run.best, config.loss, &project.test).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}
// ANCHOR_END: final_test

/// Trains every configuration of [`CONFIGS`] not trained yet, on `threads` threads (the
/// largest runs first), so that later calls of [`run`] return at once.
///
/// # Errors
/// The first error of any run (e.g. missing data).
pub fn train_all(threads: usize) -> Result<(), String> {
    let mut order: Vec<&TrainConfig> = CONFIGS.iter().collect();
    order.sort_by_key(|config| std::cmp::Reverse(cost(config)));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let worker = || -> Result<(), String> {
        loop {
            let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match order.get(index) {
                Some(config) => run(config).map(|_| ())?,
                None => return Ok(()),
            }
        }
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            (0..threads.max(1)).map(|_| scope.spawn(worker)).collect();
        handles.into_iter().try_for_each(|handle| {
            handle
                .join()
                .unwrap_or_else(|_| Err("a training thread panicked".into()))
        })
    })
}

/// A rough cost of a run: weights times training examples times epochs.
fn cost(config: &TrainConfig) -> usize {
    let weights: usize = config.layers.windows(2).map(|pair| pair[0] * pair[1]).sum();
    let examples = if config.classes == 10 { 50_000 } else { 25_596 };
    weights * examples * config.epochs
}
