//! `cargo coach`: your progress through the book's exercises, from running their tests.
//!
//! ```text
//! cargo coach            list every exercise (done / not done) and show the next one
//! cargo coach list       only the list
//! cargo coach run 1.2    run one exercise's tests and show the result
//! cargo coach hint [1.2] the hint of an exercise (default: the next unfinished one)
//! cargo coach watch      re-run whenever you save a stub (h + Enter: hint, q + Enter: quit)
//! cargo coach reset 1.2  restore one stub to its untouched form (your version is kept as a backup)
//! ```
//!
//! `cargo coach --help` describes every command; `cargo coach <command> --help` its arguments.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use clap::{Parser, Subcommand};
use coach::{Exercise, Outcome, exercise};

/// Your progress through the book's exercises, from running their tests against your stubs
/// (there is no progress file).
///
/// Without a command, `cargo coach` is `cargo coach next`.
#[derive(Debug, Parser)]
#[command(name = "cargo coach", bin_name = "cargo coach", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand, PartialEq, Eq)]
enum Command {
    /// List every exercise as done or not done, and show the next one to do (the default)
    Next,
    /// List every exercise as done or not done
    List,
    /// Run the tests of one exercise and show their verdict
    Run {
        /// The exercise: its number (1.2) or its stub's name (ex1_2)
        exercise: String,
    },
    /// Show the hints of an exercise, from its section of the book
    Hint {
        /// The exercise: its number (1.2) or its stub's name (ex1_2); default: the next
        /// unfinished one
        exercise: Option<String>,
    },
    /// Re-run the tests whenever you save a stub (h + Enter: hint, q + Enter: quit)
    Watch,
    /// Restore one stub to its untouched form; your version is kept beside it as <stub>.bak
    Reset {
        /// The exercise: its number (1.2) or its stub's name (ex1_2)
        exercise: String,
    },
}

/// Lines of a test message shown under the current exercise.
const MESSAGE_LINES: usize = 14;

fn main() -> ExitCode {
    // Usage errors exit with 2 and the usage; --help and --version exit with 0.
    let cli = Cli::parse();
    let root = match coach::workspace_root() {
        Ok(root) => root,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    let exercises = exercise::discover(&root);
    if exercises.is_empty() {
        eprintln!(
            "error: no exercise stubs found under {}/chapters-code/*/exercises/",
            root.display()
        );
        return ExitCode::FAILURE;
    }
    let result = match cli.command.unwrap_or(Command::Next) {
        Command::Next => overview(&root, &exercises, true),
        Command::List => overview(&root, &exercises, false),
        Command::Run { exercise } => named(&exercises, &exercise).and_then(|e| run_one(&root, e)),
        Command::Hint { exercise: None } => {
            next_unfinished(&root, &exercises).map(|e| show_hints(&root, &e))
        }
        Command::Hint {
            exercise: Some(name),
        } => named(&exercises, &name).map(|e| show_hints(&root, e)),
        Command::Watch => watch(&root, &exercises),
        Command::Reset { exercise } => named(&exercises, &exercise).and_then(|e| {
            print!("{}", coach::reset(&root, e)?);
            Ok(true)
        }),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn named<'a>(exercises: &'a [Exercise], name: &str) -> Result<&'a Exercise, String> {
    exercise::find(exercises, name).ok_or_else(|| {
        let known: Vec<String> = exercises.iter().map(Exercise::id).collect();
        format!(
            "error: no exercise `{name}`; the exercises are {}",
            known.join(", ")
        )
    })
}

/// Lists every exercise and, with `show_next`, the result of the next unfinished one.
fn overview(root: &Path, exercises: &[Exercise], show_next: bool) -> Result<bool, String> {
    println!("Checking your exercises (cargo test --features learner, one chapter at a time)…");
    let statuses = coach::check_all(root, exercises);
    print!("{}", screen(&statuses, show_next));
    if show_next && statuses.iter().any(|(_, outcome)| !outcome.is_done()) {
        println!("\n`cargo coach hint` for a hint, `cargo coach watch` to re-run on save.");
    }
    Ok(true)
}

fn screen(statuses: &[(Exercise, Outcome)], show_next: bool) -> String {
    let mut text = format!("\nExercises\n\n{}", coach::render_list(statuses));
    if !show_next {
        return text;
    }
    match statuses.iter().find(|(_, outcome)| !outcome.is_done()) {
        Some((exercise, outcome)) => {
            text.push_str("\nNext up: ");
            text.push_str(&coach::render_exercise(exercise, outcome, MESSAGE_LINES));
        }
        None => text.push_str("\nEvery exercise is done. Well done!\n"),
    }
    text
}

fn run_one(root: &Path, exercise: &Exercise) -> Result<bool, String> {
    let outcome = coach::check_one(root, exercise);
    print!(
        "{}",
        coach::render_exercise(exercise, &outcome, MESSAGE_LINES)
    );
    Ok(outcome.is_done())
}

fn next_unfinished(root: &Path, exercises: &[Exercise]) -> Result<Exercise, String> {
    coach::check_all(root, exercises)
        .into_iter()
        .find(|(_, outcome)| !outcome.is_done())
        .map(|(exercise, _)| exercise)
        .ok_or_else(|| "Every exercise is done: no hint needed.".to_string())
}

fn show_hints(root: &Path, exercise: &Exercise) -> bool {
    let hints = coach::hints_for(root, exercise);
    println!("Exercise {}: {}", exercise.id(), exercise.stub.display());
    if hints.is_empty() {
        println!(
            "\nNo hint in {} for this exercise yet: read its section there.",
            exercise.page().display()
        );
    }
    for (index, hint) in hints.iter().enumerate() {
        println!("\nHint {}:\n{hint}", index + 1);
    }
    true
}

/// The stubs' modification times, to notice a save.
fn stub_times(root: &Path, exercises: &[Exercise]) -> Vec<(PathBuf, Option<SystemTime>)> {
    exercises
        .iter()
        .map(|e| {
            let path = root.join(&e.stub);
            let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
            (path, modified)
        })
        .collect()
}

/// Re-runs the tests whenever a stub is saved (polling the files twice a second).
fn watch(root: &Path, exercises: &[Exercise]) -> Result<bool, String> {
    let (keys, typed) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if keys.send(line.trim().to_string()).is_err() {
                break;
            }
        }
    });
    let mut seen = stub_times(root, exercises);
    let mut statuses = refresh(root, exercises);
    loop {
        match typed.recv_timeout(Duration::from_millis(500)) {
            Ok(key) if key == "q" => return Ok(true),
            Ok(key) if key == "h" => {
                if let Some((exercise, _)) = statuses.iter().find(|(_, o)| !o.is_done()) {
                    println!();
                    show_hints(root, exercise);
                }
            }
            Ok(_) => statuses = refresh(root, exercises),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            // Standard input closed (not a terminal): keep watching the files.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                std::thread::sleep(Duration::from_millis(500));
            }
        }
        let now = stub_times(root, exercises);
        if now != seen {
            seen = now;
            statuses = refresh(root, exercises);
        }
    }
}

fn refresh(root: &Path, exercises: &[Exercise]) -> Vec<(Exercise, Outcome)> {
    println!("\nRunning the tests…");
    let statuses = coach::check_all(root, exercises);
    // Clear the terminal, then draw the whole screen.
    print!("\x1b[2J\x1b[H{}", screen(&statuses, true));
    println!("\nWatching the stubs: save one to re-run. h + Enter: hint, q + Enter: quit.");
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("cargo coach").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn commands_parse() {
        assert_eq!(parse(&[]).unwrap().command, None);
        assert_eq!(
            parse(&["run", "1.2"]).unwrap().command,
            Some(Command::Run {
                exercise: "1.2".into()
            })
        );
        assert_eq!(
            parse(&["hint"]).unwrap().command,
            Some(Command::Hint { exercise: None })
        );
        assert_eq!(
            parse(&["reset", "ex1_1"]).unwrap().command,
            Some(Command::Reset {
                exercise: "ex1_1".into()
            })
        );
    }

    #[test]
    fn help_is_not_an_error_and_mistakes_are_usage_errors() {
        assert_eq!(
            parse(&["--help"]).unwrap_err().kind(),
            ErrorKind::DisplayHelp
        );
        assert_eq!(
            parse(&["run", "--help"]).unwrap_err().kind(),
            ErrorKind::DisplayHelp
        );
        for wrong in [
            &["--nope"][..],
            &["list", "extra"],
            &["run"],
            &["run", "1.1", "1.2"],
            &["reset"],
            &["wach"],
        ] {
            let error = parse(wrong).expect_err("a usage error");
            assert_eq!(error.exit_code(), 2, "{wrong:?}: {error}");
        }
    }

    #[test]
    fn every_command_and_argument_is_described() {
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
