//! Prints one listing of Chapter 2: `cargo run -p ch02-backpropagation -- <listing>`.

fn main() -> std::process::ExitCode {
    ch02_backpropagation::CHAPTER.main()
}
