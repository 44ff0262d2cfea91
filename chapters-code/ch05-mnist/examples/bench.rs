//! Times training with the guide's configuration (digits 0–4, [784, 64, 5], batch 32) on the
//! one core of the book, Chapter 2's `Network` trained by Chapter 3's `train_epoch`:
//!
//! ```console
//! cargo run --release -p ch05-mnist --example bench
//! cargo run --release -p ch05-mnist --example bench -- --digits 10   # all ten digits
//! ```
//!
//! Prints the time of every epoch (training only, not the evaluation after it), the median
//! and fastest epoch, and examples per second. Timings depend on the machine and on what else
//! it is doing, which is why they are printed here and never asserted in a test.

use std::process::ExitCode;

use ch05_mnist::data;
use ch05_mnist::train::{EpochStats, GUIDE, Observer, Progress, TrainConfig, train};
use clap::Parser;

/// Times the training of the guide's network.
#[derive(Debug, Parser)]
struct Args {
    /// Train on the digits 0 to 4 (5) or on all ten (10)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(5..=10))]
    digits: u8,
}

/// Prints one line per epoch.
struct EpochTimes;

impl Observer for EpochTimes {
    fn epoch_done(&mut self, progress: Progress, stats: &EpochStats) {
        println!(
            "epoch {:>2}/{}: {:.3} s, loss {:.6}, validation accuracy {:.2}%",
            progress.epoch,
            progress.epochs,
            stats.seconds,
            stats.train_loss,
            100.0 * stats.validation.accuracy()
        );
    }
}

fn run(args: &Args) -> Result<String, String> {
    let config = match args.digits {
        10 => TrainConfig {
            name: "guide-10-digits",
            layers: &[784, 64, 10],
            classes: 10,
            learning_rate: 5.0,
            ..GUIDE
        },
        _ => GUIDE,
    };
    let project = data::project(config.classes)?;
    println!(
        "{}: {} training images, layers {:?}, batch {}",
        config.name,
        project.split.train.len(),
        config.layers,
        config.batch_size,
    );
    let run = train(&config, &project.split, &mut EpochTimes).map_err(|e| e.to_string())?;
    let mut seconds: Vec<f64> = run.history.iter().map(|s| s.seconds).collect();
    seconds.sort_by(f64::total_cmp);
    let median = seconds[seconds.len() / 2];
    Ok(format!(
        "{}\nepoch time: median {median:.3} s, fastest {:.3} s; {:.0} examples/second (median)",
        run.summary(),
        seconds[0],
        run.train_examples as f64 / median
    ))
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
