//! Classifies a digit with a saved model:
//! `cargo run -p ch05-mnist --bin mnist-classify -- [--model m.bpnn] (--index N | digit.pgm)`.
//!
//! `--index N` takes image `N` of the MNIST test file (0 to 9999); a `.pgm` file is read as a
//! 28 × 28 grey-scale image. The model defaults to `data/models/guide.bpnn`, which
//! `cargo run --release -p ch05-mnist --bin mnist-train` writes.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match ch05_mnist::classify::run(&args) {
        Ok(report) => {
            print!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
