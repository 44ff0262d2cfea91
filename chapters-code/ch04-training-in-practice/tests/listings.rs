//! Every listing and figure of this chapter against its reviewed snapshot, one test each:
//! `cargo test -p ch04-training-in-practice <listing>` runs one (`figure_<name>` for a figure).

fn main() -> std::process::ExitCode {
    ch04_training_in_practice::CHAPTER.run_snapshot_tests(|_| true)
}
