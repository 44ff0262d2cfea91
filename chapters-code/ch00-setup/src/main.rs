//! Runs the setup check: `cargo run -p ch00-setup -- setup_check`.

fn main() -> std::process::ExitCode {
    ch00_setup::CHAPTER.main()
}
