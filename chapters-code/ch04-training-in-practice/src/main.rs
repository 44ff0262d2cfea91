//! Prints one listing of Chapter 4: `cargo run -p ch04-training-in-practice -- <listing>`.

fn main() -> std::process::ExitCode {
    ch04_training_in_practice::CHAPTER.main()
}
