//! Every listing and figure of this chapter against its reviewed snapshot, one test each:
//! `cargo test -p ch00-setup <listing>` runs one (`figure_<name>` for a figure).

fn main() -> std::process::ExitCode {
    ch00_setup::CHAPTER.run_snapshot_tests(|_| true)
}
