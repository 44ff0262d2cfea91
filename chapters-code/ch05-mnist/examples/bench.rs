//! Times training with the guide's configuration (digits 0–4, [784, 64, 5], batch 32, f64) on
//! the one core of the book, Chapter 2's `Network` trained by Chapter 3's `train_epoch`, and
//! puts it side by side with two yardsticks measured in the same run:
//!
//! - the **dense limit**: the arithmetic of an epoch (6 · examples · parameters floating-point
//!   operations: forward, weight gradients, and the error passed down) divided by the rate
//!   this machine multiplies large f64 matrices at (measured here with ndarray's `dot`);
//! - the **numpy reference** (`reference/mnist_numpy.py`, the same batches as matrices),
//!   when `python3` with numpy is installed.
//!
//! ```console
//! cargo run --release -p ch05-mnist --example bench
//! cargo run --release -p ch05-mnist --example bench -- --digits 10   # all ten digits
//! ```
//!
//! Timings depend on the machine and on what else it is doing, which is why they are printed
//! here and never asserted in a test.

use std::process::{Command, ExitCode};
use std::time::Instant;

use ch05_mnist::data;
use ch05_mnist::train::{EpochStats, GUIDE, Observer, Progress, TrainConfig, train};
use clap::Parser;
use ndarray::Array2;

/// Times the training of the guide's network against the dense limit and numpy.
#[derive(Debug, Parser)]
struct Args {
    /// Train on the digits 0 to 4 (5) or on all ten (10)
    #[arg(long, value_enum, default_value = "5")]
    digits: Digits,
    /// Skip the numpy reference
    #[arg(long)]
    no_numpy: bool,
}

/// Which digits to train on.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Digits {
    /// The digits 0 to 4 (the guide's project).
    #[value(name = "5")]
    Five,
    /// All ten digits.
    #[value(name = "10")]
    Ten,
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

/// The median of some timings.
fn median(mut seconds: Vec<f64>) -> f64 {
    seconds.sort_by(f64::total_cmp);
    seconds.get(seconds.len() / 2).copied().unwrap_or(f64::NAN)
}

/// This machine's rate for large f64 matrix products through ndarray's `dot`, in floating-
/// point operations per second (the best of five 1024 × 1024 × 1024 products).
fn gemm_rate() -> f64 {
    let n = 1024;
    let a =
        Array2::from_shape_fn((n, n), |(i, j)| ((i * 7 + j * 3) % 11) as f64 / 11.0);
    let b = Array2::from_shape_fn((n, n), |(i, j)| ((i * 5 + j) % 13) as f64 / 13.0);
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let started = Instant::now();
        let c = a.dot(&b);
        best = best.min(started.elapsed().as_secs_f64());
        std::hint::black_box(c);
    }
    2.0 * (n * n * n) as f64 / best
}

/// The numpy reference's median epoch time for `config`, if python3 with numpy runs it.
fn numpy_epoch(config: &TrainConfig) -> Option<f64> {
    let root = data::workspace_root();
    let script = root.join("chapters-code/ch05-mnist/reference/mnist_numpy.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(data::data_dir())
        .args(["--time", config.name])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("epoch seconds: "))?;
    let times: Vec<f64> = line.split(' ').filter_map(|t| t.parse().ok()).collect();
    (!times.is_empty()).then(|| median(times))
}

fn run(args: &Args) -> Result<String, String> {
    let config = match args.digits {
        Digits::Ten => ch05_mnist::experiments::MSE10,
        Digits::Five => GUIDE,
    };
    let project = data::project(config.classes)?;
    let examples = project.split.train.len();
    println!(
        "{}: {examples} training images, layers {:?}, batch {}, f64, one thread",
        config.name, config.layers, config.batch_size,
    );
    let run =
        train(&config, &project.split, &mut EpochTimes).map_err(|e| e.to_string())?;
    let ours = median(run.history.iter().map(|s| s.seconds).collect());
    let rate = gemm_rate();
    let flops = 6.0 * examples as f64 * run.best.parameter_count() as f64;
    let limit = flops / rate;
    let mut out = format!(
        "\n{}\n\nepoch time (median of {} epochs): {ours:.3} s, {:.0} examples/second\n",
        run.summary(),
        run.history.len(),
        examples as f64 / ours
    );
    out.push_str(&format!(
        "dense limit: {:.2} GFLOP per epoch / {:.1} GFLOP/s (this machine's f64 matrix product) = {limit:.3} s; ours is {:.2}x the limit\n",
        flops / 1e9,
        rate / 1e9,
        ours / limit
    ));
    if args.no_numpy {
        return Ok(out);
    }
    match numpy_epoch(&config) {
        Some(numpy) => out.push_str(&format!(
            "numpy reference (vectorised, same batches): {numpy:.3} s per epoch; ours is {:.2}x faster\n",
            numpy / ours
        )),
        None => out.push_str("numpy reference: not run (python3 with numpy not found)\n"),
    }
    Ok(out)
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(summary) => {
            print!("{summary}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
