//! The chapter's training runs, each computed once per process and shared by the listings,
//! the figures, the facts and the tests.

use std::sync::OnceLock;

use bookkit::BookResult;
use ch02_backpropagation::Network;

use crate::data::{Dataset, Split, few_noisy_points, sine_data};
use crate::monitor::{Fit, FitOptions, fit, loss_curve};

/// Runs `run` the first time, then returns the stored result (or the stored error).
fn cached<T>(
    cell: &'static OnceLock<Result<T, String>>,
    run: impl FnOnce() -> BookResult<T>,
) -> BookResult<&'static T> {
    cell.get_or_init(|| run().map_err(|error| error.to_string()))
        .as_ref()
        .map_err(|error| error.clone().into())
}

/// Layer sizes of the sine-fitting network.
pub const SINE_LAYERS: [usize; 3] = [1, 8, 1];
/// Its learning rate.
pub const SINE_LEARNING_RATE: f64 = 2.0;
/// How many epochs it trains.
pub const SINE_EPOCHS: usize = 1000;

/// The guide's sine fit after training.
#[derive(Debug, Clone)]
pub struct SineFit {
    /// The 50 training points.
    pub data: Dataset,
    /// The mean loss of every epoch.
    pub losses: Vec<f64>,
    /// The trained network.
    pub network: Network,
}

// ANCHOR: run_sine_fit
/// Fits `sin` with a `[1, 8, 1]` network (seed 42): 1000 epochs, learning rate 2.0.
fn run_sine_fit() -> BookResult<SineFit> {
    let data = sine_data();
    let mut network = Network::new(&SINE_LAYERS, 42)?;
    let losses = loss_curve(&mut network, &data, SINE_LEARNING_RATE, SINE_EPOCHS)?;
    Ok(SineFit {
        data,
        losses,
        network,
    })
}
// ANCHOR_END: run_sine_fit

/// The sine fit, trained once per process.
///
/// # Errors
/// The training error, should training fail.
pub fn sine_fit() -> BookResult<&'static SineFit> {
    static CELL: OnceLock<Result<SineFit, String>> = OnceLock::new();
    cached(&CELL, run_sine_fit)
}

/// Layer sizes of the network that overfits: 16 hidden neurons, 49 parameters.
pub const LARGE_LAYERS: [usize; 3] = [1, 16, 1];
/// Layer sizes of the network that underfits: a single hidden neuron.
pub const TINY_LAYERS: [usize; 3] = [1, 1, 1];
// ANCHOR: options
/// Training options of the over- and underfitting runs: no early stopping.
pub const LONG_RUN: FitOptions = FitOptions {
    learning_rate: 1.0,
    max_epochs: 2000,
    patience: None,
};
/// Epochs without a new best held-out loss before early stopping gives up.
pub const PATIENCE: usize = 100;
/// The same run with early stopping.
pub const EARLY_STOPPING: FitOptions = FitOptions {
    patience: Some(PATIENCE),
    ..LONG_RUN
};
// ANCHOR_END: options

/// The six noisy points and the held-out points.
pub fn noisy_split() -> &'static Split {
    static CELL: OnceLock<Split> = OnceLock::new();
    CELL.get_or_init(few_noisy_points)
}

// ANCHOR: run_fit
/// A fresh network of `layers` (seed 42) fitted to the six points, watched on the
/// held-out ones.
fn run_fit(layers: &[usize], options: &FitOptions) -> BookResult<Fit> {
    let split = noisy_split();
    Ok(fit(
        Network::new(layers, 42)?,
        &split.train,
        &split.test,
        options,
    )?)
}
// ANCHOR_END: run_fit

/// The `[1, 16, 1]` network trained for 2000 epochs on six noisy points.
///
/// # Errors
/// The training error, should training fail.
pub fn overfit_run() -> BookResult<&'static Fit> {
    static CELL: OnceLock<Result<Fit, String>> = OnceLock::new();
    cached(&CELL, || run_fit(&LARGE_LAYERS, &LONG_RUN))
}

/// The `[1, 1, 1]` network trained the same way.
///
/// # Errors
/// The training error, should training fail.
pub fn underfit_run() -> BookResult<&'static Fit> {
    static CELL: OnceLock<Result<Fit, String>> = OnceLock::new();
    cached(&CELL, || run_fit(&TINY_LAYERS, &LONG_RUN))
}

/// The `[1, 16, 1]` network trained with early stopping.
///
/// # Errors
/// The training error, should training fail.
pub fn early_stopped_run() -> BookResult<&'static Fit> {
    static CELL: OnceLock<Result<Fit, String>> = OnceLock::new();
    cached(&CELL, || run_fit(&LARGE_LAYERS, &EARLY_STOPPING))
}
