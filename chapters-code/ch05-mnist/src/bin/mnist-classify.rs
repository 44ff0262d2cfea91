//! Classifies a digit with a saved model:
//! `cargo mnist-classify -- [--model m.bpnn] (--index N | digit.pgm)`.
//!
//! `--index N` takes image `N` of the MNIST test file (0 to 9999); a `.pgm` file is read as a
//! 28 × 28 grey-scale image. The model defaults to `data/models/guide.bpnn`, which
//! `cargo mnist-train` writes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = ch05_mnist::classify::Args::parse();
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
