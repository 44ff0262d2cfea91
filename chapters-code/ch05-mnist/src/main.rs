//! Prints one listing of Chapter 5: `cargo run -p ch05-mnist -- <listing>`.

fn main() -> std::process::ExitCode {
    ch05_mnist::CHAPTER.main()
}
