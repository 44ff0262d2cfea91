//! Prints one listing of Chapter 1: `cargo run -p ch01-loss-functions -- <listing>`.

fn main() -> std::process::ExitCode {
    ch01_loss_functions::CHAPTER.main()
}
