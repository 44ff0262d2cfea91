//! The two loss functions of the chapter and their derivatives.

use std::fmt;

/// Why a loss could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LossError {
    /// Predictions and targets have different lengths.
    LengthMismatch {
        /// How many predictions were given.
        predictions: usize,
        /// How many targets were given.
        targets: usize,
    },
    /// No predictions at all: the mean of nothing is undefined.
    Empty,
}

impl fmt::Display for LossError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LengthMismatch {
                predictions,
                targets,
            } => write!(
                f,
                "predictions and targets must have the same length, got {predictions} predictions and {targets} targets: pair every prediction with its target"
            ),
            Self::Empty => write!(
                f,
                "cannot compute a loss over zero predictions: pass at least one prediction and its target"
            ),
        }
    }
}

impl std::error::Error for LossError {}

fn check_pairs(predictions: &[f64], targets: &[f64]) -> Result<(), LossError> {
    if predictions.len() != targets.len() {
        return Err(LossError::LengthMismatch {
            predictions: predictions.len(),
            targets: targets.len(),
        });
    }
    if predictions.is_empty() {
        return Err(LossError::Empty);
    }
    Ok(())
}

// ANCHOR: mse
/// Mean squared error: the mean of `(prediction - target)²`.
///
/// # Errors
/// [`LossError`] when the lengths differ or there is nothing to average.
pub fn mse(predictions: &[f64], targets: &[f64]) -> Result<f64, LossError> {
    check_pairs(predictions, targets)?;
    let sum: f64 = predictions
        .iter()
        .zip(targets)
        .map(|(p, t)| (p - t).powi(2))
        .sum();
    Ok(sum / predictions.len() as f64)
}
// ANCHOR_END: mse

// ANCHOR: bce
/// Predictions are clipped to `[EPSILON, 1 - EPSILON]` before taking logarithms.
pub const EPSILON: f64 = 1e-15;

/// Binary cross-entropy: the mean of `-(t·ln p + (1 - t)·ln(1 - p))`, with `p`
/// clipped so that a prediction of exactly 0 or 1 gives a large but finite loss.
///
/// # Errors
/// [`LossError`] when the lengths differ or there is nothing to average.
pub fn binary_cross_entropy(
    predictions: &[f64],
    targets: &[f64],
) -> Result<f64, LossError> {
    check_pairs(predictions, targets)?;
    let sum: f64 = predictions
        .iter()
        .zip(targets)
        .map(|(&p, &t)| {
            let p = p.clamp(EPSILON, 1.0 - EPSILON);
            -(t * p.ln() + (1.0 - t) * (1.0 - p).ln())
        })
        .sum();
    Ok(sum / predictions.len() as f64)
}
// ANCHOR_END: bce

/// Binary cross-entropy without clipping: shows what `ln(0)` does.
pub fn binary_cross_entropy_unclipped(prediction: f64, target: f64) -> f64 {
    -(target * prediction.ln() + (1.0 - target) * (1.0 - prediction).ln())
}

// ANCHOR: gradients
// ANCHOR: sigmoid
/// The logistic sigmoid `1 / (1 + e^(-z))`.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}
// ANCHOR_END: sigmoid

/// d(MSE)/dp for one prediction `p` and target `t`: `2(p - t)`.
pub fn mse_grad_prediction(p: f64, t: f64) -> f64 {
    2.0 * (p - t)
}

/// d(BCE)/dp for one prediction: `(p - t) / (p(1 - p))`.
pub fn bce_grad_prediction(p: f64, t: f64) -> f64 {
    (p - t) / (p * (1.0 - p))
}

/// d(MSE)/dz when `p = sigmoid(z)`: the sigmoid's slope `p(1 - p)` multiplies in.
pub fn mse_grad_logit(p: f64, t: f64) -> f64 {
    mse_grad_prediction(p, t) * p * (1.0 - p)
}

/// d(BCE)/dz when `p = sigmoid(z)`: the slope cancels, leaving `p - t`.
pub fn bce_grad_logit(p: f64, t: f64) -> f64 {
    bce_grad_prediction(p, t) * p * (1.0 - p)
}
// ANCHOR_END: gradients

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatched_lengths_are_an_error_not_a_panic() {
        let error = mse(&[0.5, 0.5], &[1.0]).expect_err("lengths differ");
        assert_eq!(
            error,
            LossError::LengthMismatch {
                predictions: 2,
                targets: 1
            }
        );
        assert!(
            error
                .to_string()
                .contains("got 2 predictions and 1 targets")
        );
        assert_eq!(
            binary_cross_entropy(&[0.5], &[]),
            Err(LossError::LengthMismatch {
                predictions: 1,
                targets: 0
            })
        );
    }

    #[test]
    fn empty_input_is_an_error() {
        assert_eq!(mse(&[], &[]), Err(LossError::Empty));
        assert_eq!(binary_cross_entropy(&[], &[]), Err(LossError::Empty));
    }

    #[test]
    fn perfect_predictions_cost_nothing() {
        assert_eq!(mse(&[1.0, 0.0], &[1.0, 0.0]), Ok(0.0));
        let ce = binary_cross_entropy(&[1.0, 0.0], &[1.0, 0.0]).expect("valid input");
        assert!(
            ce > 0.0 && ce < 1e-14,
            "clipping leaves a tiny positive loss, got {ce}"
        );
    }

    #[test]
    fn clipping_keeps_log_zero_finite() {
        assert!(binary_cross_entropy_unclipped(0.0, 1.0).is_infinite());
        let clipped = binary_cross_entropy(&[0.0], &[1.0]).expect("valid input");
        assert!((clipped - (-(EPSILON.ln()))).abs() < 1e-12);
    }

    #[test]
    fn analytic_gradients_match_central_differences() {
        let h = 1e-6;
        for &p in &[0.05, 0.3, 0.7, 0.95] {
            for &t in &[0.0, 1.0] {
                let numeric = |f: fn(&[f64], &[f64]) -> Result<f64, LossError>| {
                    (f(&[p + h], &[t]).unwrap_or(f64::NAN)
                        - f(&[p - h], &[t]).unwrap_or(f64::NAN))
                        / (2.0 * h)
                };
                assert!((numeric(mse) - mse_grad_prediction(p, t)).abs() < 1e-6);
                assert!(
                    (numeric(binary_cross_entropy) - bce_grad_prediction(p, t)).abs()
                        < 1e-5
                );
            }
            assert!((bce_grad_logit(p, 1.0) - (p - 1.0)).abs() < 1e-12);
        }
    }
}
