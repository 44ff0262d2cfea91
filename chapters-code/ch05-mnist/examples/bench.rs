//! Times training with the guide's configuration (digits 0–4, [784, 64, 5], batch 32):
//!
//! ```console
//! cargo run --release -p ch05-mnist --example bench
//! cargo run --release -p ch05-mnist --example bench -- --digits 10   # all 60,000 images
//! ```
//!
//! Prints the time of every epoch (training only, not the evaluation after it), the median
//! and fastest epoch, and examples per second. Set `RAYON_NUM_THREADS=1` to use one core.
//! Timings depend on the machine and on what else it is doing, which is why they are printed
//! here and never asserted in a test.

use std::process::ExitCode;

use ch05_mnist::data;
use ch05_mnist::train::{EpochStats, GUIDE, Observer, Progress, TrainConfig, train};

/// Prints one line per epoch.
struct EpochTimes;

impl Observer for EpochTimes {
    fn batch_done(&mut self, _: Progress) {}

    fn epoch_done(&mut self, progress: Progress, stats: &EpochStats) {
        println!(
            "epoch {:>2}/{}: {:.3} s, loss {:.6}, test accuracy {:.2}%",
            progress.epoch,
            progress.epochs,
            stats.seconds,
            stats.train_loss,
            100.0 * stats.test.accuracy()
        );
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let config = match args {
        [] => GUIDE,
        [flag, digits] if flag == "--digits" && digits == "10" => TrainConfig {
            name: "guide-10-digits",
            layers: &[784, 64, 10],
            classes: 10,
            ..GUIDE
        },
        _ => {
            return Err(
                "usage: cargo run --release -p ch05-mnist --example bench -- [--digits 10]".into(),
            );
        }
    };
    let examples = data::subset(config.classes)?;
    println!(
        "{}: {} training images, layers {:?}, batch {}, {} threads",
        config.name,
        examples.train.len(),
        config.layers,
        config.batch_size,
        rayon::current_num_threads()
    );
    let run = train(&config, examples, &mut EpochTimes).map_err(|e| e.to_string())?;
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
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
