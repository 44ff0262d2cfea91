//! Every listing and figure of this chapter against its reviewed snapshot, one test each:
//! `cargo test -p ch02-backpropagation <listing>` runs one (`figure_<name>` for a figure).

fn main() -> std::process::ExitCode {
    ch02_backpropagation::CHAPTER.run_snapshot_tests(|_| true)
}
