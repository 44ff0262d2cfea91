//! A small progress bar for training runs, and the lines printed after each epoch.
//!
//! The bar is drawn on standard error and only when standard error is a terminal, so piped or
//! captured output (logs, tests, snapshots) never contains it.

use std::io::{IsTerminal, Write};

use crate::train::{EpochStats, Observer, Progress};

/// Width of the bar in characters.
const WIDTH: usize = 30;

/// The bar for one moment of a run: `epoch  3/15 [#########.....]  478/957 batches`.
pub fn bar(progress: Progress) -> String {
    let filled = WIDTH * progress.batch / progress.batches.max(1);
    format!(
        "epoch {:>2}/{} [{}{}] {:>4}/{} batches",
        progress.epoch,
        progress.epochs,
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        progress.batch,
        progress.batches
    )
}

/// The line printed after each epoch.
pub fn epoch_line(progress: Progress, stats: &EpochStats) -> String {
    format!(
        "epoch {:>2}/{}: learning rate {}, loss {:.6}, test accuracy {:.2}% ({:.3} s)",
        progress.epoch,
        progress.epochs,
        stats.learning_rate,
        stats.train_loss,
        100.0 * stats.test.accuracy(),
        stats.seconds
    )
}

/// Prints a line per epoch on standard output, with a progress bar on standard error while
/// the epoch runs (only if standard error is a terminal).
pub struct TerminalProgress {
    bar_enabled: bool,
    drawn: usize,
}

impl TerminalProgress {
    /// A progress printer; the bar is on only when standard error is a terminal.
    pub fn new() -> Self {
        Self {
            bar_enabled: std::io::stderr().is_terminal(),
            drawn: usize::MAX,
        }
    }
}

impl Default for TerminalProgress {
    fn default() -> Self {
        Self::new()
    }
}

impl Observer for TerminalProgress {
    fn batch_done(&mut self, progress: Progress) {
        if !self.bar_enabled {
            return;
        }
        // Redraw only when the bar grows by a character.
        let filled = WIDTH * progress.batch / progress.batches.max(1);
        if filled != self.drawn {
            self.drawn = filled;
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r{}", bar(progress));
            let _ = stderr.flush();
        }
    }

    fn epoch_done(&mut self, progress: Progress, stats: &EpochStats) {
        if self.bar_enabled {
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r{}\r", " ".repeat(bar(progress).len()));
            let _ = stderr.flush();
            self.drawn = usize::MAX;
        }
        println!("{}", epoch_line(progress, stats));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_fills_with_the_batches() {
        let at = |batch| Progress {
            epoch: 3,
            epochs: 15,
            batch,
            batches: 957,
        };
        assert_eq!(
            bar(at(0)),
            "epoch  3/15 [..............................]    0/957 batches"
        );
        assert_eq!(
            bar(at(478)),
            "epoch  3/15 [##############................]  478/957 batches"
        );
        assert!(bar(at(957)).contains(&"#".repeat(WIDTH)));
    }
}
