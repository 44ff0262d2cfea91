//! Prints one listing of Chapter 3: `cargo run -p ch03-training-loop -- <listing>`.

fn main() -> std::process::ExitCode {
    ch03_training_loop::CHAPTER.main()
}
