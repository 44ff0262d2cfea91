//! Time per epoch for each batch size of the chapter's comparison. Timings depend on your
//! machine, so they are printed here and never snapshotted or tested:
//!
//! ```console
//! $ cargo run --release -p ch03-training-loop --example epoch_timing
//! ```

use std::time::Instant;

use bookkit::NumpyRng;
use ch02_backpropagation::MeanSquaredError;
use ch02_backpropagation::Network;
use ch03_training_loop::runs::{
    BATCH_LEARNING_RATE, BATCH_SIZES, LAYERS, SEED, noisy_data,
};
use ch03_training_loop::{TrainError, train_epoch};

/// Epochs timed per batch size.
const EPOCHS: usize = 200;

fn main() -> Result<(), TrainError> {
    let data = noisy_data();
    println!("{} points, {EPOCHS} epochs per batch size\n", data.len());
    println!("batch size  updates/epoch  time/epoch  examples/second");
    for batch_size in BATCH_SIZES {
        let mut net = Network::new(&LAYERS, SEED)?;
        let mut shuffle = NumpyRng::seed(0);
        let start = Instant::now();
        for _ in 0..EPOCHS {
            train_epoch(
                &mut net,
                &data,
                &MeanSquaredError,
                BATCH_LEARNING_RATE,
                batch_size,
                &mut shuffle,
            )?;
        }
        let per_epoch = start.elapsed().as_secs_f64() / EPOCHS as f64;
        println!(
            "{batch_size:>10}  {:>13}  {:>7.3} ms  {:>15.0}",
            data.len().div_ceil(batch_size),
            per_epoch * 1e3,
            data.len() as f64 / per_epoch
        );
    }
    Ok(())
}
