//! The one loss abstraction of the book: a [`Loss`] gives its value and the gradient that
//! starts backpropagation, for one example or for a batch of examples (one per row).
//!
//! Two losses cover every chapter: [`MeanSquaredError`] on sigmoid outputs (Chapters 2–4 and
//! the guide's MNIST network) and [`SoftmaxCrossEntropy`], a softmax output layer trained on
//! categorical cross-entropy (Chapter 5). Chapter 4 adds deliberately broken ones to show how a
//! gradient check catches them.

use std::fmt;

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, Zip};

/// The activation of a network's output layer (hidden layers are always sigmoids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Activation {
    /// `a = 1 / (1 + e^(-z))`, each output on its own.
    #[default]
    Sigmoid,
    /// `a_i = e^(z_i) / Σ_j e^(z_j)`: outputs that are positive and sum to 1.
    Softmax,
}

impl Activation {
    /// Applies the activation to every row of `z` (one example per row), in place.
    pub fn apply(self, z: &mut Array2<f64>) {
        match self {
            Self::Sigmoid => z.mapv_inplace(sigmoid),
            Self::Softmax => z.rows_mut().into_iter().for_each(softmax_in_place),
        }
    }

    /// dL/dz from dL/da for one example whose activation is `a`: the chain rule through
    /// the activation. Sigmoid: `dL/da · a(1 - a)`; softmax: `a · (dL/da - Σ_j a_j·dL/da_j)`.
    pub fn backward(
        self,
        a: ArrayView1<'_, f64>,
        dl_da: ArrayView1<'_, f64>,
    ) -> Array1<f64> {
        match self {
            Self::Sigmoid => &dl_da * &a.mapv(sigmoid_derivative),
            Self::Softmax => {
                let weighted = a.dot(&dl_da);
                Zip::from(a)
                    .and(dl_da)
                    .map_collect(|&a, &g| a * (g - weighted))
            }
        }
    }
}

/// The logistic sigmoid, as Chapter 1 defined it.
pub use ch01_loss_functions::loss::sigmoid;

// ANCHOR: sigmoid_derivative
/// The sigmoid's derivative, written in terms of its output `a = sigmoid(z)`:
/// `a(1 - a)`.
pub fn sigmoid_derivative(a: f64) -> f64 {
    a * (1.0 - a)
}
// ANCHOR_END: sigmoid_derivative

// ANCHOR: softmax
/// Softmax of one row, in place: `e^(z_i - m) / Σ_j e^(z_j - m)` with `m` the row's
/// maximum. Subtracting `m` changes nothing mathematically (it cancels in the
/// fraction) but keeps `exp` from overflowing: the largest power is `e^0 = 1`.
pub fn softmax_in_place(mut z: ndarray::ArrayViewMut1<'_, f64>) {
    let max = z.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    z.mapv_inplace(|v| (v - max).exp());
    let total = z.sum();
    z /= total;
}
// ANCHOR_END: softmax

/// A loss a network can be trained with.
///
/// Implementors give the loss of one example and `dL/da`, its gradient with respect to the
/// network's output; the network's output activation turns that into `dL/dz`, where
/// backpropagation starts. The batch methods apply the same to every row and may be
/// overridden with faster code that gives the same numbers.
pub trait Loss: fmt::Debug + Send + Sync {
    /// A short name for printing.
    fn name(&self) -> &str;

    /// The output activation this loss is meant for.
    fn output_activation(&self) -> Activation {
        Activation::Sigmoid
    }

    /// The loss of one example: its output `a` against its target `t`.
    fn value(&self, output: ArrayView1<'_, f64>, target: ArrayView1<'_, f64>) -> f64;

    /// dL/da for one example.
    fn output_gradient(
        &self,
        output: ArrayView1<'_, f64>,
        target: ArrayView1<'_, f64>,
    ) -> Array1<f64>;

    /// dL/dz of the output layer for one example: [`output_gradient`](Self::output_gradient)
    /// through the [`output_activation`](Self::output_activation).
    fn output_delta(
        &self,
        output: ArrayView1<'_, f64>,
        target: ArrayView1<'_, f64>,
    ) -> Array1<f64> {
        let dl_da = self.output_gradient(output, target);
        self.output_activation().backward(output, dl_da.view())
    }

    /// The summed loss of a batch (one example per row).
    fn total(
        &self,
        outputs: ArrayView2<'_, f64>,
        targets: ArrayView2<'_, f64>,
    ) -> f64 {
        outputs
            .rows()
            .into_iter()
            .zip(targets.rows())
            .map(|(a, t)| self.value(a, t))
            .sum()
    }

    /// The mean loss of a batch: [`total`](Self::total) divided by the number of rows.
    fn mean(
        &self,
        outputs: ArrayView2<'_, f64>,
        targets: ArrayView2<'_, f64>,
    ) -> f64 {
        self.total(outputs, targets) / outputs.len_of(Axis(0)).max(1) as f64
    }

    /// dL/dz of the output layer for every example of a batch (one per row).
    fn output_deltas(
        &self,
        outputs: ArrayView2<'_, f64>,
        targets: ArrayView2<'_, f64>,
    ) -> Array2<f64> {
        let mut deltas = Array2::zeros(outputs.raw_dim());
        for ((mut row, a), t) in deltas
            .rows_mut()
            .into_iter()
            .zip(outputs.rows())
            .zip(targets.rows())
        {
            row.assign(&self.output_delta(a, t));
        }
        deltas
    }
}

// ANCHOR: mse_gradient
/// dL/da of the mean squared error `L = mean((a - t)²)` over `n` outputs:
/// `2(a - t) / n`.
pub fn mse_gradient(
    output: ArrayView1<'_, f64>,
    target: ArrayView1<'_, f64>,
) -> Array1<f64> {
    let n = output.len() as f64;
    (&output - &target).mapv(|difference| 2.0 * difference / n)
}
// ANCHOR_END: mse_gradient

/// The mean squared error `mean((a - t)²)` of every example, on sigmoid outputs: the book's
/// loss from Chapter 1 on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MeanSquaredError;

impl Loss for MeanSquaredError {
    fn name(&self) -> &str {
        "MSE"
    }

    fn value(&self, output: ArrayView1<'_, f64>, target: ArrayView1<'_, f64>) -> f64 {
        let sum: f64 = output
            .iter()
            .zip(target)
            .map(|(a, t)| (a - t).powi(2))
            .sum();
        sum / output.len() as f64
    }

    fn output_gradient(
        &self,
        output: ArrayView1<'_, f64>,
        target: ArrayView1<'_, f64>,
    ) -> Array1<f64> {
        mse_gradient(output, target)
    }

    /// Every row at once: `2(a - t)/n · a(1 - a)`, the same numbers as one row at a time.
    fn output_deltas(
        &self,
        outputs: ArrayView2<'_, f64>,
        targets: ArrayView2<'_, f64>,
    ) -> Array2<f64> {
        let n = outputs.ncols() as f64;
        Zip::from(outputs)
            .and(targets)
            .map_collect(|&a, &t| 2.0 * (a - t) / n * sigmoid_derivative(a))
    }
}

/// Outputs are clipped to at least this before taking logarithms (as in Chapter 1).
pub const CLIP: f64 = 1e-15;

// ANCHOR: softmax_cross_entropy
/// Categorical cross-entropy `-Σ_i t_i·ln(a_i)` on a softmax output layer, for
/// one-hot targets `t`. Together, softmax and cross-entropy give the output error
/// `dL/dz = a - t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SoftmaxCrossEntropy;

impl Loss for SoftmaxCrossEntropy {
    fn name(&self) -> &str {
        "softmax + cross-entropy"
    }

    fn output_activation(&self) -> Activation {
        Activation::Softmax
    }

    fn value(&self, output: ArrayView1<'_, f64>, target: ArrayView1<'_, f64>) -> f64 {
        let mut sum = 0.0;
        for (&a, &t) in output.iter().zip(target) {
            if t != 0.0 || a.is_nan() {
                // A NaN output keeps the loss NaN: it is noticed.
                sum -= t * clipped(a).ln();
            }
        }
        sum
    }

    /// dL/da = -t / a (with `a` clipped): the general chain rule, used by gradient
    /// checks.
    fn output_gradient(
        &self,
        output: ArrayView1<'_, f64>,
        target: ArrayView1<'_, f64>,
    ) -> Array1<f64> {
        Zip::from(output)
            .and(target)
            .map_collect(|&a, &t| -t / clipped(a))
    }

    /// The softmax's slope and the logarithm's `1/a` cancel: `dL/dz = a - t`.
    fn output_delta(
        &self,
        output: ArrayView1<'_, f64>,
        target: ArrayView1<'_, f64>,
    ) -> Array1<f64> {
        &output - &target
    }

    fn output_deltas(
        &self,
        outputs: ArrayView2<'_, f64>,
        targets: ArrayView2<'_, f64>,
    ) -> Array2<f64> {
        &outputs - &targets
    }
}
// ANCHOR_END: softmax_cross_entropy

/// `a` moved up to at least [`CLIP`] (a NaN stays NaN).
fn clipped(a: f64) -> f64 {
    if a.is_nan() { a } else { a.max(CLIP) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn softmax_rows_sum_to_one_even_for_huge_inputs() {
        let mut z = array![[1000.0, 1000.0], [0.0, f64::ln(3.0)]];
        Activation::Softmax.apply(&mut z);
        assert_eq!(z.row(0), array![0.5, 0.5]);
        assert!((z[[1, 1]] - 0.75).abs() < 1e-15);
    }

    #[test]
    fn softmax_cross_entropy_delta_is_the_chain_rule_through_softmax() {
        let mut a = array![[0.3, -1.2, 2.0, 0.1]];
        Activation::Softmax.apply(&mut a);
        let t = array![0.0, 0.0, 1.0, 0.0];
        let fused = SoftmaxCrossEntropy.output_delta(a.row(0), t.view());
        let dl_da = SoftmaxCrossEntropy.output_gradient(a.row(0), t.view());
        let chained = Activation::Softmax.backward(a.row(0), dl_da.view());
        for (f, c) in fused.iter().zip(&chained) {
            assert!((f - c).abs() < 1e-15, "{fused} vs {chained}");
        }
    }

    #[test]
    fn batch_methods_give_the_row_by_row_numbers() {
        let outputs = array![[0.2, 0.7], [0.9, 0.4], [0.5, 0.5]];
        let targets = array![[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]];
        let by_rows: Vec<Array1<f64>> = outputs
            .rows()
            .into_iter()
            .zip(targets.rows())
            .map(|(a, t)| MeanSquaredError.output_delta(a, t))
            .collect();
        let batch = MeanSquaredError.output_deltas(outputs.view(), targets.view());
        for (row, expected) in batch.rows().into_iter().zip(&by_rows) {
            assert_eq!(row, expected);
        }
        let total = MeanSquaredError.total(outputs.view(), targets.view());
        assert!((total - (0.065 + 0.085 + 0.25)).abs() < 1e-15, "{total}");
    }

    #[test]
    fn cross_entropy_of_a_nan_output_is_nan() {
        let loss = SoftmaxCrossEntropy
            .value(array![f64::NAN, 0.5].view(), array![0.0, 1.0].view());
        assert!(loss.is_nan());
        let loss = SoftmaxCrossEntropy
            .value(array![0.0, 1.0].view(), array![1.0, 0.0].view());
        assert!((loss - 34.538776394910684).abs() < 1e-12, "{loss}");
    }
}
