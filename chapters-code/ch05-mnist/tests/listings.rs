//! Every listing and figure of Chapter 5 against its reviewed snapshot, one test each:
//! `cargo test -p ch05-mnist <listing>` runs one (`figure_<name>` for a figure).
//!
//! They need the MNIST files: without them each is reported as ignored, with a `SKIPPED`
//! line naming `cargo mnist-fetch`; under `CI=true` the test binary fails instead.

fn main() -> std::process::ExitCode {
    if ch05_mnist::data::data_present() {
        // Nearly every listing needs a run: train them all first, two at a time, largest first.
        if let Err(error) = ch05_mnist::experiments::train_all(2) {
            eprintln!("training failed: {error}");
            return std::process::ExitCode::FAILURE;
        }
    }
    ch05_mnist::CHAPTER.run_snapshot_tests(|name| match name {
        // These two need no data.
        "idx_errors" | "softmax_check" | "no_orphaned_snapshots" => true,
        _ => ch05_mnist::data::data_or_skip(name),
    })
}
