//! A feed-forward network of sigmoid layers that can compute its own gradients.
//!
//! This is the `Network` the later chapters train: built from layer sizes and a seed with the
//! guide's initialisation, `forward` keeps every activation, `backward` turns them into the
//! gradient of the mean-squared-error loss with respect to every weight and bias.

use std::fmt;

use bookkit::NumpyRng;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, ShapeBuilder};

use crate::inputs::InputBatch;
use crate::lines;
use crate::loss::Activation;

/// What went wrong when building or running a [`Network`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkError {
    /// A network needs at least an input size and an output size.
    TooFewLayers {
        /// How many layer sizes were given.
        given: usize,
    },
    /// Every layer needs at least one neuron.
    ZeroSizedLayer {
        /// Position of the zero in the list of layer sizes.
        index: usize,
    },
    /// The input vector does not match the first layer.
    InputLength {
        /// The network's input size.
        expected: usize,
        /// The length of the input that was passed.
        given: usize,
    },
    /// The target vector does not match the last layer.
    TargetLength {
        /// The network's output size.
        expected: usize,
        /// The length of the target that was passed.
        given: usize,
    },
    /// `backward` needs the activations that `forward` stores.
    BackwardBeforeForward,
    /// A batch (inputs, activations or output deltas) has the wrong shape.
    BatchShape {
        /// Which matrix is wrong.
        what: &'static str,
        /// The shape it should have.
        expected: String,
        /// Its shape (rows, columns).
        given: (usize, usize),
    },
    /// The layer sizes ask for more than [`MAX_PARAMETERS`] weights and biases.
    TooLarge {
        /// The layer sizes that were asked for.
        layer_sizes: Vec<usize>,
    },
    /// Weight and bias shapes given to [`Network::from_parameters`] do not chain.
    ParameterShape {
        /// The layer (counting from 1) whose shapes are wrong.
        layer: usize,
        /// What was wrong with them.
        problem: String,
    },
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooFewLayers { given } => write!(
                f,
                "a network needs at least 2 layer sizes (inputs and outputs), got {given}: pass e.g. [2, 4, 1]"
            ),
            Self::ZeroSizedLayer { index } => write!(
                f,
                "layer size {index} is 0: every layer needs at least one neuron"
            ),
            Self::InputLength { expected, given } => write!(
                f,
                "the input has {given} values but the network takes {expected}: pass one value per input neuron"
            ),
            Self::TargetLength { expected, given } => write!(
                f,
                "the target has {given} values but the network outputs {expected}: pass one target per output neuron"
            ),
            Self::BackwardBeforeForward => write!(
                f,
                "backward() needs the activations of a forward pass: call forward(input) first"
            ),
            Self::BatchShape {
                what,
                expected,
                given: (rows, cols),
            } => write!(
                f,
                "the {what} are {rows} × {cols} but should be {expected}: one example per row"
            ),
            Self::TooLarge { layer_sizes } => write!(
                f,
                "layer sizes {layer_sizes:?} need more than {MAX_PARAMETERS} weights and biases: \
                 use smaller layers"
            ),
            Self::ParameterShape { layer, problem } => {
                write!(f, "layer {layer}: {problem}")
            }
        }
    }
}

impl std::error::Error for NetworkError {}

pub use crate::loss::{mse_gradient, sigmoid, sigmoid_derivative};

/// The most weights and biases a network may have (100 million, 800 MB of `f64`): larger
/// layer sizes are refused before anything is allocated.
pub const MAX_PARAMETERS: usize = 100_000_000;

/// The gradient of the loss with respect to every parameter, shaped like the parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Gradients {
    /// dL/dW, one matrix per layer (shape: outputs × inputs).
    pub weights: Vec<Array2<f64>>,
    /// dL/db, one vector per layer.
    pub biases: Vec<Array1<f64>>,
}

impl Gradients {
    /// All-zero gradients shaped like `network`'s parameters.
    pub fn zeros_like(network: &Network) -> Self {
        Self {
            weights: network
                .weights
                .iter()
                .map(|w| Array2::zeros(w.raw_dim().f()))
                .collect(),
            biases: network
                .biases
                .iter()
                .map(|b| Array1::zeros(b.raw_dim()))
                .collect(),
        }
    }

    /// Adds `other` into `self`, element by element.
    pub fn add_assign(&mut self, other: &Gradients) {
        for (mine, theirs) in self.weights.iter_mut().zip(&other.weights) {
            *mine += theirs;
        }
        for (mine, theirs) in self.biases.iter_mut().zip(&other.biases) {
            *mine += theirs;
        }
    }

    /// Multiplies every gradient by `factor`.
    pub fn scale(&mut self, factor: f64) {
        for w in &mut self.weights {
            *w *= factor;
        }
        for b in &mut self.biases {
            *b *= factor;
        }
    }

    /// Whether every gradient is a finite number (no NaN, no infinity).
    pub fn is_finite(&self) -> bool {
        self.is_finite_in(None)
    }

    /// Whether every gradient is a finite number, looking at the first layer's weight
    /// gradient only in the input columns `first_columns` when they are given (the
    /// others are known to be 0: see [`InputBatch::used_columns`]).
    pub fn is_finite_in(&self, first_columns: Option<&[usize]>) -> bool {
        // A fold without an early exit: the compiler turns it into vector instructions.
        let finite = |values: ArrayView1<'_, f64>| match values
            .as_slice_memory_order()
        {
            Some(values) => values.iter().fold(true, |all, g| all & g.is_finite()),
            None => values.iter().all(|g| g.is_finite()),
        };
        let weights =
            self.weights.iter().enumerate().map(|(i, w)| {
                match first_columns.filter(|_| i == 0) {
                    Some(columns) => columns
                        .iter()
                        .filter(|&&k| k < w.ncols())
                        .all(|&k| finite(w.column(k))),
                    None => match w.as_slice_memory_order() {
                        Some(values) => finite(ArrayView1::from(values)),
                        None => w.iter().all(|g| g.is_finite()),
                    },
                }
            });
        let biases = self.biases.iter().map(|b| finite(b.view()));
        weights.chain(biases).fold(true, |all, layer| all & layer)
    }

    /// The Euclidean length of all gradients taken together.
    pub fn norm(&self) -> f64 {
        let weights: f64 = self.weights.iter().flatten().map(|g| g * g).sum();
        let biases: f64 = self.biases.iter().flatten().map(|g| g * g).sum();
        (weights + biases).sqrt()
    }
}

/// A feed-forward network: sigmoid hidden layers and a sigmoid (or softmax) output layer.
///
/// The network is batch-first: [`forward_batch`](Self::forward_batch) and
/// [`backward_batch`](Self::backward_batch) work on a matrix with **one example per row**.
/// The one-example calls ([`forward`](Self::forward), [`backward`](Self::backward),
/// [`predict`](Self::predict)) run the same code on a batch of one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    weights: Vec<Array2<f64>>,
    biases: Vec<Array1<f64>>,
    /// The output layer's activation.
    output: Activation,
    /// `activations[0]` is the input, `activations[i]` the output of layer `i`.
    activations: Option<Vec<Array1<f64>>>,
}

impl Network {
    // ANCHOR: new
    /// A network with the guide's initialisation: `np.random.seed(seed)`, then for each layer
    /// `W = randn(n_out, n_in) · sqrt(2 / n_in)` and `b = 0`.
    ///
    /// # Errors
    /// [`NetworkError`] for fewer than two layer sizes, a layer of size zero, or more than
    /// [`MAX_PARAMETERS`] weights and biases.
    pub fn new(layer_sizes: &[usize], seed: u32) -> Result<Self, NetworkError> {
        Self::from_rng(layer_sizes, &mut NumpyRng::seed(seed))
    }

    /// Like [`new`](Self::new), drawing from `rng` instead of a fresh seed, so that the caller
    /// can keep using the same stream afterwards (as the guide's numpy code does when it
    /// shuffles with `np.random.permutation` after building the network).
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn from_rng(
        layer_sizes: &[usize],
        rng: &mut NumpyRng,
    ) -> Result<Self, NetworkError> {
        check_layer_sizes(layer_sizes)?;
        let mut weights = Vec::new();
        let mut biases = Vec::new();
        for pair in layer_sizes.windows(2) {
            let (n_in, n_out) = (pair[0], pair[1]);
            let scale = (2.0 / n_in as f64).sqrt();
            weights.push(column_major(rng.randn_matrix(n_out, n_in) * scale));
            biases.push(Array1::zeros(n_out));
        }
        Ok(Self {
            weights,
            biases,
            output: Activation::Sigmoid,
            activations: None,
        })
    }
    // ANCHOR_END: new

    /// A network with the given weights and biases (e.g. the chapter's hand-trace network).
    ///
    /// # Errors
    /// [`NetworkError::ParameterShape`] when the shapes do not chain from layer to layer,
    /// [`NetworkError::TooFewLayers`] for no layers at all.
    pub fn from_parameters(
        weights: Vec<Array2<f64>>,
        biases: Vec<Array1<f64>>,
    ) -> Result<Self, NetworkError> {
        if weights.is_empty() {
            return Err(NetworkError::TooFewLayers { given: 0 });
        }
        if weights.len() != biases.len() {
            return Err(NetworkError::ParameterShape {
                layer: weights.len().min(biases.len()) + 1,
                problem: format!(
                    "{} weight matrices but {} bias vectors: pass one of each per layer",
                    weights.len(),
                    biases.len()
                ),
            });
        }
        for (index, (w, b)) in weights.iter().zip(&biases).enumerate() {
            let layer = index + 1;
            if w.nrows() == 0 || w.ncols() == 0 {
                return Err(NetworkError::ZeroSizedLayer { index: layer });
            }
            if b.len() != w.nrows() {
                return Err(NetworkError::ParameterShape {
                    layer,
                    problem: format!(
                        "W has {} rows but b has {} entries: one bias per output neuron",
                        w.nrows(),
                        b.len()
                    ),
                });
            }
            if index > 0 && w.ncols() != weights[index - 1].nrows() {
                return Err(NetworkError::ParameterShape {
                    layer,
                    problem: format!(
                        "W has {} columns but the previous layer has {} outputs",
                        w.ncols(),
                        weights[index - 1].nrows()
                    ),
                });
            }
        }
        Ok(Self {
            weights: weights.into_iter().map(column_major).collect(),
            biases,
            output: Activation::Sigmoid,
            activations: None,
        })
    }

    /// The same network with `output` as the output layer's activation (e.g.
    /// [`Activation::Softmax`] for [`SoftmaxCrossEntropy`](crate::loss::SoftmaxCrossEntropy)).
    #[must_use]
    pub fn with_output(mut self, output: Activation) -> Self {
        self.output = output;
        self.activations = None;
        self
    }

    /// The output layer's activation.
    pub fn output_activation(&self) -> Activation {
        self.output
    }

    /// The layer sizes, input first: `[2, 4, 1]` for a 2→4→1 network.
    pub fn layer_sizes(&self) -> Vec<usize> {
        let mut sizes = vec![self.inputs()];
        sizes.extend(self.weights.iter().map(Array2::nrows));
        sizes
    }

    /// The number of inputs the first layer takes.
    pub fn inputs(&self) -> usize {
        self.weights[0].ncols()
    }

    /// The number of outputs of the last layer.
    pub fn outputs(&self) -> usize {
        self.weights[self.weights.len() - 1].nrows()
    }

    /// The number of weights and biases.
    pub fn parameter_count(&self) -> usize {
        self.weights.iter().map(Array2::len).sum::<usize>()
            + self.biases.iter().map(Array1::len).sum::<usize>()
    }

    /// The weight matrices, first layer first.
    pub fn weights(&self) -> &[Array2<f64>] {
        &self.weights
    }

    /// The bias vectors, first layer first.
    pub fn biases(&self) -> &[Array1<f64>] {
        &self.biases
    }

    /// Mutable access to the weights and biases (for updates and gradient checking).
    /// Any stored activations are dropped, since they no longer match the parameters.
    pub fn parameters_mut(&mut self) -> (&mut [Array2<f64>], &mut [Array1<f64>]) {
        self.activations = None;
        (&mut self.weights, &mut self.biases)
    }

    /// The activations stored by the last [`forward`](Self::forward), input first.
    pub fn activations(&self) -> Option<&[Array1<f64>]> {
        self.activations.as_deref()
    }

    /// The activation of layer `index` (counting from 0): sigmoid, or the output's.
    fn activation(&self, index: usize) -> Activation {
        if index + 1 == self.weights.len() {
            self.output
        } else {
            Activation::Sigmoid
        }
    }

    /// One example as a batch of one row.
    fn one_row(&self, input: &[f64]) -> Result<Array2<f64>, NetworkError> {
        if input.len() != self.inputs() {
            return Err(NetworkError::InputLength {
                expected: self.inputs(),
                given: input.len(),
            });
        }
        Ok(ArrayView1::from(input).insert_axis(Axis(0)).to_owned())
    }

    /// The output for `input`, without storing anything.
    ///
    /// # Errors
    /// [`NetworkError::InputLength`] when `input` does not match the first layer.
    pub fn predict(&self, input: &[f64]) -> Result<Array1<f64>, NetworkError> {
        let mut activations = self.forward_batch(self.one_row(input)?.view())?;
        Ok(last_row(&mut activations))
    }

    // ANCHOR: forward_batch
    /// The forward pass for a batch, one example per row of `inputs`: layer by layer,
    /// `Z = A·Wᵀ + b` (`b` added to every row) and `A = sigmoid(Z)`. Returns every
    /// layer's activations, the inputs first and the outputs last.
    ///
    /// # Errors
    /// [`NetworkError::BatchShape`] when `inputs` has no rows or the wrong number of
    /// columns.
    pub fn forward_batch(
        &self,
        inputs: ArrayView2<'_, f64>,
    ) -> Result<Vec<Array2<f64>>, NetworkError> {
        let layers = self.forward_layers(&inputs)?;
        let mut activations = vec![inputs.to_owned()];
        activations.extend(layers);
        Ok(activations)
    }
    // ANCHOR_END: forward_batch

    // ANCHOR: forward_layers
    /// The forward pass for inputs stored any way (a matrix, or only their non-zero
    /// values: [`SparseRows`](crate::inputs::SparseRows)): the activations of every
    /// layer, the outputs last. Only the first layer's product reads the inputs.
    ///
    /// # Errors
    /// [`NetworkError::BatchShape`] when `inputs` has no rows or the wrong number of
    /// columns.
    pub fn forward_layers(
        &self,
        inputs: &impl InputBatch,
    ) -> Result<Vec<Array2<f64>>, NetworkError> {
        self.check_batch(inputs.dim(), self.inputs(), "inputs")?;
        let mut layers: Vec<Array2<f64>> = Vec::with_capacity(self.weights.len());
        for (i, (w, b)) in self.weights.iter().zip(&self.biases).enumerate() {
            let mut z = match layers.last() {
                None => inputs.times_transposed(w)?, // A₀·W₁ᵀ: reads the inputs
                Some(a_prev) => a_prev.dot(&w.t()),
            };
            z += b; // b added to every row
            self.activation(i).apply(&mut z);
            layers.push(z);
        }
        Ok(layers)
    }
    // ANCHOR_END: forward_layers

    // ANCHOR: forward
    /// The forward pass for one example: [`forward_batch`](Self::forward_batch) on a
    /// batch of one row. Keeps every activation for [`backward`](Self::backward) and
    /// returns the output.
    ///
    /// # Errors
    /// [`NetworkError::InputLength`] when `input` does not match the first layer.
    pub fn forward(&mut self, input: &[f64]) -> Result<Array1<f64>, NetworkError> {
        let batch = self.forward_batch(self.one_row(input)?.view())?;
        let activations: Vec<Array1<f64>> =
            batch.iter().map(|a| a.row(0).to_owned()).collect();
        let output = activations[activations.len() - 1].clone();
        self.activations = Some(activations);
        Ok(output)
    }
    // ANCHOR_END: forward

    /// The backward pass for the mean-squared-error loss against `target`.
    ///
    /// # Errors
    /// [`NetworkError::BackwardBeforeForward`] without a forward pass first,
    /// [`NetworkError::TargetLength`] when `target` does not match the last layer.
    pub fn backward(&self, target: &[f64]) -> Result<Gradients, NetworkError> {
        let output = self.stored_output()?;
        if target.len() != output.len() {
            return Err(NetworkError::TargetLength {
                expected: output.len(),
                given: target.len(),
            });
        }
        self.backward_from(mse_gradient(output.view(), ArrayView1::from(target)))
    }

    /// The backward pass for one example from a given dL/da of the output layer (any loss):
    /// the output activation turns it into dL/dz, then [`backward_batch`](Self::backward_batch)
    /// runs on a batch of one row.
    ///
    /// # Errors
    /// [`NetworkError::BackwardBeforeForward`] without a forward pass first,
    /// [`NetworkError::TargetLength`] when the gradient does not match the output layer.
    pub fn backward_from(
        &self,
        output_gradient: Array1<f64>,
    ) -> Result<Gradients, NetworkError> {
        let output = self.stored_output()?;
        if output_gradient.len() != output.len() {
            return Err(NetworkError::TargetLength {
                expected: output.len(),
                given: output_gradient.len(),
            });
        }
        let delta = self.output.backward(output.view(), output_gradient.view());
        let stored = self.activations.as_deref().unwrap_or_default();
        let batch: Vec<Array2<f64>> = stored
            .iter()
            .map(|a| a.view().insert_axis(Axis(0)).to_owned())
            .collect();
        self.backward_batch(&batch, delta.insert_axis(Axis(0)))
    }

    // ANCHOR: backward_batch
    /// The backward pass for a batch. `activations` are
    /// [`forward_batch`](Self::forward_batch)'s, `output_deltas` is dL/dz of the output
    /// layer (one row per example, from
    /// [`Loss::output_deltas`](crate::loss::Loss::output_deltas)). Returns the gradients
    /// **summed** over the examples of the batch.
    ///
    /// # Errors
    /// [`NetworkError::BatchShape`] when the activations or deltas do not fit the
    /// network.
    pub fn backward_batch(
        &self,
        activations: &[Array2<f64>],
        output_deltas: Array2<f64>,
    ) -> Result<Gradients, NetworkError> {
        self.check_activations(activations, output_deltas.dim())?;
        self.backward_layers(&activations[0].view(), &activations[1..], output_deltas)
    }
    // ANCHOR_END: backward_batch

    // ANCHOR: backward_layers
    /// The backward pass for inputs stored any way: `layers` are
    /// [`forward_layers`](Self::forward_layers)' activations for these `inputs`,
    /// `output_deltas` is dL/dz of the output layer (one row per example). Returns the
    /// gradients **summed** over the examples of the batch.
    ///
    /// # Errors
    /// [`NetworkError::BatchShape`] when the inputs, activations or deltas do not fit.
    pub fn backward_layers(
        &self,
        inputs: &impl InputBatch,
        layers: &[Array2<f64>],
        output_deltas: Array2<f64>,
    ) -> Result<Gradients, NetworkError> {
        self.check_batch(inputs.dim(), self.inputs(), "inputs")?;
        self.check_layers(layers, output_deltas.dim())?;
        let (mut weights, mut biases) = (Vec::new(), Vec::new()); // last layer first
        // 1. The error signal from above, already through the output's activation
        //    (step 2): delta = dL/dz of the output layer, one row per example.
        let mut delta = output_deltas;
        for i in (0..self.weights.len()).rev() {
            // 3. Weight gradient: Σ over the examples of delta · a_prevᵀ, that is
            //    Δᵀ·A_prev, where A_prev is this layer's input (the inputs for i = 0).
            let gradient = match i {
                0 => inputs.transposed_times(delta.view())?,
                _ => delta.t().dot(&layers[i - 1]),
            };
            weights.push(column_major(gradient));
            // 4. Bias gradient: delta, summed over the examples.
            biases.push(delta.sum_axis(Axis(0)));
            if i > 0 {
                // 5. Pass the error signal back through the weights: Δ·W ...
                let dl_da = delta.dot(&self.weights[i]);
                // 2. ... times the layer below's activation derivative: its delta.
                delta = dl_da * &layers[i - 1].mapv(sigmoid_derivative);
            }
        }
        weights.reverse();
        biases.reverse();
        Ok(Gradients { weights, biases })
    }
    // ANCHOR_END: backward_layers

    /// Gradient descent: every parameter moves by `-learning_rate ·` its gradient.
    ///
    /// # Errors
    /// [`NetworkError::ParameterShape`] when `gradients` are not shaped like the parameters
    /// (nothing is changed then).
    pub fn apply_gradients(
        &mut self,
        gradients: &Gradients,
        learning_rate: f64,
    ) -> Result<(), NetworkError> {
        if !self.fits(gradients) {
            return Err(NetworkError::ParameterShape {
                layer: 1,
                problem:
                    "the gradients are not shaped like this network's weights and \
                          biases: pass the gradients of this network"
                        .into(),
            });
        }
        for (w, g) in self.weights.iter_mut().zip(&gradients.weights) {
            w.scaled_add(-learning_rate, g);
        }
        for (b, g) in self.biases.iter_mut().zip(&gradients.biases) {
            b.scaled_add(-learning_rate, g);
        }
        self.activations = None;
        Ok(())
    }

    /// Whether `gradients` are shaped like this network's parameters.
    pub fn fits(&self, gradients: &Gradients) -> bool {
        gradients.weights.len() == self.weights.len()
            && gradients.biases.len() == self.biases.len()
            && self
                .weights
                .iter()
                .zip(&gradients.weights)
                .all(|(w, g)| w.dim() == g.dim())
            && self
                .biases
                .iter()
                .zip(&gradients.biases)
                .all(|(b, g)| b.len() == g.len())
    }

    /// The output stored by the last [`forward`](Self::forward).
    fn stored_output(&self) -> Result<&Array1<f64>, NetworkError> {
        self.activations
            .as_ref()
            .and_then(|a| a.last())
            .ok_or(NetworkError::BackwardBeforeForward)
    }

    /// Checks that a batch has at least one row and `columns` columns.
    fn check_batch(
        &self,
        (rows, cols): (usize, usize),
        columns: usize,
        what: &'static str,
    ) -> Result<(), NetworkError> {
        if rows == 0 || cols != columns {
            return Err(NetworkError::BatchShape {
                what,
                expected: format!("at least 1 row × {columns} columns"),
                given: (rows, cols),
            });
        }
        Ok(())
    }

    /// Checks activations (one matrix per layer, input first) and output deltas.
    fn check_activations(
        &self,
        activations: &[Array2<f64>],
        deltas: (usize, usize),
    ) -> Result<(), NetworkError> {
        let layers = self.weights.len() + 1;
        if activations.len() != layers {
            return Err(NetworkError::BatchShape {
                what: "activations",
                expected: format!("{layers} matrices (the input and every layer)"),
                given: (activations.len(), 0),
            });
        }
        let (rows, inputs) = (deltas.0, self.inputs());
        if activations[0].dim() != (rows, inputs) {
            return Err(NetworkError::BatchShape {
                what: "activations",
                expected: format!("{rows} × {inputs}, as forward_batch returns them"),
                given: activations[0].dim(),
            });
        }
        self.check_layers(&activations[1..], deltas)
    }

    /// Checks the activations of every layer (inputs left out) and the output deltas.
    fn check_layers(
        &self,
        layers: &[Array2<f64>],
        deltas: (usize, usize),
    ) -> Result<(), NetworkError> {
        if layers.len() != self.weights.len() {
            return Err(NetworkError::BatchShape {
                what: "activations",
                expected: format!("{} matrices (one per layer)", self.weights.len()),
                given: (layers.len(), 0),
            });
        }
        let rows = deltas.0;
        for (a, w) in layers.iter().zip(&self.weights) {
            let size = w.nrows();
            if a.dim() != (rows, size) {
                return Err(NetworkError::BatchShape {
                    what: "activations",
                    expected: format!(
                        "{rows} × {size}, as forward_batch returns them"
                    ),
                    given: a.dim(),
                });
            }
        }
        self.check_batch(deltas, self.outputs(), "output deltas")
    }
}

/// `matrix` with the same values, stored column by column: each column of a weight matrix
/// (the weights leaving one input) is then one contiguous run in memory, which is what the
/// sparse first layer ([`SparseRows`](crate::inputs::SparseRows)) reads. The first number
/// starts a cache line (see `lines.rs`). Copies only when `matrix` is not stored so already.
///
/// Either way the result has the same strides for the same shape. ndarray accepts any
/// stride along an axis of length 1 (a layer with one output), and `dot` and
/// `sum_axis` choose their order of additions by the strides: a kept matrix and a
/// copied one, which only where the allocator put it decided between, would otherwise
/// round differently.
fn column_major(matrix: Array2<f64>) -> Array2<f64> {
    if matrix.t().is_standard_layout() && lines::on_a_line(&matrix) {
        // Stored by column already: the numbers stay where they are, and only the
        // strides are set again, as for a copy.
        let shape = matrix.dim();
        let (values, first) = matrix.into_raw_vec_and_offset();
        return lines::column_major_in(values, first.unwrap_or(0), shape);
    }
    let mut by_column = lines::column_major_zeros(matrix.dim());
    by_column.assign(&matrix);
    by_column
}

/// The outer product `u · vᵀ` as a matrix.
pub fn outer(u: &Array1<f64>, v: &Array1<f64>) -> Array2<f64> {
    Array2::from_shape_fn((u.len(), v.len()), |(i, j)| u[i] * v[j])
}

/// The first row of the last activation (the output of a one-row batch).
fn last_row(activations: &mut Vec<Array2<f64>>) -> Array1<f64> {
    activations
        .pop()
        .map(|a| a.row(0).to_owned())
        .unwrap_or_default()
}

fn check_layer_sizes(layer_sizes: &[usize]) -> Result<(), NetworkError> {
    if layer_sizes.len() < 2 {
        return Err(NetworkError::TooFewLayers {
            given: layer_sizes.len(),
        });
    }
    if let Some(index) = layer_sizes.iter().position(|&size| size == 0) {
        return Err(NetworkError::ZeroSizedLayer { index });
    }
    let count = layer_sizes.windows(2).try_fold(0usize, |total, pair| {
        let weights = pair[0].checked_mul(pair[1])?;
        total.checked_add(weights)?.checked_add(pair[1])
    });
    match count {
        Some(count) if count <= MAX_PARAMETERS => Ok(()),
        _ => Err(NetworkError::TooLarge {
            layer_sizes: layer_sizes.to_vec(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_layer_sizes_are_errors() {
        assert_eq!(
            Network::new(&[3], 0),
            Err(NetworkError::TooFewLayers { given: 1 })
        );
        assert_eq!(
            Network::new(&[], 0),
            Err(NetworkError::TooFewLayers { given: 0 })
        );
        assert_eq!(
            Network::new(&[3, 0, 1], 0),
            Err(NetworkError::ZeroSizedLayer { index: 1 })
        );
        let message = Network::new(&[2], 0).expect_err("one size").to_string();
        assert!(message.contains("at least 2 layer sizes"), "{message}");
    }

    #[test]
    fn wrong_input_and_target_lengths_are_errors() {
        let mut net = Network::new(&[2, 3, 1], 0).expect("valid sizes");
        assert_eq!(
            net.forward(&[1.0]),
            Err(NetworkError::InputLength {
                expected: 2,
                given: 1
            })
        );
        assert_eq!(
            net.backward(&[1.0]),
            Err(NetworkError::BackwardBeforeForward)
        );
        net.forward(&[1.0, 2.0]).expect("valid input");
        assert_eq!(
            net.backward(&[1.0, 0.0]),
            Err(NetworkError::TargetLength {
                expected: 1,
                given: 2
            })
        );
    }

    #[test]
    fn parameter_shapes_must_chain() {
        let w1 = Array2::zeros((2, 2));
        let w2 = Array2::zeros((1, 3));
        let error = Network::from_parameters(
            vec![w1, w2],
            vec![Array1::zeros(2), Array1::zeros(1)],
        )
        .expect_err("3 columns after 2 outputs");
        assert_eq!(
            error.to_string(),
            "layer 2: W has 3 columns but the previous layer has 2 outputs"
        );
    }

    #[test]
    fn initialisation_follows_numpy() {
        // np.random.seed(0); np.random.randn(2, 2) * np.sqrt(2.0 / 2)
        let net = Network::new(&[2, 2, 1], 0).expect("valid sizes");
        assert_eq!(net.weights()[0][[0, 0]], 1.764052345967664);
        assert_eq!(net.weights()[0][[1, 1]], 2.240893199201458);
        // then randn(1, 2) * sqrt(2 / 2) continues the same stream
        assert_eq!(net.weights()[1][[0, 0]], 1.8675579901499675);
        assert_eq!(net.layer_sizes(), vec![2, 2, 1]);
        assert_eq!(net.parameter_count(), 9);
    }

    #[test]
    fn seed_zero_network_predicts_what_numpy_predicts() {
        // The guide's backward() demo, run under numpy: prediction 0.6816, dW2 [[-0.1283, -0.1376]]
        let mut net = Network::new(&[2, 2, 1], 0).expect("valid sizes");
        let prediction = net.forward(&[1.0, 2.0]).expect("valid input");
        assert_eq!(format!("{:.4}", prediction[0]), "0.6816");
        let gradients = net.backward(&[1.0]).expect("after forward");
        assert_eq!(format!("{:.4}", gradients.weights[1][[0, 0]]), "-0.1283");
        assert_eq!(format!("{:.4}", gradients.weights[1][[0, 1]]), "-0.1376");
        assert_eq!(format!("{:.4}", gradients.biases[1][0]), "-0.1382");
    }

    #[test]
    fn gradients_of_another_network_are_an_error() {
        let mut net = Network::new(&[2, 2, 1], 0).expect("valid sizes");
        let before = net.clone();
        let other =
            Gradients::zeros_like(&Network::new(&[3, 2, 1], 0).expect("valid sizes"));
        let error = net
            .apply_gradients(&other, 0.5)
            .expect_err("3 inputs, not 2");
        assert!(error.to_string().contains("not shaped like"), "{error}");
        assert_eq!(net, before);
    }

    #[test]
    fn a_kept_matrix_gets_the_strides_of_a_copied_one() {
        use ndarray::{Array1, Slice};
        // A layer with one output, stored row by row on a cache line: column-major as
        // far as ndarray is concerned (its one row may have any stride), so it is kept.
        let (mut values, skip) = lines::vec_on_lines(4);
        values.extend([0.5, -1.0, 0.25, 2.0]);
        let kept = Array1::from(values)
            .slice_axis_move(Axis(0), Slice::from(skip..))
            .into_shape_with_order((1, 4))
            .expect("4 numbers");
        assert!(
            lines::on_a_line(&kept),
            "the test needs a matrix that is kept"
        );
        assert_eq!(kept.strides(), [4, 1]);
        let copied = kept.to_owned(); // kept or copied: it depends on its address
        let (kept, copied) = (column_major(kept), column_major(copied));
        assert_eq!(kept, copied);
        // `dot` and `sum_axis` choose their order of additions by the strides.
        let by_column = Array2::<f64>::zeros((1, 4).f());
        assert_eq!(kept.strides(), by_column.strides());
        assert_eq!(copied.strides(), by_column.strides());
    }

    #[test]
    fn updating_parameters_invalidates_activations() {
        let mut net = Network::new(&[2, 2, 1], 0).expect("valid sizes");
        net.forward(&[1.0, 2.0]).expect("valid input");
        let gradients = net.backward(&[1.0]).expect("after forward");
        net.apply_gradients(&gradients, 0.5).expect("same shapes");
        assert_eq!(
            net.backward(&[1.0]),
            Err(NetworkError::BackwardBeforeForward)
        );
    }
}
