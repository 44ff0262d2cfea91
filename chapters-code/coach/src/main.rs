//! `cargo coach`: your progress through the book's exercises, from running their tests.
//!
//! ```text
//! cargo coach            list every exercise (done / not done) and show the next one
//! cargo coach list       only the list
//! cargo coach run 1.2    run one exercise's tests and show the result
//! cargo coach hint [1.2] the hint of an exercise (default: the next unfinished one)
//! cargo coach watch      re-run whenever you save a stub (h + Enter: hint, q + Enter: quit)
//! cargo coach --timeout 10 run 1.2   stop a test after 10 s instead of 60
//! cargo coach reset 1.2  restore one stub to its untouched form (your version is kept as a backup)
//! ```
//!
//! `cargo coach --help` describes every command; `cargo coach <command> --help` its arguments.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use coach::{Exercise, Outcome, exercise};
use notify::{EventKind, RecursiveMode, Watcher};

/// Your progress through the book's exercises, from running their tests against your stubs
/// (there is no progress file).
///
/// Without a command, `cargo coach` is `cargo coach next`.
#[derive(Debug, Parser)]
#[command(name = "cargo coach", bin_name = "cargo coach", version)]
struct Cli {
    /// Stop a test that runs longer than this many seconds and report it as timed out (a stub
    /// with a loop that never ends)
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        default_value_t = coach::runner::DEFAULT_TIMEOUT.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..=86_400)
    )]
    timeout: u64,

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
    /// Re-run the tests of a stub's chapter whenever you save it, showing that exercise
    /// (h + Enter: hint, Enter: re-run all, q + Enter: quit)
    Watch,
    /// Restore one stub to its untouched form; your version is kept beside it as <stub>.bak
    Reset {
        /// The exercise: its number (1.2) or its stub's name (ex1_2)
        exercise: String,
    },
}

/// Lines of a test message shown under the current exercise.
const MESSAGE_LINES: usize = 14;

/// What every command works on.
struct Coach {
    root: PathBuf,
    exercises: Vec<Exercise>,
    timeout: Duration,
}

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
    let coach = Coach {
        root,
        exercises,
        timeout: Duration::from_secs(cli.timeout),
    };
    let result = match cli.command.unwrap_or(Command::Next) {
        Command::Next => coach.overview(true),
        Command::List => coach.overview(false),
        Command::Run { exercise } => coach.named(&exercise).and_then(|e| coach.run_one(e)),
        Command::Hint { exercise: None } => coach.next_unfinished().map(|e| coach.show_hints(&e)),
        Command::Hint {
            exercise: Some(name),
        } => coach.named(&name).map(|e| coach.show_hints(e)),
        Command::Watch => coach.watch(),
        Command::Reset { exercise } => coach.named(&exercise).and_then(|e| {
            print!("{}", coach::reset(&coach.root, e)?);
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

/// What the watch loop reacts to.
enum Event {
    /// A line typed on standard input.
    Key(String),
    /// A file in a watched `exercises/` folder was created or changed.
    Saved(PathBuf),
    /// The file watcher reported a problem.
    WatchError(String),
}

impl Coach {
    fn named(&self, name: &str) -> Result<&Exercise, String> {
        exercise::find(&self.exercises, name).ok_or_else(|| {
            let known: Vec<String> = self.exercises.iter().map(Exercise::id).collect();
            format!(
                "error: no exercise `{name}`; the exercises are {} (by number, or by stub name \
                 like ex1_1)",
                known.join(", ")
            )
        })
    }

    /// Every exercise's outcome, saying first what is about to happen.
    fn check_all(&self) -> Vec<(Exercise, Outcome)> {
        println!(
            "Checking your exercises: building each chapter's exercise tests against your stubs \
             (the first time compiles them, which can take a minute), then running each test \
             (one that runs over {} s is stopped)…",
            self.timeout.as_secs()
        );
        coach::check_all(&self.root, &self.exercises, self.timeout)
    }

    /// Lists every exercise and, with `show_next`, the result of the next unfinished one.
    fn overview(&self, show_next: bool) -> Result<bool, String> {
        let statuses = self.check_all();
        let next = show_next
            .then(|| first_unfinished(&statuses))
            .flatten()
            .cloned();
        print!("{}", screen(&statuses, next.as_ref(), show_next));
        if next.is_some() {
            println!("\n`cargo coach hint` for a hint, `cargo coach watch` to re-run on save.");
        }
        Ok(true)
    }

    fn run_one(&self, exercise: &Exercise) -> Result<bool, String> {
        println!(
            "Running the tests of Exercise {} against {}…",
            exercise.id(),
            exercise.stub.display()
        );
        let outcome = coach::check_one(&self.root, exercise, self.timeout);
        print!(
            "{}",
            coach::render_exercise(exercise, &outcome, MESSAGE_LINES)
        );
        if outcome.is_done() {
            print!(
                "\n{}",
                coach::render_done(exercise, coach::next_in_order(&self.exercises, exercise))
            );
        }
        Ok(outcome.is_done())
    }

    fn next_unfinished(&self) -> Result<Exercise, String> {
        first_unfinished(&self.check_all())
            .cloned()
            .ok_or_else(|| "Every exercise is done: no hint needed.".to_string())
    }

    fn show_hints(&self, exercise: &Exercise) -> bool {
        let hints = coach::hints_for(&self.root, exercise);
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

    /// The exercise whose stub is `path`, if it is one.
    fn exercise_of(&self, path: &Path) -> Option<&Exercise> {
        let chapter = path.parent()?.parent()?.file_name()?;
        self.exercises
            .iter()
            .find(|e| e.stub.file_name() == path.file_name() && *e.chapter == *chapter)
    }

    /// Re-runs the tests whenever a stub is saved (told by the operating system through a file
    /// watcher, not by polling): only the saved stub's chapter is re-run, and the screen shows
    /// the exercise being edited. When it turns done, the next one is named.
    fn watch(&self) -> Result<bool, String> {
        let (events, received) = mpsc::channel();
        let keys = events.clone();
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { break };
                if keys.send(Event::Key(line.trim().to_string())).is_err() {
                    break;
                }
            }
            // Standard input closed (not a terminal): keep watching the files.
        });
        let mut watcher =
            notify::recommended_watcher(move |result: notify::Result<notify::Event>| {
                let event = match result {
                    Ok(event) => event,
                    Err(error) => {
                        let _ = events.send(Event::WatchError(error.to_string()));
                        return;
                    }
                };
                if matches!(event.kind, EventKind::Create(_) | EventKind::Modify(_)) {
                    for path in event.paths {
                        let _ = events.send(Event::Saved(path));
                    }
                }
            })
            .map_err(|error| format!("error: cannot watch the stubs for changes: {error}"))?;
        let mut folders: Vec<PathBuf> = self
            .exercises
            .iter()
            .filter_map(|e| Some(self.root.join(e.stub.parent()?)))
            .collect();
        folders.dedup();
        for folder in &folders {
            watcher
                .watch(folder, RecursiveMode::NonRecursive)
                .map_err(|error| {
                    format!(
                        "error: cannot watch {} for changes: {error}",
                        folder.display()
                    )
                })?;
        }

        let mut statuses = self.check_all();
        let mut focus = first_unfinished(&statuses)
            .or_else(|| statuses.first().map(|(e, _)| e))
            .cloned();
        let mut note = String::new();
        draw(&statuses, focus.as_ref(), &note);
        let mut pending = std::collections::VecDeque::new();
        loop {
            let event = match pending.pop_front() {
                Some(event) => event,
                None => match received.recv() {
                    Ok(event) => event,
                    Err(_) => return Ok(true),
                },
            };
            match event {
                Event::Key(key) if key == "q" => return Ok(true),
                Event::Key(key) if key == "h" => {
                    if let Some(exercise) = &focus {
                        println!();
                        self.show_hints(exercise);
                    }
                }
                Event::Key(_) => {
                    statuses = self.check_all();
                    note.clear();
                    draw(&statuses, focus.as_ref(), &note);
                }
                Event::WatchError(error) => eprintln!("warning: file watcher: {error}"),
                Event::Saved(path) => {
                    // An editor's save is often several events: take them all, then run once.
                    let mut saved = vec![path];
                    while let Ok(event) = received.recv_timeout(Duration::from_millis(200)) {
                        match event {
                            Event::Saved(path) => saved.push(path),
                            other => pending.push_back(other),
                        }
                    }
                    let Some(edited) = saved.iter().rev().find_map(|p| self.exercise_of(p)) else {
                        continue; // a backup, an editor's temporary file, …
                    };
                    let edited = edited.clone();
                    let was_done = outcome_of(&statuses, &edited).is_some_and(Outcome::is_done);
                    println!(
                        "\n{} saved: running the tests of {}…",
                        edited.stub.display(),
                        edited.chapter
                    );
                    let fresh = coach::check_chapter(
                        &self.root,
                        &self.exercises,
                        &edited.chapter,
                        self.timeout,
                    );
                    for (exercise, outcome) in fresh {
                        if let Some(slot) = statuses.iter_mut().find(|(e, _)| *e == exercise) {
                            slot.1 = outcome;
                        }
                    }
                    note.clear();
                    focus = Some(edited.clone());
                    if !was_done && outcome_of(&statuses, &edited).is_some_and(Outcome::is_done) {
                        let next = next_unfinished_after(&statuses, &edited).cloned();
                        note = coach::render_done(&edited, next.as_ref());
                        focus = next.or(focus);
                    }
                    draw(&statuses, focus.as_ref(), &note);
                }
            }
        }
    }
}

fn first_unfinished(statuses: &[(Exercise, Outcome)]) -> Option<&Exercise> {
    statuses
        .iter()
        .find(|(_, outcome)| !outcome.is_done())
        .map(|(exercise, _)| exercise)
}

fn outcome_of<'a>(statuses: &'a [(Exercise, Outcome)], exercise: &Exercise) -> Option<&'a Outcome> {
    statuses
        .iter()
        .find(|(e, _)| e == exercise)
        .map(|(_, outcome)| outcome)
}

/// The first unfinished exercise after `exercise` in book order, else the first unfinished one.
fn next_unfinished_after<'a>(
    statuses: &'a [(Exercise, Outcome)],
    exercise: &Exercise,
) -> Option<&'a Exercise> {
    let at = statuses
        .iter()
        .position(|(e, _)| e == exercise)
        .unwrap_or(0);
    first_unfinished(&statuses[at..]).or_else(|| first_unfinished(statuses))
}

/// The list, then the exercise in focus (the next unfinished one, or in watch mode the one
/// being edited) with its tests' verdict.
fn screen(statuses: &[(Exercise, Outcome)], focus: Option<&Exercise>, show_next: bool) -> String {
    let mut text = format!("\nExercises\n\n{}", coach::render_list(statuses));
    if !show_next {
        return text;
    }
    match focus.and_then(|e| Some((e, outcome_of(statuses, e)?))) {
        Some((exercise, outcome)) => {
            text.push_str(if outcome.is_done() {
                "\nExercise: "
            } else {
                "\nNext up: "
            });
            text.push_str(&coach::render_exercise(exercise, outcome, MESSAGE_LINES));
        }
        None => text.push_str("\nEvery exercise is done. Well done!\n"),
    }
    text
}

fn draw(statuses: &[(Exercise, Outcome)], focus: Option<&Exercise>, note: &str) {
    // Clear the terminal, then draw the whole screen.
    print!("\x1b[2J\x1b[H{}", screen(statuses, focus, true));
    if !note.is_empty() {
        print!("\n{note}");
    }
    println!(
        "\nWatching the stubs: save one to re-run its chapter. h + Enter: hint, Enter: re-run \
         all, q + Enter: quit."
    );
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
        assert_eq!(parse(&[]).unwrap().timeout, 60);
        assert_eq!(parse(&["run", "1.1", "--timeout", "5"]).unwrap().timeout, 5);
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
            &["--timeout", "0"],
            &["--timeout", "soon"],
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
