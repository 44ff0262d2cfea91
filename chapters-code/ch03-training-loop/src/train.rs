//! The training loop: forward, loss, backward, update — once, over a data set, and in
//! shuffled mini-batches.
//!
//! Every function checks its data first and stops with a [`TrainError`] instead of training on
//! garbage: a loss that turns NaN or infinite ends training at the step where it happened,
//! before that step's update touches the weights.

use std::fmt;

use bookkit::NumpyRng;
use ch01_loss_functions::loss::mse;

use crate::data::Dataset;
use ch02_backpropagation::{
    Activation, Gradients, InputBatch, Loss, Network, NetworkError,
};
use ndarray::{Array2, ArrayView, ArrayView2, ArrayViewMut, Dimension};

/// What went wrong while training.
#[derive(Debug, Clone, PartialEq)]
pub enum TrainError {
    /// The network rejected an input or a target (wrong length, …).
    Network(NetworkError),
    /// The loss became NaN or infinite: training cannot continue from here.
    NonFinite {
        /// Which step of the call failed, counting from 0: the example's position for
        /// [`train_pass`], the mini-batch's position for [`train_epoch`], 0 for
        /// [`train_step`]; for [`train_passes`], the step counted from the start of training
        /// (`pass × number of examples + position`).
        step: usize,
        /// The loss that was computed (NaN or ±infinity).
        loss: f64,
    },
    /// There are no examples to train on.
    EmptyData,
    /// Every input needs exactly one target.
    LengthMismatch {
        /// How many inputs were given.
        inputs: usize,
        /// How many targets were given.
        targets: usize,
    },
    /// A mini-batch must hold at least one example.
    ZeroBatchSize,
    /// The learning rate is NaN, infinite or not positive.
    LearningRate {
        /// The rate that was passed.
        rate: f64,
    },
    /// The loss expects another output activation than the network has.
    OutputMismatch {
        /// The loss's name.
        loss: String,
        /// The activation the loss expects.
        expected: Activation,
        /// The network's output activation.
        network: Activation,
    },
    /// Examples could not be stacked into a mini-batch.
    Data {
        /// What is wrong with them.
        problem: String,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Network(error) => write!(f, "{error}"),
            Self::NonFinite { step, loss } => write!(
                f,
                "the loss became {loss} at step {step}, so training stopped before that update. \
                 Likely causes: a learning rate too high (the weights may have overflowed: try one 10 times \
                 smaller), log(0) in a cross-entropy loss (clip predictions away from 0 and 1), or \
                 a NaN or infinite value in the inputs or targets (check the data)"
            ),
            Self::EmptyData => write!(
                f,
                "there are no examples to train on: pass at least one input and its target"
            ),
            Self::LengthMismatch { inputs, targets } => write!(
                f,
                "got {inputs} inputs but {targets} targets: pass exactly one target per input"
            ),
            Self::ZeroBatchSize => write!(
                f,
                "the batch size is 0: use at least 1 (1 = stochastic, the data size = full batch)"
            ),
            Self::LearningRate { rate } => write!(
                f,
                "the learning rate is {rate}: use a positive, finite number such as 0.5"
            ),
            Self::OutputMismatch {
                loss,
                expected,
                network,
            } => write!(
                f,
                "the loss {loss} needs a {expected:?} output layer but the network's is \
                 {network:?}: build it with .with_output(Activation::{expected:?})"
            ),
            Self::Data { problem } => write!(f, "{problem}"),
        }
    }
}

impl std::error::Error for TrainError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Network(error) => Some(error),
            _ => None,
        }
    }
}

impl From<NetworkError> for TrainError {
    fn from(error: NetworkError) -> Self {
        Self::Network(error)
    }
}

/// The mean squared error of `output` against `target`, with a target of the wrong length
/// reported as the network's [`NetworkError::TargetLength`].
fn loss_of(output: &[f64], target: &[f64]) -> Result<f64, TrainError> {
    let wrong_target = NetworkError::TargetLength {
        expected: output.len(),
        given: target.len(),
    };
    if output.len() != target.len() {
        return Err(wrong_target.into());
    }
    mse(output, target).map_err(|_| wrong_target.into())
}

/// Forward pass, loss and backward pass for one example; `step` labels a non-finite loss.
fn loss_and_gradients(
    net: &mut Network,
    input: &[f64],
    target: &[f64],
    step: usize,
) -> Result<(f64, Gradients), TrainError> {
    let output = net.forward(input)?.to_vec();
    let loss = loss_of(&output, target)?;
    if !loss.is_finite() {
        return Err(TrainError::NonFinite { step, loss });
    }
    let gradients = net.backward(target)?;
    Ok((loss, gradients))
}

/// [`train_step`] with `step` as the label of a non-finite loss.
fn step_numbered(
    net: &mut Network,
    input: &[f64],
    target: &[f64],
    learning_rate: f64,
    step: usize,
) -> Result<f64, TrainError> {
    let (loss, gradients) = loss_and_gradients(net, input, target, step)?;
    apply_finite(net, &gradients, learning_rate, loss, step)?;
    Ok(loss)
}

/// Checks that a learning rate is a positive, finite number.
///
/// # Errors
/// [`TrainError::LearningRate`] otherwise.
pub fn check_learning_rate(rate: f64) -> Result<(), TrainError> {
    if rate > 0.0 && rate.is_finite() {
        Ok(())
    } else {
        Err(TrainError::LearningRate { rate })
    }
}

/// Applies `gradients` unless one of them is NaN or infinite, which would turn every weight it
/// touches into NaN: then nothing changes and the step is reported as non-finite.
fn apply_finite(
    net: &mut Network,
    gradients: &Gradients,
    learning_rate: f64,
    loss: f64,
    step: usize,
) -> Result<(), TrainError> {
    if !gradients.is_finite() {
        let loss = if loss.is_finite() { f64::NAN } else { loss };
        return Err(TrainError::NonFinite { step, loss });
    }
    net.apply_gradients(gradients, learning_rate)?;
    Ok(())
}

// ANCHOR: train_step
/// One step of training on one example: forward pass, loss, backward pass, update.
/// Returns the loss *before* the update.
///
/// # Errors
/// [`TrainError::Network`] for an input or target of the wrong length;
/// [`TrainError::NonFinite`] (step 0) when the loss is NaN or infinite — the weights
/// are then left as they were.
pub fn train_step(
    net: &mut Network,
    input: &[f64],
    target: &[f64],
    learning_rate: f64,
) -> Result<f64, TrainError> {
    check_learning_rate(learning_rate)?;
    let prediction = net.forward(input)?; // 1. forward pass
    let loss = loss_of(&prediction.to_vec(), target)?; // 2. loss
    if !loss.is_finite() {
        return Err(TrainError::NonFinite { step: 0, loss });
    }
    let gradients = net.backward(target)?; // 3. backward pass
    apply_finite(net, &gradients, learning_rate, loss, 0)?; // 4. update
    Ok(loss)
}
// ANCHOR_END: train_step

/// Checks that there is data and that inputs and targets pair up.
fn check_data(inputs: &[Vec<f64>], targets: &[Vec<f64>]) -> Result<(), TrainError> {
    if inputs.len() != targets.len() {
        return Err(TrainError::LengthMismatch {
            inputs: inputs.len(),
            targets: targets.len(),
        });
    }
    if inputs.is_empty() {
        return Err(TrainError::EmptyData);
    }
    Ok(())
}

// ANCHOR: train_pass
/// One pass over all examples in order, one [`train_step`] (one update) per example.
/// Returns the mean of the per-example losses.
///
/// # Errors
/// [`TrainError::EmptyData`], [`TrainError::LengthMismatch`], [`TrainError::Network`]
/// for bad data; [`TrainError::NonFinite`] with `step` = the position of the example
/// whose loss was NaN or infinite (the updates of the examples before it have been
/// made).
pub fn train_pass(
    net: &mut Network,
    inputs: &[Vec<f64>],
    targets: &[Vec<f64>],
    learning_rate: f64,
) -> Result<f64, TrainError> {
    check_learning_rate(learning_rate)?;
    check_data(inputs, targets)?;
    let mut total_loss = 0.0;
    for (step, (input, target)) in inputs.iter().zip(targets).enumerate() {
        total_loss += step_numbered(net, input, target, learning_rate, step)?;
    }
    Ok(total_loss / inputs.len() as f64)
}
// ANCHOR_END: train_pass

// ANCHOR: epoch_loop
/// The training loop at a glance: for every epoch, for every example, forward, loss,
/// backward, update. Returns the mean loss of each epoch. (The same arithmetic as
/// [`train_passes`], without its guards against a non-finite loss: a skeleton to
/// start your own loop from.)
///
/// # Errors
/// [`TrainError::EmptyData`] or [`TrainError::LengthMismatch`] when the data does not
/// pair up; [`TrainError::Network`] for an input or target of the wrong length.
pub fn epoch_loop(
    net: &mut Network,
    inputs: &[Vec<f64>],
    targets: &[Vec<f64>],
    learning_rate: f64,
    epochs: usize,
) -> Result<Vec<f64>, TrainError> {
    check_data(inputs, targets)?;
    let mut epoch_losses = Vec::new();
    for _epoch in 0..epochs {
        let mut total = 0.0;
        for (x, y) in inputs.iter().zip(targets) {
            let prediction = net.forward(x)?; // forward
            total += loss_of(&prediction.to_vec(), y)?; // loss (MSE)
            let gradients = net.backward(y)?; // backward
            net.apply_gradients(&gradients, learning_rate)?; // update
        }
        epoch_losses.push(total / inputs.len() as f64);
    }
    Ok(epoch_losses)
}
// ANCHOR_END: epoch_loop

/// `passes` calls of [`train_pass`]: returns the mean loss of every pass, in order.
///
/// # Errors
/// As [`train_pass`]; a [`TrainError::NonFinite`] counts its `step` from the start of
/// training, so `step / inputs.len()` is the pass and `step % inputs.len()` the example.
pub fn train_passes(
    net: &mut Network,
    inputs: &[Vec<f64>],
    targets: &[Vec<f64>],
    learning_rate: f64,
    passes: usize,
) -> Result<Vec<f64>, TrainError> {
    let mut losses = Vec::new();
    for pass in 0..passes {
        match train_pass(net, inputs, targets, learning_rate) {
            Ok(loss) => losses.push(loss),
            Err(TrainError::NonFinite { step, loss }) => {
                let step = pass * inputs.len() + step;
                return Err(TrainError::NonFinite { step, loss });
            }
            Err(error) => return Err(error),
        }
    }
    Ok(losses)
}

// ANCHOR: train_epoch
/// One epoch of mini-batch gradient descent: shuffle the examples with
/// `rng.permutation(n)`, cut them into batches of `batch_size` (the last one may be
/// smaller), and make one update per batch with [`train_batch`]. Returns the total
/// loss of all examples (each measured before its batch's update) divided by their
/// number.
///
/// # Errors
/// [`TrainError::ZeroBatchSize`], [`TrainError::EmptyData`],
/// [`TrainError::LearningRate`], [`TrainError::Data`] and [`TrainError::Network`] for
/// bad arguments; [`TrainError::NonFinite`] with `step` = the position of the batch
/// in which a loss or a gradient was NaN or infinite (that batch makes no update).
pub fn train_epoch(
    net: &mut Network,
    data: &(impl Examples + ?Sized),
    loss: &dyn Loss,
    learning_rate: f64,
    batch_size: usize,
    rng: &mut NumpyRng,
) -> Result<f64, TrainError> {
    if batch_size == 0 {
        return Err(TrainError::ZeroBatchSize);
    }
    if data.is_empty() {
        return Err(TrainError::EmptyData);
    }
    let order = rng.permutation(data.len());
    let mut total_loss = 0.0;
    data.for_each_batch(&order, batch_size, &mut |step, inputs, targets| {
        total_loss += train_batch(net, inputs, targets, loss, learning_rate, step)?;
        Ok(())
    })?;
    Ok(total_loss / data.len() as f64)
}
// ANCHOR_END: train_epoch

// ANCHOR: train_batch
/// One update on one mini-batch (one example per row): forward pass, loss, backward
/// pass, and a step along the gradient averaged over the batch. Returns the batch's
/// summed loss, measured before the update; `step` labels a NaN or infinite loss.
///
/// # Errors
/// [`TrainError::LearningRate`], [`TrainError::OutputMismatch`] and
/// [`TrainError::Network`] for bad arguments; [`TrainError::NonFinite`] when the loss
/// or a gradient is NaN or infinite (the weights are then left as they were).
pub fn train_batch(
    net: &mut Network,
    inputs: &impl InputBatch,
    targets: ArrayView2<'_, f64>,
    loss: &dyn Loss,
    learning_rate: f64,
    step: usize,
) -> Result<f64, TrainError> {
    check_learning_rate(learning_rate)?;
    check_output(net, loss)?;
    let activations = net.forward_layers(inputs)?; // 1. forward pass
    let outputs = activations[activations.len() - 1].view();
    check_targets(outputs.dim(), targets.dim())?;
    let batch_loss = loss.total(outputs, targets); // 2. loss
    if !batch_loss.is_finite() {
        return Err(TrainError::NonFinite {
            step,
            loss: batch_loss,
        });
    }
    let deltas = loss.output_deltas(outputs, targets);
    let sum = net.backward_layers(inputs, &activations, deltas)?; // 3. backward pass
    // Inputs no example uses have zero gradients: the update skips their weights.
    let used = inputs.used_columns();
    if !sum.is_finite_in(used.as_deref()) {
        return Err(TrainError::NonFinite {
            step,
            loss: f64::NAN,
        });
    }
    let count = inputs.dim().0;
    apply_mean(net, &sum, used.as_deref(), count, learning_rate); // 4. update
    Ok(batch_loss)
}
// ANCHOR_END: train_batch

/// Checks that the loss fits the network's output layer.
fn check_output(net: &Network, loss: &dyn Loss) -> Result<(), TrainError> {
    if net.output_activation() == loss.output_activation() {
        Ok(())
    } else {
        Err(TrainError::OutputMismatch {
            loss: loss.name().to_string(),
            expected: loss.output_activation(),
            network: net.output_activation(),
        })
    }
}

/// Checks that targets have the outputs' shape (one row per example).
fn check_targets(
    outputs: (usize, usize),
    targets: (usize, usize),
) -> Result<(), TrainError> {
    if targets.0 != outputs.0 {
        return Err(TrainError::LengthMismatch {
            inputs: outputs.0,
            targets: targets.0,
        });
    }
    if targets.1 != outputs.1 {
        return Err(NetworkError::TargetLength {
            expected: outputs.1,
            given: targets.1,
        }
        .into());
    }
    Ok(())
}

/// Gradient descent along the mean of summed gradients: every parameter `p` becomes
/// `p - rate · (g / count)` (a division, as numpy does, not a reciprocal), in one pass.
/// The first layer's weights move only in the input columns `first_columns` when they
/// are given: in the others the gradient is 0 and `p - rate · (0 / count)` is `p`.
fn apply_mean(
    net: &mut Network,
    sum: &Gradients,
    first_columns: Option<&[usize]>,
    count: usize,
    learning_rate: f64,
) {
    let (weights, biases) = net.parameters_mut();
    for (i, (w, g)) in weights.iter_mut().zip(&sum.weights).enumerate() {
        match first_columns.filter(|_| i == 0) {
            Some(columns) => {
                let width = w.ncols();
                for &k in columns.iter().filter(|&&k| k < width) {
                    descend(w.column_mut(k), g.column(k), count, learning_rate);
                }
            }
            None => descend(w.view_mut(), g.view(), count, learning_rate),
        }
    }
    for (b, g) in biases.iter_mut().zip(&sum.biases) {
        descend(b.view_mut(), g.view(), count, learning_rate);
    }
}

/// `p -= rate · (g / count)` for every parameter `p` of `parameters` and its summed
/// gradient `g`.
fn descend<D: Dimension>(
    parameters: ArrayViewMut<'_, f64, D>,
    gradients: ArrayView<'_, f64, D>,
    count: usize,
    learning_rate: f64,
) {
    let zip = ndarray::Zip::from(parameters).and(gradients);
    if count.is_power_of_two() {
        // g · (1/count) is exactly g / count here (both are that quotient rounded once:
        // 1/count is a power of two, exact), and a multiplication is far faster.
        let inverse = 1.0 / count as f64;
        zip.for_each(|p, &g| *p -= learning_rate * (g * inverse));
    } else {
        let count = count as f64;
        zip.for_each(|p, &g| *p -= learning_rate * (g / count));
    }
}

// ANCHOR: examples
/// Labelled examples that a training loop can cut into mini-batches.
pub trait Examples {
    /// How a batch's inputs are stored: a matrix (`Array2<f64>`), or only their non-zero
    /// values (`SparseRows`, for inputs that are mostly zeros).
    type Inputs: InputBatch;

    /// How many examples there are.
    fn len(&self) -> usize;

    /// Whether there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The inputs and the targets of the examples at `indices`, one example per row.
    ///
    /// # Errors
    /// [`TrainError::Data`] when an index is out of range or the examples cannot be stacked.
    fn batch(
        &self,
        indices: &[usize],
    ) -> Result<(Self::Inputs, Array2<f64>), TrainError>;

    /// Calls `step` with each mini-batch of `order`, `batch_size` examples at a time
    /// (the last batch may be smaller), in order, with its position; stops at the first
    /// error. By default each batch is made just before its step ([`each_batch_in_turn`]);
    /// examples may instead make the next batches meanwhile, on another thread.
    ///
    /// # Errors
    /// [`TrainError::ZeroBatchSize`], the errors of [`batch`](Self::batch), and the
    /// first error of `step`.
    fn for_each_batch(
        &self,
        order: &[usize],
        batch_size: usize,
        step: &mut BatchStep<'_, Self::Inputs>,
    ) -> Result<(), TrainError> {
        each_batch_in_turn(self, order, batch_size, step)
    }
}
// ANCHOR_END: examples

/// What [`Examples::for_each_batch`] calls for each mini-batch: its position, its inputs
/// and its targets.
pub type BatchStep<'a, Inputs> =
    dyn FnMut(usize, &Inputs, ArrayView2<'_, f64>) -> Result<(), TrainError> + 'a;

/// [`Examples::for_each_batch`] on one thread: makes each batch, then calls `step` with
/// it.
///
/// # Errors
/// As [`Examples::for_each_batch`].
pub fn each_batch_in_turn<E: Examples + ?Sized>(
    examples: &E,
    order: &[usize],
    batch_size: usize,
    step: &mut BatchStep<'_, E::Inputs>,
) -> Result<(), TrainError> {
    if batch_size == 0 {
        return Err(TrainError::ZeroBatchSize);
    }
    for (position, indices) in order.chunks(batch_size).enumerate() {
        let (inputs, targets) = examples.batch(indices)?;
        step(position, &inputs, targets.view())?;
    }
    Ok(())
}

impl Examples for Dataset {
    type Inputs = Array2<f64>;

    fn len(&self) -> usize {
        self.inputs.len().min(self.targets.len())
    }

    fn batch(
        &self,
        indices: &[usize],
    ) -> Result<(Array2<f64>, Array2<f64>), TrainError> {
        check_data(&self.inputs, &self.targets)?;
        Ok((
            stack(&self.inputs, indices, "input")?,
            stack(&self.targets, indices, "target")?,
        ))
    }
}

/// The vectors at `indices`, as the rows of a matrix.
fn stack(
    rows: &[Vec<f64>],
    indices: &[usize],
    what: &str,
) -> Result<Array2<f64>, TrainError> {
    let width = indices
        .first()
        .and_then(|&i| rows.get(i))
        .map_or(0, Vec::len);
    let mut data = Vec::new();
    for &index in indices {
        let row = rows.get(index).ok_or_else(|| TrainError::Data {
            problem: format!(
                "example {index} does not exist: there are {}",
                rows.len()
            ),
        })?;
        if row.len() != width {
            return Err(TrainError::Data {
                problem: format!(
                    "{what} {index} has {} values but the others have {width}: give every \
                     example the same number",
                    row.len()
                ),
            });
        }
        data.extend_from_slice(row);
    }
    Array2::from_shape_vec((indices.len(), width), data).map_err(|error| {
        TrainError::Data {
            problem: error.to_string(),
        }
    })
}

// ANCHOR: mean_loss
/// The mean loss over a data set, without changing the network (evaluation only).
///
/// # Errors
/// [`TrainError::EmptyData`], [`TrainError::LengthMismatch`] or [`TrainError::Network`] for
/// bad data. A NaN or infinite loss is returned as it is, not as an error: evaluating is safe.
pub fn mean_loss(
    net: &Network,
    inputs: &[Vec<f64>],
    targets: &[Vec<f64>],
) -> Result<f64, TrainError> {
    check_data(inputs, targets)?;
    let mut total = 0.0;
    for (input, target) in inputs.iter().zip(targets) {
        total += loss_of(&net.predict(input)?.to_vec(), target)?;
    }
    Ok(total / inputs.len() as f64)
}
// ANCHOR_END: mean_loss

#[cfg(test)]
mod tests {
    use super::*;
    use ch02_backpropagation::MeanSquaredError;

    #[test]
    fn multiplying_by_the_inverse_of_a_power_of_two_is_dividing() {
        let mut rng = NumpyRng::seed(3);
        let values = rng.normal_vec(0.0, 1.0, 10_000);
        let tiny = [f64::MIN_POSITIVE, 5e-324, -3e-310, 1e308, -0.0];
        for count in [1_usize, 2, 32, 256, 1 << 20] {
            let inverse = 1.0 / count as f64;
            for &g in values.iter().chain(&tiny) {
                let g = g * 1e3;
                assert_eq!(
                    (g * inverse).to_bits(),
                    (g / count as f64).to_bits(),
                    "{g}/{count}"
                );
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// A step on the inked values only (`SparseRows`) is the step on the matrix: the
        /// same error, or weights equal to the last bits.
        #[test]
        fn a_sparse_step_is_the_dense_step(
            values in proptest::collection::vec(
                proptest::prop_oneof![
                    6 => proptest::strategy::Just(0.0),
                    3 => -2.0..2.0_f64,
                    1 => proptest::strategy::Just(f64::NAN),
                    1 => proptest::strategy::Just(1e300),
                ],
                1..40,
            ),
            width in 1..8_usize,
            seed in proptest::prelude::any::<u32>(),
            rate in 0.1..5.0_f64,
        ) {
            use ch02_backpropagation::SparseRows;
            let rows = values.len().div_ceil(width);
            let dense = Array2::from_shape_fn((rows, width), |(r, k)| {
                values.get(r * width + k).copied().unwrap_or(0.0)
            });
            let sparse = SparseRows::from_dense(dense.view());
            let targets = Array2::from_shape_fn((rows, 2), |(r, j)| ((r + j) % 2) as f64);
            let start = Network::new(&[width, 3, 2], seed).expect("small");
            let (mut by_dense, mut by_sparse) = (start.clone(), start.clone());
            let mse = &MeanSquaredError;
            let dense_step = train_batch(&mut by_dense, &dense, targets.view(), mse, rate, 0);
            let sparse_step =
                train_batch(&mut by_sparse, &sparse, targets.view(), mse, rate, 0);
            proptest::prop_assert_eq!(dense_step.is_ok(), sparse_step.is_ok());
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(1.0);
            let pairs = by_dense.weights().iter().zip(by_sparse.weights());
            for (d, s) in pairs {
                proptest::prop_assert!(d.iter().zip(s).all(|(&a, &b)| close(a, b)));
            }
        }
    }

    #[test]
    fn an_update_skips_only_the_inputs_no_example_uses() {
        use ch02_backpropagation::SparseRows;
        let dense = ndarray::array![
            [0.0, 0.5, 0.0, 0.0, 1.0],
            [0.0, 0.25, 0.0, 0.0, 0.0],
            [0.0, 0.0, 0.0, 2.0, 0.0]
        ];
        let sparse = SparseRows::from_dense(dense.view());
        assert_eq!(sparse.used_columns(), Some(vec![1, 3, 4]));
        let targets = ndarray::array![[1.0], [0.0], [1.0]];
        let start = Network::new(&[5, 3, 1], 7).expect("a small network");
        let (mut by_dense, mut by_sparse) = (start.clone(), start.clone());
        train_batch(
            &mut by_dense,
            &dense,
            targets.view(),
            &MeanSquaredError,
            0.5,
            0,
        )
        .expect("a dense step");
        train_batch(
            &mut by_sparse,
            &sparse,
            targets.view(),
            &MeanSquaredError,
            0.5,
            0,
        )
        .expect("a sparse step");
        let (w0, w_dense, w_sparse) = (
            &start.weights()[0],
            &by_dense.weights()[0],
            &by_sparse.weights()[0],
        );
        for k in 0..5 {
            let moved = w_sparse.column(k) != w0.column(k);
            assert_eq!(moved, [1, 3, 4].contains(&k), "column {k}");
            for (a, b) in w_sparse.column(k).iter().zip(w_dense.column(k)) {
                assert!((a - b).abs() <= 1e-15, "column {k}: {a} against {b}");
            }
        }
        let second = by_sparse.weights()[1].iter().zip(&by_dense.weights()[1]);
        assert!(second.into_iter().all(|(a, b)| (a - b).abs() <= 1e-15));
    }

    fn xor() -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let inputs = vec![
            vec![0.0, 0.0],
            vec![0.0, 1.0],
            vec![1.0, 0.0],
            vec![1.0, 1.0],
        ];
        let targets = vec![vec![0.0], vec![1.0], vec![1.0], vec![0.0]];
        (inputs, targets)
    }

    fn net() -> Network {
        Network::new(&[2, 4, 1], 42).expect("valid sizes")
    }

    /// The committed numpy reference output of this chapter.
    fn numpy() -> bookkit::reference::NumpyReference {
        bookkit::reference::NumpyReference::parse(include_str!(
            "../reference/numpy-output.txt"
        ))
        .expect("reference/numpy-output.txt parses")
    }

    /// Equal to numpy's value but for a different order of additions.
    fn assert_close(ours: f64, numpy: f64) {
        assert!(
            (ours - numpy).abs() <= 1e-12 * numpy.abs(),
            "{ours} vs numpy {numpy}"
        );
    }

    #[test]
    fn train_step_returns_the_loss_before_the_update_like_numpy() {
        // reference/numpy-output.txt (reference/training_numpy.py): the loss of step 0, then
        // the prediction after it.
        let numpy = numpy();
        let mut net = net();
        let before = net.predict(&[1.0, 2.0]).expect("valid input")[0];
        let loss = train_step(&mut net, &[1.0, 2.0], &[1.0], 1.0).expect("finite");
        assert_eq!(loss, (before - 1.0).powi(2));
        assert_close(loss, numpy.value("train_step_loss").unwrap());
        let after = net.predict(&[1.0, 2.0]).expect("valid input")[0];
        assert_close(after, numpy.value("train_step_prediction").unwrap());
    }

    #[test]
    fn the_epoch_loop_skeleton_trains_like_train_passes() {
        let (inputs, targets) = xor();
        let mut skeleton = net();
        let losses =
            epoch_loop(&mut skeleton, &inputs, &targets, 2.0, 50).expect("finite");
        let mut guarded = net();
        let expected =
            train_passes(&mut guarded, &inputs, &targets, 2.0, 50).expect("finite");
        assert_eq!(losses, expected);
        assert_eq!(skeleton, guarded);
        assert!(losses[49] < losses[0], "the loss falls: {losses:?}");
        assert!(matches!(
            epoch_loop(&mut skeleton, &[], &[], 2.0, 1),
            Err(TrainError::EmptyData)
        ));
    }

    #[test]
    fn train_pass_makes_one_step_per_example_and_averages_their_losses() {
        let (inputs, targets) = xor();
        let mut by_pass = net();
        let mean = train_pass(&mut by_pass, &inputs, &targets, 2.0).expect("finite");

        let mut by_step = net();
        let mut total = 0.0;
        for (input, target) in inputs.iter().zip(&targets) {
            total += train_step(&mut by_step, input, target, 2.0).expect("finite");
        }
        assert_eq!(mean, total / 4.0);
        assert_eq!(by_pass, by_step);
        // reference/numpy-output.txt: Exercise 3.1's pass 0 under numpy.
        assert_close(mean, numpy().values("ex3_1_losses").unwrap()[0]);
    }

    #[test]
    fn a_full_batch_epoch_is_one_step_along_the_mean_gradient() {
        let (inputs, targets) = xor();
        let mut by_epoch = net();
        let mut rng = NumpyRng::seed(0);
        let data = Dataset {
            inputs: inputs.clone(),
            targets: targets.clone(),
        };
        let loss =
            train_epoch(&mut by_epoch, &data, &MeanSquaredError, 0.5, 4, &mut rng)
                .expect("finite");

        let mut by_hand = net();
        let mut sum = Gradients::zeros_like(&by_hand);
        for (input, target) in inputs.iter().zip(&targets) {
            by_hand.forward(input).expect("valid input");
            sum.add_assign(&by_hand.backward(target).expect("after forward"));
        }
        sum.scale(0.25);
        let expected_loss =
            mean_loss(&by_hand, &inputs, &targets).expect("valid data");
        by_hand.apply_gradients(&sum, 0.5).expect("same shapes");

        assert!(
            (loss - expected_loss).abs() < 1e-15,
            "{loss} vs {expected_loss}"
        );
        for (a, b) in by_epoch.weights().iter().zip(by_hand.weights()) {
            assert!((a - b).iter().all(|d| d.abs() < 1e-15));
        }
    }

    #[test]
    fn batch_size_one_follows_the_shuffled_order() {
        let (inputs, targets) = xor();
        let mut by_epoch = net();
        let data = Dataset {
            inputs: inputs.clone(),
            targets: targets.clone(),
        };
        let loss = train_epoch(
            &mut by_epoch,
            &data,
            &MeanSquaredError,
            1.0,
            1,
            &mut NumpyRng::seed(3),
        )
        .expect("finite");

        let order = NumpyRng::seed(3).permutation(4);
        let mut by_step = net();
        let mut total = 0.0;
        for &i in &order {
            total += train_step(&mut by_step, &inputs[i], &targets[i], 1.0)
                .expect("finite");
        }
        assert_eq!(loss, total / 4.0);
        assert_eq!(by_epoch, by_step);
    }

    #[test]
    fn mean_loss_does_not_train() {
        let (inputs, targets) = xor();
        let net = net();
        let copy = net.clone();
        let loss = mean_loss(&net, &inputs, &targets).expect("valid data");
        assert_eq!(net, copy);
        assert!(loss > 0.0 && loss < 1.0);
    }

    #[test]
    fn bad_data_is_an_error_with_a_fix() {
        let (inputs, targets) = xor();
        let mut net = net();
        let mut rng = NumpyRng::seed(0);
        assert_eq!(
            train_pass(&mut net, &inputs, &targets[..3], 1.0),
            Err(TrainError::LengthMismatch {
                inputs: 4,
                targets: 3
            })
        );
        assert_eq!(
            train_pass(&mut net, &[], &[], 1.0),
            Err(TrainError::EmptyData)
        );
        let data = Dataset {
            inputs: inputs.clone(),
            targets: targets.clone(),
        };
        assert_eq!(
            train_epoch(&mut net, &data, &MeanSquaredError, 1.0, 0, &mut rng),
            Err(TrainError::ZeroBatchSize)
        );
        for rate in [f64::NAN, f64::INFINITY, 0.0, -1.0] {
            let before = net.clone();
            let error = train_step(&mut net, &[1.0, 0.0], &[1.0], rate)
                .expect_err("bad rate");
            assert!(matches!(error, TrainError::LearningRate { .. }), "{error}");
            assert_eq!(net, before, "a rejected rate changes nothing");
        }
        let mut huge = net.clone();
        let error = train_step(&mut huge, &[f64::MAX, f64::MAX], &[1.0], 1e308);
        assert!(
            error.is_err() || huge.weights().iter().flatten().all(|w| w.is_finite()),
            "an infinite input must not leave NaN weights: {error:?}"
        );
        assert_eq!(mean_loss(&net, &[], &[]), Err(TrainError::EmptyData));
        assert_eq!(
            train_step(&mut net, &[1.0], &[1.0], 1.0),
            Err(TrainError::Network(NetworkError::InputLength {
                expected: 2,
                given: 1
            }))
        );
        let error = train_step(&mut net, &[1.0, 2.0], &[1.0, 0.0], 1.0)
            .expect_err("2 targets");
        assert_eq!(
            error,
            TrainError::Network(NetworkError::TargetLength {
                expected: 1,
                given: 2
            })
        );
        assert!(
            error.to_string().contains("one target per output"),
            "{error}"
        );
        let message = TrainError::ZeroBatchSize.to_string();
        assert!(message.contains("at least 1"), "{message}");
    }

    #[test]
    fn a_nan_loss_stops_training_before_the_update() {
        let (mut inputs, targets) = xor();
        inputs[2] = vec![f64::NAN, 0.0];
        let mut net = net();
        let error =
            train_pass(&mut net, &inputs, &targets, 1.0).expect_err("NaN input");
        let TrainError::NonFinite { step, loss } = error else {
            panic!("expected NonFinite, got {error:?}");
        };
        assert_eq!(step, 2);
        assert!(loss.is_nan());
        assert!(net.weights().iter().flatten().all(|w| w.is_finite()));
        let message = error.to_string();
        assert!(message.contains("step 2"), "{message}");
        assert!(message.contains("learning rate too high"), "{message}");
        assert!(message.contains("log(0)"), "{message}");

        let before = net.clone();
        let error =
            train_step(&mut net, &[f64::NAN, 0.0], &[1.0], 1.0).expect_err("NaN");
        assert!(matches!(error, TrainError::NonFinite { step: 0, .. }));
        assert_eq!(net.weights(), before.weights());
    }

    #[test]
    fn a_nan_in_a_batch_stops_the_epoch_at_that_batch() {
        let (mut inputs, targets) = xor();
        inputs[0] = vec![f64::NAN, 0.0];
        // The batch (of two) that holds example 0 after shuffling.
        let order = NumpyRng::seed(5).permutation(4);
        let batch = order
            .iter()
            .position(|&i| i == 0)
            .expect("0 is shuffled in")
            / 2;
        let mut net = net();
        let data = Dataset { inputs, targets };
        let error = train_epoch(
            &mut net,
            &data,
            &MeanSquaredError,
            1.0,
            2,
            &mut NumpyRng::seed(5),
        )
        .expect_err("NaN input");
        assert!(matches!(error, TrainError::NonFinite { step, .. } if step == batch));
        assert!(net.weights().iter().flatten().all(|w| w.is_finite()));
    }

    #[test]
    fn train_passes_counts_steps_from_the_start() {
        let (mut inputs, targets) = xor();
        let mut net = net();
        let losses =
            train_passes(&mut net, &inputs, &targets, 2.0, 3).expect("finite");
        assert_eq!(losses.len(), 3);
        assert_eq!(format!("{:.6}", losses[0]), "0.418253");

        inputs[1] = vec![0.0, f64::NAN];
        let error =
            train_passes(&mut net, &inputs, &targets, 2.0, 3).expect_err("NaN");
        assert!(matches!(error, TrainError::NonFinite { step: 1, .. }));
    }
}
