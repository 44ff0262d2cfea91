//! Gradient checking: compare the gradients `backward` computes with central differences of the
//! loss itself, one parameter at a time.
//!
//! The numerical estimate needs no calculus at all, only two extra forward passes per parameter,
//! so it is a slow but independent witness: when the two disagree, `backward` is wrong.

use std::fmt::{self, Write};

use bookkit::fmt::num;
use ch01_loss_functions::loss::mse;

use crate::loss::{Loss, MeanSquaredError};
use crate::network::{Gradients, Network, NetworkError};
use ndarray::{ArrayView1, ArrayView2, Axis};

/// The step `ε` of the central difference `(L(p + ε) - L(p - ε)) / 2ε`.
pub const EPSILON: f64 = 1e-5;

/// The largest relative difference a gradient may show and still pass.
pub const TOLERANCE: f64 = 1e-6;

/// The floor of the relative difference's denominator. The central difference subtracts two
/// losses that agree in most of their digits, so it carries a rounding noise of up to about
/// 1e-11 whatever the gradient's size. Gradients smaller than this floor are compared on this
/// fixed scale instead of their own, where that noise would look like a large error (and two
/// gradients that are both exactly zero do not divide zero by zero).
pub const SCALE_FLOOR: f64 = 1e-4;

/// What a gradient check differentiates: the mean `loss` of a network over a batch of
/// examples (one per row of `inputs`, with the targets in the rows of `targets`).
#[derive(Debug, Clone, Copy)]
pub struct CheckedLoss<'a> {
    /// The examples, one per row.
    pub inputs: ArrayView2<'a, f64>,
    /// Their targets, one per row.
    pub targets: ArrayView2<'a, f64>,
    /// The loss whose gradient is checked.
    pub loss: &'a dyn Loss,
}

impl CheckedLoss<'_> {
    /// The mean loss of `network` over the examples (no activations are stored).
    ///
    /// # Errors
    /// [`NetworkError::BatchShape`] when the inputs or targets do not fit the network.
    pub fn of(&self, network: &Network) -> Result<f64, NetworkError> {
        let activations = network.forward_batch(self.inputs)?;
        let outputs = &activations[activations.len() - 1];
        if outputs.dim() != self.targets.dim() {
            return Err(NetworkError::BatchShape {
                what: "targets",
                expected: format!(
                    "{} × {}, like the outputs",
                    outputs.nrows(),
                    outputs.ncols()
                ),
                given: self.targets.dim(),
            });
        }
        Ok(self.loss.mean(outputs.view(), self.targets))
    }
}

/// The mean squared error of `network`'s prediction for `input` (no activations are stored).
///
/// # Errors
/// [`NetworkError::InputLength`] or [`NetworkError::TargetLength`] for vectors of the wrong size.
pub fn network_loss(
    network: &Network,
    input: &[f64],
    target: &[f64],
) -> Result<f64, NetworkError> {
    let prediction = network.predict(input)?;
    mse(&prediction.to_vec(), target).map_err(|_| NetworkError::TargetLength {
        expected: prediction.len(),
        given: target.len(),
    })
}

// ANCHOR: relative_difference
/// `|a - n| / max(|a| + |n|, SCALE_FLOOR)`: how far apart two gradients are, relative
/// to their size. 0 means equal; 1 means opposite signs or one of them zero; 1/3
/// means one is twice the other.
pub fn relative_difference(analytical: f64, numerical: f64) -> f64 {
    let scale = (analytical.abs() + numerical.abs()).max(SCALE_FLOOR);
    (analytical - numerical).abs() / scale
}
// ANCHOR_END: relative_difference

/// One weight or bias inside a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parameter {
    /// The weight from input `col` to neuron `row`.
    Weight {
        /// The neuron (row of `W`).
        row: usize,
        /// The input (column of `W`).
        col: usize,
    },
    /// The bias of neuron `index`.
    Bias {
        /// The neuron.
        index: usize,
    },
}

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Weight { row, col } => write!(f, "W[{row},{col}]"),
            Self::Bias { index } => write!(f, "b[{index}]"),
        }
    }
}

/// Every parameter of `network`, layer by layer: the weights row by row, then the biases
/// (0-based layer index first).
pub fn parameters(network: &Network) -> Vec<(usize, Parameter)> {
    let mut all = Vec::with_capacity(network.parameter_count());
    for (layer, (w, b)) in network.weights().iter().zip(network.biases()).enumerate()
    {
        for ((row, col), _) in w.indexed_iter() {
            all.push((layer, Parameter::Weight { row, col }));
        }
        all.extend((0..b.len()).map(|index| (layer, Parameter::Bias { index })));
    }
    all
}

fn value_in(
    gradients: &Gradients,
    layer: usize,
    parameter: Parameter,
) -> Option<f64> {
    match parameter {
        Parameter::Weight { row, col } => {
            gradients.weights.get(layer)?.get([row, col]).copied()
        }
        Parameter::Bias { index } => gradients.biases.get(layer)?.get(index).copied(),
    }
}

fn value_mut(network: &mut Network, layer: usize, parameter: Parameter) -> &mut f64 {
    let (weights, biases) = network.parameters_mut();
    match parameter {
        Parameter::Weight { row, col } => &mut weights[layer][[row, col]],
        Parameter::Bias { index } => &mut biases[layer][index],
    }
}

// ANCHOR: central_difference
/// The numerical gradient of one parameter: nudge it up by `ε`, then down by `ε`, and
/// restore it.
fn central_difference(
    network: &mut Network,
    (layer, parameter): (usize, Parameter),
    checked: &CheckedLoss<'_>,
    epsilon: f64,
) -> Result<f64, NetworkError> {
    let original = *value_mut(network, layer, parameter);
    *value_mut(network, layer, parameter) = original + epsilon;
    let loss_plus = checked.of(network);
    *value_mut(network, layer, parameter) = original - epsilon;
    let loss_minus = checked.of(network);
    *value_mut(network, layer, parameter) = original; // restore before anything else
    Ok((loss_plus? - loss_minus?) / (2.0 * epsilon))
}
// ANCHOR_END: central_difference

/// The numerical gradient of every parameter, element by element, shaped like the parameters.
/// Every parameter is restored exactly afterwards; stored activations are dropped.
///
/// # Errors
/// [`NetworkError::BatchShape`] when the examples do not fit the network.
pub fn numerical_gradients(
    network: &mut Network,
    checked: &CheckedLoss<'_>,
    epsilon: f64,
) -> Result<Gradients, NetworkError> {
    let mut numerical = Gradients::zeros_like(network);
    for (layer, parameter) in parameters(network) {
        let value =
            central_difference(network, (layer, parameter), checked, epsilon)?;
        match parameter {
            Parameter::Weight { row, col } => {
                numerical.weights[layer][[row, col]] = value
            }
            Parameter::Bias { index } => numerical.biases[layer][index] = value,
        }
    }
    Ok(numerical)
}

/// One line of a gradient check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParameterCheck {
    /// The layer, counting from 1 as the book does.
    pub layer: usize,
    /// Which weight or bias of that layer.
    pub parameter: Parameter,
    /// The gradient `backward` computed.
    pub analytical: f64,
    /// The central-difference estimate.
    pub numerical: f64,
}

impl ParameterCheck {
    /// The [`relative_difference`] of the two gradients.
    pub fn relative_difference(&self) -> f64 {
        relative_difference(self.analytical, self.numerical)
    }

    /// `analytical / numerical`: 1 when they agree, 2 when backward doubles the gradient.
    pub fn ratio(&self) -> f64 {
        self.analytical / self.numerical
    }

    /// Whether the relative difference is at most `tolerance`.
    pub fn passes(&self, tolerance: f64) -> bool {
        self.relative_difference() <= tolerance
    }

    fn name(&self) -> String {
        format!("layer {} {}", self.layer, self.parameter)
    }
}

/// The result of a gradient check: one [`ParameterCheck`] per weight and bias.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientCheckReport {
    /// Every parameter, in the order of [`parameters`].
    pub checks: Vec<ParameterCheck>,
    /// The largest relative difference that passes.
    pub tolerance: f64,
}

impl GradientCheckReport {
    /// Whether every parameter passed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passes(self.tolerance))
    }

    /// The parameters that failed.
    pub fn failures(&self) -> Vec<ParameterCheck> {
        self.checks
            .iter()
            .filter(|c| !c.passes(self.tolerance))
            .copied()
            .collect()
    }

    /// The largest relative difference over all parameters.
    pub fn max_relative_difference(&self) -> f64 {
        self.checks
            .iter()
            .map(ParameterCheck::relative_difference)
            .fold(0.0, f64::max)
    }

    /// The verdict: `Ok(self)` when every parameter passed, otherwise an error naming the
    /// parameters that failed.
    ///
    /// # Errors
    /// [`GradientCheckFailure`] when at least one gradient is off by more than the tolerance.
    pub fn into_result(self) -> Result<Self, GradientCheckFailure> {
        let failures = self.failures();
        if failures.is_empty() {
            Ok(self)
        } else {
            Err(GradientCheckFailure {
                failures,
                checked: self.checks.len(),
                tolerance: self.tolerance,
            })
        }
    }

    /// The table: layer, parameter, both gradients, their relative difference and OK/FAIL.
    pub fn table(&self) -> String {
        self.render(false)
    }

    /// The table with one more column, `analytical / numerical`.
    pub fn table_with_ratios(&self) -> String {
        self.render(true)
    }

    fn render(&self, ratios: bool) -> String {
        let mut out = format!(
            "{:>5}  {:<6}  {:>10}  {:>10}  {:>9}",
            "layer", "param", "analytical", "numerical", "rel. diff"
        );
        if ratios {
            out.push_str(&format!("  {:>6}", "ratio"));
        }
        out.push('\n');
        for check in &self.checks {
            let status = if check.passes(self.tolerance) {
                "OK"
            } else {
                "FAIL"
            };
            let _ = write!(
                out,
                "{:>5}  {:<6}  {:>10}  {:>10}  {:>9}",
                check.layer,
                check.parameter.to_string(),
                num(check.analytical, 6),
                num(check.numerical, 6),
                bookkit::fmt::sci(check.relative_difference(), 1),
            );
            if ratios {
                let _ = write!(out, "  {:>6}", num(check.ratio(), 4));
            }
            let _ = writeln!(out, "  {status}");
        }
        out
    }
}

/// A gradient check that did not pass: which gradients `backward` got wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct GradientCheckFailure {
    /// The parameters whose gradients disagree.
    pub failures: Vec<ParameterCheck>,
    /// How many parameters were checked.
    pub checked: usize,
    /// The tolerance they exceeded.
    pub tolerance: f64,
}

/// How many failing parameters the error message names (the report's table has them all).
const SHOWN_FAILURES: usize = 5;

impl fmt::Display for GradientCheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "gradient check failed for {} of {} parameters (relative difference above {:e}):",
            self.failures.len(),
            self.checked,
            self.tolerance
        )?;
        for check in self.failures.iter().take(SHOWN_FAILURES) {
            writeln!(
                f,
                "  {}: analytical {}, numerical {}",
                check.name(),
                num(check.analytical, 6),
                num(check.numerical, 6)
            )?;
        }
        if self.failures.len() > SHOWN_FAILURES {
            writeln!(f, "  ... and {} more", self.failures.len() - SHOWN_FAILURES)?;
        }
        write!(
            f,
            "backward() does not compute the gradient of this loss: check dL/da of the output \
             layer and each layer's chain-rule step"
        )
    }
}

impl std::error::Error for GradientCheckFailure {}

/// How a gradient check is run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GradientCheck {
    /// The central-difference step.
    pub epsilon: f64,
    /// The largest relative difference that passes.
    pub tolerance: f64,
}

impl Default for GradientCheck {
    fn default() -> Self {
        Self {
            epsilon: EPSILON,
            tolerance: TOLERANCE,
        }
    }
}

impl GradientCheck {
    /// Checks `network.backward(target)` after `network.forward(input)`.
    ///
    /// # Errors
    /// [`NetworkError`] for an input or target of the wrong length.
    pub fn run(
        &self,
        network: &mut Network,
        input: &[f64],
        target: &[f64],
    ) -> Result<GradientCheckReport, NetworkError> {
        network.forward(input)?;
        let analytical = network.backward(target)?;
        self.compare(network, input, target, &analytical)
    }

    // ANCHOR: compare
    /// Compares `analytical` gradients (from any backward pass) with central differences of the
    /// MSE loss, parameter by parameter. The parameters are restored exactly, and the network is
    /// left with fresh activations for `input`.
    ///
    /// # Errors
    /// [`NetworkError`] for an input or target of the wrong length, or gradients that are not
    /// shaped like the network's parameters.
    pub fn compare(
        &self,
        network: &mut Network,
        input: &[f64],
        target: &[f64],
        analytical: &Gradients,
    ) -> Result<GradientCheckReport, NetworkError> {
        network.forward(input)?; // checks the input's length
        let inputs = ArrayView1::from(input).insert_axis(Axis(0));
        let targets = ArrayView1::from(target).insert_axis(Axis(0));
        let checked = CheckedLoss {
            inputs,
            targets,
            loss: &MeanSquaredError,
        };
        let report = self.compare_on(network, &checked, analytical)?;
        network.forward(input)?; // no stale activations: they match the restored parameters
        Ok(report)
    }
    // ANCHOR_END: compare

    /// Compares `analytical` gradients with central differences of any loss, mean over a
    /// batch of examples (so `analytical` must be the batch's *mean* gradient). The parameters
    /// are restored exactly.
    ///
    /// # Errors
    /// [`NetworkError`] for examples that do not fit the network, or gradients that are not
    /// shaped like the network's parameters.
    pub fn compare_on(
        &self,
        network: &mut Network,
        checked: &CheckedLoss<'_>,
        analytical: &Gradients,
    ) -> Result<GradientCheckReport, NetworkError> {
        check_shapes(network, analytical)?;
        let numerical = numerical_gradients(network, checked, self.epsilon)?;
        let checks = parameters(network)
            .into_iter()
            .filter_map(|(layer, parameter)| {
                Some(ParameterCheck {
                    layer: layer + 1,
                    parameter,
                    analytical: value_in(analytical, layer, parameter)?,
                    numerical: value_in(&numerical, layer, parameter)?,
                })
            })
            .collect();
        Ok(GradientCheckReport {
            checks,
            tolerance: self.tolerance,
        })
    }
}

/// [`GradientCheck::run`] with the default step and tolerance.
///
/// # Errors
/// [`NetworkError`] for an input or target of the wrong length.
pub fn gradient_check(
    network: &mut Network,
    input: &[f64],
    target: &[f64],
) -> Result<GradientCheckReport, NetworkError> {
    GradientCheck::default().run(network, input, target)
}

fn check_shapes(
    network: &Network,
    gradients: &Gradients,
) -> Result<(), NetworkError> {
    let layers = network.weights().len();
    if gradients.weights.len() != layers || gradients.biases.len() != layers {
        return Err(NetworkError::ParameterShape {
            layer: layers
                .min(gradients.weights.len())
                .min(gradients.biases.len())
                + 1,
            problem: format!(
                "the gradients have {} weight matrices and {} bias vectors but the network has {layers} layers: pass the gradients of this network",
                gradients.weights.len(),
                gradients.biases.len()
            ),
        });
    }
    let layer_pairs = network.weights().iter().zip(network.biases());
    let gradient_pairs = gradients.weights.iter().zip(&gradients.biases);
    for (index, ((w, b), (gw, gb))) in layer_pairs.zip(gradient_pairs).enumerate() {
        if gw.dim() != w.dim() || gb.len() != b.len() {
            return Err(NetworkError::ParameterShape {
                layer: index + 1,
                problem: format!(
                    "the gradient of W is {}×{} and of b has {} entries, but W is {}×{} and b has {}: pass the gradients of this network",
                    gw.nrows(),
                    gw.ncols(),
                    gb.len(),
                    w.nrows(),
                    w.ncols(),
                    b.len()
                ),
            });
        }
    }
    Ok(())
}
