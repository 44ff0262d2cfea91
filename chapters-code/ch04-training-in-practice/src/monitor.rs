//! Watching a training run: the loss of every epoch, on the training data and on held-out
//! data, and early stopping, which keeps the weights of the best held-out epoch.

use std::fmt;

use ch02_backpropagation::Network;
use ch03_training_loop::{TrainError, mean_loss, train_pass, train_passes};

use crate::data::Dataset;

/// Why [`fit`] could not train.
#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// Training failed (bad data, or a loss that became NaN or infinite).
    Train(TrainError),
    /// `max_epochs` was 0, so there is no epoch whose weights could be kept.
    ZeroEpochs,
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Train(error) => write!(f, "{error}"),
            Self::ZeroEpochs => write!(
                f,
                "max_epochs is 0, so there is nothing to train or keep: use at least 1 epoch"
            ),
        }
    }
}

impl std::error::Error for FitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Train(error) => Some(error),
            Self::ZeroEpochs => None,
        }
    }
}

impl From<TrainError> for FitError {
    fn from(error: TrainError) -> Self {
        Self::Train(error)
    }
}

// ANCHOR: loss_curve
/// Trains `net` for `epochs` in-order passes over `data` (one update per example) and
/// returns the loss curve: the mean loss of each pass, as the guide's loop records
/// it.
///
/// # Errors
/// [`TrainError`] for bad data or a loss that became NaN or infinite (its step
/// counted from the start of training, as Chapter 3's `train_passes` counts it).
pub fn loss_curve(
    net: &mut Network,
    data: &Dataset,
    learning_rate: f64,
    epochs: usize,
) -> Result<Vec<f64>, TrainError> {
    train_passes(net, &data.inputs, &data.targets, learning_rate, epochs)
}
// ANCHOR_END: loss_curve

/// How to train in [`fit`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FitOptions {
    /// The step size of every update.
    pub learning_rate: f64,
    /// How many epochs to train at most.
    pub max_epochs: usize,
    /// Stop after this many epochs without a new best held-out loss (`None`: never stop early).
    pub patience: Option<usize>,
}

/// The losses after every epoch, on the training data and on the held-out data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LossHistory {
    /// Mean loss on the training data after each epoch (epoch 0 first).
    pub train: Vec<f64>,
    /// Mean loss on the held-out data after each epoch.
    pub held_out: Vec<f64>,
}

impl LossHistory {
    /// How many epochs were recorded.
    pub fn epochs(&self) -> usize {
        self.train.len()
    }
}

/// The network as it was after its best epoch on the held-out data.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    /// The epoch (counting from 0) after which the held-out loss was lowest.
    pub epoch: usize,
    /// That lowest held-out loss.
    pub held_out_loss: f64,
    /// A copy of the network's weights at that moment.
    pub network: Network,
}

/// The result of [`fit`].
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Both loss curves, one entry per epoch trained.
    pub history: LossHistory,
    /// The weights of the best held-out epoch (what early stopping keeps).
    pub best: Checkpoint,
    /// The weights after the last epoch trained.
    pub last: Network,
}

impl Fit {
    /// Whether training ended before `max_epochs` because the held-out loss stopped improving.
    pub fn stopped_early(&self, options: &FitOptions) -> bool {
        self.history.epochs() < options.max_epochs
    }
}

// ANCHOR: early_stopping_struct
/// Early stopping: after every epoch, a held-out measure (lower is better: a loss, or
/// an error rate) is compared with the best so far; a new best keeps a copy of the
/// weights. With a `patience`, training should stop once that many epochs have passed
/// without a new best.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlyStopping {
    /// Epochs without a new best after which to stop (`None`: never stop early).
    patience: Option<usize>,
    /// The best epoch so far.
    best: Option<Checkpoint>,
}

impl EarlyStopping {
    /// Nothing observed yet.
    pub fn new(patience: Option<usize>) -> Self {
        Self {
            patience,
            best: None,
        }
    }

    /// Records `held_out` after `epoch` (counting from 0) and keeps a copy of `net`
    /// when it is a new best. Returns `true` when training should stop.
    pub fn observe(&mut self, epoch: usize, held_out: f64, net: &Network) -> bool {
        let best_so_far = self
            .best
            .as_ref()
            .map_or(f64::INFINITY, |b| b.held_out_loss);
        if held_out < best_so_far {
            self.best = Some(Checkpoint {
                epoch,
                held_out_loss: held_out,
                network: net.clone(), // keep these weights
            });
        }
        let since_best = epoch - self.best.as_ref().map_or(0, |b| b.epoch.min(epoch));
        self.patience.is_some_and(|patience| since_best >= patience)
    }

    /// The best epoch and its weights (`None` before any finite measure was
    /// observed).
    pub fn best(self) -> Option<Checkpoint> {
        self.best
    }
}
// ANCHOR_END: early_stopping_struct

// ANCHOR: fit
/// Trains `net` on `train` one in-order pass per epoch; after every epoch, measures
/// the loss on `train` and on `held_out` (without training on it), and hands the
/// held-out loss to [`EarlyStopping`], which keeps the weights of the best epoch and
/// says when to stop.
///
/// # Errors
/// [`FitError::ZeroEpochs`] when `max_epochs` is 0; [`FitError::Train`] for bad data
/// or a training or held-out loss that became NaN or infinite (`step` = the epoch).
pub fn fit(
    mut net: Network,
    train: &Dataset,
    held_out: &Dataset,
    options: &FitOptions,
) -> Result<Fit, FitError> {
    let mut history = LossHistory::default();
    let mut stopping = EarlyStopping::new(options.patience);
    for epoch in 0..options.max_epochs {
        train_pass(
            &mut net,
            &train.inputs,
            &train.targets,
            options.learning_rate,
        )?;
        let held_out_loss = mean_loss(&net, &held_out.inputs, &held_out.targets)?;
        if !held_out_loss.is_finite() {
            let loss = held_out_loss;
            return Err(TrainError::NonFinite { step: epoch, loss }.into());
        }
        history
            .train
            .push(mean_loss(&net, &train.inputs, &train.targets)?);
        history.held_out.push(held_out_loss);
        if stopping.observe(epoch, held_out_loss, &net) {
            break; // no new best for `patience` epochs: stop early
        }
    }
    let best = stopping.best().ok_or(FitError::ZeroEpochs)?;
    Ok(Fit {
        history,
        best,
        last: net,
    })
}
// ANCHOR_END: fit

/// The index and value of the smallest entry (the first one on ties); `None` when empty.
pub fn argmin(values: &[f64]) -> Option<(usize, f64)> {
    values
        .iter()
        .copied()
        .enumerate()
        .fold(None, |best, (i, v)| match best {
            Some((_, b)) if b <= v => best,
            _ => Some((i, v)),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::few_noisy_points;

    fn options(max_epochs: usize, patience: Option<usize>) -> FitOptions {
        FitOptions {
            learning_rate: 1.0,
            max_epochs,
            patience,
        }
    }

    #[test]
    fn zero_epochs_is_an_error_with_a_fix() {
        let split = few_noisy_points();
        let net = Network::new(&[1, 2, 1], 42).expect("valid sizes");
        let error = fit(net, &split.train, &split.test, &options(0, None))
            .expect_err("0 epochs");
        assert_eq!(error, FitError::ZeroEpochs);
        assert!(error.to_string().contains("at least 1 epoch"));
    }

    #[test]
    fn bad_held_out_data_is_reported() {
        let split = few_noisy_points();
        let net = Network::new(&[1, 2, 1], 42).expect("valid sizes");
        let mut held_out = split.test.clone();
        held_out.targets.pop();
        let error = fit(net.clone(), &split.train, &held_out, &options(3, None))
            .expect_err("short");
        assert!(matches!(
            error,
            FitError::Train(TrainError::LengthMismatch { .. })
        ));
        let nan = Dataset::from_points(&[f64::NAN], &[0.5]);
        let error =
            fit(net, &split.train, &nan, &options(3, None)).expect_err("NaN input");
        assert!(matches!(
            error,
            FitError::Train(TrainError::NonFinite { step: 0, .. })
        ));
    }

    #[test]
    fn patience_stops_training_and_keeps_the_best_epoch() {
        let split = few_noisy_points();
        let net = Network::new(&[1, 16, 1], 42).expect("valid sizes");
        let run = fit(net, &split.train, &split.test, &options(400, Some(10)))
            .expect("trains");
        assert_eq!(run.history.epochs(), run.best.epoch + 11);
        let (epoch, loss) = argmin(&run.history.held_out).expect("not empty");
        assert_eq!((epoch, loss), (run.best.epoch, run.best.held_out_loss));
    }

    #[test]
    fn argmin_takes_the_first_minimum() {
        assert_eq!(argmin(&[3.0, 1.0, 2.0, 1.0]), Some((1, 1.0)));
        assert_eq!(argmin(&[]), None);
    }
}
