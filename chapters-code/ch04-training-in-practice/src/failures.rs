//! The debugging section's failure modes, each one a real training run, computed once per
//! process.

use std::sync::OnceLock;

use bookkit::BookResult;
use ch02_backpropagation::{Loss, MeanSquaredError, Network, NetworkError};

use crate::data::{Dataset, sine_data, step_data};
use crate::debugging::{
    CROSS_ENTROPY_CLIPPED, CROSS_ENTROPY_UNCLIPPED, EpochLog, MseWrongSign,
    logged_step, train_logged,
};
use crate::experiments::{SINE_EPOCHS, SINE_LAYERS, SINE_LEARNING_RATE};

/// A learning rate ten times the sine fit's: the loss oscillates.
pub const TOO_HIGH: f64 = 20.0;
/// A learning rate 25 times the sine fit's: one step saturates every sigmoid.
pub const FAR_TOO_HIGH: f64 = 50.0;
/// How far [`nudged_network`] moves one initial weight: about the size of a rounding error.
pub const NUDGE: f64 = 1e-12;
/// How much larger than the guide's the saturated network's initial weights are.
pub const WEIGHT_SCALE: f64 = 10.0;

/// Layer sizes of the classifier trained with cross-entropy.
pub const CLASSIFIER_LAYERS: [usize; 3] = [1, 4, 1];
/// A learning rate so high that a sigmoid output becomes exactly 0 or 1.
pub const NAN_LEARNING_RATE: f64 = 200.0;
/// A sensible learning rate for the classifier.
pub const CLASSIFIER_LEARNING_RATE: f64 = 0.5;
/// How many epochs the classifier trains.
pub const CLASSIFIER_EPOCHS: usize = 300;

// ANCHOR: scaled_weights
/// The guide's network for `layers` and `seed`, with every initial weight multiplied
/// by `factor`.
///
/// # Errors
/// [`NetworkError`] for invalid layer sizes.
pub fn with_scaled_weights(
    layers: &[usize],
    seed: u32,
    factor: f64,
) -> Result<Network, NetworkError> {
    let mut net = Network::new(layers, seed)?;
    let (weights, _biases) = net.parameters_mut();
    for w in weights {
        *w *= factor;
    }
    Ok(net)
}
// ANCHOR_END: scaled_weights

/// One logged training run of the debugging section.
#[derive(Debug, Clone)]
pub struct FailureRun {
    /// A short name, used as the fact key of its symptoms.
    pub key: &'static str,
    /// What went wrong (or "healthy"), as printed.
    pub label: &'static str,
    /// One entry per epoch.
    pub log: Vec<EpochLog>,
}

/// Every run of the debugging section.
#[derive(Debug, Clone)]
pub struct Failures {
    /// The sine fit as the guide trains it, for comparison.
    pub healthy: FailureRun,
    /// The sine fit with an output gradient of the wrong sign.
    pub wrong_sign: FailureRun,
    /// The sine fit from initial weights [`WEIGHT_SCALE`] times too large.
    pub saturated: FailureRun,
    /// The sine fit at learning rate [`TOO_HIGH`].
    pub too_high: FailureRun,
    /// The sine fit at learning rate [`FAR_TOO_HIGH`].
    pub far_too_high: FailureRun,
    /// The classifier with unclipped cross-entropy at [`NAN_LEARNING_RATE`].
    pub unclipped: FailureRun,
    /// The classifier with clipped cross-entropy at [`NAN_LEARNING_RATE`].
    pub clipped: FailureRun,
    /// The classifier with clipped cross-entropy at [`CLASSIFIER_LEARNING_RATE`].
    pub clipped_slower: FailureRun,
    /// The healthy sine fit again, one initial weight moved by [`NUDGE`].
    pub healthy_nudged: FailureRun,
    /// The sine fit at [`TOO_HIGH`] again, one initial weight moved by [`NUDGE`].
    pub too_high_nudged: FailureRun,
}

impl Failures {
    /// Every run, in the order the book discusses them.
    pub fn all(&self) -> [&FailureRun; 8] {
        [
            &self.healthy,
            &self.wrong_sign,
            &self.saturated,
            &self.too_high,
            &self.far_too_high,
            &self.unclipped,
            &self.clipped,
            &self.clipped_slower,
        ]
    }
}

fn sine_run(
    (key, label): (&'static str, &'static str),
    mut net: Network,
    learning_rate: f64,
    loss: &dyn Loss,
) -> BookResult<FailureRun> {
    let log = train_logged(&mut net, &sine_data(), learning_rate, SINE_EPOCHS, loss)?;
    Ok(FailureRun { key, label, log })
}

fn classifier_run(
    (key, label): (&'static str, &'static str),
    learning_rate: f64,
    loss: &dyn Loss,
) -> BookResult<FailureRun> {
    let mut net = Network::new(&CLASSIFIER_LAYERS, 42)?;
    let log = train_logged(
        &mut net,
        &step_data(),
        learning_rate,
        CLASSIFIER_EPOCHS,
        loss,
    )?;
    Ok(FailureRun { key, label, log })
}

fn sine_network() -> Result<Network, NetworkError> {
    Network::new(&SINE_LAYERS, 42)
}

// ANCHOR: nudged_network
/// The sine network with its first weight moved by [`NUDGE`].
///
/// # Errors
/// [`NetworkError`] for invalid layer sizes.
pub fn nudged_network() -> Result<Network, NetworkError> {
    let mut net = sine_network()?;
    let (weights, _biases) = net.parameters_mut();
    weights[0][[0, 0]] += NUDGE;
    Ok(net)
}
// ANCHOR_END: nudged_network

fn run_failures() -> BookResult<Failures> {
    Ok(Failures {
        healthy: sine_run(
            ("symptoms_healthy", "healthy (sine fit)"),
            sine_network()?,
            SINE_LEARNING_RATE,
            &MeanSquaredError,
        )?,
        wrong_sign: sine_run(
            ("symptoms_wrong_sign", "backward() with a sign error"),
            sine_network()?,
            SINE_LEARNING_RATE,
            &MseWrongSign,
        )?,
        saturated: sine_run(
            ("symptoms_saturated", "initial weights 10x too large"),
            with_scaled_weights(&SINE_LAYERS, 42, WEIGHT_SCALE)?,
            SINE_LEARNING_RATE,
            &MeanSquaredError,
        )?,
        too_high: sine_run(
            ("symptoms_too_high", "learning rate 20"),
            sine_network()?,
            TOO_HIGH,
            &MeanSquaredError,
        )?,
        far_too_high: sine_run(
            ("symptoms_far_too_high", "learning rate 50"),
            sine_network()?,
            FAR_TOO_HIGH,
            &MeanSquaredError,
        )?,
        unclipped: classifier_run(
            ("symptoms_unclipped", "cross-entropy unclipped, lr 200"),
            NAN_LEARNING_RATE,
            &CROSS_ENTROPY_UNCLIPPED,
        )?,
        clipped: classifier_run(
            ("symptoms_clipped", "cross-entropy clipped, lr 200"),
            NAN_LEARNING_RATE,
            &CROSS_ENTROPY_CLIPPED,
        )?,
        clipped_slower: classifier_run(
            ("symptoms_clipped_slower", "cross-entropy clipped, lr 0.5"),
            CLASSIFIER_LEARNING_RATE,
            &CROSS_ENTROPY_CLIPPED,
        )?,
        healthy_nudged: sine_run(
            ("nudged_healthy", "healthy, nudged"),
            nudged_network()?,
            SINE_LEARNING_RATE,
            &MeanSquaredError,
        )?,
        too_high_nudged: sine_run(
            ("nudged_too_high", "learning rate 20, nudged"),
            nudged_network()?,
            TOO_HIGH,
            &MeanSquaredError,
        )?,
    })
}

/// Every run of the debugging section, trained once per process.
///
/// # Errors
/// A network error, should a run be set up wrongly.
pub fn failures() -> BookResult<&'static Failures> {
    static CELL: OnceLock<Result<Failures, String>> = OnceLock::new();
    CELL.get_or_init(|| run_failures().map_err(|error| error.to_string()))
        .as_ref()
        .map_err(|error| error.clone().into())
}

/// One step of the classifier's first epoch, as the NaN trace prints it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceStep {
    /// The example's input.
    pub x: f64,
    /// Its class, 0 or 1.
    pub target: f64,
    /// The network's output before the step's update.
    pub prediction: f64,
    /// The loss of that output.
    pub loss: f64,
}

// ANCHOR: nan_trace
/// The first `steps` steps of training the classifier with unclipped cross-entropy at
/// learning rate 200, one example after the other.
///
/// # Errors
/// [`NetworkError`] should the network or data be set up wrongly.
pub fn nan_trace(steps: usize) -> Result<Vec<TraceStep>, NetworkError> {
    let data: Dataset = step_data();
    let mut net = Network::new(&CLASSIFIER_LAYERS, 42)?;
    let mut trace = Vec::with_capacity(steps);
    for step in 0..steps {
        let index = step % data.len();
        let (input, target) = (&data.inputs[index], &data.targets[index]);
        let prediction = net.predict(input)?[0];
        let (loss, _) = logged_step(
            &mut net,
            input,
            target,
            NAN_LEARNING_RATE,
            &CROSS_ENTROPY_UNCLIPPED,
        )?;
        trace.push(TraceStep {
            x: input[0],
            target: target[0],
            prediction,
            loss,
        });
    }
    Ok(trace)
}
// ANCHOR_END: nan_trace
