//! Forward and backward passes over a whole mini-batch at once.
//!
//! Chapter 2's `Network` works on one example: `z = W·a + b` with `a` a column. Stack the 32
//! examples of a mini-batch as the rows of a matrix `A` (32 × inputs) and the same layer for
//! all of them is one matrix product, `Z = A·Wᵀ + b` (32 × outputs, `b` added to every row).
//! The backward pass stacks the same way: the per-example outer products `δ·aᵀ`, summed over
//! the batch, are exactly the product `Δᵀ·A`. The arithmetic is unchanged; it just happens in
//! a few large matrix products (fast, cache-friendly) instead of thousands of small ones.

use ch02_backpropagation::network::{sigmoid, sigmoid_derivative};
use ch02_backpropagation::{Gradients, Network, NetworkError};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut1, ArrayViewMut2, Axis, Zip};
use rayon::prelude::*;

/// The output layer's activation together with the loss it is trained with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Loss {
    /// Sigmoid outputs and the squared error summed over the outputs, `Σ(a − t)²`, whose
    /// gradient is `2(a − t)`: what the guide's `backward()` computes. Reported as the mean
    /// over the outputs (MSE), as the guide prints it.
    SquaredError,
    /// Sigmoid outputs and Chapter 2's mean squared error, `mean((a − t)²)`, whose gradient is
    /// `2(a − t)/n` for `n` outputs: the same direction, `n` times shorter steps.
    MeanSquaredError,
    /// Softmax outputs and the cross-entropy `−Σ t·ln(a)`: the output error is simply `a − t`.
    CrossEntropy,
}

impl Loss {
    /// How the loss is named in tables.
    pub fn name(self) -> &'static str {
        match self {
            Self::SquaredError => "sigmoid + squared error",
            Self::MeanSquaredError => "sigmoid + MSE (mean)",
            Self::CrossEntropy => "softmax + cross-entropy",
        }
    }

    /// Whether the output layer is a softmax (otherwise every layer is a sigmoid).
    pub fn softmax_output(self) -> bool {
        self == Self::CrossEntropy
    }

    /// The loss of every example of a batch, as reported: MSE for the sigmoid losses (mean
    /// over the outputs, like the guide's `mse_loss`), cross-entropy for the softmax one.
    pub fn reported_sum(self, outputs: ArrayView2<'_, f64>, targets: ArrayView2<'_, f64>) -> f64 {
        match self {
            Self::SquaredError | Self::MeanSquaredError => {
                let outputs_per_example = outputs.ncols() as f64;
                squared_error_sum(outputs, targets) / outputs_per_example
            }
            Self::CrossEntropy => cross_entropy_sum(outputs, targets),
        }
    }
}

/// `Σ (a − t)²` over a whole batch.
pub fn squared_error_sum(outputs: ArrayView2<'_, f64>, targets: ArrayView2<'_, f64>) -> f64 {
    let mut sum = 0.0;
    Zip::from(outputs)
        .and(targets)
        .for_each(|&a, &t| sum += (a - t) * (a - t));
    sum
}

/// `−Σ t·ln(a)` over a whole batch, with `a` clipped to at least `1e-15` (as in Chapter 1).
/// A NaN output gives a NaN sum, so that a run that blew up is noticed.
pub fn cross_entropy_sum(outputs: ArrayView2<'_, f64>, targets: ArrayView2<'_, f64>) -> f64 {
    let mut sum = 0.0;
    Zip::from(outputs).and(targets).for_each(|&a, &t| {
        let clipped = if a.is_nan() { a } else { a.max(1e-15) };
        if t != 0.0 {
            sum -= t * clipped.ln();
        }
    });
    sum
}

/// Replaces every row of `z` by its softmax `e^z / Σ e^z` (shifted by the row's maximum,
/// which changes nothing mathematically and keeps `exp` from overflowing).
pub fn softmax_rows(z: &mut Array2<f64>) {
    for mut row in z.rows_mut() {
        let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        row.mapv_inplace(|v| (v - max).exp());
        let total = row.sum();
        row /= total;
    }
}

// ANCHOR: forward_batch
/// The forward pass for a batch: `inputs` has one example per row. Returns the activations of
/// every layer after the input (one row per example), the last one being the output.
pub fn forward_batch(
    network: &Network,
    loss: Loss,
    inputs: ArrayView2<'_, f64>,
) -> Vec<Array2<f64>> {
    let layers = network.weights().len();
    let mut activations: Vec<Array2<f64>> = Vec::with_capacity(layers);
    for (i, (w, b)) in network.weights().iter().zip(network.biases()).enumerate() {
        let a_prev = match activations.last() {
            Some(a) => a.view(),
            None => inputs,
        };
        let mut z = a_prev.dot(&w.t()); // Z = A·Wᵀ: (batch × n_in)·(n_in × n_out)
        z += b; // + b, added to every row
        if i + 1 == layers && loss.softmax_output() {
            softmax_rows(&mut z);
        } else {
            z.mapv_inplace(sigmoid);
        }
        activations.push(z);
    }
    activations
}
// ANCHOR_END: forward_batch

// ANCHOR: output_delta
/// dL/dz of the output layer for every example of the batch (one row each).
pub fn output_delta(
    loss: Loss,
    outputs: &Array2<f64>,
    targets: ArrayView2<'_, f64>,
) -> Array2<f64> {
    let n = outputs.ncols() as f64;
    match loss {
        // dL/da = 2(a − t), times the sigmoid's slope a(1 − a)
        Loss::SquaredError => Zip::from(outputs)
            .and(targets)
            .map_collect(|&a, &t| 2.0 * (a - t) * sigmoid_derivative(a)),
        // dL/da = 2(a − t)/n, times the sigmoid's slope a(1 − a)
        Loss::MeanSquaredError => Zip::from(outputs)
            .and(targets)
            .map_collect(|&a, &t| 2.0 * (a - t) / n * sigmoid_derivative(a)),
        // softmax and cross-entropy together: the slope cancels, dL/dz = a − t
        Loss::CrossEntropy => outputs - &targets,
    }
}
// ANCHOR_END: output_delta

// ANCHOR: batch_gradients
/// The gradients averaged over the batch, from the activations of [`forward_batch`]: the
/// same numbers as running `backward` on each example and averaging the results.
pub fn batch_gradients(
    network: &Network,
    loss: Loss,
    inputs: ArrayView2<'_, f64>,
    activations: &[Array2<f64>],
    targets: ArrayView2<'_, f64>,
) -> Gradients {
    let batch = inputs.nrows() as f64;
    let mut gradients = Gradients::zeros_like(network);
    let layers = activations.len();
    let mut delta = output_delta(loss, &activations[layers - 1], targets);
    for i in (0..layers).rev() {
        let a_prev = if i == 0 {
            inputs
        } else {
            activations[i - 1].view()
        };
        // Σ over the batch of δ·aᵀ is Δᵀ·A; dividing by the batch size averages it.
        gradients.weights[i] = delta.t().dot(&a_prev) / batch;
        gradients.biases[i] = delta.sum_axis(Axis(0)) / batch;
        if i > 0 {
            // δ of the layer below: (Δ·W) times the sigmoid's slope, element by element.
            let mut below = delta.dot(&network.weights()[i]);
            Zip::from(&mut below)
                .and(&activations[i - 1])
                .for_each(|d, &a| *d *= sigmoid_derivative(a));
            delta = below;
        }
    }
    gradients
}
// ANCHOR_END: batch_gradients

// ANCHOR: batch
/// A mini-batch ready for [`Trainer::gradients`]: only the input columns (pixels) that are
/// non-zero in at least one of its examples.
///
/// Most of an MNIST image is blank background: in 16 digits, about half of the 784 pixels
/// are 0 in every image. Such a column adds exactly `0` to every `z` of the first layer, and
/// its weights' gradient `Σ δ·x` is exactly `0` too: leaving it out changes no number and
/// saves about half of the first layer's work.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// One row per example, one column per entry of `columns`.
    pub inputs: Array2<f64>,
    /// Which input (pixel) each column of `inputs` is, in increasing order.
    pub columns: Vec<usize>,
}
// ANCHOR_END: batch

impl Batch {
    /// A batch of dense inputs, keeping only the columns that are non-zero somewhere.
    pub fn from_dense(inputs: ArrayView2<'_, f64>) -> Self {
        let columns: Vec<usize> = (0..inputs.ncols())
            .filter(|&c| inputs.column(c).iter().any(|&x| x != 0.0))
            .collect();
        Self {
            inputs: inputs.select(Axis(1), &columns),
            columns,
        }
    }
}

/// The rows `rows` of `matrix`, copied into a new matrix (a faster `select(Axis(0), rows)`).
pub fn gather_rows(matrix: &Array2<f64>, rows: &[usize]) -> Array2<f64> {
    let mut data = Vec::with_capacity(rows.len() * matrix.ncols());
    for &row in rows {
        let row = matrix.row(row);
        match row.as_slice() {
            Some(slice) => data.extend_from_slice(slice),
            None => data.extend(row.iter()),
        }
    }
    Array2::from_shape_vec((rows.len(), matrix.ncols()), data)
        .unwrap_or_else(|_| matrix.select(Axis(0), rows))
}

/// `matrix` transposed, stored row by row (a plain `t().to_owned()` would keep the
/// column-by-column order of the transposed view, and rows would no longer be contiguous).
fn transposed(matrix: &Array2<f64>) -> Array2<f64> {
    matrix.t().as_standard_layout().into_owned()
}

/// Adds `factor ·` each part's first-layer gradient rows to the rows of `block`, which holds
/// the rows from `first_row` on; rows of other blocks are left to their own call.
fn add_part_rows(
    mut block: ArrayViewMut2<'_, f64>,
    first_row: usize,
    parts: &[PartGradients],
    factor: f64,
) {
    let rows = first_row..first_row + block.nrows();
    for part in parts {
        let gradient_rows = part.weights_t[0].rows();
        for (&pixel, gradient) in part.columns.iter().zip(gradient_rows) {
            if rows.contains(&pixel) {
                add_scaled(block.row_mut(pixel - first_row), factor, gradient);
            }
        }
    }
}

/// `target += factor · source`, element by element, as a plain loop over two slices when
/// both are contiguous (which the compiler turns into vector instructions).
fn add_scaled(mut target: ArrayViewMut1<'_, f64>, factor: f64, source: ArrayView1<'_, f64>) {
    match (target.as_slice_mut(), source.as_slice()) {
        (Some(target), Some(source)) => {
            for (t, s) in target.iter_mut().zip(source) {
                *t += factor * s;
            }
        }
        _ => target.scaled_add(factor, &source),
    }
}

// ANCHOR: trainer
/// A network laid out for fast mini-batch training.
///
/// Each layer's weights are stored transposed, `Wᵀ` (inputs × outputs), so that row `p` of
/// the first layer holds everything pixel `p` connects to. A [`Batch`] uses only some pixels:
/// the trainer copies just those rows out, multiplies, and adds the update back into just
/// those rows. All copies are whole contiguous rows, so they cost little next to the
/// matrix products.
#[derive(Debug, Clone, PartialEq)]
pub struct Trainer {
    /// `Wᵀ` of every layer: one row per input, one column per neuron.
    weights_t: Vec<Array2<f64>>,
    /// The biases of every layer.
    biases: Vec<Array1<f64>>,
    /// The loss the network is trained with.
    loss: Loss,
}
// ANCHOR_END: trainer

/// The summed (not yet averaged) gradients of one part of a mini-batch.
#[derive(Debug, Clone, PartialEq)]
pub struct PartGradients {
    /// Examples in the part.
    pub examples: usize,
    /// The summed reported loss of its examples.
    pub loss: f64,
    /// Which pixels the first layer's gradient rows belong to.
    pub columns: Vec<usize>,
    /// `Σ ∂L/∂Wᵀ` of every layer; for the first layer only the rows of `columns`.
    pub weights_t: Vec<Array2<f64>>,
    /// `Σ ∂L/∂b` of every layer.
    pub biases: Vec<Array1<f64>>,
}

impl Trainer {
    /// Takes over the parameters of `network`, to be trained with `loss`.
    pub fn new(network: &Network, loss: Loss) -> Self {
        Self {
            weights_t: network.weights().iter().map(transposed).collect(),
            biases: network.biases().to_vec(),
            loss,
        }
    }

    /// The network with the trained parameters.
    ///
    /// # Errors
    /// Never in practice: the shapes came from a valid network.
    pub fn network(&self) -> Result<Network, NetworkError> {
        let weights = self.weights_t.iter().map(transposed).collect();
        Network::from_parameters(weights, self.biases.clone())
    }

    // ANCHOR: part_gradients
    /// The forward and backward pass for one part of a mini-batch: the loss and the gradient,
    /// summed over its examples (`Aᵀ·Δ`, the transpose of `Δᵀ·A`, for the transposed weights).
    pub fn gradients(&self, batch: &Batch, targets: ArrayView2<'_, f64>) -> PartGradients {
        let used_rows = gather_rows(&self.weights_t[0], &batch.columns);
        let activations = self.forward(&used_rows, batch.inputs.view());
        let layers = activations.len();
        let output = &activations[layers - 1];
        let mut part = PartGradients {
            examples: batch.inputs.nrows(),
            loss: self.loss.reported_sum(output.view(), targets),
            columns: batch.columns.clone(),
            weights_t: Vec::with_capacity(layers),
            biases: Vec::with_capacity(layers),
        };
        let mut delta = output_delta(self.loss, output, targets);
        for i in (0..layers).rev() {
            let a_prev = if i == 0 {
                batch.inputs.view()
            } else {
                activations[i - 1].view()
            };
            part.weights_t.push(a_prev.t().dot(&delta)); // Σ over examples of a·δᵀ = Aᵀ·Δ
            part.biases.push(delta.sum_axis(Axis(0)));
            if i > 0 {
                let mut below = delta.dot(&self.weights_t[i].t());
                Zip::from(&mut below)
                    .and(&activations[i - 1])
                    .for_each(|d, &a| *d *= sigmoid_derivative(a));
                delta = below;
            }
        }
        part.weights_t.reverse();
        part.biases.reverse();
        part
    }
    // ANCHOR_END: part_gradients

    // ANCHOR: apply
    /// Gradient descent with the gradients of all parts of a mini-batch, averaged over its
    /// examples: `Wᵀ ← Wᵀ − rate · (Σ parts) / examples`. Returns the summed loss.
    pub fn apply(&mut self, parts: &[PartGradients], learning_rate: f64) -> f64 {
        let examples: usize = parts.iter().map(|p| p.examples).sum();
        let step = -learning_rate / examples.max(1) as f64;
        // The first layer: only the rows of the pixels each part used. The upper and the
        // lower half of the rows are updated at the same time, each in the order of the parts.
        let split = self.weights_t[0].nrows() / 2;
        let (upper, lower) = self.weights_t[0].view_mut().split_at(Axis(0), split);
        rayon::join(
            || add_part_rows(upper, 0, parts, step),
            || add_part_rows(lower, split, parts, step),
        );
        for part in parts {
            for (w_t, gradient) in self.weights_t.iter_mut().zip(&part.weights_t).skip(1) {
                w_t.scaled_add(step, gradient);
            }
            for (b, gradient) in self.biases.iter_mut().zip(&part.biases) {
                b.scaled_add(step, gradient);
            }
        }
        parts.iter().map(|p| p.loss).sum()
    }
    // ANCHOR_END: apply

    // ANCHOR: train_step
    /// One step of mini-batch gradient descent on a mini-batch given in parts (each part a
    /// batch of inputs and its targets): the parts' gradients are computed in parallel, then
    /// added. Returns the summed reported loss.
    ///
    /// The same update as `network.apply_gradients(&batch_gradients(…), learning_rate)` for
    /// the whole mini-batch, whatever the number of parts.
    pub fn step(&mut self, parts: &[(Batch, Array2<f64>)], learning_rate: f64) -> f64 {
        let gradients: Vec<PartGradients> = parts
            .par_iter()
            .map(|(batch, targets)| self.gradients(batch, targets.view()))
            .collect();
        self.apply(&gradients, learning_rate)
    }
    // ANCHOR_END: train_step

    /// The forward pass with the first layer's used rows given separately.
    fn forward(&self, used_rows: &Array2<f64>, inputs: ArrayView2<'_, f64>) -> Vec<Array2<f64>> {
        let layers = self.weights_t.len();
        let mut activations: Vec<Array2<f64>> = Vec::with_capacity(layers);
        for (i, b) in self.biases.iter().enumerate() {
            let w_t = if i == 0 {
                used_rows
            } else {
                &self.weights_t[i]
            };
            let a_prev = match activations.last() {
                Some(a) => a.view(),
                None => inputs,
            };
            let mut z = a_prev.dot(w_t) + b;
            if i + 1 == layers && self.loss.softmax_output() {
                softmax_rows(&mut z);
            } else {
                z.mapv_inplace(sigmoid);
            }
            activations.push(z);
        }
        activations
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bookkit::NumpyRng;
    use ch02_backpropagation::network::mse_gradient;

    /// A small random batch: 7 examples of 6 inputs in [0, 1], one-hot targets of 4 classes.
    fn batch(rng: &mut NumpyRng) -> (Array2<f64>, Array2<f64>) {
        let inputs = Array2::from_shape_vec((7, 6), rng.uniform_vec(0.0, 1.0, 42)).expect("7×6");
        let mut targets = Array2::zeros((7, 4));
        for (row, class) in [2, 0, 3, 1, 1, 0, 2].into_iter().enumerate() {
            targets[[row, class]] = 1.0;
        }
        (inputs, targets)
    }

    fn max_difference(a: &Gradients, b: &Gradients) -> f64 {
        let weights = a.weights.iter().zip(&b.weights).flat_map(|(x, y)| {
            x.iter()
                .zip(y)
                .map(|(p, q)| (p - q).abs())
                .collect::<Vec<_>>()
        });
        let biases = a.biases.iter().zip(&b.biases).flat_map(|(x, y)| {
            x.iter()
                .zip(y)
                .map(|(p, q)| (p - q).abs())
                .collect::<Vec<_>>()
        });
        weights.chain(biases).fold(0.0, f64::max)
    }

    /// The guide's way: `forward` and `backward` one example at a time, summed, averaged.
    fn per_example(
        network: &Network,
        loss: Loss,
        inputs: &Array2<f64>,
        targets: &Array2<f64>,
    ) -> Gradients {
        let mut network = network.clone();
        let mut total = Gradients::zeros_like(&network);
        for (x, t) in inputs.rows().into_iter().zip(targets.rows()) {
            let output = network.forward(&x.to_vec()).expect("6 inputs");
            let gradient = match loss {
                Loss::SquaredError => (&output - &t) * 2.0,
                Loss::MeanSquaredError => mse_gradient(output.view(), t),
                Loss::CrossEntropy => unreachable!("Chapter 2's network has sigmoid outputs"),
            };
            total.add_assign(&network.backward_from(gradient).expect("after forward"));
        }
        total.scale(1.0 / inputs.nrows() as f64);
        total
    }

    #[test]
    fn batch_gradients_equal_per_example_backward() {
        let mut rng = NumpyRng::seed(3);
        let network = Network::from_rng(&[6, 5, 4], &mut rng).expect("valid sizes");
        let (inputs, targets) = batch(&mut rng);
        for loss in [Loss::SquaredError, Loss::MeanSquaredError] {
            let activations = forward_batch(&network, loss, inputs.view());
            let batched =
                batch_gradients(&network, loss, inputs.view(), &activations, targets.view());
            let expected = per_example(&network, loss, &inputs, &targets);
            let difference = max_difference(&batched, &expected);
            assert!(difference < 1e-12, "{loss:?}: off by {difference:e}");
        }
    }

    #[test]
    fn squared_error_gradient_is_n_times_the_mean_one() {
        let mut rng = NumpyRng::seed(4);
        let network = Network::from_rng(&[6, 3, 4], &mut rng).expect("valid sizes");
        let (inputs, targets) = batch(&mut rng);
        let gradients = |loss| {
            let activations = forward_batch(&network, loss, inputs.view());
            batch_gradients(&network, loss, inputs.view(), &activations, targets.view())
        };
        let mut mean = gradients(Loss::MeanSquaredError);
        mean.scale(4.0);
        assert!(max_difference(&gradients(Loss::SquaredError), &mean) < 1e-15);
    }

    #[test]
    fn trainer_step_equals_gradients_then_update() {
        let mut rng = NumpyRng::seed(5);
        let network = Network::from_rng(&[6, 5, 4], &mut rng).expect("valid sizes");
        let (inputs, targets) = batch(&mut rng);
        for loss in [Loss::SquaredError, Loss::CrossEntropy] {
            let mut sparse = inputs.clone();
            sparse.column_mut(2).fill(0.0);
            sparse.column_mut(4).fill(0.0);
            let batch = Batch::from_dense(sparse.view());
            assert_eq!(batch.columns, vec![0, 1, 3, 5]);
            // The same mini-batch in two parts of 3 and 4 examples.
            let part = |rows: &[usize]| {
                (
                    Batch::from_dense(sparse.select(Axis(0), rows).view()),
                    targets.select(Axis(0), rows),
                )
            };
            let parts = [part(&[0, 1, 2]), part(&[3, 4, 5, 6])];
            let activations = forward_batch(&network, loss, sparse.view());
            let gradients =
                batch_gradients(&network, loss, sparse.view(), &activations, targets.view());
            let mut expected = network.clone();
            expected.apply_gradients(&gradients, 0.5);
            let as_gradients = |n: &Network| Gradients {
                weights: n.weights().to_vec(),
                biases: n.biases().to_vec(),
            };
            for parts in [&[(batch.clone(), targets.clone())][..], &parts[..]] {
                let mut trainer = Trainer::new(&network, loss);
                trainer.step(parts, 0.5);
                let trained = trainer.network().expect("same shapes");
                let difference = max_difference(&as_gradients(&trained), &as_gradients(&expected));
                assert!(
                    difference < 1e-12,
                    "{loss:?}, {} parts: off by {difference:e}",
                    parts.len()
                );
            }
        }
    }

    #[test]
    fn cross_entropy_gradients_pass_a_gradient_check() {
        let mut rng = NumpyRng::seed(6);
        let network = Network::from_rng(&[6, 5, 4], &mut rng).expect("valid sizes");
        let (inputs, targets) = batch(&mut rng);
        let loss_of = |n: &Network| {
            let outputs = forward_batch(n, Loss::CrossEntropy, inputs.view());
            cross_entropy_sum(outputs[1].view(), targets.view()) / inputs.nrows() as f64
        };
        let activations = forward_batch(&network, Loss::CrossEntropy, inputs.view());
        let analytic = batch_gradients(
            &network,
            Loss::CrossEntropy,
            inputs.view(),
            &activations,
            targets.view(),
        );
        let h = 1e-6;
        for layer in 0..2 {
            let (rows, cols) = network.weights()[layer].dim();
            for (r, c) in (0..rows).flat_map(|r| (0..cols).map(move |c| (r, c))) {
                let mut plus = network.clone();
                plus.parameters_mut().0[layer][[r, c]] += h;
                let mut minus = network.clone();
                minus.parameters_mut().0[layer][[r, c]] -= h;
                let numeric = (loss_of(&plus) - loss_of(&minus)) / (2.0 * h);
                let got = analytic.weights[layer][[r, c]];
                assert!(
                    (numeric - got).abs() < 1e-8,
                    "W{layer}[{r},{c}]: {got} vs {numeric}"
                );
            }
        }
    }

    #[test]
    fn gathered_rows_are_copies_of_the_rows() {
        let matrix = Array2::from_shape_fn((5, 3), |(r, c)| (10 * r + c) as f64);
        let rows = gather_rows(&matrix, &[1, 3]);
        assert_eq!(
            rows,
            ndarray::array![[10.0, 11.0, 12.0], [30.0, 31.0, 32.0]]
        );
        let mut row = ndarray::Array1::from(vec![1.0, 2.0, 3.0]);
        add_scaled(row.view_mut(), -2.0, matrix.row(1));
        assert_eq!(row.to_vec(), vec![-19.0, -20.0, -21.0]);
    }

    #[test]
    fn softmax_rows_sum_to_one_even_for_huge_inputs() {
        let mut z = ndarray::array![[1000.0, 1000.0], [0.0, f64::ln(3.0)]];
        softmax_rows(&mut z);
        assert_eq!(z.row(0), Array1::from(vec![0.5, 0.5]));
        assert!((z[[1, 1]] - 0.75).abs() < 1e-15);
    }
}
