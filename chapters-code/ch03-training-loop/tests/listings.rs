//! Every listing and figure of this chapter against its reviewed snapshot, one test each:
//! `cargo test -p ch03-training-loop <listing>` runs one (`figure_<name>` for a figure).

fn main() -> std::process::ExitCode {
    ch03_training_loop::CHAPTER.run_snapshot_tests(|_| true)
}
