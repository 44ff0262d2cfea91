//! The exercise coach, in the spirit of rustlings: it finds every exercise stub of the book,
//! runs its tests in learner mode, and tells the learner where they stand.
//!
//! Progress comes only from running the tests (`cargo test -p <chapter> --features learner
//! --test exercises`, each test in its own process with a time limit: see [`runner`]): there is
//! no progress file to edit. See [`exercise`] for the naming
//! convention that ties a stub to its tests, and [`hint`] for where hints come from.

pub mod exercise;
pub mod hint;
pub mod outcome;
pub mod runner;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use exercise::Exercise;
pub use outcome::{Outcome, TestResult, TestRun};

/// The workspace root, found at run time from `CARGO_MANIFEST_DIR` (set by `cargo run`) or the
/// current directory; see [`book_workspace::workspace_root`].
///
/// # Errors
/// When the coach is run outside the book's checkout.
pub fn workspace_root() -> Result<PathBuf, String> {
    book_workspace::workspace_root()
}

/// The outcome of every exercise, running each chapter's exercise tests once (each test in
/// its own process, stopped after `timeout`).
pub fn check_all(
    root: &Path,
    exercises: &[Exercise],
    timeout: Duration,
) -> Vec<(Exercise, Outcome)> {
    let mut runs: BTreeMap<&str, TestRun> = BTreeMap::new();
    exercises
        .iter()
        .map(|exercise| {
            let run = runs
                .entry(exercise.chapter.as_str())
                .or_insert_with(|| runner::run_chapter(root, &exercise.chapter, None, timeout));
            (exercise.clone(), run.outcome(exercise))
        })
        .collect()
}

/// The outcome of every exercise of `chapter` (and only of it), from one run of its tests.
pub fn check_chapter(
    root: &Path,
    exercises: &[Exercise],
    chapter: &str,
    timeout: Duration,
) -> Vec<(Exercise, Outcome)> {
    let mine: Vec<Exercise> = exercises
        .iter()
        .filter(|e| e.chapter == chapter)
        .cloned()
        .collect();
    check_all(root, &mine, timeout)
}

/// The outcome of one exercise, running only its own tests.
pub fn check_one(root: &Path, exercise: &Exercise, timeout: Duration) -> Outcome {
    let owned = |name: &str| exercise.owns_test(name);
    runner::run_chapter(root, &exercise.chapter, Some(&owned), timeout).outcome(exercise)
}

/// The exercise after `exercise` in book order (chapter, then number), if any.
pub fn next_in_order<'a>(exercises: &'a [Exercise], exercise: &Exercise) -> Option<&'a Exercise> {
    exercises
        .iter()
        .position(|e| e == exercise)
        .and_then(|at| exercises.get(at + 1))
}

/// The "done" moment: what to say when `exercise` has just turned done, naming `next` (the
/// exercise to do next, if any is left).
pub fn render_done(exercise: &Exercise, next: Option<&Exercise>) -> String {
    let next = match next {
        Some(next) => format!(
            "next is {}{}: edit {} (`cargo coach run {}`)",
            next.id(),
            if next.title.is_empty() {
                String::new()
            } else {
                format!(" ({})", next.title)
            },
            next.stub.display(),
            next.id()
        ),
        None => "that was the last one: every exercise is done. Well done!".to_string(),
    };
    format!("✓ Exercise {} done — {next}\n", exercise.id())
}

/// Restores the stub of `exercise` to the form its solution generates, after copying the
/// learner's version to a backup beside it; returns what to tell the learner.
///
/// # Errors
/// When the solution cannot be read or the backup or the stub cannot be written (the stub is
/// then left as it was), with the reason.
pub fn reset(root: &Path, exercise: &Exercise) -> Result<String, String> {
    use book_workspace::stubs::{Reset, StubFiles, reset_stub};
    let files = StubFiles::for_stub(&root.join(&exercise.stub));
    let stub = exercise.stub.display();
    Ok(match reset_stub(&files)? {
        Reset::AlreadyGenerated => {
            format!(
                "{stub} is already the untouched stub of Exercise {}: nothing to reset.\n",
                exercise.id()
            )
        }
        Reset::Created => format!("{stub} was missing: wrote the untouched stub.\n"),
        Reset::Restored { backup } => format!(
            "Reset Exercise {}: {stub} is the untouched stub again.\nYour version is saved in {} (copy from it whatever you want to keep).\n",
            exercise.id(),
            backup.strip_prefix(root).unwrap_or(&backup).display()
        ),
    })
}

/// The hints for an exercise, read from its chapter page.
pub fn hints_for(root: &Path, exercise: &Exercise) -> Vec<String> {
    std::fs::read_to_string(root.join(exercise.page()))
        .map(|page| hint::hints(&page, &exercise.id()))
        .unwrap_or_default()
}

/// The list of exercises with their status, one line each, and a progress line.
pub fn render_list(statuses: &[(Exercise, Outcome)]) -> String {
    let mut text = String::new();
    for (exercise, outcome) in statuses {
        let mark = if outcome.is_done() { "✓" } else { " " };
        text.push_str(&format!(
            "  [{mark}] {:<5} {:<28} {}\n",
            exercise.id(),
            outcome.label(),
            exercise.stub.display()
        ));
    }
    let done = statuses.iter().filter(|(_, o)| o.is_done()).count();
    text.push_str(&format!(
        "\nProgress: {done} of {} exercises done (from running their tests).\n",
        statuses.len()
    ));
    text
}

/// What to show for one exercise: its title, stub, and its tests' verdict (at most
/// `max_lines` lines of it, so it fits on one screen).
pub fn render_exercise(exercise: &Exercise, outcome: &Outcome, max_lines: usize) -> String {
    let mut text = format!(
        "{}\n  edit: {}\n  read: {} (section \"Exercise {}\")\n\n",
        if exercise.title.is_empty() {
            format!("Exercise {}", exercise.id())
        } else {
            exercise.title.clone()
        },
        exercise.stub.display(),
        exercise.page().display(),
        exercise.id()
    );
    match outcome {
        Outcome::Done => text.push_str("  ✓ done: every test of this exercise passes.\n"),
        Outcome::NoTests => text.push_str(&format!(
            "  no test found: name its tests `{}_…` in chapters-code/{}/tests/exercises.rs\n",
            exercise.test_prefix(),
            exercise.chapter
        )),
        other => {
            let lines: Vec<&str> = other.message().lines().collect();
            for line in lines.iter().take(max_lines) {
                text.push_str(&format!("  {line}\n"));
            }
            if lines.len() > max_lines {
                text.push_str(&format!(
                    "  … ({} more lines: run `cargo learn {}`)\n",
                    lines.len() - max_lines,
                    exercise.chapter
                ));
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(number: (u32, u32)) -> Exercise {
        Exercise {
            chapter: "ch01-loss-functions".into(),
            number,
            stub: format!(
                "chapters-code/ch01-loss-functions/exercises/ex{}_{}.rs",
                number.0, number.1
            )
            .into(),
            title: format!("Exercise {}.{}: something", number.0, number.1),
        }
    }

    #[test]
    fn the_list_shows_each_status_and_the_progress() {
        let list = render_list(&[
            (exercise((1, 1)), Outcome::Done),
            (exercise((1, 2)), Outcome::NotDone("not done yet".into())),
        ]);
        assert!(list.contains("[✓] 1.1   done "), "{list}");
        assert!(list.contains("[ ] 1.2   not done "), "{list}");
        assert!(list.contains("Progress: 1 of 2 exercises done"), "{list}");
    }

    #[test]
    fn the_done_moment_names_the_next_exercise() {
        let all = [exercise((1, 1)), exercise((1, 2))];
        let next = next_in_order(&all, &all[0]);
        assert_eq!(next, Some(&all[1]));
        assert_eq!(
            render_done(&all[0], next),
            "✓ Exercise 1.1 done — next is 1.2 (Exercise 1.2: something): edit \
             chapters-code/ch01-loss-functions/exercises/ex1_2.rs (`cargo coach run 1.2`)\n"
        );
        assert_eq!(next_in_order(&all, &all[1]), None);
        assert!(render_done(&all[1], None).contains("every exercise is done"));
    }

    #[test]
    fn reset_restores_the_stub_and_says_where_the_learners_version_is() {
        let dir = tempfile::tempdir().unwrap();
        let chapter = dir.path().join("chapters-code/ch01-loss-functions");
        std::fs::create_dir_all(chapter.join("src/solutions")).unwrap();
        std::fs::create_dir_all(chapter.join("exercises")).unwrap();
        std::fs::write(
            chapter.join("src/solutions/ex1_1.rs"),
            "fn f() -> u8 {\n    // SOLUTION\n    1\n    // END SOLUTION\n}\n",
        )
        .unwrap();
        let stub = chapter.join("exercises/ex1_1.rs");
        std::fs::write(&stub, "fn f() -> u8 {\n    2\n}\n").unwrap();
        let said = reset(dir.path(), &exercise((1, 1))).unwrap();
        assert!(
            said.contains(
                "Your version is saved in chapters-code/ch01-loss-functions/exercises/ex1_1.rs.bak"
            ),
            "{said}"
        );
        assert_eq!(
            std::fs::read_to_string(&stub).unwrap(),
            "fn f() -> u8 {\n    bookkit::not_done!()\n}\n"
        );
        assert_eq!(
            std::fs::read_to_string(chapter.join("exercises/ex1_1.rs.bak")).unwrap(),
            "fn f() -> u8 {\n    2\n}\n"
        );
        assert!(
            reset(dir.path(), &exercise((1, 1)))
                .unwrap()
                .contains("nothing to reset")
        );
    }

    #[test]
    fn a_long_message_is_cut_to_fit_the_screen() {
        let message = (1..=30).map(|i| format!("line {i}")).collect::<Vec<_>>();
        let shown = render_exercise(
            &exercise((1, 1)),
            &Outcome::DoesNotCompile(message.join("\n")),
            5,
        );
        assert!(shown.contains("line 5\n"));
        assert!(!shown.contains("line 6\n"));
        assert!(shown.contains("25 more lines: run `cargo learn ch01-loss-functions`"));
    }

    /// The convention holds in this workspace: every stub has tests named after it in its
    /// chapter's `tests/exercises.rs`, and every `exercise_…` test there names a stub.
    #[test]
    fn every_stub_has_tests_named_after_it() {
        let root = workspace_root().expect("the tests run inside the workspace");
        let exercises = exercise::discover(&root);
        assert!(!exercises.is_empty(), "no exercise stubs found");
        let mut problems = Vec::new();
        let mut chapters: Vec<&str> = exercises.iter().map(|e| e.chapter.as_str()).collect();
        chapters.dedup();
        for chapter in chapters {
            let path = root
                .join("chapters-code")
                .join(chapter)
                .join("tests/exercises.rs");
            let source = std::fs::read_to_string(&path).unwrap_or_default();
            let tests: Vec<&str> = source
                .split("#[test]")
                .skip(1)
                .filter_map(|rest| rest.split("fn ").nth(1))
                .filter_map(|rest| rest.split(['(', '<']).next())
                .filter(|name| name.starts_with("exercise_"))
                .collect();
            let mine: Vec<&Exercise> = exercises.iter().filter(|e| e.chapter == chapter).collect();
            for exercise in &mine {
                if !tests.iter().any(|t| exercise.owns_test(t)) {
                    problems.push(format!(
                        "{}: no test named `{}` or `{}_…` in {}",
                        exercise.stub.display(),
                        exercise.test_prefix(),
                        exercise.test_prefix(),
                        path.display()
                    ));
                }
            }
            for test in tests {
                if !mine.iter().any(|e| e.owns_test(test)) {
                    problems.push(format!(
                        "{}: test `{test}` is named after no stub in chapters-code/{chapter}/exercises/",
                        path.display()
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}
