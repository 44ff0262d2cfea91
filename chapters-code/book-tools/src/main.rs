//! `cargo book [build | serve [PORT] | stubs [--force] | check-stubs | index | preprocess STAGE]`:
//! builds the book into `target/book` and serves it; for authors, generates and checks the
//! exercise stubs and lists every listing with its code, snapshot, page and test; for mdBook,
//! runs the book's preprocessors.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Builds and serves the book "Training and Backpropagation" from this workspace.
///
/// Without a command, `cargo book` is `cargo book serve`.
#[derive(Debug, Parser)]
#[command(name = "cargo book", bin_name = "cargo book", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand, PartialEq, Eq)]
enum Command {
    /// Build the book into target/book (open target/book/index.html: it works offline)
    Build,
    /// Build the book, then serve it at http://127.0.0.1:PORT/ until Ctrl-C (the default): it
    /// is rebuilt when a page, the theme, book.toml or a chapter's code changes, and the open
    /// pages reload
    Serve {
        /// The port to serve on (on 127.0.0.1 only)
        #[arg(default_value_t = 3000, value_parser = clap::value_parser!(u16).range(1..))]
        port: u16,
    },
    /// For authors: write the exercise stubs generated from the solutions
    ///
    /// Missing stubs are written. A stub that differs from its generated form may hold a
    /// learner's work: it is left alone and listed, and the command fails (exit 1), unless
    /// --force.
    Stubs {
        /// Overwrite the stubs that differ, after copying each one to a backup beside it
        /// (<stub>.bak, then <stub>.bak2, …; no backup is ever overwritten)
        #[arg(long)]
        force: bool,
    },
    /// For authors and CI: fail (exit 1) if a stub is missing or is not the stub its solution
    /// generates
    CheckStubs,
    /// For authors: list every listing → code (file:line) → snapshot → page (Listing N-M) →
    /// test, then every numbered block of the book with its file and line
    Index,
    /// For mdBook: run one of the book's preprocessors (book.toml registers them, so that plain
    /// `mdbook build` and `mdbook serve` fill the directives and render the formulas)
    ///
    /// mdBook sends the book as JSON on standard input and reads it back, transformed, on
    /// standard output.
    Preprocess {
        /// listings (the {{#…}} directives) or math (the $…$ formulas, rendered with KaTeX)
        #[arg(value_enum)]
        stage: StageArg,
        #[command(subcommand)]
        supports: Option<Supports>,
    },
}

/// One of the book's preprocessors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum StageArg {
    /// The directives that pull code, outputs, facts and figures from the chapter crates
    Listings,
    /// The formulas, rendered to HTML with KaTeX
    Math,
}

/// mdBook's question before a build.
#[derive(Debug, Subcommand, PartialEq, Eq)]
enum Supports {
    /// Exit 0 when the preprocessor supports the renderer (both support every renderer)
    Supports {
        /// The renderer mdBook asks about (html, markdown, …)
        renderer: String,
    },
}

fn main() -> ExitCode {
    // Usage errors exit with 2 and the usage; --help and --version exit with 0.
    let cli = Cli::parse();
    // Found at run time (never `env!`): a checkout moved or copied with its `target/` builds
    // itself, not the folder it was compiled in.
    let root = match book_workspace::workspace_root() {
        Ok(root) => root,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let command = cli.command.unwrap_or(Command::Serve { port: 3000 });
    let port = match command {
        Command::Index => {
            return match book_tools::index::index(&root) {
                Ok(text) => {
                    use std::io::Write;
                    // A closed pipe (`cargo book index | head`) is not an error.
                    let _ = std::io::stdout().lock().write_all(text.as_bytes());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::CheckStubs => {
            let problems = book_tools::stubs::check_stubs(&root);
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            return exit_code(problems.is_empty());
        }
        Command::Stubs { force } => {
            let report = book_tools::stubs::write_stubs(&root, force);
            let text = book_tools::stubs::describe(&root, &report);
            if report.is_success() {
                print!("{text}");
            } else {
                eprint!("{text}");
            }
            return exit_code(report.is_success());
        }
        Command::Preprocess { stage, supports } => {
            return run_preprocessor(stage, supports.is_some());
        }
        Command::Build => None,
        Command::Serve { port } => Some(port),
    };
    if let Some(port) = port {
        return match book_tools::serve(&root, port) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        };
    }
    match book_tools::build(&root) {
        Ok(output) => {
            println!("Built the book: {}", output.join("index.html").display());
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// What mdBook runs (see `book.toml`): with `supports <renderer>`, a yes (exit 0); otherwise the
/// preprocessor, from standard input to standard output.
fn run_preprocessor(stage: StageArg, only_asking_support: bool) -> ExitCode {
    if only_asking_support {
        return ExitCode::SUCCESS;
    }
    let stage = match stage {
        StageArg::Listings => book_tools::Stage::Listings,
        StageArg::Math => book_tools::Stage::Math,
    };
    match book_tools::preprocess(stage, std::io::stdin().lock(), std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn exit_code(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("cargo book").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn commands_and_options_parse() {
        assert_eq!(parse(&[]).unwrap().command, None);
        assert_eq!(
            parse(&["serve", "3001"]).unwrap().command,
            Some(Command::Serve { port: 3001 })
        );
        assert_eq!(
            parse(&["serve"]).unwrap().command,
            Some(Command::Serve { port: 3000 })
        );
        assert_eq!(
            parse(&["stubs", "--force"]).unwrap().command,
            Some(Command::Stubs { force: true })
        );
        assert_eq!(
            parse(&["check-stubs"]).unwrap().command,
            Some(Command::CheckStubs)
        );
        // What mdBook runs: the command of book.toml, then the same with `supports <renderer>`.
        assert_eq!(
            parse(&["preprocess", "listings"]).unwrap().command,
            Some(Command::Preprocess {
                stage: StageArg::Listings,
                supports: None
            })
        );
        assert_eq!(
            parse(&["preprocess", "math", "supports", "html"])
                .unwrap()
                .command,
            Some(Command::Preprocess {
                stage: StageArg::Math,
                supports: Some(Supports::Supports {
                    renderer: "html".to_string()
                })
            })
        );
        assert!(parse(&["preprocess", "maths"]).is_err());
        assert_eq!(parse(&["index"]).unwrap().command, Some(Command::Index));
    }

    #[test]
    fn help_is_not_an_error_and_mistakes_are_usage_errors() {
        assert_eq!(
            parse(&["--help"]).unwrap_err().kind(),
            ErrorKind::DisplayHelp
        );
        for wrong in [
            &["--nope"][..],
            &["build", "extra"],
            &["serve", "0"],
            &["serve", "http"],
            &["stubs", "--forse"],
            &["bulid"],
        ] {
            let error = parse(wrong).expect_err("a usage error");
            assert_eq!(error.exit_code(), 2, "{wrong:?}: {error}");
        }
    }

    #[test]
    fn every_command_and_option_is_described() {
        let help = Cli::command().render_long_help().to_string();
        for word in ["build", "serve", "stubs", "check-stubs", "index", "--help"] {
            assert!(help.contains(word), "{word} missing from:\n{help}");
        }
        for sub in Cli::command().get_subcommands() {
            assert!(sub.get_about().is_some(), "{} has no help", sub.get_name());
            for arg in sub.get_arguments() {
                assert!(
                    arg.get_help().is_some(),
                    "{} {} has no help",
                    sub.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
