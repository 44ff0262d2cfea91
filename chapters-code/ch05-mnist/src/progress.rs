//! The progress bar of the training command (indicatif), and the line printed after each
//! epoch.
//!
//! The bar is drawn on standard error and only when standard error is a terminal (indicatif
//! hides it otherwise), so piped or captured output (logs, tests, snapshots) never contains it.

use indicatif::{ProgressBar, ProgressStyle};

use crate::train::{EpochStats, Observer, Progress};

/// The line printed after every epoch.
pub fn epoch_line(progress: Progress, stats: &EpochStats) -> String {
    format!(
        "epoch {:>2}/{}: learning rate {}, loss {:.6}, validation accuracy {:.2}% ({:.3} s)",
        progress.epoch,
        progress.epochs,
        stats.learning_rate,
        stats.train_loss,
        100.0 * stats.validation.accuracy(),
        stats.seconds
    )
}

/// A progress bar over the epochs of a run, with one printed line per finished epoch.
pub struct TerminalProgress {
    bar: ProgressBar,
}

impl TerminalProgress {
    /// A bar for a run of `epochs` epochs.
    pub fn new(epochs: usize) -> Self {
        let bar = ProgressBar::new(u64::try_from(epochs).unwrap_or(u64::MAX));
        if let Ok(style) =
            ProgressStyle::with_template("{bar:30} epoch {pos}/{len} ({elapsed})")
        {
            bar.set_style(style);
        }
        Self { bar }
    }

    /// Removes the bar (call when the run is over).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for TerminalProgress {
    fn epoch_done(&mut self, progress: Progress, stats: &EpochStats) {
        let line = epoch_line(progress, stats);
        if self.bar.is_hidden() {
            println!("{line}"); // not a terminal: one plain line per epoch
        } else {
            self.bar.println(line);
        }
        self.bar.inc(1);
    }
}

/// A progress bar only (no printed lines), for the runs the chapter's listings train when
/// they are run from the command line: `cargo run -p ch05-mnist -- guide_run` shows which
/// run is training and how far it is; in tests and pipes nothing is drawn.
pub struct QuietBar {
    bar: ProgressBar,
}

impl QuietBar {
    /// A bar for training `name` for `epochs` epochs.
    pub fn new(name: &str, epochs: usize) -> Self {
        let bar = ProgressBar::new(u64::try_from(epochs).unwrap_or(u64::MAX));
        if let Ok(style) = ProgressStyle::with_template(
            "training {prefix}: {bar:30} epoch {pos}/{len} ({elapsed})",
        ) {
            bar.set_style(style);
        }
        bar.set_prefix(name.to_string());
        Self { bar }
    }
}

impl Observer for QuietBar {
    fn epoch_done(&mut self, _: Progress, _: &EpochStats) {
        self.bar.inc(1);
    }
}

impl Drop for QuietBar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
