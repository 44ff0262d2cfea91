//! The chapter's experiments. Each runs once per process (cached in a `OnceLock`), so the
//! listings, facts, figures and claim tests all read the very same run.

use std::sync::OnceLock;

use bookkit::NumpyRng;
use ch02_backpropagation::Network;

use crate::data::{Dataset, noisy_xor, xor};
use crate::solutions::ex3_1::{XorTraining, train_xor};
use crate::solutions::ex3_2::{final_loss, verdict};
use ch02_backpropagation::MeanSquaredError;

use crate::train::{TrainError, mean_loss, train_epoch, train_passes, train_step};

type Cell<T> = OnceLock<Result<T, TrainError>>;

/// Runs `run` the first time, then returns its stored result.
fn cached<T: Send + Sync>(
    cell: &'static Cell<T>,
    run: impl FnOnce() -> Result<T, TrainError>,
) -> Result<&'static T, TrainError> {
    cell.get_or_init(run).as_ref().map_err(Clone::clone)
}

/// Every network in the chapter starts from these layer sizes and this seed.
pub const LAYERS: [usize; 3] = [2, 4, 1];
/// The seed of every network's initial weights.
pub const SEED: u32 = 42;

/// One row of the single-example run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepRow {
    /// The step, from 0.
    pub step: usize,
    /// The loss `train_step` returned (before its update).
    pub loss: f64,
    /// The prediction after the update.
    pub prediction: f64,
}

/// The single example: input `[1, 2]`, target `1`.
pub const SINGLE_INPUT: [f64; 2] = [1.0, 2.0];
/// Its target.
pub const SINGLE_TARGET: [f64; 1] = [1.0];
/// Learning rate of the single-example run.
pub const SINGLE_LEARNING_RATE: f64 = 1.0;

// ANCHOR: single_example_run
/// Ten training steps on one example, with the loss and the new prediction after
/// each.
pub fn single_example_run(steps: usize) -> Result<Vec<StepRow>, TrainError> {
    let mut net = Network::new(&LAYERS, SEED)?;
    let mut rows = Vec::new();
    for step in 0..steps {
        let loss = train_step(
            &mut net,
            &SINGLE_INPUT,
            &SINGLE_TARGET,
            SINGLE_LEARNING_RATE,
        )?;
        let prediction = net.predict(&SINGLE_INPUT)?[0];
        rows.push(StepRow {
            step,
            loss,
            prediction,
        });
    }
    Ok(rows)
}
// ANCHOR_END: single_example_run

/// The single-example run of the chapter (10 steps), computed once.
pub fn single_example() -> Result<&'static [StepRow], TrainError> {
    static RUN: Cell<Vec<StepRow>> = OnceLock::new();
    cached(&RUN, || single_example_run(10)).map(Vec::as_slice)
}

/// One learning rate's run on XOR.
#[derive(Debug, Clone)]
pub struct LearningRateRun {
    /// The learning rate.
    pub learning_rate: f64,
    /// The mean loss of each pass, during training.
    pub losses: Vec<f64>,
    /// The mean loss over XOR after the last pass.
    pub final_loss: f64,
    /// The trained network's outputs for the four XOR inputs.
    pub predictions: Vec<f64>,
    /// The trained network.
    pub network: Network,
}

/// The learning rates compared on XOR.
pub const LEARNING_RATES: [f64; 4] = [0.1, 1.0, 5.0, 50.0];
/// Passes over XOR for each of them.
pub const LEARNING_RATE_PASSES: usize = 500;

// ANCHOR: learning_rate_run
/// Trains a copy of `initial` on `data` for `passes` passes at `learning_rate`.
pub fn learning_rate_run(
    initial: &Network,
    data: &Dataset,
    learning_rate: f64,
    passes: usize,
) -> Result<LearningRateRun, TrainError> {
    let mut net = initial.clone(); // every learning rate starts from the same weights
    let losses =
        train_passes(&mut net, &data.inputs, &data.targets, learning_rate, passes)?;
    let final_loss = mean_loss(&net, &data.inputs, &data.targets)?;
    let mut predictions = Vec::new();
    for input in &data.inputs {
        predictions.push(net.predict(input)?[0]);
    }
    Ok(LearningRateRun {
        learning_rate,
        losses,
        final_loss,
        predictions,
        network: net,
    })
}
// ANCHOR_END: learning_rate_run

/// The four learning rates on XOR, 500 passes each, computed once.
pub fn learning_rates() -> Result<&'static [LearningRateRun], TrainError> {
    static RUNS: Cell<Vec<LearningRateRun>> = OnceLock::new();
    cached(&RUNS, || {
        let initial = Network::new(&LAYERS, SEED)?;
        let data = xor();
        LEARNING_RATES
            .iter()
            .map(|&lr| learning_rate_run(&initial, &data, lr, LEARNING_RATE_PASSES))
            .collect()
    })
    .map(Vec::as_slice)
}

/// Exercise 3.1's learning rate.
pub const EX3_1_LEARNING_RATE: f64 = 2.0;
/// Exercise 3.1's number of passes.
pub const EX3_1_PASSES: usize = 2000;

/// Exercise 3.1 (the reference solution), computed once.
pub fn exercise_3_1() -> Result<&'static XorTraining, TrainError> {
    static RUN: Cell<XorTraining> = OnceLock::new();
    cached(&RUN, || train_xor(EX3_1_LEARNING_RATE, EX3_1_PASSES))
}

/// One row of Exercise 3.2's table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateVerdict {
    /// The learning rate.
    pub learning_rate: f64,
    /// The loss after training.
    pub final_loss: f64,
    /// The verdict on it.
    pub verdict: &'static str,
}

/// Exercise 3.2's learning rates.
pub const EX3_2_LEARNING_RATES: [f64; 4] = [0.1, 0.5, 2.0, 10.0];
/// Exercise 3.2's number of passes.
pub const EX3_2_PASSES: usize = 2000;

/// Exercise 3.2 (the reference solution), computed once.
pub fn exercise_3_2() -> Result<&'static [RateVerdict], TrainError> {
    static RUN: Cell<Vec<RateVerdict>> = OnceLock::new();
    cached(&RUN, || {
        EX3_2_LEARNING_RATES
            .iter()
            .map(|&learning_rate| {
                let loss = final_loss(learning_rate, EX3_2_PASSES)?;
                Ok(RateVerdict {
                    learning_rate,
                    final_loss: loss,
                    verdict: verdict(loss),
                })
            })
            .collect()
    })
    .map(Vec::as_slice)
}

/// Exercise 3.2's learning rates, with the loss of every pass (for the claims about them).
pub fn exercise_3_2_curves() -> Result<&'static [LearningRateRun], TrainError> {
    static RUNS: Cell<Vec<LearningRateRun>> = OnceLock::new();
    cached(&RUNS, || {
        let initial = Network::new(&LAYERS, SEED)?;
        let data = xor();
        EX3_2_LEARNING_RATES
            .iter()
            .map(|&lr| learning_rate_run(&initial, &data, lr, EX3_2_PASSES))
            .collect()
    })
    .map(Vec::as_slice)
}

/// One batch size's run on the noisy XOR data.
#[derive(Debug, Clone)]
pub struct BatchRun {
    /// Examples per mini-batch.
    pub batch_size: usize,
    /// Weight updates in one epoch: the number of batches.
    pub updates_per_epoch: usize,
    /// The mean loss over the whole data set after each epoch.
    pub epoch_losses: Vec<f64>,
}

/// Points around each corner of the noisy XOR data.
pub const NOISY_PER_CORNER: usize = 100;
/// Standard deviation of the noise added to each coordinate.
pub const NOISY_STD: f64 = 0.25;
/// Seed of the noisy XOR data.
pub const NOISY_SEED: u32 = 7;
/// Batch sizes compared: stochastic, mini-batch, full batch (the whole data set).
pub const BATCH_SIZES: [usize; 3] = [1, 32, 4 * NOISY_PER_CORNER];
/// Learning rate of the batch-size comparison.
pub const BATCH_LEARNING_RATE: f64 = 2.0;
/// Epochs of the batch-size comparison.
pub const BATCH_EPOCHS: usize = 100;
/// Seed of the shuffling stream.
pub const SHUFFLE_SEED: u32 = 0;

/// The noisy XOR data of the batch-size comparison.
pub fn noisy_data() -> Dataset {
    noisy_xor(NOISY_PER_CORNER, NOISY_STD, NOISY_SEED)
}

// ANCHOR: batch_run
/// Trains a `[2, 4, 1]` network (seed 42) on `data` for `epochs` epochs of
/// mini-batches of `batch_size`, shuffling with its own numpy stream, and records the
/// loss after each epoch.
pub fn batch_run(
    data: &Dataset,
    batch_size: usize,
    learning_rate: f64,
    epochs: usize,
) -> Result<BatchRun, TrainError> {
    let mut net = Network::new(&LAYERS, SEED)?;
    let mut shuffle = NumpyRng::seed(SHUFFLE_SEED);
    let mut epoch_losses = Vec::with_capacity(epochs);
    for _ in 0..epochs {
        train_epoch(
            &mut net,
            data,
            &MeanSquaredError,
            learning_rate,
            batch_size,
            &mut shuffle,
        )?;
        epoch_losses.push(mean_loss(&net, &data.inputs, &data.targets)?);
    }
    Ok(BatchRun {
        batch_size,
        updates_per_epoch: data.len().div_ceil(batch_size),
        epoch_losses,
    })
}
// ANCHOR_END: batch_run

/// The three batch sizes on the noisy XOR data, computed once.
pub fn batch_sizes() -> Result<&'static [BatchRun], TrainError> {
    static RUNS: Cell<Vec<BatchRun>> = OnceLock::new();
    cached(&RUNS, || {
        let data = noisy_data();
        BATCH_SIZES
            .iter()
            .map(|&size| batch_run(&data, size, BATCH_LEARNING_RATE, BATCH_EPOCHS))
            .collect()
    })
    .map(Vec::as_slice)
}

/// How many epochs, after the first, ended with a higher loss than the epoch before.
pub fn rises(losses: &[f64]) -> usize {
    losses.windows(2).filter(|pair| pair[1] > pair[0]).count()
}

/// Final losses of one learning rate from the seed-42 weights and from copies with a single
/// weight moved to the neighbouring `f64` (one unit in the last place).
#[derive(Debug, Clone)]
pub struct Sensitivity {
    /// The learning rate.
    pub learning_rate: f64,
    /// The final loss from the unchanged weights, then with weight 0, 1, … nudged.
    pub final_losses: Vec<f64>,
    /// How many passes raised the loss, in the same order.
    pub rises: Vec<usize>,
}

// ANCHOR: nudged
/// A copy of `net` whose `index`-th weight (counting through the layers, row by row)
/// is replaced by the next larger-magnitude `f64`: a change of about one part in
/// 10^16.
pub fn nudged(net: &Network, index: usize) -> Network {
    let mut copy = net.clone();
    let (weights, _) = copy.parameters_mut();
    if let Some(w) = weights.iter_mut().flat_map(|w| w.iter_mut()).nth(index) {
        *w = f64::from_bits(w.to_bits() + 1);
    }
    copy
}
// ANCHOR_END: nudged

/// Exercise 3.2's learning rates 2.0 and 10.0, from the seed-42 weights and each one-ulp nudge.
pub fn sensitivity() -> Result<&'static [Sensitivity], TrainError> {
    static RUNS: Cell<Vec<Sensitivity>> = OnceLock::new();
    cached(&RUNS, || {
        let initial = Network::new(&LAYERS, SEED)?;
        let weights: usize = initial.weights().iter().map(|w| w.len()).sum();
        let data = xor();
        [2.0, 10.0]
            .into_iter()
            .map(|learning_rate| {
                let starts = std::iter::once(initial.clone())
                    .chain((0..weights).map(|index| nudged(&initial, index)));
                let mut result = Sensitivity {
                    learning_rate,
                    final_losses: Vec::new(),
                    rises: Vec::new(),
                };
                for start in starts {
                    let run = learning_rate_run(
                        &start,
                        &data,
                        learning_rate,
                        EX3_2_PASSES,
                    )?;
                    result.final_losses.push(run.final_loss);
                    result.rises.push(rises(&run.losses));
                }
                Ok(result)
            })
            .collect()
    })
    .map(Vec::as_slice)
}
