//! Times training with the guide's configuration (digits 0–4, [784, 64, 5], batch 32, f64)
//! on the one core of the book, Chapter 2's `Network` trained by Chapter 3's
//! `train_epoch`, and puts it side by side with yardsticks measured in the same run:
//!
//! - the **dense limit**: the arithmetic of an epoch done densely (6 · examples · parameters
//!   floating-point operations: forward, weight gradients, and the error passed down)
//!   divided by the rate this machine multiplies large f64 matrices at (measured here with
//!   ndarray's `dot`), on one core and on all of them at once;
//! - the **numpy reference** (`reference/mnist_numpy.py`, the same batches as matrices),
//!   when `python3` with numpy is installed.
//!
//! ```console
//! cargo run --release -p ch05-mnist --example bench
//! cargo run --release -p ch05-mnist --example bench -- --digits 10   # all ten digits
//! cargo run --release -p ch05-mnist --example bench -- --batch 256
//! cargo run --release -p ch05-mnist --example bench -- --hidden 512
//! ```
//!
//! Timings depend on the machine and on what else it is doing, which is why they are
//! printed here and never asserted in a test.
//!
//! `reference/forked-engine.sh` times this benchmark side by side with the engine the book
//! had before its one network (Chapter 5's own two-thread dense trainer, built from git).

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
    /// Examples per mini-batch (default: the configuration's)
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    batch: Option<u16>,
    /// The width of the hidden layer (default: the configuration's 64)
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    hidden: Option<u16>,
    /// Epochs to train (default: the configuration's 15; the median needs at least 5)
    #[arg(long, value_parser = clap::value_parser!(u16).range(5..))]
    epochs: Option<u16>,
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

/// The time of the fastest of five 1024 × 1024 × 1024 f64 matrix products through
/// ndarray's `dot` on this thread.
fn best_product_seconds() -> f64 {
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
    best
}

/// This machine's rate for large f64 matrix products, in floating-point operations per
/// second, with `threads` products running at once (one per core): their rates added.
fn gemm_rate(threads: usize) -> f64 {
    let flops = 2.0 * 1024f64.powi(3);
    std::thread::scope(|scope| {
        let runs: Vec<_> = (0..threads)
            .map(|_| scope.spawn(best_product_seconds))
            .collect();
        runs.into_iter()
            .map(|run| run.join().map_or(0.0, |seconds| flops / seconds))
            .sum()
    })
}

/// The peak resident memory of this process so far (Linux's `VmHWM`), if known.
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!("{:.1} MiB", kib / 1024.0))
}

/// The numpy reference's median epoch time for `config` with the bench's changes, if
/// python3 with numpy runs it.
fn numpy_epoch(config: &TrainConfig, args: &Args) -> Option<f64> {
    let root = data::workspace_root();
    let script = root.join("chapters-code/ch05-mnist/reference/mnist_numpy.py");
    let mut command = Command::new("python3");
    command
        .arg(script)
        .arg(data::data_dir())
        .args(["--time", config.name]);
    let changes = [("--batch", args.batch), ("--hidden", args.hidden)];
    for (flag, value) in changes {
        if let Some(value) = value {
            command.args([flag, &value.to_string()]);
        }
    }
    command.args(["--epochs", &config.epochs.to_string()]);
    let output = command.output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("epoch seconds: "))?;
    let times: Vec<f64> = line.split(' ').filter_map(|t| t.parse().ok()).collect();
    (!times.is_empty()).then(|| median(times))
}

/// The configuration to time: the chosen digits' run with the bench's changes.
fn configuration(args: &Args) -> TrainConfig {
    let mut config = match args.digits {
        Digits::Ten => ch05_mnist::experiments::MSE10,
        Digits::Five => GUIDE,
    };
    if let Some(batch) = args.batch {
        config.batch_size = usize::from(batch);
    }
    if let Some(hidden) = args.hidden {
        let layers = vec![config.layers[0], usize::from(hidden), config.classes];
        config.layers = Vec::leak(layers);
    }
    if let Some(epochs) = args.epochs {
        config.epochs = usize::from(epochs);
    }
    config
}

fn run(args: &Args) -> Result<String, String> {
    let config = configuration(args);
    // As `cargo mnist-train` does: only the training images of its digits, split in
    // place.
    let digits = data::load_training_from(&data::data_dir(), config.classes)
        .map_err(|e| e.to_string())?;
    let split = data::Split::of(digits, config.classes);
    let examples = split.train.len();
    println!(
        "{}: {examples} training images, layers {:?}, batch {}, f64, one thread",
        config.name, config.layers, config.batch_size,
    );
    let run = train(&config, &split, &mut EpochTimes).map_err(|e| e.to_string())?;
    let ours = median(run.history.iter().map(|s| s.seconds).collect());
    // Read before the GEMM measurement below, whose large matrices are not the trainer's.
    let peak = peak_memory();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let (one_core, all_cores) = (gemm_rate(1), gemm_rate(cores));
    let flops = 6.0 * examples as f64 * run.best.parameter_count() as f64;
    let mut out = format!(
        "\n{}\n\nepoch time (median of {} epochs): {ours:.4} s, {:.0} examples/second\n",
        run.summary(),
        run.history.len(),
        examples as f64 / ours
    );
    out.push_str(&format!(
        "dense epoch: {:.2} GFLOP (6 x examples x parameters)\n",
        flops / 1e9
    ));
    for (rate, label) in [
        (one_core, "1 core".to_string()),
        (all_cores, format!("{cores} cores")),
    ] {
        let limit = flops / rate;
        out.push_str(&format!(
            "dense limit on {label}: {:.1} GFLOP/s (f64 matrix product) -> {limit:.4} s; ours is {:.2}x it\n",
            rate / 1e9,
            ours / limit
        ));
    }
    if let Some(peak) = peak {
        out.push_str(&format!("peak memory of the load and training: {peak}\n"));
    }
    if args.no_numpy {
        return Ok(out);
    }
    match numpy_epoch(&config, args) {
        Some(numpy) => out.push_str(&format!(
            "numpy reference (vectorised, same batches): {numpy:.4} s per epoch; ours is {:.2}x faster\n",
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
