//! Every listing and figure of this chapter against its reviewed snapshot, one test each:
//! `cargo test -p ch01-loss-functions <listing>` runs one (`figure_<name>` for a figure).

fn main() -> std::process::ExitCode {
    ch01_loss_functions::CHAPTER.run_snapshot_tests(|_| true)
}
