//! Debugging a training run: training that logs its loss and gradient size, Chapter 2's gradient
//! check on any output gradient, and a health check that names the symptom it sees.

use std::fmt;

use ch01_loss_functions::loss::{
    binary_cross_entropy, binary_cross_entropy_unclipped,
};
use ch02_backpropagation::gradient_check::{GradientCheck, GradientCheckReport};
use ch02_backpropagation::{Loss, MeanSquaredError, Network, NetworkError};
use ndarray::{Array1, ArrayView1};

use crate::data::Dataset;

// ANCHOR: wrong_sign
/// A bug: the MSE gradient with the subtraction the wrong way round, `2(t - a) / n`.
pub fn mse_gradient_wrong_sign(
    output: ArrayView1<'_, f64>,
    target: ArrayView1<'_, f64>,
) -> Array1<f64> {
    let n = output.len() as f64;
    (&target - &output).mapv(|difference| 2.0 * difference / n)
}
// ANCHOR_END: wrong_sign

/// Mean squared error with the buggy gradient [`mse_gradient_wrong_sign`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MseWrongSign;

impl Loss for MseWrongSign {
    fn name(&self) -> &str {
        "MSE, gradient with the wrong sign"
    }

    fn value(&self, output: ArrayView1<'_, f64>, target: ArrayView1<'_, f64>) -> f64 {
        MeanSquaredError.value(output, target)
    }

    fn output_gradient(
        &self,
        output: ArrayView1<'_, f64>,
        target: ArrayView1<'_, f64>,
    ) -> Array1<f64> {
        mse_gradient_wrong_sign(output, target)
    }
}

/// Binary cross-entropy, the mean over the outputs, with predictions clipped to
/// `[clip, 1 - clip]` (no clipping for `clip` = 0: then `ln(0)` is allowed to happen).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinaryCrossEntropy {
    /// How far predictions are kept from 0 and 1.
    pub clip: f64,
}

/// Binary cross-entropy computed without clipping: `ln(0)` is allowed to happen.
pub const CROSS_ENTROPY_UNCLIPPED: BinaryCrossEntropy =
    BinaryCrossEntropy { clip: 0.0 };

/// Binary cross-entropy with predictions clipped to `[1e-15, 1 - 1e-15]`.
pub const CROSS_ENTROPY_CLIPPED: BinaryCrossEntropy = BinaryCrossEntropy {
    clip: ch01_loss_functions::loss::EPSILON,
};

impl Loss for BinaryCrossEntropy {
    fn name(&self) -> &str {
        if self.clip > 0.0 {
            "cross-entropy, clipped"
        } else {
            "cross-entropy, unclipped"
        }
    }

    fn value(&self, output: ArrayView1<'_, f64>, target: ArrayView1<'_, f64>) -> f64 {
        let (output, target) = (output.to_vec(), target.to_vec());
        if self.clip > 0.0 {
            return binary_cross_entropy(&output, &target).unwrap_or(f64::NAN);
        }
        let total: f64 = output
            .iter()
            .zip(&target)
            .map(|(&p, &t)| binary_cross_entropy_unclipped(p, t))
            .sum();
        total / output.len() as f64
    }

    /// dL/dp of the mean binary cross-entropy, `(p - t) / (p(1 - p)) / n`, with `p` clipped
    /// first.
    fn output_gradient(
        &self,
        output: ArrayView1<'_, f64>,
        target: ArrayView1<'_, f64>,
    ) -> Array1<f64> {
        let n = output.len() as f64;
        Array1::from_iter(output.iter().zip(target).map(|(&p, &t)| {
            let p = p.clamp(self.clip, 1.0 - self.clip);
            (p - t) / (p * (1.0 - p)) / n
        }))
    }
}

/// What one epoch of [`train_logged`] saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochLog {
    /// The mean loss of the epoch's steps (each measured before its update).
    pub loss: f64,
    /// The mean length of the gradient over the epoch's steps.
    pub gradient_norm: f64,
}

// ANCHOR: logged_step
/// One training step that does not stop on a NaN: forward pass, loss, backward pass
/// from `objective`'s output gradient, update. Returns the loss and the gradient's
/// length.
///
/// # Errors
/// [`NetworkError`] for an input or target of the wrong length.
pub fn logged_step(
    net: &mut Network,
    input: &[f64],
    target: &[f64],
    learning_rate: f64,
    loss: &dyn Loss,
) -> Result<(f64, f64), NetworkError> {
    let output = net.forward(input)?;
    if target.len() != output.len() {
        return Err(NetworkError::TargetLength {
            expected: output.len(),
            given: target.len(),
        });
    }
    let target = ArrayView1::from(target);
    let value = loss.value(output.view(), target);
    let dl_da = loss.output_gradient(output.view(), target);
    let gradients = net.backward_from(dl_da)?;
    net.apply_gradients(&gradients, learning_rate)?;
    Ok((value, gradients.norm()))
}
// ANCHOR_END: logged_step

/// Trains for `epochs` in-order passes with [`logged_step`] and logs every epoch.
///
/// # Errors
/// [`NetworkError`] for an input or target of the wrong length.
pub fn train_logged(
    net: &mut Network,
    data: &Dataset,
    learning_rate: f64,
    epochs: usize,
    loss: &dyn Loss,
) -> Result<Vec<EpochLog>, NetworkError> {
    let count = data.len().max(1) as f64;
    let mut log = Vec::new();
    for _ in 0..epochs {
        let (mut total, mut norm) = (0.0, 0.0);
        for (input, target) in data.inputs.iter().zip(&data.targets) {
            let (step_loss, step_norm) =
                logged_step(net, input, target, learning_rate, loss)?;
            total += step_loss;
            norm += step_norm;
        }
        log.push(EpochLog {
            loss: total / count,
            gradient_norm: norm / count,
        });
    }
    Ok(log)
}

// ANCHOR: check_output_gradient
/// Chapter 2's gradient check, on the gradients that backpropagation computes when it
/// starts from `loss`'s output gradient: each is compared with central differences of
/// the MSE loss.
///
/// # Errors
/// [`NetworkError`] for an input or target of the wrong length.
pub fn check_output_gradient(
    net: &Network,
    input: &[f64],
    target: &[f64],
    loss: &dyn Loss,
) -> Result<GradientCheckReport, NetworkError> {
    let mut probe = net.clone();
    let output = probe.forward(input)?;
    let analytical =
        probe.backward_from(loss.output_gradient(output.view(), target.into()))?;
    GradientCheck::default().compare(&mut probe, input, target, &analytical)
}
// ANCHOR_END: check_output_gradient

/// Something a training log shows that a healthy run does not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Symptom {
    /// The loss or the gradient became NaN or infinite.
    NotFinite {
        /// The first epoch where it happened (counting from 0).
        epoch: usize,
    },
    /// The gradient grew longer than [`EXPLODING_NORM`].
    ExplodingGradients {
        /// The first epoch where it happened.
        epoch: usize,
        /// The gradient's length then.
        norm: f64,
    },
    /// At the end, the gradient is shorter than [`VANISHING_NORM`]: nothing can change any more.
    VanishingGradients {
        /// The gradient's length in the last epoch.
        norm: f64,
    },
    /// The loss ended more than [`RISE`] above where it started.
    LossRising {
        /// The loss of the first epoch.
        first: f64,
        /// The loss of the last epoch.
        last: f64,
    },
    /// The loss ended within [`FLAT_FRACTION`] of where it started.
    FlatLoss {
        /// The loss of the first epoch.
        first: f64,
        /// The loss of the last epoch.
        last: f64,
    },
    /// The loss jumped up by more than [`JUMP`] from one epoch to the next, often.
    Oscillating {
        /// How many epochs ended with such a jump.
        jumps: usize,
        /// How many epochs the log has.
        epochs: usize,
    },
}

/// A gradient longer than this is exploding.
pub const EXPLODING_NORM: f64 = 100.0;
/// A final gradient shorter than this is vanishing.
pub const VANISHING_NORM: f64 = 1e-6;
/// A loss that ends above this fraction of its first value has not really moved.
pub const FLAT_FRACTION: f64 = 0.9;
/// A loss that ends more than this fraction above its first value is rising.
pub const RISE: f64 = 0.01;
/// A rise of more than this fraction from one epoch to the next is a jump.
pub const JUMP: f64 = 0.1;
/// The loss oscillates when at least one epoch in this many ends with a jump.
pub const JUMP_EVERY: usize = 20;

impl fmt::Display for Symptom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::NotFinite { epoch } => write!(
                f,
                "loss is NaN or infinite from epoch {epoch}: look for log(0) (clip the \
                 predictions), a division by zero, or a learning rate so high the weights blow up"
            ),
            Self::ExplodingGradients { epoch, norm } => write!(
                f,
                "exploding gradients (length {norm:.1e} at epoch {epoch}): lower the learning \
                 rate and check that the inputs are normalised"
            ),
            Self::VanishingGradients { norm } => write!(
                f,
                "vanishing gradients (length {norm:.1e} at the end): the sigmoids are saturated; \
                 check the weight initialisation and the learning rate"
            ),
            Self::LossRising { first, last } => write!(
                f,
                "loss rising ({first:.4} -> {last:.4}): the updates go uphill; run a gradient check \
                 on backward()"
            ),
            Self::FlatLoss { first, last } => write!(
                f,
                "flat loss ({first:.4} -> {last:.4}): the network is not learning; print the \
                 gradient lengths"
            ),
            Self::Oscillating { jumps, epochs } => write!(
                f,
                "oscillating loss (up by more than 10% in {jumps} of {epochs} epochs): the \
                 learning rate is too high; try one 10 times smaller"
            ),
        }
    }
}

// ANCHOR: diagnose
/// Reads a training log and names every symptom of an unhealthy run it shows (none
/// for a healthy run). A NaN or infinite value is reported alone: after it, nothing
/// else means much.
pub fn diagnose(log: &[EpochLog]) -> Vec<Symptom> {
    let (Some(first), Some(last)) = (log.first(), log.last()) else {
        return Vec::new();
    };
    let broken = |e: &EpochLog| !e.loss.is_finite() || !e.gradient_norm.is_finite();
    if let Some(epoch) = log.iter().position(broken) {
        return vec![Symptom::NotFinite { epoch }];
    }
    let mut symptoms = Vec::new();
    if let Some(epoch) = log.iter().position(|e| e.gradient_norm > EXPLODING_NORM) {
        let norm = log[epoch].gradient_norm;
        symptoms.push(Symptom::ExplodingGradients { epoch, norm });
    }
    if last.gradient_norm < VANISHING_NORM {
        let norm = last.gradient_norm;
        symptoms.push(Symptom::VanishingGradients { norm });
    }
    let (first, last) = (first.loss, last.loss);
    if last > first * (1.0 + RISE) {
        symptoms.push(Symptom::LossRising { first, last });
    } else if last >= first * FLAT_FRACTION {
        symptoms.push(Symptom::FlatLoss { first, last });
    }
    let jumps = log
        .windows(2)
        .filter(|pair| pair[1].loss > pair[0].loss * (1.0 + JUMP))
        .count();
    if jumps >= 2 && jumps * JUMP_EVERY >= log.len() {
        let epochs = log.len();
        symptoms.push(Symptom::Oscillating { jumps, epochs });
    }
    symptoms
}
// ANCHOR_END: diagnose

#[cfg(test)]
mod tests {
    use super::*;

    fn log(entries: &[(f64, f64)]) -> Vec<EpochLog> {
        entries
            .iter()
            .map(|&(loss, gradient_norm)| EpochLog {
                loss,
                gradient_norm,
            })
            .collect()
    }

    #[test]
    fn a_healthy_log_has_no_symptoms() {
        let healthy = log(&[(0.5, 0.3), (0.3, 0.2), (0.1, 0.1), (0.05, 0.05)]);
        assert!(diagnose(&healthy).is_empty());
        assert!(diagnose(&[]).is_empty());
    }

    #[test]
    fn nan_is_reported_alone_with_its_epoch() {
        let broken = log(&[(0.5, 0.3), (f64::INFINITY, 0.2), (f64::NAN, f64::NAN)]);
        assert_eq!(diagnose(&broken), vec![Symptom::NotFinite { epoch: 1 }]);
        let message = diagnose(&broken)[0].to_string();
        assert!(message.contains("log(0)"), "{message}");
    }

    #[test]
    fn exploding_gradients_are_reported_at_their_first_epoch() {
        let exploding = log(&[(0.5, 1.0), (0.4, 250.0), (0.3, 1e4)]);
        assert_eq!(
            diagnose(&exploding),
            vec![Symptom::ExplodingGradients {
                epoch: 1,
                norm: 250.0
            }]
        );
    }

    #[test]
    fn vanishing_gradients_and_a_flat_loss() {
        let stuck = log(&[(0.49, 1e-8), (0.49, 1e-8), (0.49, 1e-8)]);
        assert_eq!(
            diagnose(&stuck),
            vec![
                Symptom::VanishingGradients { norm: 1e-8 },
                Symptom::FlatLoss {
                    first: 0.49,
                    last: 0.49
                }
            ]
        );
        let message = diagnose(&stuck)[0].to_string();
        assert!(message.contains("initialisation"), "{message}");
    }

    #[test]
    fn a_rising_loss_points_at_backward() {
        let rising = log(&[(0.40, 0.1), (0.45, 0.1), (0.49, 0.1)]);
        let symptoms = diagnose(&rising);
        assert_eq!(
            symptoms,
            vec![Symptom::LossRising {
                first: 0.40,
                last: 0.49
            }]
        );
        assert!(symptoms[0].to_string().contains("gradient check"));
    }

    #[test]
    fn frequent_jumps_are_oscillation() {
        let jumpy = log(&[
            (0.5, 0.1),
            (0.2, 0.1),
            (0.3, 0.1),
            (0.1, 0.1),
            (0.2, 0.1),
            (0.05, 0.1),
        ]);
        assert_eq!(
            diagnose(&jumpy),
            vec![Symptom::Oscillating {
                jumps: 2,
                epochs: 6
            }]
        );
        assert!(diagnose(&jumpy)[0].to_string().contains("10 times smaller"));
    }

    #[test]
    fn a_wrong_target_length_is_an_error() {
        let mut net = Network::new(&[1, 2, 1], 0).expect("valid sizes");
        let error =
            logged_step(&mut net, &[0.5], &[1.0, 0.0], 0.1, &MeanSquaredError)
                .expect_err("2 targets");
        assert_eq!(
            error,
            NetworkError::TargetLength {
                expected: 1,
                given: 2
            }
        );
    }
}
