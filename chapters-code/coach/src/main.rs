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

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use coach::{Exercise, Outcome, exercise};

const USAGE: &str =
    "usage: cargo coach [list | run <exercise> | hint [<exercise>] | watch | reset <exercise>]
  <exercise> is its number (1.2) or its stub's name (ex1_2)";

/// Lines of a test message shown under the current exercise.
const MESSAGE_LINES: usize = 14;

fn main() -> ExitCode {
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        [] | ["next"] => overview(&root, &exercises, true),
        ["list"] => overview(&root, &exercises, false),
        ["run", name] => named(&exercises, name).and_then(|e| run_one(&root, e)),
        ["hint"] => next_unfinished(&root, &exercises).map(|e| show_hints(&root, &e)),
        ["hint", name] => named(&exercises, name).map(|e| show_hints(&root, e)),
        ["watch"] => watch(&root, &exercises),
        ["reset", name] => named(&exercises, name).and_then(|e| {
            print!("{}", coach::reset(&root, e)?);
            Ok(true)
        }),
        _ => Err(USAGE.to_string()),
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
