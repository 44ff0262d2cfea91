//! `cargo book [build|serve [PORT]]`: builds the book into `target/book`, and serves it.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Found at run time (never `env!`): a checkout moved or copied with its `target/` builds
    // itself, not the folder it was compiled in.
    let root = match book_workspace::workspace_root() {
        Ok(root) => root,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let (command, port) = match args.as_slice() {
        [] => ("serve", None),
        [command] => (command.as_str(), None),
        [command, port] => (command.as_str(), Some(port.as_str())),
        _ => ("help", None),
    };
    if command == "check-stubs" && port.is_none() {
        let problems = book_tools::stubs::check_stubs(&root);
        for problem in &problems {
            eprintln!("error: {problem}");
        }
        return if problems.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    if command == "stubs" && matches!(port, None | Some("--force")) {
        let report = book_tools::stubs::write_stubs(&root, port == Some("--force"));
        let text = book_tools::stubs::describe(&root, &report);
        return if report.is_success() {
            print!("{text}");
            ExitCode::SUCCESS
        } else {
            eprint!("{text}");
            ExitCode::FAILURE
        };
    }
    if !matches!(command, "build" | "serve") {
        eprintln!(
            "usage: cargo book build          # writes target/book/index.html\n       cargo book serve [PORT]   # builds, then serves http://127.0.0.1:3000/\n       cargo book stubs [--force] # for authors: writes missing stubs; --force overwrites edited ones, keeping <stub>.bak\n       cargo book check-stubs    # fails if a stub differs from its solution"
        );
        return ExitCode::FAILURE;
    }
    let output = match book_tools::build(&root) {
        Ok(output) => output,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("Built the book: {}", output.join("index.html").display());
    if command == "build" {
        return ExitCode::SUCCESS;
    }
    let port = match port.map(str::parse::<u16>) {
        None => 3000,
        Some(Ok(port)) => port,
        Some(Err(_)) => {
            eprintln!("error: the port must be a number between 1 and 65535");
            return ExitCode::FAILURE;
        }
    };
    match book_tools::serve(&output, port) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "error: cannot serve on 127.0.0.1:{port}: {error}; pass another port: cargo book serve 3001"
            );
            ExitCode::FAILURE
        }
    }
}
