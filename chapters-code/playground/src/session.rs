//! One training run of the playground: Chapter 3's `Network`, data and training loop, driven
//! a few epochs at a time so that the page can redraw between them.
//!
//! Nothing here re-implements training: an epoch is Chapter 3's [`train_pass`] (every example
//! in order, one update each) or [`train_epoch`] (shuffled mini-batches), and the loss is its
//! [`mean_loss`].

use bookkit::NumpyRng;
use ch02_backpropagation::{MeanSquaredError, Network};
use ch03_training_loop::data::MISSING;
use ch03_training_loop::data::{Dataset, xor};
use ch03_training_loop::runs::{self, LAYERS, SHUFFLE_SEED};
use ch03_training_loop::{TrainError, mean_loss, train_epoch, train_pass};
use ndarray::Array2;

/// The data set to train on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataChoice {
    /// The four corners of the XOR truth table.
    Xor,
    /// The chapter's noisy XOR: 400 points around the corners (Chapter 3, "Mini-batches").
    NoisyXor,
    /// XOR with the last input read as `[1, NaN]`: the data of Chapter 3's "When training
    /// goes wrong", on which training stops with the chapter's `NonFinite` error.
    XorWithMissing,
}

impl DataChoice {
    /// `1` is noisy XOR, `2` XOR with a missing value, anything else XOR.
    pub fn from_code(code: u32) -> Self {
        match code {
            1 => Self::NoisyXor,
            2 => Self::XorWithMissing,
            _ => Self::Xor,
        }
    }

    /// The examples, exactly as the chapter builds them.
    pub fn dataset(self) -> Dataset {
        match self {
            Self::Xor => xor(),
            Self::NoisyXor => runs::noisy_data(),
            Self::XorWithMissing => {
                let mut data = xor();
                if let Some(last) = data.inputs.last_mut() {
                    *last = vec![1.0, MISSING];
                }
                data
            }
        }
    }

    /// The square `[low, high]²` the decision-boundary grid covers: the data with a margin.
    pub fn extent(self) -> (f64, f64) {
        match self {
            Self::Xor | Self::XorWithMissing => (-0.1, 1.1),
            Self::NoisyXor => (-0.8, 1.8),
        }
    }
}

/// The smallest learning rate the playground accepts.
pub const MIN_LEARNING_RATE: f64 = 1e-4;
/// The largest learning rate the playground accepts: Chapter 3's `check_learning_rate` takes
/// any positive finite number, and this is close to the largest `f64`, so that the chapter's
/// point can be tried: a sigmoid network does not overflow, it saturates (loss 0.5).
pub const MAX_LEARNING_RATE: f64 = 1e308;
/// The widest hidden layer.
pub const MAX_HIDDEN: usize = 32;
/// The most epochs (passes over the data) of one run.
pub const MAX_EPOCHS: usize = 5000;
/// The most cells per side of the decision-boundary grid.
pub const MAX_CELLS: usize = 200;

/// The controls of the playground.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// The data set.
    pub data: DataChoice,
    /// The learning rate.
    pub learning_rate: f64,
    /// Neurons in the hidden layer (the chapter uses 4).
    pub hidden: usize,
    /// Examples per mini-batch (used when `shuffled`).
    pub batch_size: usize,
    /// `false`: one [`train_pass`] per epoch (every example in order, one update each);
    /// `true`: one [`train_epoch`] (shuffled mini-batches of `batch_size`).
    pub shuffled: bool,
    /// Passes over the data.
    pub epochs: usize,
    /// The seed of the initial weights (the chapter uses 42).
    pub seed: u32,
}

impl Settings {
    /// The chapter's run on `data`: on XOR the learning-rate experiment's row for rate 1.0
    /// (500 passes in order; its final loss is the fact `lr1_final`), on noisy XOR the batch
    /// size comparison's mini-batch row (batch 32, rate 2.0, 100 epochs; fact `batch32_final`).
    /// With the missing value, the XOR settings.
    pub fn chapter(data: DataChoice) -> Self {
        match data {
            DataChoice::Xor | DataChoice::XorWithMissing => Self {
                data,
                learning_rate: runs::LEARNING_RATES[1],
                hidden: LAYERS[1],
                batch_size: 1,
                shuffled: false,
                epochs: runs::LEARNING_RATE_PASSES,
                seed: runs::SEED,
            },
            DataChoice::NoisyXor => Self {
                data,
                learning_rate: runs::BATCH_LEARNING_RATE,
                hidden: LAYERS[1],
                batch_size: runs::BATCH_SIZES[1],
                shuffled: true,
                epochs: runs::BATCH_EPOCHS,
                seed: runs::SEED,
            },
        }
    }

    /// The same settings with every number moved into the range the training code accepts:
    /// the learning rate into `[MIN_LEARNING_RATE, MAX_LEARNING_RATE]` (NaN becomes the
    /// chapter's rate), the hidden width into `1..=MAX_HIDDEN`, the batch size into
    /// `1..=` the number of examples, the epochs into `1..=MAX_EPOCHS`.
    pub fn clamped(self, examples: usize) -> Self {
        let learning_rate = if self.learning_rate.is_nan() {
            Self::chapter(self.data).learning_rate
        } else {
            self.learning_rate
                .clamp(MIN_LEARNING_RATE, MAX_LEARNING_RATE)
        };
        Self {
            learning_rate,
            hidden: self.hidden.clamp(1, MAX_HIDDEN),
            batch_size: self.batch_size.clamp(1, examples.max(1)),
            epochs: self.epochs.clamp(1, MAX_EPOCHS),
            ..self
        }
    }
}

/// A run in progress: the network, its data, and the loss after every epoch so far.
#[derive(Debug, Clone)]
pub struct Session {
    settings: Settings,
    data: Dataset,
    net: Network,
    shuffle: NumpyRng,
    losses: Vec<f64>,
    error: Option<TrainError>,
}

impl Session {
    /// A fresh network (`[2, hidden, 1]`, seeded) for `settings`, clamped first.
    ///
    /// # Errors
    /// Chapter 2's [`ch02_backpropagation::NetworkError`] if the layer sizes are refused
    /// (cannot happen for clamped settings, but is reported rather than assumed).
    pub fn new(settings: Settings) -> Result<Self, TrainError> {
        let data = settings.data.dataset();
        let settings = settings.clamped(data.len());
        let net = Network::new(&[LAYERS[0], settings.hidden, LAYERS[2]], settings.seed)?;
        Ok(Self {
            settings,
            data,
            net,
            shuffle: NumpyRng::seed(SHUFFLE_SEED),
            losses: Vec::new(),
            error: None,
        })
    }

    /// The settings in use (after clamping).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The data being trained on.
    pub fn data(&self) -> &Dataset {
        &self.data
    }

    /// The network as trained so far.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The mean loss over the data after each epoch so far.
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// The error that stopped training, if one did.
    pub fn error(&self) -> Option<&TrainError> {
        self.error.as_ref()
    }

    /// Whether the run is over: every epoch done, or stopped by an error.
    pub fn is_done(&self) -> bool {
        self.error.is_some() || self.losses.len() >= self.settings.epochs
    }

    /// Trains up to `count` more epochs (fewer when the run ends first) and returns how many
    /// were done. After an error, training stops for good and the error is kept.
    ///
    /// # Errors
    /// The first [`TrainError`] of Chapter 3's training code (e.g. `NonFinite` for a learning
    /// rate so large that the weights overflow).
    pub fn run(&mut self, count: usize) -> Result<usize, TrainError> {
        if let Some(error) = &self.error {
            return Err(error.clone());
        }
        let mut done = 0;
        while done < count && !self.is_done() {
            if let Err(error) = self.epoch() {
                self.error = Some(error.clone());
                return Err(error);
            }
            done += 1;
        }
        Ok(done)
    }

    /// One epoch with Chapter 3's code, then the loss over all the data.
    fn epoch(&mut self) -> Result<(), TrainError> {
        let Settings {
            learning_rate,
            batch_size,
            shuffled,
            ..
        } = self.settings;
        if shuffled {
            train_epoch(
                &mut self.net,
                &self.data,
                &MeanSquaredError,
                learning_rate,
                batch_size,
                &mut self.shuffle,
            )?;
        } else {
            train_pass(
                &mut self.net,
                &self.data.inputs,
                &self.data.targets,
                learning_rate,
            )?;
        }
        let loss = mean_loss(&self.net, &self.data.inputs, &self.data.targets)?;
        if !loss.is_finite() {
            // Evaluating never fails on NaN; training on from here would: stop now and say so,
            // with Chapter 3's own words, at the step the next epoch would begin with.
            let step = self.losses.len() * self.data.len();
            return Err(TrainError::NonFinite { step, loss });
        }
        self.losses.push(loss);
        Ok(())
    }

    /// The network's output on a `cells` × `cells` grid of cell centres over the data's
    /// square, row by row from the bottom (smallest `x2`), left to right. `cells` is clamped
    /// to `1..=MAX_CELLS`.
    ///
    /// # Errors
    /// A [`TrainError::Network`] if the forward pass refuses the grid (it does not for a
    /// two-input network).
    pub fn grid(&self, cells: usize) -> Result<Vec<f64>, TrainError> {
        let cells = cells.clamp(1, MAX_CELLS);
        let (low, high) = self.settings.data.extent();
        let size = (high - low) / cells as f64;
        let centre = |i: usize| low + (i as f64 + 0.5) * size;
        let inputs = Array2::from_shape_fn((cells * cells, 2), |(index, column)| {
            if column == 0 {
                centre(index % cells)
            } else {
                centre(index / cells)
            }
        });
        let activations = self.net.forward_batch(inputs.view())?;
        Ok(activations
            .last()
            .map(|outputs| outputs.column(0).to_vec())
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ch03_training_loop::listings;

    /// The chapter's facts, `key: value` per line.
    fn fact(key: &str) -> String {
        let facts = listings::facts().expect("the chapter's facts");
        facts
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("no fact {key}"))
            .to_string()
    }

    fn finish(settings: Settings) -> Session {
        let mut session = Session::new(settings).expect("valid settings");
        session.run(usize::MAX).expect("trains");
        assert!(session.is_done());
        session
    }

    #[test]
    fn the_xor_default_is_the_chapters_learning_rate_run() {
        let session = finish(Settings::chapter(DataChoice::Xor));
        let chapter = &runs::learning_rates().expect("the chapter's runs")[1];
        assert_eq!(chapter.learning_rate, 1.0);
        assert_eq!(session.losses().len(), chapter.losses.len());
        assert_eq!(session.network(), &chapter.network);
        let last = session.losses()[session.losses().len() - 1];
        assert_eq!(last, chapter.final_loss);
        assert_eq!(format!("{last:.4}"), fact("lr1_final"));
    }

    #[test]
    fn the_noisy_default_is_the_chapters_mini_batch_run() {
        let session = finish(Settings::chapter(DataChoice::NoisyXor));
        let chapter = &runs::batch_sizes().expect("the chapter's runs")[1];
        assert_eq!(chapter.batch_size, 32);
        assert_eq!(session.losses(), &chapter.epoch_losses[..]);
        let last = session.losses()[session.losses().len() - 1];
        assert_eq!(format!("{last:.4}"), fact("batch32_final"));
    }

    #[test]
    fn runs_in_slices_equal_one_run() {
        let settings = Settings::chapter(DataChoice::Xor);
        let whole = finish(settings);
        let mut sliced = Session::new(settings).expect("valid");
        while !sliced.is_done() {
            assert!(sliced.run(7).expect("trains") <= 7);
        }
        assert_eq!(sliced.losses(), whole.losses());
        assert_eq!(sliced.run(5), Ok(0), "a finished run trains no more");
    }

    #[test]
    fn every_setting_is_clamped_into_range() {
        let wild = Settings {
            data: DataChoice::Xor,
            learning_rate: f64::INFINITY,
            hidden: 0,
            batch_size: 1000,
            shuffled: true,
            epochs: usize::MAX,
            seed: u32::MAX,
        };
        let session = Session::new(wild).expect("clamped settings are valid");
        let s = session.settings();
        assert_eq!(s.learning_rate, MAX_LEARNING_RATE);
        assert_eq!((s.hidden, s.batch_size, s.epochs), (1, 4, MAX_EPOCHS));
        for rate in [f64::NAN, f64::NEG_INFINITY, -3.0, 0.0] {
            let s = Settings {
                learning_rate: rate,
                hidden: usize::MAX,
                batch_size: 0,
                epochs: 0,
                ..wild
            }
            .clamped(4);
            assert!(
                s.learning_rate > 0.0 && s.learning_rate.is_finite(),
                "{rate}"
            );
            assert_eq!((s.hidden, s.batch_size, s.epochs), (MAX_HIDDEN, 1, 1));
        }
    }

    #[test]
    fn a_huge_learning_rate_saturates_as_the_chapter_shows() {
        // Chapter 3, "When training goes wrong": learning rate 1e300 on XOR, 100 passes.
        let session = finish(Settings {
            learning_rate: 1e300,
            epochs: 100,
            ..Settings::chapter(DataChoice::Xor)
        });
        assert_eq!(session.error(), None);
        let last = session.losses()[99];
        let snapshot = ch03_training_loop::listings::training_errors().expect("the listing");
        assert!(
            snapshot.contains(&format!("no error: loss {last:.4} after 100 passes")),
            "{last} vs\n{snapshot}"
        );
    }

    #[test]
    fn a_missing_value_stops_with_chapter_3s_error() {
        let mut session =
            Session::new(Settings::chapter(DataChoice::XorWithMissing)).expect("valid");
        let before = session.network().clone();
        let error = session.run(usize::MAX).expect_err("NaN input");
        assert!(
            matches!(error, TrainError::NonFinite { step: 3, .. }),
            "{error:?}"
        );
        let snapshot = ch03_training_loop::listings::training_errors().expect("the listing");
        // The listing wraps its long lines to the page's column, 4 spaces further in.
        let line = bookkit::fmt::wrap(&format!("  error: {error}\n"), 4);
        assert!(snapshot.contains(&line), "{line}\nis not in\n{snapshot}");
        assert!(session.is_done() && session.losses().is_empty());
        let again = session.run(1).expect_err("the error is kept");
        assert_eq!(again.to_string(), error.to_string(), "the error is kept");
        assert!(
            session
                .network()
                .weights()
                .iter()
                .flatten()
                .all(|w| w.is_finite())
        );
        assert_ne!(
            session.network(),
            &before,
            "the first three updates were made"
        );
    }

    #[test]
    fn the_grid_covers_the_square_row_by_row() {
        let session = finish(Settings::chapter(DataChoice::Xor));
        let grid = session.grid(3).expect("a grid");
        assert_eq!(grid.len(), 9);
        let (low, high) = DataChoice::Xor.extent();
        let third = (high - low) / 3.0;
        let at = |x1: f64, x2: f64| session.network().predict(&[x1, x2]).expect("2 inputs")[0];
        assert_eq!(grid[0], at(low + third / 2.0, low + third / 2.0));
        assert_eq!(grid[5], at(low + 2.5 * third, low + 1.5 * third));
        assert_eq!(session.grid(0).expect("clamped").len(), 1);
        assert_eq!(
            session.grid(usize::MAX).expect("clamped").len(),
            MAX_CELLS * MAX_CELLS
        );
    }
}
